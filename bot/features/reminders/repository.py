"""The `reminder_settings` table (who asked for reminders: one row per person and slot, or
one for every slot, each with how long before) and `reminders_sent` (one row per person,
session, lead and kind, written 'sending' before the direct message goes out and marked
'sent' or 'skipped' after it, so each is sent exactly once). The only SQL touching them is
here."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import aiosqlite

from bot.core import privacy
from bot.core.clock import iso, parse_iso
from bot.core.weekly import Slot, format_duration, parse_duration
from bot.features.schedule.lifted import when_lifted
from bot.storage.store import Store

ALL = "*"  # the slot of a setting for every slot that has none of its own


@dataclass(frozen=True)
class Setting:
    """What a person asked for one slot (ALL: every slot without a setting of its own): the
    lead."""

    user_id: str
    slot: str  # str(Slot), "Thursday 08:00", in the conference zone; or ALL
    lead: dt.timedelta


class Kind(StrEnum):
    REMINDER = "reminder"
    CANCELLED = "cancelled"  # the session is cancelled (instead of the reminder, or after it)
    RESTORED = "restored"  # its cancellation was lifted: it takes place after all


class Status(StrEnum):
    SENDING = "sending"
    SENT = "sent"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Sent:
    """A row of `reminders_sent`."""

    user_id: str
    session: str
    lead: str  # format_duration of the lead: '15m'
    kind: Kind
    status: Status
    event_id: str | None
    at: dt.datetime


def _setting(row: aiosqlite.Row) -> Setting:
    return Setting(row["user_id"], row["slot"], dt.timedelta(seconds=row["lead_seconds"]))


# ALL first, then the slots in the order they were first chosen.
_SETTINGS = "SELECT user_id, slot, lead_seconds FROM reminder_settings"
_ORDER = f"ORDER BY user_id, slot <> '{ALL}', rowid"


async def settings_of(store: Store, user_id: str) -> list[Setting]:
    rows = await store.fetchall(f"{_SETTINGS} WHERE user_id = ? {_ORDER}", (user_id,))
    return [_setting(r) for r in rows]


async def all_settings(store: Store) -> list[Setting]:
    return [_setting(r) for r in await store.fetchall(f"{_SETTINGS} {_ORDER}")]


async def set_setting(store: Store, user_id: str, slot: Slot | None, lead: dt.timedelta, now: dt.datetime) -> None:
    """The person's lead for this slot; for every slot (None) it replaces each slot's own."""

    async def work(db: aiosqlite.Connection) -> None:
        if slot is None:
            await db.execute("DELETE FROM reminder_settings WHERE user_id = ?", (user_id,))
        await db.execute(
            "INSERT INTO reminder_settings (user_id, slot, lead_seconds, set_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (user_id, slot) DO UPDATE SET lead_seconds = excluded.lead_seconds, "
            "set_at = excluded.set_at",
            (user_id, ALL if slot is None else str(slot), int(lead.total_seconds()), iso(now)),
        )

    await store.transaction(work)


async def replace_settings(
    store: Store, user_id: str, settings: Sequence[tuple[str, dt.timedelta]], now: dt.datetime
) -> None:
    """The person's settings are these slots' leads, and nothing else."""

    async def work(db: aiosqlite.Connection) -> None:
        await db.execute("DELETE FROM reminder_settings WHERE user_id = ?", (user_id,))
        await db.executemany(
            "INSERT INTO reminder_settings (user_id, slot, lead_seconds, set_at) VALUES (?, ?, ?, ?)",
            [(user_id, slot, int(lead.total_seconds()), iso(now)) for slot, lead in settings],
        )

    await store.transaction(work)


async def clear_setting(store: Store, user_id: str, slot: Slot | None = None) -> bool:
    """Stop the person's reminders of this slot (its own setting), or all (None); False if
    there was none."""
    if slot is None:
        return await store.execute("DELETE FROM reminder_settings WHERE user_id = ?", (user_id,)) > 0
    return await store.execute("DELETE FROM reminder_settings WHERE user_id = ? AND slot = ?", (user_id, str(slot))) > 0


async def record(
    store: Store, user_id: str, session: str, lead: dt.timedelta, kind: Kind, status: Status, at: dt.datetime
) -> bool:
    """Write the message of this kind for (person, session, lead) unless it is recorded
    already; True if it is new."""
    return (
        await store.execute(
            "INSERT OR IGNORE INTO reminders_sent (user_id, session, lead, kind, status, at) VALUES (?, ?, ?, ?, ?, ?)",
            (user_id, session, format_duration(lead), kind, status, iso(at)),
        )
        > 0
    )


async def record_all(
    store: Store, items: Sequence[tuple[str, str, dt.timedelta, Kind, Status]], at: dt.datetime
) -> list[bool]:
    """`record` for many (person, session, lead, kind, status) in one transaction, so one
    commit: a burst of reminders due together is written before any is sent without a
    disk flush for each. Whether each was new, in order."""

    async def work(db: aiosqlite.Connection) -> list[bool]:
        added = []
        for user_id, session, lead, kind, status in items:
            cursor = await db.execute(
                "INSERT OR IGNORE INTO reminders_sent (user_id, session, lead, kind, status, at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (user_id, session, format_duration(lead), kind, status, iso(at)),
            )
            added.append(cursor.rowcount > 0)
        return added

    return await store.transaction(work)


def _sent(row: aiosqlite.Row) -> Sent:
    return Sent(
        row["user_id"],
        row["session"],
        row["lead"],
        Kind(row["kind"]),
        Status(row["status"]),
        row["event_id"],
        parse_iso(row["at"]),
    )


_SENT = "user_id, session, lead, kind, status, event_id, at"


async def pending(store: Store) -> list[Sent]:
    """The reminders written but not sent yet (a crash, a failed send), oldest first."""
    rows = await store.fetchall(
        f"SELECT {_SENT} FROM reminders_sent WHERE status = ? ORDER BY at, rowid", (Status.SENDING,)
    )
    return [_sent(r) for r in rows]


async def sent_to(store: Store, user_id: str) -> list[Sent]:
    rows = await store.fetchall(f"SELECT {_SENT} FROM reminders_sent WHERE user_id = ? ORDER BY at", (user_id,))
    return [_sent(r) for r in rows]


async def mark(store: Store, item: Sent, status: Status, event_id: str | None, at: dt.datetime) -> None:
    await mark_all(store, [(item, status, event_id)], at)


async def mark_all(store: Store, items: Sequence[tuple[Sent, Status, str | None]], at: dt.datetime) -> None:
    """`mark` for many (reminder, status, event id) in one transaction, so one commit."""

    def work(conn: sqlite3.Connection) -> None:
        conn.executemany(
            "UPDATE reminders_sent SET status = ?, event_id = ?, at = ? "
            "WHERE user_id = ? AND session = ? AND lead = ? AND kind = ?",
            [
                (status, event_id, iso(at), item.user_id, item.session, item.lead, item.kind)
                for item, status, event_id in items
            ],
        )

    await store.run(work, write=True)


async def cancellation_lifted(db: aiosqlite.Connection, session: str, starts_at: dt.datetime, at: dt.datetime) -> None:
    """The cancellation of `session` is lifted (inside the caller's transaction). Whoever
    was told of it (their cancellation recorded) gets a message that it takes place after
    all, which stands in for their reminder if its time went by meanwhile; a cancellation
    not sent yet never goes; the session's cancellations and earlier such messages are
    forgotten, so that cancelling it again tells them again."""
    cursor = await db.execute(
        "SELECT user_id, lead FROM reminders_sent WHERE session = ? AND kind = ? AND status IN (?, ?)",
        (session, Kind.CANCELLED, Status.SENT, Status.SENDING),
    )
    told = await cursor.fetchall()
    await db.execute(
        "DELETE FROM reminders_sent WHERE session = ? AND kind IN (?, ?)", (session, Kind.CANCELLED, Kind.RESTORED)
    )
    for user_id, lead in told:
        await db.execute(
            "INSERT INTO reminders_sent (user_id, session, lead, kind, status, at) VALUES (?, ?, ?, ?, ?, ?)",
            (user_id, session, lead, Kind.RESTORED, Status.SENDING, iso(at)),
        )
        if starts_at - parse_duration(lead) <= at:
            await db.execute(
                "INSERT OR IGNORE INTO reminders_sent (user_id, session, lead, kind, status, at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (user_id, session, lead, Kind.REMINDER, Status.SKIPPED, iso(at)),
            )


when_lifted("reminders", lambda db, session, at: cancellation_lifted(db, session.key, session.starts_at, at))


# --- !mydata and !forgetme ------------------------------------------------------------


async def _collect(store: Store, user_id: str) -> dict[str, Any]:
    shown = [
        {"slot": "all" if s.slot == ALL else s.slot, "lead": format_duration(s.lead)}
        for s in await settings_of(store, user_id)
    ]
    sent = await privacy.rows(
        store, "SELECT session, lead, kind, status, at FROM reminders_sent WHERE user_id = ? ORDER BY at", user_id
    )
    return {"reminder_setting": shown or None, "reminders_sent": sent}


async def _erase(db: aiosqlite.Connection, who: privacy.Erasing) -> dict[str, Any]:
    cursor = await db.execute("DELETE FROM reminder_settings WHERE user_id = ?", (who.user_id,))
    setting = cursor.rowcount
    cursor = await db.execute("DELETE FROM reminders_sent WHERE user_id = ?", (who.user_id,))
    return {"reminder_setting": setting, "reminders_sent": cursor.rowcount}


privacy.register(
    "reminders",
    _collect,
    _erase,
    holds=(privacy.Column("reminder_settings", "user_id"), privacy.Column("reminders_sent", "user_id")),
)
