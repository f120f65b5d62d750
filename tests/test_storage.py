import sqlite3

import pytest

from bot.migrations import MIGRATIONS, Migration
from bot.storage import StorageError, Store


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
    await store.set_timezone("@a:x", "Europe/Berlin")
    await store.close()
    store = await Store.open(path)
    assert await store.get_timezone("@a:x") == "Europe/Berlin"
    assert await store.schema_version() == MIGRATIONS[-1].version
    await store.close()


async def test_failing_migration_leaves_previous_version_intact(tmp_path):
    path = tmp_path / "db.sqlite3"
    store = await Store.open(path)
    await store.set_meta("kept", "yes")
    await store.close()
    latest = MIGRATIONS[-1].version
    broken = Migration(
        latest + 1,
        "half good, half bad",
        ("CREATE TABLE new_table (x INTEGER)", "INSERT INTO meta VALUES ('half', 'way')", "THIS IS NOT SQL"),
    )
    with pytest.raises(StorageError, match=f"left at version {latest}"):
        await Store.open(path, (*MIGRATIONS, broken))
    assert version_of(path) == latest
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "new_table" not in tables
        assert conn.execute("SELECT value FROM meta WHERE key = 'half'").fetchone() is None
        assert conn.execute("SELECT value FROM meta WHERE key = 'kept'").fetchone() == ("yes",)


async def test_newer_database_is_refused_and_untouched(tmp_path):
    path = tmp_path / "db.sqlite3"
    store = await Store.open(path)
    await store.close()
    newer = MIGRATIONS[-1].version + 5
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {newer}")
    before = path.read_bytes()
    with pytest.raises(StorageError, match="newer ccc-bot"):
        await Store.open(path)
    assert version_of(path) == newer
    assert path.read_bytes() == before


async def test_transaction_rolls_back_on_error(tmp_path):
    store = await Store.open(tmp_path / "db.sqlite3")
    with pytest.raises(RuntimeError):
        async with store.transaction() as db:
            await db.execute("INSERT INTO meta VALUES ('a', '1')")
            raise RuntimeError("boom")
    assert await store.get_meta("a") is None
    async with store.transaction() as db:
        await db.execute("INSERT INTO meta VALUES ('a', '2')")
    assert await store.get_meta("a") == "2"
    await store.close()
