"""`ccc-bot console`: talk to the bot in a terminal, with the same commands and database
and no homeserver. Reads one command per line (interactively or piped) and prints the
plain-text replies; files the bot would upload are saved under the state directory."""

from __future__ import annotations

import asyncio
import itertools
import sys
from typing import TextIO

from bot.config import Config
from bot.dispatcher import Dispatcher
from bot.model import IncomingMessage, Reply

CONSOLE_ROOM = "!console:localhost"


def render(reply: Reply, config: Config) -> str:
    out = reply.text
    if reply.direct_to:
        out = f"[direct message to {reply.direct_to}]\n{out}"
    if reply.file is not None:
        folder = config.storage.state_dir / "console-files"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / reply.file.filename
        path.write_bytes(reply.file.data)
        out = f"{out}\n[file {reply.file.filename} ({len(reply.file.data)} bytes) saved to {path}]"
    return out


async def run_console(
    dispatcher: Dispatcher, user_id: str, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout
) -> int:
    services = dispatcher.services
    interactive = stdin.isatty()
    if interactive:
        stdout.write(
            f"{services.config.conference.name} bot console — you are {user_id}. "
            f"Type {services.prefix}help, Ctrl-D to leave.\n"
        )
    for n in itertools.count(1):
        if interactive:
            stdout.write("> ")
            stdout.flush()
        line = await asyncio.to_thread(stdin.readline)
        if not line:
            break
        line = line.rstrip("\n")
        if not line.strip():
            continue
        message = IncomingMessage(
            sender=user_id,
            room_id=CONSOLE_ROOM,
            event_id=f"$console-{n}",
            body=line,
            ts=services.clock.now(),
        )
        replies = await dispatcher.handle(message)
        if not replies and interactive:
            stdout.write(f"(not a command: commands start with {services.prefix})\n")
        for reply in replies:
            stdout.write(render(reply, services.config) + "\n")
        stdout.flush()
    return 0
