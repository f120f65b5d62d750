"""A topic as the feature hands it out, and what can go wrong with a request about one.

Every module of the feature returns these or raises one of the `TopicError`s below; the
wording users see lives in commands/topics.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from bot.core.clock import iso


class TopicStatus(StrEnum):
    """Where a topic stands; stored as its value. Imported history (the seed file) is
    discussed, with `imported` set and no session."""

    OPEN = "open"
    DISCUSSED = "discussed"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class Topic:
    id: int
    text: str
    votes: int
    suggested_by: str | None
    suggested_name: str | None
    suggested_at: str | None
    status: TopicStatus
    session: str | None = None
    note: str | None = None
    discussed_at: str | None = None
    imported: bool = False  # from the seed file: discussed before the bot kept records
    minutes: int | None = None  # how long it was discussed, when it had a timebox (!discuss)

    @property
    def is_open(self) -> bool:
        return self.status == TopicStatus.OPEN


# --- what can go wrong ----------------------------------------------------------------


class TopicError(Exception):
    """A request about topics that cannot be done; the subclass says why."""


class EmptyTopic(TopicError):
    pass


class TopicTooLong(TopicError):
    def __init__(self, length: int, limit: int):
        super().__init__(f"{length} characters, limit {limit}")
        self.length, self.limit = length, limit


class RateLimited(TopicError):
    def __init__(self, limit: int, again_at: dt.datetime):
        super().__init__(f"{limit} per hour, again at {iso(again_at)}")
        self.limit, self.again_at = limit, again_at


class DuplicateTopic(TopicError):
    """Held back as the same as `topic`. Unless it has the very same words, sending it
    again within INSIST_WINDOW (suggest.py) adds it (`can_insist`)."""

    def __init__(self, topic: Topic, *, can_insist: bool):
        super().__init__(f"same as #{topic.id}")
        self.topic, self.can_insist = topic, can_insist


class UnknownTopic(TopicError):
    def __init__(self, topic_id: int):
        super().__init__(f"no topic #{topic_id}")
        self.topic_id = topic_id


class NotOpen(TopicError):
    """The topic was withdrawn or discussed (imported history too): it takes no votes or changes."""

    def __init__(self, topic: Topic):
        super().__init__(f"#{topic.id} is {topic.status}")
        self.topic = topic


class AlreadyVoted(TopicError):
    def __init__(self, topic: Topic):
        super().__init__(f"already voted for #{topic.id}")
        self.topic = topic


class NotVoted(TopicError):
    def __init__(self, topic: Topic):
        super().__init__(f"no vote for #{topic.id}")
        self.topic = topic


class BudgetSpent(TopicError):
    """No vote for `topic`: all `budget` votes are on the open topics `voted_for`."""

    def __init__(self, budget: int, voted_for: list[int], topic: Topic | None = None):
        super().__init__(f"all {budget} votes given")
        self.budget, self.voted_for, self.topic = budget, voted_for, topic


class NotAllowed(TopicError):
    def __init__(self, topic: Topic):
        super().__init__(f"may not change #{topic.id}")
        self.topic = topic


class NotDiscussedHere(TopicError):
    """!undiscussed on a topic not marked discussed in the running session."""

    def __init__(self, topic: Topic, session: str):
        super().__init__(f"#{topic.id} is not discussed in session {session}")
        self.topic, self.session = topic, session
