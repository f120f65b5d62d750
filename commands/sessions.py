"""A session itself: starting it (or reopening one ended by mistake), checking in by
`!here` or ✋, and ending it with a summary (`!late` is in late.py). Each message about
the session goes to its thread here and in every other served room that has one."""

from __future__ import annotations

from bot.core.dispatcher import Context
from bot.core.model import Anchor, Reply, Role
from bot.core.registry import CommandError, CommandGroup
from bot.core.text import Text
from bot.features.people.names import name_of
from bot.features.schedule.repository import load_cancellations
from bot.features.schedule.weekly_sessions import Session
from bot.features.sessions import hosts, late_notes, repository, summary, timeline
from bot.features.sessions.repository import CHECK_IN_REACTION
from bot.features.sessions.timeline import START_EARLY, START_LATE
from commands.announcements import late_text, link_line, summary_text
from commands.dates import asker_zone, session_name
from commands.hosting import coming_offers, host_of_another, offer_text
from commands.session_common import host_wanted, in_every_thread, next_hint, remember_name
from commands.wording import countdown

group = CommandGroup("sessions")


def _is_organiser(ctx: Context) -> bool:
    return ctx.services.is_organiser(ctx.sender, ctx.message.room_id)


# --- !start -----------------------------------------------------------------------------


async def _not_yet_your_session(ctx: Context) -> Reply | None:
    """!start from someone who is no host now but volunteered for a later session: not
    "for hosts only" (they are its host) but when theirs can be started, and who starts
    the one whose window is open. None for someone with no offer (the plain refusal)."""
    offers = await coming_offers(ctx)
    if not offers:
        return None
    now, p = ctx.clock.now(), ctx.prefix
    cancels = await load_cancellations(ctx.store)
    text = offer_text(ctx, offers, cancels)
    current = timeline.startable_session(ctx.config, now)
    if current is None or cancels.of(current) is not None or any(s.key == current.key for s in offers):
        return ctx.reply(text)
    state = await repository.state_of(ctx.store, current.key)
    if state is not None and state.running:
        starter = await name_of(ctx.store, state.started_by or "")
        text.line(f"Session {current.key} is running: {starter} started it.")
    elif state is None or state.ended_at is None:
        text.line(
            f"Session {current.key} is started by its own volunteers, the configured hosts or an organiser. "
            "To host it too: "
        )
        text.code(f"{p}host {current.key}").add(", then ").code(f"{p}start").add(".")
    return ctx.reply(text)


@group.command(
    "start",
    role=Role.HOST,
    help="Mark the current session started and open its thread",
    refused=_not_yet_your_session,
)
async def start(ctx: Context) -> list[Reply]:
    now, p, store = ctx.clock.now(), ctx.prefix, ctx.store
    session = timeline.startable_session(ctx.config, now)
    if session is None:
        why = (
            f"No session can be started now: a session can be started from {START_EARLY.seconds // 60} minutes "
            f"before its time to {START_LATE.seconds // 3600} hours after."
        )
        following = timeline.start_opens(ctx.config, await load_cancellations(store), now)
        if following is None:
            raise CommandError(f"{why} No session is planned.")
        opens = following.starts_at - START_EARLY
        raise CommandError(
            f"{why} Session {following.key} can be started from {opens:%H:%M} UTC on {opens:%A} {opens.day} "
            f"{opens:%B %Y} ({countdown(opens - now)})."
        )
    key = session.key
    cancellation = (await load_cancellations(store)).of(session)
    if cancellation is not None:
        raise CommandError(f"Session {key} is cancelled. An organiser can restore it with {p}uncancel first.")
    if not await hosts.may_host(ctx.store, ctx.config, ctx.sender, key, organiser=_is_organiser(ctx)):
        raise CommandError(
            f"Only hosts, organisers and who volunteered for session {key} can start it. "
            f"Volunteer with {p}host, then {p}start."
        )
    await remember_name(ctx)
    waiting = [u for u in await repository.attendees(store, key) if u != ctx.sender]
    try:
        await repository.start_session(store, session, ctx.sender, now)
    except repository.AlreadyRunning as e:
        starter = await name_of(store, e.state.started_by or "")
        raise CommandError(
            f"Session {key} is already running: {starter} started it at {e.state.started_at:%H:%M} UTC."
        ) from None
    except repository.AlreadyEnded as e:
        if _is_organiser(ctx):
            return await _reopen(ctx, session)
        reopen = f" An organiser can reopen it with {p}start if it was ended by mistake."
        if e.state.auto_ended:
            raise CommandError(
                f"Session {key} was already held; nobody ran {p}end, so it was closed automatically.{reopen}"
            ) from None
        raise CommandError(
            f"Session {key} was already held; it ended at {e.state.ended_at:%H:%M} UTC.{reopen}"
        ) from None
    except repository.OtherRunning as e:
        raise CommandError(f"Session {e.state.key} is still running; end it with {p}end first.") from None
    root = await repository.thread_root(store, key, ctx.message.room_id)
    opens_thread = root is None
    if root is None and ctx.message.thread_root:
        # Asked inside a thread: that thread becomes the session's.
        root = ctx.message.thread_root
        await repository.set_thread_root(store, key, ctx.message.room_id, root)
    name = await name_of(store, ctx.sender)
    text = Text("▶ ").bold(f"Session {key} has started").add(f" — host: {name}.")
    text.line().extend(link_line(ctx.config))
    if waiting:
        names = [await name_of(store, u) for u in waiting]
        text.line("Already checked in: " + ", ".join(names) + ".")
    text.line("Check in with ").code(f"{p}here").add(f" or react {CHECK_IN_REACTION} to this message. Coming later? ")
    text.code(f"{p}late [note]").add(".")
    anchor = Anchor("session", key)
    here_text = None
    if opens_thread:
        # Notes left with !late before the thread opened go into its first message.
        late = await late_notes.late_comers(store, key)
        if late:
            here_text = Text().extend(text).line().extend(late_text(late))
    # Without a thread yet, this message (anchored to the session) becomes its root.
    return await in_every_thread(ctx, key, text, root, here=here_text, anchor=anchor)


