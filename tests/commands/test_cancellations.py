"""!cancel and !uncancel."""

import datetime as dt

import pytest

from bot.features.announcements.messages import cancellation_of
from bot.features.people import repository as people
from bot.features.schedule.repository import load_cancellations
from bot.features.schedule.weekly_sessions import session_from_key
from bot.features.sessions import repository as sessions
from bot.features.sessions.timeline import Phase, Timeline
from commands.announcements import cancellation_text
from tests.conftest import ALICE, BOB, HOST, ORGANISER, ROOM, hold
from tests.helpers import upcoming_sessions

MORNING = "2026-11-26 08:00"

# --- !cancel / !uncancel ----------------------------------------------------------------


async def test_cancel_and_uncancel_are_for_organisers(chat):
    assert "organisers only" in await chat.text(ALICE, "!cancel 2026-11-26")
    assert "organisers only" in await chat.text(HOST, "!uncancel 2026-11-26")
    assert list(await load_cancellations(chat.store)) == []


async def test_cancel_a_session_then_restore_it(chat):
    text = await chat.text(ORGANISER, "!cancel 2026-11-26 17:00 no host available")
    assert "Cancelled the session of Thursday 26 November, 17:00 UTC: no host available." in text
    assert "cancellation notice on Wednesday 25 November, 17:00 UTC" in text
    cancels = await load_cancellations(chat.store)
    morning, evening = upcoming_sessions(chat.services.config, chat.clock.now(), 2)
    assert cancels.of(morning) is None and cancels.of(evening).reason == "no host available"
    assert "already cancelled" in await chat.text(ORGANISER, "!cancel 2026-11-26 17:00")
    assert "is not cancelled" in await chat.text(ORGANISER, "!uncancel 2026-11-26 08:00")
    assert "Restored the session of Thursday 26 November, 17:00 UTC" in await chat.text(
        ORGANISER, "!uncancel 2026-11-26 17:00"
    )
    assert list(await load_cancellations(chat.store)) == []


async def test_cancel_a_whole_day(chat):
    text = await chat.text(ORGANISER, "!cancel 2026-12-24 holidays")
    assert "Cancelled the whole day 2026-12-24: holidays." in text
    cancels = await load_cancellations(chat.store)
    assert [c.target for c in cancels] == ["2026-12-24"]
    assert "whole day 2026-12-24 is already cancelled" in await chat.text(ORGANISER, "!cancel 2026-12-24 08:00")
    assert "!uncancel 2026-12-24" in await chat.text(ORGANISER, "!uncancel 2026-12-24 08:00")
    assert "Restored the whole day 2026-12-24" in await chat.text(ORGANISER, "!uncancel 2026-12-24")


async def test_cancel_refuses_what_is_not_a_coming_session(chat):
    assert "no session on Friday 2026-11-27" in await chat.text(ORGANISER, "!cancel 2026-11-27")
    text = await chat.text(ORGANISER, "!cancel 2026-11-26 09:00")
    assert "no session at 09:00" in text and "08:00 and 17:00" in text
    assert "in the past" in await chat.text(ORGANISER, "!cancel 2026-11-19")
    text = await chat.text(ORGANISER, "!cancel 26.11.2026")
    assert "not a date" in text and "Usage: !cancel YYYY-MM-DD [TIME] [reason]" in text
    chat.clock.set(dt.datetime(2026, 11, 26, 7, 50, tzinfo=dt.UTC))
    await chat.say(HOST, "!start")
    assert "already started" in await chat.text(ORGANISER, "!cancel 2026-11-26 08:00")
    assert list(await load_cancellations(chat.store)) == []


