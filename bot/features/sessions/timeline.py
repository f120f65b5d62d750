"""One session, one truth: the state each session is in at a given minute, and which
session a person means. Every command, the agenda, the announcements, the web page and
the reports ask here rather than work it out on their own.

A session's `Phase` follows from three facts: its time, its row in `sessions` (started,
ended, closed automatically) and its cancellation (made before its time: cancelled; made
once its time had come, while it waited for its host: called off). A `Timeline` is a
snapshot of those facts at one minute; `phase_of` is the rule, a pure function.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from bot.core.clock import iso
from bot.core.config import Config
from bot.core.weekly import Slot
from bot.features.schedule.held import next_held_sessions
from bot.features.schedule.repository import Cancellation, Cancellations, load_cancellations
from bot.features.schedule.weekly_sessions import (
    Session,
    local_time,
    session_from_key,
    sessions_between,
    sessions_from,
)
from bot.features.sessions.repository import SessionState, states_since
from bot.storage.store import Store

# A session can be started from 30 minutes before its slot time to 2 hours after it.
START_EARLY = dt.timedelta(minutes=30)
START_LATE = dt.timedelta(hours=2)
# A session nobody ended is closed this long after it was started.
AUTO_CLOSE_AFTER = dt.timedelta(hours=3)
# How far ahead a slot's next held session is looked for (cancellations are finite, and a
# year of them is more than anyone plans).
LOOK_AHEAD = dt.timedelta(days=400)


def startable_session(config: Config, now: dt.datetime) -> Session | None:
    """The session whose start window (30 min before to 2 h after) holds `now`; the
    nearest one if two windows overlap. Whether it may be started is its phase's matter."""
    candidates = sessions_between(config, now - START_LATE, now + START_EARLY + dt.timedelta(seconds=1))
    return min(candidates, key=lambda s: abs(s.starts_at - now), default=None)


def start_opens(config: Config, cancels: Cancellations, now: dt.datetime) -> Session | None:
    """The next session not cancelled whose start window has not opened yet."""
    following = next_held_sessions(config, cancels, now + START_EARLY, 1)
    return following[0] if following else None


class Phase(StrEnum):
    COMING = "coming"  # its time has not come (its start window may be open)
    WAITING = "waiting for its host"  # its time has come, no host has started it yet
    RUNNING = "running"  # started (perhaps early, before its time), not ended
    ENDED = "ended"  # ended by a host with !end
    AUTO_CLOSED = "closed automatically"  # nobody ended it: the bot closed it
    CANCELLED = "cancelled"  # called off before its time
    CALLED_OFF = "called off"  # cancelled once its time had come, while it waited for its host
    NOT_STARTED = "not started"  # its start window closed and no host had started it

    @property
    def held(self) -> bool:
        """Took place (or takes place now): a host started it."""
        return self in (Phase.RUNNING, Phase.ENDED, Phase.AUTO_CLOSED)

    @property
    def over(self) -> bool:
        """Nothing more happens to it: nobody can start, host, cancel or check in to it."""
        return self in (Phase.ENDED, Phase.AUTO_CLOSED, Phase.CALLED_OFF, Phase.NOT_STARTED)

    @property
    def cancelled(self) -> bool:
        return self in (Phase.CANCELLED, Phase.CALLED_OFF)


def phase_of(
    session: Session,
    now: dt.datetime,
    state: SessionState | None,
    cancellation: Cancellation | None,
    window_closes: dt.datetime | None = None,
) -> Phase:
    """The rule. `window_closes`: when the session stops waiting for its host if nobody
    starts it (START_LATE after its time, or earlier when the next session's start window
    opens first); default START_LATE after its time. What happened beats what was
    planned: a session a host started is held, cancelled or not; one whose window had
    closed when it was cancelled (its whole day cancelled later) stays not started."""
    if state is not None and state.started_at is not None:
        if state.ended_at is None:
            return Phase.RUNNING
        return Phase.AUTO_CLOSED if state.auto_ended else Phase.ENDED
    closes = window_closes or session.starts_at + START_LATE
    if cancellation is not None and cancellation.cancelled_at < session.starts_at:
        return Phase.CANCELLED
    if cancellation is not None and cancellation.cancelled_at < closes:
        return Phase.CALLED_OFF
    if now < session.starts_at:
        return Phase.COMING
    return Phase.WAITING if now < closes else Phase.NOT_STARTED


