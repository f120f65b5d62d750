"""A machine clock that is off the homeserver's, on a real homeserver: the bot runs under
Debian's `faketime` (installed by `make test`), Synapse on the right time."""

from __future__ import annotations

import glob
import shutil
import sqlite3
import time

from .conftest import server_unavailable

CLOCK_WARNING = "this machine's clock is"
MARK_RESET = "the first-start mark"


def faketime(offset: str) -> dict[str, str]:
    """The environment that runs the bot with its clock `offset` off (`+7d`), libfaketime
    preloaded into the bot's own process (the `faketime` command would run it as a child of
    its own, which a stop would not reach): skipped without faketime, failed under CI=true."""
    found = sorted(glob.glob("/usr/lib/*/faketime/libfaketime.so.1"))
    if shutil.which("faketime") is None or not found:
        server_unavailable("faketime is not installed (make test installs it with apt-get)")
    return {"LD_PRELOAD": found[0], "FAKETIME": offset}


def body(event) -> str:
    return event.source["content"].get("body", "")


async def test_a_clock_a_week_ahead_at_the_first_start_does_not_make_the_bot_deaf(make_bot_room):
    week_ahead = faketime("+7d")
    env = await make_bot_room(start=False)
    env.bot.start(env=week_ahead)
    await env.bot.wait_ready()
    assert "bbb.example.org" in body(await env.ask(env.alice, "!link")), "answered under the wrong clock too"
    assert "Europe/Berlin" in body(await env.ask(env.bob, "!tz Europe/Berlin"))
    skewed = env.bot.output_of_start(1)
    warnings = [line for line in skewed.splitlines() if CLOCK_WARNING in line]
    assert len(warnings) == 1 and "7 days ahead of the homeserver's" in warnings[0], skewed[-3000:]
    # The clock set right, the bot restarted: answered at once, and nothing to warn of.
    await env.bot.restart()
    assert "bbb.example.org" in body(await env.ask(env.alice, "!link"))
    assert CLOCK_WARNING not in env.bot.output_of_start(2) and MARK_RESET not in env.bot.output()


async def test_a_first_start_mark_written_by_a_clock_ahead_is_reset(make_bot_room):
    env = await make_bot_room()
    env.bot.stop()
    # As the bot wrote it before it took the homeserver's time: a clock a week ahead.
    week_ahead_ms = int((time.time() + 7 * 86_400) * 1000)
    with sqlite3.connect(env.database) as db:
        changed = db.execute("UPDATE meta SET value = ? WHERE key = 'first_start_ms'", (str(week_ahead_ms),))
        assert changed.rowcount == 1
    env.bot.start()
    await env.bot.wait_ready()
    assert "bbb.example.org" in body(await env.ask(env.alice, "!link"))
    await env.bot.restart()
    assert "Europe/Lisbon" in body(await env.ask(env.alice, "!tz Europe/Lisbon"))
    resets = [line for line in env.bot.output().splitlines() if MARK_RESET in line]
    assert len(resets) == 1 and "7 days ahead of the homeserver's clock" in resets[0], resets
    assert CLOCK_WARNING not in env.bot.output()
