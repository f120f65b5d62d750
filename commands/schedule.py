"""The call itself: where and when it is, in the asker's zone; cancellations; the
announcement on demand; the calendar file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.core import timezones
from bot.core.config import WEEKDAYS, Config, Slot
from bot.core.dispatcher import Context
from bot.core.model import Attachment, Reply, Role
from bot.core.registry import CommandError, CommandGroup, Rest, UsageError
from bot.core.text import Text, clean
from bot.features.announcements import repository as announcements
from bot.features.announcements.messages import announcement_of
from bot.features.people import repository as people
from bot.features.schedule.repository import (
    CalendarState,
    Cancellations,
    Session,
    add_cancellation,
    calendar_state,
    conference_zone,
    load_cancellations,
    local_time,
    next_held_sessions,
    planning_range,
    restore_sessions,
    session_from_key,
    sessions_from,
    sessions_on,
)
from bot.features.schedule.time_of_day import TimeOfDay, read_time_of_day
from bot.features.sessions import repository as sessions
from commands.announcements import announcement_text
from commands.wording import countdown, long_date, with_full_stop

group = CommandGroup("schedule")


def link_text(ctx: Context) -> Text:
    conf = ctx.config.conference
    return Text().bold(conf.name).add(": ").link(conf.bbb_url).add(" — access code ").code(conf.access_code)


@group.command("link", help="The BigBlueButton link and access code", in_direct=True)
async def link(ctx: Context) -> Reply:
    return ctx.reply(link_text(ctx))


@group.command("tz", usage="[Area/City]", help="Show or set your time zone", in_direct=True)
async def tz(ctx: Context, zone: Rest | None = None) -> Reply:
    p, now = ctx.prefix, ctx.clock.now()
    if zone is None:
        current = await people.get_timezone(ctx.store, ctx.sender)
        if current is None:
            text = Text("You have no time zone set, so times are shown in UTC. Set yours with ")
            return ctx.reply(text.code(f"{p}tz Area/City").add(", e.g. ").code(f"{p}tz Europe/Berlin").add("."))
        text = Text("Your time zone is ").extend(_zone_now(current, now))
        if not timezones.is_place(current):
            found = timezones.lookup(current, now)
            text.line(f"{current} is not a place, so it can't follow summer time")
            text.add(f"; did you mean {_listed(found.suggestions, 'or')}? " if found.suggestions else ". ")
            text.add("Set a place with ").code(f"{p}tz Area/City").add(".")
        return ctx.reply(text)
    found = timezones.lookup(zone, now)
    if found.zone is None:
        raise UsageError(_not_a_zone(zone, found))
    await people.set_timezone(ctx.store, ctx.sender, found.zone)
    text = Text()
    if found.other_name:
        # Montréal keeps Toronto's time: say so, or the answer looks like a mistake.
        text.add(f"{clean(zone, 40)} uses {found.zone} time.").line()
    return ctx.reply(text.add("Your time zone is now ").extend(_zone_now(found.zone, now)))


def _zone_now(zone: str, now: dt.datetime) -> Text:
    """'Berlin (Europe/Berlin), where it is 13:00 now.'"""
    place = timezones.place_name(zone)
    text = Text().bold(place).add(f" ({zone})" if place != zone else "")
    return text.add(f"; it is {local_time(now, zone):%H:%M} there now.")


def _listed(items: Sequence[str], last: str) -> str:
    """'A', 'A or B', 'A, B and C' (`last` is the word before the last item)."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {last} {items[-1]}"


