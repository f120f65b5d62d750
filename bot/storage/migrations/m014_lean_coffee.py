"""Migration 14: Lean Coffee, live. A topic discussed with a timebox keeps its minutes; the
`discussions` table holds each topic taken up with `!discuss` (at most one current: not
closed), its timebox, its extensions and its vote to go on; `discussion_posts` records each
message the bot posts on its own about them, written 'sending' before the send and 'sent'
after it (or 'skipped'), so that each is posted exactly once across restarts."""

from bot.storage.migrations.migration import Migration

MIGRATION = Migration(
    14,
    "Lean Coffee: discussions with timeboxes and votes to go on; minutes per topic",
    (
        # NULL: marked discussed without a timebox (`!discussed` alone, or before Lean Coffee).
        "ALTER TABLE topics ADD COLUMN minutes INTEGER",
        """CREATE TABLE discussions (
            id             INTEGER PRIMARY KEY,
            session        TEXT NOT NULL,
            topic_id       INTEGER NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
            started_by     TEXT,
            started_at     TEXT NOT NULL,
            -- the timebox's end; NULL while no timebox runs (!timer off, a vote skipped)
            ends_at        TEXT,
            -- how many of lean_coffee.extensions were granted
            extended       INTEGER NOT NULL DEFAULT 0,
            -- votes to go on opened so far; the open one is this number
            round          INTEGER NOT NULL DEFAULT 0,
            -- while a vote to go on is open: when it closes
            vote_closes_at TEXT,
            closed_at      TEXT,
            minutes        INTEGER
        )""",
        # At most one topic is being discussed at a time.
        "CREATE UNIQUE INDEX discussions_current ON discussions ((closed_at IS NULL)) WHERE closed_at IS NULL",
        "CREATE INDEX discussions_by_session ON discussions (session, topic_id)",
        """CREATE TABLE discussion_posts (
            discussion_id INTEGER NOT NULL REFERENCES discussions (id) ON DELETE CASCADE,
            round         INTEGER NOT NULL,
            kind          TEXT NOT NULL,
            room_id       TEXT NOT NULL,
            status        TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'skipped')),
            event_id      TEXT,
            at            TEXT NOT NULL,
            -- the count of the vote to go on a result post reports
            up            INTEGER,
            down          INTEGER,
            PRIMARY KEY (discussion_id, round, kind, room_id)
        ) WITHOUT ROWID""",
        "CREATE INDEX discussion_posts_pending ON discussion_posts (status) WHERE status = 'sending'",
    ),
)
