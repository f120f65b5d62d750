"""The conference's week as people write it, in the config and in commands: weekdays,
weekly slots (`Thursday 08:00`) and durations before a session (`1d`, `15m`)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_DURATION_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_SLOT = re.compile(r"^\s*([A-Za-z]+)\s+(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class Slot:
    """A weekly slot: weekday (0 = Monday) and wall-clock time in the conference zone."""

    weekday: int
    time: dt.time

    def __str__(self) -> str:
        return f"{WEEKDAYS[self.weekday].capitalize()} {self.time:%H:%M}"


def parse_slot(text: str) -> Slot:
    """`Thursday 08:00` (weekday names may be abbreviated to three letters)."""
    m = _SLOT.match(text)
    if not m:
        raise ValueError(f"{text!r} is not a slot (expected 'Weekday HH:MM', e.g. 'Thursday 08:00')")
    name, hour, minute = m.group(1).lower(), int(m.group(2)), int(m.group(3))
    days = [i for i, day in enumerate(WEEKDAYS) if day == name or (len(name) >= 3 and day.startswith(name))]
    if len(days) != 1:
        raise ValueError(f"{text!r}: {m.group(1)!r} is not a weekday")
    if hour > 23 or minute > 59:
        raise ValueError(f"{text!r}: {hour:02d}:{minute:02d} is not a time of day")
    return Slot(days[0], dt.time(hour, minute))


def parse_duration(text: str) -> dt.timedelta:
    """`1d`, `15m`, `0m`, `2h`, `30s`, `1w`."""
    m = _DURATION.match(text)
    if not m:
        raise ValueError(f"{text!r} is not a duration (use a number and s, m, h, d or w: 15m, 1d)")
    try:
        return dt.timedelta(**{_DURATION_UNITS[m.group(2)]: int(m.group(1))})
    except (OverflowError, ValueError):  # more days than a timedelta holds, or digits
        raise ValueError(f"{text!r} is far too long") from None


def format_duration(delta: dt.timedelta) -> str:
    seconds = int(delta.total_seconds())
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0 and seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds // 60}m" if seconds % 60 == 0 else f"{seconds}s"
