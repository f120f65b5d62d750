"""Issue 30: the page as people see it, in Chromium: nothing runs off a phone's screen (a
long word, a long address, a long name), the sessions read by date in the visitor's zone
and its city, the script's forms of a time; and the pictures of a lived-in page (desktop,
phone, dark) that `make screenshots` keeps in docs/images."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bot.core.model import IncomingMessage
from bot.features.people import repository as people
from bot.features.topics.repository import all_topics
from commands.web_look import PAGE_SCRIPT
from tests.conftest import ALICE, BOB, HOST, ORGANISER, ROOM
from tests.web.conftest import DESKTOP, PHONE, keep_picture

pytestmark = pytest.mark.browser

SHOW_NAMES = {"web": {"enabled": True, "show_names": True, "public_url": "https://ccc.example.org"}}
LONG_WORD = "Genossenschaftsverbandsmitgliederversammlungsgeschäftsordnungsänderungsantrag"
LONG_URL = "https://example.org/cooperatives/bylaws/2027/drafts/member-onboarding-and-offboarding-checklist-v12.pdf"
LONG_NAME = "Maximiliane-Josephine Wolkenkuckucksheim-Oberhausen-Rheinhausen"


async def at_chat_time(page: Any, chat: Any) -> None:
    """The browser's clock at the chat's minute ('today', 'in 3 days'), and the page again."""
    await page.clock.set_fixed_time(chat.clock.now())
    await page.reload()


async def number_of(chat: Any, text: str) -> int:
    return next(t.id for t in await all_topics(chat.store) if t.text == text)


async def overflow(page: Any) -> int:
    """How far the page reaches past the window's width (0: nothing to scroll sideways)."""
    return int(await page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


async def session_times(page: Any) -> list[str]:
    return [
        str(await t.get_attribute("datetime"))
        for t in await page.locator('section[aria-labelledby="sessions"] time[data-form="day"]').all()
    ]


async def test_nothing_runs_off_a_phone_and_the_sessions_read_by_date(make_chat, make_config, browser_page):
    chat = await make_chat(make_config(**SHOW_NAMES))
    await people.remember_display_name(chat.store, ALICE, LONG_NAME)
    await chat.say(ALICE, f"!suggest {LONG_WORD} and more")
    await chat.say(ALICE, f"!suggest The checklist: {LONG_URL}")
    await chat.say(ALICE, "!host 2026-11-26 17:00")
    await chat.say(ORGANISER, "!cancel 2026-11-26 08:00 team away")
    for size in (PHONE, DESKTOP):
        page = await browser_page(chat, viewport=size, timezone_id="America/New_York")
        await at_chat_time(page, chat)
        assert await overflow(page) <= 0, f"the page scrolls sideways at {size['width']} px"
        times = await session_times(page)
        assert times == sorted(times) and len(times) >= 3, times
        assert LONG_NAME in await page.locator('section[aria-labelledby="sessions"]').inner_text()
        assert LONG_URL in await page.locator('section[aria-labelledby="agenda"]').inner_text()


async def test_times_read_in_the_visitors_city_with_today_or_a_countdown(chat, browser_page):
    # The clock: Monday 23 November 2026, 12:00 UTC; the next session is Thursday 08:00 UTC:
    # 03:00 in New York, 13:30 in Kolkata.
    page = await browser_page(chat, timezone_id="America/New_York")
    await at_chat_time(page, chat)
    card = page.locator("section.card")
    assert await card.locator("h2").inner_text() == "Thursday 26 November, 03:00 in 3 days"
    assert await page.locator("#zone").inner_text() == "Times are in New York time, your time zone."
    days = await page.locator('section[aria-labelledby="sessions"] .date').all_inner_texts()
    assert days[:2] == ["Thu 26 Nov 03:00", "Thu 26 Nov 12:00"], days
    about = await page.locator("header .about").inner_text()
    assert "Thursdays 03:00 and 12:00." in about, about
    kolkata = await browser_page(chat, timezone_id="Asia/Kolkata")
    await at_chat_time(kolkata, chat)
    assert await kolkata.locator("#zone").inner_text() == "Times are in Kolkata time, your time zone."
    assert "Thursday 26 November, 13:30" in await kolkata.locator("section.card h2").inner_text()
    assert "GMT" not in await kolkata.locator("body").inner_text()
    chat.clock.set(dt.datetime(2026, 11, 25, 23, tzinfo=dt.UTC))  # Wednesday 18:00 in New York
    await at_chat_time(page, chat)
    assert (await card.locator(".soon").inner_text()) == "tomorrow"
    await at_chat_time(kolkata, chat)  # Thursday 04:30 there
    assert (await kolkata.locator("section.card .soon").inner_text()) == "today"


SCRIPT_FORMS = """<!doctype html><html><body>
<p><time id="full" datetime="2026-12-10T18:30:00Z">x</time></p>
<p><time id="clock" datetime="2026-12-10T18:30:00Z" data-clock>x</time></p>
<p><time id="slot" datetime="2026-12-10T18:30:00Z" data-form="slot">x</time></p>
<p><time id="day" datetime="2026-12-10T18:30:00Z" data-form="day">x</time></p>
<p><time id="later" datetime="2027-01-14T08:00:00Z" data-form="day">x</time></p>
<p><time id="bad" datetime="soon">kept</time> <span id="place" data-zone>UTC</span></p>
<script>SCRIPT</script></body></html>"""


@pytest.mark.parametrize(
    ("zone", "place", "full", "slot", "day"),
    [
        ("America/New_York", "New York", "Thursday 10 December, 13:30", "Thursdays 13:30", "Thu 10 Dec"),
        ("Asia/Kolkata", "Kolkata", "Friday 11 December, 00:00", "Fridays 00:00", "Fri 11 Dec"),
        (
            "America/Argentina/Buenos_Aires",
            "Buenos Aires",
            "Thursday 10 December, 15:30",
            "Thursdays 15:30",
            "Thu 10 Dec",
        ),
        ("UTC", "UTC", "Thursday 10 December, 18:30", "Thursdays 18:30", "Thu 10 Dec"),
    ],
)
async def test_the_script_shows_each_form_of_a_time_and_the_city(browser_page, zone, place, full, slot, day):
    page = await browser_page(None, timezone_id=zone, html=SCRIPT_FORMS.replace("SCRIPT", PAGE_SCRIPT))
    await page.clock.set_fixed_time(dt.datetime(2026, 12, 7, 12, tzinfo=dt.UTC))
    await page.set_content(SCRIPT_FORMS.replace("SCRIPT", PAGE_SCRIPT))
    shown = {key: await page.locator(f"#{key}").inner_text() for key in ("full", "slot", "day", "place", "bad")}
    assert shown == {"full": full, "slot": slot, "day": day, "place": place, "bad": "kept"}
    assert (await page.locator("#later").inner_text()).endswith(" 2027"), "another year says which"
    assert len(await page.locator("#clock").inner_text()) == 5


# --- the pictures: a page some weeks into the conference ---------------------------------

TOPICS = [
    (ALICE, "How do we share the on-call rota fairly across three time zones?", 4),
    (BOB, "Sociocracy in practice: consent decisions that don't take all afternoon", 3),
    (HOST, "Pricing our work: day rates vs. fixed price for public-sector clients", 3),
    (ALICE, "Onboarding new members: a 90-day buddy programme", 2),
    (BOB, "Shared tooling between co-ops: a common Nextcloud?", 1),
    (HOST, "The Data Owner Bill of Rights: who signs, and how?", 0),
]
DISCUSSED = {
    "2026-11-12 08:00": ["Billing across borders: VAT for EU co-op clients", "Facilitation: rotating the chair"],
    "2026-11-19 08:00": ["Patio's newsletter: who writes December's?", "Decision-making with async votes"],
}


NAMES = {ALICE: "Alice Moreau", BOB: "Bongani Dlamini", HOST: "Hana Sato", ORGANISER: "Oskar Lind"}


async def suggest(chat: Any, who: str, text: str) -> None:
    """`!suggest` as a Matrix client sends it: with the sender's display name."""
    await chat.dispatcher.handle(
        IncomingMessage(
            who, ROOM, f"$suggest{hash(text)}", f"!suggest {text}", chat.clock.now(), sender_name=NAMES[who]
        )
    )


async def lived_in(chat: Any) -> None:
    """Some weeks of the conference: two sessions held with their topics discussed, open
    topics with votes, a host for Thursday morning, the evening session cancelled."""
    for who, name in NAMES.items():
        await people.remember_display_name(chat.store, who, name)
    for key, texts in DISCUSSED.items():
        day, time = key.split()
        chat.clock.set(dt.datetime.fromisoformat(f"{day}T{time}:00+00:00") + dt.timedelta(minutes=2))
        await chat.say(HOST, "!start")
        for who in (ALICE, BOB, ORGANISER):
            await chat.say(who, "!here")
        for text in texts:
            await suggest(chat, BOB, text)
            chat.clock.advance(minutes=20)
            await chat.say(HOST, f"!discussed {await number_of(chat, text)}")
        chat.clock.advance(minutes=15)
        await chat.say(HOST, "!end")
    chat.clock.set(dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC))
    for who, text, _ in TOPICS:
        await suggest(chat, who, text)
    voters = (ALICE, BOB, HOST, ORGANISER)
    for _, text, votes in TOPICS:
        number = await number_of(chat, text)
        for voter in voters[:votes]:
            await chat.say(voter, f"!vote {number}")
    await chat.say(HOST, "!host 2026-11-26 08:00")
    await chat.say(ORGANISER, "!cancel 2026-11-26 17:00 Thanksgiving: half of us are away")
    chat.clock.set(dt.datetime(2026, 11, 24, 10, tzinfo=dt.UTC))


