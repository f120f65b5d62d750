"""Helpers test modules of more than one package share (a test module never imports
another): a realistic history, the schedule's next sessions, a real database file and
`check-config`. Fixtures live in conftest.py; stand-ins and helpers for one part of the
bot beside that part's tests (tests/matrix/fakes.py, tests/storage/disk.py,
tests/features/announcements/fakes.py, tests/features/topics/helpers.py, ...); the helpers
of the tests against a real Synapse in tests/integration/helpers.py and botproc.py."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import re
from pathlib import Path

from bot.cli import main
from bot.features.people import repository as people
from bot.features.schedule.weekly_sessions import sessions_from
from bot.storage.migrations import MIGRATIONS
from bot.storage.store import Store
from tests.conftest import ALICE, BOB, HOST, ORGANISER

# --- a realistic history, for the exports and the privacy registry ----------------------


async def fill(chat) -> dict[str, int]:
    """A realistic history, made through the commands: open, voted, withdrawn and
    discussed topics, two held sessions (one nobody is checked in to any more)."""

    async def suggest(who: str, text: str) -> int:
        reply = await chat.text(who, f"!suggest {text}")
        return int(re.search(r"Added #(\d+)", reply).group(1))

    await people.remember_display_name(chat.store, ALICE, "Alice | the | Cooperator")
    numbers = {
        "pay": await suggest(ALICE, "How do we pay ourselves fairly?"),
        "formula": await suggest(BOB, '=HYPERLINK("http://evil.example/x","click")'),
        "markup": await suggest(ALICE, "Pipes | and *stars* in <b>text</b> [link](x) `code` back\\slash"),
        "minus": await suggest(BOB, "-1 reasons to say no"),
    }
    for who, topic in ((BOB, "pay"), (ORGANISER, "pay"), (ALICE, "formula")):
        assert "Voted" in await chat.text(who, f"!vote {numbers[topic]}")
    assert "Withdrew" in await chat.text(BOB, f"!withdraw {numbers['minus']}")
    chat.clock.set(dt.datetime(2026, 11, 26, 7, 55, tzinfo=dt.UTC))
    assert "has started" in await chat.text(HOST, "!start")
    assert "Checked in" in await chat.text(ALICE, "!here")
    chat.clock.advance(minutes=3)
    assert "Checked in" in await chat.text(BOB, "!here")
    assert "Marked" in await chat.text(HOST, f"!discussed {numbers['pay']} +1 from everyone | hours = pay")
    chat.clock.advance(minutes=50)
    assert "ended" in await chat.text(HOST, "!end")
    # A second session, whose only check-in is gone again.
    chat.clock.set(dt.datetime(2026, 12, 3, 16, 50, tzinfo=dt.UTC))
    assert "has started" in await chat.text(HOST, "!start")
    await chat.store.execute("DELETE FROM attendance WHERE session = ?", ("2026-12-03 17:00",))
    return numbers


# --- the schedule ---------------------------------------------------------------------


def upcoming_sessions(config, after: dt.datetime, count: int) -> list:
    """The next `count` sessions starting strictly after `after`, cancelled ones included."""
    return list(itertools.islice((s for s in sessions_from(config, after) if s.starts_at > after), count))


# --- the command line: a real database file, and `check-config` -------------------------


def a_real_database(path: Path, migrations=None) -> bytes:
    async def make():
        store = await Store.open(path, migrations or MIGRATIONS)
        await store.close()

    asyncio.run(make())
    return path.read_bytes()


def check(capsys, config: Path) -> tuple[int, list[str]]:
    code = main(["check-config", "-c", str(config)])
    captured = capsys.readouterr()
    return code, (captured.out + captured.err).strip().splitlines()
