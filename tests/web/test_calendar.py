"""Issue 18: the calendar feed (/calendar.ics), the same file `!calendar` uploads."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
from dateutil.rrule import rrulestr

from tests.conftest import ALICE, ORGANISER

WEB = {"enabled": True, "public_url": "https://ccc.example.org/"}


def expand(data: bytes, until: dt.datetime) -> tuple[list[dt.datetime], list[icalendar.Event]]:
    """Every occurrence the feed describes up to `until`, in UTC, as a calendar app reads it:
    parsed by icalendar (DTSTART in the event's own zone, EXDATEs), the RRULE expanded in
    that zone's wall-clock time."""
    events = icalendar.Calendar.from_ical(data).walk("VEVENT")
    found: list[dt.datetime] = []
    for event in events:
        start = event.decoded("dtstart")
        excluded = set()
        exdates = event.get("exdate", [])
        for group in exdates if isinstance(exdates, list) else [exdates]:
            excluded |= {d.dt.astimezone(dt.UTC) for d in group.dts}
        for occurrence in rrulestr(event["rrule"].to_ical().decode(), dtstart=start):
            if occurrence > until:
                break
            if occurrence.astimezone(dt.UTC) not in excluded:
                found.append(occurrence.astimezone(dt.UTC))
    return sorted(found), events


def thursdays(zone: str, year: int, times: tuple[str, ...]) -> list[dt.datetime]:
    """Each Thursday's sessions in `year`, at their wall-clock time in `zone`, in UTC."""
    day = dt.date(year, 1, 1)
    day += dt.timedelta(days=(3 - day.weekday()) % 7)
    out = []
    while day.year == year:
        for at in times:
            local = dt.datetime.combine(day, dt.time.fromisoformat(at), ZoneInfo(zone))
            out.append(local.astimezone(dt.UTC))
        day += dt.timedelta(weeks=1)
    return out


@pytest.mark.parametrize("zone", ["America/New_York", "Europe/Berlin"])
async def test_the_feed_gives_every_session_at_its_true_time_across_both_dst_changes(
    make_chat, make_config, web_client, zone
):
    # The year 2026: New York changes on 8 March and 1 November, Berlin on 29 March and 25 October.
    chat = await make_chat(make_config(conference={"timezone": zone}), start=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    await chat.say(ORGANISER, f"!tz {zone}")  # a time typed is in the asker's zone
    await chat.say(ORGANISER, "!cancel 2026-03-12 08:00 strike")  # between the two spring changes
    await chat.say(ORGANISER, "!cancel 2026-10-29")  # between the two autumn changes
    response = await (await web_client(chat)).get("/calendar.ics")
    assert response.status == 200 and response.content_type == "text/calendar"
    until = dt.datetime(2026, 12, 31, 23, 59, tzinfo=dt.UTC)
    found, events = expand(await response.read(), until)
    cancelled = {
        dt.datetime.combine(dt.date(2026, 3, 12), dt.time(8), ZoneInfo(zone)).astimezone(dt.UTC),
        dt.datetime.combine(dt.date(2026, 10, 29), dt.time(8), ZoneInfo(zone)).astimezone(dt.UTC),
        dt.datetime.combine(dt.date(2026, 10, 29), dt.time(17), ZoneInfo(zone)).astimezone(dt.UTC),
    }
    expected = [t for t in thursdays(zone, 2026, ("08:00", "17:00")) if t not in cancelled]
    assert len(expected) == 2 * 53 - 3  # 2026 has 53 Thursdays
    assert found == expected
    # the morning session before and after the spring change, in UTC
    before, after = {"America/New_York": ((3, 5, 13), (3, 19, 12)), "Europe/Berlin": ((3, 26, 7), (4, 2, 6))}[zone]
    assert dt.datetime(2026, *before, tzinfo=dt.UTC) in found and dt.datetime(2026, *after, tzinfo=dt.UTC) in found
    assert len(events) == 2
    for event in events:
        assert "https://bbb.example.org/b/ccc" in str(event["description"])
        assert "access code: ccc" in str(event["description"])


async def test_the_feed_is_the_calendar_file_and_changes_with_the_schedule(make_chat, make_config, web_client):
    chat = await make_chat(make_config(web=WEB))
    client = await web_client(chat)
    first = await client.get("/calendar.ics")
    body, etag, modified = await first.read(), first.headers["ETag"], first.headers["Last-Modified"]
    reply = (await chat.say(ALICE, "!calendar"))[0]
    assert reply.file.data == body, "one builder: !calendar uploads what the feed serves"
    before = {str(e["uid"]): e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}

    assert (await client.get("/calendar.ics", headers={"If-None-Match": etag})).status == 304
    assert (await client.get("/calendar.ics", headers={"If-Modified-Since": modified})).status == 304

    chat.clock.advance(hours=1)
    await chat.say(ORGANISER, "!cancel 2026-12-03 08:00 holiday")
    changed = await client.get("/calendar.ics", headers={"If-None-Match": etag, "If-Modified-Since": modified})
    assert changed.status == 200 and changed.headers["ETag"] != etag
    assert changed.headers["Last-Modified"] != modified
    after = {str(e["uid"]): e for e in icalendar.Calendar.from_ical(await changed.read()).walk("VEVENT")}
    assert after.keys() == before.keys(), "the same events (UIDs), updated"
    for uid, event in after.items():
        assert event["sequence"] > before[uid]["sequence"]
        assert event.decoded("last-modified") > before[uid].decoded("last-modified")
        assert event.decoded("dtstart") == before[uid].decoded("dtstart")
    morning = next(e for e in after.values() if e.decoded("dtstart").hour == 8)
    assert [d.dt for d in morning["exdate"].dts] == [dt.datetime(2026, 12, 3, 8, tzinfo=ZoneInfo("UTC"))]


async def test_calendar_gives_the_feed_address_when_the_server_is_on(make_chat, make_config):
    chat = await make_chat(make_config(web=WEB))
    reply = (await chat.say(ALICE, "!calendar"))[0]
    assert "https://ccc.example.org/calendar.ics" in reply.text
    assert "webcal://ccc.example.org/calendar.ics" in reply.text
    assert '<a href="https://ccc.example.org/calendar.ics">' in reply.html


@pytest.mark.parametrize("web", [{"enabled": False, "public_url": "https://ccc.example.org"}, {"enabled": True}])
async def test_calendar_gives_no_address_without_a_server_or_a_public_url(make_chat, make_config, web):
    chat = await make_chat(make_config(web=web))
    reply = (await chat.say(ALICE, "!calendar"))[0]
    assert "calendar.ics" not in reply.text and "webcal" not in reply.text
    assert reply.file.filename == "ccc.ics"
