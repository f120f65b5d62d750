"""The demo's prompt in a real (pseudo-)terminal: a message arriving while you type is
printed above the prompt, and the prompt comes back under it with what you had typed."""

from __future__ import annotations

import contextlib
import io
import os
import pty
import re
import select
import sys
import time
from collections.abc import Callable

from bot.devtools.terminal import Terminal

# The child: a Terminal on the pty; a message arrives (from another thread) when the test
# writes a byte to the pipe, and each line read is printed back.
CHILD = """
import os, sys, threading
from bot.devtools.terminal import Terminal

arrive = int(sys.argv[1])
with Terminal(sys.stdin, sys.stdout) as terminal:
    def message():
        while os.read(arrive, 1):
            terminal.out.write("ccc-bot: the pinned agenda changed\\n")
            terminal.out.flush()
    threading.Thread(target=message, daemon=True).start()
    for line in terminal.lines():
        terminal.out.write(f"read {line!r}\\n")
"""
# The escape sequences prompt_toolkit draws with: moves of the cursor, erasing, and the
# rest (colours, modes), which change nothing on a screen of plain text.
CONTROL = re.compile(r"\x1b\[([0-9;?]*)([ -/]*[@-~])|\x1b\][^\x07]*\x07|\x1b[=>]|[\r\n\b]")


class Screen:
    """What a terminal on `fd` shows, as lines of text (enough of a VT100 for a prompt)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.lines: list[str] = [""]
        self.row = self.col = 0
        self._pending = ""

    def _put(self, text: str) -> None:
        line = self.lines[self.row].ljust(self.col)
        self.lines[self.row] = line[: self.col] + text + line[self.col + len(text) :]
        self.col += len(text)

    def _draw(self, data: str) -> None:
        at = 0
        for m in CONTROL.finditer(data):
            self._put(data[at : m.start()])
            at = m.end()
            code, params = m.group(0), (m.group(1) or "").split(";")[0]
            n = int(params) if params.isdigit() else 1
            if code == "\r":
                self.col = 0
            elif code == "\n":
                self.row += 1
                self.lines += [""] * (self.row + 1 - len(self.lines))
            elif code == "\b":
                self.col = max(self.col - 1, 0)
            elif m.group(2) == "C":
                self.col += n
            elif m.group(2) == "D":
                self.col = max(self.col - n, 0)
            elif m.group(2) == "A":
                self.row = max(self.row - n, 0)
            elif m.group(2) == "B":
                self.row += n
                self.lines += [""] * (self.row + 1 - len(self.lines))
            elif m.group(2) == "J":  # erase below the cursor
                self.lines[self.row] = self.lines[self.row][: self.col]
                del self.lines[self.row + 1 :]
            elif m.group(2) == "K":  # erase to the end of the line
                self.lines[self.row] = self.lines[self.row][: self.col]
        self._put(data[at:])

    @property
    def shown(self) -> list[str]:
        """The lines on screen, down to the last that holds something."""
        lines = [line.rstrip() for line in self.lines]
        while lines and not lines[-1]:
            lines.pop()
        return lines

    def wait_until(self, shows: Callable[[list[str]], bool], timeout: float = 30) -> list[str]:
        deadline = time.monotonic() + timeout
        while not shows(self.shown):
            assert time.monotonic() < deadline, "the screen shows:\n" + "\n".join(self.shown)
            if select.select([self.fd], [], [], 0.2)[0]:
                with contextlib.suppress(OSError):
                    data = self._pending + os.read(self.fd, 4096).decode(errors="replace")
                    # An escape sequence cut in two by the read waits for its end.
                    cut = data.rfind("\x1b")
                    if cut != -1 and not CONTROL.match(data, cut):
                        data, self._pending = data[:cut], data[cut:]
                    else:
                        self._pending = ""
                    self._draw(data)
        return self.shown


def test_a_message_arriving_while_you_type_leaves_the_prompt_and_your_typing_under_it():
    arrive_read, arrive = os.pipe()
    pid, fd = pty.fork()
    if pid == 0:  # the child, on the terminal
        try:
            os.close(arrive)
            os.set_inheritable(arrive_read, True)
            # No reply to prompt_toolkit's cursor position request comes from this terminal.
            env = {**os.environ, "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1"}
            os.execve(sys.executable, [sys.executable, "-c", CHILD, str(arrive_read)], env)
        finally:
            os._exit(127)
    os.close(arrive_read)
    screen = Screen(fd)
    try:
        screen.wait_until(lambda lines: lines[-1:] == ["you>"])
        os.write(fd, b"!vo")
        screen.wait_until(lambda lines: lines[-1:] == ["you> !vo"])
        os.write(arrive, b"x")
        lines = screen.wait_until(lambda lines: "ccc-bot: the pinned agenda changed" in lines)
        assert screen.wait_until(lambda lines: lines[-1] == "you> !vo")[-2:] == [
            "ccc-bot: the pinned agenda changed",
            "you> !vo",
        ], "the message above, the prompt and the typing under it"
        # and what was typed before the message is there to finish
        os.write(fd, b"te 1\r")
        lines = screen.wait_until(lambda lines: lines[-1:] == ["you>"] and "read '!vote 1'" in lines)
        assert lines[-4:] == ["ccc-bot: the pinned agenda changed", "you> !vote 1", "read '!vote 1'", "you>"]
        os.write(fd, b"\x04")  # Ctrl-D leaves
        deadline, status = time.monotonic() + 10, None
        while status is None and time.monotonic() < deadline:
            done, code = os.waitpid(pid, os.WNOHANG)
            status = code if done else None
            time.sleep(0.05)
        assert status is not None and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, screen.seen
    finally:
        with contextlib.suppress(ProcessLookupError, ChildProcessError):
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        os.close(fd)
        os.close(arrive)


def test_piped_lines_are_read_as_they_come_and_printed_with_no_prompt():
    out = io.StringIO()
    with Terminal(io.StringIO("!help\n\n!vote 1\n"), out) as terminal:
        assert not terminal.interactive and terminal.out is out
        assert list(terminal.lines()) == ["!help", "", "!vote 1"]
        terminal.out.write("ccc-bot: hello\n")
    assert out.getvalue() == "ccc-bot: hello\n"
