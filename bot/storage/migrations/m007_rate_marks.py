"""Migration 7: what the hourly suggestion limit keeps of a person who asked to be forgotten."""

from bot.storage.migrations.migration import Migration

MIGRATION = Migration(
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
)
