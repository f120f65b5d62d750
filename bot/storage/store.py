"""SQLite storage on aiosqlite: WAL mode, versioned migrations, one writer at a time.

The bot keeps one connection. SQLite transactions belong to the connection, not to an
asyncio task, so every statement goes through one lock: a task's transaction is never
interleaved with another task's statements.

Every write is a transaction done whole or not at all, and two things about the disk are
handled here, once, for every writer:

- the database must still be the file the bot opened: removed, or another file put in its
  place (its folder removed, a backup restored under it), and no write is committed any
  more (DatabaseGone; the bot stops). Looked at before each commit: a stat costs
  microseconds;
- a full disk is a pause: the write is rolled back, and done again, whole, once there is
  space (one log line when the disk fills, one when there is room again).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
from collections.abc import Awaitable, Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from bot.storage.database_file import StorageError, check_database, read_uri
from bot.storage.meta import put_meta, read_meta, with_prefix
from bot.storage.migrations import MIGRATIONS, Migration

log = logging.getLogger(__name__)

T = TypeVar("T")
# A piece of work on the database done in the store's thread: plain sqlite3 calls, no awaits.
Work = Callable[[sqlite3.Connection], T]


class StoreStopped(BaseException):
    """The store takes no more writes: its database is gone (DatabaseGone), or the bot is
    stopping while a write waits for disk space. A BaseException, as asyncio's
    CancelledError is, so that no `except Exception` around a command, an announcement or a
    job takes it for that one piece of work failing (and answers, logs a traceback, or marks
    anything done): it ends the work where it is, and the bot stops."""


class DatabaseGone(StoreStopped):
    """The database file was removed, or another file put in its place, while the bot ran;
    the message (one line) names it. Nothing more is written: not to the old file, which
    nobody would read again, nor to a new, empty one."""


# A write that found the disk full tries again after the first wait (in seconds), then
# after twice as long each time, up to the second.
SPACE_CHECKS = (0.5, 10.0)


def disk_full(error: BaseException) -> bool:
    """Whether SQLite said the disk (or the database's size limit) is full: SQLITE_FULL."""
    code = getattr(error, "sqlite_errorcode", None)
    return isinstance(error, sqlite3.Error) and isinstance(code, int) and code & 0xFF == sqlite3.SQLITE_FULL


class Store:
    def __init__(self, conn: aiosqlite.Connection, plain: sqlite3.Connection, path: Path):
        self._conn = conn
        # The same connection, for work done whole in the store's own thread (Store.run).
        self._plain = plain
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store")
        self._lock = asyncio.Lock()
        self.path = path
        # Values that never change once the database exists, read once (meta keys).
        self.memo: dict[str, str] = {}
        # The file written to, (st_dev, st_ino) as opened; None in memory or read-only.
        self._identity: tuple[int, int] | None = None
        self.gone: DatabaseGone | None = None
        self._on_gone: list[Callable[[], None]] = []
        self._full = False
        self._stopping = asyncio.Event()

    @classmethod
    async def open(
        cls, path: str | Path, migrations: Sequence[Migration] = MIGRATIONS, *, read_only: bool = False
    ) -> Store:
        """Open the database: checked first (`check_database`), then migrated. With
        `read_only` (export, status) it is never migrated nor written."""
        path = Path(path)
        in_memory = str(path) == ":memory:"
        if not in_memory:
            await asyncio.to_thread(check_database, path, write=not read_only, migrations=migrations)
        new = not in_memory and not read_only and not path.exists()
        # Used by aiosqlite's thread and by the store's own (Store.run), never by both at once.
        try:
            if read_only and not in_memory:
                conn = await aiosqlite.connect(read_uri(path), uri=True, isolation_level=None, check_same_thread=False)
            else:
                conn = await aiosqlite.connect(path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as e:
            raise StorageError(f"{path}: cannot be opened: {e}") from None
        conn.row_factory = aiosqlite.Row
        # The sqlite3 connection under it, as a cursor of it tells (a cursor's `connection`).
        async with conn.cursor() as cursor:
            plain = cursor.connection
        store = cls(conn, plain, path)
        if read_only:
            await conn.execute("PRAGMA busy_timeout = 5000")
            return store
        if new:
            # Said once in the bot's life, with the path: a bot started where its database
            # should have been and is not (a folder not mounted) shows it in its first lines.
            log.info("no database at %s yet: starting a new one", path)
        try:
            await store._migrate(migrations)
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute("PRAGMA busy_timeout = 5000")
            mode = await (await conn.execute("PRAGMA journal_mode = WAL")).fetchone()
            if str(path) != ":memory:" and (mode is None or mode[0].lower() != "wal"):
                raise StorageError(f"{path}: could not switch to WAL mode (got {mode[0] if mode else 'nothing'})")
            if not in_memory:
                info = path.stat()
                store._identity = (info.st_dev, info.st_ino)
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
                if migration.run is not None:
                    await migration.run(self._conn)
                # user_version lives in the database header and is part of the transaction.
                await self._conn.execute(f"PRAGMA user_version = {int(migration.version)}")
                await self._conn.execute("COMMIT")
            except Exception as e:
                if self._conn.in_transaction:
                    await self._conn.execute("ROLLBACK")
                raise StorageError(
                    f"migration {migration.version} ({migration.description}) failed: {e}; "
                    f"the database is left at version {current}"
                ) from e
            log.info("database migrated to version %d: %s", migration.version, migration.description)
            current = migration.version

    async def schema_version(self) -> int:
        row = await (await self._conn.execute("PRAGMA user_version")).fetchone()
        return int(row[0]) if row is not None else 0

    async def close(self) -> None:
        self.stop_waiting()
        async with self._lock:
            await self._conn.close()
        self._thread.shutdown(wait=False)

    # --- the file and the disk under it -------------------------------------------------

    def when_gone(self, callback: Callable[[], None]) -> None:
        """Call `callback` (once) when a write finds the database gone."""
        self._on_gone.append(callback)

    def stop_waiting(self) -> None:
        """The bot is stopping: a write waiting for disk space gives up (StoreStopped), and
        so does one that finds the disk full from now on. Nothing half-done is kept: what it
        was for is done again at the next start (a command is still in the inbox, a sync's
        events are fetched again)."""
        self._stopping.set()

    def _check_in_place(self) -> None:
        """Raise DatabaseGone unless the file at `path` is still the one opened. Called just
        before each commit, in whichever thread commits."""
        if self._identity is None:
            return
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            raise DatabaseGone(
                f"{self.path}: the database was removed while the bot ran (or its folder was): stopped, "
                "writing nothing more; put it back or restore a backup before starting the bot again "
                "(started without it, the bot would begin afresh with an empty database)"
            ) from None
        except OSError as e:
            raise DatabaseGone(
                f"{self.path}: the database can no longer be reached ({e.strerror}): stopped, writing nothing more"
            ) from None
        if (info.st_dev, info.st_ino) != self._identity:
            raise DatabaseGone(
                f"{self.path}: another file was put in the database's place while the bot ran: stopped, "
                "writing to neither; start the bot again to use the file now there"
            )

    async def _done_whole(self, attempt: Callable[[], Awaitable[T]], *, write: bool = True) -> T:
        """`attempt` (one transaction, under the lock) until it is done. On a full disk it
        was rolled back whole: it is done again, whole, once there is space; given up
        (StoreStopped) if the bot is stopping. A database found gone is told once, and no
        write is tried on it again."""
        wait = SPACE_CHECKS[0]
        while True:
            if write and self.gone is not None:
                raise DatabaseGone(str(self.gone))
            try:
                async with self._lock:
                    result = await attempt()
            except DatabaseGone as e:
                if self.gone is None:
                    self.gone = e
                    for callback in self._on_gone:
                        callback()
                raise
            except sqlite3.Error as e:
                if not disk_full(e):
                    raise
                if not self._full:
                    self._full = True
                    log.error("database or disk is full at %s: waiting for space", self.path)
                if self._stopping.is_set():
                    raise StoreStopped(f"{self.path}: stopping while the disk is full; a write was given up") from None
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), wait)
                wait = min(wait * 2, SPACE_CHECKS[1])
                continue
            if self._full:
                self._full = False
                log.info("space is back at %s: carrying on", self.path)
            return result

    # --- statements -------------------------------------------------------------------

    @property
    def changes(self) -> int:
        """Rows changed through this connection since it was opened (SQLite's total_changes):
        while it stays the same, nothing the bot keeps has changed."""
        return self._conn.total_changes

    async def transaction(self, work: Callable[[aiosqlite.Connection], Awaitable[T]]) -> T:
        """Do `work` in one transaction (BEGIN IMMEDIATE ... COMMIT), nothing else running
        meanwhile; rolled back if it raises. On a full disk it is rolled back and done again,
        whole, once there is space: `work` does nothing but statements (it sends nothing and
        keeps nothing elsewhere) and returns what it found."""
        conn = self._conn

        async def attempt() -> T:
            await conn.execute("BEGIN IMMEDIATE")
            try:
                result = await work(conn)
                self._check_in_place()
                await conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:  # SQLite may have rolled it back itself (a full disk can do that)
                    await conn.execute("ROLLBACK")
                raise
            return result

        return await self._done_whole(attempt)

    async def run(self, work: Work[T], *, write: bool = False) -> T:
        """Do `work` with the plain sqlite3 connection in the store's own thread: all its
        statements cost one trip to that thread, not one each (what a command's few
        statements cost most). With `write`, inside BEGIN IMMEDIATE ... COMMIT, rolled
        back if it raises, and done again whole on a full disk, as `transaction`'s work is.
        `work` must not block on anything but the database."""
        if write:
            return await self._done_whole(
                lambda: self._in_thread(_in_transaction, work, self._plain, self._check_in_place)
            )
        return await self._done_whole(lambda: self._in_thread(_alone, work, self._plain), write=False)

    async def _in_thread(self, call: Callable[..., T], *args: Any) -> T:
        """`call(*args)` in the store's thread, under the lock (taken by the caller). The
        lock is kept until it is over, even if the caller is cancelled meanwhile: nothing
        else may use the connection while it runs. The thread hands the outcome straight
        to the loop (one hop, as aiosqlite's own thread does), settling `finished` too,
        which a cancelled caller waits for."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[T] = loop.create_future()
        finished: asyncio.Future[None] = loop.create_future()
        self._thread.submit(_call_and_tell, loop, done, finished, partial(call, *args))
        try:
            return await done
        except asyncio.CancelledError:
            while not finished.done():
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.wait([finished])
            raise

    async def execute(self, sql: str, params: Iterable[Any] = ()) -> int:
        """Run one write; returns the number of rows changed."""
        values = tuple(params)
        return await self.run(lambda conn: conn.execute(sql, values).rowcount, write=True)

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
        async with self._lock:
            return await read_meta(self._conn, key)

    async def set_meta(self, key: str, value: str) -> None:
        await self.run(lambda conn: put_meta(conn, key, value), write=True)

    async def meta_with_prefix(self, prefix: str) -> dict[str, str]:
        """Every `meta` entry whose key starts with `prefix` (as in `dm:`), by key."""
        return await self.run(lambda conn: with_prefix(conn, prefix))


def _call_and_tell(
    loop: asyncio.AbstractEventLoop, done: asyncio.Future[T], finished: asyncio.Future[None], call: Callable[[], T]
) -> None:
    """In the store's thread: `call()`, its outcome handed to the loop."""
    try:
        result = call()
    except BaseException as error:  # handed over whole, as the caller's own exception
        loop.call_soon_threadsafe(_settle, done, finished, None, error)
    else:
        loop.call_soon_threadsafe(_settle, done, finished, result, None)


def _settle(
    done: asyncio.Future[T], finished: asyncio.Future[None], result: T | None, error: BaseException | None
) -> None:
    finished.set_result(None)
    if done.cancelled():
        return
    if error is not None:
        done.set_exception(error)
    else:
        done.set_result(result)  # type: ignore[arg-type]


def _alone(work: Work[T], conn: sqlite3.Connection) -> T:
    return work(conn)


def _in_transaction(work: Work[T], conn: sqlite3.Connection, check: Callable[[], None]) -> T:
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = work(conn)
        check()
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:  # SQLite may have rolled it back itself (a full disk can do that)
            conn.execute("ROLLBACK")
        raise
    return result
