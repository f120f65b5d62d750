"""Configuration: one TOML file read once into frozen dataclasses.

Each key is declared once, below, as a field of its section: its type, its default, its
check (with its bounds) and its help; bot/core/settings.py reads a file against these
declarations and writes config.example.toml from them. Every problem is collected and
reported together, each naming its key (`conference.slots[2]: ...`), so an operator fixes
a config in one pass.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.core import config_checks as checks
from bot.core import settings
from bot.core.settings import key
from bot.core.weekly import Slot, format_duration, parse_slot


class ConfigError(Exception):
    """All problems found in a config file, one per line, each naming its key."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


# --- the sections and their keys, in the order of config.example.toml ---------------------
# Each key's help is its docstring, wrapped as in the file.


@dataclass(frozen=True)
class MatrixConfig:
    homeserver: str = key(check=checks.url, example="https://matrix.example.org")
    """The homeserver's client URL."""
    user_id: str = key(check=checks.user_id, example="@ccc-bot:example.org")
    """The bot's account."""
    password: str = key("")
    """One way to log in: a password (better: run `ccc-bot login` once, which stores an access
    token under storage.state_dir, then remove the password), an access token, or a file
    holding one (it must exist and not be empty)."""
    access_token: str = key("")
    access_token_file: str = key("", path=True)
    device_id: str = key("CCCBOT", checks.device_id)
    """No spaces."""
    rooms: tuple[str, ...] = key(
        (),
        checks.room_id,
        example=("!roomid:example.org",),
        nonempty="at least one room is needed (the bot serves only the rooms listed)",
    )
    """Rooms the bot serves (IDs or aliases), at least one. It joins them at start, accepts
    invites only to them, and ignores every other room."""
    command_prefix: str = key("!", checks.prefix)
    """What commands start with."""
    encryption: bool = key(True)
    """Read and answer in end-to-end encrypted rooms (needs matrix-nio[e2e])."""
    trust: str = key("tofu", checks.trust)
    """Which devices to trust in encrypted rooms: "tofu" (trust on first use, log changes)
    or "all" (trust every device, also changed ones)."""

    def __repr__(self) -> str:  # keep secrets out of logs and tracebacks
        return f"MatrixConfig(homeserver={self.homeserver!r}, user_id={self.user_id!r}, rooms={self.rooms!r})"


@dataclass(frozen=True)
class ConferenceConfig:
    name: str = key("Coop Casual Conference")
    language: str = key("en", checks.language)
    """The language the rooms read: announcements, the agenda, summaries, and the replies
    to people who chose none with !lang: "en" (English), "es" (español) or "pt-BR"
    (português)."""
    timezone: str = key("UTC", checks.parse_timezone)
    """The zone the slots are in: a place (Area/City, e.g. "Europe/Berlin") or "UTC"."""
    slots: tuple[Slot, ...] = key(
        (Slot(3, dt.time(8, 0)), Slot(3, dt.time(17, 0))),
        parse_slot,
        nonempty="at least one slot is needed",
        each_once="slot",
    )
    """Weekly slots, "Weekday HH:MM" in conference.timezone ("Thu 8:00" works too); each slot
    once, however it is spelled."""
    host_wait_minutes: int = key(10, checks.between(0, 120, " minutes"))
    """Minutes after the start to wait for a host before the bot says none has started
    (0 to 120)."""
    bbb_url: str = key("https://bbb.example.org/b/ccc", checks.url)
    access_code: str = key("ccc")
    announce_before: tuple[dt.timedelta, ...] = key(
        (dt.timedelta(days=1), dt.timedelta(minutes=15), dt.timedelta(0)),
        checks.lead,
        show=format_duration,
        each_once="lead time",
    )
    """When to announce a session: durations before its start (s, m, h, d, w), each at most
    14 days ("2w") and each once."""
    announce_grace_minutes: int = key(30, checks.between(0, 24 * 60, " minutes"))
    """An announcement that fell due while the bot was down is sent late only within this
    many minutes (and before the start); otherwise it is skipped and logged (0 to 1440,
    a day)."""
    display_timezones: tuple[str, ...] = key(
        ("UTC", "America/New_York", "Europe/Berlin", "America/Sao_Paulo", "Asia/Kolkata"), checks.parse_timezone
    )
    """Zones shown in announcements, beside UTC: list where your members live. Use places
    (Area/City from the tz database, e.g. "Europe/Madrid", "Africa/Nairobi") or "UTC";
    abbreviations and offsets such as "EST", "CET" or "UTC+1" are refused, because they
    don't follow summer time. Add, remove or reorder entries, then restart the bot."""


@dataclass(frozen=True)
class RolesConfig:
    organisers: tuple[str, ...] = key((), checks.user_id)
    """Organisers may use every command. Anyone with at least organiser_power_level in a
    served room is an organiser too."""
    hosts: tuple[str, ...] = key((), checks.user_id)
    """Hosts may start and end any session (volunteers, via !host, may host theirs)."""
    organiser_power_level: int = key(50, checks.power_level)


@dataclass(frozen=True)
class StorageConfig:
    database: Path = key(Path("ccc-bot.sqlite3"), path=True)
    """Its folder must exist and be writable by the bot (the -wal and -shm files live there)."""
    state_dir: Path = key(Path("state"), path=True)
    """Access token file and encryption keys live here; created if missing. `ccc-bot export`
    never writes here, nor over the database or this config file."""