async def _reopen(ctx: Context, session: Session) -> list[Reply]:
    """An organiser's !start in the start window of a session that ended: it runs again."""
    p, store, key = ctx.prefix, ctx.store, session.key
    try:
        was = await repository.reopen_session(store, key)
    except repository.OtherRunning as e:
        raise CommandError(f"Session {e.state.key} is still running; end it with {p}end first.") from None
    except repository.AlreadyRunning:
        raise CommandError(f"Session {key} is already running.") from None
    assert was.ended_at is not None and was.started_at is not None
    starter = await name_of(store, was.started_by or "")
    ended = "it was closed automatically" if was.auto_ended else f"it had ended at {was.ended_at:%H:%M} UTC"
    text = Text("▶ ").bold(f"Session {key} is reopened").add(f": {ended}. ")
    text.add(f"It runs on as started by {starter} at {was.started_at:%H:%M} UTC; ")
    text.add("its check-ins and discussed topics are kept. End it again with ").code(f"{p}end").add(".")
    return await in_every_thread(ctx, key, text, await repository.thread_root(store, key, ctx.message.room_id))


# --- attendance -------------------------------------------------------------------------


@group.command("here", help="Check in to the running session, or the one waiting for its host")
async def here(ctx: Context) -> Reply:
    """Checks in to the running session, or to the one whose time has come while it
    waits for its host (the host's !start keeps those check-ins)."""
    current = (await timeline.Timeline.load(ctx.store, ctx.config, ctx.clock.now())).current()
    if current is None:
        raise CommandError(f"No session is running, so there is nothing to check in to. {await next_hint(ctx)}")
    key, name = current.key, session_name(current.session, await asker_zone(ctx))
    await remember_name(ctx)
    if not await repository.check_in(ctx.store, key, ctx.sender, ctx.clock.now(), repository.CheckInVia.COMMAND):
        return ctx.reply(Text("You are already checked in to session ").bold(name).add("."))
    if current.phase is timeline.Phase.RUNNING:
        return ctx.reply(Text("Checked in to session ").bold(name).add(" — welcome!"))
    text = Text("Checked in to session ").bold(name).add(", but no host has started it yet. ")
    text.add("You stay checked in when a host starts it.")
    volunteers = [await name_of(ctx.store, u) for u in await repository.volunteers_of(ctx.store, key)]
    text.line().extend(host_wanted(ctx.prefix, volunteers)).line().extend(link_line(ctx.config))
    return ctx.reply(text)


async def _check_in_target(ctx: Context) -> str | None:
    """The session a check-in goes to now: the running one, or the one waiting for its host."""
    key = await repository.running_session(ctx.store)
    if key is None:
        waiting = await timeline.awaiting_host(ctx.store, ctx.config, ctx.clock.now())
        key = waiting.key if waiting else None
    return key


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
    return await host_of_another(
        ctx, allowed="whoever started it, a host or an organiser can end it", idle="there is nothing to end"
    )


@group.command("end", role=Role.HOST, help="End the running session and post its summary", refused=_not_yours_to_end)
async def end(ctx: Context) -> list[Reply]:
    key = await repository.running_session(ctx.store)
    if key is None:
        raise CommandError(f"No session is running. {await next_hint(ctx)}")
    if not await hosts.may_end(ctx.store, ctx.config, ctx.sender, key, organiser=_is_organiser(ctx)):
        state = await repository.state_of(ctx.store, key)
        starter = await name_of(ctx.store, state.started_by or "") if state else "someone else"
        raise CommandError(
            f"You can't end session {key}: {starter} started it. "
            "Only whoever started it, a host or an organiser can end it."
        )
    if not await repository.end_session(ctx.store, key, ctx.sender, ctx.clock.now()):
        raise CommandError(f"Session {key} has already ended.")
    text = summary_text(ctx.config, await summary.summary_of(ctx.store, key, ctx.clock.now()))
    return await in_every_thread(ctx, key, text, await repository.thread_root(ctx.store, key, ctx.message.room_id))
