"""Time zones as people name them: places (Area/City) and UTC.

A zone that is not a place (`EST`, `CET`, `UTC+1`, `Etc/GMT+1`) keeps one offset or one
set of rules all year, so a person who picks it sees times an hour off half the year. Such
a name is never taken: `lookup()` answers with the places it most likely stands for.
A place typed as people type it (`new york`, `Berlin, Germany`, `são paulo`, `Kolkata`,
`America/New York`) is found. An old or merged name (`Asia/Calcutta`, `Montréal`: tz
links America/Montreal to America/Toronto) leads to the zone tz links it to.
"""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
import enum
import functools
import importlib.resources
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace

import pytz

UTC = "UTC"

# The first part of a zone that names a place (tz's continents and oceans).
AREAS = frozenset(
    ("Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")
)

# Ranking only (which candidates come first when several fit): zones where many people
# live, most people first. Which zones fit always comes from the tz data.
WIDELY_USED = (
    "Asia/Kolkata",
    "Asia/Shanghai",
    "America/New_York",
    "Asia/Jakarta",
    "America/Sao_Paulo",
    "Asia/Karachi",
    "Africa/Lagos",
    "Asia/Dhaka",
    "Europe/Moscow",
    "America/Mexico_City",
    "Asia/Tokyo",
    "Asia/Manila",
    "Africa/Cairo",
    "America/Chicago",
    "Asia/Tehran",
    "Asia/Bangkok",
    "Europe/Istanbul",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/London",
    "Europe/Rome",
    "Europe/Madrid",
    "America/Los_Angeles",
    "Asia/Seoul",
    "Africa/Johannesburg",
    "Africa/Nairobi",
    "America/Bogota",
    "America/Argentina/Buenos_Aires",
    "Europe/Kyiv",
    "Europe/Warsaw",
    "America/Lima",
    "America/Toronto",
    "Africa/Casablanca",
    "Asia/Riyadh",
    "Asia/Dubai",
    "Europe/Brussels",
    "America/Denver",
    "America/Santiago",
    "America/Caracas",
    "Europe/Bucharest",
    "Europe/Athens",
    "Australia/Sydney",
    "Australia/Melbourne",
    "America/Vancouver",
    "Europe/Lisbon",
    "Europe/Dublin",
    "Asia/Hong_Kong",
    "Asia/Singapore",
    "Asia/Jerusalem",
    "America/Phoenix",
    "Australia/Brisbane",
    "Australia/Perth",
    "Australia/Adelaide",
    "Pacific/Auckland",
    "America/Halifax",
    "Africa/Accra",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/St_Johns",
)

# How a place is written in English where the tz name leaves out accents or punctuation.
_PLACE_NAMES = {
    "America/Araguaina": "Araguaína",
    "America/Asuncion": "Asunción",
    "America/Bahia_Banderas": "Bahía de Banderas",
    "America/Belem": "Belém",
    "America/Bogota": "Bogotá",
    "America/Cancun": "Cancún",
    "America/Ciudad_Juarez": "Ciudad Juárez",
    "America/Cuiaba": "Cuiabá",
    "America/Curacao": "Curaçao",
    "America/Maceio": "Maceió",
    "America/Merida": "Mérida",
    "America/Santarem": "Santarém",
    "America/Sao_Paulo": "São Paulo",
    "America/St_Barthelemy": "St. Barthélemy",
    "America/St_Johns": "St. John's",
    "Antarctica/DumontDUrville": "Dumont d'Urville",
    "Asia/Ho_Chi_Minh": "Ho Chi Minh City",
    "Asia/Urumqi": "Ürümqi",
    "Atlantic/Reykjavik": "Reykjavík",
    "Europe/Chisinau": "Chișinău",
    "Indian/Reunion": "Réunion",
    "Pacific/Noumea": "Nouméa",
}

# Ways of naming a country that tz's list of names does not have.
_COUNTRY_WORDS = {
    "usa": "US",
    "united states of america": "US",
    "america": "US",
    "uk": "GB",
    "united kingdom": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "south korea": "KR",
    "holland": "NL",
}

# Names that mean UTC itself (besides the tz names that are UTC).
_UTC_WORDS = frozenset(("utc", "z", "zulu", "coordinated universal time"))

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


