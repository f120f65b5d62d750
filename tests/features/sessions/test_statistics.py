"""bot/features/sessions/statistics.py: the series `!stats` and the web page chart, a
session not held a gap in its slot's line."""

import datetime as dt

from bot.features.schedule.repository import add_cancellation
from bot.features.sessions import chart, repository, statistics
from bot.features.sessions.timeline import Phase
from tests.conftest import ALICE, BOB, HOST, ORGANISER, hold

MORNING, EVENING = "Thursday 08:00", "Thursday 17:00"


async def test_stats_sends_a_session_not_held_as_a_gap(chat, monkeypatch):
    drawn = []

    async def render(series, title, words=None):
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
    held = await statistics.turnout(
        chat.store, chat.services.config, chat.clock.now(), dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    )
    assert statistics.attendance_series(chat.services.config, held) == {
        MORNING: [("2026-10-29", 2), ("2026-11-05", None), ("2026-11-12", None), ("2026-11-19", 4)]
    }


async def test_a_session_people_came_to_that_no_host_started_is_a_mark_of_its_own_never_held(chat):
    await hold(chat, "2026-11-05 08:00", [HOST, ALICE])
    await hold(chat, "2026-11-19 08:00", [HOST, ALICE, BOB])
    at = dt.datetime(2026, 11, 12, 8, 4, tzinfo=dt.UTC)
    await repository.check_in(chat.store, "2026-11-12 08:00", ALICE, at, repository.CheckInVia.COMMAND)
    await add_cancellation(chat.store, "2026-11-19 17:00", "nobody can host", ORGANISER, at.replace(day=19, hour=17))
    await repository.check_in(chat.store, "2026-11-19 17:00", BOB, at.replace(day=19, hour=17), "command")
    now = dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC)
    found = await statistics.turnout(chat.store, chat.services.config, now, now - dt.timedelta(weeks=12))
    assert [(t.key, t.phase, t.present, t.minutes) for t in found] == [
        ("2026-11-05 08:00", Phase.ENDED, 2, 60),
        ("2026-11-12 08:00", Phase.NOT_STARTED, 1, None),
        ("2026-11-19 08:00", Phase.ENDED, 3, 60),
        ("2026-11-19 17:00", Phase.CALLED_OFF, 1, None),
    ]
    assert statistics.attendance_series(chat.services.config, found) == {
        MORNING: [("2026-11-05", 2), ("2026-11-12", None), ("2026-11-19", 3)],
        chart.NOT_STARTED: [("2026-11-12", 1)],
        chart.CALLED_OFF: [("2026-11-19", 1)],
    }


async def test_in_a_zone_the_slots_and_days_are_named_as_they_read_there_gaps_and_all(chat):
    for key, people in (("2026-10-29 08:00", 2), ("2026-11-19 08:00", 4)):
        await hold(chat, key, [f"@p{i}:example.org" for i in range(people)])
    held = await statistics.turnout(
        chat.store, chat.services.config, chat.clock.now(), dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
    )
    assert statistics.attendance_series(chat.services.config, held, "Pacific/Honolulu") == {
        "Wednesday 22:00": [("2026-10-28", 2), ("2026-11-04", None), ("2026-11-11", None), ("2026-11-18", 4)]
    }
