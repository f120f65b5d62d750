"""`ccc-bot console`: talk to the bot in a terminal, with the same commands and database
and no homeserver. Reads one command per line (interactively or piped) and prints the
plain-text replies, with a line for the reactions the bot would add under them; files the
bot would upload are saved under the state directory, in a folder of the person who asked
(mode 0700, files 0600), removed when they `!forgetme`."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from bot.core.config import Config
from bot.core.dispatcher import Dispatcher
from bot.core.limits import CommandLimit
from bot.core.model import IncomingMessage, Reply

CONSOLE_ROOM = "!console:localhost"
FILES_DIR = "console-files"


def files_folder(config: Config, user_id: str) -> Path:
    """The person's own folder: readable from their user ID, unique by its hash (two IDs
    that differ only in punctuation must not share a folder)."""
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", user_id).strip("._-")[:40] or "user"
    digest = hashlib.sha256(user_id.encode()).hexdigest()[:10]
    return config.storage.state_dir / FILES_DIR / f"{readable}-{digest}"


def save_file(folder: Path, name: str, data: bytes) -> Path:
    """Write `data` as `folder/name`, readable by the bot's user only. Written to a fresh
    file and renamed over the name, so an existing file or symlink there is replaced,
    never written through."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    path = folder / Path(name).name
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".saving-")  # created 0600
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


def render(reply: Reply, config: Config, user_id: str) -> str:
    out = reply.text
    if reply.reactions:
        # In a room they are the bot's reactions under its message, a click on one adds
        # yours; here there is nothing to click, so the line says what they are for.
        pills = " ".join(f"[{emoji}]" for emoji in reply.reactions)
        out = f"{out}\n{pills}  (in the room, react with one of these to answer)"
    if reply.direct_to:
        out = f"[direct message to {reply.direct_to}]\n{out}"
    if reply.file is not None:
        name, data = reply.file.filename, reply.file.data
        try:
            path = save_file(files_folder(config, reply.direct_to or user_id), name, data)
        except OSError as e:
            out = f"{out}\n[file {name} ({len(data)} bytes) could not be saved: {e.strerror or e}]"
        else:
            out = f"{out}\n[file {name} ({len(data)} bytes) saved to {path}]"
    return out


def forget_files(config: Config, user_id: str) -> None:
    shutil.rmtree(files_folder(config, user_id), ignore_errors=True)


async def run_console(
    dispatcher: Dispatcher, user_id: str, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout
) -> int:
    services = dispatcher.services

    async def forget(user: str) -> None:
        forget_files(services.config, user)

    services.on_forget.append(forget)
    # One operator at a terminal, often piping a script: not a flood to hold back.
    dispatcher.limit = CommandLimit(0)
    try:
        return await _read_eval_print(dispatcher, user_id, stdin, stdout)
    finally:
        services.on_forget.remove(forget)


async def _read_eval_print(dispatcher: Dispatcher, user_id: str, stdin: TextIO, stdout: TextIO) -> int:
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
            stdout.write(render(reply, services.config, user_id) + "\n")
        stdout.flush()
    return 0
