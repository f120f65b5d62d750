"""Sessions as stored: which one is running, who volunteered to host, who came, where its
thread is in each room, and the summary at its end."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import aiosqlite

from bot.core import privacy, reactions
from bot.core.clock import iso, parse_iso
from bot.core.config import Config
from bot.core.dispatcher import Services
from bot.core.model import Anchor
from bot.features.people.repository import name_of
from bot.features.schedule.repository import (
    Cancellations,
    Session,
    load_cancellations,
    next_held_sessions,
    session_from_key,
    sessions_between,
)
from bot.features.sessions.chart import Series
from bot.features.topics.model import Topic
from bot.features.topics.repository import discussed_in
from bot.storage.store import Store

# A session can be started from 30 minutes before its slot time to 2 hours after it.
START_EARLY = dt.timedelta(minutes=30)
START_LATE = dt.timedelta(hours=2)
# A session nobody ended is closed this long after it was started.
AUTO_CLOSE_AFTER = dt.timedelta(hours=3)
CHECK_IN_REACTION = "✋"


class CheckInVia(StrEnum):
    """How someone checked in (`attendance.via`): by `!here`, by reacting ✋ to the
    session's announcement or start message, or by starting it as its host."""

    COMMAND = "command"
    REACTION = "reaction"
    HOST = "host"


@dataclass(frozen=True)
class SessionState:
    key: str
    started_by: str | None
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    ended_by: str | None
    auto_ended: bool

    @property
    def running(self) -> bool:
        return self.started_at is not None and self.ended_at is None


class StartRefused(Exception):
    """Why a session cannot be started; `state` is the session as stored."""

    def __init__(self, state: SessionState):
        super().__init__(state.key)
        self.state = state


class AlreadyRunning(StartRefused):
    pass


class AlreadyEnded(StartRefused):
    pass


class OtherRunning(StartRefused):
    """Another session is still running (nobody ended it, and it is not 3 h old yet)."""


def _when(text: str | None) -> dt.datetime | None:
    return parse_iso(text) if text else None


def _state(row: aiosqlite.Row) -> SessionState:
    return SessionState(
        key=row["key"],
        started_by=row["started_by"],
        started_at=_when(row["started_at"]),
        ended_at=_when(row["ended_at"]),
        ended_by=row["ended_by"],
        auto_ended=bool(row["auto_ended"]),
    )


_STATE = "SELECT key, started_by, started_at, ended_at, ended_by, auto_ended FROM sessions"


async def running_session(store: Store) -> str | None:
    """The key of the session started and not yet ended, if any."""
    key: str | None = await store.fetchval(
        "SELECT key FROM sessions WHERE started_at IS NOT NULL AND ended_at IS NULL ORDER BY started_at DESC LIMIT 1"
    )
    return key


async def running_sessions(store: Store) -> list[SessionState]:
    rows = await store.fetchall(f"{_STATE} WHERE started_at IS NOT NULL AND ended_at IS NULL ORDER BY started_at")
    return [_state(r) for r in rows]


async def state_of(store: Store, key: str) -> SessionState | None:
    row = await store.fetchone(f"{_STATE} WHERE key = ?", (key,))
    return _state(row) if row else None


async def started_before_cancel(store: Store, affected: Iterable[Session], now: dt.datetime) -> Session | None:
    """The first of `affected` that a host has started and that so can't be cancelled any
    more: one running, or one started early, before its time. One that has taken place
    and ended is not in the way (cancelling it is refused as over)."""
    for session in affected:
        state = await state_of(store, session.key)
        if state is not None and state.started_at is not None and (state.running or session.starts_at > now):
            return session
    return None


def startable_session(config: Config, now: dt.datetime) -> Session | None:
    """The session whose start window (30 min before to 2 h after) holds `now`; the
    nearest one if two windows overlap."""
    candidates = sessions_between(config, now - START_LATE, now + START_EARLY + dt.timedelta(seconds=1))
    return min(candidates, key=lambda s: abs(s.starts_at - now), default=None)


async def awaiting_host(store: Store, config: Config, now: dt.datetime) -> Session | None:
    """The session whose time has come but that no host has started yet: from its start
    time until it is started, or its start window closes (START_LATE after its start, or
    earlier when a nearer session's window takes over). Not a cancelled one."""
    session = startable_session(config, now)
    if session is None or session.starts_at > now:
        return None
    if (await load_cancellations(store)).of(session) is not None:
        return None
    state = await state_of(store, session.key)
    return session if state is None or state.started_at is None else None


