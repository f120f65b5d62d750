"""bot/web/server.py, issue 25: the web server's limits against slow and idle clients, with
raw sockets against the real server on 127.0.0.1: a header-read timeout, a short keep-alive,
a cap on open connections (503 past it), and a `Server` header without versions."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import resource
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import pytest

from bot.devtools.localsynapse import free_port
from bot.web.limits import SERVER_NAME
from bot.web.server import WebServer

WAIT = 10.0  # longest any step may take before the test calls it stuck (never a speed check)
REQUEST = b"GET /calendar.ics HTTP/1.1\r\nHost: ccc.example.org\r\n\r\n"

Stream = tuple[asyncio.StreamReader, asyncio.StreamWriter]


@pytest.fixture
async def serve(make_chat, make_config) -> AsyncIterator[Callable[..., Awaitable[int]]]:
    """Starts the bot's web server with the limits given; returns its port."""
    servers: list[WebServer] = []

    async def _serve(**limits: Any) -> int:
        port = free_port()
        chat = await make_chat(make_config(web={"enabled": True, "listen": f"127.0.0.1:{port}"}))
        server = WebServer(chat.services, **limits)
        await server.start()
        servers.append(server)
        return port

    yield _serve
    for server in servers:
        await server.stop()


@pytest.fixture
def no_tracebacks(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    caplog.set_level(logging.DEBUG)
    yield
    bad = [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert not bad, [r.getMessage() for r in bad]


async def connect(port: int) -> Stream:
    return await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), WAIT)


