"""What the simulated years (test_year.py, test_year_lean_coffee.py) share: the conference's
rooms, slots and zone, the sessions of the year, and a homeserver that shows each key once
and can be told to crash the bot in the middle of a send."""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections import Counter
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.app import open_announcer
from bot.core.model import Reply
from bot.core.reactions import record_anchor
from bot.features.announcements.planning import due_between
from bot.features.announcements.sending import Announcer

UTC = dt.UTC
ROOMS = ("!a:example.org", "!b:example.org")
ZONE = "Europe/Berlin"
# Sunday 10:00 and Wednesday 18:30 in Berlin: the Sunday session falls on both EU change days.
SLOTS = ((6, dt.time(10, 0)), (2, dt.time(18, 30)))
GRACE = dt.timedelta(minutes=30)
HOST_WAIT = dt.timedelta(minutes=10)
T0 = dt.datetime(2026, 1, 1, tzinfo=UTC)
T_END = T0 + dt.timedelta(weeks=53)


def env_seeds() -> list[int]:
    if os.environ.get("CCC_YEAR_SEED"):
        return [int(os.environ["CCC_YEAR_SEED"])]
    return list(range(1, int(os.environ.get("CCC_YEAR_SEEDS", "1")) + 1))


@dataclass(frozen=True)
class Session:
    key: str  # local date and time in Berlin
    starts_at: dt.datetime  # UTC
    slot: int  # index into SLOTS


def year_sessions() -> list[Session]:
    """Every session from T0 to T_END, from the slot definitions, with zoneinfo."""
    zone, out = ZoneInfo(ZONE), []
    day = T0.date() - dt.timedelta(days=1)
    while day <= T_END.date():
        for i, (weekday, time) in enumerate(SLOTS):
            if day.weekday() == weekday:
                local = dt.datetime.combine(day, time, tzinfo=zone)
                out.append(Session(f"{local:%Y-%m-%d %H:%M}", local.astimezone(UTC), i))
        day += dt.timedelta(days=1)
    return sorted(out, key=lambda s: s.starts_at)


class Crash(BaseException):
    """The process dies in the middle of a send (not an error the bot could catch)."""


class Homeserver:
    """Shows each key once (the transaction id is derived from it) and counts the attempts.
    Given the bot's `store`, it records an anchored message's anchor once the send returns,
    as the Matrix adapter does (a crash after the homeserver took it leaves none)."""

    def __init__(self, clock, store=None):
        self.clock = clock
        self.store = store
        self.shown: dict[str, tuple[dt.datetime, Reply]] = {}
        self.attempts: Counter[str] = Counter()
        self.interrupted: set[str] = set()  # keys whose send a crash cut short
        self.crash_in: int | None = None  # die at this many sends from now
        self.crash_before = False  # before the homeserver took it, or after
        # What was handed over at this instant: rooms are sent to side by side, so a crash
        # in one send also cuts short the others in flight, some between their send and
        # their mark (resent at the next start with the same key: shown once).
        self._instant: dt.datetime | None = None
        self._this_instant: list[str] = []

    async def send(self, reply: Reply, in_reply_to=None) -> str | None:
        key = reply.key
        assert key, "messages the bot sends on its own carry a stable key"
        self.attempts[key] += 1
        if self._instant != self.clock.now():
            self._instant, self._this_instant = self.clock.now(), []
        self._this_instant.append(key)
        dying = False
        if self.crash_in is not None:
            self.crash_in -= 1
            dying = self.crash_in == 0
        if dying and self.crash_before:
            self.crash_in = None
            self.interrupted.update(self._this_instant)
            raise Crash(key)
        self.shown.setdefault(key, (self.clock.now(), reply))
        if dying:
            self.crash_in = None
            self.interrupted.update(self._this_instant)
            raise Crash(key)
        event_id = f"$ev{list(self.shown).index(key)}"
        if self.store is not None and reply.anchor is not None and reply.room_id is not None:
            await record_anchor(self.store, event_id, reply.room_id, reply.anchor)
        return event_id

    async def sent_event(
        self, room_id: str, key: str, since: dt.datetime, reactions: tuple[str, ...] = ()
    ) -> str | None:
        """As the Matrix adapter finds a send cut short among its own messages (a person's
        user id stands for the direct room with them)."""
        when, reply = self.shown.get(key, (None, None))
        if when is None or reply is None or room_id not in (reply.room_id, reply.direct_to) or when < since:
            return None
        return f"$ev{list(self.shown).index(key)}"


class Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


class Bot:
    """The announcer with its riders (the reminders, the Lean Coffee timeboxes) as a process:
    started, stopped, crashed."""

    def __init__(self, chat, server: Homeserver):
        self.chat, self.server = chat, server
        self.announcer: Announcer | None = None

    def start(self) -> None:
        self.announcer = open_announcer(self.chat.services, self.server)

    def stop(self) -> None:
        self.announcer = None

    async def planned(self, now: dt.datetime) -> list[dt.datetime]:
        """The times its scheduler would wake it (what `replan` plans)."""
        assert self.announcer is not None
        horizon = now + dt.timedelta(days=8)
        config, store = self.chat.services.config, self.chat.services.store
        times = [i.at for i in await due_between(config, store, now, horizon) if i.at > now]
        for rider in self.announcer.riders:
            times += [at for _, at in await rider.due_times(now, horizon) if at > now]
        return times
