"""Lean Coffee, live: `!discuss` starts a topic's timebox, `!timer` shows, lengthens or stops
it, and the words of what the bot posts on its own when a timebox ends (the vote to go on,
an extension, the move to the next topic)."""

from __future__ import annotations

import datetime as dt
import re

from bot.core.arguments import Rest, UsageError, convert
from bot.core.config import Config
from bot.core.dispatcher import Context
from bot.core.model import Reply, Role
from bot.core.numbers import leading_numbers
from bot.core.registry import CommandError, CommandGroup, Switch
from bot.core.text import Text, clean, plural
from bot.core.typed_time import read_duration
from bot.core.weekly import format_duration
from bot.features.lean_coffee import discussing
from bot.features.lean_coffee.discussing import AlreadyDiscussing, Closed, NoDiscussion, NothingToDiscuss, Now
from bot.features.lean_coffee.live import VOTE_ANCHOR
from bot.features.lean_coffee.messages import KEEP_GOING, MOVE_ON, VOTE_KEYS, Extended, MovedOn, VoteToGoOn, Wording
from bot.features.lean_coffee.repository import Count
from bot.features.sessions import repository
from bot.features.topics.model import Topic, TopicError
from commands.dates import asker_zone
from commands.discussed import running_hosted
from commands.hosting import host_of_another, time_name
from commands.session_common import in_every_thread
from commands.topic_refusals import explain, topic_label
from commands.wording import time_spent, votes_text

group = CommandGroup("lean_coffee")


def _turned_off(p: str) -> Text:
    text = Text("Lean Coffee timeboxes are turned off for this conference. Mark topics discussed with ")
    return text.code(f"{p}discussed N").add(".")


# `lean_coffee.enabled = false`: no !discuss, no !timer (the topics are marked with !discussed).
LEAN_COFFEE = Switch("lean_coffee.enabled", off=_turned_off)

# A bare !discuss this soon after a topic started does not move on from it.
JUST_STARTED = dt.timedelta(minutes=1)
# Longest a single !timer may add.
MAX_ADDED = dt.timedelta(minutes=60)


def minutes_text(minutes: int) -> str:
    return plural(minutes, "minute")


