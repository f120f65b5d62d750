"""The `!stats` chart as a person reads it: the dates it spans, a session not held as a
gap, and slots told apart even where their points coincide. The figure is built here
in the test process; the bot itself only ever draws it in a child process."""

import datetime as dt
import itertools
import json
import math

import pytest

from bot.features.sessions import chart, repository
from tests.conftest import ALICE, BOB, HOST, hold

MORNING, EVENING = "Thursday 08:00", "Thursday 17:00"
TITLE = "Coop Casual Conference: people per session"


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def x_range(fig) -> tuple[dt.date, dt.date]:
    from matplotlib.dates import num2date

    lo, hi = fig.axes[0].get_xlim()
    return num2date(lo).date(), num2date(hi).date()


def lines(fig) -> dict[str, object]:
    """The slot lines by their label (the legend's entries)."""
    return {line.get_label(): line for line in fig.axes[0].get_lines() if not line.get_label().startswith("_")}


def drawn_segments(line) -> list[tuple[dt.date, dt.date]]:
    """The stretches a line is drawn over: matplotlib breaks a line at a missing (NaN) value."""
    from matplotlib.dates import num2date

    points = line.get_xydata()
    return [
        (num2date(x0).date(), num2date(x1).date())
        for (x0, y0), (x1, y1) in itertools.pairwise(points)
        if not (math.isnan(y0) or math.isnan(y1))
    ]


def tick_dates(fig) -> list[dt.date]:
    from matplotlib.dates import num2date

    lo, hi = fig.axes[0].get_xlim()
    return [num2date(t).date() for t in fig.axes[0].get_xticks() if lo <= t <= hi]


@pytest.mark.parametrize(
    "series",
    [
        {MORNING: [("2026-11-19", 4), ("2026-11-26", 6)], EVENING: [("2026-11-19", 3), ("2026-11-26", 5)]},
        # One session per slot, on the same day: the axis used to run from 2025 to 2029.
        {MORNING: [("2026-11-26", 6)], EVENING: [("2026-11-26", 5)]},
        {MORNING: [("2026-11-19", 4)], EVENING: [("2026-11-26", 5)]},
    ],
    ids=["two-weeks", "one-day", "one-each"],
)
def test_the_date_axis_spans_the_weeks_of_data(series):
    fig = chart.figure(series, TITLE)
    days = sorted({day(d) for points in series.values() for d, _ in points})
    lo, hi = x_range(fig)
    assert lo < days[0] and hi > days[-1], "every session is inside the axis"
    assert days[0] - lo <= dt.timedelta(days=4) and hi - days[-1] <= dt.timedelta(days=4), (lo, hi)
    ticks = tick_dates(fig)
    assert ticks == days, "a date label under each session day, and no others"
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert "26 Nov" in labels, labels


def test_a_long_period_is_labelled_with_a_few_dates():
    first = day("2026-09-10")
    weeks = [str(first + dt.timedelta(weeks=w)) for w in range(12)]
    fig = chart.figure({MORNING: [(d, 3) for d in weeks], EVENING: [(d, 4) for d in weeks]}, TITLE)
    lo, hi = x_range(fig)
    assert lo < first and hi > day(weeks[-1]) and hi - lo < dt.timedelta(weeks=13)
    assert 3 <= len(tick_dates(fig)) <= 12


def test_a_session_not_held_is_a_gap_in_its_line():
    series = {
        MORNING: [("2026-11-05", 4), ("2026-11-12", 6), ("2026-11-19", None), ("2026-11-26", 5)],
        EVENING: [("2026-11-05", 3), ("2026-11-12", 2), ("2026-11-19", 4), ("2026-11-26", 3)],
    }
    fig = chart.figure(series, TITLE)
    drawn = lines(fig)
    missed = day("2026-11-19")
    assert all(not a < missed < b for a, b in drawn_segments(drawn[MORNING])), "no line across the missed week"
    assert drawn_segments(drawn[MORNING]) == [(day("2026-11-05"), day("2026-11-12"))]
    assert len(drawn_segments(drawn[EVENING])) == 3, "the other slot's line is whole"