@pytest.mark.parametrize("command", ["!cancel", "!uncancel"])
async def test_cancel_and_uncancel_refuse_dates_in_the_past_or_over_a_year_ahead(chat, command):
    usage = (
        "Usage: !cancel YYYY-MM-DD [TIME] [reason]" if command == "!cancel" else "Usage: !uncancel YYYY-MM-DD [TIME]"
    )
    for typed, why in (
        ("0001-01-01", "0001-01-01 is in the past"),
        ("0001-01-01 08:00", "0001-01-01 is in the past"),
        ("2026-11-19", "2026-11-19 is in the past"),
        ("9999-12-31", "9999-12-31 is too far ahead"),
        ("9999-12-31 20:00", "9999-12-31 is too far ahead"),
        ("9999-12-30 08:00", "9999-12-30 is too far ahead"),
        ("2027-11-24", "2027-11-24 is too far ahead"),
    ):
        text = await chat.text(ORGANISER, f"{command} {typed}")
        assert f"{command}: {why}: give a date from today (2026-11-23) up to a year ahead (2027-11-23)." in text
        assert usage in text and "unexpectedly" not in text, text
        assert len(text.splitlines()) == 2, text
    assert list(await load_cancellations(chat.store)) == []


async def test_cancel_and_uncancel_take_today_and_exactly_a_year_ahead(make_chat, make_config):
    config = make_config(conference={"slots": ["Monday 18:00", "Tuesday 18:00"]})
    chat = await make_chat(config)  # Monday 23 November 2026, 12:00
    assert "Cancelled the whole day 2026-11-23" in await chat.text(ORGANISER, "!cancel 2026-11-23")
    assert "Cancelled the session of Tuesday 23 November 2027, 18:00" in await chat.text(
        ORGANISER, "!cancel 2027-11-23 18:00"
    )
    assert "2027-11-24 is too far ahead" in await chat.text(ORGANISER, "!cancel 2027-11-24")
    assert "Restored the session of Tuesday 23 November 2027, 18:00" in await chat.text(
        ORGANISER, "!uncancel 2027-11-23 18:00"
    )
    assert "Restored the whole day 2026-11-23" in await chat.text(ORGANISER, "!uncancel 2026-11-23")


async def test_cancel_of_today_when_its_sessions_are_over(chat):
    chat.clock.set(dt.datetime(2026, 11, 26, 20, 0, tzinfo=dt.UTC))  # Thursday, both sessions over
    await hold(chat, "2026-11-26 17:00", [HOST, ALICE])
    text = await chat.text(ORGANISER, "!cancel 2026-11-26")
    assert text == (
        "Nothing is left to cancel on 2026-11-26: the session of Thursday 26 November, 08:00 UTC: no "
        "host started it in time; "
        "the session of Thursday 26 November, 17:00 UTC: it has taken place."
    ), text
    text = await chat.text(ORGANISER, "!cancel 2026-11-26 17:00")
    assert text == "The session of Thursday 26 November, 17:00 UTC is over: it has taken place.", text
    assert list(await load_cancellations(chat.store)) == []


async def test_uncancel_tells_the_rooms_that_heard_of_the_cancellation(make_chat, make_config):
    other = "!other:example.org"
    chat = await make_chat(make_config(matrix={"rooms": [ROOM, other]}))
    await chat.say(ORGANISER, "!cancel 2026-11-26 08:00")
    for room in (ROOM, other):
        await chat.store.execute(
            "INSERT INTO announcements (session, lead, room_id, status, event_id, at) "
            "VALUES ('2026-11-26 08:00', 'cancelled', ?, 'sent', '$x', '2026-11-23T12:00:00Z')",
            (room,),
        )
    replies = await chat.say(ORGANISER, "!uncancel 2026-11-26 08:00")
    assert [r.room_id for r in replies] == [None, other]
    assert "takes place after all" in replies[1].text
    assert await chat.store.fetchval("SELECT COUNT(*) FROM announcements") == 0, "a new cancellation is told again"


# --- !uncancel when a session and its day were both cancelled ----------------------------


async def _told(chat, room: str, *keys: str) -> None:
    """As if the announcer had sent the cancellation notice of `keys` to `room`."""
    for key in keys:
        await chat.store.execute(
            "INSERT INTO announcements (session, lead, room_id, status, event_id, at) "
            "VALUES (?, 'cancelled', ?, 'sent', '$x', '2026-11-23T12:00:00Z')",
            (key, room),
        )


