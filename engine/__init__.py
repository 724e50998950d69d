"""itaku's engine: proposal models, loading, the rule catalog, evaluation on durable_rules."""
