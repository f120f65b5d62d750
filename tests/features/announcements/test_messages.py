"""What the messages say, as data: the announcement, the host-wait and cancellation notices."""

import datetime as dt

from bot.features.announcements.messages import announcement_of, cancellation_of, host_wait_of
from bot.features.announcements.timing import ON_TIME
from bot.features.schedule.repository import add_cancellation, session_from_key
from tests.conftest import HOST, ORGANISER

UTC = dt.UTC
MORNING = "2026-11-26 08:00"


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, second, tzinfo=UTC)


async def test_an_announcement_states_its_lead_only_when_it_goes_out_on_time(chat):
    session, lead = session_from_key(chat.services.config, MORNING), dt.timedelta(minutes=15)
    on_time = await announcement_of(chat.services, session, at(26, 7, 45) + ON_TIME / 2, lead=lead)
    assert on_time.lead == lead
    late = await announcement_of(chat.services, session, at(26, 7, 45) + ON_TIME, lead=lead)
    assert late.lead is None and late.left == dt.timedelta(minutes=15) - ON_TIME


async def test_volunteers_are_mentioned_only_when_pinged(chat):
    await chat.say(HOST, f"!host {MORNING}")
    session = session_from_key(chat.services.config, MORNING)
    named = await announcement_of(chat.services, session, at(25, 8))
    assert [p.user_id for p in named.volunteers] == [HOST] and named.mentions == ()
    pinged = await announcement_of(chat.services, session, at(26, 7, 45), ping=True)
    assert pinged.mentions == (HOST,)
    wait = await host_wait_of(chat.services, session)
    assert wait.minutes == 10 and wait.mentions == (HOST,)


async def test_a_cancellation_notice_names_its_reason_and_the_next_session_held(chat):
    await add_cancellation(chat.store, MORNING, "room booked", ORGANISER, at(23, 12))
    session = session_from_key(chat.services.config, MORNING)
    notice = await cancellation_of(chat.services, session, at(25, 8))
    assert notice.reason == "room booked"
    assert notice.following is not None and notice.following.key == "2026-11-26 17:00"
