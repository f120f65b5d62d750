"""Lean Coffee on time: how late the vote to go on arrives after its topic's timebox ends.

One local Synapse; ccc-bot runs as its own process (`ccc-bot run`) serving `--rooms` rooms,
with `lean_coffee.timebox = "1m"` (the shortest the config allows) and a vote open longer
than the run. A host starts the session with `!start`, then `!discuss`es `--topics` open
topics one after another: each `!discuss` plans the vote for its timebox's end, and once the
vote has reached every room the next `!discuss` closes the topic and starts the next one.
Each vote's lateness is the origin_server_ts of its event, as the host's client fetches it,
minus the timebox's end as the bot stored it (to the second, as every instant it keeps).
The vote goes to every room at the same moment, so 4 rooms and 6 topics make 24 votes in
about 7 minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from nio import AsyncClient, RoomSendResponse

from bench import Goal, ms, percentile, workdir
from bench.homeserver import REPLY_TIMEOUT, make_room, person, stopping, synapse_in
from bench.latency import seed_open_topics
from bot.core.clock import parse_iso
from bot.core.weekly import WEEKDAYS
from bot.devtools.localsynapse import LocalSynapse
from tests.integration.botproc import BotProcess, bot_sections, register_bot, write_config

GOAL_SECONDS = 1.0  # late at p95, at most (issue 29 point 6, as announcements)
TIMEBOX = "1m"
SETTLE = 15.0  # seconds after a timebox's end for its vote to be recorded sent everywhere


@dataclass(frozen=True)
class LeanCoffeeFigures:
    rooms: int
    topics: int
    late: tuple[float, ...]  # seconds after the timebox's end, one per vote message sent
    first: tuple[float, ...] = ()  # the first one sent of each timebox: the scheduling alone

    @property
    def expected(self) -> int:
        return self.rooms * self.topics

    def report(self) -> str:
        lines = [
            f"lean coffee: {self.topics} topics discussed with a {TIMEBOX} timebox x {self.rooms} rooms; "
            "vote to go on's origin_server_ts minus the timebox's end, one local Synapse",
            f"  sent {len(self.late)} of {self.expected}",
        ]
        if self.late:
            p50, p95, worst = percentile(self.late, 50), percentile(self.late, 95), max(self.late)
            lines.append(f"  late by p50 {ms(p50)}, p95 {ms(p95)}, max {ms(worst)}")
            if self.first:
                lines.append(
                    f"  the first of each timebox (the job's own delay): {', '.join(ms(f) for f in self.first)}"
                )
            lines.append("  " + Goal("vote to go on late p95", p95, GOAL_SECONDS, unit=" s").line())
        return "\n".join(lines)


def slot_started(now: dt.datetime) -> dt.datetime:
    """A slot that began two whole minutes before `now`: a host may `!start` it at once,
    and it stays open far longer than the run."""
    return now.replace(second=0, microsecond=0) - dt.timedelta(minutes=2)


def _rows(database: Path, query: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The rows of `query`, read as another process would (read-only)."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        return db.execute(query, args).fetchall()


async def _command(
    client: AsyncClient, room_id: str, body: str, database: Path, query: str, args: tuple[Any, ...] = ()
) -> tuple[Any, ...]:
    """Send `body` as the host and wait until the bot has done it: `query` finds a row. The
    bot answers in the session's thread (in reply to its root, not to the command), so what
    it did is read from its database."""
    resp = await client.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": body})
    if not isinstance(resp, RoomSendResponse):
        raise RuntimeError(f"sending {body} failed: {resp}")
    deadline = time.monotonic() + REPLY_TIMEOUT
    while not (rows := _rows(database, query, args)):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{body} was not done within {REPLY_TIMEOUT:.0f} s")
        await asyncio.sleep(0.2)
    return rows[0]


def _votes_sent(database: Path, discussion: int) -> list[tuple[str, str]]:
    """(room, event id) of each vote to go on sent for `discussion`."""
    query = (
        "SELECT room_id, event_id FROM discussion_posts WHERE discussion_id = ? AND kind = 'vote' AND status = 'sent'"
    )
    return [(room, event_id) for room, event_id in _rows(database, query, (discussion,))]


async def _one_topic(
    client: AsyncClient, room_id: str, database: Path, rooms: int, before: int
) -> tuple[int, dt.datetime, list[tuple[str, str]]]:
    """`!discuss` the next topic and wait for its vote in every room: the discussion, its
    timebox's end, and the (room, event id) of each vote message."""
    started = "SELECT id, ends_at FROM discussions WHERE closed_at IS NULL AND id > ? AND ends_at IS NOT NULL"
    discussion, ends_at = await _command(client, room_id, "!discuss", database, started, (before,))
    end = parse_iso(ends_at)
    deadline = time.monotonic() + (end - dt.datetime.now(dt.UTC)).total_seconds() + SETTLE
    sent = _votes_sent(database, discussion)
    while len(sent) < rooms and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        sent = _votes_sent(database, discussion)
    return discussion, end, sent


