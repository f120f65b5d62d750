"""Time zones as people name them: places (Area/City) and UTC.

A zone that is not a place (`EST`, `CET`, `UTC+1`, `Etc/GMT+1`) keeps one offset or one
set of rules all year, so a person who picks it sees times an hour off half the year. Such
a name is never taken: `lookup()` answers with the places it most likely stands for.
A place typed as people type it (`new york`, `Berlin, Germany`, `são paulo`, `Kolkata`,
`America/New York`) is found. An old or merged name (`Asia/Calcutta`, `Montréal`: tz
links America/Montreal to America/Toronto) leads to the zone tz links it to.

This module answers; what the tz data says is in bot/core/zone_data.py, how typed names
are matched in bot/core/zone_matching.py, the hand-written tables in bot/core/zone_tables.py.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

import pytz
from babel import Locale

from bot.core import cldr, places
from bot.core import zone_data as tz
from bot.core.zone_matching import by_key, by_part, countries, key, near_misses, zones_of
from bot.core.zone_tables import AREAS, PLACE_NAMES, UTC, UTC_WORDS, ranked

_OFFSET = re.compile(
    r"^(?:(?P<base>utc|gmt|etc/gmt|z)\s*)?(?P<sign>[+\-\u2212])\s*(?P<h>\d{1,2})(?:\s*[:.h]?\s*(?P<m>\d{2}))?$",
    re.IGNORECASE,
)
_QUOTES = "\"'“”‘’«»`"


class Kind(enum.StrEnum):
    PLACE = "place"  # found: `zone` is a place or UTC
    ABBREVIATION = "abbreviation"  # EST, CET, IST: suggestions are the places using it
    OFFSET = "offset"  # UTC+1, +02:00, Etc/GMT+1: suggestions are places at it now
    NOT_A_PLACE = "not a place"  # EST5EDT, MET: suggestions keep the same clock this year
    AMBIGUOUS = "ambiguous"  # Germany, Eastern: several places fit
    UNKNOWN = "unknown"  # suggestions are near misses, if any


@dataclass(frozen=True)
class Lookup:
    kind: Kind
    zone: str | None = None
    suggestions: tuple[str, ...] = ()
    offset: dt.timedelta | None = None  # what an offset means (Etc/GMT+1 is UTC-1)
    # The zone found is not what was typed by another name: an old name (Asia/Calcutta)
    # or a place that keeps another's time (Montréal uses America/Toronto).
    other_name: bool = False
    place: str | None = None  # the city found by its name ('Brasília, Brazil'), if one was
    # Ambiguous cities: how each suggestion is named ('Portland, Oregon'), else empty.
    choices: tuple[str, ...] = ()


def place_name(zone: str, locale: Locale | None = None) -> str:
    """How a person names a zone: 'New York', 'São Paulo', 'Kolkata'; 'UTC' stays. In
    another language than English (`locale`), as its CLDR data names the city ('Nueva
    York', 'Calcutá'), where it has the zone."""
    if locale is not None and locale.language != "en" and zone != UTC:
        city = cldr.city(zone, str(locale))
        if city and city != zone.rsplit("/", 1)[-1].replace("_", " "):
            return city
    if zone in PLACE_NAMES:
        return PLACE_NAMES[zone]
    if zone.split("/", 1)[0] not in AREAS:
        return zone
    return zone.rsplit("/", 1)[-1].replace("_", " ")


def is_place(zone: str) -> bool:
    """A zone to offer people: a place from tz's common list, or UTC."""
    return zone == UTC or zone in tz.places()


def canonical(name: str) -> str | None:
    """The place (or UTC) that the tz name `name`, as written, stands for without doubt:
    itself, or what an old name (`Asia/Calcutta`, `US/Eastern`) became; else None."""
    if name not in pytz.all_timezones_set:
        return None
    if name in tz.places() or name == UTC:
        return name
    if tz.is_utc(name):
        return UTC
    if tz.not_a_place(name):
        return None
    # A country's old name (Iceland, Japan) is its place, not whichever zone tz links it
    # to for sharing the same data (Iceland -> Africa/Abidjan).
    country = pytz.country_timezones.get(countries().get(key(name), ""), [])
    if len(country) == 1:
        return country[0]
    linked = tz.linked_place(name)
    if linked is not None:
        return linked
    same = tz.same_rules(name)
    return same[0] if len(same) == 1 else None


def format_offset(offset: dt.timedelta) -> str:
    """'UTC+1', 'UTC-3', 'UTC+5:30'."""
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{mins:02d}" if mins else "")


def lookup(text: str, now: dt.datetime | None = None, n: int = 4) -> Lookup:
    """What a person meant by `text`: a place to set, or why not and what to offer."""
    now = now or dt.datetime.now(dt.UTC)
    typed = text.strip().strip(_QUOTES).strip()
    folded = key(typed)
    if not folded or len(typed) > 64:
        return Lookup(Kind.UNKNOWN)
    if folded in UTC_WORDS or tz.is_utc(by_key().get(folded, "")):
        return Lookup(Kind.PLACE, UTC)
    offset = _offset(typed)
    if offset is not None:
        return Lookup(Kind.OFFSET, suggestions=tz.at_offset(offset, now, n), offset=offset)
    if re.fullmatch(r"[A-Za-z]{2,6}", typed) and typed.upper() in tz.abbreviations(now.year):
        using = tz.abbreviations(now.year)[typed.upper()]
        extra = (UTC,) if typed.upper() in ("GMT", "UT") else ()
        return Lookup(Kind.ABBREVIATION, suggestions=extra + ranked(using)[: n - len(extra)])
    name = by_key().get(folded)
    if name in tz.places():
        return Lookup(Kind.PLACE, name)
    city, _, qualifier = folded.partition(",")
    city, qualifier = city.strip(), qualifier.strip()
    if not qualifier and city in countries():
        return _one_or_some(pytz.country_timezones.get(countries()[city], []), n)
    if name is not None:
        found = _from_tz_name(name, now, n)
        return replace(found, other_name=True) if found.kind is Kind.PLACE and found.zone != name else found
    if city in by_part():
        zones = by_part()[city]
        if not qualifier:
            return _named(city, _one_or_some(zones, n))
        country = countries().get(qualifier)
        fits = [z for z in zones if country and z in zones_of(country)]
        fits += [z for z in zones if qualifier.split(" ")[0] in key(z).split("/")[:-1]]
        if fits:
            return _named(city, _one_or_some(list(dict.fromkeys(fits)), n))
        return _from_places(typed, n) or Lookup(Kind.UNKNOWN, suggestions=ranked(zones)[:n])
    return _from_places(typed, n) or Lookup(Kind.UNKNOWN, suggestions=tuple(near_misses(folded, n)))


# --- how a name is looked at --------------------------------------------------------


def _offset(typed: str) -> dt.timedelta | None:
    m = _OFFSET.match(typed)
    if not m:
        return None
    hours, minutes = int(m.group("h")), int(m.group("m") or 0)
    if hours > 14 or minutes >= 60:
        return None
    sign = -1 if m.group("sign") in "-\u2212" else 1
    if (m.group("base") or "").lower() == "etc/gmt":
        sign = -sign  # POSIX style: Etc/GMT+1 is an hour behind UTC
    return sign * dt.timedelta(hours=hours, minutes=minutes)


def _from_tz_name(name: str, now: dt.datetime, n: int) -> Lookup:
    offset = tz.fixed_offset(name)
    if offset is not None and (name.startswith("Etc/") or not tz.places_for(name)):
        return Lookup(Kind.OFFSET, suggestions=tz.at_offset(offset, now, n), offset=offset)
    if tz.not_a_place(name):
        return Lookup(Kind.NOT_A_PLACE, suggestions=tz.same_clock(name, now.year)[:n])
    return _one_or_some(tz.places_for(name), n)


def _from_places(typed: str, n: int) -> Lookup | None:
    """A city the tz data does not name ('Brasilia', 'Lyon', 'NYC'), its namesakes in
    several zones, or a country named in its own language ('Brasil'); None if none is."""
    found = places.find(typed)
    if found is None:
        return None
    if found.country is not None:
        zones = pytz.country_timezones.get(found.country, [])
        return _one_or_some(zones, n) if zones else None
    shown = [(place, zone) for place in found.places[:n] if (zone := canonical(place.zone)) is not None]
    if len(shown) == 1:
        place, zone = shown[0]
        own = key(place.name) in {key(zone.rsplit("/", 1)[-1]), key(place_name(zone))}
        return Lookup(Kind.PLACE, zone, place=place.label(), other_name=not own)
    if not shown:
        return None
    one_country = len({place.country for place, _ in shown}) == 1
    return Lookup(
        Kind.AMBIGUOUS,
        suggestions=tuple(zone for _, zone in shown),
        choices=tuple(place.label(with_country=not one_country) for place, _ in shown),
    )


def _named(city: str, found: Lookup) -> Lookup:
    """`found`, marked as found by another name when `city` is not the zone's own."""
    if found.kind is not Kind.PLACE or found.zone is None:
        return found
    own = {key(found.zone.rsplit("/", 1)[-1]), key(place_name(found.zone))}
    return found if city in own else replace(found, other_name=True)


def _one_or_some(zones: Iterable[str], n: int) -> Lookup:
    zones = list(zones)
    if len(zones) == 1:
        return Lookup(Kind.PLACE, zones[0])
    if not zones:
        return Lookup(Kind.UNKNOWN)
    return Lookup(Kind.AMBIGUOUS, suggestions=ranked(zones)[:n])
