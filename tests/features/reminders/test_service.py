"""The reminders by direct message, on the announcer's clock: a FakeClock, and a 'restart'
is a new Announcer and Reminders on the same database."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

import pytest

from bot.app import open_announcer
from bot.core.model import Reply
from bot.features.announcements.jobs import Jobs
from bot.features.announcements.sending import Announcer
from bot.features.reminders import repository as reminders
from bot.features.reminders.repository import Status
from bot.features.reminders.service import SEND_AT_ONCE
from bot.features.schedule.repository import add_cancellation
from tests.conftest import ALICE, BOB, HOST, ORGANISER

UTC = dt.UTC


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=UTC)


class Crash(BaseException):
    """The process dying. Not KeyboardInterrupt, which asyncio lets out of the event loop
    from the task sending the reminders side by side, past the test's `except`."""


class DirectMessages:
    """Stands in for the Matrix adapter: a message sent again with the same key (so the same
    transaction id) is shown once."""

    def __init__(self, chat, crash: bool = False, crash_before: bool = False):
        self.chat = chat
        self.shown: dict[str, tuple[dt.datetime, Reply]] = {}
        self.events: dict[str, str] = {}  # key -> the event it was shown as
        self.crash = crash
        self.crash_before = crash_before  # the process dies before the homeserver takes it
        self.unreadable = False  # the direct chat's history cannot be read (sent_event fails)

    async def send(self, reply: Reply, in_reply_to=None) -> str | None:
        assert reply.key
        if reply.direct_to is None:  # an announcement in the room
            return "$room"
        assert reply.room_id is None
        if self.crash_before:
            raise Crash
        self.shown.setdefault(reply.key, (self.chat.clock.now(), reply))
        event_id = self.events.setdefault(reply.key, f"$dm{len(self.events) + 1}")
        if self.crash:
            raise Crash  # the process dies after the send, before the mark
        return event_id

    async def sent_event(
        self, room_id: str, key: str, since: dt.datetime, reactions: tuple[str, ...] = ()
    ) -> str | None:
        """As the Matrix adapter finds its own messages by transaction id; a person's user
        id stands for the bot's direct chat with them."""
        if self.unreadable:
            raise LookupError("the direct chat's history could not be read")
        shown = self.shown.get(key)
        if shown is None or shown[1].direct_to != room_id or shown[0] < since:
            return None
        return self.events[key]

    def to(self, user: str) -> list[tuple[dt.datetime, Reply]]:
        return [shown for shown in self.shown.values() if shown[1].direct_to == user]


def start(chat, server: DirectMessages, membership=None) -> Announcer:
    return open_announcer(chat.services, server, membership)


async def walk(chat, announcer: Announcer, until: dt.datetime, step: int = 1) -> None:
    while chat.clock.now() < until:
        chat.clock.advance(minutes=step)
        await announcer.run_due()


async def test_a_reminder_comes_once_at_its_lead_in_the_persons_zone(chat):
    await chat.text(ALICE, "!tz Europe/Berlin")
    await chat.text(ALICE, "!remind 09:00 30m")
    await chat.text(ALICE, "!suggest Worker ownership transitions")
    await chat.text(HOST, "!host 2026-11-26 08:00")
    server = DirectMessages(chat)
    announcer = start(chat, server)
    chat.clock.set(at(26, 7))
    await walk(chat, announcer, at(26, 7, 29))
    assert server.to(ALICE) == []
    await walk(chat, announcer, at(26, 7, 31))
    await walk(chat, announcer, at(26, 18), step=10)
    (when, reply), *more = server.to(ALICE)
    assert more == [] and when == at(26, 7, 30)
    assert reply.key == f"remind:{ALICE}:2026-11-26 08:00:30m"
    text = reply.text
    assert "starts in 30 minutes: Thursday 26 November, 09:00 (Berlin time; 08:00 UTC)" in text
    assert "access code" in text and "\n• #6 Worker ownership transitions · 0 votes · by alice\n" in text
    assert "Host: " in text and reply.mentions == ()
    assert "!remind off" in text


