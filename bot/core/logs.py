"""How the bot logs, at every verbosity, without what people typed or a credential.

The log outlives `!forgetme` (journald, log files, support tickets), so it must never hold
a command's text, a topic, a note, a token or a password. Our own lines name rooms,
sessions, event ids and user ids, and never a message's text. The libraries are kept in
check here, in one place, whatever level they are set to:

- aiosqlite logs every statement with its parameters at debug: only its warnings pass;
- nio logs every response it parses (whole syncs, login answers) at debug: only its info
  and above pass, and its "Error validating event/response" warnings, which quote the
  offending event, are cut to their first words;
- anything that still looks like a token or a password (`access_token=…`, `"password": …`,
  `Bearer …`, or a secret the bot was configured with) is masked in the final line,
  tracebacks included.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import TextIO

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MASK = "<hidden>"

# The loggers that hold what people wrote below these levels.
_FLOORS = {"aiosqlite": logging.WARNING, "nio": logging.INFO}
_NIO_VALIDATION = re.compile(r"\A(Error validating (?:event|response))")
_SECRETS = (
    re.compile(r"(access_token=)[^&\s'\"]+"),
    re.compile(r"""(["']?(?:access_token|refresh_token|password|token)["']?\s*[:=]\s*["'])[^"']*"""),
    re.compile(r"(Bearer\s+)[^\s'\"]+", re.IGNORECASE),
)


def _floor(name: str) -> int:
    for prefix, level in _FLOORS.items():
        if name == prefix or name.startswith(prefix + "."):
            return level
    return logging.NOTSET


class PrivateDataFilter(logging.Filter):
    """Drops the library records that carry statements, responses or events."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= _floor(record.name)


class PrivateDataFormatter(logging.Formatter):
    """Formats a line, then masks whatever in it looks like a credential."""

    def __init__(self, fmt: str = FORMAT):
        super().__init__(fmt)
        self.secrets: set[str] = set()

    def format(self, record: logging.LogRecord) -> str:
        if record.name.startswith("nio"):
            found = _NIO_VALIDATION.match(record.getMessage())
            if found:
                # The details quote the rejected event, message text and all.
                detail = f"{found.group(1)} (details withheld: they may quote what someone wrote)"
                record = logging.makeLogRecord({**record.__dict__, "msg": detail, "args": None})
        return self.mask(super().format(record))

    def mask(self, text: str) -> str:
        for pattern in _SECRETS:
            text = pattern.sub(rf"\1{MASK}", text)
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return text


def configure_logging(command: str, verbose: bool, stream: TextIO | None = None) -> logging.Handler:
    """Set up the root logger for a `ccc-bot` command (replacing an earlier setup); the
    handler is returned so that a caller running several commands in one process (the
    tests) can take it away again."""
    quiet = command in ("console", "demo")  # the terminal is the user's chat there
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler.formatter, PrivateDataFormatter):
            root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(PrivateDataFormatter())
    handler.addFilter(PrivateDataFilter())
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO)
    # nio logs every event it handles at INFO, and a refused login as a traceback; an
    # operator needs only its warnings, and our own one-line error for a bad password.
    nio_level = logging.ERROR + 10 if command == "login" else logging.WARNING
    logging.getLogger("nio").setLevel(logging.INFO if verbose else nio_level)
    # APScheduler logs every job added and run at INFO: detail, not what an operator needs.
    logging.getLogger("apscheduler").setLevel(logging.DEBUG if verbose else logging.WARNING)
    logging.getLogger("aiosqlite").setLevel(logging.WARNING)
    return handler


def hide_secrets(*secrets: str | None) -> None:
    """Mask these exact strings (the configured password, a token) in every line from now on."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler.formatter, PrivateDataFormatter):
            handler.formatter.secrets.update(s for s in secrets if s and len(s) >= 4)
