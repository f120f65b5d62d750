"""Sessions as stored, the feature's SQL and row types: each session's row (started,
ended, by whom), who volunteered to host, who checked in and who said they would come
late, where its thread hangs in each room, and the history of who came. The rules are
in the modules named for them (see `__init__.py`); what `!mydata` and `!forgetme` find
of a person is in privacy.py, registered with this module, so that whatever uses the
tables has it."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from enum import StrEnum

import aiosqlite

from bot.core import reactions
from bot.core.clock import iso, parse_iso
from bot.core.model import Anchor
from bot.features.people.names import name_of
from bot.features.schedule.weekly_sessions import Session
from bot.features.sessions import privacy  # noqa: F401 (registers the sessions' part of !mydata)
from bot.storage.store import Store

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


async def states_since(store: Store, since: str) -> list[SessionState]:
    """The rows of the sessions starting at or after `since` (ISO, UTC), and of any still running."""
    rows = await store.fetchall(
        f"{_STATE} WHERE starts_at >= ? OR (started_at IS NOT NULL AND ended_at IS NULL) ORDER BY starts_at",
        (since,),
    )
    return [_state(r) for r in rows]


async def last_check_in(store: Store, user_id: str) -> str | None:
    """The key of the latest session `user_id` checked in to, if any."""
    key: str | None = await store.fetchval(
        "SELECT session FROM attendance WHERE user_id = ? ORDER BY checked_in_at DESC, rowid DESC LIMIT 1", (user_id,)
    )
    return key


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


# --- check-ins and volunteers ----------------------------------------------------


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


async def volunteered_for(store: Store, user_id: str) -> set[str]:
    """The keys of every session `user_id` volunteered to host."""
    return {r[0] for r in await store.fetchall("SELECT session FROM volunteers WHERE user_id = ?", (user_id,))}


async def has_volunteered(store: Store, key: str, user_id: str) -> bool:
    return bool(await store.fetchval("SELECT 1 FROM volunteers WHERE session = ? AND user_id = ?", (key, user_id)))


async def volunteers_of(store: Store, key: str) -> list[str]:
    rows = await store.fetchall("SELECT user_id FROM volunteers WHERE session = ? ORDER BY at, rowid", (key,))
    return [r[0] for r in rows]


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
class Attendee:
    """Someone who checked in: their name, and whether they had said with `!late` that
    they would come later and checked in after the session started."""

    name: str
    arrived_late: bool = False


async def present(store: Store, key: str, started_at: dt.datetime) -> list[Attendee]:
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


# --- the history: every session a host started or someone checked in to ---------------


@dataclass(frozen=True)
class CheckIn:
    user_id: str
    at: dt.datetime


@dataclass(frozen=True)
class Attended:
    """A session as stored: its row (None for one no host started: check-ins while it
    waited for its host are all there is of it), and its check-ins in the order they came."""

    key: str
    state: SessionState | None
    check_ins: tuple[CheckIn, ...]


async def attendance_history(store: Store, since: str = "") -> list[Attended]:
    """Every session a host started or someone checked in to, named `since` or later
    (a session key, local time), by key (so by time), with who checked in."""
    rows = await store.fetchall(
        "SELECT k.key, s.key IS NOT NULL AS stored, s.started_by, s.started_at, s.ended_at, s.ended_by, "
        "s.auto_ended, a.user_id, a.checked_in_at "
        "FROM (SELECT key FROM sessions WHERE key >= ?1 UNION SELECT session FROM attendance WHERE session >= ?1) k "
        "LEFT JOIN sessions s ON s.key = k.key LEFT JOIN attendance a ON a.session = k.key "
        "ORDER BY k.key, a.checked_in_at, a.rowid",
        (since,),
    )
    history: list[Attended] = []
    for key, group in itertools.groupby(rows, key=lambda r: r["key"]):
        found = list(group)
        check_ins = tuple(
            CheckIn(r["user_id"], parse_iso(r["checked_in_at"])) for r in found if r["user_id"] is not None
        )
        history.append(Attended(key, _state(found[0]) if found[0]["stored"] else None, check_ins))
    return history