async def test_pictures_of_the_page_at_desktop_phone_and_dark(make_chat, make_config, browser_page):
    chat = await make_chat(make_config(**SHOW_NAMES))
    await lived_in(chat)
    # The whole page at desktop width; a phone's first screen, light and dark.
    for name, whole, options in (
        ("page-desktop", True, {"viewport": DESKTOP, "timezone_id": "Europe/Berlin"}),
        ("page-phone", False, {"viewport": PHONE, "timezone_id": "America/New_York"}),
        ("page-dark", False, {"viewport": PHONE, "timezone_id": "Asia/Kolkata", "color_scheme": "dark"}),
    ):
        page = await browser_page(chat, **options)
        await at_chat_time(page, chat)
        assert await overflow(page) <= 0, name
        assert await page.locator("section.card .soon").inner_text() == "in 2 days"
        await keep_picture(page, name, full_page=whole)
    # Thursday morning: the session runs, a topic is being discussed.
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 3, tzinfo=dt.UTC))
    await chat.say(HOST, "!start")
    for who in (ALICE, BOB, ORGANISER):
        await chat.say(who, "!here")
    await chat.say(HOST, "!discuss")
    page = await browser_page(chat, viewport=PHONE, timezone_id="Europe/Berlin")
    await at_chat_time(page, chat)
    card = await page.locator("section.card").inner_text()
    assert "Happening now · 4 people here" in card and "Now discussing\nHow do we share the on-call rota" in card
    await keep_picture(page, "page-now", full_page=False)
