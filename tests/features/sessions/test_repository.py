"""bot/features/sessions/repository.py with the announcer: what the bot says on its own about a session
people checked in to, were late for, or nobody ended."""

import datetime as dt

import pytest

from bot.core.model import Role
from bot.features.announcements.announcer import Announcer
from bot.features.people import repository as people
from bot.features.schedule.repository import session_from_key
from bot.features.sessions import repository as sessions
from tests.conftest import ALICE, BOB, HOST, ORGANISER, hold
from tests.helpers import FakeSender, Homeserver, visit

UTC = dt.UTC
ROOM_A, ROOM_B = "!a:example.org", "!b:example.org"
MORNING = "2026-11-26 08:00"


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=UTC)


@pytest.fixture
async def chat(make_chat, make_config):
    return await make_chat(make_config(matrix={"rooms": [ROOM_A, ROOM_B]}))


@pytest.fixture
def server():
    return Homeserver()


@pytest.fixture
def ann(chat, server) -> Announcer:
    return Announcer(chat.services, FakeSender(chat, server))


async def test_check_ins_while_waiting_do_not_silence_the_host_wait_notice(chat, server, ann):
    await visit(chat, ann, at(26, 8))
    chat.clock.set(at(26, 8, 5))
    assert "Checked in to session 2026-11-26 08:00" in await chat.text(ALICE, "!here", room_id=ROOM_A)
    await visit(chat, ann, at(26, 8, 10))
    assert "No host has started session 2026-11-26 08:00" in server.reply(MORNING, "host-wait", ROOM_A).text
    chat.clock.set(at(26, 8, 12))
    await chat.say(HOST, "!start", room_id=ROOM_A)
    assert await sessions.attendees(chat.store, MORNING) == [ALICE, HOST]


async def test_a_session_nobody_ended_is_closed_automatically_without_a_duration(chat, server, ann):
    await visit(chat, ann, at(26, 8))
    chat.clock.set(at(26, 8, 2))
    await chat.say(HOST, "!start", room_id=ROOM_A)
    await visit(chat, ann, at(26, 11, 2), at(26, 11, 3))
    summary = server.reply(MORNING, "summary", ROOM_A).text
    assert "closed automatically" in summary
    assert "Duration: unknown (started at 08:02 UTC; nobody ran !end)." in summary.splitlines()
    assert "3 h" not in summary and "11:02" not in summary
    chat.clock.set(at(26, 9, 30))
    text = await chat.text(HOST, "!start", room_id=ROOM_A)
    assert "already held" in text and "closed automatically" in text and "11:02" not in text


async def test_late_notes_left_before_the_start_open_the_thread_in_every_room(chat, server, ann):
    await people.remember_display_name(chat.store, ALICE, "Alice")
    await chat.say(ALICE, "!late after the school run", room_id=ROOM_B)
    await visit(chat, ann, at(26, 8))
    for room in (ROOM_A, ROOM_B):
        opening = server.reply(MORNING, "0m", room)
        assert opening.thread_root is None and "• Alice: after the school run" in opening.text.splitlines()
    chat.clock.set(at(26, 8, 3))
    started = (await chat.say(HOST, "!start", room_id=ROOM_A))[0]
    assert started.thread_root is not None and "school run" not in started.text, "already in the thread"
    chat.clock.set(at(26, 8, 5))
    note, _ = await chat.say(ALICE, "!late 5 more minutes", room_id=ROOM_B)
    assert note.thread_root == server.events[f"announce:{MORNING}:0m:{ROOM_B}"]