async def test_a_reminder_is_in_the_zone_of_the_persons_profile_when_they_set_none(chat):
    reads: list[str] = []

    async def profile(user_id: str) -> str | None:
        reads.append(user_id)
        return {ALICE: "Asia/Kolkata", BOB: "Europe/Madrid"}.get(user_id)

    chat.services.profile_zones.read = profile
    await chat.text(ALICE, "!remind all 30m")
    await chat.text(BOB, "!tz America/Sao_Paulo")
    await chat.text(BOB, "!remind all 30m")
    server = DirectMessages(chat)
    announcer = start(chat, server)
    chat.clock.set(at(26, 7))
    await walk(chat, announcer, at(26, 17), step=5)
    alice, bob = server.to(ALICE), server.to(BOB)
    assert "Thursday 26 November, 13:30 (Kolkata time; 08:00 UTC)" in alice[0][1].text
    assert "Thursday 26 November, 22:30 (Kolkata time; 17:00 UTC)" in alice[1][1].text
    assert "Thursday 26 November, 05:00 (São Paulo time; 08:00 UTC)" in bob[0][1].text, "set by hand wins"
    # At !remind, then at each reminder (hours apart); never for who set a zone by hand.
    assert reads == [ALICE] * 3


async def test_all_slots_and_nobody_else(chat):
    await chat.text(BOB, "!remind all 1h")
    server = DirectMessages(chat)
    announcer = start(chat, server)
    chat.clock.set(at(26, 6))
    await walk(chat, announcer, at(26, 18), step=5)
    assert [when for when, _ in server.to(BOB)] == [at(26, 7), at(26, 16)]
    assert server.to(ALICE) == []


async def test_each_slot_goes_out_at_its_own_lead(chat):
    await chat.text(ALICE, "!remind 08:00 1h")
    await chat.text(ALICE, "!remind 17:00 30m")
    await chat.text(BOB, "!remind all 2h")
    await chat.text(BOB, "!remind 17:00 off")
    server = DirectMessages(chat)
    announcer = start(chat, server)
    chat.clock.set(at(26, 5))
    await walk(chat, announcer, at(26, 18), step=5)
    alice = server.to(ALICE)
    assert [when for when, _ in alice] == [at(26, 7), at(26, 16, 30)]
    assert [reply.key for _, reply in alice] == [
        f"remind:{ALICE}:2026-11-26 08:00:1h",
        f"remind:{ALICE}:2026-11-26 17:00:30m",
    ]
    assert "starts in 1 hour" in alice[0][1].text and "starts in 30 minutes" in alice[1][1].text
    assert [when for when, _ in server.to(BOB)] == [at(26, 6)]


async def test_a_restart_neither_repeats_nor_loses_one(chat):
    await chat.text(ALICE, "!remind 08:00")
    crashing = DirectMessages(chat, crash=True)
    announcer = start(chat, crashing)
    chat.clock.set(at(26, 7, 40))
    try:
        await walk(chat, announcer, at(26, 7, 45))
    except Crash:
        pass
    assert len(crashing.to(ALICE)) == 1
    # Restarted a minute later: the reminder recorded but not marked is sent again with
    # the same key, so it is shown once; then nothing more.
    server = DirectMessages(chat)
    server.shown = dict(crashing.shown)
    announcer = start(chat, server)
    await walk(chat, announcer, at(26, 9), step=5)
    assert len(server.to(ALICE)) == 1
    dm, _ = await chat.say(ALICE, "!mydata")
    assert '"status": "sent"' in dm.file.data.decode()


async def test_one_due_while_the_bot_was_down_goes_late_within_the_grace_window_only(chat, caplog):
    await chat.text(ALICE, "!remind 08:00 1h")
    await chat.text(BOB, "!remind 17:00 1h")
    server = DirectMessages(chat)
    announcer = start(chat, server)
    # Down from before 07:00 to 07:20: the 07:00 one goes late; down over 16:00 until
    # 16:40, past the 30-minute grace window: skipped, and logged.
    chat.clock.set(at(26, 7, 20))
    await announcer.run_due()
    chat.clock.set(at(26, 16, 40))
    with caplog.at_level(logging.WARNING):
        await announcer.run_due()
    assert [when for when, _ in server.to(ALICE)] == [at(26, 7, 20)]
    assert "starts in 40 minutes" in server.to(ALICE)[0][1].text
    assert server.to(BOB) == []
    [skipped] = [r.getMessage() for r in caplog.records if BOB in r.getMessage()]
    assert "was due at 2026-11-26T16:00" in skipped and "past its grace window" in skipped


