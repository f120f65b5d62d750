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
import itertools
import os
import random
import time
import urllib.parse
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import aiosqlite
from nio import AsyncClient, AsyncClientConfig, RoomSendResponse

from bench import ROOT, Goal, median, ms, workdir
from bench.homeserver import Pinger, stopping, synapse_in
from bot.app import open_services
from bot.core.clock import FakeClock, iso
from bot.core.config import Config, parse_config
from bot.core.dispatcher import Dispatcher
from bot.core.model import IncomingMessage, Reply
from bot.devtools.localsynapse import LocalSynapse, free_port
from bot.features.schedule.repository import Session, sessions_from
from bot.features.sessions.chart import Charts
from bot.features.topics.matching import normalise
from bot.storage.store import Store

GOAL_TOPICS = 0.020
GOAL_SUGGEST = 0.005  # issue 19: with 10,000 topics, the near-duplicate check through the index
GOAL_REPLY = 1.0
GOAL_STATS_REUSED = 0.050
# `!stats` drawn by a chart process started for it, none made ready: what each new chart
# cost before the bot kept one ready, and still the worst case (just after start-up).
STATS_NOT_READY = "!stats (no ready child)"
GOAL_RSS_MB = 70  # issue 19: idle, with the agenda and the web server on
GOAL_START = 2.0  # issue 19: from `ccc-bot run` to the first command answered
ROOM = "!scale:localhost"
ORGANISER = "@organiser:localhost"
MEMBER = "@member1:localhost"


@dataclass(frozen=True)
class Size:
    topics: int = 10_000
    votes: int = 100_000
    sessions: int = 500
    checkins: int = 20_000
    people: int = 2_000  # who suggests, votes and checks in


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


@dataclass(frozen=True)
class Memory:
    members: int
    idle_hwm_mb: float
    idle_rss_mb: float
    busy_hwm_mb: float
    chart_hwm_mb: float
    last_rss_mb: float  # after !stats: what stays resident
    start_seconds: float  # spawn to the log's "started as" (the first start: it joins the room)
    chart_process_hwm_mb: float | None  # the chart process kept ready (a separate process), if seen
    # Each start after the first: spawn to the reply to `!link` sent right after the spawn,
    # as (the reply's origin_server_ts minus the spawn, when the member's client had it).
    restarts: tuple[tuple[float, float], ...]
    restart_cpu_seconds: tuple[float, ...]  # CPU time the bot had used when the reply was seen
    restart_idle_hwm_mb: float  # the last restart's, once idle

    @property
    def first_reply_seconds(self) -> float:
        return median([r[0] for r in self.restarts])

    @property
    def first_reply_seen_seconds(self) -> float:
        return median([r[1] for r in self.restarts])


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
                f"{m.busy_hwm_mb:.1f} MB after answering !topics, {m.chart_hwm_mb:.1f} MB after !stats (its chart "
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


# --- building the database ---------------------------------------------------------------


def scale_config(folder: Path, database: Path) -> Config:
    return parse_config(
        {
            "matrix": {"homeserver": "http://127.0.0.1:1", "user_id": "@ccc-bot:localhost", "rooms": [ROOM]},
            "roles": {"organisers": [ORGANISER]},
            "storage": {"database": str(database), "state_dir": "state"},
            "topics": {"seed_file": str(ROOT / "topics.yaml")},
            # Each figure times one person repeating a command: past the flood limit most
            # would be answered with silence (`python -m bench flood` times the limit).
            "limits": {"commands_per_minute": 0},
        },
        base_dir=folder,
    )


