"""How long before a session a person may ask to be reminded: the bounds, the default,
and a lead as typed (`15m`, `1 hour`, `2 days`) read within them."""

from __future__ import annotations

import datetime as dt
import re

from bot.core.weekly import parse_duration

MIN_LEAD = dt.timedelta(minutes=5)
MAX_LEAD = dt.timedelta(days=2)
DEFAULT_LEAD = dt.timedelta(minutes=15)

# `15m` as the config writes it, or spelled out: `1 hour`, `2 days`, `45 mins`.
_SPELLED = re.compile(r"([0-9]+)\s*(m|mins?|minutes?|h|hrs?|hours?|d|days?)", re.IGNORECASE)


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
    spelled = _SPELLED.fullmatch(typed.strip())
    try:
        lead = parse_duration(f"{spelled.group(1)}{spelled.group(2)[0].lower()}" if spelled else typed)
    except ValueError:
        raise NotALead(typed) from None
    if not MIN_LEAD <= lead <= MAX_LEAD:
        raise LeadOutOfBounds(lead)
    return lead
