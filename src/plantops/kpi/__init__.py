"""Performance analysis: ISO 22400-2 elements and KPIs, OEE and its loss tree, reports."""
