"""What the bot stores about a person (`!mydata`), and erasing it (`!forgetme`): every
part registered with bot/core/privacy.py is run, the erasure in one transaction. The
direct-message room and the erasure request are registered here; the profile (`users`) by
the people feature, the record of handled commands by the Matrix inbox.

Erasure needs a confirmation within CONFIRM_WINDOW; the pending request is a row in the
`meta` table (`forgetme:<user id>` = when it was asked), which the erasure removes too.
Topics stay, unattributed: the community's history is not personal data, who suggested it is.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import aiosqlite

from bot.core import privacy as core
from bot.core.clock import iso, parse_iso
from bot.core.privacy import Column, Erasing, Section
from bot.storage.store import Store, delete_meta, delete_meta_below, dm_key, read_meta, write_meta

CONFIRM_WINDOW = dt.timedelta(minutes=10)
SCHEMA_VERSION = 1


def _pending_key(user_id: str) -> str:
    return f"forgetme:{user_id}"


# The order of the parts of the `!mydata` document (and of the erasure), as the running bot
# has written them: fixed here, not left to whichever module happens to be imported first.
# A part not listed follows them in the order it was registered.
SECTION_ORDER = ("topics", "profile", "reactions", "reminders", "schedule", "sessions", "messages")


def sections() -> tuple[Section, ...]:
    """The registered sections (bot/core/privacy.py) in SECTION_ORDER, then the bot's own
    records (the direct-message room, the erasure request), which end the document."""
    rank = {name: i for i, name in enumerate(SECTION_ORDER)}
    registered = sorted(core.sections(), key=lambda s: rank.get(s.name, len(rank)))
    return (*registered, *_RECORDS)


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
    and messages (recorded commands deleted) were erased, and how many suggestions,
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
    async def ask(db: aiosqlite.Connection) -> None:
        # Requests nobody confirmed are forgotten too.
        await delete_meta_below(db, _pending_key(""), iso(now - CONFIRM_WINDOW))
        await write_meta(db, _pending_key(user_id), iso(now))

    await store.transaction(ask)


async def erase(store: Store, user_id: str, now: dt.datetime, current_event: str | None = None) -> Erased:
    """Erase everything about `user_id` if they asked within CONFIRM_WINDOW, in one
    transaction; raises NoPendingRequest otherwise. `current_event` is the confirming
    command, deleted from the inbox with the ones received before it."""

    async def confirm(db: aiosqlite.Connection) -> tuple[str | None, Erased | None]:
        asked = await read_meta(db, _pending_key(user_id))
        # A request is good for one confirmation; a stale one goes too.
        await delete_meta(db, _pending_key(user_id))
        in_time = asked is not None and now - parse_iso(asked) <= CONFIRM_WINDOW
        return asked, await _erase(db, user_id, now, current_event) if in_time else None

    asked, erased = await store.transaction(confirm)
    if erased is None:
        raise NoPendingRequest(expired=asked is not None)
    return erased


async def _erase(db: aiosqlite.Connection, user_id: str, now: dt.datetime, current_event: str | None) -> Erased:
    who = Erasing(user_id, now, current_event)
    done: dict[str, Any] = {}
    for section in sections():
        done.update(await section.erase(db, who))
    return Erased(**done)


# --- what is registered here ------------------------------------------------------------


async def _collect_meta(store: Store, user_id: str) -> dict[str, Any]:
    return {
        "direct_message_room": await store.get_meta(dm_key(user_id)),
        "erasure_requested_at": await store.get_meta(_pending_key(user_id)),
    }


async def _erase_meta(db: aiosqlite.Connection, who: Erasing) -> dict[str, Any]:
    await delete_meta(db, dm_key(who.user_id))  # the request itself is gone already
    return {}


_RECORDS = (
    Section("meta", _collect_meta, _erase_meta, (Column("meta", "key", dm_key), Column("meta", "key", _pending_key))),
)
