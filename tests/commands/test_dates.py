"""The dates and times the planning commands take (commands/dates.py)."""

import datetime as dt
import os

import hypothesis
import pytest
import pytz
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.core.config_checks import parse_timezone
from bot.core.model import IncomingMessage
from bot.features.schedule.repository import load_cancellations
from bot.features.schedule.weekly_sessions import PLANNING_AHEAD, DateRange, planning_range, session_from_key
from commands.dates import (
    TypedTime,
    key_name,
    no_session_at,
    session_at_typed,
    session_name,
    sessions_on_day_in,
    typed_as,
    typed_utc,
)
from tests.conftest import ALICE, ORGANISER, ROOM

# --- a time typed the way people type it ------------------------------------------------
# The default slots are Thursdays 08:00 and 17:00 (UTC); the clock is Monday 23 November.


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("17:00:00", "17:00"),
        ("5 p.m.", "17:00"),
        ("17.00", "17:00"),
        ("at 8:00am", "08:00"),
        ("@ 5pm", "17:00"),
    ],
)
async def test_cancel_takes_more_spellings_of_a_slot(chat, typed, meant):
    text = await chat.text(ORGANISER, f"!cancel 2026-12-10 {typed} team away")
    assert f"Cancelled the session of Thursday 10 December, {meant} UTC: team away." in text, text


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("1700", "17:00"),
        ("T17:00", "17:00"),
        ("17:00-18:00", "17:00"),
        ("17:00–18:30", "17:00"),
        ("5pm to 6pm", "17:00"),
    ],
)
async def test_cancel_with_an_odd_spelling_of_a_slot_says_how_to_write_it(chat, typed, meant):
    text = await chat.text(ORGANISER, f"!cancel 2026-12-10 {typed} team away")
    assert f"did you mean !cancel 2026-12-10 {meant} team away?" in text, text
    assert "Usage: !cancel" in text
    assert list(await load_cancellations(chat.store)) == [], "nothing is cancelled"


@pytest.mark.parametrize(
    ("typed", "read"),
    [("5:30pm", "17:30"), ("9am", "09:00"), ("noon", "12:00"), ("17h30", "17:30"), ("12.15", "12:15")],
)
async def test_cancel_with_a_time_that_is_no_slot_is_refused_with_the_days_times(chat, typed, read):
    text = await chat.text(ORGANISER, f"!cancel 2026-12-10 {typed}")
    assert f"There is no session at {read} UTC on 2026-12-10; that day has 08:00 and 17:00 UTC." in text, text
    assert "Cancelled" not in text
    assert list(await load_cancellations(chat.store)) == [], "nothing is cancelled"


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("25:00", "'25:00' is not a time of day"),
        ("midnight", "'midnight' could be the start or the end of a day"),
        ("5 o'clock", "could be morning or evening"),
    ],
)
async def test_cancel_with_what_names_no_time_says_why_with_the_days_times(chat, typed, said):
    text = await chat.text(ORGANISER, f"!cancel 2026-12-10 {typed}")
    assert said in text and "2026-12-10 has sessions at 08:00 and 17:00 UTC. Nothing was changed." in text, text
    assert list(await load_cancellations(chat.store)) == [], "nothing is cancelled"


@pytest.mark.parametrize(
    "reason",
    ["holidays", "2 hosts are away", "5 amazing people are away", "at home", "24th: holidays", "19 hosts sick"],
)
async def test_a_reason_that_does_not_start_with_a_time_cancels_the_whole_day(chat, reason):
    text = await chat.text(ORGANISER, f"!cancel 2026-12-10 {reason}")
    assert f"Cancelled the whole day 2026-12-10: {reason}" in text, text
    assert [c.target for c in await load_cancellations(chat.store)] == ["2026-12-10"]


