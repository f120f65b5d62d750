"""Migration 13: a reminder setting per slot, so that `!remind 08:00 1h` and
`!remind 17:00 30m` both hold. Each person's one row (their slots joined by '; ', or '*' for
all, and one lead) becomes one row per slot with that lead; '*' stays one row, which covers
every slot without a row of its own (the configured slots are not known here, and "every
session" should still mean a slot added later)."""

import aiosqlite

from bot.storage.migrations.migration import Migration


async def _one_row_per_slot(db: aiosqlite.Connection) -> None:
    cursor = await db.execute("SELECT user_id, slots, lead_seconds, set_at FROM reminder_settings ORDER BY rowid")
    for user_id, slots, lead_seconds, set_at in await cursor.fetchall():
        for slot in dict.fromkeys(slots.split("; ")):
            await db.execute(
                "INSERT INTO reminder_settings_new (user_id, slot, lead_seconds, set_at) VALUES (?, ?, ?, ?)",
                (user_id, slot, lead_seconds, set_at),
            )
    await db.execute("DROP TABLE reminder_settings")
    await db.execute("ALTER TABLE reminder_settings_new RENAME TO reminder_settings")


MIGRATION = Migration(
    13,
    "reminders by direct message: one setting per person and slot",
    (
        # `slot`: the configured slot, "Thursday 08:00" in the conference zone, or '*' for
        # every slot that has no row of its own.
        """CREATE TABLE reminder_settings_new (
            user_id      TEXT NOT NULL,
            slot         TEXT NOT NULL,
            lead_seconds INTEGER NOT NULL,
            set_at       TEXT NOT NULL,
            PRIMARY KEY (user_id, slot)
        )""",
    ),
    run=_one_row_per_slot,
)
