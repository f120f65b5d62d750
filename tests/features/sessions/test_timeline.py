"""bot/features/sessions/timeline.py: the phase of each session at a minute, the session a
person means, each slot's next held session, and which sessions are in the way of a
cancellation."""

import datetime as dt

import pytest

from bot.features.schedule.repository import add_cancellation
from bot.features.schedule.weekly_sessions import session_from_key
from bot.features.sessions import repository, timeline
from tests.conftest import HOST

UTC = dt.UTC
MORNING = "2026-11-26 08:00"


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=UTC)


@pytest.fixture
async def chat(make_chat, make_config):
    return await make_chat(make_config())


async def test_a_started_session_can_not_be_cancelled_until_it_has_taken_place(chat):
    store, config = chat.store, chat.services.config
    morning, evening = session_from_key(config, MORNING), session_from_key(config, "2026-11-26 17:00")
    assert (await timeline.Timeline.load(store, config, at(26, 7, 40))).started_before_cancel(
        [morning, evening]
    ) is None
    await repository.start_session(store, morning, HOST, at(26, 7, 40))
    assert (await timeline.Timeline.load(store, config, at(26, 7, 45))).started_before_cancel(
        [morning, evening]
    ) == morning, "started early"
    assert (await timeline.Timeline.load(store, config, at(26, 9))).started_before_cancel(
        [evening, morning]
    ) == morning, "running"
    await repository.end_session(store, MORNING, HOST, at(26, 9))
    assert (await timeline.Timeline.load(store, config, at(26, 9, 5))).started_before_cancel(
        [morning, evening]
    ) is None, "over"


# --- the phase of a session, decided in one place ------------------------------------------


async def test_a_thursday_minute_by_minute_each_session_has_one_phase(chat):
    """The morning session through a Thursday: coming, waiting for its host, running after a
    late start, ended; the evening one cancelled ahead; the next week's morning one called
    off while it waited, the evening one not started though people came."""
    store, config = chat.store, chat.services.config
    morning = session_from_key(config, MORNING)
    evening = session_from_key(config, "2026-11-26 17:00")
    P = timeline.Phase

    async def phase(session, now):
        return (await timeline.Timeline.load(store, config, now)).phase(session)

    assert await phase(morning, at(26, 7, 0)) is P.COMING
    assert await phase(morning, at(26, 7, 59)) is P.COMING
    assert await phase(morning, at(26, 8, 0)) is P.WAITING
    assert await phase(morning, at(26, 8, 9)) is P.WAITING
    await repository.start_session(store, morning, HOST, at(26, 8, 10))
    assert await phase(morning, at(26, 8, 10)) is P.RUNNING
    await repository.end_session(store, MORNING, HOST, at(26, 8, 58))
    assert await phase(morning, at(26, 9, 0)) is P.ENDED
    await add_cancellation(store, evening.key, "holiday", HOST, at(26, 12))
    assert await phase(evening, at(26, 12)) is P.CANCELLED
    assert await phase(evening, at(26, 18)) is P.CANCELLED, "cancelled ahead stays cancelled"

    nxt_morning = session_from_key(config, "2026-12-03 08:00")
    nxt_evening = session_from_key(config, "2026-12-03 17:00")
    await add_cancellation(store, nxt_morning.key, "nobody can host", HOST, dt.datetime(2026, 12, 3, 8, 6, tzinfo=UTC))
    assert await phase(nxt_morning, dt.datetime(2026, 12, 3, 8, 7, tzinfo=UTC)) is P.CALLED_OFF
    await repository.check_in(store, nxt_evening.key, HOST, dt.datetime(2026, 12, 3, 17, 4, tzinfo=UTC), "command")
    assert await phase(nxt_evening, dt.datetime(2026, 12, 3, 18, 59, tzinfo=UTC)) is P.WAITING
    assert await phase(nxt_evening, dt.datetime(2026, 12, 3, 19, 0, tzinfo=UTC)) is P.NOT_STARTED


async def test_a_session_nobody_ended_is_closed_automatically_and_one_started_early_runs(chat):
    store, config = chat.store, chat.services.config
    morning = session_from_key(config, MORNING)
    P = timeline.Phase
    await repository.start_session(store, morning, HOST, at(26, 7, 40))
    line = await timeline.Timeline.load(store, config, at(26, 7, 45))
    assert line.phase(morning) is P.RUNNING
    assert line.current() is not None and line.current().key == MORNING
    await repository.end_session(store, MORNING, None, at(26, 10, 40), auto=True)
    assert (await timeline.Timeline.load(store, config, at(26, 11))).phase(morning) is P.AUTO_CLOSED


