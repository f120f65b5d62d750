"""Reminders on a real homeserver: a person opts in for a slot a few minutes ahead, the
direct message arrives once, and not again after a bot restart around that time. (How soon
after its time it arrives is measured by bench/reminders.py, not asserted here.)"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from nio import JoinResponse

from .botproc import START_TIME, BotMessages, configure, slot
from .helpers import _sync_once, body, collect_events, prime, wait_for_event

# Waits on real minutes: started first (tests/conftest.py).
pytestmark = pytest.mark.minutes

LEAD = dt.timedelta(minutes=5)


def is_reminder(event) -> bool:
    return body(event).startswith("⏰")


async def test_a_reminder_arrives_once_by_direct_message_across_a_restart(make_bot_room):
    env = await make_bot_room(start=False)
    # 20 s more than the other schedule tests: for `!remind` to be answered before it is due.
    margin = START_TIME + dt.timedelta(seconds=20)
    due = (dt.datetime.now(dt.UTC) + margin).replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    session = due + LEAD
    configure(env.config_path, timezone="UTC", slots=[slot(session)], announce_before=["1d"], announce_grace_minutes=5)
    env.bot.start()
    await env.bot.wait_ready()
    await prime(env.alice)
    messages = BotMessages(env, env.alice)

    answer = body(await messages.ask(f"!remind {session:%H:%M} 5m"))
    assert "5 minutes before each" in answer and "I've opened a direct chat with you" in answer, answer

    # The bot opened a direct room with alice when she opted in, well before the reminder
    # is due (so that the reminder does not wait for it): she accepts.
    deadline = time.monotonic() + 20
    while not env.alice.invited_rooms and time.monotonic() < deadline:
        await _sync_once(env.alice, deadline)
    [dm] = list(env.alice.invited_rooms)
    assert dt.datetime.now(dt.UTC) < due, "invited before the reminder was due"
    assert isinstance(await env.alice.join(dm), JoinResponse)
    until_due = (due - dt.datetime.now(dt.UTC)).total_seconds()
    reminder = await wait_for_event(env.alice, dm, is_reminder, timeout=until_due + 30)
    text = body(reminder)
    assert reminder.sender == env.bot_id
    assert reminder.server_timestamp >= due.timestamp() * 1000, "sent before its time"
    assert "starts in 5 minutes" in text and "access code ccc" in text and "!remind off" in text, text

    await env.bot.restart()
    assert "bbb.example.org" in body(await messages.ask("!link"))  # caught up by then
    more = [e for e in await collect_events(env.alice, dm, 2) if is_reminder(e)]
    assert more == [], [body(e)[:80] for e in more]
    assert "Traceback" not in env.bot.output(), env.bot.output()[-4000:]
