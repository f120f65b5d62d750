"""Marking topics discussed in a session (!discussed, with a note) and undoing it
(!undiscussed)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import aiosqlite

from bot.core.clock import iso
from bot.features.topics.model import NotDiscussedHere, NotOpen, Topic, TopicStatus
from bot.features.topics.repository import require_topic
from bot.storage.store import Store


@dataclass(frozen=True)
class Marked:
    topic: Topic  # as it is now
    again: bool  # it was already marked in this session: only the note changed
    old_note: str | None  # the note it had before


async def mark_discussed(
    store: Store,
    now: dt.datetime,
    topic_id: int,
    session: str,
    note: str | None,
    *,
    replace_note: bool = True,
    minutes: int | None = None,
) -> Marked:
    """Mark an open topic discussed in `session`, with an optional note and the minutes it
    was discussed for (when it had a timebox). Marked again in the same session, its note
    is replaced by `note` (none: the note goes) when `replace_note`, else left as it is. A
    topic discussed in another session, withdrawn or imported raises NotOpen."""
    topic = await require_topic(store, topic_id)
    if topic.status == TopicStatus.DISCUSSED and topic.session == session:
        if not replace_note:
            return Marked(topic, True, topic.note)
        await store.execute(
            "UPDATE topics SET note = ? WHERE id = ? AND status = 'discussed' AND session = ?",
            (note or None, topic_id, session),
        )
        return Marked(await require_topic(store, topic_id), True, topic.note)
    if not topic.is_open:
        raise NotOpen(topic)
    await store.execute(
        "UPDATE topics SET status = 'discussed', session = ?, note = ?, discussed_at = ?, minutes = ? "
        "WHERE id = ? AND status = 'open'",
        (session, note or None, iso(now), minutes, topic_id),
    )
    return Marked(await require_topic(store, topic_id), False, None)


async def mark_in(db: aiosqlite.Connection, now: dt.datetime, topic_id: int, session: str, minutes: int) -> bool:
    """Mark an open topic discussed in `session` with its minutes, inside the caller's
    transaction (a Lean Coffee timebox ending); False when it is no longer open."""
    cursor = await db.execute(
        "UPDATE topics SET status = 'discussed', session = ?, discussed_at = ?, minutes = ? "
        "WHERE id = ? AND status = 'open'",
        (session, iso(now), minutes, topic_id),
    )
    return bool(cursor.rowcount)


async def unmark_discussed(store: Store, topic_id: int, session: str) -> Topic:
    """Undo marking a topic discussed in `session` (the running one): it is open again,
    with its votes, which were never taken away. Raises NotDiscussedHere otherwise."""
    changed = await store.execute(
        "UPDATE topics SET status = 'open', session = NULL, note = NULL, discussed_at = NULL, minutes = NULL "
        "WHERE id = ? AND status = 'discussed' AND session = ?",
        (topic_id, session),
    )
    topic = await require_topic(store, topic_id)
    if not changed:
        raise NotDiscussedHere(topic, session)
    return topic
