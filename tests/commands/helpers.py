"""What the tests of the topic commands share (commands/topics.py, commands/discussed.py):
suggesting a topic by command, the votes !topics shows, a running session."""

from __future__ import annotations

import re

from bot.core.clock import iso
from tests.conftest import ALICE, HOST

SESSION = "2026-11-26 08:00"
# How replies that know no date to compare with (key_name without `now`) name it: with its year.
SESSION_NAME = "Thursday 26 November, 08:00 UTC"  # the year only when it is not this one


async def suggest(chat, text: str, who: str = ALICE) -> int:
    """Suggest a topic and return its number, from the bot's answer."""
    reply = await chat.text(who, f"!suggest {text}")
    m = re.search(r"Added #(\d+)", reply)
    assert m, reply
    return int(m.group(1))


async def votes_shown(chat, topic: int) -> int:
    m = re.search(rf"#{topic} .*? · (\d+) votes?", await chat.text(ALICE, "!topics"))
    assert m
    return int(m.group(1))


async def start_session(chat, key: str = SESSION) -> None:
    now = iso(chat.clock.now())
    await chat.store.execute(
        "INSERT INTO sessions (key, starts_at, started_by, started_at) VALUES (?, ?, ?, ?)", (key, now, HOST, now)
    )


async def note_of(chat, topic: int) -> str | None:
    return await chat.store.fetchval("SELECT note FROM topics WHERE id = ?", (topic,))
