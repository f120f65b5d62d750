"""The web server's connections and their limits, around aiohttp's protocol factory.

aiohttp closes a connection idle past its keep-alive time, but has no limit on how long a
client may take to send a request's headers, nor on how many connections are open. Here
each connection's protocol is wrapped (`Guard`):

- header clock: a connection must complete a request's headers within `header_timeout`
  of connecting, or of the first byte of its next request; otherwise it is closed. The
  application tells the clock a request arrived (`headers_read`, from a middleware), so
  nothing here parses HTTP. An idle kept-alive connection is aiohttp's keep-alive time's.
- names: aiohttp answers a request it cannot read (400) itself, before the application
  sees it, and names itself and Python with their versions in `Server`; what it writes
  goes through `Renamed`, which puts SERVER_NAME there instead.
- cap: past `max_connections` open connections, a new one gets a short 503 with
  `Connection: close` and is closed, without reaching aiohttp; the others go on. Its own
  request is read (and dropped) before it closes, so that the client gets the 503 and not
  a reset; one that sends nothing is closed after `REFUSED_LINGER` seconds.
"""

from __future__ import annotations

import asyncio
import logging
import re
import resource
from collections.abc import Awaitable, Callable, Iterable, Mapping
from email.utils import formatdate
from typing import Any

from aiohttp import web
from aiohttp.http import HttpProcessingError

log = logging.getLogger(__name__)

# What `Server` says in every answer: no software versions.
SERVER_NAME = "ccc-bot"
HEADER_TIMEOUT = 10.0  # seconds to send a request's headers
KEEPALIVE_TIMEOUT = 15.0  # seconds an idle connection is kept open
MOST_CONNECTIONS = 256
REFUSED_LINGER = 1.0  # seconds a refused connection waits for its request before closing
WARN_EVERY = 60.0  # seconds between two log lines about the cap being reached

_REFUSAL_TEXT = b"Too many connections at once: try again in a moment.\n"


def default_max_connections() -> int:
    """At most MOST_CONNECTIONS, and a quarter of the soft open-file limit: the bot's own
    files (database, log, Matrix connections, the chart process) keep the rest."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return MOST_CONNECTIONS
    return max(1, min(MOST_CONNECTIONS, soft // 4))


def refusal() -> bytes:
    """The 503 for a connection past the cap: plain HTTP/1.1, then the connection closes."""
    head = (
        "HTTP/1.1 503 Service Unavailable\r\n"
        f"Date: {formatdate(usegmt=True)}\r\n"
        f"Server: {SERVER_NAME}\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(_REFUSAL_TEXT)}\r\n"
        "Retry-After: 5\r\n"
        "Connection: close\r\n\r\n"
    )
    return head.encode("ascii") + _REFUSAL_TEXT


class Limits:
    """The open connections of one server, and a protocol factory that keeps them within
    the limits. `factory` makes the protocol that serves a connection (aiohttp's
    `AppRunner.server`)."""

    def __init__(
        self,
        factory: Callable[[], asyncio.Protocol],
        *,
        header_timeout: float,
        max_connections: int,
    ) -> None:
        self.factory = factory
        self.header_timeout = header_timeout
        self.max_connections = max_connections
        self.open: set[Guard] = set()
        self.refused: set[Guard] = set()
        self._warned_at: float | None = None

    def __call__(self) -> Guard:
        return Guard(self)

    def admit(self, guard: Guard) -> bool:
        if len(self.open) < self.max_connections:
            self.open.add(guard)
            return True
        loop = asyncio.get_running_loop()
        if self._warned_at is None or loop.time() - self._warned_at >= WARN_EVERY:
            self._warned_at = loop.time()
            log.warning("web: %d connections open, the most allowed: new ones get 503 until some close", len(self.open))
        return False

    def close_all(self) -> None:
        """After aiohttp's shutdown: whatever is still open (refused ones lingering)."""
        for guard in [*self.open, *self.refused]:
            guard.abort()


