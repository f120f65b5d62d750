"""Sync: the first sync and the sync loop. The events of served rooms that are for the bot
(commands, questions asked of it, reactions, redactions; in a direct-message room only its
person's) are written to the inbox in the same transaction as the sync token that
delivered them, then handed to the room workers; a timeline cut short by a long downtime
is filled in from the room's history first.

Time comes from the homeserver here, not from this machine's clock: the first-start mark
(events older than it are not for the bot) is the homeserver's time at the first sync, and
a local clock that is off the homeserver's is logged once as a warning."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import re
import sqlite3
from email.utils import parsedate_to_datetime
from typing import Any

from nio import (
    AsyncClient,
    MegolmEvent,
    ReactionEvent,
    RedactionEvent,
    RoomMemberEvent,
    RoomMessagesResponse,
    RoomMessageText,
    SyncResponse,
)
from nio.api import MessageDirection

from bot.core.addressing import asks, bot_names, names_bot
from bot.core.clock import Clock, iso
from bot.core.config import Config
from bot.core.text import plural
from bot.matrix import inbox, pills
from bot.matrix.crypto import Crypto
from bot.matrix.responses import describe
from bot.matrix.rooms import Rooms
from bot.matrix.workers import RoomWorkers
from bot.storage.meta import put_meta
from bot.storage.store import Store

log = logging.getLogger(__name__)

SYNC_TIMEOUT_MS = 30_000
# Enough history per room that commands sent while the bot was down are not cut off.
# Members lazy-loaded: a sync carries the member events of the people whose events it
# carries (their display names), not the whole member list of a big room, which made the
# first sync after a start take seconds (parsing 1,000 member events); the full list is
# loaded in the background once the first sync's commands are queued (Rooms.load_members).
SYNC_FILTER = {"room": {"timeline": {"limit": 200}, "state": {"lazy_load_members": True}}}
# How far back a limited timeline is filled in after a downtime: pages of 100 events.
BACKFILL_PAGES = 20
# How far this machine's clock may be off the homeserver's before it is logged.
CLOCK_TOLERANCE = dt.timedelta(minutes=1)
_REPLY_FALLBACK = re.compile(r"\A(?:>[^\n]*\n)+\n?")


def strip_reply_fallback(body: str) -> str:
    """Replies carry the quoted original ('> <@alice> ...') before the text; drop it."""
    return _REPLY_FALLBACK.sub("", body, count=1) if body.startswith(">") else body


def homeserver_time(resp: Any) -> dt.datetime | None:
    """The homeserver's clock when it answered: the Date header of its HTTP response (to
    the second, rounded down); None without one."""
    headers = getattr(getattr(resp, "transport_response", None), "headers", None)
    date = headers.get("Date") if headers is not None else None
    if not isinstance(date, str):
        return None
    try:
        when = parsedate_to_datetime(date)
    except (TypeError, ValueError):
        return None
    return when.astimezone(dt.UTC) if when.tzinfo is not None else None


def _ms(when: dt.datetime) -> int:
    return int(when.timestamp() * 1000)


def _newest_event_ms(resp: SyncResponse) -> int | None:
    stamps = [
        e.server_timestamp
        for info in resp.rooms.join.values()
        for e in info.timeline.events
        if isinstance(getattr(e, "server_timestamp", None), int)
    ]
    return max(stamps, default=None)


def _span(delta: dt.timedelta) -> str:
    seconds = int(abs(delta).total_seconds())
    for unit, size in (("day", 86_400), ("hour", 3_600), ("minute", 60)):
        if seconds >= size:
            return plural(int(seconds / size + 0.5), unit)
    return plural(seconds, "second")


class Syncer:
    def __init__(
        self,
        client: AsyncClient,
        store: Store,
        config: Config,
        clock: Clock,
        rooms: Rooms,
        crypto: Crypto,
        workers: RoomWorkers,
        stopping: asyncio.Event,
    ):
        self.client = client
        self.store = store
        self.config = config
        self.clock = clock
        self.rooms = rooms
        self.crypto = crypto
        self.workers = workers
        self._stopping = stopping
        self._first_start_ms = 0
        self._clock_warned = False
        self._members: asyncio.Task[None] | None = None

    async def first(self) -> None:
        token = await self.store.get_meta("sync_token")
        mark = await self.store.get_meta("first_start_ms")
        self._first_start_ms = int(mark) if mark else 0
        while True:
            # full_state: room state (power levels, encryption, the members lazy-loading
            # includes) is not kept across restarts by nio without a store, so fetch it
            # once; the timeline since the token is still incremental.
            resp = await self.client.sync(timeout=0, since=token, full_state=True, sync_filter=SYNC_FILTER)
            if isinstance(resp, SyncResponse):
                break
            log.warning("first sync failed (%s); retrying", describe(resp))
            await self._sleep(2)
        server = homeserver_time(resp)
        self._check_clock(server)
        if token is None:
            # First start ever: what was said before the bot existed is not for it. The
            # mark is the homeserver's time (its events carry its timestamps), or failing
            # that its newest event: never this machine's clock, which may be off.
            first = _ms(server) if server is not None else _newest_event_ms(resp)
            if first is not None:
                await self.store.set_meta("first_start_ms", str(first))
            self._first_start_ms = first or 0
            await self.store.set_meta("sync_token", resp.next_batch)
            log.info("first start: skipped the rooms' history")
        elif server is not None and self._first_start_ms > _ms(server):
            # Written by a clock that was ahead: it would drop every event until the
            # homeserver's clock caught up with it. What this sync brings came after the
            # stored token, so after the first start: all of it is taken.
            marked = dt.datetime.fromtimestamp(self._first_start_ms / 1000, dt.UTC)
            log.warning(
                "the first-start mark (%s) is %s ahead of the homeserver's clock (%s): it was written by a "
                "clock that was ahead; reset to the homeserver's time",
                iso(marked),
                _span(marked - server),
                iso(server),
            )
            self._first_start_ms = 0
            await self.take(resp, since=token)
            self._first_start_ms = _ms(server)
            await self.store.set_meta("first_start_ms", str(self._first_start_ms))
        else:
            await self.take(resp, since=token)
        await self._after(resp)

    async def settle(self) -> None:
        """At start, once the served rooms are joined: a room joined just now (an invite
        accepted, a configured room joined) is known to the client only after a sync, and
        with encryption on nio sends nothing to a room it does not know. One more sync
        now, so what the announcer finds due at start goes out at once, not at its next
        tick a minute later."""
        if all(room_id in self.client.rooms for room_id in self.rooms.configured):
            return
        token = await self.store.get_meta("sync_token")
        resp = await self.client.sync(timeout=0, since=token, sync_filter=SYNC_FILTER)
        if not isinstance(resp, SyncResponse):
            return  # the sync loop tries again; a send that fails is retried
        await self.take(resp, since=token)
        await self._after(resp)

    def _check_clock(self, server: dt.datetime | None) -> None:
        """Warn once if this machine's clock is off the homeserver's by more than
        CLOCK_TOLERANCE: announcements, reminders and the records' times follow it."""
        if server is None or self._clock_warned:
            return
        off = self.clock.now() - server
        if abs(off) <= CLOCK_TOLERANCE:
            return
        self._clock_warned = True
        log.warning(
            "this machine's clock is %s %s the homeserver's (here %s, homeserver %s): announcements, reminders "
            "and recorded times follow this clock; set it right (NTP)",
            _span(off),
            "ahead of" if off > dt.timedelta(0) else "behind",
            iso(self.clock.now()),
            iso(server),
        )

    async def loop(self) -> None:
        """Until the bot is stopping."""
        failures = 0
        while not self._stopping.is_set():
            token = await self.store.get_meta("sync_token")
            sync = asyncio.ensure_future(
                self.client.sync(timeout=SYNC_TIMEOUT_MS, since=token, sync_filter=SYNC_FILTER)
            )
            stop = asyncio.ensure_future(self._stopping.wait())
            done, _ = await asyncio.wait({sync, stop}, return_when=asyncio.FIRST_COMPLETED)
            if sync not in done:
                sync.cancel()
                with contextlib.suppress(BaseException):
                    await sync
                break
            stop.cancel()
            try:
                resp = sync.result()
            except Exception as e:  # connection lost beyond nio's own retries
                resp = e
            if not isinstance(resp, SyncResponse):
                failures += 1
                wait = min(2**failures, 5)  # as nio waits between its own retries
                log.warning("sync failed (%s); retrying in %d s", describe(resp), wait)
                await self._sleep(wait)
                continue
            if failures:
                log.info("homeserver reachable again")
            failures = 0
            self._check_clock(homeserver_time(resp))
            await self.take(resp, since=token)
            await self._after(resp)

    async def _after(self, resp: SyncResponse) -> None:
        for room_id in resp.rooms.invite:
            await self.rooms.on_invite(room_id)
        await self.crypto.after_sync()
        if self._members is None or self._members.done():
            # Beside the commands just queued, not before them.
            self._members = asyncio.create_task(self._load_members(), name="load members")

    async def _load_members(self) -> None:
        try:
            await self.rooms.load_members()
        except Exception as e:  # the homeserver unreachable: the next sync tries again
            log.warning("could not load the rooms' members: %s", e)

    def close(self) -> None:
        if self._members is not None:
            self._members.cancel()

    async def take(self, resp: SyncResponse, since: str | None) -> None:
        """Write the commands of this sync and its token in one transaction, then queue them."""
        self.rooms.note_creators(resp)
        # A direct room its person left, or someone else came into, is left and no longer served.
        await self.rooms.direct.watch(resp)
        rows: list[tuple[str, str, str, str]] = []
        for room_id, info in resp.rooms.join.items():
            if room_id not in self.rooms.served:
                continue
            # In a direct room, only what its person does is for the bot.
            person = self.rooms.direct.person_of(room_id)
            events = info.timeline.events
            if info.timeline.limited and since and not any(self._is_own_join(e) for e in events):
                # More happened since the last sync than one sync carries (a long
                # downtime in a busy room): page back to the stored token.
                events = [*await self._backfill(room_id, info.timeline.prev_batch, since), *events]
            # A room the bot has just joined comes with its history: only what follows
            # the bot's own join is for it.
            joins = [i for i, e in enumerate(events) if self._is_own_join(e)]
            for event in events[joins[-1] + 1 :] if joins else events:
                if person is not None and getattr(event, "sender", None) != person:
                    continue
                item = self._inbox_item(room_id, event, direct=person is not None)
                if item is not None:
                    rows.append(item)
        now = self.clock.now()
        # Whose redactions take anyone's event out of the inbox (others take only their own).
        moderators = {
            (room_id, sender)
            for _, room_id, kind, payload in rows
            if kind == inbox.REDACTION and self.rooms.may_redact(room_id, sender := inbox.sender_of(payload))
        }

        def write(conn: sqlite3.Connection) -> list[tuple[str, str, int]]:
            new = inbox.add_on(conn, rows, now, moderators)
            put_meta(conn, "sync_token", resp.next_batch)
            put_meta(conn, "last_sync", iso(now))
            return new

        # One trip to the database thread for the transaction: every command waits for it.
        new = await self.store.run(write, write=True)
        for room_id, sender, seq in new:
            self.workers.enqueue(room_id, sender, seq)

    async def _backfill(self, room_id: str, start: str | None, since: str) -> list[Any]:
        """The events between `since` and a limited timeline's start, oldest first."""
        older: list[Any] = []
        for _ in range(BACKFILL_PAGES):
            if not start:
                break
            resp = await self.client.room_messages(
                room_id, start=start, end=since, direction=MessageDirection.back, limit=100
            )
            if not isinstance(resp, RoomMessagesResponse):
                log.warning("could not fetch the missed messages of %s: %s", room_id, describe(resp))
                break
            older.extend(resp.chunk)
            if not resp.chunk or not resp.end or resp.end == start:
                break
            start = resp.end
        else:
            log.warning("%s: more than %d missed events; the older ones are not answered", room_id, len(older))
        if older:
            log.info("fetched %d missed events of %s", len(older), room_id)
        return older[::-1]

    def _is_own_join(self, event: Any) -> bool:
        return (
            isinstance(event, RoomMemberEvent)
            and event.state_key == self.client.user_id
            and event.membership == "join"
            and event.prev_membership != "join"
        )

    def _inbox_item(self, room_id: str, event: Any, direct: bool = False) -> tuple[str, str, str, str] | None:
        if getattr(event, "sender", None) == self.client.user_id or isinstance(event, RoomMemberEvent):
            return None
        if event.server_timestamp < self._first_start_ms:
            return None  # from before the bot first started
        if isinstance(event, RoomMessageText):
            content = event.source.get("content", {})
            relates = content.get("m.relates_to") or {}
            if relates.get("rel_type") == "m.replace":
                return None  # an edit: the command was answered as first sent
            thread = relates.get("event_id") if relates.get("rel_type") == "m.thread" else None
            room = self.client.rooms.get(room_id)
            name = room.user_name(event.sender) if room else None
            # A pill shows a display name in the body; commands read the ID it links to.
            body = pills.with_ids(strip_reply_fallback(event.body or ""), content)
            addressed = False
            if not body.lstrip().startswith(self.config.matrix.command_prefix):
                # Only commands are kept, and what asks the bot something (answered with
                # where to start): people's conversation is none of our business.
                addressed = asks(body) and self._speaks_to_bot(room, content, body, direct)
                if not addressed:
                    return None
            payload = inbox.message(event.sender, event.server_timestamp, body, thread, name, addressed)
            return event.event_id, room_id, inbox.MESSAGE, payload
        if isinstance(event, ReactionEvent):
            room = self.client.rooms.get(room_id)
            name = room.user_name(event.sender) if room else None
            payload = inbox.reaction(event.sender, event.server_timestamp, event.reacts_to, event.key, name)
            return event.event_id, room_id, inbox.REACTION, payload
        if isinstance(event, RedactionEvent):
            payload = inbox.redaction(event.sender, event.server_timestamp, event.redacts)
            return event.event_id, room_id, inbox.REDACTION, payload
        if isinstance(event, MegolmEvent):
            self.crypto.undecryptable(room_id)
        return None

    def _speaks_to_bot(self, room: Any, content: dict[str, Any], body: str, direct: bool) -> bool:
        """In the bot's direct room, or mentioning it (m.mentions, as Element sets for a
        pill or a reply to the bot), or naming it by its ID or its display name there."""
        mentions = content.get("m.mentions")
        user_ids = mentions.get("user_ids") if isinstance(mentions, dict) else None
        if direct or (isinstance(user_ids, list) and self.client.user_id in user_ids):
            return True
        shown = room.user_name(self.client.user_id) if room else None
        return names_bot(body, bot_names(self.client.user_id, shown if isinstance(shown, str) else None))

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
