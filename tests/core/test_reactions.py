"""bot/core/reactions.py: which bot message stands for what, the reactions people put
on them, and the reactions' part of `!mydata` and `!forgetme`."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core import privacy, reactions
from bot.core.model import Anchor
from bot.core.reactions import Reaction
from bot.storage.store import Store
from tests.conftest import ALICE, BOB, HOST, ROOM, START

OTHER_ROOM = "!other:example.org"
TOPIC = Anchor("topic", "12")
SESSION = Anchor("session", "2026-11-26 08:00")


@pytest.fixture
async def store():
    store = await Store.open(":memory:")
    yield store
    await store.close()


async def test_an_anchored_message_is_understood_and_any_other_is_not(store):
    await reactions.record_anchor(store, "$topic-msg", ROOM, TOPIC)
    assert await reactions.anchor_of(store, "$topic-msg") == TOPIC
    assert await reactions.anchor_of(store, "$someone-elses") is None


async def test_the_first_message_anchored_in_a_room_is_the_one_found(store):
    await reactions.record_anchor(store, "$start", ROOM, SESSION)
    await reactions.record_anchor(store, "$start-elsewhere", OTHER_ROOM, SESSION)
    await reactions.record_anchor(store, "$reminder", ROOM, SESSION)
    assert await reactions.first_anchored(store, SESSION, ROOM) == "$start"
    assert await reactions.first_anchored(store, SESSION, OTHER_ROOM) == "$start-elsewhere"
    assert await reactions.first_anchored(store, TOPIC, ROOM) is None


async def test_a_redelivered_reaction_is_stored_once(store):
    thumbs = Reaction("$r1", ALICE, "$topic-msg", "👍")
    assert await reactions.remember(store, thumbs) is True
    assert await reactions.remember(store, thumbs) is False, "the same event again"
    assert await store.fetchval("SELECT COUNT(*) FROM reactions") == 1


async def test_a_reaction_is_found_only_for_who_made_it_and_until_it_is_forgotten(store):
    thumbs = Reaction("$r1", ALICE, "$topic-msg", "👍")
    await reactions.remember(store, thumbs)
    assert await reactions.reaction_by(store, "$r1", ALICE) == thumbs
    assert await reactions.reaction_by(store, "$r1", BOB) is None, "Bob cannot undo Alice's reaction"
    await reactions.forget(store, "$r1")
    assert await reactions.reaction_by(store, "$r1", ALICE) is None


async def test_who_reacted_with_a_key_is_in_the_order_they_did_on_any_message_of_the_anchor(store):
    await reactions.record_anchor(store, "$start", ROOM, SESSION)
    await reactions.record_anchor(store, "$start-elsewhere", OTHER_ROOM, SESSION)
    await reactions.record_anchor(store, "$topic-msg", ROOM, TOPIC)
    for event_id, user, target, key in [
        ("$r1", BOB, "$start", "✋"),
        ("$r2", ALICE, "$start-elsewhere", "✋"),
        ("$r3", HOST, "$start", "👍"),
        ("$r4", HOST, "$topic-msg", "✋"),
        ("$r5", HOST, "$start", "✋"),
    ]:
        await reactions.remember(store, Reaction(event_id, user, target, key))

    async def reacted(db):
        return [
            await reactions.reacted_with(db, SESSION, "✋"),
            await reactions.reacted_with(db, SESSION, "👍"),
            await reactions.reacted_with(db, TOPIC, "👍"),
        ]

    assert await store.transaction(reacted) == [[BOB, ALICE, HOST], [HOST], []]


def _section() -> privacy.Section:
    return next(s for s in privacy.sections() if s.name == "reactions")


async def test_mydata_lists_a_persons_reactions_and_forgetme_erases_only_theirs(store):
    await reactions.remember(store, Reaction("$r1", ALICE, "$topic-msg", "👍"))
    await reactions.remember(store, Reaction("$r2", BOB, "$topic-msg", "👍"))
    await reactions.remember(store, Reaction("$r3", ALICE, "$start", "✋"))
    section = _section()
    assert section.holds == (privacy.Column("reactions", "user_id"),)
    assert await section.collect(store, ALICE) == {
        "reactions": [
            {"event_id": "$r1", "target": "$topic-msg", "key": "👍"},
            {"event_id": "$r3", "target": "$start", "key": "✋"},
        ]
    }
    erasing = privacy.Erasing(ALICE, START + dt.timedelta(1), None)
    assert await store.transaction(lambda db: section.erase(db, erasing)) == {"reactions": 2}
    assert await section.collect(store, ALICE) == {"reactions": []}
    assert await reactions.reaction_by(store, "$r2", BOB) is not None
