"""!cancel: a session or a whole day called off (`!uncancel`, in commands/uncancel.py, restores it).

A time is in the asker's `!tz` zone, or UTC when it ends in `UTC`; a date without a time
is the whole conference day (the date in `conference.timezone`, the day a whole-day
cancellation names). A session whose time has come and that waits for its host is called
off: who checked in is told in its thread. A session already cancelled takes a new reason.
Replies name sessions for people, in UTC and the asker's time (`session_name`), and show
what to type back (`typed_utc`) where someone may want to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.arguments import Rest
from bot.core.config import Config
from bot.core.dispatcher import Context
from bot.core.i18n import N_, Translator
from bot.core.model import Reply, Role
from bot.core.registry import CommandError, CommandGroup
from bot.core.text import Text, clean
from bot.features.announcements import repository as announcements
from bot.features.announcements.messages import cancellation_of
from bot.features.people.names import name_of
from bot.features.schedule.repository import Cancellation, add_cancellation, replace_reason
from bot.features.schedule.weekly_sessions import Session, sessions_on
from bot.features.sessions import repository as sessions
from bot.features.sessions.hosts import volunteer_names
from bot.features.sessions.timeline import Phase, SessionView, Timeline
from commands.announcements import cancellation_text
from commands.dates import (
    TypedTime,
    asker_zone,
    check_planned_day,
    read_typed_time,
    session_name,
    typed_session,
    typed_utc,
)
from commands.session_common import in_every_thread
from commands.wording import countdown, long_date, with_full_stop

group = CommandGroup("cancellations")


@dataclass(frozen=True)
class Target:
    """What `YYYY-MM-DD [HH:MM]` names: one session, or a whole conference day."""

    key: str  # a session's key, or the conference date 'YYYY-MM-DD'
    sessions: list[Session]
    whole_day: bool

    def said(
        self, lang: Translator, day: str, session: str, zone: str | None, now: dt.datetime, **parts: str | Text
    ) -> Text:
        """The sentence `day` (with `{day}`) of a whole day, or `session` (with `{session}`)
        of one session: whole sentences, since the words agree with what is named."""
        if self.whole_day:
            return lang.msg(day, day=self.key, **parts)
        return lang.msg(session, session=session_name(self.sessions[0], zone, now, lang), **parts)

    @property
    def typed(self) -> str:
        """How to name it again in a command, whoever types it: a session by its UTC time."""
        return self.key if self.whole_day else typed_utc(self.sessions[0])


def target_of(ctx: Context, day: dt.date, typed: TypedTime | None) -> Target:
    config, lang = ctx.config, ctx.lang
    if typed is None:
        on_day = sessions_on(config, day)
        if not on_day:
            slots = ", ".join(str(slot) for slot in config.conference.slots)
            # Translators: {weekday} is the day of the week of {date}; {slots} the sessions' times, {zone} their zone.
            raise CommandError(
                lang.gettext(
                    "There is no session on {weekday} {date}; the sessions are {slots} ({zone}).",
                    weekday=_weekday(lang, day),
                    date=day.isoformat(),
                    slots=slots,
                    zone=config.conference.timezone,
                )
            )
        return Target(day.isoformat(), on_day, True)
    session = typed_session(config, day, typed, lang)
    return Target(session.key, [session], False)


def _weekday(lang: Translator, day: dt.date) -> str:
    # Translators: a Babel (CLDR) date pattern: the day of the week alone ('Thursday').
    return lang.dated(dt.datetime.combine(day, dt.time()), "EEEE")


def session_names(sessions_: list[Session], zone: str | None, now: dt.datetime, lang: Translator) -> str:
    both = lang.gettext("and")
    return f" {both} ".join(session_name(s, zone, now, lang) for s in sessions_)


def reason_end(reason: str) -> str:
    """What ends a sentence that may give a reason: ': the reason.', or a full stop."""
    return f": {with_full_stop(reason)}" if reason else "."


async def in_its_thread(ctx: Context, session: Session, text: Text, *, here: Text | None = None) -> list[Reply]:
    """`text` in the session's thread in every served room (`here` instead in this one)."""
    root = await sessions.thread_root(ctx.store, session.key, ctx.message.room_id)
    return await in_every_thread(ctx, session.key, text, root, here=here)


