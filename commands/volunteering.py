"""Volunteering to host a session (`!host`) and withdrawing the offer (`!unhost`). A date
and time are the asker's (`!tz`, or ending in UTC); a date alone means the sessions of that
date in their zone. Which session and its state are the timeline's."""

from __future__ import annotations

import datetime as dt

from bot.core.arguments import Rest, UsageError, convert
from bot.core.dispatcher import Context
from bot.core.i18n import N_
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
    help=N_("Volunteer to host the next (or given) session; TIME in your time zone (8am, 17:00) or 17:00 UTC"),
)
async def host(ctx: Context, day: dt.date | None = None, time: Rest = Rest("")) -> Reply:
    now, p, zone, lang = ctx.clock.now(), ctx.prefix, await asker_zone(ctx), ctx.lang
    timeline = await Timeline.load(ctx.store, ctx.config, now)
    view = await _chosen(ctx, timeline, "host", day, time, zone)
    name = session_name(view.session, zone, now, lang)
    if view.phase.cancelled:
        if view.reason:
            refusal = lang.msg(
                "The session of {session} is cancelled ({reason}), so it needs no host.",
                session=name,
                reason=clean(view.reason, 200),
            )
        else:
            refusal = lang.msg("The session of {session} is cancelled, so it needs no host.", session=name)
        if view.phase is Phase.CANCELLED:
            # In UTC: the organiser who reads it may live in another zone than the asker.
            restore = Text().code(f"{p}uncancel {typed_utc(view.session)}")
            refusal.add(" ").extend(
                lang.msg("If an organiser restores it with {command}, you can volunteer then.", command=restore)
            )
        raise CommandError(refusal)
    if view.phase is Phase.RUNNING:
        if view.state:
            starter = await name_of(ctx.store, view.state.started_by or "")
            raise CommandError(
                lang.gettext(
                    "The session of {session} is already running; {name} started it.", session=name, name=starter
                )
            )
        raise CommandError(lang.gettext("The session of {session} is already running.", session=name))
    if view.phase.over:
        raise CommandError(lang.gettext("The session of {session} is over.", session=name) + f" {await next_hint(ctx)}")
    await remember_name(ctx)
    if not await repository.volunteer(ctx.store, view.key, ctx.sender, now):
        return ctx.reply(lang.msg("You have already volunteered to host the session of {session}.", session=name))
    starts = view.session.starts_at
    if view.phase is Phase.WAITING:
        text = lang.msg(
            "Thank you! You volunteered to host the session of {session}, which waits for its host: start it with "
            "{command}.",
            session=name,
            command=Text().code(f"{p}start"),
        )
    else:
        text = lang.msg(
            "Thank you! You volunteered to host the session of {session}, {left}.",
            session=name,
            left=countdown(starts - now, lang),
        )
        text.line().extend(
            lang.msg(
                "You can {start} it from 30 minutes before its time; the announcements name you, and the last "
                "reminder pings you.",
                start=Text().code(f"{p}start"),
            )
        )
    others = [u for u in await repository.volunteers_of(ctx.store, view.key) if u != ctx.sender]
    if others:
        names = [await name_of(ctx.store, u) for u in others]
        text.line(
            lang.ngettext(
                "Also volunteered: {names}.", "Also volunteered: {names}.", len(names), names=", ".join(names)
            )
        )
    return ctx.reply(text)