async def test_uncancel_a_day_restores_its_sessions_cancelled_one_by_one_too(make_chat, make_config):
    other = "!other:example.org"
    chat = await make_chat(make_config(matrix={"rooms": [ROOM, other]}))
    await chat.say(ORGANISER, "!cancel 2026-12-10 17:00 no host")
    await chat.say(ORGANISER, "!cancel 2026-12-10 holidays")
    await _told(chat, other, "2026-12-10 08:00", "2026-12-10 17:00")
    replies = await chat.say(ORGANISER, "!uncancel 2026-12-10")
    assert (
        "Restored the whole day 2026-12-10: the sessions of Thursday 10 December, 08:00 UTC and "
        "Thursday 10 December, 17:00 UTC take place"
    ) in replies[0].text
    assert "stays cancelled" not in replies[0].text
    assert list(await load_cancellations(chat.store)) == []
    assert [r.room_id for r in replies] == [None, other]
    assert "10 December, 08:00 UTC and Thursday 10 December, 17:00 UTC take place after all" in (replies[1].text)
    assert await chat.store.fetchval("SELECT COUNT(*) FROM announcements") == 0
    lines = [line for line in (await chat.text(ALICE, "!next")).splitlines() if line.startswith("•")]
    assert not any("cancelled" in line for line in lines), lines


async def test_uncancel_one_session_of_a_cancelled_day_keeps_the_other_cancelled(make_chat, make_config):
    other = "!other:example.org"
    chat = await make_chat(make_config(matrix={"rooms": [ROOM, other]}))
    await chat.say(ORGANISER, "!cancel 2026-12-10 holidays")
    await _told(chat, other, "2026-12-10 08:00", "2026-12-10 17:00")
    replies = await chat.say(ORGANISER, "!uncancel 2026-12-10 17:00")
    text = replies[0].text
    assert "Restored the session of Thursday 10 December, 17:00 UTC: it takes place" in text, text
    assert (
        "The session of Thursday 10 December, 08:00 UTC stays cancelled; restore it with !uncancel "
        "2026-12-10 08:00 UTC."
    ) in text
    cancels = await load_cancellations(chat.store)
    assert [(c.target, c.reason, c.cancelled_by) for c in cancels] == [("2026-12-10 08:00", "holidays", ORGANISER)]
    assert [r.room_id for r in replies] == [None, other]
    assert "Thursday 10 December, 17:00 UTC takes place after all." in replies[1].text
    assert "08:00" not in replies[1].text
    sent = await chat.store.fetchall("SELECT session FROM announcements")
    assert [r[0] for r in sent] == ["2026-12-10 08:00"], "the rooms are not told of the 08:00 cancellation again"
    text = await chat.text(ORGANISER, "!uncancel 2026-12-10")
    assert "Restored the whole day 2026-12-10: the session of Thursday 10 December, 08:00 UTC takes place" in text, text
    assert list(await load_cancellations(chat.store)) == []


async def test_uncancel_a_day_when_a_session_only_was_cancelled(chat):
    await chat.say(ORGANISER, "!cancel 2026-12-10 08:00 dentist")
    text = await chat.text(ORGANISER, "!uncancel 2026-12-10")
    assert "the session of Thursday 10 December, 08:00 UTC takes place" in text, text
    assert "17:00" not in text, "the evening session was not cancelled"
    assert list(await load_cancellations(chat.store)) == []
    assert "the whole day 2026-12-10 is not cancelled" in (await chat.text(ORGANISER, "!uncancel 2026-12-10")).lower()


async def test_uncancel_a_day_whose_morning_is_over_restores_the_evening_only(chat):
    await chat.say(ORGANISER, "!cancel 2026-12-10 holidays")
    chat.clock.set(dt.datetime(2026, 12, 10, 12, 0, tzinfo=dt.UTC))
    text = await chat.text(ORGANISER, "!uncancel 2026-12-10")
    assert "Restored 2026-12-10: the session of Thursday 10 December, 17:00 UTC takes place" in text, text
    assert "The session of Thursday 10 December, 08:00 UTC stays cancelled: it is over." in text
    assert "whole day" not in text and "sessions" not in text
    assert [c.target for c in await load_cancellations(chat.store)] == ["2026-12-10 08:00"]
    text = await chat.text(ORGANISER, "!uncancel 2026-12-10 08:00")
    assert "The session of Thursday 10 December, 08:00 UTC is in the past; it stays cancelled." in text, text
    assert [c.target for c in await load_cancellations(chat.store)] == ["2026-12-10 08:00"]


# --- calling off a session that waits for its host ----------------------------------------


