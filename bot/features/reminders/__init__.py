"""Reminders: people who asked with `!remind` get a direct message before the sessions they
chose, exactly once (the reminder service, run by the announcer's scheduler), and the tables
that record the choice and what was sent (repository)."""