# --- !cancel ------------------------------------------------------------------------------


@group.command(
    "cancel",
    usage="YYYY-MM-DD [TIME] [reason]",
    role=Role.ORGANISER,
    help=N_(
        "Cancel a session (TIME in your time zone: 8am, 17:00, or 17:00 UTC) or a whole day, or call off "
        "one nobody came to host"
    ),
)
async def cancel(ctx: Context, day: dt.date, rest: Rest = Rest("")) -> list[Reply]:
    now, config, lang = ctx.clock.now(), ctx.config, ctx.lang
    check_planned_day(ctx, day)
    zone = await asker_zone(ctx)
    # A time as people write it ('8 am', '17:00 UTC') may take several words: read from
    # the whole text after the date, the reason after it.
    typed = read_typed_time(ctx, "cancel", day, rest, zone)
    target = target_of(ctx, day, typed)
    reason = clean(typed.rest if typed is not None else rest, 200)
    line = await Timeline.load(ctx.store, config, now)
    already = line.cancels.by_target.get(target.key)
    if already is not None:
        return await _cancelled_again(ctx, line, target, already, reason, zone)
    whole_day = None if target.whole_day else line.cancels.by_target.get(target.sessions[0].day)
    if whole_day is not None:
        day_key = target.sessions[0].day
        # Translators: {reason} ends the sentence: ': the reason given.', or a full stop.
        refusal = lang.msg(
            "The whole day {day} is already cancelled{reason} To give another reason: {command}",
            day=day_key,
            reason=reason_end(whole_day.reason),
            command=Text().code(f"{ctx.prefix}cancel {day_key} REASON"),
        )
        raise CommandError(refusal)
    started = line.started_before_cancel(target.sessions)
    if started is not None:
        name = session_name(started, zone, now, lang)
        raise CommandError(
            lang.gettext("The session of {session} has already started; it can't be cancelled.", session=name)
        )
    views = [line.view(s) for s in target.sessions]
    waiting = [v.session for v in views if v.phase is Phase.WAITING]
    coming = [v.session for v in views if v.phase is Phase.COMING]
    if not waiting and not coming:
        raise CommandError(_nothing_to_cancel(ctx, target, views, zone))
    await add_cancellation(ctx.store, target.key, reason, ctx.sender, now)
    ctx.services.schedule_changed()  # a notice due now goes out at once
    if not target.whole_day and waiting:
        return await _called_off(ctx, waiting[0], reason, zone, here_extra=await _volunteered(ctx, waiting, zone))
    text = target.said(
        lang,
        # Translators: {reason} ends the sentence: ': the reason given.', or a full stop.
        N_("Cancelled the whole day {day}{reason}"),
        N_("Cancelled the session of {session}{reason}"),
        zone,
        now,
        reason=reason_end(reason),
    )
    if target.whole_day:
        for session in waiting:
            text.line(
                lang.gettext(
                    "Called off: the session of {session}, waiting for its host; who checked in is told in its thread.",
                    session=session_name(session, zone, now, lang),
                )
            )
        if coming:
            text.line(
                lang.ngettext(
                    "Cancelled: the session of {sessions}.",
                    "Cancelled: the sessions of {sessions}.",
                    len(coming),
                    sessions=session_names(coming, zone, now, lang),
                )
            )
    if coming:
        text.line().extend(_notice_line(config, coming[0], now, lang))
    for said in await _volunteered(ctx, waiting + coming, zone, one=not target.whole_day):
        text.line(said)
    if coming:
        undo = Text().code(f"{ctx.prefix}uncancel {target.typed}")
        text.line().extend(lang.msg("Undo with {command}.", command=undo))
    replies = [ctx.reply(text)]
    for session in waiting:
        replies.extend(await _called_off(ctx, session, reason, zone))
    return replies


