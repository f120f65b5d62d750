"""`ccc-bot backup`: a consistent copy of the database, taken while the bot runs and writes.

SQLite's online backup API copies the pages; a read transaction held on the source for
the whole copy pins one snapshot (in WAL mode a reader never blocks the bot's writes, and
the copy is never restarted by them). The pages go over in steps with a short pause
between, so a large copy does not hog the disk. The copy is checked with
`PRAGMA integrity_check` before anyone is told it worked.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from bot.storage.database_file import StorageError, check_database, read_uri

PAGES_PER_STEP = 256
PAUSE_SECONDS = 0.005


def backup_name(database: Path, at: dt.datetime) -> str:
    """The name `ccc-bot backup -o FOLDER/` gives the copy of `database` taken `at`: the
    database's own name, `-backup-` and the time in UTC (ccc-bot.sqlite3 at 14:30:00 UTC on
    26 November 2026: ccc-bot-backup-2026-11-26-143000.sqlite3). The docs' restore steps
    show this name (tests/storage/test_backup.py holds them to it)."""
    return f"{database.stem}-backup-{at.astimezone(dt.UTC):%Y-%m-%d-%H%M%S}{database.suffix or '.sqlite3'}"


@dataclass(frozen=True)
class Backup:
    schema_version: int
    pages: int
    size: int


def backup_database(source: Path, target: Path) -> Backup:
    """Copy the database at `source` into the new or empty file `target`, then check the
    copy; StorageError (one line) if the source cannot be read or the copy is not sound.
    Any schema version of a ccc-bot database is copied: a backup before an upgrade is the
    point of having one."""
    check_database(source, write=False, any_version=True)
    try:
        src = sqlite3.connect(read_uri(source), uri=True, isolation_level=None)
    except sqlite3.Error as e:
        raise StorageError(f"{source}: cannot be opened: {e}") from None
    try:
        src.execute("PRAGMA busy_timeout = 5000")
        # One snapshot for the whole copy: the read transaction stays open between steps.
        src.execute("BEGIN")
        version = int(src.execute("PRAGMA user_version").fetchone()[0])
        dst = sqlite3.connect(target, isolation_level=None)
        try:
            src.backup(dst, pages=PAGES_PER_STEP, sleep=PAUSE_SECONDS)
            # One self-contained file (no -wal beside it); the bot turns WAL on again as it opens it.
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
        src.execute("COMMIT")
    except sqlite3.Error as e:
        raise StorageError(f"{source}: the backup failed: {e}") from None
    finally:
        src.close()
    fd = os.open(target, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return Backup(version, *verify(target))


def verify(path: Path) -> tuple[int, int]:
    """(pages, bytes) of the database at `path` if `PRAGMA integrity_check` passes on it;
    StorageError otherwise."""
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            found = [str(row[0]) for row in conn.execute("PRAGMA integrity_check")]
            pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error as e:
        raise StorageError(f"the copy failed its integrity check: {e}") from None
    if found != ["ok"]:
        raise StorageError(f"the copy failed its integrity check: {found[0]}")
    return pages, path.stat().st_size
