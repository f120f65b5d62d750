"""Lean Coffee across `kill -9` on a real homeserver (issue 29, point 5): the bot killed in
the middle of a topic's timebox posts the vote to go on once, when it is due; killed again
the moment its vote is out, while people vote, it counts their 👍 at the next start and says
so once. Each message and each of the bot's own reactions appears exactly once.

A timebox of one minute and a vote of ten seconds keep it short (about 100 s)."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from collections import Counter

import pytest
from nio import Event, RoomMessagesResponse, RoomSendResponse

from bot.core.clock import parse_iso

from .botproc import BotMessages, relates, replies_to, send_text, slot
from .helpers import body

# Waits on real minutes: started first (tests/conftest.py).
pytestmark = pytest.mark.minutes

TIMEBOX = 60  # seconds (lean_coffee.timebox = "1m", the shortest)
VOTE = 10  # seconds (lean_coffee.vote_seconds, the shortest)
# However loaded the machine: the vote arrives within this many seconds after its time.
LATE_AT_MOST = 20


def stored(database, sql: str) -> list[tuple]:
    with sqlite3.connect(database) as db:
        return db.execute(sql).fetchall()


async def timeline(env) -> list[Event]:
    """The whole room, oldest first, read with /messages (a sync could cut it short)."""
    events: list[Event] = []
    start: str | None = None
    while True:
        resp = await env.alice.room_messages(env.room_id, start=start, limit=500)
        assert isinstance(resp, RoomMessagesResponse), resp
        events.extend(resp.chunk)
        if not resp.chunk or not resp.end or resp.end == start:
            return events[::-1]
        start = resp.end


async def react(client, room_id: str, event_id: str, key: str) -> None:
    content = {"m.relates_to": {"rel_type": "m.annotation", "event_id": event_id, "key": key}}
    assert isinstance(await client.room_send(room_id, "m.reaction", content), RoomSendResponse)


async def test_kill_9_during_a_timebox_and_its_vote_posts_each_once_and_counts_the_votes(make_bot_room):
    # A session that began three minutes ago: running, and its `0m` announcement (the
    # thread the bot posts in) still within the grace window when the bot starts.
    began = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=3)).replace(second=0, microsecond=0)
    env = await make_bot_room(
        config={
            "conference": {"timezone": "UTC", "slots": [slot(began)], "announce_before": ["0m"]},
            "lean_coffee": {"timebox": "1m", "extensions": ["1m"], "vote_seconds": VOTE},
        }
    )
    bot = env.bot_id
    messages = BotMessages(env, env.organiser)  # every bot message, as the host sees them

    def log() -> str:
        return f"\nlog:\n{env.bot.output()[-3000:]}"

    def said(text: str):
        return lambda e: e.sender == bot and text in body(e)

    await messages.until(said("📣"), timeout=30)
    await send_text(env.organiser, env.room_id, "!start")
    await messages.until(said("has started"), timeout=20)

    async def command(client, text: str) -> str:
        event_id = await send_text(client, env.room_id, text)
        return body(await messages.until(replies_to(event_id, bot), timeout=20))

    added = await command(env.alice, "!suggest Quokka-owned bakeries and the 5813 bylaw")
    topic = int(added.split("Added #", 1)[1].split()[0])
    await command(env.bob, "!suggest Worker ownership transitions")
    await send_text(env.organiser, env.room_id, f"!discuss {topic}")  # answered in the session's thread
    discuss = body(await messages.until(said("Now discussing"), timeout=20))
    assert "Now discussing" in discuss and "1 minute, until" in discuss, discuss
    [(ends_at,)] = stored(env.database, "SELECT ends_at FROM discussions")
    due = parse_iso(ends_at)

    # Killed a third of the way into the timebox, back at once: the vote is still due.
    await asyncio.sleep(TIMEBOX / 3)
    env.bot.kill()
    env.bot.start()
    await env.bot.wait_ready()

    until_due = (due - dt.datetime.now(dt.UTC)).total_seconds()
    vote = await messages.until(said(f"⏱ Time is up for #{topic}"), timeout=until_due + LATE_AT_MOST)
    # Killed the moment its vote is out (its own 👍 and 👎 may not be on it yet); people vote
    # while the bot is down, and it is back only after the vote has closed.
    env.bot.kill()
    shown = dt.datetime.fromtimestamp(vote.server_timestamp / 1000, dt.UTC)
    assert due <= shown <= due + dt.timedelta(seconds=LATE_AT_MOST), f"due {due}, shown {shown} {log()}"
    assert "Keep going for 1 minute more?" in body(vote) and f"closes in {VOTE} seconds" in body(vote), body(vote)
    await react(env.alice, env.room_id, vote.event_id, "👍")
    await react(env.bob, env.room_id, vote.event_id, "👍")
    [(closes_at,)] = stored(env.database, "SELECT vote_closes_at FROM discussions")
    await asyncio.sleep(max(0.0, (parse_iso(closes_at) - dt.datetime.now(dt.UTC)).total_seconds() + 1))
    env.bot.start()
    await env.bot.wait_ready()

    extended = await messages.until(said("The room goes on"), timeout=30)
    assert body(extended).startswith(f"👍 The room goes on (👍 2, 👎 0): #{topic}"), body(extended)
    assert "has 1 minute more" in body(extended), body(extended)
    left = await command(env.alice, "!timer")
    assert " left, until " in left, left
    await messages.linger(3)  # a repeat would come at once

    # Exactly once: the vote, the extension and the bot's own 👍 and 👎 on the vote.
    events = [e for e in await timeline(env) if e.sender == bot]
    votes = [e.event_id for e in events if body(e).startswith("⏱ Time is up")]
    extensions = [e.event_id for e in events if body(e).startswith("👍 The room goes on")]
    # (The line in reply to the !discuss typed in the main timeline points to the thread.)
    started = [
        e.event_id
        for e in events
        if body(e).startswith("▶ Now discussing") and "More in the session's thread" not in body(e)
    ]
    assert (votes, extensions, started) == ([vote.event_id], [extended.event_id], started[:1]), log()
    mine = Counter(relates(e).get("key") for e in events if relates(e).get("event_id") == vote.event_id)
    assert mine == {"👍": 1, "👎": 1}, f"the bot's reactions on its vote: {mine} {log()}"
    assert stored(env.database, "SELECT status, COUNT(*) FROM discussion_posts GROUP BY status") == [("sent", 2)]
    assert env.bot.starts == 3
    assert "Traceback" not in env.bot.output(), env.bot.output()[-4000:]
