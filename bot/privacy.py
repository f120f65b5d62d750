"""What the bot stores about a person (`!mydata`), and erasing it (`!forgetme`).

Erasure needs a confirmation within CONFIRM_WINDOW; the pending request is a row in the
`meta` table (`forgetme:<user id>` = when it was asked), which the erasure removes too.
Topics stay, unattributed: the community's history is not personal data, who suggested it is.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from bot import inbox, topics
from bot.clock import iso, parse_iso
from bot.storage import Store, delete_meta, delete_meta_below, read_meta, write_meta

CONFIRM_WINDOW = dt.timedelta(minutes=10)
SCHEMA_VERSION = 1


def _pending_key(user_id: str) -> str:
    return f"forgetme:{user_id}"


def _dm_key(user_id: str) -> str:
    # Where the Matrix adapter keeps the direct-message room it opened with the user.
    return f"dm:{user_id}"


# --- collecting -------------------------------------------------------------------------


async def collect(store: Store, user_id: str) -> dict[str, Any]:
    """Everything stored about `user_id`, as one JSON-ready document."""
    profile = await store.fetchone("SELECT timezone, display_name FROM users WHERE user_id = ?", (user_id,))

    async def rows(sql: str) -> list[dict[str, Any]]:
        return [dict(r) for r in await store.fetchall(sql, (user_id,))]

    hosted = await rows(
        "SELECT key AS session, started_by = ?1 AS started, started_at, ended_by = ?1 AS ended, ended_at "
        "FROM sessions WHERE started_by = ?1 OR ended_by = ?1 ORDER BY starts_at"
    )
    for session in hosted:  # SQLite answers 0/1
        session["started"], session["ended"] = bool(session["started"]), bool(session["ended"])
    return {
        "schema_version": SCHEMA_VERSION,
        "user_id": user_id,
        "timezone": profile["timezone"] if profile else None,
        "display_name": profile["display_name"] if profile else None,
        "suggestions": await rows(
            "SELECT id AS number, text, suggested_name, suggested_at, status, session FROM topics "
            "WHERE suggested_by = ? ORDER BY id"
        ),
        "held_suggestions": await rows(
            "SELECT text, held_at FROM held_suggestions WHERE user_id = ? ORDER BY held_at, text"
        ),
        "votes": await rows(
            "SELECT v.topic_id AS topic, t.text, v.voted_at FROM votes v JOIN topics t ON t.id = v.topic_id "
            "WHERE v.user_id = ? ORDER BY v.voted_at, v.topic_id"
        ),
        "check_ins": await rows(
            "SELECT session, checked_in_at, via FROM attendance WHERE user_id = ? ORDER BY checked_in_at, session"
        ),
        "volunteering": await rows("SELECT session, at FROM volunteers WHERE user_id = ? ORDER BY at, session"),
        "late_notes": await rows("SELECT session, note, at FROM late_notes WHERE user_id = ? ORDER BY at, session"),
        "reactions": await rows("SELECT event_id, target, key FROM reactions WHERE user_id = ? ORDER BY rowid"),
        "sessions_started_or_ended": hosted,
        "cancellations": await rows(
            "SELECT target, reason, cancelled_at FROM cancellations WHERE cancelled_by = ? ORDER BY cancelled_at"
        ),
        "messages_received": await _messages(store, user_id),
        "direct_message_room": await store.get_meta(_dm_key(user_id)),
        "erasure_requested_at": await store.get_meta(_pending_key(user_id)),
    }


async def _messages(store: Store, user_id: str) -> list[dict[str, Any]]:
    """The bot's record of the events it handled from the user (commands, reactions)."""
    return [
        {
            "event_id": e.event_id,
            "room_id": e.room_id,
            "kind": e.kind,
            "at": iso(e.at) if e.at is not None else e.received_at,
            **e.fields,
        }
        for e in await inbox.handled_from(store, user_id)
    ]


def is_empty(document: dict[str, Any]) -> bool:
    """Nothing about the person is stored (their user ID alone is what was asked about)."""
    return not any(v for k, v in document.items() if k not in ("schema_version", "user_id"))


