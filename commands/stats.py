"""`!stats`: how the call is doing over time, in numbers and a chart."""

from __future__ import annotations

import datetime as dt

from bot.core.config import Config
from bot.core.dispatcher import Context
from bot.core.model import Attachment, Reply
from bot.core.registry import CommandGroup
from bot.core.text import Text, plural
from bot.features.people.names import name_of
from bot.features.sessions import statistics
from bot.features.sessions.statistics import STATS_WEEKS
from bot.features.sessions.timeline import Phase

group = CommandGroup("stats")


def chart_title(config: Config) -> str:
    """The attendance chart's title, for `!stats` and the web page alike, so both share the
    chart drawn last."""
    return f"{config.conference.name}: people per session"


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


@group.command("stats", help="Attendance per session over the last 12 weeks, with a chart", in_direct=True)
async def stats(ctx: Context) -> Reply:
    now = ctx.clock.now()
    sessions = await statistics.turnout(ctx.store, ctx.config, now, now - dt.timedelta(weeks=STATS_WEEKS))
    held = [t for t in sessions if t.phase.held]
    # Check-ins to a session no host started (or called off) are shown, never counted as held.
    not_held = [t for t in sessions if not t.phase.held and t.present]
    if not held and not not_held:
        return ctx.reply(f"No session has been held in the last {STATS_WEEKS} weeks, so there is nothing to show yet.")
    if held:
        total = sum(t.present for t in held)
        text = Text().bold(f"Attendance, last {STATS_WEEKS} weeks")
        text.add(f": {plural(len(held), 'session')} held, {plural(total, 'check-in')}, ")
        text.add(f"{total / len(held):.1f} per session on average.")
    else:
        text = Text(f"No session has been held in the last {STATS_WEEKS} weeks.")
    if not_held:
        text.add(" " + not_held_text(not_held))
    for t in sessions:
        if t.phase.held:
            text.line(f"{t.key}  {t.present}")
        elif t.present:
            names = [await name_of(ctx.store, c.user_id) for c in t.check_ins]
            text.line(f"{t.key}  {t.present}  {NOT_HELD.get(t.phase, t.phase)}: {', '.join(names)}")
    if not statistics.has_chart(sessions):
        if held:
            one = "Only one session held so far" if not_held else "Only one session so far"
            text.line(f"{one}: a chart needs at least two, so there is none yet.")
        return ctx.reply(text)
    series = statistics.attendance_series(ctx.config, sessions)
    # One chart at a time, and the last one again while attendance is unchanged.
    png = await ctx.services.charts.render(series, chart_title(ctx.config))
    if png is None:
        text.line("The chart could not be drawn this time; the reason is in the bot's log for the operator.")
        return ctx.reply(text)
    return ctx.reply(text, file=Attachment("ccc-attendance.png", png, "image/png"))
