"""Thursday itself: volunteering to host, starting, checking in, coming late, ending with
a summary, and how the call is doing over time."""

from __future__ import annotations

import datetime as dt
import itertools

from bot.core.dispatcher import Context
from bot.core.model import Anchor, Attachment, Reply, Role
from bot.core.registry import CommandError, CommandGroup, Rest, UsageError, convert
from bot.core.text import Text, clean, plural
from bot.features.people import repository as people
from bot.features.schedule.repository import (
    Session,
    load_cancellations,
    next_held_sessions,
    session_by_key,
    session_from_key,
    sessions_from,
    sessions_on,
)
from bot.features.sessions import chart
from bot.features.sessions import repository as sessions
from bot.features.sessions.repository import CHECK_IN_REACTION, START_EARLY, START_LATE
from commands.announcements import late_text, link_line, summary_text
from commands.dates import check_planned_day, typed_session_time
from commands.hosting import coming_offers, host_of_another, offer_text
from commands.wording import countdown, long_date

group = CommandGroup("sessions")

STATS_WEEKS = 12


async def _remember_name(ctx: Context) -> None:
    """Summaries and announcements show display names; the adapter tells us the sender's."""
    if ctx.message.sender_name:
        await people.remember_display_name(ctx.store, ctx.sender, clean(ctx.message.sender_name, 64))


async def _next_hint(ctx: Context) -> str:
    now = ctx.clock.now()
    following = next_held_sessions(ctx.config, await load_cancellations(ctx.store), now, 1)
    if not following:
        return "No session is planned."
    return f"The next session is {following[0].key} ({countdown(following[0].starts_at - now)})."


async def _coming_session(ctx: Context, *, skip_started: bool) -> Session | None:
    """The first session not cancelled, not over, whose start window is not past; with
    skip_started, also not started yet."""
    now = ctx.clock.now()
    cancels = await load_cancellations(ctx.store)
    for session in itertools.islice(sessions_from(ctx.config, now - START_LATE), 100):
        if cancels.of(session) is not None:
            continue
        state = await sessions.state_of(ctx.store, session.key)
        if state is not None and (state.ended_at is not None or (skip_started and state.started_at is not None)):
            continue
        return session
    return None


async def _other_threads(ctx: Context, key: str) -> list[tuple[str, str]]:
    """(room, thread root) of the session in the other served rooms that have its thread."""
    out = []
    for room in ctx.config.matrix.rooms:
        if room == ctx.message.room_id:
            continue
        root = await sessions.thread_root(ctx.store, key, room)
        if root is not None:
            out.append((room, root))
    return out


# --- !host ------------------------------------------------------------------------------


