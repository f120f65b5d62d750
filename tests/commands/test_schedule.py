import datetime as dt
import os

import hypothesis
import pytest
import pytz
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.core.config import parse_timezone
from bot.core.model import IncomingMessage
from bot.features.people import repository as people
from bot.features.schedule.repository import load_cancellations, planning_range
from tests.conftest import ALICE, BOB, HOST, ORGANISER, ROOM
from tests.helpers import upcoming_sessions


async def test_link_gives_url_and_access_code(chat):
    reply = (await chat.say(ALICE, "!link"))[0]
    assert "https://bbb.example.org/b/ccc" in reply.text and "ccc" in reply.text
    assert '<a href="https://bbb.example.org/b/ccc">' in reply.html


async def test_tz_show_set_show(chat):
    assert "no time zone set" in await chat.text(ALICE, "!tz")
    # the clock says 12:00 UTC; Berlin is UTC+1 in November
    assert "Your time zone is now Berlin (Europe/Berlin)" in await chat.text(ALICE, "!tz Europe/Berlin")
    text = await chat.text(ALICE, "!tz")
    assert "Your time zone is Berlin (Europe/Berlin)" in text and "13:00" in text
    assert "no time zone set" in await chat.text(BOB, "!tz"), "one user's zone is not another's"


@pytest.mark.parametrize(
    ("typed", "zone", "place"),
    [
        ("new york", "America/New_York", "New York"),
        ("America/New York", "America/New_York", "New York"),
        ("Berlin, Germany", "Europe/Berlin", "Berlin"),
        ("europe/berlin", "Europe/Berlin", "Berlin"),
        ("são paulo", "America/Sao_Paulo", "São Paulo"),
        ("sao paulo", "America/Sao_Paulo", "São Paulo"),
        ("SAO PAULO", "America/Sao_Paulo", "São Paulo"),
        ("kolkata", "Asia/Kolkata", "Kolkata"),
        ('"Kolkata, India"', "Asia/Kolkata", "Kolkata"),
        ("Asia/Calcutta", "Asia/Kolkata", "Kolkata"),
        ("utc", "UTC", "UTC"),
    ],
)
async def test_tz_names_as_people_type_them_are_set_and_the_zone_is_named(chat, typed, zone, place):
    text = await chat.text(ALICE, f"!tz {typed}")
    assert f"Your time zone is now {place}" in text and zone in text, text
    assert await people.get_timezone(chat.store, ALICE) == zone
    assert "Usage" not in text


@pytest.mark.parametrize("typed", ["Montréal", "montreal", "Montreal, Canada", "America/Montreal"])
async def test_tz_a_city_that_keeps_another_citys_time_is_set_to_that_zone_and_says_so(chat, typed):
    text = await chat.text(ALICE, f"!tz {typed}")
    assert f"{typed} uses America/Toronto time." in text, text
    assert "Your time zone is now Toronto (America/Toronto)" in text and "07:00 there now" in text, text
    assert "Nassau" not in text and "Usage" not in text, text
    assert await people.get_timezone(chat.store, ALICE) == "America/Toronto"


async def test_tz_a_zones_own_name_needs_no_explaining(chat):
    text = await chat.text(ALICE, "!tz Toronto")
    assert text.startswith("Your time zone is now Toronto (America/Toronto)") and "uses" not in text, text


async def test_tz_near_misses_are_suggested_and_not_stored(chat):
    for typed, meant in (
        ("Europe/Berln", "Europe/Berlin"),
        ("Berln", "Europe/Berlin"),
        ("new yrok", "America/New_York"),
        ("Germany", "Europe/Berlin"),
        ("Paris, Texas", "Europe/Paris"),
    ):
        text = await chat.text(ALICE, f"!tz {typed}")
        assert f"did you mean {meant}" in text, (typed, text)
        assert "Usage: !tz [Area/City]" in text
    assert "no time zone set" in await chat.text(ALICE, "!tz"), "a near miss is not stored"
    text = await chat.text(ALICE, "!tz Qwxyz")
    assert "not a time zone" in text and "did you mean" not in text