def place_name(zone: str) -> str:
    """How a person names a zone: 'New York', 'São Paulo', 'Kolkata'; 'UTC' stays."""
    if zone in _PLACE_NAMES:
        return _PLACE_NAMES[zone]
    if zone.split("/", 1)[0] not in AREAS:
        return zone
    return zone.rsplit("/", 1)[-1].replace("_", " ")


def is_place(zone: str) -> bool:
    """A zone to offer people: a place from tz's common list, or UTC."""
    return zone == UTC or zone in _places()


def canonical(name: str) -> str | None:
    """The place (or UTC) that the tz name `name`, as written, stands for without doubt:
    itself, or what an old name (`Asia/Calcutta`, `US/Eastern`) became; else None."""
    if name not in pytz.all_timezones_set:
        return None
    if name in _places() or name == UTC:
        return name
    if _is_utc(name):
        return UTC
    if _not_a_place(name):
        return None
    # A country's old name (Iceland, Japan) is its place, not whichever zone tz links it
    # to for sharing the same data (Iceland -> Africa/Abidjan).
    country = pytz.country_timezones.get(_countries().get(_key(name), ""), [])
    if len(country) == 1:
        return country[0]
    linked = _linked_place(name)
    if linked is not None:
        return linked
    same = _same_rules(name)
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
    folded = _key(typed)
    if not folded or len(typed) > 64:
        return Lookup(Kind.UNKNOWN)
    if folded in _UTC_WORDS or _is_utc(_by_key().get(folded, "")):
        return Lookup(Kind.PLACE, UTC)
    offset = _offset(typed)
    if offset is not None:
        return Lookup(Kind.OFFSET, suggestions=_at_offset(offset, now, n), offset=offset)
    if re.fullmatch(r"[A-Za-z]{2,6}", typed) and typed.upper() in _abbreviations(now.year):
        using = _abbreviations(now.year)[typed.upper()]
        extra = (UTC,) if typed.upper() in ("GMT", "UT") else ()
        return Lookup(Kind.ABBREVIATION, suggestions=extra + _ranked(using)[: n - len(extra)])
    name = _by_key().get(folded)
    if name in _places():
        return Lookup(Kind.PLACE, name)
    city, _, qualifier = folded.partition(",")
    city, qualifier = city.strip(), qualifier.strip()
    if not qualifier and city in _countries():
        return _one_or_some(pytz.country_timezones.get(_countries()[city], []), n)
    if name is not None:
        found = _from_tz_name(name, now, n)
        return replace(found, other_name=True) if found.kind is Kind.PLACE and found.zone != name else found
    if city in _by_part():
        zones = _by_part()[city]
        if not qualifier:
            return _named(city, _one_or_some(zones, n))
        country = _countries().get(qualifier)
        fits = [z for z in zones if country and z in _zones_of(country)]
        fits += [z for z in zones if qualifier.split(" ")[0] in _key(z).split("/")[:-1]]
        if fits:
            return _named(city, _one_or_some(list(dict.fromkeys(fits)), n))
        return Lookup(Kind.UNKNOWN, suggestions=_ranked(zones)[:n])
    return Lookup(Kind.UNKNOWN, suggestions=tuple(_near_misses(folded, n)))


# --- how a name is looked at --------------------------------------------------------


def _key(text: str) -> str:
    """Case, accents, spaces, underscores and hyphens don't matter; dots and apostrophes go."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = re.sub(r"[.'’]", "", plain)
    plain = re.sub(r"[\s_\-]+", " ", plain)
    plain = re.sub(r"\s*([/,])\s*", r"\1", plain)
    return plain.replace(",", ", ").strip(" ,")


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
    offset = _offset_zone(name)
    if offset is not None and (name.startswith("Etc/") or not _places_for(name)):
        return Lookup(Kind.OFFSET, suggestions=_at_offset(offset, now, n), offset=offset)
    if _not_a_place(name):
        return Lookup(Kind.NOT_A_PLACE, suggestions=_same_clock(name, now.year)[:n])
    return _one_or_some(_places_for(name), n)


def _named(city: str, found: Lookup) -> Lookup:
    """`found`, marked as found by another name when `city` is not the zone's own."""
    if found.kind is not Kind.PLACE or found.zone is None:
        return found
    own = {_key(found.zone.rsplit("/", 1)[-1]), _key(place_name(found.zone))}
    return found if city in own else replace(found, other_name=True)


