"""The schedule on a real homeserver: `!next`, and an announcement at the slot's time that
goes out once, also when the bot restarts right after it."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from nio import Event

from .botproc import START_TIME, BotMessages, configure, slot
from .helpers import body, prime

# Waits on real minutes: started first (tests/conftest.py).
pytestmark = pytest.mark.minutes


def shown(at: dt.datetime) -> str:
    """How the bot writes a session's time: 'Thursday 26 November, 08:00 UTC' (the year
    only when it is not this one)."""
    year = "" if at.year == dt.datetime.now(dt.UTC).year else f" {at.year}"
    return f"{at:%A} {at.day} {at:%B}{year}, {at:%H:%M} UTC"


def is_announcement(event: Event) -> bool:
    return "📣" in body(event)


async def test_next_and_one_announcement_at_the_slot_time_across_a_restart(make_bot_room):
    env = await make_bot_room(start=False)
    # The slot is chosen once the room exists, so that only the bot's start has to fit
    # before it (it starts 15-75 s from now).
    soon = (dt.datetime.now(dt.UTC) + START_TIME).replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    later = (soon + dt.timedelta(days=3)).replace(hour=12, minute=0)
    configure(
        env.config_path,
        timezone="UTC",
        slots=[slot(soon), slot(later)],
        announce_before=["0m"],
        announce_grace_minutes=5,
    )
    env.bot.start()
    await env.bot.wait_ready()
    await prime(env.alice)
    messages = BotMessages(env, env.alice)

    upcoming = body(await messages.ask("!next"))
    assert shown(soon) in upcoming and shown(later) in upcoming, upcoming
    assert upcoming.index(shown(soon)) < upcoming.index(shown(later)), upcoming
    assert "bbb.example.org" in upcoming

    wait = (soon - dt.datetime.now(dt.UTC)).total_seconds() + 30
    announcement = await messages.until(is_announcement, timeout=wait)
    assert announcement.server_timestamp >= soon.timestamp() * 1000, "announced before the slot's time"
    text = body(announcement)
    assert shown(soon) in text and "starts now" in text, text
    assert "https://bbb.example.org/b/ccc" in text and "access code ccc" in text, text

    restarted_at = time.monotonic()
    await env.bot.restart()
    # The bot catches up on missed announcements before it reads commands, so once this
    # is answered, a repeated announcement would have been sent.
    assert "bbb.example.org" in body(await messages.ask("!link"))
    await messages.linger(2)
    assert time.monotonic() - restarted_at < 5 * 60, "the restart was not within the grace window"
    announcements = [e for e in messages.seen if is_announcement(e)]
    assert len(announcements) == 1, [body(e)[:80] for e in announcements]
    assert "Traceback" not in env.bot.output(), env.bot.output()[-4000:]
