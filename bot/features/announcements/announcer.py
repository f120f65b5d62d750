"""Announcements, the host-wait notice and the automatic close: messages the bot sends on
its own, each exactly once.

Everything is driven by the clock: `run_due()` does whatever has fallen due at
`clock.now()`, so tests walk through weeks and restarts without sleeping, and the
scheduler only decides *when* to call it. The database is the record of what was sent:
one `announcements` row per (session, lead, room), written as 'sending' before the send
and marked 'sent' with the event id after it. A 'sending' row found later (a crash, a
failed send) is sent again with the same key, from which the Matrix adapter derives the
transaction id, so the homeserver shows it once. One no longer to be sent (past its grace
window, or a later one due) is looked for first among the bot's own messages: shown
before the crash, it is recorded as sent, not skipped.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

import aiosqlite

from bot.core.clock import iso, parse_iso
from bot.core.config import ConferenceConfig, Config
from bot.core.dispatcher import Services
from bot.core.model import Anchor, Reply, Sender, went_out
from bot.core.text import Text
from bot.features.announcements import repository as announcements
from bot.features.announcements.repository import AnnouncementStatus, Lead, Notice, lead_of
from bot.features.schedule.repository import (
    Cancellations,
    Session,
    load_cancellations,
    next_held_sessions,
    session_from_key,
    sessions_between,
)
from bot.features.sessions import hosts, lifecycle, repository
from bot.features.sessions.hosts import Person
from bot.features.sessions.repository import LateComer
from bot.features.sessions.summary import Summary, summary_of
from bot.features.topics.repository import Topic, top_open_topics
from bot.storage.store import StoreStopped

log = logging.getLogger(__name__)

# Due items older than this are not looked at any more (a bot down for a long time
# does not dig up old sessions on start); within it, missed ones are skipped and logged.
LOOKBACK = dt.timedelta(days=1)
# How far ahead scheduler jobs are planned; a periodic tick re-plans.
HORIZON = dt.timedelta(days=8)
TICK_SECONDS = 60
AGENDA_SIZE = 5
# A reminder sent this little after its time (a job run by the next minute's tick) still
# states its lead; one sent later, after a downtime, says the time actually left.
ON_TIME = dt.timedelta(seconds=2 * TICK_SECONDS)
JOB_PREFIX = "ccc:"
TICK_JOB = "ccc-tick"
# A run and re-plan asked for by a command that changed what is due.
CHANGED_JOB = "ccc-changed"
# When the announcer last ran (meta): after a downtime longer than LOOKBACK, what fell due
# since then is still looked at, so each skipped message gets its log line.
LAST_RUN = "announcer_last_run"


@dataclass(frozen=True)
class Due:
    """Something to do for a session at `at`: send the message `lead` to every room
    (a reminder, or the CANCELLED / HOST_WAIT notice), or close it (AUTO_CLOSE)."""

    session: Session
    lead: Lead | Notice
    at: dt.datetime

    @property
    def job_id(self) -> str:
        return f"{JOB_PREFIX}{self.session.key}:{self.lead}"


class Rider(Protocol):
    """Something else sent on its own on the announcer's clock (the reminders by direct
    message): one scheduler, one lock, one catch-up after a downtime. `due_times` says when
    it has something to do in [start, end] (job ids, without JOB_PREFIX, and times), and
    `run_due` does whatever is due at `now` and resends what a crash left unsent, looking
    back to `since` (the last run, before a long downtime) when it is earlier than LOOKBACK."""

    async def due_times(self, start: dt.datetime, end: dt.datetime) -> list[tuple[str, dt.datetime]]: ...

    async def run_due(self, now: dt.datetime, since: dt.datetime | None = None) -> None: ...


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
    def __init__(self, services: Services, sender: Sender):
        self.services = services
        self.sender = sender
        self._lock = asyncio.Lock()
        self._plan_lock = asyncio.Lock()
        self._scheduler: Any = None
        self._closing = False
        self._running = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._changed_lock = asyncio.Lock()
        self._changed_asked = False
        # Riders run after the announcements, in the same job and under the same lock.
        self.riders: list[Rider] = []

    @property
    def _conf(self) -> ConferenceConfig:
        return self.services.config.conference

    @property
    def _rooms(self) -> tuple[str, ...]:
        return self.services.config.matrix.rooms

    # --- what is due when --------------------------------------------------------

    def deadline(self, session: Session, lead: Lead | Notice) -> dt.datetime:
        """After this a message not yet sent is skipped. A reminder that fell due while
        the bot was down goes out only within the grace window and before the start; the
        `0m` one (the thread root) within the grace window; a cancellation notice any
        time before the start."""
        grace = dt.timedelta(minutes=self._conf.announce_grace_minutes)
        start = session.starts_at
        if isinstance(lead, Lead):
            before = lead.before
            return start - before + grace if lead.at_start else min(start - before + grace, start)
        if lead == Notice.CANCELLED:
            return start
        if lead == Notice.HOST_WAIT:
            return start + dt.timedelta(minutes=self._conf.host_wait_minutes) + grace
        if lead == Notice.SUMMARY:
            return start + LOOKBACK
        raise ValueError(f"{lead} sends no message")

    def superseded_by(self, session: Session, lead: Lead | Notice, now: dt.datetime) -> Lead | None:
        """The latest later announcement of the same session that is due by `now`, if
        any: then a reminder `lead` whose time passed (the bot was down) is not sent, so
        nobody reads "starts in 15 minutes" followed by "starts now"."""
        if not isinstance(lead, Lead):
            return None
        later = [d for d in self._conf.announce_before if d < lead.before and session.starts_at - d <= now]
        return Lead(min(later)) if later else None

    async def due_between(self, start: dt.datetime, end: dt.datetime) -> list[Due]:
        """Everything falling due in [start, end], in time order; automatic closes of
        sessions still running are included however old they are."""
        conf = self._conf
        leads = conf.announce_before
        max_lead = max(leads, default=dt.timedelta(0))
        wait = dt.timedelta(minutes=conf.host_wait_minutes)
        cancels = await load_cancellations(self.services.store)
        items: list[Due] = []
        for session in sessions_between(self.services.config, start - wait, end + max_lead + dt.timedelta(seconds=1)):
            items.extend(self._due_for(session, cancels))
        for state in await repository.running_sessions(self.services.store):
            assert state.started_at is not None
            at = state.started_at + lifecycle.AUTO_CLOSE_AFTER
            if at <= end:
                items.append(Due(session_from_key(self.services.config, state.key), Notice.AUTO_CLOSE, at))
        return sorted(
            (i for i in items if i.lead == Notice.AUTO_CLOSE or start <= i.at <= end), key=lambda i: (i.at, i.job_id)
        )

    def _due_for(self, session: Session, cancels: Cancellations) -> list[Due]:
        leads = self._conf.announce_before
        cancellation = cancels.of(session)
        if cancellation is not None:
            # One notice instead of the reminders: when the first reminder would have
            # gone, or at once if the session was cancelled later than that.
            if not leads:
                return []
            at = max(session.starts_at - max(leads), cancellation.cancelled_at)
            return [Due(session, Notice.CANCELLED, at)] if at < session.starts_at else []
        items = [Due(session, Lead(lead), session.starts_at - lead) for lead in leads]
        wait = dt.timedelta(minutes=self._conf.host_wait_minutes)
        items.append(Due(session, Notice.HOST_WAIT, session.starts_at + wait))
        return items

    # --- doing it ----------------------------------------------------------------

    async def run_due(self) -> None:
        """Do everything due now, and resend whatever a crash or failure left unsent.
        Safe to call at any time and as often as wanted."""
        async with self._lock:
            store, now = self.services.store, self.services.clock.now()
            last = await store.get_meta(LAST_RUN)
            since = min(parse_iso(last), now - LOOKBACK) if last else None
            for item in await self.due_between(since or now - LOOKBACK, now):
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
        store = self.services.store
        if item.lead == Notice.AUTO_CLOSE:
            await self._auto_close(item)
            return
        late = now > self.deadline(item.session, item.lead)
        superseded = None if late else self.superseded_by(item.session, item.lead, now)
        needless = item.lead == Notice.HOST_WAIT and await self._host_arrived(item.session.key)
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

    async def _host_arrived(self, key: str) -> bool:
        state = await repository.state_of(self.services.store, key)
        return state is not None and state.started_at is not None

    async def _auto_close(self, item: Due) -> None:
        """Close a session nobody ended, 3 h after its start, and queue its summary.
        The close and the queued messages are one transaction: done once, or not at all."""
        store, key = self.services.store, item.session.key

        async def close(db: aiosqlite.Connection) -> bool:
            if not await repository.close_session(db, key, None, item.at, auto=True):
                return False
            await announcements.record(db, key, Notice.SUMMARY, self._rooms, AnnouncementStatus.SENDING, item.at)
            return True

        if await store.transaction(close):
            log.info("session %s closed automatically", key)

    async def _send_pending(self, now: dt.datetime) -> None:
        """Every room at once, each room's messages in order (a host-wait notice goes into
        the thread its `0m` announcement opens): with several rooms, the last room's
        announcement does not wait for every other room's send."""
        by_room: dict[str, list[tuple[str, str, dt.datetime]]] = {}
        for key, stored, room, recorded in await announcements.pending(self.services.store):
            by_room.setdefault(room, []).append((key, stored, recorded))

        async def room_in_turn(room: str, items: list[tuple[str, str, dt.datetime]]) -> None:
            for key, stored, recorded in items:
                await self._send_one(key, stored, room, recorded, now)

        await side_by_side(room_in_turn(room, items) for room, items in by_room.items())

    async def _send_one(self, key: str, stored: str, room: str, recorded: dt.datetime, now: dt.datetime) -> None:
        store = self.services.store
        try:
            lead = lead_of(stored)
            session = session_from_key(self.services.config, key)
            late = now > self.deadline(session, lead)
            superseded = None if late else self.superseded_by(session, lead, now)
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
        await announcements.mark(self.services.store, key, lead, room, status, event_id, now)

    # --- the messages ------------------------------------------------------------

    async def message(
        self, session: Session, lead: Lead | Notice, room: str, now: dt.datetime, recorded: dt.datetime | None = None
    ) -> Reply | None:
        """The message `lead` for a session in a room, or None if it is no longer wanted;
        `recorded` is when its row was written (a cancellation notice's key carries it)."""
        services, key = self.services, session.key
        wording, config = services.parts.get(Wording), services.config
        reply_to = reply_key(key, lead, room, recorded)
        root = await repository.thread_root(services.store, key, room)
        if lead == Notice.CANCELLED:
            notice = await cancellation_of(services, session, now)
            return Reply.of(wording.cancellation(config, notice), room_id=room, key=reply_to)
        if lead == Notice.SUMMARY:
            summary = await summary_of(services.store, key, now)
            return Reply.of(wording.summary(config, summary), room_id=room, thread_root=root, key=reply_to)
        if lead == Notice.HOST_WAIT:
            if await self._host_arrived(key):
                return None
            wait = await host_wait_of(services, session)
            text = wording.host_wait(config, wait)
            return Reply.of(text, mentions=wait.mentions, room_id=room, thread_root=root, key=reply_to)
        if not isinstance(lead, Lead):
            raise ValueError(f"{lead} sends no message")
        before = lead.before
        positive = [d for d in self._conf.announce_before if d > dt.timedelta(0)]
        # Volunteers are pinged in the last reminder before the start (`15m` by default).
        ping = bool(positive) and before == min(positive)
        # The `0m` one opens the thread, unless a host started early and the thread exists
        # already; notes left with !late before the thread opened go into it.
        opens_thread = lead.at_start and root is None
        made = await announcement_of(services, session, now, ping=ping, lead=before, late=opens_thread)
        text, mentions = wording.announcement(config, made), made.mentions
        if lead.at_start:
            anchor = Anchor("session", key)
            return Reply.of(text, mentions=mentions, room_id=room, thread_root=root, anchor=anchor, key=reply_to)
        return Reply.of(text, mentions=mentions, room_id=room, key=reply_to)

    # --- scheduling --------------------------------------------------------------

    async def start(self, scheduler: Any) -> None:
        """Plan the coming jobs on an APScheduler AsyncIOScheduler, plus a tick every
        minute that catches up and re-plans (a !cancel or !start changes what is due)."""
        from apscheduler.triggers.interval import IntervalTrigger

        self._scheduler = scheduler
        scheduler.add_job(
            self.tick,
            IntervalTrigger(seconds=TICK_SECONDS),
            id=TICK_JOB,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )
        self.services.schedule_changed = self.changed
        await self.replan()

    async def stop(self, wait_seconds: float = 3) -> None:
        """At shutdown, before the store closes: take no new job, let the ones running
        finish (a job is a run and a re-plan, with no lock held in between), and only then
        shut the scheduler down, whose asyncio executor cancels the jobs still running."""
        self._closing = True
        try:
            await asyncio.wait_for(self._idle.wait(), wait_seconds)
        except TimeoutError:
            log.warning("an announcement was still being sent at shutdown; it is resent at the next start")
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)

    async def tick(self) -> None:
        await self._job()

    def changed(self) -> None:
        """A command changed what is due (`Services.schedule_changed`): do what is due and
        re-plan now, not at the next tick, which runs every minute from the start and not on
        the minute. A reminder asked for in its last minute goes out at its minute, and a
        cancellation's notice due at once goes out at once."""
        if self._scheduler is None or self._closing or self._changed_asked:
            return  # a run asked for and not begun yet will see this change too
        from apscheduler.triggers.date import DateTrigger

        self._changed_asked = True
        self._scheduler.add_job(
            self._on_changed,
            DateTrigger(run_date=self.services.clock.now()),
            id=CHANGED_JOB,
            replace_existing=True,
            max_instances=2,  # one running, one waiting for it
            misfire_grace_time=None,
        )

    async def _on_changed(self) -> None:
        async with self._changed_lock:
            self._changed_asked = False  # a change from now on asks for another run
            await self._job()

    async def fire(self, session_key: str, lead: str) -> None:
        """A planned job: its ids say what it was for; what to do is read afresh."""
        log.debug("job %s %s fired", session_key, lead)
        await self._job()

    async def _job(self) -> None:
        if self._closing:
            return
        self._running += 1
        self._idle.clear()
        try:
            await self.run_due()
            await self.replan()
        except asyncio.CancelledError:
            # Only when stop() gave up waiting: what was not sent is recorded as pending
            # and goes out (with the same transaction id) at the next start.
            log.debug("announcement job cancelled at shutdown")
        except StoreStopped:
            # The database is gone, or the bot stops while the disk is full: as above,
            # what was not recorded sent is done at the next start.
            log.debug("announcement job stopped: the database takes no more writes")
        finally:
            self._running -= 1
            if self._running == 0:
                self._idle.set()

    async def replan(self) -> list[Due]:
        """(Re)build the date jobs for everything due within the horizon."""
        if self._scheduler is None:
            return []
        from apscheduler.triggers.date import DateTrigger

        async with self._plan_lock:  # a tick and a job may re-plan at the same moment
            now = self.services.clock.now()
            planned = [i for i in await self.due_between(now, now + HORIZON) if i.at > now]
            extra = [
                (f"{JOB_PREFIX}{job_id}", at)
                for rider in self.riders
                for job_id, at in await rider.due_times(now, now + HORIZON)
                if at > now
            ]
            wanted = {i.job_id for i in planned} | {job_id for job_id, _ in extra}
            for job in self._scheduler.get_jobs():
                if job.id.startswith(JOB_PREFIX) and job.id not in wanted:
                    job.remove()
            for item in planned:
                self._scheduler.add_job(
                    self.fire,
                    DateTrigger(run_date=item.at),
                    args=(item.session.key, str(item.lead)),
                    id=item.job_id,
                    replace_existing=True,
                    coalesce=True,
                    misfire_grace_time=None,
                )
            for job_id, at in extra:
                self._scheduler.add_job(
                    self.fire,
                    DateTrigger(run_date=at),
                    args=(job_id, "rider"),
                    id=job_id,
                    replace_existing=True,
                    coalesce=True,
                    misfire_grace_time=None,
                )
            return planned


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


