"""Migration 8: the pinned agenda message of each room."""

from bot.storage.migrations.migration import Migration

MIGRATION = Migration(
    8,
    "the pinned agenda message of each room",
    (
        # One row per served room: the agenda's event (edited in place), whether it is
        # pinned or the room refused the pin, and the hash of the text last sent, so an
        # unchanged agenda is not edited again, across restarts. No user id is kept.
        """CREATE TABLE agenda_messages (
            room_id     TEXT PRIMARY KEY,
            event_id    TEXT NOT NULL,
            pinned      INTEGER NOT NULL DEFAULT 0,
            pin_refused INTEGER NOT NULL DEFAULT 0,
            text_hash   TEXT NOT NULL DEFAULT '',
            updated_at  TEXT NOT NULL
        )""",
    ),
)