def _words(rng: random.Random) -> Callable[[], str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocabulary = ["".join(rng.choices(letters, k=rng.randint(3, 9))) for _ in range(5000)]
    return lambda: " ".join(rng.choices(vocabulary, k=rng.randint(4, 10))).capitalize()


async def build_database(path: Path, config: Config, now: dt.datetime, size: Size, seed: int = 8) -> None:
    """Bulk inserts in one transaction: 45 % of the topics open, 45 % discussed (in the
    sessions), 10 % withdrawn; votes skewed towards some topics, as in real lists."""
    rng = random.Random(seed)
    people = [f"@member{i}:localhost" for i in range(size.people)]
    held = _past_sessions(config, now, size.sessions)
    store = await Store.open(path)
    try:

        async def fill(db: aiosqlite.Connection) -> None:
            await db.executemany(
                "INSERT INTO users (user_id, display_name) VALUES (?, ?)",
                [(p, f"Member {i}") for i, p in enumerate(people)],
            )
            await db.executemany(
                "INSERT INTO sessions (key, starts_at, started_by, started_at, ended_at, ended_by) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(s.key, iso(s.starts_at), people[0], iso(s.starts_at + 3 * MINUTE), iso(s.starts_at + 65 * MINUTE),
                  people[0]) for s in held],
            )  # fmt: skip
            await db.executemany(
                "INSERT INTO attendance (session, user_id, checked_in_at, via) VALUES (?, ?, ?, ?)",
                _check_ins(rng, held, people, size.checkins),
            )
            await db.executemany(
                "INSERT INTO topics (text, norm, suggested_by, suggested_name, suggested_at, status, session, note, "
                "discussed_at, withdrawn_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                _topics(rng, held, people, size.topics, now - dt.timedelta(weeks=size.sessions // 2), now),
            )
            cursor = await db.execute("SELECT id FROM topics WHERE seed_key IS NULL ORDER BY id")
            ids = [r[0] for r in await cursor.fetchall()]
            await db.executemany(
                "INSERT INTO votes (topic_id, user_id, voted_at) VALUES (?, ?, ?)",
                _votes(rng, ids, people, size.votes, now),
            )

        await store.transaction(fill)
        await store.execute("ANALYZE")
    finally:
        await store.close()


MINUTE = dt.timedelta(minutes=1)


def _past_sessions(config: Config, now: dt.datetime, count: int) -> list[Session]:
    """The last `count` sessions of the schedule before `now`."""
    weeks = count // max(len(config.conference.slots), 1) + 2
    upcoming = itertools.takewhile(lambda s: s.starts_at < now, sessions_from(config, now - dt.timedelta(weeks=weeks)))
    return list(upcoming)[-count:]


def _check_ins(rng: random.Random, held: list[Session], people: list[str], count: int) -> list[tuple]:
    per_session, extra = divmod(count, max(len(held), 1))
    return [
        (s.key, person, iso(s.starts_at + 5 * MINUTE), rng.choice(["command", "reaction"]))
        for i, s in enumerate(held)
        for person in rng.sample(people, per_session + (1 if i < extra else 0))
    ]


def _topics(
    rng: random.Random, held: list[Session], people: list[str], count: int, first: dt.datetime, now: dt.datetime
) -> list[tuple]:
    text = _words(rng)
    rows = []
    for i in range(count):
        words, by, kind = text(), rng.randrange(len(people)), rng.random()
        suggested = first + (now - first) * (i / count)
        status, session, note, discussed, withdrawn = "open", None, None, None, None
        if kind < 0.45 and held:
            status, session = "discussed", rng.choice(held)
            discussed, note = iso(session.starts_at + 20 * MINUTE), rng.choice([None, "good talk"])
        elif kind < 0.55:
            status, withdrawn = "withdrawn", iso(suggested + dt.timedelta(days=2))
        key = session.key if session else None
        rows.append(
            (
                words,
                normalise(words),
                people[by],
                f"Member {by}",
                iso(suggested),
                status,
                key,
                note,
                discussed,
                withdrawn,
            )
        )
    return rows


def _votes(rng: random.Random, ids: list[int], people: list[str], count: int, now: dt.datetime) -> list[tuple]:
    votes: set[tuple[int, int]] = set()
    while len(votes) < min(count, len(ids) * len(people)):
        # Squaring skews the picks: a few topics get many votes, most get a few.
        votes.add((ids[int(len(ids) * rng.random() ** 2)], rng.randrange(len(people))))
    at = iso(now - dt.timedelta(days=1))
    return [(topic, people[person], at) for topic, person in votes]


