"""bot/core/routing.py: every command is answered where it was typed. When what it says goes
to the session's thread (or another room, or a direct message), one line where it was typed
says so; a command typed in that thread, or answered there anyway, gets no such line."""

from __future__ import annotations

import datetime as dt

from bot.core.model import IncomingMessage, Reply
from bot.core.routing import answered_where_typed, lands_where_typed, thread_link
from bot.core.text import Text
from bot.features.people import repository as people
from bot.features.sessions import repository
from tests.conftest import ALICE, HOST, ROOM

UTC = dt.UTC
MORNING = "2026-11-26 08:00"
OTHER = "!other:example.org"
# matrix.to names the room and the event percent-encoded, and a server to find the room by.
ZERO_LINK = "https://matrix.to/#/%21room%3Aexample.org/%24zero?via=example.org"


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, 26, hour, minute, tzinfo=UTC)


def routing(replies: list[Reply]) -> list[tuple[str | None, str | None]]:
    """Where each reply goes: (another room, a thread); (None, None) is in reply to the command."""
    return [(r.room_id, r.thread_root) for r in replies]


async def announced(chat) -> None:
    """The session's `0m` announcement opened its thread (`$zero`), as the announcer does."""
    await repository.set_thread_root(chat.store, MORNING, ROOM, "$zero")
    await people.remember_display_name(chat.store, HOST, "Hana Host")
    chat.clock.set(at(8))


# --- the four commands typed in the main timeline ---------------------------------------------


async def test_start_typed_in_the_main_timeline_is_answered_there_with_a_line_pointing_to_the_thread(chat):
    await announced(chat)
    started, pointer = await chat.say(HOST, "!start")
    assert started.thread_root == "$zero" and "has started" in started.text
    assert routing([pointer]) == [(None, None)], "in reply to the command"
    # What happened, in the words of the message in the thread (its first line), and where.
    first = started.text.splitlines()[0]
    assert first.endswith("· host: Hana Host"), first
    assert pointer.text == f"{first}. More in the session's thread ({ZERO_LINK}).", "a full stop after the line"
    assert "\n" not in pointer.text, "one line"
    assert f'More in <a href="{ZERO_LINK}">the session&#x27;s thread</a>.' in pointer.html
    assert pointer.anchor is None and pointer.mentions == () and pointer.reactions == ()


async def test_end_typed_in_the_main_timeline_points_to_the_summary_in_the_thread(chat):
    await announced(chat)
    await chat.say(HOST, "!start", thread_root="$zero")
    chat.clock.set(at(9))
    summary, pointer = await chat.say(HOST, "!end")
    assert summary.thread_root == "$zero" and "Present (1)" in summary.text
    assert routing([pointer]) == [(None, None)]
    first = summary.text.splitlines()[0]
    assert "ended" in first and pointer.text == f"{first} More in the session's thread ({ZERO_LINK})."


async def test_late_typed_in_the_main_timeline_is_confirmed_there_and_needs_no_pointer(chat):
    await announced(chat)
    await chat.say(HOST, "!start", thread_root="$zero")
    note, confirm = await chat.say(ALICE, "!late in ten minutes")
    assert routing([note, confirm]) == [(None, "$zero"), (None, None)]
    assert "will join later: in ten minutes" in note.text and confirm.text.startswith("Noted: your message is in")


async def test_discussed_typed_in_the_main_timeline_is_answered_there(chat):
    await announced(chat)
    await chat.say(HOST, "!start", thread_root="$zero")
    [added] = await chat.say(ALICE, "!suggest apples")
    number = added.anchor.ref
    [marked] = await chat.say(HOST, f"!discussed {number}")
    assert routing([marked]) == [(None, None)] and marked.text.startswith(f"Marked #{number}")


