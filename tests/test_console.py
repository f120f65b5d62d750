import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def write_config(tmp_path: Path) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        '[matrix]\nhomeserver = "https://matrix.example.org"\nuser_id = "@ccc-bot:example.org"\n'
        '[storage]\ndatabase = "console.sqlite3"\n'
        f'[topics]\nseed_file = "{ROOT / "topics.yaml"}"\n'
    )
    return config


def console(config: Path, stdin: str, *args: str) -> str:
    exe = shutil.which("ccc-bot", path=str(Path(sys.executable).parent))
    command = [exe] if exe else [sys.executable, "-m", "bot.cli"]
    done = subprocess.run(
        [*command, "console", "-c", str(config), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_piped_commands_and_timezone_persists(tmp_path):
    config = write_config(tmp_path)
    out = console(config, "!help\n!tz Europe/Berlin\n!tz\n")
    assert "commands you can use" in out and "!link" in out
    assert "Your time zone is now Europe/Berlin" in out
    assert out.count("Europe/Berlin") == 2
    # a second run on the same database remembers it
    out = console(config, "!tz\n")
    assert "Your time zone is Europe/Berlin" in out
    # and it is the asker's own: another user has none
    assert "no time zone set" in console(config, "!tz\n", "--as", "@bob:console")
    # plain chatter gets no answer in piped mode
    assert console(config, "hello there\n") == ""
