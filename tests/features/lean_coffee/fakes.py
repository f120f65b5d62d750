"""A sender that records what the Lean Coffee rider posts, as the Matrix adapter would
(anchors recorded once a message has its event id), and helpers to drive a discussion."""

from __future__ import annotations

import datetime as dt
import itertools

from bot.core.model import IncomingReaction, Reply
from bot.core.reactions import record_anchor
from bot.features.lean_coffee.live import LeanCoffee
from commands.lean_coffee_posts import WORDING


class Posts:
    """Records each reply; `failing` makes sends fail (None), as a homeserver that is down."""

    def __init__(self, store):
        self.store = store
        self.sent: list[Reply] = []
        self.keys: list[str] = []
        self.failing = False
        self.events: dict[str, str] = {}
        self._ids = itertools.count(1)

    async def send(self, reply: Reply, in_reply_to=None) -> str | None:
        if self.failing:
            return None
        event_id = f"$post{next(self._ids)}"
        if reply.key in self.keys:
            return event_id  # the homeserver shows a resent transaction once
        self.keys.append(reply.key or "")
        self.sent.append(reply)
        if reply.anchor is not None and reply.room_id is not None:
            await record_anchor(self.store, event_id, reply.room_id, reply.anchor)
        self.events[reply.key or ""] = event_id
        return event_id

    def texts(self) -> list[str]:
        return [r.text for r in self.sent]


def rider(chat) -> tuple[LeanCoffee, Posts]:
    posts = Posts(chat.store)
    return LeanCoffee(chat.store, chat.services.config, posts, WORDING), posts


async def react(
    chat, who: str, target: str, key: str, event_id: str, added: bool = True, when: dt.datetime | None = None
):
    reaction = IncomingReaction(who, "!room:example.org", event_id, target, key, when or chat.clock.now(), added)
    return await chat.dispatcher.handle_reaction(reaction)
