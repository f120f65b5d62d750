"""Reminders: people who asked with `!remind` get a direct message before the sessions they
chose, exactly once (the reminder service, run by the announcer's scheduler; its rule of what
is due also names a person's next reminder); what each person chose, slot by slot (choices);
and the tables that record the choice and what was sent (repository)."""