def _left(delta: dt.timedelta) -> str:
    """'5 minutes', '40 seconds': time left, rounded up to the minute from a minute on."""
    seconds = max(0, int(delta.total_seconds() + 0.999))
    if seconds < 60:
        return plural(seconds, "second")
    return minutes_text((seconds + 59) // 60)


async def _not_yours_to_run(ctx: Context) -> Reply | None:
    return await host_of_another(ctx, what="run its topics", idle="there is no topic to discuss until one is started")


# --- !discuss ---------------------------------------------------------------------------


@group.command(
    "discuss",
    usage="[N]",
    role=Role.HOST,
    help=(
        "Start discussing topic N (default: the most-voted open topic) for a timebox; "
        "the topic discussed before is marked discussed"
    ),
    refused=_not_yours_to_run,
    switch=LEAN_COFFEE,
)
async def discuss(ctx: Context, typed: Rest | None = None) -> list[Reply]:
    topic = _one_topic(typed, ctx.prefix)
    session = await running_hosted(
        ctx, f"Start one with {ctx.prefix}start, then {ctx.prefix}discuss a topic.", what="run its topics"
    )
    now = ctx.clock.now()
    if topic is None:
        await _not_just_started(ctx, now)
    try:
        started, closed = await discussing.discuss(ctx.store, ctx.config, now, session, ctx.sender, topic)
    except NothingToDiscuss:
        raise CommandError(
            f"There is no open topic to discuss. Suggest one with {ctx.prefix}suggest TEXT, then {ctx.prefix}discuss."
        ) from None
    except AlreadyDiscussing as e:
        raise CommandError(f"#{e.topic.id} is already being discussed. {await _time_left_line(ctx)}") from None
    except TopicError as e:
        raise CommandError(explain(ctx, e)) from None
    ctx.services.schedule_changed()  # the vote to go on is planned for the timebox's end
    text = Text()
    if closed is not None:
        text.extend(closed_line(closed)).line()
    text.extend(started_text(ctx, started))
    root = await repository.thread_root(ctx.store, session, ctx.message.room_id)
    return await in_every_thread(ctx, session, text, root)


async def _not_just_started(ctx: Context, now: dt.datetime) -> None:
    """A bare `!discuss` within a minute of the topic's start is a second host's (or a
    repeated) `!discuss` for the same move, not a wish to skip it: refused, naming how to
    move on anyway."""
    current = await discussing.now_discussed(ctx.store)
    if current is None or now - current.discussion.started_at >= JUST_STARTED:
        return
    ago = plural(max(1, int((now - current.discussion.started_at).total_seconds())), "second")
    following = await discussing.next_topic(ctx.store, current.topic.id)
    text = Text().extend(topic_label(current.topic)).add(f" was started {ago} ago. To move on from it already, ")
    text.add("name the next topic: ").code(f"{ctx.prefix}discuss {following.id if following else 'N'}").add(".")
    raise CommandError(text.plain)


def _one_topic(typed: str | None, p: str) -> int | None:
    """The topic `!discuss` names (`3`, `#3`), None for the most-voted; several (`3, 4`)
    are refused whole: a topic is discussed one at a time."""
    if typed is None:
        return None
    leading = leading_numbers(typed)
    if len(leading.numbers) > 1:
        first, then = leading.numbers[:2]
        raise UsageError(
            f"one topic at a time — {p}discuss {first} now, {p}discuss {then} after it; nothing was started"
        )
    if not leading.numbers:
        word = typed.split()[0]
        convert(int, word, "N")  # says what is wrong with it: below zero, too large...
        raise UsageError(f"N: {clean(word, 40)!r} is not a number")
    rest = leading.rest.rstrip(".!?…")  # `!discuss 3.`: a full stop is no extra word
    if rest:
        raise UsageError(f"unexpected {clean(rest, 40)!r}")
    return leading.numbers[0]


def closed_line(closed: Closed) -> Text:
    if closed.topic is None:
        return Text(f"Closed the topic discussed before ({time_spent(closed.minutes)}).")
    return Text("✓ ").extend(topic_label(closed.topic)).add(f" is marked discussed ({time_spent(closed.minutes)}).")


def started_text(ctx: Context, started: Now) -> Text:
    d, p = started.discussion, ctx.prefix
    assert d.ends_at is not None
    box = minutes_text(round((d.ends_at - d.started_at).total_seconds() / 60))
    text = (
        Text("▶ Now discussing ")
        .extend(topic_label(started.topic))
        .add(f": {box}, until {time_name(d.ends_at, None)}.")
    )
    if ctx.config.lean_coffee.extensions:
        text.line(f"When the time is up I ask whether to go on: {KEEP_GOING} keep going, {MOVE_ON} move on. ")
    else:
        text.line("When the time is up I mark it discussed and name the next topic. ")
    return text.code(f"{p}timer").add(" shows the time left.")


# --- !timer -----------------------------------------------------------------------------


@group.command(
    "timer",
    usage="[LEAD|off]",
    help=(
        "The time left for the topic being discussed; its hosts add time (5m, up to 60m at once) "
        "or stop the timebox (off)"
    ),
    switch=LEAN_COFFEE,
)
async def timer(ctx: Context, typed: Rest | None = None) -> Reply:
    p = ctx.prefix
    if typed is None:
        found = await discussing.now_discussed(ctx.store)
        if found is None:
            raise CommandError(f"No topic is being discussed. A host starts one with {p}discuss.")
        return ctx.reply(Text().extend(topic_label(found.topic)).add(": ").extend(await _time_left(ctx, found)))
    lead = _lead(typed)
    await running_hosted(ctx, f"Start one with {p}start, then {p}discuss a topic.", what="change its timer")
    try:
        if lead is None:
            before = await discussing.now_discussed(ctx.store)
            if before is not None and before.discussion.ends_at is None:
                text = Text("No timebox is running: ").extend(topic_label(before.topic))
                return ctx.reply(_stays(text, p, before.topic.id))
            found = await discussing.stop_timer(ctx.store)
        else:
            found = await discussing.add_time(ctx.store, ctx.clock.now(), lead)
    except NoDiscussion:
        raise CommandError(f"No topic is being discussed. Start one with {p}discuss.") from None
    ctx.services.schedule_changed()
    label = topic_label(found.topic)
    if lead is None:
        return ctx.reply(_stays(Text("Timebox stopped: ").extend(label), p, found.topic.id))
    text = Text(f"Added {format_duration(lead)} to ").extend(label).add(": ").extend(await _time_left(ctx, found))
    return ctx.reply(text)


def _lead(typed: str) -> dt.timedelta | None:
    """The time `!timer` adds, as people type it (`5m`, `+5m`, `5 minutes`, `5`: a bare
    number is minutes), or None for `off`/`stop`; UsageError for what adds no time or more
    than MAX_ADDED."""
    shown = typed.strip()
    if shown.lower() in ("off", "stop"):
        return None
    if shown.startswith("-"):
        raise UsageError("a timer only adds time (5m); off stops the timebox")
    length = shown.removeprefix("+").strip()
    lead = dt.timedelta(minutes=int(length)) if re.fullmatch(r"\d{1,6}", length) else read_duration(length)
    if lead is None:
        raise UsageError(f"{clean(shown, 40)!r} is not a length of time (e.g. 5m, 2 min or 1h) or off")
    if length.isdigit():
        shown = minutes_text(int(length))
    if lead <= dt.timedelta(0):
        raise UsageError(f"{clean(shown, 40)} adds no time; give a length such as 5m, or off")
    if lead > MAX_ADDED:
        raise UsageError(f"{clean(shown, 40)} is more than a timer adds at once (at most 60m)")
    return lead


def _stays(text: Text, p: str, topic: int) -> Text:
    """`text` and that the topic stays current until a host moves on or marks it."""
    return text.add(" stays the topic until ").code(f"{p}discuss").add(" or ").code(f"{p}discussed {topic}").add(".")


async def _time_left(ctx: Context, found: Now) -> Text:
    d, now, p = found.discussion, ctx.clock.now(), ctx.prefix
    spent = minutes_text(discussing.minutes_spent(d.started_at, now))
    if d.vote_closes_at is not None:
        return Text(f"time is up ({spent}); the vote to go on closes in {_left(d.vote_closes_at - now)}.")
    if d.ends_at is None:
        text = Text(f"no timebox, discussed for {spent}. ").code(f"{p}timer 5m").add(" starts one.")
        return text
    if d.ends_at <= now:
        return Text(f"time is up ({spent}).")
    zone = await asker_zone(ctx)
    return Text(f"{_left(d.ends_at - now)} left, until {time_name(d.ends_at, zone)}.")


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


def _count_text(count: Count) -> str:
    return f"{KEEP_GOING} {count.up}, {MOVE_ON} {count.down}"


def vote_text(config: Config, vote: VoteToGoOn) -> Text:
    text = Text("⏱ Time is up for ").extend(topic_label(vote.topic)).add(f" ({time_spent(vote.minutes)}).")
    text.line(f"Keep going for {format_duration(vote.extension)} more? React {KEEP_GOING} to keep going or ")
    closes = time_name(vote.closes_at, None)
    text.add(f"{MOVE_ON} to move on; the vote closes in {plural(vote.seconds, 'second')} ({closes}).")
    return text


def extended_text(config: Config, extended: Extended) -> Text:
    text = Text(f"{KEEP_GOING} The room goes on ({_count_text(extended.count)}): ").extend(topic_label(extended.topic))
    text.add(f" has {format_duration(extended.extension)} more, until {time_name(extended.until, None)}.")
    if extended.left == 0:
        text.add(" That is its last extension.")
    return text


def moved_on_text(config: Config, moved: MovedOn) -> Text:
    p = config.matrix.command_prefix
    if moved.count is None:
        text = Text("⏱ Time is up for ").extend(topic_label(moved.topic)).add(" with no extension left")
    else:
        text = Text(f"{MOVE_ON} Moving on ({_count_text(moved.count)}): ").extend(topic_label(moved.topic))
    text.add(f" is marked discussed ({time_spent(moved.minutes)}).")
    if moved.next_topic is None:
        return text.line("No open topic is left: suggest one with ").code(f"{p}suggest TEXT").add(".")
    text.line("Next up: ").extend(_with_votes(moved.next_topic)).add(". Start it with ").code(f"{p}discuss")
    return text.add(".")


def _with_votes(topic: Topic) -> Text:
    return topic_label(topic).add(f" ({votes_text(topic.votes)})")


WORDING = Wording(vote=vote_text, extended=extended_text, moved_on=moved_on_text)
