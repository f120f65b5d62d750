"""What the session command groups (volunteering.py, sessions.py, cancellations.py) share:
the asker's display name remembered, the pointer to the next session, who may start a
session waiting for its host (`!next`, `!here` and the agenda say it alike), and a message
sent to a session's thread in every served room."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.core.dispatcher import Context
from bot.core.i18n import N_, Translator, english
from bot.core.model import Anchor, Reply
from bot.core.text import Text, clean
from bot.features.people import repository as people
from bot.features.sessions import repository
from bot.features.sessions.timeline import Phase, SessionView, Timeline
from commands.dates import asker_zone, session_name
from commands.wording import countdown, listed, with_full_stop


async def remember_name(ctx: Context) -> None:
    """Summaries and announcements show display names; the adapter tells us the sender's."""
    if ctx.message.sender_name:
        await people.remember_display_name(ctx.store, ctx.sender, clean(ctx.message.sender_name, 64))


# How a reply says what state a session is in: the same words in every command.
PHASE_WORDS = {
    Phase.COMING: N_("The session of {name} is coming"),
    Phase.WAITING: N_("The session of {name} is waiting for its host"),
    Phase.RUNNING: N_("The session of {name} is running"),
    Phase.ENDED: N_("The session of {name} has ended"),
    Phase.AUTO_CLOSED: N_("The session of {name} was closed automatically (nobody ended it)"),
    Phase.CANCELLED: N_("The session of {name} is cancelled"),
    Phase.CALLED_OFF: N_("The session of {name} was called off"),
    Phase.NOT_STARTED: N_("The session of {name} was not started: no host came"),
}


def state_text(
    view: SessionView, zone: str | None, now: dt.datetime | None = None, lang: Translator | None = None
) -> str:
    """'The session of Thursday 10 December, 08:00 UTC (13:30 in Kolkata) was called off:
    nobody can host.' (the year named if not that of `now`)."""
    lang = lang or english()
    reason = clean(view.reason, 200) if view.phase.cancelled else ""
    said = lang.gettext(PHASE_WORDS[view.phase], name=session_name(view.session, zone, now, lang))
    return f"{said}: {with_full_stop(reason)}" if reason else f"{said}."


async def just_over_text(ctx: Context) -> str:
    """What became of the session of the hour, when it is over already (for someone who
    arrives late: it ended, was called off...); '' otherwise."""
    view = (await Timeline.load(ctx.store, ctx.config, ctx.clock.now())).just_over()
    return "" if view is None else state_text(view, await asker_zone(ctx), ctx.clock.now(), ctx.lang) + " "


async def next_hint(ctx: Context) -> str:
    """'The next session is on Thursday 10 December, 08:00 UTC (13:30 in Kolkata), in 2 days 4 hours.'"""
    now = ctx.clock.now()
    following = (await Timeline.load(ctx.store, ctx.config, now)).next_held()
    if following is None:
        return ctx.lang.gettext("No session is planned.")
    name = session_name(following.session, await asker_zone(ctx), now, ctx.lang)
    left = countdown(following.session.starts_at - now, ctx.lang)
    # Translators: {name} is a session's day and time, {left} a countdown ('in 2 days 4 hours').
    return ctx.lang.gettext("The next session is on {name}, {left}.", name=name, left=left)


def host_wanted(prefix: str, volunteers: Sequence[str], lang: Translator | None = None) -> Text:
    """Who may start a session waiting for its host: its volunteers (names as text, never
    a ping), or anyone who offers."""
    lang = lang or english()
    host, start = Text().code(f"{prefix}host"), Text().code(f"{prefix}start")
    if not volunteers:
        return lang.msg("No host yet: anyone can host it with {host} then {start}.", host=host, start=start)
    return lang.msg(
        "Volunteered to host: {names}; they can start it with {start}, or anyone can host it with {host} then {start}.",
        names=listed(volunteers, lang.gettext("and")),
        host=host,
        start=start,
    )


async def in_every_thread(
    ctx: Context, key: str, text: Text, root: str | None, *, here: Text | None = None, anchor: Anchor | None = None
) -> list[Reply]:
    """`text` in session `key`'s thread in this room (`root`; `here` instead of `text`
    when given) and in every other served room that has the session's thread."""
    replies = [ctx.reply(text if here is None else here, anchor=anchor, thread_root=root)]
    for room in ctx.config.matrix.rooms:
        if room == ctx.message.room_id:
            continue
        other_root = await repository.thread_root(ctx.store, key, room)
        if other_root is not None:
            replies.append(Reply.of(text, anchor=anchor, room_id=room, thread_root=other_root))
    return replies
