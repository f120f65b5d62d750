"""bot/features/reminders/choices.py: a slot's own setting holds before the one for every
slot; changing one slot keeps the others; stopping one slot of "every slot" keeps the rest."""

from __future__ import annotations

import datetime as dt

from bot.core.weekly import Slot
from bot.features.reminders import repository as reminders
from bot.features.reminders.choices import by_person, choose, chosen, holding, reminded_slots
from bot.features.reminders.repository import ALL, Setting
from tests.conftest import ALICE, BOB

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
MORNING, EVENING, GONE = Slot(3, dt.time(8, 0)), Slot(3, dt.time(17, 0)), Slot(2, dt.time(10, 0))
SLOTS = (MORNING, EVENING)
HOUR, HALF = dt.timedelta(hours=1), dt.timedelta(minutes=30)


def test_a_slots_own_setting_holds_before_the_one_for_every_slot():
    every, own = Setting(ALICE, ALL, HOUR), Setting(ALICE, str(EVENING), HALF)
    assert holding([every, own], EVENING) == own and holding([own, every], EVENING) == own
    assert holding([every, own], MORNING) == every
    assert holding([own], MORNING) is None
    bob = Setting(BOB, ALL, HALF)
    assert by_person([every, bob, own]) == {ALICE: [every, own], BOB: [bob]}


def test_what_a_person_gets_before_each_configured_slot():
    mine = chosen([Setting(ALICE, ALL, HOUR)], SLOTS)
    assert mine.every and mine.leads == ((MORNING, HOUR), (EVENING, HOUR))
    mine = chosen([Setting(ALICE, ALL, HOUR), Setting(ALICE, str(EVENING), HALF)], SLOTS)
    assert not mine.every and mine.lead_of(EVENING) == HALF and mine.lead_of(MORNING) == HOUR
    gone = Setting(ALICE, str(GONE), HALF)
    mine = chosen([gone], SLOTS)
    assert mine.leads == () and mine.unheld == (gone,) and mine.lead_of(MORNING) is None


async def test_stopping_one_slot_of_every_slot_keeps_the_others_at_their_lead(chat):
    store = chat.store
    await choose(store, ALICE, SLOTS, None, HOUR, NOW)
    change = await choose(store, ALICE, SLOTS, EVENING, None, NOW)
    assert change.before.every and change.before.lead_of(EVENING) == HOUR
    assert change.after.leads == ((MORNING, HOUR),) and not change.after.every
    assert [(s.slot, s.lead) for s in await reminders.settings_of(store, ALICE)] == [(str(MORNING), HOUR)]
    change = await choose(store, ALICE, SLOTS, EVENING, HALF, NOW)
    assert change.before.lead_of(EVENING) is None and change.after.lead_of(EVENING) == HALF
    change = await choose(store, ALICE, SLOTS, None, None, NOW)
    assert change.after.leads == () and await reminders.settings_of(store, ALICE) == []


async def test_the_slots_a_person_is_reminded_of(chat):
    assert await reminded_slots(chat.store, ALICE, SLOTS) == []
    await choose(chat.store, ALICE, SLOTS, EVENING, HALF, NOW)
    assert await reminded_slots(chat.store, ALICE, SLOTS) == [EVENING]
    await choose(chat.store, ALICE, SLOTS, None, HOUR, NOW)
    assert await reminded_slots(chat.store, ALICE, SLOTS) == [MORNING, EVENING]
