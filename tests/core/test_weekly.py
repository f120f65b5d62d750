import datetime as dt

import pytest

from bot.core.weekly import Slot, format_duration, parse_duration, parse_slot


def test_slot_and_duration_parsing():
    assert parse_slot("thu 17:30") == Slot(3, dt.time(17, 30))
    assert str(parse_slot("Thursday 8:00")) == "Thursday 08:00"
    assert parse_duration("1d") == dt.timedelta(days=1)
    assert parse_duration("0m") == dt.timedelta(0)
    for bad in ("15x", "m", "-5m", "1.5h"):
        with pytest.raises(ValueError):
            parse_duration(bad)


def test_a_duration_is_written_in_its_largest_whole_unit():
    assert [format_duration(parse_duration(text)) for text in ("1d", "15m", "0m", "120m", "90s", "14d")] == [
        "1d",
        "15m",
        "0m",
        "2h",
        "90s",
        "2w",
    ]
