import datetime as dt

import pytest

from bot.features.schedule.time_of_day import read_time_of_day


@pytest.mark.parametrize(
    ("text", "typed", "time", "rest"),
    [
        ("17:00", "17:00", dt.time(17), ""),
        ("8:00 late start", "8:00", dt.time(8), "late start"),
        ("17:00:00", "17:00:00", dt.time(17), ""),
        ("17.00.", "17.00", dt.time(17), "."),
        ("5pm: party", "5pm", dt.time(17), ": party"),
        ("5 P.M. party", "5 P.M.", dt.time(17), "party"),
        ("12am", "12am", dt.time(0), ""),
        ("12pm", "12pm", dt.time(12), ""),
        ("at 5:30pm", "5:30pm", dt.time(17, 30), ""),
        ("17h30", "17h30", dt.time(17, 30), ""),
        ("1700hrs", "1700hrs", dt.time(17), ""),
        ("Noon, sorry", "Noon", dt.time(12), ", sorry"),
        ("25:00", "25:00", None, ""),
        ("13am", "13am", None, ""),
    ],
)
def test_a_time_of_day_as_people_type_it(text, typed, time, rest):
    found = read_time_of_day(text)
    assert (found.typed, found.time, found.rest) == (typed, time, rest)


@pytest.mark.parametrize(
    "text", ["holidays", "2 hosts away", "2 hrs of maintenance", "5 amazing people", "24th", "at home", "3rd week", ""]
)
def test_not_a_time_of_day(text):
    assert read_time_of_day(text) is None
