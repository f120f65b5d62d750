"""What the tz data says about a zone: read from the files pytz ships (the zone files in
the TZif format of RFC 8536, and the tz source's links in tzdata.zi), never from pytz's
private attributes. Which zones are places, what an old name became, which zones keep
the same clock, which abbreviations a zone uses, and which places are at an offset."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import importlib.resources
import re
import struct
from dataclasses import dataclass

import pytz

from bot.core.zone_tables import AREAS, UTC, ranked

_EPOCH = dt.datetime(1970, 1, 1)
_HEADER = struct.Struct(">4s c 15x 6l")  # magic, version, then six counts (RFC 8536, 3.1)


@dataclass(frozen=True)
class ZoneData:
    """A zone's clock as its file says: since `times[i]` (UTC, naive; the first is
    datetime.min) it is `clocks[i]`: the offset (to the minute), whether it is summer time,
    the abbreviation. A zone that never changes has no times and one clock (its offset
    to the second)."""

    times: tuple[dt.datetime, ...]
    clocks: tuple[tuple[dt.timedelta, bool, str], ...]

    @property
    def fixed(self) -> bool:
        return not self.times


def _read_tzif(data: bytes) -> ZoneData:
    """The version 1 data block of a TZif file (its 32-bit part, as pytz reads it too),
    with pytz's reading of it: before the first change, the first standard time."""
    magic, _, _, _, _, count, type_count, char_count = _HEADER.unpack_from(data)
    if magic != b"TZif":
        raise ValueError("not a TZif file")
    at = _HEADER.size
    seconds = struct.unpack_from(f">{count}l", data, at)
    indices = list(data[at + 4 * count : at + 5 * count])
    at += 5 * count
    types = [struct.unpack_from(">lBB", data, at + 6 * i) for i in range(type_count)]
    names = data[at + 6 * type_count : at + 6 * type_count + char_count]
    infos = [(offset, bool(dst), _abbreviation(names, start)) for offset, dst, start in types]
    if len(infos) == 1 or count == 0:
        offset, dst, abbr = infos[0]
        return ZoneData((), ((dt.timedelta(seconds=offset), dst, abbr),))
    times = [_EPOCH + dt.timedelta(seconds=s) for s in seconds]
    standard = next(i for i, info in enumerate(infos) if not info[1])
    if infos[standard] == infos[indices[0]]:
        times[0] = dt.datetime.min
    else:
        times.insert(0, dt.datetime.min)
        indices.insert(0, standard)
    # Offsets to the nearest minute, as datetime wanted them when pytz was written.
    clocks = tuple((dt.timedelta(seconds=(infos[i][0] + 30) // 60 * 60), infos[i][1], infos[i][2]) for i in indices)
    return ZoneData(tuple(times), clocks)


def _abbreviation(names: bytes, start: int) -> str:
    end = names.find(b"\0", start)
    return names[start : end if end >= 0 else len(names)].decode("ascii")


@functools.cache
def zone_data(name: str) -> ZoneData:
    if name not in pytz.all_timezones_set:
        raise KeyError(name)
    return _read_tzif((importlib.resources.files("pytz") / "zoneinfo" / name).read_bytes())


@functools.cache
def places() -> frozenset[str]:
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


def linked_place(name: str) -> str | None:
    """The place a link that is not a place of its own leads to (following a chain of
    links), or None. Names for a clock (EST5EDT, CET) stay what they are, though tz now
    links some of them to a city."""
    if not_a_place(name):
        return None
    seen = {name}
    while name not in places() and name in _links():
        name = _links()[name]
        if name in seen:
            return None
        seen.add(name)
    return name if name in places() else None


def places_for(name: str) -> list[str]:
    """The place `name` is: itself, the place tz links it to, or else the places whose
    tz data is the same."""
    if name in places():
        return [name]
    linked = linked_place(name)
    return [linked] if linked is not None else same_rules(name)


@functools.cache
def _rules_groups() -> dict[ZoneData, tuple[str, ...]]:
    groups: dict[ZoneData, list[str]] = {}
    for name in pytz.all_timezones:
        groups.setdefault(zone_data(name), []).append(name)
    return {rules: tuple(names) for rules, names in groups.items()}


def same_rules(name: str) -> list[str]:
    """The places whose tz data is the same as `name`'s (what an old name became)."""
    return [z for z in _rules_groups().get(zone_data(name), ()) if z in places()]


def is_utc(name: str) -> bool:
    return bool(name) and UTC in _rules_groups().get(zone_data(name), ())


def fixed_offset(name: str) -> dt.timedelta | None:
    """The offset of a zone that keeps one all the time (Etc/GMT+1, GMT), else None."""
    data = zone_data(name)
    return data.clocks[0][0] if data.fixed else None


def not_a_place(name: str) -> bool:
    """EST5EDT, MET, HST, Etc/...: zones named for their clock, not for a place."""
    if name.startswith("Etc/") or any(c.isdigit() for c in name) or name == "Factory":
        return True
    # Newer tz data links MET to Europe/Brussels, so MET is no longer among the names
    # its own data uses: three or four capitals ending in T name a clock all the same.
    used = {abbr for _, _, abbr in zone_data(name).clocks}
    return name in used or re.fullmatch(r"[A-Z]{2,3}T", name) is not None


@functools.cache
def _year_of(name: str, year: int) -> tuple[tuple[tuple[dt.datetime, dt.timedelta], ...], frozenset[str]]:
    """A zone's clock over a year (its offset at the start and at each change) and the
    abbreviations it uses then."""
    data = zone_data(name)
    start, end = dt.datetime(year, 1, 1), dt.datetime(year + 1, 1, 1)
    if data.fixed:
        offset, _, abbr = data.clocks[0]
        return ((start, offset),), frozenset((abbr,))
    first = max(bisect.bisect_right(data.times, start) - 1, 0)
    last = max(bisect.bisect_left(data.times, end), first + 1)
    clock: list[tuple[dt.datetime, dt.timedelta]] = []
    for i in range(first, last):
        offset = data.clocks[i][0]
        if not clock or clock[-1][1] != offset:
            clock.append((max(data.times[i], start), offset))
    return tuple(clock), frozenset(abbr for _, _, abbr in data.clocks[first:last])


@functools.cache
def abbreviations(year: int) -> dict[str, tuple[str, ...]]:
    """Letter abbreviations ('EST', 'CEST', 'IST') and the places that use them in `year`."""
    found: dict[str, list[str]] = {}
    for zone in sorted(places()):
        for abbr in _year_of(zone, year)[1]:
            if abbr.isalpha():
                found.setdefault(abbr.upper(), []).append(zone)
    return {abbr: tuple(zones) for abbr, zones in found.items()}


def same_clock(name: str, year: int) -> tuple[str, ...]:
    """Places that keep the same clock as `name` through `year`."""
    clock = _year_of(name, year)[0]
    return ranked(z for z in places() if _year_of(z, year)[0] == clock)


def at_offset(offset: dt.timedelta, now: dt.datetime, n: int) -> tuple[str, ...]:
    """Places at `offset` now (UTC first, for offset zero)."""
    at = [z for z in places() if now.astimezone(pytz.timezone(z)).utcoffset() == offset]
    head = (UTC,) if offset == dt.timedelta(0) else ()
    return (head + ranked(at))[:n]
