"""What the agenda shows, gathered from the other features as plain data: the next session
of each slot (cancelled or not, who volunteered to host), the top open topics, and the
running session. The wording is in commands/agenda.py.

Nothing here depends on the minute: no countdown, only dates and counts, so the agenda's
text changes only when something it shows changes, and only then is it edited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.core.config import Config, Slot
from bot.features.people.repository import name_of
from bot.features.schedule.repository import Session, load_cancellations, sessions_from
from bot.features.sessions import repository
from bot.features.topics.model import Topic
from bot.features.topics.repository import agenda_for, discussed_in
from bot.storage.store import Store

# Cancelled sessions of one slot shown before its next held one, at most.
MAX_CANCELLED_PER_SLOT = 3


@dataclass(frozen=True)
class Upcoming:
    """A coming session: cancelled (with the reason given, maybe empty), or held with the
    names of who volunteered to host it."""

    session: Session
    cancelled: bool
    reason: str = ""
    volunteers: tuple[str, ...] = ()


@dataclass(frozen=True)
class SlotAgenda:
    """A slot's coming sessions, up to and including its next held one."""

    slot: Slot
    sessions: tuple[Upcoming, ...]


@dataclass(frozen=True)
class Running:
    key: str
    started_at: dt.datetime
    checked_in: int
    discussed: tuple[Topic, ...]


@dataclass(frozen=True)
class AgendaData:
    slots: tuple[SlotAgenda, ...]  # by the time of their next session
    topics: tuple[Topic, ...]  # the top open topics, most votes first
    open_topics: int  # open topics in all
    running: Running | None


async def gather(store: Store, config: Config, now: dt.datetime, topics: int | None = None) -> AgendaData:
    """`topics`: how many open topics to show (default `agenda.topics`)."""
    running_key = await repository.running_session(store)
    running: Running | None = None
    if running_key is not None:
        state = await repository.state_of(store, running_key)
        if state is not None and state.started_at is not None:
            running = Running(
                running_key,
                state.started_at,
                len(await repository.attendees(store, running_key)),
                tuple(await discussed_in(store, running_key)),
            )
    cancels = await load_cancellations(store)
    slots: list[SlotAgenda] = []
    for slot in config.conference.slots:
        shown: list[Upcoming] = []
        for session in sessions_from(config, now + dt.timedelta(seconds=1)):
            if session.slot != slot or session.key == running_key:
                continue  # another slot's, or started early and shown as running
            cancellation = cancels.of(session)
            if cancellation is not None:
                # The nearest few are shown; past them, look on for when the slot resumes
                # (cancellations are finite, so a held session comes).
                if len(shown) < MAX_CANCELLED_PER_SLOT:
                    shown.append(Upcoming(session, True, cancellation.reason))
                continue
            names = tuple([await name_of(store, u) for u in await repository.volunteers_of(store, session.key)])
            shown.append(Upcoming(session, False, volunteers=names))
            break
        if shown:
            slots.append(SlotAgenda(slot, tuple(shown)))
    slots.sort(key=lambda s: s.sessions[0].session.starts_at)
    # Nobody's own votes are marked: the agenda is the same for everyone.
    top = await agenda_for(store, "", topics or config.agenda.topics)
    return AgendaData(tuple(slots), tuple(top.shown), top.total, running)
