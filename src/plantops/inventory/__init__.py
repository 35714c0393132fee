"""Stock: locations, lots, the stock-move ledger, balances, what orders need."""
