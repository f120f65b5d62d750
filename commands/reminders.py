"""`!remind`: a direct message before the sessions a person chose, in their own time zone;
and the words of those direct messages (the reminder, the cancellation), which the
reminders feature words with REMINDER_WORDING (handed to it by bot/app.py)."""

from __future__ import annotations

import datetime as dt

from bot.core.arguments import Rest, UsageError
from bot.core.config import Config
from bot.core.dispatcher import Context
from bot.core.i18n import N_, Translator, english, room_language, translator
from bot.core.model import DirectChat, Reply
from bot.core.registry import CommandGroup
from bot.core.text import Text, clean
from bot.core.timezones import place_name
from bot.core.typed_time import DURATION_EXAMPLES, TimeOfDay, read_duration, read_time_of_day
from bot.core.weekly import Slot
from bot.features.reminders import leads
from bot.features.reminders import repository as reminders
from bot.features.reminders.choices import Change, Chosen, choose, chosen
from bot.features.reminders.service import (
    Reminder,
    ReminderCancellation,
    ReminderWording,
    next_reminder,
    open_direct_chat,
)
from bot.features.schedule.weekly_sessions import Session, local_time, sessions_from
from commands.announcements import link_line
from commands.dates import asker_zone, session_name
from commands.wording import (
    countdown,
    how_to_set_zone,
    listed,
    long_date,
    short_date,
    suggested_by,
    time_span,
    topic_line,
    votes_text,
    with_full_stop,
)

group = CommandGroup("reminders")

TOPICS_SHOWN = 3


def lead_words(lead: dt.timedelta, lang: Translator | None = None) -> str:
    """'15 minutes', '1 hour 30 minutes', '2 days' (in `lang`, English by default)."""
    return time_span(lead, lang)


def next_of_each_slot(config: Config, now: dt.datetime, zone: str) -> list[Session]:
    """The next session of each configured slot, in the order of the week in `zone` (so a
    person's slots read the same whichever comes first)."""
    found: dict[Slot, Session] = {}
    for session in sessions_from(config, now):
        found.setdefault(session.slot, session)
        if len(found) == len(config.conference.slots) or session.starts_at - now > dt.timedelta(days=8):
            break
    return sorted(found.values(), key=lambda s: f"{local_time(s.starts_at, zone):%u %H:%M}")


def _slot_name(session: Session, zone: str, lang: Translator) -> str:
    """'Thursday 09:00': the slot as the person sees it."""
    # Translators: a Babel (CLDR) pattern: a weekly slot, its weekday and time, e.g. 'EEEE 'às' HH:mm'.
    return lang.dated(local_time(session.starts_at, zone), "EEEE HH:mm")


def _slots_text(sessions: list[Session], zone: str, lang: Translator) -> str:
    return listed([_slot_name(s, zone, lang) for s in sessions], lang.gettext("and"))


def _zone_words(zone: str, lang: Translator | None = None) -> str:
    """'UTC', 'Berlin time', 'horário de Berlim': a person's zone, in `lang` (English by default)."""
    if zone == "UTC":
        return "UTC"
    lang = lang or english()
    # Translators: a time zone named after its place: 'Berlin time'.
    return lang.gettext("{place} time", place=place_name(zone, lang.locale))


# What people type to stop reminders, as `off`: `!remind stop`, `!remind 17:00 none`.
OFF_WORDS = ("off", "stop", "none", "no")


