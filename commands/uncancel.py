"""!uncancel: a cancelled session, or whole day, restored (`!cancel` calls them off).

A session restored before its time takes place with its reminders; one called off while
it waited for its host waits for it again. Rooms that had the cancellation notice are told
it takes place after all, in the rooms' language; the reply is in the asker's."""

from __future__ import annotations

import datetime as dt

from bot.core.arguments import Rest, UsageError
from bot.core.dispatcher import Context
from bot.core.i18n import N_
from bot.core.model import Reply, Role
from bot.core.registry import CommandError, CommandGroup
from bot.core.text import Text, clean
from bot.features.announcements import repository as announcements
from bot.features.schedule.repository import restore_sessions
from bot.features.schedule.weekly_sessions import Session, sessions_on
from bot.features.sessions.timeline import Phase, Timeline
from commands.cancellations import Target, in_its_thread, session_names, target_of, why_over
from commands.dates import asker_zone, check_planned_day, not_a_time, read_typed_time, session_name, typed_utc
from commands.wording import long_date

group = CommandGroup("uncancellations")


@group.command(
    "uncancel",
    usage="YYYY-MM-DD [TIME]",
    role=Role.ORGANISER,
    help=N_("Restore a cancelled session (TIME in your time zone: 8am, 17:00, or 17:00 UTC) or day"),
)
async def uncancel(ctx: Context, day: dt.date, rest: Rest = Rest("")) -> list[Reply]:
    now, config, lang = ctx.clock.now(), ctx.config, ctx.lang
    check_planned_day(ctx, day)
    zone = await asker_zone(ctx)
    typed = read_typed_time(ctx, "uncancel", day, rest, zone)
    if typed is None and rest.strip():
        raise not_a_time(rest, ctx.lang)
    if typed is not None and typed.rest:
        raise UsageError(lang.gettext("unexpected {text}", text=repr(clean(typed.rest, 40))))
    target = target_of(ctx, day, typed)
    conference_day = dt.date.fromisoformat(target.sessions[0].day)
    line = await Timeline.load(ctx.store, config, now)
    cancelled = [s for s in target.sessions if line.cancels.of(s) is not None]
    if not cancelled:
        day_key = conference_day.isoformat()
        if not target.whole_day and line.cancels.by_target.get(day_key) is not None:
            restore = Text().code(f"{ctx.prefix}uncancel {day_key}")
            raise CommandError(
                lang.msg("The whole day {day} is cancelled; restore it with {command}.", day=day_key, command=restore)
            )
        raise CommandError(
            target.said(
                lang,
                N_("The whole day {day} is not cancelled."),
                N_("The session of {session} is not cancelled."),
                zone,
                now,
            )
        )
    # A session whose time to start has passed stays as it was; one whose time has come
    # (called off while it waited for its host) waits for its host again.
    restored = [s for s in cancelled if line.phase(s).cancelled and now < line.window_closes(s)]
    if not restored:
        raise CommandError(
            target.said(
                lang,
                N_("The whole day {day} is in the past; it stays cancelled."),
                N_("The session of {session} is in the past; it stays cancelled."),
                zone,
                now,
            )
        )
    told = await announcements.rooms_told_of_cancellation(ctx.store, [s.key for s in restored])
    await restore_sessions(ctx.store, config, conference_day, [s.key for s in restored], now)
    ctx.services.schedule_changed()
    line = await Timeline.load(ctx.store, config, now)
    kept = [s for s in sessions_on(config, conference_day) if line.cancels.of(s) is not None]
    ahead = [s for s in restored if s.starts_at > now]
    waiting = [s for s in restored if s.starts_at <= now]
    text = _restored(ctx, target, zone, ahead, waiting, kept=bool(kept))
    for session in kept:
        phase, name = line.phase(session), session_name(session, zone, now, lang)
        if now < line.window_closes(session):
            restore = Text().code(f"{ctx.prefix}uncancel {typed_utc(session)}")
            said = _STAYS.get(phase, _STAYS[Phase.CANCELLED])
            text.line().extend(lang.msg(said, session=name, command=restore))
        elif phase.cancelled:
            said = _STAYS_OVER.get(phase, _STAYS_OVER[Phase.CANCELLED])
            text.line(lang.gettext(said, session=name))
        else:
            text.line(lang.gettext("The session of {session} is over: {why}.", session=name, why=why_over(lang, phase)))
    if len(waiting) == 1 and not ahead and not target.whole_day:
        # The restored session's thread hears it in every room; here, with the answer.
        return await in_its_thread(ctx, waiting[0], _takes_place(ctx, waiting[0]), here=text)
    replies = [ctx.reply(text)]
    # Rooms that were told of the cancellation are told it is off again, in their language.
    room_lang = ctx.room_lang
    for room in told:
        if room == ctx.message.room_id:
            continue
        when, both = Text(), room_lang.gettext("and")
        for i, session in enumerate(restored):
            when.add(f" {both} " if i else "").bold(f"{long_date(session.starts_at, now, room_lang)} UTC")
        notice = room_lang.nmsg(
            "{conference} of {when} takes place after all.",
            "{conference} of {when} take place after all.",
            len(restored),
            conference=Text().bold(config.conference.name),
            when=when,
        )
        replies.append(Reply.of(Text("✅ ").extend(notice), room_id=room))
    for session in waiting:
        replies.extend(await in_its_thread(ctx, session, _takes_place(ctx, session)))
    return replies


