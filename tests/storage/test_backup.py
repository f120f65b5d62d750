"""The copy `ccc-bot backup` makes (its command line is in tests/test_cli.py)."""

import sqlite3

import pytest

from bot.storage.backup import backup_database, verify
from bot.storage.database_file import StorageError
from bot.storage.migrations import MIGRATIONS
from tests.helpers import a_real_database


def test_a_backup_is_one_file_with_the_data_and_the_schema_version(tmp_path):
    database = tmp_path / "bot.sqlite3"
    a_real_database(database)
    with sqlite3.connect(database) as conn:
        conn.execute("INSERT INTO meta (key, value) VALUES ('note', 'kept')")
    conn.close()
    target = tmp_path / "copy.sqlite3"
    made = backup_database(database, target)
    assert made.schema_version == MIGRATIONS[-1].version and made.size == target.stat().st_size
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'note'").fetchone() == ("kept",)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    conn.close()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("copy")) == ["copy.sqlite3"]


def test_a_damaged_copy_fails_the_check(tmp_path):
    good = tmp_path / "good.sqlite3"
    data = bytearray(a_real_database(good))
    page = 4096
    data[page * 2 + 8 : page * 2 + 200] = bytes(range(192))  # a table's b-tree page
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(bytes(data))
    verify(good)
    with pytest.raises(StorageError, match="integrity check"):
        verify(bad)
