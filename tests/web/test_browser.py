"""Issue 18: the page in a real browser (headless Chromium, driven by Playwright): the
visitor's time zone, a topic after `!suggest`, HTML in a topic shown as text."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import ALICE, HOST
from tests.web.conftest import keep_picture

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
    assert "No open topics yet" in await agenda.inner_text()
    hostile = '<img src=x onerror="document.title=1"> <b>bold</b> & Budgets for 2027'
    await chat.say(ALICE, f"!suggest {hostile}")
    await page.reload()
    topics = await page.locator(".board .topic").all_inner_texts()
    assert hostile in topics, topics
    assert await page.locator(".board .topic img, .board .topic b").count() == 0, "no markup from a topic"
    assert await page.title() == "Coop Casual Conference"


async def test_a_latecomer_sees_the_session_waiting_for_its_host_and_the_one_nobody_started(chat, browser_page):
    """Issue 27: at 08:05 the page shows today's session waiting for its host, with how to
    join (not next week's as if it were over); the week after, a session people came to
    but no host started is listed as not started, never as held."""
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 5, tzinfo=dt.UTC))
    await chat.say(ALICE, "!here")
    page = await browser_page(chat, timezone_id=SAO_PAULO)
    body = await page.locator("body").inner_text()
    await keep_picture(page, "waiting")
    assert "Waiting for its host" in body, body
    assert "!here" in body and "bbb.example.org" in body, body
    chat.clock.set(dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC))
    await page.reload()
    body = await page.locator("body").inner_text()
    await keep_picture(page, "recent")
    assert "Waiting for its host" not in body, body
    assert "\t1\tnot started (no host)" in body, body
    assert "No session has been held yet." in body, "a session no host started is never shown as held"


async def test_the_topic_being_discussed_and_the_minutes_read_in_the_visitors_time_zone(chat, browser_page):
    """Issue 29: while a topic is discussed the page says which and since when (in the
    visitor's zone), with its timebox's end; the topics discussed carry their minutes."""
    for text in ("Budgets for 2027", "Bylaws <i>draft</i>"):
        await chat.say(ALICE, f"!suggest {text}")
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 5, tzinfo=dt.UTC))
    await chat.say(HOST, "!start")
    await chat.say(HOST, "!discuss 6")
    chat.clock.advance(minutes=12)
    await chat.say(HOST, "!discuss 7")
    page = await browser_page(chat, timezone_id=SAO_PAULO)
    await keep_picture(page, "discussing")
    section = await page.locator('section[aria-labelledby="next"]').inner_text()
    assert ("Now discussing Bylaws <i>draft</i> since 05:17 GMT-3 (timebox until 05:25 GMT-3).") in section, section
    assert "Budgets for 2027 — 12 minutes" in section, section
