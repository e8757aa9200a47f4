"""Data-driven action (spec/insight.md): the demand forecast per grid × category ×
month with its backtest against two baselines (:mod:`.forecast`) and the suggestions
drawn from the numbers (:mod:`.suggest`)."""
