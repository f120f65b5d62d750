"""`ccc-bot run` and its start-up, as an operator meets them: as a process."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import ROOT


def closed_port() -> int:
    """A loopback port nothing listens on: a homeserver that is down."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_config(tmp_path: Path, matrix: str) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[matrix]\nhomeserver = "http://127.0.0.1:{closed_port()}"\nuser_id = "@ccc-bot:localhost"\n'
        f'encryption = false\n{matrix}\n[storage]\ndatabase = "bot.sqlite3"\nstate_dir = "state"\n'
        f'[topics]\nseed_file = "{ROOT / "topics.yaml"}"\n'
    )
    return config


def ccc_bot(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        **kwargs,
    )


def test_sigterm_while_the_homeserver_is_unreachable_stops_the_bot(tmp_path):
    config = write_config(tmp_path, 'access_token = "secret-token-123"')
    proc = ccc_bot("run", "-c", str(config))
    try:
        time.sleep(3)  # nio is retrying its first request by now
        assert proc.poll() is None, proc.stdout.read()
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=10)
    finally:
        proc.kill()
    assert proc.returncode == 0, output
    assert "stopped before start-up had finished" in output
    assert "Traceback" not in output and "secret-token-123" not in output


def test_a_missing_token_file_is_one_line_naming_the_key(tmp_path):
    config = write_config(tmp_path, f'access_token_file = "{tmp_path / "nope.txt"}"')
    proc = ccc_bot("run", "-c", str(config))
    output, _ = proc.communicate(timeout=30)
    assert proc.returncode == 3
    assert "matrix.access_token_file" in output and "Traceback" not in output


def test_a_damaged_session_file_says_to_log_in_again(tmp_path):
    config = write_config(tmp_path, "")
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "session.json").write_text("{not json")
    proc = ccc_bot("run", "-c", str(config))
    output, _ = proc.communicate(timeout=30)
    assert proc.returncode == 3
    assert "ccc-bot login" in output and "Traceback" not in output
