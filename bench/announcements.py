"""Announcement punctuality: how late the announcements arrive after their time.

One local Synapse; ccc-bot runs as its own process (`ccc-bot run`) serving `--rooms` rooms,
with one slot and `--leads` lead times (`announce_before`) chosen so that the announcements
fall due every `--step` seconds from half a minute after the start of the benchmark: each
lead's announcement goes to every room at the same moment, so 4 rooms and 6 leads make 24
announcements within a minute. Each announcement's lateness is the origin_server_ts of its
event minus its due time (the slot's start minus the lead). Lead times of a few seconds are
not a real configuration, only a way to have many announcements fall due in a short run;
the bot schedules and sends them as it does `1d`, `15m` and `0m`.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import math
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from bench import Goal, ms, percentile, workdir
from bench.homeserver import make_room, person, stopping, synapse_in
from bot.core.config import WEEKDAYS, format_duration, parse_duration
from bot.devtools.localsynapse import LocalSynapse
from bot.storage.store import Store
from tests.integration.botproc import BotProcess, bot_sections, register_bot, write_config

GOAL_SECONDS = 1.0  # late at p95, at most (issue 19 point 4)
START_MARGIN = dt.timedelta(seconds=30)  # for the bot to start before the first one is due
SETTLE = 15.0  # seconds after the last due time for the last announcement to be recorded


@dataclass(frozen=True)
class AnnouncementFigures:
    rooms: int
    leads: int
    late: tuple[float, ...]  # seconds after the due time, one per announcement sent
    first: tuple[float, ...] = ()  # the first one sent of each due time: the scheduling alone

    @property
    def expected(self) -> int:
        return self.rooms * self.leads

    def report(self) -> str:
        lines = [
            f"announcements: {self.leads} lead times x {self.rooms} rooms, one due time per lead; "
            "event origin_server_ts minus due time, one local Synapse",
            f"  sent {len(self.late)} of {self.expected}",
        ]
        if self.late:
            p50, p95, worst = percentile(self.late, 50), percentile(self.late, 95), max(self.late)
            lines.append(f"  late by p50 {ms(p50)}, p95 {ms(p95)}, max {ms(worst)}")
            if self.first:
                firsts = ", ".join(ms(f) for f in self.first)
                lines.append(f"  the first of each due time (the job's own delay): {firsts}")
            lines.append("  " + Goal("announcement late p95", p95, GOAL_SECONDS, unit=" s").line())
        return "\n".join(lines)


def plan(
    now: dt.datetime, leads: int, step: int, margin: dt.timedelta = START_MARGIN
) -> tuple[dt.datetime, list[dt.timedelta]]:
    """A slot start on a whole minute, and `leads` lead times making the announcements due
    every `step` seconds from `margin` after `now` (all due before or at the start)."""
    first = (now + margin).replace(microsecond=0) + dt.timedelta(seconds=1)
    last = first + dt.timedelta(seconds=step * (leads - 1))
    start = last.replace(second=0) + dt.timedelta(minutes=1) if last.second else last
    return start, [start - first - dt.timedelta(seconds=step * i) for i in range(leads)]


async def _sent(database: Path) -> list[tuple[str, str, str]]:
    """(lead, room, event id) of every announcement sent so far."""
    store = await Store.open(database)
    try:
        rows = await store.fetchall("SELECT lead, room_id, event_id FROM announcements WHERE status = 'sent'")
        return [(r["lead"], r["room_id"], r["event_id"]) for r in rows]
    finally:
        await store.close()


async def run(
    rooms: int = 4,
    leads: int = 6,
    step: int = 10,
    synapse: LocalSynapse | None = None,
    margin: dt.timedelta = START_MARGIN,
) -> AnnouncementFigures:
    with workdir() as folder, synapse_in(folder, synapse) as server:
        client = await person(server, "host")
        bot_folder = folder / "ccc"
        bot_folder.mkdir()
        account = register_bot(server)
        try:
            room_ids = [await make_room(client, account.user_id, f"announcements {i}") for i in range(rooms)]
        finally:
            await client.close()
        database = bot_folder / "ccc.sqlite3"
        start, lead_times = plan(dt.datetime.now(dt.UTC), leads, step, margin)
        sections = bot_sections(server, account, room_ids)
        sections["conference"] = {
            "timezone": "UTC",
            "slots": [f"{WEEKDAYS[start.weekday()].capitalize()} {start:%H:%M}"],
            "announce_before": [format_duration(lead) for lead in lead_times],
        }
        bot = BotProcess(write_config(bot_folder / "config.toml", sections), bot_folder / "bot.log")
        with stopping(bot):
            bot.start()
            await bot.wait_ready()
            last_due = start - min(lead_times)
            wait_until = time.monotonic() + (last_due - dt.datetime.now(dt.UTC)).total_seconds() + SETTLE
            sent: list[tuple[str, str, str]] = []
            while time.monotonic() < wait_until:
                await asyncio.sleep(1)
                sent = await _sent(database)
                if len(sent) >= rooms * leads:
                    break
            late, first = [], {}
            for lead, room, event_id in sent:
                event = server.request(
                    "GET",
                    f"/_matrix/client/v3/rooms/{quote(room)}/event/{quote(event_id)}",
                    access_token=account.access_token,
                )
                due = start - parse_duration(lead)
                late.append(event["origin_server_ts"] / 1000 - due.timestamp())
                first[lead] = min(first.get(lead, math.inf), late[-1])
        return AnnouncementFigures(
            rooms,
            leads,
            tuple(sorted(late)),
            tuple(first[lead] for lead in sorted(first, key=parse_duration, reverse=True)),
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench announcements", description=__doc__)
    parser.add_argument("--rooms", type=int, default=4, help="rooms served, each announced to (default 4)")
    parser.add_argument("--leads", type=int, default=6, help="lead times, one due time each (default 6)")
    parser.add_argument("--step", type=int, default=10, help="seconds between due times (default 10)")
    args = parser.parse_args(argv)
    if args.rooms < 1 or args.leads < 1 or args.step < 1:
        parser.error("--rooms, --leads and --step must be at least 1")
    print(asyncio.run(run(args.rooms, args.leads, args.step)).report(), flush=True)
    return 0
