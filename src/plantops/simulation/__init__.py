"""The plant simulation: a pure discrete-event model (engine, model, robustness) and the
adapters that feed it from the database and post what it makes happen as shop-floor events."""
