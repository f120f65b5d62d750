"""One person floods a room; how long does another person wait for `!link`?

One local Synapse; ccc-bot running as its own process (`ccc-bot run`, as in production,
with the default `limits.commands_per_minute = 10`), a room with a few held sessions (so
`!stats` draws a real chart) and an open topic. Each round a new flooder sends 200
commands (`!vote 1`, `!unvote 1`, `!stats` in turn) as fast as the homeserver takes them,
then bob sends `!link` at once: bob's wait is timed from sending to his reply arriving in
his own long-poll sync, against his `!link` in a quiet room. Bob's sync also counts what
the flooder got back: the limit's answers and one notice.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from nio import RoomSendResponse

from bench import Goal, median, ms, workdir
from bench.homeserver import Pinger, make_room, person, stopping, synapse_in
from bench.latency import seed_open_topics
from bot.core.config import LimitsConfig, load_config
from bot.devtools.localsynapse import LocalSynapse
from bot.features.schedule.repository import session_from_key
from bot.features.sessions import repository
from bot.storage.store import Store
from tests.integration.botproc import BotProcess, bot_sections, register_bot, write_config

GOAL_SECONDS = 1.0
FLOOD_BODIES = ("!vote 1", "!unvote 1", "!stats")
# How many of the flood's sends are in the air at once.
SEND_CONCURRENCY = 20
SETTLE_SECONDS = 2.0  # no new answer for this long: the rest has come
HANDLED_WITHIN = 120.0  # however busy the machine, the bot handles a flood by then


@dataclass(frozen=True)
class Round:
    link_seconds: float
    backlog: int  # the flood's commands not yet handled when bob sent !link
    flood_answers: int  # answers to the flood, the notice included
    notices: int


@dataclass(frozen=True)
class FloodFigures:
    flood: int
    limit: int
    quiet: tuple[float, ...]
    rounds: tuple[Round, ...]

    @property
    def goal(self) -> Goal:
        worst = max(r.link_seconds for r in self.rounds)
        return Goal("!link under a flood, worst round", worst, GOAL_SECONDS, unit=" s")

    def report(self) -> str:
        lines = [
            f"flood: {len(self.rounds)} rounds, each a new person sending {self.flood} commands "
            f"({', '.join(FLOOD_BODIES)}), then bob's !link; limits.commands_per_minute = {self.limit}",
            f"  bob's !link in a quiet room: median {ms(median(self.quiet))}, max {ms(max(self.quiet))}",
        ]
        for i, r in enumerate(self.rounds, start=1):
            lines.append(
                f"  round {i}: !link answered in {ms(r.link_seconds)} with {r.backlog} of the flood's commands "
                f"still queued; the flooder got {r.flood_answers} answers ({r.notices} notice)"
            )
        lines.append("  " + self.goal.line())
        return "\n".join(lines)


async def hold_sessions(config_path: Path, database: Path, count: int) -> None:
    """`count` past Thursday morning sessions, held, with a few people each."""
    config = load_config(config_path)
    today = dt.datetime.now(dt.UTC).date()
    thursday = today - dt.timedelta(days=(today.weekday() - 3) % 7 or 7)
    store = await Store.open(database)
    try:
        for week in range(count):
            session = session_from_key(config, f"{thursday - dt.timedelta(weeks=week)} 08:00")
            await repository.start_session(store, session, "@host:localhost", session.starts_at)
            for person in range(3 + week % 4):
                await repository.check_in(
                    store, session.key, f"@member{person}:localhost", session.starts_at, repository.CheckInVia.COMMAND
                )
            await repository.end_session(
                store, session.key, "@host:localhost", session.starts_at + dt.timedelta(hours=1)
            )
    finally:
        await store.close()


def queued(database: Path) -> int:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        return db.execute("SELECT COUNT(*) FROM inbox WHERE done_at IS NULL").fetchone()[0]


async def settled_answers(bob: Pinger, sent: list[str], database: Path) -> list[str]:
    """The answers to the flood once the bot has handled all of it (its inbox empty) and
    no more have reached Bob for a while: on a busy machine they can come late."""
    deadline = time.monotonic() + HANDLED_WITHIN
    while queued(database) and time.monotonic() < deadline:  # noqa: ASYNC110 - another process's database
        await asyncio.sleep(0.2)
    bodies: list[str] = []
    while True:
        answers = [bob.answer_to(event_id) for event_id in sent]
        now = [a.get("body", "") for a in answers if a is not None]
        if (now == bodies and now) or time.monotonic() >= deadline:
            return now
        bodies = now
        await asyncio.sleep(SETTLE_SECONDS)


async def flood_once(server, bob: Pinger, room_id: str, database: Path, count: int) -> Round:
    flooder = await person(server, "flooder")
    try:
        await bob.client.room_invite(room_id, flooder.user_id)
        await flooder.join(room_id)
        gate = asyncio.Semaphore(SEND_CONCURRENCY)

        async def send(i: int) -> str:
            async with gate:
                body = FLOOD_BODIES[i % len(FLOOD_BODIES)]
                resp = await flooder.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": body})
                if not isinstance(resp, RoomSendResponse):
                    raise RuntimeError(f"the flood's send failed: {resp}")
                return resp.event_id

        sent = await asyncio.gather(*(send(i) for i in range(count)))
        backlog = queued(database)
        seconds, reply = await bob.ping(room_id, "!link")
        if "bbb" not in reply.get("body", ""):
            raise RuntimeError(f"unexpected answer to !link: {reply.get('body', '')[:200]!r}")
        bodies = await settled_answers(bob, sent, database)
        return Round(seconds, backlog, len(bodies), sum(b.startswith("Too many") for b in bodies))
    finally:
        await flooder.close()


async def run(flood: int = 200, rounds: int = 3, quiet: int = 5, synapse: LocalSynapse | None = None) -> FloodFigures:
    with workdir() as folder, synapse_in(folder, synapse) as server:
        bob_client = await person(server, "bob")
        account = register_bot(server)
        room_id = await make_room(bob_client, account.user_id, "flooded")
        bot_folder = folder / "ccc"
        bot_folder.mkdir()
        sections = bot_sections(server, account, [room_id])
        sections["limits"] = {"commands_per_minute": LimitsConfig.commands_per_minute}
        config_path = write_config(bot_folder / "config.toml", sections)
        database = bot_folder / "ccc.sqlite3"
        await seed_open_topics(database, 1)
        await hold_sessions(config_path, database, 4)
        bot = BotProcess(config_path, bot_folder / "bot.log")
        bob = Pinger(bob_client)
        with stopping(bot):
            try:
                bot.start()
                await bot.wait_ready()
                await bob.start()
                # Bob's own commands stay within his limit: `quiet` + `rounds` of them at most 10.
                quiet_times = [(await bob.ping(room_id, "!link"))[0] for _ in range(quiet)]
                results = [await flood_once(server, bob, room_id, database, flood) for _ in range(rounds)]
            finally:
                await bob.stop()
                await bob_client.close()
        return FloodFigures(flood, LimitsConfig.commands_per_minute, tuple(quiet_times), tuple(results))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench flood", description=__doc__)
    parser.add_argument("--flood", type=int, default=200, help="commands per flood (default 200)")
    parser.add_argument("--rounds", type=int, default=3, help="floods, each by a new person (default 3)")
    args = parser.parse_args(argv)
    if not 1 <= args.rounds <= 5:
        parser.error("--rounds: 1 to 5 (bob's own !link commands must stay within his limit)")
    began = time.perf_counter()
    figures = asyncio.run(run(args.flood, args.rounds))
    print(figures.report(), flush=True)
    print(f"  (took {time.perf_counter() - began:.0f} s)", flush=True)
    return 0
