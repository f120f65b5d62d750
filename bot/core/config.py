"""Configuration: one TOML file read once into frozen dataclasses.

Every problem is collected and reported together, each naming its key
(`conference.slots[2]: ...`), so an operator fixes a config in one pass.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytz

from bot.core import timezones

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_DURATION_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_SLOT = re.compile(r"^\s*([A-Za-z]+)\s+(\d{1,2}):(\d{2})\s*$")


class ConfigError(Exception):
    """All problems found in a config file, one per line, each naming its key."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Slot:
    """A weekly slot: weekday (0 = Monday) and wall-clock time in the conference zone."""

    weekday: int
    time: dt.time

    def __str__(self) -> str:
        return f"{WEEKDAYS[self.weekday].capitalize()} {self.time:%H:%M}"


@dataclass(frozen=True)
class MatrixConfig:
    homeserver: str
    user_id: str
    password: str = ""
    access_token: str = ""
    access_token_file: str = ""
    device_id: str = "CCCBOT"
    rooms: tuple[str, ...] = ()
    command_prefix: str = "!"
    encryption: bool = True
    trust: str = "tofu"

    def __repr__(self) -> str:  # keep secrets out of logs and tracebacks
        return f"MatrixConfig(homeserver={self.homeserver!r}, user_id={self.user_id!r}, rooms={self.rooms!r})"


@dataclass(frozen=True)
class ConferenceConfig:
    name: str = "Coop Casual Conference"
    timezone: str = "UTC"
    slots: tuple[Slot, ...] = (Slot(3, dt.time(8, 0)), Slot(3, dt.time(17, 0)))
    host_wait_minutes: int = 10
    bbb_url: str = "https://bbb.example.org/b/ccc"
    access_code: str = "ccc"
    announce_before: tuple[dt.timedelta, ...] = (
        dt.timedelta(days=1),
        dt.timedelta(minutes=15),
        dt.timedelta(0),
    )
    announce_grace_minutes: int = 30
    display_timezones: tuple[str, ...] = (
        "UTC",
        "America/New_York",
        "Europe/Berlin",
        "America/Sao_Paulo",
        "Asia/Kolkata",
    )


@dataclass(frozen=True)
class RolesConfig:
    organisers: tuple[str, ...] = ()
    hosts: tuple[str, ...] = ()
    organiser_power_level: int = 50


@dataclass(frozen=True)
class StorageConfig:
    database: Path = Path("ccc-bot.sqlite3")
    state_dir: Path = Path("state")


@dataclass(frozen=True)
class TopicsConfig:
    seed_file: Path = Path("topics.yaml")
    max_length: int = 300
    suggestions_per_hour: int = 5
    votes_per_person: int = 0


# --- [limits]: floods (self-contained: its dataclass, its check, its schema entry) ---

MAX_COMMANDS_PER_MINUTE = 600


@dataclass(frozen=True)
class LimitsConfig:
    # Per person per room; past it one notice, then silence until the minute is over.
    # 0 turns the limit off.
    commands_per_minute: int = 10


def _commands_per_minute(n: int) -> int:
    if not 0 <= n <= MAX_COMMANDS_PER_MINUTE:
        raise ValueError(f"{n} is out of range (0-{MAX_COMMANDS_PER_MINUTE}; 0 turns the limit off)")
    return n


# --- [agenda]: the pinned agenda message of each room ---

MAX_AGENDA_TOPICS = 50


@dataclass(frozen=True)
class AgendaConfig:
    enabled: bool = True
    pin: bool = True  # pin it when the bot's power level allows
    topics: int = 10  # open topics shown


# --- [web]: the optional read-only HTTP server (bot/web) ---


@dataclass(frozen=True)
class WebConfig:
    enabled: bool = False
    listen: str = "127.0.0.1:8080"  # host:port; [::1]:8080 for IPv6
    public_url: str = ""  # where people reach it (behind a reverse proxy), no trailing slash
    show_names: bool = False  # display names on the page; Matrix IDs never

    @property
    def host(self) -> str:
        return split_listen(self.listen)[0]

    @property
    def port(self) -> int:
        return split_listen(self.listen)[1]

    @property
    def feed_url(self) -> str:
        """The calendar feed's address, '' when no public_url is configured."""
        return f"{self.public_url}/calendar.ics" if self.public_url else ""


