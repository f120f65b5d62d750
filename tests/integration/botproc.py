"""The bot as a real process (`ccc-bot run`) against the test Synapse, and a room with it."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
import time
import tomllib
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nio import AsyncClient, Event, RoomCreateResponse, RoomSendResponse

from bot.devtools.demo import write_config as write_config  # shared with the demo
from bot.devtools.localsynapse import LocalSynapse

from .helpers import collect_events, prime, wait_for_event

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class BotAccount:
    user_id: str
    device_id: str
    access_token: str


def bot_sections(
    synapse: LocalSynapse,
    account: BotAccount,
    rooms: list[str],
    *,
    encryption: bool = False,
    database: str = "ccc.sqlite3",
) -> dict[str, dict[str, Any]]:
    """The config a test or benchmark runs the bot with: logged in by token, serving `rooms`."""
    return {
        "matrix": {
            "homeserver": synapse.url,
            "user_id": account.user_id,
            "device_id": account.device_id,
            "access_token": account.access_token,
            "rooms": rooms,
            "encryption": encryption,
        },
        "storage": {"database": database, "state_dir": "state"},
        "topics": {"seed_file": str(ROOT / "topics.yaml")},
        # Bursts of 30 commands from one person test delivery, not the flood limit.
        "limits": {"commands_per_minute": 600},
    }


def register_bot(synapse: LocalSynapse) -> BotAccount:
    reg = synapse.register_device(f"ccc-bot-{uuid.uuid4().hex[:6]}", "bot password", displayname="ccc-bot")
    return BotAccount(reg["user_id"], reg["device_id"], reg["access_token"])


class BotProcess:
    def __init__(self, config: Path, log: Path, *, verbose: bool = False):
        self.config = config
        self.log = log
        self.verbose = verbose  # `ccc-bot -v run`: the most the log can say
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    def start(self, env: dict[str, str] | None = None) -> None:
        """`env`: more environment for the bot, as libfaketime's to run it on another clock."""
        self.starts += 1
        with self.log.open("a") as log:
            log.write(f"\n=== start {self.starts} ===\n")
        self._offset = self.log.stat().st_size
        verbose = ["-v"] if self.verbose else []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", *verbose, "run", "-c", str(self.config)],
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            start_new_session=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )

    def output(self) -> str:
        return self.log.read_text()

    def output_of_start(self, n: int) -> str:
        """What the bot logged in its `n`th run (from 1)."""
        return self.output().split(f"\n=== start {n} ===\n", 1)[1].split("\n=== start ", 1)[0]

    async def wait_ready(self, timeout: float = 60) -> None:  # noqa: ASYNC109
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.output()[self._offset :]
            if " started as " in text:
                return
            if self.proc and self.proc.poll() is not None:
                raise AssertionError(f"the bot exited with {self.proc.returncode}:\n{text[-4000:]}")
            await asyncio.sleep(0.1)
        raise AssertionError(f"the bot did not start in {timeout} s:\n{self.output()[-4000:]}")

    async def restart(self) -> None:
        self.stop()
        self.start()
        await self.wait_ready()

    def stop(self, timeout: float = 10) -> float:
        """SIGTERM; returns how long the process took to exit."""
        if not self.proc or self.proc.poll() is not None:
            return 0.0
        began = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        return time.monotonic() - began

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


async def send_text(client: AsyncClient, room_id: str, body: str, thread_root: str | None = None) -> str:
    content: dict[str, Any] = {"msgtype": "m.text", "body": body}
    if thread_root:
        content["m.relates_to"] = {
            "rel_type": "m.thread",
            "event_id": thread_root,
            "is_falling_back": True,
            "m.in_reply_to": {"event_id": thread_root},
        }
    resp = await client.room_send(room_id, "m.room.message", content)
    assert isinstance(resp, RoomSendResponse), resp
    return resp.event_id


def relates(event: Event) -> dict:
    return event.source.get("content", {}).get("m.relates_to") or {}


def replies_to(event_id: str, bot_id: str):
    def match(event: Event) -> bool:
        return event.sender == bot_id and (relates(event).get("m.in_reply_to") or {}).get("event_id") == event_id

    return match


async def ask(
    client: AsyncClient,
    room_id: str,
    bot_id: str,
    body: str,
    thread_root: str | None = None,
    wait: float = 20,
) -> Event:
    """Send a command and return the bot's reply to it."""
    await prime(client)
    event_id = await send_text(client, room_id, body, thread_root)
    return await wait_for_event(client, room_id, replies_to(event_id, bot_id), timeout=wait)


# --- the bot's schedule and messages, as the schedule and reminder tests use them ----

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# The slot is the first minute boundary at least this far ahead: the bot is up and has
# answered `!next` by then, and the test waits at most a minute more than this for it.
START_TIME = dt.timedelta(seconds=15)


def slot(at: dt.datetime) -> str:
    return f"{WEEKDAYS[at.weekday()]} {at:%H:%M}"


class BotMessages:
    """Every message the bot sends to the room, as one client sees them, across waits."""

    def __init__(self, env, client):
        self.env, self.client, self.seen = env, client, []

    async def until(self, predicate, timeout: float) -> Event:  # noqa: ASYNC109
        def match(event: Event) -> bool:
            if event.sender == self.env.bot_id:
                self.seen.append(event)
            return predicate(event)

        return await wait_for_event(self.client, self.env.room_id, match, timeout=timeout)

    async def ask(self, text: str) -> Event:
        event_id = await send_text(self.client, self.env.room_id, text)
        return await self.until(replies_to(event_id, self.env.bot_id), timeout=20)

    async def linger(self, seconds: float) -> None:
        events = await collect_events(self.client, self.env.room_id, seconds)
        self.seen += [e for e in events if e.sender == self.env.bot_id]


def configure(path: Path, **conference: Any) -> None:
    sections = tomllib.loads(path.read_text())
    sections.setdefault("conference", {}).update(conference)
    write_config(path, sections)


# --- an encrypted room, as Element creates it, with the bot in it --------------------

ENCRYPTION = {"type": "m.room.encryption", "state_key": "", "content": {"algorithm": "m.megolm.v1.aes-sha2"}}


async def encrypted_room_with_bot(synapse, make_user, tmp_path, conference: dict[str, Any] | None = None):
    """alice's encrypted room and a bot invited to it, started; `conference`: more of its
    [conference] config."""
    alice = await make_user("alice", e2e=True, displayname="Alice")
    await alice.keys_upload()
    account = await asyncio.to_thread(register_bot, synapse)
    created = await alice.room_create(name="Private co-op chat", invite=[account.user_id], initial_state=[ENCRYPTION])
    assert isinstance(created, RoomCreateResponse), created
    folder = tmp_path / f"bot-{uuid.uuid4().hex[:4]}"
    folder.mkdir()
    sections = bot_sections(synapse, account, [created.room_id], encryption=True)
    if conference:
        sections["conference"] = conference
    config = write_config(folder / "config.toml", sections)
    bot = BotProcess(config, folder / "bot.log")
    bot.start()
    await bot.wait_ready()
    return alice, bot, account.user_id, created.room_id, folder
