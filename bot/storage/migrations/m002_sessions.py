"""Migration 2: sessions, schedule state, and what sent messages stand for."""

from bot.storage.migrations.migration import Migration

MIGRATION = Migration(
    2,
    "sessions, schedule state, and what sent messages stand for",
    (
        # A session is named by its local date and time in the conference zone
        # ('2026-11-26 08:00'), the same name in every command and export.
        """CREATE TABLE sessions (
            key        TEXT PRIMARY KEY,
            starts_at  TEXT NOT NULL,
            started_by TEXT,
            started_at TEXT,
            ended_at   TEXT,
            ended_by   TEXT,
            auto_ended INTEGER NOT NULL DEFAULT 0
        )""",
        """CREATE TABLE session_threads (
            session  TEXT NOT NULL,
            room_id  TEXT NOT NULL,
            event_id TEXT NOT NULL,
            PRIMARY KEY (session, room_id)
        )""",
        # target is a session key, or a date 'YYYY-MM-DD' for a whole day.
        """CREATE TABLE cancellations (
            target       TEXT PRIMARY KEY,
            reason       TEXT NOT NULL DEFAULT '',
            cancelled_by TEXT NOT NULL,
            cancelled_at TEXT NOT NULL
        )""",
        # One row per (session, lead, room): the record that makes each announcement
        # go out exactly once. status: 'sending' (written before the send), 'sent', 'skipped'.
        """CREATE TABLE announcements (
            session  TEXT NOT NULL,
            lead     TEXT NOT NULL,
            room_id  TEXT NOT NULL,
            status   TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'skipped')),
            event_id TEXT,
            at       TEXT NOT NULL,
            PRIMARY KEY (session, lead, room_id)
        )""",
        """CREATE TABLE volunteers (
            session TEXT NOT NULL,
            user_id TEXT NOT NULL,
            at      TEXT NOT NULL,
            PRIMARY KEY (session, user_id)
        )""",
        """CREATE TABLE attendance (
            session       TEXT NOT NULL,
            user_id       TEXT NOT NULL,
            checked_in_at TEXT NOT NULL,
            via           TEXT NOT NULL,
            PRIMARY KEY (session, user_id)
        )""",
        # A message the bot sent that stands for something (Reply.anchor), so that
        # reactions to it mean something: ('topic', '12'), ('session', '2026-11-26 08:00').
        """CREATE TABLE anchors (
            event_id TEXT PRIMARY KEY,
            room_id  TEXT NOT NULL,
            kind     TEXT NOT NULL,
            ref      TEXT NOT NULL
        )""",
        # Reactions that did something, so that redacting one undoes exactly that.
        """CREATE TABLE reactions (
            event_id TEXT PRIMARY KEY,
            user_id  TEXT NOT NULL,
            target   TEXT NOT NULL,
            key      TEXT NOT NULL
        )""",
    ),
)
