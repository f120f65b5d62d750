"""bot/features/sessions/summary.py: what a session was, for the message at its end."""

import datetime as dt

from bot.features.people import repository as people
from bot.features.sessions import summary
from tests.conftest import ALICE, HOST, hold

KEY = "2026-11-19 08:00"


async def test_a_session_never_started_has_an_empty_summary(chat):
    assert await summary.summary_of(chat.store, KEY, chat.clock.now()) == summary.Summary(
        KEY, None, None, False, [], [], []
    )


async def test_a_session_held_is_summed_up_with_who_came_in_the_order_they_came(chat):
    await people.remember_display_name(chat.store, ALICE, "Alice")
    await hold(chat, KEY, [HOST, ALICE])
    held = await summary.summary_of(chat.store, KEY, chat.clock.now())
    starts = dt.datetime(2026, 11, 19, 8, tzinfo=dt.UTC)
    assert (held.started_at, held.ended_at, held.auto_ended) == (starts, starts + dt.timedelta(hours=1), False)
    assert [(a.name, a.arrived_late) for a in held.present] == [
        (await people.name_of(chat.store, HOST), False),
        ("Alice", False),
    ]
    assert held.late == [] and held.discussed == []
