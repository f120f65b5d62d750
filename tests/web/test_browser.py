"""Issue 18: the page in a real browser (headless Chromium, driven by Playwright): the
visitor's time zone, a topic after `!suggest`, HTML in a topic shown as text."""

from __future__ import annotations

import pytest

from tests.conftest import ALICE

pytestmark = pytest.mark.browser

SAO_PAULO = "America/Sao_Paulo"


async def test_the_next_session_reads_in_the_visitors_time_zone(chat, browser_page):
    page = await browser_page(chat, timezone_id=SAO_PAULO)
    # The clock: Monday 23 November 2026, 12:00 UTC; the next session is Thursday 08:00 UTC,
    # 05:00 in São Paulo (UTC-3 all year).
    first = page.locator('section[aria-labelledby="next"] time').first
    assert await first.get_attribute("datetime") == "2026-11-26T08:00:00Z"
    shown = await first.inner_text()
    assert shown == "Thursday 26 November 2026, 05:00 GMT-3", shown
    assert SAO_PAULO in await page.locator("#zone").inner_text()


async def test_a_suggested_topic_shows_and_html_in_it_is_text(chat, browser_page):
    page = await browser_page(chat, timezone_id=SAO_PAULO)
    agenda = page.locator('section[aria-labelledby="agenda"]')
    assert "No open topics yet." in await agenda.inner_text()
    hostile = '<img src=x onerror="document.title=1"> <b>bold</b> & Budgets for 2027'
    await chat.say(ALICE, f"!suggest {hostile}")
    await page.reload()
    topics = await page.locator("ol.topics .topic").all_inner_texts()
    assert hostile in topics, topics
    assert await page.locator("ol.topics img, ol.topics b").count() == 0, "no markup from a topic"
    assert await page.title() == "Coop Casual Conference"