async def test_uncancel_with_a_time_as_people_type_it(chat):
    await chat.say(ORGANISER, "!cancel 2026-12-10")
    await chat.say(ORGANISER, "!cancel 2026-12-17 17:00")
    text = await chat.text(ORGANISER, "!uncancel 2026-12-17 1700")
    assert "did you mean !uncancel 2026-12-17 17:00?" in text and "Usage: !uncancel" in text, text
    text = await chat.text(ORGANISER, "!uncancel 2026-12-10 9am")
    assert "no session at 09:00 UTC on 2026-12-10" in text and "08:00 and 17:00" in text, text
    text = await chat.text(ORGANISER, "!uncancel 2026-12-10 soon")
    assert "TIME: 'soon' is not a time: write it like 8am, 5.30pm, 17:00 or 17:00 UTC" in text, text
    assert sorted(c.target for c in await load_cancellations(chat.store)) == ["2026-12-10", "2026-12-17 17:00"]
    assert "Restored the session of Thursday 17 December, 17:00 UTC" in await chat.text(
        ORGANISER, "!uncancel 2026-12-17 17.00"
    )
    assert "Restored the session of Thursday 10 December, 17:00 UTC" in await chat.text(
        ORGANISER, "!uncancel 2026-12-10 5 pm"
    )


async def test_host_with_a_time_as_people_type_it(chat):
    from bot.features.sessions import repository

    text = await chat.text(ALICE, "!host 2026-12-10 1700")
    assert "did you mean !host 2026-12-10 17:00?" in text and "Usage: !host" in text, text
    for typed in ("5pm", "17:00", "thursday 17:00"):
        text = await chat.text(ALICE, f"!host {typed}")
        assert "is not a date (YYYY-MM-DD)" in text and "Usage: !host" in text, text
    text = await chat.text(ALICE, "!host 2026-12-10 9 am")
    assert "no session at 09:00 UTC on 2026-12-10" in text and "08:00 and 17:00" in text, text
    for key in ("2026-12-10 08:00", "2026-12-10 17:00", "2026-11-26 08:00", "2026-11-26 17:00"):
        assert await repository.volunteers_of(chat.store, key) == [], key
    assert "volunteered to host the session of Thursday 10 December, 17:00" in await chat.text(
        ALICE, "!host 2026-12-10 17:00:00"
    )


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
    if command in ("!host", "!unhost"):  # a date in the asker's zone: Alice has none, so UTC
        allowed = _utc_range(chat.clock.now())
    if day in allowed:
        return f"{command}: in range, " + ("refused" if "Usage:" in text else "answered")
    why = "is in the past" if day < allowed.first else "is too far ahead"
    assert f"{day.isoformat()} {why}" in text and f"Usage: {command}" in text, (body, text)
    return f"{command}: out of range"


def _utc_range(now: dt.datetime) -> DateRange:
    today = now.astimezone(dt.UTC).date()
    try:
        return DateRange(today, today + PLANNING_AHEAD)
    except (ValueError, OverflowError):
        return DateRange(today, dt.date.max)


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


# --- a session's time in the asker's zone -------------------------------------------------


def test_a_session_is_named_for_people_in_utc_and_in_the_askers_own_time(make_config):
    config = make_config()
    morning = session_from_key(config, "2026-12-10 08:00")
    evening = session_from_key(config, "2026-12-10 17:00")
    now = dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)
    assert session_name(morning, None, now) == "Thursday 10 December, 08:00 UTC"
    assert session_name(morning, "UTC", now) == "Thursday 10 December, 08:00 UTC"
    assert session_name(morning, "Asia/Kolkata", now) == "Thursday 10 December, 08:00 UTC (13:30 in Kolkata)"
    assert (
        session_name(evening, "Pacific/Auckland", now)
        == "Thursday 10 December, 17:00 UTC (Fri 11 Dec 06:00 in Auckland)"
    )


def test_a_session_is_named_with_its_year_when_it_is_not_this_years(make_config):
    config = make_config()
    january = session_from_key(config, "2027-01-07 08:00")
    december = session_from_key(config, "2026-12-10 08:00")
    assert session_name(january, None, dt.datetime(2026, 12, 7, tzinfo=dt.UTC)) == "Thursday 7 January 2027, 08:00 UTC"
    assert (
        session_name(december, None, dt.datetime(2027, 1, 4, tzinfo=dt.UTC)) == "Thursday 10 December 2026, 08:00 UTC"
    )
    # Not knowing when it is read, the name says the year.
    assert session_name(december, "Asia/Kolkata") == "Thursday 10 December 2026, 08:00 UTC (13:30 in Kolkata)"
    assert key_name(config, "2026-12-10 08:00") == "Thursday 10 December 2026, 08:00 UTC"
    assert key_name(config, "2026-12-10 08:00", dt.datetime(2026, 12, 1, tzinfo=dt.UTC)) == (
        "Thursday 10 December, 08:00 UTC"
    )
    assert key_name(config, "before the bot") == "before the bot"


