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
from commands.dates import TypedTime, no_session_at, session_at_typed, session_name, sessions_on_day_in
from tests.conftest import ALICE, ORGANISER, ROOM

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
    from bot.features.sessions import repository

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
        assert await repository.volunteers_of(chat.store, key) == [], key
    assert "volunteered to host session 2026-12-10 17:00" in await chat.text(ALICE, "!host 2026-12-10 17:00")


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


def test_a_session_is_named_in_utc_and_in_the_askers_own_time(make_config):
    config = make_config()
    morning = session_from_key(config, "2026-12-10 08:00")
    evening = session_from_key(config, "2026-12-10 17:00")
    assert session_name(morning, None) == "2026-12-10 08:00 UTC"
    assert session_name(morning, "UTC") == "2026-12-10 08:00 UTC"
    assert session_name(morning, "Asia/Kolkata") == "2026-12-10 08:00 UTC (13:30 in Kolkata)"
    assert session_name(evening, "Pacific/Auckland") == "2026-12-10 17:00 UTC (Fri 11 Dec 06:00 in Auckland)"


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
