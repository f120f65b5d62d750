"""A community after years of use: how long the bot takes to answer, and its memory.

Part 1, no homeserver: a database with 10,000 topics, 100,000 votes, 500 sessions and
20,000 check-ins (bulk-inserted with SQL), then the time the dispatcher takes to build the
replies to `!topics`, `!history`, `!stats`, each `!export` (when the export command
exists), and `!suggest` (its duplicate check compares the text with the topics the index
of content words picks; the first one after the bulk insert keys all the topics).

Part 2, one local Synapse: 1,000 members registered with the admin API and joined to a
public room, then ccc-bot (`ccc-bot run`, on the part 1 database, with the agenda and the
web server on) started in it; its peak resident memory (VmHWM) once it is ready and idle,
and again after answering `!topics` and `!stats` (whose chart is drawn by a child process,
so matplotlib never loads in the bot; that process, kept ready, is measured on its own).
Then the bot is stopped and started again, and a member sends `!link` right after the
spawn: the start-up figure is the reply's origin_server_ts minus the moment the process
was spawned (the same clock: Synapse runs on this machine), and when the member's client
saw the reply.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import time
from dataclasses import dataclass

from bench import Goal, ms, workdir
from bench.homeserver import synapse_in
from bench.scale_database import Size, build_database, scale_config
from bench.scale_memory import Memory, measure_memory
from bench.scale_replies import STATS_NOT_READY, Timing, time_replies
from bot.devtools.localsynapse import LocalSynapse

GOAL_TOPICS = 0.020
GOAL_SUGGEST = 0.005  # issue 19: with 10,000 topics, the near-duplicate check through the index
GOAL_REPLY = 1.0
GOAL_STATS_REUSED = 0.050
GOAL_RSS_MB = 70  # issue 19: idle, with the agenda and the web server on
GOAL_START = 2.0  # issue 19: from `ccc-bot run` to the first command answered


@dataclass(frozen=True)
class ScaleFigures:
    size: Size
    build_seconds: float
    timings: tuple[Timing, ...]
    exports_note: str | None
    memory: Memory | None

    @property
    def goals(self) -> list[Goal]:
        goals = []
        for t in self.timings:
            if t.command == "!topics":
                goals.append(Goal("!topics reply", t.warm * 1000, GOAL_TOPICS * 1000, unit=" ms"))
            elif t.command.startswith("!suggest"):
                goals.append(Goal("!suggest reply", t.warm * 1000, GOAL_SUGGEST * 1000, unit=" ms"))
            elif t.command == STATS_NOT_READY:
                continue  # shown for comparison; the goal is for the running bot's !stats
            elif t.command == "!stats (chart reused)":
                goals.append(Goal(f"{t.command} reply", t.warm * 1000, GOAL_STATS_REUSED * 1000, unit=" ms"))
            elif t.command.startswith(("!history", "!stats", "!export")):
                goals.append(Goal(f"{t.command} reply", t.warm * 1000, GOAL_REPLY * 1000, unit=" ms"))
        if self.memory:
            goals.append(Goal("peak RSS, idle", self.memory.idle_hwm_mb, GOAL_RSS_MB, unit=" MB"))
            # Idle again, with whatever answering loaded (the !stats chart is drawn in a child process).
            goals.append(Goal("peak RSS, idle after !stats", self.memory.chart_hwm_mb, GOAL_RSS_MB, unit=" MB"))
            goals.append(
                Goal("start-up, spawn to first reply (median)", self.memory.first_reply_seconds, GOAL_START, unit=" s")
            )
        return goals

    def report(self) -> str:
        s = self.size
        lines = [
            f"scale: {s.topics:,} topics, {s.votes:,} votes, {s.sessions:,} sessions, {s.checkins:,} check-ins "
            f"(built in {self.build_seconds:.1f} s); reply built by the dispatcher, SQLite file",
            f"  {'command':<24}{'median':>10}{'first':>10}{'max':>10}   reply",
        ]
        for t in self.timings:
            lines.append(f"  {t.command:<24}{ms(t.warm):>10}{ms(t.cold):>10}{ms(t.worst):>10}   {t.answer}")
        if self.exports_note:
            lines.append(f"  {self.exports_note}")
        if self.memory:
            m = self.memory
            lines.append(
                f"  memory of `ccc-bot run` in a room with {m.members:,} members, on this database: peak RSS "
                f"{m.idle_hwm_mb:.1f} MB when ready and idle (RSS now {m.idle_rss_mb:.1f} MB), "
                f"{m.busy_hwm_mb:.1f} MB after !topics and !next in Spanish and Portuguese (catalogs loaded), "
                f"{m.chart_hwm_mb:.1f} MB after !stats (its chart "
                f"drawn in a child process; {m.last_rss_mb:.1f} MB stay resident); "
                f"ready {m.start_seconds:.1f} s after start (the first start, joining the room); agenda and web on"
            )
            chart = f"{m.chart_process_hwm_mb:.1f} MB" if m.chart_process_hwm_mb is not None else "not seen"
            lines.append(
                f"  the chart process kept ready (`python -m bot.features.sessions.chart`, a separate process with "
                f"matplotlib imported): peak RSS {chart}; not counted in the bot's figures"
            )
            lines.append(
                f"  start-up (bot stopped, then `ccc-bot run` spawned and `!link` sent at once), median of "
                f"{len(m.restarts)}: the reply's origin_server_ts {m.first_reply_seconds:.2f} s after the spawn, "
                f"seen by the member's client {m.first_reply_seen_seconds:.2f} s after it (each: "
                + ", ".join(f"{r:.2f}/{s:.2f} s" for r, s in m.restarts)
                + "); CPU time the bot had used by then (user + system; what the load does not change much): "
                + ", ".join(f"{c:.2f} s" for c in m.restart_cpu_seconds)
                + f"; peak RSS then, idle: {m.restart_idle_hwm_mb:.1f} MB"
            )
        lines.extend("  " + goal.line() for goal in self.goals)
        lines.append("  (goals are judged on the median; the first run includes imports and a cold cache)")
        return "\n".join(lines)


async def run(
    size: Size | None = None,
    members: int = 1_000,
    runs: int = 20,
    memory: bool = True,
    starts: int = 3,
    synapse: LocalSynapse | None = None,
) -> ScaleFigures:
    with workdir() as folder:
        database = folder / "ccc.sqlite3"
        config = scale_config(folder, database)
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        began = time.perf_counter()
        size = size or Size()
        await build_database(database, config, now, size)
        built = time.perf_counter() - began
        timings, note = await time_replies(config, now, runs)
        measured = None
        if memory:
            with synapse_in(folder, synapse) as server:
                measured = await measure_memory(server, folder, database, members, starts)
        return ScaleFigures(size, built, tuple(timings), note, measured)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench scale", description=__doc__)
    parser.add_argument("--members", type=int, default=1_000, help="room members for the memory figure (default 1000)")
    parser.add_argument("--runs", type=int, default=20, help="runs of each fast command (default 20)")
    parser.add_argument("--starts", type=int, default=3, help="timed restarts for the start-up figure (default 3)")
    parser.add_argument("--no-memory", action="store_true", help="skip part 2 (no Synapse needed)")
    args = parser.parse_args(argv)
    figures = asyncio.run(run(members=args.members, runs=args.runs, memory=not args.no_memory, starts=args.starts))
    print(figures.report(), flush=True)
    return 0