def _one_or_some(zones: Iterable[str], n: int) -> Lookup:
    zones = list(zones)
    if len(zones) == 1:
        return Lookup(Kind.PLACE, zones[0])
    if not zones:
        return Lookup(Kind.UNKNOWN)
    return Lookup(Kind.AMBIGUOUS, suggestions=_ranked(zones)[:n])


def _ranked(zones: Iterable[str]) -> tuple[str, ...]:
    """Where most people live first, then a country's main zone, then by name."""
    first_of_country = {zs[0] for zs in pytz.country_timezones.values() if zs}
    order = {zone: i for i, zone in enumerate(WIDELY_USED)}
    return tuple(sorted(set(zones), key=lambda z: (order.get(z, len(order)), z not in first_of_country, z)))


def _near_misses(folded: str, n: int) -> list[str]:
    found: list[str] = []
    for match in difflib.get_close_matches(folded, _by_key(), n=n, cutoff=0.85):
        found.extend(z for z in _places_for(_by_key()[match]) if z not in found)
    last = folded.rsplit("/", 1)[-1].split(",")[0]
    for match in difflib.get_close_matches(last, _by_part(), n=n, cutoff=0.75):
        found.extend(z for z in _by_part()[match] if z not in found)
    return found[:n]


def _places_for(name: str) -> list[str]:
    """The place `name` is: itself, the place tz links it to, or else the places whose
    tz data is the same."""
    if name in _places():
        return [name]
    linked = _linked_place(name)
    return [linked] if linked is not None else _same_rules(name)


# --- what the tz data says ----------------------------------------------------------


@functools.cache
def _places() -> frozenset[str]:
    return frozenset(z for z in pytz.common_timezones if z.split("/", 1)[0] in AREAS)


@functools.cache
def _links() -> dict[str, str]:
    """tz's links, each old or merged name to the zone it now stands for
    (America/Montreal -> America/Toronto, Asia/Calcutta -> Asia/Kolkata), read from the
    tz source pytz ships (tzdata.zi, lines `L TARGET NAME`); empty if it has none."""
    try:
        text = (importlib.resources.files("pytz") / "zoneinfo" / "tzdata.zi").read_text(encoding="utf-8")
    except (OSError, ValueError):
        return {}
    links: dict[str, str] = {}
    for line in text.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[0] == "L":
            links[fields[2]] = fields[1]
    return links


def _linked_place(name: str) -> str | None:
    """The place a link that is not a place of its own leads to (following a chain of
    links), or None. Names for a clock (EST5EDT, CET) stay what they are, though tz now
    links some of them to a city."""
    if _not_a_place(name):
        return None
    seen = {name}
    while name not in _places() and name in _links():
        name = _links()[name]
        if name in seen:
            return None
        seen.add(name)
    return name if name in _places() else None


@functools.cache
def _by_key() -> dict[str, str]:
    """Every tz name by its key; a place wins over an old name with the same key."""
    keys: dict[str, str] = {}
    for name in sorted(pytz.all_timezones, key=lambda z: z not in _places()):
        keys.setdefault(_key(name), name)
    return keys


@functools.cache
def _by_part() -> dict[str, tuple[str, ...]]:
    """Places by each part of their name and of their old names: 'new york', 'calcutta',
    'indiana'."""
    parts: dict[str, list[str]] = {}
    for name in pytz.all_timezones:
        if name.split("/", 1)[0] not in AREAS:
            continue
        for part in name.split("/")[1:]:
            bucket = parts.setdefault(_key(part), [])
            bucket.extend(z for z in _places_for(name) if z not in bucket)
    return {part: tuple(zones) for part, zones in parts.items() if zones}


@functools.cache
def _countries() -> dict[str, str]:
    """Country codes by the ways of naming the country: 'germany', 'korea south'."""
    names: dict[str, str] = dict(_COUNTRY_WORDS)
    for code, name in pytz.country_names.items():
        names.setdefault(_key(name), code)
        bare = re.sub(r"\s*\(.*\)", "", name)
        names.setdefault(_key(bare), code)
    return names


def _zones_of(country: str) -> set[str]:
    return set(pytz.country_timezones.get(country, []))


