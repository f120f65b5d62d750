"""The README's first Quick start command: `ccc-bot demo` (what `make demo` runs)."""

import queue
import re
import subprocess
import sys
import threading
import time
import urllib.request


def test_demo_answers_over_matrix_and_cleans_up(tmp_path):
    keep = tmp_path / "demo"
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "demo", "--keep", str(keep)],
        input="!help\n!tz Asia/Kolkata\n!link\n!topics\n!vote 1\n",
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    out = done.stdout
    # It opens with what it is and what to type first.
    assert out.startswith("ccc-bot runs a co-op's weekly open call") and "type !topics first" in out.splitlines()[0]
    # Sam's two example topics are there to vote on, and !vote 1 (the seed's history) points to them.
    assert re.search(r"#(\d+) Sharing one bookkeeping tool between small co-ops · 0 votes · by Sam", out), out
    first, second = re.search(r"Open topics: #(\d+) and #(\d+) \(see them with !topics\)", out).groups()
    assert int(second) == int(first) + 1 and "#1 “Facilitation.” was already discussed" in out
    assert "ccc-bot: Coop Casual Conference bot — start here:" in out
    assert "Your time zone is now Kolkata (Asia/Kolkata)" in out
    assert "https://bbb.example.org/b/ccc" in out
    assert "Tearing down the demo" in out
    # the throwaway Synapse and the bot are gone
    pid_file = keep / "synapse" / "homeserver.pid"
    assert not pid_file.exists() or subprocess.run(["kill", "-0", pid_file.read_text().strip()]).returncode != 0
    assert "started as" in (keep / "bot.log").read_text()


class _Lines:
    """The demo's output as it comes, read on a thread."""

    def __init__(self, stream):
        self.seen = ""
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [self._lines.put(line) for line in stream], daemon=True).start()

    def wait_for(self, pattern: str, timeout: float = 120) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while (found := re.search(pattern, self.seen)) is None:
            left = deadline - time.monotonic()
            assert left > 0, f"no {pattern!r} in the demo's output:\n{self.seen}"
            try:
                self.seen += self._lines.get(timeout=min(left, 1))
            except queue.Empty:
                pass
        return found


def _demo(keep) -> subprocess.Popen[str]:
    """The demo, started as a person does from a terminal, its output read as it comes."""
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "demo", "--keep", str(keep)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_demo_shows_the_web_page_with_what_you_suggest(tmp_path):
    demo = _demo(tmp_path / "demo")
    try:
        out = _Lines(demo.stdout)
        # Its opening lines say where the page is: on the loopback, at a port it found free.
        page = out.wait_for(r"The bot's web page: (http://127\.0\.0\.1:(\d+)/) ").group(1)
        demo.stdin.write("!suggest Sharing a tool library between coops\n!calendar\n")
        demo.stdin.flush()
        out.wait_for(r"ccc-bot: .*#\d+")
        # `!calendar` gives the feed's address on that same page.
        out.wait_for(re.escape(page + "calendar.ics"))
        with urllib.request.urlopen(page, timeout=30) as response:
            assert response.status == 200
            html = response.read().decode()
        assert "Coop Casual Conference" in html
        assert "Sharing a tool library between coops" in html
        demo.stdin.close()
        assert demo.wait(60) == 0, out.seen
        out.wait_for("Tearing down the demo")
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()


def _running_in(folder) -> list[str]:
    """The processes the demo started in `folder` (its Synapse and its bot), by their command line."""
    ps = subprocess.run(["ps", "-ww", "-eo", "args"], capture_output=True, text=True, check=True).stdout
    return [line for line in ps.splitlines() if str(folder) in line and "bot.cli demo" not in line]


def test_a_closed_terminal_tears_the_demo_down(tmp_path):
    """SIGHUP (the terminal window closed) stops the bot and the throwaway Synapse, as Ctrl-C does."""
    import signal

    keep = tmp_path / "demo"
    demo = _demo(keep)
    try:
        out = _Lines(demo.stdout)
        out.wait_for(r"The bot's web page: ")
        assert len(_running_in(keep)) == 2, "the Synapse and the bot"
        demo.send_signal(signal.SIGHUP)
        assert demo.wait(60) == 0, out.seen
        out.wait_for("Tearing down the demo")
        assert _running_in(keep) == [], "nothing of the demo still runs"
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()
