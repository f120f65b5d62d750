"""Names of zones as people type them (bot/core/zone_matching.py)."""

from bot.core import zone_matching as matching


def test_case_accents_spaces_and_punctuation_do_not_count():
    assert matching.key("São Paulo") == matching.key("sao_paulo") == "sao paulo"
    assert matching.key("America/New York") == "america/new york"
    assert matching.key("St. John's") == "st johns"
    assert matching.key("Berlin ,Germany") == "berlin, germany"


def test_tz_names_by_key_prefer_places():
    assert matching.by_key()["america/new york"] == "America/New_York"
    assert matching.by_key()["asia/calcutta"] == "Asia/Calcutta"


def test_parts_of_names_and_old_names_lead_to_places():
    assert matching.by_part()["kolkata"] == ("Asia/Kolkata",)
    assert matching.by_part()["calcutta"] == ("Asia/Kolkata",)
    assert "America/Indiana/Indianapolis" in matching.by_part()["indiana"]


def test_countries_by_their_names():
    assert matching.countries()["germany"] == "DE"
    assert matching.countries()["uk"] == "GB"
    assert "Europe/Berlin" in matching.zones_of("DE")


def test_near_misses():
    assert matching.near_misses("berlinn", 4)[0] == "Europe/Berlin"
    assert matching.near_misses("qqqqqq", 4) == []
