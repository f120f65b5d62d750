"""bot/core/typed_time.py: a time of day and a length of time, as people type them."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.typed_time import read_duration, read_time_of_day

# --- a time of day ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "typed", "time", "utc", "rest"),
    [
        ("8am", "8am", dt.time(8), False, ""),
        ("8 am", "8 am", dt.time(8), False, ""),
        ("8 a.m. sharp", "8 a.m.", dt.time(8), False, "sharp"),
        ("8:00", "8:00", dt.time(8), False, ""),
        ("08:00", "08:00", dt.time(8), False, ""),
        ("8", "8", dt.time(8), False, ""),
        ("08h00", "08h00", dt.time(8), False, ""),
        ("8h", "8h", dt.time(8), False, ""),
        ("17h30", "17h30", dt.time(17, 30), False, ""),
        ("noon", "noon", dt.time(12), False, ""),
        ("Noon, sorry", "Noon", dt.time(12), False, ", sorry"),
        ("midday", "midday", dt.time(12), False, ""),
        ("12pm", "12pm", dt.time(12), False, ""),
        ("12:30pm", "12:30pm", dt.time(12, 30), False, ""),
        ("5pm: party", "5pm", dt.time(17), False, ": party"),
        ("5 P.M. party", "5 P.M.", dt.time(17), False, "party"),
        ("5.30pm", "5.30pm", dt.time(17, 30), False, ""),
        ("17.00.", "17.00", dt.time(17), False, "."),
        ("17:00:00", "17:00:00", dt.time(17), False, ""),
        ("at 5:30pm", "5:30pm", dt.time(17, 30), False, ""),
        ("17:00 UTC", "17:00", dt.time(17), True, ""),
        ("5pm utc team away", "5pm", dt.time(17), True, "team away"),
        ("17:00UTC", "17:00", dt.time(17), True, ""),
        ("8 UTC", "8", dt.time(8), True, ""),
        ("00:00", "00:00", dt.time(0), False, ""),
    ],
)
def test_a_time_of_day_as_people_type_it(text, typed, time, utc, rest):
    found = read_time_of_day(text)
    assert found is not None
    assert (found.typed, found.time, found.utc, found.rest, found.plain) == (typed, time, utc, rest, True)


@pytest.mark.parametrize(
    ("text", "time", "rest"),
    [
        ("1700", dt.time(17), ""),
        ("1700hrs", dt.time(17), ""),
        ("T17:00", dt.time(17), ""),
        ("17:00-18:00 team away", dt.time(17), "team away"),
        ("5pm to 6pm", dt.time(17), ""),
    ],
)
def test_a_time_written_oddly_is_read_but_not_taken_as_it_is(text, time, rest):
    found = read_time_of_day(text)
    assert found is not None and (found.time, found.rest, found.plain) == (time, rest, False)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("12am", "'12am' is midnight, which could be the start or the end of a day: write 00:00 for the start"),
        ("midnight", "'midnight' could be the start or the end of a day"),
        ("25:00", "'25:00' is not a time of day: write it like 8am, 5.30pm, 17:00 or 17:00 UTC"),
        ("24:00", "'24:00' is not a time of day"),
        ("8:60", "'8:60' is not a time of day"),
        ("17:00:30", "'17:00:30' is not a time of day"),
        ("13pm", "'13pm' is not a time of day: am and pm go with hours 1 to 12"),
        ("0am", "'0am' is not a time of day"),
        ("13am", "'13am' is not a time of day"),
        ("5 o'clock", "could be morning or evening: write it like 8am"),
        ("30", "'30' is not a time of day"),
    ],
)
def test_what_looks_like_a_time_but_names_none_says_why(text, why):
    found = read_time_of_day(text)
    assert found is not None and found.time is None and not found.plain
    assert why in found.why, found.why


NOT_TIMES = ["holidays", "2 hosts away", "2 hrs of maintenance", "5 amazing people", "24th", "at home", "3rd week"]


@pytest.mark.parametrize("text", [*NOT_TIMES, "", "8:0", "17 hosts sick", "1h30m", "15 min before", "٠٨:00", "²:00"])
def test_not_a_time_of_day(text):
    assert read_time_of_day(text) is None


def test_a_bare_hour_before_words_only_where_the_command_says_so():
    assert read_time_of_day("8 30m") is None
    found = read_time_of_day("8 30m", hour_before_words=True)
    assert found is not None and (found.time, found.rest) == (dt.time(8), "30m")


@given(st.integers(0, 23), st.integers(0, 59), st.sampled_from(["", " UTC"]), st.sampled_from(["", " team away"]))
def test_every_hh_mm_is_itself(hour, minute, utc, rest):
    found = read_time_of_day(f"{hour:02d}:{minute:02d}{utc}{rest}")
    assert found is not None and found.plain
    assert (found.time, found.utc, found.rest) == (dt.time(hour, minute), bool(utc), rest.strip())


@given(st.integers(1, 12), st.integers(0, 59), st.sampled_from(["am", "pm", " am", " PM", "a.m.", " p.m."]))
def test_every_twelve_hour_time_but_midnight_is_the_same_as_on_a_24_hour_clock(hour, minute, half):
    found = read_time_of_day(f"{hour}:{minute:02d}{half}")
    assert found is not None
    pm = "p" in half.lower()
    if hour == 12 and not pm:
        assert found.time is None and "midnight" in found.why
    else:
        assert found.time == dt.time(hour % 12 + (12 if pm else 0), minute)


@given(st.text(max_size=30))
def test_any_text_is_read_or_not_without_failing(text):
    found = read_time_of_day(text)
    if found is not None:
        assert (found.time is None) == bool(found.why)
        assert found.rest == found.rest.strip()


# --- a length of time ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("1h30m", 90),
        ("1 h 30", 90),
        ("1h30", 90),
        ("1h 30min", 90),
        ("1 hour 30 minutes", 90),
        ("1 hour and 30 minutes", 90),
        ("1 hour, 30 minutes", 90),
        ("90 minutes", 90),
        ("90 min", 90),
        ("90 MINS", 90),
        ("15 min before", 15),
        ("15 minutes before", 15),
        ("15m", 15),
        ("an hour", 60),
        ("one hour", 60),
        ("half an hour", 30),
        ("half hour", 30),
        ("an hour and a half", 90),
        ("1.5 hours", 90),
        ("1,5h", 90),
        ("2 days", 2 * 1440),
        ("a day", 1440),
        ("1d", 1440),
        ("1d 2h", 1440 + 120),
        ("1w", 7 * 1440),
        ("0m", 0),
        (" 2 days ", 2 * 1440),
    ],
)
def test_a_length_of_time_as_people_type_it(text, minutes):
    assert read_duration(text) == dt.timedelta(minutes=minutes)


@pytest.mark.parametrize(
    "text", ["", "soon", "1y", "1 fortnight", "-5m", "30m 1h", "1h 1h", "1h,", "15", "min", "before", "an", "1 h 30 x"]
)
def test_what_is_no_length_of_time(text):
    assert read_duration(text) is None


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("5 minutos", 5),
        ("1 minuto", 1),
        ("5 min", 5),
        ("1 hora", 60),
        ("2 horas", 120),
        ("2 HORAS", 120),
        ("2 hs", 120),
        ("una hora", 60),
        ("uma hora", 60),
        ("media hora", 30),
        ("meia hora", 30),
        ("1 hora y media", 90),
        ("uma hora e meia", 90),
        ("1 hora y 30 minutos", 90),
        ("1 hora e 30 minutos", 90),
        ("1 hora 30", 90),
        ("1 día", 1440),
        ("1 dia", 1440),
        ("2 DÍAS", 2 * 1440),
        ("2 dias", 2 * 1440),
        ("un día", 1440),
        ("um dia", 1440),
        ("1 semana", 7 * 1440),
        ("2 semanas", 14 * 1440),
        ("15 minutos antes", 15),
        ("1 día y 2 horas", 1440 + 120),
    ],
)
def test_a_length_of_time_in_spanish_or_portuguese(text, minutes):
    assert read_duration(text) == dt.timedelta(minutes=minutes)


def test_seconds_in_spanish_or_portuguese():
    assert read_duration("30 segundos") == read_duration("30 seg") == dt.timedelta(seconds=30)


@pytest.mark.parametrize("text", ["5 minutosx", "semana", "2 horas 1 día", "1 hora y", "5 e", "diez minutos"])
def test_what_is_no_length_of_time_in_spanish_or_portuguese(text):
    assert read_duration(text) is None


def test_a_length_longer_than_any_can_be_is_the_longest_there_is():
    assert read_duration("99999999999999999999d") == dt.timedelta.max


@given(
    st.integers(0, 47),
    st.integers(0, 59),
    st.sampled_from(["{h}h{m}m", "{h}h {m}min", "{h} h {m}", "{h} hours {m} minutes"]),
)
def test_hours_and_minutes_in_any_spelling(hours, minutes, spelling):
    assert read_duration(spelling.format(h=hours, m=minutes)) == dt.timedelta(hours=hours, minutes=minutes)


@given(st.text(max_size=30))
def test_any_text_is_a_length_or_none_without_failing(text):
    found = read_duration(text)
    assert found is None or found >= dt.timedelta(0)


def test_a_time_is_said_back_as_typed_or_as_a_command_takes_it():
    utc = read_time_of_day("5 pm UTC stop")
    assert utc is not None and (utc.as_typed, utc.written, utc.rest) == ("5 pm UTC", "17:00 UTC", "stop")
    local = read_time_of_day("08h00")
    assert local is not None and (local.as_typed, local.written) == ("08h00", "08:00")
