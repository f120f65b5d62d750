"""A client for the web adapter's routes, on a chat's services (same database)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.web.server import Site
from tests.conftest import Chat

WebClient = Callable[[Chat], Awaitable[TestClient]]


@pytest.fixture
async def web_client() -> AsyncIterator[WebClient]:
    clients: list[TestClient] = []

    async def _make(chat: Chat) -> TestClient:
        client = TestClient(TestServer(Site(chat.services).app()))
        await client.start_server()
        clients.append(client)
        return client

    yield _make
    for client in clients:
        await client.close()
