"""The rules of the topic being discussed, as the hosts' commands change it: `!discuss`
starts a topic's timebox (closing the one before, with its minutes), `!timer` adds time or
stops the timebox, `!discussed` and `!end` close it. What happens when a timebox ends is
live.py's."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import aiosqlite

from bot.core.config import Config
from bot.features.lean_coffee import repository
from bot.features.lean_coffee.repository import Discussion
from bot.features.topics import discussed
from bot.features.topics.discussed import Marked
from bot.features.topics.model import NotOpen, Topic, TopicError
from bot.features.topics.repository import get_topic, require_topic, top_open_topics
from bot.storage.store import Store


class NothingToDiscuss(Exception):
    """No open topic is left to discuss."""


class AlreadyDiscussing(Exception):
    def __init__(self, discussion: Discussion, topic: Topic):
        super().__init__(f"#{topic.id} is being discussed")
        self.discussion, self.topic = discussion, topic


class NoDiscussion(Exception):
    """No topic is being discussed."""


def minutes_spent(started_at: dt.datetime, until: dt.datetime) -> int:
    """Whole minutes, rounded half up (as `!end`'s summary counts); a topic taken up counts
    at least one."""
    return max(1, int(((until - started_at).total_seconds() + 30) // 60))


@dataclass(frozen=True)
class Closed:
    """The discussion closed, its topic (as marked, or as it was when it could not be
    marked: withdrawn meanwhile) and its minutes."""

    discussion: Discussion
    topic: Topic | None
    minutes: int


@dataclass(frozen=True)
class Now:
    """The topic being discussed, and its discussion."""

    discussion: Discussion
    topic: Topic


async def now_discussed(store: Store) -> Now | None:
    found = await repository.current(store)
    if found is None:
        return None
    topic = await get_topic(store, found.topic_id)
    return None if topic is None else Now(found, topic)


async def next_topic(store: Store, besides: int | None = None) -> Topic | None:
    """The most-voted open topic, other than `besides` (the one being discussed)."""
    return next((t for t in await top_open_topics(store, 2) if t.id != besides), None)


async def discuss(
    store: Store, config: Config, now: dt.datetime, session: str, by: str, topic_id: int | None
) -> tuple[Now, Closed | None]:
    """Start discussing `topic_id` (None: the most-voted open topic) in `session` with a
    timebox of lean_coffee.timebox; the topic discussed before is closed first, with its
    minutes. Raises NothingToDiscuss, AlreadyDiscussing, or a TopicError (unknown, not open)."""
    current = await repository.current(store)
    if topic_id is None:
        topic = await next_topic(store, current.topic_id if current else None)
        if topic is None:
            raise NothingToDiscuss()
    else:
        topic = await require_topic(store, topic_id)
        if current is not None and current.topic_id == topic.id and topic.is_open:
            raise AlreadyDiscussing(current, topic)
        if not topic.is_open:
            raise NotOpen(topic)
    closed = await close_current(store, now) if current else None
    started = await repository.start(store, session, topic.id, by, now, now + config.lean_coffee.timebox)
    return Now(started, topic), closed


async def close_current(store: Store, now: dt.datetime) -> Closed | None:
    """A host moves on (`!discuss`, `!end`): the topic being discussed is marked discussed
    in its session with the minutes spent."""
    current = await repository.current(store)
    if current is None:
        return None
    minutes = minutes_spent(current.started_at, now)
    topic: Topic | None
    try:
        marked = await discussed.mark_discussed(
            store, now, current.topic_id, current.session, None, replace_note=False, minutes=minutes
        )
        topic = marked.topic
    except TopicError:  # withdrawn or gone meanwhile
        topic = await get_topic(store, current.topic_id)
    await repository.close(store, current.id, now, minutes)
    return Closed(current, topic, minutes)


async def close_with_session(db: aiosqlite.Connection, session: str, at: dt.datetime) -> None:
    """`session` is closed automatically at `at` (nobody ran `!end`): the topic being
    discussed in it is marked discussed with its minutes until then, inside the close's
    transaction, so that the summary of the session lists it."""
    current = await repository.current_in(db)
    if current is None or current.session != session:
        return
    minutes = minutes_spent(current.started_at, max(at, current.started_at))
    await discussed.mark_in(db, at, current.topic_id, session, minutes)
    await repository.close_in(db, current.id, at, minutes)


async def mark(
    store: Store, now: dt.datetime, topic_id: int, session: str, note: str | None, *, replace_note: bool
) -> Marked:
    """`!discussed N`: mark topic N discussed in the running session; when it is the topic
    being discussed, with its minutes, and its discussion closes."""
    current = await repository.current(store)
    if current is None or current.topic_id != topic_id:
        return await discussed.mark_discussed(store, now, topic_id, session, note, replace_note=replace_note)
    minutes = minutes_spent(current.started_at, now)
    marked = await discussed.mark_discussed(
        store, now, topic_id, current.session, note, replace_note=replace_note, minutes=minutes
    )
    await repository.close(store, current.id, now, minutes)
    return marked


async def add_time(store: Store, now: dt.datetime, lead: dt.timedelta) -> Now:
    """`!timer LEAD`: the timebox runs `lead` longer (from now when it had ended, or was
    stopped); a vote to go on still open is decided by it."""
    found = await _require_current(store)
    d = found.discussion
    base = d.ends_at if d.ends_at is not None and not d.voting and d.ends_at > now else now
    await repository.set_timebox(store, d.id, base + lead)
    return await _require_current(store)


async def stop_timer(store: Store) -> Now:
    """`!timer off`: no timebox; the topic stays current until `!discuss` or `!discussed`."""
    found = await _require_current(store)
    await repository.set_timebox(store, found.discussion.id, None)
    return await _require_current(store)


async def _require_current(store: Store) -> Now:
    found = await now_discussed(store)
    if found is None:
        raise NoDiscussion()
    return found