# --- part 1: timing replies ---------------------------------------------------------------------


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
        text = _words(rng)
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


# --- part 2: memory in a big room -----------------------------------------------------------------


def fill_room(synapse: LocalSynapse, members: int) -> tuple[str, list[tuple[str, str]]]:
    """`members` users registered with the admin API, all joined to one public room
    (plain HTTP, a few requests at a time). Returns the room and (user_id, token) pairs."""
    tag = f"{random.randrange(1 << 24):x}"
    with ThreadPoolExecutor(max_workers=8) as pool:
        users = list(pool.map(lambda i: synapse.register(f"m{i}-{tag}", "member password"), range(members)))
        owner_token = users[0][1]
        room = synapse.request(
            "POST",
            "/_matrix/client/v3/createRoom",
            body={"preset": "public_chat", "name": "Coop Casual Conference (scale)"},
            access_token=owner_token,
        )["room_id"]
        path = f"/_matrix/client/v3/join/{urllib.parse.quote(room)}"
        list(pool.map(lambda user: synapse.request("POST", path, body={}, access_token=user[1]), users[1:]))
    joined = synapse.request("GET", f"/_matrix/client/v3/rooms/{urllib.parse.quote(room)}/joined_members",
                             access_token=owner_token)["joined"]  # fmt: skip
    if len(joined) != members:
        raise RuntimeError(f"{len(joined)} of {members} members joined {room}")
    return room, users


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def _status_mb(pid: int, key: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {key} in /proc/{pid}/status")


async def wait_idle(pid: int, quiet: float = 2.0, timeout: float = 60.0) -> None:  # noqa: ASYNC109
    """Until the process has used no CPU for `quiet` seconds."""
    deadline = time.monotonic() + timeout
    last, since = _cpu_ticks(pid), time.monotonic()
    while time.monotonic() < deadline:
        await asyncio.sleep(0.25)
        ticks = _cpu_ticks(pid)
        if ticks != last:
            last, since = ticks, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
    raise RuntimeError(f"the bot did not go idle within {timeout:.0f} s")


def _children(pid: int) -> list[int]:
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children += [int(c) for c in (task / "children").read_text().split()]
    return children


def _chart_pid(pid: int) -> int | None:
    """The bot's chart process kept ready, if it is running."""
    for child in _children(pid):
        try:
            if b"bot.features.sessions.chart" in Path(f"/proc/{child}/cmdline").read_bytes():
                return child
        except OSError:
            continue  # it has just ended
    return None


async def chart_process_hwm(pid: int) -> float | None:
    """The peak RSS of the bot's chart process kept ready, once it is idle (matplotlib
    imported), if it is running."""
    child = _chart_pid(pid)
    if child is None:
        return None
    try:
        await wait_idle(child)
        return _status_mb(child, "VmHWM")
    except OSError:
        return None  # it has just ended


def memory_config(synapse: LocalSynapse, account, room: str, database: Path) -> dict:
    """The config of the measured bot: as in the integration tests, with the agenda and
    the read-only web server on (on a free port on the loopback)."""
    from tests.integration.botproc import bot_sections

    sections = bot_sections(synapse, account, [room], database=str(database))
    sections["agenda"] = {"enabled": True}
    sections["web"] = {"enabled": True, "listen": f"127.0.0.1:{free_port()}"}
    return sections


async def measure_memory(synapse: LocalSynapse, folder: Path, database: Path, members: int, starts: int = 3) -> Memory:
    from tests.integration.botproc import BotProcess, register_bot, write_config

    room, users = await asyncio.to_thread(fill_room, synapse, members)
    account = await asyncio.to_thread(register_bot, synapse)
    config = write_config(folder / "config.toml", memory_config(synapse, account, room, database))
    bot = BotProcess(config, folder / "bot.log")
    client = AsyncClient(synapse.url, users[1][0], config=AsyncClientConfig(store_sync_tokens=False))
    client.restore_login(users[1][0], "unknown", users[1][1])
    pinger = Pinger(client)
    with stopping(bot):
        try:
            began = time.monotonic()
            bot.start()
            await bot.wait_ready(timeout=180)
            started = time.monotonic() - began
            assert bot.proc is not None
            pid = bot.proc.pid
            await wait_idle(pid)
            idle_hwm, idle_rss = _status_mb(pid, "VmHWM"), _status_mb(pid, "VmRSS")
            await pinger.start()
            busy_hwm = await _answer(pinger, pid, room, "!topics", "Open topics")
            chart_hwm = await _answer(pinger, pid, room, "!stats", "Attendance")
            last_rss = _status_mb(pid, "VmRSS")
            chart_process = await chart_process_hwm(pid)
            restarts, cpus, restart_hwm = [], [], 0.0
            for _ in range(starts):
                bot.stop()
                reply, seen, cpu = await first_reply(bot, pinger, client, synapse, room, users[1][1])
                restarts.append((reply, seen))
                cpus.append(cpu)
                restart_hwm = _status_mb(bot.proc.pid, "VmHWM")
        finally:
            await pinger.stop()
            await client.close()
    return Memory(
        members,
        idle_hwm,
        idle_rss,
        busy_hwm,
        chart_hwm,
        last_rss,
        started,
        chart_process,
        tuple(restarts),
        tuple(cpus),
        restart_hwm,
    )


async def first_reply(
    bot, pinger, client: AsyncClient, synapse: LocalSynapse, room: str, token: str
) -> tuple[float, float, float]:
    """Spawn the (stopped) bot and send `!link` at once: seconds from the spawn to the
    reply's origin_server_ts, and to the member's client having it, and the CPU time the bot
    had used when the reply was seen. Then waits till it is idle."""
    spawned = time.time()
    bot.start()
    resp = await client.room_send(room, "m.room.message", {"msgtype": "m.text", "body": "!link"})
    if not isinstance(resp, RoomSendResponse):
        raise RuntimeError(f"could not send !link: {resp}")
    deadline = time.monotonic() + 120
    while (reply := pinger.answer_to(resp.event_id)) is None:
        if time.monotonic() > deadline:
            raise RuntimeError("no answer to !link within 120 s of the start")
        await asyncio.sleep(0.01)
    seen = time.time()
    assert bot.proc is not None
    cpu = _cpu_ticks(bot.proc.pid) / os.sysconf("SC_CLK_TCK")
    if "access code" not in reply.get("body", ""):
        raise RuntimeError(f"unexpected answer to !link: {reply.get('body', '')[:200]!r}")
    stamp = await asyncio.to_thread(_reply_stamp, synapse, room, token, resp.event_id)
    await wait_idle(bot.proc.pid)
    return stamp / 1000 - spawned, seen - spawned, cpu


def _reply_stamp(synapse: LocalSynapse, room: str, token: str, event_id: str) -> int:
    """The origin_server_ts of the answer to `event_id`, among the room's last events."""
    path = f"/_matrix/client/v3/rooms/{urllib.parse.quote(room)}/messages?dir=b&limit=50"
    for event in synapse.request("GET", path, access_token=token)["chunk"]:
        relates = event.get("content", {}).get("m.relates_to") or {}
        if (relates.get("m.in_reply_to") or {}).get("event_id") == event_id:
            return int(event["origin_server_ts"])
    raise RuntimeError(f"the answer to {event_id} is not among the room's last 50 events")


async def _answer(pinger, pid: int, room: str, command: str, expected: str) -> float:
    """Ask the bot `command`, check the answer, wait till it is idle: its peak RSS then."""
    _, reply = await pinger.ping(room, command)
    if not reply.get("body", "").startswith(expected):
        raise RuntimeError(f"unexpected answer to {command}: {reply.get('body', '')[:200]!r}")
    await wait_idle(pid)
    return _status_mb(pid, "VmHWM")


# --- the run ------------------------------------------------------------------------------------------


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
