"""`!stats`: how the call is doing over time, in numbers and a chart."""

from __future__ import annotations

import datetime as dt

from bot.core.config import Config
from bot.core.dispatcher import Context
from bot.core.model import Attachment, Reply
from bot.core.registry import CommandGroup
from bot.core.text import Text, plural
from bot.features.sessions import chart, repository, statistics
from bot.features.sessions.statistics import STATS_WEEKS

group = CommandGroup("stats")


def chart_title(config: Config) -> str:
    """The attendance chart's title, for `!stats` and the web page alike, so both share the
    chart drawn last."""
    return f"{config.conference.name}: people per session"


@group.command("stats", help="Attendance per session over the last 12 weeks, with a chart", in_direct=True)
async def stats(ctx: Context) -> Reply:
    now = ctx.clock.now()
    held = await repository.turnout(ctx.store, now - dt.timedelta(weeks=STATS_WEEKS), now)
    if not held:
        return ctx.reply(f"No session has been held in the last {STATS_WEEKS} weeks, so there is nothing to show yet.")
    total = sum(t.present for t in held)
    text = Text().bold(f"Attendance, last {STATS_WEEKS} weeks")
    text.add(f": {plural(len(held), 'session')} held, {plural(total, 'check-in')}, ")
    text.add(f"{total / len(held):.1f} per session on average.")
    for t in held:
        text.line(f"{t.key}  {t.present}")
    if len(held) < 2:
        text.line("Only one session so far: a chart needs at least two, so there is none yet.")
        return ctx.reply(text)
    series = statistics.attendance_series(ctx.config, held)
    # One chart at a time, and the last one again while attendance is unchanged.
    png = await ctx.services.parts.get(chart.Charts).render(series, chart_title(ctx.config))
    if png is None:
        text.line("The chart could not be drawn this time; the reason is in the bot's log for the operator.")
        return ctx.reply(text)
    return ctx.reply(text, file=Attachment("ccc-attendance.png", png, "image/png"))