async def _two_room_chat(make_chat, make_config, key: str, **sections):
    """A chat in two served rooms, each with the thread the at-start announcement of `key` opened."""
    other = "!other:example.org"
    chat = await make_chat(make_config(matrix={"rooms": [ROOM, other]}, **sections))
    await sessions.set_thread_root(chat.store, key, ROOM, "$zero-here")
    await sessions.set_thread_root(chat.store, key, other, "$zero-there")
    return chat, other


async def test_an_organiser_calls_off_a_session_nobody_came_to_host(make_chat, make_config):
    """At 08:06, two people checked in, nobody started it: it is called off, and the people
    who came are told in its thread in every room; their check-ins stay for the reports."""
    chat, other = await _two_room_chat(make_chat, make_config, MORNING)
    await people.remember_display_name(chat.store, ALICE, "Alice")
    await people.remember_display_name(chat.store, BOB, "Bob")
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 4, tzinfo=dt.UTC))
    await chat.say(ALICE, "!here")
    await chat.say(BOB, "!here")
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 6, tzinfo=dt.UTC))
    *replies, pointer = await chat.say(ORGANISER, "!cancel 2026-11-26 08:00 nobody can host today")
    assert [(r.room_id, r.thread_root) for r in replies] == [(None, "$zero-here"), (other, "$zero-there")]
    assert (pointer.room_id, pointer.thread_root) == (None, None), "and a line where it was typed"
    assert pointer.text.startswith(replies[0].text.splitlines()[0]) and "session's thread" in pointer.text
    for reply in replies:
        assert "Session of Thursday 26 November, 08:00 UTC is called off: nobody can host today." in reply.text, (
            reply.text
        )
        assert "Checked in: Alice, Bob. Thank you for coming!" in reply.text, reply.text
        assert not reply.mentions, "names as text, no ping"
    assert "is over" not in replies[0].text
    view = (await Timeline.load(chat.store, chat.services.config, chat.clock.now())).view_of_key(MORNING)
    assert view.phase is Phase.CALLED_OFF and view.reason == "nobody can host today"
    assert await sessions.attendees(chat.store, MORNING) == [ALICE, BOB], "who came stays stored"
    text = await chat.text(BOB, "!here")
    assert "No session is running" in text, "nobody checks in to a session called off"
    text = await chat.text(ORGANISER, "!cancel 2026-11-26 08:00")
    assert "The session of Thursday 26 November, 08:00 UTC is already called off: nobody can host today." in text, text


async def test_calling_off_a_session_nobody_checked_in_to_names_its_volunteer(chat):
    await people.remember_display_name(chat.store, ALICE, "Alice")
    await chat.say(ALICE, "!host 2026-11-26 08:00")
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 20, tzinfo=dt.UTC))
    (reply,) = await chat.say(ORGANISER, "!cancel 2026-11-26 08:00")
    assert reply.text.startswith("❌ Session of Thursday 26 November, 08:00 UTC is called off."), reply.text
    assert "Alice had volunteered to host it." in reply.text and "Checked in" not in reply.text, reply.text
    assert not reply.mentions


async def test_a_whole_day_cancelled_while_its_morning_waits_calls_the_morning_off(chat):
    await sessions.set_thread_root(chat.store, MORNING, ROOM, "$zero")
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 6, tzinfo=dt.UTC))
    await chat.say(ALICE, "!here")
    replies = await chat.say(ORGANISER, "!cancel 2026-11-26 snow")
    assert "Cancelled the whole day 2026-11-26: snow." in replies[0].text, replies[0].text
    assert "Called off: the session of Thursday 26 November, 08:00 UTC, waiting for its host" in replies[0].text, (
        replies[0].text
    )
    assert "Cancelled: the session of Thursday 26 November, 17:00 UTC" in replies[0].text, replies[0].text
    assert replies[1].thread_root == "$zero" and "is called off: snow." in replies[1].text, replies[1].text
    line = await Timeline.load(chat.store, chat.services.config, chat.clock.now())
    assert line.phase(line.view_of_key(MORNING).session) is Phase.CALLED_OFF
    assert line.view_of_key("2026-11-26 17:00").phase is Phase.CANCELLED