@group.command(
    "unhost",
    usage="[YYYY-MM-DD TIME]",
    help=N_("Withdraw your offer to host the next (or given) session; TIME as for host"),
)
async def unhost(ctx: Context, day: dt.date | None = None, time: Rest = Rest("")) -> Reply:
    """Withdraws an offer to host a session not started yet (also while it waits for its
    host, or cancelled). Once started, the offer is history: the volunteer hosts it and can
    !end it."""
    now, p, store, zone, lang = ctx.clock.now(), ctx.prefix, ctx.store, await asker_zone(ctx), ctx.lang
    timeline = await Timeline.load(store, ctx.config, now)
    coming = await coming_offers(ctx, timeline)
    if day is None and not time:
        if not coming:
            raise CommandError(
                lang.gettext("You have not offered to host any coming session, so there is nothing to withdraw.")
            )
        # The next session they would have to host; one cancelled only if all are.
        view = next((v for v in coming if not v.phase.cancelled), coming[0])
    else:
        view = await _chosen(ctx, timeline, "unhost", day, time, zone)
    name = session_name(view.session, zone, now, lang)
    if view.phase is Phase.RUNNING:
        end = Text().code(f"{p}end")
        if view.state:
            starter = await name_of(store, view.state.started_by or "")
            raise CommandError(
                lang.msg(
                    "The session of {session} has already started ({name} started it), so an offer to host it can "
                    "no longer be withdrawn. Its hosts can end it with {end}.",
                    session=name,
                    name=starter,
                    end=end,
                )
            )
        raise CommandError(
            lang.msg(
                "The session of {session} has already started, so an offer to host it can no longer be withdrawn. "
                "Its hosts can end it with {end}.",
                session=name,
                end=end,
            )
        )
    if view.phase.over:
        raise CommandError(
            lang.gettext("The session of {session} is over, so there is nothing to withdraw.", session=name)
        )
    rest = [v.session for v in coming if v.key != view.key]
    if not await repository.withdraw_volunteer(store, view.key, ctx.sender):
        text = lang.msg(
            "You had not volunteered to host the session of {session}, so there is nothing to withdraw.", session=name
        )
        if rest:
            _offers(ctx, text.line(lang.gettext("You offered to host:")), rest, zone)
        return ctx.reply(text)
    text = lang.msg("You no longer offer to host the session of {session}. Thank you for saying so.", session=name)
    others = await repository.volunteers_of(store, view.key)
    if view.phase.cancelled:
        text.line(lang.gettext("It is cancelled, so it needs no host."))
    elif others:
        names = [await name_of(store, u) for u in others]
        text.line(
            lang.ngettext(
                "Still volunteering to host it: {names}.",
                "Still volunteering to host it: {names}.",
                len(names),
                names=", ".join(names),
            )
        )
    else:
        offer = Text().code(f"{p}host {typed_as(view.session.starts_at, zone)}")
        text.line().extend(lang.msg("Nobody else has volunteered to host it yet: {command} to offer.", command=offer))
    if rest:
        _offers(ctx, text.line(lang.gettext("You still offer to host:")), rest, zone)
    return ctx.reply(text)


def _offers(ctx: Context, text: Text, sessions: list[Session], zone: str | None) -> Text:
    """The sessions someone offers to host, a line each with how to withdraw from it:
    '• Thursday 17 December, 08:00 UTC · !unhost 2026-12-17 08:00'."""
    now = ctx.clock.now()
    for session in sessions:
        text.line(f"• {session_name(session, zone, now, ctx.lang)} · ").code(
            f"{ctx.prefix}unhost {typed_as(session.starts_at, zone)}"
        )
    return text


async def _chosen(
    ctx: Context, timeline: Timeline, command: str, day: dt.date | None, typed: str, zone: str | None
) -> SessionView:
    """The session `!host`/`!unhost` means: the one to host now without a date; else the
    session of `day` (in the asker's zone) at the typed time, or the only one that day."""
    lang = ctx.lang
    if day is None:
        if typed:
            convert(dt.date, typed.split()[0], "YYYY-MM-DD")  # the date is missing: say so, change nothing
        view = timeline.to_host()
        if view is None:
            raise CommandError(lang.gettext("There is no session coming to host."))
        return view
    check_day_in(ctx, day, zone)
    at = read_typed_time(ctx, command, day, typed, zone) if typed else None
    if typed and at is None:
        raise not_a_time(typed, lang)
    if at is not None:
        if at.rest:
            raise UsageError(lang.gettext("unexpected {text}", text=repr(clean(at.rest, 40))))
        return timeline.view(typed_session(ctx.config, day, at, lang))
    on_day = sessions_on_day_in(ctx.config, day, zone)
    if len(on_day) == 1:
        return timeline.view(on_day[0])
    # Translators: a Babel (CLDR) date pattern: the day of the week alone ('Thursday').
    date = lang.dated(dt.datetime.combine(day, dt.time()), "EEEE") + f" {day.isoformat()}"
    place = place_name(zone, lang.locale) if zone else ""
    if not on_day:
        if zone:
            raise CommandError(lang.gettext("There is no session on {date} ({place} time).", date=date, place=place))
        raise CommandError(lang.gettext("There is no session on {date}.", date=date))
    either = lang.gettext("or")
    typed = f" {either} ".join(f"{ctx.prefix}{command} {typed_as(s.starts_at, zone)}" for s in on_day)
    if zone:
        raise UsageError(
            lang.gettext(
                "{date} has more than one session: add the time ({place} time): {commands}",
                date=day.isoformat(),
                place=place,
                commands=typed,
            )
        )
    raise UsageError(
        lang.gettext(
            "{date} has more than one session: add the time (UTC): {commands}", date=day.isoformat(), commands=typed
        )
    )
