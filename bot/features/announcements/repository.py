"""The `announcements` table: the record that makes each message the bot sends on its own
go out exactly once. One row per (session, lead, room), written as 'sending' before the
send and marked 'sent' (with the event id) or 'skipped' after it. The only SQL touching
the table is here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from enum import StrEnum

import aiosqlite

from bot.core.clock import iso, parse_iso
from bot.features.announcements.timing import Lead, Notice
from bot.features.schedule.lifted import when_lifted
from bot.storage.store import Store


class AnnouncementStatus(StrEnum):
    """An `announcements` row: written 'sending' before the send, 'sent' after it;
    'skipped' when it is not sent (late, superseded, or no longer wanted)."""

    SENDING = "sending"
    SENT = "sent"
    SKIPPED = "skipped"


async def record(
    db: aiosqlite.Connection,
    session_key: str,
    lead: Lead | Notice,
    rooms: Iterable[str],
    status: AnnouncementStatus,
    at: dt.datetime,
) -> int:
    """Write the announcement `lead` of a session for each room not yet recorded, inside
    the caller's transaction; returns how many rows were new."""
    added = 0
    for room in rooms:
        cursor = await db.execute(
            "INSERT OR IGNORE INTO announcements (session, lead, room_id, status, at) VALUES (?, ?, ?, ?, ?)",
            (session_key, str(lead), room, status, iso(at)),
        )
        added += cursor.rowcount
    return added


async def pending(store: Store) -> list[tuple[str, str, str, dt.datetime]]:
    """(session, lead, room, when it was recorded) of every announcement written but not
    yet sent, oldest first."""
    rows = await store.fetchall(
        "SELECT session, lead, room_id, at FROM announcements WHERE status = ? ORDER BY at, rowid",
        (AnnouncementStatus.SENDING,),
    )
    return [(r["session"], r["lead"], r["room_id"], parse_iso(r["at"])) for r in rows]


async def mark(
    store: Store,
    session_key: str,
    lead: Lead | Notice,
    room: str,
    status: AnnouncementStatus,
    event_id: str | None,
    at: dt.datetime,
) -> None:
    await store.execute(
        "UPDATE announcements SET status = ?, event_id = ?, at = ? WHERE session = ? AND lead = ? AND room_id = ?",
        (status, event_id, iso(at), session_key, str(lead), room),
    )


async def forget_cancellation_notice(db: aiosqlite.Connection, session_key: str) -> None:
    """A cancellation lifted: its notice is forgotten (inside the caller's transaction), so
    a second cancellation of the session is announced again."""
    await db.execute("DELETE FROM announcements WHERE lead = ? AND session = ?", (Notice.CANCELLED, session_key))


when_lifted("announcements", lambda db, session, _at: forget_cancellation_notice(db, session.key))


async def rooms_told_of_cancellation(store: Store, session_keys: Sequence[str]) -> list[str]:
    """The rooms where a cancellation notice of any of these sessions went out."""
    marks = ", ".join("?" for _ in session_keys)
    rows = await store.fetchall(
        f"SELECT DISTINCT room_id FROM announcements WHERE lead = ? AND status = ? AND session IN ({marks})",
        (Notice.CANCELLED, AnnouncementStatus.SENT, *session_keys),
    )
    return [r[0] for r in rows]
