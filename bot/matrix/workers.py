"""Handling the inbox: one worker per room (rooms in parallel; in a room one command at a
time, people taking turns: each person's commands in the order sent, and one person's
backlog does not hold up anyone else). An entry is marked done only after its replies are
sent, so a crash or restart neither loses nor repeats an answer."""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import datetime as dt
import logging

from bot.core.clock import Clock
from bot.core.dispatcher import Dispatcher
from bot.core.model import IncomingMessage, IncomingReaction
from bot.matrix import inbox
from bot.matrix.rooms import Rooms
from bot.matrix.sender import MatrixSender
from bot.storage.store import StoreStopped

log = logging.getLogger(__name__)

# Handled commands are kept this long (so a redelivered event is recognised), then purged.
INBOX_RETENTION = dt.timedelta(days=7)
# At shutdown, how long the commands being handled are given to finish (in seconds).
CLOSE_WAIT = 3


class RoomWorkers:
    def __init__(self, dispatcher: Dispatcher, sender: MatrixSender, clock: Clock, rooms: Rooms | None = None):
        self.dispatcher = dispatcher
        self.store = dispatcher.services.store
        self.sender = sender
        self.clock = clock
        # Which rooms are served, and which of them are direct rooms and whose (None in
        # tests of the queue alone: every room is a conference room).
        self.rooms = rooms
        self._queues: dict[str, RoomQueue] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        # Entries queued and not yet handled; `settled` waits for none.
        self._unhandled = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def resume(self) -> None:
        """At start: forget what was handled long ago, and queue what was not handled."""
        purged = await inbox.purge(self.store, self.clock.now() - INBOX_RETENTION)
        if purged:
            log.info("purged %d handled commands older than %s", purged, INBOX_RETENTION)
        for room_id, sender, seq in await inbox.pending(self.store):
            self.enqueue(room_id, sender, seq)

    async def settled(self, within: float) -> bool:
        """Wait until every entry queued so far is handled, for at most `within` seconds;
        whether they were. At start, before what fell due while the bot was down is done:
        a vote to go on that closed meanwhile is counted with the reactions people made
        meanwhile, read first."""
        try:
            await asyncio.wait_for(self._idle.wait(), within)
        except TimeoutError:
            return False
        return True

    def enqueue(self, room_id: str, sender: str, seq: int) -> None:
        queue = self._queues.get(room_id)
        if queue is None:
            queue = self._queues[room_id] = RoomQueue()
            self._workers[room_id] = asyncio.create_task(self._work(queue), name=f"room {room_id}")
        self._unhandled += 1
        self._idle.clear()
        queue.put(sender, seq)

    async def close(self) -> None:
        """Let the commands already taken finish (they are in the inbox if they don't)."""
        for queue in self._queues.values():
            queue.close()
        if self._workers:
            _, pending = await asyncio.wait(self._workers.values(), timeout=CLOSE_WAIT)
            for task in pending:
                task.cancel()

    async def _work(self, queue: RoomQueue) -> None:
        while (seq := await queue.get()) is not None:
            try:
                await self._handle(seq)
            except StoreStopped:
                # The database is gone, or the bot stops while the disk is full: the entry
                # is left as it is, unanswered (the bot's top level says why, once).
                return
            except Exception:
                log.exception("handling inbox entry %s failed", seq)
                await inbox.mark_done(self.store, seq, self.clock.now())
            finally:
                self._unhandled -= 1
                if self._unhandled == 0:
                    self._idle.set()

    async def _handle(self, seq: int) -> None:
        entry = await inbox.take(self.store, seq)
        if entry is None:
            return
        data, ts, room_id = entry.fields, entry.at, entry.room_id
        if ts is None:  # blanked by `!forgetme` (earlier versions) before its turn: nothing is left of it
            await inbox.mark_done(self.store, seq, self.clock.now())
            return
        direct_for: str | None = None
        if self.rooms is not None:
            if room_id not in self.rooms.served:
                # A direct room left since (its person left it, someone else came in): what
                # was said there is not carried out, nor taken for a conference room's.
                log.info("not handling an event of %s, no longer a served room", room_id)
                await inbox.mark_done(self.store, seq, self.clock.now())
                return
            direct_for = self.rooms.direct.person_of(room_id)
        sent_to: IncomingMessage | None = None
        if entry.kind == inbox.MESSAGE:
            sent_to = IncomingMessage(
                sender=entry.sender,
                room_id=room_id,
                event_id=entry.event_id,
                body=data["body"],
                ts=ts,
                thread_root=data.get("thread_root"),
                sender_name=data.get("sender_name"),
                direct_for=direct_for,
                addressed=data.get("addressed") is True,
            )
            replies = await self.dispatcher.handle(sent_to)
        else:
            added = entry.kind == inbox.REACTION
            reaction = IncomingReaction(
                sender=entry.sender,
                room_id=room_id,
                event_id=entry.event_id if added else data["redacts"],
                target=data.get("target", ""),
                key=data.get("key", ""),
                ts=ts,
                added=added,
                sender_name=data.get("sender_name"),
                direct_for=direct_for,
            )
            # A reaction has nothing to reply to: any answer goes to its room.
            replies = [
                dataclasses.replace(r, room_id=r.room_id or room_id, key=r.key or f"answer:{entry.event_id}:{i}")
                for i, r in enumerate(await self.dispatcher.handle_reaction(reaction))
            ]
        await self.sender.send_all(replies, sent_to)
        await inbox.mark_done(self.store, seq, self.clock.now())
        if self.rooms is not None:
            await self.rooms.direct.leave_forgotten()  # after `!forgetme`'s answer, sent there maybe


class RoomQueue:
    """A room's inbox entries, handed out one at a time with people taking turns.

    Each person's entries come in the order they were sent. A person whose turn has come
    gets one entry handled, then goes behind everyone else waiting: so with a flood of 200
    commands from one person queued, another person's command waits for at most the one
    being handled, while without a backlog the room's commands are handled in the order
    they came. Still one at a time per room, so commands never race each other.
    """

    def __init__(self) -> None:
        self._waiting: dict[str, collections.deque[int]] = {}
        self._turns: collections.deque[str] = collections.deque()
        self._ready = asyncio.Event()
        self._closed = False

    def put(self, sender: str, seq: int) -> None:
        entries = self._waiting.get(sender)
        if entries is None:
            entries = self._waiting[sender] = collections.deque()
            self._turns.append(sender)
        entries.append(seq)
        self._ready.set()

    def close(self) -> None:
        """`get` answers None once what is queued is handed out."""
        self._closed = True
        self._ready.set()

    async def get(self) -> int | None:
        while not self._turns:
            if self._closed:
                return None
            self._ready.clear()
            await self._ready.wait()
        sender = self._turns.popleft()
        entries = self._waiting[sender]
        seq = entries.popleft()
        if entries:
            self._turns.append(sender)
        else:
            del self._waiting[sender]
        return seq
