"""The `meta` table: small values kept by key (the sync token, the bot's state, each
person's direct room), on a connection: inside a transaction (aiosqlite's, or the plain
sqlite3 one of Store.run's work), or through the store's get_meta/set_meta."""

from __future__ import annotations

import sqlite3

import aiosqlite


def dm_key(user_id: str = "") -> str:
    """The `meta` key under which the Matrix adapter keeps its direct-message room with
    `user_id`; with no user id, the prefix of all of them."""
    return f"dm:{user_id}"


_READ_META = "SELECT value FROM meta WHERE key = ?"


async def read_meta(db: aiosqlite.Connection, key: str) -> str | None:
    row = await (await db.execute(_READ_META, (key,))).fetchone()
    return None if row is None else str(row[0])


_WRITE_META = "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"


async def write_meta(db: aiosqlite.Connection, key: str, value: str) -> None:
    await db.execute(_WRITE_META, (key, value))


def put_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    """`write_meta`, on the plain connection (in Store.run's work)."""
    conn.execute(_WRITE_META, (key, value))


def fetch_meta(conn: sqlite3.Connection, key: str) -> str | None:
    """`read_meta`, on the plain connection (in Store.run's work)."""
    row = conn.execute(_READ_META, (key,)).fetchone()
    return None if row is None else str(row[0])


async def write_meta_once(db: aiosqlite.Connection, key: str, value: str) -> None:
    """Set `key` unless it is set already."""
    await db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (key, value))


async def count_meta(db: aiosqlite.Connection, key: str) -> None:
    """Add one to the number kept under `key` (1 if there is none)."""
    await db.execute(
        "INSERT INTO meta (key, value) VALUES (?, '1') "
        "ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1",
        (key,),
    )


async def delete_meta(db: aiosqlite.Connection, key: str) -> None:
    await db.execute("DELETE FROM meta WHERE key = ?", (key,))


async def delete_meta_below(db: aiosqlite.Connection, prefix: str, below: str) -> None:
    """Delete the entries whose key starts with `prefix` and whose value sorts before
    `below` (ISO instants compare as text)."""
    await db.execute("DELETE FROM meta WHERE substr(key, 1, ?) = ? AND value < ?", (len(prefix), prefix, below))


def with_prefix(conn: sqlite3.Connection, prefix: str) -> dict[str, str]:
    """Every entry whose key starts with `prefix` (as in `dm:`), by key."""
    rows = conn.execute("SELECT key, value FROM meta WHERE substr(key, 1, ?) = ?", (len(prefix), prefix))
    return {str(key): str(value) for key, value in rows}
