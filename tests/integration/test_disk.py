"""The disk under the bot's database, with the bot running as its own process: the
database's folder removed (the bot stops with status 4, saying so in one line, and
answers nothing as if it had stored it), and a full disk (a pause: nothing lost, nothing
repeated, one line in the log)."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .botproc import relates, send_text
from .helpers import collect_events, prime


def content(event) -> dict:
    return event.source["content"]


def answers_to(events: list, bot_id: str) -> dict[str, list[str]]:
    """command event id -> the bodies of the bot's answers to it."""
    out: dict[str, list[str]] = {}
    for event in events:
        target = (relates(event).get("m.in_reply_to") or {}).get("event_id")
        if event.sender == bot_id and target:
            out.setdefault(target, []).append(content(event)["body"])
    return out


def since_start(output: str) -> str:
    return output[output.rindex("=== start ") :]


async def test_the_database_folder_removed_under_the_running_bot_stops_it_with_one_line(make_bot_room, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    database = data / "ccc.sqlite3"
    env = await make_bot_room(config={"storage": {"database": str(database)}})
    assert "bbb" in content(await env.ask(env.alice, "!link"))["body"]
    shutil.rmtree(data)
    await prime(env.organiser)
    cancel = await send_text(env.organiser, env.room_id, "!cancel 2027-01-07 gone")
    suggest = await send_text(env.alice, env.room_id, "!suggest Where did the database go")
    proc = env.bot.proc
    assert proc is not None
    with contextlib.suppress(subprocess.TimeoutExpired):
        await asyncio.to_thread(proc.wait, 60)
    log = since_start(env.bot.output())
    assert proc.poll() == 4, f"exit status {proc.poll()}; log:\n{log[-3000:]}"
    errors = [line for line in log.splitlines() if " ERROR " in line]
    assert len(errors) == 1 and str(database) in errors[0], log[-3000:]
    assert "Traceback" not in log
    answered = answers_to(await collect_events(env.organiser, env.room_id, 3), env.bot_id)
    assert cancel not in answered and suggest not in answered, f"answered as if stored: {answered}"
    assert not data.exists(), "no new, empty database made in its place"


# --- a full disk -----------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A filesystem of 8 MB of its own (tmpfs), for the database; needs the right to mount."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m,mode=0755", "tmpfs", str(mount)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small filesystem here (needs root): {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def fill(folder: Path) -> Path:
    """Write a file in `folder` until its filesystem has no room left."""
    filler = folder / "filler"
    block = b"\0" * 65536
    with filler.open("wb", buffering=0) as f:
        with contextlib.suppress(OSError):
            while True:
                f.write(block)
        with contextlib.suppress(OSError):
            while True:
                f.write(b"\0" * 512)
    probe = folder / "probe"
    try:
        with probe.open("wb", buffering=0) as f:
            f.write(b"x" * 4096)
            os.fsync(f.fileno())
    except OSError as e:
        assert e.errno == errno.ENOSPC, e
    else:
        raise AssertionError("the filesystem is not full")
    finally:
        probe.unlink(missing_ok=True)
    return filler


async def test_a_full_disk_is_a_pause_and_every_command_is_answered_once_when_space_is_back(
    small_disk: Path, make_bot_room
):
    database = small_disk / "ccc.sqlite3"
    env = await make_bot_room(config={"storage": {"database": str(database)}})
    assert "bbb" in content(await env.ask(env.alice, "!link"))["body"]
    filler = fill(small_disk)
    await prime(env.alice)
    sent = [
        await send_text(env.alice, env.room_id, "!suggest Sharing the bookkeeping"),
        await send_text(env.bob, env.room_id, "!link"),
        await send_text(env.organiser, env.room_id, "!cancel 2027-01-07 full disk"),
    ]
    full = f"database or disk is full at {database}"
    for _ in range(200):
        if full in env.bot.output():
            break
        await asyncio.sleep(0.2)
    assert full in env.bot.output(), since_start(env.bot.output())[-3000:]
    # A while on a full disk: the bot waits (and keeps trying), answering nothing.
    early = answers_to(await collect_events(env.alice, env.room_id, 12), env.bot_id)
    assert env.bot.proc is not None and env.bot.proc.poll() is None, "still running"
    assert not [e for e in sent if e in early], f"answered before anything was stored: {early}"
    filler.unlink()
    answered: dict[str, list[str]] = {}
    deadline = time.monotonic() + 60
    while len(answered) < len(sent) and time.monotonic() < deadline:
        for event_id, bodies in answers_to(await collect_events(env.alice, env.room_id, 1), env.bot_id).items():
            answered.setdefault(event_id, []).extend(bodies)
    for event_id, bodies in answers_to(await collect_events(env.alice, env.room_id, 3), env.bot_id).items():
        answered.setdefault(event_id, []).extend(bodies)
    log = since_start(env.bot.output())
    assert {e: len(answered.get(e, [])) for e in sent} == dict.fromkeys(sent, 1), f"each once; log:\n{log[-3000:]}"
    assert "Sharing the bookkeeping" in answered[sent[0]][0] and "Cancelled" in answered[sent[2]][0]
    assert log.count(full) == 1, "one line, not one per attempt"
    assert log.count(f"space is back at {database}") == 1
    assert "Traceback" not in log
    assert [line for line in log.splitlines() if " ERROR " in line and full not in line] == []
