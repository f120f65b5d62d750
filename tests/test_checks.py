"""bot/checks.py: what on disk would stop the bot at start-up, as `check-config` reports it
and as `run` and `console` refuse it, one line naming the key."""

from pathlib import Path

from bot.checks import check_files
from bot.cli import main
from bot.core.config import parse_config
from tests.conftest import BASE_CONFIG, merge
from tests.helpers import check


def good_config(tmp_path: Path, extra: str = "", storage: str = 'database = "bot.sqlite3"') -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        '[matrix]\nhomeserver = "https://hs.org"\nuser_id = "@b:hs.org"\naccess_token = "t"\n'
        f'rooms = ["!r:hs.org"]\n{extra}\n[storage]\n{storage}\n'
    )
    return config


def test_check_config_reports_files_that_would_stop_run(tmp_path, capsys):
    assert check(capsys, good_config(tmp_path)) == (0, [f"{tmp_path / 'config.toml'}: OK"])

    code, lines = check(capsys, good_config(tmp_path, storage='database = "missing/bot.sqlite3"'))
    assert code == 2 and lines[1].strip().startswith("storage.database:") and "does not exist" in lines[1]

    (tmp_path / "ro").mkdir()
    (tmp_path / "ro").chmod(0o555)
    try:
        code, lines = check(capsys, good_config(tmp_path, storage='database = "ro/bot.sqlite3"'))
    finally:
        (tmp_path / "ro").chmod(0o755)
    assert code == 2 and lines[1].strip().startswith("storage.database:") and "not writable" in lines[1]

    (tmp_path / "seeds").mkdir()
    code, lines = check(
        capsys, good_config(tmp_path, storage='database = "bot.sqlite3"\n[topics]\nseed_file = "seeds"')
    )
    assert code == 2 and lines[1].strip().startswith("topics.seed_file:") and "folder" in lines[1]

    (tmp_path / "seeds.yaml").write_text("topics: 3\n")
    code, lines = check(
        capsys, good_config(tmp_path, storage='database = "bot.sqlite3"\n[topics]\nseed_file = "seeds.yaml"')
    )
    assert code == 2 and lines[1].strip().startswith("topics.seed_file:")

    code, lines = check(capsys, good_config(tmp_path, extra='access_token_file = "nope.txt"'))
    assert code == 2 and lines[1].strip().startswith("matrix.access_token_file:") and "nope.txt" in lines[1]

    (tmp_path / "bot.sqlite3").write_text("not a database")
    code, lines = check(capsys, good_config(tmp_path))
    assert code == 2 and lines[1].strip().startswith("storage.database:") and "not a SQLite database" in lines[1]
    assert (tmp_path / "bot.sqlite3").read_text() == "not a database"

    (tmp_path / "state").write_text("a file where the state folder should be")
    code, lines = check(capsys, good_config(tmp_path, storage='database = "db2.sqlite3"\nstate_dir = "state"'))
    assert code == 2 and lines[1].strip().startswith("storage.state_dir:")


def test_check_config_wants_a_way_to_log_in(tmp_path, capsys):
    config = good_config(tmp_path)
    config.write_text(config.read_text().replace('access_token = "t"\n', ""))
    code, lines = check(capsys, config)
    assert code == 2 and lines[1].strip().startswith("matrix.password:") and "ccc-bot login" in lines[1]
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "session.json").write_text("{}")
    assert check(capsys, config)[0] == 0  # `ccc-bot login` has stored a token


def test_run_refuses_a_seed_folder_in_one_named_line(tmp_path, capsys):
    (tmp_path / "seeds").mkdir()
    config = good_config(tmp_path, storage='database = "bot.sqlite3"\n[topics]\nseed_file = "seeds"')
    for command in ("run", "console"):
        code = main([command, "-c", str(config)])
        output = capsys.readouterr()
        assert code == 2, (command, output)
        assert "topics.seed_file:" in output.err and "Traceback" not in output.err
    assert not (tmp_path / "bot.sqlite3").exists()


def config_in(tmp_path: Path, **sections: dict):
    return parse_config(merge(BASE_CONFIG, sections), base_dir=tmp_path)


def test_the_console_and_run_without_login_are_not_asked_for_a_way_to_log_in(tmp_path):
    config = config_in(tmp_path)  # no token, no password, no stored session
    assert [p.split(":")[0] for p in check_files(config)] == ["matrix.password"]
    assert check_files(config, credentials=False) == []


def test_a_database_not_asked_about_is_not_read(tmp_path):
    (tmp_path / "ccc.sqlite3").write_text("not a database")
    config = config_in(tmp_path, matrix={"access_token": "t"})
    assert [p.split(":")[0] for p in check_files(config)] == ["storage.database"]
    assert check_files(config, database=False) == []


def test_a_token_file_that_is_a_folder_or_not_text_is_named(tmp_path):
    (tmp_path / "token-folder").mkdir()
    (tmp_path / "token.bin").write_bytes(b"\xff\xfe\x00")
    for name, expected in (("token-folder", "is a folder, not a file"), ("token.bin", "is not a text file")):
        config = config_in(tmp_path, matrix={"access_token_file": name})
        assert check_files(config) == [f"matrix.access_token_file: {tmp_path / name} {expected}"]


def test_a_state_folder_that_cannot_be_created_names_the_folder_in_the_way(tmp_path):
    (tmp_path / "ro").mkdir()
    (tmp_path / "ro").chmod(0o555)
    try:
        problems = check_files(config_in(tmp_path, storage={"state_dir": "ro/state"}), credentials=False)
    finally:
        (tmp_path / "ro").chmod(0o755)
    assert problems == [f"storage.state_dir: cannot be created: {tmp_path / 'ro'} is not writable"]
