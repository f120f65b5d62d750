"""`ccc-bot status`: how the bot is doing, read from its database (running or not)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.core.clock import Clock, parse_iso
from bot.core.config import Config
from bot.core.text import clean
from bot.features.agenda.repository import all_agendas
from bot.features.announcements.planning import Due, due_between
from bot.features.announcements.timing import Lead, Notice
from bot.features.schedule.held import next_held_sessions
from bot.features.schedule.repository import load_cancellations
from bot.features.sessions import statistics
from bot.features.sessions.timeline import Phase
from bot.features.topics.repository import count_open
from bot.storage.store import Store

# A running bot syncs at least every 30 s (the long-poll timeout); this much silence
# means it is stuck or gone.
STALE_AFTER = dt.timedelta(minutes=5)


@dataclass(frozen=True)
class Status:
    lines: list[str]
    healthy: bool


def _ago(delta: dt.timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 120:
        return f"{seconds} s ago"
    if seconds < 7200:
        return f"{seconds // 60} min ago"
    return f"{seconds // 3600} h ago"


async def read_status(config: Config, store: Store, clock: Clock) -> Status:
    now = clock.now()
    state = await store.get_meta("bot_state") or "never started"
    last_sync_text = await store.get_meta("last_sync")
    last_sync = parse_iso(last_sync_text) if last_sync_text else None
    healthy = True
    lines = [f"database:          {config.storage.database} (schema v{await store.schema_version()})"]
    lines.append(f"bot:               {state}")
    if last_sync is None:
        lines.append("last sync:         never")
        healthy = not state.startswith("running")
    else:
        stale = now - last_sync > STALE_AFTER
        lines.append(f"last sync:         {last_sync_text} ({_ago(now - last_sync)}){'  <- STALE' if stale else ''}")
        healthy = not (state.startswith("running") and stale)
    upcoming = await due_between(config, store, now, now + dt.timedelta(days=8))
    if upcoming:
        first = upcoming[0]
        what = await _what_is_due(store, first)
        lines.append(f"next announcement: at {first.at:%Y-%m-%d %H:%M} UTC, {what}")
    else:
        lines.append("next announcement: none in the coming week")
    sessions = next_held_sessions(config, await load_cancellations(store), now, 1)
    lines.append(f"next session:      {sessions[0].key if sessions else 'none'}")
    open_topics = await count_open(store)
    came = await statistics.turnout(store, config, now)
    lines.append(f"open topics:       {open_topics}")
    lines.append(f"sessions held:     {sum(t.phase.held for t in came)}")
    lines.extend(_not_held_lines(came))
    lines.extend(await _agenda_lines(config, store))
    lines.append("status:            " + ("OK" if healthy else "NOT SYNCING: the bot should be running but is not"))
    return Status(lines, healthy)


def _not_held_lines(sessions: list[statistics.Turnout]) -> list[str]:
    """The sessions people came to that were not started or were called off: never held,
    never lost either."""
    lines = []
    for phase in (Phase.NOT_STARTED, Phase.CALLED_OFF):
        found = [t for t in sessions if t.phase is phase and t.present]
        if found:
            last = found[-1]
            label = f"{phase}:"
            lines.append(f"{label:<19}{len(found)}, though people came (last {last.key}: {last.present} checked in)")
    return lines


async def _what_is_due(store: Store, due: Due) -> str:
    """'the 1d reminder of session 2026-11-26 08:00', 'the notice that session ... is
    cancelled: <reason>' and so on, as a person would say it."""
    key = due.session.key
    if isinstance(due.lead, Lead):
        if due.lead.at_start:
            return f"the reminder at the start of session {key}"
        return f"the {due.lead} reminder of session {key}"
    if due.lead == Notice.CANCELLED:
        cancellation = (await load_cancellations(store)).of(due.session)
        reason = clean(cancellation.reason, 200) if cancellation is not None else ""
        return f"the notice that session {key} is cancelled" + (f": {reason}" if reason else "")
    if due.lead == Notice.HOST_WAIT:
        return f"the notice that session {key} still has no host, if nobody has started it"
    if due.lead == Notice.AUTO_CLOSE:
        return f"the automatic close of session {key}, if nobody ends it"
    return f"the summary of session {key}"


async def _agenda_lines(config: Config, store: Store) -> list[str]:
    """Each room's agenda: pinned, or why not (the bot may not pin there)."""
    if not config.agenda.enabled:
        return ["agenda:            off (agenda.enabled = false)"]
    found = await all_agendas(store)
    if not found:
        return ["agenda:            not posted yet"]
    lines = []
    for agenda in found:
        if agenda.pinned:
            state = "pinned"
        elif agenda.pin_refused:
            state = "NOT PINNED: the bot's power level does not allow pinning there (kept current unpinned)"
        elif not config.agenda.pin:
            state = "not pinned (agenda.pin = false)"
        else:
            state = "not pinned: pinning failed; tried again at the next start or `!agenda`"
        lines.append(f"agenda:            {agenda.room_id}: {state}")
    return lines
