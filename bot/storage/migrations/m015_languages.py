"""Migration 15: each person's language (`!lang`), the language the bot answers them in and
writes to them in; NULL: they chose none, so they read the rooms' (conference.language)."""

from bot.storage.migrations.migration import Migration

MIGRATION = Migration(
    15,
    "each person's language of replies and direct messages",
    ("ALTER TABLE users ADD COLUMN language TEXT",),
)
