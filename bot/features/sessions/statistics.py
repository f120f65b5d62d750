"""How the call is doing over time, as `!stats` and the web page's chart show it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.core.config import Config
from bot.features.schedule.repository import session_from_key
from bot.features.sessions.chart import Series
from bot.features.sessions.repository import Turnout

# `!stats` and the web page's chart show the sessions of this many weeks back.
STATS_WEEKS = 12


def attendance_series(config: Config, held: Sequence[Turnout]) -> Series:
    """The chart's lines: one per slot, a point per session held, a gap (None) for each
    week of that slot not held."""
    series: Series = {}
    for t in held:
        points = series.setdefault(str(session_from_key(config, t.key).slot), [])
        day = dt.date.fromisoformat(t.key[:10])
        if points:
            # A week of that slot not held is a gap in its line, not a line across it.
            missed = dt.date.fromisoformat(points[-1][0]) + dt.timedelta(weeks=1)
            for week in range((day - missed).days // 7):
                points.append((str(missed + dt.timedelta(weeks=week)), None))
        points.append((t.key[:10], t.present))
    return series
