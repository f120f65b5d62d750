"""bot/features/announcements/repository.py: the record of what the bot sent on its own, one
row per (session, lead, room)."""

from __future__ import annotations

import datetime as dt

from bot.core.clock import UTC
from bot.features.announcements import repository as announcements
from bot.features.announcements.repository import CANCELLED
from bot.storage.store import Store

AT = dt.datetime(2026, 11, 19, 8, 0, tzinfo=UTC)
ROOMS = ("!a:example.org", "!b:example.org")


async def test_each_announcement_is_recorded_once_per_room():
    store = await Store.open(":memory:")
    async with store.transaction() as db:
        assert await announcements.record(db, "2026-11-26 08:00", "15m", ROOMS, "sending", AT) == 2
    async with store.transaction() as db:
        assert await announcements.record(db, "2026-11-26 08:00", "15m", ROOMS, "sending", AT) == 0
    assert await announcements.pending(store) == [("2026-11-26 08:00", "15m", room) for room in ROOMS]
    await announcements.mark(store, "2026-11-26 08:00", "15m", ROOMS[0], "sent", "$e", AT)
    assert await announcements.pending(store) == [("2026-11-26 08:00", "15m", ROOMS[1])]
    await store.close()


async def test_a_lifted_cancellation_forgets_its_notice_and_the_rooms_it_reached():
    store = await Store.open(":memory:")
    async with store.transaction() as db:
        await announcements.record(db, "2026-11-26 08:00", CANCELLED, ROOMS, "sending", AT)
        await announcements.record(db, "2026-11-26 17:00", CANCELLED, ROOMS[1:], "sending", AT)
    await announcements.mark(store, "2026-11-26 08:00", CANCELLED, ROOMS[0], "sent", "$e", AT)
    await announcements.mark(store, "2026-11-26 17:00", CANCELLED, ROOMS[1], "sent", "$f", AT)
    keys = ["2026-11-26 08:00", "2026-11-26 17:00"]
    assert sorted(await announcements.rooms_told_of_cancellation(store, keys)) == list(ROOMS)
    async with store.transaction() as db:
        await announcements.forget_cancellation_notice(db, "2026-11-26 08:00")
    assert await announcements.rooms_told_of_cancellation(store, keys) == [ROOMS[1]]
    assert await announcements.pending(store) == []
    await store.close()
