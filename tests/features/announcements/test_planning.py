"""What falls due when: the reminders, the host-wait notice, one notice instead of a
cancelled session's reminders, and the automatic close of a session nobody ended."""

import datetime as dt

from bot.features.announcements.planning import due_between
from bot.features.announcements.timing import Notice
from bot.features.schedule.repository import add_cancellation
from bot.features.sessions import timeline
from tests.conftest import HOST, ORGANISER

UTC = dt.UTC
MORNING, EVENING = "2026-11-26 08:00", "2026-11-26 17:00"


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=UTC)


async def planned(chat, start: dt.datetime, end: dt.datetime) -> list[tuple[str, str, dt.datetime]]:
    found = await due_between(chat.services.config, chat.store, start, end)
    return [(d.session.key, str(d.lead), d.at) for d in found]


async def test_each_lead_and_the_host_wait_fall_due_in_time_order(chat):
    assert await planned(chat, at(25, 0), at(26, 9)) == [
        (MORNING, "1d", at(25, 8)),
        (EVENING, "1d", at(25, 17)),
        (MORNING, "15m", at(26, 7, 45)),
        (MORNING, "0m", at(26, 8)),
        (MORNING, "host-wait", at(26, 8, 10)),
    ]


async def test_a_cancelled_session_has_one_notice_instead_of_its_reminders(chat):
    await add_cancellation(chat.store, MORNING, "", ORGANISER, at(23, 12))
    due = await planned(chat, at(25, 0), at(26, 9))
    assert [(k, lead) for k, lead, _ in due if k == MORNING] == [(MORNING, str(Notice.CANCELLED))]
    assert (MORNING, "cancelled", at(25, 8)) in due, "when the first reminder would have gone"


async def test_a_running_session_is_closed_automatically_however_long_ago_it_started(chat):
    chat.clock.set(at(26, 8, 2))
    await chat.say(HOST, "!start")
    closes = at(26, 8, 2) + timeline.AUTO_CLOSE_AFTER
    due = await due_between(chat.services.config, chat.store, at(28, 0), at(28, 1))
    assert [(d.session.key, d.lead, d.at) for d in due] == [(MORNING, Notice.AUTO_CLOSE, closes)]
    assert not await due_between(chat.services.config, chat.store, at(26, 9), closes - dt.timedelta(seconds=1))
