"""The few pieces of CLDR (the locale data Babel ships) the bot writes with, per language:
day and month names for its date patterns, the units of its countdowns, cities' names for
time zones, and the names of the languages it speaks.

Babel loads a language's whole CLDR data (about 2 MB a language, with time-zone names for
every region) the first time any of it is asked for, and keeps it for good. So the pieces
the bot uses are looked up with Babel's public functions when the catalogs are compiled
(bot/devtools/catalogs.py writes `bot/locale/<locale>/cldr.json`) and read here from that
small file; what it lacks (a checkout not compiled, a pattern or a zone it was not made
for, a number of 1,000 or more) is asked of Babel as before. The texts are the same either
way: tests/core/test_cldr.py compares them with Babel's.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
FILE_NAME = "cldr.json"
# The numbers whose words are kept (their plural category and how they are written):
# a countdown's days, hours and minutes, a duration's hours in practice.
UNIT_NUMBERS = 1000
UNITS = ("day", "hour", "minute", "second")
# The date fields a kept pattern may use (other patterns are written by Babel).
DATE_FIELDS = frozenset(
    {"E", "EE", "EEE", "EEEE", "d", "dd", "M", "MM", "MMM", "MMMM", "y", "yyyy", "H", "HH", "m", "mm"}
)
_FIELD = re.compile(r"%\((\w+)\)s")


@dataclass(frozen=True)
class Pieces:
    """One language's pieces (see the module's doc)."""

    days: dict[str, list[str]]  # "wide"/"abbreviated": Monday first
    months: dict[str, list[str]]  # "wide"/"abbreviated": January first
    patterns: dict[str, str]  # a CLDR date pattern -> the same as a %-format of its fields
    plurals: dict[int, str]  # the plural category of each number below UNIT_NUMBERS not "other"
    units: dict[str, dict[str, str]]  # unit -> plural category -> '{0} días'
    zones: frozenset[str]  # the zones `cities` was made for
    cities: dict[str, str]  # zone -> its city's name, where it is not the zone's last part
    languages: dict[str, list[str]]  # a language's code -> its names in this language
    decimal: str  # the decimal separator: ',' in es and pt-BR

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Pieces:
        return cls(
            days=data["days"],
            months=data["months"],
            patterns=data["patterns"],
            plurals={int(n): category for n, category in data["plurals"].items()},
            units=data["units"],
            zones=frozenset(data["zones"]),
            cities=data["cities"],
            languages=data["languages"],
            decimal=data["decimal"],
        )


def path_of(locale: str, directory: Path = LOCALE_DIR) -> Path:
    return directory / locale / FILE_NAME


@functools.cache
def pieces(locale: str, directory: Path = LOCALE_DIR) -> Pieces | None:
    """The pieces of `locale` ('pt_BR'), read once; None if they were not made."""
    path = path_of(locale, directory)
    try:
        return Pieces.from_json(json.loads(path.read_text("utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        log.info("%s is missing or unreadable: Babel's whole CLDR data is used (make install makes it)", path)
        return None


def _field(at: dt.datetime, field: str, kept: Pieces) -> str:
    letter, width = field[0], len(field)
    if letter == "E":
        return kept.days["wide" if width == 4 else "abbreviated"][at.weekday()]
    if letter == "M" and width >= 3:
        return kept.months["wide" if width == 4 else "abbreviated"][at.month - 1]
    number = {"d": at.day, "M": at.month, "y": at.year, "H": at.hour, "m": at.minute}[letter]
    return f"{number:0{width}d}"


def date_format(pattern: str) -> str | None:
    """A CLDR date pattern as a %-format of its fields ('EEEE d MMMM' -> '%(EEEE)s
    %(d)s %(MMMM)s'), if it uses only fields written here; what the catalogs' compiling
    keeps."""
    from babel.dates import parse_pattern

    written = str(parse_pattern(pattern).format)  # the pattern as a %-format of its fields
    return written if set(_FIELD.findall(written)) <= DATE_FIELDS else None


def format_date(at: dt.datetime, pattern: str, locale: str) -> str:
    """`at` (as it is, in its own zone) written with a CLDR `pattern` in `locale`, as
    `babel.dates.format_datetime` writes it."""
    kept = pieces(locale)
    written = kept.patterns.get(pattern) if kept else None
    if kept is None or written is None:
        from babel.dates import format_datetime

        return format_datetime(at, pattern, locale=locale)
    return written % {field: _field(at, field, kept) for field in _FIELD.findall(written)}


def format_duration(n: int, unit: str, locale: str) -> str:
    """'2 días', '1 hora': `n` of a `unit` (day, hour, minute, second) in words, as
    `babel.units.format_unit(n, 'duration-<unit>', length='long')` writes it."""
    kept = pieces(locale)
    if kept is None or not 0 <= n < UNIT_NUMBERS or unit not in kept.units:
        from babel.units import format_unit

        return format_unit(n, f"duration-{unit}", length="long", locale=locale)
    patterns = kept.units[unit]
    return (patterns.get(kept.plurals.get(n, "other")) or patterns["other"]).format(str(n))


def format_tenths(value: float, locale: str) -> str:
    """`value` with one decimal ('2,5' in es), as `babel.numbers.format_decimal(value, '0.0')`
    writes it."""
    kept = pieces(locale)
    if kept is None:
        from babel.numbers import format_decimal

        return format_decimal(value, "0.0", locale=locale)
    return f"{value:.1f}".replace(".", kept.decimal)


def city(zone: str, locale: str) -> str:
    """The name CLDR gives the city of `zone` in `locale` ('Nueva York'), as
    `babel.dates.get_timezone_location(zone, locale, return_city=True)` gives it."""
    kept = pieces(locale)
    if kept is None or zone not in kept.zones:
        from babel.dates import get_timezone_location

        return get_timezone_location(zone, locale, return_city=True)
    return kept.cities.get(zone) or zone.rpartition("/")[2].replace("_", " ")


def language_names(language: str, said_in: str) -> list[str]:
    """The names of the language of `language` (a locale: 'pt_BR') in `said_in`'s
    ('portugués', 'portugués (Brasil)'): CLDR's name of its language, and of the locale."""
    kept = pieces(said_in)
    code = language.replace("_", "-")
    if kept is not None and code in kept.languages:
        return kept.languages[code]
    from babel import Locale

    locale, said = Locale.parse(language), Locale.parse(said_in)
    return [name for name in (said.languages.get(locale.language), locale.get_display_name(said)) if name]
