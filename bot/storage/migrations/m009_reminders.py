"""Migration 9: the people who asked for reminders by direct message, and the reminders sent."""

from bot.storage.migrations.migration import Migration

MIGRATION = Migration(
    9,
    "reminders by direct message: who asked for them, and which were sent",
    (
        # One row per person who asked (`!remind`): the slots ('*' for all, else the
        # configured slots, "Thursday 08:00", joined by '; ') and the lead in seconds.
        """CREATE TABLE reminder_settings (
            user_id      TEXT PRIMARY KEY,
            slots        TEXT NOT NULL,
            lead_seconds INTEGER NOT NULL,
            set_at       TEXT NOT NULL
        )""",
        # One row per (person, session, lead): written 'sending' before the send, then
        # 'sent' with the event id, or 'skipped'. `kind` says whether it was the reminder
        # or the cancellation of the session.
        """CREATE TABLE reminders_sent (
            user_id  TEXT NOT NULL,
            session  TEXT NOT NULL,
            lead     TEXT NOT NULL,
            kind     TEXT NOT NULL,
            status   TEXT NOT NULL,
            event_id TEXT,
            at       TEXT NOT NULL,
            PRIMARY KEY (user_id, session, lead)
        )""",
        "CREATE INDEX reminders_sent_by_status ON reminders_sent (status, at)",
    ),
)
