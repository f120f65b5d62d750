"""The weekly slots expanded into concrete sessions, and the dates commands take.

A slot is a weekday and a wall-clock time in `conference.timezone`; it keeps that local
time across daylight-saving changes, so its UTC instant moves. A session is named by its
local date and time (`2026-11-26 08:00`): the same name in every command and export.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytz
from dateutil import rrule
from dateutil.relativedelta import relativedelta

from bot.core.clock import UTC
from bot.core.config import Config
from bot.core.weekly import Slot

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


def planning_range(config: Config, now: dt.datetime, zone: str | None = None) -> DateRange:
    """The local dates `!host`, `!unhost`, `!cancel`, `!uncancel` and `!late` take: from
    today in `zone` (default the conference zone) to a year later."""
    today = now.astimezone(pytz.timezone(zone) if zone else conference_zone(config)).date()
    try:
        last = today + PLANNING_AHEAD
    except (ValueError, OverflowError):  # a clock in the year 9999
        last = dt.date.max
    return DateRange(today, last)


# --- showing times ------------------------------------------------------------------


def local_time(at: dt.datetime, zone: str) -> dt.datetime:
    return at.astimezone(pytz.timezone(zone))
