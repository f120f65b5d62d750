"""A session itself: starting it (or reopening one ended by mistake), checking in by
`!here` or ✋, and ending it with a summary (`!late` is in late.py). Each message about
the session goes to its thread here and in every other served room that has one."""

from __future__ import annotations

from bot.core.arguments import Rest
from bot.core.dispatcher import Context
from bot.core.i18n import N_
from bot.core.model import Anchor, Reply, Role
from bot.core.registry import CommandError, CommandGroup
from bot.core.text import Text
from bot.features.lean_coffee import discussing as lean_coffee
from bot.features.people.names import name_of
from bot.features.schedule.weekly_sessions import Session, session_from_key
from bot.features.sessions import hosts, late_notes, repository, summary
from bot.features.sessions.repository import CHECK_IN_REACTION
from bot.features.sessions.timeline import START_EARLY, START_LATE, Phase, SessionView, Timeline, start_opens
from commands import check_in_others
from commands.announcements import late_text, link_line, summary_text
from commands.dates import asker_zone, session_name, typed_as
from commands.hosting import (
    coming_offers,
    host_of_another,
    not_your_session,
    offer_text,
    time_name,
    who_may,
)
from commands.session_common import host_wanted, in_every_thread, just_over_text, next_hint, remember_name
from commands.wording import countdown

group = CommandGroup("sessions")

# Translators: ends "…, a host or an organiser can start it" (who may start a session).
_START_IT = N_("start it")
# Translators: ends "…, a host or an organiser can end it" (who may end a session).
_END_IT = N_("end it")


def _is_organiser(ctx: Context) -> bool:
    return ctx.services.is_organiser(ctx.sender, ctx.message.room_id)


# --- !start -----------------------------------------------------------------------------


async def _not_yet_your_session(ctx: Context) -> Reply | None:
    """!start from someone who is no host now but volunteered for a later session: not
    "for hosts only" (they are its host) but when theirs can be started, and who starts
    the one whose window is open. None for someone with no offer (the plain refusal)."""
    now_on = await Timeline.load(ctx.store, ctx.config, ctx.clock.now())
    offers = await coming_offers(ctx, now_on)
    if not offers:
        return None
    p, zone, lang = ctx.prefix, await asker_zone(ctx), ctx.lang
    text = offer_text(ctx, offers, zone)
    current = now_on.startable()
    if current is None or current.phase.cancelled or any(v.key == current.key for v in offers):
        return ctx.reply(text)
    name = session_name(current.session, zone, ctx.clock.now(), lang)
    if current.phase is Phase.RUNNING:
        state = current.state
        if state is not None and state.started_by:
            starter = await name_of(ctx.store, state.started_by)
            text.line(
                lang.gettext("The session of {name} is running: {starter} started it.", name=name, starter=starter)
            )
        else:
            text.line(lang.gettext("The session of {name} is running.", name=name))
    elif not current.phase.held:
        who = who_may(await hosts.hosts_of(ctx.store, current.key), _START_IT, lang)
        host = Text().code(f"{p}host {typed_as(current.session.starts_at, zone)}")
        text.line().extend(
            lang.msg(
                "The session of {name}: only {who}. To host it too: {host}, then {start}.",
                name=name,
                who=who,
                host=host,
                start=Text().code(f"{p}start"),
            )
        )
    return ctx.reply(text)


