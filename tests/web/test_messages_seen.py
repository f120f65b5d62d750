"""Issue 30: each kind of message the bot sends, as Element shows it (tests/web/element.py),
in Chromium at desktop and phone width: what a reader would notice. With CCC_SHOTS set
(`make screenshots`) the pictures are kept as message-KIND.png, the pinned agenda as
agenda-element.png and agenda-element-phone.png; a failed test keeps its pages in the
artifacts folder."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Awaitable, Callable

import pytest

from bot.app import open_agenda, open_announcer
from bot.core.model import IncomingMessage, Reply
from bot.features.people import repository as people
from tests.conftest import ALICE, BOB, HOST, ORGANISER, ROOM, Chat, hold
from tests.features.agenda.fakes import FakePort
from tests.features.lean_coffee.fakes import Posts
from tests.web.conftest import DESKTOP, PHONE, keep_picture
from tests.web.element import Shown, agenda_as_sent, as_sent, element_page, typed

pytestmark = pytest.mark.browser

NAMES = {ALICE: "Alice", BOB: "Bob", HOST: "Dev", ORGANISER: "Olu"}
TOPICS = (
    "Sharing one bookkeeping tool between small co-ops",
    "How do you welcome a new member in their first month?",
    "Pricing retainer contracts",
)
# A morning session of the chat's first week (the clock starts on Monday 23 November 2026).
THURSDAY = dt.datetime(2026, 11, 26, tzinfo=dt.UTC)

# What a reader should never see: markup shown as text (a tag, Markdown's bold, an entity
# escaped twice).
RAW_MARKUP = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^>]*)?/?>|\*\*|__\w|&(#\d+|[a-z]+);")


async def _people(chat: Chat) -> None:
    for user, name in NAMES.items():
        await people.remember_display_name(chat.store, user, name)


async def _say(chat: Chat, who: str, body: str) -> list[Reply]:
    """As chat.say, with the sender's display name, as the Matrix adapter passes it on."""
    message = IncomingMessage(who, ROOM, f"${who}:{body}:{chat.clock.now()}", body, chat.clock.now(), None, NAMES[who])
    return await chat.dispatcher.handle(message)


async def _suggested(chat: Chat) -> list[int]:
    numbers = []
    for who, text in zip((ALICE, BOB, HOST), TOPICS, strict=True):
        [reply] = await _say(chat, who, f"!suggest {text}")
        numbers.append(int(re.search(r"#(\d+)", reply.text).group(1)))  # type: ignore[union-attr]
    return numbers


async def _command(chat: Chat, who: str, body: str) -> list[Shown]:
    """A command as its sender typed it, and the bot's answers as sent."""
    return [typed(NAMES[who], who, body)] + [await as_sent(chat, reply) for reply in await _say(chat, who, body)]


async def _posted(chat: Chat, posts: Posts, since: int) -> list[Shown]:
    return [await as_sent(chat, reply) for reply in posts.sent[since:]]


# --- the kinds of message: each returns the timeline, and the message pinned if any --------


Made = tuple[list[Shown], Shown | None]


async def reply(chat: Chat) -> Made:
    return await _command(chat, ALICE, f"!suggest {TOPICS[0]}"), None


async def error(chat: Chat) -> Made:
    await _suggested(chat)
    return await _command(chat, BOB, "!vote the bookkeeping one"), None


async def help_(chat: Chat) -> Made:
    return await _command(chat, ALICE, "!help"), None


async def topics(chat: Chat) -> Made:
    a, b, _ = await _suggested(chat)
    for who in (BOB, HOST, ORGANISER):
        await chat.say(who, f"!vote {b}")
    await chat.say(ORGANISER, f"!vote {a}")
    return await _command(chat, ALICE, "!topics"), None


async def agenda(chat: Chat) -> Made:
    a, *_ = await _suggested(chat)
    await chat.say(BOB, f"!vote {a}")
    await chat.say(HOST, "!host 2026-11-26 08:00")
    port = FakePort()
    keeper = open_agenda(chat.services, port, [ROOM])
    assert keeper is not None
    await keeper.refresh()
    pinned = agenda_as_sent(chat, port.posts[-1][2])
    return [pinned], pinned


async def announcement(chat: Chat) -> Made:
    await _suggested(chat)
    await chat.say(HOST, "!host 2026-11-26 08:00")
    posts = Posts(chat.store)
    announcer = open_announcer(chat.services, posts)
    chat.clock.set(THURSDAY.replace(hour=7, minute=45))  # 15 minutes before
    await announcer.run_due()
    return await _posted(chat, posts, 0), None


async def reminder(chat: Chat) -> Made:
    await chat.say(ALICE, "!tz Europe/Berlin")
    await chat.say(ALICE, "!remind 9:00 1h")
    await chat.say(HOST, "!host 2026-11-26 08:00")
    posts = Posts(chat.store)
    announcer = open_announcer(chat.services, posts)
    chat.clock.set(THURSDAY.replace(hour=7))
    await announcer.run_due()
    reminders = [r for r in posts.sent if r.direct_to == ALICE]
    assert reminders, [r.text for r in posts.sent]
    return [await as_sent(chat, r) for r in reminders], None


