"""!cancel and !uncancel: a session or a whole day called off, and restored.

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

from bot.core.arguments import Rest, UsageError
from bot.core.config import Config
from bot.core.dispatcher import Context
from bot.core.model import Reply, Role
from bot.core.registry import CommandError, CommandGroup
from bot.core.text import Text, clean
from bot.features.announcements import repository as announcements
from bot.features.announcements.messages import cancellation_of
from bot.features.people.names import name_of
from bot.features.schedule.repository import Cancellation, add_cancellation, replace_reason, restore_sessions
from bot.features.schedule.weekly_sessions import Session, sessions_on
from bot.features.sessions import repository as sessions
from bot.features.sessions.hosts import volunteer_names
from bot.features.sessions.timeline import Phase, SessionView, Timeline
from commands.announcements import cancellation_text
from commands.dates import (
    TypedTime,
    asker_zone,
    check_planned_day,
    not_a_time,
    read_typed_time,
    session_name,
    typed_session,
    typed_utc,
)
from commands.session_common import in_every_thread
from commands.wording import countdown, long_date, with_full_stop

group = CommandGroup("cancellations")


@dataclass(frozen=True)
class _Target:
    """What `YYYY-MM-DD [HH:MM]` names: one session, or a whole conference day."""

    key: str  # a session's key, or the conference date 'YYYY-MM-DD'
    sessions: list[Session]
    whole_day: bool

    def what(self, zone: str | None, now: dt.datetime) -> str:
        if self.whole_day:
            return f"the whole day {self.key}"
        return f"the session of {session_name(self.sessions[0], zone, now)}"

    @property
    def typed(self) -> str:
        """How to name it again in a command, whoever types it: a session by its UTC time."""
        return self.key if self.whole_day else typed_utc(self.sessions[0])


def _target(config: Config, day: dt.date, typed: TypedTime | None) -> _Target:
    if typed is None:
        on_day = sessions_on(config, day)
        if not on_day:
            slots = ", ".join(str(slot) for slot in config.conference.slots)
            raise CommandError(
                f"There is no session on {day:%A} {day.isoformat()}; the sessions are {slots} "
                f"({config.conference.timezone})."
            )
        return _Target(day.isoformat(), on_day, True)
    session = typed_session(config, day, typed)
    return _Target(session.key, [session], False)


def _names(sessions_: list[Session], zone: str | None, now: dt.datetime) -> str:
    return " and ".join(session_name(s, zone, now) for s in sessions_)


def _reason(reason: str) -> str:
    return f": {with_full_stop(reason)}" if reason else "."


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


async def _in_its_thread(ctx: Context, session: Session, text: Text, *, here: Text | None = None) -> list[Reply]:
    """`text` in the session's thread in every served room (`here` instead in this one)."""
    root = await sessions.thread_root(ctx.store, session.key, ctx.message.room_id)
    return await in_every_thread(ctx, session.key, text, root, here=here)


# --- !cancel ------------------------------------------------------------------------------