def _not_a_zone(typed: str, found: timezones.Lookup) -> str:
    """Why `typed` sets nothing, and what to type instead (one line)."""
    shown, offered = clean(typed, 40), found.suggestions
    kind = timezones.Kind
    if found.kind is kind.ABBREVIATION:
        why = f"{shown!r} is an abbreviation, not a place: it can mean several clocks and can't follow summer time"
    elif found.kind is kind.OFFSET and found.offset is not None:
        offset = timezones.format_offset(found.offset)
        etc = typed.strip().lower().startswith("etc/") and found.offset
        reversed_sign = " (the sign is reversed)" if etc else ""
        why = f"{shown!r} is an offset, not a place: it can't follow summer time"
        if reversed_sign or offset.replace("UTC", "") not in shown:
            why += f"; it means {offset}{reversed_sign}"
        places = [z for z in offered if z != timezones.UTC]
        if places:
            utc = "UTC, or " if len(places) < len(offered) else ""
            return f"{why}; did you mean {utc}a place at {offset} now: {_listed(places, 'or')}?"
        if offered:
            return f"{why}; did you mean UTC?"
        return f"{why}, and no place is at {offset} now"
    elif found.kind is kind.NOT_A_PLACE:
        why = f"{shown!r} is not a place: it can't follow summer time where you are"
    elif found.kind is kind.AMBIGUOUS:
        why = f"{shown!r} has more than one time zone"
    else:
        why = f"{shown!r} is not a time zone name"
    if offered:
        return f"{why}; did you mean {_listed(offered, 'or')}?"
    return f"{why} (use Area/City or your nearest big city, e.g. Europe/Berlin)"


# --- !next ----------------------------------------------------------------------------

# Cancelled sessions shown before the ones that take place, at most.
MAX_CANCELLED_SHOWN = 6


@group.command("next", help="The next sessions, in UTC and in your time zone, with the link", in_direct=True)
async def next_sessions(ctx: Context) -> Reply:
    now, config = ctx.clock.now(), ctx.config
    cancels = await load_cancellations(ctx.store)
    zone = await people.get_timezone(ctx.store, ctx.sender)
    text = Text().bold(config.conference.name).add(" — next sessions:")
    running = await sessions.running_session(ctx.store)
    if running is not None:
        text.line("▶ Session ").bold(running).add(" is running now: check in with ").code(f"{ctx.prefix}here").add(".")
    else:
        waiting = await sessions.awaiting_host(ctx.store, config, now)
        if waiting is not None:
            # Someone arriving late must not conclude they missed it.
            text.line("⏳ Session ").bold(waiting.key).add(f" began {countdown(waiting.starts_at - now)}")
            text.add(" and is waiting for a host: join, check in with ").code(f"{ctx.prefix}here")
            text.add(", or host it with ").code(f"{ctx.prefix}host").add(" then ").code(f"{ctx.prefix}start").add(".")
    held, cancelled = 0, 0
    for session in sessions_from(config, now + dt.timedelta(seconds=1)):
        if session.key == running:
            continue  # started early: shown above as running
        cancellation = cancels.of(session)
        if cancellation is not None and cancelled >= MAX_CANCELLED_SHOWN:
            continue
        text.line().extend(_session_line(session, zone, now))
        if cancellation is not None:
            cancelled += 1
            reason = clean(cancellation.reason, 200)
            text.add(" — ").bold("cancelled").add(f": {reason}" if reason else "")
        else:
            held += 1
            text.line().extend(await _hosts_line(ctx, session))
            if held == len(config.conference.slots):
                break
    if zone is None:
        text.line("Times are in UTC; set your time zone with ").code(f"{ctx.prefix}tz Area/City").add(".")
    text.line().extend(link_text(ctx))
    return ctx.reply(text)


def _session_line(session: Session, zone: str | None, now: dt.datetime) -> Text:
    text = Text("• ").bold(f"{long_date(session.starts_at)} UTC")
    if zone is not None and zone != "UTC":
        local = local_time(session.starts_at, zone)
        # The date once when it is the same there; the whole date when it is not.
        when = f"{local:%H:%M}" if local.date() == session.starts_at.date() else long_date(local)
        text.add(f" — {when} in {timezones.place_name(zone)}")
    return text.add(f" ({countdown(session.starts_at - now)})")


