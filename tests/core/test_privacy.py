"""Privacy by registration (bot/core/privacy.py, run by bot/features/privacy/registry.py): every
column that holds a user id is collected by `!mydata` and erased by `!forgetme`, whichever
feature (or the dispatcher, or the Matrix adapter's inbox) owns its table."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import aiosqlite

import bot.app  # noqa: F401 (the wiring: every feature and the inbox register their part of !mydata on import)
from bot.core.clock import UTC
from bot.features.privacy import registry as privacy
from bot.storage.migrations import MIGRATIONS, Migration
from bot.storage.store import Store

NOW = dt.datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
SOMEONE = "@someone:example.org"
# Columns whose name says they name a person.
PERSON = re.compile(r"user_id|sender|.+_by")
# Columns that hold a user id inside a JSON document, which their name does not tell.
EMBEDDED = [("inbox", "payload")]


async def person_columns(store: Store) -> list[tuple[str, str]]:
    tables = await store.fetchall("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    found = []
    for (table,) in tables:
        for column in await store.fetchall(f"PRAGMA table_info({table})"):
            if PERSON.fullmatch(column["name"]) or (table, column["name"]) in EMBEDDED:
                found.append((table, column["name"]))
    return sorted(found)


def declared() -> set[tuple[str, str]]:
    return {(c.table, c.name) for section in privacy.sections() for c in section.holds}


async def uncollected(migrations: tuple[Migration, ...]) -> list[tuple[str, str]]:
    store = await Store.open(":memory:", migrations=migrations)
    try:
        return [column for column in await person_columns(store) if column not in declared()]
    finally:
        await store.close()


async def test_every_column_naming_a_person_is_collected():
    assert await uncollected(MIGRATIONS) == []


async def test_a_new_table_naming_a_person_and_collected_by_nobody_is_found():
    guests = Migration(
        MIGRATIONS[-1].version + 1,
        "a feature that forgot to register with privacy",
        ("CREATE TABLE guests (session TEXT NOT NULL, invited_by TEXT NOT NULL, user_id TEXT)",),
    )
    assert await uncollected((*MIGRATIONS, guests)) == [("guests", "invited_by"), ("guests", "user_id")]


async def _fill(db: aiosqlite.Connection, table: str, given: dict[str, Any]) -> None:
    """Insert a row into `table` with the `given` values and a placeholder in every other
    column without a default, first making the rows its foreign keys point to."""
    given = dict(given)
    for fk in await (await db.execute(f"PRAGMA foreign_key_list({table})")).fetchall():
        await _fill(db, fk["table"], {fk["to"]: 1})
        given.setdefault(fk["from"], 1)
    values = dict(given)
    for column in await (await db.execute(f"PRAGMA table_info({table})")).fetchall():
        if column["name"] not in values and column["dflt_value"] is None:
            values[column["name"]] = 1 if "INT" in column["type"].upper() else "x"
    names = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    await db.execute(f"INSERT OR IGNORE INTO {table} ({names}) VALUES ({marks})", tuple(values.values()))


async def test_each_declared_column_is_collected_and_erased():
    for section in privacy.sections():
        for column in section.holds:
            store = await Store.open(":memory:")
            try:
                async with store.transaction() as db:
                    await _fill(db, column.table, {column.name: column.holding(SOMEONE)})
                where = f"{column.table}.{column.name} ({section.name})"
                assert not privacy.is_empty(await privacy.collect(store, SOMEONE)), f"{where} is not collected"
                await privacy.request_erasure(store, SOMEONE, NOW)
                await privacy.erase(store, SOMEONE, NOW)
                assert privacy.is_empty(await privacy.collect(store, SOMEONE)), f"{where} is not erased"
            finally:
                await store.close()
