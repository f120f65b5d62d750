"""What `!mydata` and `!forgetme` find of a person in the sessions' tables: check-ins,
offers to host and late notes (erased), and the sessions they started or ended (kept,
with nobody named). Registered when repository.py is imported."""

from __future__ import annotations

from typing import Any

import aiosqlite

from bot.core import privacy
from bot.storage.store import Store


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
