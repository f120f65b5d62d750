"""Keeping each served room's agenda message current.

Any handled command or reaction calls `changed()`; so does a tick every minute (a session
becoming the next one, a session closed automatically). A change wakes the keeper, which
renders at most once per `window` seconds: the first change of a quiet spell shows at
once, the rest of a burst is gathered into one more render after the window. A render
whose text is the one last sent (its hash is stored) sends nothing, so a burst of 50 votes
costs a handful of edits and a tick with nothing new costs none.

The keeper talks to the room through `AgendaPort` (post, edit, pin), which the Matrix
adapter implements; time through the clock it is given and an injected `sleep`, so tests
drive it without waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Collection, Iterable
from enum import StrEnum
from typing import Protocol

from bot.core.clock import Clock
from bot.core.config import Config
from bot.core.model import AgendaPosted
from bot.core.text import Text
from bot.features.agenda import repository as agendas
from bot.features.agenda.service import AgendaData, gather
from bot.storage.store import Store, StoreStopped

log = logging.getLogger(__name__)

# Renders of the agenda are at least this far apart (Matrix edits are rate limited).
WINDOW_SECONDS = 4.0
# What depends on the time alone (the next session, an automatic close) is looked at this often.
TICK_SECONDS = 60.0


class EditOutcome(StrEnum):
    DONE = "done"
    REFUSED = "refused"  # by the homeserver, for good: post a new agenda instead
    FAILED = "failed"  # for a passing reason: tried again at the next change or tick


class PinOutcome(StrEnum):
    PINNED = "pinned"
    NOT_ALLOWED = "not allowed"  # the bot's power level is below what pinning needs
    FAILED = "failed"


class AgendaPort(Protocol):
    """The room side of the agenda: a Matrix adapter, or a test double."""

    def joined(self, room_id: str) -> bool:
        """Whether the bot is in the room (an agenda can be posted there)."""
        ...

    async def post(self, room_id: str, text: Text, key: str) -> str | None:
        """A new m.notice pinging nobody; its event id, or None if it could not be sent.
        The same `key` again (a resend after a crash) must not show a second message."""
        ...

    async def edit(self, room_id: str, event_id: str, text: Text) -> EditOutcome: ...

    async def exists(self, room_id: str, event_id: str) -> bool:
        """False when the event was redacted or is gone; True when it is there, or when
        that could not be found out (a network failure is no reason to post anew)."""
        ...

    async def pin(self, room_id: str, event_id: str, unpin: Collection[str]) -> PinOutcome:
        """Add `event_id` to the room's pinned events, keeping the others except `unpin`."""
        ...


Render = Callable[[AgendaData], Text]
Sleep = Callable[[float], Awaitable[None]]


