"""Migration 1: foundation: key/value state, users, inbox of received events."""

from bot.storage.migrations.migration import Migration

MIGRATION = Migration(
    1,
    "foundation: key/value state, users, inbox of received events",
    (
        """CREATE TABLE meta (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        )""",
        """CREATE TABLE users (
            user_id      TEXT PRIMARY KEY,
            timezone     TEXT,
            display_name TEXT
        )""",
        # Events are written here in the same transaction as the sync token that
        # delivered them, and marked done once handled: a crash in between neither
        # loses nor repeats a command.
        """CREATE TABLE inbox (
            seq         INTEGER PRIMARY KEY AUTOINCREMENT,
            event_id    TEXT NOT NULL UNIQUE,
            room_id     TEXT NOT NULL,
            kind        TEXT NOT NULL,
            payload     TEXT NOT NULL,
            received_at TEXT NOT NULL,
            done_at     TEXT
        )""",
        "CREATE INDEX inbox_pending ON inbox (done_at, seq)",
    ),
)