def test_a_session_is_typed_back_in_the_askers_zone_or_in_utc_for_everyone(make_config):
    config = make_config()
    morning = session_from_key(config, "2026-12-10 08:00")
    assert typed_as(morning.starts_at, None) == "2026-12-10 08:00"
    assert typed_as(morning.starts_at, "Asia/Kolkata") == "2026-12-10 13:30"
    assert typed_utc(morning) == "2026-12-10 08:00 UTC"


def test_a_time_typed_in_the_askers_zone_or_in_utc_finds_its_session(make_config):
    config = make_config()
    day = dt.date(2026, 12, 10)
    kolkata = session_at_typed(config, day, TypedTime(dt.time(13, 30), "Asia/Kolkata", ""))
    assert kolkata is not None and kolkata.key == "2026-12-10 08:00"
    utc = session_at_typed(config, day, TypedTime(dt.time(17, 0), None, ""))
    assert utc is not None and utc.key == "2026-12-10 17:00"
    assert session_at_typed(config, day, TypedTime(dt.time(8, 0), "Asia/Kolkata", "")) is None
    # In Auckland the evening session is on Friday.
    assert [s.key for s in sessions_on_day_in(config, dt.date(2026, 12, 11), "Pacific/Auckland")] == [
        "2026-12-10 17:00"
    ]
    on_day = sessions_on_day_in(config, day, "Asia/Kolkata")
    said = no_session_at(day, TypedTime(dt.time(8, 0), "Asia/Kolkata", ""), on_day)
    assert "13:30 and 22:30 there (08:00 and 17:00 UTC)" in said


# --- times as people write them, in every planning command ---------------------------------
# Thursday 2026-12-10 has sessions at 08:00 and 17:00 UTC: 13:30 and 22:30 in Kolkata,
# 05:00 and 14:00 in São Paulo.


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("8am", "2026-12-10 08:00"),
        ("8 am", "2026-12-10 08:00"),
        ("8:00", "2026-12-10 08:00"),
        ("08:00", "2026-12-10 08:00"),
        ("08h00", "2026-12-10 08:00"),
        ("8h", "2026-12-10 08:00"),
        ("5pm", "2026-12-10 17:00"),
        ("5 pm", "2026-12-10 17:00"),
        ("17:00 UTC", "2026-12-10 17:00"),
        ("5pm utc", "2026-12-10 17:00"),
    ],
)
async def test_cancel_host_and_unhost_take_a_time_as_people_write_it(chat, typed, key):
    from bot.features.sessions import repository

    name = f"the session of Thursday 10 December, {key[-5:]} UTC"
    text = await chat.text(ORGANISER, f"!cancel 2026-12-10 {typed} team away")
    assert f"Cancelled {name}: team away." in text, text
    assert f"Restored {name}" in await chat.text(ORGANISER, f"!uncancel 2026-12-10 {typed}")
    text = await chat.text(ALICE, f"!host 2026-12-10 {typed}")
    assert f"You volunteered to host {name}" in text, text
    assert await repository.volunteers_of(chat.store, key) == [ALICE]
    text = await chat.text(ALICE, f"!unhost 2026-12-10 {typed}")
    assert f"You no longer offer to host {name}" in text, text


async def test_an_hour_alone_is_that_hour_but_before_words_it_is_the_reason(chat):
    from bot.features.sessions import repository

    assert "Cancelled the session of Thursday 10 December, 08:00 UTC." in await chat.text(
        ORGANISER, "!cancel 2026-12-10 8"
    )
    assert "Cancelled the session of Thursday 17 December, 17:00 UTC." in await chat.text(
        ORGANISER, "!cancel 2026-12-17 17 UTC"
    )
    assert "Restored the session of Thursday 10 December, 08:00 UTC" in await chat.text(
        ORGANISER, "!uncancel 2026-12-10 8"
    )
    assert "You volunteered to host the session of Thursday 10 December, 08:00 UTC" in await chat.text(
        ALICE, "!host 2026-12-10 8"
    )
    assert await repository.volunteers_of(chat.store, "2026-12-10 08:00") == [ALICE]
    text = await chat.text(ORGANISER, "!cancel 2026-12-24 2 hosts sick")
    assert "Cancelled the whole day 2026-12-24: 2 hosts sick." in text, text


