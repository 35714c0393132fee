"""Planning: customers and demand (MRP and plan runs come with their own issue)."""