# --- what the messages say, as data; `commands/` words them -------------------------


@dataclass(frozen=True)
class Announcement:
    """The announcement of a session: when, the agenda, who volunteered to host."""

    session: Session
    left: dt.timedelta  # until the start; negative once it began
    # The reminder's lead time when it goes out on time, so that its text states it (a
    # few milliseconds or a tick late alike); None for `!announce`, or one sent late.
    lead: dt.timedelta | None
    agenda: list[Topic]
    volunteers: list[Person]
    ping: bool  # the volunteers are mentioned, not only named
    late: list[LateComer]  # for the message that opens the thread: who said they would come later

    @property
    def mentions(self) -> tuple[str, ...]:
        return tuple(p.user_id for p in self.volunteers) if self.ping else ()


@dataclass(frozen=True)
class HostWait:
    """Nobody has started the session `minutes` after its start; the volunteers are pinged."""

    session: Session
    minutes: int
    volunteers: list[Person]

    @property
    def mentions(self) -> tuple[str, ...]:
        return tuple(p.user_id for p in self.volunteers)


@dataclass(frozen=True)
class CancellationNotice:
    """The session is cancelled (`reason` as typed, may be empty); the next one held."""

    session: Session
    reason: str
    following: Session | None
    now: dt.datetime


@dataclass(frozen=True)
class Wording:
    """How the messages the bot sends on its own read. The words live in `commands/`,
    which features do not import: the wiring provides one through `Services.parts`."""

    announcement: Callable[[Config, Announcement], Text]
    host_wait: Callable[[Config, HostWait], Text]
    cancellation: Callable[[Config, CancellationNotice], Text]
    summary: Callable[[Config, Summary], Text]


