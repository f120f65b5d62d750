"""The calendar file: one weekly event per slot, cancellations as EXDATE."""

import datetime as dt

import icalendar

from bot.features.schedule.calendar import calendar_ics
from bot.features.schedule.repository import add_cancellation, calendar_state, load_cancellations
from tests.conftest import ORGANISER

UTC = dt.UTC


async def test_one_weekly_event_per_slot_with_cancelled_sessions_left_out(chat):
    config, store, now = chat.services.config, chat.store, chat.clock.now()
    await add_cancellation(store, "2026-12-03", "holiday", ORGANISER, now)
    state = await calendar_state(store, config, now)
    data = calendar_ics(config, await load_cancellations(store), state, now)
    assert data == calendar_ics(config, await load_cancellations(store), state, now), "the same bytes each time"
    events = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert sorted(e.decoded("dtstart").astimezone(UTC) for e in events) == [
        dt.datetime(2026, 11, 26, 8, tzinfo=UTC),
        dt.datetime(2026, 11, 26, 17, tzinfo=UTC),
    ]
    for event in events:
        assert str(event["rrule"].to_ical().decode()) == "FREQ=WEEKLY;BYDAY=TH"
        assert event.decoded("duration") == dt.timedelta(hours=1)
        excluded = [d.dt.astimezone(UTC).date() for d in event["exdate"].dts]
        assert excluded == [dt.date(2026, 12, 3)]
        assert int(event["sequence"]) == state.sequence
