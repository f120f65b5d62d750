"""bot/features/topics/votes.py: one vote per person, dot-voting budgets, and the count of
votes kept beside each topic."""

from __future__ import annotations

import asyncio
import random

import pytest

from bot.features.topics.discussed import mark_discussed
from bot.features.topics.model import AlreadyVoted, BudgetSpent, NotOpen, TopicError, UnknownTopic
from bot.features.topics.repository import get_topic, top_open_topics
from bot.features.topics.suggest import withdraw
from bot.features.topics.votes import VoteResult, unvote, vote
from tests.conftest import ALICE, BOB, START
from tests.features.topics.helpers import add, count


async def test_one_vote_per_person_and_only_for_open_topics(store):
    topic = await add(store, "votable")
    assert (await vote(store, START, topic.id, BOB)).topic.votes == 1
    with pytest.raises(AlreadyVoted):
        await vote(store, START, topic.id, BOB)
    with pytest.raises(UnknownTopic):
        await vote(store, START, 999, BOB)
    await withdraw(store, START, topic.id, ALICE, organiser=False)
    with pytest.raises(NotOpen) as e:
        await vote(store, START, topic.id, ALICE)
    assert e.value.topic.status == "withdrawn"
    assert await count(store, "votes") == 1


async def test_dot_voting_budget_counts_open_topics_only(store):
    ids = [(await add(store, f"topic {name}")).id for name in ("one", "two", "three")]
    first = await vote(store, START, ids[0], BOB, budget=2)
    second = await vote(store, START, ids[1], BOB, budget=2)
    assert (first.remaining, second.remaining) == (1, 0)
    with pytest.raises(BudgetSpent) as e:
        await vote(store, START, ids[2], BOB, budget=2)
    assert e.value.voted_for == ids[:2]
    assert (await unvote(store, ids[1], BOB, budget=2)).remaining == 1
    await vote(store, START, ids[2], BOB, budget=2)
    # Once a topic is discussed, its vote no longer counts against the budget.
    await mark_discussed(store, START, ids[0], "2026-11-26 08:00", None)
    assert (await vote(store, START, ids[1], BOB, budget=2)).remaining == 0


async def test_concurrent_votes_of_one_person_never_overspend_the_budget(store):
    ids = [(await add(store, f"budget topic {'abcdefghij'[i] * 8}")).id for i in range(10)]
    results = await asyncio.gather(*(vote(store, START, i, BOB, budget=3) for i in ids), return_exceptions=True)
    assert sum(isinstance(r, VoteResult) for r in results) == 3
    assert all(isinstance(r, VoteResult | BudgetSpent) for r in results)
    assert await count(store, "votes WHERE user_id = '@bob:example.org'") == 3


async def test_the_votes_shown_are_the_votes_stored_whatever_adds_or_removes_them(store, tmp_path):
    """A topic's count of votes is kept beside it (so !topics needn't count them): it must
    stay the number of votes stored through votes, unvotes, withdrawals, !forgetme and
    votes written by SQL from elsewhere."""
    import bot.app  # noqa: F401 (every feature registers its part of !forgetme)
    from bot.features.privacy import registry as privacy

    ids = [(await add(store, f"topic {name}")).id for name in ("one", "two", "three", "four")]
    voters = [f"@voter{i}:example.org" for i in range(6)]
    rng = random.Random(5)
    for step in range(120):
        topic, voter = rng.choice(ids), rng.choice(voters)
        what = rng.random()
        if what < 0.55:
            try:
                await vote(store, START, topic, voter)
            except TopicError:
                pass
        elif what < 0.85:
            try:
                await unvote(store, topic, voter)
            except TopicError:
                pass
        elif what < 0.9:
            await privacy.request_erasure(store, voter, START)
            await privacy.erase(store, voter, START)
        elif what < 0.95:
            await store.execute(
                "INSERT OR IGNORE INTO votes (topic_id, user_id, voted_at) VALUES (?, ?, ?)",
                (topic, f"@elsewhere{step}:example.org", "2026-11-23T12:00:00Z"),
            )
        else:
            await store.execute("DELETE FROM votes WHERE topic_id = ? AND user_id LIKE '@elsewhere%'", (topic,))
        stored = {
            r["topic_id"]: r["n"]
            for r in await store.fetchall("SELECT topic_id, COUNT(*) AS n FROM votes GROUP BY topic_id")
        }
        shown = {t.id: t.votes for t in await top_open_topics(store, 10)}
        assert shown == {i: stored.get(i, 0) for i in ids}, f"after step {step}"
        ranked = sorted(ids, key=lambda i: -stored.get(i, 0))  # equal counts: oldest (lowest id) first
        assert [t.id for t in await top_open_topics(store, 10)] == ranked
    await withdraw(store, START, ids[0], ALICE, organiser=True)
    assert (await get_topic(store, ids[0])).votes == await count(store, f"votes WHERE topic_id = {ids[0]}")