# The clock is Monday 23 November 2026 (winter in the north).
@pytest.mark.parametrize(
    ("typed", "meant", "wrong"),
    [
        ("EST", ["America/New_York", "America/Toronto"], ["UTC"]),
        ("est", ["America/New_York"], []),
        ("CET", ["Europe/Berlin", "Europe/Paris"], []),
        ("GMT", ["UTC", "Europe/London"], []),
        ("IST", ["Asia/Kolkata", "Asia/Jerusalem"], []),
        ("Etc/GMT+1", ["UTC-1", "Atlantic/Cape_Verde"], ["Europe/Berlin"]),
        ("UTC+1", ["Europe/Berlin", "Europe/Paris"], ["did you mean UTC", "UTC or"]),
        ("UTC +1", ["Europe/Berlin"], []),
        ("GMT-3", ["America/Sao_Paulo"], []),
        ("+05:30", ["Asia/Kolkata"], []),
        ("UTC+0", ["did you mean UTC", "Europe/London"], []),
        ("EST5EDT", ["America/New_York"], []),
    ],
)
async def test_tz_refuses_abbreviations_and_offsets_and_offers_places(chat, typed, meant, wrong):
    text = await chat.text(ALICE, f"!tz {typed}")
    assert "Usage: !tz [Area/City]" in text
    for zone in meant:
        assert zone in text, (typed, text)
    for zone in wrong:
        assert zone not in text, (typed, text)
    assert await people.get_timezone(chat.store, ALICE) is None, "nothing is set"


async def test_tz_explains_what_is_wrong_with_an_abbreviation_or_an_offset(chat):
    text = await chat.text(ALICE, "!tz EST")
    assert "'EST' is an abbreviation, not a place" in text and "summer time" in text
    text = await chat.text(ALICE, "!tz UTC+1")
    assert "'UTC+1' is an offset, not a place" in text and "a place at UTC+1 now" in text
    assert "sign is reversed" in await chat.text(ALICE, "!tz Etc/GMT+1")


async def test_tz_shows_a_zone_stored_before_places_were_required_with_a_hint(chat):
    await people.set_timezone(chat.store, ALICE, "EST")
    text = await chat.text(ALICE, "!tz")
    assert "Your time zone is EST" in text and "not a place" in text and "America/New_York" in text


# --- !next ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "morning", "evening"),
    [
        (None, None, None),
        ("America/Los_Angeles", "— 00:00 in Los Angeles", "— 09:00 in Los Angeles"),
        ("Asia/Tokyo", "— 17:00 in Tokyo", "— Friday 27 November 2026, 02:00 in Tokyo"),
    ],
)
async def test_next_in_utc_and_the_askers_zone(chat, zone, morning, evening):
    if zone:
        await chat.say(ALICE, f"!tz {zone}")
    lines = (await chat.text(ALICE, "!next")).splitlines()
    sessions = [line for line in lines if line.startswith("•")]
    assert len(sessions) == 2, "both slots"
    # the clock is Monday 23 November 12:00 UTC
    assert sessions[0].startswith("• Thursday 26 November 2026, 08:00 UTC")
    assert sessions[0].endswith("(in 2 days 20 hours)")
    assert sessions[1].startswith("• Thursday 26 November 2026, 17:00 UTC")
    assert sessions[1].endswith("(in 3 days 5 hours)")
    if zone:
        assert morning in sessions[0] and evening in sessions[1]
        assert zone not in "\n".join(lines), "zones are shown as places"
        # the date is said once when it is the same date there
        assert sessions[0].count("26 November 2026") == 1
    else:
        assert any("set your time zone with !tz" in line for line in lines)
    assert any("https://bbb.example.org/b/ccc" in line and "ccc" in line for line in lines)


async def test_next_shows_the_local_time_in_berlin_without_repeating_the_date(chat):
    await chat.say(ALICE, "!tz berlin")
    lines = (await chat.text(ALICE, "!next")).splitlines()
    sessions = [line for line in lines if line.startswith("•")]
    assert sessions[0].startswith("• Thursday 26 November 2026, 08:00 UTC — 09:00 in Berlin (")
    assert sessions[1].startswith("• Thursday 26 November 2026, 17:00 UTC — 18:00 in Berlin (")


