"""Migration 10: an index of the topics' words, so that !suggest's near-duplicate check
compares a new suggestion with a handful of topics, not with all of them."""

from bot.storage.migrations.migration import Migration

MIGRATION = Migration(
    10,
    "an index of the topics' content words for the near-duplicate check",
    (
        # Keys a topic can be found by (bot/features/topics/index.py, topic_keys):
        # its letters without spaces, the first letters of its content words, its content
        # words and each two neighbouring words written as one. They are worked out by the
        # topics feature, in Python, from `norm`: it fills this table for the topics that
        # have `keyed` NULL (all of them after this migration, and any row written without
        # it) before it next looks for a duplicate, and again for all when its rule changes.
        "ALTER TABLE topics ADD COLUMN keyed INTEGER",
        """CREATE TABLE topic_keys (
            key      TEXT NOT NULL,
            topic_id INTEGER NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
            PRIMARY KEY (key, topic_id)
        ) WITHOUT ROWID""",
        "CREATE INDEX topics_unkeyed ON topics (id) WHERE keyed IS NULL",
        # !suggest's check for a topic with the very same words, in its insert.
        "CREATE INDEX topics_by_norm ON topics (norm)",
    ),
)
