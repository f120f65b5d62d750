"""bot/features/topics/repository.py: normalising, duplicates, ranking, votes and budgets, rate
limits, the seed import."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.app import open_services
from bot.core.clock import FakeClock
from bot.features.topics import repository as topics
from bot.storage.migrations import MIGRATIONS
from bot.storage.store import Store
from tests.conftest import ALICE, BOB, ROOT, SEED_FILE, SEED_TOPICS, START
from tests.helpers import PAIRS, SHIPPED, labelled_pairs


@pytest.fixture
async def store(tmp_path):
    store = await Store.open(tmp_path / "topics.sqlite3")
    yield store
    await store.close()


async def add(store: Store, text: str, who: str = ALICE, at: dt.datetime = START, per_hour: int = 0) -> topics.Topic:
    return await topics.suggest(store, at, who, None, text, max_length=300, per_hour=per_hour)


async def count(store: Store, sql: str) -> int:
    return await store.fetchval(f"SELECT COUNT(*) FROM {sql}")


# --- normalising and duplicates ----------------------------------------------------------


def test_normalise_ignores_case_punctuation_and_spacing():
    assert topics.normalise("Decision making!") == "decision making"
    assert topics.normalise("  decision-making ") == "decision making"
    assert topics.normalise("Co-op members’ commitment") == "co op members commitment"
    assert topics.normalise("?!…") == ""


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("decision-making", "Decision making!"),
        ("Decision making", "decisionmaking"),
        ("How to do fundraising?", "how to do fundraising"),
        ("How do we bill our clients?", "How do we bil our clients"),  # a typo
        # Not from the labelled file: the same kinds of difference on other words.
        ("Sociocracy in small teams", "Sociocarcy in small teams"),  # letters swapped
        ("E-mail newsletters for members", "email newsletter for members"),
        ("Budgets vs forecasts", "forecasts versus budgets"),
        ("Organising a general assembly", "Organizing the general assembly"),
        ("Writing bylaws", "How do we write by-laws?"),
        ("Four-day work week", "4 day work week"),
    ],
)
def test_near_duplicates_are_caught(a, b):
    assert topics.is_near_duplicate(topics.normalise(a), topics.normalise(b))
    assert topics.is_near_duplicate(topics.normalise(b), topics.normalise(a))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Facilitation", "Decision making"),
        ("How and when do we detail the budget?", "How do you do budgets and what do you use budgets for?"),
        ("What tools do we use for communication?", "What tools do you use to manage external communications?"),
        # Not from the labelled file: numbers, places and a changed content word.
        ("Co-ops in Kenya", "Co-ops in Ghana"),
        ("Budget for 2024", "Budget for 2025"),
        ("Co-op law in the EU", "Co-op law in the US"),
        ("Hiring designers", "Firing designers"),
        ("Paying members", "Paying members monthly"),
        ("Pay scales", "Pay ratios"),
    ],
)
def test_different_topics_are_not_duplicates(a, b):
    assert not topics.is_near_duplicate(topics.normalise(a), topics.normalise(b))
    assert not topics.is_near_duplicate(topics.normalise(b), topics.normalise(a))


# Pairs labelled by a person: 1 = the same topic, 0 = a different one. A copy of the
# project's shared labelled data, kept in the repository so that a clone tests on its own;
# the copy is checked against the shared file where that is beside the checkout.
SHARED_PAIRS = ROOT.parent / "shared" / "topic-pairs.tsv"


def test_the_labelled_pairs_are_a_current_copy():
    if not SHARED_PAIRS.exists():
        pytest.skip("no shared labelled pairs beside this checkout")
    assert PAIRS.read_bytes() == SHARED_PAIRS.read_bytes(), f"copy {SHARED_PAIRS} to {PAIRS}"


def test_every_labelled_pair_comes_out_as_labelled():
    pairs = labelled_pairs()
    wrong = [
        (a, b, "same" if same else "different")
        for a, b, same in pairs
        for x, y in ((a, b), (b, a))
        if topics.is_near_duplicate(topics.normalise(x), topics.normalise(y)) != same
    ]
    assert not wrong, f"{len(wrong)} of {2 * len(pairs)} judged wrong (pair, label): {wrong}"
    assert {same for _, _, same in pairs} == {True, False}, "the file has both kinds"


async def test_suggest_holds_back_exactly_the_labelled_duplicates(store):
    """The same pairs through !suggest's own path: the existing topic is open, the
    suggestion is refused as its duplicate if and only if the pair is labelled 1."""
    for existing, suggested, same in labelled_pairs():
        first = await add(store, existing)
        try:
            second = await add(store, suggested, who=BOB)
        except topics.DuplicateTopic as e:
            assert same and e.topic.id == first.id, (existing, suggested)
        else:
            assert not same, (existing, suggested)
            await topics.withdraw(store, START, second.id, BOB, organiser=False)
        await topics.withdraw(store, START, first.id, ALICE, organiser=False)


def test_the_shipped_seed_topics_import_and_are_all_different_from_each_other():
    texts = topics.read_seed(SHIPPED)
    assert texts and len(set(texts)) == len(texts)
    norms = [topics.normalise(t) for t in texts]
    for i, a in enumerate(norms):
        for b in norms[i + 1 :]:
            assert not topics.is_near_duplicate(a, b), (a, b)


async def test_duplicates_of_open_and_imported_topics_are_refused_but_withdrawn_ones_not(store):
    await topics.import_seed(store, ["Decision-making."])
    with pytest.raises(topics.DuplicateTopic) as e:
        await add(store, "Decision making!")
    assert (e.value.topic.status, e.value.topic.imported) == ("discussed", True)

    first = await add(store, "How do we pay ourselves fairly?")
    with pytest.raises(topics.DuplicateTopic) as e:
        await add(store, "how do we pay ourselves fairly", who=BOB)
    assert e.value.topic.id == first.id
    await topics.withdraw(store, START, first.id, ALICE, organiser=False)
    again = await add(store, "how do we pay ourselves fairly", who=BOB)
    assert again.id != first.id and again.is_open


async def test_sending_a_held_back_suggestion_again_adds_it(store):
    first = await add(store, "Onboarding new members")
    with pytest.raises(topics.DuplicateTopic) as held:
        await add(store, "Onboarding of new members", who=BOB)
    assert held.value.topic.id == first.id and held.value.can_insist
    again = await add(store, "onboarding of new members!", who=BOB, at=START + topics.INSIST_WINDOW)
    assert again.id != first.id and again.text == "onboarding of new members!"
    assert await count(store, "held_suggestions") == 0, "used up"
    with pytest.raises(topics.DuplicateTopic) as same:
        await add(store, "On-boarding new members", who=ALICE)
    assert same.value.topic.id == first.id and not same.value.can_insist, "the same words as a topic"


async def test_suggestion_is_tidied_and_limited(store):
    topic = await add(store, "  Pay\n\tourselves\u202e  fairly  ")
    assert topic.text == "Pay ourselves fairly"
    with pytest.raises(topics.TopicTooLong) as e:
        await topics.suggest(store, START, ALICE, None, "x" * 301, max_length=300, per_hour=0)
    assert (e.value.length, e.value.limit) == (301, 300)
    assert (await topics.suggest(store, START, BOB, None, "y" * 300, max_length=300, per_hour=0)).text == "y" * 300
    with pytest.raises(topics.EmptyTopic):
        await add(store, " ?! ")


async def test_display_name_falls_back_to_localpart(store):
    named = await topics.suggest(store, START, ALICE, "Alice <A>", "One", max_length=300, per_hour=0)
    unnamed = await topics.suggest(store, START, BOB, None, "Two", max_length=300, per_hour=0)
    assert named.suggested_name == "Alice <A>"
    assert unnamed.suggested_name == "bob"


# --- rate limit ---------------------------------------------------------------------------------


async def test_rate_limit_per_person_per_hour(store):
    for i, word in enumerate(("apples", "bicycles", "chickens", "dolphins", "elephants")):
        await add(store, f"all about {word}", at=START + dt.timedelta(minutes=i * 10), per_hour=5)
    late = START + dt.timedelta(minutes=45)
    with pytest.raises(topics.RateLimited) as e:
        await add(store, "one too many", at=late, per_hour=5)
    assert e.value.again_at == START + dt.timedelta(hours=1), "when the oldest of the five leaves the hour"
    await add(store, "bob is not limited by alice", who=BOB, at=late, per_hour=5)
    await add(store, "an hour after the first one", at=START + dt.timedelta(hours=1, seconds=1), per_hour=5)


async def test_withdrawn_suggestions_still_count_towards_the_limit(store):
    first = await add(store, "first", per_hour=1)
    await topics.withdraw(store, START, first.id, ALICE, organiser=False)
    with pytest.raises(topics.RateLimited):
        await add(store, "second", at=START + dt.timedelta(minutes=5), per_hour=1)


# --- ranking --------------------------------------------------------------------------------------


async def test_ranking_by_votes_then_oldest_first(store):
    at = [START + dt.timedelta(minutes=i) for i in range(4)]
    a = await add(store, "alpha topic", at=at[0])
    b = await add(store, "bravo topic", at=at[1])
    c = await add(store, "charlie topic", at=at[2])
    d = await add(store, "delta topic", at=at[3])
    for voter in ("@v1:x", "@v2:x"):
        await topics.vote(store, START, d.id, voter)
    await topics.vote(store, START, b.id, "@v1:x")
    await topics.vote(store, START, c.id, "@v1:x")
    ranked = await topics.top_open_topics(store, 10)
    assert [t.id for t in ranked] == [d.id, b.id, c.id, a.id]
    assert [t.votes for t in ranked] == [2, 1, 1, 0]
    assert [t.id for t in await topics.top_open_topics(store, 2)] == [d.id, b.id]
    await topics.mark_discussed(store, START, d.id, "2026-11-26 08:00", None)
    assert [t.id for t in await topics.top_open_topics(store, 10)] == [b.id, c.id, a.id], "only open topics"


# --- votes ----------------------------------------------------------------------------------------


async def test_one_vote_per_person_and_only_for_open_topics(store):
    topic = await add(store, "votable")
    assert (await topics.vote(store, START, topic.id, BOB)).topic.votes == 1
    with pytest.raises(topics.AlreadyVoted):
        await topics.vote(store, START, topic.id, BOB)
    with pytest.raises(topics.UnknownTopic):
        await topics.vote(store, START, 999, BOB)
    await topics.withdraw(store, START, topic.id, ALICE, organiser=False)
    with pytest.raises(topics.NotOpen) as e:
        await topics.vote(store, START, topic.id, ALICE)
    assert e.value.topic.status == "withdrawn"
    assert await count(store, "votes") == 1


async def test_dot_voting_budget_counts_open_topics_only(store):
    ids = [(await add(store, f"topic {name}")).id for name in ("one", "two", "three")]
    first = await topics.vote(store, START, ids[0], BOB, budget=2)
    second = await topics.vote(store, START, ids[1], BOB, budget=2)
    assert (first.remaining, second.remaining) == (1, 0)
    with pytest.raises(topics.BudgetSpent) as e:
        await topics.vote(store, START, ids[2], BOB, budget=2)
    assert e.value.voted_for == ids[:2]
    assert (await topics.unvote(store, ids[1], BOB, budget=2)).remaining == 1
    await topics.vote(store, START, ids[2], BOB, budget=2)
    # Once a topic is discussed, its vote no longer counts against the budget.
    await topics.mark_discussed(store, START, ids[0], "2026-11-26 08:00", None)
    assert (await topics.vote(store, START, ids[1], BOB, budget=2)).remaining == 0


async def test_concurrent_votes_of_one_person_never_overspend_the_budget(store):
    ids = [(await add(store, f"budget topic {'abcdefghij'[i] * 8}")).id for i in range(10)]
    results = await asyncio.gather(*(topics.vote(store, START, i, BOB, budget=3) for i in ids), return_exceptions=True)
    assert sum(isinstance(r, topics.VoteResult) for r in results) == 3
    assert all(isinstance(r, topics.VoteResult | topics.BudgetSpent) for r in results)
    assert await count(store, "votes WHERE user_id = '@bob:example.org'") == 3


async def test_withdraw_only_by_suggester_or_organiser(store):
    topic = await add(store, "mine to withdraw")
    with pytest.raises(topics.NotAllowed):
        await topics.withdraw(store, START, topic.id, BOB, organiser=False)
    assert (await topics.withdraw(store, START, topic.id, BOB, organiser=True)).status == "withdrawn"
    with pytest.raises(topics.NotOpen):
        await topics.withdraw(store, START, topic.id, ALICE, organiser=False)


# --- history and the seed file ---------------------------------------------------------------------


async def test_history_lists_discussed_newest_first_then_imported(store):
    await topics.import_seed(store, ["Old one", "Older two"])
    a = await add(store, "first discussed")
    b = await add(store, "second discussed")
    await topics.mark_discussed(store, START, a.id, "2026-11-26 08:00", "good")
    await topics.mark_discussed(store, START + dt.timedelta(hours=9), b.id, "2026-11-26 17:00", None)
    past = await topics.history(store, 10)
    assert [t.text for t in past] == ["second discussed", "first discussed", "Older two", "Old one"]
    assert (past[1].session, past[1].note) == ("2026-11-26 08:00", "good")
    assert [t.text for t in await topics.history(store, 3)] == ["second discussed", "first discussed", "Older two"]
    assert [(t.status, t.imported) for t in past] == [("discussed", False)] * 2 + [("discussed", True)] * 2


async def test_seed_topics_imported_by_an_older_version_become_discussed(tmp_path):
    """Before, imported history had a status of its own, which exports and anything
    counting discussed topics left out; the upgrade makes it discussed, marked imported."""
    path = tmp_path / "old.sqlite3"
    old = await Store.open(path, [m for m in MIGRATIONS if m.version <= 4])
    await old.execute("INSERT INTO topics (text, norm, status, seed_key) VALUES ('Old', 'old', 'imported', 'old')")
    await old.execute("INSERT INTO topics (text, norm, status) VALUES ('Open', 'open', 'open')")
    await old.close()
    store = await Store.open(path)
    try:
        assert [(t.text, t.status, t.imported) for t in await topics.history(store, 5)] == [("Old", "discussed", True)]
        assert await count(store, "topics WHERE status = 'imported'") == 0
        assert await topics.import_seed(store, ["Old"]) == 0, "still known as imported"
    finally:
        await store.close()


async def test_seed_topics_become_history_once_and_new_lines_are_added(store, tmp_path):
    n = len(SEED_TOPICS)
    assert await topics.import_seed_file(store, SEED_FILE) == n
    assert await count(store, "topics WHERE status = 'discussed' AND seed_key IS NOT NULL AND session IS NULL") == n
    assert await topics.import_seed_file(store, SEED_FILE) == 0
    assert await count(store, "topics") == n

    edited = tmp_path / "topics.yaml"
    added = '  - text: "How do we pay ourselves?"\n'
    edited.write_text(SEED_FILE.read_text(encoding="utf-8") + added, encoding="utf-8")
    assert await topics.import_seed_file(store, edited) == 1
    assert await count(store, "topics WHERE status = 'discussed' AND seed_key IS NOT NULL") == n + 1
    texts = [t.text for t in await topics.history(store, 50)]
    assert texts == ["How do we pay ourselves?", *reversed(SEED_TOPICS)]


async def test_services_import_the_seed_at_start_idempotently(make_config, tmp_path):
    config = make_config()
    for _ in range(2):
        services = await open_services(config, clock=FakeClock(START))
        assert await count(services.store, "topics WHERE status = 'discussed'") == len(SEED_TOPICS)
        await services.store.close()


async def test_missing_seed_file_is_logged_not_fatal(make_config, tmp_path, caplog):
    config = make_config(topics={"seed_file": str(tmp_path / "nowhere.yaml")})
    with caplog.at_level(logging.WARNING, logger="bot.features.topics.repository"):
        services = await open_services(config, clock=FakeClock(START))
    try:
        assert await count(services.store, "topics") == 0
        assert "nowhere.yaml" in caplog.text
    finally:
        await services.store.close()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("topics: [\n  - text: 'unclosed", "not valid YAML"),
        ("- text: a list without the topics key\n", "top-level 'topics:'"),
        ("topics:\n  - text: fine\n  - note: no text\n", "topics[1]"),
        ("topics:\n  - text: '   '\n", "topics[0]"),
    ],
)
async def test_malformed_seed_file_is_a_clear_error_naming_the_file(make_config, tmp_path, content, problem):
    seed = tmp_path / "broken-topics.yaml"
    seed.write_text(content, encoding="utf-8")
    with pytest.raises(topics.SeedError) as e:
        await open_services(make_config(topics={"seed_file": str(seed)}), clock=FakeClock(START))
    assert str(seed) in str(e.value) and problem in str(e.value)


# --- schema ------------------------------------------------------------------------------------------


async def test_topics_listing_reads_only_the_topics_it_shows(store):
    """!topics, the agenda and the page must stay quick with 10,000 topics and 100,000 votes:
    the ranking is walked in an index, down to the topics shown, not worked out for every
    open topic and sorted."""
    rows = await store.fetchall("EXPLAIN QUERY PLAN " + topics._TOP_OPEN, (15,))
    plan = " | ".join(r["detail"] for r in rows)
    # Walked in the ranking's order (and stopped at the LIMIT): no sort, no count per topic.
    assert plan == "SCAN t USING INDEX topics_ranked", plan


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
                await topics.vote(store, START, topic, voter)
            except topics.TopicError:
                pass
        elif what < 0.85:
            try:
                await topics.unvote(store, topic, voter)
            except topics.TopicError:
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
        shown = {t.id: t.votes for t in await topics.top_open_topics(store, 10)}
        assert shown == {i: stored.get(i, 0) for i in ids}, f"after step {step}"
        ranked = sorted(ids, key=lambda i: -stored.get(i, 0))  # equal counts: oldest (lowest id) first
        assert [t.id for t in await topics.top_open_topics(store, 10)] == ranked
    await topics.withdraw(store, START, ids[0], ALICE, organiser=True)
    assert (await topics.get_topic(store, ids[0])).votes == await count(store, f"votes WHERE topic_id = {ids[0]}")


_WORD = st.text(alphabet="abcdefghij", min_size=1, max_size=8)


@settings(max_examples=300, deadline=None)
@given(st.lists(_WORD, min_size=1, max_size=6), st.lists(_WORD, min_size=1, max_size=6))
def test_the_rule_ignores_order_case_and_punctuation_and_is_symmetric(words, others):
    a = topics.normalise(" ".join(words))
    shuffled = topics.normalise("; ".join(reversed(words)).upper() + "?!")
    assert topics.is_near_duplicate(a, shuffled)
    b = topics.normalise(" ".join(others))
    assert topics.is_near_duplicate(a, b) == topics.is_near_duplicate(b, a)


async def test_discussed_in_a_session_lists_its_topics_in_the_order_they_were_marked(store):
    first, second = await add(store, "Pay ourselves fairly"), await add(store, "Shared tools", BOB)
    third = await add(store, "Still open", BOB)
    await topics.mark_discussed(store, START + dt.timedelta(minutes=5), second.id, "2026-11-26 08:00", "tools")
    await topics.mark_discussed(store, START + dt.timedelta(minutes=9), first.id, "2026-11-26 08:00", None)
    found = await topics.discussed_in(store, "2026-11-26 08:00")
    assert [(t.id, t.note) for t in found] == [(second.id, "tools"), (first.id, None)]
    assert await topics.discussed_in(store, "2026-12-03 17:00") == []
    assert await topics.count_open(store) == 1
    everything = await topics.all_topics(store)
    assert [(t.id, t.status) for t in everything] == [
        (first.id, topics.TopicStatus.DISCUSSED),
        (second.id, topics.TopicStatus.DISCUSSED),
        (third.id, topics.TopicStatus.OPEN),
    ]
