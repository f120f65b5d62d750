"""Sync: the first sync and the sync loop. The events of served rooms that are for the bot
(commands, reactions, redactions; in a direct-message room only its person's) are written
to the inbox in the same transaction as the sync token that delivered them, then handed to
the room workers; a timeline cut short by a long downtime is filled in from the room's
history first."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sqlite3
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

from bot.core.clock import Clock, iso
from bot.core.config import Config
from bot.matrix import inbox
from bot.matrix.crypto import Crypto
from bot.matrix.rooms import Rooms
from bot.matrix.sender import describe
from bot.matrix.workers import RoomWorkers
from bot.storage.store import Store, put_meta

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
_REPLY_FALLBACK = re.compile(r"\A(?:>[^\n]*\n)+\n?")


def strip_reply_fallback(body: str) -> str:
    """Replies carry the quoted original ('> <@alice> ...') before the text; drop it."""
    return _REPLY_FALLBACK.sub("", body, count=1) if body.startswith(">") else body


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
        self._members: asyncio.Task[None] | None = None

    async def first(self) -> None:
        token = await self.store.get_meta("sync_token")
        first = await self.store.get_meta("first_start_ms")
        if first is None:
            first = str(int(self.clock.now().timestamp() * 1000))
            await self.store.set_meta("first_start_ms", first)
        self._first_start_ms = int(first)
        while True:
            # full_state: room state (power levels, encryption, the members lazy-loading
            # includes) is not kept across restarts by nio without a store, so fetch it
            # once; the timeline since the token is still incremental.
            resp = await self.client.sync(timeout=0, since=token, full_state=True, sync_filter=SYNC_FILTER)
            if isinstance(resp, SyncResponse):
                break
            log.warning("first sync failed (%s); retrying", describe(resp))
            await self._sleep(2)
        if token is None:
            # First start ever: what was said before the bot existed is not for it.
            await self.store.set_meta("sync_token", resp.next_batch)
            log.info("first start: skipped the rooms' history")
        else:
            await self.take(resp, since=token)
        await self._after(resp)

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
                item = self._inbox_item(room_id, event)
                if item is not None:
                    rows.append(item)
        now = self.clock.now()

        def write(conn: sqlite3.Connection) -> list[tuple[str, str, int]]:
            new = inbox.add_on(conn, rows, now)
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

    def _inbox_item(self, room_id: str, event: Any) -> tuple[str, str, str, str] | None:
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
            body = strip_reply_fallback(event.body or "")
            if not body.lstrip().startswith(self.config.matrix.command_prefix):
                return None  # only commands are kept: people's conversation is none of our business
            payload = inbox.message(event.sender, event.server_timestamp, body, thread, name)
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

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