async def test_next_shows_who_volunteered_to_host_each_session_without_pinging(chat):
    await people.remember_display_name(chat.store, ALICE, "Alice <b>A</b>")
    await people.remember_display_name(chat.store, BOB, "Bob")
    await chat.say(ALICE, "!host 2026-11-26 08:00")
    await chat.say(BOB, "!host 2026-11-26 08:00")
    reply = (await chat.say(HOST, "!next"))[0]
    lines = reply.text.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("• Thursday 26 November 2026, 08:00"))
    second = next(i for i, line in enumerate(lines) if line.startswith("• Thursday 26 November 2026, 17:00"))
    assert lines[first + 1].strip() == "Hosts: Alice <b>A</b> and Bob"
    assert lines[second + 1].strip() == "No host yet: volunteer with !host 2026-11-26 17:00"
    assert reply.mentions == () and "matrix.to" not in reply.html
    assert "<b>A</b>" not in reply.html, "display names are escaped"


async def test_next_hints_the_host_command_in_the_conference_zone(make_chat, make_config):
    chat = await make_chat(make_config(conference={"timezone": "Europe/Berlin"}))
    text = await chat.text(ALICE, "!next")
    assert "• Thursday 26 November 2026, 07:00 UTC" in text
    assert "No host yet: volunteer with !host 2026-11-26 08:00" in text


async def test_next_shows_no_host_line_for_a_cancelled_session(chat):
    await chat.say(ALICE, "!host 2026-11-26 08:00")
    await chat.say(ORGANISER, "!cancel 2026-11-26 08:00 holiday")
    text = await chat.text(BOB, "!next")
    assert "2026, 08:00 UTC" in text and "cancelled: holiday" in text
    assert "@alice" not in text, "a cancelled session needs no host"
    assert text.count("No host yet") == 2, "the evening and the next week's morning session"


async def test_next_marks_cancelled_sessions_and_shows_the_one_after(chat):
    await chat.say(ORGANISER, "!cancel 2026-11-26 08:00 Thanksgiving <b>break</b>")
    reply = (await chat.say(ALICE, "!next"))[0]
    sessions = [line for line in reply.text.splitlines() if line.startswith("•")]
    assert len(sessions) == 3
    assert "2026, 08:00 UTC" in sessions[0] and "cancelled: Thanksgiving <b>break</b>" in sessions[0]
    assert "26 November 2026, 17:00 UTC" in sessions[1] and "cancelled" not in sessions[1]
    assert "3 December 2026, 08:00 UTC" in sessions[2]
    assert "<b>break" not in reply.html


async def test_next_shows_a_running_session(chat):
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 1, tzinfo=dt.UTC))
    await chat.say(HOST, "!start")
    text = await chat.text(ALICE, "!next")
    assert "Session 2026-11-26 08:00 is running now" in text
    assert "• Thursday 26 November 2026, 17:00 UTC" in text


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


# --- !announce --------------------------------------------------------------------------


async def test_announce_posts_the_next_announcement_to_every_room_now(make_chat, make_config):
    other = "!other:example.org"
    chat = await make_chat(make_config(matrix={"rooms": [ROOM, other]}))
    assert "organisers only" in await chat.text(ALICE, "!announce")
    await chat.say(ORGANISER, "!cancel 2026-11-26 08:00")
    replies = await chat.say(ORGANISER, "!announce")
    assert [r.room_id for r in replies] == [None, other]
    for reply in replies:
        assert "Thursday 26 November 2026, 17:00 UTC" in reply.text, "the cancelled one is skipped"
        assert "https://bbb.example.org/b/ccc" in reply.text
        assert reply.key is None and reply.anchor is None
    assert await chat.store.fetchval("SELECT COUNT(*) FROM announcements") == 0, "not a scheduled one"


# --- !calendar --------------------------------------------------------------------------


