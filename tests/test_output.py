"""bot/output.py: how the file of `ccc-bot export -o` and `ccc-bot backup` is written, called
directly (the commands' refusals as an operator meets them: tests/test_cli.py)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from bot.output import protected, write_bytes, write_new, write_output


def test_the_bots_own_files_are_named_by_path_and_by_hard_link(make_config, tmp_path: Path):
    config = make_config()
    database = config.storage.database
    database.write_bytes(b"SQLite format 3\x00")
    assert protected(config, database) == "the bot's database (storage.database)"
    assert protected(config, Path(f"{database}-wal")) == "part of the bot's database (storage.database)"
    assert (
        protected(config, config.storage.state_dir / "new.csv")
        == f"under storage.state_dir ({config.storage.state_dir})"
    )
    (tmp_path / "innocent.csv").hardlink_to(database)
    assert protected(config, tmp_path / "innocent.csv") == "the bot's database (storage.database)"
    assert protected(config, tmp_path / "topics.csv") is None


def test_a_file_that_fails_half_way_leaves_nothing_under_its_name_or_a_temporary_one(tmp_path: Path):
    def fail(temp: Path) -> None:
        temp.write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_new(tmp_path / "out.csv", fail, force=False)
    assert list(tmp_path.iterdir()) == []


def test_force_replaces_a_file_whole_and_keeps_its_mode_without_force_the_name_must_be_new(tmp_path: Path):
    target = tmp_path / "out.csv"
    target.write_text("old")
    target.chmod(0o600)
    with pytest.raises(FileExistsError):
        write_new(target, write_bytes(b"new"), force=False)
    assert target.read_text() == "old"
    write_new(target, write_bytes(b"new"), force=True)
    assert target.read_text() == "new" and stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_a_folder_gets_the_default_name_and_a_refusal_is_one_line(make_config, tmp_path: Path, capsys):
    config = make_config()
    written = write_output(config, "the export", str(tmp_path / "out") + "/", "topics.csv", write_bytes(b"x"), False)
    assert written == tmp_path / "out" / "topics.csv" and written.read_bytes() == b"x"
    assert write_output(config, "the export", str(written), "topics.csv", write_bytes(b"y"), False) is None
    assert capsys.readouterr().err == f"ccc-bot: {written} already exists; add --force to replace it\n"
    assert written.read_bytes() == b"x"
