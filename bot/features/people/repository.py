"""A person's profile, the `users` table: the time zone they set with !timezone, the
language they chose with !lang, and the display name the bot last saw them use, from
which names.py names them in its messages and in the readable exports. The only SQL touching the table is here."""

from __future__ import annotations

from typing import Any

import aiosqlite

from bot.core import privacy
from bot.storage.store import Store


async def get_timezone(store: Store, user_id: str) -> str | None:
    timezone: str | None = await store.fetchval("SELECT timezone FROM users WHERE user_id = ?", (user_id,))
    return timezone


async def timezones(store: Store) -> dict[str, str]:
    """Everyone's time zone, of those who set one (one query for a burst of reminders)."""
    rows = await store.fetchall("SELECT user_id, timezone FROM users WHERE timezone IS NOT NULL")
    return {r["user_id"]: r["timezone"] for r in rows}


async def set_timezone(store: Store, user_id: str, timezone: str | None) -> None:
    """Set, or with None clear, the person's time zone."""
    await store.execute(
        "INSERT INTO users (user_id, timezone) VALUES (?, ?) "
        "ON CONFLICT (user_id) DO UPDATE SET timezone = excluded.timezone",
        (user_id, timezone),
    )


async def get_language(store: Store, user_id: str) -> str | None:
    """The code of the language the person chose (`pt-BR`), None if they chose none."""
    language: str | None = await store.fetchval("SELECT language FROM users WHERE user_id = ?", (user_id,))
    return language


async def languages(store: Store) -> dict[str, str]:
    """Everyone's language, of those who chose one (one query for a burst of reminders)."""
    rows = await store.fetchall("SELECT user_id, language FROM users WHERE language IS NOT NULL")
    return {r["user_id"]: r["language"] for r in rows}


async def set_language(store: Store, user_id: str, language: str | None) -> None:
    """Set, or with None clear, the person's language (its code)."""
    await store.execute(
        "INSERT INTO users (user_id, language) VALUES (?, ?) "
        "ON CONFLICT (user_id) DO UPDATE SET language = excluded.language",
        (user_id, language),
    )


async def display_name(store: Store, user_id: str) -> str | None:
    """The display name as the bot saw it last (raw: names.py's `name_of` is how to show it)."""
    name: str | None = await store.fetchval("SELECT display_name FROM users WHERE user_id = ?", (user_id,))
    return name


async def remember_display_name(store: Store, user_id: str, name: str) -> None:
    await store.execute(
        "INSERT INTO users (user_id, display_name) VALUES (?, ?) "
        "ON CONFLICT (user_id) DO UPDATE SET display_name = excluded.display_name "
        "WHERE display_name IS NOT excluded.display_name",
        (user_id, name),
    )


async def display_names(store: Store) -> dict[str, str]:
    """Everyone's display name as the bot saw it last (raw), by user ID; people with none are left out."""
    rows = await store.fetchall("SELECT user_id, display_name FROM users WHERE display_name IS NOT NULL")
    return {r["user_id"]: r["display_name"] for r in rows}


# --- !mydata and !forgetme ------------------------------------------------------------


async def _collect_person(store: Store, user_id: str) -> dict[str, Any]:
    return {
        "timezone": await get_timezone(store, user_id),
        "language": await get_language(store, user_id),
        "display_name": await display_name(store, user_id),
    }


async def _erase_person(db: aiosqlite.Connection, who: privacy.Erasing) -> dict[str, Any]:
    """The profile goes; `profile` names what it held ("time zone", "language", "display name")."""
    cursor = await db.execute("SELECT timezone, language, display_name FROM users WHERE user_id = ?", (who.user_id,))
    row = await cursor.fetchone()
    await db.execute("DELETE FROM users WHERE user_id = ?", (who.user_id,))
    held = zip(("time zone", "language", "display name"), row or (), strict=False)
    return {"profile": tuple(label for label, value in held if value)}


privacy.register("profile", _collect_person, _erase_person, holds=(privacy.Column("users", "user_id"),))
