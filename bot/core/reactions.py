"""The `anchors` and `reactions` tables: which of the bot's messages stands for what (a
topic, a session's start), and the reactions people put on them. Read by the dispatcher,
which turns a reaction into the command it stands for, and by the sessions feature (a ✋
on a session's start message before the host came is a check-in)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiosqlite

from bot.core import privacy
from bot.core.model import Anchor
from bot.storage.store import Store


@dataclass(frozen=True)
class Reaction:
    """One reaction the bot acted on: `event_id` is the reaction's own event, `target`
    the anchored message it is on, `key` the emoji as normalised."""

    event_id: str
    user_id: str
    target: str
    key: str


async def anchor_of(store: Store, event_id: str) -> Anchor | None:
    row = await store.fetchone("SELECT kind, ref FROM anchors WHERE event_id = ?", (event_id,))
    return Anchor(row["kind"], row["ref"]) if row else None


async def record_anchor(store: Store, event_id: str, room_id: str, anchor: Anchor) -> None:
    """Called by a sender once an anchored reply has its event id."""
    await store.execute(
        "INSERT OR REPLACE INTO anchors (event_id, room_id, kind, ref) VALUES (?, ?, ?, ?)",
        (event_id, room_id, anchor.kind, anchor.ref),
    )


async def first_anchored(store: Store, anchor: Anchor, room_id: str) -> str | None:
    """The first message the bot anchored to `anchor` in `room_id`."""
    event_id: str | None = await store.fetchval(
        "SELECT event_id FROM anchors WHERE kind = ? AND ref = ? AND room_id = ? ORDER BY rowid LIMIT 1",
        (anchor.kind, anchor.ref, room_id),
    )
    return event_id


async def reaction_by(store: Store, event_id: str, user_id: str) -> Reaction | None:
    """The reaction `event_id`, if `user_id` made it and it did something."""
    row = await store.fetchone(
        "SELECT event_id, user_id, target, key FROM reactions WHERE event_id = ? AND user_id = ?", (event_id, user_id)
    )
    return Reaction(row["event_id"], row["user_id"], row["target"], row["key"]) if row else None


async def remember(store: Store, reaction: Reaction) -> bool:
    """Store a reaction; False when it was stored already (a redelivered event)."""
    return bool(
        await store.execute(
            "INSERT OR IGNORE INTO reactions (event_id, user_id, target, key) VALUES (?, ?, ?, ?)",
            (reaction.event_id, reaction.user_id, reaction.target, reaction.key),
        )
    )


async def forget(store: Store, event_id: str) -> None:
    await store.execute("DELETE FROM reactions WHERE event_id = ?", (event_id,))


async def reacted_with(db: aiosqlite.Connection, anchor: Anchor, key: str) -> list[str]:
    """Who put `key` on a message anchored to `anchor`, in the order they did (inside the
    caller's transaction)."""
    cursor = await db.execute(
        "SELECT r.user_id FROM reactions r JOIN anchors a ON a.event_id = r.target "
        "WHERE a.kind = ? AND a.ref = ? AND r.key = ? ORDER BY r.rowid",
        (anchor.kind, anchor.ref, key),
    )
    return [row[0] for row in await cursor.fetchall()]


async def latest_of_each(store: Store, anchor: Anchor, keys: tuple[str, ...]) -> dict[str, str]:
    """Each person's latest reaction among `keys` on the messages anchored to `anchor` (in
    every room), by person: a later 👎 replaces a 👍, and a reaction taken back no longer
    counts, so what is left is what the message shows."""
    marks = ", ".join("?" for _ in keys)
    rows = await store.fetchall(
        "SELECT r.user_id, r.key FROM reactions r JOIN anchors a ON a.event_id = r.target "
        f"WHERE a.kind = ? AND a.ref = ? AND r.key IN ({marks}) ORDER BY r.rowid",
        (anchor.kind, anchor.ref, *keys),
    )
    return {row[0]: row[1] for row in rows}


# --- !mydata and !forgetme ------------------------------------------------------------


async def _collect_person(store: Store, user_id: str) -> dict[str, Any]:
    return {
        "reactions": await privacy.rows(
            store, "SELECT event_id, target, key FROM reactions WHERE user_id = ? ORDER BY rowid", user_id
        )
    }


async def _erase_person(db: aiosqlite.Connection, who: privacy.Erasing) -> dict[str, Any]:
    cursor = await db.execute("DELETE FROM reactions WHERE user_id = ?", (who.user_id,))
    return {"reactions": cursor.rowcount}


privacy.register("reactions", _collect_person, _erase_person, holds=(privacy.Column("reactions", "user_id"),))
