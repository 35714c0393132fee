"""Organisation: regions, sites, areas."""