def split_listen(text: str) -> tuple[str, int]:
    """'127.0.0.1:8080' -> ('127.0.0.1', 8080); '[::1]:8080' -> ('::1', 8080)."""
    m = re.fullmatch(r"\[([0-9A-Fa-f:.]+)\]:(\d{1,5})|([^\s:\[\]]+):(\d{1,5})", text)
    if not m:
        raise ValueError(f"{text!r} is not an address to listen on (host:port, e.g. '127.0.0.1:8080')")
    host, port = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    if not 1 <= int(port) <= 65535:
        raise ValueError(f"{text!r}: port {int(port)} is out of range (1-65535)")
    return host, int(port)


def _listen(text: str) -> str:
    split_listen(text)
    return text


def _public_url(text: str) -> str:
    if text == "":
        return text
    if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", text):
        raise ValueError(f"{text!r} is not an http(s) URL without query (e.g. 'https://ccc.example.org')")
    return text.rstrip("/")


@dataclass(frozen=True)
class Config:
    matrix: MatrixConfig
    conference: ConferenceConfig = field(default_factory=ConferenceConfig)
    roles: RolesConfig = field(default_factory=RolesConfig)
    storage: StorageConfig = field(default_factory=StorageConfig)
    topics: TopicsConfig = field(default_factory=TopicsConfig)
    path: Path | None = None
    limits: LimitsConfig = field(default_factory=LimitsConfig)
    agenda: AgendaConfig = field(default_factory=AgendaConfig)
    web: WebConfig = field(default_factory=WebConfig)


# --- value parsers: each returns the converted value or raises ValueError(reason) ---


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


def _url(text: str) -> str:
    if not re.match(r"^https?://[^\s/]+", text):
        raise ValueError(f"{text!r} is not an http(s) URL")
    return text


def _user_id(text: str) -> str:
    if not re.match(r"^@[^:\s]+:\S+$", text):
        raise ValueError(f"{text!r} is not a Matrix user ID (e.g. '@alice:example.org')")
    return text


def _room_id(text: str) -> str:
    # Room IDs of room version 12 and later carry no server name ('!abc...').
    if not re.match(r"^(![^\s:]+(:\S+)?|#[^:\s]+:\S+)$", text):
        raise ValueError(f"{text!r} is not a room ID or alias (e.g. '!abc:example.org')")
    return text


def _prefix(text: str) -> str:
    if not text or any(c.isspace() for c in text) or len(text) > 5:
        raise ValueError(f"{text!r} is not a usable command prefix (1-5 characters, no spaces)")
    return text


def _trust(text: str) -> str:
    if text not in ("tofu", "all"):
        raise ValueError(f"{text!r} is not a trust policy (use 'tofu' or 'all')")
    return text


# Bounds on every duration and count: wide enough for any real conference, narrow enough
# that no date computed from them overflows and no reply or flood grows without end.
# config.example.toml states each one beside its key.
MAX_LEAD = dt.timedelta(days=14)
MAX_HOST_WAIT_MINUTES = 120
MAX_GRACE_MINUTES = 24 * 60
MAX_TOPIC_LENGTH = 4000
MAX_PER_PERSON = 1000


def _lead(text: str) -> dt.timedelta:
    lead = parse_duration(text)
    if lead > MAX_LEAD:
        raise ValueError(f"{text!r} is too long before a session (at most {format_duration(MAX_LEAD)}, 14 days)")
    return lead


def _between(low: int, high: int, unit: str = "") -> Callable[[int], int]:
    def check(n: int) -> int:
        if not low <= n <= high:
            raise ValueError(f"{n} is out of bounds ({low} to {high}{unit})")
        return n

    return check


def _device_id(text: str) -> str:
    if not text.strip() or any(c.isspace() for c in text):
        raise ValueError(f"{text!r} is not a usable device ID (letters and digits, no spaces)")
    return text


def _power_level(n: int) -> int:
    if not 0 <= n <= 100:
        raise ValueError(f"{n} is not a power level (0-100)")
    return n


