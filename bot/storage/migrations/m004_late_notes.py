"""Migration 4: notes from people who said they would come late (!late)."""

from bot.storage.migrations.migration import Migration

MIGRATION = Migration(
    4,
    "notes from people who said they would come late (!late)",
    (
        # One note per person per session (a second !late replaces it): posted in the
        # session's thread when it opens, and listed in the summary. !mydata / !forgetme.
        """CREATE TABLE late_notes (
            session TEXT NOT NULL,
            user_id TEXT NOT NULL,
            note    TEXT NOT NULL DEFAULT '',
            at      TEXT NOT NULL,
            PRIMARY KEY (session, user_id)
        )""",
        "CREATE INDEX late_notes_by_user ON late_notes (user_id)",
    ),
)
