"""What the bot stores about a person (`!mydata`), and erasing it (`!forgetme`).

Every feature that stores something about a person registers here, when it is imported,
how to collect it (`collect`: the keys it adds to the `!mydata` document) and how to
erase it (`erase`: inside the one transaction of `!forgetme`, returning what it did under
the names of `Erased`), and which columns hold a user id (`holds`), so that a test finds
any table nobody collects. The record of handled commands (the inbox), the
direct-message room and the erasure request are registered here; the profile (`users`)
by the people feature.

Erasure needs a confirmation within CONFIRM_WINDOW; the pending request is a row in the
`meta` table (`forgetme:<user id>` = when it was asked), which the erasure removes too.
Topics stay, unattributed: the community's history is not personal data, who suggested it is.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiosqlite

from bot import inbox
from bot.core.clock import iso, parse_iso
from bot.storage.store import Store, delete_meta, delete_meta_below, read_meta, write_meta

CONFIRM_WINDOW = dt.timedelta(minutes=10)
SCHEMA_VERSION = 1


def _pending_key(user_id: str) -> str:
    return f"forgetme:{user_id}"


def _dm_key(user_id: str) -> str:
    # Where the Matrix adapter keeps the direct-message room it opened with the user.
    return f"dm:{user_id}"


# --- the registry -----------------------------------------------------------------------


@dataclass(frozen=True)
class Erasing:
    """Whom an erasure is for, when, and the command that confirmed it (being handled)."""

    user_id: str
    now: dt.datetime
    current_event: str | None


@dataclass(frozen=True)
class Column:
    """A column that holds a user id; `value` is how a row of it names the person (the
    id itself by default)."""

    table: str
    name: str
    value: Callable[[str], str] | None = None

    def holding(self, user_id: str) -> str:
        return self.value(user_id) if self.value is not None else user_id


Collect = Callable[[Store, str], Awaitable[dict[str, Any]]]
Erase = Callable[[aiosqlite.Connection, Erasing], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class Section:
    name: str
    collect: Collect
    erase: Erase
    holds: tuple[Column, ...]


_sections: dict[str, Section] = {}


def register(name: str, collect: Collect, erase: Erase, *, holds: tuple[Column, ...] = ()) -> None:
    """Add a feature's part of `!mydata` and `!forgetme`. Registering a name again
    replaces it (a module imported twice, as by tests, does no harm)."""
    _sections[name] = Section(name, collect, erase, holds)


def sections() -> tuple[Section, ...]:
    """The registered sections, in order of registration, then the bot's own records
    (handled commands, the direct-message room, the erasure request), which end the
    document."""
    return (*_sections.values(), *_RECORDS)


async def rows(store: Store, sql: str, user_id: str) -> list[dict[str, Any]]:
    """The rows of `sql` (with the user id as its parameter) as JSON-ready dicts."""
    return [dict(r) for r in await store.fetchall(sql, (user_id,))]


# --- collecting -------------------------------------------------------------------------


async def collect(store: Store, user_id: str) -> dict[str, Any]:
    """Everything stored about `user_id`, as one JSON-ready document."""
    document: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "user_id": user_id}
    for section in sections():
        document.update(await section.collect(store, user_id))
    return document


def is_empty(document: dict[str, Any]) -> bool:
    """Nothing about the person is stored (their user ID alone is what was asked about)."""
    return not any(v for k, v in document.items() if k not in ("schema_version", "user_id"))


def as_json(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --- erasing ----------------------------------------------------------------------------


class Erased:
    """What an erasure did, by name: `profile` (what the users row held: "time zone",
    "display name"), and how many votes, check_ins, volunteering, late_notes, reactions
    and messages (received commands blanked) were erased, and how many suggestions,
    sessions (host records) and cancellations were unattributed rather than deleted."""

    def __init__(self, **done: Any):
        self._done = done

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["_done"][name]
        except KeyError:
            raise AttributeError(name) from None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Erased) and self._done == other._done

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._done.items())))

    def __repr__(self) -> str:
        return f"Erased({', '.join(f'{k}={v!r}' for k, v in self._done.items())})"


class NoPendingRequest(Exception):
    """`!forgetme confirm` without a `!forgetme` in the last 10 minutes."""

    def __init__(self, expired: bool):
        super().__init__("expired" if expired else "not requested")
        self.expired = expired


async def request_erasure(store: Store, user_id: str, now: dt.datetime) -> None:
    async with store.transaction() as db:
        # Requests nobody confirmed are forgotten too.
        await delete_meta_below(db, _pending_key(""), iso(now - CONFIRM_WINDOW))
        await write_meta(db, _pending_key(user_id), iso(now))


async def erase(store: Store, user_id: str, now: dt.datetime, current_event: str | None = None) -> Erased:
    """Erase everything about `user_id` if they asked within CONFIRM_WINDOW, in one
    transaction; raises NoPendingRequest otherwise. `current_event` is the confirming
    command, blanked in the inbox with the ones handled before it."""
    async with store.transaction() as db:
        asked = await read_meta(db, _pending_key(user_id))
        # A request is good for one confirmation; a stale one goes too.
        await delete_meta(db, _pending_key(user_id))
        in_time = asked is not None and now - parse_iso(asked) <= CONFIRM_WINDOW
        if in_time:
            erased = await _erase(db, user_id, now, current_event)
    if not in_time:
        raise NoPendingRequest(expired=asked is not None)
    return erased


async def _erase(db: aiosqlite.Connection, user_id: str, now: dt.datetime, current_event: str | None) -> Erased:
    who = Erasing(user_id, now, current_event)
    done: dict[str, Any] = {}
    for section in sections():
        done.update(await section.erase(db, who))
    return Erased(**done)


# --- what is registered here ------------------------------------------------------------


async def _collect_messages(store: Store, user_id: str) -> dict[str, Any]:
    """The bot's record of the events it handled from the user (commands, reactions)."""
    handled = [
        {
            "event_id": e.event_id,
            "room_id": e.room_id,
            "kind": e.kind,
            "at": iso(e.at) if e.at is not None else e.received_at,
            **e.fields,
        }
        for e in await inbox.handled_from(store, user_id)
    ]
    return {"messages_received": handled}


async def _erase_messages(db: aiosqlite.Connection, who: Erasing) -> dict[str, Any]:
    return {"messages": await inbox.blank_from(db, who.user_id, who.current_event)}


async def _collect_meta(store: Store, user_id: str) -> dict[str, Any]:
    return {
        "direct_message_room": await store.get_meta(_dm_key(user_id)),
        "erasure_requested_at": await store.get_meta(_pending_key(user_id)),
    }


async def _erase_meta(db: aiosqlite.Connection, who: Erasing) -> dict[str, Any]:
    await delete_meta(db, _dm_key(who.user_id))  # the request itself is gone already
    return {}


_RECORDS = (
    Section(
        "messages",
        _collect_messages,
        _erase_messages,
        (Column("inbox", "payload", lambda user_id: inbox.message(user_id, 0, "!mydata", None, None)),),
    ),
    Section("meta", _collect_meta, _erase_meta, (Column("meta", "key", _dm_key), Column("meta", "key", _pending_key))),
)