async def test_one_recorded_but_unsent_is_not_sent_once_past_the_grace_window(chat):
    await chat.text(ALICE, "!remind 08:00 1h")
    # The send failed at 07:00 (the homeserver was unreachable); tried again every minute
    # until 07:30, when the grace window ends, then given up: never sent late.
    failing = DirectMessages(chat)
    failing.send = lambda reply, in_reply_to=None: _none()  # type: ignore[method-assign]
    announcer = start(chat, failing)
    chat.clock.set(at(26, 6, 59))
    await walk(chat, announcer, at(26, 7, 5))
    server = DirectMessages(chat)
    announcer = start(chat, server)
    chat.clock.set(at(26, 7, 31))
    await announcer.run_due()
    await walk(chat, announcer, at(26, 9), step=5)
    assert server.to(ALICE) == []
    dm, _ = await chat.say(ALICE, "!mydata")
    assert '"status": "skipped"' in dm.file.data.decode()


async def _none() -> None:
    return None


class WithoutLookup:
    """A sender that cannot look its own messages up (the console, say)."""

    def __init__(self, server: DirectMessages):
        self.server = server

    async def send(self, reply: Reply, in_reply_to=None) -> str | None:
        return await self.server.send(reply, in_reply_to)


async def _cut_short(chat, dying: DirectMessages) -> DirectMessages:
    """Alice's 07:00 reminder is recorded and its send cut short by the process dying; the
    homeserver as the restarted bot finds it, counting the direct messages handed to it."""
    await chat.text(ALICE, "!remind 08:00 1h")
    chat.clock.set(at(26, 6, 59))
    try:
        await walk(chat, start(chat, dying), at(26, 7))
    except Crash:
        pass
    [recorded] = await reminders.sent_to(chat.store, ALICE)
    assert recorded.status == Status.SENDING
    server = DirectMessages(chat)
    server.shown, server.events, server.handed = dict(dying.shown), dict(dying.events), []
    real = server.send

    async def counting(reply: Reply, in_reply_to=None) -> str | None:
        if reply.direct_to is not None:
            server.handed.append(reply.key)
        return await real(reply)

    server.send = counting  # type: ignore[method-assign]
    return server


def _lines_about(caplog, user: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if user in r.getMessage()]


async def test_a_reminder_shown_just_before_a_crash_is_recorded_sent_when_found_past_its_grace_window(chat, caplog):
    # Killed after the homeserver took it, before it was marked; back after the grace
    # window: it is found among the bot's messages, so it went out: recorded as sent, with
    # its event, not sent again, and not logged as never sent.
    dying = DirectMessages(chat, crash=True)
    server = await _cut_short(chat, dying)
    chat.clock.set(at(26, 7, 31))
    with caplog.at_level(logging.INFO):
        await start(chat, server).run_due()
    assert server.handed == []
    assert [when for when, _ in server.to(ALICE)] == [at(26, 7)]
    [sent] = await reminders.sent_to(chat.store, ALICE)
    assert (sent.status, sent.event_id) == (Status.SENT, dying.events[f"remind:{ALICE}:2026-11-26 08:00:1h"])
    lines = _lines_about(caplog, ALICE)
    assert all("never went out" not in line and "skipped" not in line for line in lines), lines
    assert any("had gone out before the restart" in line for line in lines), lines
    dm, _ = await chat.say(ALICE, "!mydata")
    assert '"status": "sent"' in dm.file.data.decode()


async def test_a_reminder_shown_just_before_a_crash_to_someone_who_then_left_is_recorded_sent(chat, caplog):
    # Back within the grace window, but Alice has left every served room meanwhile: no
    # reminder is sent to her now, yet the one cut short had gone out, and is recorded so.
    dying = DirectMessages(chat, crash=True)
    server = await _cut_short(chat, dying)
    chat.clock.set(at(26, 7, 5))
    with caplog.at_level(logging.INFO):
        await start(chat, server, membership=lambda user: user != ALICE).run_due()
    assert server.handed == [] and len(server.to(ALICE)) == 1
    [sent] = await reminders.sent_to(chat.store, ALICE)
    assert (sent.status, sent.event_id) == (Status.SENT, dying.events[f"remind:{ALICE}:2026-11-26 08:00:1h"])
    assert all("no reminder" not in line for line in _lines_about(caplog, ALICE))


