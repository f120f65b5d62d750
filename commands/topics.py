"""Lean Coffee: suggest topics, vote for them (by command or 👍), and keep the history."""

from __future__ import annotations

import datetime as dt

from bot.core.config import Config
from bot.core.dispatcher import Context
from bot.core.model import Anchor, Reply, Role
from bot.core.registry import CommandError, CommandGroup, Rest, UsageError
from bot.core.text import Text, clean, plural
from bot.features.sessions import hosts, repository
from bot.features.topics import discussed as discussing
from bot.features.topics import repository as topics
from bot.features.topics import suggest as suggesting
from bot.features.topics import votes as voting
from bot.features.topics.model import (
    AlreadyVoted,
    BudgetSpent,
    DuplicateTopic,
    EmptyTopic,
    NotAllowed,
    NotDiscussedHere,
    NotOpen,
    NotVoted,
    RateLimited,
    Topic,
    TopicError,
    TopicStatus,
    TopicTooLong,
    UnknownTopic,
)
from commands.dates import key_name
from commands.hosting import host_of_another, not_your_session
from commands.wording import countdown

group = CommandGroup("topics")

# How many open topics !topics lists before "and N more".
LIST_LIMIT = 15
HISTORY_DEFAULT = 10
HISTORY_MAX = 50
# Topic text shown inline in lists; the full text is in the !suggest confirmation.
INLINE = 120


def topic_label(topic: Topic, limit: int = INLINE) -> Text:
    """`#7 "Decision making"`, escaped."""
    return Text().bold(f"#{topic.id}").add(_quoted(topic, limit))


def _quoted(topic: Topic, limit: int = INLINE) -> str:
    return f" “{clean(topic.text, limit)}”"


def _remaining(ctx: Context, remaining: int | None) -> str:
    if remaining is None:
        return ""
    budget = ctx.config.topics.votes_per_person
    return f" You have {remaining} of {budget} votes left."


def explain(ctx: Context, error: TopicError) -> str:
    """What a refusal means, in words, with what to do instead."""
    p = ctx.prefix
    if isinstance(error, UnknownTopic):
        return f"There is no topic #{error.topic_id}. See the open ones with {p}topics."
    if isinstance(error, NotOpen):
        return (
            f"{topic_label(error.topic).plain} {_closed(ctx.config, error.topic)}, so it can't be changed or voted for."
        )
    if isinstance(error, AlreadyVoted):
        return f"You have already voted for {topic_label(error.topic).plain} (one vote per person per topic)."
    if isinstance(error, NotVoted):
        return f"You haven't voted for {topic_label(error.topic).plain}, so there is no vote to remove."
    if isinstance(error, BudgetSpent):
        mine = ", ".join(f"#{n}" for n in error.voted_for)
        return (
            f"You have used all {error.budget} of your votes (on {mine}). "
            f"Take one back with {p}unvote N to vote for another topic."
        )
    if isinstance(error, NotAllowed):
        return f"Only whoever suggested {topic_label(error.topic).plain}, or an organiser, can withdraw it."
    return str(error)


def _closed(config: Config, topic: Topic) -> str:
    if topic.status == TopicStatus.WITHDRAWN:
        return "was withdrawn"
    if topic.imported:
        return "was already discussed (before the bot kept records)"
    return f"was already discussed (session {key_name(config, topic.session or '')})"


# --- suggesting -----------------------------------------------------------------------


@group.command("suggest", usage="TEXT", help="Suggest a topic; others vote for it")
async def suggest(ctx: Context, text: Rest) -> Reply:
    p, conf = ctx.prefix, ctx.config.topics
    try:
        topic = await suggesting.suggest(
            ctx.store,
            ctx.clock.now(),
            ctx.sender,
            ctx.message.sender_name,
            text,
            max_length=conf.max_length,
            per_hour=conf.suggestions_per_hour,
        )
    except EmptyTopic:
        raise UsageError("the topic needs some words") from None
    except TopicTooLong as e:
        raise CommandError(
            f"That topic is {e.length} characters long; the limit is {e.limit}. Please shorten it."
        ) from None
    except RateLimited as e:
        wait = max(e.again_at - ctx.clock.now(), dt.timedelta(minutes=1))
        raise CommandError(
            f"You have suggested {plural(e.limit, 'topic')} in the last hour, the most allowed. "
            f"You can suggest again at {e.again_at:%H:%M} UTC ({countdown(wait)})."
        ) from None
    except DuplicateTopic as e:
        return _duplicate(ctx, e)
    reply = Text("Added ").extend(topic_label(topic, conf.max_length)).add(". Vote for it with ")
    reply.code(f"{p}vote {topic.id}").add(" or react 👍 to this message.")
    return ctx.reply(reply, anchor=Anchor("topic", str(topic.id)))


