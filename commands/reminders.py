"""`!remind`: a direct message before the sessions a person chose, in their own time zone;
and the words of those direct messages (the reminder, the cancellation), which the
reminders feature words with REMINDER_WORDING (handed to it by bot/app.py)."""

from __future__ import annotations

import datetime as dt
import re

from bot.core.config import Config, Slot, parse_duration
from bot.core.dispatcher import Context
from bot.core.model import DirectChat, Reply
from bot.core.registry import CommandGroup, Rest, UsageError
from bot.core.text import Text, clean, plural
from bot.core.timezones import place_name
from bot.features.people import repository as people
from bot.features.reminders import repository as reminders
from bot.features.reminders.service import (
    Reminder,
    ReminderCancellation,
    ReminderWording,
    open_direct_chat,
)
from bot.features.schedule.repository import Session, local_time, sessions_from
from commands.announcements import link_line
from commands.wording import countdown, long_date, short_date, with_full_stop

group = CommandGroup("reminders")

TOPICS_SHOWN = 3


def lead_words(lead: dt.timedelta) -> str:
    """'15 minutes', '1 hour 30 minutes', '2 days'."""
    return countdown(lead).removeprefix("in ")


def next_of_each_slot(config: Config, now: dt.datetime) -> list[Session]:
    """The next session of each configured slot, in time order."""
    found: dict[Slot, Session] = {}
    for session in sessions_from(config, now):
        found.setdefault(session.slot, session)
        if len(found) == len(config.conference.slots) or session.starts_at - now > dt.timedelta(days=8):
            break
    return sorted(found.values(), key=lambda s: s.starts_at)


def _slot_name(session: Session, zone: str) -> str:
    """'Thursday 09:00': the slot as the person sees it."""
    return f"{local_time(session.starts_at, zone):%A %H:%M}"


def _slots_text(sessions: list[Session], zone: str) -> str:
    names = [_slot_name(s, zone) for s in sessions]
    return (", ".join(names[:-1]) + " and " + names[-1]) if len(names) > 1 else "".join(names)


def _zone_words(zone: str) -> str:
    return "UTC" if zone == "UTC" else f"{place_name(zone)} time"


@group.command(
    "remind",
    usage="[HH:MM|all|off] [LEAD]",
    help="Get a direct message before a session (HH:MM in your time zone, or all); off stops them",
    in_direct=True,
)
async def remind(ctx: Context, which: str | None = None, lead: Rest | None = None) -> Reply:
    p, now, store = ctx.prefix, ctx.clock.now(), ctx.store
    own_zone = await people.get_timezone(store, ctx.sender)
    zone = own_zone or "UTC"
    coming = next_of_each_slot(ctx.config, now)
    if which is None:
        setting = await reminders.setting_of(store, ctx.sender)
        text = _current(ctx, setting, coming, zone)
        if own_zone is None and (setting is None or setting.slots is not None):  # times shown
            text.add(" The times are in UTC; set your own time zone with ").code(f"{p}tz Area/City").add(".")
        return ctx.reply(text)
    choice = which.lower()
    if choice == "off":
        if lead is not None:
            raise UsageError(f"{p}remind off takes nothing after it")
        if not await reminders.clear_setting(store, ctx.sender):
            return ctx.reply(Text("You had no reminders; nothing changed."))
        ctx.services.schedule_changed()
        return ctx.reply(Text("Done: no more reminders by direct message. Ask again with ").code(f"{p}remind all"))
    before = _lead(lead) if lead is not None else reminders.DEFAULT_LEAD
    if choice == "all":
        chosen: list[Session] | None = None
    else:
        typed = _hhmm(which)
        chosen = [s for s in coming if f"{local_time(s.starts_at, zone):%H:%M}" == typed]
        if not chosen:
            raise UsageError(_not_a_slot(ctx, which, typed, coming, zone))
    slots = None if chosen is None else [s.slot for s in chosen]
    await reminders.set_setting(store, ctx.sender, slots, before, now)
    ctx.services.schedule_changed()  # one due within the minute goes out at its time
    sessions = coming if chosen is None else chosen
    what = "every session" if chosen is None else f"each {_slots_text(chosen, zone)} session ({_zone_words(zone)})"
    text = Text(f"Done: I will send you a direct message {lead_words(before)} before {what}")
    first = sessions[0].starts_at if sessions else None
    if first is not None:
        text.add(f"; the next at {short_date(local_time(first - before, zone))}")
    text.add(". It comes from me, in a direct chat. Stop with ").code(f"{p}remind off").add(".")
    # The direct chat now, so that the first reminder does not wait for a new room.
    chat = await open_direct_chat(ctx.services, ctx.sender)
    if chat is not None:
        text.add(_direct_chat_words(chat))
    return ctx.reply(text)


