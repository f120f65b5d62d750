"""`!late`: saying you will come later to a session, and taking it back. The note goes to
the session the person means (the running one or the one waiting for its host, else the
next of the slot they usually come to, or the one they name by its time in their zone)
and into its thread: at once if the thread is open, else in the message that opens it."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.core.arguments import Rest, UsageError, convert
from bot.core.dispatcher import Context
from bot.core.i18n import N_, Translator
from bot.core.model import Reply
from bot.core.registry import CommandError, CommandGroup
from bot.core.text import Text, clean
from bot.core.timezones import place_name
from bot.core.typed_time import read_time_of_day
from bot.core.weekly import Slot
from bot.features.people.names import name_of
from bot.features.reminders.choices import reminded_slots
from bot.features.schedule.weekly_sessions import Session, local_time, session_by_key, sessions_between
from bot.features.sessions import late_notes, repository
from bot.features.sessions.timeline import Phase, SessionView, Timeline
from commands.dates import (
    asker_zone,
    check_planned_day,
    read_typed_time,
    session_name,
    sessions_on_day_in,
    times_there,
    typed_session,
)
from commands.session_common import next_hint, remember_name, state_text
from commands.wording import countdown

group = CommandGroup("late")

_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
NOTE_LENGTH = 300


@dataclass(frozen=True)
class _Asked:
    """What `!late` was told: the session named by a time (None: the one meant), and the note."""

    named: SessionView | None
    note: str


@group.command(
    "late",
    usage="[TIME|YYYY-MM-DD TIME] [note]",
    help=N_(
        "Say you will join a session later, with a note for its thread (TIME in your time zone: 8am, "
        "17:00, or 17:00 UTC); off withdraws it"
    ),
)
async def late(ctx: Context, text: Rest = Rest("")) -> list[Reply]:
    # One reading of the words for `!late` and `!late off`: the date and time as typed, then the note.
    first, _, rest = text.partition(" ")
    if first.lower() == "off" or text.lower() == "cancel":  # `cancel`: what people typed before `off`
        return await _withdraw(ctx, rest.strip() if first.lower() == "off" else "")
    line = await Timeline.load(ctx.store, ctx.config, ctx.clock.now())
    zone = await asker_zone(ctx)
    asked = await _read(ctx, line, text, zone)
    view = asked.named or line.meant(await _usual_slots(ctx))
    if view is None:
        raise CommandError(ctx.lang.gettext("There is no session coming."))
    if ctx.sender in await repository.attendees(ctx.store, view.key):
        name = session_name(view.session, zone, ctx.clock.now(), ctx.lang)
        there = ctx.lang.gettext(
            "You are already checked in to the session of {name}, so you are there, not late: nothing was noted.",
            name=name,
        )
        return [ctx.reply(Text(there))]
    await remember_name(ctx)
    said = clean(asked.note, NOTE_LENGTH)
    earlier = await late_notes.note_late(ctx.store, view.key, ctx.sender, said, ctx.clock.now())
    return await _noted(ctx, view, zone, said, earlier)


async def _noted(ctx: Context, view: SessionView, zone: str | None, note: str, earlier: str | None) -> list[Reply]:
    """The note in the session's thread if it is open (saying what it replaces: the host saw
    that one there), else the reply saying when the thread will carry it."""
    lang, name = ctx.lang, await name_of(ctx.store, ctx.sender)
    session = session_name(view.session, zone, ctx.clock.now(), lang)
    here = Text().code(f"{ctx.prefix}here")
    root = await repository.thread_root(ctx.store, view.key, ctx.message.room_id)
    if root is not None:
        posted = Text("🕐 ").extend(_posted(ctx.room_lang, Text().bold(name), note, earlier))
        if ctx.message.thread_root == root:
            return [ctx.reply(posted)]
        confirm = lang.msg(
            "Noted: your message is in the thread of the session of {name}, where the host sees it.", name=session
        )
        if view.phase is Phase.RUNNING:
            confirm.add(" ").extend(lang.msg("Check in with {here} when you join.", here=here))
        return [Reply.of(posted, thread_root=root), ctx.reply(confirm)]
    who = Text().bold(name)
    if note:
        said = lang.msg("{who} will join the session of {name} later: {note}", who=who, name=session, note=note)
    else:
        said = lang.msg("{who} will join the session of {name} later.", who=who, name=session)
    text = Text("🕐 ").extend(said)
    if view.phase is Phase.RUNNING:
        text.line().extend(lang.msg("Noted. The session is running: check in with {here} when you join.", here=here))
    elif view.phase is Phase.WAITING:
        text.line(
            lang.gettext("Noted. The session waits for its host; your note goes into its thread when a host starts it.")
        )
    else:
        left = countdown(view.session.starts_at - ctx.clock.now(), lang)
        text.line(
            lang.gettext(
                "Noted. The session starts {left}; your note goes into the session's thread when it opens, "
                "where the host sees it.",
                left=left,
            )
        )
    if earlier:
        text.line(lang.gettext("It replaces your earlier note: “{note}”.", note=earlier))
    elif earlier is not None:
        text.line(lang.gettext("It replaces your earlier one, which had no note."))
    return [ctx.reply(text)]


def _posted(lang: Translator, who: Text, note: str, earlier: str | None) -> Text:
    """The line in the session's thread, in the rooms' language: '**Ana** will join later:
    train is late (instead of: 5 minutes)'."""
    if note and earlier:
        return lang.msg("{who} will join later: {note} (instead of: {earlier})", who=who, note=note, earlier=earlier)
    if note:
        return lang.msg("{who} will join later: {note}", who=who, note=note)
    if earlier:
        return lang.msg("{who} will join later (instead of: {earlier}).", who=who, earlier=earlier)
    return lang.msg("{who} will join later.", who=who)


