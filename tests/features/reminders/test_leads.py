"""bot/features/reminders/leads.py: a reminder's lead as typed, within its bounds."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.features.reminders.leads import LeadOutOfBounds, NotALead, read_lead


@pytest.mark.parametrize(("text", "too_short"), [("4m", True), ("0m", True), ("3d", False), ("49 hours", False)])
def test_a_lead_out_of_bounds_is_refused_saying_which_way(text, too_short):
    with pytest.raises(LeadOutOfBounds) as refused:
        read_lead(text)
    assert refused.value.too_short is too_short


@pytest.mark.parametrize(("text", "lead"), [("5m", dt.timedelta(minutes=5)), ("2d", dt.timedelta(days=2))])
def test_the_bounds_themselves_are_allowed(text, lead):
    assert read_lead(text) == lead


@pytest.mark.parametrize(
    ("text", "lead"),
    [("1 hour", dt.timedelta(hours=1)), ("45 MINS", dt.timedelta(minutes=45)), (" 2 days ", dt.timedelta(days=2))],
)
def test_a_lead_may_be_spelled_out(text, lead):
    assert read_lead(text) == lead


@pytest.mark.parametrize("text", ["soon", "1 fortnight", "", "-5m"])
def test_what_is_no_length_of_time_is_not_a_lead(text):
    with pytest.raises(NotALead):
        read_lead(text)
