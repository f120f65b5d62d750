"""The copy `ccc-bot backup` makes (its command line is in tests/test_cli.py), and the name
it gets in a folder, as the documented restore steps copy it back."""

import datetime as dt
import re
import sqlite3
from pathlib import Path

import pytest

from bot.cli import main
from bot.core.config import StorageConfig
from bot.storage.backup import backup_database, backup_name, verify
from bot.storage.database_file import StorageError
from bot.storage.migrations import MIGRATIONS
from tests.conftest import ROOT
from tests.helpers import a_real_database

OPERATING = ROOT / "docs" / "OPERATING.md"
# The moment of the docs' example backup: its name comes from `backup_name` with this time,
# so a change of the name's pattern fails the tests below until the docs follow it.
EXAMPLE_AT = dt.datetime(2026, 11, 26, 14, 30, 0, tzinfo=dt.UTC)


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


def test_a_backup_is_named_after_its_database_and_the_time_in_utc():
    in_var_lib = Path("/var/lib/ccc-bot/ccc-bot.sqlite3")
    assert backup_name(in_var_lib, EXAMPLE_AT) == "ccc-bot-backup-2026-11-26-143000.sqlite3"
    assert backup_name(Path("ccc.sqlite3"), EXAMPLE_AT) == "ccc-backup-2026-11-26-143000.sqlite3"
    assert backup_name(Path("data/bot.db"), EXAMPLE_AT) == "bot-backup-2026-11-26-143000.db"
    assert backup_name(Path("data/bot"), EXAMPLE_AT) == "bot-backup-2026-11-26-143000.sqlite3"
    in_kolkata = EXAMPLE_AT.astimezone(dt.timezone(dt.timedelta(hours=5, minutes=30)))
    assert backup_name(Path("ccc.sqlite3"), in_kolkata) == "ccc-backup-2026-11-26-143000.sqlite3"


def doc_section(title: str) -> str:
    """The text of docs/OPERATING.md under `## title`, up to the next heading of that level."""
    text = OPERATING.read_text(encoding="utf-8")
    return text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_the_documented_restore_copies_back_the_file_backup_writes():
    """docs/OPERATING.md, Restore: the copy-paste line names the file `ccc-bot backup -o
    backups/` writes for that database (at the example's time)."""
    [(backup, database)] = re.findall(r"`cp backups/(\S+) (\S+)`", doc_section("Restore"))
    assert backup == backup_name(Path(database), EXAMPLE_AT)


def test_the_backup_docs_and_the_command_line_help_name_the_file_as_backup_writes_it(capsys):
    default = backup_name(StorageConfig().database, EXAMPLE_AT)
    documented = " ".join(doc_section("Backup").split())
    assert f"`{default}`" in documented
    # The name follows the database's: someone whose database is ccc.sqlite3 finds theirs.
    assert f"`{backup_name(Path('ccc.sqlite3'), EXAMPLE_AT)}`" in documented
    with pytest.raises(SystemExit):
        main(["backup", "--help"])
    # argparse wraps the help, also after a hyphen.
    backup_help = " ".join(capsys.readouterr().out.split()).replace("- ", "-")
    assert default in backup_help
