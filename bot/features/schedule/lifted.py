"""Who is told when a cancellation is lifted. The features that told people of the
cancellation (announcements, reminders) register here, as they sit above the schedule;
each is told, inside the transaction that lifts it, of each session whose cancellation is
lifted (the connection, the session, when)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

import aiosqlite

from bot.features.schedule.weekly_sessions import Session

WhenLifted = Callable[[aiosqlite.Connection, Session, dt.datetime], Awaitable[None]]
_when_lifted: dict[str, WhenLifted] = {}


def when_lifted(name: str, hook: WhenLifted) -> None:
    _when_lifted[name] = hook


async def tell_lifted(db: aiosqlite.Connection, session: Session, at: dt.datetime) -> None:
    """Run every registered hook for `session`, inside the caller's transaction."""
    for hook in _when_lifted.values():
        await hook(db, session, at)
