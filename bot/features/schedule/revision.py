"""The schedule's revision, for calendar files: how often the schedule changed (a
cancellation made or lifted) and when, and the session each slot's event starts from;
kept in the meta table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import aiosqlite

from bot.core.clock import iso, parse_iso
from bot.core.config import Config
from bot.core.weekly import Slot
from bot.features.schedule.weekly_sessions import Session, session_from_key, sessions_from
from bot.storage.meta import count_meta, write_meta, write_meta_once
from bot.storage.store import Store

_REVISION, _MODIFIED, _SINCE = "schedule_revision", "schedule_modified", "calendar_since"


@dataclass(frozen=True)
class CalendarState:
    """What keeps a calendar file's events the same events from one download to the next."""

    first: dict[Slot, Session]  # the session each slot's event starts from
    sequence: int  # how often the schedule changed (a cancellation made or lifted)
    modified: dt.datetime  # when it last changed, or when the calendar was first asked for


async def schedule_changed(db: aiosqlite.Connection, at: dt.datetime) -> None:
    """Count a change; called inside the transaction that makes it."""
    await count_meta(db, _REVISION)
    await write_meta(db, _MODIFIED, iso(at))


async def calendar_state(store: Store, config: Config, now: dt.datetime) -> CalendarState:
    """Each slot's event starts from its next session the first time the calendar is asked
    for, and from that same session ever after."""

    async def first_ask(db: aiosqlite.Connection) -> None:
        await write_meta_once(db, _SINCE, iso(now))
        for slot in config.conference.slots:
            first = next(s for s in sessions_from(config, now) if s.slot == slot)
            await write_meta_once(db, _first_key(slot), first.key)

    await store.transaction(first_ask)
    anchors = {
        slot: session_from_key(config, await store.get_meta(_first_key(slot)) or "") for slot in config.conference.slots
    }
    sequence = int(await store.get_meta(_REVISION) or 0)
    modified = await store.get_meta(_MODIFIED) or await store.get_meta(_SINCE) or iso(now)
    return CalendarState(anchors, sequence, parse_iso(modified))


def _first_key(slot: Slot) -> str:
    return f"calendar_first:{slot.weekday}-{slot.time:%H%M}"
