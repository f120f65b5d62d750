"""bot/features/reminders/repository.py: what a person asked for, and the record of each
reminder written before it is sent."""

from __future__ import annotations

import datetime as dt

from bot.core.weekly import Slot
from bot.features.reminders import repository as reminders
from bot.features.reminders.repository import Kind, Status
from bot.storage.store import Store
from tests.conftest import ALICE, BOB

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
MORNING, EVENING = Slot(3, dt.time(8, 0)), Slot(3, dt.time(17, 0))


async def test_one_setting_per_slot_or_for_every_slot_survives_reopening(tmp_path):
    store = await Store.open(tmp_path / "bot.sqlite3")
    hour, half = dt.timedelta(hours=1), dt.timedelta(minutes=30)
    await reminders.set_setting(store, ALICE, MORNING, dt.timedelta(minutes=15), NOW)
    await reminders.set_setting(store, ALICE, MORNING, hour, NOW)  # the slot's own, replaced
    await reminders.set_setting(store, ALICE, EVENING, half, NOW)  # another slot's, beside it
    await reminders.set_setting(store, BOB, MORNING, half, NOW)
    await reminders.set_setting(store, BOB, None, hour, NOW)  # every slot: replaces the slot's own
    await store.close()
    store = await Store.open(tmp_path / "bot.sqlite3")
    try:
        alice = await reminders.settings_of(store, ALICE)
        assert [(s.slot, s.lead) for s in alice] == [(str(MORNING), hour), (str(EVENING), half)]
        assert [(s.slot, s.lead) for s in await reminders.settings_of(store, BOB)] == [(reminders.ALL, hour)]
        assert [s.user_id for s in await reminders.all_settings(store)] == [ALICE, ALICE, BOB]
        assert await reminders.clear_setting(store, ALICE, EVENING)
        assert not await reminders.clear_setting(store, ALICE, EVENING)  # nothing left to stop
        assert [s.slot for s in await reminders.settings_of(store, ALICE)] == [str(MORNING)]
        assert await reminders.clear_setting(store, ALICE)
        assert not await reminders.clear_setting(store, ALICE)
        assert await reminders.settings_of(store, ALICE) == []
    finally:
        await store.close()


async def test_a_reminder_is_recorded_once_and_stays_pending_until_marked(chat):
    store, lead = chat.store, dt.timedelta(minutes=15)
    session = "2026-11-26 08:00"
    assert await reminders.record(store, ALICE, session, lead, Kind.REMINDER, Status.SENDING, NOW)
    # Written again (a restart while it was being sent): still one, not two.
    assert not await reminders.record(store, ALICE, session, lead, Kind.REMINDER, Status.SENDING, NOW)
    [pending] = await reminders.pending(store)
    assert (pending.user_id, pending.session, pending.lead, pending.kind) == (ALICE, session, "15m", Kind.REMINDER)
    await reminders.mark(store, pending, Status.SENT, "$dm", NOW + dt.timedelta(seconds=1))
    assert await reminders.pending(store) == []
    [sent] = await reminders.sent_to(store, ALICE)
    assert sent.status is Status.SENT and sent.event_id == "$dm"
    # Another lead for the same session is another reminder.
    assert await reminders.record(store, ALICE, session, lead * 4, Kind.REMINDER, Status.SENDING, NOW)
    assert await reminders.sent_to(store, BOB) == []


async def test_a_burst_is_recorded_together_each_once(chat):
    store, lead, session = chat.store, dt.timedelta(minutes=15), "2026-11-26 08:00"
    assert await reminders.record(store, ALICE, session, lead, Kind.REMINDER, Status.SENDING, NOW)
    rows = [(user, session, lead, Kind.REMINDER, Status.SENDING) for user in (ALICE, BOB)]
    # Alice's was written already (a restart in the middle of the burst): only Bob's is new.
    assert await reminders.record_all(store, rows, NOW) == [False, True]
    assert sorted(p.user_id for p in await reminders.pending(store)) == sorted([ALICE, BOB])
    assert await reminders.record_all(store, rows, NOW) == [False, False]
