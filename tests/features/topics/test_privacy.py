"""bot/features/topics/privacy.py: a person's suggestions, held-back suggestions and votes
in !mydata; !forgetme takes the votes and the held-back suggestions, leaves the suggestions
unattributed and keeps the hourly limit for its hour."""

from __future__ import annotations

import pytest

from bot.features.privacy import registry as privacy
from bot.features.topics.model import DuplicateTopic, RateLimited
from bot.features.topics.repository import get_topic
from bot.features.topics.votes import vote
from tests.conftest import BOB, START
from tests.features.topics.helpers import add


async def test_a_persons_topics_part_is_collected_and_erased(store):
    theirs = await add(store, "Remote work across time zones", who=BOB)
    other = await add(store, "Onboarding new members")
    await vote(store, START, other.id, BOB)
    with pytest.raises(DuplicateTopic):
        await add(store, "Onboarding of new members", who=BOB)
    document = await privacy.collect(store, BOB)
    assert [s["text"] for s in document["suggestions"]] == ["Remote work across time zones"]
    assert [h["text"] for h in document["held_suggestions"]] == ["Onboarding of new members"]
    assert [v["topic"] for v in document["votes"]] == [other.id]

    await privacy.request_erasure(store, BOB, START)
    await privacy.erase(store, BOB, START)
    after = await privacy.collect(store, BOB)
    assert (after["suggestions"], after["held_suggestions"], after["votes"]) == ([], [], [])
    kept = await get_topic(store, theirs.id)
    assert kept is not None and (kept.text, kept.suggested_by, kept.suggested_name) == (theirs.text, None, None)
    assert (await get_topic(store, other.id)).votes == 0
    with pytest.raises(RateLimited):
        await add(store, "Another topic entirely", who=BOB, per_hour=1)
