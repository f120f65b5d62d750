"""The discussions' SQL: one current at a time, a vote opened once, posts recorded and marked."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from bot.features.lean_coffee import repository
from bot.features.lean_coffee.repository import PostKind, PostStatus
from tests.commands.helpers import SESSION, suggest
from tests.conftest import HOST


async def test_one_discussion_is_current_at_a_time_and_a_vote_opens_once(chat):
    a = await suggest(chat, "apples")
    b = await suggest(chat, "pears")
    now = chat.clock.now()
    d = await repository.start(chat.store, SESSION, a, HOST, now, now + dt.timedelta(minutes=8))
    with pytest.raises(sqlite3.IntegrityError):
        await repository.start(chat.store, SESSION, b, HOST, now, None)
    rooms = ("!a:x", "!b:x")
    assert await repository.open_vote(chat.store, d, now, rooms, now)
    assert not await repository.open_vote(chat.store, d, now, rooms, now), "a second run finds it changed"
    pending = await repository.pending_posts(chat.store)
    assert [(p.kind, p.room_id, p.round) for p in pending] == [(PostKind.VOTE, "!a:x", 1), (PostKind.VOTE, "!b:x", 1)]
    await repository.mark_post(chat.store, pending[0], PostStatus.SENT, "$e")
    assert [p.room_id for p in await repository.pending_posts(chat.store)] == ["!b:x"]
    current = await repository.current(chat.store)
    assert current is not None and current.voting and current.vote_ref == f"{d.id}:1"
    assert await repository.close(chat.store, d.id, now, 3)
    assert await repository.current(chat.store) is None
    assert [x.minutes for x in await repository.of_session(chat.store, SESSION)] == [3]