@group.command(
    "remind",
    usage="[TIME|all|off] [LEAD|off]",
    help=N_(
        "Get a direct message LEAD before a session (TIME in your time zone, like 8am or 17:00, or "
        "17:00 UTC; or all; LEAD like 15m, 1h30m or 2 days); off (or stop) stops one or all"
    ),
    in_direct=True,
)
async def remind(ctx: Context, text: Rest | None = None) -> Reply:
    p, now, store, lang = ctx.prefix, ctx.clock.now(), ctx.store, ctx.lang
    own_zone = await asker_zone(ctx)
    zone = own_zone or "UTC"
    coming = next_of_each_slot(ctx.config, now, zone)
    slots = ctx.config.conference.slots
    if text is None:
        mine = chosen(await reminders.settings_of(store, ctx.sender), slots)
        shown = _current(ctx, mine, coming, zone)
        if own_zone is None and not mine.every:  # times shown
            how = how_to_set_zone(p, lang)
            shown.add(" ").extend(lang.msg("The times are in UTC; set your own time zone with {how}.", how=how))
        return ctx.reply(shown)
    session, lead = _asked(ctx, text, coming, zone)
    slot = None if session is None else session.slot
    stop = lead.lower() in OFF_WORDS
    before = None if stop else _lead(lead, lang) if lead else leads.DEFAULT_LEAD
    change = await choose(store, ctx.sender, slots, slot, before, now)
    ctx.services.schedule_changed()  # one due within the minute goes out at its time
    if before is None:
        return ctx.reply(_stopped(ctx, change, session, coming, zone))
    if session is None:
        what = lang.gettext("every session")
    else:
        # Translators: after 'before': 'each Thursday 09:00 session (Berlin time)'.
        what = lang.gettext(
            "each {slot} session ({zone})", slot=_slot_name(session, zone, lang), zone=_zone_words(zone, lang)
        )
    said = lead_words(before, lang)
    coming_one = await next_reminder(store, ctx.config, ctx.sender, now, slot)
    if coming_one is None:
        reply = Text(lang.gettext("Done: I will send you a direct message {lead} before {what}.", lead=said, what=what))
    else:
        name = session_name(coming_one.session, own_zone, now, lang)
        if coming_one.at <= now:
            done = lang.gettext(
                "Done: I will send you a direct message {lead} before {what}; the next goes out now, "
                "before the session of {session}.",
                lead=said,
                what=what,
                session=name,
            )
        else:
            done = lang.gettext(
                "Done: I will send you a direct message {lead} before {what}; the next at {when}, "
                "before the session of {session}.",
                lead=said,
                what=what,
                when=short_date(local_time(coming_one.at, zone), lang),
                session=name,
            )
        reply = Text(done)
    replaced = _replaced(change, slot, coming, zone, lang)
    if replaced:
        reply.add(" " + lang.gettext("It was {before}.", before=replaced))
    every = Text().code(f"{p}remind off")
    reply.add(" ")
    if session is None:
        reply.extend(lang.msg("It comes from me, in a direct chat. Stop with {command}.", command=every))
    else:
        one = Text().code(f"{p}remind {local_time(session.starts_at, zone):%H:%M} off")
        reply.extend(
            lang.msg(
                "It comes from me, in a direct chat. Stop it with {command}, every reminder with {all}.",
                command=one,
                all=every,
            )
        )
    # The direct chat now, so that the first reminder does not wait for a new room.
    chat = await open_direct_chat(ctx.services.open_direct_chat, ctx.sender)
    if chat is not None:
        reply.add(_direct_chat_words(chat, lang))
    return ctx.reply(reply)


def _asked(ctx: Context, text: str, coming: list[Session], zone: str) -> tuple[Session | None, str]:
    """The slot `text` names (None: every session) and the lead or off word after it ('' if
    none), read from the whole text, as people write it: `8am 1h30m`, `17:00 UTC stop`,
    `all half an hour`, `15 min before` (a lead alone: every session), `stop`."""
    p, lang = ctx.prefix, ctx.lang
    first, _, after = text.partition(" ")
    after = after.strip()
    if first.lower() in OFF_WORDS:
        if after:
            typed = read_time_of_day(after)
            command = f"{p}remind {first.lower()}"
            if typed is None:
                raise UsageError(lang.gettext("{command} takes nothing after it", command=command))
            raise UsageError(
                lang.gettext(
                    "{command} takes nothing after it; to stop one slot, type {example}",
                    command=command,
                    example=f"{p}remind {typed.written} off",
                )
            )
        return None, "off"
    if first.lower() == "all":
        return None, after
    typed = read_time_of_day(text, hour_before_words=True)
    lead_alone = read_duration(text) is not None
    if typed is not None and typed.time is not None and _lead_or_off(typed.rest):
        session = _slot_of(typed, coming, zone)
        if session is not None or not lead_alone:  # '1h' is one hour before, unless a slot starts at 01:00
            return session or _no_slot(ctx, typed, coming, zone), typed.rest
    if lead_alone:
        return None, text
    if typed is None:
        raise UsageError(
            lang.gettext(
                "{typed} is neither a time nor a lead: type {slot} (a slot, in your time zone), {utc}, {all} or {off}",
                typed=repr(clean(text, 40)),
                slot=f"{p}remind 8am",
                utc=f"{p}remind 17:00 UTC",
                all=f"{p}remind all 1h30m",
                off=f"{p}remind off",
            )
        )
    if typed.time is None:
        raise UsageError(clean(typed.why_in(lang), 300))
    return _slot_of(typed, coming, zone) or _no_slot(ctx, typed, coming, zone), typed.rest


