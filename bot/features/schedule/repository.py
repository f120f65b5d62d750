"""The weekly slots expanded into concrete sessions, and which of them are cancelled.

A slot is a weekday and a wall-clock time in `conference.timezone`; it keeps that local
time across daylight-saving changes, so its UTC instant moves. A session is named by its
local date and time (`2026-11-26 08:00`): the same name in every command and export.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable, Collection, Iterator
from dataclasses import dataclass
from typing import Any

import aiosqlite
import pytz
from dateutil import rrule
from dateutil.relativedelta import relativedelta

from bot.core import privacy
from bot.core.clock import UTC, iso, parse_iso
from bot.core.config import Config, Slot
from bot.storage.store import Store, count_meta, write_meta, write_meta_once

KEY_FORMAT = "%Y-%m-%d %H:%M"
_KEY = re.compile(r"^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2})$")


@dataclass(frozen=True)
class Session:
    key: str  # local date and time in the conference zone: '2026-11-26 08:00'
    starts_at: dt.datetime  # aware, UTC
    slot: Slot

    @property
    def day(self) -> str:
        """The local date, 'YYYY-MM-DD': what a whole-day cancellation names."""
        return self.key[:10]


def conference_zone(config: Config) -> pytz.BaseTzInfo:
    return pytz.timezone(config.conference.timezone)


def session_at(config: Config, local: dt.datetime) -> Session:
    """The session at a naive wall-clock time in the conference zone; ValueError if that
    time has no UTC instant Python can hold (the first or last hours of years 1 and 9999)."""
    zone = conference_zone(config)
    try:
        # is_dst=False: a time skipped by the spring change moves forward, one repeated in
        # autumn is the later (standard-time) one. Slots at 02:00-03:00 are rare anyway.
        aware = zone.normalize(zone.localize(local.replace(second=0, microsecond=0), is_dst=False))
        starts_at = aware.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{local:%Y-%m-%d %H:%M} in {zone} is out of range") from None
    return Session(
        key=local.strftime(KEY_FORMAT),
        starts_at=starts_at,
        slot=Slot(local.weekday(), local.time().replace(second=0, microsecond=0)),
    )


def parse_key(key: str) -> dt.datetime:
    """'2026-11-26 08:00' -> the naive local datetime; ValueError if it is not a key."""
    if not _KEY.match(key):
        raise ValueError(f"{key!r} is not a session (YYYY-MM-DD HH:MM)")
    return dt.datetime.strptime(key, KEY_FORMAT)


def session_from_key(config: Config, key: str) -> Session:
    """The session a stored key names, whether or not its slot is still configured."""
    return session_at(config, parse_key(key))


def session_by_key(config: Config, key: str) -> Session | None:
    """The session named `key` if it is one of the configured slots, else None."""
    try:
        session = session_from_key(config, key)
    except ValueError:
        return None
    return session if session.slot in config.conference.slots else None


def sessions_from(config: Config, start: dt.datetime) -> Iterator[Session]:
    """Every session starting at or after `start`, in order (an endless iterator)."""
    zone = conference_zone(config)
    local_start = start.astimezone(zone).replace(tzinfo=None)
    # Start a day early: near a DST change local and UTC order may differ by an hour.
    origin = dt.datetime.combine(local_start.date() - dt.timedelta(days=1), dt.time())
    rules = rrule.rruleset()
    for slot in config.conference.slots:
        rules.rrule(
            rrule.rrule(
                rrule.WEEKLY,
                dtstart=origin,
                byweekday=slot.weekday,
                byhour=slot.time.hour,
                byminute=slot.time.minute,
                bysecond=0,
            )
        )
    for local in rules:
        session = session_at(config, local)
        if session.starts_at >= start:
            yield session


def sessions_between(config: Config, start: dt.datetime, end: dt.datetime) -> list[Session]:
    """Sessions with start <= starts_at < end."""
    out: list[Session] = []
    for session in sessions_from(config, start):
        if session.starts_at >= end:
            break
        out.append(session)
    return out


def sessions_on(config: Config, day: dt.date) -> list[Session]:
    """The sessions on a local date in the conference zone."""
    slots = sorted((s for s in config.conference.slots if s.weekday == day.weekday()), key=lambda s: s.time)
    return [session_at(config, dt.datetime.combine(day, slot.time)) for slot in slots]


# --- which dates commands take ---------------------------------------------------------

# Sessions are hosted, cancelled and restored from today up to a year ahead: far enough to
# plan, and every such date is a real instant in every zone.
PLANNING_AHEAD = relativedelta(years=1)


@dataclass(frozen=True)
class DateRange:
    first: dt.date  # today in the conference zone
    last: dt.date  # the same date a year later (28 February for a 29 February)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.first <= day <= self.last


def planning_range(config: Config, now: dt.datetime) -> DateRange:
    """The local dates `!host`, `!unhost`, `!cancel` and `!uncancel` take."""
    today = now.astimezone(conference_zone(config)).date()
    try:
        last = today + PLANNING_AHEAD
    except (ValueError, OverflowError):  # a clock in the year 9999
        last = dt.date.max
    return DateRange(today, last)


# --- cancellations ------------------------------------------------------------------


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
        await _schedule_changed(db, at)
        return True

    return await store.transaction(cancel)


# Told, inside the transaction that lifts it, of each session whose cancellation is lifted
# (the connection, the session, when): the features that told people of the cancellation
# (announcements, reminders) register here, as they sit above the schedule.
WhenLifted = Callable[[aiosqlite.Connection, Session, dt.datetime], Awaitable[None]]
_when_lifted: dict[str, WhenLifted] = {}


def when_lifted(name: str, hook: WhenLifted) -> None:
    _when_lifted[name] = hook


async def restore_sessions(store: Store, config: Config, day: dt.date, keys: Collection[str], at: dt.datetime) -> None:
    """Lift every cancellation of the sessions `keys` on the local date `day`, whether each
    was cancelled by itself or with its whole day. A cancellation of the whole day is
    narrowed to the day's other sessions, which stay cancelled for the same reason; the
    notices already sent for them stay valid, those for `keys` are forgotten, and the
    people told of those by direct message are told they take place after all (the
    `when_lifted` hooks, in the same transaction)."""

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
            for hook in _when_lifted.values():
                await hook(db, session_from_key(config, key), at)
        await _schedule_changed(db, at)

    await store.transaction(restore)


# --- the schedule's revision, for calendar files --------------------------------------

_REVISION, _MODIFIED, _SINCE = "schedule_revision", "schedule_modified", "calendar_since"


@dataclass(frozen=True)
class CalendarState:
    """What keeps a calendar file's events the same events from one download to the next."""

    first: dict[Slot, Session]  # the session each slot's event starts from
    sequence: int  # how often the schedule changed (a cancellation made or lifted)
    modified: dt.datetime  # when it last changed, or when the calendar was first asked for


