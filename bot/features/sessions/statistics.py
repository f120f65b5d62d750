"""How the call is doing over time, as `!stats`, the web page (its chart and list), the
exports and `ccc-bot status` show it: every session a host started or people came to,
in the state the timeline gives it (held, not started, called off...)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass

import pytz

from bot.core.config import Config
from bot.core.model import ChartSeries
from bot.core.weekly import Slot
from bot.features.schedule.weekly_sessions import session_from_key
from bot.features.sessions import chart
from bot.features.sessions.repository import CheckIn, SessionState, attendance_history
from bot.features.sessions.timeline import Phase, SessionView, Timeline
from bot.storage.store import Store

log = logging.getLogger(__name__)

# `!stats` and the web page show the sessions of this many weeks back; `!stats N` up to
# STATS_MAX_WEEKS (two years).
STATS_WEEKS = 12
STATS_MAX_WEEKS = 104
# A chart needs this many sessions held (`!stats` and the web page).
CHART_NEEDS = 2
# Where the chart marks a session people came to that was not held, apart from the lines.
MARKED = {Phase.NOT_STARTED: chart.NOT_STARTED, Phase.CALLED_OFF: chart.CALLED_OFF}


@dataclass(frozen=True)
class Turnout:
    """A session a host started or people came to: its state now (`view`) and who checked
    in, in the order they came."""

    view: SessionView
    check_ins: tuple[CheckIn, ...]

    @property
    def key(self) -> str:
        return self.view.key

    @property
    def phase(self) -> Phase:
        return self.view.phase

    @property
    def state(self) -> SessionState | None:
        return self.view.state

    @property
    def present(self) -> int:
        return len(self.check_ins)

    @property
    def minutes(self) -> int | None:
        return self.view.minutes


async def turnout(store: Store, config: Config, now: dt.datetime, since: dt.datetime | None = None) -> list[Turnout]:
    """Every session a host started or someone checked in to (so none to come, but for one
    started early), starting from `since` (all of them without), oldest first, in its
    state at `now`. A key that names no time (a database edited by hand) is left out,
    and logged."""
    # Keys are local times: a day's margin covers any zone's offset; the times decide below.
    first = "" if since is None else f"{since - dt.timedelta(days=1):%Y-%m-%d %H:%M}"
    history = await attendance_history(store, first)
    timeline = await Timeline.load_with(store, config, now, [h.state for h in history if h.state is not None])
    found = []
    for held in history:
        try:
            session = session_from_key(config, held.key)
        except ValueError:
            log.warning("session %r in the database names no time; left out of the statistics", held.key)
            continue
        if since is None or since <= session.starts_at:
            found.append(Turnout(timeline.view(session), held.check_ins))
    return found


def has_chart(sessions: Sequence[Turnout]) -> bool:
    """Whether enough of `sessions` were held for a chart (CHART_NEEDS)."""
    return sum(t.phase.held for t in sessions) >= CHART_NEEDS


def attendance_series(config: Config, sessions: Sequence[Turnout], zone: str | None = None) -> ChartSeries:
    """The chart's lines: one per slot, a point per session held, a gap (None) for each
    week of that slot not held; and the sessions people came to that were not started or
    were called off, as marks of their own. Slots and days are the conference's, or as
    they read in `zone` (a slot named by its last session there)."""
    by_slot: dict[Slot, list[tuple[str, int | None]]] = {}
    names: dict[Slot, str] = {}
    marks: ChartSeries = {}
    there = None if zone is None else pytz.timezone(zone)
    for t in sessions:
        local = None if there is None else t.view.session.starts_at.astimezone(there)
        day = dt.date.fromisoformat(t.key[:10]) if local is None else local.date()
        if t.phase in MARKED and t.present:
            marks.setdefault(MARKED[t.phase], []).append((str(day), t.present))
        if not t.phase.held:
            continue
        slot = t.view.session.slot
        names[slot] = str(slot if local is None else Slot(local.weekday(), local.time().replace(second=0)))
        points = by_slot.setdefault(slot, [])
        if points:
            # A week of that slot not held is a gap in its line, not a line across it.
            missed = dt.date.fromisoformat(points[-1][0]) + dt.timedelta(weeks=1)
            for week in range((day - missed).days // 7):
                points.append((str(missed + dt.timedelta(weeks=week)), None))
        points.append((str(day), t.present))
    series = {names[slot]: points for slot, points in by_slot.items()}
    return {**series, **{label: marks[label] for label in MARKED.values() if label in marks}}
