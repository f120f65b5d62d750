"""Migration 6: imported history is discussed history, marked imported by its seed_key."""

from bot.storage.migrations.migration import Migration

MIGRATION = Migration(
    6,
    "imported history is discussed history, marked imported by its seed_key",
    (
        # 'imported' was a status of its own, so whatever looked for discussed topics
        # (exports filtered by status, counts) left the seed history out. A topic is
        # imported when it has a seed_key; the status 'imported' is no longer written.
        "UPDATE topics SET status = 'discussed' WHERE status = 'imported'",
    ),
)