@group.command(
    "cancel",
    usage="YYYY-MM-DD [TIME] [reason]",
    role=Role.ORGANISER,
    help=(
        "Cancel a session (TIME in your time zone: 8am, 17:00, or 17:00 UTC) or a whole day, or call off "
        "one nobody came to host"
    ),
)
async def cancel(ctx: Context, day: dt.date, rest: Rest = Rest("")) -> list[Reply]:
    now, config = ctx.clock.now(), ctx.config
    check_planned_day(ctx, day)
    zone = await asker_zone(ctx)
    # A time as people write it ('8 am', '17:00 UTC') may take several words: read from
    # the whole text after the date, the reason after it.
    typed = read_typed_time(ctx, "cancel", day, rest, zone)
    target = _target(config, day, typed)
    reason = clean(typed.rest if typed is not None else rest, 200)
    line = await Timeline.load(ctx.store, config, now)
    already = line.cancels.by_target.get(target.key)
    if already is not None:
        return await _cancelled_again(ctx, line, target, already, reason, zone)
    whole_day = None if target.whole_day else line.cancels.by_target.get(target.sessions[0].day)
    if whole_day is not None:
        day_key = target.sessions[0].day
        refusal = Text(f"The whole day {day_key} is already cancelled{_reason(whole_day.reason)} To give another ")
        raise CommandError(refusal.add("reason: ").code(f"{ctx.prefix}cancel {day_key} REASON"))
    started = line.started_before_cancel(target.sessions)
    if started is not None:
        name = session_name(started, zone, now)
        raise CommandError(f"The session of {name} has already started; it can't be cancelled.")
    views = [line.view(s) for s in target.sessions]
    waiting = [v.session for v in views if v.phase is Phase.WAITING]
    coming = [v.session for v in views if v.phase is Phase.COMING]
    if not waiting and not coming:
        raise CommandError(_nothing_to_cancel(target, views, zone, now))
    await add_cancellation(ctx.store, target.key, reason, ctx.sender, now)
    ctx.services.schedule_changed()  # a notice due now goes out at once
    if not target.whole_day and waiting:
        return await _called_off(ctx, waiting[0], reason, zone, here_extra=await _volunteered(ctx, waiting, zone))
    text = Text(f"Cancelled {target.what(zone, now)}{_reason(reason)}")
    if target.whole_day:
        for session in waiting:
            text.line(f"Called off: the session of {session_name(session, zone, now)}, waiting for its host; ")
            text.add("who checked in is told in its thread.")
        if coming:
            text.line(f"Cancelled: the session{'' if len(coming) == 1 else 's'} of {_names(coming, zone, now)}.")
    if coming:
        text.line().extend(_notice_line(config, coming[0], now))
    for said in await _volunteered(ctx, waiting + coming, zone, one=not target.whole_day):
        text.line(said)
    if coming:
        text.line("Undo with ").code(f"{ctx.prefix}uncancel {target.typed}").add(".")
    replies = [ctx.reply(text)]
    for session in waiting:
        replies.extend(await _called_off(ctx, session, reason, zone))
    return replies


_WHY_OVER = {
    Phase.ENDED: "it has taken place",
    Phase.AUTO_CLOSED: "it has taken place",
    Phase.NOT_STARTED: "no host started it in time",
    Phase.CALLED_OFF: "it was called off",
    Phase.CANCELLED: "it is cancelled already",
}


def _nothing_to_cancel(target: _Target, views: list[SessionView], zone: str | None, now: dt.datetime) -> str:
    """Why nothing of `target` can be cancelled: every session of it is over (or, of a
    whole day, cancelled already)."""
    why = _WHY_OVER
    if not target.whole_day:
        name = session_name(views[0].session, zone, now)
        return f"The session of {name} is over: {why.get(views[0].phase, 'it is over')}."
    each = "; ".join(
        f"the session of {session_name(v.session, zone, now)}: {why.get(v.phase, 'it is over')}" for v in views
    )
    return f"Nothing is left to cancel on {target.key}: {each}."


def _notice_at(config: Config, first: Session, since: dt.datetime) -> dt.datetime | None:
    """When the rooms get word of a cancellation made at `since` whose first session is
    `first`: when its first reminder would have gone, or at once; None without reminders."""
    leads = config.conference.announce_before
    return max(first.starts_at - max(leads), since) if leads else None


def _notice_line(config: Config, first: Session, now: dt.datetime) -> Text:
    notice = _notice_at(config, first, now)
    if notice is None:
        return Text("The rooms get no cancellation notice: no announcements are configured.")
    if notice <= now:
        return Text("The rooms get a cancellation notice within a minute, instead of the reminders.")
    return Text(f"The rooms get a cancellation notice on {long_date(notice, now)} UTC, instead of the reminders.")


async def _volunteered(ctx: Context, of: list[Session], zone: str | None, *, one: bool = True) -> list[str]:
    """'Alice had volunteered to host it.' for each session someone volunteered for (names
    as text, nobody pinged); `one`: the reply is about that one session."""
    said = []
    for session in of:
        who = await volunteer_names(ctx.store, session.key)
        if who:
            it = "it" if one else f"the session of {session_name(session, zone, ctx.clock.now())}"
            said.append(f"{', '.join(who)} had volunteered to host {it}.")
    return said