_WHY_OVER = {
    Phase.ENDED: N_("it has taken place"),
    Phase.AUTO_CLOSED: N_("it has taken place"),
    Phase.NOT_STARTED: N_("no host started it in time"),
    Phase.CALLED_OFF: N_("it was called off"),
    Phase.CANCELLED: N_("it is cancelled already"),
}


def why_over(lang: Translator, phase: Phase) -> str:
    return lang.gettext(_WHY_OVER.get(phase, N_("it is over")))


def _nothing_to_cancel(ctx: Context, target: Target, views: list[SessionView], zone: str | None) -> str:
    """Why nothing of `target` can be cancelled: every session of it is over (or, of a
    whole day, cancelled already)."""
    lang, now = ctx.lang, ctx.clock.now()
    if not target.whole_day:
        name = session_name(views[0].session, zone, now, lang)
        return lang.gettext(
            "The session of {session} is over: {why}.", session=name, why=why_over(lang, views[0].phase)
        )
    each = "; ".join(
        lang.gettext(
            "the session of {session}: {why}",
            session=session_name(v.session, zone, now, lang),
            why=why_over(lang, v.phase),
        )
        for v in views
    )
    return lang.gettext("Nothing is left to cancel on {day}: {sessions}.", day=target.key, sessions=each)


def _notice_at(config: Config, first: Session, since: dt.datetime) -> dt.datetime | None:
    """When the rooms get word of a cancellation made at `since` whose first session is
    `first`: when its first reminder would have gone, or at once; None without reminders."""
    leads = config.conference.announce_before
    return max(first.starts_at - max(leads), since) if leads else None


def _notice_line(config: Config, first: Session, now: dt.datetime, lang: Translator) -> Text:
    notice = _notice_at(config, first, now)
    if notice is None:
        return lang.msg("The rooms get no cancellation notice: no announcements are configured.")
    if notice <= now:
        return lang.msg("The rooms get a cancellation notice within a minute, instead of the reminders.")
    return lang.msg(
        "The rooms get a cancellation notice on {date} UTC, instead of the reminders.",
        date=long_date(notice, now, lang),
    )


async def _volunteered(ctx: Context, of: list[Session], zone: str | None, *, one: bool = True) -> list[str]:
    """'Alice had volunteered to host it.' for each session someone volunteered for (names
    as text, nobody pinged); `one`: the reply is about that one session."""
    said, lang = [], ctx.lang
    for session in of:
        who = await volunteer_names(ctx.store, session.key)
        if not who:
            continue
        names = ", ".join(who)
        if one:
            said.append(
                lang.ngettext(
                    "{names} had volunteered to host it.", "{names} had volunteered to host it.", len(who), names=names
                )
            )
        else:
            name = session_name(session, zone, ctx.clock.now(), lang)
            said.append(
                lang.ngettext(
                    "{names} had volunteered to host the session of {session}.",
                    "{names} had volunteered to host the session of {session}.",
                    len(who),
                    names=names,
                    session=name,
                )
            )
    return said


