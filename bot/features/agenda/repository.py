"""The `agenda_messages` table: per served room, the agenda's event (edited in place),
whether it is pinned or the room refused the pin, and the hash of the text last sent.
The only SQL touching the table is here. It names no person, so `!mydata` and
`!forgetme` have nothing to do with it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.core.clock import iso, parse_iso
from bot.storage.store import Store


@dataclass(frozen=True)
class AgendaMessage:
    room_id: str
    event_id: str
    pinned: bool
    pin_refused: bool  # the bot may not pin in this room (its power level is too low)
    text_hash: str
    updated_at: dt.datetime


_COLUMNS = "room_id, event_id, pinned, pin_refused, text_hash, updated_at"


async def agenda_of(store: Store, room_id: str) -> AgendaMessage | None:
    row = await store.fetchone(f"SELECT {_COLUMNS} FROM agenda_messages WHERE room_id = ?", (room_id,))
    if row is None:
        return None
    return AgendaMessage(
        row["room_id"],
        row["event_id"],
        bool(row["pinned"]),
        bool(row["pin_refused"]),
        row["text_hash"],
        parse_iso(row["updated_at"]),
    )


async def all_agendas(store: Store) -> list[AgendaMessage]:
    rows = await store.fetchall("SELECT room_id FROM agenda_messages ORDER BY room_id")
    found = [await agenda_of(store, r["room_id"]) for r in rows]
    return [a for a in found if a is not None]


async def posted(store: Store, room_id: str, event_id: str, digest: str, at: dt.datetime) -> None:
    """A new agenda message in `room_id` (replacing any earlier one), not pinned yet."""
    await store.execute(
        "INSERT INTO agenda_messages (room_id, event_id, pinned, pin_refused, text_hash, updated_at) "
        "VALUES (?, ?, 0, 0, ?, ?) ON CONFLICT (room_id) DO UPDATE SET event_id = excluded.event_id, "
        "pinned = 0, pin_refused = 0, text_hash = excluded.text_hash, updated_at = excluded.updated_at",
        (room_id, event_id, digest, iso(at)),
    )


async def edited(store: Store, room_id: str, digest: str, at: dt.datetime) -> None:
    await store.execute(
        "UPDATE agenda_messages SET text_hash = ?, updated_at = ? WHERE room_id = ?", (digest, iso(at), room_id)
    )


async def pin_state(store: Store, room_id: str, *, pinned: bool, refused: bool) -> None:
    await store.execute(
        "UPDATE agenda_messages SET pinned = ?, pin_refused = ? WHERE room_id = ?",
        (int(pinned), int(refused), room_id),
    )
