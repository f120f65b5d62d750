"""The database file, looked at before the store opens it: whether it can serve as the
bot's database (for writing: `run`, `console`; for reading: `export`, `status`, `backup`),
said in one line naming the file, and how to open it for reading only. Reads only."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Sequence
from pathlib import Path

from bot.storage.migrations import MIGRATIONS, Migration


class StorageError(Exception):
    """A database the bot cannot use; the message is one line naming the file."""


SQLITE_MAGIC = b"SQLite format 3\x00"


def writable(path: Path) -> bool:
    # Root may write anything; a file or folder with no write bit is still meant to be left
    # alone, so the mode counts too.
    return os.access(path, os.W_OK) and bool(path.stat().st_mode & 0o222)


def read_uri(path: Path) -> str:
    """How to open the database for reading only. Beside a running bot (a -wal file exists)
    read through its WAL; otherwise as immutable, so that reading creates no -wal or -shm
    file (which, made by another user, could keep the bot from starting)."""
    wal = path.with_name(path.name + "-wal")
    return path.resolve().as_uri() + ("?mode=ro" if wal.exists() else "?immutable=1")


def check_database(
    path: str | Path, *, write: bool, migrations: Sequence[Migration] = MIGRATIONS, any_version: bool = False
) -> None:
    """Raise StorageError (one line naming the file and what is wrong) unless `path` can serve
    as the bot's database: for writing (`run`, `console`) it may be missing in a writable
    folder, or at an older schema (it is migrated then); for reading (`export`, `status`)
    it must exist at exactly this version, or with `any_version` (`backup`, which copies
    pages and reads no table) at any version a ccc-bot wrote. Reads only; changes nothing."""
    path = Path(path)
    latest = migrations[-1].version if migrations else 0
    try:
        info = path.stat()
    except FileNotFoundError:
        if not write:
            raise StorageError(f"{path}: no database there (has the bot run with this config?)") from None
        folder = path.parent
        if not folder.exists():
            raise StorageError(
                f"{path}: the folder {folder} does not exist (create it, or fix storage.database)"
            ) from None
        if not folder.is_dir():
            raise StorageError(f"{path}: {folder} is not a folder") from None
        if not writable(folder):
            raise StorageError(
                f"{path}: the folder {folder} is not writable (the database and its -wal and -shm files live there)"
            ) from None
        return
    except NotADirectoryError:
        raise StorageError(f"{path}: a part of this path is a file, not a folder") from None
    except OSError as e:
        raise StorageError(f"{path}: cannot be reached: {e.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise StorageError(f"{path}: is a folder, not a database file")
    if not stat.S_ISREG(info.st_mode):
        raise StorageError(f"{path}: not a regular file, so not a database")
    try:
        with path.open("rb") as f:
            header = f.read(100)
    except OSError as e:
        raise StorageError(f"{path}: cannot be read: {e.strerror}") from None
    if not header and not write:
        raise StorageError(f"{path}: the file is empty, not a ccc-bot database (has the bot run with it?)")
    if header and not header.startswith(SQLITE_MAGIC):
        raise StorageError(f"{path}: not a SQLite database (is storage.database the right file?)")
    if write and not writable(path):
        raise StorageError(f"{path}: the file is read-only; the bot needs to write it (check its owner and mode)")
    if write and not writable(path.parent):
        raise StorageError(
            f"{path}: the folder {path.parent} is not writable (the database's -wal and -shm files live there)"
        )
    if not header:
        return  # an empty file is an empty database: the bot sets it up
    uri = read_uri(path)
    journal = path.with_name(path.name + "-journal")
    if journal.exists() and journal.stat().st_size > 0:
        # A write cut short in rollback-journal mode (a new database's first migration):
        # only a writer may roll it back, and opening for writing does just that.
        if not write:
            raise StorageError(f"{path}: a write was interrupted ({journal.name} is left); run the bot once to recover")
        uri = path.resolve().as_uri()
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as e:
        raise StorageError(f"{path}: cannot be opened: {e}") from None
    try:
        result = conn.execute("PRAGMA quick_check").fetchone()[0]
        if result != "ok":
            found = [line for line in str(result).splitlines() if line.strip() and not line.startswith("***")]
            first = found[0] if found else str(result)
            raise StorageError(f"{path}: the database is damaged ({first}); restore it from a backup")
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        tables = int(conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0])
    except sqlite3.DatabaseError as e:
        raise StorageError(f"{path}: the database is damaged ({e}); restore it from a backup") from None
    finally:
        conn.close()
    if version > latest and not any_version:
        raise StorageError(
            f"{path} has schema version {version}, written by a newer ccc-bot; this "
            f"version knows up to {latest}. Refusing to touch it: upgrade ccc-bot instead."
        )
    if version == 0 and tables:
        raise StorageError(f"{path}: a SQLite database, but not a ccc-bot database; refusing to touch it")
    if not write and version == 0:
        raise StorageError(f"{path}: an empty database, not yet set up (has the bot run with it?)")
    if not write and version != latest and not any_version:
        raise StorageError(
            f"{path} has schema version {version}; this ccc-bot reads version {latest} and never "
            f"upgrades a database just to read it: run the bot (`ccc-bot run`) once to upgrade it, "
            f"or use the ccc-bot that wrote it"
        )
