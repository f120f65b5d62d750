"""`ccc-bot demo`: a throwaway local Synapse, the bot in a room, and you chatting with it
in this terminal, over Matrix. Ctrl-C (or Ctrl-D) tears everything down.

Your side of the chat speaks the Matrix client-server API over plain HTTP, so the demo
shows the bot exactly as any Element user would meet it. With commands piped on stdin
it sends them one by one, waits for the answers, and exits: handy for scripts.

The bot's read-only web page (`[web]`) is on too, on the loopback at a port found free,
and the opening lines give its address.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from bot.devtools.localsynapse import LocalSynapse, SynapseHTTPError, free_port
from bot.devtools.terminal import Terminal

PASSWORD = "demo password"
SEED_FILE = Path(__file__).resolve().parents[2] / "topics.yaml"
# The whole timeline of the demo room, not the server's default of 10 events a sync.
SYNC_FILTER = json.dumps({"room": {"timeline": {"limit": 200}}})


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(str(value))  # a JSON string is a valid TOML basic string


def write_config(path: Path, sections: dict[str, dict[str, Any]]) -> Path:
    """A ccc-bot config file from {section: {key: value}} (what the demo, the integration
    tests and the benchmarks run the bot with)."""
    lines: list[str] = []
    for section, values in sections.items():
        lines += [f"[{section}]", *(f"{key} = {_toml(value)}" for key, value in values.items()), ""]
    path.write_text("\n".join(lines))
    return path


class DemoChat:
    """You, in the demo room: send lines, print what the bot says."""

    def __init__(self, server: LocalSynapse, token: str, room_id: str, bot_id: str, out: TextIO):
        self.server = server
        self.token = token
        self.room_id = room_id
        self.bot_id = bot_id
        self.out = out
        self.answered: set[str] = set()
        self._since: str | None = None
        self._lock = threading.Lock()

    def send(self, body: str) -> str:
        txn = uuid.uuid4().hex
        room = urllib.parse.quote(self.room_id)
        resp = self.server.request(
            "PUT",
            f"/_matrix/client/v3/rooms/{room}/send/m.room.message/{txn}",
            body={"msgtype": "m.text", "body": body},
            access_token=self.token,
        )
        event_id: str = resp["event_id"]
        return event_id

    def catch_up(self, timeout_ms: int = 0) -> None:
        """One sync: print the bot's new messages."""
        query = f"?timeout={timeout_ms}&filter={urllib.parse.quote(SYNC_FILTER)}"
        if self._since:
            query += f"&since={urllib.parse.quote(self._since)}"
        resp = self.server.request(
            "GET", f"/_matrix/client/v3/sync{query}", access_token=self.token, timeout=timeout_ms / 1000 + 30
        )
        first = self._since is None
        self._since = resp["next_batch"]
        if first:
            return  # what happened before you arrived
        room = resp.get("rooms", {}).get("join", {}).get(self.room_id, {})
        for event in room.get("timeline", {}).get("events", []):
            if event.get("sender") == self.bot_id and event.get("type") == "m.room.message":
                self._show(event)

    def _show(self, event: dict[str, Any]) -> None:
        content = event.get("content", {})
        relates = content.get("m.relates_to") or {}
        replied = (relates.get("m.in_reply_to") or {}).get("event_id")
        if content.get("msgtype") in ("m.file", "m.image"):
            text = f"[uploaded a file: {content.get('body')}]"
        elif relates.get("rel_type") == "m.replace":
            # Element shows the message itself change, and its pinned banner the first line.
            first = (content.get("m.new_content", {}).get("body") or "").partition("\n")[0]
            text = f"[edited the pinned agenda, which begins: {first}]"
        else:
            text = content.get("body", "")
        thread = " (in a thread)" if relates.get("rel_type") == "m.thread" else ""
        with self._lock:
            lines = text.splitlines() or [""]
            self.out.write(f"ccc-bot{thread}: {lines[0]}\n")
            for line in lines[1:]:
                self.out.write(f"         {line}\n")
            self.out.flush()
        if replied:
            self.answered.add(replied)

    def follow(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self.catch_up(timeout_ms=2000)
            except (OSError, SynapseHTTPError):
                time.sleep(0.5)

    def say_and_wait(self, lines: Sequence[str], timeout: float = 30) -> None:
        """Send each line, then sync until the bot has answered them all (with no follower
        thread syncing meanwhile)."""
        self.catch_up()
        sent = {self.send(line) for line in lines}
        deadline = time.monotonic() + timeout
        while not sent <= self.answered:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the bot did not answer {list(lines)} within {timeout:.0f} seconds")
            self.catch_up(timeout_ms=1000)


# What the demo is, in one line, before anything starts.
WELCOME = (
    "ccc-bot runs a co-op's weekly open call from its Matrix room: it announces the sessions, collects "
    "topics and votes, and keeps who came. Here you try it in a room of your own; at the prompt, "
    "type !topics first.\n"
)
# Said in the room by another member before you arrive, so there is something to vote on
# (the seed file's topics are history: discussed before the bot kept records).
EXAMPLE_TOPICS = (
    "Sharing one bookkeeping tool between small co-ops",
    "How do you welcome a new member in their first month?",
)


def run_demo(stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout, keep: Path | None = None) -> int:
    folder = keep or Path(tempfile.mkdtemp(prefix="ccc-demo-"))
    folder.mkdir(parents=True, exist_ok=True)
    server = LocalSynapse(folder / "synapse")
    bot: subprocess.Popen[bytes] | None = None
    stop = threading.Event()
    say = stdout.write
    # A closed terminal (SIGHUP) or a kill (SIGTERM) tears down too, as Ctrl-C does: never a
    # Synapse and a bot left running with no one to stop them.
    if threading.current_thread() is threading.main_thread():
        for stopping in (signal.SIGHUP, signal.SIGTERM):
            signal.signal(stopping, signal.default_int_handler)
    try:
        say(WELCOME)
        say("Starting a throwaway Synapse on 127.0.0.1 ...\n")
        stdout.flush()
        server.start()
        bot_user = server.register_device("ccc-bot", PASSWORD, displayname="ccc-bot")
        you = server.register_device("you", PASSWORD, displayname="You")
        sam = server.register_device("sam", PASSWORD, displayname="Sam")
        room = server.request(
            "POST",
            "/_matrix/client/v3/createRoom",
            body={
                "name": "Coop Casual Conference (demo)",
                "preset": "private_chat",
                "invite": [bot_user["user_id"], sam["user_id"]],
            },
            access_token=you["access_token"],
        )
        server.request(
            "POST", f"/_matrix/client/v3/join/{urllib.parse.quote(room['room_id'])}", access_token=sam["access_token"]
        )
        config = folder / "config.toml"
        page = f"http://127.0.0.1:{free_port()}"
        write_config(
            config,
            {
                "matrix": {
                    "homeserver": server.url,
                    "user_id": bot_user["user_id"],
                    "device_id": bot_user["device_id"],
                    "access_token": bot_user["access_token"],
                    "rooms": [room["room_id"]],
                    "encryption": False,
                },
                # You organise the demo, so every command is yours to try.
                "roles": {"organisers": [you["user_id"]]},
                "storage": {"database": "ccc-bot.sqlite3", "state_dir": "state"},
                "topics": {"seed_file": str(SEED_FILE)},
                # Its address is also what `!calendar` gives as the feed's.
                "web": {"enabled": True, "listen": page.removeprefix("http://"), "public_url": page},
            },
        )
        log = folder / "bot.log"
        say("Starting the bot ...\n")
        stdout.flush()
        bot = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run", "-c", str(config)],
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _wait_for_start(bot, log)
        others = DemoChat(server, sam["access_token"], room["room_id"], bot_user["user_id"], io.StringIO())
        others.say_and_wait([f"!suggest {topic}" for topic in EXAMPLE_TOPICS])
        with Terminal(stdin, stdout) as terminal:
            chat = DemoChat(server, you["access_token"], room["room_id"], bot_user["user_id"], terminal.out)
            chat.catch_up()
            terminal.out.write(
                f"\nYou are {you['user_id']} in a room with the bot and Sam, on a Synapse at {server.url}.\n"
                "Sam has suggested two topics. Try !topics, then !vote N for one; !help lists the rest. "
                "Ctrl-D (or Ctrl-C) leaves and tears it all down.\n"
                f"(Element or any client can join too: user 'you', password '{PASSWORD}'.)\n"
                f"The bot's web page: {page}/ (open it in a browser, and reload it as you suggest and vote)\n\n"
            )
            terminal.out.flush()
            threading.Thread(target=chat.follow, args=(stop,), daemon=True).start()
            sent = [chat.send(line) for line in terminal.lines() if line.strip()]
            if not terminal.interactive:
                # Piped: wait for every command's answer before leaving.
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline and not set(sent) <= chat.answered:
                    time.sleep(0.1)
                time.sleep(0.5)
        return 0
    except KeyboardInterrupt:
        return 0
    except (RuntimeError, SynapseHTTPError, OSError) as e:
        sys.stderr.write(f"ccc-bot demo: {e}\n")
        return 1
    finally:
        stop.set()
        with contextlib.suppress(OSError):  # the terminal may be gone
            say("\nTearing down the demo ...\n")
            stdout.flush()
        if bot is not None and bot.poll() is None:
            bot.send_signal(signal.SIGTERM)
            try:
                bot.wait(10)
            except subprocess.TimeoutExpired:
                bot.kill()
        server.stop()
        if keep is None:
            shutil.rmtree(folder, ignore_errors=True)


def _wait_for_start(bot: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        # Up once its web page is served (started right after it joins the rooms).
        if "web: serving http://" in log.read_text():
            return
        if bot.poll() is not None:
            raise RuntimeError(f"the bot exited at start:\n{log.read_text()[-2000:]}")
        time.sleep(0.1)
    raise RuntimeError("the bot did not start within a minute")
