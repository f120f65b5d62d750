"""!calendar: the calendar file."""

import datetime as dt

import pytest

from bot.features.schedule.repository import load_cancellations
from tests.conftest import ALICE, ORGANISER
from tests.helpers import upcoming_sessions

# --- !calendar --------------------------------------------------------------------------


def expand_ics(data: bytes, count: int) -> list[dt.datetime]:
    """The next `count` sessions an .ics describes, expanded independently of the bot."""
    import icalendar
    from dateutil.rrule import rrulestr

    cal = icalendar.Calendar.from_ical(data)
    starts: list[dt.datetime] = []
    for event in cal.walk("VEVENT"):
        dtstart = event.decoded("dtstart")
        rule = rrulestr(event["rrule"].to_ical().decode(), dtstart=dtstart)
        exdates = event.get("exdate", [])
        exdates = exdates if isinstance(exdates, list) else [exdates]
        excluded = {d.dt.astimezone(dt.UTC) for group in exdates for d in group.dts}
        found = []
        for occurrence in rule:
            when = occurrence.astimezone(dt.UTC)
            if when not in excluded:
                found.append(when)
            if len(found) == count:
                break
        starts += found
    return sorted(starts)[:count]


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin"])
async def test_calendar_gives_the_same_sessions_as_the_bot(make_chat, make_config, zone):
    chat = await make_chat(make_config(conference={"timezone": zone}), start=dt.datetime(2026, 3, 2, tzinfo=dt.UTC))
    await chat.say(ORGANISER, "!cancel 2026-03-12 17:00 strike")
    await chat.say(ORGANISER, "!cancel 2026-04-02")
    reply = (await chat.say(ALICE, "!calendar"))[0]
    assert reply.file.filename == "ccc.ics" and reply.file.mimetype == "text/calendar"
    import icalendar

    events = icalendar.Calendar.from_ical(reply.file.data).walk("VEVENT")
    assert len(events) == 2, "one VEVENT per slot"
    assert all(str(e["location"]) == "https://bbb.example.org/b/ccc" for e in events)
    cancels = await load_cancellations(chat.store)
    expected = [
        s.starts_at for s in upcoming_sessions(chat.services.config, chat.clock.now(), 14) if cancels.of(s) is None
    ][:10]
    assert len(expected) == 10
    # the Berlin slots cross the change to summer time on 29 March
    assert expand_ics(reply.file.data, 10) == expected


async def _calendar_events(chat) -> dict[str, dict]:
    """What a calendar app keeps of each event of `!calendar`, by UID."""
    import icalendar

    reply = (await chat.say(ALICE, "!calendar"))[0]
    out = {}
    for event in icalendar.Calendar.from_ical(reply.file.data).walk("VEVENT"):
        exdates = event.get("exdate", [])
        exdates = exdates if isinstance(exdates, list) else [exdates]
        out[str(event["uid"])] = {
            "dtstart": event.decoded("dtstart"),
            "sequence": int(event.get("sequence", 0)),
            "dtstamp": event.decoded("dtstamp"),
            "last-modified": event.decoded("last-modified") if "last-modified" in event else None,
            "exdate": sorted(d.dt.astimezone(dt.UTC) for group in exdates for d in group.dts),
        }
    return out


async def test_calendar_events_keep_their_uid_and_start_and_tell_each_change(chat):
    first = await _calendar_events(chat)
    assert len(first) == 2
    evening_uid = next(uid for uid, e in first.items() if e["dtstart"].hour == 17)
    assert {e["dtstart"].astimezone(dt.UTC) for e in first.values()} == {
        dt.datetime(2026, 11, 26, 8, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 11, 26, 17, 0, tzinfo=dt.UTC),
    }
    # A week later, after those sessions: the same events, from the same first session.
    chat.clock.advance(days=7)
    again = await _calendar_events(chat)
    assert {uid: e["dtstart"] for uid, e in again.items()} == {uid: e["dtstart"] for uid, e in first.items()}
    assert again == first, "nothing changed, so nothing a calendar app would update"

    text = await chat.text(ORGANISER, "!cancel 2026-12-10 1700 strike")
    assert "did you mean" in text
    assert await _calendar_events(chat) == first, "a refused command changes nothing"

    cancelled_at = chat.clock.now()
    await chat.say(ORGANISER, "!cancel 2026-12-10 17:00 strike")
    chat.clock.advance(hours=5)
    after_cancel = await _calendar_events(chat)
    evening = after_cancel[evening_uid]
    assert evening["exdate"] == [dt.datetime(2026, 12, 10, 17, 0, tzinfo=dt.UTC)]
    assert evening["dtstart"] == first[evening_uid]["dtstart"]
    assert evening["sequence"] > first[evening_uid]["sequence"]
    assert evening["last-modified"] == cancelled_at and evening["dtstamp"] == cancelled_at

    chat.clock.advance(days=1)
    restored_at = chat.clock.now()
    await chat.say(ORGANISER, "!uncancel 2026-12-10 17:00")
    chat.clock.advance(hours=5)
    after_uncancel = await _calendar_events(chat)
    evening = after_uncancel[evening_uid]
    assert evening["exdate"] == []
    assert evening["dtstart"] == first[evening_uid]["dtstart"]
    assert evening["sequence"] > after_cancel[evening_uid]["sequence"]
    assert evening["last-modified"] == restored_at and evening["dtstamp"] == restored_at

    await chat.say(ORGANISER, "!cancel 2026-12-17 winter break")
    after_day = await _calendar_events(chat)
    assert all(e["sequence"] > after_uncancel[uid]["sequence"] for uid, e in after_day.items())
    assert sorted(d for e in after_day.values() for d in e["exdate"]) == [
        dt.datetime(2026, 12, 17, 8, 0, tzinfo=dt.UTC),
        dt.datetime(2026, 12, 17, 17, 0, tzinfo=dt.UTC),
    ]


async def test_the_calendars_event_text_is_in_the_conference_language(make_chat, make_config):
    chat = await make_chat(make_config(conference={"language": "pt-BR"}))
    await chat.say(ALICE, "!lang es")
    reply = (await chat.say(ALICE, "!calendar"))[0]
    import icalendar

    events = icalendar.Calendar.from_ical(reply.file.data).walk("VEVENT")
    described = {str(event["description"]) for event in events}
    conf = chat.services.config.conference
    assert described == {f"BigBlueButton: {conf.bbb_url} (código de acesso: {conf.access_code})"}
    # The reply is in the asker's language.
    assert "como calendario" in reply.text
