"""SQLite storage on aiosqlite: WAL mode, versioned migrations, one writer at a time.

The bot keeps one connection. SQLite transactions belong to the connection, not to an
asyncio task, so every statement goes through one lock: a task's transaction is never
interleaved with another task's statements.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from bot.migrations import MIGRATIONS, Migration

log = logging.getLogger(__name__)


class StorageError(Exception):
    pass


class Store:
    def __init__(self, conn: aiosqlite.Connection, path: Path):
        self._conn = conn
        self._lock = asyncio.Lock()
        self.path = path

    @classmethod
    async def open(cls, path: str | Path, migrations: Sequence[Migration] = MIGRATIONS) -> Store:
        path = Path(path)
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        store = cls(conn, path)
        try:
            await store._migrate(migrations)
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute("PRAGMA busy_timeout = 5000")
            mode = await (await conn.execute("PRAGMA journal_mode = WAL")).fetchone()
            if str(path) != ":memory:" and mode[0].lower() != "wal":
                raise StorageError(f"{path}: could not switch to WAL mode (got {mode[0]})")
        except BaseException:
            await conn.close()
            raise
        return store

    async def _migrate(self, migrations: Sequence[Migration]) -> None:
        current = await self.schema_version()
        latest = migrations[-1].version if migrations else 0
        if current > latest:
            raise StorageError(
                f"{self.path} has schema version {current}, written by a newer ccc-bot; this "
                f"version knows up to {latest}. Refusing to touch it: upgrade ccc-bot instead."
            )
        for migration in migrations:
            if migration.version <= current:
                continue
            try:
                await self._conn.execute("BEGIN IMMEDIATE")
                for statement in migration.statements:
                    await self._conn.execute(statement)
                # user_version lives in the database header and is part of the transaction.
                await self._conn.execute(f"PRAGMA user_version = {int(migration.version)}")
                await self._conn.execute("COMMIT")
            except Exception as e:
                await self._conn.execute("ROLLBACK")
                raise StorageError(
                    f"migration {migration.version} ({migration.description}) failed: {e}; "
                    f"the database is left at version {current}"
                ) from e
            log.info("database migrated to version %d: %s", migration.version, migration.description)
            current = migration.version

    async def schema_version(self) -> int:
        row = await (await self._conn.execute("PRAGMA user_version")).fetchone()
        return int(row[0])

    async def close(self) -> None:
        async with self._lock:
            await self._conn.close()

    # --- statements -------------------------------------------------------------------

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """All statements inside run atomically; nothing else runs meanwhile."""
        async with self._lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
            await self._conn.execute("COMMIT")

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run one write; returns the number of rows changed (or the new rowid for inserts
        is available through `insert`)."""
        async with self._lock:
            cursor = await self._conn.execute(sql, tuple(params))
            return cursor.rowcount

    async def insert(self, sql: str, params: Iterable[Any] = ()) -> int:
        async with self._lock:
            cursor = await self._conn.execute(sql, tuple(params))
            return int(cursor.lastrowid)

    async def fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[aiosqlite.Row]:
        # execute_fetchall is one trip to aiosqlite's thread, not two (execute, then fetch).
        async with self._lock:
            return list(await self._conn.execute_fetchall(sql, tuple(params)))

    async def fetchone(self, sql: str, params: Iterable[Any] = ()) -> aiosqlite.Row | None:
        """The first row of a query that selects one (by key, or with LIMIT 1)."""
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def fetchval(self, sql: str, params: Iterable[Any] = (), default: Any = None) -> Any:
        row = await self.fetchone(sql, params)
        return default if row is None else row[0]

    # --- small shared state -----------------------------------------------------------

    async def get_meta(self, key: str) -> str | None:
        return await self.fetchval("SELECT value FROM meta WHERE key = ?", (key,))

    async def set_meta(self, key: str, value: str) -> None:
        await self.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    async def get_timezone(self, user_id: str) -> str | None:
        return await self.fetchval("SELECT timezone FROM users WHERE user_id = ?", (user_id,))

    async def set_timezone(self, user_id: str, timezone: str | None) -> None:
        await self.execute(
            "INSERT INTO users (user_id, timezone) VALUES (?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET timezone = excluded.timezone",
            (user_id, timezone),
        )

    async def display_name(self, user_id: str) -> str | None:
        return await self.fetchval("SELECT display_name FROM users WHERE user_id = ?", (user_id,))

    async def remember_display_name(self, user_id: str, name: str) -> None:
        await self.execute(
            "INSERT INTO users (user_id, display_name) VALUES (?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET display_name = excluded.display_name "
            "WHERE display_name IS NOT excluded.display_name",
            (user_id, name),
        )
