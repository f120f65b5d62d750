"""Time, given rather than taken: everything that schedules asks a Clock, so tests can
drive weeks, DST changes and restarts without sleeping."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Protocol

UTC = dt.UTC


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(UTC)


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self, start: dt.datetime):
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> dt.datetime:
        return self._now

    def set(self, when: dt.datetime) -> None:
        self._now = when.astimezone(UTC)

    def advance(self, **delta: float) -> dt.datetime:
        self._now += dt.timedelta(**delta)
        return self._now


class VirtualTime:
    """The sleep that goes with a FakeClock, for code that takes an injectable `sleep`: a
    sleeper wakes once `advance` has moved the clock past its end, not in real time."""

    def __init__(self, clock: FakeClock):
        self.clock = clock
        self.sleepers: list[tuple[dt.datetime, asyncio.Future[None]]] = []

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (self.clock.now() + dt.timedelta(seconds=seconds), future)
        self.sleepers.append(entry)
        try:
            await future
        finally:
            self.sleepers.remove(entry)

    async def advance(self, seconds: float) -> None:
        """Move the clock on, wake the sleepers now due and let them run to their next wait."""
        self.clock.advance(seconds=seconds)
        for due, future in list(self.sleepers):
            if due <= self.clock.now() and not future.done():
                future.set_result(None)
        for _ in range(10):
            await asyncio.sleep(0)


def iso(when: dt.datetime) -> str:
    """ISO 8601 in UTC with a Z, to the second: how instants are stored and exported."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> dt.datetime:
    """What `iso` wrote, read back. fromisoformat is many times faster than strptime (an
    export reads one per check-in); it is only trusted with exactly iso's shape."""
    if len(text) == 20 and text[19] == "Z" and text[4:17:3] == "--T::":
        try:
            when = dt.datetime.fromisoformat(text[:19])
        except ValueError:
            pass
        else:
            if when.tzinfo is None:
                return when.replace(tzinfo=UTC)
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
