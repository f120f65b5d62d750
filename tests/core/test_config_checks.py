import datetime as dt

import pytest

from bot.core import config_checks as checks


def test_bounds_say_both_ends_and_the_unit():
    assert checks.between(0, 120, " minutes")(120) == 120
    with pytest.raises(ValueError, match=r"^121 is out of bounds \(0 to 120 minutes\)$"):
        checks.between(0, 120, " minutes")(121)


def test_a_lead_is_at_most_two_weeks():
    assert checks.lead("2w") == dt.timedelta(days=14)
    with pytest.raises(ValueError, match="too long before a session"):
        checks.lead("15d")


def test_listen_addresses_for_ipv4_ipv6_and_names():
    assert checks.split_listen("127.0.0.1:8080") == ("127.0.0.1", 8080)
    assert checks.split_listen("[::1]:9000") == ("::1", 9000)
    assert checks.split_listen("localhost:1") == ("localhost", 1)
    for bad in ("8080", "host:0", "[::1]", "a b:80"):
        with pytest.raises(ValueError):
            checks.split_listen(bad)


def test_public_url_loses_its_trailing_slash_and_may_be_empty():
    assert checks.public_url("https://ccc.example.org/") == "https://ccc.example.org"
    assert checks.public_url("") == ""
    with pytest.raises(ValueError):
        checks.public_url("https://ccc.example.org/?x=1")


def test_ids_prefix_and_trust():
    assert checks.user_id("@a:b.org") == "@a:b.org"
    assert checks.room_id("!abc") == "!abc"  # room version 12: no server name
    assert checks.room_id("#room:b.org") == "#room:b.org"
    for check, bad in ((checks.user_id, "a"), (checks.room_id, "room"), (checks.prefix, "!! "), (checks.trust, "x")):
        with pytest.raises(ValueError):
            check(bad)


def test_a_zone_is_a_place_and_an_old_name_becomes_the_place():
    assert checks.parse_timezone("Asia/Calcutta") == "Asia/Kolkata"
    with pytest.raises(ValueError, match="not a place"):
        checks.parse_timezone("EST")
