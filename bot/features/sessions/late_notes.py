"""The `late_notes` table: who said with `!late` that they would come later to a session,
and what they said. The only SQL touching it beside the summary's join in repository.py."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from bot.core.clock import iso
from bot.features.people.names import name_of
from bot.storage.store import Store


@dataclass(frozen=True)
class LateComer:
    """A note left with `!late`: who (their name) and what they said, perhaps nothing."""

    name: str
    note: str


async def note_late(store: Store, key: str, user_id: str, note: str, at: dt.datetime) -> str | None:
    """Remember that `user_id` will come late to session `key`; a second note replaces the
    first, which is returned (None if there was none)."""

    def upsert(db: sqlite3.Connection) -> str | None:
        old = db.execute("SELECT note FROM late_notes WHERE session = ? AND user_id = ?", (key, user_id)).fetchone()
        db.execute(
            "INSERT INTO late_notes (session, user_id, note, at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (session, user_id) DO UPDATE SET note = excluded.note, at = excluded.at",
            (key, user_id, note, iso(at)),
        )
        return None if old is None else str(old[0])

    return await store.run(upsert, write=True)


async def withdraw_late(store: Store, key: str, user_id: str) -> str | None:
    """Forget `user_id`'s note for session `key`: the note withdrawn, None if there was none."""
    sql = "DELETE FROM late_notes WHERE session = ? AND user_id = ? RETURNING note"
    rows = await store.run(lambda db: db.execute(sql, (key, user_id)).fetchall(), write=True)
    return str(rows[0][0]) if rows else None


async def late_notes_of(store: Store, user_id: str) -> dict[str, str]:
    """`user_id`'s notes by session, in the sessions' order."""
    rows = await store.fetchall("SELECT session, note FROM late_notes WHERE user_id = ? ORDER BY session", (user_id,))
    return {r["session"]: r["note"] for r in rows}


async def late_comers(store: Store, key: str) -> list[LateComer]:
    """The notes left with `!late` for session `key`, oldest first, of those still to come:
    who has checked in since is present, not late."""
    rows = await store.fetchall(
        "SELECT user_id, note FROM late_notes l WHERE session = ? AND NOT EXISTS "
        "(SELECT 1 FROM attendance a WHERE a.session = l.session AND a.user_id = l.user_id) ORDER BY at, rowid",
        (key,),
    )
    return [LateComer(await name_of(store, r["user_id"]), r["note"]) for r in rows]