async def test_a_reminder_whose_send_was_cut_short_before_it_went_out_is_skipped_past_its_grace_window(chat, caplog):
    server = await _cut_short(chat, DirectMessages(chat, crash_before=True))
    chat.clock.set(at(26, 7, 31))
    with caplog.at_level(logging.INFO):
        await start(chat, server).run_due()
    assert server.handed == [] and server.to(ALICE) == []
    [skipped] = await reminders.sent_to(chat.store, ALICE)
    assert (skipped.status, skipped.event_id) == (Status.SKIPPED, None)
    lines = _lines_about(caplog, ALICE)
    assert any("never went out in time; skipped" in line for line in lines), lines
    assert all("may have gone out" not in line for line in lines), lines


@pytest.mark.parametrize("lookup", ["unreadable", "none"])
async def test_a_reminder_cut_short_that_cannot_be_looked_up_is_skipped_without_claiming_it_never_went_out(
    chat, caplog, lookup
):
    server = await _cut_short(chat, DirectMessages(chat, crash=True))
    server.unreadable = True
    sender = server if lookup == "unreadable" else WithoutLookup(server)
    chat.clock.set(at(26, 7, 31))
    with caplog.at_level(logging.INFO):
        await start(chat, sender).run_due()
    assert server.handed == [] and len(server.to(ALICE)) == 1  # shown once, not sent again
    [skipped] = await reminders.sent_to(chat.store, ALICE)
    assert skipped.status == Status.SKIPPED
    lines = _lines_about(caplog, ALICE)
    assert all("never went out" not in line for line in lines), lines
    assert any("may have gone out (it could not be checked)" in line and "skipped" in line for line in lines), lines


async def test_a_failed_send_is_tried_again_until_it_goes(chat):
    await chat.text(ALICE, "!remind 08:00 1h")
    server = DirectMessages(chat)
    real, calls = server.send, []

    async def flaky(reply: Reply, in_reply_to=None) -> str | None:
        if reply.direct_to is None:  # an announcement in the room
            return await real(reply)
        calls.append(chat.clock.now())
        return None if len(calls) < 3 else await real(reply)

    server.send = flaky  # type: ignore[method-assign]
    announcer = start(chat, server)
    chat.clock.set(at(26, 6, 59))
    await walk(chat, announcer, at(26, 9), step=1)
    assert calls == [at(26, 7), at(26, 7, 1), at(26, 7, 2)], "retried each run until sent, then no more"
    assert [when for when, _ in server.to(ALICE)] == [at(26, 7, 2)]


async def test_each_reminder_is_handed_to_the_homeserver_once_when_nothing_fails(chat):
    # The transaction id would hide a repeat on the homeserver; the bot does not count on it.
    await chat.text(ALICE, "!remind all 1h")
    await chat.text(BOB, "!remind 17:00 15m")
    server = DirectMessages(chat)
    real, keys = server.send, []

    async def counting(reply: Reply, in_reply_to=None) -> str | None:
        keys.append(reply.key)
        return await real(reply)

    server.send = counting  # type: ignore[method-assign]
    announcer = start(chat, server)
    chat.clock.set(at(26, 6))
    await walk(chat, announcer, at(26, 18), step=1)
    announcer = start(chat, server)  # a restart
    await announcer.run_due()
    dms = [k for k in keys if k and k.startswith("remind:")]
    assert sorted(dms) == sorted(
        [
            f"remind:{ALICE}:2026-11-26 08:00:1h",
            f"remind:{ALICE}:2026-11-26 17:00:1h",
            f"remind:{BOB}:2026-11-26 17:00:15m",
        ]
    )


async def test_a_cancelled_session_sends_its_cancellation_instead(chat):
    await chat.text(ALICE, "!remind all")
    await add_cancellation(chat.store, "2026-11-26 08:00", "the host is ill", "@org:example.org", chat.clock.now())
    server = DirectMessages(chat)
    announcer = start(chat, server)
    chat.clock.set(at(26, 7))
    await walk(chat, announcer, at(26, 18), step=5)
    (first, cancelled), (_, evening) = server.to(ALICE)
    assert first == at(26, 7, 45)
    assert "is cancelled: the host is ill." in cancelled.text and "!remind off" in cancelled.text
    assert "starts in 15 minutes" in evening.text


