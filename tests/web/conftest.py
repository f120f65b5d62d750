"""A client for the web adapter's routes, on a chat's services (same database)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

# Imported before any browser runs: Python 3.11.7 can fail to parse (and so to import) a
# module for the first time after Playwright has run ("AST constructor recursion depth
# mismatch"), and Hypothesis's pytest plugin imports it only when the run ends.
import hypothesis  # noqa: F401
import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.web.server import Site
from tests.conftest import Chat

WebClient = Callable[[Chat], Awaitable[TestClient]]


@pytest.fixture
async def web_client() -> AsyncIterator[WebClient]:
    clients: list[TestClient] = []

    async def _make(chat: Chat) -> TestClient:
        client = TestClient(TestServer(Site(chat.services).app()))
        await client.start_server()
        clients.append(client)
        return client

    yield _make
    for client in clients:
        await client.close()


# --- the browser tests: headless Chromium (Debian's package) driven by Playwright --------

ARTIFACTS = Path(os.environ.get("CCC_ARTIFACTS") or Path(tempfile.gettempdir()) / "ccc-bot-artifacts")
# A folder to keep named pictures in, to look at them or to put them in docs/ (`make screenshots`);
# unset, only a failed test's pages are kept, in ARTIFACTS.
SHOTS = os.environ.get("CCC_SHOTS")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


async def keep_picture(page: Any, name: str, *, full_page: bool = True) -> None:
    """Keeps `page` as NAME.png in CCC_SHOTS when it is set (nothing otherwise)."""
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        await page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=full_page)


def chromium_path() -> str | None:
    return os.environ.get("CCC_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def _cannot_start(why: str) -> None:
    # As tests/integration does with Synapse: skipped on a laptop without it, never in CI.
    if os.environ.get("CI") == "true":
        pytest.fail(f"the browser could not start: {why}", pytrace=False)
    pytest.skip(f"the browser could not start: {why}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture
async def browser_page(request: pytest.FixtureRequest) -> AsyncIterator[Callable[..., Awaitable[Any]]]:
    """Opens the page of a chat's database (or a given HTML document) in headless Chromium;
    keeps a screenshot of every page opened in ARTIFACTS when the test fails."""
    try:
        from playwright.async_api import async_playwright
    except ImportError as e:
        _cannot_start(f"playwright is not installed ({e})")
    executable = chromium_path()
    if executable is None:
        _cannot_start("no chromium found (make test installs it with apt-get)")
    playwright = await async_playwright().start()
    try:
        browser = await playwright.chromium.launch(executable_path=executable, headless=True)
    except Exception as e:
        await playwright.stop()
        _cannot_start(f"{executable}: {e}")
    pages: list[Any] = []
    servers: list[TestServer] = []

    async def _open(
        chat: Chat | None,
        *,
        timezone_id: str = "UTC",
        viewport: dict[str, int] | None = None,
        color_scheme: str = "light",
        html: str | None = None,
        locale: str | None = None,
    ) -> Any:
        """A new tab at phone width (or `viewport`) in `timezone_id` and `color_scheme`, on the
        chat's page; with `html` instead, that document (a bot's message, shown as a client would).
        `locale`: the browser's language (its Accept-Language too), else Chromium's own."""
        context = await browser.new_context(
            timezone_id=timezone_id,
            viewport=viewport or PHONE,
            color_scheme=color_scheme,
            **({"locale": locale} if locale else {}),
        )
        page = await context.new_page()
        pages.append(page)
        if html is not None:
            await page.set_content(html)
            return page
        assert chat is not None
        server = TestServer(Site(chat.services).app(), host="127.0.0.1")
        await server.start_server()
        servers.append(server)
        await page.goto(str(server.make_url("/")))
        return page

    yield _open
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        os.makedirs(ARTIFACTS, exist_ok=True)
        for i, page in enumerate(pages):
            path = ARTIFACTS / f"{request.node.name}-{i}.png"
            await page.screenshot(path=str(path), full_page=True)
            print(f"screenshot of the failed test: {path}")
    await browser.close()
    await playwright.stop()
    for server in servers:
        await server.close()
