"""bot/features/topics/repository.py: the ranking of open topics, the history, a session's
discussed topics, and the query plan behind !topics."""

from __future__ import annotations

import datetime as dt

from bot.features.topics.discussed import mark_discussed
from bot.features.topics.model import TopicStatus
from bot.features.topics.repository import TOP_OPEN, all_topics, count_open, discussed_in, history, top_open_topics
from bot.features.topics.seed import import_seed
from bot.features.topics.votes import vote
from tests.conftest import BOB, START
from tests.features.topics.helpers import add


async def test_ranking_by_votes_then_oldest_first(store):
    at = [START + dt.timedelta(minutes=i) for i in range(4)]
    a = await add(store, "alpha topic", at=at[0])
    b = await add(store, "bravo topic", at=at[1])
    c = await add(store, "charlie topic", at=at[2])
    d = await add(store, "delta topic", at=at[3])
    for voter in ("@v1:x", "@v2:x"):
        await vote(store, START, d.id, voter)
    await vote(store, START, b.id, "@v1:x")
    await vote(store, START, c.id, "@v1:x")
    ranked = await top_open_topics(store, 10)
    assert [t.id for t in ranked] == [d.id, b.id, c.id, a.id]
    assert [t.votes for t in ranked] == [2, 1, 1, 0]
    assert [t.id for t in await top_open_topics(store, 2)] == [d.id, b.id]
    await mark_discussed(store, START, d.id, "2026-11-26 08:00", None)
    assert [t.id for t in await top_open_topics(store, 10)] == [b.id, c.id, a.id], "only open topics"


async def test_history_lists_discussed_newest_first_then_imported(store):
    await import_seed(store, ["Old one", "Older two"])
    a = await add(store, "first discussed")
    b = await add(store, "second discussed")
    await mark_discussed(store, START, a.id, "2026-11-26 08:00", "good")
    await mark_discussed(store, START + dt.timedelta(hours=9), b.id, "2026-11-26 17:00", None)
    past = await history(store, 10)
    assert [t.text for t in past] == ["second discussed", "first discussed", "Older two", "Old one"]
    assert (past[1].session, past[1].note) == ("2026-11-26 08:00", "good")
    assert [t.text for t in await history(store, 3)] == ["second discussed", "first discussed", "Older two"]
    assert [(t.status, t.imported) for t in past] == [("discussed", False)] * 2 + [("discussed", True)] * 2


async def test_topics_listing_reads_only_the_topics_it_shows(store):
    """!topics, the agenda and the page must stay quick with 10,000 topics and 100,000 votes:
    the ranking is walked in an index, down to the topics shown, not worked out for every
    open topic and sorted."""
    rows = await store.fetchall("EXPLAIN QUERY PLAN " + TOP_OPEN, (15,))
    plan = " | ".join(r["detail"] for r in rows)
    # Walked in the ranking's order (and stopped at the LIMIT): no sort, no count per topic.
    assert plan == "SCAN t USING INDEX topics_ranked", plan


async def test_discussed_in_a_session_lists_its_topics_in_the_order_they_were_marked(store):
    first, second = await add(store, "Pay ourselves fairly"), await add(store, "Shared tools", BOB)
    third = await add(store, "Still open", BOB)
    await mark_discussed(store, START + dt.timedelta(minutes=5), second.id, "2026-11-26 08:00", "tools")
    await mark_discussed(store, START + dt.timedelta(minutes=9), first.id, "2026-11-26 08:00", None)
    found = await discussed_in(store, "2026-11-26 08:00")
    assert [(t.id, t.note) for t in found] == [(second.id, "tools"), (first.id, None)]
    assert await discussed_in(store, "2026-12-03 17:00") == []
    assert await count_open(store) == 1
    everything = await all_topics(store)
    assert [(t.id, t.status) for t in everything] == [
        (first.id, TopicStatus.DISCUSSED),
        (second.id, TopicStatus.DISCUSSED),
        (third.id, TopicStatus.OPEN),
    ]
