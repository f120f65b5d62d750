"""Sending the messages the bot sends on its own, each exactly once: the announcements,
the host-wait notice and the automatic close.

Everything is driven by the clock: `Announcer.run_due()` does whatever has fallen due at
`clock.now()` (planning.py says what that is), so tests walk through weeks and restarts
without sleeping; the scheduler (jobs.py) only decides *when* to call it. The database is
the record of what was sent: one `announcements` row per (session, lead, room), written as
'sending' before the send and marked 'sent' with the event id after it. A 'sending' row
found later (a crash, a failed send) is sent again with the same key, from which the Matrix
adapter derives the transaction id, so the homeserver shows it once. One no longer to be
sent (past its grace window, or a later one due) is looked for first among the bot's own
messages: shown before the crash, it is recorded as sent, not skipped.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Protocol

import aiosqlite

from bot.core.clock import Clock, iso, parse_iso
from bot.core.config import Config
from bot.core.model import Anchor, Relay, Reply, Sender, went_out
from bot.features.announcements import repository as announcements
from bot.features.announcements.messages import Wording, announcement_of, cancellation_of, host_wait_of
from bot.features.announcements.planning import Due, due_between
from bot.features.announcements.repository import AnnouncementStatus
from bot.features.announcements.timing import LOOKBACK, Lead, Notice, deadline, lead_of, superseded_by
from bot.features.schedule.weekly_sessions import Session, session_from_key
from bot.features.sessions import repository
from bot.features.sessions.summary import summary_of
from bot.features.sessions.timeline import Phase, Timeline
from bot.storage.store import Store

log = logging.getLogger(__name__)

# When the announcer last ran (meta): after a downtime longer than LOOKBACK, what fell due
# since then is still looked at, so each skipped message gets its log line.
LAST_RUN = "announcer_last_run"


class Rider(Protocol):
    """Something else sent on its own on the announcer's clock (the reminders by direct
    message): one scheduler, one lock, one catch-up after a downtime. `due_times` says when
    it has something to do in [start, end] (job ids, without JOB_PREFIX, and times), and
    `run_due` does whatever is due at `now` and resends what a crash left unsent, looking
    back to `since` (the last run, before a long downtime) when it is earlier than LOOKBACK."""

    async def due_times(self, start: dt.datetime, end: dt.datetime) -> list[tuple[str, dt.datetime]]: ...

    async def run_due(self, now: dt.datetime, since: dt.datetime | None = None) -> None: ...


# Something that closes with a session closed automatically, inside the close's transaction
# (Lean Coffee's topic being discussed), told the session's key and when it closed.
SessionClosing = Callable[[aiosqlite.Connection, str, dt.datetime], Awaitable[None]]


def reply_key(session_key: str, lead: Lead | Notice, room_id: str, recorded: dt.datetime | None = None) -> str:
    """The stable key of a room message (the transaction id is derived from it). A
    session can be cancelled, lifted and cancelled again, and the homeserver remembers a
    transaction id for a while: a cancellation notice's key carries when it was recorded
    (after a '#'), so a second one is a new message, not a resend of the first."""
    key = f"announce:{session_key}:{lead}:{room_id}"
    if lead == Notice.CANCELLED and recorded is not None:
        return f"{key}#{recorded:%Y%m%dT%H%M%S}"
    return key


class Announcer:
    """Records, sends and marks what is due; `wording` says how the messages read."""

    def __init__(
        self, store: Store, config: Config, clock: Clock, sender: Sender, wording: Wording, schedule_changed: Relay
    ):
        self.store = store
        self.config = config
        self.clock = clock
        # Called by the commands that change what is due; the jobs (jobs.py) bind it.
        self.schedule_changed = schedule_changed
        self.sender = sender
        self.wording = wording
        self._lock = asyncio.Lock()
        # Riders run after the announcements, in the same job and under the same lock.
        self.riders: list[Rider] = []
        # What closes with a session closed automatically, before its summary is queued.
        self.closing: list[SessionClosing] = []

    @property
    def _rooms(self) -> tuple[str, ...]:
        return self.config.matrix.rooms

    async def run_due(self) -> None:
        """Do everything due now, and resend whatever a crash or failure left unsent.
        Safe to call at any time and as often as wanted."""
        async with self._lock:
            store, now = self.store, self.clock.now()
            last = await store.get_meta(LAST_RUN)
            since = min(parse_iso(last), now - LOOKBACK) if last else None
            for item in await due_between(self.config, store, since or now - LOOKBACK, now):
                try:
                    await self._fire(item, now)
                except Exception:
                    log.exception("%s for session %s failed", item.lead, item.session.key)
            await self._send_pending(now)
            for rider in self.riders:
                try:
                    await rider.run_due(now, since)
                except Exception:
                    log.exception("%s failed", type(rider).__name__)
            if last is None or parse_iso(last) < now:
                await store.set_meta(LAST_RUN, iso(now))

    async def _fire(self, item: Due, now: dt.datetime) -> None:
        store = self.store
        if item.lead == Notice.AUTO_CLOSE:
            await self._auto_close(item)
            return
        conf = self.config.conference
        late = now > deadline(conf, item.session, item.lead)
        superseded = None if late else superseded_by(conf, item.session, item.lead, now)
        needless = item.lead == Notice.HOST_WAIT and await self._no_longer_waiting(item.session, now)
        status = AnnouncementStatus.SKIPPED if late or superseded or needless else AnnouncementStatus.SENDING
        added = await store.transaction(
            lambda db: announcements.record(db, item.session.key, item.lead, self._rooms, status, now)
        )
        if added and late:
            log.warning(
                "%s announcement for session %s was due at %s and is past its grace window "
                "(was the bot down?): skipped",
                item.lead,
                item.session.key,
                iso(item.at),
            )
        elif added and superseded:
            log.warning(
                "%s announcement for session %s was due at %s, and the %s one is due too (was the bot down?): skipped",
                item.lead,
                item.session.key,
                iso(item.at),
                superseded,
            )

    async def _no_longer_waiting(self, session: Session, now: dt.datetime) -> bool:
        """The host-wait notice is wanted only while the session waits for its host (not
        once a host started it, or an organiser called it off)."""
        return (await Timeline.load(self.store, self.config, now)).phase(session) is not Phase.WAITING

    async def _auto_close(self, item: Due) -> None:
        """Close a session nobody ended, 3 h after its start, and queue its summary.
        The close and the queued messages are one transaction: done once, or not at all."""
        store, key = self.store, item.session.key

        async def close(db: aiosqlite.Connection) -> bool:
            if not await repository.close_session(db, key, None, item.at, auto=True):
                return False
            for also in self.closing:
                await also(db, key, item.at)
            await announcements.record(db, key, Notice.SUMMARY, self._rooms, AnnouncementStatus.SENDING, item.at)
            return True

        if await store.transaction(close):
            log.info("session %s closed automatically", key)

    async def _send_pending(self, now: dt.datetime) -> None:
        """Every room at once, each room's messages in order (a host-wait notice goes into
        the thread its `0m` announcement opens): with several rooms, the last room's
        announcement does not wait for every other room's send."""
        by_room: dict[str, list[tuple[str, str, dt.datetime]]] = {}
        for key, stored, room, recorded in await announcements.pending(self.store):
            by_room.setdefault(room, []).append((key, stored, recorded))

        async def room_in_turn(room: str, items: list[tuple[str, str, dt.datetime]]) -> None:
            for key, stored, recorded in items:
                await self._send_one(key, stored, room, recorded, now)

        await side_by_side(room_in_turn(room, items) for room, items in by_room.items())

    async def _send_one(self, key: str, stored: str, room: str, recorded: dt.datetime, now: dt.datetime) -> None:
        store = self.store
        try:
            lead = lead_of(stored)
            session = session_from_key(self.config, key)
            conf = self.config.conference
            late = now > deadline(conf, session, lead)
            superseded = None if late else superseded_by(conf, session, lead, now)
            if late or superseded:
                # Not sent now; but a send cut short by a crash may have gone out.
                what = f"{lead} announcement for session {key} to {room}"
                event_id, checked = await went_out(
                    self.sender, room, reply_key(key, lead, room, recorded), recorded, what, log
                )
                if event_id is None:
                    await self._mark(key, lead, room, AnnouncementStatus.SKIPPED, None, now)
                    why = "in time" if late else f"and the {superseded} one is due now"
                    whether = "never went out" if checked else "may have gone out (it could not be checked)"
                    log.warning("%s announcement for session %s to %s %s, %s; skipped", lead, key, room, whether, why)
                    return
            else:
                reply = await self.message(session, lead, room, now, recorded)
                if reply is None:
                    await self._mark(key, lead, room, AnnouncementStatus.SKIPPED, None, now)
                    return
                event_id = await self.sender.send(reply)
        except Exception:
            log.exception("sending %s for session %s to %s failed; will retry", stored, key, room)
            return
        if event_id is None:
            log.warning("sending %s for session %s to %s failed; will retry", lead, key, room)
            return
        if isinstance(lead, Lead) and lead.at_start and await repository.thread_root(store, key, room) is None:
            await repository.set_thread_root(store, key, room, event_id)
        await self._mark(key, lead, room, AnnouncementStatus.SENT, event_id, now)

    async def _mark(
        self,
        key: str,
        lead: Lead | Notice,
        room: str,
        status: AnnouncementStatus,
        event_id: str | None,
        now: dt.datetime,
    ) -> None:
        await announcements.mark(self.store, key, lead, room, status, event_id, now)

    # --- the messages ------------------------------------------------------------

    async def message(
        self, session: Session, lead: Lead | Notice, room: str, now: dt.datetime, recorded: dt.datetime | None = None
    ) -> Reply | None:
        """The message `lead` for a session in a room, or None if it is no longer wanted;
        `recorded` is when its row was written (a cancellation notice's key carries it)."""
        store, key = self.store, session.key
        wording, config = self.wording, self.config
        reply_to = reply_key(key, lead, room, recorded)
        root = await repository.thread_root(store, key, room)
        if lead == Notice.CANCELLED:
            notice = await cancellation_of(store, config, session, now)
            return Reply.of(wording.cancellation(config, notice), room_id=room, key=reply_to)
        if lead == Notice.SUMMARY:
            summary = await summary_of(store, key, now)
            return Reply.of(wording.summary(config, summary), room_id=room, thread_root=root, key=reply_to)
        if lead == Notice.HOST_WAIT:
            if await self._no_longer_waiting(session, now):
                return None
            wait = await host_wait_of(store, config, session)
            text = wording.host_wait(config, wait)
            return Reply.of(text, mentions=wait.mentions, room_id=room, thread_root=root, key=reply_to)
        if not isinstance(lead, Lead):
            raise ValueError(f"{lead} sends no message")
        before = lead.before
        positive = [d for d in config.conference.announce_before if d > dt.timedelta(0)]
        # Volunteers are pinged in the last reminder before the start (`15m` by default).
        ping = bool(positive) and before == min(positive)
        # The `0m` one opens the thread, unless a host started early and the thread exists
        # already; notes left with !late before the thread opened go into it.
        opens_thread = lead.at_start and root is None
        made = await announcement_of(store, session, now, ping=ping, lead=before, late=opens_thread)
        text, mentions = wording.announcement(config, made), made.mentions
        if lead.at_start:
            anchor = Anchor("session", key)
            return Reply.of(text, mentions=mentions, room_id=room, thread_root=root, anchor=anchor, key=reply_to)
        return Reply.of(text, mentions=mentions, room_id=room, key=reply_to)


async def side_by_side(jobs: Iterable[Awaitable[None]]) -> None:
    """Run the jobs together. Should one end the run (a cancellation, the process being
    stopped), the others stop at once too, as a dying process's would: what they had not
    marked sent is still recorded as pending, and resent with the same key at the next run.
    The announcements to the rooms and the reminders by direct message are sent this way."""
    tasks = [asyncio.ensure_future(job) for job in jobs]
    try:
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
        # Until they have stopped: when the run ends, none of its sends is still going.
        await asyncio.gather(*tasks, return_exceptions=True)
