"""Stand-ins for the homeserver and the sender in the announcer's tests, a FakeClock's
instants, and an announcer on them (test_sending.py, test_jobs.py, the sessions' tests)."""

from __future__ import annotations

import datetime as dt
import re

from bot.core.model import Reply
from bot.core.reactions import record_anchor
from bot.features.announcements.sending import Announcer
from commands.announcements import WORDING

UTC = dt.UTC
ROOM_A, ROOM_B = "!a:example.org", "!b:example.org"
MORNING, EVENING = "2026-11-26 08:00", "2026-11-26 17:00"
# A cancellation notice's key carries when it was recorded, after a '#'.
_KEY = re.compile(r"^announce:(\d{4}-\d\d-\d\d \d\d:\d\d):([^:]+):([^#]+)(?:#.*)?$")


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, second, tzinfo=UTC)


class Crash(BaseException):
    """The process dies (not an error the announcer could catch)."""


class Homeserver:
    """Stands in for Matrix: a message sent again with the same key (so the same
    transaction id) is recognised and shown once."""

    def __init__(self):
        self.events: dict[str, str] = {}
        self.shown: list[tuple[dt.datetime, Reply, str]] = []
        self.attempts = 0
        self.unreadable = False  # the room's history cannot be read (sent_event fails)

    def messages(self) -> dict[tuple[str, str, str], dt.datetime]:
        """(session, lead, room) -> when it was shown."""
        out = {}
        for when, reply, _ in self.shown:
            session, lead, room = _KEY.match(reply.key).groups()
            assert room == reply.room_id
            out[(session, lead, room)] = when
        return out

    def reply(self, session: str, lead: str, room: str) -> Reply:
        return next(r for _, r, _ in self.shown if r.key.split("#")[0] == f"announce:{session}:{lead}:{room}")


class FakeSender:
    def __init__(self, chat, server: Homeserver, crash_after: int | None = None, fail: int = 0):
        self.chat, self.server = chat, server
        self.crash_after = crash_after  # die after this many deliveries
        self.fail = fail  # the first `fail` sends fail (the homeserver is unreachable)
        self.delivered = 0

    async def send(self, reply: Reply, in_reply_to=None) -> str | None:
        assert reply.key, "messages the bot sends on its own carry a stable key"
        self.server.attempts += 1
        if self.fail:
            self.fail -= 1
            return None
        event_id = self.server.events.get(reply.key)
        if event_id is None:
            event_id = f"$ev{len(self.server.events) + 1}"
            self.server.events[reply.key] = event_id
            self.server.shown.append((self.chat.clock.now(), reply, event_id))
        if reply.anchor:  # as the Matrix adapter does
            await record_anchor(self.chat.store, event_id, reply.room_id, reply.anchor)
        self.delivered += 1
        if self.crash_after is not None and self.delivered >= self.crash_after:
            raise Crash()
        return event_id

    async def sent_event(
        self, room_id: str, key: str, since: dt.datetime, reactions: tuple[str, ...] = ()
    ) -> str | None:
        """As the Matrix adapter finds its own messages by transaction id in the room."""
        if self.server.unreadable:
            raise LookupError("the room's history could not be read")
        return next(
            (e for when, r, e in self.server.shown if r.key == key and r.room_id == room_id and when >= since), None
        )


def announcer(chat, server, **kwargs) -> Announcer:
    return Announcer(
        chat.store,
        chat.services.config,
        chat.clock,
        FakeSender(chat, server, **kwargs),
        WORDING,
        chat.services.schedule_changed,
    )


async def visit(chat, ann: Announcer, *instants: dt.datetime) -> None:
    """Move the clock to each instant in turn and run what is due, twice."""
    for instant in sorted(instants):
        chat.clock.set(instant)
        await ann.run_due()
        await ann.run_due()
