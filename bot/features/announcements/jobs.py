"""The announcer on an APScheduler AsyncIOScheduler: a date job for each thing due within
the horizon, a tick every minute that catches up and re-plans, a run at once when a
command changed what is due, and a shutdown that lets a running job finish. The jobs only
say *when* to run; what to do is read afresh from the database each time (sending.py).
Jobs are rebuilt from the database at start."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

from bot.features.announcements.planning import JOB_PREFIX, Due, due_between
from bot.features.announcements.sending import Announcer
from bot.features.announcements.timing import TICK_SECONDS
from bot.storage.store import StoreStopped

log = logging.getLogger(__name__)

# How far ahead scheduler jobs are planned; a periodic tick re-plans.
HORIZON = dt.timedelta(days=8)
TICK_JOB = "ccc-tick"
# A run and re-plan asked for by a command that changed what is due.
CHANGED_JOB = "ccc-changed"


class Jobs:
    """The announcer's (and its riders') scheduler jobs."""

    def __init__(self, announcer: Announcer):
        self.announcer = announcer
        self.services = announcer.services
        self._plan_lock = asyncio.Lock()
        self._scheduler: Any = None
        self._closing = False
        self._running = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._changed_lock = asyncio.Lock()
        self._changed_asked = False

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
            await self.announcer.run_due()
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
            store, config = self.services.store, self.services.config
            planned = [i for i in await due_between(config, store, now, now + HORIZON) if i.at > now]
            extra = [
                (f"{JOB_PREFIX}{job_id}", at)
                for rider in self.announcer.riders
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