def start_opens(config: Config, cancels: Cancellations, now: dt.datetime) -> Session | None:
    """The next session not cancelled whose start window has not opened yet."""
    following = next_held_sessions(config, cancels, now + START_EARLY, 1)
    return following[0] if following else None


async def start_session(store: Store, session: Session, user_id: str, now: dt.datetime) -> SessionState:
    """Mark `session` started by `user_id`, who counts as present, as does everyone who
    reacted ✋ to its announcement before it started; who checked in while waiting for
    the host stays checked in. Raises a StartRefused."""

    async def start(db: aiosqlite.Connection) -> None:
        cursor = await db.execute(
            f"{_STATE} WHERE started_at IS NOT NULL AND ended_at IS NULL AND key != ?", (session.key,)
        )
        other = await cursor.fetchone()
        if other is not None:
            raise OtherRunning(_state(other))
        await db.execute(
            "INSERT OR IGNORE INTO sessions (key, starts_at) VALUES (?, ?)", (session.key, iso(session.starts_at))
        )
        row = await (await db.execute(f"{_STATE} WHERE key = ?", (session.key,))).fetchone()
        assert row is not None  # inserted just above, in this transaction
        state = _state(row)
        if state.ended_at is not None:
            raise AlreadyEnded(state)
        if state.started_at is not None:
            raise AlreadyRunning(state)
        await db.execute(
            "UPDATE sessions SET started_by = ?, started_at = ? WHERE key = ?", (user_id, iso(now), session.key)
        )
        # A host who raised a hand while waiting is present as the host, not by the hand.
        await db.execute(
            "INSERT INTO attendance (session, user_id, checked_in_at, via) VALUES (?, ?, ?, 'host') "
            "ON CONFLICT (session, user_id) DO UPDATE SET via = 'host' WHERE via = 'reaction'",
            (session.key, user_id, iso(now)),
        )
        await db.executemany(
            "INSERT OR IGNORE INTO attendance (session, user_id, checked_in_at, via) VALUES (?, ?, ?, 'reaction')",
            [
                (session.key, raised, iso(now))
                for raised in await reactions.reacted_with(db, Anchor("session", session.key), CHECK_IN_REACTION)
            ],
        )

    await store.transaction(start)
    return SessionState(session.key, user_id, now.replace(microsecond=0), None, None, False)


async def reopen_session(store: Store, key: str) -> SessionState:
    """Clear the end of session `key`, ended by mistake: it runs again as it was, started
    by the same person at the same time, with its check-ins and discussed topics. Raises
    OtherRunning if another session runs meanwhile, AlreadyRunning if it never ended."""

    async def reopen(db: aiosqlite.Connection) -> SessionState:
        cursor = await db.execute(f"{_STATE} WHERE started_at IS NOT NULL AND ended_at IS NULL AND key != ?", (key,))
        other = await cursor.fetchone()
        if other is not None:
            raise OtherRunning(_state(other))
        row = await (await db.execute(f"{_STATE} WHERE key = ?", (key,))).fetchone()
        if row is None or row["started_at"] is None:
            raise ValueError(f"session {key} was never started")
        state = _state(row)
        if state.ended_at is None:
            raise AlreadyRunning(state)
        await db.execute("UPDATE sessions SET ended_at = NULL, ended_by = NULL, auto_ended = 0 WHERE key = ?", (key,))
        return state

    return await store.transaction(reopen)


async def end_session(store: Store, key: str, by: str | None, at: dt.datetime, auto: bool = False) -> bool:
    """False if the session was not running (ended meanwhile, or never started)."""
    return await store.transaction(lambda db: close_session(db, key, by, at, auto=auto))


async def close_session(
    db: aiosqlite.Connection, key: str, by: str | None, at: dt.datetime, *, auto: bool = False
) -> bool:
    """End session `key` inside the caller's transaction (`!end`, or the automatic close
    with `auto` and nobody as `by`); False if it was not running."""
    cursor = await db.execute(
        "UPDATE sessions SET ended_at = ?, ended_by = ?, auto_ended = ? "
        "WHERE key = ? AND started_at IS NOT NULL AND ended_at IS NULL",
        (iso(at), by, int(auto), key),
    )
    return bool(cursor.rowcount)


# --- people -------------------------------------------------------------------------


