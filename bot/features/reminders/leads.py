"""How long before a session a person may ask to be reminded: the bounds, the default,
and a lead as typed (`15m`, `1h30m`, `half an hour`, `2 days before`) read within them."""

from __future__ import annotations

import datetime as dt

from bot.core.typed_time import read_duration

MIN_LEAD = dt.timedelta(minutes=5)
MAX_LEAD = dt.timedelta(days=2)
DEFAULT_LEAD = dt.timedelta(minutes=15)


class NotALead(ValueError):
    """What was typed is no length of time."""


class LeadOutOfBounds(ValueError):
    """A length of time, but shorter than MIN_LEAD or longer than MAX_LEAD."""

    def __init__(self, lead: dt.timedelta):
        super().__init__(lead)
        self.too_short = lead < MIN_LEAD


def read_lead(typed: str) -> dt.timedelta:
    """The lead `typed` names, between MIN_LEAD and MAX_LEAD; NotALead or LeadOutOfBounds
    otherwise."""
    lead = read_duration(typed)
    if lead is None:
        raise NotALead(typed)
    if not MIN_LEAD <= lead <= MAX_LEAD:
        raise LeadOutOfBounds(lead)
    return lead
