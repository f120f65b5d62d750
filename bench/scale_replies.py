"""Part 1 of `python -m bench scale`: the time the dispatcher takes to build each reply on
the big database (bench/scale_database.py), no homeserver."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from bench import median
from bench.scale_database import MEMBER, ORGANISER, ROOM, random_text
from bot.app import open_services
from bot.core.clock import FakeClock, iso
from bot.core.config import Config
from bot.core.dispatcher import Dispatcher
from bot.core.model import IncomingMessage, Reply
from bot.features.sessions.chart import Charts

# `!stats` drawn by a chart process started for it, none made ready: what each new chart
# cost before the bot kept one ready, and still the worst case (just after start-up).
STATS_NOT_READY = "!stats (no ready child)"


@dataclass(frozen=True)
class Timing:
    command: str
    seconds: tuple[float, ...]  # the first run, cold, then the warm ones
    answer: str  # what the reply holds, to show it did the work

    @property
    def cold(self) -> float:
        return self.seconds[0]

    @property
    def warm(self) -> float:
        return median(self.seconds[1:] or self.seconds)

    @property
    def worst(self) -> float:
        return max(self.seconds)


async def time_command(
    dispatcher: Dispatcher,
    sender: str,
    body: str,
    runs: int,
    *,
    label: str | None = None,
    fresh: bool = False,
    before_each: Callable[[int], Awaitable[None]] | None = None,
) -> Timing:
    """`fresh`: each run draws its chart anew in a new chart process, none made ready (the
    bot reuses the last chart while the data is unchanged, which is timed on its own).
    `before_each(i)` runs untimed before run i."""
    seconds = []
    replies: list[Reply] = []
    for i in range(runs):
        if fresh:
            dispatcher.services.parts.provide(Charts, Charts())
        if before_each is not None:
            await before_each(i)
        message = IncomingMessage(sender, ROOM, f"$scale{i}", body, dispatcher.services.clock.now())
        began = time.perf_counter()
        replies = await dispatcher.handle(message)
        seconds.append(time.perf_counter() - began)
    return Timing(label or body, tuple(seconds), _describe(replies))


# How long the chart process made ready is given to import matplotlib before `!stats` is
# timed: in the running bot it has had since start-up, or since the last chart.
CHART_READY_SECONDS = 4.0


async def time_new_charts(dispatcher: Dispatcher, runs: int) -> Timing:
    """`!stats` after a new check-in each time (so the chart must be drawn anew), as the
    running bot answers it: with the chart process it keeps ready."""
    store = dispatcher.services.store
    charts = Charts()
    dispatcher.services.parts.provide(Charts, charts)
    await charts.start()

    async def new_check_in(i: int) -> None:
        key = await store.fetchval("SELECT key FROM sessions ORDER BY starts_at DESC LIMIT 1")
        user = f"@latecomer{i}:localhost"
        await store.execute("INSERT OR IGNORE INTO users (user_id, display_name) VALUES (?, ?)", (user, user))
        await store.execute(
            "INSERT INTO attendance (session, user_id, checked_in_at, via) VALUES (?, ?, ?, ?)",
            (key, user, iso(dispatcher.services.clock.now()), "command"),
        )
        await asyncio.sleep(CHART_READY_SECONDS)

    try:
        return await time_command(dispatcher, MEMBER, "!stats", runs, label="!stats", before_each=new_check_in)
    finally:
        await charts.close()


def _describe(replies: list[Reply]) -> str:
    if not replies:
        return "(no reply)"
    reply = replies[0]
    first = reply.text.splitlines()[0][:60]
    lines = len(reply.text.splitlines())
    attached = f", {reply.file.filename} {len(reply.file.data) / 1024:.0f} kB" if reply.file else ""
    return f"{first!r}, {lines} lines{attached}"


async def time_replies(config: Config, now: dt.datetime, runs: int) -> tuple[list[Timing], str | None]:
    services = await open_services(config, clock=FakeClock(now))
    dispatcher = Dispatcher(services)
    try:
        timings = [
            await time_command(dispatcher, MEMBER, "!topics", runs),
            await time_command(dispatcher, MEMBER, "!history", runs),
            await time_command(dispatcher, MEMBER, "!history 50", runs),
            await time_command(dispatcher, MEMBER, "!stats", max(runs // 4, 2), label=STATS_NOT_READY, fresh=True),
            await time_new_charts(dispatcher, max(runs // 4, 2)),
            await time_command(dispatcher, MEMBER, "!stats", max(runs // 4, 2), label="!stats (chart reused)"),
        ]
        exports, note = _export_commands(services.registry)
        for body in exports:
            timings.append(await time_command(dispatcher, ORGANISER, body, max(runs // 4, 2)))
        # Each !suggest is new text (else it is a duplicate): one run each, from different people.
        rng = random.Random(9)
        text = random_text(rng)
        suggests = []
        for i in range(max(runs, 2)):
            sender = f"@newcomer{i}:localhost"
            suggests.append(await time_command(dispatcher, sender, f"!suggest {text()} {i}", 1))
        seconds = tuple(t.seconds[0] for t in suggests)
        timings.append(Timing("!suggest (new text)", seconds, suggests[-1].answer))
        timings.append(await time_command(dispatcher, MEMBER, "!vote 7", 1))
    finally:
        await services.store.close()
    return timings, note


def _export_commands(registry) -> tuple[list[str], str | None]:
    """Every `!export KIND FORMAT`, read from the command's own argument choices, so the
    benchmark follows the command as it grows; none if the command isn't there yet."""
    spec = registry.get("export")
    if spec is None:
        return [], "exports: skipped, there is no !export command (bot/features/export/reports.py) in this tree yet"
    choices = [getattr(p.kind, "values", ()) for p in spec.params]
    if len(choices) < 2 or not all(choices[:2]):
        return [], f"exports: skipped, !export takes {spec.usage!r}, which this benchmark does not know"
    return [f"!export {kind} {fmt}" for kind in choices[0] for fmt in choices[1]], None
