import datetime as dt

import pytest

from bot.core.timezones import Kind, canonical, format_offset, is_place, lookup, place_name

WINTER = dt.datetime(2026, 1, 15, 12, tzinfo=dt.UTC)
SUMMER = dt.datetime(2026, 7, 15, 12, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("zone", "place"),
    [
        ("UTC", "UTC"),
        ("America/New_York", "New York"),
        ("America/Sao_Paulo", "São Paulo"),
        ("Asia/Kolkata", "Kolkata"),
        ("Europe/Berlin", "Berlin"),
        ("America/Argentina/Buenos_Aires", "Buenos Aires"),
        ("America/St_Johns", "St. John's"),
        ("EST", "EST"),
    ],
)
def test_place_name(zone, place):
    assert place_name(zone) == place


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("new york", "America/New_York"),
        ("New_York", "America/New_York"),
        ("America/New York", "America/New_York"),
        ("Berlin, Germany", "Europe/Berlin"),
        ("berlin,germany", "Europe/Berlin"),
        ("São Paulo", "America/Sao_Paulo"),
        ("sao paulo", "America/Sao_Paulo"),
        ("KOLKATA", "Asia/Kolkata"),
        ("Calcutta", "Asia/Kolkata"),
        ("Kiev", "Europe/Kyiv"),
        ("US/Eastern", "America/New_York"),
        ("London, UK", "Europe/London"),
        ("New York, USA", "America/New_York"),
        ("Louisville, Kentucky", "America/Kentucky/Louisville"),
        ("India", "Asia/Kolkata"),
        ("Japan", "Asia/Tokyo"),
        ("utc", "UTC"),
        ("Z", "UTC"),
        ("Etc/UTC", "UTC"),
        ("  'Europe/Lisbon'  ", "Europe/Lisbon"),
    ],
)
def test_places_as_people_type_them_are_found(typed, zone):
    found = lookup(typed, WINTER)
    assert (found.kind, found.zone) == (Kind.PLACE, zone)


@pytest.mark.parametrize(
    ("abbreviation", "first", "also"),
    [
        # not only the examples: the mapping comes from what the tz data uses
        ("EST", "America/New_York", "America/Toronto"),
        ("EDT", "America/New_York", "America/Toronto"),
        ("CET", "Europe/Berlin", "Europe/Paris"),
        ("CEST", "Europe/Berlin", "Europe/Paris"),
        ("PDT", "America/Los_Angeles", "America/Vancouver"),
        ("AEST", "Australia/Sydney", "Australia/Melbourne"),
        ("IST", "Asia/Kolkata", "Asia/Jerusalem"),
        ("MSK", "Europe/Moscow", None),
        ("GMT", "UTC", "Europe/London"),
        ("BST", "Europe/London", None),
    ],
)
def test_abbreviations_offer_the_places_that_use_them(abbreviation, first, also):
    found = lookup(abbreviation, WINTER)
    assert found.kind is Kind.ABBREVIATION and found.zone is None
    assert found.suggestions[0] == first
    assert also is None or also in found.suggestions
    assert all(is_place(z) for z in found.suggestions)


def test_a_summer_abbreviation_is_known_in_winter_too():
    assert "Europe/Berlin" in lookup("cest", WINTER).suggestions
    assert "America/New_York" in lookup("EST", SUMMER).suggestions


@pytest.mark.parametrize(
    ("typed", "hours"),
    [
        ("UTC+1", 1),
        ("utc + 1", 1),
        ("GMT-3", -3),
        ("+02:00", 2),
        ("-0500", -5),
        ("UTC+5:30", 5.5),
        ("UTC\u22121", -1),
        ("Etc/GMT+1", -1),  # POSIX style: the sign is reversed
        ("Etc/GMT-14", 14),
        ("UTC+0", 0),
    ],
)
def test_offsets_are_not_places(typed, hours):
    found = lookup(typed, WINTER)
    assert found.kind is Kind.OFFSET and found.zone is None
    assert found.offset == dt.timedelta(hours=hours)


def test_an_offset_offers_the_places_at_it_now():
    assert "Europe/Berlin" in lookup("UTC+1", WINTER).suggestions
    assert "Europe/London" not in lookup("UTC+1", WINTER).suggestions
    assert "Europe/London" in lookup("UTC+1", SUMMER).suggestions
    assert "Europe/Berlin" not in lookup("UTC+1", SUMMER).suggestions
    assert lookup("UTC+0", WINTER).suggestions[0] == "UTC", "did you mean UTC?"
    assert "UTC" not in lookup("UTC+1", WINTER).suggestions
    assert lookup("Etc/GMT+1", WINTER).suggestions[0] == "Atlantic/Cape_Verde"


def test_zones_named_for_their_clock_are_not_places():
    found = lookup("EST5EDT", WINTER)
    assert found.kind is Kind.NOT_A_PLACE and found.suggestions[:2] == ("America/New_York", "America/Toronto")
    # tz links MET to Europe/Brussels now: the link is not followed to a place
    assert lookup("MET", WINTER).zone is None and canonical("MET") is None


