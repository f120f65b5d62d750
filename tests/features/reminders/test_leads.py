"""bot/features/reminders/leads.py: a reminder's lead as written, within its bounds."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.features.reminders.leads import parse_lead


@pytest.mark.parametrize("text", ["4m", "3d", "0m"])
def test_a_lead_out_of_bounds_is_refused_saying_the_bounds(text):
    with pytest.raises(ValueError, match="5m to 2d before a session"):
        parse_lead(text)


@pytest.mark.parametrize(("text", "lead"), [("5m", dt.timedelta(minutes=5)), ("2d", dt.timedelta(days=2))])
def test_the_bounds_themselves_are_allowed(text, lead):
    assert parse_lead(text) == lead
