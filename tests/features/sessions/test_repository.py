"""bot/features/sessions/repository.py, and with the announcer: what the bot says on its own
about a session people checked in to, were late for, or nobody ended."""

import datetime as dt

import pytest

from bot.features.announcements.sending import Announcer
from bot.features.people import repository as people
from bot.features.schedule.weekly_sessions import session_from_key
from bot.features.sessions import repository
from commands.announcements import WORDING
from tests.conftest import ALICE, BOB, HOST, hold
from tests.features.announcements.fakes import FakeSender, Homeserver, visit

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
    return Announcer(
        chat.store, chat.services.config, chat.clock, FakeSender(chat, server), WORDING, chat.services.schedule_changed
    )


async def test_check_ins_while_waiting_do_not_silence_the_host_wait_notice(chat, server, ann):
    await visit(chat, ann, at(26, 8))
    chat.clock.set(at(26, 8, 5))
    assert "Checked in to the session of Thursday 26 November, 08:00 UTC" in await chat.text(
        ALICE, "!here", room_id=ROOM_A
    )
    await visit(chat, ann, at(26, 8, 10))
    assert (
        "No host has started the session of Thursday 26 November, 08:00 UTC"
        in server.reply(MORNING, "host-wait", ROOM_A).text
    )
    chat.clock.set(at(26, 8, 12))
    await chat.say(HOST, "!start", room_id=ROOM_A)
    assert await repository.attendees(chat.store, MORNING) == [ALICE, HOST]


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


async def test_reopen_session_refuses_while_another_runs_and_keeps_the_start(make_chat, make_config):
    chat = await make_chat(make_config())
    store, config = chat.store, chat.services.config
    morning, evening = session_from_key(config, MORNING), session_from_key(config, "2026-11-26 17:00")
    await repository.start_session(store, morning, HOST, at(26, 8))
    await repository.end_session(store, MORNING, HOST, at(26, 8, 30))
    await repository.start_session(store, evening, ALICE, at(26, 17))
    with pytest.raises(repository.OtherRunning):
        await repository.reopen_session(store, MORNING)
    await repository.end_session(store, evening.key, ALICE, at(26, 18))
    was = await repository.reopen_session(store, MORNING)
    assert was.ended_at == at(26, 8, 30)
    state = await repository.state_of(store, MORNING)
    assert state.running and (state.started_by, state.started_at) == (HOST, at(26, 8))
    with pytest.raises(repository.AlreadyRunning):
        await repository.reopen_session(store, MORNING)


async def test_attendance_history_has_every_session_started_or_checked_in_to_in_order_with_its_check_ins(chat):
    await hold(chat, "2026-12-03 17:00", [HOST, BOB, ALICE])
    morning = session_from_key(chat.services.config, "2026-11-26 08:00")
    await repository.start_session(chat.store, morning, HOST, at(26, 8))
    await repository.check_in(chat.store, morning.key, ALICE, at(26, 8, 30), "command")
    await repository.end_session(chat.store, morning.key, None, at(26, 11), auto=True)
    # Bob came to the evening session of 26 November, which no host started: it has no row.
    await repository.check_in(chat.store, "2026-11-26 17:00", BOB, at(26, 17, 4), "command")
    held = await repository.attendance_history(chat.store)
    assert [
        (h.key, h.state and h.state.key, h.state and h.state.auto_ended, [c.user_id for c in h.check_ins]) for h in held
    ] == [
        ("2026-11-26 08:00", "2026-11-26 08:00", True, [HOST, ALICE]),
        ("2026-11-26 17:00", None, None, [BOB]),
        ("2026-12-03 17:00", "2026-12-03 17:00", False, [HOST, BOB, ALICE]),
    ]
    assert held[0].check_ins[1].at == at(26, 8, 30)
    assert [h.key for h in await repository.attendance_history(chat.store, since="2026-11-26 12:00")] == [
        "2026-11-26 17:00",
        "2026-12-03 17:00",
    ]