class AgendaKeeper:
    def __init__(
        self,
        store: Store,
        config: Config,
        clock: Clock,
        port: AgendaPort,
        render: Render,
        rooms: Iterable[str],
        *,
        sleep: Sleep = asyncio.sleep,
        window: float = WINDOW_SECONDS,
        tick: float = TICK_SECONDS,
    ):
        self.store = store
        self.config = config
        self.clock = clock
        self.port = port
        self.render = render
        self.rooms = tuple(rooms)
        self._sleep = sleep
        self.window = window
        self.tick = tick
        self._dirty = asyncio.Event()
        self._lock = asyncio.Lock()
        self._last: dt.datetime | None = None
        self._checked: set[str] = set()  # rooms whose stored agenda was looked at since start
        self._refusal_logged: set[str] = set()
        self._not_joined: list[str] = []
        self._task: asyncio.Task[None] | None = None
        self.busy = False  # rendering or sending (not waiting for a change or the window)
        # What was sent, for the benchmark and the tests.
        self.posts = 0
        self.edits = 0

    # --- the loop --------------------------------------------------------------------

    def changed(self) -> None:
        self._dirty.set()

    async def settle(self) -> None:
        """Return once a change just made has been taken up and sent (tests, benchmarks)."""
        for _ in range(10):
            await asyncio.sleep(0)
        while self.busy:  # noqa: ASYNC110 - polls the keeper's own flag, briefly
            await asyncio.sleep(0.001)
        for _ in range(10):
            await asyncio.sleep(0)

    def start(self) -> None:
        self._dirty.set()  # the first pass: post, or check the stored agenda after a restart
        self._task = asyncio.create_task(self.run(), name="agenda")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def run(self) -> None:
        while True:
            await self._wait_for_change()
            if self._last is not None:
                wait = self.window - (self.clock.now() - self._last).total_seconds()
                if wait > 0:
                    await self._sleep(wait)  # changes meanwhile are rendered together
            self.busy = True
            self._dirty.clear()
            self._last = self.clock.now()
            try:
                await self.refresh()
            except StoreStopped:
                return  # the database is gone, or the bot stops while the disk is full
            except Exception:
                log.exception("keeping the agenda current failed; tried again at the next change")
            finally:
                self.busy = False

    async def _wait_for_change(self) -> None:
        if self._dirty.is_set():
            return
        # A room not joined yet (an invite accepted at start) is looked at again soon.
        ticker = asyncio.ensure_future(self._sleep(self.window if self._not_joined else self.tick))
        change = asyncio.ensure_future(self._dirty.wait())
        try:
            await asyncio.wait({ticker, change}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (ticker, change):
                task.cancel()

    # --- one pass --------------------------------------------------------------------

    async def _text(self) -> Text:
        return self.render(await gather(self.store, self.config, self.clock.now()))

    async def refresh(self) -> None:
        """Bring every room's agenda up to date now."""
        async with self._lock:
            text = await self._text()
            self._not_joined = [r for r in self.rooms if not self.port.joined(r)]
            for room_id in self.rooms:
                if room_id not in self._not_joined:
                    await self._refresh_room(room_id, text)

    async def _refresh_room(self, room_id: str, text: Text) -> None:
        store, now = self.store, self.clock.now()
        digest = agendas.text_hash(text.plain, text.html)
        stored = await agendas.agenda_of(store, room_id)
        if stored is None:
            await self._post(room_id, text, digest, unpin=())
            return
        first_look = room_id not in self._checked
        if stored.text_hash == digest and not first_look:
            return
        if not await self.port.exists(room_id, stored.event_id):
            log.info("the agenda in %s was removed (redacted); posting a new one", room_id)
            await self._post(room_id, text, digest, unpin=(stored.event_id,))
            return
        self._checked.add(room_id)
        if first_look and self._pin_wanted() and not stored.pinned:
            await self._pin(room_id, stored.event_id, (), was_refused=stored.pin_refused)
        if stored.text_hash == digest:
            return
        outcome = await self.port.edit(room_id, stored.event_id, text)
        if outcome is EditOutcome.DONE:
            self.edits += 1
            await agendas.edited(store, room_id, digest, now)
        elif outcome is EditOutcome.REFUSED:
            log.warning("editing the agenda in %s was refused; posting a new one", room_id)
            await self._post(room_id, text, digest, unpin=(stored.event_id,))

    async def _post(self, room_id: str, text: Text, digest: str, unpin: Collection[str]) -> AgendaPosted:
        store = self.store
        # Keyed by the agenda it replaces: posted again after a crash before it was
        # recorded, the homeserver recognises the transaction and shows it once.
        replaced = next(iter(unpin), "first")
        event_id = await self.port.post(room_id, text, f"agenda:{room_id}:{replaced}")
        if event_id is None:
            return AgendaPosted(None)
        self.posts += 1
        await agendas.posted(store, room_id, event_id, digest, self.clock.now())
        self._checked.add(room_id)
        if not self._pin_wanted():
            return AgendaPosted(event_id, pin_off=True)
        outcome = await self._pin(room_id, event_id, unpin, was_refused=False)
        return AgendaPosted(
            event_id, pinned=outcome is PinOutcome.PINNED, pin_refused=outcome is PinOutcome.NOT_ALLOWED
        )

    def _pin_wanted(self) -> bool:
        return self.config.agenda.pin

    async def _pin(self, room_id: str, event_id: str, unpin: Collection[str], *, was_refused: bool) -> PinOutcome:
        outcome = await self.port.pin(room_id, event_id, unpin)
        refused = outcome is PinOutcome.NOT_ALLOWED
        if refused and not was_refused and room_id not in self._refusal_logged:
            self._refusal_logged.add(room_id)
            log.warning(
                "my power level in %s does not allow pinning the agenda; it is kept current unpinned "
                "(give the bot the power level for m.room.pinned_events, then `!agenda`)",
                room_id,
            )
        elif outcome is PinOutcome.FAILED:
            log.warning("pinning the agenda in %s failed; tried again at the next start or `!agenda`", room_id)
        await agendas.pin_state(self.store, room_id, pinned=outcome is PinOutcome.PINNED, refused=refused)
        return outcome

    async def repost(self, room_id: str) -> AgendaPosted | None:
        """`!agenda`: a fresh agenda in `room_id`, pinned in place of the old one."""
        if room_id not in self.rooms:
            return None
        async with self._lock:
            text = await self._text()
            stored = await agendas.agenda_of(self.store, room_id)
            digest = agendas.text_hash(text.plain, text.html)
            return await self._post(room_id, text, digest, unpin=(stored.event_id,) if stored else ())
