"""Which sessions are held: the weekly sessions less the cancelled ones."""

from __future__ import annotations

import datetime as dt

from bot.core.config import Config
from bot.features.schedule.repository import Cancellations
from bot.features.schedule.weekly_sessions import Session, sessions_from


def next_held_sessions(config: Config, cancels: Cancellations, after: dt.datetime, count: int) -> list[Session]:
    """The next `count` sessions after `after` that are not cancelled."""
    out: list[Session] = []
    for session in sessions_from(config, after):
        if session.starts_at > after and cancels.of(session) is None:
            out.append(session)
            if len(out) == count:
                break
    return out
