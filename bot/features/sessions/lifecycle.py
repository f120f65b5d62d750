"""When a session may be started (from START_EARLY before its time to START_LATE after),
which one waits for its host, which are in the way of a cancellation, and when one nobody
ended is closed (AUTO_CLOSE_AFTER its start, by the announcer)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from bot.core.config import Config
from bot.features.schedule.repository import (
    Cancellations,
    Session,
    load_cancellations,
    next_held_sessions,
    sessions_between,
)
from bot.features.sessions.repository import state_of
from bot.storage.store import Store

# A session can be started from 30 minutes before its slot time to 2 hours after it.
START_EARLY = dt.timedelta(minutes=30)
START_LATE = dt.timedelta(hours=2)
# A session nobody ended is closed this long after it was started.
AUTO_CLOSE_AFTER = dt.timedelta(hours=3)


async def started_before_cancel(store: Store, affected: Iterable[Session], now: dt.datetime) -> Session | None:
    """The first of `affected` that a host has started and that so can't be cancelled any
    more: one running, or one started early, before its time. One that has taken place
    and ended is not in the way (cancelling it is refused as over)."""
    for session in affected:
        state = await state_of(store, session.key)
        if state is not None and state.started_at is not None and (state.running or session.starts_at > now):
            return session
    return None


def startable_session(config: Config, now: dt.datetime) -> Session | None:
    """The session whose start window (30 min before to 2 h after) holds `now`; the
    nearest one if two windows overlap."""
    candidates = sessions_between(config, now - START_LATE, now + START_EARLY + dt.timedelta(seconds=1))
    return min(candidates, key=lambda s: abs(s.starts_at - now), default=None)


async def awaiting_host(store: Store, config: Config, now: dt.datetime) -> Session | None:
    """The session whose time has come but that no host has started yet: from its start
    time until it is started, or its start window closes (START_LATE after its start, or
    earlier when a nearer session's window takes over). Not a cancelled one."""
    session = startable_session(config, now)
    if session is None or session.starts_at > now:
        return None
    if (await load_cancellations(store)).of(session) is not None:
        return None
    state = await state_of(store, session.key)
    return session if state is None or state.started_at is None else None


def start_opens(config: Config, cancels: Cancellations, now: dt.datetime) -> Session | None:
    """The next session not cancelled whose start window has not opened yet."""
    following = next_held_sessions(config, cancels, now + START_EARLY, 1)
    return following[0] if following else None
