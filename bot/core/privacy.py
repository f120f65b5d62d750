"""Privacy by registration: whatever stores something about a person (a feature, the
dispatcher, the Matrix adapter's inbox) registers here, when it is imported, how to
collect it (`collect`: the keys it adds to the `!mydata` document) and how to erase it
(`erase`: inside the one transaction of `!forgetme`, returning what it did under the names
of `Erased`), and which columns hold a user id (`holds`), so that a test finds any table
nobody collects. Running them all is the privacy feature's job (bot/features/privacy)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiosqlite

from bot.storage.store import Store


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
    """Add a part of `!mydata` and `!forgetme`. Registering a name again replaces it (a
    module imported twice, as by tests, does no harm)."""
    _sections[name] = Section(name, collect, erase, holds)


def sections() -> tuple[Section, ...]:
    """The registered sections, in order of registration."""
    return tuple(_sections.values())


async def rows(store: Store, sql: str, user_id: str) -> list[dict[str, Any]]:
    """The rows of `sql` (with the user id as its parameter) as JSON-ready dicts."""
    return [dict(r) for r in await store.fetchall(sql, (user_id,))]
