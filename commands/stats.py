"""`!stats`: how the call is doing over time, in numbers and a chart."""

from __future__ import annotations

import datetime as dt
import re

from bot.core.arguments import Rest, UsageError, convert
from bot.core.cldr import format_tenths
from bot.core.config import Config
from bot.core.dispatcher import Context
from bot.core.i18n import N_, Translator, english, room_language
from bot.core.model import Attachment, ChartSeries, Reply
from bot.core.registry import CommandGroup
from bot.core.text import Text, clean
from bot.core.weekly import parse_slot
from bot.features.people.names import name_of
from bot.features.sessions import chart, statistics
from bot.features.sessions.statistics import STATS_MAX_WEEKS, STATS_WEEKS
from bot.features.sessions.timeline import Phase

group = CommandGroup("stats")


def chart_title(config: Config, weeks: int = STATS_WEEKS, lang: Translator | None = None) -> str:
    """The attendance chart's title, for `!stats` and the web page alike, so both share the
    chart drawn last; in `lang` (the rooms' language by default)."""
    lang = lang or room_language(config)
    return lang.ngettext(
        "{conference}: people per session, last week",
        "{conference}: people per session, last {n} weeks",
        weeks,
        conference=config.conference.name,
    )


# The chart's marks of the sessions people came to that were not held, by their series.
MARK_WORDS = {chart.NOT_STARTED: N_("not started (people came)"), chart.CALLED_OFF: N_("called off (people came)")}
# A Monday: a slot's weekday and time are named as a day of its week.
_MONDAY = dt.date(2024, 1, 1)


def _slot_label(name: str, lang: Translator) -> str:
    """'Thursday 08:00' as the legend names it in `lang` ('jueves a las 08:00')."""
    try:
        slot = parse_slot(name)
    except ValueError:
        return name
    return lang.dated(dt.datetime.combine(_MONDAY + dt.timedelta(days=slot.weekday), slot.time), "EEEE HH:mm")


def chart_words(series: ChartSeries, lang: Translator | None = None) -> chart.ChartWords:
    """The chart's words in `lang` (English by default), for `!stats` and the web page: its
    axis, the legend (the slots and the marks) and the days under the axis ('10 dic';
    with the year when the days span two)."""
    lang = lang or english()
    days = sorted({day for points in series.values() for day, _ in points})
    years = bool(days) and days[0][:4] != days[-1][:4]

    def day_label(day: str) -> str:
        at = dt.datetime.fromisoformat(day)
        return lang.dated(at, "d MMM y") if years else lang.dated(at, "d MMM")

    return chart.ChartWords(
        # Translators: the chart's vertical axis: how many people checked in.
        checked_in=lang.gettext("checked in"),
        labels={
            name: lang.gettext(MARK_WORDS[name]) if name in MARK_WORDS else _slot_label(name, lang) for name in series
        },
        days={day: day_label(day) for day in days},
    )


# `!stats 52`, `!stats 52 weeks`, `!stats 52w`.
_WEEKS = re.compile(r"(?P<n>[-#\d.,]+)\s*(?:w|wks?|weeks?)?[.!]?", re.IGNORECASE)


def typed_weeks(typed: str | None, lang: Translator | None = None) -> int:
    """The number of weeks `!stats` was asked for (STATS_WEEKS when none); UsageError when
    it is no whole number from 1 to STATS_MAX_WEEKS."""
    lang = lang or english()
    if typed is None:
        return STATS_WEEKS
    m = _WEEKS.fullmatch(typed)
    if m is None:
        raise UsageError(lang.gettext("N: {typed} is not a number of weeks, such as 52", typed=repr(clean(typed, 40))))
    weeks: int = convert(int, m["n"], "N")
    if not 1 <= weeks <= STATS_MAX_WEEKS:
        raise UsageError(lang.gettext("N must be between 1 and {most} (weeks)", most=STATS_MAX_WEEKS))
    return weeks


# What became of a session people came to that was not held, in a note of the table.
NOT_HELD = {Phase.NOT_STARTED: N_("not started (no host)"), Phase.CALLED_OFF: N_("called off")}


def _not_held_count(phase: Phase, n: int, lang: Translator) -> str:
    """'1 not started', '2 called off'."""
    if phase is Phase.NOT_STARTED:
        # Translators: sessions (feminine in es and pt) no host started.
        return lang.ngettext("{n} not started", "{n} not started", n)
    if phase is Phase.CALLED_OFF:
        # Translators: sessions (feminine in es and pt) called off.
        return lang.ngettext("{n} called off", "{n} called off", n)
    if phase is Phase.WAITING:
        return lang.ngettext("{n} waiting for its host", "{n} waiting for its host", n)
    return f"{n} {phase}"


