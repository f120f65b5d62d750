"""How long before a session a person may ask to be reminded: the bounds, the default,
and a lead as written (`15m`, `1h`, `1d`) read within them."""

from __future__ import annotations

import datetime as dt

from bot.core.weekly import format_duration, parse_duration

MIN_LEAD = dt.timedelta(minutes=5)
MAX_LEAD = dt.timedelta(days=2)
DEFAULT_LEAD = dt.timedelta(minutes=15)


def parse_lead(text: str) -> dt.timedelta:
    """A reminder's lead (`15m`, `1h`, `1d`), between MIN_LEAD and MAX_LEAD; ValueError
    saying why otherwise."""
    lead = parse_duration(text)
    if not MIN_LEAD <= lead <= MAX_LEAD:
        raise ValueError(
            f"{text!r} is out of bounds: a reminder comes {format_duration(MIN_LEAD)} to "
            f"{format_duration(MAX_LEAD)} before a session"
        )
    return lead
