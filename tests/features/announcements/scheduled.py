"""The announcer's scheduler run on a FakeClock: an APScheduler started paused keeps the
jobs the announcer plans, and `Scheduled` runs them at their times as the running
scheduler would, with the tick every minute from when the announcer started (not on the
minute), so that tests see when a message would go out, to the second."""

from __future__ import annotations

import datetime as dt
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.core.clock import FakeClock
from bot.features.announcements.jobs import TICK_JOB, Jobs
from bot.features.announcements.sending import Announcer
from bot.features.announcements.timing import TICK_SECONDS


class Scheduled:
    def __init__(self, clock: FakeClock, announcer: Announcer):
        self.clock, self.jobs = clock, Jobs(announcer)
        self.scheduler: Any = AsyncIOScheduler(timezone=dt.UTC)
        self.ticks_from = self.at = clock.now()

    async def start(self) -> None:
        self.scheduler.start(paused=True)
        await self.jobs.start(self.scheduler)

    def stop(self) -> None:
        self.scheduler.shutdown(wait=False)

    def _next_tick(self) -> dt.datetime:
        every = dt.timedelta(seconds=TICK_SECONDS)
        return self.ticks_from + every * ((self.at - self.ticks_from) // every + 1)

    async def until(self, end: dt.datetime) -> None:
        """Run every job falling due up to `end` at its time; then the clock is at `end`."""
        while True:
            jobs = [job for job in self.scheduler.get_jobs() if job.id != TICK_JOB]
            job = min(jobs, key=lambda job: job.trigger.run_date, default=None)
            tick = self._next_tick()
            if job is not None and job.trigger.run_date <= min(tick, end):
                self.at = max(job.trigger.run_date, self.at)
                self.clock.set(self.at)
                job.remove()
                await job.func(*job.args)
            elif tick <= end:
                self.at = tick
                self.clock.set(tick)
                await self.jobs.tick()
            else:
                self.at = end
                self.clock.set(end)
                return