async def test_a_session_whose_time_to_start_has_passed_is_over_whoever_came(chat):
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 5, tzinfo=dt.UTC))
    await chat.say(ALICE, "!here")
    chat.clock.set(dt.datetime(2026, 11, 26, 10, 30, tzinfo=dt.UTC))
    text = await chat.text(ORGANISER, "!cancel 2026-11-26 08:00")
    assert text == "The session of Thursday 26 November, 08:00 UTC is over: no host started it in time.", text
    text = await chat.text(ORGANISER, "!cancel 2026-11-26 late")
    assert "Cancelled the whole day 2026-11-26: late." in text and "08:00" not in text.split("\n", 1)[1], text
    view = (await Timeline.load(chat.store, chat.services.config, chat.clock.now())).view_of_key(MORNING)
    assert view.phase is Phase.NOT_STARTED, "a day cancelled later leaves its past sessions as they were"


# --- a new reason for a cancelled session --------------------------------------------------


async def test_cancel_again_with_a_reason_replaces_the_old_one(chat):
    await chat.say(ORGANISER, "!cancel 2026-11-26 17:00 no host")
    text = await chat.text(ORGANISER, "!cancel 2026-11-26 17:00 the BBB server is down")
    assert "The session of Thursday 26 November, 17:00 UTC was already cancelled" in text, text
    assert "the reason is now: the BBB server is down. It replaces: no host." in text, text
    assert "The rooms' cancellation notice, on Wednesday 25 November, 17:00 UTC, gives it." in text, text
    cancels = await load_cancellations(chat.store)
    assert [(c.target, c.reason) for c in cancels] == [("2026-11-26 17:00", "the BBB server is down")]
    session = session_from_key(chat.services.config, "2026-11-26 17:00")
    notice = cancellation_text(
        chat.services.config, await cancellation_of(chat.store, chat.services.config, session, chat.clock.now())
    ).plain
    assert "is cancelled: the BBB server is down." in notice, "the notice not sent yet carries the new reason"
    text = await chat.text(ORGANISER, "!cancel 2026-11-26 17:00")
    assert "The session of Thursday 26 November, 17:00 UTC is already cancelled: the BBB server is down." in text, text
    assert "To give another reason: !cancel 2026-11-26 17:00 UTC REASON" in text, text


async def test_a_new_reason_after_the_notice_went_out_is_told_to_the_rooms_that_had_it(make_chat, make_config):
    other = "!other:example.org"
    chat = await make_chat(make_config(matrix={"rooms": [ROOM, other]}))
    await chat.say(ORGANISER, "!cancel 2026-12-24 holidays")
    await _told(chat, other, "2026-12-24 08:00", "2026-12-24 17:00")
    replies = await chat.say(ORGANISER, "!cancel 2026-12-24 winter break")
    assert "The whole day 2026-12-24 was already cancelled; the reason is now: winter break." in replies[0].text
    assert [r.room_id for r in replies] == [None, other]
    assert "is cancelled: winter break." in replies[1].text, replies[1].text


async def test_a_session_of_a_cancelled_day_says_how_to_change_the_days_reason(chat):
    await chat.say(ORGANISER, "!cancel 2026-12-24 holidays")
    text = await chat.text(ORGANISER, "!cancel 2026-12-24 08:00 snow")
    assert "The whole day 2026-12-24 is already cancelled: holidays." in text, text
    assert "To give another reason: !cancel 2026-12-24 REASON" in text, text
    assert [c.reason for c in await load_cancellations(chat.store)] == ["holidays"]


async def test_cancel_says_who_had_volunteered(chat):
    await people.remember_display_name(chat.store, ALICE, "Alice")
    await chat.say(ALICE, "!host 2026-11-26 17:00")
    (reply,) = await chat.say(ORGANISER, "!cancel 2026-11-26 17:00 no room")
    assert "Alice had volunteered to host it." in reply.text, reply.text
    assert not reply.mentions


# --- times in the asker's zone ---------------------------------------------------------------