async def _hosts_line(ctx: Context, session: Session) -> Text:
    """Who volunteered to host, by name (never a ping), or how to volunteer."""
    volunteers = await sessions.volunteers_of(ctx.store, session.key)
    if not volunteers:
        text = Text("\u2003No host yet: volunteer with ")
        return text.code(f"{ctx.prefix}host {session.key}")
    names = [await people.name_of(ctx.store, user) for user in volunteers]
    return Text("\u2003Host: " if len(names) == 1 else "\u2003Hosts: ").add(_listed(names, "and"))


# --- !cancel / !uncancel ----------------------------------------------------------------


def _slot_list(config: Config) -> str:
    return ", ".join(str(slot) for slot in config.conference.slots)


def _day_times(on_day: list[Session]) -> str:
    return " and ".join(f"{s.slot.time:%H:%M}" for s in on_day)


def time_of_day_error(
    ctx: Context, command: str, day: dt.date, typed: TimeOfDay, *, rest: str = "", note: str = ""
) -> UsageError:
    """Refuse a time written otherwise than HH:MM, or one that is no session of `day`, rather
    than guess: `!cancel 2026-12-10 5pm` must not cancel the whole day "because: 5pm"."""
    on_day = sessions_on(ctx.config, day)
    if not on_day:
        return UsageError(f"There is no session on {day:%A} {day.isoformat()}. Nothing was changed.")
    shown = clean(typed.typed, 40)
    match = [s for s in on_day if s.slot.time == typed.time]
    if match:
        more = f" {clean(rest, 100)}" if rest else ""
        return UsageError(
            f"{shown!r} looks like a time: did you mean {ctx.prefix}{command} {day.isoformat()} "
            f"{typed.time:%H:%M}{more}? Times are written HH:MM; nothing was changed."
        )
    return UsageError(
        f"There is no session at {shown} on {day.isoformat()}; that day has {_day_times(on_day)}"
        f"{note}. Nothing was changed."
    )


def check_planned_day(ctx: Context, day: dt.date) -> None:
    """Refuse a date before today or over a year ahead, before anything is worked out
    about it (a date near year 1 or 9999 has no instant in some zones)."""
    allowed = planning_range(ctx.config, ctx.clock.now())
    if day in allowed:
        return
    why = "is in the past" if day < allowed.first else "is too far ahead"
    raise UsageError(
        f"{day.isoformat()} {why}: give a date from today ({allowed.first.isoformat()}) "
        f"up to a year ahead ({allowed.last.isoformat()})"
    )


def typed_session_time(ctx: Context, command: str, day: dt.date, text: str) -> dt.time | None:
    """The HH:MM after a date in `command` (None if nothing is typed); any other way of
    writing a time is refused with the day's times."""
    if not text:
        return None
    typed = read_time_of_day(text)
    if typed is None:
        raise UsageError(f"HH:MM: {clean(text.split()[0], 40)!r} is not a time (HH:MM)")
    if not typed.canonical:
        raise time_of_day_error(ctx, command, day, typed)
    if typed.rest:
        raise UsageError(f"unexpected {clean(typed.rest, 40)!r}")
    return typed.time


def _target(config: Config, day: dt.date, at: dt.time | None) -> tuple[str, list[Session]]:
    """What `YYYY-MM-DD [HH:MM]` names: a session key or a whole day, and its sessions."""
    on_day = sessions_on(config, day)
    if not on_day:
        raise CommandError(
            f"There is no session on {day:%A} {day.isoformat()}; the sessions are {_slot_list(config)} "
            f"({config.conference.timezone})."
        )
    if at is None:
        return day.isoformat(), on_day
    match = [s for s in on_day if s.slot.time == at]
    if not match:
        raise CommandError(
            f"There is no session at {at:%H:%M} on {day.isoformat()}; that day has {_day_times(on_day)}."
        )
    return match[0].key, match


