"""The weekly slots expanded into concrete sessions, and which of them are cancelled.

A slot is a weekday and a wall-clock time in `conference.timezone`; it keeps that local
time across daylight-saving changes, so its UTC instant moves. A session is named by its
local date and time (`2026-11-26 08:00`): the same name in every command and export.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Any

import aiosqlite
import pytz
from dateutil import rrule
from dateutil.relativedelta import relativedelta

from bot.core import privacy
from bot.core.clock import UTC, iso, parse_iso
from bot.core.config import Config
from bot.core.weekly import Slot
from bot.features.announcements import repository as announcements
from bot.features.reminders import repository as reminders
from bot.storage.meta import count_meta, write_meta, write_meta_once
from bot.storage.store import Store

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


# --- a time of day as people type it -------------------------------------------------

# 17:00, 8:00, 17:00:00, 17.00, 5pm, 5 pm, 5 p.m., 5:30pm, 17h, 17h30, 1700, 1700h, noon,
# midnight, T17:00, 5 o'clock, optionally after "at" or "@"; a range (17:00-18:00) counts
# as its start. A number alone ("8") is a time nobody can tell the meaning of. A bare
# number before other words ("2 hosts") or a duration ("2 hrs") is not a time. It must
# end the word: "5 amazing" is no "5 am".
_TIME_OF_DAY = re.compile(
    r"""(?:(?:at|@)\s*)?T?
    (?P<typed>
        (?P<h12>\d{1,2})(?:[:.](?P<m12>\d{2}))?\s*(?P<half>[ap])\.?\s?m\.?
      | (?P<h>\d{1,2})[:.](?P<m>\d{2})(?::(?P<s>\d{2}))?
      | (?P<hh>\d{1,2})h(?P<mh>\d{2})?
      | (?P<h4>[01]\d|2[0-3])(?P<m4>[0-5]\d)(?:\s?h(?:rs?)?)?
      | (?P<hoc>\d{1,2})\s*o['’]?\s?clock
      | (?P<bare>\d{1,2})(?=\s*$)
      | (?P<word>noon|midday|midnight)
    )
    (?=$|[\s,;:!?)\-–—]|\.(?:\s|$))""",
    re.IGNORECASE | re.VERBOSE,
)
_RANGE_END = re.compile(r"\s*(?:-|–|—|to\b)\s*")
_NAMED_TIMES = {"noon": dt.time(12), "midday": dt.time(12), "midnight": dt.time(0)}


@dataclass(frozen=True)
class TimeOfDay:
    typed: str  # as written, e.g. '5 pm'
    time: dt.time | None  # None when it is no real time ('25:00')
    rest: str  # the text after it

    @property
    def canonical(self) -> bool:
        """Written the way commands take it: H:MM or HH:MM."""
        return self.time is not None and re.fullmatch(r"\d{1,2}:\d{2}", self.typed) is not None


def read_time_of_day(text: str) -> TimeOfDay | None:
    """The time of day `text` starts with, if it starts with something that looks like one."""
    text = text.strip()
    m = _TIME_OF_DAY.match(text)
    if m is None:
        return None
    g = m.groupdict()
    rest = text[m.end() :]
    # "17:00-18:00 team away": the range's end is part of the time, not of the reason.
    dash = _RANGE_END.match(rest)
    if dash and (end := _TIME_OF_DAY.match(rest[dash.end() :])) and not end.group("bare"):
        rest = rest[dash.end() + end.end() :]
    seconds = 0
    if g["bare"] or (g["hoc"] and int(g["hoc"]) <= 12):
        # "8" or "5 o'clock": morning or evening? Refused with the day's times, never guessed.
        return TimeOfDay(g["typed"], None, rest.strip())
    if g["word"]:
        hour, minute = _NAMED_TIMES[g["word"].lower()].hour, 0
    elif g["h12"]:
        hour, minute = int(g["h12"]), int(g["m12"] or 0)
        if g["half"].lower() == "a":
            hour = 0 if hour == 12 else hour if hour <= 12 else 99
        elif 1 <= hour < 12:
            hour += 12
        elif hour == 0:
            hour = 99
    else:
        hour = int(g["h"] or g["hh"] or g["h4"] or g["hoc"])
        minute = int(g["m"] or g["mh"] or g["m4"] or 0)
        seconds = int(g["s"] or 0)
    valid = hour < 24 and minute < 60 and seconds == 0
    return TimeOfDay(g["typed"], dt.time(hour, minute) if valid else None, rest.strip())


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


async def restore_sessions(store: Store, config: Config, day: dt.date, keys: Collection[str], at: dt.datetime) -> None:
    """Lift every cancellation of the sessions `keys` on the local date `day`, whether each
    was cancelled by itself or with its whole day. A cancellation of the whole day is
    narrowed to the day's other sessions, which stay cancelled for the same reason; the
    notices already sent for them stay valid, those for `keys` are forgotten, and the
    people told of those by direct message are told they take place after all."""

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
            await announcements.forget_cancellation_notice(db, key)
            await reminders.cancellation_lifted(db, key, session_from_key(config, key).starts_at, at)
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
