"""Migration 5: suggestions held back as near duplicates, so that sending one again adds it."""

from bot.storage.migrations.migration import Migration

MIGRATION = Migration(
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
)
