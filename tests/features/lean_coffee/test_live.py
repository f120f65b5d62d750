"""The rider that runs the discussion on its own: the vote to go on when a timebox ends,
its count (each person's latest 👍 or 👎), the extension or the move to the next topic, each
post exactly once across restarts and late only within the grace window."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from bot.core.clock import iso
from bot.core.model import Reply
from bot.features.lean_coffee import repository
from bot.features.lean_coffee.live import LeanCoffee
from commands.lean_coffee_posts import WORDING
from tests.commands.helpers import SESSION, start_session, suggest
from tests.conftest import ALICE, BOB, HOST, ORGANISER, ROOM
from tests.features.lean_coffee.fakes import Posts, react, rider

CAROL = "@carol:example.org"


async def _discussing(chat, votes: dict[str, int] | None = None) -> tuple[int, int]:
    """Two topics, the first with more votes; a session running; the first discussed."""
    a = await suggest(chat, "Pay equity in small co-ops")
    b = await suggest(chat, "Worker ownership transitions", who=BOB)
    await chat.text(BOB, f"!vote {a}")
    await start_session(chat)
    assert "Now discussing" in await chat.text(HOST, "!discuss")
    return a, b


async def test_the_vote_to_go_on_is_posted_when_the_timebox_ends_with_both_reactions(chat):
    a, _ = await _discussing(chat)
    live, posts = rider(chat)
    chat.clock.advance(minutes=7, seconds=59)
    await live.run_due(chat.clock.now())
    assert posts.sent == [], "not before the timebox ends"
    chat.clock.advance(seconds=1)
    await live.run_due(chat.clock.now())
    [vote] = posts.sent
    assert vote.text.startswith(f"⏱ Time is up for #{a} “Pay equity in small co-ops” (8 minutes).")
    assert "Keep going for 4 minutes more? React 👍 to keep going or 👎 to move on" in vote.text
    assert "the vote closes in 60 seconds" in vote.text
    assert vote.reactions == ("👍", "👎") and vote.anchor is not None
    await live.run_due(chat.clock.now())
    assert len(posts.sent) == 1, "posted once"


async def test_more_thumbs_up_extends_then_a_thumbs_down_majority_moves_on_with_the_minutes(chat):
    a, b = await _discussing(chat)
    live, posts = rider(chat)
    chat.clock.advance(minutes=8)
    await live.run_due(chat.clock.now())
    vote_event = posts.events[posts.sent[0].key]
    await react(chat, ALICE, vote_event, "👍", "$r1")
    await react(chat, BOB, vote_event, "👍", "$r2")
    await react(chat, CAROL, vote_event, "👎", "$r3")
    await react(chat, ORGANISER, vote_event, "🎉", "$r4")  # other emoji do not count
    chat.clock.advance(seconds=60)
    await live.run_due(chat.clock.now())
    extended = posts.sent[-1]
    assert extended.text.startswith(f"👍 The room goes on (👍 2, 👎 1): #{a}"), extended.text
    assert "has 4 minutes more, until 12:13 UTC" in extended.text
    assert "4 minutes left" in await chat.text(ALICE, "!timer")
    chat.clock.advance(minutes=4)
    await live.run_due(chat.clock.now())
    second_vote = posts.sent[-1]
    assert "Keep going for 2 minutes more?" in second_vote.text
    target = posts.events[second_vote.key]
    await react(chat, ALICE, target, "👍", "$r5")
    await react(chat, BOB, target, "👎", "$r6")
    await react(chat, CAROL, target, "👎", "$r7")
    chat.clock.advance(seconds=60)
    await live.run_due(chat.clock.now())
    moved = posts.sent[-1]
    assert moved.text.startswith(f"👎 Moving on (👍 1, 👎 2): #{a} “Pay equity in small co-ops” is marked discussed")
    assert "(14 minutes)" in moved.text
    assert f"Next up: #{b} “Worker ownership transitions” (0 votes). Start it with !discuss." in moved.text
    row = await chat.store.fetchone("SELECT status, session, minutes FROM topics WHERE id = ?", (a,))
    assert tuple(row) == ("discussed", SESSION, 14)
    assert await repository.current(chat.store) is None
    assert "No topic is being discussed" in await chat.text(ALICE, "!timer")


async def test_a_persons_latest_reaction_is_their_vote_and_taking_it_back_withdraws_it(chat):
    _a, _ = await _discussing(chat)
    live, posts = rider(chat)
    chat.clock.advance(minutes=8)
    await live.run_due(chat.clock.now())
    target = posts.events[posts.sent[0].key]
    await react(chat, ALICE, target, "👍", "$up")
    await react(chat, ALICE, target, "👎", "$down")  # changed her mind: 👎
    await react(chat, BOB, target, "👍🏽", "$bob")  # a skin tone is still 👍
    await react(chat, BOB, target, "👍🏽", "$bob", added=False)  # and taken back
    chat.clock.advance(seconds=60)
    await live.run_due(chat.clock.now())
    assert posts.sent[-1].text.startswith("👎 Moving on (👍 0, 👎 1)"), posts.sent[-1].text


async def test_no_votes_moves_on(chat):
    a, _ = await _discussing(chat)
    live, posts = rider(chat)
    chat.clock.advance(minutes=8)
    await live.run_due(chat.clock.now())
    chat.clock.advance(seconds=60)
    await live.run_due(chat.clock.now())
    assert posts.sent[-1].text.startswith(f"👎 Moving on (👍 0, 👎 0): #{a}")


async def test_with_no_extension_left_the_time_ends_the_topic_without_a_vote(make_chat, make_config):
    chat = await make_chat(make_config(lean_coffee={"extensions": [], "timebox": "5m"}))
    a, b = await _discussing(chat)
    live, posts = rider(chat)
    chat.clock.advance(minutes=5)
    await live.run_due(chat.clock.now())
    [over] = posts.sent
    assert over.text.startswith(f"⏱ Time is up for #{a} “Pay equity in small co-ops” with no extension left")
    assert "is marked discussed (5 minutes)" in over.text and f"Next up: #{b}" in over.text
    assert over.reactions == ()


async def test_a_host_decides_before_the_vote_closes(chat):
    _a, _b = await _discussing(chat)
    live, posts = rider(chat)
    chat.clock.advance(minutes=8)
    await live.run_due(chat.clock.now())
    target = posts.events[posts.sent[0].key]
    await react(chat, ALICE, target, "👍", "$up")
    text = await chat.text(HOST, "!timer 3m")
    assert "3 minutes left" in text
    chat.clock.advance(seconds=60)
    await live.run_due(chat.clock.now())
    assert len(posts.sent) == 1, "the vote was decided by the host: no count posted"
    chat.clock.advance(minutes=2)
    await live.run_due(chat.clock.now())
    assert "Keep going for 4 minutes more?" in posts.sent[-1].text, "the next vote offers the same extension"


async def test_a_post_that_fails_is_sent_again_with_the_same_key_and_skipped_past_the_grace(chat, caplog):
    await _discussing(chat)
    live, posts = rider(chat)
    posts.failing = True
    chat.clock.advance(minutes=8)
    await live.run_due(chat.clock.now())
    assert posts.sent == []
    posts.failing = False
    chat.clock.advance(seconds=20)
    await live.run_due(chat.clock.now())
    [vote] = posts.sent
    assert vote.key and vote.key.startswith("lean-coffee:")
    # A post left pending past the grace window is skipped, and logged.
    await _discussing_again(chat, live, posts)
    posts.failing = True
    chat.clock.advance(minutes=8)
    await live.run_due(chat.clock.now())
    posts.failing = False
    chat.clock.advance(minutes=31)
    with caplog.at_level(logging.WARNING):
        await live.run_due(chat.clock.now())
    assert "past its grace window: skipped" in caplog.text
    assert len(posts.sent) == 1


async def _discussing_again(chat, live, posts) -> None:
    chat.clock.advance(seconds=60)
    await live.run_due(chat.clock.now())  # the first vote closes: moved on
    assert "Moving on" in posts.sent[-1].text
    posts.sent.clear()
    assert "Now discussing" in await chat.text(HOST, "!discuss")


async def test_a_vote_due_while_the_bot_was_down_too_long_is_skipped_and_the_topic_stays(chat, caplog):
    a, _ = await _discussing(chat)
    live, posts = rider(chat)
    chat.clock.advance(minutes=8 + 31)
    with caplog.at_level(logging.WARNING):
        await live.run_due(chat.clock.now())
    assert posts.sent == [] and "past the grace window" in caplog.text
    assert "no timebox" in await chat.text(ALICE, "!timer")
    assert (await repository.current(chat.store)).topic_id == a


async def test_a_vote_due_while_the_bot_was_down_briefly_is_posted_late(chat):
    await _discussing(chat)
    live, posts = rider(chat)
    chat.clock.advance(minutes=8 + 10)
    await live.run_due(chat.clock.now())
    [vote] = posts.sent
    assert "the vote closes in 60 seconds" in vote.text


async def test_the_session_ending_closes_the_topic_with_its_minutes(chat):
    a, _ = await _discussing(chat)
    live, posts = rider(chat)
    chat.clock.advance(minutes=3)
    await chat.store.execute("UPDATE sessions SET ended_at = ?, auto_ended = 1", (iso(chat.clock.now()),))
    chat.clock.advance(minutes=30)
    await live.run_due(chat.clock.now())
    assert posts.sent == []
    assert await repository.current(chat.store) is None
    assert await chat.store.fetchval("SELECT minutes FROM topics WHERE id = ?", (a,)) == 3


async def test_the_jobs_are_planned_at_the_timebox_end_and_the_vote_close(chat):
    await _discussing(chat)
    live, _posts = rider(chat)
    now = chat.clock.now()
    [(job, at)] = await live.due_times(now, now.replace(hour=23))
    assert (at - now).total_seconds() == 8 * 60
    chat.clock.advance(minutes=8)
    await live.run_due(chat.clock.now())
    [(job2, at2)] = await live.due_times(chat.clock.now(), now.replace(hour=23))
    assert job2 != job and (at2 - chat.clock.now()).total_seconds() == 60


async def test_with_lean_coffee_turned_off_the_bot_posts_nothing_of_its_own(make_chat, make_config):
    """A topic left current when an operator turned Lean Coffee off and restarted: no vote."""
    chat = await make_chat(make_config(lean_coffee={"enabled": False}))
    a = await suggest(chat, "apples")
    await start_session(chat)
    now = chat.clock.now()
    await repository.start(chat.store, SESSION, a, HOST, now, now + dt.timedelta(minutes=8))
    live, posts = rider(chat)
    assert await live.due_times(now, now + dt.timedelta(hours=1)) == []
    chat.clock.advance(minutes=9)
    await live.run_due(chat.clock.now())
    assert posts.sent == []


async def test_the_vote_goes_to_every_room_at_once_not_after_the_room_before_is_done(make_chat, make_config):
    # One room after another, the last room's vote waited for each room before it: its
    # message and its two reactions, three round trips a room. As announcements go out:
    # every room side by side, each room's posts in order.
    rooms = [ROOM, "!second:example.org", "!third:example.org"]
    chat = await make_chat(make_config(matrix={"rooms": rooms}))
    await _discussing(chat)
    live, posts = rider(chat)
    on_its_way: set[str | None] = set()
    every_room = asyncio.Event()
    send = posts.send

    async def answered_once_all_are_sent(reply: Reply, in_reply_to=None) -> str | None:
        on_its_way.add(reply.room_id)
        if len(on_its_way) == len(rooms):
            every_room.set()
        await every_room.wait()
        return await send(reply, in_reply_to)

    posts.send = answered_once_all_are_sent  # type: ignore[method-assign]
    chat.clock.advance(minutes=8)
    # One room after another, the first room's send would wait for ever: stopped here.
    await asyncio.wait_for(live.run_due(chat.clock.now()), 10)
    assert sorted(r.room_id or "" for r in posts.sent) == sorted(rooms), "one vote in each room"
    assert all(r.text.startswith("⏱ Time is up for") for r in posts.sent)


async def test_each_change_the_rider_makes_on_its_own_is_told_and_nothing_else(chat):
    """The agenda shows the topic being discussed: the rider tells it of the vote opening,
    the extension, the move to the next topic and a close with the session, never of a run
    that changed nothing."""
    await _discussing(chat)
    told: list[str] = []
    posts = Posts(chat.store)
    live = LeanCoffee(chat.store, chat.services.config, posts, WORDING, lambda: told.append("changed"))

    async def run(**advance: int) -> int:
        chat.clock.advance(**advance)
        await live.run_due(chat.clock.now())
        return len(told)

    assert await run(minutes=7) == 0, "nothing due"
    assert await run(minutes=1) == 1, "the vote to go on opened"
    assert await run(seconds=30) == 1, "the vote still open"
    await react(chat, ALICE, posts.events[posts.sent[0].key], "👍", "$r1")
    assert await run(seconds=30) == 2, "extended"
    assert await run(minutes=4) == 3, "the second vote opened"
    assert await run(seconds=60) == 4, "nobody voted: moved on"
    assert await run(minutes=1) == 4, "no discussion left"
    assert "Now discussing" in await chat.text(HOST, "!discuss")
    await chat.store.execute("UPDATE sessions SET ended_at = ?", (iso(chat.clock.now()),))
    assert await run(seconds=1) == 5, "closed with its session"


async def test_a_vote_posted_late_after_a_failed_send_stays_open_its_whole_time_from_then(chat):
    """The vote was recorded, then its send failed (a crash, the homeserver away) until after
    its close: posted then, people still get vote_seconds to vote, as it says."""
    a, _ = await _discussing(chat)
    live, posts = rider(chat)
    posts.failing = True
    chat.clock.advance(minutes=8)
    await live.run_due(chat.clock.now())
    posts.failing = False
    chat.clock.advance(minutes=5)
    await live.run_due(chat.clock.now())
    [vote] = posts.sent
    assert "the vote closes in 60 seconds (12:14 UTC)" in vote.text, vote.text
    await react(chat, ALICE, posts.events[vote.key], "👍", "$up")
    chat.clock.advance(seconds=59)
    await live.run_due(chat.clock.now())
    assert len(posts.sent) == 1, "still open"
    chat.clock.advance(seconds=1)
    await live.run_due(chat.clock.now())
    assert posts.sent[-1].text.startswith(f"👍 The room goes on (👍 1, 👎 0): #{a}"), posts.sent[-1].text
