"""The `cancellations` table: which sessions, or whole days, are cancelled, why and by
whom; lifting a cancellation, inside one transaction with what the features registered in
lifted.py do about it. The only SQL touching the table is here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Any

import aiosqlite

from bot.core import privacy
from bot.core.clock import iso, parse_iso
from bot.core.config import Config
from bot.features.schedule.lifted import tell_lifted
from bot.features.schedule.revision import schedule_changed
from bot.features.schedule.weekly_sessions import Session, session_from_key, sessions_on
from bot.storage.store import Store


@dataclass(frozen=True)
class Cancellation:
    target: str  # a session key, or a local date 'YYYY-MM-DD' for the whole day
    reason: str
    cancelled_by: str
    cancelled_at: dt.datetime
    day: dt.date | None = None  # the local date, when the whole day is cancelled


def _whole_day(target: str) -> dt.date | None:
    """The date a cancellation's target names if it is a whole day; a session's key has
    the time after the date."""
    try:
        return dt.date.fromisoformat(target)
    except ValueError:
        return None


@dataclass(frozen=True)
class Cancellations:
    """A snapshot of the cancellations table."""

    by_target: dict[str, Cancellation]

    def of(self, session: Session) -> Cancellation | None:
        return self.by_target.get(session.key) or self.by_target.get(session.day)

    def of_day(self, day: dt.date) -> Cancellation | None:
        """The cancellation of the whole day `day`, if it is cancelled as a whole."""
        return self.by_target.get(day.isoformat())

    def __iter__(self) -> Iterator[Cancellation]:
        return iter(self.by_target.values())


async def load_cancellations(store: Store) -> Cancellations:
    rows = await store.fetchall("SELECT target, reason, cancelled_by, cancelled_at FROM cancellations")
    found = [
        Cancellation(r["target"], r["reason"], r["cancelled_by"], parse_iso(r["cancelled_at"]), _whole_day(r["target"]))
        for r in rows
    ]
    return Cancellations({c.target: c for c in found})


async def add_cancellation(store: Store, target: str, reason: str, by: str, at: dt.datetime) -> bool:
    """False if that target was cancelled already."""

    async def cancel(db: aiosqlite.Connection) -> bool:
        cursor = await db.execute(
            "INSERT OR IGNORE INTO cancellations (target, reason, cancelled_by, cancelled_at) VALUES (?, ?, ?, ?)",
            (target, reason, by, iso(at)),
        )
        if not cursor.rowcount:
            return False
        await schedule_changed(db, at)
        return True

    return await store.transaction(cancel)


async def replace_reason(store: Store, target: str, reason: str, at: dt.datetime) -> None:
    """A new reason for the cancellation of `target`; who cancelled it and when stay (the
    time decides whether it was cancelled ahead or called off). Notices not sent yet read
    the reason when they go out."""

    async def replace(db: aiosqlite.Connection) -> None:
        await db.execute("UPDATE cancellations SET reason = ? WHERE target = ?", (reason, target))
        await schedule_changed(db, at)

    await store.transaction(replace)


async def restore_sessions(store: Store, config: Config, day: dt.date, keys: Collection[str], at: dt.datetime) -> None:
    """Lift every cancellation of the sessions `keys` on the local date `day`, whether each
    was cancelled by itself or with its whole day. A cancellation of the whole day is
    narrowed to the day's other sessions, which stay cancelled for the same reason; the
    notices already sent for them stay valid, those for `keys` are forgotten, and the
    people told of those by direct message are told they take place after all (the
    hooks registered in lifted.py, in the same transaction)."""

    async def restore(db: aiosqlite.Connection) -> None:
        cursor = await db.execute(
            "SELECT reason, cancelled_by, cancelled_at FROM cancellations WHERE target = ?", (day.isoformat(),)
        )
        whole_day = await cursor.fetchone()
        if whole_day is not None:
            await db.execute("DELETE FROM cancellations WHERE target = ?", (day.isoformat(),))
            for session in sessions_on(config, day):
                if session.key not in keys:
                    await db.execute(
                        "INSERT OR IGNORE INTO cancellations (target, reason, cancelled_by, cancelled_at) "
                        "VALUES (?, ?, ?, ?)",
                        (session.key, *whole_day),
                    )
        for key in keys:
            await db.execute("DELETE FROM cancellations WHERE target = ?", (key,))
            await tell_lifted(db, session_from_key(config, key), at)
        await schedule_changed(db, at)

    await store.transaction(restore)


# --- !mydata and !forgetme ------------------------------------------------------------


async def _collect_person(store: Store, user_id: str) -> dict[str, Any]:
    return {
        "cancellations": await privacy.rows(
            store,
            "SELECT target, reason, cancelled_at FROM cancellations WHERE cancelled_by = ? ORDER BY cancelled_at",
            user_id,
        )
    }


async def _erase_person(db: aiosqlite.Connection, who: privacy.Erasing) -> dict[str, Any]:
    # Cancellations stay, by nobody; cancelled_by is NOT NULL: an empty string stands for nobody.
    cursor = await db.execute("UPDATE cancellations SET cancelled_by = '' WHERE cancelled_by = ?", (who.user_id,))
    return {"cancellations": cursor.rowcount}


privacy.register("schedule", _collect_person, _erase_person, holds=(privacy.Column("cancellations", "cancelled_by"),))
