"""bot/features/sessions/statistics.py: the series `!stats` and the web page chart, a
session not held a gap in its slot's line."""

import datetime as dt

from bot.features.sessions import chart, repository, statistics
from tests.conftest import ALICE, BOB, HOST, hold

MORNING, EVENING = "Thursday 08:00", "Thursday 17:00"


async def test_stats_sends_a_session_not_held_as_a_gap(chat, monkeypatch):
    drawn = []

    async def render(series, title):
        drawn.append(series)
        return None

    monkeypatch.setattr(chart, "render", render)
    await hold(chat, "2026-11-05 08:00", [HOST, ALICE])
    await hold(chat, "2026-11-05 17:00", [HOST])
    await hold(chat, "2026-11-12 17:00", [HOST, ALICE, BOB])  # the morning one was not held
    await hold(chat, "2026-11-19 08:00", [HOST, ALICE, BOB])
    await chat.say(ALICE, "!stats")
    assert drawn == [
        {
            MORNING: [("2026-11-05", 2), ("2026-11-12", None), ("2026-11-19", 3)],
            EVENING: [("2026-11-05", 1), ("2026-11-12", 3)],
        }
    ]


async def test_the_series_has_a_gap_for_each_week_of_a_slot_not_held(chat):
    for key, people in (("2026-10-29 08:00", 2), ("2026-11-19 08:00", 4)):
        await hold(chat, key, [f"@p{i}:example.org" for i in range(people)])
    held = await repository.turnout(chat.store, dt.datetime(2026, 10, 1, tzinfo=dt.UTC), chat.clock.now())
    assert statistics.attendance_series(chat.services.config, held) == {
        MORNING: [("2026-10-29", 2), ("2026-11-05", None), ("2026-11-12", None), ("2026-11-19", 4)]
    }