@dataclass(frozen=True)
class _Key:
    """One config key: its TOML type, an optional check/convert, and whether it is required."""

    kind: type  # str, int, bool or list (of str)
    check: Callable[[Any], Any] | None = None
    required: bool = False


_SCHEMA: dict[str, dict[str, _Key]] = {
    "matrix": {
        "homeserver": _Key(str, _url, required=True),
        "user_id": _Key(str, _user_id, required=True),
        "password": _Key(str),
        "access_token": _Key(str),
        "access_token_file": _Key(str),
        "device_id": _Key(str, _device_id),
        "rooms": _Key(list, _room_id),
        "command_prefix": _Key(str, _prefix),
        "encryption": _Key(bool),
        "trust": _Key(str, _trust),
    },
    "conference": {
        "name": _Key(str),
        "timezone": _Key(str, parse_timezone),
        "slots": _Key(list, parse_slot),
        "host_wait_minutes": _Key(int, _between(0, MAX_HOST_WAIT_MINUTES, " minutes")),
        "bbb_url": _Key(str, _url),
        "access_code": _Key(str),
        "announce_before": _Key(list, _lead),
        "announce_grace_minutes": _Key(int, _between(0, MAX_GRACE_MINUTES, " minutes")),
        "display_timezones": _Key(list, parse_timezone),
    },
    "roles": {
        "organisers": _Key(list, _user_id),
        "hosts": _Key(list, _user_id),
        "organiser_power_level": _Key(int, _power_level),
    },
    "storage": {
        "database": _Key(str),
        "state_dir": _Key(str),
    },
    "topics": {
        "seed_file": _Key(str),
        "max_length": _Key(int, _between(1, MAX_TOPIC_LENGTH, " characters")),
        "suggestions_per_hour": _Key(int, _between(0, MAX_PER_PERSON)),
        "votes_per_person": _Key(int, _between(0, MAX_PER_PERSON)),
    },
    "limits": {
        "commands_per_minute": _Key(int, _commands_per_minute),
    },
    "agenda": {
        "enabled": _Key(bool),
        "pin": _Key(bool),
        "topics": _Key(int, _between(1, MAX_AGENDA_TOPICS, " topics")),
    },
    "web": {
        "enabled": _Key(bool),
        "listen": _Key(str, _listen),
        "public_url": _Key(str, _public_url),
        "show_names": _Key(bool),
    },
}

_TYPE_NAMES = {str: "a string", int: "an integer", bool: "true or false", list: "a list"}


def _convert(name: str, key: _Key, raw: Any, problems: list[str]) -> Any:
    # bool is a subclass of int in Python; TOML keeps them apart and so do we.
    if not isinstance(raw, key.kind) or (key.kind is int and isinstance(raw, bool)):
        problems.append(f"{name}: expected {_TYPE_NAMES[key.kind]}, got {raw!r}")
        return None
    if key.kind is list and isinstance(raw, list):
        out = []
        for i, item in enumerate(raw):
            if not isinstance(item, str):
                problems.append(f"{name}[{i}]: expected a string, got {item!r}")
                continue
            try:
                out.append(key.check(item) if key.check else item)
            except ValueError as e:
                problems.append(f"{name}[{i}]: {e}")
        return tuple(out)
    if key.check:
        try:
            return key.check(raw)
        except ValueError as e:
            problems.append(f"{name}: {e}")
            return None
    return raw


def _same_twice(section: str, key: str, table: Any, parse: Callable[[str], Any], what: str) -> list[str]:
    """A list entry meaning the same as an earlier one, however spelled ('Thursday 08:00',
    'thu 8:00'), named by the later entry's index in the file."""
    raw = table.get(key) if isinstance(table, dict) else None
    if not isinstance(raw, list):
        return []
    seen: dict[Any, int] = {}
    problems = []
    for i, item in enumerate(raw):
        try:
            value = parse(item)
        except (ValueError, TypeError, AttributeError):
            continue  # reported as a bad value already
        if value in seen:
            first = seen[value]
            problems.append(
                f"{section}.{key}[{i}]: {item!r} is the same {what} as {section}.{key}[{first}] ({raw[first]!r})"
            )
        else:
            seen[value] = i
    return problems