async def check_in(store: Store, key: str, user_id: str, at: dt.datetime, via: CheckInVia) -> bool:
    """False if already checked in. A check-in by command over one a ✋ made takes it
    over, so taking the ✋ back no longer undoes it."""

    async def check(db: aiosqlite.Connection) -> bool:
        cursor = await db.execute(
            "INSERT OR IGNORE INTO attendance (session, user_id, checked_in_at, via) VALUES (?, ?, ?, ?)",
            (key, user_id, iso(at), via),
        )
        if cursor.rowcount:
            return True
        if via != CheckInVia.REACTION:
            await db.execute(
                "UPDATE attendance SET via = ? WHERE session = ? AND user_id = ? AND via = 'reaction'",
                (via, key, user_id),
            )
        return False

    return await store.transaction(check)


async def undo_reaction_check_in(store: Store, key: str, user_id: str) -> bool:
    """Taking back a ✋ takes back the check-in it made (not one made by command)."""
    return bool(
        await store.execute(
            "DELETE FROM attendance WHERE session = ? AND user_id = ? AND via = 'reaction'", (key, user_id)
        )
    )


async def attendees(store: Store, key: str) -> list[str]:
    rows = await store.fetchall(
        "SELECT user_id FROM attendance WHERE session = ? ORDER BY checked_in_at, rowid", (key,)
    )
    return [r[0] for r in rows]


async def volunteer(store: Store, key: str, user_id: str, at: dt.datetime) -> bool:
    """False if already volunteered."""
    return bool(
        await store.execute(
            "INSERT OR IGNORE INTO volunteers (session, user_id, at) VALUES (?, ?, ?)", (key, user_id, iso(at))
        )
    )


async def withdraw_volunteer(store: Store, key: str, user_id: str) -> bool:
    """False if `user_id` had not volunteered for that session."""
    return bool(await store.execute("DELETE FROM volunteers WHERE session = ? AND user_id = ?", (key, user_id)))


async def offers_of(store: Store, user_id: str) -> list[str]:
    """The sessions `user_id` volunteered to host, by key (so by date)."""
    rows = await store.fetchall("SELECT session FROM volunteers WHERE user_id = ? ORDER BY session", (user_id,))
    return [r[0] for r in rows]


async def volunteers_of(store: Store, key: str) -> list[str]:
    rows = await store.fetchall("SELECT user_id FROM volunteers WHERE session = ? ORDER BY at, rowid", (key,))
    return [r[0] for r in rows]


@dataclass(frozen=True)
class LateComer:
    """A note left with `!late`: who (their name) and what they said, perhaps nothing."""

    name: str
    note: str


async def note_late(store: Store, key: str, user_id: str, note: str, at: dt.datetime) -> None:
    """Remember that `user_id` will come late to session `key`; a second note replaces the first."""
    await store.execute(
        "INSERT INTO late_notes (session, user_id, note, at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (session, user_id) DO UPDATE SET note = excluded.note, at = excluded.at",
        (key, user_id, note, iso(at)),
    )


async def late_comers(store: Store, key: str) -> list[LateComer]:
    """The notes left with `!late` for session `key`, oldest first, of those still to come:
    who has checked in since is present, not late."""
    rows = await store.fetchall(
        "SELECT user_id, note FROM late_notes l WHERE session = ? AND NOT EXISTS "
        "(SELECT 1 FROM attendance a WHERE a.session = l.session AND a.user_id = l.user_id) ORDER BY at, rowid",
        (key,),
    )
    return [LateComer(await name_of(store, r["user_id"]), r["note"]) for r in rows]


@dataclass(frozen=True)
class Person:
    """Someone as a message shows them: the user id (to mention them) and their name."""

    user_id: str
    name: str


async def people(store: Store, user_ids: Iterable[str]) -> list[Person]:
    return [Person(user_id, await name_of(store, user_id)) for user_id in user_ids]


async def is_volunteer_host(services: Services, user_id: str) -> bool:
    """Host check: a volunteer hosts the session they volunteered for, while it runs or
    while its start window is open."""
    mine = {r[0] for r in await services.store.fetchall("SELECT session FROM volunteers WHERE user_id = ?", (user_id,))}
    if not mine:
        return False
    running = await running_session(services.store)
    if running in mine:
        return True
    current = startable_session(services.config, services.clock.now())
    return current is not None and current.key in mine