def _what(target: str, at: dt.time | None) -> str:
    """How a reply names what `_target` found: without a time, the whole day."""
    return f"the whole day {target}" if at is None else f"session {target}"


@group.command(
    "cancel", usage="YYYY-MM-DD [HH:MM] [reason]", role=Role.ORGANISER, help="Cancel a session or a whole day"
)
async def cancel(ctx: Context, day: dt.date, at: dt.time | None = None, reason: Rest = Rest("")) -> Reply:
    now, config = ctx.clock.now(), ctx.config
    check_planned_day(ctx, day)
    target, affected = _target(config, day, at)
    typed = read_time_of_day(reason) if at is None else None
    if typed is not None:
        # A reason must not start with a time: that time was meant, not the whole day.
        note = ", and a reason for the whole day can't start with a time"
        raise time_of_day_error(ctx, "cancel", day, typed, rest=typed.rest, note=note)
    cancels = await load_cancellations(ctx.store)
    if target in cancels.by_target:
        raise CommandError(f"{_what(target, at).capitalize()} is already cancelled.")
    if at is not None and cancels.of_day(day) is not None:
        raise CommandError(f"The whole day {day.isoformat()} is already cancelled.")
    coming = [s for s in affected if s.starts_at > now]
    started = await sessions.started_before_cancel(ctx.store, affected, now)
    if started is not None:
        raise CommandError(f"Session {started.key} has already started; it can't be cancelled.")
    if not coming:
        over = "its sessions have taken place" if len(affected) > 1 or at is None else "it has taken place"
        raise CommandError(f"{_what(target, at).capitalize()} is over: {over}.")
    reason_text = clean(reason, 200)
    await add_cancellation(ctx.store, target, reason_text, ctx.sender, now)
    ctx.services.schedule_changed()  # a notice due now goes out at once
    text = Text("Cancelled ").bold(_what(target, at)).add(f": {with_full_stop(reason_text)}" if reason_text else ".")
    leads = config.conference.announce_before
    if leads:
        notice = max(coming[0].starts_at - max(leads), now)
        if notice <= now:
            text.line("The rooms get a cancellation notice within a minute, instead of the reminders.")
        else:
            text.line(f"The rooms get a cancellation notice on {long_date(notice)} UTC, instead of the reminders.")
    text.line("Undo with ").code(f"{ctx.prefix}uncancel {target}").add(".")
    return ctx.reply(text)


@group.command("uncancel", usage="YYYY-MM-DD [HH:MM]", role=Role.ORGANISER, help="Restore a cancelled session or day")
async def uncancel(ctx: Context, day: dt.date, time: Rest = Rest("")) -> list[Reply]:
    now = ctx.clock.now()
    check_planned_day(ctx, day)
    at = typed_session_time(ctx, "uncancel", day, time)
    target, affected = _target(ctx.config, day, at)
    cancels = await load_cancellations(ctx.store)
    cancelled = [s for s in affected if cancels.of(s) is not None]
    if not cancelled:
        if at is not None and cancels.of_day(day) is not None:
            raise CommandError(
                f"The whole day {day.isoformat()} is cancelled; restore it with {ctx.prefix}uncancel {day.isoformat()}."
            )
        raise CommandError(f"{_what(target, at).capitalize()} is not cancelled.")
    # A session that is over stays as it was: it did not take place.
    restored = [s for s in cancelled if s.starts_at > now]
    if not restored:
        raise CommandError(f"{_what(target, at).capitalize()} is in the past; it stays cancelled.")
    told = await announcements.rooms_told_of_cancellation(ctx.store, [s.key for s in restored])
    await restore_sessions(ctx.store, ctx.config, day, [s.key for s in restored], now)
    ctx.services.schedule_changed()
    cancels = await load_cancellations(ctx.store)
    on_day = sessions_on(ctx.config, day)
    kept = [s for s in on_day if cancels.of(s) is not None]
    text = Text("Restored ").bold(_what(target, at) if at is not None or not kept else day.isoformat()).add(": ")
    if at is not None:
        text.add("it takes place, and its reminders go out as usual.")
    else:
        held = [s for s in on_day if s.starts_at > now and cancels.of(s) is None]
        one = len(held) == 1
        text.add(f"the session{'' if one else 's'} at {_day_times(held)} take{'s' if one else ''} place, ")
        text.add(f"and {'its' if one else 'their'} reminders go out as usual.")
    for session in kept:
        text.line(f"Session {session.key} stays cancelled")
        if session.starts_at <= now:
            text.add(": it is over.")
        else:
            text.add("; restore it with ").code(f"{ctx.prefix}uncancel {session.key}").add(".")
    replies = [ctx.reply(text)]
    # Rooms that were told of the cancellation are told it is off again.
    for room in told:
        if room == ctx.message.room_id:
            continue
        notice = Text("✅ ").bold(ctx.config.conference.name).add(" of ")
        for i, session in enumerate(restored):
            notice.add(" and " if i else "").bold(f"{long_date(session.starts_at)} UTC")
        notice.add(" takes place after all." if len(restored) == 1 else " take place after all.")
        replies.append(Reply.of(notice, room_id=room))
    return replies