async def test_a_session_cancelled_after_the_reminder_went_out_sends_the_cancellation_too(chat):
    await chat.text(ALICE, "!remind 08:00 1d")
    server = DirectMessages(chat)
    announcer = start(chat, server)
    chat.clock.set(at(25, 7, 55))
    await walk(chat, announcer, at(25, 8, 5))
    assert len(server.to(ALICE)) == 1  # the reminder, a day ahead
    chat.clock.set(at(25, 12))
    await chat.text(ORGANISER, "!cancel 2026-11-26 08:00 the host is ill")
    await walk(chat, announcer, at(25, 12, 2))
    (_, reminder), (when, cancelled) = server.to(ALICE)
    assert "starts in 1 day" in reminder.text
    assert when == at(25, 12, 1)
    assert "is cancelled: the host is ill." in cancelled.text
    assert cancelled.key != reminder.key  # a transaction of its own, not taken for the reminder
    await walk(chat, announcer, at(26, 9), step=10)
    assert len(server.to(ALICE)) == 2


async def test_a_lifted_cancellation_brings_the_reminder_to_those_told_of_it(chat):
    await chat.text(ALICE, "!remind 08:00 1d")  # her reminder time passes while it is cancelled
    await chat.text(BOB, "!remind 08:00 15m")  # his is still to come when it is lifted
    await chat.text(ORGANISER, "!cancel 2026-11-26 08:00 the host is ill")
    server = DirectMessages(chat)
    announcer = start(chat, server)
    chat.clock.set(at(25, 7, 55))
    await walk(chat, announcer, at(25, 8, 5))
    ((_, cancelled),) = server.to(ALICE)
    assert "is cancelled" in cancelled.text and server.to(BOB) == []
    chat.clock.set(at(25, 20))
    lifted = await chat.text(ORGANISER, "!uncancel 2026-11-26 08:00")
    assert "reminders go out as usual" in lifted
    await walk(chat, announcer, at(25, 20, 2))
    (_, _), (when, back) = server.to(ALICE)
    assert when == at(25, 20, 1)
    assert "takes place after all" in back.text
    assert "Thursday 26 November, 08:00 UTC" in back.text and "access code" in back.text
    assert "You asked for reminders; stop them with !remind off." in back.text
    assert server.to(BOB) == []  # never told of the cancellation: his reminder comes at its time
    await walk(chat, announcer, at(26, 7, 40), step=5)
    await walk(chat, announcer, at(26, 7, 49))
    assert len(server.to(ALICE)) == 2  # not the day-ahead reminder as well, late
    ((when, reminder),) = server.to(BOB)
    assert when == at(26, 7, 45) and "starts in 15 minutes" in reminder.text
    # Cancelled again: told again.
    chat.clock.set(at(26, 7, 50))
    await chat.text(ORGANISER, "!cancel 2026-11-26 08:00 no room after all")
    await walk(chat, announcer, at(26, 7, 52))
    assert "no room after all" in server.to(ALICE)[-1][1].text
    assert "no room after all" in server.to(BOB)[-1][1].text


async def test_a_cancellation_not_yet_sent_when_lifted_is_never_sent(chat):
    await chat.text(ALICE, "!remind 08:00 1d")
    await chat.text(ORGANISER, "!cancel 2026-11-26 08:00 the host is ill")
    away = DirectMessages(chat)

    async def refused(reply: Reply, in_reply_to=None) -> str | None:
        return "$room" if reply.direct_to is None else None  # the direct message fails

    away.send = refused  # type: ignore[method-assign]
    announcer = start(chat, away)
    chat.clock.set(at(25, 7, 59))
    await walk(chat, announcer, at(25, 8, 1))  # the cancellation recorded, not sent
    await chat.text(ORGANISER, "!uncancel 2026-11-26 08:00")
    server = DirectMessages(chat)
    announcer = start(chat, server)
    await walk(chat, announcer, at(26, 9), step=5)
    assert [reply.text for _, reply in server.to(ALICE) if "cancelled" in reply.text] == []