async def may_host(services: Services, user_id: str, key: str, room_id: str | None) -> bool:
    """Configured hosts and organisers host every session; a volunteer only theirs."""
    if services.is_organiser(user_id, room_id) or user_id in services.config.roles.hosts:
        return True
    return bool(
        await services.store.fetchval("SELECT 1 FROM volunteers WHERE session = ? AND user_id = ?", (key, user_id))
    )


async def may_end(services: Services, user_id: str, key: str, room_id: str | None) -> bool:
    """Whoever started the session, a configured host or an organiser: a volunteer who
    did not start it cannot close it (volunteering needs nobody's approval)."""
    if services.is_organiser(user_id, room_id) or user_id in services.config.roles.hosts:
        return True
    state = await state_of(services.store, key)
    return state is not None and state.started_by == user_id


async def hosts_running(services: Services, user_id: str, room_id: str | None) -> bool:
    """Whether `user_id` hosts the session running now: started it, is a configured host
    or an organiser, or volunteered for that very session (not for another one whose
    start window happens to be open). False when no session runs."""
    key = await running_session(services.store)
    if key is None:
        return False
    if await may_host(services, user_id, key, room_id):
        return True
    state = await state_of(services.store, key)
    return state is not None and state.started_by == user_id


# --- the session thread in each room ------------------------------------------------


async def thread_root(store: Store, key: str, room_id: str) -> str | None:
    """The event the session's thread hangs from in a room: the `0m` announcement, or
    else the first start message the bot anchored to the session there."""
    root: str | None = await store.fetchval(
        "SELECT event_id FROM session_threads WHERE session = ? AND room_id = ?", (key, room_id)
    )
    if root is None:
        root = await reactions.first_anchored(store, Anchor("session", key), room_id)
    return root


async def set_thread_root(store: Store, key: str, room_id: str, event_id: str) -> None:
    await store.execute(
        "INSERT OR IGNORE INTO session_threads (session, room_id, event_id) VALUES (?, ?, ?)",
        (key, room_id, event_id),
    )