def expand_ics(data: bytes, count: int) -> list[dt.datetime]:
    """The next `count` sessions an .ics describes, expanded independently of the bot."""
    import icalendar
    from dateutil.rrule import rrulestr

    cal = icalendar.Calendar.from_ical(data)
    starts: list[dt.datetime] = []
    for event in cal.walk("VEVENT"):
        dtstart = event.decoded("dtstart")
        rule = rrulestr(event["rrule"].to_ical().decode(), dtstart=dtstart)
        exdates = event.get("exdate", [])
        exdates = exdates if isinstance(exdates, list) else [exdates]
        excluded = {d.dt.astimezone(dt.UTC) for group in exdates for d in group.dts}
        found = []
        for occurrence in rule:
            when = occurrence.astimezone(dt.UTC)
            if when not in excluded:
                found.append(when)
            if len(found) == count:
                break
        starts += found
    return sorted(starts)[:count]


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin"])
async def test_calendar_gives_the_same_sessions_as_the_bot(make_chat, make_config, zone):
    chat = await make_chat(make_config(conference={"timezone": zone}), start=dt.datetime(2026, 3, 2, tzinfo=dt.UTC))
    await chat.say(ORGANISER, "!cancel 2026-03-12 17:00 strike")
    await chat.say(ORGANISER, "!cancel 2026-04-02")
    reply = (await chat.say(ALICE, "!calendar"))[0]
    assert reply.file.filename == "ccc.ics" and reply.file.mimetype == "text/calendar"
    import icalendar

    events = icalendar.Calendar.from_ical(reply.file.data).walk("VEVENT")
    assert len(events) == 2, "one VEVENT per slot"
    assert all(str(e["location"]) == "https://bbb.example.org/b/ccc" for e in events)
    cancels = await load_cancellations(chat.store)
    expected = [
        s.starts_at for s in upcoming_sessions(chat.services.config, chat.clock.now(), 14) if cancels.of(s) is None
    ][:10]
    assert len(expected) == 10
    # the Berlin slots cross the change to summer time on 29 March
    assert expand_ics(reply.file.data, 10) == expected


# --- a time typed the way people type it ------------------------------------------------
# The default slots are Thursdays 08:00 and 17:00 (UTC); the clock is Monday 23 November.


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("17:00:00", "17:00"),
        ("5pm", "17:00"),
        ("5 pm", "17:00"),
        ("5 p.m.", "17:00"),
        ("17.00", "17:00"),
        ("17h", "17:00"),
        ("1700", "17:00"),
        ("8am", "08:00"),
        ("at 8:00am", "08:00"),
        ("T17:00", "17:00"),
        ("17:00-18:00", "17:00"),
        ("17:00–18:30", "17:00"),
    ],
)
async def test_cancel_with_another_spelling_of_a_slot_says_how_to_write_it(chat, typed, meant):
    text = await chat.text(ORGANISER, f"!cancel 2026-12-10 {typed} team away")
    assert f"did you mean !cancel 2026-12-10 {meant} team away?" in text, text
    assert "Usage: !cancel" in text
    assert list(await load_cancellations(chat.store)) == [], "nothing is cancelled"


@pytest.mark.parametrize(
    "typed", ["5:30pm", "9am", "noon", "17h30", "25:00", "12.15", "midnight", "5 o'clock", "8", "17", "5 oclock"]
)
async def test_cancel_with_a_time_that_is_no_slot_is_refused_with_the_days_times(chat, typed):
    text = await chat.text(ORGANISER, f"!cancel 2026-12-10 {typed}")
    assert f"no session at {typed} on 2026-12-10" in text and "08:00 and 17:00" in text, text
    assert "did you mean" not in text and "Cancelled" not in text
    assert list(await load_cancellations(chat.store)) == [], "nothing is cancelled"


@pytest.mark.parametrize(
    "reason",
    ["holidays", "2 hosts are away", "5 amazing people are away", "at home", "24th: holidays", "17 hosts sick"],
)
async def test_a_reason_that_does_not_start_with_a_time_cancels_the_whole_day(chat, reason):
    text = await chat.text(ORGANISER, f"!cancel 2026-12-10 {reason}")
    assert f"Cancelled the whole day 2026-12-10: {reason}" in text, text
    assert [c.target for c in await load_cancellations(chat.store)] == ["2026-12-10"]


