"""Fixtures for tests against a real, throwaway Synapse on 127.0.0.1.

``synapse`` is one server for the whole session; ``make_user`` registers fresh users
on it and hands back logged-in nio clients; ``make_synapse`` starts a private server
for tests that restart it or change its config. Every test in this directory is marked
``integration`` automatically.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from nio import AsyncClient, AsyncClientConfig, JoinResponse, RoomCreateResponse, WhoamiResponse

from bot.devtools.localsynapse import LocalSynapse

from .botproc import BotAccount, BotProcess, ask, bot_sections, register_bot, write_config
from .helpers import forget

_HERE = Path(__file__).parent
PASSWORD = "correct horse battery staple"

MakeUser = Callable[..., Awaitable[AsyncClient]]
MakeSynapse = Callable[..., LocalSynapse]


def pytest_configure(config: pytest.Config) -> None:
    # Also registered in pyproject.toml; repeated here so --strict-markers holds when
    # this directory is run with another config.
    config.addinivalue_line("markers", "integration: talks to a real local Synapse")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(_HERE):
            item.add_marker(pytest.mark.integration)


def server_unavailable(reason: str) -> None:
    """Skip locally, but never let CI go green by skipping the integration suite."""
    if os.environ.get("CI") == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def start_or_give_up(server: LocalSynapse) -> None:
    try:
        server.start()
    except (RuntimeError, OSError) as exc:
        server.stop()
        server_unavailable(f"local Synapse could not start: {exc}")


@pytest.fixture(scope="session")
def synapse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalSynapse]:
    server = LocalSynapse(tmp_path_factory.mktemp("synapse"))
    start_or_give_up(server)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def make_synapse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MakeSynapse]:
    """Factory for a private, started server (own dir and port), stopped at teardown.

    For tests that restart the server or need different config, e.g.
    ``make_synapse(extra_config={"rc_message": {"per_second": 0.5, "burst_count": 3}})``.
    """
    servers: list[LocalSynapse] = []

    def _make(**kwargs: Any) -> LocalSynapse:
        server = LocalSynapse(tmp_path_factory.mktemp("synapse-private"), **kwargs)
        servers.append(server)
        start_or_give_up(server)
        return server

    yield _make

    for server in servers:
        server.stop()


class Users:
    """Logged-in nio clients on one server, closed together: ``make_user`` for the shared
    server; tests on a private server (``make_synapse``) build their own."""

    def __init__(self, server: LocalSynapse, folder: Path, client_config: AsyncClientConfig | None = None):
        self.server = server
        self.folder = folder
        self.client_config = client_config or AsyncClientConfig(store_sync_tokens=False)
        self.clients: list[AsyncClient] = []

    async def make(
        self, name: str, *, admin: bool = False, displayname: str | None = None, e2e: bool = False
    ) -> AsyncClient:
        localpart = f"{name.lower()}-{uuid.uuid4().hex[:6]}"
        reg = await asyncio.to_thread(
            self.server.register_device, localpart, PASSWORD, admin=admin, displayname=displayname
        )
        store = ""
        if e2e:
            store = str(self.folder / "nio" / localpart)
            os.makedirs(store)
        client = AsyncClient(self.server.url, reg["user_id"], store_path=store, config=self.client_config)
        self.clients.append(client)
        client.restore_login(reg["user_id"], reg["device_id"], reg["access_token"])
        whoami = await client.whoami()
        assert isinstance(whoami, WhoamiResponse), whoami
        return client

    async def close(self) -> None:
        for client in self.clients:
            await forget(client)
            await client.close()


@pytest.fixture
async def make_user(synapse: LocalSynapse, tmp_path: Path) -> AsyncIterator[MakeUser]:
    """Factory: ``await make_user("alice")`` -> logged-in AsyncClient for ``@alice-1a2b3c``.

    Every user's password is ``PASSWORD``; clients are closed at teardown. With
    ``e2e=True`` the client gets its own nio store and olm account; such a client can
    only ``room_send`` to rooms it has synced (nio looks the room up to decide on
    encryption), so ``await prime(client)`` after creating or joining a room.
    """
    users = Users(synapse, tmp_path)
    yield users.make
    await users.close()


# --- the bot in a room -------------------------------------------------------------


@dataclass
class BotRoom:
    """A served room with the bot running as its own process, and three people in it."""

    synapse: LocalSynapse
    bot: BotProcess
    bot_id: str
    room_id: str
    alice: AsyncClient
    bob: AsyncClient
    organiser: AsyncClient
    config_path: Path
    database: Path
    account: BotAccount

    async def ask(self, client: AsyncClient, body: str, **kwargs: Any):
        return await ask(client, self.room_id, self.bot_id, body, **kwargs)


class BotRooms:
    """Served rooms, each with its own bot process, on one server; ``stop()`` stops the bots."""

    def __init__(self, server: LocalSynapse, make_user: MakeUser, folder: Path):
        self.server = server
        self.make_user = make_user
        self.folder = folder
        self.bots: list[BotProcess] = []

    async def make(self, *, start: bool = True, config: dict | None = None, verbose: bool = False) -> BotRoom:
        """The room is created by alice, who invites the bot, bob and the organiser."""
        alice = await self.make_user("alice", displayname="Alice")
        bob = await self.make_user("bob", displayname="Bob")
        organiser = await self.make_user("org", displayname="Olive Organiser")
        account = await asyncio.to_thread(register_bot, self.server)
        created = await alice.room_create(
            name="Coop Casual Conference", invite=[account.user_id, bob.user_id, organiser.user_id]
        )
        assert isinstance(created, RoomCreateResponse), created
        room_id = created.room_id
        for member in (bob, organiser):
            assert isinstance(await member.join(room_id), JoinResponse)
        folder = self.folder / f"bot-{len(self.bots)}"
        folder.mkdir(parents=True)
        sections = bot_sections(self.server, account, [room_id])
        sections["roles"] = {"organisers": [organiser.user_id]}
        for section, values in (config or {}).items():
            sections.setdefault(section, {}).update(values)
        config_path = write_config(folder / "config.toml", sections)
        bot = BotProcess(config_path, folder / "bot.log", verbose=verbose)
        self.bots.append(bot)
        if start:
            bot.start()
            await bot.wait_ready()
        return BotRoom(
            self.server,
            bot,
            account.user_id,
            room_id,
            alice,
            bob,
            organiser,
            config_path,
            folder / "ccc.sqlite3",
            account,
        )

    def stop(self) -> None:
        for bot in self.bots:
            bot.stop()


@pytest.fixture
async def make_bot_room(synapse: LocalSynapse, make_user: MakeUser, tmp_path: Path) -> AsyncIterator[Any]:
    """Factory: ``await make_bot_room(start=True, config={...}, verbose=False)``. The room is created by
    alice, who invites the bot, bob and the organiser; the bot is stopped at teardown."""
    rooms = BotRooms(synapse, make_user, tmp_path)
    yield rooms.make
    rooms.stop()
