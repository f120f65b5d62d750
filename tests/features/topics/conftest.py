from __future__ import annotations

import pytest

from bot.storage.store import Store


@pytest.fixture
async def store(tmp_path):
    store = await Store.open(tmp_path / "topics.sqlite3")
    yield store
    await store.close()