async def test_each_slot_keeps_its_next_held_session_however_many_are_cancelled(chat):
    """Cancel 7 Jan (whole day), 14 Jan 17:00 and 21 Jan (whole day): at 7 Jan 17:05 the
    08:00 slot's next held session is 14 Jan, the 17:00 slot's 28 Jan, with the cancelled
    ones before it."""
    store, config = chat.store, chat.services.config
    when = dt.datetime(2027, 1, 1, tzinfo=UTC)
    for target in ("2027-01-07", "2027-01-14 17:00", "2027-01-21"):
        await add_cancellation(store, target, "", HOST, when)
    line = await timeline.Timeline.load(store, config, dt.datetime(2027, 1, 7, 17, 5, tzinfo=UTC))
    ahead = {str(a.slot): a for a in line.slots_ahead(max_cancelled=6)}
    morning, evening = ahead["Thursday 08:00"], ahead["Thursday 17:00"]
    assert morning.next_held is not None and morning.next_held.key == "2027-01-14 08:00"
    assert evening.next_held is not None and evening.next_held.key == "2027-01-28 17:00"
    assert [v.key for v in evening.cancelled] == ["2027-01-14 17:00", "2027-01-21 17:00"]
    assert [str(a.slot) for a in line.slots_ahead(max_cancelled=6)] == ["Thursday 08:00", "Thursday 17:00"]


async def test_the_session_a_person_means_is_the_current_one_else_their_usual_slots_next(chat):
    store, config = chat.store, chat.services.config
    line = await timeline.Timeline.load(store, config, dt.datetime(2026, 11, 23, 12, tzinfo=UTC))  # a Monday
    evening_slot = session_from_key(config, "2026-11-26 17:00").slot
    assert line.meant(None).key == MORNING
    assert line.meant(evening_slot).key == "2026-11-26 17:00"
    waiting = await timeline.Timeline.load(store, config, at(26, 8, 5))
    assert waiting.meant(evening_slot).key == MORNING, "the session waiting for its host comes first"


async def test_someone_who_comes_to_several_slots_means_the_next_of_those(chat):
    store, config = chat.store, chat.services.config
    morning_slot, evening_slot = config.conference.slots
    line = await timeline.Timeline.load(store, config, at(26, 12))  # between the two sessions
    assert line.meant([morning_slot, evening_slot]).key == "2026-11-26 17:00"
    assert line.meant([morning_slot]).key == "2026-12-03 08:00"
    assert line.meant([]).key == "2026-11-26 17:00", "no usual slot: the next session"


async def test_a_time_alone_means_the_next_session_at_that_time_in_the_askers_zone(chat):
    store, config = chat.store, chat.services.config
    await add_cancellation(store, "2026-12-03 17:00", "", HOST, at(23, 12))
    line = await timeline.Timeline.load(store, config, at(26, 12))
    assert line.next_at(dt.time(8), None).key == "2026-12-03 08:00", "today's is over"
    assert line.next_at(dt.time(17), None).key == "2026-11-26 17:00"
    assert line.next_at(dt.time(22, 30), "Asia/Kolkata").key == "2026-11-26 17:00"
    assert line.next_at(dt.time(17, 10), None) is None
    later = await timeline.Timeline.load(store, config, at(26, 19, 30))
    assert later.next_at(dt.time(17), None).key == "2026-12-10 17:00", "the cancelled one is skipped"
    waiting = await timeline.Timeline.load(store, config, at(26, 8, 20))
    assert waiting.next_at(dt.time(8), None).key == MORNING, "the one waiting for its host"


async def test_a_cancellation_made_once_a_session_was_over_leaves_it_as_it_was(chat):
    """A whole day cancelled at noon calls off none of its morning: nobody started that
    one in time, and that stays its truth; cancelled while it waited, it is called off."""
    store, config = chat.store, chat.services.config
    morning = session_from_key(config, MORNING)
    P = timeline.Phase
    await add_cancellation(store, "2026-11-26", "snow", HOST, at(26, 12))
    assert (await timeline.Timeline.load(store, config, at(26, 12))).phase(morning) is P.NOT_STARTED
    nxt = session_from_key(config, "2026-12-03 08:00")
    await add_cancellation(store, "2026-12-03", "snow", HOST, dt.datetime(2026, 12, 3, 8, 20, tzinfo=UTC))
    later = dt.datetime(2026, 12, 3, 12, tzinfo=UTC)
    assert (await timeline.Timeline.load(store, config, later)).phase(nxt) is P.CALLED_OFF


@pytest.mark.parametrize(
    ("started", "ended", "minutes"),
    [
        ("08:10:50", "08:58:10", 48),  # 47 min 20 s passed; it reads 08:10-08:58
        ("08:10:00", "08:57:40", 47),  # 47 min 40 s passed; it reads 08:10-08:57
        ("07:58:00", "08:58:00", 60),
        ("08:10:01", "08:10:59", 0),  # within one minute
        ("23:50:30", "00:20:10", 30),  # past midnight
    ],
)
def test_a_sessions_minutes_are_those_between_its_start_and_end_read_to_the_minute(started, ended, minutes):
    start = dt.datetime.fromisoformat(f"2026-11-26T{started}+00:00")
    end = dt.datetime.fromisoformat(f"2026-11-26T{ended}+00:00")
    if end < start:
        end += dt.timedelta(days=1)
    assert timeline.minutes_held(start, end) == minutes
