"""What the agenda shows, gathered from the other features as plain data: the next held
session of each slot (with the cancelled ones before it, who volunteered to host), the top
open topics, and the session people are in: the running one (with the topic being discussed,
Lean Coffee), or the one whose time has come while it waits for its host. Which sessions
those are, sessions/timeline.py decides. The wording is in commands/agenda.py.

Nothing here depends on the minute: no countdown, only dates and counts, so the agenda's
text changes only when something it shows changes, and only then is it edited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.core.config import Config
from bot.core.weekly import Slot
from bot.features.lean_coffee.discussing import now_discussed
from bot.features.schedule.weekly_sessions import Session
from bot.features.sessions import repository
from bot.features.sessions.hosts import volunteer_names
from bot.features.sessions.timeline import Timeline
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
class Discussing:
    """The topic being discussed in the running session (Lean Coffee), since when, and its
    timebox as it stands: until when (None: no timebox), or its time up and the vote to go
    on open. Only the times things changed, so the text changes only with them."""

    topic: Topic
    since: dt.datetime
    until: dt.datetime | None
    voting: bool


@dataclass(frozen=True)
class Running:
    key: str
    started_at: dt.datetime
    checked_in: int
    discussed: tuple[Topic, ...]  # with their minutes, where they had a timebox
    discussing: Discussing | None = None  # only with lean_coffee.enabled


@dataclass(frozen=True)
class Waiting:
    """The session whose time has come and that waits for its host: who volunteered to
    host it (names), and how many checked in meanwhile."""

    session: Session
    volunteers: tuple[str, ...]
    checked_in: int


@dataclass(frozen=True)
class AgendaData:
    slots: tuple[SlotAgenda, ...]  # by the time of their next session
    topics: tuple[Topic, ...]  # the top open topics, most votes first
    open_topics: int  # open topics in all
    running: Running | None
    waiting: Waiting | None = None  # never with `running`


async def _volunteers(store: Store, key: str) -> tuple[str, ...]:
    return tuple(await volunteer_names(store, key))


async def _discussing(store: Store, config: Config, session: str) -> Discussing | None:
    """The topic being discussed in `session`; None with Lean Coffee turned off."""
    if not config.lean_coffee.enabled:
        return None
    found = await now_discussed(store)
    if found is None or found.discussion.session != session:
        return None
    d = found.discussion
    return Discussing(found.topic, d.started_at, None if d.voting else d.ends_at, d.voting)


async def gather(store: Store, config: Config, now: dt.datetime, topics: int | None = None) -> AgendaData:
    """`topics`: how many open topics to show (default `agenda.topics`)."""
    timeline = await Timeline.load(store, config, now)
    running: Running | None = None
    waiting: Waiting | None = None
    current = timeline.current()
    if current is not None and current.state is not None and current.state.started_at is not None:
        key = current.key  # started: it runs
        checked_in = len(await repository.attendees(store, key))
        discussed = tuple(await discussed_in(store, key))
        running = Running(key, current.state.started_at, checked_in, discussed, await _discussing(store, config, key))
    elif current is not None:
        key = current.key
        waiting = Waiting(current.session, await _volunteers(store, key), len(await repository.attendees(store, key)))
    slots: list[SlotAgenda] = []
    # Each slot's next held session, with the nearest cancelled ones before it (the running
    # or waiting session is shown above, not again here).
    for ahead in timeline.slots_ahead(MAX_CANCELLED_PER_SLOT):
        shown = [Upcoming(view.session, True, view.reason) for view in ahead.cancelled]
        if ahead.next_held is not None:
            key = ahead.next_held.key
            shown.append(Upcoming(ahead.next_held.session, False, volunteers=await _volunteers(store, key)))
        slots.append(SlotAgenda(ahead.slot, tuple(shown)))
    # Nobody's own votes are marked: the agenda is the same for everyone. The topic being
    # discussed is shown as such, not also among those to discuss.
    limit = topics or config.agenda.topics
    top = await agenda_for(store, "", limit + 1)
    discussing = running.discussing.topic if running is not None and running.discussing else None
    listed = [t for t in top.shown if discussing is None or t.id != discussing.id]
    total = top.total - (discussing is not None and discussing.is_open)
    return AgendaData(tuple(slots), tuple(listed[:limit]), total, running, waiting)
