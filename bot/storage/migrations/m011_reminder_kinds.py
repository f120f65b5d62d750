"""Migration 11: a person's cancellation and 'takes place after all' messages of a session
are rows of their own beside its reminder, so that a session cancelled after the reminder
went out still sends its cancellation, and one lifted after that sends the news."""

from bot.storage.migrations.migration import Migration

MIGRATION = Migration(
    11,
    "reminders by direct message: one row per person, session, lead and kind",
    (
        """CREATE TABLE reminders_sent_new (
            user_id  TEXT NOT NULL,
            session  TEXT NOT NULL,
            lead     TEXT NOT NULL,
            kind     TEXT NOT NULL,
            status   TEXT NOT NULL,
            event_id TEXT,
            at       TEXT NOT NULL,
            PRIMARY KEY (user_id, session, lead, kind)
        )""",
        "INSERT INTO reminders_sent_new SELECT user_id, session, lead, kind, status, event_id, at FROM reminders_sent",
        "DROP TABLE reminders_sent",
        "ALTER TABLE reminders_sent_new RENAME TO reminders_sent",
        "CREATE INDEX reminders_sent_by_status ON reminders_sent (status, at)",
        "CREATE INDEX reminders_sent_by_session ON reminders_sent (session, kind)",
    ),
)
