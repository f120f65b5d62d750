"""The database schema, as one numbered list of migrations.

Each migration runs in its own transaction together with the bump of `user_version`,
so a failure half-way leaves the database at the previous version. Never edit a
migration that has shipped; append a new one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
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
    ),
    Migration(
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
    ),
    Migration(
        3,
        "topics and votes",
        (
            # status: 'open' (suggested, votable), 'discussed' (in `session`), 'withdrawn',
            # 'imported' (history from the seed file, no session). suggested_by and
            # suggested_name are NULL for imported topics and once the suggester is forgotten.
            # norm is the text reduced to lower-case words, for duplicate checks; seed_key
            # names a seed entry so that importing twice never duplicates it.
            """CREATE TABLE topics (
                id             INTEGER PRIMARY KEY,
                text           TEXT NOT NULL,
                norm           TEXT NOT NULL,
                suggested_by   TEXT,
                suggested_name TEXT,
                suggested_at   TEXT,
                status         TEXT NOT NULL DEFAULT 'open'
                               CHECK (status IN ('open', 'discussed', 'withdrawn', 'imported')),
                session        TEXT,
                note           TEXT,
                discussed_at   TEXT,
                withdrawn_at   TEXT,
                seed_key       TEXT UNIQUE
            )""",
            # !topics: the open ones in order of suggestion; !history: discussed by date.
            "CREATE INDEX topics_by_status ON topics (status, suggested_at, id)",
            "CREATE INDEX topics_discussed ON topics (status, discussed_at)",
            # The hourly suggestion limit, and !mydata / !forgetme.
            "CREATE INDEX topics_by_suggester ON topics (suggested_by, suggested_at)",
            # The primary key counts a topic's votes from the index alone.
            """CREATE TABLE votes (
                topic_id INTEGER NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
                user_id  TEXT NOT NULL,
                voted_at TEXT NOT NULL,
                PRIMARY KEY (topic_id, user_id)
            ) WITHOUT ROWID""",
            # A person's votes: the dot-voting budget, !mydata / !forgetme.
            "CREATE INDEX votes_by_user ON votes (user_id, topic_id)",
        ),
    ),
    Migration(
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
    ),
    Migration(
        5,
        "suggestions held back as near duplicates, so that sending one again adds it",
        (
            # One row per person and suggestion (its normalised words) that !suggest held
            # back, for INSIST_WINDOW: the same again from the same person adds it. Rows
            # older than that are deleted when the next one is written; !mydata shows them,
            # !forgetme erases them.
            """CREATE TABLE held_suggestions (
                user_id TEXT NOT NULL,
                norm    TEXT NOT NULL,
                text    TEXT NOT NULL,
                held_at TEXT NOT NULL,
                PRIMARY KEY (user_id, norm)
            )""",
        ),
    ),
    Migration(
        6,
        "imported history is discussed history, marked imported by its seed_key",
        (
            # 'imported' was a status of its own, so whatever looked for discussed topics
            # (exports filtered by status, counts) left the seed history out. A topic is
            # imported when it has a seed_key; the status 'imported' is no longer written.
            "UPDATE topics SET status = 'discussed' WHERE status = 'imported'",
        ),
    ),
    Migration(
        7,
        "what the hourly suggestion limit keeps of a person who asked to be forgotten",
        (
            # !forgetme unattributes a person's topics, which the hourly limit counted: their
            # suggestions of the last hour are kept here as a keyed hash of the user id (the
            # key is this database's own, made here), and only until the hour is over.
            """CREATE TABLE rate_marks (
                mark TEXT NOT NULL,
                at   TEXT NOT NULL
            )""",
            "CREATE INDEX rate_marks_by_mark ON rate_marks (mark, at)",
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('rate_mark_key', lower(hex(randomblob(32))))",
        ),
    ),
)
