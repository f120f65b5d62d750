"""bot/features/sessions/hosts.py: who hosts a session."""

import datetime as dt

from bot.core.model import Role
from bot.features.people import repository as people
from bot.features.sessions import hosts, repository
from tests.conftest import ALICE, BOB, HOST, ORGANISER

UTC = dt.UTC
ROOM_A = "!a:example.org"
CAROL = "@carol:example.org"


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=UTC)


async def test_a_volunteer_hosts_the_session_they_volunteered_for_not_another_whose_window_is_open(
    make_chat, make_config
):
    """Two slots an hour apart: their start windows overlap. A volunteer for the later
    one does not host the earlier one while it runs."""
    chat = await make_chat(make_config(conference={"slots": ["Thursday 08:00", "Thursday 09:00"]}))
    mallory = "@mallory:example.org"
    services = chat.services

    async def hosts_running(user: str) -> bool:
        organiser = services.is_organiser(user, ROOM_A)
        key = await repository.running_session(services.store)
        return key is not None and await hosts.hosts(services.store, services.config, user, key, organiser=organiser)

    await chat.say(ALICE, "!host 2026-11-26 08:00")
    await chat.say(CAROL, "!host 2026-11-26 08:00")
    await chat.say(mallory, "!host 2026-11-26 09:00")
    chat.clock.set(at(26, 8, 0))
    for user in (ALICE, CAROL, HOST, ORGANISER, mallory, BOB):
        assert not await hosts_running(user), f"{user}: nothing runs yet"
    await chat.say(ALICE, "!start", room_id=ROOM_A)
    chat.clock.set(at(26, 8, 40))  # the 09:00 window is open and nearer
    assert await services.role_of(mallory, ROOM_A, needed=Role.HOST) == Role.HOST
    assert not await hosts_running(mallory), "volunteered for the other session"
    assert not await hosts_running(BOB)
    for user in (ALICE, CAROL, HOST, ORGANISER):
        assert await hosts_running(user), f"{user}: started it, volunteered for it, or hosts every session"
    chat.power_levels[BOB] = 100
    assert await hosts_running(BOB), "an organiser by power level"


async def test_hosts_of_names_who_started_it_and_the_other_volunteers(chat):
    await people.remember_display_name(chat.store, ALICE, "Alice")
    for user in (CAROL, ALICE, BOB):
        await chat.say(user, "!host 2026-11-26 08:00")
    before = await hosts.hosts_of(chat.store, "2026-11-26 08:00")
    assert before.started_by is None
    assert [p.name for p in before.volunteers] == ["@carol:example.org", "Alice", "@bob:example.org"]
    chat.clock.set(at(26, 8, 0))
    await chat.say(ALICE, "!start")
    after = await hosts.hosts_of(chat.store, "2026-11-26 08:00")
    assert after.started_by == hosts.Person(ALICE, "Alice")
    assert [p.user_id for p in after.volunteers] == [CAROL, BOB], "the starter is named once"


async def test_volunteers_are_named_first_come_first(chat):
    key = "2026-11-26 08:00"
    assert await hosts.volunteer_names(chat.store, key) == []
    await people.remember_display_name(chat.store, BOB, "Bob")
    await repository.volunteer(chat.store, key, BOB, at(23, 12))
    await repository.volunteer(chat.store, key, ALICE, at(23, 13))
    assert await hosts.volunteer_names(chat.store, key) == ["Bob", ALICE], "a name as remembered, else the id"
