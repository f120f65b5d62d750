"""Time zone names: validation and suggestions for near misses."""

from __future__ import annotations

import difflib
import functools

import pytz


@functools.cache
def _by_lower() -> dict[str, str]:
    return {name.lower(): name for name in pytz.common_timezones}


@functools.cache
def _by_city() -> dict[str, list[str]]:
    cities: dict[str, list[str]] = {}
    for name in pytz.common_timezones:
        city = name.rsplit("/", 1)[-1].lower()
        cities.setdefault(city, []).append(name)
    return cities


def is_valid(name: str) -> bool:
    return name in pytz.all_timezones_set


def suggest(text: str, n: int = 3) -> list[str]:
    """Likely meant zones for a name that is not valid as typed."""
    key = text.strip().lower().replace(" ", "_")
    if not key or len(key) > 64:
        return []
    if key in _by_lower():
        return [_by_lower()[key]]
    if key in _by_city():
        return _by_city()[key][:n]
    found = [_by_lower()[m] for m in difflib.get_close_matches(key, _by_lower(), n=n, cutoff=0.75)]
    for city in difflib.get_close_matches(key, _by_city(), n=n, cutoff=0.75):
        found.extend(z for z in _by_city()[city] if z not in found)
    return found[:n]
