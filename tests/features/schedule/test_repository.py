"""The cancellations table: a session or a whole day cancelled once, lifted, and a whole
day narrowed to its other sessions when one of them is restored."""

import datetime as dt
import itertools

from bot.features.schedule.held import next_held_sessions
from bot.features.schedule.repository import add_cancellation, load_cancellations, replace_reason, restore_sessions
from bot.features.schedule.weekly_sessions import sessions_from

UTC = dt.UTC


async def test_cancellations_by_session_and_by_day(chat):
    config, store = chat.services.config, chat.store
    now = dt.datetime(2026, 11, 23, tzinfo=UTC)
    assert await add_cancellation(store, "2026-11-26 08:00", "holiday", "@org:example.org", now)
    assert not await add_cancellation(store, "2026-11-26 08:00", "again", "@org:example.org", now)
    assert await add_cancellation(store, "2026-12-03", "", "@org:example.org", now)
    cancels = await load_cancellations(store)
    assert {c.target: c.day for c in cancels} == {"2026-11-26 08:00": None, "2026-12-03": dt.date(2026, 12, 3)}
    held = next_held_sessions(config, cancels, now, 3)
    assert [s.key for s in held] == ["2026-11-26 17:00", "2026-12-10 08:00", "2026-12-10 17:00"]
    first, second = itertools.islice(sessions_from(config, now), 2)
    assert cancels.of(first).reason == "holiday" and cancels.of(second) is None
    await restore_sessions(store, config, dt.date(2026, 12, 3), ["2026-12-03 08:00", "2026-12-03 17:00"], now)
    assert [s.key for s in next_held_sessions(config, await load_cancellations(store), now, 2)] == [
        "2026-11-26 17:00",
        "2026-12-03 08:00",
    ]
    await restore_sessions(store, config, dt.date(2026, 11, 26), ["2026-11-26 08:00"], now)
    assert list(await load_cancellations(store)) == []


async def test_restoring_one_session_of_a_cancelled_day_keeps_the_others(chat):
    config, store = chat.services.config, chat.store
    now = dt.datetime(2026, 11, 23, tzinfo=UTC)
    await add_cancellation(store, "2026-12-03", "strike", "@org:example.org", now)
    await restore_sessions(store, config, dt.date(2026, 12, 3), ["2026-12-03 17:00"], now)
    cancels = await load_cancellations(store)
    assert [(c.target, c.reason, c.cancelled_at) for c in cancels] == [("2026-12-03 08:00", "strike", now)]


async def test_a_new_reason_keeps_who_cancelled_and_when(chat):
    """When stays: it tells a session cancelled ahead from one called off."""
    store = chat.store
    then, later = dt.datetime(2026, 11, 23, tzinfo=UTC), dt.datetime(2026, 11, 24, tzinfo=UTC)
    await add_cancellation(store, "2026-11-26 08:00", "holiday", "@org:example.org", then)
    await replace_reason(store, "2026-11-26 08:00", "snow", later)
    (cancellation,) = await load_cancellations(store)
    assert (cancellation.reason, cancellation.cancelled_by, cancellation.cancelled_at) == (
        "snow",
        "@org:example.org",
        then,
    )
