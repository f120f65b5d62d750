"""Fuzzing the dispatcher: whatever anyone types, as any role, the bot answers without
crashing, without injecting HTML, and without pinging anyone it doesn't mean to.

CI runs 2,000 examples; `make fuzz` runs 100,000 (CCC_FUZZ_EXAMPLES). One database per
test, shared by its examples, so state builds up the way it does in a real room.
"""

from __future__ import annotations

import logging
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bot.core.dispatcher import split_command
from bot.core.model import Anchor, IncomingMessage, IncomingReaction, Reply
from bot.core.reactions import record_anchor
from commands import build_registry
from tests.conftest import ALICE, BOB, HOST, ORGANISER, ROOM, Chat

EXAMPLES = int(os.environ.get("CCC_FUZZ_EXAMPLES", 2000))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    # One Store per test is deliberate (function-scoped fixture); long generated lines are too.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Commands whose replies may legitimately ping someone (a volunteer host, say); every
# other command must never put anyone in m.mentions, whatever it was given.
PINGING: frozenset[str] = frozenset()

SENDERS = (ALICE, BOB, HOST, ORGANISER)  # participant x2, host, organiser
_SPECS = build_registry().commands.values()
COMMANDS = sorted({*(n for spec in _SPECS for n in (spec.name, *spec.aliases)), "unknowncmd", "HELP", "Vote", "x"})

# Markup bot/core/text.py writes itself; anything else in a formatted_body came from a user.
_TEXT_SOURCE = (Path(__file__).resolve().parents[2] / "bot" / "core" / "text.py").read_text()
ALLOWED_TAGS = {"strong", "code", "a", "br"} | set(re.findall(r"<([a-z][a-z0-9]*)[ >]", _TEXT_SOURCE))

NASTY = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "</code></strong><b>bold</b><br/>",
    '<a href="javascript:alert(1)">x</a>',
    "<!-- c -->",
    "<![CDATA[x]]>",
    "&lt;b&gt;",
    "&amp;",
    '"',
    "'",
    "@room",
    "@room:",
    "@everyone",
    "@alice:example.org",
    "https://matrix.to/#/@room",
    "'; DROP TABLE topics; --",
    '" OR 1=1 --',
    "1; DELETE FROM votes",
    "%s %d {0} {}",
    "\u202e",
    "\u2066",
    "\u200b",
    "\u200f",
    "\u200e",
    "\ufeff",
    "\x00",
    "\x1b[31m",
    "\r\n",
    "\t",
    "\u0085",
    "\u2028",
    "\ud800",
    "#1",
    "#2",
    "1",
    "2",
    "0",
    "-1",
    "999999999",
    "99999999999",
    "2026-11-26",
    "2026-02-30",
    "2027-01-07",
    "08:00",
    "17:00",
    "24:00",
    "Europe/Berlin",
    "berlin",
    "Etc/GMT+5",
    "../../etc/passwd",
    "csv",
    "json",
    "md",
    "topics",
    "attendance",
    "“quoted words”",
    '"two words"',
    "…",
    "👍",
    "✋",
    "👍🏽",
    "😀😀😀",
    "𝕿𝖊𝖝𝖙",
    "ﷺ",
    "Z̷̛a̴l̵g̶o̸",
    "decision making",
    "Decision-making!",
]

