"""Part 2 of `python -m bench scale`: `ccc-bot run` on the big database in a room with many
members on a local Synapse; its peak resident memory idle and after answering, and how soon
it answers a command after being started."""

from __future__ import annotations

import asyncio
import os
import random
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from nio import AsyncClient, AsyncClientConfig, RoomSendResponse

from bench import median
from bench.homeserver import Pinger, stopping
from bot.devtools.localsynapse import LocalSynapse, free_port


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
            # With the catalogs loaded: the member reads the bot in Spanish, then in Portuguese.
            for code, shown in (("es", "próximas sesiones"), ("pt-BR", "próximas sessões")):
                await _answer(pinger, pid, room, f"!lang {code}", "")
                busy_hwm = await _answer(pinger, pid, room, "!next", shown)
            await _answer(pinger, pid, room, "!lang en", "")  # the restarts read English
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
    """Ask the bot `command`, check the answer (`expected` in its first line or two), wait
    till it is idle: its peak RSS then."""
    _, reply = await pinger.ping(room, command)
    if expected not in reply.get("body", "")[:200]:
        raise RuntimeError(f"unexpected answer to {command}: {reply.get('body', '')[:200]!r}")
    await wait_idle(pid)
    return _status_mb(pid, "VmHWM")