async def test_someone_who_left_every_served_room_gets_none(chat, caplog):
    await chat.text(ALICE, "!remind all")
    server = DirectMessages(chat)
    announcer = start(chat, server, membership=lambda user: user != ALICE)
    chat.clock.set(at(26, 7))
    with caplog.at_level(logging.INFO):
        await walk(chat, announcer, at(26, 18), step=5)
    assert server.to(ALICE) == []
    assert "in none of the served rooms" in caplog.text


async def test_the_announcers_scheduler_plans_a_job_at_each_reminders_time(chat):
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    await chat.text(ALICE, "!remind 08:00 1h")
    await chat.text(BOB, "!remind all 1h")
    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.start(paused=True)
    try:
        jobs = Jobs(start(chat, DirectMessages(chat)))
        await jobs.start(scheduler)
        times = sorted(job.next_run_time for job in scheduler.get_jobs() if job.id.startswith("ccc:remind:"))
        # One job for both people at 07:00, one for Bob at 16:00 (and the next week's).
        assert times[:2] == [at(26, 7), at(26, 16)]
        await chat.text(ALICE, "!remind off")
        await chat.text(BOB, "!remind off")
        await jobs.replan()
        assert not [job for job in scheduler.get_jobs() if job.id.startswith("ccc:remind:")]
    finally:
        scheduler.shutdown(wait=False)


async def test_reminders_due_together_go_out_side_by_side_a_few_at_a_time_each_once(chat):
    # One after another, 40 people would wait for 39 sends before theirs; all at once, a
    # homeserver would rate-limit the bot. Side by side, at most SEND_AT_ONCE at a time.
    people = [f"@member{i:02d}:example.org" for i in range(40)]
    for user in people:
        await chat.text(user, "!remind 08:00")
    server = DirectMessages(chat)
    real, sending, most, failed = server.send, [0], [0], set()

    async def slow(reply: Reply, in_reply_to=None) -> str | None:
        if reply.direct_to is None:  # an announcement in the room
            return await real(reply)
        sending[0] += 1
        most[0] = max(most[0], sending[0])
        await asyncio.sleep(0.01)
        sending[0] -= 1
        if reply.direct_to == people[7] and people[7] not in failed:
            failed.add(people[7])  # one send fails: tried again next minute, others unaffected
            return None
        return await real(reply)

    server.send = slow  # type: ignore[method-assign]
    announcer = start(chat, server)
    chat.clock.set(at(26, 7, 44))
    await walk(chat, announcer, at(26, 7, 45))
    assert sum(1 for user in people if server.to(user)) == 39
    assert 1 < most[0] <= SEND_AT_ONCE
    await walk(chat, announcer, at(26, 8, 30))
    assert all([when for when, _ in server.to(user)] == [at(26, 7, 45)] for user in people if user != people[7])
    assert [when for when, _ in server.to(people[7])] == [at(26, 7, 46)]


async def test_reminders_sent_side_by_side_are_marked_sent_together_each_with_its_event(chat, monkeypatch):
    # One commit per reminder was a disk flush each in a burst of 1,000: the marks arriving
    # while one is written share the next commit, each send still waiting for its own.
    from bot.features.reminders import repository as reminders

    people = [f"@member{i:02d}:example.org" for i in range(40)]
    for user in people:
        await chat.text(user, "!remind 08:00")
    commits: list[int] = []
    mark_all = reminders.mark_all

    async def counted(store, items, at):
        commits.append(len(items))
        await mark_all(store, items, at)

    monkeypatch.setattr(reminders, "mark_all", counted)
    server = DirectMessages(chat)
    announcer = start(chat, server)
    chat.clock.set(at(26, 7, 44))
    await walk(chat, announcer, at(26, 7, 45))
    assert sum(commits) == 40 and len(commits) < 40
    for user in people:
        [(when, _)] = server.to(user)
        [sent] = await reminders.sent_to(chat.store, user)
        assert sent.status == reminders.Status.SENT and sent.event_id and when == at(26, 7, 45)
    assert len({sent.event_id for user in people for sent in await reminders.sent_to(chat.store, user)}) == 40
    await walk(chat, announcer, at(26, 8, 30))
    assert all(len(server.to(user)) == 1 for user in people)


