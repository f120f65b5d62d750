"""Shared fixtures: a config in a temp dir, and a chat harness that talks to the real
dispatcher and a real SQLite database (no homeserver)."""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import re
from pathlib import Path
from typing import Any

import pytest

from bot.app import open_services
from bot.core.clock import FakeClock
from bot.core.config import Config, parse_config
from bot.core.dispatcher import Dispatcher, Services
from bot.core.model import IncomingMessage, Reply
from bot.devtools.synapse_config import deep_merge
from bot.features.topics.seed import read_seed

ROOT = Path(__file__).resolve().parent.parent
# The tests' own seed topics (the shipped topics.yaml is checked on its own, in
# tests/features/topics/test_repository.py).
SEED_FILE = ROOT / "tests" / "data" / "seed-topics.yaml"
SEED_TOPICS: list[str] = read_seed(SEED_FILE) or []
ROOM = "!room:example.org"
ORGANISER = "@org:example.org"
HOST = "@host:example.org"
ALICE = "@alice:example.org"
BOB = "@bob:example.org"
# A Monday, well away from any slot.
START = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)

BASE_CONFIG: dict[str, Any] = {
    "matrix": {
        "homeserver": "https://matrix.example.org",
        "user_id": "@ccc-bot:example.org",
        "rooms": [ROOM],
    },
    "roles": {"organisers": [ORGANISER], "hosts": [HOST]},
    "storage": {"database": "ccc.sqlite3", "state_dir": "state"},
    "topics": {"seed_file": str(SEED_FILE)},
    # The clock stands still in these tests, so one person's commands would all fall in one
    # minute: the flood limit is tested on its own (tests/core/test_limits.py) and off here.
    "limits": {"commands_per_minute": 0},
}


def merge(base: dict, extra: dict) -> dict:
    """`base` with `extra` merged in, section by section; `base` (BASE_CONFIG) untouched."""
    return deep_merge(copy.deepcopy(base), extra)


@pytest.fixture(autouse=True)
def places_in_process(request, monkeypatch):
    """Places are searched in the test process, the data loaded once for all tests, where
    the bot runs a child process for each (tests/core/test_places.py runs the child)."""
    from bot.core import place_search, places

    if request.module.__name__ != "tests.core.test_places":
        monkeypatch.setattr(places, "search_in_child", place_search.search)


@pytest.fixture
def make_config(tmp_path):
    def _make(**sections: dict) -> Config:
        return parse_config(merge(BASE_CONFIG, sections), base_dir=tmp_path)

    return _make


class Chat:
    """Sends messages to the dispatcher as any user and returns what the bot says."""

    def __init__(self, services: Services):
        self.services = services
        self.dispatcher = Dispatcher(services)
        self._ids = itertools.count(1)
        self.power_levels: dict[str, int] = {}
        services.power_level = lambda room_id, user_id: self.power_levels.get(user_id)

    @property
    def clock(self) -> FakeClock:
        return self.services.clock  # type: ignore[return-value]

    @property
    def store(self):
        return self.services.store

    async def say(
        self,
        sender: str,
        body: str,
        *,
        room_id: str = ROOM,
        thread_root: str | None = None,
        direct_for: str | None = None,
        addressed: bool = False,
    ) -> list[Reply]:
        """`direct_for`: sent in the bot's direct-message room with that person;
        `addressed`: the adapter saw the bot mentioned (m.mentions, its display name)."""
        message = IncomingMessage(
            sender=sender,
            room_id=room_id,
            event_id=f"$event{next(self._ids)}",
            body=body,
            ts=self.clock.now(),
            thread_root=thread_root,
            direct_for=direct_for,
            addressed=addressed,
        )
        return await self.dispatcher.handle(message)

    async def text(self, sender: str, body: str, **kwargs) -> str:
        """The plain text of all replies, joined by newlines."""
        return "\n".join(r.text for r in await self.say(sender, body, **kwargs))


@pytest.fixture
async def make_chat(make_config):
    opened: list[Services] = []

    async def _make(config: Config | None = None, start: dt.datetime = START) -> Chat:
        services = await open_services(config or make_config(), clock=FakeClock(start))
        opened.append(services)
        return Chat(services)

    yield _make
    for services in opened:
        await services.store.close()


@pytest.fixture
async def chat(make_chat) -> Chat:
    return await make_chat()


@pytest.fixture
async def limited_chat(make_chat, make_config) -> Chat:
    """A chat with the default flood limit (the shared harness turns it off)."""
    return await make_chat(make_config(limits={"commands_per_minute": 10}))


async def hold(chat: Chat, key: str, people: list[str]) -> None:
    """Session `key` held in the past: started by people[0], everyone checked in, ended
    an hour later."""
    from bot.features.schedule.weekly_sessions import session_from_key
    from bot.features.sessions import repository

    session = session_from_key(chat.services.config, key)
    await repository.start_session(chat.store, session, people[0], session.starts_at)
    for user in people[1:]:
        await repository.check_in(chat.store, key, user, session.starts_at, repository.CheckInVia.COMMAND)
    await repository.end_session(chat.store, key, people[0], session.starts_at + dt.timedelta(hours=1))


async def history_number(chat: Chat, text: str) -> int:
    """The number `!history` shows for the discussed (or imported) topic `text`."""
    listing = await chat.text(ALICE, "!history 50")
    m = re.search(rf"^• #(\d+) {re.escape(text)}(?: ·|$)", listing, re.MULTILINE)
    assert m, listing
    return int(m.group(1))


@pytest.fixture
def disk(monkeypatch):
    """The disk under every database opened after this fixture (ask for it before `chat`):
    `disk.full = True` refuses every commit as a full disk does (tests/storage/disk.py).
    A write waiting for space looks again every few milliseconds here."""
    import aiosqlite

    from bot.storage import store
    from tests.storage.disk import FillingDisk

    filling = FillingDisk()
    monkeypatch.setattr(aiosqlite, "connect", filling.connect(aiosqlite.connect))
    monkeypatch.setattr(store, "SPACE_CHECKS", (0.005, 0.02))
    return filling


@pytest.fixture
def quick_space_checks(monkeypatch):
    """A write waiting for disk space looks again every few milliseconds, not seconds."""
    from bot.storage import store

    monkeypatch.setattr(store, "SPACE_CHECKS", (0.005, 0.02))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The modules that wait on real minutes (`minutes`: a Lean Coffee timebox, a bot killed
    and restarted) go first: with `--dist loadfile --no-loadscope-reorder` (make test) a
    module goes to a worker in the order collected, and last they ran on alone after
    everything else was done. Otherwise the order stays as collected."""
    items.sort(key=lambda item: item.get_closest_marker("minutes") is None)
