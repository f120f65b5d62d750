"""A database on a disk that fills up, for tests.

Two ways. `no_room` / `room_again` make SQLite itself refuse to grow the database (PRAGMA
max_page_count): the very error a full disk gives, from the statement that needs a new
page, but only for a write that needs one. `FillingDisk` (the `disk` fixture) refuses every
commit with that error while `full` is on, as a full disk refuses to append a commit to the
write-ahead log: every write waits, whatever its size.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from functools import partial
from typing import Any

import aiosqlite

from bot.storage.store import Store

LARGEST = 1_073_741_823  # SQLite's own limit on max_page_count


async def no_room(store: Store) -> None:
    """The database may not grow by one page from now on."""
    pages = await store.fetchval("PRAGMA page_count")
    await store.fetchval(f"PRAGMA max_page_count = {int(pages)}")


async def room_again(store: Store) -> None:
    await store.fetchval(f"PRAGMA max_page_count = {LARGEST}")


def full_error() -> sqlite3.OperationalError:
    """What sqlite3 raises when the disk is full (SQLITE_FULL)."""
    error = sqlite3.OperationalError("database or disk is full")
    error.sqlite_errorcode = sqlite3.SQLITE_FULL
    error.sqlite_errorname = "SQLITE_FULL"
    return error


class FillingDisk:
    """The disk under every database opened while it is installed: with `full` on, each
    COMMIT fails as on a full disk (and the transaction stays open, for the writer to roll
    back). `refused` counts the commits refused."""

    def __init__(self) -> None:
        self.full = False
        self.refused = 0

    def connection_class(self) -> type[sqlite3.Connection]:
        disk = self

        class OnThisDisk(sqlite3.Connection):
            def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
                if disk.full and sql.strip().upper() == "COMMIT":
                    disk.refused += 1
                    raise full_error()
                return super().execute(sql, parameters)

        return OnThisDisk

    def connect(self, original: Callable[..., aiosqlite.Connection]) -> Callable[..., aiosqlite.Connection]:
        """aiosqlite.connect, opening its sqlite3 connection on this disk."""
        return partial(original, factory=self.connection_class())


async def until_refused(disk: FillingDisk, times: int = 3) -> None:
    """Until `times` commits have been refused (a writer waiting for space tried again),
    or two seconds: the caller asserts what it needs of `disk.refused`."""
    for _ in range(400):
        if disk.refused >= times:
            return
        await asyncio.sleep(0.005)