async def _called_off(
    ctx: Context, session: Session, reason: str, zone: str | None, *, here_extra: Sequence[str] = ()
) -> list[Reply]:
    """The word that `session`, which waited for its host, is called off: in its thread in
    every served room, naming who had checked in (as text). In this room it names the
    sessions in the asker's zone; elsewhere in UTC."""
    came = [await name_of(ctx.store, u) for u in await sessions.attendees(ctx.store, session.key)]
    line = await Timeline.load(ctx.store, ctx.config, ctx.clock.now())
    following = line.next_held()

    def notice(shown_in: str | None) -> Text:
        name = session_name(session, shown_in, line.now)
        text = Text("❌ ").bold(f"Session of {name} is called off").add(_reason(reason))
        if came:
            text.line("Checked in: " + ", ".join(came) + ". Thank you for coming!")
        if following is not None:
            name, wait = (
                session_name(following.session, shown_in, line.now),
                countdown(following.session.starts_at - line.now),
            )
            text.line(f"The next session is on {name}, {wait}.")
        return text

    here = notice(zone)
    for said in here_extra:
        here.line(said)
    return await _in_its_thread(ctx, session, notice(None), here=here)


async def _cancelled_again(
    ctx: Context, line: Timeline, target: _Target, was: Cancellation, reason: str, zone: str | None
) -> list[Reply]:
    """`!cancel` on what is cancelled already: without a reason, it says so and how to give
    another; with one, the new reason replaces the old (a notice not sent yet carries it;
    rooms that had the notice, and the threads of a session called off, are told it)."""
    views = [line.view(s) for s in target.sessions]
    called_off = not target.whole_day and views[0].phase is Phase.CALLED_OFF
    state = "called off" if called_off else "cancelled"
    now = ctx.clock.now()
    what = _capital(target.what(zone, now))
    if not reason or reason == was.reason:
        refusal = Text(f"{what} is already {state}{_reason(was.reason)} To give another reason: ")
        raise CommandError(refusal.code(f"{ctx.prefix}cancel {target.typed} REASON"))
    await replace_reason(ctx.store, target.key, reason, now)
    ctx.services.schedule_changed()
    replaces = f" It replaces: {with_full_stop(was.reason)}" if was.reason else ""
    if called_off:
        here = [f"That is its new reason.{replaces}"]
        return await _called_off(ctx, target.sessions[0], reason, zone, here_extra=here)
    text = Text(f"{what} was already {state}; the reason is now: {with_full_stop(reason)}{replaces}")
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
        if notice is not None:
            when = "due within a minute" if notice <= now else f"on {long_date(notice, now)} UTC"
            text.line(f"The rooms' cancellation notice, {when}, gives it.")
    replies = [ctx.reply(text)]
    # Each room that had the notice gets it again with the new reason, once.
    first_told = {room: s for s in reversed(ahead) for room in told[s.key] if room != ctx.message.room_id}
    for room, session in first_told.items():
        made = await cancellation_of(ctx.store, ctx.config, session, now)
        replies.append(Reply.of(cancellation_text(ctx.config, made), room_id=room))
    return replies


# --- !uncancel ----------------------------------------------------------------------------


