"""The checks of single config values: each returns the value (converted) or raises
ValueError saying why not; the reader (bot/core/settings.py) puts the key's name in front."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytz

from bot.core import i18n, timezones
from bot.core.weekly import format_duration, parse_duration


def between(low: int, high: int, unit: str = "") -> Callable[[int], int]:
    def check(n: int) -> int:
        if not low <= n <= high:
            raise ValueError(f"{n} is out of bounds ({low} to {high}{unit})")
        return n

    return check


def language(text: str) -> str:
    """A language the bot speaks, as people name it ('pt', 'Español'), as its code ('pt-BR')."""
    found = i18n.language_of(text)
    if found is None:
        raise ValueError(f"{text!r} is not a language the bot speaks: {i18n.listing()}")
    return found.code


def power_level(n: int) -> int:
    if not 0 <= n <= 100:
        raise ValueError(f"{n} is not a power level (0-100)")
    return n


def _like(pattern: str, what: str) -> Callable[[str], str]:
    """A check that the text starts as `pattern` says, else it is not `what`."""

    def check(text: str) -> str:
        if not re.match(pattern, text):
            raise ValueError(f"{text!r} is not {what}")
        return text

    return check


url = _like(r"^https?://[^\s/]+", "an http(s) URL")
user_id = _like(r"^@[^:\s]+:\S+$", "a Matrix user ID (e.g. '@alice:example.org')")
# Room IDs of room version 12 and later carry no server name ('!abc...').
room_id = _like(r"^(![^\s:]+(:\S+)?|#[^:\s]+:\S+)$", "a room ID or alias (e.g. '!abc:example.org')")


def prefix(text: str) -> str:
    if not text or any(c.isspace() for c in text) or len(text) > 5:
        raise ValueError(f"{text!r} is not a usable command prefix (1-5 characters, no spaces)")
    return text


def trust(text: str) -> str:
    if text not in ("tofu", "all"):
        raise ValueError(f"{text!r} is not a trust policy (use 'tofu' or 'all')")
    return text


def device_id(text: str) -> str:
    if not text.strip() or any(c.isspace() for c in text):
        raise ValueError(f"{text!r} is not a usable device ID (letters and digits, no spaces)")
    return text


def split_listen(text: str) -> tuple[str, int]:
    """'127.0.0.1:8080' -> ('127.0.0.1', 8080); '[::1]:8080' -> ('::1', 8080)."""
    m = re.fullmatch(r"\[([0-9A-Fa-f:.]+)\]:(\d{1,5})|([^\s:\[\]]+):(\d{1,5})", text)
    if not m:
        raise ValueError(f"{text!r} is not an address to listen on (host:port, e.g. '127.0.0.1:8080')")
    host, port = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    if not 1 <= int(port) <= 65535:
        raise ValueError(f"{text!r}: port {int(port)} is out of range (1-65535)")
    return host, int(port)


def listen(text: str) -> str:
    split_listen(text)
    return text


def public_url(text: str) -> str:
    if text == "":
        return text
    if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", text):
        raise ValueError(f"{text!r} is not an http(s) URL without query (e.g. 'https://ccc.example.org')")
    return text.rstrip("/")


def parse_timezone(text: str) -> str:
    """A place (Area/City) or UTC; an old name becomes the place it stands for
    (Asia/Calcutta: Asia/Kolkata). A zone that is not a place (EST, CET, Etc/GMT+1) keeps
    one clock all year and would show times an hour off half the year: refused."""
    zone = timezones.canonical(text)
    if zone is not None:
        return zone
    found = timezones.lookup(text)
    offered = ", ".join(repr(z) for z in ((found.zone,) if found.zone else found.suggestions))
    if found.kind in (timezones.Kind.ABBREVIATION, timezones.Kind.OFFSET, timezones.Kind.NOT_A_PLACE):
        offset = timezones.format_offset(found.offset) if found.offset is not None else ""
        meaning = f" (it means {offset})" if offset and offset.removeprefix("UTC") not in text else ""
        why = f"{text!r} is not a place{meaning}, so it can't follow summer time"
        raise ValueError(f"{why}; use a place such as {offered}" if offered else why)
    if text in pytz.all_timezones_set:
        raise ValueError(f"{text!r} stands for more than one place; use one of {offered}")
    hint = f"; did you mean {offered}?" if offered else " (e.g. 'Europe/Berlin')"
    raise ValueError(f"{text!r} is not an IANA time zone{hint}")


# Wide enough for any real conference, narrow enough that no date computed from it overflows.
MAX_LEAD = dt.timedelta(days=14)
MAX_COMMANDS_PER_MINUTE = 600


def lead(text: str) -> dt.timedelta:
    """How long before a session an announcement goes out: a duration, at most MAX_LEAD."""
    found = parse_duration(text)
    if found > MAX_LEAD:
        raise ValueError(f"{text!r} is too long before a session (at most {format_duration(MAX_LEAD)}, 14 days)")
    return found


MIN_TIMEBOX, MAX_TIMEBOX = dt.timedelta(minutes=1), dt.timedelta(minutes=60)


def timebox(text: str) -> dt.timedelta:
    """A Lean Coffee timebox or extension: a duration from 1 to 60 minutes."""
    found = parse_duration(text)
    if not MIN_TIMEBOX <= found <= MAX_TIMEBOX:
        raise ValueError(f"{text!r} is out of range (1m to 60m)")
    return found


def commands_per_minute(n: int) -> int:
    if not 0 <= n <= MAX_COMMANDS_PER_MINUTE:
        raise ValueError(f"{n} is out of range (0-{MAX_COMMANDS_PER_MINUTE}; 0 turns the limit off)")
    return n
