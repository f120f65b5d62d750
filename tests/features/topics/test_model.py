"""bot/features/topics/model.py: a topic's status as stored, and the errors carrying what
their replies name."""

from __future__ import annotations

import dataclasses

from bot.features.topics.model import (
    DuplicateTopic,
    NotDiscussedHere,
    RateLimited,
    Topic,
    TopicError,
    TopicStatus,
    TopicTooLong,
)
from tests.conftest import ALICE, START


def test_a_status_is_stored_as_its_value_and_only_an_open_topic_is_open():
    assert [status.value for status in TopicStatus] == ["open", "discussed", "withdrawn"]
    topic = Topic(7, "Pay ourselves fairly", 0, ALICE, "alice", "2026-11-26T08:00:00Z", TopicStatus.OPEN)
    assert topic.is_open
    assert not dataclasses.replace(topic, status=TopicStatus.DISCUSSED).is_open
    assert not topic.imported, "only the seed file's topics are imported"


def test_each_error_is_a_topic_error_and_carries_what_its_reply_names():
    topic = Topic(7, "Pay ourselves fairly", 2, ALICE, "alice", "2026-11-26T08:00:00Z", TopicStatus.OPEN)
    held = DuplicateTopic(topic, can_insist=True)
    assert (held.topic, held.can_insist, str(held)) == (topic, True, "same as #7")
    limited = RateLimited(5, START)
    assert (limited.limit, limited.again_at) == (5, START)
    long = TopicTooLong(301, 300)
    assert (long.length, long.limit) == (301, 300)
    elsewhere = NotDiscussedHere(topic, "2026-11-26 08:00")
    assert (elsewhere.topic, elsewhere.session) == (topic, "2026-11-26 08:00")
    assert all(isinstance(e, TopicError) for e in (held, limited, long, elsewhere))