async def test_cancel_and_uncancel_take_a_time_in_the_askers_zone(chat):
    await chat.say(ORGANISER, "!tz Asia/Kolkata")
    text = await chat.text(ORGANISER, "!cancel 2026-11-26 13:30 dentist")
    assert "Cancelled the session of Thursday 26 November, 08:00 UTC (13:30 in Kolkata): dentist." in text, text
    assert "Undo with !uncancel 2026-11-26 08:00 UTC." in text, text
    text = await chat.text(ORGANISER, "!cancel 2026-11-26 17:00 UTC snow")
    assert "Cancelled the session of Thursday 26 November, 17:00 UTC (22:30 in Kolkata): snow." in text, text
    text = await chat.text(ORGANISER, "!cancel 2026-12-03 08:00")
    assert text.startswith(
        "!cancel: There is no session at 08:00 (Kolkata time) on 2026-12-03; "
        "that day has 13:30 and 22:30 there (08:00 and 17:00 UTC)."
    ), text
    text = await chat.text(ORGANISER, "!uncancel 2026-11-26 13:30")
    assert "Restored the session of Thursday 26 November, 08:00 UTC (13:30 in Kolkata)" in text, text
    text = await chat.text(ORGANISER, "!uncancel 2026-11-26 17:00 UTC")
    assert "Restored the session of Thursday 26 November, 17:00 UTC (22:30 in Kolkata)" in text, text
    assert list(await load_cancellations(chat.store)) == []


async def test_a_whole_day_is_the_conference_day_named_in_the_askers_zone(chat):
    await chat.say(ORGANISER, "!tz Asia/Kolkata")
    text = await chat.text(ORGANISER, "!cancel 2026-11-26 holidays")
    assert "Cancelled the whole day 2026-11-26: holidays." in text, text
    assert (
        "Thursday 26 November, 08:00 UTC (13:30 in Kolkata) and Thursday 26 November, 17:00 UTC (22:30 in Kolkata)"
        in text
    ), text


# --- volunteering for a cancelled session ----------------------------------------------------


async def test_host_and_unhost_on_a_cancelled_session_say_it_is_cancelled(chat):
    await chat.say(ALICE, "!host 2026-11-26 17:00")
    await chat.say(ORGANISER, "!cancel 2026-11-26 17:00 snow")
    text = await chat.text(BOB, "!host 2026-11-26 17:00")
    assert "Thursday 26 November, 17:00 UTC is cancelled (snow), so it needs no host." in text, text
    text = await chat.text(ALICE, "!unhost 2026-11-26 17:00")
    assert "You no longer offer to host the session of Thursday 26 November, 17:00" in text, text
    assert "It is cancelled, so it needs no host." in text, text
    assert "volunteered" not in text and "to offer" not in text, text


async def test_a_session_called_off_takes_a_new_reason_told_in_its_thread(chat):
    await sessions.set_thread_root(chat.store, MORNING, ROOM, "$zero")
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 6, tzinfo=dt.UTC))
    await chat.say(ORGANISER, "!cancel 2026-11-26 08:00 nobody can host")
    reply, pointer = await chat.say(ORGANISER, "!cancel 2026-11-26 08:00 the host is ill")
    assert reply.thread_root == "$zero" and (pointer.room_id, pointer.thread_root) == (None, None)
    assert "Session of Thursday 26 November, 08:00 UTC is called off: the host is ill." in reply.text, reply.text
    assert "It replaces: nobody can host." in reply.text, reply.text


async def test_a_session_called_off_by_mistake_waits_for_its_host_again(chat):
    """The host turns up at 08:10: while its time to start lasts, !uncancel brings it back,
    and its thread hears it."""
    await sessions.set_thread_root(chat.store, MORNING, ROOM, "$zero")
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 4, tzinfo=dt.UTC))
    await chat.say(ALICE, "!here")
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 6, tzinfo=dt.UTC))
    await chat.say(ORGANISER, "!cancel 2026-11-26 08:00 nobody can host")
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 10, tzinfo=dt.UTC))
    reply, pointer = await chat.say(ORGANISER, "!uncancel 2026-11-26 08:00")
    assert reply.thread_root == "$zero" and (pointer.room_id, pointer.thread_root) == (None, None)
    assert "Restored the session of Thursday 26 November, 08:00 UTC: it waits for its host again" in reply.text, (
        reply.text
    )
    line = await Timeline.load(chat.store, chat.services.config, chat.clock.now())
    assert line.view_of_key(MORNING).phase is Phase.WAITING
    assert "has started" in await chat.text(HOST, "!start")
    assert ALICE in await sessions.attendees(chat.store, MORNING), "who came stays checked in"
    chat.clock.set(dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC))
    await chat.say(HOST, "!end")
    text = await chat.text(ORGANISER, "!cancel 2026-11-26 08:00")
    assert "is over: it has taken place" in text, text


