"""Round trip from a user's message to the bot's reply, against a bare nio echo bot.

One local Synapse; one user in two rooms: one with the echo bot (bench/echo_bot.py, the
floor), one with ccc-bot running as its own process (`ccc-bot run`, as in production)
with everything on: the agenda pinned in its room (the bot may pin), reminders asked for
by REMINDED people, the web server listening, and 50 open topics in its database. The
user sends the same commands to both, interleaved in a random order per pair, and times
each reply as its own long-poll sync delivers it: `!topics` and `!vote N` (`!unvote N`
once every topic has the user's vote) by turns, so that the agenda has votes to show and
is edited while replies are timed. The agenda's edits seen in the room are counted
against the votes sent.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import aiosqlite
from nio import AsyncClient

from bench import ROOT, Goal, ms, percentile, workdir
from bench.echo_bot import READY
from bench.homeserver import Pinger, make_room, person, stopping, synapse_in
from bot.core.clock import iso
from bot.devtools.localsynapse import LocalSynapse, free_port
from bot.features.reminders import repository as reminders
from bot.features.topics.matching import normalise
from bot.storage.store import Store
from tests.integration.botproc import BotProcess, bot_sections, register_bot, write_config

GOAL_P50 = 1.10
GOAL_P95 = 1.20
GOAL_EDITS = 5.0  # agenda edits per 100 votes
EDITS_SETTLE = 5.0
# People with reminders on (all slots, 15 minutes before) in the bot's database.
REMINDED = 20


@dataclass(frozen=True)
class Series:
    name: str
    rtts: tuple[float, ...]

    @property
    def p50(self) -> float:
        return percentile(self.rtts, 50)

    @property
    def p95(self) -> float:
        return percentile(self.rtts, 95)

    @property
    def max(self) -> float:
        return max(self.rtts)


@dataclass(frozen=True)
class LatencyFigures:
    pings: int
    topics: int
    floor: Series
    ccc: Series
    votes: int = 0  # `!vote`/`!unvote` among the timed pings
    edits: int = 0  # agenda edits seen in ccc-bot's room while they were timed
    pinned: bool = False  # the agenda was pinned in the room
    web: bool = False  # the web server answered, after the pings
    seconds: float = 0.0  # how long the timed pings took

    @property
    def votes_per_second(self) -> float:
        return self.votes / self.seconds if self.seconds else 0.0

    @property
    def edits_per_100_votes(self) -> float:
        return 100 * self.edits / self.votes if self.votes else 0.0

    @property
    def goals(self) -> tuple[Goal, ...]:
        return (
            Goal("ccc-bot p50 / floor p50", self.ccc.p50 / self.floor.p50, GOAL_P50, unit="x"),
            Goal("ccc-bot p95 / floor p95", self.ccc.p95 / self.floor.p95, GOAL_P95, unit="x"),
        )

    def report(self) -> str:
        f, c = self.floor, self.ccc
        lines = [
            f"latency: {self.pings} pings to each bot, interleaved, !topics and !vote by turns "
            f"({self.votes} votes); message sent -> reply synced, one local Synapse",
            f"  ccc-bot with everything on: agenda {'pinned' if self.pinned else 'NOT pinned'}, "
            f"{REMINDED} people with reminders, web server {'answering' if self.web else 'NOT answering'}, "
            f"{self.topics} open topics",
            # At most one edit per window (4 s): per 100 votes, the figure depends on how fast
            # the votes come; `bench agenda` gives it at a fixed 10 votes/s.
            f"  agenda edits while timed: {self.edits} for {self.votes} votes in {self.seconds:.1f} s "
            f"({self.votes_per_second:.1f} votes/s): {self.edits_per_100_votes:.1f} per 100 votes "
            f"(goal <= {GOAL_EDITS:g} per 100 at 10 votes/s: python -m bench agenda)",
            f"  {'':<14}{'p50':>10}{'p95':>10}{'max':>10}",
            f"  {'echo (floor)':<14}{ms(f.p50):>10}{ms(f.p95):>10}{ms(f.max):>10}",
            f"  {'ccc-bot':<14}{ms(c.p50):>10}{ms(c.p95):>10}{ms(c.max):>10}",
            f"  {'ratio':<14}{c.p50 / f.p50:>9.2f}x{c.p95 / f.p95:>9.2f}x{c.max / f.max:>9.2f}x",
            *("  " + goal.line() for goal in self.goals),
        ]
        return "\n".join(lines)


# --- setting up ----------------------------------------------------------------------------


async def seed_open_topics(database: Path, count: int, seed: int = 8) -> None:
    """`count` open topics with a few votes each, written before the bot starts."""
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    store = await Store.open(database)
    try:

        async def fill(db: aiosqlite.Connection) -> None:
            for i in range(count):
                text = f"Topic {i + 1}: how co-ops handle {rng.choice(['pay', 'hiring', 'votes', 'clients'])} #{i}"
                at = iso(now - dt.timedelta(minutes=count - i))
                cursor = await db.execute(
                    "INSERT INTO topics (text, norm, suggested_by, suggested_name, suggested_at, status) "
                    "VALUES (?, ?, ?, ?, ?, 'open')",
                    (text, normalise(text), f"@member{i % 7}:localhost", f"Member {i % 7}", at),
                )
                voters = rng.sample(range(40), rng.randint(0, 12))
                await db.executemany(
                    "INSERT INTO votes (topic_id, user_id, voted_at) VALUES (?, ?, ?)",
                    [(cursor.lastrowid, f"@member{v}:localhost", at) for v in voters],
                )

        await store.transaction(fill)
    finally:
        await store.close()


async def seed_reminders(database: Path, people: int) -> None:
    """`people` members who asked for reminders of every slot, 15 minutes before."""
    now = dt.datetime.now(dt.UTC)
    store = await Store.open(database)
    try:
        for i in range(people):
            await reminders.set_setting(store, f"@member{i}:localhost", None, dt.timedelta(minutes=15), now)
    finally:
        await store.close()


def bot_config(folder: Path, synapse: LocalSynapse, account, room_id: str, web_port: int) -> Path:
    """A `ccc-bot run` config like the integration tests write (no encryption), with the
    agenda (pinned), reminders (the default slots) and the web server on."""
    sections = bot_sections(synapse, account, [room_id])
    sections["agenda"] = {"enabled": True, "pin": True}
    sections["web"] = {"enabled": True, "listen": f"127.0.0.1:{web_port}"}
    return write_config(folder / "config.toml", sections)


async def web_answers(port: int) -> bool:
    def get() -> bool:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/topics.json", timeout=10) as resp:
            return resp.status == 200 and resp.read(1) != b""

    try:
        return await asyncio.to_thread(get)
    except OSError:
        return False


async def agenda_pinned(client: AsyncClient, room_id: str) -> bool:
    pinned = await client.room_get_state_event(room_id, "m.room.pinned_events")
    return bool(getattr(pinned, "content", {}).get("pinned"))


class EchoProcess:
    """bench/echo_bot.py as its own process, like ccc-bot."""

    def __init__(self, homeserver: str, account: dict, folder: Path, room_id: str):
        token_file = folder / "echo.token"
        token_file.write_text(account["access_token"])
        self.log = folder / "echo.log"
        self.command = [
            sys.executable, "-m", "bench.echo_bot", "--homeserver", homeserver, "--user-id", account["user_id"],
            "--device-id", account["device_id"], "--token-file", str(token_file), "--room", room_id,
        ]  # fmt: skip
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("w") as log:
            self.proc = subprocess.Popen(
                self.command, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=True
            )

    async def wait_ready(self, timeout: float = 60) -> None:  # noqa: ASYNC109
        deadline = time.monotonic() + timeout
        while READY not in self.log.read_text():
            if self.proc and self.proc.poll() is not None:
                raise RuntimeError(f"the echo bot exited:\n{self.log.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the echo bot did not start:\n{self.log.read_text()[-3000:]}")
            await asyncio.sleep(0.1)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# --- the run ---------------------------------------------------------------------------------


async def run(
    pings: int = 100, topics: int = 50, warmup: int = 5, synapse: LocalSynapse | None = None
) -> LatencyFigures:
    with workdir() as folder, synapse_in(folder, synapse) as server:
        client = await person(server, "pinger")
        bot_folder = folder / "ccc"
        bot_folder.mkdir()
        echo_account = server.register_device(f"echo-{random.randrange(1 << 30):x}", "echo password")
        ccc_account = register_bot(server)
        echo_room = await make_room(client, echo_account["user_id"], "echo floor")
        ccc_room = await make_room(client, ccc_account.user_id, "ccc-bot", moderator=True)
        echo = EchoProcess(server.url, echo_account, folder, echo_room)
        await seed_open_topics(bot_folder / "ccc.sqlite3", topics)
        await seed_reminders(bot_folder / "ccc.sqlite3", REMINDED)
        web_port = free_port()
        bot = BotProcess(bot_config(bot_folder, server, ccc_account, ccc_room, web_port), bot_folder / "bot.log")
        pinger = Pinger(client)
        with stopping(bot):
            try:
                bot.start()
                echo.start()
                await bot.wait_ready()
                await echo.wait_ready()
                await pinger.start()
                began = time.perf_counter()
                floor, ccc, votes, edits = await _interleave(pinger, echo_room, ccc_room, pings, warmup, topics)
                seconds = time.perf_counter() - began - EDITS_SETTLE
                pinned = await agenda_pinned(client, ccc_room)
                web = await web_answers(web_port)
            finally:
                await pinger.stop()
                await client.close()
                echo.stop()
        return LatencyFigures(
            pings,
            topics,
            Series("echo", tuple(floor)),
            Series("ccc-bot", tuple(ccc)),
            votes,
            edits,
            pinned,
            web,
            seconds,
        )


def command(i: int, topics: int) -> tuple[str, str]:
    """The i-th command sent to both bots and how ccc-bot's answer begins: `!topics` and
    `!vote N` by turns, N going through the topics; once all have the user's vote,
    `!unvote N` through them, then votes again."""
    if i % 2 == 0:
        return "!topics", "Open topics"
    n = i // 2
    topic = n % topics + 1
    return (f"!vote {topic}", "Voted for") if (n // topics) % 2 == 0 else (f"!unvote {topic}", "Took back")


async def _interleave(
    pinger: Pinger, echo_room: str, ccc_room: str, pings: int, warmup: int, topics: int
) -> tuple[list[float], list[float], int, int]:
    rng = random.Random(8)
    floor: list[float] = []
    ccc: list[float] = []
    votes = edits_before = 0
    for i in range(warmup + pings):
        if i == warmup:  # the first few pay for connection set-up and cold caches
            edits_before = pinger.edits.get(ccc_room, 0)
        body, answer = command(i, topics)
        pair = [(echo_room, floor, "echo: "), (ccc_room, ccc, answer)]
        rng.shuffle(pair)  # neither bot always goes first
        for room_id, series, expected in pair:
            rtt, reply = await pinger.ping(room_id, body)
            if reply.get("msgtype") != "m.notice" or not reply.get("body", "").startswith(expected):
                raise RuntimeError(f"unexpected reply in {room_id}: {reply.get('body', '')[:200]!r}")
            if i >= warmup:
                series.append(rtt)
        votes += i >= warmup and not body.startswith("!topics")
    # Edits made for the last votes come within the agenda's window (4 s) after them.
    await asyncio.sleep(EDITS_SETTLE)
    return floor, ccc, votes, pinger.edits.get(ccc_room, 0) - edits_before


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench latency", description=__doc__)
    parser.add_argument("--pings", type=int, default=100, help="pings to each bot (default 100)")
    parser.add_argument("--topics", type=int, default=50, help="open topics in ccc-bot's database (default 50)")
    args = parser.parse_args(argv)
    print(asyncio.run(run(args.pings, args.topics)).report(), flush=True)
    return 0
