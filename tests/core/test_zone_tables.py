"""The hand-written tables about zones (bot/core/zone_tables.py) stay true to the tz data."""

from bot.core import zone_tables as tables
from bot.core.zone_data import places


def test_every_zone_named_in_the_tables_is_a_place():
    assert set(tables.WIDELY_USED) <= places()
    assert set(tables.PLACE_NAMES) <= places()
    assert len(set(tables.WIDELY_USED)) == len(tables.WIDELY_USED)


def test_ranked_puts_where_most_people_live_first():
    assert tables.ranked(["Europe/Berlin", "Europe/Busingen", "Asia/Kolkata"]) == (
        "Asia/Kolkata",
        "Europe/Berlin",
        "Europe/Busingen",
    )
    # Neither widely used: a country's main zone first, then by name.
    assert tables.ranked(["America/Boise", "America/Adak", "Europe/Zurich"])[0] == "Europe/Zurich"
