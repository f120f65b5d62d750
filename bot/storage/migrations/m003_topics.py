"""Migration 3: topics and votes."""

from bot.storage.migrations.migration import Migration

MIGRATION = Migration(
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
)
