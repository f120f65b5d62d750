"""The attendance chart of `!stats`, drawn in a short-lived child process.

matplotlib costs the process that imports it about 45 MB that it never gives back; `!stats`
is asked for now and then, while the bot runs for months. So the bot sends the figures to
`python -m bot.chart` as JSON on stdin and reads the PNG from its stdout: the bot stays
small, and a chart that cannot be drawn costs one missing image, not the bot.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
import logging
import sys

log = logging.getLogger(__name__)

# label -> [(YYYY-MM-DD, people)], one series per slot
Series = dict[str, list[tuple[str, int]]]

CHILD_SECONDS = 60
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def draw(series: Series, title: str) -> bytes:
    """A PNG line chart, one series per slot. Agg only, no pyplot: no global state."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    fig = Figure(figsize=(8, 4), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    for label, points in series.items():
        ax.plot([dt.date.fromisoformat(day) for day, _ in points], [n for _, n in points], marker="o", label=label)
    ax.set_title(title)
    ax.set_ylabel("checked in")
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3)
    ax.legend()
    fig.autofmt_xdate()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def child_command() -> list[str]:
    return [sys.executable, "-m", "bot.chart"]


async def render(series: Series, title: str) -> bytes | None:
    """The chart as PNG bytes, drawn in a child process; None (and a log line) if it
    could not be drawn."""
    payload = json.dumps({"title": title, "series": series}).encode()
    try:
        proc = await asyncio.create_subprocess_exec(
            *child_command(),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
    except OSError as e:
        log.error("could not start the chart process: %s", e)
        return None
    try:
        out, err = await asyncio.wait_for(proc.communicate(payload), CHILD_SECONDS)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        log.error("the chart process took longer than %d s and was stopped", CHILD_SECONDS)
        return None
    if proc.returncode != 0 or not out.startswith(PNG_MAGIC):
        log.error("the chart process failed (exit %s): %s", proc.returncode, err.decode(errors="replace")[-2000:])
        return None
    return out


def main() -> int:
    request = json.load(sys.stdin)
    series = {label: [(day, int(n)) for day, n in points] for label, points in request["series"].items()}
    sys.stdout.buffer.write(draw(series, str(request["title"])))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