async def test_a_command_typed_in_the_sessions_thread_is_answered_in_it_with_no_pointer(chat):
    await announced(chat)
    [started] = await chat.say(HOST, "!start", thread_root="$zero")
    assert routing([started]) == [(None, "$zero")]
    chat.clock.set(at(9))
    [summary] = await chat.say(HOST, "!end", thread_root="$zero")
    assert routing([summary]) == [(None, "$zero")]


async def test_a_start_that_opens_the_thread_is_its_own_answer(chat):
    chat.clock.set(at(8))
    [started] = await chat.say(HOST, "!start")
    assert routing([started]) == [(None, None)] and "has started" in started.text


async def test_one_pointer_in_the_room_typed_in_however_many_rooms_have_the_thread(make_chat, make_config):
    chat = await make_chat(make_config(matrix={"rooms": [ROOM, OTHER]}))
    await announced(chat)
    await repository.set_thread_root(chat.store, MORNING, OTHER, "$zero-there")
    replies = await chat.say(HOST, "!start")
    assert routing(replies) == [(None, "$zero"), (OTHER, "$zero-there"), (None, None)]
    assert ZERO_LINK in replies[-1].text


# --- the rule, reply by reply ------------------------------------------------------------------


def typed(thread_root: str | None = None, direct_for: str | None = None, room_id: str = ROOM) -> IncomingMessage:
    return IncomingMessage(ALICE, room_id, "$cmd", "!x", at(8), thread_root=thread_root, direct_for=direct_for)


def test_where_a_reply_lands():
    plain = Reply.of(Text("x"))
    assert lands_where_typed(plain, typed()) and lands_where_typed(plain, typed(thread_root="$t"))
    assert lands_where_typed(Reply.of(Text("x"), room_id=ROOM), typed())
    assert not lands_where_typed(Reply.of(Text("x"), room_id=OTHER), typed())
    assert lands_where_typed(Reply.of(Text("x"), thread_root="$t"), typed(thread_root="$t"))
    assert not lands_where_typed(Reply.of(Text("x"), thread_root="$t"), typed())
    assert not lands_where_typed(Reply.of(Text("x"), thread_root="$t"), typed(thread_root="$u"))
    assert not lands_where_typed(Reply.of(Text("x"), direct_to=ALICE), typed())
    assert lands_where_typed(Reply.of(Text("x"), direct_to=ALICE), typed(direct_for=ALICE, room_id="!dm:x"))


def test_answers_in_a_direct_message_are_pointed_to_without_their_words():
    private = Reply.of(Text("your data: secret"), direct_to=ALICE)
    replies = answered_where_typed([private], typed(), "example.org")
    assert replies[0] is private and routing(replies[1:]) == [(None, None)]
    assert replies[1].text == "Sent to you in a direct message." and "secret" not in replies[1].html


def test_an_answer_in_another_room_is_linked():
    elsewhere = Reply.of(Text("Posted."), room_id=OTHER)
    [_, pointer] = answered_where_typed([elsewhere], typed(), "example.org")
    assert pointer.text == "Posted. More in another room (https://matrix.to/#/%21other%3Aexample.org?via=example.org)."


def test_nothing_said_stays_nothing_and_an_answer_here_needs_no_pointer():
    assert answered_where_typed([], typed(), "example.org") == []
    here, away = Reply.of(Text("ok")), Reply.of(Text("there"), thread_root="$t")
    assert answered_where_typed([away, here], typed(), "example.org") == [away, here]


def test_a_long_first_line_is_cut_and_user_text_stays_escaped():
    long = Reply.of(Text("<b>" + "word " * 80).line("second line"), thread_root="$t")
    [_, pointer] = answered_where_typed([long], typed(), "example.org")
    assert "second line" not in pointer.text and "…" in pointer.text and len(pointer.text) < 300
    assert "<b>" not in pointer.html and "&lt;b&gt;" in pointer.html


def test_thread_link():
    assert thread_link("!room:example.org", "$zero", "example.org") == ZERO_LINK
    assert thread_link("!opaque", None, "example.org") == "https://matrix.to/#/%21opaque?via=example.org"