async def _withdraw(ctx: Context, typed: str) -> list[Reply]:
    """`!late off [time]`: the note for the named session, else for the session meant,
    else the person's note for the first session not over yet."""
    store, zone, lang = ctx.store, await asker_zone(ctx), ctx.lang
    line = await Timeline.load(store, ctx.config, ctx.clock.now())
    if typed:
        asked = await _read(ctx, line, typed, zone)
        if asked.named is None or asked.note:
            raise UsageError(
                lang.gettext("after off, give nothing or the session's time (like 8am, 17:00 UTC or 2026-12-10 17:00)")
            )
        view = asked.named
    else:
        mine = await late_notes.late_notes_of(store, ctx.sender)
        meant = line.meant(await _usual_slots(ctx))
        pending = [v for v in (line.view_of_key(key) for key in mine) if not v.phase.over]
        if meant is not None and meant.key in mine:
            view = meant
        elif pending:
            view = min(pending, key=lambda v: v.session.starts_at)
        else:
            raise CommandError(
                lang.gettext("You had left no note that you would come later, so there is nothing to withdraw.")
            )
    name = session_name(view.session, zone, line.now, lang)
    withdrawn = await late_notes.withdraw_late(store, view.key, ctx.sender)
    if withdrawn is None:
        raise CommandError(
            lang.gettext("You had left no note for the session of {name}, so there is nothing to withdraw.", name=name)
        )
    if withdrawn:
        said = lang.gettext("Withdrawn: your note “{note}” for the session of {name}.", note=withdrawn, name=name)
    else:
        said = lang.gettext("Withdrawn: your note (without text) for the session of {name}.", name=name)
    confirm = Text(said)
    root = await repository.thread_root(store, view.key, ctx.message.room_id)
    if root is None:
        return [ctx.reply(confirm)]
    who = Text().bold(await name_of(store, ctx.sender))
    posted = Text("🕐 ").extend(ctx.room_lang.msg("{who} withdrew their note about coming later.", who=who))
    if ctx.message.thread_root == root:
        return [ctx.reply(posted)]
    return [Reply.of(posted, thread_root=root), ctx.reply(confirm)]


# --- which session ---------------------------------------------------------------------


async def _usual_slots(ctx: Context) -> list[Slot]:
    """The slots the asker usually comes to: those they get reminders of, else the slot of
    their last check-in; none (the next session, whichever) if neither says."""
    reminded = await reminded_slots(ctx.store, ctx.sender, ctx.config.conference.slots)
    if reminded:
        return reminded
    key = await repository.last_check_in(ctx.store, ctx.sender)
    session = session_by_key(ctx.config, key) if key else None
    return [] if session is None else [session.slot]


async def _read(ctx: Context, line: Timeline, text: str, zone: str | None) -> _Asked:
    """The session `text` names by its time, if it starts with one (a date and a time, or a
    time alone: the next day it is a session), in the asker's zone unless it says UTC; the
    rest is the note. A text starting otherwise is all note ("5 minutes"), and so is one
    starting with a time not written H:MM that names no session before a note ("2pm
    train, sorry")."""
    first, _, after = text.partition(" ")
    if _DATE.fullmatch(first):
        day: dt.date = convert(dt.date, first, "YYYY-MM-DD")
        check_planned_day(ctx, day)
        typed = read_typed_time(ctx, "late", day, after.strip(), zone)
        if typed is None:
            on_day = sessions_on_day_in(ctx.config, day, zone)
            there = _times_there(on_day, zone, ctx.lang)
            raise UsageError(
                ctx.lang.gettext(
                    "give the session's time after the date: on {day} {sessions}", day=day.isoformat(), sessions=there
                )
            )
        session = typed_session(ctx.config, day, typed, ctx.lang)
        return _Asked(await _open(ctx, line.view(session), zone), typed.rest)
    time = read_time_of_day(text)
    if time is None or (time.rest and not (time.plain and time.canonical)):
        if time is None or time.time is None or line.next_at(time.time, None if time.utc else zone) is None:
            return _Asked(None, text)
    typed = read_typed_time(ctx, "late", line.now.date(), text, zone)
    assert typed is not None  # `text` starts with a time
    view = line.next_at(typed.time, typed.zone)
    if view is None:
        week = sessions_between(ctx.config, line.now, line.now + dt.timedelta(days=7))
        lang = ctx.lang
        where = lang.gettext("{place} time", place=place_name(typed.zone, lang.locale)) if typed.zone else "UTC"
        raise UsageError(
            lang.gettext(
                "There is no session at {time} ({where}): {sessions}",
                time=f"{typed.time:%H:%M}",
                where=where,
                sessions=_times_there(week, typed.zone, lang),
            )
        )
    return _Asked(view, typed.rest)


async def _open(ctx: Context, view: SessionView, zone: str | None) -> SessionView:
    """`view` if someone can still come to it, else the refusal saying why not."""
    if view.phase.cancelled or view.phase.over:
        said = state_text(view, zone, ctx.clock.now(), ctx.lang)
        nothing = ctx.lang.gettext("Nothing was noted.")
        hint = f" {await next_hint(ctx)}" if view.phase.over else ""
        raise CommandError(f"{said} {nothing}{hint}")
    return view


def _times_there(sessions: list[Session], zone: str | None, lang: Translator) -> str:
    """'the sessions are at 13:30 and 22:30 there (08:00 and 17:00 UTC).', by their time there."""
    if not sessions:
        return lang.gettext("there is none.")
    shown = sorted({s.slot: s for s in sessions}.values(), key=lambda s: local_time(s.starts_at, zone or "UTC").time())
    return lang.gettext("the sessions are at {times}.", times=times_there(shown, zone, lang))