def minutes_held(started_at: dt.datetime, ended_at: dt.datetime) -> int:
    """How long a session ran, in minutes: from its start to its end as each reads to the
    minute (seconds dropped from both), so 08:10:50 to 08:58:10 is 08:10-08:58, 48 minutes.
    The summary, the exports and the web page all give this number."""
    start, end = (at.replace(second=0, microsecond=0) for at in (started_at, ended_at))
    return max(int((end - start).total_seconds()) // 60, 0)


@dataclass(frozen=True)
class SessionView:
    """A session with its phase at the timeline's minute, and the facts behind it."""

    session: Session
    phase: Phase
    state: SessionState | None
    cancellation: Cancellation | None

    @property
    def key(self) -> str:
        return self.session.key

    @property
    def reason(self) -> str:
        return self.cancellation.reason if self.cancellation else ""

    @property
    def minutes(self) -> int | None:
        """How long it ran (`minutes_held`), once a host has ended it; None for one still
        running, never started, or closed automatically (when the bot closed it says
        nothing about when people left)."""
        state = self.state
        if self.phase is not Phase.ENDED or state is None or state.started_at is None or state.ended_at is None:
            return None
        return minutes_held(state.started_at, state.ended_at)


@dataclass(frozen=True)
class SlotAhead:
    """A slot's coming sessions: the cancelled ones before its next held one (at most
    `max_cancelled` of them, the nearest), and that next held one (None only with no
    session in LOOK_AHEAD)."""

    slot: Slot
    cancelled: tuple[SessionView, ...]
    next_held: SessionView | None

    @property
    def first(self) -> SessionView | None:
        return self.cancelled[0] if self.cancelled else self.next_held


class Timeline:
    """The sessions as they stand at `now`: the cancellations, and the stored rows of the
    sessions near `now` and of any still running."""

    def __init__(self, config: Config, now: dt.datetime, cancels: Cancellations, states: dict[str, SessionState]):
        self.config = config
        self.now = now
        self.cancels = cancels
        self.states = states

    @classmethod
    async def load(cls, store: Store, config: Config, now: dt.datetime) -> Timeline:
        since = now - START_LATE - AUTO_CLOSE_AFTER - dt.timedelta(days=1)
        states = {s.key: s for s in await states_since(store, iso(since))}
        return cls(config, now, await load_cancellations(store), states)

    @classmethod
    async def load_with(
        cls, store: Store, config: Config, now: dt.datetime, states: Iterable[SessionState]
    ) -> Timeline:
        """The timeline at `now` that knows the stored rows given, however old (the
        reports' history), and no others."""
        return cls(config, now, await load_cancellations(store), {s.key: s for s in states})

    # --- one session --------------------------------------------------------------------

    def window_closes(self, session: Session) -> dt.datetime:
        """When a session nobody started stops waiting for its host: START_LATE after its
        time, or when the next session's start window opens, whichever comes first."""
        closes = session.starts_at + START_LATE
        following = next(sessions_from(self.config, session.starts_at + dt.timedelta(seconds=1)), None)
        if following is not None:
            closes = min(closes, max(following.starts_at - START_EARLY, session.starts_at + dt.timedelta(minutes=1)))
        return closes

    def view(self, session: Session) -> SessionView:
        state = self.states.get(session.key)
        cancellation = self.cancels.of(session)
        phase = phase_of(session, self.now, state, cancellation, self.window_closes(session))
        return SessionView(session, phase, state, cancellation)

    def phase(self, session: Session) -> Phase:
        return self.view(session).phase

    def view_of_key(self, key: str) -> SessionView:
        return self.view(session_from_key(self.config, key))

    def started_before_cancel(self, sessions: Iterable[Session]) -> Session | None:
        """The first of `sessions` that a host has started and that so can't be cancelled
        any more: one running, or one started early, before its time. One that has taken
        place and ended is not in the way (cancelling it is refused as over)."""
        for session in sessions:
            phase = self.phase(session)
            if phase is Phase.RUNNING or (phase.held and session.starts_at > self.now):
                return session
        return None

    # --- which session -------------------------------------------------------------------

    def around(self) -> Iterator[SessionView]:
        """The sessions from those whose start window may still be open, in time order."""
        for session in sessions_from(self.config, self.now - START_LATE):
            yield self.view(session)

    def running(self) -> SessionView | None:
        """The session a host started and nobody ended yet (the latest started, should
        there be two)."""
        started = [s for s in self.states.values() if s.started_at is not None and s.ended_at is None]
        if not started:
            return None
        latest = max(started, key=lambda s: s.started_at or self.now)
        return self.view_of_key(latest.key)

    def waiting(self) -> SessionView | None:
        """The session whose time has come and that waits for its host."""
        for view in itertools.islice(self.around(), 8):
            if view.session.starts_at > self.now:
                return None
            if view.phase is Phase.WAITING:
                return view
        return None

    def current(self) -> SessionView | None:
        """The session people are in now: the running one, else the one waiting for its
        host. Check-ins, ✋ and `!late` go to it."""
        return self.running() or self.waiting()

    def startable(self) -> SessionView | None:
        """The session a host's `!start` means now (see `startable_session`)."""
        session = startable_session(self.config, self.now)
        return None if session is None else self.view(session)

    def just_over(self) -> SessionView | None:
        """The session of the hour when it is over already (ended, closed automatically,
        called off, or not started): its start window still holds now, so someone arriving
        late means it and is told what became of it."""
        view = self.startable()
        return view if view is not None and view.phase.over else None

    def ahead(self, *, include_current: bool = False) -> Iterator[SessionView]:
        """The sessions not over yet, in time order: those coming or cancelled ahead of their
        time; with `include_current`, first the one running or waiting for its host."""
        current = self.current()
        if include_current and current is not None:
            yield current
        end = self.now + LOOK_AHEAD
        for session in sessions_from(self.config, self.now + dt.timedelta(seconds=1)):
            if session.starts_at > end:
                return
            if current is not None and session.key == current.key:
                continue
            view = self.view(session)
            if not view.phase.over and not view.phase.held:
                yield view

    def next_held(self, slot: Slot | None = None) -> SessionView | None:
        """The next session (of `slot`, or of any) that is coming and not cancelled."""
        for view in self.ahead():
            if view.phase is Phase.COMING and (slot is None or view.session.slot == slot):
                return view
        return None

    def slots_ahead(self, max_cancelled: int) -> list[SlotAhead]:
        """Each configured slot's next held session, with the cancelled ones before it,
        however many there are (the nearest `max_cancelled` kept); by the time of the
        first session each shows."""
        found: dict[Slot, SlotAhead] = {}
        slots = set(self.config.conference.slots)
        cancelled: dict[Slot, list[SessionView]] = {slot: [] for slot in slots}
        for view in self.ahead():
            slot = view.session.slot
            if slot in found or slot not in slots:
                continue
            if view.phase.cancelled:
                if len(cancelled[slot]) < max_cancelled:
                    cancelled[slot].append(view)
                continue
            found[slot] = SlotAhead(slot, tuple(cancelled[slot]), view)
            if len(found) == len(slots):
                break
        for slot in slots - found.keys():
            if cancelled[slot]:
                found[slot] = SlotAhead(slot, tuple(cancelled[slot]), None)
        shown = [a for a in found.values() if a.first is not None]
        return sorted(shown, key=lambda a: a.first.session.starts_at if a.first else self.now)

    def meant(self, usual: Slot | Collection[Slot] | None) -> SessionView | None:
        """The session someone means who says nothing more (`!late`): the running one or
        the one waiting for its host, else the next held session of the slot(s) they
        usually come to (`usual`), else the next held session."""
        current = self.current()
        if current is not None:
            return current
        slots = (usual,) if isinstance(usual, Slot) else tuple(usual or ())
        mine = [view for view in (self.next_held(slot) for slot in slots) if view is not None]
        if mine:
            return min(mine, key=lambda view: view.session.starts_at)
        return self.next_held()

    def next_at(self, time: dt.time, zone: str | None) -> SessionView | None:
        """The session someone means by a time alone (`!late 17:00`): the first one at
        `time` in `zone` (None: UTC) that is neither over nor cancelled: the current one,
        or the next day there is a session at that time."""
        for view in self.ahead(include_current=True):
            if view.phase is not Phase.CANCELLED and local_time(view.session.starts_at, zone or "UTC").time() == time:
                return view
        return None

    def to_host(self) -> SessionView | None:
        """The session `!host` (without a date) means: the first not cancelled that no host
        has started and whose time has not passed: waiting for its host, or coming."""
        for view in itertools.islice(self.around(), 800):
            if view.phase in (Phase.WAITING, Phase.COMING):
                return view
        return None
