"""!cancel and !uncancel."""

import datetime as dt

import pytest

from bot.features.schedule.repository import load_cancellations
from tests.conftest import ALICE, HOST, ORGANISER, ROOM
from tests.helpers import upcoming_sessions

# --- !cancel / !uncancel ----------------------------------------------------------------


async def test_cancel_and_uncancel_are_for_organisers(chat):
    assert "organisers only" in await chat.text(ALICE, "!cancel 2026-11-26")
    assert "organisers only" in await chat.text(HOST, "!uncancel 2026-11-26")
    assert list(await load_cancellations(chat.store)) == []


async def test_cancel_a_session_then_restore_it(chat):
    text = await chat.text(ORGANISER, "!cancel 2026-11-26 17:00 no host available")
    assert "Cancelled session 2026-11-26 17:00: no host available." in text
    assert "cancellation notice on Wednesday 25 November 2026, 17:00 UTC" in text
    cancels = await load_cancellations(chat.store)
    morning, evening = upcoming_sessions(chat.services.config, chat.clock.now(), 2)
    assert cancels.of(morning) is None and cancels.of(evening).reason == "no host available"
    assert "already cancelled" in await chat.text(ORGANISER, "!cancel 2026-11-26 17:00")
    assert "is not cancelled" in await chat.text(ORGANISER, "!uncancel 2026-11-26 08:00")
    assert "Restored session 2026-11-26 17:00" in await chat.text(ORGANISER, "!uncancel 2026-11-26 17:00")
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
    assert "not a date" in text and "Usage: !cancel YYYY-MM-DD [HH:MM] [reason]" in text
    chat.clock.set(dt.datetime(2026, 11, 26, 7, 50, tzinfo=dt.UTC))
    await chat.say(HOST, "!start")
    assert "already started" in await chat.text(ORGANISER, "!cancel 2026-11-26 08:00")
    assert list(await load_cancellations(chat.store)) == []


@pytest.mark.parametrize("command", ["!cancel", "!uncancel"])
async def test_cancel_and_uncancel_refuse_dates_in_the_past_or_over_a_year_ahead(chat, command):
    usage = (
        "Usage: !cancel YYYY-MM-DD [HH:MM] [reason]" if command == "!cancel" else "Usage: !uncancel YYYY-MM-DD [HH:MM]"
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
    assert "Cancelled session 2027-11-23 18:00" in await chat.text(ORGANISER, "!cancel 2027-11-23 18:00")
    assert "2027-11-24 is too far ahead" in await chat.text(ORGANISER, "!cancel 2027-11-24")
    assert "Restored session 2027-11-23 18:00" in await chat.text(ORGANISER, "!uncancel 2027-11-23 18:00")
    assert "Restored the whole day 2026-11-23" in await chat.text(ORGANISER, "!uncancel 2026-11-23")


async def test_cancel_of_today_when_its_sessions_are_over(chat):
    chat.clock.set(dt.datetime(2026, 11, 26, 20, 0, tzinfo=dt.UTC))  # Thursday, both sessions over
    text = await chat.text(ORGANISER, "!cancel 2026-11-26")
    assert text == "The whole day 2026-11-26 is over: its sessions have taken place.", text
    text = await chat.text(ORGANISER, "!cancel 2026-11-26 17:00")
    assert text == "Session 2026-11-26 17:00 is over: it has taken place.", text
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
    assert "Restored the whole day 2026-12-10: the sessions at 08:00 and 17:00 take place" in replies[0].text
    assert "stays cancelled" not in replies[0].text
    assert list(await load_cancellations(chat.store)) == []
    assert [r.room_id for r in replies] == [None, other]
    assert "10 December 2026, 08:00 UTC and Thursday 10 December 2026, 17:00 UTC take place after all" in (
        replies[1].text
    )
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
    assert "Restored session 2026-12-10 17:00: it takes place" in text, text
    assert "Session 2026-12-10 08:00 stays cancelled; restore it with !uncancel 2026-12-10 08:00." in text
    cancels = await load_cancellations(chat.store)
    assert [(c.target, c.reason, c.cancelled_by) for c in cancels] == [("2026-12-10 08:00", "holidays", ORGANISER)]
    assert [r.room_id for r in replies] == [None, other]
    assert "Thursday 10 December 2026, 17:00 UTC takes place after all." in replies[1].text
    assert "08:00" not in replies[1].text
    sent = await chat.store.fetchall("SELECT session FROM announcements")
    assert [r[0] for r in sent] == ["2026-12-10 08:00"], "the rooms are not told of the 08:00 cancellation again"
    text = await chat.text(ORGANISER, "!uncancel 2026-12-10")
    assert "Restored the whole day 2026-12-10: the sessions at 08:00 and 17:00 take place" in text, text
    assert list(await load_cancellations(chat.store)) == []


async def test_uncancel_a_day_when_a_session_only_was_cancelled(chat):
    await chat.say(ORGANISER, "!cancel 2026-12-10 08:00 dentist")
    text = await chat.text(ORGANISER, "!uncancel 2026-12-10")
    assert "the sessions at 08:00 and 17:00 take place" in text, text
    assert list(await load_cancellations(chat.store)) == []
    assert "the whole day 2026-12-10 is not cancelled" in (await chat.text(ORGANISER, "!uncancel 2026-12-10")).lower()


async def test_uncancel_a_day_whose_morning_is_over_restores_the_evening_only(chat):
    await chat.say(ORGANISER, "!cancel 2026-12-10 holidays")
    chat.clock.set(dt.datetime(2026, 12, 10, 12, 0, tzinfo=dt.UTC))
    text = await chat.text(ORGANISER, "!uncancel 2026-12-10")
    assert "Restored 2026-12-10: the session at 17:00 takes place" in text, text
    assert "Session 2026-12-10 08:00 stays cancelled: it is over." in text
    assert "whole day" not in text and "sessions at" not in text
    assert [c.target for c in await load_cancellations(chat.store)] == ["2026-12-10 08:00"]
    text = await chat.text(ORGANISER, "!uncancel 2026-12-10 08:00")
    assert "Session 2026-12-10 08:00 is in the past; it stays cancelled." in text, text
    assert [c.target for c in await load_cancellations(chat.store)] == ["2026-12-10 08:00"]