# --- the summary --------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """What a session was, for the message at its end: when it ran, who came, what was
    discussed. `started_at` is None for a session never started (and the lists empty);
    `ended_at` is now for one still running."""

    key: str
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    auto_ended: bool
    present: list[Attendee]  # in the order they checked in
    late: list[LateComer]  # who said they would come later and did not check in
    discussed: list[Topic]


@dataclass(frozen=True)
class Attendee:
    """Someone who checked in: their name, and whether they had said with `!late` that
    they would come later and checked in after the session started."""

    name: str
    arrived_late: bool = False


async def summary_of(store: Store, key: str, now: dt.datetime) -> Summary:
    state = await state_of(store, key)
    if state is None or state.started_at is None:
        return Summary(key, None, None, False, [], [], [])
    return Summary(
        key=key,
        started_at=state.started_at,
        ended_at=state.ended_at or now,
        auto_ended=state.auto_ended,
        present=await _present(store, key, state.started_at),
        late=await late_comers(store, key),
        discussed=await discussed_in(store, key),
    )


async def _present(store: Store, key: str, started_at: dt.datetime) -> list[Attendee]:
    rows = await store.fetchall(
        "SELECT a.user_id, a.checked_in_at, l.user_id IS NOT NULL AS said_late FROM attendance a "
        "LEFT JOIN late_notes l ON l.session = a.session AND l.user_id = a.user_id "
        "WHERE a.session = ? ORDER BY a.checked_in_at, a.rowid",
        (key,),
    )
    return [
        Attendee(
            await name_of(store, r["user_id"]), bool(r["said_late"]) and parse_iso(r["checked_in_at"]) > started_at
        )
        for r in rows
    ]


# --- statistics ---------------------------------------------------------------------


@dataclass(frozen=True)
class Turnout:
    key: str
    starts_at: dt.datetime
    present: int


async def turnout(store: Store, since: dt.datetime, until: dt.datetime) -> list[Turnout]:
    """Sessions held (started) with starts_at in [since, until], oldest first, with the
    number of people checked in."""
    rows = await store.fetchall(
        "SELECT s.key, s.starts_at, COUNT(a.user_id) AS present FROM sessions s "
        "LEFT JOIN attendance a ON a.session = s.key "
        "WHERE s.started_at IS NOT NULL AND s.starts_at >= ? AND s.starts_at <= ? "
        "GROUP BY s.key ORDER BY s.starts_at",
        (iso(since), iso(until)),
    )
    return [Turnout(r["key"], parse_iso(r["starts_at"]), r["present"]) for r in rows]


def attendance_series(config: Config, held: Sequence[Turnout]) -> Series:
    """The chart's lines: one per slot, a point per session held, a gap (None) for each
    week of that slot not held."""
    series: Series = {}
    for t in held:
        points = series.setdefault(str(session_from_key(config, t.key).slot), [])
        day = dt.date.fromisoformat(t.key[:10])
        if points:
            # A week of that slot not held is a gap in its line, not a line across it.
            missed = dt.date.fromisoformat(points[-1][0]) + dt.timedelta(weeks=1)
            for week in range((day - missed).days // 7):
                points.append((str(missed + dt.timedelta(weeks=week)), None))
        points.append((t.key[:10], t.present))
    return series


@dataclass(frozen=True)
class CheckIn:
    user_id: str
    at: dt.datetime


@dataclass(frozen=True)
class Attended:
    """A session as stored, with its check-ins in the order they came."""

    state: SessionState
    check_ins: tuple[CheckIn, ...]


async def attendance_history(store: Store) -> list[Attended]:
    """Every session the database holds (started or not), by start time, with who checked in."""
    rows = await store.fetchall(
        "SELECT s.key, s.started_by, s.started_at, s.ended_at, s.ended_by, s.auto_ended, a.user_id, a.checked_in_at "
        "FROM sessions s LEFT JOIN attendance a ON a.session = s.key "
        "ORDER BY s.starts_at, s.key, a.checked_in_at, a.rowid"
    )
    held: list[Attended] = []
    for _, group in itertools.groupby(rows, key=lambda r: r["key"]):
        found = list(group)
        check_ins = tuple(
            CheckIn(r["user_id"], parse_iso(r["checked_in_at"])) for r in found if r["user_id"] is not None
        )
        held.append(Attended(_state(found[0]), check_ins))
    return held


async def count_held(store: Store) -> int:
    """How many sessions were held (started), `ccc-bot status`."""
    return int(await store.fetchval("SELECT COUNT(*) FROM sessions WHERE started_at IS NOT NULL"))


# --- !mydata and !forgetme ------------------------------------------------------------


async def _collect_person(store: Store, user_id: str) -> dict[str, Any]:
    hosted = await privacy.rows(
        store,
        "SELECT key AS session, started_by = ?1 AS started, started_at, ended_by = ?1 AS ended, ended_at "
        "FROM sessions WHERE started_by = ?1 OR ended_by = ?1 ORDER BY starts_at",
        user_id,
    )
    for session in hosted:  # SQLite answers 0/1
        session["started"], session["ended"] = bool(session["started"]), bool(session["ended"])
    return {
        "check_ins": await privacy.rows(
            store,
            "SELECT session, checked_in_at, via FROM attendance WHERE user_id = ? ORDER BY checked_in_at, session",
            user_id,
        ),
        "volunteering": await privacy.rows(
            store, "SELECT session, at FROM volunteers WHERE user_id = ? ORDER BY at, session", user_id
        ),
        "late_notes": await privacy.rows(
            store, "SELECT session, note, at FROM late_notes WHERE user_id = ? ORDER BY at, session", user_id
        ),
        "sessions_started_or_ended": hosted,
    }


async def _erase_person(db: aiosqlite.Connection, who: privacy.Erasing) -> dict[str, Any]:
    """Check-ins, offers to host and late notes go; the sessions a person started or
    ended stay, with nobody named."""

    async def run(sql: str) -> int:
        return (await db.execute(sql, (who.user_id,))).rowcount

    return {
        "check_ins": await run("DELETE FROM attendance WHERE user_id = ?"),
        "volunteering": await run("DELETE FROM volunteers WHERE user_id = ?"),
        "late_notes": await run("DELETE FROM late_notes WHERE user_id = ?"),
        "sessions": await run(
            "UPDATE sessions SET started_by = CASE WHEN started_by = ?1 THEN NULL ELSE started_by END, "
            "ended_by = CASE WHEN ended_by = ?1 THEN NULL ELSE ended_by END "
            "WHERE started_by = ?1 OR ended_by = ?1"
        ),
    }


privacy.register(
    "sessions",
    _collect_person,
    _erase_person,
    holds=(
        privacy.Column("attendance", "user_id"),
        privacy.Column("volunteers", "user_id"),
        privacy.Column("late_notes", "user_id"),
        privacy.Column("sessions", "started_by"),
        privacy.Column("sessions", "ended_by"),
    ),
)