async def run(rooms: int = 4, topics: int = 6, synapse: LocalSynapse | None = None) -> LeanCoffeeFigures:
    with workdir() as folder, synapse_in(folder, synapse) as server:
        client = await person(server, "host")
        bot_folder = folder / "ccc"
        bot_folder.mkdir()
        account = register_bot(server)
        room_ids = [await make_room(client, account.user_id, f"lean coffee {i}") for i in range(rooms)]
        database = bot_folder / "ccc.sqlite3"
        await seed_open_topics(database, topics)
        began = slot_started(dt.datetime.now(dt.UTC))
        sections = bot_sections(server, account, room_ids)
        sections["conference"] = {
            "timezone": "UTC",
            "slots": [f"{WEEKDAYS[began.weekday()].capitalize()} {began:%H:%M}"],
            "announce_before": ["0m"],  # the session's thread in every room
        }
        sections["roles"] = {"hosts": [client.user_id]}
        # Nobody votes: each vote stays open until the host's next !discuss.
        sections["lean_coffee"] = {"timebox": TIMEBOX, "extensions": ["1m"], "vote_seconds": 600}
        bot = BotProcess(write_config(bot_folder / "config.toml", sections), bot_folder / "bot.log")
        late: list[float] = []
        first: list[float] = []
        with stopping(bot):
            try:
                bot.start()
                await bot.wait_ready()
                started = "SELECT key FROM sessions WHERE started_at IS NOT NULL AND ended_at IS NULL"
                await _command(client, room_ids[0], "!start", database, started)
                discussion = 0
                for _ in range(topics):
                    discussion, ends_at, sent = await _one_topic(client, room_ids[0], database, rooms, discussion)
                    these = [_late(server, client.access_token, room, event_id, ends_at) for room, event_id in sent]
                    late += these
                    first += [min(these)] if these else []
            finally:
                await client.close()
        return LeanCoffeeFigures(rooms, topics, tuple(sorted(late)), tuple(first))


def _late(server: LocalSynapse, token: str, room: str, event_id: str, ends_at: dt.datetime) -> float:
    """Seconds from the timebox's end to the vote's origin_server_ts, as a client fetches
    the event; it must be the vote to go on."""
    event = server.request("GET", f"/_matrix/client/v3/rooms/{quote(room)}/event/{quote(event_id)}", access_token=token)
    body = event.get("content", {}).get("body", "")
    if not body.startswith("⏱ Time is up for"):
        raise RuntimeError(f"not a vote to go on: {body[:200]!r}")
    return float(event["origin_server_ts"]) / 1000 - ends_at.timestamp()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench lean_coffee", description=__doc__)
    parser.add_argument("--rooms", type=int, default=4, help="rooms served, each sent the vote (default 4)")
    parser.add_argument("--topics", type=int, default=6, help="topics discussed, one timebox each (default 6)")
    args = parser.parse_args(argv)
    if args.rooms < 1 or args.topics < 1:
        parser.error("--rooms and --topics must be at least 1")
    print(asyncio.run(run(args.rooms, args.topics)).report(), flush=True)
    return 0