@group.command(
    "start",
    role=Role.HOST,
    help=N_("Mark the current session started and open its thread"),
    refused=_not_yet_your_session,
)
async def start(ctx: Context) -> list[Reply]:
    now, p, store, zone, lang = ctx.clock.now(), ctx.prefix, ctx.store, await asker_zone(ctx), ctx.lang
    now_on = await Timeline.load(store, ctx.config, now)
    current = now_on.startable()
    if current is None:
        why = lang.gettext(
            "No session can be started now: a session can be started from {early} minutes before its time "
            "to {late} hours after.",
            early=START_EARLY.seconds // 60,
            late=START_LATE.seconds // 3600,
        )
        following = start_opens(ctx.config, now_on.cancels, now)
        if following is None:
            none = lang.gettext("No session is planned.")
            raise CommandError(f"{why} {none}")
        opens = following.starts_at - START_EARLY
        values = {"name": session_name(following, zone, now, lang), "time": time_name(opens, zone, lang)}
        left = countdown(opens - now, lang)
        # The day once, where the start window opens on the session's own day.
        if opens.date() == following.starts_at.date():
            then = lang.gettext("The session of {name} can be started from {time} ({left}).", left=left, **values)
        else:
            day = lang.dated(opens, "EEEE d MMMM")
            then = lang.gettext(
                "The session of {name} can be started from {time} on {day} ({left}).", day=day, left=left, **values
            )
        raise CommandError(f"{why} {then}")
    session, key, name = current.session, current.key, session_name(current.session, zone, now, lang)
    if current.phase.cancelled:
        uncancel = Text().code(f"{p}uncancel")
        raise CommandError(
            lang.msg(
                "The session of {name} is cancelled. An organiser can restore it with {uncancel} first.",
                name=name,
                uncancel=uncancel,
            )
        )
    if not await hosts.hosts(store, ctx.config, ctx.sender, key, organiser=_is_organiser(ctx)):
        host, start_it = Text().code(f"{p}host {typed_as(session.starts_at, zone)}"), Text().code(f"{p}start")
        refusal = Text(await not_your_session(ctx, key, _START_IT)).add(" ")
        refusal.extend(lang.msg("To host it too: {host}, then {start}.", host=host, start=start_it))
        raise CommandError(refusal)
    await remember_name(ctx)
    waiting = [u for u in await repository.attendees(store, key) if u != ctx.sender]
    try:
        await repository.start_session(store, session, ctx.sender, now)
    except repository.AlreadyRunning as e:
        starter = await name_of(store, e.state.started_by or "")
        at = f"{e.state.started_at:%H:%M}"
        raise CommandError(
            lang.gettext(
                "The session of {name} is already running: {starter} started it at {time} UTC.",
                name=name,
                starter=starter,
                time=at,
            )
        ) from None
    except repository.AlreadyEnded as e:
        if _is_organiser(ctx):
            return await _reopen(ctx, session)
        end_it, start_it = Text().code(f"{p}end"), Text().code(f"{p}start")
        reopen = lang.msg("An organiser can reopen it with {start} if it was ended by mistake.", start=start_it)
        if e.state.auto_ended:
            said = lang.msg(
                "The session of {name} was already held; nobody ran {end}, so it was closed automatically.",
                name=name,
                end=end_it,
            )
        else:
            ended = f"{e.state.ended_at:%H:%M}"
            said = lang.msg("The session of {name} was already held; it ended at {time} UTC.", name=name, time=ended)
        raise CommandError(said.add(" ").extend(reopen)) from None
    except repository.OtherRunning as e:
        other = session_name(session_from_key(ctx.config, e.state.key), zone, now, lang)
        raise CommandError(_still_running(ctx, other)) from None
    root = await repository.thread_root(store, key, ctx.message.room_id)
    opens_thread = root is None
    if root is None and ctx.message.thread_root:
        # Asked inside a thread: that thread becomes the session's.
        root = ctx.message.thread_root
        await repository.set_thread_root(store, key, ctx.message.room_id, root)
    host_name, room = await name_of(store, ctx.sender), ctx.room_lang
    # For everyone in the thread, so in UTC and in the rooms' language (the announcements
    # give the local times).
    started = room.gettext("Session of {name} has started", name=session_name(session, None, now, room))
    text = Text("▶ ").bold(started).add(" · ").add(room.gettext("host: {name}", name=host_name))
    text.line().extend(link_line(ctx.config, room))
    if waiting:
        names = [await name_of(store, u) for u in waiting]
        text.line(room.gettext("Already checked in: {names}.", names=", ".join(names)))
    text.line().extend(
        room.msg(
            "Check in with {here} or react {reaction} to this message. Coming later? {late}.",
            here=Text().code(f"{p}here"),
            reaction=CHECK_IN_REACTION,
            late=Text().code(f"{p}late [note]"),
        )
    )
    anchor = Anchor("session", key)
    here_text = None
    if opens_thread:
        # Notes left with !late before the thread opened go into its first message.
        late = await late_notes.late_comers(store, key)
        if late:
            here_text = Text().extend(text).line().extend(late_text(late, room))
    # Without a thread yet, this message (anchored to the session) becomes its root.
    return await in_every_thread(ctx, key, text, root, here=here_text, anchor=anchor)


async def _reopen(ctx: Context, session: Session) -> list[Reply]:
    """An organiser's !start in the start window of a session that ended: it runs again."""
    p, store, key, now = ctx.prefix, ctx.store, session.key, ctx.clock.now()
    try:
        was = await repository.reopen_session(store, key)
    except repository.OtherRunning as e:
        other = session_name(session_from_key(ctx.config, e.state.key), await asker_zone(ctx), now, ctx.lang)
        raise CommandError(_still_running(ctx, other)) from None
    except repository.AlreadyRunning:
        name = session_name(session, await asker_zone(ctx), now, ctx.lang)
        raise CommandError(ctx.lang.gettext("The session of {name} is already running.", name=name)) from None
    assert was.ended_at is not None and was.started_at is not None
    starter, room = await name_of(store, was.started_by or ""), ctx.room_lang
    reopened = room.gettext("Session of {name} is reopened", name=session_name(session, None, now, room))
    if was.auto_ended:
        ended = room.gettext("it was closed automatically")
    else:
        ended = room.gettext("it had ended at {time} UTC", time=f"{was.ended_at:%H:%M}")
    text = Text("▶ ").bold(reopened).add(": ")
    text.extend(
        room.msg(
            "{ended}. It runs on as started by {starter} at {time} UTC; its check-ins and discussed topics are "
            "kept. End it again with {end}.",
            ended=ended,
            starter=starter,
            time=f"{was.started_at:%H:%M}",
            end=Text().code(f"{p}end"),
        )
    )
    return await in_every_thread(ctx, key, text, await repository.thread_root(store, key, ctx.message.room_id))


