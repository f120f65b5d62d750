"""Lean Coffee, live: `!discuss` starts a topic's timebox, `!timer` shows, lengthens or stops
it. The topic started is posted in the rooms' language (everyone reads it); the answer to
one person's `!timer` and every refusal in the asker's. What the bot posts on its own when
a timebox ends is commands/lean_coffee_posts.py's."""

from __future__ import annotations

import datetime as dt
import re

from bot.core.arguments import Rest, UsageError, convert
from bot.core.config import Config
from bot.core.dispatcher import Context
from bot.core.i18n import N_, Translator, filled
from bot.core.model import Reply, Role
from bot.core.numbers import leading_numbers
from bot.core.registry import CommandError, CommandGroup, Switch
from bot.core.text import Text, clean
from bot.core.typed_time import read_duration
from bot.features.lean_coffee import discussing
from bot.features.lean_coffee.discussing import AlreadyDiscussing, Closed, NoDiscussion, NothingToDiscuss, Now
from bot.features.lean_coffee.live import VOTE_ANCHOR
from bot.features.lean_coffee.messages import KEEP_GOING, MOVE_ON, VOTE_KEYS
from bot.features.sessions import repository
from bot.features.topics.model import Topic, TopicError
from commands.dates import asker_zone
from commands.discussed import running_hosted
from commands.hosting import host_of_another, time_name
from commands.lean_coffee_posts import unit_count
from commands.session_common import in_every_thread
from commands.topic_refusals import explain, topic_label
from commands.wording import duration_text, time_spent

group = CommandGroup("lean_coffee")

# Translators: ends "…, a host or an organiser can run its topics" (who may run a session's topics).
_RUN_ITS_TOPICS = N_("run its topics")


def _turned_off(p: str, lang: Translator) -> Text:
    return lang.msg(
        "Lean Coffee timeboxes are turned off for this conference. Mark topics discussed with {discussed}.",
        discussed=Text().code(f"{p}discussed N"),
    )


# `lean_coffee.enabled = false`: no !discuss, no !timer (the topics are marked with !discussed).
LEAN_COFFEE = Switch("lean_coffee.enabled", off=_turned_off)

# A bare !discuss this soon after a topic started does not move on from it.
JUST_STARTED = dt.timedelta(minutes=1)
# Longest a single !timer may add.
MAX_ADDED = dt.timedelta(minutes=60)


def minutes_text(minutes: int, lang: Translator) -> str:
    return unit_count(minutes, "minute", lang)


