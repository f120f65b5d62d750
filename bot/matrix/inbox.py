"""The durable inbox: every event the bot is to handle, written in the same transaction as
the sync token that delivered it and marked done once handled, so that a crash in between
neither loses nor repeats a command. The only SQL touching the `inbox` table is here, and
so is the layout of its JSON payload: `sender`, `ts` (the event's server time, in ms) and
the fields of its kind (KIND_FIELDS). It registers its part of `!mydata` and `!forgetme`
(bot/core/privacy.py): the commands handled from a person, deleted on erasure.

A redaction takes what it redacts out of the inbox (handled or not), and is itself deleted
once handled: handling one again does nothing, so it needs no record against a redelivery."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

import aiosqlite

from bot.core import privacy
from bot.core.clock import iso
from bot.storage.store import Store

MESSAGE, REACTION, REDACTION = "message", "reaction", "redaction"
# A message's `addressed` is there (true) only on one kept because it asks the bot
# something without being a command (bot/core/addressing.py).
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    MESSAGE: ("body", "thread_root", "sender_name", "addressed"),
    REACTION: ("target", "key", "sender_name"),
    REDACTION: ("redacts",),
}


def message(
    sender: str, ts: int, body: str, thread_root: str | None, sender_name: str | None, addressed: bool = False
) -> str:
    extra = {"addressed": True} if addressed else {}
    return _payload(sender, ts, body=body, thread_root=thread_root, sender_name=sender_name, **extra)


def reaction(sender: str, ts: int, target: str, key: str, sender_name: str | None) -> str:
    return _payload(sender, ts, target=target, key=key, sender_name=sender_name)


def redaction(sender: str, ts: int, redacts: str) -> str:
    return _payload(sender, ts, redacts=redacts)


def _payload(sender: str, ts: int, **fields: Any) -> str:
    return json.dumps({"sender": sender, "ts": ts, **fields})


def sender_of(payload: str) -> str:
    return str(json.loads(payload).get("sender", ""))


@dataclass(frozen=True)
class Entry:
    """A row of the inbox with its payload read: `fields` holds those of its kind (a row
    blanked by `!forgetme` in earlier versions has none, and no sender)."""

    seq: int
    event_id: str
    room_id: str
    kind: str
    sender: str
    ts: int | None
    fields: dict[str, Any]
    received_at: str

    @property
    def at(self) -> dt.datetime | None:
        return dt.datetime.fromtimestamp(self.ts / 1000, dt.UTC) if self.ts is not None else None


def _entry(row: Any) -> Entry:
    data = json.loads(row["payload"])
    ts = data.pop("ts", None)
    return Entry(
        seq=row["seq"],
        event_id=row["event_id"],
        room_id=row["room_id"],
        kind=row["kind"],
        sender=str(data.pop("sender", "")),
        ts=ts if isinstance(ts, int) else None,
        fields=data,
        received_at=row["received_at"],
    )


_ROW = "SELECT seq, event_id, room_id, kind, payload, received_at FROM inbox"


# --- the adapter's queue ----------------------------------------------------------------


Moderators = Collection[tuple[str, str]]


async def add(
    db: aiosqlite.Connection,
    events: Iterable[tuple[str, str, str, str]],
    now: dt.datetime,
    moderators: Moderators = (),
) -> list[tuple[str, str, int]]:
    """Write (event_id, room_id, kind, payload) events inside the caller's transaction;
    returns (room_id, sender, seq) of those not seen before. A redaction takes the event it
    redacts out of the inbox if its sender sent that event or is one of the `moderators`
    ((room_id, user_id): may redact anyone's events in that room)."""
    new: list[tuple[str, str, int]] = []
    for event_id, room_id, kind, payload in events:
        cursor = await db.execute(_ADD, (event_id, room_id, kind, payload, iso(now)))
        if cursor.rowcount and cursor.lastrowid is not None:
            new.append((room_id, sender_of(payload), cursor.lastrowid))
        if kind == REDACTION:
            await db.execute(_WITHDRAW, _withdrawn(room_id, payload, moderators))
    return new


def add_on(
    conn: sqlite3.Connection,
    events: Iterable[tuple[str, str, str, str]],
    now: dt.datetime,
    moderators: Moderators = (),
) -> list[tuple[str, str, int]]:
    """`add`, on the plain connection (in Store.run's work: the sync's whole transaction
    in one trip to the database thread)."""
    new: list[tuple[str, str, int]] = []
    for event_id, room_id, kind, payload in events:
        cursor = conn.execute(_ADD, (event_id, room_id, kind, payload, iso(now)))
        if cursor.rowcount and cursor.lastrowid is not None:
            new.append((room_id, sender_of(payload), cursor.lastrowid))
        if kind == REDACTION:
            conn.execute(_WITHDRAW, _withdrawn(room_id, payload, moderators))
    return new


_ADD = "INSERT OR IGNORE INTO inbox (event_id, room_id, kind, payload, received_at) VALUES (?, ?, ?, ?, ?)"
# A redacted command is not handled if it still waits, nor kept if it was; a redacted
# reaction is not handled either (its redaction then finds nothing it did to undo).
_WITHDRAW = (
    "DELETE FROM inbox WHERE event_id = ? AND room_id = ? AND kind != 'redaction' "
    "AND (json_extract(payload, '$.sender') = ? OR ?)"
)


def _withdrawn(room_id: str, payload: str, moderators: Moderators) -> tuple[str, str, str, bool]:
    data = json.loads(payload)
    sender = str(data.get("sender", ""))
    return str(data.get("redacts", "")), room_id, sender, (room_id, sender) in moderators


async def pending(store: Store) -> list[tuple[str, str, int]]:
    """(room_id, sender, seq) of every event not yet handled, in order of arrival."""
    rows = await store.fetchall("SELECT seq, room_id, payload FROM inbox WHERE done_at IS NULL ORDER BY seq")
    return [(r["room_id"], sender_of(r["payload"]), r["seq"]) for r in rows]


async def take(store: Store, seq: int) -> Entry | None:
    """Entry `seq` if it is still to be handled."""
    row = await store.fetchone(f"{_ROW} WHERE seq = ? AND done_at IS NULL", (seq,))
    return _entry(row) if row is not None else None


async def mark_done(store: Store, seq: int, at: dt.datetime) -> None:
    """Entry `seq` is handled: kept to recognise a redelivery, but a redaction, which is
    deleted (handled again it would do nothing; kept, it would name what it redacted)."""

    def done(conn: sqlite3.Connection) -> None:
        conn.execute("DELETE FROM inbox WHERE seq = ? AND kind = 'redaction'", (seq,))
        conn.execute("UPDATE inbox SET done_at = ? WHERE seq = ?", (iso(at), seq))

    await store.run(done, write=True)


async def purge(store: Store, before: dt.datetime) -> int:
    """Forget the events handled before `before`, and any handled redaction or row
    without a sender (blanked by `!forgetme` in earlier versions); returns how many."""
    return await store.execute(
        "DELETE FROM inbox WHERE done_at IS NOT NULL AND (done_at < ? OR kind = 'redaction' OR payload = '{}')",
        (iso(before),),
    )


# --- one person's ------------------------------------------------------------------------


async def handled_from(store: Store, user_id: str) -> list[Entry]:
    """The events from `user_id` the bot has handled, in order of arrival."""
    rows = await store.fetchall(
        f"{_ROW} WHERE json_extract(payload, '$.sender') = ? AND done_at IS NOT NULL ORDER BY seq", (user_id,)
    )
    return [_entry(r) for r in rows]


async def erase_from(db: aiosqlite.Connection, user_id: str, current_event: str | None) -> int:
    """Delete the rows of what `user_id` sent, inside the caller's transaction: the handled
    ones, `current_event` (the command being handled) and those still queued that came
    before it (from another room: handled after the erasure, they would record again what
    it erased). Their events came before the stored sync token, so they are not delivered
    again: no row needs to stay to recognise them. Rows that came after `current_event`
    are commands sent after it, left to be handled. Returns how many rows went."""
    cursor = await db.execute(
        "DELETE FROM inbox WHERE json_extract(payload, '$.sender') = ? "
        "AND (done_at IS NOT NULL OR seq <= (SELECT seq FROM inbox WHERE event_id = ?))",
        (user_id, current_event or ""),
    )
    return cursor.rowcount


# --- !mydata and !forgetme ----------------------------------------------------------------


async def _collect_person(store: Store, user_id: str) -> dict[str, Any]:
    """The bot's record of the events it handled from the user (commands, reactions)."""
    handled = [
        {
            "event_id": e.event_id,
            "room_id": e.room_id,
            "kind": e.kind,
            "at": iso(e.at) if e.at is not None else e.received_at,
            **e.fields,
        }
        for e in await handled_from(store, user_id)
    ]
    return {"messages_received": handled}


async def _erase_person(db: aiosqlite.Connection, who: privacy.Erasing) -> dict[str, Any]:
    return {"messages": await erase_from(db, who.user_id, who.current_event)}


privacy.register(
    "messages",
    _collect_person,
    _erase_person,
    holds=(privacy.Column("inbox", "payload", lambda user_id: message(user_id, 0, "!mydata", None, None)),),
)
