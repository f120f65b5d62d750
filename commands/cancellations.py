"""!cancel and !uncancel: a session or a whole day called off, and restored."""

from __future__ import annotations

import datetime as dt

from bot.core.config import Config
from bot.core.dispatcher import Context
from bot.core.model import Reply, Role
from bot.core.registry import CommandError, CommandGroup, Rest
from bot.core.text import Text, clean
from bot.features.announcements import repository as announcements
from bot.features.schedule.repository import add_cancellation, load_cancellations, restore_sessions
from bot.features.schedule.time_of_day import read_time_of_day
from bot.features.schedule.weekly_sessions import Session, sessions_on
from bot.features.sessions import timeline
from commands.dates import check_planned_day, day_times, time_of_day_error, typed_session_time
from commands.wording import long_date, with_full_stop

group = CommandGroup("cancellations")


def _slot_list(config: Config) -> str:
    return ", ".join(str(slot) for slot in config.conference.slots)


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
        raise CommandError(f"There is no session at {at:%H:%M} on {day.isoformat()}; that day has {day_times(on_day)}.")
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
    started = await timeline.started_before_cancel(ctx.store, affected, now)
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
        text.add(f"the session{'' if one else 's'} at {day_times(held)} take{'s' if one else ''} place, ")
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
