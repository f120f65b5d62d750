"""bot/features/sessions/hosts.py: who hosts the running session."""

import datetime as dt

from bot.core.model import Role
from bot.features.sessions import hosts
from tests.conftest import ALICE, BOB, HOST, ORGANISER

UTC = dt.UTC
ROOM_A = "!a:example.org"


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=UTC)


async def test_hosts_running_means_the_session_running_now_not_another_whose_window_is_open(make_chat, make_config):
    """Two slots an hour apart: their start windows overlap. A volunteer for the later
    one does not host the earlier one while it runs."""
    chat = await make_chat(make_config(conference={"slots": ["Thursday 08:00", "Thursday 09:00"]}))
    mallory = "@mallory:example.org"
    services = chat.services

    async def hosts_running(user: str) -> bool:
        organiser = services.is_organiser(user, ROOM_A)
        return await hosts.hosts_running(services.store, services.config, user, organiser=organiser)

    await chat.say(ALICE, "!host 2026-11-26 08:00")
    await chat.say(mallory, "!host 2026-11-26 09:00")
    chat.clock.set(at(26, 8, 0))
    for user in (ALICE, HOST, ORGANISER, mallory, BOB):
        assert not await hosts_running(user), f"{user}: nothing runs yet"
    await chat.say(ALICE, "!start", room_id=ROOM_A)
    chat.clock.set(at(26, 8, 40))  # the 09:00 window is open and nearer
    assert await services.role_of(mallory, ROOM_A, needed=Role.HOST) == Role.HOST
    assert not await hosts_running(mallory), "volunteered for the other session"
    assert not await hosts_running(BOB)
    for user in (ALICE, HOST, ORGANISER):
        assert await hosts_running(user), user
    chat.power_levels[BOB] = 100
    assert await hosts_running(BOB), "an organiser by power level"
