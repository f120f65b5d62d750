"""Words about who hosts a session, shared by the session commands (!host, !unhost,
!start, !end) and the topic ones (!discussed, !undiscussed): the sessions someone offered
to host, who may do what a refused host command does (by name, no ping), and what someone
who volunteered for a later session hears when they type a host command now."""

from __future__ import annotations

import datetime as dt

from bot.core.dispatcher import Context
from bot.core.i18n import N_, Translator, english
from bot.core.model import Reply, Role
from bot.core.registry import CommandSpec
from bot.core.text import Text
from bot.core.timezones import place_name
from bot.features.schedule.weekly_sessions import local_time, session_from_key
from bot.features.sessions import repository
from bot.features.sessions.hosts import SessionHosts, hosts_of
from bot.features.sessions.timeline import START_EARLY, Phase, SessionView, Timeline
from commands.dates import asker_zone, session_name
from commands.wording import countdown, listed

# The phases in which an offer to host still stands: the session is ahead (cancelled or
# not) or waits for its host.
_OPEN = (Phase.COMING, Phase.WAITING, Phase.CANCELLED)


async def coming_offers(ctx: Context, timeline: Timeline | None = None) -> list[SessionView]:
    """The sessions the asker offered to host that nobody has started and that are not
    over (cancelled ones ahead included), in time order."""
    timeline = timeline or await Timeline.load(ctx.store, ctx.config, ctx.clock.now())
    out = []
    for key in await repository.offers_of(ctx.store, ctx.sender):
        try:
            view = timeline.view(session_from_key(ctx.config, key))
        except (ValueError, OverflowError):  # an offer stored for a date no zone can hold
            continue
        if view.phase in _OPEN:
            out.append(view)
    return sorted(out, key=lambda v: v.session.starts_at)


def time_name(at: dt.datetime, zone: str | None, lang: Translator | None = None) -> str:
    """'07:30 UTC', and for someone with a zone '07:30 UTC (13:00 in Kolkata)'."""
    lang = lang or english()
    name = f"{at.astimezone(dt.UTC):%H:%M} UTC"
    if zone is None or zone == "UTC":
        return name
    local = lang.gettext("{time} in {place}", time=f"{local_time(at, zone):%H:%M}", place=place_name(zone, lang.locale))
    return f"{name} ({local})"


def who_may(hosts: SessionHosts, what: str, lang: Translator | None = None) -> str:
    """'Alice (who started it), Bob and Carol (who volunteered for it), a host or an
    organiser can end it': names as text, no pings. `what` ('end it') is translated where
    the caller marked it with `N_`."""
    lang = lang or english()
    parts = []
    if hosts.started_by is not None:
        parts.append(lang.gettext("{name} (who started it)", name=hosts.started_by.name))
    names = [p.name for p in hosts.volunteers]
    if names:
        together = listed(names, lang.gettext("and"))
        parts.append(
            lang.ngettext(
                "{names} (who volunteered for it)", "{names} (who volunteered for it)", len(names), names=together
            )
        )
    # Translators: the end of a list of who may do something: '…, a host or an organiser can end it'.
    anyone = lang.gettext("a host or an organiser can {what}", what=lang.gettext(what))
    return ", ".join([*parts, anyone])


async def not_your_session(ctx: Context, key: str, what: str) -> str:
    """The refusal to someone who does not host session `key`: who may instead."""
    lang = ctx.lang
    name = session_name(session_from_key(ctx.config, key), await asker_zone(ctx), ctx.clock.now(), lang)
    who = who_may(await hosts_of(ctx.store, key), what, lang)
    return lang.gettext("You don't host the session of {session}. Only {who}.", session=name, who=who)


def offer_text(ctx: Context, offers: list[SessionView], zone: str | None) -> Text:
    """'You volunteered to host the session of …, which can be started from … (in …).', or
    that the sessions offered for are cancelled. `offers` is not empty."""
    now, lang = ctx.clock.now(), ctx.lang
    theirs = next((v.session for v in offers if not v.phase.cancelled), None)
    if theirs is None:
        names = listed([session_name(v.session, zone, now, lang) for v in offers], lang.gettext("and"))
        return lang.nmsg(
            "You volunteered to host the session of {sessions}, but it is cancelled.",
            "You volunteered to host the sessions of {sessions}, but they are cancelled.",
            len(offers),
            sessions=names,
        )
    opens = theirs.starts_at - START_EARLY
    values = {"session": session_name(theirs, zone, now, lang), "time": time_name(opens, zone, lang)}
    left = countdown(opens - now, lang)
    if opens.date() != theirs.starts_at.date():  # the day once, unless the window opens the day before
        # Translators: {day} is a date ('Wednesday 9 December'), {left} a countdown ('in 2 hours').
        return lang.msg(
            "You volunteered to host the session of {session}, which can be started from {time} on {day} ({left}).",
            day=lang.dated(opens, "EEEE d MMMM"),
            left=left,
            **values,
        )
    return lang.msg(
        "You volunteered to host the session of {session}, which can be started from {time} ({left}).",
        left=left,
        **values,
    )


_ROLES = {
    Role.PARTICIPANT: N_("{command} is for participants only."),
    Role.HOST: N_("{command} is for hosts only."),
    Role.ORGANISER: N_("{command} is for organisers only."),
}


async def host_of_another(ctx: Context, *, what: str, idle: str) -> Reply | None:
    """A host command refused by role: for someone who volunteered for a later session,
    which session is theirs; then, while one runs, who may `what` it (end it, mark its
    topics), else `idle` after "No session is running, so" (both translated where the
    caller marked them with `N_`). None for someone with no offer and no session running
    (the plain "for hosts only")."""
    lang = ctx.lang
    timeline = await Timeline.load(ctx.store, ctx.config, ctx.clock.now())
    offers, zone, running = await coming_offers(ctx, timeline), await asker_zone(ctx), timeline.running()
    if offers:
        text = offer_text(ctx, offers, zone)
    elif running is not None and isinstance(ctx.spec, CommandSpec):
        text = lang.msg(_ROLES[ctx.spec.role], command=Text().code(f"{ctx.prefix}{ctx.spec.name}"))
    else:
        return None
    if running is None:
        return ctx.reply(text.line(lang.gettext("No session is running, so {idle}.", idle=lang.gettext(idle))))
    who = who_may(await hosts_of(ctx.store, running.key), what, lang)
    name = session_name(running.session, zone, ctx.clock.now(), lang)
    return ctx.reply(text.line(lang.gettext("The session of {session} is running; only {who}.", session=name, who=who)))