class CutShort(DirectMessages):
    """A homeserver slow to answer, and a shutdown during a burst: the tenth send is
    cancelled on the way (as a stopped process's connection is), the first few are answered
    at once, and the rest are still in the air then. Counts the sends in the air."""

    def __init__(self, chat):
        super().__init__(chat)
        self.started: list[str] = []
        self.in_air = 0
        self.answer = asyncio.Event()  # the slow ones are answered once set

    async def send(self, reply: Reply, in_reply_to=None) -> str | None:
        if reply.direct_to is None:  # an announcement in the room
            return await super().send(reply)
        self.started.append(reply.direct_to)
        self.in_air += 1
        try:
            if len(self.started) == 10:
                await asyncio.sleep(0.01)  # the others are on their way by now
                raise asyncio.CancelledError
            if len(self.started) > 5:
                await self.answer.wait()
            return await super().send(reply)
        finally:
            self.in_air -= 1


async def test_reminders_cut_short_at_shutdown_all_stop_at_once_and_go_out_at_the_next_start(chat):
    # As the announcements to several rooms do: should one send end the run (cancelled at
    # shutdown), the others stop at once too, as a dying process's would; what was not
    # marked sent is resent with the same key (so the same transaction id) at the next start.
    people = [f"@member{i:02d}:example.org" for i in range(40)]  # more than SEND_AT_ONCE
    for user in people:
        await chat.text(user, "!remind 08:00")
    cut = CutShort(chat)
    announcer = start(chat, cut)
    chat.clock.set(at(26, 7, 45))
    run = asyncio.create_task(announcer.run_due())
    try:
        with pytest.raises(asyncio.CancelledError):
            await run
        assert cut.in_air == 0, "sends still running after the run was cancelled"
        started = len(cut.started)
        assert 10 <= started < len(people), "some were still waiting their turn"
        cut.answer.set()  # the homeserver would answer now: nobody is waiting any more
        await asyncio.sleep(0.05)
        assert len(cut.started) == started, "sends waiting their turn started after the cancel"
        assert cut.in_air == 0
    finally:
        cut.answer.set()
    sent_before = {user for user in people if [s for s in await reminders.sent_to(chat.store, user) if s.event_id]}
    assert sent_before and len(sent_before) <= 5
    # The next start, a minute later: each is shown once, with the key it was first sent with.
    server = DirectMessages(chat)
    server.shown, server.events = dict(cut.shown), dict(cut.events)
    sends: list[str] = []
    real = server.send

    async def counted(reply: Reply, in_reply_to=None) -> str | None:
        if reply.direct_to is not None:
            sends.append(reply.direct_to)
        return await real(reply)

    server.send = counted  # type: ignore[method-assign]
    announcer = start(chat, server)
    await walk(chat, announcer, at(26, 7, 46))
    assert sorted(sends) == sorted(user for user in people if user not in sent_before), "the unsent ones, once each"
    for user in people:
        [(_, reply)] = server.to(user)
        assert reply.key == f"remind:{user}:2026-11-26 08:00:15m"
        [sent] = await reminders.sent_to(chat.store, user)
        assert sent.status == Status.SENT and sent.event_id


async def test_a_reminder_asked_for_less_than_a_minute_before_it_is_due_goes_out_at_its_minute(chat):
    # The scheduler's tick re-plans every minute from the bot's start (here at :30), not on
    # the minute: asked for at 07:39:40, the 07:40 reminder (no room announcement then) is
    # planned at once, not caught up by the 07:40:30 tick.
    from tests.features.announcements.scheduled import Scheduled

    server = DirectMessages(chat)
    chat.clock.set(at(26, 7) + dt.timedelta(seconds=30))
    scheduled = Scheduled(chat.clock, start(chat, server))
    await scheduled.start()
    try:
        await scheduled.until(at(26, 7, 39) + dt.timedelta(seconds=40))
        assert (await chat.text(ALICE, "!remind 08:00 20m")).startswith("Done")
        await scheduled.until(at(26, 7, 42))
        [(when, reply)] = server.to(ALICE)
        assert when == at(26, 7, 40) and "starts in 20 minutes" in reply.text
    finally:
        scheduled.stop()


