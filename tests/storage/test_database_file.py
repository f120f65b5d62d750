"""The database file looked at before it is opened (bot/storage/database_file.py); how the
store acts on what it finds is in tests/storage/test_store.py."""

import sqlite3

import pytest

from bot.storage.database_file import StorageError, check_database, read_uri, writable
from bot.storage.migrations import MIGRATIONS


def test_a_missing_file_may_be_made_but_not_read(tmp_path):
    check_database(tmp_path / "new.sqlite3", write=True)
    with pytest.raises(StorageError, match="no database there"):
        check_database(tmp_path / "new.sqlite3", write=False)
    assert not (tmp_path / "new.sqlite3").exists()


def test_a_database_at_this_version_is_read_and_an_older_one_only_written(tmp_path):
    path = tmp_path / "db.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        conn.execute(f"PRAGMA user_version = {MIGRATIONS[-1].version}")
    check_database(path, write=False)
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 1")
    check_database(path, write=True)
    check_database(path, write=False, any_version=True)
    with pytest.raises(StorageError, match="never upgrades a database just to read it"):
        check_database(path, write=False)


def test_reading_uses_the_wal_only_beside_a_running_bot(tmp_path):
    path = tmp_path / "db.sqlite3"
    path.write_bytes(b"")
    assert read_uri(path).endswith("?immutable=1")
    (tmp_path / "db.sqlite3-wal").write_bytes(b"")
    assert read_uri(path).endswith("?mode=ro")


def test_a_file_without_write_bits_is_not_writable(tmp_path):
    path = tmp_path / "f"
    path.write_text("x")
    assert writable(path)
    path.chmod(0o444)
    assert not writable(path)
