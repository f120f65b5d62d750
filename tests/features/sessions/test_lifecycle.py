"""bot/features/sessions/lifecycle.py: reopening a session, and which sessions are in the
way of a cancellation."""

import datetime as dt

import pytest

from bot.features.schedule.repository import session_from_key
from bot.features.sessions import lifecycle, repository
from tests.conftest import HOST

UTC = dt.UTC
MORNING = "2026-11-26 08:00"


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=UTC)


@pytest.fixture
async def chat(make_chat, make_config):
    return await make_chat(make_config())


async def test_a_started_session_can_not_be_cancelled_until_it_has_taken_place(chat):
    store, config = chat.store, chat.services.config
    morning, evening = session_from_key(config, MORNING), session_from_key(config, "2026-11-26 17:00")
    assert await lifecycle.started_before_cancel(store, [morning, evening], at(26, 7, 40)) is None
    await repository.start_session(store, morning, HOST, at(26, 7, 40))
    assert await lifecycle.started_before_cancel(store, [morning, evening], at(26, 7, 45)) == morning, "started early"
    assert await lifecycle.started_before_cancel(store, [evening, morning], at(26, 9)) == morning, "running"
    await repository.end_session(store, MORNING, HOST, at(26, 9))
    assert await lifecycle.started_before_cancel(store, [morning, evening], at(26, 9, 5)) is None, "over"