async def test_reminders_stopped_in_their_last_minute_do_not_go_out(chat):
    from tests.features.announcements.scheduled import Scheduled

    server = DirectMessages(chat)
    chat.clock.set(at(26, 7) + dt.timedelta(seconds=30))
    await chat.text(BOB, "!remind all 20m")
    scheduled = Scheduled(chat.clock, start(chat, server))
    await scheduled.start()
    try:
        await scheduled.until(at(26, 7, 39) + dt.timedelta(seconds=50))
        assert (await chat.text(BOB, "!remind off")).startswith("Done")
        await scheduled.until(chat.clock.now())  # what the scheduler does at once
        assert not [job for job in scheduled.scheduler.get_jobs() if job.id.startswith("ccc:remind:")]
        await scheduled.until(at(26, 7, 42))
        assert server.to(BOB) == []
    finally:
        scheduled.stop()


# --- in each person's language (issue 31): the one they chose with !lang, else the rooms' ---


async def test_each_person_reads_their_reminder_in_their_own_language(chat):
    await chat.text(ALICE, "!lang pt-BR")
    await chat.text(ALICE, "!tz Europe/Berlin")
    await chat.text(ALICE, "!remind 09:00 30m")
    await chat.text(BOB, "!lang es")
    await chat.text(BOB, "!remind 08:00 30m")
    await chat.text(ORGANISER, "!remind 08:00 30m")  # chose no language: the rooms' (English)
    await chat.text(HOST, "!host 2026-11-26 08:00")
    server = DirectMessages(chat)
    announcer = start(chat, server)
    chat.clock.set(at(26, 7))
    await walk(chat, announcer, at(26, 7, 31))
    ((_, alice),) = server.to(ALICE)
    assert alice.text.startswith(
        "⏰ Coop Casual Conference começa em 30 minutos: quinta-feira, 26 de novembro, 09:00 "
        "(horário de Berlim; 08:00 UTC)\nEntre: "
    ), alice.text
    assert "\nAnfitrião: " in alice.text, alice.text
    assert alice.text.endswith("Você pediu este lembrete; para parar de recebê-los, digite !remind off."), alice.text
    ((_, bob),) = server.to(BOB)
    assert bob.text.startswith(
        "⏰ Coop Casual Conference empieza en 30 minutos: jueves, 26 de noviembre, 08:00 UTC\nEntra: "
    ), bob.text
    assert bob.text.endswith("Pediste este recordatorio; para dejar de recibirlos, escribe !remind off."), bob.text
    ((_, organiser),) = server.to(ORGANISER)
    assert organiser.text.startswith("⏰ Coop Casual Conference starts in 30 minutes: Thursday 26 November"), (
        organiser.text
    )


async def test_the_cancellation_and_its_lifting_read_in_the_persons_language(chat):
    await chat.text(ALICE, "!lang es")
    await chat.text(ALICE, "!remind 08:00 1d")
    await add_cancellation(chat.store, "2026-11-26 08:00", "el anfitrión está enfermo", ORGANISER, chat.clock.now())
    server = DirectMessages(chat)
    announcer = start(chat, server)
    chat.clock.set(at(25, 7, 55))
    await walk(chat, announcer, at(25, 8, 5))
    ((_, cancelled),) = server.to(ALICE)
    assert cancelled.text.startswith(
        "❌ Sesión de Coop Casual Conference del jueves, 26 de noviembre, 08:00 UTC cancelada: "
        "el anfitrión está enfermo.\n"
    ), cancelled.text
    assert "La próxima sesión es el jueves, 26 de noviembre, 17:00 UTC (en 1 día y 9 horas)." in cancelled.text
    assert cancelled.text.endswith("Pediste recordatorios; para dejar de recibirlos, escribe !remind off.")
    chat.clock.set(at(25, 20))
    await chat.text(ORGANISER, "!uncancel 2026-11-26 08:00")
    await walk(chat, announcer, at(25, 20, 2))
    (_, back) = server.to(ALICE)[-1]
    assert back.text.startswith(
        "✅ Al final, la sesión de Coop Casual Conference del jueves, 26 de noviembre, 08:00 UTC sí se celebra "
        "(en 11 horas y 59 minutos)."
    ), back.text