async def test_hosts_running_means_the_session_running_now_not_another_whose_window_is_open(make_chat, make_config):
    """Two slots an hour apart: their start windows overlap. A volunteer for the later
    one does not host the earlier one while it runs."""
    chat = await make_chat(make_config(conference={"slots": ["Thursday 08:00", "Thursday 09:00"]}))
    mallory = "@mallory:example.org"
    services = chat.services
    await chat.say(ALICE, "!host 2026-11-26 08:00")
    await chat.say(mallory, "!host 2026-11-26 09:00")
    chat.clock.set(at(26, 8, 0))
    for user in (ALICE, HOST, ORGANISER, mallory, BOB):
        assert not await sessions.hosts_running(services, user, ROOM_A), f"{user}: nothing runs yet"
    await chat.say(ALICE, "!start", room_id=ROOM_A)
    chat.clock.set(at(26, 8, 40))  # the 09:00 window is open and nearer
    assert await services.role_of(mallory, ROOM_A, needed=Role.HOST) == Role.HOST
    assert not await sessions.hosts_running(services, mallory, ROOM_A), "volunteered for the other session"
    assert not await sessions.hosts_running(services, BOB, ROOM_A)
    for user in (ALICE, HOST, ORGANISER):
        assert await sessions.hosts_running(services, user, ROOM_A), user
    chat.power_levels[BOB] = 100
    assert await sessions.hosts_running(services, BOB, ROOM_A), "an organiser by power level"


async def test_reopen_session_refuses_while_another_runs_and_keeps_the_start(make_chat, make_config):
    chat = await make_chat(make_config())
    store, config = chat.store, chat.services.config
    morning, evening = session_from_key(config, MORNING), session_from_key(config, "2026-11-26 17:00")
    await sessions.start_session(store, morning, HOST, at(26, 8))
    await sessions.end_session(store, MORNING, HOST, at(26, 8, 30))
    await sessions.start_session(store, evening, ALICE, at(26, 17))
    with pytest.raises(sessions.OtherRunning):
        await sessions.reopen_session(store, MORNING)
    await sessions.end_session(store, evening.key, ALICE, at(26, 18))
    was = await sessions.reopen_session(store, MORNING)
    assert was.ended_at == at(26, 8, 30)
    state = await sessions.state_of(store, MORNING)
    assert state.running and (state.started_by, state.started_at) == (HOST, at(26, 8))
    with pytest.raises(sessions.AlreadyRunning):
        await sessions.reopen_session(store, MORNING)


async def test_a_started_session_can_not_be_cancelled_until_it_has_taken_place(chat):
    store, config = chat.store, chat.services.config
    morning, evening = session_from_key(config, MORNING), session_from_key(config, "2026-11-26 17:00")
    assert await sessions.started_before_cancel(store, [morning, evening], at(26, 7, 40)) is None
    await sessions.start_session(store, morning, HOST, at(26, 7, 40))
    assert await sessions.started_before_cancel(store, [morning, evening], at(26, 7, 45)) == morning, "started early"
    assert await sessions.started_before_cancel(store, [evening, morning], at(26, 9)) == morning, "running"
    await sessions.end_session(store, MORNING, HOST, at(26, 9))
    assert await sessions.started_before_cancel(store, [morning, evening], at(26, 9, 5)) is None, "over"


async def test_attendance_history_has_every_session_in_order_with_its_check_ins_in_order(chat):
    await hold(chat, "2026-12-03 17:00", [HOST, BOB, ALICE])
    morning = session_from_key(chat.services.config, "2026-11-26 08:00")
    await sessions.start_session(chat.store, morning, HOST, at(26, 8))
    await sessions.check_in(chat.store, morning.key, ALICE, at(26, 8, 30), "command")
    await sessions.end_session(chat.store, morning.key, None, at(26, 11), auto=True)
    held = await sessions.attendance_history(chat.store)
    assert [(h.state.key, h.state.auto_ended, [c.user_id for c in h.check_ins]) for h in held] == [
        ("2026-11-26 08:00", True, [HOST, ALICE]),
        ("2026-12-03 17:00", False, [HOST, BOB, ALICE]),
    ]
    assert held[0].check_ins[1].at == at(26, 8, 30)
    assert await sessions.count_held(chat.store) == 2
