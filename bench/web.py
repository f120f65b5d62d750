"""The web server's answers with 10,000 topics: `/` and `/calendar.ics`, server time.

    python -m bench web [--runs N] [--topics N]

The database is the scale benchmark's (topics, votes, sessions, check-ins); the time is
measured inside the server, from the request reaching the handler to the answer being
ready (a middleware around the routes), so it is what the bot spends, not the client.
Goal: at most 50 ms for each, at the 95th percentile of warm requests."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bench import Goal, median, percentile, workdir
from bench.scale_database import Size, build_database, scale_config
from bot.app import open_services
from bot.core.clock import FakeClock
from bot.web.server import Site

GOAL_SECONDS = 0.050
# (path, made afresh each time): a page is made again only when the database or the minute
# changed, so "/" is timed both ways; the goal is for the page made afresh.
PATHS = (("/", True), ("/", False), ("/calendar.ics", False), ("/?q=good", True))


@dataclass(frozen=True)
class PathTiming:
    path: str
    fresh: bool
    cold: float
    warm: tuple[float, ...]
    size: int  # bytes of the answer

    @property
    def label(self) -> str:
        return (
            f"{self.path} ({'made' if self.fresh else 'unchanged'})"
            if self.path.startswith("/?") or self.path == "/"
            else self.path
        )

    @property
    def p95(self) -> float:
        return percentile(self.warm, 95)


@dataclass(frozen=True)
class WebFigures:
    topics: int
    timings: tuple[PathTiming, ...]

    def goals(self) -> list[Goal]:
        return [
            Goal(f"{t.label} p95", t.p95 * 1000, GOAL_SECONDS * 1000, unit=" ms")
            for t in self.timings
            if "?" not in t.path and (t.fresh or t.path != "/")
        ]

    def report(self) -> str:
        lines = [f"web: server time per answer, {self.topics:,} topics"]
        for t in self.timings:
            lines.append(
                f"  {t.label:<22} first {t.cold * 1000:6.1f} ms, median {median(t.warm) * 1000:6.1f} ms, "
                f"p95 {t.p95 * 1000:6.1f} ms ({len(t.warm)} runs, {t.size:,} bytes)"
            )
        lines += [goal.line() for goal in self.goals()]
        return "\n".join(lines)


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


async def run(size: Size | None = None, runs: int = 30) -> WebFigures:
    size = size or Size()
    with workdir() as folder:
        database = folder / "ccc.sqlite3"
        config = scale_config(folder, database)
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        await build_database(database, config, now, size)
        clock = FakeClock(now)
        services = await open_services(config, clock=clock)
        spent: list[float] = []

        @web.middleware
        async def timed(request: web.Request, handler: Handler) -> web.StreamResponse:
            began = time.perf_counter()
            response = await handler(request)
            spent.append(time.perf_counter() - began)
            return response

        app = Site(services).app()
        app.middlewares.append(timed)
        client = TestClient(TestServer(app))
        await client.start_server()
        try:
            timings = []
            for path, fresh in PATHS:
                sizes = []
                for _ in range(runs + 1):
                    if fresh:
                        clock.advance(minutes=1)  # a new minute: the page is made again
                    response = await client.get(path)
                    assert response.status == 200, (path, response.status)
                    sizes.append(len(await response.read()))
                timings.append(PathTiming(path, fresh, spent[-runs - 1], tuple(spent[-runs:]), sizes[-1]))
        finally:
            await client.close()
            await services.store.close()
    return WebFigures(size.topics, tuple(timings))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench web", description=__doc__)
    parser.add_argument("--runs", type=int, default=30, help="warm requests of each path (default 30)")
    parser.add_argument("--topics", type=int, default=10_000, help="topics in the database (default 10000)")
    args = parser.parse_args(argv)
    figures = asyncio.run(run(Size(topics=args.topics), runs=args.runs))
    print(figures.report(), flush=True)
    return 0
