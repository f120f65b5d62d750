import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import SEED_FILE


def write_config(tmp_path: Path) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        '[matrix]\nhomeserver = "https://matrix.example.org"\nuser_id = "@ccc-bot:example.org"\n'
        '[storage]\ndatabase = "console.sqlite3"\n'
        f'[topics]\nseed_file = "{SEED_FILE}"\n'
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
    out = console(config, "!help\n!help all\n!tz Europe/Berlin\n!tz\n")
    assert "start here" in out and "commands you can use" in out and "!link" in out
    assert "Your time zone is now Berlin (Europe/Berlin)" in out
    assert out.count("Europe/Berlin") == 2
    # a second run on the same database remembers it
    out = console(config, "!tz\n")
    assert "Your time zone is Berlin (Europe/Berlin)" in out
    # and it is the asker's own: another user has none
    assert "no time zone set" in console(config, "!tz\n", "--as", "@bob:console")
    # plain chatter gets no answer in piped mode
    assert console(config, "hello there\n") == ""
    # a question to the bot by name does, as in a room
    out = console(config, "ccc-bot, how do I join?\n")
    assert "!help" in out and "!link" in out


def test_interactive_console_in_a_terminal(tmp_path):
    """On a terminal (a pseudo-terminal here) the console greets, prompts, answers and
    leaves on Ctrl-D."""
    import contextlib
    import os
    import pty
    import select
    import time

    config = write_config(tmp_path)
    exe = shutil.which("ccc-bot", path=str(Path(sys.executable).parent))
    command = [exe] if exe else [sys.executable, "-m", "bot.cli"]
    pid, fd = pty.fork()
    if pid == 0:  # the child: the console, on the terminal
        try:
            os.execv(command[0], [*command, "console", "-c", str(config)])
        finally:
            os._exit(127)
    seen = b""

    def read_until(text: bytes, timeout: float = 30) -> bytes:
        nonlocal seen
        deadline = time.monotonic() + timeout
        while text not in seen and time.monotonic() < deadline:
            if select.select([fd], [], [], 0.2)[0]:
                try:
                    seen += os.read(fd, 4096)
                except OSError:
                    break
        assert text in seen, seen.decode(errors="replace")[-2000:]
        return seen

    try:
        read_until(b"Ctrl-D to leave")
        read_until(b"> ")
        os.write(fd, b"!link\n")
        read_until(b"access code")
        os.write(fd, b"hello\n")
        read_until(b"not a command")
        os.write(fd, b"\x04")  # Ctrl-D
        deadline, status = time.monotonic() + 10, None
        while status is None and time.monotonic() < deadline:
            done, code = os.waitpid(pid, os.WNOHANG)
            status = code if done else None
            time.sleep(0.05)
        assert status is not None, "the console did not leave on Ctrl-D"
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    finally:
        with contextlib.suppress(ProcessLookupError, ChildProcessError):
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        os.close(fd)


async def _console_session(chat, user: str, lines: str) -> str:
    import io

    from bot.console import run_console

    out = io.StringIO()
    assert await run_console(chat.dispatcher, user, io.StringIO(lines), out) == 0
    return out.getvalue()


def _saved_files(out: str) -> list[Path]:
    import re

    return [Path(p) for p in re.findall(r"saved to (.+)\]", out)]


async def test_mydata_files_are_private_per_person_and_gone_after_forgetme(chat):
    alice, bob = "@alice:console", "@bob:console"
    out = await _console_session(chat, alice, "!tz Europe/Lisbon\n!mydata\n")
    [alice_file] = _saved_files(out)
    assert alice_file.exists() and b"Europe/Lisbon" in alice_file.read_bytes()
    assert alice_file.stat().st_mode & 0o777 == 0o600, "only the bot's user may read it"
    [bob_file] = _saved_files(await _console_session(chat, bob, "!mydata\n"))
    assert bob_file != alice_file, "each person's file has its own name"
    assert bob_file.exists() and alice_file.exists(), "bob's !mydata leaves alice's file alone"
    assert b"Europe/Lisbon" not in bob_file.read_bytes()

    # !forgetme alone erases nothing, and keeps the file
    await _console_session(chat, alice, "!forgetme\n")
    assert alice_file.exists()
    out = await _console_session(chat, alice, "!forgetme confirm\n")
    assert "Erased" in out
    assert not alice_file.exists(), "the copy of what was erased goes with it"
    assert bob_file.exists(), "only the asker's files go"


async def test_a_console_file_is_not_written_through_a_symlink(chat, tmp_path):
    alice = "@alice:console"
    [first] = _saved_files(await _console_session(chat, alice, "!mydata\n"))
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me")
    first.unlink()
    first.symlink_to(target)
    out = await _console_session(chat, alice, "!mydata\n")
    assert target.read_text() == "keep me"
    assert _saved_files(out) == [first] and not first.is_symlink(), "saved in place of the link"
    assert "Traceback" not in out


async def test_a_script_piped_into_the_console_is_not_taken_for_a_flood(make_chat, make_config):
    """The console is one operator at a terminal: a script of commands is all answered,
    whatever limits.commands_per_minute says for the rooms."""
    chat = await make_chat(make_config(limits={"commands_per_minute": 10}))
    out = await _console_session(chat, "@alice:console", "!link\n" * 15)
    assert out.count("access code") == 15
    assert "Too many" not in out


def test_the_reactions_the_bot_adds_are_shown_under_the_message_as_there_to_click(chat):
    from bot.console import render
    from bot.core.model import Reply

    vote = Reply(text="Keep going on topic 3?", reactions=("👍", "👎"))
    lines = render(vote, chat.services.config, "@alice:console").splitlines()
    assert lines[0] == "Keep going on topic 3?"
    assert lines[1].startswith("[👍] [👎]") and "react" in lines[1], lines
    assert render(Reply(text="Noted."), chat.services.config, "@alice:console") == "Noted.", "none: no line"