async def announcement_of(
    services: Services,
    session: Session,
    now: dt.datetime,
    *,
    ping: bool = False,
    lead: dt.timedelta | None = None,
    late: bool = False,
) -> Announcement:
    """The announcement of a session at `now`; `lead` is the reminder's lead time, `late`
    asks for the notes left with !late."""
    store, left = services.store, session.starts_at - now
    return Announcement(
        session=session,
        left=left,
        lead=lead if lead is not None and left > lead - ON_TIME else None,
        agenda=await top_open_topics(store, AGENDA_SIZE),
        volunteers=await hosts.people(store, await repository.volunteers_of(store, session.key)),
        ping=ping,
        late=await repository.late_comers(store, session.key) if late else [],
    )


async def host_wait_of(services: Services, session: Session) -> HostWait:
    store = services.store
    volunteers = await hosts.people(store, await repository.volunteers_of(store, session.key))
    return HostWait(session, services.config.conference.host_wait_minutes, volunteers)


async def cancellation_of(services: Services, session: Session, now: dt.datetime) -> CancellationNotice:
    cancels = await load_cancellations(services.store)
    cancellation = cancels.of(session)
    following = next_held_sessions(services.config, cancels, session.starts_at, 1)
    reason = cancellation.reason if cancellation is not None else ""
    return CancellationNotice(session, reason, following[0] if following else None, now)