@pytest.mark.parametrize(
    ("typed", "kind", "first"),
    [
        ("Germany", Kind.AMBIGUOUS, "Europe/Berlin"),
        ("Brazil", Kind.AMBIGUOUS, "America/Sao_Paulo"),
        ("Europe/Berln", Kind.UNKNOWN, "Europe/Berlin"),
        ("Sao Pualo", Kind.UNKNOWN, "America/Sao_Paulo"),
        ("Paris, Qwxyz", Kind.UNKNOWN, "Europe/Paris"),
        ("Qwxyz", Kind.UNKNOWN, None),
        ("UTC+25", Kind.UNKNOWN, None),
        ("x" * 100, Kind.UNKNOWN, None),
        ("", Kind.UNKNOWN, None),
    ],
)
def test_what_is_not_one_place_is_not_set(typed, kind, first):
    found = lookup(typed, WINTER)
    assert found.kind is kind and found.zone is None
    assert (found.suggestions[0] if found.suggestions else None) == first


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        # tz's links (old or merged names) lead to the zone they stand for, not to every
        # zone whose rules happen to be the same (Nassau shares Toronto's data)
        ("Montréal", "America/Toronto"),
        ("montreal", "America/Toronto"),
        ("MONTREAL, Canada", "America/Toronto"),
        ("America/Montreal", "America/Toronto"),
        ("Canada/Eastern", "America/Toronto"),
        ("Thunder Bay", "America/Toronto"),
        ("Rangoon", "Asia/Yangon"),
        ("Asia/Calcutta", "Asia/Kolkata"),
        ("Europe/Kiev", "Europe/Kyiv"),
        ("Saigon", "Asia/Ho_Chi_Minh"),
        # a place of its own stays itself, though tz links it to another's data
        ("Nassau", "America/Nassau"),
        ("Zagreb", "Europe/Zagreb"),
    ],
)
def test_old_and_merged_names_lead_to_the_zone_they_use(typed, zone):
    found = lookup(typed, WINTER)
    assert (found.kind, found.zone) == (Kind.PLACE, zone), found
    assert found.other_name is (zone not in ("America/Nassau", "Europe/Zagreb")), found


def test_a_zones_own_name_is_not_another_name():
    for typed in ("Toronto", "new york", "Berlin, Germany", "sao paulo", "Europe/Kyiv", "Indianapolis"):
        assert not lookup(typed, WINTER).other_name, typed


def test_canonical_is_strict_about_what_is_written():
    assert canonical("Europe/Berlin") == "Europe/Berlin"
    assert canonical("Asia/Calcutta") == "Asia/Kolkata"
    assert canonical("America/Montreal") == "America/Toronto"
    assert canonical("Iceland") == "Atlantic/Reykjavik", "the country, not the zone tz links it to for its data"
    assert canonical("Etc/UTC") == "UTC"
    for name in ("EST", "CET", "GMT", "Etc/GMT+1", "EST5EDT", "europe/berlin", "Berlin", "UTC+1"):
        assert canonical(name) is None, name


def test_format_offset():
    assert format_offset(dt.timedelta(hours=1)) == "UTC+1"
    assert format_offset(dt.timedelta(hours=-3)) == "UTC-3"
    assert format_offset(dt.timedelta(hours=5, minutes=30)) == "UTC+5:30"
    assert format_offset(dt.timedelta(hours=-9, minutes=-30)) == "UTC-9:30"


def test_a_city_the_tz_data_does_not_name_is_found_and_named():
    found = lookup("Brasilia", WINTER)
    assert (found.kind, found.zone, found.place, found.other_name) == (
        Kind.PLACE,
        "America/Sao_Paulo",
        "Brasília, Brazil",
        True,
    )
    found = lookup("Paris, Texas", WINTER)
    assert (found.zone, found.place) == ("America/Chicago", "Paris, Texas, United States")
    assert lookup("Sao Paolo", WINTER).zone == "America/Sao_Paulo", "GeoNames knows this spelling"
    found = lookup("São Paulo, Brasil", WINTER)
    assert (found.kind, found.zone, found.other_name) == (Kind.PLACE, "America/Sao_Paulo", False)


def test_namesakes_in_several_zones_are_choices_named_as_places():
    found = lookup("Portland", WINTER)
    assert found.kind is Kind.AMBIGUOUS
    assert found.suggestions[:2] == ("America/Los_Angeles", "America/New_York")
    assert found.choices[:2] == ("Portland, Oregon", "Portland, Maine")


def test_a_country_in_its_own_language_is_a_country():
    found = lookup("Brasil", WINTER)
    assert found.kind is Kind.AMBIGUOUS and found.suggestions[0] == "America/Sao_Paulo"
    assert found.choices == ()


def test_places_are_searched_only_for_what_is_no_tz_name_nor_country(monkeypatch):
    def no_search(typed):
        raise AssertionError(f"searched places for {typed!r}")

    monkeypatch.setattr("bot.core.timezones.places.find", no_search)
    for typed in ("Berlin", "Europe/Berlin", "Germany", "Kolkata, India", "EST", "UTC+1", "Paris"):
        lookup(typed, WINTER)


def test_when_places_cannot_be_searched_near_misses_are_offered(monkeypatch):
    monkeypatch.setattr("bot.core.timezones.places.find", lambda typed: None)
    assert lookup("Berlinn", WINTER).suggestions[0] == "Europe/Berlin"
    assert lookup("Brasilia", WINTER).kind is Kind.UNKNOWN