def as_json(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --- erasing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Erased:
    profile: tuple[str, ...]  # what the users row held: "time zone", "display name"
    votes: int
    check_ins: int
    volunteering: int
    late_notes: int
    reactions: int
    suggestions: int  # unattributed, not deleted
    sessions: int  # host records unattributed
    cancellations: int  # unattributed
    messages: int  # received commands blanked


class NoPendingRequest(Exception):
    """`!forgetme confirm` without a `!forgetme` in the last 10 minutes."""

    def __init__(self, expired: bool):
        super().__init__("expired" if expired else "not requested")
        self.expired = expired


async def request_erasure(store: Store, user_id: str, now: dt.datetime) -> None:
    async with store.transaction() as db:
        # Requests nobody confirmed are forgotten too.
        await delete_meta_below(db, _pending_key(""), iso(now - CONFIRM_WINDOW))
        await write_meta(db, _pending_key(user_id), iso(now))


async def erase(store: Store, user_id: str, now: dt.datetime, current_event: str | None = None) -> Erased:
    """Erase everything about `user_id` if they asked within CONFIRM_WINDOW, in one
    transaction; raises NoPendingRequest otherwise. `current_event` is the confirming
    command, blanked in the inbox with the ones handled before it."""
    async with store.transaction() as db:
        asked = await read_meta(db, _pending_key(user_id))
        # A request is good for one confirmation; a stale one goes too.
        await delete_meta(db, _pending_key(user_id))
        in_time = asked is not None and now - parse_iso(asked) <= CONFIRM_WINDOW
        if in_time:
            erased = await _erase(db, user_id, now, current_event)
    if not in_time:
        raise NoPendingRequest(expired=asked is not None)
    return erased


async def _erase(db, user_id: str, now: dt.datetime, current_event: str | None) -> Erased:
    async def run(sql: str, params: tuple = (user_id,)) -> int:
        return (await db.execute(sql, params)).rowcount

    # The hourly suggestion limit must not restart with a forgotten person: it keeps their
    # last hour of suggestions under a keyed hash of their id, for that hour only.
    key = await read_meta(db, "rate_mark_key")
    since = iso(now - topics.RATE_WINDOW)
    await db.execute("DELETE FROM rate_marks WHERE at <= ?", (since,))
    await db.execute(topics.RATE_MARKS_OF_RECENT, (topics.mark_with(key or "", user_id), user_id, since))

    await delete_meta(db, _dm_key(user_id))
    await db.execute("DELETE FROM held_suggestions WHERE user_id = ?", (user_id,))  # !suggest's, for 10 minutes
    user = await (await db.execute("SELECT timezone, display_name FROM users WHERE user_id = ?", (user_id,))).fetchone()
    await run("DELETE FROM users WHERE user_id = ?")
    return Erased(
        profile=tuple(label for label, value in zip(("time zone", "display name"), user or (), strict=False) if value),
        votes=await run("DELETE FROM votes WHERE user_id = ?"),
        check_ins=await run("DELETE FROM attendance WHERE user_id = ?"),
        volunteering=await run("DELETE FROM volunteers WHERE user_id = ?"),
        late_notes=await run("DELETE FROM late_notes WHERE user_id = ?"),
        reactions=await run("DELETE FROM reactions WHERE user_id = ?"),
        suggestions=await run("UPDATE topics SET suggested_by = NULL, suggested_name = NULL WHERE suggested_by = ?"),
        sessions=await _unattribute_sessions(db, user_id),
        # cancelled_by is NOT NULL: an empty string stands for nobody.
        cancellations=await run("UPDATE cancellations SET cancelled_by = '' WHERE cancelled_by = ?"),
        messages=await inbox.blank_from(db, user_id, current_event),
    )


async def _unattribute_sessions(db, user_id: str) -> int:
    cursor = await db.execute(
        "UPDATE sessions SET started_by = CASE WHEN started_by = ?1 THEN NULL ELSE started_by END, "
        "ended_by = CASE WHEN ended_by = ?1 THEN NULL ELSE ended_by END "
        "WHERE started_by = ?1 OR ended_by = ?1",
        (user_id,),
    )
    return cursor.rowcount