@pytest.mark.parametrize(("command", "who"), [("!cancel", ORGANISER), ("!host", ALICE), ("!late", ALICE)])
async def test_a_sessions_hour_before_words_is_asked_about_not_guessed(chat, command, who):
    text = await chat.text(who, f"{command} 2026-12-10 8 team away")
    first = text.splitlines()[0]
    assert f"'8 team away' starts with a number: for the 08:00 session, type {command} 2026-12-10 08:00 team away." in (
        first
    ), text
    assert ("For the whole day, start the reason with a word." in first) is (command == "!cancel"), text
    assert list(await load_cancellations(chat.store)) == [], "nothing is cancelled"


async def test_in_kolkata_a_time_is_theirs_unless_it_says_utc(chat):
    await chat.text(ORGANISER, "!tz Asia/Kolkata")
    text = await chat.text(ORGANISER, "!cancel 2026-12-10 1:30pm strike")
    assert "Cancelled the session of Thursday 10 December, 08:00 UTC (13:30 in Kolkata): strike." in text, text
    text = await chat.text(ORGANISER, "!cancel 2026-12-10 17:00 UTC strike")
    assert "Cancelled the session of Thursday 10 December, 17:00 UTC (22:30 in Kolkata): strike." in text, text
    assert "Restored the session of Thursday 10 December, 17:00 UTC" in await chat.text(
        ORGANISER, "!uncancel 2026-12-10 10.30 pm"
    )
    await chat.text(ALICE, "!tz Asia/Kolkata")
    text = await chat.text(ALICE, "!host 2026-12-10 10:30pm")
    assert "You volunteered to host the session of Thursday 10 December, 17:00 UTC (22:30 in Kolkata)" in text, text
    text = await chat.text(ALICE, "!host 2026-12-10 8")
    assert "There is no session at 08:00 (Kolkata time) on 2026-12-10; that day has 13:30 and 22:30" in text, text


async def test_in_sao_paulo_a_time_is_theirs_unless_it_says_utc(chat):
    from bot.features.sessions import repository

    await chat.text(ALICE, "!tz America/Sao_Paulo")
    text = await chat.text(ALICE, "!host 2026-12-10 2pm")
    assert "You volunteered to host the session of Thursday 10 December, 17:00 UTC (14:00 in São Paulo)" in text, text
    text = await chat.text(ALICE, "!host 2026-12-10 8am UTC")
    assert "You volunteered to host the session of Thursday 10 December, 08:00 UTC (05:00 in São Paulo)" in text, text
    assert await repository.volunteers_of(chat.store, "2026-12-10 08:00") == [ALICE]
    text = await chat.text(ALICE, "!unhost 2026-12-10 05h00")
    assert "You no longer offer to host the session of Thursday 10 December, 08:00 UTC (05:00 in São Paulo)" in text, (
        text
    )


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("12am", "'12am' is midnight"),
        ("midnight", "'midnight' could be the start or the end of a day"),
        ("25:00", "'25:00' is not a time of day"),
        ("13pm", "'13pm' is not a time of day"),
    ],
)
async def test_a_time_of_day_that_is_none_is_refused_in_one_line_saying_what_to_type(chat, typed, said):
    for command, who in (("!cancel", ORGANISER), ("!uncancel", ORGANISER), ("!host", ALICE), ("!unhost", ALICE)):
        text = await chat.text(who, f"{command} 2026-12-10 {typed}")
        first, usage = text.splitlines()
        assert said in first and "8am" in first and "17:00 UTC" in first, text
        assert usage.startswith(f"Usage: {command} YYYY-MM-DD") or usage.startswith(f"Usage: {command} [YYYY"), text
    assert list(await load_cancellations(chat.store)) == [], "nothing is cancelled"
