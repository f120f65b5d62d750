"""What the tz data says, read from the zone files (bot/core/zone_data.py)."""

import bisect
import datetime as dt

import pytest
import pytz

from bot.core import zone_data as tz


def offset_at(name: str, instant: dt.datetime) -> dt.timedelta:
    """The offset the zone's file gives at a UTC instant (naive)."""
    data = tz.zone_data(name)
    if data.fixed:
        return data.clocks[0][0]
    return data.clocks[bisect.bisect_right(data.times, instant) - 1][0]


@pytest.mark.parametrize(
    "name", ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "America/Sao_Paulo", "UTC"]
)
def test_the_files_read_agree_with_pytz_at_every_instant(name: str):
    zone = pytz.timezone(name)
    instant = dt.datetime(1970, 1, 1, 0, 30)
    while instant < dt.datetime(2037, 1, 1):
        expected = dt.datetime(*instant.timetuple()[:6], tzinfo=dt.UTC).astimezone(zone).utcoffset()
        assert offset_at(name, instant) == expected, (name, instant)
        instant += dt.timedelta(days=11, hours=7)


def test_a_zone_with_one_clock_has_it_to_the_second_and_no_changes():
    assert tz.fixed_offset("Etc/GMT+1") == dt.timedelta(hours=-1)
    assert tz.fixed_offset("Etc/GMT-14") == dt.timedelta(hours=14)
    assert tz.fixed_offset("Europe/Berlin") is None
    assert tz.zone_data("UTC").clocks == ((dt.timedelta(0), False, "UTC"),)


def test_a_year_of_a_zone_gives_its_changes_and_abbreviations():
    clock, abbreviations = tz._year_of("Europe/Berlin", 2026)
    assert clock == (
        (dt.datetime(2026, 1, 1), dt.timedelta(hours=1)),
        (dt.datetime(2026, 3, 29, 1), dt.timedelta(hours=2)),
        (dt.datetime(2026, 10, 25, 1), dt.timedelta(hours=1)),
    )
    assert abbreviations == {"CET", "CEST"}
    assert "Europe/Berlin" in tz.abbreviations(2026)["CEST"]
    assert "Asia/Kolkata" in tz.abbreviations(2026)["IST"]


def test_old_names_lead_to_their_places():
    assert tz.places_for("Asia/Calcutta") == ["Asia/Kolkata"]
    assert tz.linked_place("America/Montreal") == "America/Toronto"
    assert tz.is_utc("Etc/UCT") and tz.is_utc("Zulu") and not tz.is_utc("GMT")
    assert tz.linked_place("EST5EDT") is None  # a clock, not a place, whatever tz links it to


def test_zones_named_for_their_clock_are_not_places():
    for name in ("EST", "MST", "HST", "CET", "MET", "EST5EDT", "Etc/GMT+1", "Factory"):
        assert tz.not_a_place(name), name
    assert not tz.not_a_place("Europe/Berlin")


def test_places_at_an_offset_and_with_the_same_clock():
    winter = dt.datetime(2026, 1, 15, tzinfo=dt.UTC)
    assert tz.at_offset(dt.timedelta(0), winter, 3)[0] == "UTC"
    assert "Europe/Berlin" in tz.at_offset(dt.timedelta(hours=1), winter, 20)
    assert tz.same_clock("EST5EDT", 2026)[0] == "America/New_York"


def test_a_file_that_is_not_tzif_is_refused():
    with pytest.raises(ValueError):
        tz._read_tzif(b"not a zone file, at all; longer than a header")
