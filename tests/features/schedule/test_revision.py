"""The schedule's revision: each slot's event keeps the session it started from, and each
cancellation made or lifted counts as a change, with its time."""

import datetime as dt

from bot.features.schedule.repository import add_cancellation, restore_sessions
from bot.features.schedule.revision import calendar_state
from tests.conftest import ORGANISER

UTC = dt.UTC


async def test_each_slot_starts_from_the_session_next_when_first_asked(chat):
    config, store, now = chat.services.config, chat.store, chat.clock.now()
    first = await calendar_state(store, config, now)
    assert sorted(s.key for s in first.first.values()) == ["2026-11-26 08:00", "2026-11-26 17:00"]
    assert (first.sequence, first.modified) == (0, now.replace(microsecond=0))
    later = await calendar_state(store, config, now + dt.timedelta(weeks=3))
    assert later.first == first.first, "the same events from one download to the next"
    assert later.modified == first.modified


async def test_a_cancellation_made_or_lifted_is_a_change(chat):
    config, store, now = chat.services.config, chat.store, chat.clock.now()
    await calendar_state(store, config, now)
    cancelled_at, lifted_at = now + dt.timedelta(hours=1), now + dt.timedelta(hours=2)
    await add_cancellation(store, "2026-12-03", "strike", ORGANISER, cancelled_at)
    await add_cancellation(store, "2026-12-03", "again", ORGANISER, cancelled_at + dt.timedelta(minutes=1))
    state = await calendar_state(store, config, now)
    assert (state.sequence, state.modified) == (1, cancelled_at.replace(microsecond=0)), "a second one changes nothing"
    await restore_sessions(store, config, dt.date(2026, 12, 3), ["2026-12-03 08:00"], lifted_at)
    state = await calendar_state(store, config, now)
    assert (state.sequence, state.modified) == (2, lifted_at.replace(microsecond=0))