def not_held_text(sessions: list[statistics.Turnout], lang: Translator | None = None) -> str:
    """'Not held, though people came: 1 not started (2 check-ins), 1 called off (1 check-in).'"""
    lang = lang or english()
    by_phase: dict[Phase, list[statistics.Turnout]] = {}
    for t in sessions:
        by_phase.setdefault(t.phase, []).append(t)
    parts = [
        lang.gettext(
            "{sessions} ({check_ins})",
            sessions=_not_held_count(phase, len(found), lang),
            check_ins=_check_ins(sum(t.present for t in found), lang),
        )
        for phase, found in by_phase.items()
    ]
    return lang.gettext("Not held, though people came: {sessions}.", sessions=", ".join(parts))


def _check_ins(n: int, lang: Translator) -> str:
    return lang.ngettext("{n} check-in", "{n} check-ins", n)


async def _table(
    ctx: Context, sessions: list[statistics.Turnout], notes: bool
) -> tuple[tuple[str, ...], list[tuple[str | int, ...]]]:
    """The table's head and rows: each session held, and each not held that people came to
    (with what became of it and who came, in a column of notes when there is one)."""
    lang = ctx.lang
    rows: list[tuple[str | int, ...]] = []
    for t in sessions:
        label = t.key
        if t.phase.held:
            rows.append((label, t.present, "") if notes else (label, t.present))
        elif t.present:
            names = [await name_of(ctx.store, c.user_id) for c in t.check_ins]
            what = lang.gettext(NOT_HELD[t.phase]) if t.phase in NOT_HELD else str(t.phase)
            rows.append((label, t.present, f"{what}: {', '.join(names)}"))
    # Translators: the heads of !stats' table: a session, how many checked in, a note.
    head = (lang.gettext("Session"), lang.gettext("Check-ins"))
    return ((*head, lang.gettext("Note")) if notes else head), rows


@group.command(
    "stats",
    usage="[N]",
    # The numbers are STATS_WEEKS and STATS_MAX_WEEKS (tests/commands/test_stats.py checks it).
    help=N_("Attendance per session over the last N weeks (12 unless given, up to 104), with a chart"),
    in_direct=True,
)
async def stats(ctx: Context, typed: Rest | None = None) -> Reply:
    lang = ctx.lang
    weeks = typed_weeks(typed, lang)
    now = ctx.clock.now()
    sessions = await statistics.turnout(ctx.store, ctx.config, now, now - dt.timedelta(weeks=weeks))
    held = [t for t in sessions if t.phase.held]
    # Check-ins to a session no host started (or called off) are shown, never counted as held.
    not_held = [t for t in sessions if not t.phase.held and t.present]
    if not held and not not_held:
        return ctx.reply(
            lang.ngettext(
                "No session has been held in the last week, so there is nothing to show yet.",
                "No session has been held in the last {n} weeks, so there is nothing to show yet.",
                weeks,
            )
        )
    if held:
        total = sum(t.present for t in held)
        text = Text().bold(lang.ngettext("Attendance, last week", "Attendance, last {n} weeks", weeks))
        figures = lang.gettext(
            "{sessions}, {check_ins}, {average} per session on average.",
            sessions=lang.ngettext("{n} session held", "{n} sessions held", len(held)),
            check_ins=_check_ins(total, lang),
            average=format_tenths(total / len(held), lang.language.locale),
        )
        text.add(": " + figures)
    else:
        text = Text(
            lang.ngettext(
                "No session has been held in the last week.", "No session has been held in the last {n} weeks.", weeks
            )
        )
    if not_held:
        text.add(" " + not_held_text(not_held, lang))
    text.table(*await _table(ctx, sessions, bool(not_held)))
    if not statistics.has_chart(sessions):
        if held and not_held:
            text.line(lang.gettext("Only one session held so far: a chart needs at least two, so there is none yet."))
        elif held:
            text.line(lang.gettext("Only one session so far: a chart needs at least two, so there is none yet."))
        return ctx.reply(text)
    series = statistics.attendance_series(ctx.config, sessions)
    # One chart at a time, and the last one again while attendance is unchanged.
    png = await ctx.services.charts.render(series, chart_title(ctx.config, weeks, lang), chart_words(series, lang))
    if png is None:
        text.line(
            lang.gettext("The chart could not be drawn this time; the reason is in the bot's log for the operator.")
        )
        return ctx.reply(text)
    return ctx.reply(text, file=Attachment("ccc-attendance.png", png, "image/png"))