def _lead_or_off(text: str) -> bool:
    """Whether what follows a slot's time is what may: nothing, a lead, or off."""
    return not text or text.lower() in OFF_WORDS or read_duration(text) is not None


def _slot_of(typed: TimeOfDay, coming: list[Session], zone: str) -> Session | None:
    """The next session of the slot starting at `typed`, in the asker's zone or in UTC."""
    there = "UTC" if typed.utc else zone
    return next((s for s in coming if local_time(s.starts_at, there).time() == typed.time), None)


def _leads_words(mine: Chosen, coming: list[Session], zone: str, lang: Translator) -> str:
    """'2 days before every session', '1 hour before each Thursday 09:00 session and 30
    minutes before each Thursday 18:00 session (Berlin time)'."""
    if mine.every and mine.leads:
        return lang.gettext("{lead} before every session", lead=lead_words(mine.leads[0][1], lang))
    grouped: dict[dt.timedelta, list[Session]] = {}
    for session in coming:
        lead = mine.lead_of(session.slot)
        if lead is not None:
            grouped.setdefault(lead, []).append(session)
    parts = [
        lang.gettext(
            "{lead} before each {slots} session", lead=lead_words(lead, lang), slots=_slots_text(sessions, zone, lang)
        )
        for lead, sessions in grouped.items()
    ]
    # Translators: what a person gets, then their zone: '1 hour before each Thursday 09:00 session (Berlin time)'.
    return lang.gettext("{leads} ({zone})", leads=listed(parts, lang.gettext("and")), zone=_zone_words(zone, lang))


def _replaced(change: Change, slot: Slot | None, coming: list[Session], zone: str, lang: Translator) -> str:
    """What held before a change and differs from what holds now ('' if nothing did)."""
    before, after = change.before, change.after
    if slot is not None:
        was = before.lead_of(slot)
        if was is None or was == after.lead_of(slot):
            return ""
        # Translators: what a reminder was before a change: 'It was 15 minutes before.'
        return lang.gettext("{lead} before", lead=lead_words(was, lang))
    return "" if not before.leads or before == after else _leads_words(before, coming, zone, lang)


def _stopped(ctx: Context, change: Change, session: Session | None, coming: list[Session], zone: str) -> Text:
    p, before, after, lang = ctx.prefix, change.before, change.after, ctx.lang
    if session is None:
        if not before.leads and not before.unheld:
            return Text(lang.gettext("You had no reminders; nothing changed."))
        text = Text(lang.gettext("Done: no more reminders by direct message."))
        if before.leads:
            text.add(" " + lang.gettext("It was {before}.", before=_leads_words(before, coming, zone, lang)))
        return text.add(" ").extend(lang.msg("Ask again with {command}.", command=Text().code(f"{p}remind all")))
    slot = _slot_name(session, zone, lang)
    was = before.lead_of(session.slot)
    if was is None:
        return Text(lang.gettext("You had no reminder before the {slot} sessions; nothing changed.", slot=slot))
    text = Text(
        lang.gettext(
            "Done: no more reminders before the {slot} sessions ({zone}); it was {lead} before.",
            slot=slot,
            zone=_zone_words(zone, lang),
            lead=lead_words(was, lang),
        )
    )
    if after.leads:
        still = _leads_words(after, coming, zone, lang)
        text.add(" " + lang.gettext("You still get a direct message {leads}.", leads=still))
    return text


