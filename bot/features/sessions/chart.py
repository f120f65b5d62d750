"""The attendance chart of `!stats`, drawn in a short-lived child process.

matplotlib costs the process that imports it about 45 MB that it never gives back; `!stats`
is asked for now and then, while the bot runs for months. So the bot sends the figures to
`python -m bot.features.sessions.chart` as JSON on stdin and reads the PNG from its stdout: the bot stays
small, and a chart that cannot be drawn costs one missing image, not the bot. The running
bot keeps the next such process ready (`Charts.start`), matplotlib already imported, so a
new chart takes only its drawing.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import itertools
import json
import logging
import math
import sys
from typing import Any

from bot.core.model import ChartSeries
from bot.core.model import ChartWords as ChartWords

log = logging.getLogger(__name__)

CHILD_SECONDS = 60
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# Up to this many session days, each gets its date under the axis; more get a few dates.
MAX_DAY_LABELS = 14
# Space on either side of the first and last session day, in days.
MARGIN_DAYS = 3
# One look per slot, so two slots with the same counts stay apart: the first is drawn
# wide with large hollow markers, the next ones thinner, dashed, with smaller markers on
# top of it; colours differ too, and the legend names them.
STYLES: tuple[dict[str, Any], ...] = (
    {"marker": "o", "linestyle": "-", "linewidth": 3.0, "markersize": 11, "markerfacecolor": "none", "mew": 2},
    {"marker": "s", "linestyle": "--", "linewidth": 1.8, "markersize": 6},
    {"marker": "^", "linestyle": ":", "linewidth": 1.8, "markersize": 5},
    {"marker": "D", "linestyle": "-.", "linewidth": 1.2, "markersize": 4},
)
# Past this many session days (half a year of weekly sessions: `!stats 52`, `!stats 104`)
# the marks and lines are drawn at DENSE_SCALE of their size, so they do not run together.
DENSE_DAYS = 26
DENSE_SCALE = 0.5
SIZES = ("linewidth", "markersize", "mew")

# The marks of the sessions people came to that were not held, apart from the slots' lines
# (bot/features/sessions/statistics.py): how many came, with no line to join them.
NOT_STARTED = "not started (people came)"
CALLED_OFF = "called off (people came)"
MARKS: dict[str, dict[str, Any]] = {
    NOT_STARTED: {"marker": "x", "linestyle": "none", "markersize": 9, "mew": 2, "color": "#8a1c1c"},
    CALLED_OFF: {"marker": "v", "linestyle": "none", "markersize": 8, "color": "#6b6b6b"},
}


def tick_days(days: list[dt.date]) -> list[dt.date]:
    """The session days with a label under the axis: each up to MAX_DAY_LABELS, else
    evenly spaced ones, the last always among them."""
    if len(days) <= MAX_DAY_LABELS:
        return days
    step = math.ceil(len(days) / (MAX_DAY_LABELS // 2))
    return days[::-1][::step][::-1]


def figure(series: ChartSeries, title: str, words: ChartWords | None = None) -> Any:
    """The chart as a matplotlib Figure: one line per slot over the days of the data,
    broken where a session was not held, and the MARKS of sessions people came to that
    were not held; its words from `words`. Agg only, no pyplot: no global state."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import date2num, num2date
    from matplotlib.figure import Figure
    from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

    words = words or ChartWords()
    fig = Figure(figsize=(8, 4), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    days = sorted({dt.date.fromisoformat(day) for points in series.values() for day, _ in points})
    top = 0
    slots = itertools.count()
    scale = DENSE_SCALE if len(days) > DENSE_DAYS else 1.0
    for label, points in series.items():
        style = MARKS.get(label) or STYLES[next(slots) % len(STYLES)]
        style = {k: v * scale if k in SIZES else v for k, v in style.items()}
        xs = [dt.date.fromisoformat(day) for day, _ in points]
        # NaN breaks the line: a session not held is a gap, not a line across it.
        ys = [math.nan if n is None else n for _, n in points]
        top = max([top, *(n for _, n in points if n is not None)])
        # matplotlib takes dates through its registry of units, which its type hints leave out.
        ax.plot(xs, ys, label=words.labels.get(label, label), **style)  # type: ignore[arg-type]
    ax.set_title(title)
    ax.set_ylabel(words.checked_in)
    ax.set_ylim(0, top + 1)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if days:
        # Set, not left to matplotlib: for one day it widens the axis to four years.
        margin = dt.timedelta(days=MARGIN_DAYS)
        ax.set_xlim(date2num(days[0] - margin), date2num(days[-1] + margin))
        ax.xaxis.set_major_locator(FixedLocator([date2num(d) for d in tick_days(days)]))
        years = days[0].year != days[-1].year

        def day_label(x: float, _pos: int) -> str:
            day = num2date(x).date()
            said = words.days.get(day.isoformat())
            if said is not None:
                return said
            return f"{day.day} {day:%b %Y}" if years else f"{day.day} {day:%b}"

        ax.xaxis.set_major_formatter(FuncFormatter(day_label))
    ax.grid(alpha=0.3)
    ax.legend()
    fig.autofmt_xdate()
    return fig


def draw(series: ChartSeries, title: str, words: ChartWords | None = None) -> bytes:
    """The chart as PNG bytes."""
    buffer = io.BytesIO()
    figure(series, title, words).savefig(buffer, format="png")
    return buffer.getvalue()


def child_command() -> list[str]:
    return [sys.executable, "-m", "bot.features.sessions.chart"]


async def spawn(*, warm: bool = False) -> asyncio.subprocess.Process | None:
    """A chart process waiting for its figures on stdin; None (and a log line) if it could
    not be started. `warm`: it imports matplotlib and draws a throwaway chart while it
    waits, so that the chart it is then asked for takes only the drawing."""
    try:
        return await asyncio.create_subprocess_exec(
            *child_command(),
            *(["--warm"] if warm else []),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
    except OSError as e:
        log.error("could not start the chart process: %s", e)
        return None


def request(series: ChartSeries, title: str, words: ChartWords | None = None) -> str:
    """What the chart process is sent: the figures and every word it writes."""
    return json.dumps({"title": title, "series": series, "words": (words or ChartWords()).as_json()})


async def draw_in(
    proc: asyncio.subprocess.Process, series: ChartSeries, title: str, words: ChartWords | None = None
) -> bytes | None:
    """The chart as PNG bytes, drawn by the chart process `proc`; None (and a log line) if
    it could not be drawn."""
    payload = request(series, title, words).encode()
    try:
        out, err = await asyncio.wait_for(proc.communicate(payload), CHILD_SECONDS)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        log.error("the chart process took longer than %d s and was stopped", CHILD_SECONDS)
        return None
    except (BrokenPipeError, ConnectionResetError):
        await proc.wait()
        out, err = b"", b"it ended before it was given the figures"
    if proc.returncode != 0 or not out.startswith(PNG_MAGIC):
        log.error("the chart process failed (exit %s): %s", proc.returncode, err.decode(errors="replace")[-2000:])
        return None
    return out


async def render(series: ChartSeries, title: str, words: ChartWords | None = None) -> bytes | None:
    """The chart as PNG bytes, drawn in a new child process; None (and a log line) if it
    could not be drawn."""
    proc = await spawn()
    return None if proc is None else await draw_in(proc, series, title, words)


class Charts:
    """The bot's charts: at most one drawn at a time (each is a child process of about a
    second's CPU, and a flood of `!stats` must not start a process each), and the last
    one reused while the data that goes into it (the series and the title) is unchanged.
    Requests that came while a chart was being drawn wait for it, and most then get it.

    Once started (`start`, as the bot starts), a chart process is kept ready with
    matplotlib imported (most of a cold chart's second), waiting for the next chart that
    must be drawn; each draws one chart and ends, and the next is started after it."""

    def __init__(self) -> None:
        self._drawing = asyncio.Lock()
        self._last: tuple[str, bytes] | None = None  # (the data drawn, the PNG)
        self._spare: asyncio.subprocess.Process | None = None
        self._keep_spare = False

    async def start(self) -> None:
        """Start the ready chart process. Returns as soon as it is started: it imports
        matplotlib in parallel with whatever the bot does next."""
        self._keep_spare = True
        if self._spare is None:
            self._spare = await spawn(warm=True)

    async def close(self) -> None:
        """Stop the ready chart process, if there is one."""
        self._keep_spare = False
        async with self._drawing:
            spare, self._spare = self._spare, None
        if spare is not None and spare.returncode is None:
            spare.kill()
            await spare.communicate()

    async def render(self, series: ChartSeries, title: str, words: ChartWords | None = None) -> bytes | None:
        key = request(series, title, words)
        async with self._drawing:
            if self._last is not None and self._last[0] == key:
                return self._last[1]
            spare, self._spare = self._spare, None
            if spare is not None:
                png = await draw_in(spare, series, title, words)
            else:
                png = await render(series, title, words)
            if self._keep_spare:
                self._spare = await spawn(warm=True)
            if png is not None:  # a chart that could not be drawn is tried again next time
                self._last = (key, png)
            return png


def warm_up() -> None:
    """What a first chart costs beyond its drawing: importing matplotlib, and its fonts."""
    draw({"warm-up": [("2026-01-01", 1), ("2026-01-08", None), ("2026-01-15", 2)]}, "warm-up")


def main() -> int:
    if "--warm" in sys.argv[1:]:
        warm_up()
    data = sys.stdin.buffer.read()
    if not data:
        return 0  # the bot stopped without needing this chart
    asked = json.loads(data)
    series = {
        label: [(day, None if n is None else int(n)) for day, n in points] for label, points in asked["series"].items()
    }
    sys.stdout.buffer.write(draw(series, str(asked["title"]), ChartWords.from_json(asked["words"])))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