def _direct_chat_words(chat: DirectChat) -> str:
    if chat.opened:
        return " I've opened a direct chat with you for the reminders: accept my invitation there."
    if chat.invited:
        return " To read them, accept my invitation to our direct chat."
    if chat.not_before is not None:
        return (
            " You left the direct chat I opened less than an hour ago; I will open a new one for the "
            f"first reminder, not before {chat.not_before.astimezone(dt.UTC):%H:%M} UTC."
        )
    if not chat.ready:
        return " I could not open a direct chat with you just now; I will try again when the first reminder is due."
    return ""


_HOUR = re.compile(r"([0-9]{1,2})(?::([0-9]{2}))?")
# A lead in words, as people write it: '30 min', '1 hour', '2 days'.
_LEAD_WORDS = re.compile(r"([0-9]+)\s*(m|mins?|minutes?|h|hrs?|hours?|d|days?)", re.IGNORECASE)


def _hhmm(typed: str) -> str:
    """'9:00' -> '09:00', '17' -> '17:00'; anything else unchanged (and matches no slot)."""
    m = _HOUR.fullmatch(typed)
    return f"{int(m.group(1)):02d}:{m.group(2) or '00'}" if m else typed


def _lead(typed: str) -> dt.timedelta:
    """The lead the person typed ('15m', '1 hour', '2 days'), within the bounds; a
    UsageError saying what is wrong otherwise."""
    shown = clean(typed, 20)
    words = _LEAD_WORDS.fullmatch(typed.strip())
    try:
        lead = parse_duration(f"{words.group(1)}{words.group(2)[0].lower()}" if words else typed)
    except ValueError:
        raise UsageError(f"LEAD: {shown!r} is not a time before the session: write it like 15m, 2h or 1d.") from None
    if reminders.MIN_LEAD <= lead <= reminders.MAX_LEAD:
        return lead
    bounds = f"a reminder comes {lead_words(reminders.MIN_LEAD)} to {lead_words(reminders.MAX_LEAD)} before a session"
    size = "too short" if lead < reminders.MIN_LEAD else "too long"
    raise UsageError(f"LEAD: {shown!r} is {size}: {bounds}.")


def _not_a_slot(ctx: Context, which: str, typed: str, coming: list[Session], zone: str) -> str:
    """Why what was typed is not a slot, and what to type instead."""
    p, shown = ctx.prefix, clean(which, 20)
    with_lead = False
    try:
        _lead(which)
        with_lead = True
    except UsageError:
        pass
    if with_lead:
        return f"{shown!r} is not the start of a slot; for every session, type {p}remind all {shown}"
    # A slot's time as the room's announcements give it (the conference zone), from
    # someone elsewhere: their own time is what they type.
    conference = ctx.config.conference.timezone
    for session in coming:
        if zone != conference and f"{local_time(session.starts_at, conference):%H:%M}" == typed:
            theirs = local_time(session.starts_at, zone)
            return (
                f"{shown!r} is not the start of a slot in your time zone. "
                f"{_slot_name(session, conference)} {_zone_words(conference)} is {theirs:%A %H:%M} for you "
                f"({_zone_words(zone)}): type {p}remind {theirs:%H:%M}"
            )
    return (
        f"{shown!r} is not the start of a slot. "
        f"The slots in your time zone ({_zone_words(zone)}) are {_slots_text(coming, zone)}."
    )