def parse_config(data: dict[str, Any], base_dir: Path | None = None, path: Path | None = None) -> Config:
    """Validate a parsed TOML document; raise ConfigError listing every problem."""
    problems: list[str] = []
    sections: dict[str, dict[str, Any]] = {}
    for section in data:
        if section not in _SCHEMA:
            problems.append(f"{section}: unknown section (known: {', '.join(_SCHEMA)})")
    for section, keys in _SCHEMA.items():
        raw = data.get(section, {})
        if not isinstance(raw, dict):
            problems.append(f"{section}: expected a table, got {raw!r}")
            raw = {}
        values: dict[str, Any] = {}
        for name in raw:
            if name not in keys:
                problems.append(f"{section}.{name}: unknown key")
        for name, key in keys.items():
            if name in raw:
                value = _convert(f"{section}.{name}", key, raw[name], problems)
                if value is not None:
                    values[name] = value
            elif key.required:
                problems.append(f"{section}.{name}: required but missing")
        sections[section] = values

    conference = sections["conference"]
    if conference.get("slots") == () and not any(p.startswith("conference.slots") for p in problems):
        problems.append("conference.slots: at least one slot is needed")
    for listed, parse, what in (("slots", parse_slot, "slot"), ("announce_before", _lead, "lead time")):
        problems.extend(_same_twice("conference", listed, data.get("conference"), parse, what))
    matrix = sections["matrix"]
    if matrix.get("rooms") == () and not any(p.startswith("matrix.rooms") for p in problems):
        problems.append("matrix.rooms: at least one room is needed (the bot serves only the rooms listed)")
    if "rooms" in matrix and len(set(matrix["rooms"])) != len(matrix["rooms"]):
        problems.append("matrix.rooms: a room is listed twice")
    for section, path_key in (("storage", "database"), ("storage", "state_dir"), ("topics", "seed_file")):
        value = sections[section].get(path_key)
        if isinstance(value, str) and not value.strip():
            problems.append(f"{section}.{path_key}: must not be empty")
    database = sections["storage"].get("database")
    if isinstance(database, str) and database.strip() and (base_dir or Path.cwd()).joinpath(database).is_dir():
        problems.append(f"storage.database: {database!r} is a directory; give a file name such as 'ccc-bot.sqlite3'")
    if problems:
        raise ConfigError(problems)

    base = base_dir or Path.cwd()

    def resolve(value: str | Path) -> Path:
        return base / Path(value).expanduser()

    store, topic = sections["storage"], sections["topics"]
    storage = StorageConfig(
        database=resolve(store.get("database", StorageConfig.database)),
        state_dir=resolve(store.get("state_dir", StorageConfig.state_dir)),
    )
    topics = TopicsConfig(**{**topic, "seed_file": resolve(topic.get("seed_file", TopicsConfig.seed_file))})
    if matrix.get("access_token_file"):
        matrix["access_token_file"] = str(resolve(matrix["access_token_file"]))

    return Config(
        matrix=MatrixConfig(**matrix),
        conference=ConferenceConfig(**conference),
        roles=RolesConfig(**sections["roles"]),
        storage=storage,
        topics=topics,
        path=path,
        limits=LimitsConfig(**sections["limits"]),
        agenda=AgendaConfig(**sections["agenda"]),
        web=WebConfig(**sections["web"]),
    )


def load_config(path: str | Path) -> Config:
    """Read and validate a config file; relative paths in it are relative to the file."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError([f"{path}: no such file"]) from None
    except IsADirectoryError:
        raise ConfigError([f"{path}: is a folder; give the config file (e.g. config.toml)"]) from None
    except OSError as e:
        raise ConfigError([f"{path}: cannot be read: {e.strerror}"]) from None
    except UnicodeDecodeError as e:
        raise ConfigError([f"{path}: not UTF-8 text (byte {e.start}); a TOML file must be UTF-8"]) from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError([f"{path}: not valid TOML: {e}"]) from None
    return parse_config(data, base_dir=path.resolve().parent, path=path.resolve())
