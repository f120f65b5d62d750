import asyncio
import logging
import os
import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from bot.storage.database_file import StorageError
from bot.storage.migrations import MIGRATIONS
from bot.storage.store import DatabaseGone, Store, StoreStopped
from tests.storage.disk import no_room, room_again


def version_of(path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("PRAGMA user_version").fetchone()[0]


async def test_fresh_database_reaches_latest_version_in_wal_mode(tmp_path):
    path = tmp_path / "db.sqlite3"
    store = await Store.open(path)
    assert await store.schema_version() == MIGRATIONS[-1].version
    assert await store.fetchval("PRAGMA journal_mode") == "wal"
    await store.close()


async def test_reopening_is_a_no_op_and_keeps_data(tmp_path):
    path = tmp_path / "db.sqlite3"
    store = await Store.open(path)
    await store.set_meta("a", "kept")
    await store.close()
    store = await Store.open(path)
    assert await store.get_meta("a") == "kept"
    assert await store.schema_version() == MIGRATIONS[-1].version
    await store.close()


async def test_transaction_rolls_back_on_error(tmp_path):
    store = await Store.open(tmp_path / "db.sqlite3")

    async def write_then_fail(db):
        await db.execute("INSERT INTO meta VALUES ('a', '1')")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await store.transaction(write_then_fail)
    assert await store.get_meta("a") is None
    await store.transaction(lambda db: db.execute("INSERT INTO meta VALUES ('a', '2')"))
    assert await store.get_meta("a") == "2"
    await store.close()


async def test_work_run_as_a_write_is_one_transaction_kept_or_rolled_back_whole(tmp_path):
    store = await Store.open(tmp_path / "db.sqlite3")

    def two_writes_then_fail(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO meta VALUES ('a', '1')")
        conn.execute("INSERT INTO meta VALUES ('b', '1')")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await store.run(two_writes_then_fail, write=True)
    assert await store.get_meta("a") is None and await store.get_meta("b") is None

    def two_writes(conn: sqlite3.Connection) -> str:
        conn.execute("INSERT INTO meta VALUES ('a', '2')")
        conn.execute("INSERT INTO meta VALUES ('b', '2')")
        return str(conn.execute("SELECT COUNT(*) FROM meta WHERE value = '2'").fetchone()[0])

    assert await store.run(two_writes, write=True) == "2"
    await store.close()
    # Committed: another connection sees both.
    with sqlite3.connect(tmp_path / "db.sqlite3") as conn:
        assert conn.execute("SELECT key FROM meta WHERE value = '2' ORDER BY key").fetchall() == [("a",), ("b",)]


async def test_work_run_for_reading_gets_rows_by_column_name(tmp_path):
    store = await Store.open(tmp_path / "db.sqlite3")
    await store.set_meta("a", "x")
    row = await store.run(lambda conn: conn.execute("SELECT key, value FROM meta WHERE key = 'a'").fetchone())
    assert (row["key"], row["value"]) == ("a", "x")
    await store.close()


# --- faults: a damaged or unusable database file is refused in one line, untouched ------


async def healthy_database(path) -> bytes:
    store = await Store.open(path)
    await store.set_meta("kept", "yes")
    await store.close()
    return path.read_bytes()


async def faulty_files(tmp_path):
    """Each fault as (name, database path, what the one line must say)."""
    good = await healthy_database(tmp_path / "good.sqlite3")
    cases = []
    corrupt = tmp_path / "corrupt.sqlite3"
    damaged = bytearray(good)
    damaged[108:300] = bytes(range(192))  # page 1: the schema's cell pointers
    corrupt.write_bytes(bytes(damaged))
    cases.append(("corrupt", corrupt, "damaged"))
    truncated = tmp_path / "truncated.sqlite3"
    truncated.write_bytes(good[: len(good) // 3])
    cases.append(("truncated", truncated, "damaged"))
    random_bytes = tmp_path / "random.sqlite3"
    random_bytes.write_bytes(bytes((i * 7919 + 13) % 256 for i in range(5000)))
    cases.append(("random bytes", random_bytes, "not a SQLite database"))
    text = tmp_path / "notes.txt"
    text.write_text("Linux version 6.1 (not a database at all)\n")
    cases.append(("a text file", text, "not a SQLite database"))
    return cases


@pytest.mark.parametrize("read_only", [False, True], ids=["run", "read"])
async def test_faulty_files_are_refused_in_one_line_and_left_unchanged(tmp_path, read_only):
    for name, path, expected in await faulty_files(tmp_path):
        before = path.read_bytes()
        with pytest.raises(StorageError) as e:
            await Store.open(path, read_only=read_only)
        message = str(e.value)
        assert str(path) in message and expected in message, (name, message)
        assert "\n" not in message, (name, message)
        assert path.read_bytes() == before, name


@pytest.mark.skipif(not Path("/proc/version").exists(), reason="no /proc here")
async def test_proc_version_is_not_a_database():
    path = Path("/proc/version")
    for read_only in (False, True):
        with pytest.raises(StorageError, match="/proc/version: not a SQLite database"):
            await Store.open(path, read_only=read_only)


async def test_a_missing_folder_is_named_not_created(tmp_path):
    path = tmp_path / "nowhere" / "db.sqlite3"
    with pytest.raises(StorageError, match=r"the folder .*nowhere does not exist"):
        await Store.open(path)
    assert not (tmp_path / "nowhere").exists()


async def test_a_read_only_file_or_folder_is_refused_for_writing(tmp_path):
    path = tmp_path / "db.sqlite3"
    before = await healthy_database(path)
    path.chmod(0o444)
    try:
        with pytest.raises(StorageError, match=r"db\.sqlite3: the file is read-only"):
            await Store.open(path)
    finally:
        path.chmod(0o644)
    tmp_path.chmod(0o555)
    try:
        with pytest.raises(StorageError, match="is not writable"):
            await Store.open(path)
        # reading needs neither
        store = await Store.open(path, read_only=True)
        assert await store.get_meta("kept") == "yes"
        await store.close()
    finally:
        tmp_path.chmod(0o755)
    assert path.read_bytes() == before


async def test_a_folder_is_not_a_database(tmp_path):
    with pytest.raises(StorageError, match="is a folder"):
        await Store.open(tmp_path)


# --- reading: export and status never migrate ----------------------------------------


async def test_reading_an_older_database_leaves_it_at_its_version(tmp_path):
    path = tmp_path / "db.sqlite3"
    store = await Store.open(path, MIGRATIONS[:-1])
    await store.close()
    older = MIGRATIONS[-2].version
    before = path.read_bytes()
    with pytest.raises(StorageError, match=f"schema version {older}.*never upgrade"):
        await Store.open(path, read_only=True)
    assert version_of(path) == older
    assert path.read_bytes() == before


async def test_reading_a_newer_database_is_refused(tmp_path):
    path = tmp_path / "db.sqlite3"
    await healthy_database(path)
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {MIGRATIONS[-1].version + 1}")
    with pytest.raises(StorageError, match="newer ccc-bot"):
        await Store.open(path, read_only=True)


async def test_reading_leaves_no_files_beside_a_closed_database(tmp_path):
    path = tmp_path / "db.sqlite3"
    before = await healthy_database(path)
    store = await Store.open(path, read_only=True)
    assert await store.get_meta("kept") == "yes"
    with pytest.raises(sqlite3.OperationalError):
        await store.set_meta("x", "y")
    await store.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db.sqlite3"]
    assert path.read_bytes() == before


async def test_reading_sees_what_a_running_bot_wrote(tmp_path):
    path = tmp_path / "db.sqlite3"
    bot = await Store.open(path)
    await bot.set_meta("fresh", "from the WAL")
    reader = await Store.open(path, read_only=True)
    assert await reader.get_meta("fresh") == "from the WAL"
    await reader.close()
    await bot.close()


async def test_a_foreign_sqlite_database_is_not_adopted(tmp_path):
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE photos (id INTEGER)")
    before = path.read_bytes()
    for read_only in (False, True):
        with pytest.raises(StorageError, match="not a ccc-bot database"):
            await Store.open(path, read_only=read_only)
    assert path.read_bytes() == before


async def test_an_empty_file_becomes_the_database(tmp_path):
    path = tmp_path / "db.sqlite3"
    path.touch()
    with pytest.raises(StorageError, match="empty"):
        await Store.open(path, read_only=True)
    store = await Store.open(path)
    assert await store.schema_version() == MIGRATIONS[-1].version
    await store.close()


async def test_a_crash_in_the_first_migration_is_rolled_back_not_called_damage(tmp_path):
    import asyncio
    import subprocess
    import sys

    path = tmp_path / "db.sqlite3"
    # A process that dies half-way through a transaction in rollback-journal mode (the
    # mode a new database has during its first migration) leaves a hot journal behind.
    crash = (
        "import os, sqlite3\n"
        f"c = sqlite3.connect({str(path)!r}, isolation_level=None)\n"
        "c.execute('PRAGMA cache_size = 1')\n"
        "c.execute('CREATE TABLE t (x TEXT)')\n"
        "c.execute('INSERT INTO t VALUES (?)', ('kept',))\n"
        "c.execute('BEGIN')\n"
        "c.execute('UPDATE t SET x = ?', ('half-written',))\n"
        "c.executemany('INSERT INTO t VALUES (?)', [('x' * 500,)] * 2000)\n"
        "os._exit(0)\n"
    )
    await asyncio.to_thread(subprocess.run, [sys.executable, "-c", crash], check=True)
    assert (tmp_path / "db.sqlite3-journal").stat().st_size > 0
    # not a ccc-bot database, but recovered first: the refusal names that, not damage
    with pytest.raises(StorageError, match="a write was interrupted"):
        await Store.open(path, read_only=True)
    assert (tmp_path / "db.sqlite3-journal").stat().st_size > 0
    with pytest.raises(StorageError, match="not a ccc-bot database"):
        await Store.open(path)
    assert not (tmp_path / "db.sqlite3-journal").exists() or not (tmp_path / "db.sqlite3-journal").stat().st_size
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT x FROM t").fetchall() == [("kept",)]


# --- the database removed or replaced under a running bot -----------------------------


def remove_the_file(path: Path) -> None:
    path.unlink()


def replace_the_file(path: Path) -> None:
    other = path.with_name("other.sqlite3")
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE kept (x)")
    conn.close()
    os.replace(other, path)


def remove_the_folder(path: Path) -> None:
    shutil.rmtree(path.parent)


@pytest.mark.parametrize("lose", [remove_the_file, replace_the_file, remove_the_folder])
async def test_a_database_removed_or_replaced_under_the_store_takes_no_more_writes(tmp_path, lose):
    path = tmp_path / "data" / "db.sqlite3"
    path.parent.mkdir()
    store = await Store.open(path)
    told: list[str] = []
    store.when_gone(lambda: told.append("gone"))
    await store.set_meta("a", "1")
    lose(path)
    replacement = path.read_bytes() if path.exists() else None

    async def update(db):
        await db.execute("UPDATE meta SET value = '5' WHERE key = 'a'")

    writes = [
        lambda: store.set_meta("a", "2"),
        lambda: store.execute("UPDATE meta SET value = '3' WHERE key = 'a'"),
        lambda: store.run(lambda conn: conn.execute("UPDATE meta SET value = '4' WHERE key = 'a'"), write=True),
        lambda: store.transaction(update),
    ]
    for write in writes:
        with pytest.raises(DatabaseGone) as raised:
            await write()
        assert str(path) in str(raised.value) and "\n" not in str(raised.value)
    assert told == ["gone"], "told once, at the first write refused"
    assert isinstance(store.gone, DatabaseGone)
    # None of those writes went anywhere: the old database still says what it said.
    assert await store.get_meta("a") == "1"
    await store.close()
    if replacement is not None:
        assert path.read_bytes() == replacement, "the file put in its place is left alone"
    else:
        assert not path.parent.exists() or not path.exists(), "no new database made in its place"


async def test_a_database_left_in_place_keeps_taking_writes(tmp_path):
    path = tmp_path / "db.sqlite3"
    store = await Store.open(path)
    for i in range(3):
        await store.set_meta("a", str(i))
    assert store.gone is None and await store.get_meta("a") == "2"
    await store.close()


# --- a full disk: a pause, not a failure ------------------------------------------------


async def until(condition, what: str) -> None:
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError(f"never happened: {what}")


def store_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "bot.storage.store" and r.levelno >= logging.INFO]


async def test_a_full_disk_holds_a_write_until_there_is_space_then_does_it_once(tmp_path, caplog, quick_space_checks):
    path = tmp_path / "db.sqlite3"
    store = await Store.open(path)
    caplog.set_level(logging.INFO)
    await no_room(store)
    # Only what the full disk brings (not the new database's line, which another test's
    # logging set-up may have let through).
    caplog.clear()
    attempts = 0

    async def small_then_big(db) -> str:
        nonlocal attempts
        attempts += 1
        await db.execute("INSERT INTO meta VALUES ('small', 'x')")
        await db.execute("INSERT INTO meta VALUES ('big', ?)", ("x" * 50_000,))
        return "stored"

    write = asyncio.create_task(store.transaction(small_then_big))
    await until(lambda: attempts >= 3, "the write tried again")
    assert not write.done(), "a full disk is waited out, not reported as a failure"
    # Meanwhile the database is read as usual, and nothing half-written is seen.
    assert await store.get_meta("small") is None
    await room_again(store)
    assert await write == "stored"
    rows = await store.fetchall("SELECT key FROM meta WHERE key IN ('small', 'big')")
    assert sorted(r["key"] for r in rows) == ["big", "small"], "done once, whole"
    lines = store_lines(caplog)
    assert [(r.levelname, r.getMessage()) for r in lines] == [
        ("ERROR", f"database or disk is full at {path}: waiting for space"),
        ("INFO", f"space is back at {path}: carrying on"),
    ], "one line when it fills, one when there is room again; none per attempt"
    assert all(r.exc_info is None for r in caplog.records), "no traceback"
    await store.close()


async def test_each_kind_of_write_waits_for_space(tmp_path, caplog, quick_space_checks):
    store = await Store.open(tmp_path / "db.sqlite3")
    await no_room(store)
    big = "x" * 50_000
    writes = [
        store.set_meta("a", big),
        store.execute("INSERT INTO meta VALUES ('b', ?)", (big,)),
        store.run(lambda conn: conn.execute("INSERT INTO meta VALUES ('c', ?)", (big,)).rowcount, write=True),
    ]
    tasks = [asyncio.create_task(w) for w in writes]
    await asyncio.sleep(0.1)
    assert not any(t.done() for t in tasks)
    await room_again(store)
    await asyncio.gather(*tasks)
    assert await store.fetchval("SELECT COUNT(*) FROM meta WHERE key IN ('a', 'b', 'c')") == 3
    await store.close()


async def test_a_write_waiting_for_space_gives_up_when_the_bot_stops(tmp_path, quick_space_checks):
    store = await Store.open(tmp_path / "db.sqlite3")
    await no_room(store)
    write = asyncio.create_task(store.set_meta("big", "x" * 50_000))
    await asyncio.sleep(0.05)
    assert not write.done()
    store.stop_waiting()
    with pytest.raises(StoreStopped) as raised:
        await write
    assert not isinstance(raised.value, DatabaseGone)
    # Nor does a later write wait: the bot is stopping.
    with pytest.raises(StoreStopped):
        await store.set_meta("big", "y" * 50_000)
    assert await store.get_meta("big") is None
    await store.close()


async def test_a_commit_refused_by_a_full_disk_is_rolled_back_and_done_again_whole(disk, tmp_path):
    store = await Store.open(tmp_path / "db.sqlite3")
    runs = 0

    def two_rows(conn: sqlite3.Connection) -> None:
        nonlocal runs
        runs += 1
        conn.execute("INSERT INTO meta VALUES ('one', '1')")
        conn.execute("INSERT INTO meta VALUES ('two', '2')")

    disk.full = True
    write = asyncio.create_task(store.run(two_rows, write=True))
    await until(lambda: disk.refused >= 2, "the commit was tried again")
    assert await store.get_meta("one") is None
    disk.full = False
    await write
    assert runs >= 3
    assert await store.fetchval("SELECT COUNT(*) FROM meta WHERE key IN ('one', 'two')") == 2
    await store.close()


async def test_a_cancelled_run_keeps_the_connection_until_its_work_is_over(tmp_path):
    """A command cancelled while its work runs in the store's thread (the bot stopping) does
    not let anything else use the connection before that work is over."""
    store = await Store.open(tmp_path / "db.sqlite3")
    over = threading.Event()

    def slow(conn):
        time.sleep(0.3)
        over.set()

    try:
        task = asyncio.create_task(store.run(slow, write=True))
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert over.is_set(), "the caller got back before the work in the thread was over"
        assert await store.fetchval("SELECT 1") == 1
    finally:
        await store.close()