@group.command(
    "uncancel",
    usage="YYYY-MM-DD [TIME]",
    role=Role.ORGANISER,
    help="Restore a cancelled session (TIME in your time zone: 8am, 17:00, or 17:00 UTC) or day",
)
async def uncancel(ctx: Context, day: dt.date, rest: Rest = Rest("")) -> list[Reply]:
    now, config = ctx.clock.now(), ctx.config
    check_planned_day(ctx, day)
    zone = await asker_zone(ctx)
    typed = read_typed_time(ctx, "uncancel", day, rest, zone)
    if typed is None and rest.strip():
        raise not_a_time(rest)
    if typed is not None and typed.rest:
        raise UsageError(f"unexpected {clean(typed.rest, 40)!r}")
    target = _target(config, day, typed)
    conference_day = dt.date.fromisoformat(target.sessions[0].day)
    line = await Timeline.load(ctx.store, config, now)
    what = _capital(target.what(zone, now))
    cancelled = [s for s in target.sessions if line.cancels.of(s) is not None]
    if not cancelled:
        day_key = conference_day.isoformat()
        if not target.whole_day and line.cancels.by_target.get(day_key) is not None:
            refusal = Text(f"The whole day {day_key} is cancelled; restore it with ")
            raise CommandError(refusal.code(f"{ctx.prefix}uncancel {day_key}").add("."))
        raise CommandError(f"{what} is not cancelled.")
    # A session whose time to start has passed stays as it was; one whose time has come
    # (called off while it waited for its host) waits for its host again.
    restored = [s for s in cancelled if line.phase(s).cancelled and now < line.window_closes(s)]
    if not restored:
        raise CommandError(f"{what} is in the past; it stays cancelled.")
    told = await announcements.rooms_told_of_cancellation(ctx.store, [s.key for s in restored])
    await restore_sessions(ctx.store, config, conference_day, [s.key for s in restored], now)
    ctx.services.schedule_changed()
    line = await Timeline.load(ctx.store, config, now)
    kept = [s for s in sessions_on(config, conference_day) if line.cancels.of(s) is not None]
    ahead = [s for s in restored if s.starts_at > now]
    waiting = [s for s in restored if s.starts_at <= now]
    text = Text(f"Restored {target.what(zone, now) if not target.whole_day or not kept else target.key}: ")
    if ahead and not target.whole_day:
        text.add("it takes place, and its reminders go out as usual.")
    elif ahead:
        one = len(ahead) == 1
        text.add(f"the session{'' if one else 's'} of {_names(ahead, zone, now)} take{'s' if one else ''} place, ")
        text.add(f"and {'its' if one else 'their'} reminders go out as usual.")
    for session in waiting:
        if ahead or target.whole_day:
            text.line(f"The session of {session_name(session, zone, now)} waits for its host again")
        else:
            text.add("it waits for its host again")
        text.add(". Anyone can host it with ").code(f"{ctx.prefix}host")
        text.add(", then ").code(f"{ctx.prefix}start").add(".")
    for session in kept:
        phase, name = line.phase(session), session_name(session, zone, now)
        if now < line.window_closes(session):
            text.line(f"The session of {name} stays {phase}; restore it with ")
            text.code(f"{ctx.prefix}uncancel {typed_utc(session)}").add(".")
        elif phase.cancelled:
            text.line(f"The session of {name} stays {phase}: it is over.")
        else:
            text.line(f"The session of {name} is over: {_WHY_OVER.get(phase, 'it is over')}.")
    if len(waiting) == 1 and not ahead and not target.whole_day:
        # The restored session's thread hears it in every room; here, with the answer.
        return await _in_its_thread(ctx, waiting[0], _takes_place(ctx, waiting[0], None), here=text)
    replies = [ctx.reply(text)]
    # Rooms that were told of the cancellation are told it is off again.
    for room in told:
        if room == ctx.message.room_id:
            continue
        notice = Text("✅ ").bold(config.conference.name).add(" of ")
        for i, session in enumerate(restored):
            notice.add(" and " if i else "").bold(f"{long_date(session.starts_at, now)} UTC")
        notice.add(" takes place after all." if len(restored) == 1 else " take place after all.")
        replies.append(Reply.of(notice, room_id=room))
    for session in waiting:
        replies.extend(await _in_its_thread(ctx, session, _takes_place(ctx, session, None)))
    return replies


def _takes_place(ctx: Context, session: Session, zone: str | None) -> Text:
    name = session_name(session, zone, ctx.clock.now())
    text = Text("✅ ").bold(f"Session of {name} takes place after all")
    text.add(": it waits for its host. Anyone can host: ").code(f"{ctx.prefix}host")
    return text.add(", then ").code(f"{ctx.prefix}start").add(".")