def _still_running(ctx: Context, other: str) -> Text:
    end = Text().code(f"{ctx.prefix}end")
    return ctx.lang.msg("The session of {name} is still running; end it with {end} first.", name=other, end=end)


# --- attendance -------------------------------------------------------------------------


@group.command(
    "here",
    usage="[@user:server…]",
    help=N_("Check in to the running session, or the one waiting for its host; its hosts can check others in"),
    aliases=("checkin", "check-in"),
)
async def here(ctx: Context, typed: Rest | None = None) -> Reply:
    """Checks in to the running session, or to the one whose time has come while it
    waits for its host (the host's !start keeps those check-ins). With Matrix IDs after
    it, a host of that session or an organiser checks those people in instead."""
    current = (await Timeline.load(ctx.store, ctx.config, ctx.clock.now())).current()
    if current is None:
        over, hint = await just_over_text(ctx), await next_hint(ctx)
        nothing = ctx.lang.gettext("No session is running, so there is nothing to check in to.")
        raise CommandError(f"{over}{nothing} {hint}")
    if typed is None:
        return ctx.reply(await _check_in_sender(ctx, current))
    named = await check_in_others.read(ctx, current, typed)
    hosting = await hosts.hosts(ctx.store, ctx.config, ctx.sender, current.key, organiser=_is_organiser(ctx))
    if named is not None and hosting:
        return ctx.reply(await check_in_others.check_in(ctx, current, named))
    text = await _check_in_sender(ctx, current)
    said = await check_in_others.refused(ctx, named) if named else None
    if named is None and hosting:
        said = check_in_others.how_to_name(ctx, typed)
    return ctx.reply(text if said is None else text.line().extend(said))


async def _check_in_sender(ctx: Context, current: SessionView) -> Text:
    lang = ctx.lang
    key, name = current.key, session_name(current.session, await asker_zone(ctx), ctx.clock.now(), lang)
    await remember_name(ctx)
    running = current.phase is Phase.RUNNING
    if not await repository.check_in(ctx.store, key, ctx.sender, ctx.clock.now(), repository.CheckInVia.COMMAND):
        if running:
            return Text(lang.gettext("You are already checked in to the session of {name}; it is running.", name=name))
        return Text(
            lang.gettext("You are already checked in to the session of {name}; it waits for its host.", name=name)
        )
    if running:
        return Text(lang.gettext("Checked in to the session of {name}. Welcome!", name=name))
    text = Text(
        lang.gettext(
            "Checked in to the session of {name}, but no host has started it yet. "
            "You stay checked in when a host starts it.",
            name=name,
        )
    )
    volunteers = await hosts.volunteer_names(ctx.store, key)
    return text.line().extend(host_wanted(ctx.prefix, volunteers, lang)).line().extend(link_line(ctx.config, lang))


async def _check_in_target(ctx: Context) -> str | None:
    """The session a check-in goes to now: the running one, or the one waiting for its host."""
    current = (await Timeline.load(ctx.store, ctx.config, ctx.clock.now())).current()
    return None if current is None else current.key


@group.reaction("session", CHECK_IN_REACTION)
async def raised_hand(ctx: Context, ref: str, added: bool) -> None:
    """✋ on the session's announcement or start message checks in (also while the
    session waits for its host); taking it back checks out again, unless the person
    checked in by command too. Before the start time it counts once a host starts it."""
    if await _check_in_target(ctx) != ref:
        return None
    if added:
        await remember_name(ctx)
        await repository.check_in(ctx.store, ref, ctx.sender, ctx.clock.now(), repository.CheckInVia.REACTION)
    else:
        await repository.undo_reaction_check_in(ctx.store, ref, ctx.sender)
    return None


# --- !end -------------------------------------------------------------------------------


async def _not_yours_to_end(ctx: Context) -> Reply | None:
    return await host_of_another(ctx, what=_END_IT, idle=N_("there is nothing to end"))


@group.command(
    "end", role=Role.HOST, help=N_("End the running session and post its summary"), refused=_not_yours_to_end
)
async def end(ctx: Context) -> list[Reply]:
    running = (await Timeline.load(ctx.store, ctx.config, ctx.clock.now())).running()
    if running is None:
        raise CommandError(ctx.lang.gettext("No session is running. {otherwise}", otherwise=await next_hint(ctx)))
    key = running.key
    if not await hosts.hosts(ctx.store, ctx.config, ctx.sender, key, organiser=_is_organiser(ctx)):
        raise CommandError(await not_your_session(ctx, key, _END_IT))
    # The topic being discussed closes with its minutes, which the summary shows.
    await lean_coffee.close_current(ctx.store, ctx.clock.now())
    if not await repository.end_session(ctx.store, key, ctx.sender, ctx.clock.now()):
        name = session_name(running.session, await asker_zone(ctx), ctx.clock.now(), ctx.lang)
        raise CommandError(ctx.lang.gettext("The session of {name} has already ended.", name=name))
    text = summary_text(ctx.config, await summary.summary_of(ctx.store, key, ctx.clock.now()))
    return await in_every_thread(ctx, key, text, await repository.thread_root(ctx.store, key, ctx.message.room_id))