async def test_a_refusal_shows_what_to_type_as_a_command_to_copy(chat):
    await chat.say(ORGANISER, "!cancel 2026-12-10 08:00 snow")
    reply = (await chat.say(ORGANISER, "!cancel 2026-12-10 08:00"))[0]
    assert reply.text == (
        "The session of Thursday 10 December, 08:00 UTC is already cancelled: snow. "
        "To give another reason: !cancel 2026-12-10 08:00 UTC REASON"
    )
    assert "<code>!cancel 2026-12-10 08:00 UTC REASON</code>" in reply.html, reply.html


# --- in the organiser's language ---------------------------------------------------------


async def test_cancel_answers_in_spanish(chat):
    await people.remember_display_name(chat.store, ALICE, "Alice")
    await chat.say(ALICE, "!host 2026-11-26 17:00")
    await chat.say(ORGANISER, "!lang es")
    text = await chat.text(ORGANISER, "!cancel 2026-11-26 17:00 vacaciones")
    assert text == (
        "Cancelé la sesión del jueves, 26 de noviembre, 17:00 UTC: vacaciones.\n"
        "Las salas reciben un aviso de cancelación el miércoles, 25 de noviembre, 17:00 UTC, en lugar de los "
        "recordatorios.\n"
        "Alice se había ofrecido como anfitrión.\n"
        "Para deshacerlo: !uncancel 2026-11-26 17:00 UTC."
    ), text
    text = await chat.text(ORGANISER, "!cancel 2026-11-26 17:00")
    assert text == (
        "La sesión del jueves, 26 de noviembre, 17:00 UTC ya está cancelada: vacaciones. Para dar otro motivo: "
        "!cancel 2026-11-26 17:00 UTC REASON"
    ), text
    text = await chat.text(ORGANISER, "!cancel 2026-11-26 17:00 fiesta local")
    assert text.startswith(
        "La sesión del jueves, 26 de noviembre, 17:00 UTC ya estaba cancelada; ahora el motivo es: fiesta local. "
        "El motivo anterior era: vacaciones."
    ), text
    text = await chat.text(ORGANISER, "!cancel 2026-11-27")
    assert (
        text == "No hay ninguna sesión el viernes 2026-11-27; las sesiones son: Thursday 08:00, Thursday 17:00 (UTC)."
    ), text


async def test_cancel_answers_in_portuguese_and_the_thread_reads_the_rooms_language(make_chat, make_config):
    """A session called off while it waits: the organiser reads Portuguese, the session's
    thread in the other room the rooms' language (Spanish)."""
    chat, other = await _two_room_chat(make_chat, make_config, MORNING, conference={"language": "es"})
    await people.remember_display_name(chat.store, ALICE, "Alice")
    await chat.say(ORGANISER, "!lang pt-BR")
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 4, tzinfo=dt.UTC))
    await chat.say(ALICE, "!here")
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 6, tzinfo=dt.UTC))
    *replies, _pointer = await chat.say(ORGANISER, "!cancel 2026-11-26 08:00 ninguém pôde vir")
    here, there = replies
    assert there.room_id == other
    assert here.text.startswith(
        "❌ A sessão de quinta-feira, 26 de novembro, 08:00 UTC foi suspensa: ninguém pôde vir.\n"
        "Presentes: Alice. Obrigado pela presença!\n"
        "Próxima sessão: quinta-feira, 26 de novembro, 17:00 UTC, em 8 horas e 54 minutos."
    ), here.text
    assert there.text.startswith(
        "❌ Se suspende la sesión del jueves, 26 de noviembre, 08:00 UTC: ninguém pôde vir.\n"
        "Presentes: Alice. ¡Gracias por venir!\n"
        "La próxima sesión es el jueves, 26 de noviembre, 17:00 UTC, en 8 horas y 54 minutos."
    ), there.text
