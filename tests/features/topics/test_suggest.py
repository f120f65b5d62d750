"""bot/features/topics/suggest.py: near duplicates refused or held back, tidying and limits,
the hourly limit, withdrawing."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.features.topics.model import DuplicateTopic, EmptyTopic, NotAllowed, NotOpen, RateLimited, TopicTooLong
from bot.features.topics.seed import import_seed
from bot.features.topics.suggest import INSIST_WINDOW, suggest, withdraw
from tests.conftest import ALICE, BOB, START
from tests.features.topics.helpers import add, count, labelled_pairs


async def test_suggest_holds_back_exactly_the_labelled_duplicates(store):
    """The same pairs through !suggest's own path: the existing topic is open, the
    suggestion is refused as its duplicate if and only if the pair is labelled 1."""
    for existing, suggested, same in labelled_pairs():
        first = await add(store, existing)
        try:
            second = await add(store, suggested, who=BOB)
        except DuplicateTopic as e:
            assert same and e.topic.id == first.id, (existing, suggested)
        else:
            assert not same, (existing, suggested)
            await withdraw(store, START, second.id, BOB, organiser=False)
        await withdraw(store, START, first.id, ALICE, organiser=False)


async def test_duplicates_of_open_and_imported_topics_are_refused_but_withdrawn_ones_not(store):
    await import_seed(store, ["Decision-making."])
    with pytest.raises(DuplicateTopic) as e:
        await add(store, "Decision making!")
    assert (e.value.topic.status, e.value.topic.imported) == ("discussed", True)

    first = await add(store, "How do we pay ourselves fairly?")
    with pytest.raises(DuplicateTopic) as e:
        await add(store, "how do we pay ourselves fairly", who=BOB)
    assert e.value.topic.id == first.id
    await withdraw(store, START, first.id, ALICE, organiser=False)
    again = await add(store, "how do we pay ourselves fairly", who=BOB)
    assert again.id != first.id and again.is_open


async def test_sending_a_held_back_suggestion_again_adds_it(store):
    first = await add(store, "Onboarding new members")
    with pytest.raises(DuplicateTopic) as held:
        await add(store, "Onboarding of new members", who=BOB)
    assert held.value.topic.id == first.id and held.value.can_insist
    again = await add(store, "onboarding of new members!", who=BOB, at=START + INSIST_WINDOW)
    assert again.id != first.id and again.text == "onboarding of new members!"
    assert await count(store, "held_suggestions") == 0, "used up"
    with pytest.raises(DuplicateTopic) as same:
        await add(store, "On-boarding new members", who=ALICE)
    assert same.value.topic.id == first.id and not same.value.can_insist, "the same words as a topic"


async def test_suggestion_is_tidied_and_limited(store):
    topic = await add(store, "  Pay\n\tourselves\u202e  fairly  ")
    assert topic.text == "Pay ourselves fairly"
    with pytest.raises(TopicTooLong) as e:
        await suggest(store, START, ALICE, None, "x" * 301, max_length=300, per_hour=0)
    assert (e.value.length, e.value.limit) == (301, 300)
    assert (await suggest(store, START, BOB, None, "y" * 300, max_length=300, per_hour=0)).text == "y" * 300
    with pytest.raises(EmptyTopic):
        await add(store, " ?! ")


async def test_display_name_falls_back_to_localpart(store):
    named = await suggest(store, START, ALICE, "Alice <A>", "One", max_length=300, per_hour=0)
    unnamed = await suggest(store, START, BOB, None, "Two", max_length=300, per_hour=0)
    assert named.suggested_name == "Alice <A>"
    assert unnamed.suggested_name == "bob"


async def test_rate_limit_per_person_per_hour(store):
    for i, word in enumerate(("apples", "bicycles", "chickens", "dolphins", "elephants")):
        await add(store, f"all about {word}", at=START + dt.timedelta(minutes=i * 10), per_hour=5)
    late = START + dt.timedelta(minutes=45)
    with pytest.raises(RateLimited) as e:
        await add(store, "one too many", at=late, per_hour=5)
    assert e.value.again_at == START + dt.timedelta(hours=1), "when the oldest of the five leaves the hour"
    await add(store, "bob is not limited by alice", who=BOB, at=late, per_hour=5)
    await add(store, "an hour after the first one", at=START + dt.timedelta(hours=1, seconds=1), per_hour=5)


async def test_withdrawn_suggestions_still_count_towards_the_limit(store):
    first = await add(store, "first", per_hour=1)
    await withdraw(store, START, first.id, ALICE, organiser=False)
    with pytest.raises(RateLimited):
        await add(store, "second", at=START + dt.timedelta(minutes=5), per_hour=1)


async def test_withdraw_only_by_suggester_or_organiser(store):
    topic = await add(store, "mine to withdraw")
    with pytest.raises(NotAllowed):
        await withdraw(store, START, topic.id, BOB, organiser=False)
    assert (await withdraw(store, START, topic.id, BOB, organiser=True)).status == "withdrawn"
    with pytest.raises(NotOpen):
        await withdraw(store, START, topic.id, ALICE, organiser=False)