@dataclass(frozen=True)
class TopicsConfig:
    seed_file: Path = key(Path("topics.yaml"), path=True)
    """Topics already discussed, imported at start as history (a YAML file; may be missing)."""
    max_length: int = key(300, checks.between(1, 4000, " characters"))
    """Longest topic suggestion, in characters (1 to 4000)."""
    suggestions_per_hour: int = key(5, checks.between(0, 1000))
    """Suggestions one person may make per hour; 0 means unlimited (at most 1000)."""
    votes_per_person: int = key(0, checks.between(0, 1000))
    """Open topics one person may vote for at once; 0 means unlimited (at most 1000)."""


@dataclass(frozen=True)
class LimitsConfig:
    commands_per_minute: int = key(10, checks.commands_per_minute)
    """Commands one person may have answered per minute in a room (0-600; 0 means unlimited).
    The command past it gets one notice saying when to try again; until then that person's
    commands there are ignored, not carried out. Organisers too: nobody is exempt. Reactions
    (👍, ✋) always count as votes and check-ins, but their rare answers count here too."""


@dataclass(frozen=True)
class AgendaConfig:
    enabled: bool = key(True)
    """One agenda message per served room (the next sessions, cancellations, who hosts, the top
    open topics, the running session), kept current by edits. false: no agenda is posted."""
    pin: bool = key(True)
    """Pin it (m.room.pinned_events, keeping whatever else is pinned) when the bot's power
    level allows; without that it is still kept current, and `ccc-bot status` says so."""
    topics: int = key(10, checks.between(1, 50, " topics"))
    """Open topics shown, most votes first (1-50)."""


@dataclass(frozen=True)
class WebConfig:
    enabled: bool = key(False)
    """An optional read-only HTTP server: /calendar.ics (a feed calendar apps subscribe to), / (a
    page with the next sessions, the agenda, the history and the attendance chart),
    /topics.json and /history.json. GET and HEAD only. Put it behind a reverse proxy (README)."""
    listen: str = key("127.0.0.1:8080", checks.listen)
    """Where it listens (host:port; "[::1]:8080" for IPv6). Loopback: only the proxy reaches it."""
    public_url: str = key("", checks.public_url)
    """The address people use, through the proxy, e.g. "https://ccc.example.org". With it,
    `!calendar` also gives the feed's address (https:// and webcal://). Empty: no address given."""
    show_names: bool = key(False)
    """Show volunteers' and suggesters' display names on the page and in the JSON. Matrix IDs
    are never shown."""

    @property
    def host(self) -> str:
        return checks.split_listen(self.listen)[0]

    @property
    def port(self) -> int:
        return checks.split_listen(self.listen)[1]

    @property
    def feed_url(self) -> str:
        """The calendar feed's address, '' when no public_url is configured."""
        return f"{self.public_url}/calendar.ics" if self.public_url else ""


TIMEBOX = dt.timedelta(minutes=8)
EXTENSIONS = (dt.timedelta(minutes=4), dt.timedelta(minutes=2))


@dataclass(frozen=True)
class LeanCoffeeConfig:
    enabled: bool = key(True)
    """Lean Coffee, live: hosts start a topic with !discuss; when its timebox ends the bot asks
    the session's thread to vote 👍 (keep going) or 👎 (move on). false: no !discuss or !timer."""
    timebox: dt.timedelta = key(TIMEBOX, checks.timebox, show=format_duration)
    """How long a topic is discussed before the vote to go on (1m to 60m)."""
    extensions: tuple[dt.timedelta, ...] = key(EXTENSIONS, checks.timebox, show=format_duration)
    """The time a 👍 majority adds, one after another (each 1m to 60m); once they are used, the
    topic ends when its time is up. [] = no extensions: no vote, the topic ends with its timebox."""
    vote_seconds: int = key(60, checks.between(10, 600, " seconds"))
    """How long the vote to go on stays open (10 to 600 seconds), unless a host decides first."""


@dataclass(frozen=True)
class Config:
    """ccc-bot configuration. Every key is shown with its default; only matrix.homeserver and
    matrix.user_id are required. Relative paths are relative to this file.
    Check a config with: ccc-bot check-config -c config.toml
    It also checks what `run` needs on disk: the database (and that its folder exists and is
    writable), state_dir, seed_file, access_token_file, and a way to log in."""

    matrix: MatrixConfig
    conference: ConferenceConfig = field(default_factory=ConferenceConfig)
    roles: RolesConfig = field(default_factory=RolesConfig)
    storage: StorageConfig = field(default_factory=StorageConfig)
    topics: TopicsConfig = field(default_factory=TopicsConfig)
    path: Path | None = None
    limits: LimitsConfig = field(default_factory=LimitsConfig)
    agenda: AgendaConfig = field(default_factory=AgendaConfig)
    web: WebConfig = field(default_factory=WebConfig)
    lean_coffee: LeanCoffeeConfig = field(default_factory=LeanCoffeeConfig)


def parse_config(data: dict[str, Any], base_dir: Path | None = None, path: Path | None = None) -> Config:
    """Validate a parsed TOML document; raise ConfigError listing every problem."""
    problems: list[str] = []
    given = settings.read(Config, data, problems)
    rooms = given["matrix"].get("rooms")
    if rooms and len(set(rooms)) != len(rooms):
        problems.append("matrix.rooms: a room is listed twice")
    base = base_dir or Path.cwd()
    database = given["storage"].get("database")
    if isinstance(database, str) and database.strip() and base.joinpath(database).is_dir():
        problems.append(f"storage.database: {database!r} is a directory; give a file name such as 'ccc-bot.sqlite3'")
    if problems:
        raise ConfigError(problems)
    built = {name: settings.build(section, given[name], base) for name, section in settings.sections(Config).items()}
    return Config(**built, path=path)


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


def example() -> str:
    """config.example.toml, as these declarations make it."""
    return settings.example(Config)
