"""The `announcements` table: the record that makes each message the bot sends on its own
go out exactly once. One row per (session, lead, room), written as 'sending' before the
send and marked 'sent' (with the event id) or 'skipped' after it. The only SQL touching
the table is here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import aiosqlite

from bot.core.clock import iso, parse_iso
from bot.core.config import format_duration, parse_duration
from bot.features.schedule import repository as schedule
from bot.storage.store import Store


@dataclass(frozen=True)
class Lead:
    """A reminder's lead time before the start, stored (in `announcements.lead` and in
    job ids) as '1d', '15m' or '0m'."""

    before: dt.timedelta

    @classmethod
    def parse(cls, text: str) -> Lead:
        return cls(parse_duration(text))

    @property
    def at_start(self) -> bool:
        """The `0m` reminder, which opens the session's thread."""
        return self.before == dt.timedelta(0)

    def __str__(self) -> str:
        return format_duration(self.before)


class Notice(StrEnum):
    """What is due that is not a reminder: the cancellation notice, the host-wait notice,
    the summary of an automatic close, and the close itself (no message). Stored in
    `announcements.lead` and job ids as its value."""

    CANCELLED = "cancelled"
    HOST_WAIT = "host-wait"
    SUMMARY = "summary"
    AUTO_CLOSE = "auto-close"


def lead_of(stored: str) -> Lead | Notice:
    """What a stored `announcements.lead` stands for; ValueError if nothing."""
    try:
        return Notice(stored)
    except ValueError:
        return Lead.parse(stored)


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


schedule.when_lifted("announcements", lambda db, session, _at: forget_cancellation_notice(db, session.key))


async def rooms_told_of_cancellation(store: Store, session_keys: Sequence[str]) -> list[str]:
    """The rooms where a cancellation notice of any of these sessions went out."""
    marks = ", ".join("?" for _ in session_keys)
    rows = await store.fetchall(
        f"SELECT DISTINCT room_id FROM announcements WHERE lead = ? AND status = ? AND session IN ({marks})",
        (Notice.CANCELLED, AnnouncementStatus.SENT, *session_keys),
    )
    return [r[0] for r in rows]
