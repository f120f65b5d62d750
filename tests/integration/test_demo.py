"""The README's first Quick start command: `ccc-bot demo` (what `make demo` runs)."""

import subprocess
import sys


def test_demo_answers_over_matrix_and_cleans_up(tmp_path):
    keep = tmp_path / "demo"
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "demo", "--keep", str(keep)],
        input="!help\n!tz Asia/Kolkata\n!link\n",
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    out = done.stdout
    assert "ccc-bot: Coop Casual Conference bot — commands you can use:" in out
    assert "Your time zone is now Kolkata (Asia/Kolkata)" in out
    assert "https://bbb.example.org/b/ccc" in out
    assert "Tearing down the demo" in out
    # the throwaway Synapse and the bot are gone
    pid_file = keep / "synapse" / "homeserver.pid"
    assert not pid_file.exists() or subprocess.run(["kill", "-0", pid_file.read_text().strip()]).returncode != 0
    assert "started as" in (keep / "bot.log").read_text()