@group.command("host", usage="[YYYY-MM-DD HH:MM]", help="Volunteer to host the next (or given) session")
async def host(ctx: Context, day: dt.date | None = None, time: Rest = Rest("")) -> Reply:
    now, p = ctx.clock.now(), ctx.prefix
    if day is None and time:
        convert(dt.date, time.split()[0], "YYYY-MM-DD")  # the date is missing: say so, host nothing
    if day is not None:
        check_planned_day(ctx, day)
    at = typed_session_time(ctx, "host", day, time) if day is not None else None
    session = await _chosen_session(ctx, day, at)
    cancellation = (await load_cancellations(ctx.store)).of(session)
    if cancellation is not None:
        raise CommandError(f"Session {session.key} is cancelled, so it needs no host.")
    state = await sessions.state_of(ctx.store, session.key)
    if (state is not None and state.ended_at is not None) or session.starts_at + START_LATE < now:
        raise CommandError(f"Session {session.key} is over. {await _next_hint(ctx)}")
    if state is not None and state.started_at is not None:
        starter = await people.name_of(ctx.store, state.started_by or "")
        raise CommandError(f"Session {session.key} is already running; {starter} started it.")
    await _remember_name(ctx)
    if not await sessions.volunteer(ctx.store, session.key, ctx.sender, now):
        return ctx.reply(Text("You have already volunteered to host session ").bold(session.key).add("."))
    text = Text("Thank you! You volunteered to host session ").bold(session.key)
    text.add(f" ({long_date(session.starts_at)} UTC, {countdown(session.starts_at - now)}).")
    text.line("You can ").code(f"{p}start").add(" it from 30 minutes before its time; ")
    text.add("the announcements name you, and the last reminder pings you.")
    others = [u for u in await sessions.volunteers_of(ctx.store, session.key) if u != ctx.sender]
    if others:
        names = [await people.name_of(ctx.store, u) for u in others]
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
        state = await sessions.state_of(store, session.key)
        if state is not None and state.started_at is not None and state.ended_at is None:
            starter = await people.name_of(store, state.started_by or "")
            raise CommandError(
                f"Session {session.key} has already started ({starter} started it), so an offer to host it can no "
                f"longer be withdrawn. Its hosts can end it with {p}end."
            )
        if (state is not None and state.ended_at is not None) or session.starts_at + START_LATE < ctx.clock.now():
            raise CommandError(f"Session {session.key} is over, so there is nothing to withdraw.")
    if not await sessions.withdraw_volunteer(store, session.key, ctx.sender):
        text = (
            Text("You had not volunteered to host session ").bold(session.key).add(", so there is nothing to withdraw.")
        )
        if coming:
            text.line("You offered to host: " + ", ".join(s.key for s in coming) + ".")
        return ctx.reply(text)
    text = Text("You no longer offer to host session ").bold(session.key).add(". Thank you for saying so.")
    others = await sessions.volunteers_of(store, session.key)
    if others:
        names = [await people.name_of(store, u) for u in others]
        text.line("Still volunteering to host it: " + ", ".join(names) + ".")
    else:
        text.line("Nobody else has volunteered to host it yet: ").code(f"{p}host {session.key}").add(" to offer.")
    rest = [s.key for s in coming if s.key != session.key]
    if rest:
        text.line("You still offer to host " + ", ".join(rest) + ".")
    return ctx.reply(text)


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
    current = sessions.startable_session(ctx.config, now)
    if current is None or cancels.of(current) is not None or any(s.key == current.key for s in offers):
        return ctx.reply(text)
    state = await sessions.state_of(ctx.store, current.key)
    if state is not None and state.running:
        starter = await people.name_of(ctx.store, state.started_by or "")
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
    session = sessions.startable_session(ctx.config, now)
    if session is None:
        why = (
            f"No session can be started now: a session can be started from {START_EARLY.seconds // 60} minutes "
            f"before its time to {START_LATE.seconds // 3600} hours after."
        )
        following = sessions.start_opens(ctx.config, await load_cancellations(store), now)
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
    if not await sessions.may_host(ctx.services, ctx.sender, key, ctx.message.room_id):
        raise CommandError(
            f"Only hosts, organisers and who volunteered for session {key} can start it. "
            f"Volunteer with {p}host, then {p}start."
        )
    await _remember_name(ctx)
    waiting = [u for u in await sessions.attendees(store, key) if u != ctx.sender]
    try:
        await sessions.start_session(store, session, ctx.sender, now)
    except sessions.AlreadyRunning as e:
        starter = await people.name_of(store, e.state.started_by or "")
        raise CommandError(
            f"Session {key} is already running: {starter} started it at {e.state.started_at:%H:%M} UTC."
        ) from None
    except sessions.AlreadyEnded as e:
        if ctx.services.is_organiser(ctx.sender, ctx.message.room_id):
            return await _reopen(ctx, session)
        reopen = f" An organiser can reopen it with {p}start if it was ended by mistake."
        if e.state.auto_ended:
            raise CommandError(
                f"Session {key} was already held; nobody ran {p}end, so it was closed automatically.{reopen}"
            ) from None
        raise CommandError(
            f"Session {key} was already held; it ended at {e.state.ended_at:%H:%M} UTC.{reopen}"
        ) from None
    except sessions.OtherRunning as e:
        raise CommandError(f"Session {e.state.key} is still running; end it with {p}end first.") from None
    root = await sessions.thread_root(store, key, ctx.message.room_id)
    opens_thread = root is None
    if root is None and ctx.message.thread_root:
        # Asked inside a thread: that thread becomes the session's.
        root = ctx.message.thread_root
        await sessions.set_thread_root(store, key, ctx.message.room_id, root)
    name = await people.name_of(store, ctx.sender)
    text = Text("▶ ").bold(f"Session {key} has started").add(f" — host: {name}.")
    text.line().extend(link_line(ctx.config))
    if waiting:
        names = [await people.name_of(store, u) for u in waiting]
        text.line("Already checked in: " + ", ".join(names) + ".")
    text.line("Check in with ").code(f"{p}here").add(f" or react {CHECK_IN_REACTION} to this message. Coming later? ")
    text.code(f"{p}late [note]").add(".")
    anchor = Anchor("session", key)
    here_text = text
    if opens_thread:
        # Notes left with !late before the thread opened go into its first message.
        late = await sessions.late_comers(store, key)
        if late:
            here_text = Text().extend(text).line().extend(late_text(late))
    # Without a thread yet, this message (anchored to the session) becomes its root.
    replies = [ctx.reply(here_text, anchor=anchor, thread_root=root)]
    for room, other_root in await _other_threads(ctx, key):
        replies.append(Reply.of(text, anchor=anchor, room_id=room, thread_root=other_root))
    return replies


