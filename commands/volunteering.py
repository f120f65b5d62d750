"""Volunteering to host a session (`!host`) and withdrawing the offer (`!unhost`)."""

from __future__ import annotations

import datetime as dt
import itertools

from bot.core.dispatcher import Context
from bot.core.model import Reply
from bot.core.registry import CommandError, CommandGroup, Rest, UsageError, convert
from bot.core.text import Text, clean
from bot.features.people.names import name_of
from bot.features.schedule.repository import load_cancellations
from bot.features.schedule.weekly_sessions import Session, session_by_key, sessions_from, sessions_on
from bot.features.sessions import repository
from bot.features.sessions.timeline import START_LATE, Timeline
from commands.dates import check_planned_day, typed_session_time
from commands.hosting import coming_offers
from commands.session_common import next_hint, remember_name
from commands.wording import countdown, long_date, with_full_stop

group = CommandGroup("volunteering")


@group.command("host", usage="[YYYY-MM-DD HH:MM]", help="Volunteer to host the next (or given) session")
async def host(ctx: Context, day: dt.date | None = None, time: Rest = Rest("")) -> Reply:
    now, p = ctx.clock.now(), ctx.prefix
    if day is None and time:
        convert(dt.date, time.split()[0], "YYYY-MM-DD")  # the date is missing: say so, host nothing
    if day is not None:
        check_planned_day(ctx, day)
    at = typed_session_time(ctx, "host", day, time) if day is not None else None
    session = await _chosen_session(ctx, day, at)
    cancelled = await _cancelled(ctx, session)
    if cancelled:
        raise CommandError(f"Session {session.key} {cancelled} It needs no host, unless an organiser restores it.")
    state = await repository.state_of(ctx.store, session.key)
    if (state is not None and state.ended_at is not None) or session.starts_at + START_LATE < now:
        raise CommandError(f"Session {session.key} is over. {await next_hint(ctx)}")
    if state is not None and state.started_at is not None:
        starter = await name_of(ctx.store, state.started_by or "")
        raise CommandError(f"Session {session.key} is already running; {starter} started it.")
    await remember_name(ctx)
    if not await repository.volunteer(ctx.store, session.key, ctx.sender, now):
        return ctx.reply(Text("You have already volunteered to host session ").bold(session.key).add("."))
    text = Text("Thank you! You volunteered to host session ").bold(session.key)
    text.add(f" ({long_date(session.starts_at)} UTC, {countdown(session.starts_at - now)}).")
    text.line("You can ").code(f"{p}start").add(" it from 30 minutes before its time; ")
    text.add("the announcements name you, and the last reminder pings you.")
    others = [u for u in await repository.volunteers_of(ctx.store, session.key) if u != ctx.sender]
    if others:
        names = [await name_of(ctx.store, u) for u in others]
        text.line("Also volunteered: " + ", ".join(names) + ".")
    return ctx.reply(text)


@group.command("unhost", usage="[YYYY-MM-DD HH:MM]", help="Withdraw your offer to host the next (or given) session")
async def unhost(ctx: Context, day: dt.date | None = None, time: Rest = Rest("")) -> Reply:
    """Withdraws an offer to host a session not started yet (also while it waits for its
    host). Once started, the offer is history: the volunteer hosts it and can !end it."""
    p, store = ctx.prefix, ctx.store
    if day is None and time:
        convert(dt.date, time.split()[0], "YYYY-MM-DD")  # the date is missing: say so, withdraw nothing
    if day is not None:
        check_planned_day(ctx, day)
    at = typed_session_time(ctx, "unhost", day, time) if day is not None else None
    coming = await coming_offers(ctx)
    if day is None:
        if not coming:
            raise CommandError("You have not offered to host any coming session, so there is nothing to withdraw.")
        session = coming[0]
    else:
        session = await _chosen_session(ctx, day, at)
        state = await repository.state_of(store, session.key)
        if state is not None and state.started_at is not None and state.ended_at is None:
            starter = await name_of(store, state.started_by or "")
            raise CommandError(
                f"Session {session.key} has already started ({starter} started it), so an offer to host it can no "
                f"longer be withdrawn. Its hosts can end it with {p}end."
            )
        if (state is not None and state.ended_at is not None) or session.starts_at + START_LATE < ctx.clock.now():
            raise CommandError(f"Session {session.key} is over, so there is nothing to withdraw.")
    if not await repository.withdraw_volunteer(store, session.key, ctx.sender):
        text = (
            Text("You had not volunteered to host session ").bold(session.key).add(", so there is nothing to withdraw.")
        )
        if coming:
            text.line("You offered to host: " + ", ".join(s.key for s in coming) + ".")
        return ctx.reply(text)
    text = Text("You no longer offer to host session ").bold(session.key).add(". Thank you for saying so.")
    others = await repository.volunteers_of(store, session.key)
    cancelled = await _cancelled(ctx, session)
    if cancelled:
        text.line(f"It {cancelled}")
    elif others:
        names = [await name_of(store, u) for u in others]
        text.line("Still volunteering to host it: " + ", ".join(names) + ".")
    else:
        text.line("Nobody else has volunteered to host it yet: ").code(f"{p}host {session.key}").add(" to offer.")
    rest = [s.key for s in coming if s.key != session.key]
    if rest:
        text.line("You still offer to host " + ", ".join(rest) + ".")
    return ctx.reply(text)


async def _cancelled(ctx: Context, session: Session) -> str:
    """'is cancelled: snow.' or 'is called off.' for a cancelled session; '' for one that is not."""
    view = (await Timeline.load(ctx.store, ctx.config, ctx.clock.now())).view(session)
    if not view.phase.cancelled:
        return ""
    reason = clean(view.reason, 200)
    return f"is {view.phase}" + (f": {with_full_stop(reason)}" if reason else ".")


async def _chosen_session(ctx: Context, day: dt.date | None, at: dt.time | None) -> Session:
    if day is None:
        session = await _coming_session(ctx, skip_started=True)
        if session is None:
            raise CommandError("There is no session coming to host.")
        return session
    if at is None:
        on_day = sessions_on(ctx.config, day)
        if len(on_day) == 1:
            return on_day[0]
        if not on_day:
            raise CommandError(f"There is no session on {day:%A} {day.isoformat()}.")
        times = " or ".join(f"{s.slot.time:%H:%M}" for s in on_day)
        raise UsageError(f"{day.isoformat()} has more than one session: add the time ({times})")
    session = session_by_key(ctx.config, f"{day.isoformat()} {at:%H:%M}")
    if session is None:
        on_day = sessions_on(ctx.config, day)
        has = " and ".join(f"{s.slot.time:%H:%M}" for s in on_day) if on_day else "none"
        raise CommandError(f"There is no session at {at:%H:%M} on {day.isoformat()} (that day has {has}).")
    return session


async def _coming_session(ctx: Context, *, skip_started: bool) -> Session | None:
    """The first session not cancelled, not over, whose start window is not past; with
    skip_started, also not started yet."""
    now = ctx.clock.now()
    cancels = await load_cancellations(ctx.store)
    for session in itertools.islice(sessions_from(ctx.config, now - START_LATE), 100):
        if cancels.of(session) is not None:
            continue
        state = await repository.state_of(ctx.store, session.key)
        if state is not None and (state.ended_at is not None or (skip_started and state.started_at is not None)):
            continue
        return session
    return None
