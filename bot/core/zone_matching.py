"""Names of zones as people type them, matched to the tz names: case, accents, spaces and
punctuation don't count (`new york`, `são paulo`, `America/New York`); a part of a name
(`Kolkata`, `Indiana`), a country (`Germany`, `UK`) and a near miss (`Berlinn`) are found."""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata

import pytz

from bot.core.zone_data import places, places_for
from bot.core.zone_tables import AREAS, COUNTRY_WORDS


def key(text: str) -> str:
    """Case, accents, spaces, underscores and hyphens don't matter; dots and apostrophes go."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = re.sub(r"[.'’]", "", plain)
    plain = re.sub(r"[\s_\-]+", " ", plain)
    plain = re.sub(r"\s*([/,])\s*", r"\1", plain)
    return plain.replace(",", ", ").strip(" ,")


@functools.cache
def by_key() -> dict[str, str]:
    """Every tz name by its key; a place wins over an old name with the same key."""
    keys: dict[str, str] = {}
    for name in sorted(pytz.all_timezones, key=lambda z: z not in places()):
        keys.setdefault(key(name), name)
    return keys


@functools.cache
def by_part() -> dict[str, tuple[str, ...]]:
    """Places by each part of their name and of their old names: 'new york', 'calcutta',
    'indiana'."""
    parts: dict[str, list[str]] = {}
    for name in pytz.all_timezones:
        if name.split("/", 1)[0] not in AREAS:
            continue
        for part in name.split("/")[1:]:
            bucket = parts.setdefault(key(part), [])
            bucket.extend(z for z in places_for(name) if z not in bucket)
    return {part: tuple(zones) for part, zones in parts.items() if zones}


@functools.cache
def countries() -> dict[str, str]:
    """Country codes by the ways of naming the country: 'germany', 'korea south'."""
    names: dict[str, str] = dict(COUNTRY_WORDS)
    for code, name in pytz.country_names.items():
        names.setdefault(key(name), code)
        bare = re.sub(r"\s*\(.*\)", "", name)
        names.setdefault(key(bare), code)
    return names


def zones_of(country: str) -> set[str]:
    return set(pytz.country_timezones.get(country, []))


def near_misses(folded: str, n: int) -> list[str]:
    found: list[str] = []
    for match in difflib.get_close_matches(folded, by_key(), n=n, cutoff=0.85):
        found.extend(z for z in places_for(by_key()[match]) if z not in found)
    last = folded.rsplit("/", 1)[-1].split(",")[0]
    for match in difflib.get_close_matches(last, by_part(), n=n, cutoff=0.75):
        found.extend(z for z in by_part()[match] if z not in found)
    return found[:n]
