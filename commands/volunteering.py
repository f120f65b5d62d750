"""Volunteering to host a session (`!host`) and withdrawing the offer (`!unhost`). A date
and time are the asker's (`!tz`, or ending in UTC); a date alone means the sessions of that
date in their zone. Which session and its state are the timeline's."""

from __future__ import annotations

import datetime as dt

from bot.core.arguments import Rest, UsageError, convert
from bot.core.dispatcher import Context
from bot.core.model import Reply
from bot.core.registry import CommandError, CommandGroup
from bot.core.text import Text, clean
from bot.core.timezones import place_name
from bot.features.people.names import name_of
from bot.features.schedule.weekly_sessions import Session
from bot.features.sessions import repository
from bot.features.sessions.timeline import Phase, SessionView, Timeline
from commands.dates import (
    asker_zone,
    check_day_in,
    not_a_time,
    read_typed_time,
    session_name,
    sessions_on_day_in,
    typed_as,
    typed_session,
    typed_utc,
)
from commands.hosting import coming_offers
from commands.session_common import next_hint, remember_name
from commands.wording import countdown

group = CommandGroup("volunteering")


@group.command(
    "host",
    usage="[YYYY-MM-DD TIME]",
    help="Volunteer to host the next (or given) session; TIME in your time zone (8am, 17:00) or 17:00 UTC",
)
async def host(ctx: Context, day: dt.date | None = None, time: Rest = Rest("")) -> Reply:
    now, p, zone = ctx.clock.now(), ctx.prefix, await asker_zone(ctx)
    timeline = await Timeline.load(ctx.store, ctx.config, now)
    view = await _chosen(ctx, timeline, "host", day, time, zone)
    name = session_name(view.session, zone, now)
    if view.phase.cancelled:
        reason = f" ({clean(view.reason, 200)})" if view.reason else ""
        refusal = Text(f"The session of {name} is cancelled{reason}, so it needs no host.")
        if view.phase is Phase.CANCELLED:
            # In UTC: the organiser who reads it may live in another zone than the asker.
            refusal.add(" If an organiser restores it with ").code(f"{p}uncancel {typed_utc(view.session)}")
            refusal.add(", you can volunteer then.")
        raise CommandError(refusal)
    if view.phase is Phase.RUNNING:
        starter = await name_of(ctx.store, view.state.started_by or "") if view.state else "someone"
        raise CommandError(f"The session of {name} is already running; {starter} started it.")
    if view.phase.over:
        raise CommandError(f"The session of {name} is over. {await next_hint(ctx)}")
    await remember_name(ctx)
    if not await repository.volunteer(ctx.store, view.key, ctx.sender, now):
        return ctx.reply(Text(f"You have already volunteered to host the session of {name}."))
    starts = view.session.starts_at
    text = Text(f"Thank you! You volunteered to host the session of {name}")
    if view.phase is Phase.WAITING:
        text.add(", which waits for its host: start it with ").code(f"{p}start").add(".")
    else:
        text.add(f", {countdown(starts - now)}.")
        text.line("You can ").code(f"{p}start").add(" it from 30 minutes before its time; ")
        text.add("the announcements name you, and the last reminder pings you.")
    others = [u for u in await repository.volunteers_of(ctx.store, view.key) if u != ctx.sender]
    if others:
        names = [await name_of(ctx.store, u) for u in others]
        text.line("Also volunteered: " + ", ".join(names) + ".")
    return ctx.reply(text)


