"""The demo's terminal: what you type, at a `you> ` prompt that stays at the bottom with
whatever you had typed so far, while the bot's messages arrive above it from another
thread (prompt_toolkit redraws the prompt after each). Piped, lines are read as they come
and printed as they are, with no prompt.

The prompt is on the process's own terminal (prompt_toolkit's default session): its stdout
proxy finds the running prompt from its own thread only there, not in a session made with
other streams, where a message would be written over the prompt."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TextIO, cast

from prompt_toolkit import PromptSession
from prompt_toolkit.patch_stdout import StdoutProxy


class Terminal:
    """`with Terminal(stdin, stdout) as terminal:` print to `terminal.out` from any thread,
    and read `terminal.lines()` (until Ctrl-D or the end of the input). When both are a
    terminal, they are the process's (sys.stdin, sys.stdout), where the prompt is."""

    def __init__(self, stdin: TextIO, stdout: TextIO, prompt: str = "you> ") -> None:
        self.stdin = stdin
        self.prompt = prompt
        self.interactive = stdin.isatty() and stdout.isatty()
        self.out = stdout
        self._stdout = stdout
        self._session: PromptSession[str] | None = None
        self._closing = contextlib.ExitStack()

    def __enter__(self) -> Terminal:
        if self.interactive:
            self._session = PromptSession()
            # The proxy writes above the prompt, and sends what a message holds as text (an
            # escape sequence in it is shown, not obeyed).
            self.out = cast(TextIO, self._closing.enter_context(StdoutProxy()))
        return self

    def __exit__(self, *exc: object) -> None:
        self._closing.close()  # the proxy writes what it still holds, then the session ends
        self.out = self._stdout

    def lines(self) -> Iterator[str]:
        """Each line typed, without its newline; Ctrl-C is the KeyboardInterrupt it always is."""
        if self._session is None:
            for line in iter(self.stdin.readline, ""):
                yield line.rstrip("\n")
            return
        while True:
            try:
                yield self._session.prompt(self.prompt)
            except EOFError:  # Ctrl-D
                return