def test_slots_stay_distinguishable_where_their_points_coincide():
    points = [("2026-11-05", 4), ("2026-11-12", 6), ("2026-11-19", 5), ("2026-11-26", 5)]
    fig = chart.figure({MORNING: points, EVENING: list(points)}, TITLE)
    morning, evening = lines(fig)[MORNING], lines(fig)[EVENING]
    assert morning.get_marker() != evening.get_marker()
    assert morning.get_linestyle() != evening.get_linestyle()
    assert morning.get_color() != evening.get_color()
    # The one drawn on top must not hide the other: its marker is smaller.
    assert morning.get_markersize() > evening.get_markersize()
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == [MORNING, EVENING]


def test_two_years_of_sessions_are_drawn_with_smaller_marks_that_do_not_run_together():
    """`!stats 104`: a hundred points a line; the marks shrink, the slots still apart."""
    first = day("2024-11-28")
    weeks = [str(first + dt.timedelta(weeks=w)) for w in range(104)]
    short = lines(chart.figure({MORNING: [(d, 3) for d in weeks[:12]], EVENING: [(d, 4) for d in weeks[:12]]}, TITLE))
    long = lines(chart.figure({MORNING: [(d, 3) for d in weeks], EVENING: [(d, 4) for d in weeks]}, TITLE))
    for slot in (MORNING, EVENING):
        assert long[slot].get_markersize() < short[slot].get_markersize(), slot
        assert long[slot].get_linewidth() < short[slot].get_linewidth(), slot
    assert long[MORNING].get_markersize() > long[EVENING].get_markersize()


def test_sessions_people_came_to_that_no_host_started_are_marks_apart_from_the_lines():
    series = {
        MORNING: [("2026-11-05", 4), ("2026-11-12", None), ("2026-11-19", 5)],
        chart.NOT_STARTED: [("2026-11-12", 2)],
        chart.CALLED_OFF: [("2026-11-19", 1)],
    }
    fig = chart.figure(series, TITLE)
    drawn = lines(fig)
    for label in (chart.NOT_STARTED, chart.CALLED_OFF):
        assert drawn[label].get_linestyle() == "None", "marks, joined by no line"
    assert len({drawn[label].get_marker() for label in series}) == 3
    assert drawn[chart.NOT_STARTED].get_color() != drawn[MORNING].get_color()
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == list(series)


def test_the_child_process_draws_gaps():
    """`None` (a session not held) crosses the JSON pipe to the child process."""
    import asyncio

    series = {MORNING: [("2026-11-12", 6), ("2026-11-19", None), ("2026-11-26", 5)], EVENING: [("2026-11-26", 2)]}
    png = asyncio.run(chart.render(series, TITLE))
    assert png is not None and png.startswith(chart.PNG_MAGIC)


# --- one chart at a time, and the last one reused -----------------------------------------


class Drawer:
    """Stands in for the child process: counts what it draws, and how many at once."""

    def __init__(self, fail: bool = False):
        self.drawn: list[dict] = []
        self.at_once = self.most_at_once = 0
        self.fail = fail

    async def __call__(self, series, title, words=None):
        import asyncio

        self.at_once += 1
        self.most_at_once = max(self.most_at_once, self.at_once)
        await asyncio.sleep(0.02)
        self.at_once -= 1
        self.drawn.append(series)
        return None if self.fail else chart.PNG_MAGIC + str(len(self.drawn)).encode()


SERIES = {MORNING: [("2026-11-12", 6), ("2026-11-19", 5)]}


async def test_concurrent_charts_are_drawn_one_at_a_time_and_the_same_data_once(monkeypatch):
    import asyncio

    drawer = Drawer()
    monkeypatch.setattr(chart, "render", drawer)
    charts = chart.Charts()
    pngs = await asyncio.gather(*(charts.render(SERIES, TITLE) for _ in range(20)))
    assert len(drawer.drawn) == 1, "the requests that waited reuse the chart just drawn"
    assert len(set(pngs)) == 1 and pngs[0].startswith(chart.PNG_MAGIC)
    other = {MORNING: [("2026-11-12", 6), ("2026-11-19", 7)]}
    await asyncio.gather(*(charts.render(other if i % 2 else SERIES, TITLE) for i in range(6)))
    assert drawer.most_at_once == 1, "at most one chart is drawn at a time"