@group.command(
    "unhost",
    usage="[YYYY-MM-DD TIME]",
    help="Withdraw your offer to host the next (or given) session; TIME as for host",
)
async def unhost(ctx: Context, day: dt.date | None = None, time: Rest = Rest("")) -> Reply:
    """Withdraws an offer to host a session not started yet (also while it waits for its
    host, or cancelled). Once started, the offer is history: the volunteer hosts it and can
    !end it."""
    now, p, store, zone = ctx.clock.now(), ctx.prefix, ctx.store, await asker_zone(ctx)
    timeline = await Timeline.load(store, ctx.config, now)
    coming = await coming_offers(ctx, timeline)
    if day is None and not time:
        if not coming:
            raise CommandError("You have not offered to host any coming session, so there is nothing to withdraw.")
        # The next session they would have to host; one cancelled only if all are.
        view = next((v for v in coming if not v.phase.cancelled), coming[0])
    else:
        view = await _chosen(ctx, timeline, "unhost", day, time, zone)
    name = session_name(view.session, zone, now)
    if view.phase is Phase.RUNNING:
        starter = await name_of(store, view.state.started_by or "") if view.state else "someone"
        raise CommandError(
            f"The session of {name} has already started ({starter} started it), so an offer to host it can no "
            f"longer be withdrawn. Its hosts can end it with {p}end."
        )
    if view.phase.over:
        raise CommandError(f"The session of {name} is over, so there is nothing to withdraw.")
    rest = [v.session for v in coming if v.key != view.key]
    if not await repository.withdraw_volunteer(store, view.key, ctx.sender):
        text = Text(f"You had not volunteered to host the session of {name}, so there is nothing to withdraw.")
        if rest:
            _offers(text.line("You offered to host:"), p, rest, zone, now)
        return ctx.reply(text)
    text = Text(f"You no longer offer to host the session of {name}. Thank you for saying so.")
    others = await repository.volunteers_of(store, view.key)
    if view.phase.cancelled:
        text.line("It is cancelled, so it needs no host.")
    elif others:
        names = [await name_of(store, u) for u in others]
        text.line("Still volunteering to host it: " + ", ".join(names) + ".")
    else:
        text.line("Nobody else has volunteered to host it yet: ")
        text.code(f"{p}host {typed_as(view.session.starts_at, zone)}").add(" to offer.")
    if rest:
        _offers(text.line("You still offer to host:"), p, rest, zone, now)
    return ctx.reply(text)


def _offers(text: Text, prefix: str, sessions: list[Session], zone: str | None, now: dt.datetime) -> Text:
    """The sessions someone offers to host, a line each with how to withdraw from it:
    '• Thursday 17 December, 08:00 UTC · !unhost 2026-12-17 08:00'."""
    for session in sessions:
        text.line(f"• {session_name(session, zone, now)} · ").code(
            f"{prefix}unhost {typed_as(session.starts_at, zone)}"
        )
    return text


async def _chosen(
    ctx: Context, timeline: Timeline, command: str, day: dt.date | None, typed: str, zone: str | None
) -> SessionView:
    """The session `!host`/`!unhost` means: the one to host now without a date; else the
    session of `day` (in the asker's zone) at the typed time, or the only one that day."""
    if day is None:
        if typed:
            convert(dt.date, typed.split()[0], "YYYY-MM-DD")  # the date is missing: say so, change nothing
        view = timeline.to_host()
        if view is None:
            raise CommandError("There is no session coming to host.")
        return view
    check_day_in(ctx, day, zone)
    at = read_typed_time(ctx, command, day, typed, zone) if typed else None
    if typed and at is None:
        raise not_a_time(typed)
    if at is not None:
        if at.rest:
            raise UsageError(f"unexpected {clean(at.rest, 40)!r}")
        return timeline.view(typed_session(ctx.config, day, at))
    on_day = sessions_on_day_in(ctx.config, day, zone)
    if len(on_day) == 1:
        return timeline.view(on_day[0])
    there = f" {place_name(zone)} time" if zone else ""
    if not on_day:
        raise CommandError(f"There is no session on {day:%A} {day.isoformat()}" + (f" ({there[1:]})." if zone else "."))
    typed = " or ".join(f"{ctx.prefix}{command} {typed_as(s.starts_at, zone)}" for s in on_day)
    raise UsageError(f"{day.isoformat()} has more than one session: add the time ({there.strip() or 'UTC'}): {typed}")