def _rules(name: str) -> tuple[object, ...]:
    zone = pytz.timezone(name)
    # A zone with changes keeps them in private attributes that pytz's type stubs leave
    # out: checking for both tells the type checker that both are there.
    if hasattr(zone, "_utc_transition_times") and hasattr(zone, "_transition_info"):
        return (tuple(zone._utc_transition_times), tuple(zone._transition_info))
    return ("static", zone.utcoffset(dt.datetime(2000, 1, 1)), zone.tzname(dt.datetime(2000, 1, 1)))


@functools.cache
def _rules_groups() -> dict[tuple[object, ...], tuple[str, ...]]:
    groups: dict[tuple[object, ...], list[str]] = {}
    for name in pytz.all_timezones:
        groups.setdefault(_rules(name), []).append(name)
    return {rules: tuple(names) for rules, names in groups.items()}


def _same_rules(name: str) -> list[str]:
    """The places whose tz data is the same as `name`'s (what an old name became)."""
    return [z for z in _rules_groups().get(_rules(name), ()) if z in _places()]


def _is_utc(name: str) -> bool:
    return bool(name) and UTC in _rules_groups().get(_rules(name), ())


def _offset_zone(name: str) -> dt.timedelta | None:
    """The fixed offset of a zone that has one (Etc/GMT+1, GMT), else None."""
    zone = pytz.timezone(name)
    if hasattr(zone, "_utc_transition_times"):
        return None
    return zone.utcoffset(dt.datetime(2000, 1, 1))


def _not_a_place(name: str) -> bool:
    """EST5EDT, MET, HST, Etc/...: zones named for their clock, not for a place."""
    if name.startswith("Etc/") or any(c.isdigit() for c in name) or name == "Factory":
        return True
    # Newer tz data links MET to Europe/Brussels, so MET is no longer among the names
    # its own data uses: three or four capitals ending in T name a clock all the same.
    return name in _names_used(name) or re.fullmatch(r"[A-Z]{2,3}T", name) is not None


def _window(year: int) -> tuple[dt.datetime, dt.datetime]:
    return dt.datetime(year, 1, 1), dt.datetime(year + 1, 1, 1)


@functools.cache
def _year_of(name: str, year: int) -> tuple[tuple[tuple[dt.datetime, dt.timedelta], ...], frozenset[str]]:
    """A zone's clock over a year (its offset at the start and at each change) and the
    abbreviations it uses then."""
    zone = pytz.timezone(name)
    start, end = _window(year)
    if not (hasattr(zone, "_utc_transition_times") and hasattr(zone, "_transition_info")):
        offset, abbr = zone.utcoffset(start), zone.tzname(start)
        return ((start, offset),), frozenset((abbr,))
    times, infos = zone._utc_transition_times, zone._transition_info
    first = max(bisect.bisect_right(times, start) - 1, 0)
    last = bisect.bisect_left(times, end)
    clock: list[tuple[dt.datetime, dt.timedelta]] = []
    for i in range(first, max(last, first + 1)):
        offset = infos[i][0]
        if not clock or clock[-1][1] != offset:
            clock.append((max(times[i], start), offset))
    return tuple(clock), frozenset(info[2] for info in infos[first : max(last, first + 1)])


def _names_used(name: str) -> frozenset[str]:
    zone = pytz.timezone(name)
    if not hasattr(zone, "_transition_info"):
        return frozenset((zone.tzname(dt.datetime(2000, 1, 1)),))
    return frozenset(info[2] for info in zone._transition_info)


@functools.cache
def _abbreviations(year: int) -> dict[str, tuple[str, ...]]:
    """Letter abbreviations ('EST', 'CEST', 'IST') and the places that use them in `year`."""
    found: dict[str, list[str]] = {}
    for zone in sorted(_places()):
        for abbr in _year_of(zone, year)[1]:
            if abbr.isalpha():
                found.setdefault(abbr.upper(), []).append(zone)
    return {abbr: tuple(zones) for abbr, zones in found.items()}


def _same_clock(name: str, year: int) -> tuple[str, ...]:
    """Places that keep the same clock as `name` through `year`."""
    clock = _year_of(name, year)[0]
    return _ranked(z for z in _places() if _year_of(z, year)[0] == clock)


def _at_offset(offset: dt.timedelta, now: dt.datetime, n: int) -> tuple[str, ...]:
    """Places at `offset` now (UTC first, for offset zero)."""
    at = [z for z in _places() if now.astimezone(pytz.timezone(z)).utcoffset() == offset]
    head = (UTC,) if offset == dt.timedelta(0) else ()
    return (head + _ranked(at))[:n]