async def test_uncancel_with_a_time_as_people_type_it(chat):
    await chat.say(ORGANISER, "!cancel 2026-12-10")
    await chat.say(ORGANISER, "!cancel 2026-12-17 17:00")
    text = await chat.text(ORGANISER, "!uncancel 2026-12-17 17.00")
    assert "did you mean !uncancel 2026-12-17 17:00?" in text and "Usage: !uncancel" in text, text
    text = await chat.text(ORGANISER, "!uncancel 2026-12-10 5 pm")
    assert "did you mean !uncancel 2026-12-10 17:00?" in text, text
    text = await chat.text(ORGANISER, "!uncancel 2026-12-10 9am")
    assert "no session at 9am on 2026-12-10" in text and "08:00 and 17:00" in text, text
    assert "not a time" in await chat.text(ORGANISER, "!uncancel 2026-12-10 soon")
    assert sorted(c.target for c in await load_cancellations(chat.store)) == ["2026-12-10", "2026-12-17 17:00"]


async def test_host_with_a_time_as_people_type_it(chat):
    from bot.features.sessions import repository as sessions

    text = await chat.text(ALICE, "!host 2026-12-10 5pm")
    assert "did you mean !host 2026-12-10 17:00?" in text and "Usage: !host" in text, text
    text = await chat.text(ALICE, "!host 2026-12-10 17:00:00")
    assert "did you mean !host 2026-12-10 17:00?" in text, text
    for typed in ("5pm", "17:00", "thursday 17:00"):
        text = await chat.text(ALICE, f"!host {typed}")
        assert "is not a date (YYYY-MM-DD)" in text and "Usage: !host" in text, text
    text = await chat.text(ALICE, "!host 2026-12-10 9 am")
    assert "no session at 9 am on 2026-12-10" in text and "08:00 and 17:00" in text, text
    for key in ("2026-12-10 08:00", "2026-12-10 17:00", "2026-11-26 08:00", "2026-11-26 17:00"):
        assert await sessions.volunteers_of(chat.store, key) == [], key
    assert "volunteered to host session 2026-12-10 17:00" in await chat.text(ALICE, "!host 2026-12-10 17:00")


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


async def _calendar_events(chat) -> dict[str, dict]:
    """What a calendar app keeps of each event of `!calendar`, by UID."""
    import icalendar

    reply = (await chat.say(ALICE, "!calendar"))[0]
    out = {}
    for event in icalendar.Calendar.from_ical(reply.file.data).walk("VEVENT"):
        exdates = event.get("exdate", [])
        exdates = exdates if isinstance(exdates, list) else [exdates]
        out[str(event["uid"])] = {
            "dtstart": event.decoded("dtstart"),
            "sequence": int(event.get("sequence", 0)),
            "dtstamp": event.decoded("dtstamp"),
            "last-modified": event.decoded("last-modified") if "last-modified" in event else None,
            "exdate": sorted(d.dt.astimezone(dt.UTC) for group in exdates for d in group.dts),
        }
    return out


