"""The weekly slots expanded into sessions: their keys, their instants across daylight-saving
changes, the lookups by key and by day, and the dates commands take."""

import datetime as dt

import pytest

from bot.features.schedule.weekly_sessions import (
    local_time,
    planning_range,
    session_by_key,
    session_from_key,
    sessions_on,
)
from tests.helpers import upcoming_sessions

UTC = dt.UTC


def thursdays(first: dt.date, weeks: int) -> list[str]:
    """Keys of the default slots, written out by hand rather than by rrule."""
    out = []
    for week in range(weeks):
        day = first + dt.timedelta(weeks=week)
        out += [f"{day} 08:00", f"{day} 17:00"]
    return out


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # Wednesday night: both of Thursday's slots come first.
        (dt.datetime(2026, 11, 25, 23, 0, tzinfo=UTC), thursdays(dt.date(2026, 11, 26), 5)),
        # Thursday 08:05: the morning slot has begun, so the afternoon is next.
        (dt.datetime(2026, 11, 26, 8, 5, tzinfo=UTC), thursdays(dt.date(2026, 11, 26), 6)[1:11]),
        # Thursday 23:59: next week.
        (dt.datetime(2026, 11, 26, 23, 59, tzinfo=UTC), thursdays(dt.date(2026, 12, 3), 5)),
    ],
)
def test_next_ten_sessions(make_config, now, expected):
    sessions = upcoming_sessions(make_config(), now, 10)
    assert [s.key for s in sessions] == expected
    for s in sessions:
        local = dt.datetime.strptime(s.key, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
        assert s.starts_at == local, "in a UTC conference the key is the UTC time"
        assert s.starts_at > now


def test_berlin_slot_keeps_its_local_time_across_dst(make_config):
    config = make_config(conference={"timezone": "Europe/Berlin", "slots": ["Thursday 08:00"]})
    # Summer time starts on 29 March 2026 and ends on 25 October 2026.
    spring = upcoming_sessions(config, dt.datetime(2026, 3, 20, tzinfo=UTC), 3)
    assert [(s.key, s.starts_at.hour) for s in spring] == [
        ("2026-03-26 08:00", 7),  # CET, UTC+1
        ("2026-04-02 08:00", 6),  # CEST, UTC+2
        ("2026-04-09 08:00", 6),
    ]
    autumn = upcoming_sessions(config, dt.datetime(2026, 10, 16, tzinfo=UTC), 3)
    assert [(s.key, s.starts_at.hour) for s in autumn] == [
        ("2026-10-22 08:00", 6),
        ("2026-10-29 08:00", 7),
        ("2026-11-05 08:00", 7),
    ]
    assert all(s.starts_at.tzinfo is not None and s.starts_at.utcoffset() == dt.timedelta(0) for s in spring + autumn)


def test_slot_on_a_time_skipped_by_dst_moves_forward(make_config):
    config = make_config(conference={"timezone": "America/New_York", "slots": ["Sunday 02:30"]})
    # 8 March 2026 02:30 does not exist in New York (clocks jump 02:00 -> 03:00).
    session = upcoming_sessions(config, dt.datetime(2026, 3, 7, tzinfo=UTC), 1)[0]
    assert session.key == "2026-03-08 02:30"
    assert session.starts_at == dt.datetime(2026, 3, 8, 7, 30, tzinfo=UTC)  # 03:30 EDT


def test_session_by_key_accepts_only_configured_slots(make_config):
    config = make_config()
    session = session_by_key(config, "2026-11-26 17:00")
    assert session is not None and session.starts_at == dt.datetime(2026, 11, 26, 17, tzinfo=UTC)
    assert session_by_key(config, "2026-11-26 09:00") is None  # a Thursday, but no slot
    assert session_by_key(config, "2026-11-27 08:00") is None  # a Friday
    assert session_by_key(config, "2026-13-01 08:00") is None
    assert session_by_key(config, "tomorrow") is None


def test_sessions_on_a_day(make_config):
    config = make_config()
    assert [s.key for s in sessions_on(config, dt.date(2026, 11, 26))] == ["2026-11-26 08:00", "2026-11-26 17:00"]
    assert sessions_on(config, dt.date(2026, 11, 27)) == []


@pytest.mark.parametrize(
    ("zone", "now", "first", "last"),
    [
        ("UTC", dt.datetime(2026, 11, 23, 12, tzinfo=UTC), dt.date(2026, 11, 23), dt.date(2027, 11, 23)),
        # Already Thursday in Kiritimati (UTC+14), still Tuesday in Pago Pago (UTC-11).
        ("Pacific/Kiritimati", dt.datetime(2026, 11, 25, 12, tzinfo=UTC), dt.date(2026, 11, 26), dt.date(2027, 11, 26)),
        ("Pacific/Pago_Pago", dt.datetime(2026, 11, 25, 8, tzinfo=UTC), dt.date(2026, 11, 24), dt.date(2027, 11, 24)),
        # A year after 29 February is 28 February.
        ("UTC", dt.datetime(2028, 2, 29, 12, tzinfo=UTC), dt.date(2028, 2, 29), dt.date(2029, 2, 28)),
        # A clock in the year 9999 still has a range.
        ("UTC", dt.datetime(9999, 6, 1, tzinfo=UTC), dt.date(9999, 6, 1), dt.date.max),
    ],
)
def test_planning_range_is_today_in_the_conference_zone_to_a_year_ahead(make_config, zone, now, first, last):
    allowed = planning_range(make_config(conference={"timezone": zone}), now)
    assert (allowed.first, allowed.last) == (first, last)
    assert first in allowed and last in allowed
    assert first - dt.timedelta(days=1) not in allowed
    if last < dt.date.max:
        assert last + dt.timedelta(days=1) not in allowed


@pytest.mark.parametrize(
    ("zone", "key"),
    [("America/New_York", "9999-12-31 20:00"), ("Asia/Tokyo", "0001-01-01 08:00")],
)
def test_a_session_key_with_no_instant_python_can_hold_is_a_value_error(make_config, zone, key):
    config = make_config(conference={"timezone": zone, "slots": ["Friday 20:00", "Monday 08:00"]})
    with pytest.raises(ValueError, match="out of range"):
        session_from_key(config, key)
    assert session_by_key(config, key) is None


def test_a_time_is_shown_in_the_zone_asked_for():
    at = dt.datetime(2026, 7, 2, 6, 0, tzinfo=UTC)
    shown = local_time(at, "Europe/Berlin")
    assert (shown.hour, shown.utcoffset()) == (8, dt.timedelta(hours=2))
    assert shown == at
