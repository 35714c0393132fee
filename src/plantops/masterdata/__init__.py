"""Master data: calendars, work centers, items, BOMs, routings, reason codes."""