def _left(delta: dt.timedelta, lang: Translator) -> str:
    """'5 minutes', '40 seconds': time left, rounded up to the minute from a minute on."""
    seconds = max(0, int(delta.total_seconds() + 0.999))
    if seconds < 60:
        return unit_count(seconds, "second", lang)
    return minutes_text((seconds + 59) // 60, lang)


async def _not_yours_to_run(ctx: Context) -> Reply | None:
    return await host_of_another(
        ctx, what=_RUN_ITS_TOPICS, idle=N_("there is no topic to discuss until one is started")
    )


def _start_one(ctx: Context) -> str:
    p = ctx.prefix
    return ctx.lang.gettext("Start one with {start}, then {discuss} a topic.", start=f"{p}start", discuss=f"{p}discuss")


# --- !discuss ---------------------------------------------------------------------------


@group.command(
    "discuss",
    usage="[N]",
    role=Role.HOST,
    help=N_(
        "Start discussing topic N (default: the most-voted open topic) for a timebox; "
        "the topic discussed before is marked discussed"
    ),
    refused=_not_yours_to_run,
    switch=LEAN_COFFEE,
)
async def discuss(ctx: Context, typed: Rest | None = None) -> list[Reply]:
    lang, p = ctx.lang, ctx.prefix
    topic = _one_topic(typed, p, lang)
    session = await running_hosted(ctx, _start_one(ctx), what=_RUN_ITS_TOPICS)
    now = ctx.clock.now()
    if topic is None:
        await _not_just_started(ctx, now)
    try:
        started, closed = await discussing.discuss(ctx.store, ctx.config, now, session, ctx.sender, topic)
    except NothingToDiscuss:
        raise CommandError(
            lang.gettext(
                "There is no open topic to discuss. Suggest one with {suggest}, then {discuss}.",
                suggest=f"{p}suggest TEXT",
                discuss=f"{p}discuss",
            )
        ) from None
    except AlreadyDiscussing as e:
        being = lang.gettext("#{number} is already being discussed.", number=e.topic.id)
        raise CommandError(f"{being} {await _time_left_line(ctx)}".rstrip()) from None
    except TopicError as e:
        raise CommandError(explain(ctx, e)) from None
    ctx.services.schedule_changed()  # the vote to go on is planned for the timebox's end
    room, text = ctx.room_lang, Text()  # posted in every room's thread: the rooms' language
    if closed is not None:
        text.extend(closed_line(closed, room)).line()
    text.extend(started_text(ctx.config, started, room))
    root = await repository.thread_root(ctx.store, session, ctx.message.room_id)
    return await in_every_thread(ctx, session, text, root)


async def _not_just_started(ctx: Context, now: dt.datetime) -> None:
    """A bare `!discuss` within a minute of the topic's start is a second host's (or a
    repeated) `!discuss` for the same move, not a wish to skip it: refused, naming how to
    move on anyway."""
    current = await discussing.now_discussed(ctx.store)
    if current is None or now - current.discussion.started_at >= JUST_STARTED:
        return
    lang = ctx.lang
    ago = unit_count(max(1, int((now - current.discussion.started_at).total_seconds())), "second", lang)
    following = await discussing.next_topic(ctx.store, current.topic.id)
    command = f"{ctx.prefix}discuss {following.id if following else 'N'}"
    # Translators: {ago} is how long ago: '20 seconds'.
    text = lang.msg(
        "{topic} was started {ago} ago. To move on from it already, name the next topic: {command}.",
        topic=topic_label(current.topic),
        ago=ago,
        command=Text().code(command),
    )
    raise CommandError(text.plain)


def _one_topic(typed: str | None, p: str, lang: Translator) -> int | None:
    """The topic `!discuss` names (`3`, `#3`), None for the most-voted; several (`3, 4`)
    are refused whole: a topic is discussed one at a time."""
    if typed is None:
        return None
    leading = leading_numbers(typed)
    if len(leading.numbers) > 1:
        first, then = leading.numbers[:2]
        raise UsageError(
            lang.gettext(
                "one topic at a time — {first} now, {then} after it; nothing was started",
                first=f"{p}discuss {first}",
                then=f"{p}discuss {then}",
            )
        )
    if not leading.numbers:
        word = typed.split()[0]
        convert(int, word, "N")  # says what is wrong with it: below zero, too large...
        raise UsageError(lang.gettext("N: {word} is not a number", word=repr(clean(word, 40))))
    rest = leading.rest.rstrip(".!?…")  # `!discuss 3.`: a full stop is no extra word
    if rest:
        raise UsageError(lang.gettext("unexpected {word}", word=repr(clean(rest, 40))))
    return leading.numbers[0]


def closed_line(closed: Closed, lang: Translator) -> Text:
    time = time_spent(closed.minutes, lang)
    if closed.topic is None:
        return lang.msg("Closed the topic discussed before ({time}).", time=time)
    return Text("✓ ").extend(
        lang.msg("{topic} is marked discussed ({time}).", topic=topic_label(closed.topic), time=time)
    )


def started_text(config: Config, started: Now, lang: Translator) -> Text:
    d, p = started.discussion, config.matrix.command_prefix
    assert d.ends_at is not None
    box = minutes_text(round((d.ends_at - d.started_at).total_seconds() / 60), lang)
    # Translators: {length} is the timebox: '8 minutes'; {time} when it ends: '12:08 UTC'.
    text = Text("▶ ").extend(
        lang.msg(
            "Now discussing {topic}: {length}, until {time}.",
            topic=topic_label(started.topic),
            length=box,
            time=time_name(d.ends_at, None),
        )
    )
    if config.lean_coffee.extensions:
        # Translators: {up} and {down} are the 👍 and 👎 reactions.
        ask = lang.msg(
            "When the time is up I ask whether to go on: {up} keep going, {down} move on.", up=KEEP_GOING, down=MOVE_ON
        )
        text.line().extend(ask)
    else:
        text.line(lang.gettext("When the time is up I mark it discussed and name the next topic."))
    return text.add(" ").extend(lang.msg("{command} shows the time left.", command=Text().code(f"{p}timer")))


# --- !timer -----------------------------------------------------------------------------


@group.command(
    "timer",
    usage="[LEAD|off]",
    help=N_(
        "The time left for the topic being discussed; its hosts add time (5m, up to 60m at once) "
        "or stop the timebox (off)"
    ),
    switch=LEAN_COFFEE,
)
async def timer(ctx: Context, typed: Rest | None = None) -> Reply:
    p, lang = ctx.prefix, ctx.lang
    if typed is None:
        found = await discussing.now_discussed(ctx.store)
        if found is None:
            raise CommandError(
                lang.gettext("No topic is being discussed. A host starts one with {discuss}.", discuss=f"{p}discuss")
            )
        return ctx.reply(Text().extend(topic_label(found.topic)).add(": ").extend(await _time_left(ctx, found)))
    lead = _lead(typed, lang)
    await running_hosted(ctx, _start_one(ctx), what=N_("change its timer"))
    try:
        if lead is None:
            before = await discussing.now_discussed(ctx.store)
            if before is not None and before.discussion.ends_at is None:
                # Translators: {discuss} and {discussed} are commands: '!discuss', '!discussed 7'.
                none = lang.gettext("No timebox is running: {topic} stays the topic until {discuss} or {discussed}.")
                return ctx.reply(_stays(none, p, before.topic))
            found = await discussing.stop_timer(ctx.store)
        else:
            found = await discussing.add_time(ctx.store, ctx.clock.now(), lead)
    except NoDiscussion:
        raise CommandError(
            lang.gettext("No topic is being discussed. Start one with {discuss}.", discuss=f"{p}discuss")
        ) from None
    ctx.services.schedule_changed()
    if lead is None:
        stopped = lang.gettext("Timebox stopped: {topic} stays the topic until {discuss} or {discussed}.")
        return ctx.reply(_stays(stopped, p, found.topic))
    # Translators: {time} is the time added: '5 minutes'; {left} the time left: '9 minutes left, until 12:13 UTC.'
    text = lang.msg(
        "Added {time} to {topic}: {left}",
        time=duration_text(lead, lang),
        topic=topic_label(found.topic),
        left=await _time_left(ctx, found),
    )
    return ctx.reply(text)


def _lead(typed: str, lang: Translator) -> dt.timedelta | None:
    """The time `!timer` adds, as people type it (`5m`, `+5m`, `5 minutes`, `5`: a bare
    number is minutes), or None for `off`/`stop`; UsageError for what adds no time or more
    than MAX_ADDED."""
    shown = typed.strip()
    if shown.lower() in ("off", "stop"):
        return None
    if shown.startswith("-"):
        raise UsageError(lang.gettext("a timer only adds time (5m); off stops the timebox"))
    length = shown.removeprefix("+").strip()
    lead = dt.timedelta(minutes=int(length)) if re.fullmatch(r"\d{1,6}", length) else read_duration(length)
    if lead is None:
        raise UsageError(
            lang.gettext("{typed} is not a length of time (e.g. 5m, 2 min or 1h) or off", typed=repr(clean(shown, 40)))
        )
    if length.isdigit():
        shown = minutes_text(int(length), lang)
    if lead <= dt.timedelta(0):
        raise UsageError(lang.gettext("{typed} adds no time; give a length such as 5m, or off", typed=clean(shown, 40)))
    if lead > MAX_ADDED:
        raise UsageError(
            lang.gettext("{typed} is more than a timer adds at once (at most 60m)", typed=clean(shown, 40))
        )
    return lead


def _stays(sentence: str, p: str, topic: Topic) -> Text:
    """`sentence` (translated, with `{topic}`, `{discuss}` and `{discussed}`) filled: the
    topic stays current until a host moves on or marks it."""
    return filled(
        sentence,
        {
            "topic": topic_label(topic),
            "discuss": Text().code(f"{p}discuss"),
            "discussed": Text().code(f"{p}discussed {topic.id}"),
        },
    )


async def _time_left(ctx: Context, found: Now) -> Text:
    d, now, p, lang = found.discussion, ctx.clock.now(), ctx.prefix, ctx.lang
    spent = minutes_text(discussing.minutes_spent(d.started_at, now), lang)
    if d.vote_closes_at is not None:
        return lang.msg(
            "time is up ({spent}); the vote to go on closes in {left}.",
            spent=spent,
            left=_left(d.vote_closes_at - now, lang),
        )
    if d.ends_at is None:
        return lang.msg(
            "no timebox, discussed for {spent}. {command} starts one.",
            spent=spent,
            command=Text().code(f"{p}timer 5m"),
        )
    if d.ends_at <= now:
        return lang.msg("time is up ({spent}).", spent=spent)
    zone = await asker_zone(ctx)
    # Translators: {left} is the time left: '5 minutes'; {time} when the timebox ends: '12:08 UTC'.
    return lang.msg(
        "{left} left, until {time}.",
        left=_left(d.ends_at - now, lang),
        time=time_name(d.ends_at, zone, lang),
    )


async def _time_left_line(ctx: Context) -> str:
    found = await discussing.now_discussed(ctx.store)
    if found is None:
        return ""
    left = (await _time_left(ctx, found)).plain
    return left[:1].upper() + left[1:]


# --- the vote to go on ------------------------------------------------------------------


@group.reaction(VOTE_ANCHOR, *VOTE_KEYS)
async def voted(ctx: Context, ref: str, added: bool) -> None:
    """👍 or 👎 on a vote to go on: stored with the reactions, counted when the vote closes
    (each person's latest); nothing to answer."""
    return None
