"""A person's time zone: the one they set with `!tz`, else the one they publish in their
Matrix profile (`m.tz`), else none (their times are in UTC). `person_zone` is the one place
that decides it, for replies and direct-message reminders alike.

The profile's zone is kept in memory, never in the database (so `!mydata` has nothing to
show of it and `!forgetme` drops it from memory): read once per person and again at most
hourly, never once per message; a read that fails or takes over READ_TIMEOUT counts as no
zone (and is tried again after RETRY_AFTER), so that a slow homeserver never holds back a
reply for long nor breaks it. A value that is not a place (`!tz`'s own check) is no zone."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass
from enum import Enum

from bot.core.clock import Clock
from bot.core.model import ProfileZones, ReadProfileZone
from bot.core.timezones import canonical
from bot.features.people import repository
from bot.storage.store import Store

log = logging.getLogger(__name__)

# The profile fields read, first found wins: the stable name (spec v1.16) and MSC4175's
# unstable one, which clients published before.
PROFILE_FIELDS = ("m.tz", "us.cloke.msc4175.tz")
REFRESH = dt.timedelta(hours=1)
RETRY_AFTER = dt.timedelta(minutes=10)
READ_TIMEOUT = 2.0  # seconds
_LONGEST_NAME = 64


class Source(Enum):
    """Where a person's zone comes from, as `!tz` tells them."""

    SET = "set with !tz"
    PROFILE = "the Matrix profile"
    NONE = "none (UTC)"


@dataclass(frozen=True)
class Zone:
    name: str | None  # None: UTC, nothing set
    source: Source


async def person_zone(store: Store, profiles: ProfileZones | None, user_id: str) -> Zone:
    """The zone to show `user_id` times in, and where it comes from."""
    return await chosen_zone(await repository.get_timezone(store, user_id), profiles, user_id)


async def chosen_zone(typed: str | None, profiles: ProfileZones | None, user_id: str) -> Zone:
    """`person_zone` for someone whose `!tz` zone (`typed`, None if they set none) is
    already read: the reminders read everyone's at once."""
    if typed is not None:
        return Zone(typed, Source.SET)
    published = await profiles.zone_of(user_id) if profiles is not None else None
    return Zone(published, Source.PROFILE) if published else Zone(None, Source.NONE)


def profile_place(value: object) -> str | None:
    """The place a profile's field names (an old name as the place it became), None if it
    names none: `!tz`'s check, without the search for a city."""
    if not isinstance(value, str) or not value.strip() or len(value) > _LONGEST_NAME:
        return None
    return canonical(value.strip())


@dataclass(frozen=True)
class _Known:
    zone: str | None
    until: dt.datetime


class ProfileZoneCache:
    """`ProfileZones` in memory. People asking at once share one read."""

    def __init__(self, clock: Clock, read: ReadProfileZone | None = None):
        self.clock = clock
        self.read = read
        self._known: dict[str, _Known] = {}
        self._reading: dict[str, asyncio.Task[str | None]] = {}

    async def zone_of(self, user_id: str) -> str | None:
        if self.read is None:
            return None
        known = self._known.get(user_id)
        if known is not None and self.clock.now() < known.until:
            return known.zone
        task = self._reading.get(user_id)
        if task is None:
            task = self._reading[user_id] = asyncio.create_task(self._read(self.read, user_id))
            task.add_done_callback(lambda done: self._done(user_id, done))
        # One asker giving up (its reply cancelled) does not cut the read short for the others.
        return await asyncio.shield(task)

    def _done(self, user_id: str, task: asyncio.Task[str | None]) -> None:
        if self._reading.get(user_id) is task:
            del self._reading[user_id]

    async def _read(self, read: ReadProfileZone, user_id: str) -> str | None:
        try:
            async with asyncio.timeout(READ_TIMEOUT):
                value = await read(user_id)
        except Exception as e:  # a slow or failing homeserver: no zone for now
            why = "took too long" if isinstance(e, TimeoutError) else f"failed ({e!r})"
            log.info("reading the time zone in the profile of %s %s; UTC for now", user_id, why)
            self._keep(user_id, _Known(None, self.clock.now() + RETRY_AFTER))
            return None
        zone = profile_place(value)
        if value is not None and zone is None:
            log.info("the profile of %s gives %r as its time zone: not a place, UTC instead", user_id, value)
        self._keep(user_id, _Known(zone, self.clock.now() + REFRESH))
        return zone

    def _keep(self, user_id: str, known: _Known) -> None:
        # Not for someone forgotten (`!forgetme`) while their profile was being read.
        if self._reading.get(user_id) is asyncio.current_task():
            self._known[user_id] = known

    async def forget(self, user_id: str) -> None:
        """`!forgetme`: what was read of the person's profile goes."""
        self._known.pop(user_id, None)
        self._reading.pop(user_id, None)
