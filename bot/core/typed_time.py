"""A time of day and a length of time as people type them in chat, read in one place for
every command that takes one (`!remind`, `!host`, `!unhost`, `!late`, `!cancel`,
`!uncancel`): `8am`, `8 am`, `8:00`, `08h00`, `8`, `noon`, `5.30pm`, `17:00 UTC`; `1h30m`,
`1 h 30`, `90 min`, `15 minutes before`, `half an hour`, `2 days`.

Hand-written and strict rather than a date parser's guess: python-dateutil reads `8` as a
day, `5.30pm` as 17:00 and `13pm` as 13:00, knows no `noon`, and takes `17:00 UTC` as the
machine's zone; dateparser reads `8h` as eight hours ago, `1 h 30` as one hour, takes
`12am` and `midnight` without a word, misses `half an hour`, and neither says where a
time ends and the reason after it begins. What looks like a time but names none
(`25:00`, `13pm`, `midnight`) is read too, so that a command refuses it saying why rather
than take it for words."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from fractions import Fraction

from bot.core.i18n import N_, Translator, english

# What follows a time must end it: "5 amazing" is no "5 am", "24th" no time.
_END = r"(?=$|[\s,;:!?)\-–—]|\.(?:\s|$)|utc\b)"
_TIME_OF_DAY = re.compile(
    rf"""(?P<at>(?:at|@)\s*)?(?P<iso>T)?
    (?P<typed>
        (?P<h12>\d{{1,2}})(?:[:.](?P<m12>\d{{2}}))?\s*(?P<half>[ap])\.?\s?m\.?
      | (?P<h>\d{{1,2}})[:.](?P<m>\d{{2}})(?::(?P<s>\d{{2}}))?
      | (?P<hh>\d{{1,2}})h(?P<mh>\d{{2}})?
      | (?P<h4>[01]\d|2[0-3])(?P<m4>[0-5]\d)(?:\s?h(?:rs?)?)?
      | (?P<hoc>\d{{1,2}})\s*o['’]?\s?clock
      | (?P<bare>\d{{1,2}})(?=\s|$)
      | (?P<word>noon|midday|midnight)
    ){_END}""",
    re.IGNORECASE | re.VERBOSE | re.ASCII,
)
_RANGE_END = re.compile(r"\s*(?:-|–|—|to\b)\s*")
_UTC = re.compile(r"\s*utc\b", re.IGNORECASE)

# What to type, for every refusal of a time.
# Translators: how a time may be typed; keep the times as they are, translate "or".
TIME_EXAMPLES = N_("8am, 5.30pm, 17:00 or 17:00 UTC")


@dataclass(frozen=True)
class TimeOfDay:
    """A time of day at the start of a text, as typed."""

    typed: str  # as written, without 'at' before it or 'UTC' after it: '5 pm'
    time: dt.time | None  # None: it looks like a time but names none; `why` says so
    utc: bool  # 'UTC' followed it: the time is in UTC, not in the asker's zone
    rest: str  # the text after it
    # Written in a way taken as it is; False for one read but not taken ('1700', 'T17:00',
    # '17:00-18:00'), where a command says how to write it rather than guess.
    plain: bool = True
    # When `time` is None: why it names no time, and what to type; a catalog's message
    # with {typed} and {examples}, read in a language by `why_in`.
    reason: str = ""

    @property
    def why(self) -> str:
        """`reason` in English."""
        return self.why_in(english())

    def why_in(self, lang: Translator) -> str:
        """Why it names no time, and what to type, in `lang`; "" for a time."""
        if not self.reason:
            return ""
        return lang.gettext(self.reason, typed=repr(self.typed), examples=lang.gettext(TIME_EXAMPLES))

    @property
    def canonical(self) -> bool:
        """Written H:MM or HH:MM, as nobody writes anything but a time."""
        return re.fullmatch(r"[0-9]{1,2}:[0-9]{2}", self.typed) is not None

    @property
    def hhmm(self) -> str:
        return f"{self.time:%H:%M}" if self.time is not None else self.typed

    @property
    def as_typed(self) -> str:
        """As written, 'UTC' after it if it had it: '5 pm UTC'."""
        return f"{self.typed} UTC" if self.utc else self.typed

    @property
    def written(self) -> str:
        """As a command takes it, 'UTC' after it if it had it: '17:00 UTC'."""
        return f"{self.hhmm} UTC" if self.utc else self.hhmm


def read_time_of_day(text: str, *, hour_before_words: bool = False) -> TimeOfDay | None:
    """The time of day `text` starts with, None if it starts with none. A bare hour ('8',
    '17') is a time only at the end or before 'UTC', unless `hour_before_words` ('!remind 8
    30m'): after a date, '2 hosts away' is a reason."""
    text = text.strip()
    m = _TIME_OF_DAY.match(text)
    if m is None:
        return None
    g = m.groupdict()
    typed, rest, plain = g["typed"], text[m.end() :], not (g["iso"] or g["h4"])
    # "17:00-18:00 team away": the range's end is part of the time, not of the reason.
    dash = _RANGE_END.match(rest)
    if dash and (end := _TIME_OF_DAY.match(rest[dash.end() :])) and not end.group("bare"):
        rest, plain = rest[dash.end() + end.end() :], False
    utc = _UTC.match(rest)
    if utc:
        rest = rest[utc.end() :]
    rest = rest.strip()
    if g["bare"] and rest and not hour_before_words:
        return None
    time, why = _meaning(g)
    return TimeOfDay(typed, time, utc is not None, rest, plain and time is not None, why)


def _meaning(g: dict[str, str | None]) -> tuple[dt.time | None, str]:
    """The time the matched groups name, or None and why not."""
    word = (g["word"] or "").lower()
    # Midnight belongs to two days: people mean the one that ends as often as the one that starts.
    if word == "midnight":
        # Translators: {typed} is what was typed, quoted; {examples} how a time may be typed.
        return None, N_(
            "{typed} could be the start or the end of a day: write 00:00 for the start, 23:59 for the end ({examples})"
        )
    if g["h12"] and int(g["h12"]) == 12 and (g["half"] or "").lower() == "a":
        return None, N_(
            "{typed} is midnight, which could be the start or the end of a day: write 00:00 for the start, "
            "23:59 for the end ({examples})"
        )
    if word:
        return dt.time(12), ""
    if g["hoc"]:
        return None, N_("{typed} could be morning or evening: write it like {examples}")
    if g["h12"]:
        hour, minute = int(g["h12"]), int(g["m12"] or 0)
        if not 1 <= hour <= 12 or minute > 59:
            return None, N_("{typed} is not a time of day: am and pm go with hours 1 to 12 ({examples})")
        pm = (g["half"] or "").lower() == "p"
        return dt.time(hour % 12 + (12 if pm else 0), minute), ""
    hour = int(g["h"] or g["hh"] or g["h4"] or g["bare"] or 0)
    minute, seconds = int(g["m"] or g["mh"] or g["m4"] or 0), int(g["s"] or 0)
    if hour > 23 or minute > 59 or seconds != 0:
        return None, N_("{typed} is not a time of day: write it like {examples}")
    return dt.time(hour, minute), ""


# --- a length of time ------------------------------------------------------------------------

_UNITS = {
    "w": 7 * 86400,
    "d": 86400,
    "h": 3600,
    "m": 60,
    "s": 1,
}
# The units in English, Spanish and Portuguese, accents optional (a bilingual person mixes
# them, and reading every one everywhere needs no language): semana(s), día(s)/dia(s),
# hora(s), hs, minuto(s), segundo(s), seg.
_UNIT = (
    r"(?P<unit>weeks?|w|semanas?|days?|d[iI\u00ed\u00cd]as?|d|hours?|hrs?|horas?|hs|h"
    r"|minutes?|minutos?|mins?|m|seconds?|segundos?|secs?|segs?|s)(?![a-z\u00e0-\u00ff])"
)
# A unit's key in _UNITS where its first letter is not it.
_UNIT_KEYS = {"sem": "w"}
# One of a unit: "an hour", "una hora", "um dia", "uma semana".
_ONE = ("a", "an", "one", "un", "una", "uno", "um", "uma")
_PART = re.compile(
    rf"(?P<n>\d+(?:[.,]\d{{1,3}})?|{'|'.join(sorted(_ONE, key=len, reverse=True))})\s*{_UNIT}", re.IGNORECASE | re.ASCII
)
_HALF = re.compile(rf"(?:half\s+(?:an?\s+)?|medi[ao]\s+|mei[ao]\s+){_UNIT}", re.IGNORECASE)  # media hora, meia hora
_AND_A_HALF = re.compile(r"\s*(?:and\s+a\s+half|y\s+medi[ao]|e\s+mei[ao])\b", re.IGNORECASE)
_MINUTES_AFTER_HOURS = re.compile(r"[0-9]{1,2}$")
_BETWEEN = re.compile(r"\s*(?:,|\b(?:and|y|e)\b)?\s*", re.IGNORECASE)  # y (es), e (pt)
_BEFORE = re.compile(r"\s+(?:before|earlier|ahead|antes)$", re.IGNORECASE)
# Longer than anything a timedelta holds: read as the longest it holds (too long for any use).
_LONGEST = dt.timedelta.max // dt.timedelta(microseconds=1)

# Shown translated (`lang.gettext(DURATION_EXAMPLES)`): each reads in every language.
DURATION_EXAMPLES = N_("15m, 1h30m, half an hour or 2 days")


def read_duration(text: str) -> dt.timedelta | None:
    """The length of time `text` is, as a whole ('1h30m', '1 h 30', '90 minutes', 'an
    hour', 'half an hour', '2 days', '15 min before'), None if it is none. Each unit once,
    the larger first; a number after hours is minutes ('1 h 30')."""
    text = _BEFORE.sub("", text.strip())
    total, pos, last = Fraction(0), 0, len(_UNITS)
    while pos < len(text):
        if pos:
            pos = _skip_between(text, pos)
        m = _PART.match(text, pos) or _HALF.match(text, pos)
        if m is None:
            if last == list(_UNITS).index("h") and _MINUTES_AFTER_HOURS.match(text, pos):
                total, pos, last = total + 60 * int(text[pos:]), len(text), last + 1
                continue
            return None
        typed_unit = m.group("unit").lower()
        unit = _UNIT_KEYS.get(typed_unit[:3], typed_unit[0])
        rank = list(_UNITS).index(unit)
        if rank <= last and last != len(_UNITS):
            return None  # '30m 1h', '1h 1h': not as anyone writes it
        amount = _amount(m.groupdict().get("n"))
        pos, last = m.end(), rank
        half = _AND_A_HALF.match(text, pos)
        if half:
            amount, pos = amount + Fraction(1, 2), half.end()
        total += amount * _UNITS[unit]
    if pos == 0:
        return None
    return dt.timedelta(microseconds=min(round(total * 1_000_000), _LONGEST))


def _skip_between(text: str, pos: int) -> int:
    """Past what may stand between two parts: a space, a comma, 'and'."""
    between = _BETWEEN.match(text, pos)
    return between.end() if between else pos


def _amount(number: str | None) -> Fraction:
    if number is None:  # 'half an hour'
        return Fraction(1, 2)
    if number.lower() in _ONE:
        return Fraction(1)
    return Fraction(number.replace(",", "."))
