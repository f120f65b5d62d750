"""The call itself: where and when it is (`!link`, `!next`), in the asker's time zone (`!tz`)."""

from __future__ import annotations

import asyncio
import datetime as dt

from bot.core import timezones
from bot.core.arguments import Rest, UsageError
from bot.core.dispatcher import Context
from bot.core.i18n import N_, Translator
from bot.core.model import Reply
from bot.core.registry import CommandGroup
from bot.core.text import Text, clean
from bot.core.zone_tables import UTC
from bot.features.people import repository as people
from bot.features.people.profile_zone import Source
from bot.features.schedule.weekly_sessions import Session, local_time
from bot.features.sessions.hosts import volunteer_names
from bot.features.sessions.timeline import Phase, Timeline
from commands.announcements import link_line
from commands.dates import asker_zone, asker_zone_and_source, session_name, typed_as
from commands.session_common import host_wanted, state_text
from commands.wording import countdown, how_to_set_zone, listed

group = CommandGroup("schedule")


def link_text(ctx: Context) -> Text:
    conf = ctx.config.conference
    name, link, code = Text().bold(conf.name), Text().link(conf.bbb_url), Text().code(conf.access_code)
    return ctx.lang.msg("{conference}: {link} — access code {code}", conference=name, link=link, code=code)


# `!join`: what people reach for to get into the call.
@group.command("link", help=N_("The BigBlueButton link and access code"), aliases=("join",), in_direct=True)
async def link(ctx: Context) -> Reply:
    return ctx.reply(link_text(ctx))


@group.command("tz", usage="[Area/City]", help=N_("Show or set your time zone"), in_direct=True)
async def tz(ctx: Context, zone: Rest | None = None) -> Reply:
    p, now, lang = ctx.prefix, ctx.clock.now(), ctx.lang
    if zone is None:
        chosen = await asker_zone_and_source(ctx)
        current = chosen.name
        if current is None:
            how = how_to_set_zone(p, lang)
            return ctx.reply(
                lang.msg(
                    "You have no time zone set, so times are shown in UTC. Set yours with {how}, "
                    "or publish it in your Matrix profile.",
                    how=how,
                )
            )
        text = lang.msg("Your time zone is {zone}; it is {time} there now.", **_zone_now(current, now, lang))
        if chosen.source is Source.PROFILE:
            how = how_to_set_zone(p, lang)
            text.line().extend(lang.msg("It comes from your Matrix profile; set another here with {how}.", how=how))
            return ctx.reply(text)
        command = Text().code(f"{p}tz")
        said = lang.msg(
            "You set it with {command}: it is used even if your Matrix profile gives another.", command=command
        )
        text.line().extend(said)
        if not timezones.is_place(current):
            found = await asyncio.to_thread(timezones.lookup, current, now)
            if found.suggestions:
                meant = listed(found.suggestions, lang.gettext("or"))
                not_a_place = lang.gettext(
                    "{zone} is not a place, so it can't follow summer time; did you mean {places}?",
                    zone=current,
                    places=meant,
                )
            else:
                not_a_place = lang.gettext("{zone} is not a place, so it can't follow summer time.", zone=current)
            how = how_to_set_zone(p, lang)
            text.line(not_a_place).add(" ").extend(lang.msg("Set a place with {how}.", how=how))
        return ctx.reply(text)
    # A city the tz data does not name is looked up in a child process: not on the loop.
    found = await asyncio.to_thread(timezones.lookup, zone, now)
    if found.zone is None:
        raise UsageError(_not_a_zone(zone, found, lang))
    await people.set_timezone(ctx.store, ctx.sender, found.zone)
    text = Text()
    if found.other_name:
        # Montréal keeps Toronto's time: say so, or the answer looks like a mistake; a city
        # found by its name is named as found, so who meant another one sees it at once.
        place = found.place or clean(zone, 40)
        # Translators: a city that keeps another's clock: 'Montréal uses America/Toronto time.'
        text.add(lang.gettext("{place} uses {zone} time.", place=place, zone=found.zone)).line()
    now_set = lang.msg("Your time zone is now {zone}; it is {time} there now.", **_zone_now(found.zone, now, lang))
    return ctx.reply(text.extend(now_set))


def _zone_now(zone: str, now: dt.datetime, lang: Translator) -> dict[str, str | Text]:
    """The parts of 'Your time zone is Berlin (Europe/Berlin); it is 13:00 there now.': the
    zone (its place named in `lang`) and the time there now."""
    place = timezones.place_name(zone, lang.locale)
    named = Text().bold(place).add(f" ({zone})" if place != zone else "")
    return {"zone": named, "time": f"{local_time(now, zone):%H:%M}"}


