"""bot/features/announcements/repository.py: the record of what the bot sent on its own, one
row per (session, lead, room)."""

from __future__ import annotations

import datetime as dt

from bot.core.clock import UTC
from bot.features.announcements import repository as announcements
from bot.features.announcements.repository import AnnouncementStatus
from bot.features.announcements.timing import Lead, Notice
from bot.storage.store import Store

AT = dt.datetime(2026, 11, 19, 8, 0, tzinfo=UTC)
ROOMS = ("!a:example.org", "!b:example.org")
FIFTEEN = Lead(dt.timedelta(minutes=15))
CANCELLED = Notice.CANCELLED
SENDING, SENT = AnnouncementStatus.SENDING, AnnouncementStatus.SENT
KEY = "2026-11-26 08:00"


async def test_each_announcement_is_recorded_once_per_room():
    store = await Store.open(":memory:")
    for added in (2, 0):
        assert await store.transaction(lambda db: announcements.record(db, KEY, FIFTEEN, ROOMS, SENDING, AT)) == added
    assert await announcements.pending(store) == [("2026-11-26 08:00", "15m", room, AT) for room in ROOMS]
    await announcements.mark(store, "2026-11-26 08:00", FIFTEEN, ROOMS[0], SENT, "$e", AT)
    assert await announcements.pending(store) == [("2026-11-26 08:00", "15m", ROOMS[1], AT)]
    await store.close()


async def test_a_lifted_cancellation_forgets_its_notice_and_the_rooms_it_reached():
    store = await Store.open(":memory:")

    async def record(db):
        await announcements.record(db, "2026-11-26 08:00", CANCELLED, ROOMS, SENDING, AT)
        await announcements.record(db, "2026-11-26 17:00", CANCELLED, ROOMS[1:], SENDING, AT)

    await store.transaction(record)
    await announcements.mark(store, "2026-11-26 08:00", CANCELLED, ROOMS[0], SENT, "$e", AT)
    await announcements.mark(store, "2026-11-26 17:00", CANCELLED, ROOMS[1], SENT, "$f", AT)
    keys = ["2026-11-26 08:00", "2026-11-26 17:00"]
    assert sorted(await announcements.rooms_told_of_cancellation(store, keys)) == list(ROOMS)
    await store.transaction(lambda db: announcements.forget_cancellation_notice(db, "2026-11-26 08:00"))
    assert await announcements.rooms_told_of_cancellation(store, keys) == [ROOMS[1]]
    assert await announcements.pending(store) == []
    await store.close()
