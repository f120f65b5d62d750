"""Issue 30: the page's open topics, archive and attendance in a real browser (headless
Chromium): the chart asked for in the visitor's zone, the backlog folded, the board at
phone width."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.features.topics.repository import all_topics
from tests.conftest import ALICE, BOB, HOST, hold
from tests.web.conftest import DESKTOP, keep_picture

pytestmark = pytest.mark.browser

KOLKATA = "Asia/Kolkata"


async def test_the_chart_is_drawn_in_the_visitors_zone(chat, browser_page):
    await hold(chat, "2026-11-12 08:00", [HOST, ALICE])
    await hold(chat, "2026-11-19 08:00", [HOST, ALICE, BOB])
    await hold(chat, "2026-11-26 17:00", [HOST, BOB])
    chat.clock.set(dt.datetime(2026, 12, 10, 12, tzinfo=dt.UTC))
    page = await browser_page(chat, timezone_id=KOLKATA, viewport=DESKTOP)
    chart = page.locator("img[data-chart]")
    # Chromium names Kolkata by its old name, Asia/Calcutta; the server takes either.
    zone = await page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone")
    assert zone in (KOLKATA, "Asia/Calcutta")
    assert await chart.get_attribute("src") == "chart.png?lang=en&tz=Asia%2F" + zone.split("/")[1]
    await chart.scroll_into_view_if_needed()
    width = await chart.evaluate("img => img.decode().then(() => img.naturalWidth)")
    assert width == 800, "the chart drawn in Kolkata's time was served"
    await keep_picture(page, "board-chart-kolkata")


async def test_without_a_zone_of_its_own_the_page_keeps_the_chart_in_utc(chat, browser_page):
    await hold(chat, "2026-11-12 08:00", [HOST, ALICE])
    await hold(chat, "2026-11-19 08:00", [HOST, ALICE, BOB])
    chat.clock.set(dt.datetime(2026, 12, 10, 12, tzinfo=dt.UTC))
    page = await browser_page(chat, timezone_id="UTC")
    assert await page.locator("img[data-chart]").get_attribute("src") == "chart.png?lang=en"


async def test_the_board_the_folded_backlog_and_the_figure_read_at_phone_width(chat, browser_page):
    for text in ("Budgets for 2027", "A-very-long-address-https://example.org/" + "x" * 80, "Bylaws"):
        await chat.say(ALICE, f"!suggest {text}")
    numbers = {t.text: t.id for t in await all_topics(chat.store)}
    await chat.say(BOB, f"!vote {numbers['Bylaws']}")
    await hold(chat, "2026-11-19 08:00", [HOST, ALICE, BOB])
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 5, tzinfo=dt.UTC))
    await chat.say(HOST, "!start")
    await chat.say(HOST, f"!discussed {numbers['Budgets for 2027']}")
    page = await browser_page(chat, timezone_id=KOLKATA)
    await keep_picture(page, "board-phone")
    cards = await page.locator(".board .topic-card").all_inner_texts()
    assert cards[0].split() == ["1", "vote", "Bylaws", f"#{numbers['Bylaws']}"], cards
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390, "nothing runs off the phone"
    backlog = page.locator("details")
    assert not await backlog.evaluate("d => d.open"), "the imported topics folded"
    assert "earlier topics" in await backlog.locator("summary").inner_text()
    figure = await page.locator(".figure").inner_text()
    assert figure.startswith("3 people came to the last session"), figure
    assert figure.endswith("; 3 different people over 2 sessions."), "the running one counted too"
    await backlog.locator("summary").click()
    await keep_picture(page, "board-phone-unfolded")
    await page.emulate_media(color_scheme="dark")
    await keep_picture(page, "board-phone-dark")