async def test_calendar_events_keep_their_uid_and_start_and_tell_each_change(chat):
    first = await _calendar_events(chat)
    assert len(first) == 2
    evening_uid = next(uid for uid, e in first.items() if e["dtstart"].hour == 17)
    assert {e["dtstart"].astimezone(dt.UTC) for e in first.values()} == {
        dt.datetime(2026, 11, 26, 8, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 11, 26, 17, 0, tzinfo=dt.UTC),
    }
    # A week later, after those sessions: the same events, from the same first session.
    chat.clock.advance(days=7)
    again = await _calendar_events(chat)
    assert {uid: e["dtstart"] for uid, e in again.items()} == {uid: e["dtstart"] for uid, e in first.items()}
    assert again == first, "nothing changed, so nothing a calendar app would update"

    text = await chat.text(ORGANISER, "!cancel 2026-12-10 5pm strike")
    assert "did you mean" in text
    assert await _calendar_events(chat) == first, "a refused command changes nothing"

    cancelled_at = chat.clock.now()
    await chat.say(ORGANISER, "!cancel 2026-12-10 17:00 strike")
    chat.clock.advance(hours=5)
    after_cancel = await _calendar_events(chat)
    evening = after_cancel[evening_uid]
    assert evening["exdate"] == [dt.datetime(2026, 12, 10, 17, 0, tzinfo=dt.UTC)]
    assert evening["dtstart"] == first[evening_uid]["dtstart"]
    assert evening["sequence"] > first[evening_uid]["sequence"]
    assert evening["last-modified"] == cancelled_at and evening["dtstamp"] == cancelled_at

    chat.clock.advance(days=1)
    restored_at = chat.clock.now()
    await chat.say(ORGANISER, "!uncancel 2026-12-10 17:00")
    chat.clock.advance(hours=5)
    after_uncancel = await _calendar_events(chat)
    evening = after_uncancel[evening_uid]
    assert evening["exdate"] == []
    assert evening["dtstart"] == first[evening_uid]["dtstart"]
    assert evening["sequence"] > after_cancel[evening_uid]["sequence"]
    assert evening["last-modified"] == restored_at and evening["dtstamp"] == restored_at

    await chat.say(ORGANISER, "!cancel 2026-12-17 winter break")
    after_day = await _calendar_events(chat)
    assert all(e["sequence"] > after_uncancel[uid]["sequence"] for uid, e in after_day.items())
    assert sorted(d for e in after_day.values() for d in e["exdate"]) == [
        dt.datetime(2026, 12, 17, 8, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 17, 17, 0, tzinfo=dt.UTC),
    ]


# --- dates from year 1 to 9999 in any zone ------------------------------------------------

DATE_COMMANDS = ("!host", "!unhost", "!cancel", "!uncancel")
# With daylight saving (New York, Berlin, Lord Howe's half hour), far ahead of or behind
# UTC (Kiritimati +14, Pago Pago -11), and with odd offsets (Kolkata, St John's).
ZONES = (
    "UTC",
    "America/New_York",
    "Europe/Berlin",
    "Australia/Lord_Howe",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "Asia/Kolkata",
    "America/St_Johns",
)
# Near midnight, and at 02:30 on Sundays, when the clocks change.
DATE_SLOTS = ["Thursday 08:00", "Friday 23:30", "Saturday 20:00", "Sunday 00:15", "Sunday 02:30", "Monday 00:00"]


def _date_command(command: str, day: dt.date, at: dt.time | None) -> str:
    return f"{command} {day.isoformat()}" + (f" {at:%H:%M}" if at is not None else "")


class DateChats:
    """One chat per conference zone, made when first needed and kept for the test, so
    state (offers, cancellations) builds up across examples as it would in a room."""

    def __init__(self, make_chat, make_config):
        self._make_chat, self._make_config, self._chats = make_chat, make_config, {}

    async def get(self, zone: str):
        if zone not in self._chats:
            config = self._make_config(conference={"timezone": zone, "slots": DATE_SLOTS})
            self._chats[zone] = await self._make_chat(config)
        return self._chats[zone]


@pytest.fixture
def date_chats(make_chat, make_config) -> DateChats:
    return DateChats(make_chat, make_config)


def _config_zone(name: str) -> bool:
    try:
        return parse_timezone(name) == name
    except ValueError:
        return False


# Every zone a config may name (pytz's common names, less the aliases config refuses).
CONFIG_ZONES = [z for z in pytz.common_timezones if _config_zone(z)]


async def _assert_answered(chat, command: str, day: dt.date, at: dt.time | None) -> str:
    """Send the command; no unexpected failure, and a date out of range is refused."""
    body = _date_command(command, day, at)
    sender = ORGANISER if command in ("!cancel", "!uncancel") else ALICE
    text = "\n".join(r.text for r in await chat.dispatcher.handle(chat_message(chat, sender, body)))
    assert "unexpectedly" not in text, (body, chat.services.config.conference.timezone, text)
    assert text, body
    allowed = planning_range(chat.services.config, chat.clock.now())
    if day in allowed:
        return f"{command}: in range, " + ("refused" if "Usage:" in text else "answered")
    why = "is in the past" if day < allowed.first else "is too far ahead"
    assert f"{day.isoformat()} {why}" in text and f"Usage: {command}" in text, (body, text)
    return f"{command}: out of range"


