"""Helpers shared by test modules (a test module never imports another): fakes, data
builders and small readers. Fixtures live in conftest.py; the helpers of the tests
against a real Synapse in tests/integration/helpers.py and botproc.py."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import itertools
import re
from pathlib import Path

from bot.cli import main
from bot.core.model import Reply
from bot.features.announcements.announcer import Announcer
from bot.features.people import repository as people
from bot.features.schedule.repository import sessions_from
from bot.storage.migrations import MIGRATIONS
from bot.storage.reactions import record_anchor
from bot.storage.store import Store
from tests.conftest import ALICE, BOB, HOST, ORGANISER, ROOT

# --- topics: the shipped seed and the labelled pairs of near-duplicates -----------------

SHIPPED = ROOT / "topics.yaml"
# Pairs labelled by a person: 1 = the same topic, 0 = a different one.
PAIRS = ROOT / "tests" / "data" / "topic-pairs.tsv"


def labelled_pairs() -> list[tuple[str, str, bool]]:
    with PAIRS.open(encoding="utf-8", newline="") as f:
        lines = [line for line in f if line.strip() and not line.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert rows, f"{PAIRS} holds no pairs"
    return [(r["existing"], r["suggested"], r["same"].strip() == "1") for r in rows]


# --- announcements: a fake homeserver and sender, and a clock that visits instants ------

# A cancellation notice's key carries when it was recorded, after a '#'.
_KEY = re.compile(r"^announce:(\d{4}-\d\d-\d\d \d\d:\d\d):([^:]+):([^#]+)(?:#.*)?$")


class Crash(BaseException):
    """The process dies (not an error the announcer could catch)."""


class Homeserver:
    """Stands in for Matrix: a message sent again with the same key (so the same
    transaction id) is recognised and shown once."""

    def __init__(self):
        self.events: dict[str, str] = {}
        self.shown: list[tuple[dt.datetime, Reply, str]] = []
        self.attempts = 0
        self.unreadable = False  # the room's history cannot be read (sent_event fails)

    def messages(self) -> dict[tuple[str, str, str], dt.datetime]:
        """(session, lead, room) -> when it was shown."""
        out = {}
        for when, reply, _ in self.shown:
            session, lead, room = _KEY.match(reply.key).groups()
            assert room == reply.room_id
            out[(session, lead, room)] = when
        return out

    def reply(self, session: str, lead: str, room: str) -> Reply:
        return next(r for _, r, _ in self.shown if r.key.split("#")[0] == f"announce:{session}:{lead}:{room}")


class FakeSender:
    def __init__(self, chat, server: Homeserver, crash_after: int | None = None, fail: int = 0):
        self.chat, self.server = chat, server
        self.crash_after = crash_after  # die after this many deliveries
        self.fail = fail  # the first `fail` sends fail (the homeserver is unreachable)
        self.delivered = 0

    async def send(self, reply: Reply, in_reply_to=None) -> str | None:
        assert reply.key, "messages the bot sends on its own carry a stable key"
        self.server.attempts += 1
        if self.fail:
            self.fail -= 1
            return None
        event_id = self.server.events.get(reply.key)
        if event_id is None:
            event_id = f"$ev{len(self.server.events) + 1}"
            self.server.events[reply.key] = event_id
            self.server.shown.append((self.chat.clock.now(), reply, event_id))
        if reply.anchor:  # as the Matrix adapter does
            await record_anchor(self.chat.store, event_id, reply.room_id, reply.anchor)
        self.delivered += 1
        if self.crash_after is not None and self.delivered >= self.crash_after:
            raise Crash()
        return event_id

    async def sent_event(self, room_id: str, key: str, since: dt.datetime) -> str | None:
        """As the Matrix adapter finds its own messages by transaction id in the room."""
        if self.server.unreadable:
            raise LookupError("the room's history could not be read")
        return next(
            (e for when, r, e in self.server.shown if r.key == key and r.room_id == room_id and when >= since), None
        )


async def visit(chat, ann: Announcer, *instants: dt.datetime) -> None:
    """Move the clock to each instant in turn and run what is due, twice."""
    for instant in sorted(instants):
        chat.clock.set(instant)
        await ann.run_due()
        await ann.run_due()


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
