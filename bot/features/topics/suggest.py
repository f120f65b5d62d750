"""Suggesting a topic (!suggest) and taking it back (!withdraw): the checks, the hourly
limit per person (kept for an hour, under a keyed hash, for people who asked to be
forgotten), and the near duplicates held back until their author sends them again.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import sqlite3

from bot.core.clock import iso, parse_iso
from bot.core.text import clean
from bot.features.topics.index import duplicate_in, keys_version_current, write_keys
from bot.features.topics.matching import compact, normalise, tidy
from bot.features.topics.model import (
    DuplicateTopic,
    EmptyTopic,
    NotAllowed,
    NotOpen,
    RateLimited,
    Topic,
    TopicStatus,
    TopicTooLong,
)
from bot.features.topics.repository import require_topic
from bot.storage.store import Store

RATE_WINDOW = dt.timedelta(hours=1)
# How long a suggestion held back as a near duplicate waits for its author to send it again.
INSIST_WINDOW = dt.timedelta(minutes=10)


async def suggest(
    store: Store,
    now: dt.datetime,
    user_id: str,
    name: str | None,
    text: str,
    *,
    max_length: int,
    per_hour: int,
) -> Topic:
    """Add an open topic. `per_hour` 0 means no limit. Raises EmptyTopic, TopicTooLong,
    RateLimited or DuplicateTopic. A near duplicate is held back, and added if the same
    person sends it again within INSIST_WINDOW: they know it is a different topic."""
    text = tidy(text)
    norm = normalise(text)
    if not norm:
        raise EmptyTopic("a topic needs words")
    if len(text) > max_length:
        raise TopicTooLong(len(text), max_length)
    await keys_version_current(store)
    name = clean(name or localpart(user_id), 64)
    since, mark = iso(now - RATE_WINDOW), await rate_mark(store, user_id)
    at = iso(now)  # once: formatting an instant costs more than the rest of the checks
    sweep = _sweep_due(store, now, at)

    def add(conn: sqlite3.Connection, insisted: bool) -> tuple[int | None, int | None]:
        """(the near duplicate found, None) or (None, the new topic's id, None if refused)."""
        if not insisted:
            found = duplicate_in(conn, norm)
            if found is not None:
                return found, None
        # The insert checks the exact duplicate and the hourly limit in the same statement,
        # in the transaction the search was in, so two suggestions at once can't both get
        # through. The new topic's keys are written in the same transaction.
        row = conn.execute(
            "INSERT INTO topics (text, norm, suggested_by, suggested_name, suggested_at, status, keyed) "
            "SELECT ?, ?, ?, ?, ?, 'open', 1 "
            "WHERE NOT EXISTS (SELECT 1 FROM topics WHERE norm = ? AND status != 'withdrawn') "
            "AND (? <= 0 OR (SELECT COUNT(*) FROM topics WHERE suggested_by = ? AND suggested_at > ?) "
            "+ (SELECT COUNT(*) FROM rate_marks WHERE mark = ? AND at > ?) < ?) "
            "RETURNING id",
            (text, norm, user_id, name, at, norm, per_hour, user_id, since, mark, since, per_hour),
        ).fetchone()
        if row is None:
            return None, None
        write_keys(conn, [(row["id"], norm)], mark=False)
        if sweep:
            # What the limit kept of people who asked to be forgotten goes once its hour
            # is over (looked at once a minute at most: the limit counts the last hour
            # only, so what is left a little longer changes no answer).
            conn.execute("DELETE FROM rate_marks WHERE at <= ?", (since,))
        if insisted:
            conn.execute("DELETE FROM held_suggestions WHERE user_id = ? AND norm = ?", (user_id, norm))
        return None, int(row["id"])

    # The search and the insert: one trip to the database, one transaction.
    found, topic_id = await store.run(lambda conn: add(conn, False), write=True)
    if found is not None:
        duplicate = await require_topic(store, found)
        # Pointing to it helps even past the hourly limit.
        if compact(normalise(duplicate.text)) == compact(norm):
            raise DuplicateTopic(duplicate, can_insist=False)
        if not await _insisting(store, now, user_id, norm):
            await _hold_back(store, now, user_id, text, norm)
            raise DuplicateTopic(duplicate, can_insist=True)
        # Sent again in time: they know it is a different topic.
        found, topic_id = await store.run(lambda conn: add(conn, True), write=True)
    if topic_id is None:
        same = await store.fetchval("SELECT id FROM topics WHERE norm = ? AND status != 'withdrawn'", (norm,))
        if same is not None:
            raise DuplicateTopic(await require_topic(store, int(same)), can_insist=False)
        await _check_rate(store, now, user_id, mark, per_hour)
        raise RuntimeError("a suggestion was refused for no reason found")
    if sweep:
        store.memo["rate_marks_swept"] = at
    return Topic(topic_id, text, 0, user_id, name, at, TopicStatus.OPEN)


RATE_MARKS_SWEEP = dt.timedelta(minutes=1)


def _sweep_due(store: Store, now: dt.datetime, at: str) -> bool:
    """Whether the rate marks were last swept a minute ago or more (or never, or the
    clock went back); `at` is `now` as stored (iso). The sweep is noted once done."""
    last = store.memo.get("rate_marks_swept")
    # As text (ISO instants to the second compare as text, and `last` is one): parsing it
    # back would cost more than the rest of the check.
    return last is None or not iso(now - RATE_MARKS_SWEEP) < last <= at


async def _insisting(store: Store, now: dt.datetime, user_id: str, norm: str) -> bool:
    """Whether `user_id` sent these words within INSIST_WINDOW and they were held back."""
    since = iso(now - INSIST_WINDOW)
    found = await store.fetchval(
        "SELECT 1 FROM held_suggestions WHERE user_id = ? AND norm = ? AND held_at >= ?", (user_id, norm, since)
    )
    return found is not None


async def _hold_back(store: Store, now: dt.datetime, user_id: str, text: str, norm: str) -> None:
    def hold(conn: sqlite3.Connection) -> None:
        # Nobody sent these again in time: they are forgotten (ISO instants compare as text).
        conn.execute("DELETE FROM held_suggestions WHERE held_at < ?", (iso(now - INSIST_WINDOW),))
        conn.execute(
            "INSERT INTO held_suggestions (user_id, norm, text, held_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (user_id, norm) DO UPDATE SET text = excluded.text, held_at = excluded.held_at",
            (user_id, norm, text, iso(now)),
        )

    await store.run(hold, write=True)


async def _check_rate(store: Store, now: dt.datetime, user_id: str, mark: str, per_hour: int) -> None:
    if per_hour <= 0:
        return
    # Withdrawn suggestions count too, or suggesting and withdrawing would dodge the limit;
    # so do those of the last hour before the person asked to be forgotten.
    since = iso(now - RATE_WINDOW)
    recent = await store.fetchall(
        "SELECT suggested_at FROM topics WHERE suggested_by = ? AND suggested_at > ? "
        "UNION ALL SELECT at FROM rate_marks WHERE mark = ? AND at > ? "
        "ORDER BY suggested_at DESC LIMIT ?",
        (user_id, since, mark, since, per_hour),
    )
    if len(recent) >= per_hour:
        # The oldest of the last `per_hour` suggestions leaves the window first.
        raise RateLimited(per_hour, parse_iso(recent[-1]["suggested_at"]) + RATE_WINDOW)


async def rate_mark(store: Store, user_id: str) -> str:
    """A keyed hash of `user_id`: what the hourly limit keeps of a person who asked to be
    forgotten (`remember_rate`), recognisable only with this database's key."""
    key = store.memo.get("rate_mark_key")
    if key is None:
        key = store.memo["rate_mark_key"] = await store.get_meta("rate_mark_key") or ""
    return mark_with(key, user_id)


@functools.lru_cache(maxsize=1024)  # the same few people suggest again and again
def mark_with(key: str, user_id: str) -> str:
    return hmac.new(bytes.fromhex(key), user_id.encode(), hashlib.sha256).hexdigest()[:32]


RATE_MARKS_OF_RECENT = (
    "INSERT INTO rate_marks (mark, at) SELECT ?, suggested_at FROM topics WHERE suggested_by = ? AND suggested_at > ?"
)


def localpart(user_id: str) -> str:
    """`@alice:example.org` -> `alice`: a name to show when no display name is known."""
    return user_id.removeprefix("@").split(":", 1)[0] or user_id


async def withdraw(store: Store, now: dt.datetime, topic_id: int, user_id: str, *, organiser: bool) -> Topic:
    """The suggester, or an organiser, takes an open topic off the list."""
    topic = await require_topic(store, topic_id)
    if not topic.is_open:
        raise NotOpen(topic)
    if topic.suggested_by != user_id and not organiser:
        raise NotAllowed(topic)
    await store.execute(
        "UPDATE topics SET status = 'withdrawn', withdrawn_at = ? WHERE id = ? AND status = 'open'",
        (iso(now), topic_id),
    )
    return await require_topic(store, topic_id)
