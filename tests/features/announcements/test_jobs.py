"""The announcer's scheduler jobs: keyed by session and lead, re-planned when what is due
changes, run at once after a command changed it, and a shutdown that lets a running job
finish."""

import datetime as dt
import logging

import pytest

from bot.features.announcements.jobs import TICK_JOB, Jobs
from bot.features.announcements.sending import Announcer
from bot.features.schedule.repository import add_cancellation
from commands.announcements import WORDING
from tests.conftest import ORGANISER
from tests.features.announcements.fakes import (
    EVENING,
    MORNING,
    ROOM_A,
    ROOM_B,
    UTC,
    announcer,
    at,
)


@pytest.fixture
def chat(two_room_chat):
    return two_room_chat


async def test_scheduler_jobs_are_keyed_by_session_and_lead(chat, server):
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.start(paused=True)
    try:
        planner = Jobs(announcer(chat, server))
        await planner.start(scheduler)
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert TICK_JOB in jobs
        job = jobs[f"ccc:{MORNING}:15m"]
        assert job.trigger.run_date == at(26, 7, 45)
        assert job.args == (MORNING, "15m"), "jobs carry ids, not live objects"
        assert jobs[f"ccc:{MORNING}:host-wait"].trigger.run_date == at(26, 8, 10)
        # A cancellation re-plans: the reminders go, one notice comes.
        await add_cancellation(chat.store, MORNING, "", ORGANISER, chat.clock.now())
        await planner.replan()
        ids = {job.id for job in scheduler.get_jobs()}
        assert f"ccc:{MORNING}:15m" not in ids and f"ccc:{MORNING}:cancelled" in ids
        assert f"ccc:{EVENING}:15m" in ids
        # Firing a job at its time does what it stands for.
        chat.clock.set(at(25, 8))
        await planner.fire(MORNING, "cancelled")
        assert (MORNING, "cancelled", ROOM_A) in server.messages()
        assert f"ccc:{MORNING}:cancelled" not in {job.id for job in scheduler.get_jobs()}
    finally:
        scheduler.shutdown(wait=False)


async def job_running_on_a_scheduler(make_chat, replan):
    """An announcer's jobs whose re-plan is `replan`, with a job of it running on a real
    AsyncIOScheduler: (jobs, scheduler)."""
    import asyncio

    from apscheduler.schedulers.asyncio import AsyncIOScheduler
    from apscheduler.triggers.date import DateTrigger

    chat = await make_chat()
    jobs = Jobs(Announcer(chat.store, chat.services.config, chat.clock, None, WORDING, chat.services.schedule_changed))
    jobs.replan = replan
    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.start()
    jobs._scheduler = scheduler
    scheduler.add_job(jobs.fire, DateTrigger(run_date=dt.datetime.now(UTC)), args=(MORNING, "0m"))
    for _ in range(100):
        await asyncio.sleep(0.01)
        if not jobs._idle.is_set():
            break
    assert not jobs._idle.is_set(), "the scheduled job did not start"
    return jobs, scheduler


async def test_shutdown_lets_a_scheduled_job_finish_and_takes_no_new_one(make_chat):
    """APScheduler's asyncio executor cancels the jobs still running when it shuts down;
    a restart just after an announcement went out failed that way in CI."""
    import asyncio

    gate, ran = asyncio.Event(), []

    async def slow_replan():
        # The window that failed: the run is done, the re-plan still reads the store.
        await gate.wait()
        ran.append("replan")
        return []

    jobs, scheduler = await job_running_on_a_scheduler(make_chat, slow_replan)
    stopping = asyncio.create_task(jobs.stop(wait_seconds=5))
    await asyncio.sleep(0.05)
    assert not stopping.done(), "shutdown went on while a job was still running"
    assert scheduler.running, "the scheduler was shut down under a running job"
    gate.set()
    await asyncio.wait_for(stopping, 5)
    assert ran == ["replan"], "the running job was cancelled instead of finishing"
    assert not scheduler.running
    await jobs.tick()
    assert ran == ["replan"], "no new job once closing"


async def test_shutdown_that_gives_up_waiting_logs_it_without_a_traceback(make_chat, caplog):
    import asyncio

    async def stuck_replan():
        await asyncio.Event().wait()

    jobs, _ = await job_running_on_a_scheduler(make_chat, stuck_replan)
    with caplog.at_level(logging.DEBUG):
        await jobs.stop(wait_seconds=0.1)
        await asyncio.sleep(0.05)
    assert "resent at the next start" in caplog.text
    assert not [r for r in caplog.records if r.exc_info], "a cancelled job was logged as an error"
    assert jobs._idle.is_set()


# --- a command that changes what is due takes effect at once, not at the next tick ---------


async def test_a_session_restored_in_the_last_minute_before_its_reminder_is_announced_at_its_minute(chat, server):
    # The tick runs every minute from the bot's start (here at :30), not on the minute.
    from tests.features.announcements.scheduled import Scheduled

    chat.clock.set(at(25, 12))
    await chat.say(ORGANISER, "!cancel 2026-11-26 08:00 room booked")
    chat.clock.set(at(26, 7, 0, 30))
    scheduled = Scheduled(chat.clock, announcer(chat, server))
    await scheduled.start()
    try:
        await scheduled.until(at(26, 7, 44, 40))
        assert "Restored" in await chat.text(ORGANISER, "!uncancel 2026-11-26 08:00")
        await scheduled.until(at(26, 7, 47))
        shown = server.messages()
        assert shown[(MORNING, "15m", ROOM_A)] == shown[(MORNING, "15m", ROOM_B)] == at(26, 7, 45)
    finally:
        scheduled.stop()


async def test_a_session_cancelled_after_its_reminders_began_is_called_off_at_once(chat, server):
    from tests.features.announcements.scheduled import Scheduled

    chat.clock.set(at(26, 7, 0, 30))
    scheduled = Scheduled(chat.clock, announcer(chat, server))
    await scheduled.start()
    try:
        await scheduled.until(at(26, 7, 50, 10))
        assert "Cancelled" in await chat.text(ORGANISER, "!cancel 2026-11-26 08:00 the host is ill")
        await scheduled.until(at(26, 7, 52))
        shown = server.messages()
        assert shown[(MORNING, "15m", ROOM_A)] == at(26, 7, 45)
        assert shown[(MORNING, "cancelled", ROOM_A)] == shown[(MORNING, "cancelled", ROOM_B)] == at(26, 7, 50, 10)
        assert "the host is ill" in server.reply(MORNING, "cancelled", ROOM_A).text
    finally:
        scheduled.stop()