async def _called_off(
    ctx: Context, session: Session, reason: str, zone: str | None, *, here_extra: Sequence[str] = ()
) -> list[Reply]:
    """The word that `session`, which waited for its host, is called off: in its thread in
    every served room, naming who had checked in (as text). In this room it names the
    sessions in the asker's zone and language; elsewhere in UTC, in the rooms' language."""
    came = [await name_of(ctx.store, u) for u in await sessions.attendees(ctx.store, session.key)]
    line = await Timeline.load(ctx.store, ctx.config, ctx.clock.now())
    following = line.next_held()

    def notice(shown_in: str | None, lang: Translator) -> Text:
        name = session_name(session, shown_in, line.now, lang)
        title = lang.gettext("Session of {session} is called off", session=name)
        text = Text("❌ ").bold(title).add(reason_end(reason))
        if came:
            text.line(lang.gettext("Checked in: {names}. Thank you for coming!", names=", ".join(came)))
        if following is not None:
            text.line(
                lang.gettext(
                    "The next session is on {session}, {left}.",
                    session=session_name(following.session, shown_in, line.now, lang),
                    left=countdown(following.session.starts_at - line.now, lang),
                )
            )
        return text

    here = notice(zone, ctx.lang)
    for said in here_extra:
        here.line(said)
    return await in_its_thread(ctx, session, notice(None, ctx.room_lang), here=here)


async def _cancelled_again(
    ctx: Context, line: Timeline, target: Target, was: Cancellation, reason: str, zone: str | None
) -> list[Reply]:
    """`!cancel` on what is cancelled already: without a reason, it says so and how to give
    another; with one, the new reason replaces the old (a notice not sent yet carries it;
    rooms that had the notice, and the threads of a session called off, are told it)."""
    views = [line.view(s) for s in target.sessions]
    called_off = not target.whole_day and views[0].phase is Phase.CALLED_OFF
    now, lang = ctx.clock.now(), ctx.lang
    if not reason or reason == was.reason:
        again = Text().code(f"{ctx.prefix}cancel {target.typed} REASON")
        session_said = (
            N_("The session of {session} is already called off{reason} To give another reason: {command}")
            if called_off
            else N_("The session of {session} is already cancelled{reason} To give another reason: {command}")
        )
        # Translators: {reason} ends the sentence: ': the reason given.', or a full stop.
        day_said = N_("The whole day {day} is already cancelled{reason} To give another reason: {command}")
        raise CommandError(
            target.said(lang, day_said, session_said, zone, now, reason=reason_end(was.reason), command=again)
        )
    await replace_reason(ctx.store, target.key, reason, now)
    ctx.services.schedule_changed()
    replaces = lang.gettext("It replaces: {reason}", reason=with_full_stop(was.reason)) if was.reason else ""
    if called_off:
        here = [" ".join(filter(None, [lang.gettext("That is its new reason."), replaces]))]
        return await _called_off(ctx, target.sessions[0], reason, zone, here_extra=here)
    text = target.said(
        lang,
        N_("The whole day {day} was already cancelled; the reason is now: {reason}"),
        N_("The session of {session} was already cancelled; the reason is now: {reason}"),
        zone,
        now,
        reason=with_full_stop(reason),
    )
    if replaces:
        text.add(" ").add(replaces)
    # The sessions this cancellation covers (not those of its day cancelled by themselves).
    ahead = [
        v.session
        for v in views
        if v.phase is Phase.CANCELLED
        and v.session.starts_at > now
        and v.cancellation
        and v.cancellation.target == was.target
    ]
    told = {s.key: await announcements.rooms_told_of_cancellation(ctx.store, [s.key]) for s in ahead}
    untold = [s for s in ahead if not told[s.key]]
    if untold:
        notice = _notice_at(ctx.config, untold[0], was.cancelled_at)
        if notice is not None and notice <= now:
            text.line(lang.gettext("The rooms' cancellation notice, due within a minute, gives it."))
        elif notice is not None:
            text.line(
                lang.gettext(
                    "The rooms' cancellation notice, on {date} UTC, gives it.", date=long_date(notice, now, lang)
                )
            )
    replies = [ctx.reply(text)]
    # Each room that had the notice gets it again with the new reason, once.
    first_told = {room: s for s in reversed(ahead) for room in told[s.key] if room != ctx.message.room_id}
    for room, session in first_told.items():
        made = await cancellation_of(ctx.store, ctx.config, session, now)
        replies.append(Reply.of(cancellation_text(ctx.config, made), room_id=room))
    return replies
