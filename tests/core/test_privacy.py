"""Privacy by registration (bot/core/privacy.py, run by bot/features/privacy/registry.py): every
column that holds a user id is collected by `!mydata` and erased by `!forgetme`, whichever
feature (or the dispatcher, or the Matrix adapter's inbox) owns its table."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import aiosqlite

import bot.app  # noqa: F401 (the wiring: every feature and the inbox register their part of !mydata on import)
from bot.core import privacy as core
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
                given = {column.name: column.holding(SOMEONE)}
                await store.transaction(lambda db, table=column.table, given=given: _fill(db, table, given))
                where = f"{column.table}.{column.name} ({section.name})"
                assert not privacy.is_empty(await privacy.collect(store, SOMEONE)), f"{where} is not collected"
                await privacy.request_erasure(store, SOMEONE, NOW)
                await privacy.erase(store, SOMEONE, NOW)
                assert privacy.is_empty(await privacy.collect(store, SOMEONE)), f"{where} is not erased"
            finally:
                await store.close()


# --- the mechanism itself -------------------------------------------------------------------


async def test_registering_a_name_again_replaces_it_in_place(monkeypatch):
    monkeypatch.setattr(core, "_sections", {})

    async def collect(store: Store, user_id: str) -> dict[str, Any]:
        return {}

    async def erase_v1(db: aiosqlite.Connection, who: core.Erasing) -> dict[str, Any]:
        return {"v": 1}

    async def erase_v2(db: aiosqlite.Connection, who: core.Erasing) -> dict[str, Any]:
        return {"v": 2}

    core.register("first", collect, erase_v1)
    core.register("second", collect, erase_v1, holds=(core.Column("t", "user_id"),))
    core.register("first", collect, erase_v2)  # the module imported a second time
    assert [s.name for s in core.sections()] == ["first", "second"], "in order of first registration"
    assert core.sections()[0].erase is erase_v2
    assert core.sections()[1].holds == (core.Column("t", "user_id"),)


def test_a_column_names_the_person_by_their_id_unless_it_says_how():
    assert core.Column("votes", "user_id").holding(SOMEONE) == SOMEONE
    dm = core.Column("meta", "key", lambda user_id: f"dm:{user_id}")
    assert dm.holding(SOMEONE) == f"dm:{SOMEONE}"


async def test_rows_are_json_ready_dicts_for_the_one_person():
    store = await Store.open(":memory:")
    try:
        await store.set_meta(f"dm:{SOMEONE}", "!dm:example.org")
        await store.set_meta("dm:@other:example.org", "!other:example.org")
        found = await core.rows(store, "SELECT key, value FROM meta WHERE key = 'dm:' || ?", SOMEONE)
    finally:
        await store.close()
    assert found == [{"key": f"dm:{SOMEONE}", "value": "!dm:example.org"}]