def _not_a_zone(typed: str, found: timezones.Lookup, lang: Translator) -> str:
    """Why `typed` sets nothing, and what to type instead (one line), in `lang`."""
    shown, offered = repr(clean(typed, 40)), found.suggestions
    kind = timezones.Kind
    if found.kind is kind.ABBREVIATION:
        why = lang.gettext(
            "{typed} is an abbreviation, not a place: it can mean several clocks and can't follow summer time",
            typed=shown,
        )
    elif found.kind is kind.OFFSET and found.offset is not None:
        offset = timezones.format_offset(found.offset)
        if typed.strip().lower().startswith("etc/") and found.offset:
            why = lang.gettext(
                "{typed} is an offset, not a place: it can't follow summer time; it means {offset} "
                "(the sign is reversed)",
                typed=shown,
                offset=offset,
            )
        elif offset.replace("UTC", "") not in shown:
            why = lang.gettext(
                "{typed} is an offset, not a place: it can't follow summer time; it means {offset}",
                typed=shown,
                offset=offset,
            )
        else:
            why = lang.gettext("{typed} is an offset, not a place: it can't follow summer time", typed=shown)
        places = [z for z in offered if z != UTC]
        if places and len(places) < len(offered):
            return lang.gettext(
                "{why}; did you mean UTC, or a place at {offset} now: {places}?",
                why=why,
                offset=offset,
                places=listed(places, lang.gettext("or")),
            )
        if places:
            return lang.gettext(
                "{why}; did you mean a place at {offset} now: {places}?",
                why=why,
                offset=offset,
                places=listed(places, lang.gettext("or")),
            )
        if offered:
            return lang.gettext("{why}; did you mean UTC?", why=why)
        return lang.gettext("{why}, and no place is at {offset} now", why=why, offset=offset)
    elif found.kind is kind.NOT_A_PLACE:
        why = lang.gettext("{typed} is not a place: it can't follow summer time where you are", typed=shown)
    elif found.kind is kind.AMBIGUOUS and found.choices:
        why = lang.gettext("{typed} is more than one place", typed=shown)
        offered = tuple(f"{place} ({zone})" for place, zone in zip(found.choices, offered, strict=True))
    elif found.kind is kind.AMBIGUOUS:
        why = lang.gettext("{typed} has more than one time zone", typed=shown)
    else:
        why = lang.gettext("{typed} is not a time zone name", typed=shown)
    if offered:
        return lang.gettext("{why}; did you mean {choices}?", why=why, choices=listed(offered, lang.gettext("or")))
    # Translators: the examples must be a city and a zone that !tz finds.
    return lang.gettext("{why} (use your nearest big city, e.g. Lyon, or Area/City, e.g. Europe/Paris)", why=why)


# --- !next ----------------------------------------------------------------------------

# Cancelled sessions of one slot shown before its next held one, at most (the nearest).
MAX_CANCELLED_SHOWN = 6


@group.command("next", help=N_("The next sessions, in UTC and in your time zone, with the link"), in_direct=True)
async def next_sessions(ctx: Context) -> Reply:
    """The session people are in now (running, or waiting for its host), then each slot's
    next held session with the cancelled ones before it, in time order."""
    now, config, p, lang = ctx.clock.now(), ctx.config, ctx.prefix, ctx.lang
    timeline = await Timeline.load(ctx.store, config, now)
    zone = await asker_zone(ctx)
    text = lang.msg("{conference} — next sessions:", conference=Text().bold(config.conference.name))
    current, over = timeline.current(), timeline.just_over()
    here = Text().code(f"{p}here")
    if current is None and over is not None:
        # Someone arriving late learns what became of it, not only what comes next.
        text.line("✖ " if over.phase.cancelled else "■ ").add(state_text(over, zone, now, lang))
    if current is not None and current.phase is Phase.RUNNING:
        name = Text().bold(session_name(current.session, zone, now, lang))
        text.line("▶ ").extend(
            lang.msg("The session of {name} is running now: check in with {here}.", name=name, here=here)
        )
    elif current is not None:
        # Someone arriving late must not conclude they missed it.
        name = Text().bold(session_name(current.session, zone, now, lang))
        began = countdown(current.session.starts_at - now, lang)
        waiting = lang.msg("The session of {name} began {began} and is waiting for its host.", name=name, began=began)
        text.line("⏳ ").extend(waiting)
        link = link_line(config, lang)
        text.line("\u2003").extend(lang.msg("{link}; check in with {here}.", link=link, here=here))
        text.line("\u2003").extend(host_wanted(p, await volunteer_names(ctx.store, current.key), lang))
    slots = timeline.slots_ahead(MAX_CANCELLED_SHOWN)
    coming = [view for ahead in slots for view in ahead.cancelled]
    coming += [ahead.next_held for ahead in slots if ahead.next_held is not None]
    hostless: Session | None = None  # the first session to come without a host
    for view in sorted(coming, key=lambda v: v.session.starts_at):
        text.line().extend(_session_line(view.session, zone, now, lang))
        if view.phase.cancelled:
            reason = clean(view.reason, 200)
            text.add(" · ").bold(lang.gettext("cancelled")).add(f": {reason}" if reason else "")
            continue
        names = await volunteer_names(ctx.store, view.session.key)
        if names:
            listed_names = listed(names, lang.gettext("and"))
            text.add(" · ").add(lang.ngettext("host: {names}", "hosts: {names}", len(names), names=listed_names))
        else:
            text.add(" · ").add(lang.gettext("no host yet"))
            hostless = hostless or view.session
    if hostless is not None:
        # Said once, typed as the asker types a time (in their zone), for the first without one.
        command = Text().code(f"{p}host {typed_as(hostless.starts_at, zone)}")
        text.line().extend(lang.msg("Volunteer to host with {command} (the session's date and time).", command=command))
    if zone is None:
        how = how_to_set_zone(p, lang)
        text.line().extend(lang.msg("Times are in UTC; set your time zone with {how}.", how=how))
    if current is None or current.phase is Phase.RUNNING:
        text.line().extend(link_text(ctx))  # a session waiting for its host gave it above
    return ctx.reply(text)


def _session_line(session: Session, zone: str | None, now: dt.datetime, lang: Translator) -> Text:
    """'• Thursday 10 December, 08:00 UTC (13:30 in Kolkata), in 3 days': named as every reply names it."""
    name = session_name(session, zone, now, lang)
    return Text("• ").bold(name).add(f", {countdown(session.starts_at - now, lang)}")