def _duplicate(ctx: Context, held: DuplicateTopic) -> Reply:
    topic, text = held.topic, topic_label(held.topic)
    if topic.is_open:
        text.add(" looks the same — vote for it with ").code(f"{ctx.prefix}vote {topic.id}").add(" (or react 👍).")
        different = "If yours is a different topic"
    else:
        text.add(f" looks the same, and {_closed(ctx.config, topic)}.")
        different = "If there is something new to yours"
    if held.can_insist:
        minutes = int(suggesting.INSIST_WINDOW.total_seconds() // 60)
        text.add(f" {different}, send the same ").code(f"{ctx.prefix}suggest")
        text.add(f" again within {minutes} minutes to add it anyway.")
    elif not topic.is_open:
        text.add(" If there is something new to it, say what in your suggestion.")
    # A message presenting a single open topic: a 👍 on it votes for that topic.
    return ctx.reply(text, anchor=Anchor("topic", str(topic.id)) if topic.is_open else None)


# --- voting -----------------------------------------------------------------------------


@group.command("vote", usage="N", help="Vote for topic N")
async def vote(ctx: Context, topic: int) -> Reply:
    try:
        result = await voting.vote(ctx.store, ctx.clock.now(), topic, ctx.sender, ctx.config.topics.votes_per_person)
    except TopicError as e:
        raise CommandError(explain(ctx, e)) from None
    text = Text("Voted for ").extend(topic_label(result.topic)).add(f" — {plural(result.topic.votes, 'vote')} now.")
    return ctx.reply(text.add(_remaining(ctx, result.remaining)))


@group.command("unvote", usage="N", help="Take back your vote for topic N")
async def unvote(ctx: Context, topic: int) -> Reply:
    try:
        result = await voting.unvote(ctx.store, topic, ctx.sender, ctx.config.topics.votes_per_person)
    except TopicError as e:
        raise CommandError(explain(ctx, e)) from None
    text = Text("Took back your vote for ").extend(topic_label(result.topic))
    text.add(f" — {plural(result.topic.votes, 'vote')} now.")
    return ctx.reply(text.add(_remaining(ctx, result.remaining)))


@group.reaction("topic", "👍")
async def thumbs_up(ctx: Context, ref: str, added: bool) -> Reply | None:
    """👍 on a message presenting a topic votes for it; redacting the 👍 takes it back.
    Success stays quiet (a room full of "voted" notices helps no one); a refused vote is
    explained, since the reaction alone would look as if it had counted."""
    topic_id, budget = int(ref), ctx.config.topics.votes_per_person
    try:
        if added:
            await voting.vote(ctx.store, ctx.clock.now(), topic_id, ctx.sender, budget)
        else:
            await voting.unvote(ctx.store, topic_id, ctx.sender, budget)
    except (AlreadyVoted, NotVoted):
        return None
    except TopicError as e:
        if not added:
            return None
        raise CommandError(explain(ctx, e)) from None
    return None


# --- the list -------------------------------------------------------------------------------


@group.command("topics", help="Open topics, most votes first", in_direct=True)
async def list_topics(ctx: Context) -> Reply:
    p = ctx.prefix
    agenda = await topics.agenda_for(ctx.store, ctx.sender, LIST_LIMIT)
    if not agenda.shown:
        text = Text("No open topics yet. Suggest one with ").code(f"{p}suggest TEXT").add(".")
        return ctx.reply(text)
    text = Text().bold("Open topics").add(" (most votes first):")
    for topic in agenda.shown:
        # The topic's label, then the rest of its line in one piece (escaped as one).
        # No suggester: the one who suggested it asked to be forgotten (!forgetme).
        by = topic.suggested_name or "a former participant"
        mine = " ✓ your vote" if topic.id in agenda.voted else ""
        text.line().bold(f"#{topic.id}").add(f"{_quoted(topic)} — {plural(topic.votes, 'vote')} — by {by}{mine}")
    if agenda.total > len(agenda.shown):
        text.line(f"… and {plural(agenda.total - len(agenda.shown), 'more open topic', 'more open topics')}.")
    text.line("Vote with ").code(f"{p}vote N").add(", suggest with ").code(f"{p}suggest TEXT").add(".")
    budget = ctx.config.topics.votes_per_person
    if budget:
        spent = len(await topics.open_votes_of(ctx.store, ctx.sender))
        text.add(f" You have {max(budget - spent, 0)} of {budget} votes left.")
    return ctx.reply(text)


@group.command("withdraw", usage="N", help="Withdraw topic N (whoever suggested it, or an organiser)")
async def withdraw(ctx: Context, topic: int) -> Reply:
    try:
        withdrawn = await suggesting.withdraw(
            ctx.store, ctx.clock.now(), topic, ctx.sender, organiser=ctx.role >= Role.ORGANISER
        )
    except TopicError as e:
        raise CommandError(explain(ctx, e)) from None
    return ctx.reply(Text("Withdrew ").extend(topic_label(withdrawn)).add("."))


# --- history ----------------------------------------------------------------------------------


async def _running(ctx: Context, otherwise: str) -> str:
    """The running session, which the asker must host (sessions.hosts.hosts): having
    volunteered for another session whose start window is open makes a host, but not of
    this one."""
    session = await repository.running_session(ctx.store)
    if session is None:
        raise CommandError(f"No session is running. {otherwise}")
    organiser = ctx.services.is_organiser(ctx.sender, ctx.message.room_id)
    if not await hosts.hosts(ctx.store, ctx.config, ctx.sender, session, organiser=organiser):
        raise CommandError(await not_your_session(ctx, session, "mark its topics"))
    return session


async def _not_yours_to_mark(ctx: Context) -> Reply | None:
    return await host_of_another(ctx, what="mark its topics", idle="there are no topics to mark until one is started")


@group.command(
    "discussed",
    usage="N [note]",
    role=Role.HOST,
    help="Mark topic N discussed in the running session",
    refused=_not_yours_to_mark,
)
async def discussed(ctx: Context, topic: int, note: Rest | None = None) -> Reply:
    session = await _running(ctx, f"Start one with {ctx.prefix}start, then mark topics discussed.")
    shown = key_name(ctx.config, session)
    # No note keeps the one it has (repeating the command to be sure loses nothing); "-"
    # removes it.
    note_text = clean(note, ctx.config.topics.max_length) if note and note.strip() != "-" else None
    try:
        marked = await discussing.mark_discussed(
            ctx.store, ctx.clock.now(), topic, session, note_text, replace_note=note is not None
        )
    except TopicError as e:
        raise CommandError(explain(ctx, e)) from None
    done, label = marked.topic, topic_label(marked.topic)
    if not marked.again:
        text = Text("Marked ").extend(label).add(" discussed in session ").bold(shown).add(".")
    elif done.note and note is not None:
        text = Text("Replaced the note on " if marked.old_note else "Added a note to ").extend(label)
        text.add(" (session ").bold(shown).add(").")
    elif marked.old_note and note is not None:
        text = Text("Removed the note on ").extend(label).add(" (session ").bold(shown).add(").")
    else:
        text = label.add(" is already marked discussed in session ").bold(shown).add(".")
        if done.note:
            text.add(f" Note: {done.note}").line("Replace the note with ").code(f"{ctx.prefix}discussed {done.id} note")
            text.add(", remove it with ").code(f"{ctx.prefix}discussed {done.id} -")
        else:
            text.add(" Add a note with ").code(f"{ctx.prefix}discussed {done.id} note")
        return ctx.reply(text.add(", or undo it with ").code(f"{ctx.prefix}undiscussed {done.id}").add("."))
    if done.note:
        text.add(f" Note: {done.note}")
    # The person who suggested it hears of it (once, when first marked), unless they are
    # gone (erased with !forgetme: the topic is no longer theirs; or left every served room)
    # or marked it themselves.
    suggester = done.suggested_by
    if marked.again or suggester is None or suggester == ctx.sender or ctx.services.is_member(suggester) is False:
        return ctx.reply(text)
    name = clean(done.suggested_name, 64) if done.suggested_name else suggester
    text.line("💬 ").mention(suggester, name).add(": your topic was discussed.")
    return ctx.reply(text, mentions=(suggester,))


@group.command(
    "undiscussed",
    usage="N",
    role=Role.HOST,
    help="Return topic N, marked discussed in the running session, to the list",
    refused=_not_yours_to_mark,
)
async def undiscussed(ctx: Context, topic: int) -> Reply:
    session = await _running(ctx, "Only a topic marked discussed in the running session can be returned to the list.")
    try:
        reopened = await discussing.unmark_discussed(ctx.store, topic, session)
    except NotDiscussedHere as e:
        raise CommandError(_not_discussed_here(ctx, e)) from None
    except TopicError as e:
        raise CommandError(explain(ctx, e)) from None
    text = Text("Returned ").extend(topic_label(reopened)).add(" to the open topics")
    return ctx.reply(text.add(f", with its {plural(reopened.votes, 'vote')}."))


def _not_discussed_here(ctx: Context, error: NotDiscussedHere) -> str:
    topic, label = error.topic, topic_label(error.topic).plain
    if topic.status == TopicStatus.OPEN:
        return f"{label} is not marked discussed, so there is nothing to undo. It is on the list: {ctx.prefix}topics."
    if topic.status == TopicStatus.DISCUSSED and not topic.imported:
        return (
            f"{label} is not marked discussed in the running session ({key_name(ctx.config, error.session)}): "
            f"it was discussed in session {key_name(ctx.config, topic.session or '')}, and stays so."
        )
    return f"{label} {_closed(ctx.config, topic)}, so it can't be changed."


@group.command("history", usage="[N]", help="The last N topics discussed, with their session", in_direct=True)
async def history(ctx: Context, count: int = HISTORY_DEFAULT) -> Reply:
    if not 1 <= count <= HISTORY_MAX:
        raise UsageError(f"N must be between 1 and {HISTORY_MAX}")
    past = await topics.history(ctx.store, count)
    if not past:
        return ctx.reply(Text("No topics have been discussed yet."))
    text = Text().bold("Discussed topics").add(" (newest first):")
    for topic in past:
        text.line().extend(topic_label(topic)).add(" — ")
        if topic.imported:
            text.add("discussed earlier (imported)")
        else:
            text.add("session ").bold(key_name(ctx.config, topic.session) if topic.session else "?")
            if topic.note:
                text.add(f" — note: {clean(topic.note, INLINE)}")
    return ctx.reply(text)
