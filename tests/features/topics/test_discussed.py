"""bot/features/topics/discussed.py: marking a topic discussed in a session, with a note,
and undoing it."""

from __future__ import annotations

import pytest

from bot.features.topics.discussed import mark_discussed, unmark_discussed
from bot.features.topics.model import NotDiscussedHere, NotOpen
from bot.features.topics.votes import vote
from tests.conftest import BOB, START
from tests.features.topics.helpers import add

SESSION = "2026-11-26 08:00"
LATER = "2026-12-03 17:00"


async def test_marked_again_in_the_same_session_only_its_note_changes(store):
    topic = await add(store, "Pay ourselves fairly")
    first = await mark_discussed(store, START, topic.id, SESSION, "first note")
    assert (first.again, first.old_note, first.topic.note, first.topic.session) == (False, None, "first note", SESSION)
    kept = await mark_discussed(store, START, topic.id, SESSION, "not taken", replace_note=False)
    assert (kept.again, kept.topic.note) == (True, "first note")
    replaced = await mark_discussed(store, START, topic.id, SESSION, None)
    assert (replaced.again, replaced.old_note, replaced.topic.note) == (True, "first note", None)
    with pytest.raises(NotOpen):
        await mark_discussed(store, START, topic.id, LATER, None)


async def test_unmarking_opens_the_topic_again_with_its_votes(store):
    topic = await add(store, "Shared tools")
    await vote(store, START, topic.id, BOB)
    await mark_discussed(store, START, topic.id, SESSION, "tools")
    with pytest.raises(NotDiscussedHere) as e:
        await unmark_discussed(store, topic.id, LATER)
    assert e.value.topic.session == SESSION
    reopened = await unmark_discussed(store, topic.id, SESSION)
    assert reopened.is_open and reopened.votes == 1
    assert (reopened.session, reopened.note, reopened.discussed_at) == (None, None, None)
    with pytest.raises(NotDiscussedHere):
        await unmark_discussed(store, topic.id, SESSION)