def _direct_chat_words(chat: DirectChat, lang: Translator) -> str:
    if chat.opened:
        return " " + lang.gettext("I've opened a direct chat with you for the reminders: accept my invitation there.")
    if chat.invited:
        return " " + lang.gettext("To read them, accept my invitation to our direct chat.")
    if chat.not_before is not None:
        return " " + lang.gettext(
            "You left the direct chat I opened less than an hour ago; I will open a new one for the "
            "first reminder, not before {time} UTC.",
            time=f"{chat.not_before.astimezone(dt.UTC):%H:%M}",
        )
    if not chat.ready:
        return " " + lang.gettext(
            "I could not open a direct chat with you just now; I will try again when the first reminder is due."
        )
    return ""


def _lead(typed: str, lang: Translator) -> dt.timedelta:
    """The lead the person typed ('15m', '1 hour', '2 days'), within the bounds; a
    UsageError saying what is wrong otherwise."""
    shown = repr(clean(typed, 20))
    try:
        return leads.read_lead(typed)
    except leads.NotALead:
        raise UsageError(
            lang.gettext(
                "LEAD: {typed} is not a time before the session: write it like {examples}.",
                typed=shown,
                examples=lang.gettext(DURATION_EXAMPLES),
            )
        ) from None
    except leads.LeadOutOfBounds as e:
        least, most = lead_words(leads.MIN_LEAD, lang), lead_words(leads.MAX_LEAD, lang)
        if e.too_short:
            why = lang.gettext(
                "LEAD: {typed} is too short: a reminder comes {least} to {most} before a session.",
                typed=shown,
                least=least,
                most=most,
            )
        else:
            why = lang.gettext(
                "LEAD: {typed} is too long: a reminder comes {least} to {most} before a session.",
                typed=shown,
                least=least,
                most=most,
            )
        raise UsageError(why) from None


def _no_slot(ctx: Context, typed: TimeOfDay, coming: list[Session], zone: str) -> Session:
    """Why the time typed starts no slot, and what to type instead, as a UsageError."""
    p, shown, lang = ctx.prefix, repr(clean(typed.as_typed, 20)), ctx.lang
    # A slot's time as the room's announcements give it (the conference zone), from
    # someone elsewhere: their own time is what they type.
    conference = ctx.config.conference.timezone
    for session in coming:
        if not typed.utc and zone != conference and local_time(session.starts_at, conference).time() == typed.time:
            theirs = local_time(session.starts_at, zone)
            raise UsageError(
                lang.gettext(
                    "{typed} is not the start of a slot in your time zone. {slot} {conference_zone} is {theirs} "
                    "for you ({zone}): type {command}",
                    typed=shown,
                    slot=_slot_name(session, conference, lang),
                    conference_zone=_zone_words(conference, lang),
                    theirs=_slot_name(session, zone, lang),
                    zone=_zone_words(zone, lang),
                    command=f"{p}remind {theirs:%H:%M}",
                )
            )
    raise UsageError(
        lang.gettext(
            "{typed} is not the start of a slot. The slots in your time zone ({zone}) are {slots}.",
            typed=shown,
            zone=_zone_words(zone, lang),
            slots=_slots_text(coming, zone, lang),
        )
    )


def _current(ctx: Context, mine: Chosen, coming: list[Session], zone: str) -> Text:
    p, lang = ctx.prefix, ctx.lang
    every, one = Text().code(f"{p}remind all"), Text().code(f"{p}remind HH:MM")
    off, one_off = Text().code(f"{p}remind off"), Text().code(f"{p}remind HH:MM off")
    if not mine.leads and not mine.unheld:
        return lang.msg(
            "You get no reminders. Ask for a direct message before each session with {all}, "
            "or before one slot with {one} ({slots}, {zone}).",
            all=every,
            one=one,
            slots=_slots_text(coming, zone, lang),
            zone=_zone_words(zone, lang),
        )
    if mine.leads:
        text = Text(lang.gettext("You get a direct message {leads}.", leads=_leads_words(mine, coming, zone, lang)))
    else:
        lead = lead_words(mine.unheld[0].lead, lang)
        text = Text(lang.gettext("You get a direct message {lead} before a slot that is no longer held.", lead=lead))
    if len(mine.leads) > 1 and not mine.every:
        return text.add(" ").extend(lang.msg("Stop one with {one}, all with {all}.", one=one_off, all=off))
    return text.add(" ").extend(lang.msg("Stop with {command}.", command=off))


# --- the direct messages ----------------------------------------------------------------