async def _reopen(ctx: Context, session: Session) -> list[Reply]:
    """An organiser's !start in the start window of a session that ended: it runs again."""
    p, store, key = ctx.prefix, ctx.store, session.key
    try:
        was = await sessions.reopen_session(store, key)
    except sessions.OtherRunning as e:
        raise CommandError(f"Session {e.state.key} is still running; end it with {p}end first.") from None
    except sessions.AlreadyRunning:
        raise CommandError(f"Session {key} is already running.") from None
    assert was.ended_at is not None and was.started_at is not None
    starter = await people.name_of(store, was.started_by or "")
    ended = "it was closed automatically" if was.auto_ended else f"it had ended at {was.ended_at:%H:%M} UTC"
    text = Text("▶ ").bold(f"Session {key} is reopened").add(f": {ended}. ")
    text.add(f"It runs on as started by {starter} at {was.started_at:%H:%M} UTC; ")
    text.add("its check-ins and discussed topics are kept. End it again with ").code(f"{p}end").add(".")
    root = await sessions.thread_root(store, key, ctx.message.room_id)
    replies = [ctx.reply(text, thread_root=root)]
    for room, other_root in await _other_threads(ctx, key):
        replies.append(Reply.of(text, room_id=room, thread_root=other_root))
    return replies


# --- attendance -------------------------------------------------------------------------


@group.command("here", help="Check in to the running session, or the one waiting for its host")
async def here(ctx: Context) -> Reply:
    """Checks in to the running session, or to the one whose time has come while it
    waits for its host (the host's !start keeps those check-ins)."""
    key = await sessions.running_session(ctx.store)
    waiting = None
    if key is None:
        waiting = await sessions.awaiting_host(ctx.store, ctx.config, ctx.clock.now())
        if waiting is None:
            raise CommandError(f"No session is running, so there is nothing to check in to. {await _next_hint(ctx)}")
        key = waiting.key
    await _remember_name(ctx)
    if not await sessions.check_in(ctx.store, key, ctx.sender, ctx.clock.now(), sessions.CheckInVia.COMMAND):
        return ctx.reply(Text("You are already checked in to session ").bold(key).add("."))
    if waiting is None:
        return ctx.reply(Text("Checked in to session ").bold(key).add(" — welcome!"))
    text = Text("Checked in to session ").bold(key).add(", but no host has started it yet. ")
    text.add("You stay checked in when a host starts it. Anyone can host: ").code(f"{ctx.prefix}host")
    text.add(", then ").code(f"{ctx.prefix}start").add(".")
    return ctx.reply(text)


async def _check_in_target(ctx: Context) -> str | None:
    """The session a check-in goes to now: the running one, or the one waiting for its host."""
    key = await sessions.running_session(ctx.store)
    if key is None:
        waiting = await sessions.awaiting_host(ctx.store, ctx.config, ctx.clock.now())
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
        await _remember_name(ctx)
        await sessions.check_in(ctx.store, ref, ctx.sender, ctx.clock.now(), sessions.CheckInVia.REACTION)
    else:
        await sessions.undo_reaction_check_in(ctx.store, ref, ctx.sender)
    return None