async def _schedule_changed(db: aiosqlite.Connection, at: dt.datetime) -> None:
    """Count a change; called inside the transaction that makes it."""
    await count_meta(db, _REVISION)
    await write_meta(db, _MODIFIED, iso(at))


async def calendar_state(store: Store, config: Config, now: dt.datetime) -> CalendarState:
    """Each slot's event starts from its next session the first time the calendar is asked
    for, and from that same session ever after."""

    async def first_ask(db: aiosqlite.Connection) -> None:
        await write_meta_once(db, _SINCE, iso(now))
        for slot in config.conference.slots:
            first = next(s for s in sessions_from(config, now) if s.slot == slot)
            await write_meta_once(db, _first_key(slot), first.key)

    await store.transaction(first_ask)
    anchors = {
        slot: session_from_key(config, await store.get_meta(_first_key(slot)) or "") for slot in config.conference.slots
    }
    sequence = int(await store.get_meta(_REVISION) or 0)
    modified = await store.get_meta(_MODIFIED) or await store.get_meta(_SINCE) or iso(now)
    return CalendarState(anchors, sequence, parse_iso(modified))


def _first_key(slot: Slot) -> str:
    return f"calendar_first:{slot.weekday}-{slot.time:%H%M}"


def next_held_sessions(config: Config, cancels: Cancellations, after: dt.datetime, count: int) -> list[Session]:
    """The next `count` sessions after `after` that are not cancelled."""
    out: list[Session] = []
    for session in sessions_from(config, after):
        if session.starts_at > after and cancels.of(session) is None:
            out.append(session)
            if len(out) == count:
                break
    return out


# --- showing times ------------------------------------------------------------------


def local_time(at: dt.datetime, zone: str) -> dt.datetime:
    return at.astimezone(pytz.timezone(zone))


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