def chat_message(chat, sender: str, body: str) -> IncomingMessage:
    n = next(chat._ids)
    return IncomingMessage(sender=sender, room_id=ROOM, event_id=f"$date{n}", body=body, ts=chat.clock.now())


@pytest.mark.parametrize("zone", ZONES)
async def test_the_first_and_last_dates_python_knows_get_a_clear_answer_in_every_zone(date_chats, zone):
    chat = await date_chats.get(zone)
    for command in DATE_COMMANDS:
        for day in (dt.date.min, dt.date.min + dt.timedelta(days=1), dt.date.max - dt.timedelta(days=1), dt.date.max):
            for at in (None, dt.time(0, 0), dt.time(0, 15), dt.time(8, 0), dt.time(20, 0), dt.time(23, 30)):
                await _assert_answered(chat, command, day, at)
    assert list(await load_cancellations(chat.store)) == []


_MINUTES = st.builds(dt.time, st.integers(0, 23), st.integers(0, 59))


@st.composite
def _date_cases(draw):
    zone = draw(st.sampled_from(ZONES) | st.sampled_from(CONFIG_ZONES))
    now = draw(st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2100, 1, 1))).replace(tzinfo=dt.UTC)
    # Any date at all, or one near today, where the commands do their real work.
    near = now.date() + dt.timedelta(days=draw(st.integers(-3, 370)))
    day = draw(st.dates() | st.just(near))
    at = draw(st.none() | _MINUTES)
    return zone, now, draw(st.sampled_from(DATE_COMMANDS)), day, at


@settings(
    max_examples=int(os.environ.get("CCC_DATE_EXAMPLES", 300)),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=_date_cases())
@example(
    case=("America/New_York", dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC), "!host", dt.date(9999, 12, 31), dt.time(20))
)
@example(case=("UTC", dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC), "!host", dt.date(9999, 12, 30), dt.time(8)))
@example(case=("Pacific/Kiritimati", dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC), "!cancel", dt.date(1, 1, 1), None))
@example(case=("Asia/Kolkata", dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC), "!uncancel", dt.date(1, 1, 1), None))
async def test_no_date_from_year_1_to_9999_in_any_zone_makes_a_date_command_fail(date_chats, case):
    zone, now, command, day, at = case
    chat = await date_chats.get(zone)
    chat.clock.set(now)
    hypothesis.event(await _assert_answered(chat, command, day, at))


async def test_next_shows_a_session_waiting_for_its_host_with_the_link(chat):
    import datetime as dt

    chat.clock.set(dt.datetime(2026, 11, 26, 8, 5, tzinfo=dt.UTC))
    text = await chat.text(ALICE, "!next")
    waiting = next(line for line in text.splitlines() if "2026-11-26 08:00" in line)
    assert "began 5 minutes ago" in waiting and "waiting for a host" in waiting, text
    assert "!here" in text and "!host" in text and "access code" in text
    # It is the first thing said, before the sessions still to come.
    assert text.index("2026-11-26 08:00") < text.index("17:00 UTC")


async def test_next_lists_a_session_started_early_once(chat):
    import datetime as dt

    chat.clock.set(dt.datetime(2026, 11, 26, 7, 31, tzinfo=dt.UTC))
    assert "has started" in await chat.text(HOST, "!start")
    text = await chat.text(ALICE, "!next")
    assert "is running now" in text
    assert "Thursday 26 November 2026, 08:00 UTC" not in text, "the running session is not also listed as coming"
    assert "No host yet" not in text.split("17:00 UTC")[0]
    assert "Thursday 26 November 2026, 17:00 UTC" in text and "Thursday 3 December 2026, 08:00 UTC" in text
