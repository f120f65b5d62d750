"""The rules of the topic being discussed as hosts change it: minutes, the next topic,
what !discuss refuses."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.features.lean_coffee import discussing
from bot.features.lean_coffee.discussing import AlreadyDiscussing, NothingToDiscuss, minutes_spent
from bot.features.topics.model import NotOpen
from tests.commands.helpers import SESSION, start_session, suggest
from tests.conftest import BOB, HOST

T0 = dt.datetime(2026, 12, 10, 8, 0, tzinfo=dt.UTC)


def test_minutes_are_rounded_half_up_and_at_least_one():
    assert minutes_spent(T0, T0 + dt.timedelta(seconds=10)) == 1
    assert minutes_spent(T0, T0 + dt.timedelta(minutes=2, seconds=29)) == 2
    assert minutes_spent(T0, T0 + dt.timedelta(minutes=2, seconds=30)) == 3
    assert minutes_spent(T0, T0 + dt.timedelta(minutes=14)) == 14


async def test_discuss_takes_the_most_voted_other_than_the_one_being_discussed(chat):
    a = await suggest(chat, "apples")
    b = await suggest(chat, "pears")
    await chat.text(BOB, f"!vote {a}")
    await start_session(chat)
    config, now = chat.services.config, chat.clock.now()
    started, closed = await discussing.discuss(chat.store, config, now, SESSION, HOST, None)
    assert started.topic.id == a and closed is None
    assert started.discussion.ends_at == now + dt.timedelta(minutes=8)
    with pytest.raises(AlreadyDiscussing):
        await discussing.discuss(chat.store, config, now, SESSION, HOST, a)
    started, closed = await discussing.discuss(chat.store, config, now, SESSION, HOST, None)
    assert started.topic.id == b and closed is not None and closed.topic.id == a and closed.minutes == 1
    with pytest.raises(NotOpen):
        await discussing.discuss(chat.store, config, now, SESSION, HOST, a)
    with pytest.raises(NothingToDiscuss):
        await discussing.discuss(chat.store, config, now, SESSION, HOST, None)


async def test_a_session_closing_closes_its_topic_being_discussed_with_its_minutes_in_the_same_transaction(chat):
    a = await suggest(chat, "apples")
    await start_session(chat)
    await discussing.discuss(chat.store, chat.services.config, T0, SESSION, HOST, a)
    other = "2026-11-26 17:00"
    await chat.store.transaction(lambda db: discussing.close_with_session(db, other, T0 + dt.timedelta(hours=3)))
    assert await discussing.now_discussed(chat.store) is not None, "another session's close leaves it"
    await chat.store.transaction(lambda db: discussing.close_with_session(db, SESSION, T0 + dt.timedelta(hours=3)))
    assert await discussing.now_discussed(chat.store) is None
    row = await chat.store.fetchone("SELECT status, session, minutes FROM topics WHERE id = ?", (a,))
    assert tuple(row) == ("discussed", SESSION, 180)
    assert await chat.store.fetchval("SELECT minutes FROM discussions") == 180