async def stats(chat: Chat) -> Made:
    regulars = [HOST, ALICE, BOB, ORGANISER, *(f"@p{i}:example.org" for i in range(8))]
    for week in range(6):
        day = dt.date(2026, 11, 19) - dt.timedelta(weeks=week)
        await hold(chat, f"{day} 08:00", regulars[: 3 + (week * 5) % 9])
        if week % 2:
            await hold(chat, f"{day} 17:00", regulars[: 2 + week])
    return await _command(chat, ALICE, "!stats"), None


async def vote_to_go_on(chat: Chat) -> Made:
    a, *_ = await _suggested(chat)
    posts = Posts(chat.store)
    announcer = open_announcer(chat.services, posts)
    chat.clock.set(THURSDAY.replace(hour=8, minute=2))
    await chat.say(HOST, "!start")
    await chat.say(HOST, f"!discuss {a}")
    chat.clock.advance(minutes=8)
    before = len(posts.sent)
    await announcer.run_due()
    votes = [r for r in posts.sent[before:] if r.reactions]
    assert votes, [r.text for r in posts.sent[before:]]
    return [await as_sent(chat, r) for r in votes], None


async def history(chat: Chat) -> Made:
    a, b, _ = await _suggested(chat)
    chat.clock.set(THURSDAY.replace(hour=8, minute=2))
    await chat.say(HOST, "!start")
    await chat.say(HOST, f"!discuss {a}")
    chat.clock.advance(minutes=7)
    await chat.say(HOST, f"!discussed {b} Two co-ops will try a shared onboarding buddy")
    await chat.say(HOST, "!end")
    chat.clock.advance(hours=2)
    return await _command(chat, ALICE, "!history"), None


KINDS: dict[str, Callable[[Chat], Awaitable[Made]]] = {
    "reply": reply,
    "error": error,
    "help": help_,
    "topics": topics,
    "agenda": agenda,
    "announcement": announcement,
    "reminder": reminder,
    "stats": stats,
    "vote-to-go-on": vote_to_go_on,
    "history": history,
}


def text_table(body: str) -> bool:
    """Whether a plain body lays something out in columns: two lines in a row or more, each
    with a gap of two spaces or more between words (what only a monospace font lines up)."""
    gapped = [bool(re.search(r"\S {2,}\S", line)) for line in body.splitlines()]
    return any(a and b for a, b in itertools.pairwise(gapped))


@pytest.mark.parametrize("kind", KINDS)
async def test_each_kind_of_message_reads_well_in_element(chat, browser_page, kind):
    await _people(chat)
    timeline, pinned = await KINDS[kind](chat)
    bot_messages = [m for m in timeline if m.content.get("msgtype") == "m.notice"]
    assert bot_messages, "the bot said something"
    doc = element_page(timeline, pinned=pinned)
    ids = [*NAMES, chat.services.config.matrix.user_id]
    for viewport, suffix in ((DESKTOP, ""), (PHONE, "-phone")):
        # Short, so that the whole-page picture is as tall as the messages, no more.
        page = await browser_page(None, html=doc, viewport={**viewport, "height": 160})
        # The pinned agenda at both widths (its banner is cut on a phone first), the rest at
        # desktop width only (a failure keeps both in the artifacts).
        if kind == "agenda":
            await keep_picture(page, f"agenda-element{suffix}")
        elif not suffix:
            await keep_picture(page, f"message-{kind}")
        # Nothing runs off the side: no scrolling sideways to read a line.
        overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{overflow} px wider than the {viewport['width']} px screen"
        bodies = await page.locator(".body.notice").all_inner_texts()
        for shown in bodies:
            assert not RAW_MARKUP.search(shown), f"markup shown as text: {RAW_MARKUP.search(shown)}\n{shown}"
            assert not [i for i in ids if i in shown], f"a Matrix ID shown:\n{shown}"
        # Every table is laid out as one: a row's cells side by side.
        for table in await page.locator(".body table").all():
            assert await table.evaluate("t => getComputedStyle(t).display") == "table"
            cells = table.locator("tr").first.locator("th, td")
            boxes = [await cells.nth(i).bounding_box() for i in range(await cells.count())]
            assert len(boxes) >= 2 and all(a and b and b["x"] > a["x"] for a, b in itertools.pairwise(boxes)), boxes
        if pinned is not None:
            # Element's banner shows the pinned message's first line: the message's own
            # first line, as the timeline shows it (the body and its HTML agree).
            banner = await page.locator(".pinned-line").inner_text()
            assert banner == pinned.first_line and banner.strip(), banner
            shown_first = (await page.locator(".body.notice").first.inner_text()).split("\n", 1)[0]
            assert shown_first.strip() == banner.strip(), (shown_first, banner)
    for message in bot_messages:
        if text_table(message.content["body"]):
            assert "<table" in message.content.get("formatted_body", ""), (
                "a table in the text is a <table> in the HTML (Element collapses spaces):\n" + message.content["body"]
            )


def test_a_table_laid_out_with_spaces_is_told_from_prose():
    assert text_table("Attendance:\n2026-12-03 08:00  5\n2026-12-03 17:00  3\n")
    assert not text_table("Open topics:\n#1 “Budgets” — 2 votes\n#2 “Bylaws”  — 1 vote")  # one gap alone
    assert not text_table("One line  with a gap.")
