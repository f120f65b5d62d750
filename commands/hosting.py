"""Words about who hosts a session, shared by the session commands (!host, !unhost,
!start, !end) and the topic ones (!discussed, !undiscussed): the sessions someone offered
to host, who may do what a refused host command does (by name, no ping), and what someone
who volunteered for a later session hears when they type a host command now."""

from __future__ import annotations

import datetime as dt

from bot.core.dispatcher import Context
from bot.core.i18n import Translator, english
from bot.core.model import Reply
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
    """'07:30 UTC', and for someone with a zone '07:30 UTC (13:00 in Kolkata)'; in `lang`
    (English by default): '07:30 UTC (13:00 en Calcuta)'."""
    name = f"{at.astimezone(dt.UTC):%H:%M} UTC"
    if zone is None or zone == "UTC":
        return name
    lang = lang or english()
    local = f"{local_time(at, zone):%H:%M}"
    there = lang.gettext("{time} in {place}", time=local, place=place_name(zone, lang.locale))
    return f"{name} ({there})"


def who_may(hosts: SessionHosts, what: str) -> str:
    """'Alice (who started it), Bob and Carol (who volunteered for it), a host or an
    organiser can end it': names as text, no pings."""
    parts = []
    if hosts.started_by is not None:
        parts.append(f"{hosts.started_by.name} (who started it)")
    names = [p.name for p in hosts.volunteers]
    if names:
        parts.append(f"{listed(names, 'and')} (who volunteered for it)")
    return ", ".join([*parts, f"a host or an organiser can {what}"])


async def not_your_session(ctx: Context, key: str, what: str) -> str:
    """The refusal to someone who does not host session `key`: who may instead."""
    name = session_name(session_from_key(ctx.config, key), await asker_zone(ctx), ctx.clock.now())
    return f"You don't host the session of {name}. Only {who_may(await hosts_of(ctx.store, key), what)}."


def offer_text(ctx: Context, offers: list[SessionView], zone: str | None) -> Text:
    """'You volunteered to host the session of …, which can be started from … (in …).', or
    that the sessions offered for are cancelled. `offers` is not empty."""
    now = ctx.clock.now()
    theirs = next((v.session for v in offers if not v.phase.cancelled), None)
    if theirs is None:
        names = listed([session_name(v.session, zone, now) for v in offers], "and")
        one = len(offers) == 1
        text = Text(f"You volunteered to host the session{'' if one else 's'} of {names}, but ")
        return text.add("it is" if one else "they are").add(" cancelled.")
    opens = theirs.starts_at - START_EARLY
    text = Text(f"You volunteered to host the session of {session_name(theirs, zone, now)}, ")
    text.add(f"which can be started from {time_name(opens, zone)}")
    if opens.date() != theirs.starts_at.date():  # the day once, unless the window opens the day before
        text.add(f" on {opens:%A} {opens.day} {opens:%B}")
    return text.add(f" ({countdown(opens - now)}).")


async def host_of_another(ctx: Context, *, what: str, idle: str) -> Reply | None:
    """A host command refused by role: for someone who volunteered for a later session,
    which session is theirs; then, while one runs, who may `what` it (end it, mark its
    topics), else `idle` after "No session is running, so". None for someone with no
    offer and no session running (the plain "for hosts only")."""
    timeline = await Timeline.load(ctx.store, ctx.config, ctx.clock.now())
    offers, zone, running = await coming_offers(ctx, timeline), await asker_zone(ctx), timeline.running()
    if offers:
        text = offer_text(ctx, offers, zone)
    elif running is not None and isinstance(ctx.spec, CommandSpec):
        text = Text().code(f"{ctx.prefix}{ctx.spec.name}").add(f" is for {ctx.spec.role.label} only.")
    else:
        return None
    if running is None:
        return ctx.reply(text.line(f"No session is running, so {idle}."))
    who = who_may(await hosts_of(ctx.store, running.key), what)
    name = session_name(running.session, zone, ctx.clock.now())
    return ctx.reply(text.line(f"The session of {name} is running; only {who}."))