def _current(ctx: Context, setting: reminders.Setting | None, coming: list[Session], zone: str) -> Text:
    p = ctx.prefix
    if setting is None:
        text = Text("You get no reminders. Ask for a direct message before each session with ").code(f"{p}remind all")
        text.add(", or before one slot with ").code(f"{p}remind HH:MM")
        return text.add(f" ({_slots_text(coming, zone)}, {_zone_words(zone)}).")
    chosen = [s for s in coming if setting.covers(s.slot)]
    if setting.slots is None:
        what = "every session"
    elif chosen:
        what = f"each {_slots_text(chosen, zone)} session ({_zone_words(zone)})"
    else:
        what = "a slot that is no longer held"
    text = Text(f"You get a direct message {lead_words(setting.lead)} before {what}. Stop with ")
    return text.code(f"{p}remind off").add(".")


# --- the direct messages ----------------------------------------------------------------


def _when(reminder: Reminder) -> str:
    made = reminder.announcement
    if made.lead is not None:
        return f"starts in {lead_words(made.lead)}"
    left = countdown(made.left)
    return "starts now" if left == "now" else f"starts {left}"


def _local(at: dt.datetime, zone: str) -> Text:
    """'Thursday 26 November 2026, 09:00 (Berlin time; 08:00 UTC)'."""
    text = Text().bold(long_date(local_time(at, zone)))
    if zone == "UTC":
        return text.add(" UTC")
    return text.add(f" ({_zone_words(zone)}; {at:%H:%M} UTC)")


def reminder_text(config: Config, reminder: Reminder) -> Text:
    conf, prefix, made = config.conference, config.matrix.command_prefix, reminder.announcement
    if reminder.restored:
        text = Text("✅ ").bold(conf.name).add(" of ").extend(_local(made.session.starts_at, reminder.zone))
        text.add(f" takes place after all ({countdown(made.left)}).")
    else:
        text = (
            Text("⏰ ")
            .bold(conf.name)
            .add(f" {_when(reminder)}: ")
            .extend(_local(made.session.starts_at, reminder.zone))
        )
    text.line().extend(link_line(config))
    if made.agenda:
        text.line("Top topics:")
        for topic in made.agenda[:TOPICS_SHOWN]:
            text.line(f"• #{topic.id} {clean(topic.text, 120)} ({plural(topic.votes, 'vote')})")
    if made.volunteers:
        names = [p.name for p in made.volunteers]
        shown = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        text.line(f"Host: {shown}.")
    asked = "reminders" if reminder.restored else "this reminder"
    return text.line(f"You asked for {asked}; stop them with ").code(f"{prefix}remind off").add(".")


def reminder_cancellation_text(config: Config, cancelled: ReminderCancellation) -> Text:
    conf, prefix, notice = config.conference, config.matrix.command_prefix, cancelled.notice
    text = Text("❌ ").bold(conf.name).add(" of ").extend(_local(notice.session.starts_at, cancelled.zone))
    reason = clean(notice.reason, 200)
    text.add(f" is cancelled: {with_full_stop(reason)}" if reason else " is cancelled.")
    if notice.following is not None:
        nxt = notice.following.starts_at
        text.line("The next session is ").extend(_local(nxt, cancelled.zone)).add(f" ({countdown(nxt - notice.now)}).")
    return text.line("You asked for reminders; stop them with ").code(f"{prefix}remind off").add(".")


REMINDER_WORDING = ReminderWording(reminder=reminder_text, cancellation=reminder_cancellation_text)
