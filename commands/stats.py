"""`!stats`: how the call is doing over time, in numbers and a chart."""

from __future__ import annotations

import datetime as dt
import re

from bot.core.arguments import Rest, UsageError, convert
from bot.core.config import Config
from bot.core.dispatcher import Context
from bot.core.model import Attachment, Reply
from bot.core.registry import CommandGroup
from bot.core.text import Text, clean, plural
from bot.features.people.names import name_of
from bot.features.sessions import statistics
from bot.features.sessions.statistics import STATS_MAX_WEEKS, STATS_WEEKS
from bot.features.sessions.timeline import Phase

group = CommandGroup("stats")


def weeks_text(weeks: int) -> str:
    """'week' or '52 weeks', after "last"."""
    return "week" if weeks == 1 else f"{weeks} weeks"


def chart_title(config: Config, weeks: int = STATS_WEEKS) -> str:
    """The attendance chart's title, for `!stats` and the web page alike, so both share the
    chart drawn last."""
    return f"{config.conference.name}: people per session, last {weeks_text(weeks)}"


# `!stats 52`, `!stats 52 weeks`, `!stats 52w`.
_WEEKS = re.compile(r"(?P<n>[-#\d.,]+)\s*(?:w|wks?|weeks?)?[.!]?", re.IGNORECASE)


def typed_weeks(typed: str | None) -> int:
    """The number of weeks `!stats` was asked for (STATS_WEEKS when none); UsageError when
    it is no whole number from 1 to STATS_MAX_WEEKS."""
    if typed is None:
        return STATS_WEEKS
    m = _WEEKS.fullmatch(typed)
    if m is None:
        raise UsageError(f"N: {clean(typed, 40)!r} is not a number of weeks, such as 52")
    weeks: int = convert(int, m["n"], "N")
    if not 1 <= weeks <= STATS_MAX_WEEKS:
        raise UsageError(f"N must be between 1 and {STATS_MAX_WEEKS} (weeks)")
    return weeks


# How `!stats` says what became of a session people came to that was not held.
NOT_HELD = {Phase.NOT_STARTED: "not started (no host)", Phase.CALLED_OFF: "called off"}


def not_held_text(sessions: list[statistics.Turnout]) -> str:
    """'Not held, though people came: 1 not started (2 check-ins), 1 called off (1 check-in).'"""
    by_phase: dict[Phase, list[statistics.Turnout]] = {}
    for t in sessions:
        by_phase.setdefault(t.phase, []).append(t)
    parts = [
        f"{len(found)} {phase} ({plural(sum(t.present for t in found), 'check-in')})"
        for phase, found in by_phase.items()
    ]
    return "Not held, though people came: " + ", ".join(parts) + "."


async def _table(
    ctx: Context, sessions: list[statistics.Turnout], notes: bool
) -> tuple[tuple[str, ...], list[tuple[str | int, ...]]]:
    """The table's head and rows: each session held, and each not held that people came to
    (with what became of it and who came, in a column of notes when there is one)."""
    rows: list[tuple[str | int, ...]] = []
    for t in sessions:
        label = t.key
        if t.phase.held:
            rows.append((label, t.present, "") if notes else (label, t.present))
        elif t.present:
            names = [await name_of(ctx.store, c.user_id) for c in t.check_ins]
            rows.append((label, t.present, f"{NOT_HELD.get(t.phase, t.phase)}: {', '.join(names)}"))
    return ("Session", "Check-ins", "Note") if notes else ("Session", "Check-ins"), rows


@group.command(
    "stats",
    usage="[N]",
    help=f"Attendance per session over the last N weeks ({STATS_WEEKS} unless given, up to {STATS_MAX_WEEKS}), "
    "with a chart",
    in_direct=True,
)
async def stats(ctx: Context, typed: Rest | None = None) -> Reply:
    weeks = typed_weeks(typed)
    now, last = ctx.clock.now(), weeks_text(weeks)
    sessions = await statistics.turnout(ctx.store, ctx.config, now, now - dt.timedelta(weeks=weeks))
    held = [t for t in sessions if t.phase.held]
    # Check-ins to a session no host started (or called off) are shown, never counted as held.
    not_held = [t for t in sessions if not t.phase.held and t.present]
    if not held and not not_held:
        return ctx.reply(f"No session has been held in the last {last}, so there is nothing to show yet.")
    if held:
        total = sum(t.present for t in held)
        text = Text().bold(f"Attendance, last {last}")
        text.add(f": {plural(len(held), 'session')} held, {plural(total, 'check-in')}, ")
        text.add(f"{total / len(held):.1f} per session on average.")
    else:
        text = Text(f"No session has been held in the last {last}.")
    if not_held:
        text.add(" " + not_held_text(not_held))
    text.table(*await _table(ctx, sessions, bool(not_held)))
    if not statistics.has_chart(sessions):
        if held:
            one = "Only one session held so far" if not_held else "Only one session so far"
            text.line(f"{one}: a chart needs at least two, so there is none yet.")
        return ctx.reply(text)
    series = statistics.attendance_series(ctx.config, sessions)
    # One chart at a time, and the last one again while attendance is unchanged.
    png = await ctx.services.charts.render(series, chart_title(ctx.config, weeks))
    if png is None:
        text.line("The chart could not be drawn this time; the reason is in the bot's log for the operator.")
        return ctx.reply(text)
    return ctx.reply(text, file=Attachment("ccc-attendance.png", png, "image/png"))