_STAYS = {
    Phase.CANCELLED: N_("The session of {session} stays cancelled; restore it with {command}."),
    Phase.CALLED_OFF: N_("The session of {session} stays called off; restore it with {command}."),
}
_STAYS_OVER = {
    Phase.CANCELLED: N_("The session of {session} stays cancelled: it is over."),
    Phase.CALLED_OFF: N_("The session of {session} stays called off: it is over."),
}


def _restored(
    ctx: Context, target: Target, zone: str | None, ahead: list[Session], waiting: list[Session], *, kept: bool
) -> Text:
    """What `!uncancel` restored: the sessions that take place, and those that wait for
    their host again."""
    now, lang = ctx.clock.now(), ctx.lang
    if target.whole_day and kept:
        text = lang.msg("Restored {day}:", day=target.key)
    else:
        text = target.said(
            lang, N_("Restored the whole day {day}:"), N_("Restored the session of {session}:"), zone, now
        )
    if ahead and not target.whole_day:
        text.add(" ").add(lang.gettext("it takes place, and its reminders go out as usual."))
    elif ahead:
        said = lang.ngettext(
            "the session of {sessions} takes place, and its reminders go out as usual.",
            "the sessions of {sessions} take place, and their reminders go out as usual.",
            len(ahead),
            sessions=session_names(ahead, zone, now, lang),
        )
        text.add(" ").add(said)
    host, start = Text().code(f"{ctx.prefix}host"), Text().code(f"{ctx.prefix}start")
    for session in waiting:
        if ahead or target.whole_day:
            again = lang.msg(
                "The session of {session} waits for its host again. Anyone can host it with {host}, then {start}.",
                session=session_name(session, zone, now, lang),
                host=host,
                start=start,
            )
            text.line().extend(again)
        else:
            again = lang.msg(
                "it waits for its host again. Anyone can host it with {host}, then {start}.", host=host, start=start
            )
            text.add(" ").extend(again)
    return text


def _takes_place(ctx: Context, session: Session) -> Text:
    """The word in a restored session's thread, which every room reads: in UTC, in the
    rooms' language."""
    lang = ctx.room_lang
    title = lang.gettext(
        "Session of {session} takes place after all", session=session_name(session, None, ctx.clock.now(), lang)
    )
    said = lang.msg(
        "{title}: it waits for its host. Anyone can host: {host}, then {start}.",
        title=Text().bold(title),
        host=Text().code(f"{ctx.prefix}host"),
        start=Text().code(f"{ctx.prefix}start"),
    )
    return Text("✅ ").extend(said)
