"""The weekly sessions as a calendar file (.ics): one event per slot, repeating weekly,
with cancellations left out. The same bytes for `!calendar` and the web feed; its words in
the rooms' language (`conference.language`), as a calendar is shared by everyone."""

from __future__ import annotations

import datetime as dt

from bot.core.config import Config
from bot.core.i18n import room_language
from bot.core.weekly import WEEKDAYS, Slot
from bot.features.schedule.repository import Cancellations
from bot.features.schedule.revision import CalendarState
from bot.features.schedule.weekly_sessions import Session, conference_zone, session_from_key, sessions_on

_ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
SESSION_LENGTH = dt.timedelta(hours=1)


def calendar_ics(config: Config, cancels: Cancellations, state: CalendarState, now: dt.datetime) -> bytes:
    """A VEVENT per slot, repeating weekly from the same first session every time, with
    cancellations as EXDATE. The UID and DTSTART never change; SEQUENCE and LAST-MODIFIED
    follow each change of the schedule, so an app importing the file again updates its
    events rather than keeping the old ones or adding copies."""
    import icalendar

    conf = config.conference
    lang = room_language(config)
    zone = conference_zone(config)
    description = lang.gettext("BigBlueButton: {url} (access code: {code})", url=conf.bbb_url, code=conf.access_code)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//ccc-bot//Coop Casual Conference//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", conf.name)
    for slot in conf.slots:
        first = state.first[slot]
        event = icalendar.Event()
        event.add("uid", f"ccc-{WEEKDAYS[slot.weekday]}-{slot.time:%H%M}@ccc-bot")
        # Without a METHOD, DTSTAMP is when the event last changed (RFC 5545, 3.8.7.2).
        event.add("dtstamp", state.modified)
        event.add("last-modified", state.modified)
        event.add("sequence", state.sequence)
        event.add("summary", conf.name)
        event.add("dtstart", first.starts_at.astimezone(zone))
        event.add("duration", SESSION_LENGTH)
        event.add("rrule", {"freq": "weekly", "byday": _ICAL_DAYS[slot.weekday]})
        event.add("location", conf.bbb_url)
        event.add("url", conf.bbb_url)
        event.add("description", description)
        excluded = _cancelled_of_slot(config, cancels, slot, first)
        if excluded:
            event.add("exdate", [s.starts_at.astimezone(zone) for s in excluded])
        cal.add_component(event)
    # VTIMEZONE rules from the first session to ten years ahead: enough, and a small file.
    since = min([s.starts_at.date() for s in state.first.values()] + [now.date()])
    cal.add_missing_timezones(first_date=since - dt.timedelta(days=7), last_date=now.date() + dt.timedelta(days=3653))
    ics: bytes = cal.to_ical()
    return ics


def _cancelled_of_slot(config: Config, cancels: Cancellations, slot: Slot, first: Session) -> list[Session]:
    found: dict[str, Session] = {}
    for cancellation in cancels:
        if cancellation.day is not None:
            candidates = [s for s in sessions_on(config, cancellation.day) if s.slot == slot]
        else:
            candidates = [session_from_key(config, cancellation.target)]
        for session in candidates:
            if session.slot == slot and session.starts_at >= first.starts_at:
                found[session.key] = session
    return sorted(found.values(), key=lambda s: s.starts_at)
