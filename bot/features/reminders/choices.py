"""What a person chose, slot by slot: the setting that holds for a slot (its own, else the
one for every slot), what they get before each configured slot, and a change to one slot or
to all of them, with what held before it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.weekly import Slot
from bot.features.reminders import repository as reminders
from bot.features.reminders.repository import ALL, Setting
from bot.storage.store import Store


def holding(settings: Sequence[Setting], slot: Slot) -> Setting | None:
    """Of one person's settings, the one that holds for `slot`: its own, else the one for
    every slot; None if they get no reminder before it."""
    own = every = None
    for setting in settings:
        if setting.slot == ALL:
            every = setting
        elif setting.slot == str(slot):
            own = setting
    return own or every


def by_person(settings: Sequence[Setting]) -> dict[str, list[Setting]]:
    people: dict[str, list[Setting]] = {}
    for setting in settings:
        people.setdefault(setting.user_id, []).append(setting)
    return people


@dataclass(frozen=True)
class Chosen:
    """What one person gets: the lead before each configured slot that has a reminder (in
    the order of the slots); `every` when one setting covers every slot and none has its
    own; `unheld`, settings of slots no longer configured (they send nothing)."""

    leads: tuple[tuple[Slot, dt.timedelta], ...]
    every: bool
    unheld: tuple[Setting, ...]

    def lead_of(self, slot: Slot) -> dt.timedelta | None:
        return next((lead for s, lead in self.leads if s == slot), None)


def chosen(settings: Sequence[Setting], slots: Sequence[Slot]) -> Chosen:
    leads = tuple((slot, held.lead) for slot in slots for held in [holding(settings, slot)] if held is not None)
    names = {str(slot) for slot in slots}
    every = [s.slot for s in settings] == [ALL]
    return Chosen(leads, every, tuple(s for s in settings if s.slot != ALL and s.slot not in names))


@dataclass(frozen=True)
class Change:
    before: Chosen
    after: Chosen


async def choose(
    store: Store,
    user_id: str,
    slots: Sequence[Slot],
    slot: Slot | None,
    lead: dt.timedelta | None,
    now: dt.datetime,
) -> Change:
    """Set the person's lead before `slot` (None: every slot, replacing each slot's own), or
    stop it (`lead` None); `slots`, the configured slots."""
    settings = await reminders.settings_of(store, user_id)
    before = chosen(settings, slots)
    if lead is not None:
        await reminders.set_setting(store, user_id, slot, lead, now)
    elif slot is None:
        await reminders.clear_setting(store, user_id)
    elif any(s.slot == ALL for s in settings):
        # Every slot but this one: each keeps what held for it, as a setting of its own.
        kept = [(str(s), held) for s, held in before.leads if s != slot] + [(s.slot, s.lead) for s in before.unheld]
        await reminders.replace_settings(store, user_id, kept, now)
    else:
        await reminders.clear_setting(store, user_id, slot)
    return Change(before, chosen(await reminders.settings_of(store, user_id), slots))


async def reminded_slots(store: Store, user_id: str, slots: Sequence[Slot]) -> list[Slot]:
    """Of the configured `slots`, those the person gets a reminder before (the slot they
    usually come to, for `!late`)."""
    return [slot for slot, _ in chosen(await reminders.settings_of(store, user_id), slots).leads]
