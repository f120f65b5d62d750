"""Votes for open topics (!vote, !unvote, a 👍 on a topic): one per person and topic, and
with dot voting (`budget`) at most that many open topics per person at once.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from bot.core.clock import iso
from bot.features.topics.model import AlreadyVoted, BudgetSpent, NotOpen, NotVoted, Topic, UnknownTopic
from bot.features.topics.repository import OPEN_VOTES_OF, TOPIC_BY_ID, open_votes_of, read_topic, require_topic
from bot.storage.store import Store


@dataclass(frozen=True)
class VoteResult:
    topic: Topic  # with the vote count after the change
    # Votes the person may still give under dot voting; None when voting is unlimited.
    remaining: int | None


async def vote(store: Store, now: dt.datetime, topic_id: int, user_id: str, budget: int = 0) -> VoteResult:
    """One vote by `user_id` for open topic `topic_id`. With a `budget` (dot voting), a
    person votes for at most that many open topics at once. The checks and the insert are
    one statement, which SQLite runs alone: concurrent votes are neither lost nor able to
    overspend a budget. The topic and the person's votes are read back in the same
    transaction: one trip to the database for the whole vote."""

    def cast(conn: sqlite3.Connection) -> tuple[bool, sqlite3.Row | None, set[int]]:
        added = conn.execute(
            "INSERT INTO votes (topic_id, user_id, voted_at) SELECT ?, ?, ? "
            "WHERE EXISTS (SELECT 1 FROM topics WHERE id = ? AND status = 'open') "
            "AND (? <= 0 OR (SELECT COUNT(*) FROM votes v JOIN topics t ON t.id = v.topic_id "
            "WHERE v.user_id = ? AND t.status = 'open') < ?) "
            "ON CONFLICT DO NOTHING",
            (topic_id, user_id, iso(now), topic_id, budget, user_id, budget),
        ).rowcount
        row = conn.execute(TOPIC_BY_ID, (topic_id,)).fetchone()
        mine = {r[0] for r in conn.execute(OPEN_VOTES_OF, (user_id,))} if budget else set()
        return bool(added), row, mine

    added, row, mine = await store.run(cast, write=True)
    if row is None:
        raise UnknownTopic(topic_id)
    topic = read_topic(row)
    if not added:
        # Why not, read afterwards: refusals are the rare case.
        if not topic.is_open:
            raise NotOpen(topic)
        if await store.fetchval("SELECT 1 FROM votes WHERE topic_id = ? AND user_id = ?", (topic_id, user_id)):
            raise AlreadyVoted(topic)
        raise BudgetSpent(budget, sorted(mine), topic)
    return VoteResult(topic, budget - len(mine) if budget else None)


async def unvote(store: Store, topic_id: int, user_id: str, budget: int = 0) -> VoteResult:
    topic = await require_topic(store, topic_id)
    if not topic.is_open:
        raise NotOpen(topic)
    removed = await store.execute("DELETE FROM votes WHERE topic_id = ? AND user_id = ?", (topic_id, user_id))
    if not removed:
        raise NotVoted(topic)
    remaining = budget - len(await open_votes_of(store, user_id)) if budget else None
    return VoteResult(await require_topic(store, topic_id), remaining)