async def answer(stream: Stream) -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.1 response read off the connection: status, headers, body."""
    reader, _ = stream
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), WAIT)
    status_line, *lines = head.decode("latin-1").split("\r\n")[:-2]
    headers = {name.lower(): value.strip() for name, value in (line.split(":", 1) for line in lines)}
    body = await asyncio.wait_for(reader.readexactly(int(headers.get("content-length", "0"))), WAIT)
    return int(status_line.split()[1]), headers, body


async def ask(stream: Stream, request: bytes = REQUEST) -> tuple[int, dict[str, str], bytes]:
    stream[1].write(request)
    await stream[1].drain()
    return await answer(stream)


async def closed_by_server(stream: Stream) -> bytes:
    """Waits for the server to close the connection; what it sent until then."""
    return await asyncio.wait_for(stream[0].read(), WAIT)


def close(*streams: Stream) -> None:
    for _, writer in streams:
        writer.close()


async def test_a_client_stalling_in_its_headers_is_disconnected(serve, no_tracebacks):
    port = await serve(header_timeout=0.5, keepalive_timeout=60, max_connections=10)
    stalling = await connect(port)
    stalling[1].write(b"GET /calendar.ics HT")  # half a request line, then nothing
    silent = await connect(port)  # connected, never a byte
    prompt = await connect(port)
    assert (await ask(prompt))[0] == 200
    assert await closed_by_server(stalling) == b"", "closed without an answer"
    assert await closed_by_server(silent) == b""
    # A connection that has had its answer is idle, not slow: the keep-alive time applies.
    assert (await ask(prompt))[0] == 200, "the prompt client is still served"
    # On a kept-alive connection the clock starts again with the next request's first byte.
    prompt[1].write(b"GET / HTTP/1.1\r\nHo")
    assert await closed_by_server(prompt) == b""
    close(stalling, silent, prompt)


async def test_an_idle_keep_alive_connection_is_closed_after_the_keep_alive_time(serve, no_tracebacks):
    # aiohttp starts the keep-alive clock when a connection is made, before its first
    # request: the time is long enough that a busy machine's pause between connecting and
    # sending is not taken for idling (0.3 s once was, on shared CI), and short next to WAIT.
    port = await serve(header_timeout=60, keepalive_timeout=2, max_connections=10)
    stream = await connect(port)
    status, headers, _ = await ask(stream)
    assert status == 200 and headers.get("connection", "").lower() != "close"
    assert (await ask(stream))[0] == 200, "kept alive between requests"
    assert await closed_by_server(stream) == b"", "idle past the keep-alive time: closed"
    close(stream)


async def test_past_the_cap_a_connection_gets_503_and_earlier_ones_still_work(serve, no_tracebacks, caplog):
    port = await serve(header_timeout=60, keepalive_timeout=60, max_connections=3)
    first = [await connect(port) for _ in range(3)]
    for stream in first:
        assert (await ask(stream))[0] == 200
    refused = await connect(port)
    refused[1].write(REQUEST)
    raw = await closed_by_server(refused)
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    assert lines[0] == "HTTP/1.1 503 Service Unavailable"
    headers = {name.lower(): value.strip() for name, value in (line.split(":", 1) for line in lines[1:])}
    assert headers["connection"] == "close" and headers["server"] == SERVER_NAME
    assert int(headers["content-length"]) == len(body) > 0
    for stream in first:
        assert (await ask(stream))[0] == 200, "the connections within the cap still work"
    # A connection closed frees its place for the next one (once the server has seen it go).
    close(first.pop())
    for _ in range(int(WAIT / 0.05)):
        again = await connect(port)
        again[1].write(REQUEST)
        status = (await answer(again))[0]
        if status == 200:
            break
        close(again)
        await asyncio.sleep(0.05)
    assert status == 200, "the freed place is taken again"
    past = await connect(port)
    past[1].write(REQUEST)
    assert (await closed_by_server(past)).startswith(b"HTTP/1.1 503 "), "and the cap still holds"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == ["web: 3 connections open, the most allowed: new ones get 503 until some close"], "said once"
    close(*first, again, refused, past)


@contextlib.contextmanager
def open_file_limit(soft: int):
    old = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, old[1]))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, old)


async def test_more_clients_than_the_open_file_limit_allows_get_503_not_a_broken_server(
    make_chat, make_config, no_tracebacks
):
    """The issue's case, scaled down: idle clients past what the open-file limit leaves.
    The cap comes from the limit (a quarter of it), so the server never runs out of files
    accepting them (asyncio would log a traceback each second, and refuse pages)."""
    port = free_port()
    chat = await make_chat(make_config(web={"enabled": True, "listen": f"127.0.0.1:{port}"}))
    server = WebServer(chat.services, header_timeout=60, keepalive_timeout=60)
    soft = len(os.listdir("/proc/self/fd")) + 240
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    if hard != resource.RLIM_INFINITY and hard < soft:
        pytest.skip(f"the hard open-file limit ({hard}) is below the {soft} this test sets")
    clients = 140  # both ends are in this process: without a cap, 2 x 140 files > 240
    streams: list[Stream] = []
    with open_file_limit(soft):
        await server.start()
        try:
            statuses = []
            for _ in range(clients):
                streams.append(await connect(port))
                statuses.append((await ask(streams[-1]))[0])
            served = statuses.count(200)
            assert served == soft // 4 and statuses == [200] * served + [503] * (clients - served)
            assert (await ask(streams[0]))[0] == 200, "the first still served"
        finally:
            close(*streams)
            await server.stop()


async def test_no_answer_names_python_or_aiohttp(serve, no_tracebacks):
    port = await serve(header_timeout=60, keepalive_timeout=60, max_connections=10)
    stream = await connect(port)
    for request in (
        REQUEST,
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
    ):
        status, headers, _ = await ask(stream, request)
        assert headers["server"] == SERVER_NAME, (status, headers["server"])
        assert headers["x-content-type-options"] == "nosniff", status
    close(stream)


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET / HTTP/1.1\r\nHost: x\r\nno colon in this header line\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nX-Long: " + b"a" * 20_000 + b"\r\n\r\n",
        b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
    ],
    ids=["malformed-header", "header-too-long", "unknown-version"],
)
async def test_a_request_the_server_cannot_read_gets_a_400_naming_no_versions(serve, no_tracebacks, request_bytes):
    """aiohttp answers these itself, before any of the application's code runs."""
    port = await serve(header_timeout=60, keepalive_timeout=60, max_connections=10)
    stream = await connect(port)
    stream[1].write(request_bytes)
    status, headers, _ = await answer(stream)
    assert status == 400
    assert headers["server"] == SERVER_NAME, headers["server"]
    close(stream)