# --- !announce ------------------------------------------------------------------------


@group.command("announce", role=Role.ORGANISER, help="Post the next session's announcement now")
async def announce(ctx: Context) -> list[Reply]:
    now = ctx.clock.now()
    cancels = await load_cancellations(ctx.store)
    following = next_held_sessions(ctx.config, cancels, now, 1)
    if not following:
        raise CommandError("There is no session coming that is not cancelled.")
    text = announcement_text(ctx.config, await announcement_of(ctx.services, following[0], now))
    # Not one of the scheduled announcements: those still go out at their time.
    rooms = ctx.config.matrix.rooms
    if ctx.message.room_id not in rooms:
        return [ctx.reply(text)]
    return [ctx.reply(text)] + [Reply.of(text, room_id=room) for room in rooms if room != ctx.message.room_id]


# --- !calendar ------------------------------------------------------------------------

_ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
SESSION_LENGTH = dt.timedelta(hours=1)


@group.command("calendar", help="A calendar file (.ics) with the weekly sessions", in_direct=True)
async def calendar(ctx: Context) -> Reply:
    now = ctx.clock.now()
    state = await calendar_state(ctx.store, ctx.config, now)
    data = calendar_ics(ctx.config, await load_cancellations(ctx.store), state, now)
    text = Text("The ").bold(ctx.config.conference.name).add(" as a calendar: open ")
    text.code("ccc.ics").add(" with your calendar app. Cancelled sessions are left out; after a change, ")
    text.add("open the new file the same way and your app updates the sessions it already has.")
    feed = ctx.config.web.feed_url if ctx.config.web.enabled else ""
    if feed:
        text.line("Or subscribe, and cancellations reach your calendar by themselves: ").link(feed)
        text.add(" (in apps that ask for it: ").code("webcal://" + feed.split("://", 1)[1]).add(").")
    return ctx.reply(text, file=Attachment("ccc.ics", data, "text/calendar"))


def calendar_ics(config: Config, cancels: Cancellations, state: CalendarState, now: dt.datetime) -> bytes:
    """A VEVENT per slot, repeating weekly from the same first session every time, with
    cancellations as EXDATE. The UID and DTSTART never change; SEQUENCE and LAST-MODIFIED
    follow each change of the schedule, so an app importing the file again updates its
    events rather than keeping the old ones or adding copies."""
    import icalendar

    conf = config.conference
    zone = conference_zone(config)
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
        event.add("description", f"BigBlueButton: {conf.bbb_url} (access code: {conf.access_code})")
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