@web.middleware
async def request_arrived(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """A request reached the application: its headers are in, and its connection's clock
    stops until the next request's first byte (a no-op on a connection not guarded here,
    as in tests with aiohttp's test server)."""
    transport = request.transport
    guard = transport.get_protocol() if transport is not None else None
    if not isinstance(guard, Guard):
        return await handler(request)
    guard.headers_read()
    try:
        return await handler(request)
    finally:
        guard.answered()


class Guard(asyncio.Protocol):
    """One connection: aiohttp's protocol inside, or a 503 when the server is full."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.inner: asyncio.Protocol | None = None
        self.transport: asyncio.Transport | None = None
        self._clock: asyncio.TimerHandle | None = None
        self._busy = False  # a request is being handled

    # --- asyncio's calls ------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        limits = self.limits
        if not limits.admit(self):
            self._refuse(transport)
            return
        self.inner = limits.factory()
        self.inner.connection_made(Renamed(transport))
        self._start_clock()

    def data_received(self, data: bytes) -> None:
        if self.inner is None:
            # Refused: its request is read, so the close is a clean one.
            if self.transport is not None:
                self.transport.close()
            return
        if self._clock is None and not self._busy:
            self._start_clock()  # the next request's first byte
        self.inner.data_received(data)

    def eof_received(self) -> bool | None:
        if self.inner is None:
            return None  # the transport closes
        return self.inner.eof_received()

    def pause_writing(self) -> None:
        if self.inner is not None:
            self.inner.pause_writing()

    def resume_writing(self) -> None:
        if self.inner is not None:
            self.inner.resume_writing()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_clock()
        self.limits.open.discard(self)
        self.limits.refused.discard(self)
        if self.inner is not None:
            self.inner.connection_lost(exc)

    # --- the application's calls ----------------------------------------------------------

    def headers_read(self) -> None:
        self._busy = True
        self._stop_clock()

    def answered(self) -> None:
        self._busy = False

    def abort(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.abort()

    # --- inside ---------------------------------------------------------------------------

    def _refuse(self, transport: asyncio.Transport) -> None:
        limits = self.limits
        if len(limits.refused) >= limits.max_connections:
            transport.abort()  # a flood: not even a 503 for each
            return
        limits.refused.add(self)
        transport.write(refusal())
        if transport.can_write_eof():
            transport.write_eof()
        self._clock = asyncio.get_running_loop().call_later(REFUSED_LINGER, transport.close)

    def _start_clock(self) -> None:
        self._clock = asyncio.get_running_loop().call_later(self.limits.header_timeout, self._too_slow)

    def _stop_clock(self) -> None:
        if self._clock is not None:
            self._clock.cancel()
            self._clock = None

    def _too_slow(self) -> None:
        self._clock = None
        if self.transport is not None and not self.transport.is_closing():
            log.debug("web: closing a connection that sent no request's headers in %ss", self.limits.header_timeout)
            self.transport.close()


# The `Server` header of an answer's head, as aiohttp fills it in when nothing set it.
_SERVER_HEADER = re.compile(rb"\r\nServer:[^\r\n]*")


def _renamed(data: Any) -> Any:
    """An answer's head with SERVER_NAME in `Server`; anything else as it is."""
    if bytes(data[:7]) != b"HTTP/1." or b"\r\nServer: " + SERVER_NAME.encode() in data:
        return data
    head, sep, rest = bytes(data).partition(b"\r\n\r\n")
    return _SERVER_HEADER.sub(b"\r\nServer: " + SERVER_NAME.encode(), head, count=1) + sep + rest


class Renamed(asyncio.Transport):
    """A connection's transport as aiohttp's protocol sees it: the same in every way, but
    that an answer's head says SERVER_NAME in `Server` (aiohttp's own answers, to requests
    it could not read, name aiohttp and Python with their versions)."""

    def __init__(self, transport: asyncio.Transport) -> None:
        super().__init__()
        self.inner = transport

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.inner.write(_renamed(data))

    def writelines(self, list_of_data: Iterable[bytes | bytearray | memoryview]) -> None:
        self.inner.writelines([_renamed(data) for data in list_of_data])

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self.inner.get_extra_info(name, default)

    def is_closing(self) -> bool:
        return self.inner.is_closing()

    def close(self) -> None:
        self.inner.close()

    def abort(self) -> None:
        self.inner.abort()

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        self.inner.set_protocol(protocol)

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self.inner.get_protocol()

    def is_reading(self) -> bool:
        return self.inner.is_reading()

    def pause_reading(self) -> None:
        self.inner.pause_reading()

    def resume_reading(self) -> None:
        self.inner.resume_reading()

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        self.inner.set_write_buffer_limits(high, low)

    def get_write_buffer_size(self) -> int:
        return self.inner.get_write_buffer_size()

    def get_write_buffer_limits(self) -> tuple[int, int]:
        return self.inner.get_write_buffer_limits()

    def write_eof(self) -> None:
        self.inner.write_eof()

    def can_write_eof(self) -> bool:
        return self.inner.can_write_eof()


class ServerLog(logging.LoggerAdapter):  # type: ignore[type-arg]
    """aiohttp's server logger (handed to its protocol as `logger`): a request it could not
    read is one line, not an error with a traceback for anyone to fill the log with; an
    error in the application keeps its traceback."""

    def __init__(self, logger: logging.Logger, extra: Mapping[str, object] | None = None) -> None:
        super().__init__(logger, extra)

    def exception(self, msg: object, *args: object, exc_info: Any = True, **kwargs: Any) -> None:
        if isinstance(exc_info, HttpProcessingError):
            # The kind only: its message quotes what the client sent, line breaks and all.
            self.info("web: a request that could not be read (%s), answered 400", type(exc_info).__name__)
            return
        super().exception(msg, *args, exc_info=exc_info, **kwargs)