async def test_changed_data_is_drawn_afresh_and_a_failure_is_not_kept(monkeypatch):
    drawer = Drawer()
    monkeypatch.setattr(chart, "render", drawer)
    charts = chart.Charts()
    first = await charts.render(SERIES, TITLE)
    assert await charts.render(SERIES, TITLE) == first and len(drawer.drawn) == 1
    changed = {MORNING: [*SERIES[MORNING], ("2026-11-26", 1)]}
    assert await charts.render(changed, TITLE) != first and len(drawer.drawn) == 2
    assert await charts.render(changed, "Another title") is not None and len(drawer.drawn) == 3
    drawer.fail = True
    assert await charts.render(SERIES, TITLE) is None
    assert await charts.render(SERIES, TITLE) is None and len(drawer.drawn) == 5, "a failed chart is tried again"


# --- !stats reuses its PNG while attendance is unchanged, and only then ------------------


async def test_stats_reuses_the_png_until_a_new_check_in_changes_it(chat, monkeypatch):
    from bot.features.schedule.weekly_sessions import session_from_key

    calls = []

    async def runner(series, title, words=None):  # the real drawing, in this process, counted
        calls.append(series)
        return chart.draw(series, title, words)

    monkeypatch.setattr(chart, "render", runner)
    await hold(chat, "2026-11-12 08:00", [HOST, ALICE])
    await hold(chat, "2026-11-19 08:00", [HOST, ALICE])
    first = (await chat.say(ALICE, "!stats"))[0].file.data
    again = (await chat.say(BOB, "!stats"))[0].file.data
    assert again == first and len(calls) == 1, "unchanged attendance: the same PNG, not drawn again"
    late = session_from_key(chat.services.config, "2026-11-19 08:00").starts_at
    await repository.check_in(chat.store, "2026-11-19 08:00", BOB, late, repository.CheckInVia.COMMAND)
    changed = (await chat.say(ALICE, "!stats"))[0]
    assert len(calls) == 2 and changed.file.data != first and changed.file.data.startswith(chart.PNG_MAGIC)
    assert "\n2026-11-19 08:00          3" in changed.text, "the table's row, its columns lined up"
    assert (await chat.say(ALICE, "!stats"))[0].file.data == changed.file.data and len(calls) == 2


async def test_a_started_chart_keeps_a_process_ready_draws_with_it_and_stops_it():
    charts = chart.Charts()
    await charts.start()
    ready = charts._spare
    assert ready is not None and ready.returncode is None
    series = {MORNING: [("2026-11-12", 6), ("2026-11-19", None), ("2026-11-26", 5)]}
    png = await charts.render(series, TITLE)
    assert png is not None and png.startswith(chart.PNG_MAGIC)
    assert ready.returncode == 0, "the ready process drew that chart and ended"
    following = charts._spare
    assert following is not None and following.pid != ready.pid, "the next one is made ready"
    await charts.close()
    assert following.returncode is not None and charts._spare is None
    # a process stopped before it was asked for a chart has nothing to say
    quiet = await chart.spawn()
    out, err = await quiet.communicate(b"")
    assert quiet.returncode == 0 and out == b"" and err == b""


def test_the_words_it_is_given_are_the_ones_it_writes():
    """The child knows no language: the legend, the axis and the days are the bot's words."""
    series = {MORNING: [("2026-11-19", 4), ("2026-11-26", 6)], chart.NOT_STARTED: [("2026-12-03", 2)]}
    words = chart.ChartWords(
        checked_in="asistentes",
        labels={MORNING: "jueves a las 08:00", chart.NOT_STARTED: "no empezó (vino gente)"},
        days={"2026-11-19": "19 nov", "2026-11-26": "26 nov", "2026-12-03": "3 dic"},
    )
    fig = chart.figure(series, "personas por sesión", words)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["jueves a las 08:00", "no empezó (vino gente)"]
    assert ax.get_ylabel() == "asistentes" and ax.get_title() == "personas por sesión"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["19 nov", "26 nov", "3 dic"]
    assert chart.ChartWords.from_json(json.loads(chart.request(series, "x", words))["words"]) == words


def test_over_many_weeks_a_few_session_days_are_labelled_the_last_among_them():
    days = [day("2026-01-01") + dt.timedelta(weeks=w) for w in range(52)]
    shown = chart.tick_days(days)
    assert shown[-1] == days[-1] and 3 <= len(shown) <= chart.MAX_DAY_LABELS // 2 + 1, shown
