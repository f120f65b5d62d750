"""A time of day as people type it after a date (`!cancel 2026-12-10 5pm`): read, so that
a command can take HH:MM and refuse any other way of writing a time rather than guess."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

# 17:00, 8:00, 17:00:00, 17.00, 5pm, 5 pm, 5 p.m., 5:30pm, 17h, 17h30, 1700, 1700h, noon,
# midnight, T17:00, 5 o'clock, optionally after "at" or "@"; a range (17:00-18:00) counts
# as its start. A number alone ("8") is a time nobody can tell the meaning of. A bare
# number before other words ("2 hosts") or a duration ("2 hrs") is not a time. It must
# end the word: "5 amazing" is no "5 am".
_TIME_OF_DAY = re.compile(
    r"""(?:(?:at|@)\s*)?T?
    (?P<typed>
        (?P<h12>\d{1,2})(?:[:.](?P<m12>\d{2}))?\s*(?P<half>[ap])\.?\s?m\.?
      | (?P<h>\d{1,2})[:.](?P<m>\d{2})(?::(?P<s>\d{2}))?
      | (?P<hh>\d{1,2})h(?P<mh>\d{2})?
      | (?P<h4>[01]\d|2[0-3])(?P<m4>[0-5]\d)(?:\s?h(?:rs?)?)?
      | (?P<hoc>\d{1,2})\s*o['’]?\s?clock
      | (?P<bare>\d{1,2})(?=\s*$)
      | (?P<word>noon|midday|midnight)
    )
    (?=$|[\s,;:!?)\-–—]|\.(?:\s|$))""",
    re.IGNORECASE | re.VERBOSE,
)
_RANGE_END = re.compile(r"\s*(?:-|–|—|to\b)\s*")
_NAMED_TIMES = {"noon": dt.time(12), "midday": dt.time(12), "midnight": dt.time(0)}


@dataclass(frozen=True)
class TimeOfDay:
    typed: str  # as written, e.g. '5 pm'
    time: dt.time | None  # None when it is no real time ('25:00')
    rest: str  # the text after it

    @property
    def canonical(self) -> bool:
        """Written the way commands take it: H:MM or HH:MM."""
        return self.time is not None and re.fullmatch(r"\d{1,2}:\d{2}", self.typed) is not None


def read_time_of_day(text: str) -> TimeOfDay | None:
    """The time of day `text` starts with, if it starts with something that looks like one."""
    text = text.strip()
    m = _TIME_OF_DAY.match(text)
    if m is None:
        return None
    g = m.groupdict()
    rest = text[m.end() :]
    # "17:00-18:00 team away": the range's end is part of the time, not of the reason.
    dash = _RANGE_END.match(rest)
    if dash and (end := _TIME_OF_DAY.match(rest[dash.end() :])) and not end.group("bare"):
        rest = rest[dash.end() + end.end() :]
    seconds = 0
    if g["bare"] or (g["hoc"] and int(g["hoc"]) <= 12):
        # "8" or "5 o'clock": morning or evening? Refused with the day's times, never guessed.
        return TimeOfDay(g["typed"], None, rest.strip())
    if g["word"]:
        hour, minute = _NAMED_TIMES[g["word"].lower()].hour, 0
    elif g["h12"]:
        hour, minute = int(g["h12"]), int(g["m12"] or 0)
        if g["half"].lower() == "a":
            hour = 0 if hour == 12 else hour if hour <= 12 else 99
        elif 1 <= hour < 12:
            hour += 12
        elif hour == 0:
            hour = 99
    else:
        hour = int(g["h"] or g["hh"] or g["h4"] or g["hoc"])
        minute = int(g["m"] or g["mh"] or g["m4"] or 0)
        seconds = int(g["s"] or 0)
    valid = hour < 24 and minute < 60 and seconds == 0
    return TimeOfDay(g["typed"], dt.time(hour, minute) if valid else None, rest.strip())
