"""The framework and the shared value types: configuration, clock, messages and replies,
safe text, the command registry and dispatcher, time zones, rate limits and logging.
Core imports no feature, no storage detail beyond what the dispatcher hands on, and no nio."""
