"""What the bot posts on its own about the topic being discussed, as data; the words are
`commands/lean_coffee.py`'s (a `Wording`, handed over by the wiring)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from bot.core.config import Config
from bot.core.text import Text
from bot.features.lean_coffee.repository import Count
from bot.features.topics.model import Topic

# The vote to go on: 👍 keep going, 👎 move on. Other reactions are not counted.
KEEP_GOING = "👍"
MOVE_ON = "👎"
VOTE_KEYS = (KEEP_GOING, MOVE_ON)


@dataclass(frozen=True)
class VoteToGoOn:
    """The timebox of `topic` ended after `minutes`: keep going for `extension` more?"""

    topic: Topic
    minutes: int
    extension: dt.timedelta
    closes_at: dt.datetime
    seconds: int


@dataclass(frozen=True)
class Extended:
    """A 👍 majority: `topic` goes on until `until`; `left` extensions remain after it."""

    topic: Topic
    extension: dt.timedelta
    until: dt.datetime
    count: Count
    left: int


@dataclass(frozen=True)
class MovedOn:
    """`topic` was discussed for `minutes` and is marked discussed: by the vote (`count`), or
    because its time was up with no extension left (`count` None). `next_topic` is the most
    voted open topic, which `!discuss` starts."""

    topic: Topic
    minutes: int
    count: Count | None
    next_topic: Topic | None


@dataclass(frozen=True)
class Wording:
    vote: Callable[[Config, VoteToGoOn], Text]
    extended: Callable[[Config, Extended], Text]
    moved_on: Callable[[Config, MovedOn], Text]