@group.command("late", usage="[note]", help="Say you will join later; the note goes to the session's thread")
async def late(ctx: Context, note: Rest = Rest("")) -> list[Reply]:
    """The note goes to the running session, or the one waiting for its host, or else
    the next one (after a session ended, that is the following one). It is kept for the
    summary; before the session's thread opens, the message that opens it carries it."""
    now, store = ctx.clock.now(), ctx.store
    key = await _check_in_target(ctx)
    if key is None:
        coming = await _next_session_not_ended(ctx)
        if coming is None:
            raise CommandError("There is no session coming.")
        key = coming.key
    await _remember_name(ctx)
    await sessions.note_late(store, key, ctx.sender, clean(note, 300), now)
    name = await people.name_of(store, ctx.sender)
    said = f": {clean(note, 300)}" if note.strip() else "."
    root = await sessions.thread_root(store, key, ctx.message.room_id)
    if root is None:
        session = session_from_key(ctx.config, key)
        text = Text("🕐 ").bold(name).add(f" will join session {key} later{said}")
        text.line(f"Noted. The session is {long_date(session.starts_at)} UTC ({countdown(session.starts_at - now)}); ")
        text.add("your note goes into the session's thread when it opens, where the host sees it.")
        return [ctx.reply(text)]
    line = Text("🕐 ").bold(name).add(f" will join later{said}")
    if ctx.message.thread_root == root:
        return [ctx.reply(line)]
    confirm = Text("Noted: your message is in the thread of session ").bold(key).add(", where the host sees it.")
    return [Reply.of(line, thread_root=root), ctx.reply(confirm)]


async def _next_session_not_ended(ctx: Context) -> Session | None:
    """The first session starting after now that is neither cancelled nor over (one
    started early and ended already is skipped)."""
    now = ctx.clock.now()
    cancels = await load_cancellations(ctx.store)
    for session in itertools.islice(sessions_from(ctx.config, now), 100):
        if cancels.of(session) is not None:
            continue
        state = await sessions.state_of(ctx.store, session.key)
        if state is None or state.ended_at is None:
            return session
    return None


# --- !end -------------------------------------------------------------------------------


async def _not_yours_to_end(ctx: Context) -> Reply | None:
    return await host_of_another(
        ctx, allowed="whoever started it, a host or an organiser can end it", idle="there is nothing to end"
    )


@group.command("end", role=Role.HOST, help="End the running session and post its summary", refused=_not_yours_to_end)
async def end(ctx: Context) -> list[Reply]:
    key = await sessions.running_session(ctx.store)
    if key is None:
        raise CommandError(f"No session is running. {await _next_hint(ctx)}")
    if not await sessions.may_end(ctx.services, ctx.sender, key, ctx.message.room_id):
        state = await sessions.state_of(ctx.store, key)
        starter = await people.name_of(ctx.store, state.started_by or "") if state else "someone else"
        raise CommandError(
            f"You can't end session {key}: {starter} started it. "
            "Only whoever started it, a host or an organiser can end it."
        )
    if not await sessions.end_session(ctx.store, key, ctx.sender, ctx.clock.now()):
        raise CommandError(f"Session {key} has already ended.")
    text = summary_text(ctx.config, await sessions.summary_of(ctx.store, key, ctx.clock.now()))
    root = await sessions.thread_root(ctx.store, key, ctx.message.room_id)
    replies = [ctx.reply(text, thread_root=root)]
    for room, other_root in await _other_threads(ctx, key):
        replies.append(Reply.of(text, room_id=room, thread_root=other_root))
    return replies


# --- !stats -----------------------------------------------------------------------------


@group.command("stats", help="Attendance per session over the last 12 weeks, with a chart", in_direct=True)
async def stats(ctx: Context) -> Reply:
    now = ctx.clock.now()
    held = await sessions.turnout(ctx.store, now - dt.timedelta(weeks=STATS_WEEKS), now)
    if not held:
        return ctx.reply(f"No session has been held in the last {STATS_WEEKS} weeks, so there is nothing to show yet.")
    total = sum(t.present for t in held)
    text = Text().bold(f"Attendance, last {STATS_WEEKS} weeks")
    text.add(f": {plural(len(held), 'session')} held, {plural(total, 'check-in')}, ")
    text.add(f"{total / len(held):.1f} per session on average.")
    for t in held:
        text.line(f"{t.key}  {t.present}")
    if len(held) < 2:
        text.line("Only one session so far: a chart needs at least two, so there is none yet.")
        return ctx.reply(text)
    series = sessions.attendance_series(ctx.config, held)
    # One chart at a time, and the last one again while attendance is unchanged.
    png = await ctx.services.parts.get(chart.Charts).render(series, f"{ctx.config.conference.name}: people per session")
    if png is None:
        text.line("The chart could not be drawn this time; the reason is in the bot's log for the operator.")
        return ctx.reply(text)
    return ctx.reply(text, file=Attachment("ccc-attendance.png", png, "image/png"))