_word = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=12),
    st.text(alphabet=st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "Zl", "Zp", "Mn"]), max_size=6),
    st.integers(-5, 60).map(str),
)
_long_line = st.builds(lambda s: (s * (10_000 // len(s) + 1))[:10_000], st.sampled_from([*NASTY[:20], "word "]))
_separator = st.sampled_from([" ", "  ", "\n", "\t", ""])
# No argument and one word are frequent, so commands also get past their argument checks.
_arguments = st.one_of(
    st.just(""),
    _word,
    st.lists(st.tuples(_separator, _word), max_size=6).map(lambda parts: "".join(s + w for s, w in parts)),
    _long_line,
    st.text(max_size=200),
)
_command = st.builds(
    lambda lead, prefix, name, sep, args: f"{lead}{prefix}{name}{sep}{args}",
    st.sampled_from(["", "", "", "", "", "", "", "", " ", "\n", "\u200b"]),
    st.sampled_from(["!", "!", "!", "!", "!", "!", "!", "!", "!!", "! ", "！"]),
    st.sampled_from(COMMANDS),
    st.sampled_from([" ", " ", " ", " ", "", "\n", "\t", "  "]),
    _arguments,
)
# Mostly commands, which is where the work is; some plain chat, which must stay unanswered.
_body = st.one_of(_command, _command, _command, _command, st.text(max_size=100))
_name = st.one_of(st.none(), st.sampled_from(NASTY), st.text(max_size=40))
# Minutes to move the clock on before a message: now and then far enough to reach a slot.
_advance = st.sampled_from([0, 0, 0, 1, 5, 15, 60, 180, 1440, 2 * 1440])
_message = st.tuples(st.sampled_from(SENDERS), _body, _name, st.booleans(), _advance)


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.other: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_comment(self, data):
        self.other.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.other.append(f"<!{decl}>")

    def unknown_decl(self, data):
        self.other.append(f"<![{data}]>")

    def handle_pi(self, data):
        self.other.append(f"<?{data}>")


def assert_safe_html(html: str) -> None:
    parser = _Markup()
    parser.feed(html)
    parser.close()
    assert not parser.other, f"markup the bot never writes: {parser.other} in {html[:500]!r}"
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS, f"<{tag}> in {html[:500]!r}"
        if tag == "a":
            assert [name for name, _ in attrs] == ["href"], attrs
            assert urlsplit(attrs[0][1] or "").scheme in ("http", "https"), attrs
        else:
            assert not attrs, f"<{tag} {attrs}> in {html[:500]!r}"


def assert_safe_reply(reply: Reply, command: str | None, sender: str, known_users: set[str]) -> None:
    assert isinstance(reply.text, str)
    if reply.html is not None:
        assert_safe_html(reply.html)
    assert "@room" not in reply.mentions
    if command not in PINGING:
        assert reply.mentions == (), f"{command} pinged {reply.mentions}"
    assert set(reply.mentions) <= known_users, reply.mentions
    # Whatever was typed, answers go to the asker's room or the asker's DMs, nowhere else.
    assert reply.direct_to in (None, sender)
    assert reply.room_id in (None, ROOM)


class _Crashes(logging.Handler):
    """What the bot logs at ERROR: the dispatcher catches a failing handler and logs it,
    so a crash shows up here rather than as an exception."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def check(self, what: str) -> None:
        if not self.records:
            return
        record = self.records[0]
        trace = logging.Formatter().formatException(record.exc_info) if record.exc_info else ""
        raise AssertionError(f"{what} crashed: {record.getMessage()}\n{trace}")


@pytest.fixture
def crashes():
    handler = _Crashes()
    logging.getLogger("bot").addHandler(handler)
    yield handler
    logging.getLogger("bot").removeHandler(handler)


def _command_of(body: str) -> str | None:
    parsed = split_command(body, "!")
    return parsed[0] if parsed else None


@FUZZ
@given(messages=st.lists(_message, min_size=1, max_size=4))
async def test_any_text_as_any_role_is_answered_safely(fuzz_chat, crashes, messages):
    chat = fuzz_chat
    crashes.records.clear()  # a failing example is replayed while shrinking
    for sender, body, name, in_thread, minutes in messages:
        chat.clock.advance(minutes=minutes)
        replies = await chat.dispatcher.handle(_incoming(chat, sender, body, name, in_thread))
        assert isinstance(replies, list)
        event(_outcome(body, replies))
        for reply in replies:
            assert_safe_reply(reply, _command_of(body), sender, set(SENDERS))
        crashes.check(f"{body[:200]!r} from {sender}")
    await _keep_small(chat)


_REACTIONS = st.sampled_from(["👍", "👍🏽", "👍️", "✋", "❤️", "", " ", "<b>", "@room", "\u202e👍", "x" * 300])


@FUZZ
@given(
    reactions=st.lists(
        st.tuples(
            st.sampled_from(SENDERS), st.integers(0, 3), _REACTIONS, st.booleans(), st.sampled_from(["1", "2", "999"])
        ),
        min_size=1,
        max_size=4,
    )
)
async def test_any_reaction_is_handled_safely(fuzz_chat, crashes, reactions):
    """Reactions on anchored messages (topics, a session start) with any key, added and
    redacted in any order, never crash and never ping. Anchors are written by the bot
    itself, so their refs are real keys (a topic number, perhaps of a topic now gone)."""
    chat = fuzz_chat
    crashes.records.clear()
    for sender, target, key, added, ref in reactions:
        anchors = {0: Anchor("topic", ref), 1: Anchor("session", "2026-11-26 08:00"), 2: Anchor("topic", "1")}
        if target in anchors:
            await record_anchor(chat.store, f"$anchor{target}", ROOM, anchors[target])
        n = next(chat._ids)
        reaction = IncomingReaction(
            sender=sender,
            room_id=ROOM,
            event_id=f"$reaction{n % 7}",  # reuse ids: redelivery and redaction of earlier ones
            target=f"$anchor{target}",
            key=key,
            ts=chat.clock.now(),
            added=added,
        )
        for reply in await chat.dispatcher.handle_reaction(reaction):
            assert_safe_reply(reply, None, sender, set(SENDERS))
        crashes.check(f"{key!r} {'added' if added else 'removed'} by {sender} on {anchors.get(target)}")


# --- helpers ------------------------------------------------------------------------------


@pytest.fixture
async def fuzz_chat(make_chat, make_config) -> Chat:
    """One chat and database per test: hypothesis runs all examples of a test inside one
    set of function-scoped fixtures, so state builds up across examples."""
    chat = await make_chat(make_config(topics={"suggestions_per_hour": 0}))
    await chat.say(ALICE, "!suggest Decision making in small co-ops")
    await chat.say(BOB, "!suggest Billing clients fairly")
    return chat


def _outcome(body: str, replies: list[Reply]) -> str:
    """For --hypothesis-show-statistics: how deep the examples get."""
    command = _command_of(body)
    if command is None or not replies:
        return "not a command"
    first = replies[0].text
    if first.startswith("Unknown command"):
        return "unknown command"
    if "Usage: " in first:
        return f"{command}: usage error"
    return f"{command}: answered"


def _incoming(chat, sender: str, body: str, name: str | None, in_thread: bool):
    n = next(chat._ids)
    return IncomingMessage(
        sender=sender,
        room_id=ROOM,
        event_id=f"$fuzz{n}",
        body=body,
        ts=chat.clock.now(),
        thread_root="$root" if in_thread else None,
        sender_name=name,
    )


async def _keep_small(chat) -> None:
    """Long runs add thousands of topics; the duplicate check scans them all, so trim the
    open list now and then to keep 100,000 examples to minutes, not hours."""
    if await chat.store.fetchval("SELECT COUNT(*) FROM topics WHERE suggested_by IS NOT NULL") > 300:
        await chat.store.execute("DELETE FROM topics WHERE suggested_by IS NOT NULL AND id > 2")


@pytest.mark.parametrize(
    "markup", ["<script>x</script>", "<img src=x>", "<b>x</b>", '<a href="javascript:x">y</a>', "<!-- x -->"]
)
def test_the_html_check_catches_injected_markup(markup):
    """The checker itself must fail on what it exists to catch."""
    with pytest.raises(AssertionError):
        assert_safe_html(markup)


def test_the_html_check_passes_what_text_writes():
    assert_safe_html('<strong>a</strong> &lt;script&gt; <code>x</code><br><a href="https://x.org">y</a>')