def _their_language(config: Config, language: str | None) -> Translator:
    """The language a person's direct messages are in: the one they chose with !lang, or
    the rooms' (`conference.language`) if they chose none, as replies to them are."""
    return translator(language) if language is not None else room_language(config)


def _local(at: dt.datetime, zone: str, lang: Translator) -> Text:
    """'Thursday 26 November, 09:00 (Berlin time; 08:00 UTC)' (no year: a reminder, or word
    of a cancellation, comes days before its session at most)."""
    text = Text().bold(long_date(local_time(at, zone), at, lang))
    if zone == "UTC":
        return text.add(" UTC")
    return text.add(f" ({_zone_words(zone, lang)}; {at:%H:%M} UTC)")


def _starts(reminder: Reminder, conference: Text, when: Text, lang: Translator) -> Text:
    """'Coop Casual Conference starts in 15 minutes: Thursday 26 November, 09:00 (…)'."""
    made = reminder.announcement
    said = countdown(made.lead if made.lead is not None else made.left, lang)
    if said == lang.gettext("now"):
        # Translators: a reminder's first line: '⏰ Coop Casual Conference starts now: Thursday 26 November, 09:00 UTC'.
        return lang.msg("{conference} starts now: {when}", conference=conference, when=when)
    # Translators: {time} is a countdown: 'in 15 minutes'; {when} the session's day and time.
    return lang.msg("{conference} starts {time}: {when}", conference=conference, time=said, when=when)


def reminder_text(config: Config, reminder: Reminder) -> Text:
    """The reminder a person asked for, in their language and time zone."""
    conf, prefix, made = config.conference, config.matrix.command_prefix, reminder.announcement
    lang = _their_language(config, reminder.language)
    conference, when = Text().bold(conf.name), _local(made.session.starts_at, reminder.zone, lang)
    stop = Text().code(f"{prefix}remind off")
    if reminder.restored:
        left = countdown(made.left, lang)
        said = lang.msg(
            "{conference} of {when} takes place after all ({left}).", conference=conference, when=when, left=left
        )
        text = Text("✅ ").extend(said)
    else:
        text = Text("⏰ ").extend(_starts(reminder, conference, when, lang))
    text.line().extend(link_line(config, lang))
    if made.agenda:
        text.line(lang.gettext("Top topics:"))
        text.bullets(
            [topic_line(t, votes_text(t.votes, lang), suggested_by(t, lang)) for t in made.agenda[:TOPICS_SHOWN]]
        )
    if made.volunteers:
        names = listed([p.name for p in made.volunteers], lang.gettext("and"))
        text.line(lang.ngettext("Host: {names}.", "Hosts: {names}.", len(made.volunteers), names=names))
    if reminder.restored:
        return text.line().extend(lang.msg("You asked for reminders; stop them with {command}.", command=stop))
    return text.line().extend(lang.msg("You asked for this reminder; stop them with {command}.", command=stop))


def reminder_cancellation_text(config: Config, cancelled: ReminderCancellation) -> Text:
    """Word to a person that a session they asked a reminder for is cancelled, in their
    language and time zone."""
    conf, prefix, notice = config.conference, config.matrix.command_prefix, cancelled.notice
    lang = _their_language(config, cancelled.language)
    conference, when = Text().bold(conf.name), _local(notice.session.starts_at, cancelled.zone, lang)
    reason = clean(notice.reason, 200)
    if reason:
        reason = with_full_stop(reason)
        said = lang.msg(
            "{conference} of {when} is cancelled: {reason}", conference=conference, when=when, reason=reason
        )
    else:
        said = lang.msg("{conference} of {when} is cancelled.", conference=conference, when=when)
    text = Text("❌ ").extend(said)
    if notice.following is not None:
        nxt = notice.following.starts_at
        following, left = _local(nxt, cancelled.zone, lang), countdown(nxt - notice.now, lang)
        text.line().extend(lang.msg("The next session is {when} ({left}).", when=following, left=left))
    stop = Text().code(f"{prefix}remind off")
    return text.line().extend(lang.msg("You asked for reminders; stop them with {command}.", command=stop))


REMINDER_WORDING = ReminderWording(reminder=reminder_text, cancellation=reminder_cancellation_text)
