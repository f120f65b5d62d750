"""Lean Coffee: suggest topics, vote for them (by command or 👍), and keep the history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from itertools import groupby
from typing import TypeVar

from bot.core.arguments import Numbers, Rest, UsageError
from bot.core.dispatcher import Context
from bot.core.model import Anchor, Reply, Role
from bot.core.numbers import leading_numbers
from bot.core.registry import CommandError, CommandGroup
from bot.core.text import Text, clean, plural
from bot.features.topics import repository as topics
from bot.features.topics import suggest as suggesting
from bot.features.topics import votes as voting
from bot.features.topics.model import (
    AlreadyVoted,
    BudgetSpent,
    DuplicateTopic,
    EmptyTopic,
    NotAllowed,
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
from commands.wording import (
    countdown,
    discussed_line,
    listed,
    listed_text,
    suggested_by,
    topic_line,
    votes_text,
)

T = TypeVar("T")

group = CommandGroup("topics")

# How many open topics !topics lists before "and N more".
LIST_LIMIT = 15
HISTORY_DEFAULT = 10
# How many open topics a vote for a topic of the past names.
OPEN_NAMED = 5
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
        return f"{topic_label(error.topic).plain} {closed(ctx, error.topic)}, so it can't be changed or voted for."
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


def closed(ctx: Context, topic: Topic) -> str:
    """Why `topic` is no longer open: 'was withdrawn', 'was already discussed (…)'."""
    if topic.status == TopicStatus.WITHDRAWN:
        return "was withdrawn"
    if topic.imported:
        return "was already discussed (before the bot kept records)"
    return f"was already discussed (in the session of {key_name(ctx.config, topic.session or '', ctx.clock.now())})"


# --- several topics in one command ------------------------------------------------------


Refused = list[tuple[int, TopicError]]


async def each(numbers: Sequence[int], act: Callable[[int], Awaitable[T]]) -> tuple[list[T], Refused]:
    """`act` on each topic number in turn: what was done, and each refusal with its number."""
    done: list[T] = []
    refused: Refused = []
    for number in numbers:
        try:
            done.append(await act(number))
        except TopicError as e:
            refused.append((number, e))
    return done, refused


def why_not(ctx: Context, error: TopicError) -> str:
    """Why one topic of a list was not done, short enough for one line with others."""
    if isinstance(error, UnknownTopic):
        return f"there is no such topic (see {ctx.prefix}topics)"
    if isinstance(error, NotOpen):
        return closed(ctx, error.topic).removeprefix("was ")
    if isinstance(error, AlreadyVoted):
        return "you have already voted (one vote per person per topic)"
    if isinstance(error, NotVoted):
        return "you have no vote there to take back"
    if isinstance(error, BudgetSpent):
        mine = ", ".join(f"#{n}" for n in error.voted_for)
        return (
            f"you have used all {error.budget} of your votes (on {mine}); take one back with {ctx.prefix}unvote N first"
        )
    if isinstance(error, NotAllowed):
        return "suggested by someone else (only they or an organiser can withdraw it)"
    return str(error)


def refusals(text: Text, not_done: str, refused: Refused, reason: Callable[[TopicError], str]) -> Text:
    """A line for each reason some topics of a list were not done, in the order typed:
    `Not voted for #3 “apples” or #9: why.`"""
    by_reason: dict[str, list[Text]] = {}
    for number, error in refused:
        topic = getattr(error, "topic", None)  # what a refusal about one topic carries
        label = topic_label(topic) if isinstance(topic, Topic) else Text().bold(f"#{number}")
        by_reason.setdefault(reason(error), []).append(label)
    for why, labels in by_reason.items():
        text.line(f"{not_done} ").extend(listed_text(labels, "or")).add(f": {why}.")
    return text


# --- suggesting -----------------------------------------------------------------------


@group.command("suggest", usage="TEXT", help="Suggest a topic; others vote for it")
async def suggest(ctx: Context, text: Rest) -> Reply:
    p, conf = ctx.prefix, ctx.config.topics
    only = leading_numbers(text)
    if only.numbers and not only.rest.strip(".!?… "):
        return await _meant_vote(ctx, only.numbers)
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


async def _meant_vote(ctx: Context, numbers: Sequence[int]) -> Reply:
    """`!suggest 26` is a topic called "26" no one wants: ask whether a vote was meant."""
    p = ctx.prefix
    found = {n: await topics.get_topic(ctx.store, n) for n in numbers}
    text = Text("Did you mean ").code(f"{p}vote {' '.join(map(str, numbers))}")
    votable = [topic_label(t) for t in found.values() if t is not None and t.is_open]
    if votable:
        text.add(", for ").extend(listed_text(votable, "and"))
    text.add("?")
    for topic in found.values():
        if topic is not None and not topic.is_open:
            text.add(" ").extend(topic_label(topic)).add(f" {closed(ctx, topic)}, so it takes no votes.")
    if unknown := [Text().bold(f"#{n}") for n, t in found.items() if t is None]:
        text.add(" There is no topic ").extend(listed_text(unknown, "or")).add(" (see ").code(f"{p}topics").add(").")
    return ctx.reply(text.add(" A topic is suggested in words: ").code(f"{p}suggest TEXT").add(". Nothing was added."))


def _duplicate(ctx: Context, held: DuplicateTopic) -> Reply:
    topic, text = held.topic, topic_label(held.topic)
    if topic.is_open:
        text.add(" looks the same: vote for it with ").code(f"{ctx.prefix}vote {topic.id}").add(" (or react 👍).")
        different = "If yours is a different topic"
    else:
        text.add(f" looks the same, and {closed(ctx, topic)}.")
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


@group.command("vote", usage="N [N…]", help="Vote for topic N, or for several at once")
async def vote(ctx: Context, topics: Numbers) -> Reply:
    budget = ctx.config.topics.votes_per_person
    done, refused = await each(topics, lambda n: voting.vote(ctx.store, ctx.clock.now(), n, ctx.sender, budget))
    past = [e for _, e in refused if isinstance(e, NotOpen)]
    if len(topics) == 1:  # one topic, in a sentence of its own
        if past:
            label = topic_label(past[0].topic).plain
            raise CommandError(f"{label} {closed(ctx, past[0].topic)}, so it takes no votes. {await _open_now(ctx)}")
        return _one_vote(ctx, "Voted for ", done, refused)
    text = _votes_changed(ctx, "Voted for ", done, "Not voted for", refused)
    # Nothing counted, and some were topics of the past: what there is to vote on instead.
    return ctx.reply(text.line(await _open_now(ctx)) if past and not done else text)


async def _open_now(ctx: Context) -> str:
    """What there is to vote on, for someone who named a topic of the past (the seed
    file's history is numbered first: a newcomer's `!vote 1` is one)."""
    p = ctx.prefix
    agenda = await topics.agenda_for(ctx.store, ctx.sender, OPEN_NAMED)
    if not agenda.shown:
        return f"No topic is open yet: suggest one with {p}suggest TEXT."
    named = [f"#{t.id}" for t in agenda.shown]
    if agenda.total > len(named):
        named.append(f"{agenda.total - len(named)} more")
    return f"Open topics: {listed(named, 'and')} (see them with {p}topics)."


@group.command("unvote", usage="N [N…]", help="Take back your vote for topic N, or several")
async def unvote(ctx: Context, topics: Numbers) -> Reply:
    budget = ctx.config.topics.votes_per_person
    done, refused = await each(topics, lambda n: voting.unvote(ctx.store, n, ctx.sender, budget))
    if len(topics) == 1:
        return _one_vote(ctx, "Took back your vote for ", done, refused)
    lead = "Took back your votes for " if len(done) > 1 else "Took back your vote for "
    return ctx.reply(_votes_changed(ctx, lead, done, "Not taken back for", refused))


def _one_vote(ctx: Context, lead: str, done: list[voting.VoteResult], refused: Refused) -> Reply:
    """`Voted for #3 “apples” (2 votes now).`, and the votes left under dot voting; the
    refusal, why, as the error it is."""
    if refused:
        raise CommandError(explain(ctx, refused[0][1]))
    text = Text(lead).extend(topic_label(done[0].topic)).add(f" ({votes_text(done[0].topic.votes)} now).")
    return ctx.reply(text.add(_remaining(ctx, done[0].remaining)))


def _votes_changed(ctx: Context, lead: str, done: list[voting.VoteResult], not_done: str, refused: Refused) -> Text:
    """`Voted for #3 “apples” (1 vote now) and #4 …`, a line for each reason some were
    not, and the votes left (after the last change) under dot voting."""
    text = Text()
    if done:
        counted = [topic_label(r.topic).add(f" ({votes_text(r.topic.votes)} now)") for r in done]
        text.add(lead).extend(listed_text(counted, "and")).add(".")
    refusals(text, not_done, refused, lambda e: why_not(ctx, e))
    if done and done[-1].remaining is not None:
        text.line(_remaining(ctx, done[-1].remaining).strip())
    return text


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
    text = Text().bold("Open topics").add(" (most votes first)")
    mine = agenda.voted
    text.bullets([topic_line(t, votes_text(t.votes), suggested_by(t), _yours(t.id in mine)) for t in agenda.shown])
    if agenda.total > len(agenda.shown):
        text.line(f"… and {plural(agenda.total - len(agenda.shown), 'more open topic', 'more open topics')}.")
    text.line("Vote with ").code(f"{p}vote N").add(", suggest with ").code(f"{p}suggest TEXT").add(".")
    budget = ctx.config.topics.votes_per_person
    if budget:
        spent = len(await topics.open_votes_of(ctx.store, ctx.sender))
        text.add(f" You have {max(budget - spent, 0)} of {budget} votes left.")
    return ctx.reply(text)


def _yours(voted: bool) -> str:
    return "✓ your vote" if voted else ""


@group.command("withdraw", usage="N [N…]", help="Withdraw topic N, or several (whoever suggested it, or an organiser)")
async def withdraw(ctx: Context, topics: Numbers) -> Reply:
    organiser = ctx.role >= Role.ORGANISER
    done, refused = await each(
        topics, lambda n: suggesting.withdraw(ctx.store, ctx.clock.now(), n, ctx.sender, organiser=organiser)
    )
    if len(topics) == 1 and refused:
        raise CommandError(explain(ctx, refused[0][1]))
    text = Text()
    if done:
        text.add("Withdrew ").extend(listed_text([topic_label(t) for t in done], "and")).add(".")
    return ctx.reply(refusals(text, "Not withdrawn", refused, lambda e: why_not(ctx, e)))


# --- history ----------------------------------------------------------------------------------


# `!notes`, `!minutes`: what people call the record of past sessions.
@group.command(
    "history",
    usage="[N]",
    help="The last N topics discussed, with their session",
    aliases=("notes", "minutes"),
    in_direct=True,
)
async def history(ctx: Context, count: int = HISTORY_DEFAULT) -> Reply:
    if not 1 <= count <= HISTORY_MAX:
        raise UsageError(f"N must be between 1 and {HISTORY_MAX}")
    past = await topics.history(ctx.store, count)
    if not past:
        return ctx.reply(Text("No topics have been discussed yet."))
    text = Text().bold("Discussed topics").add(" (newest first)")
    # Newest first, a session's topics follow each other; the imported ones come last.
    for (imported, session), topics_of in groupby(past, key=lambda t: (t.imported, t.session)):
        if imported:
            text.line().bold("Discussed before the bot kept records")
        else:
            text.line().bold(key_name(ctx.config, session, ctx.clock.now()) if session else "A session")
        text.bullets([discussed_line(topic) for topic in topics_of])
    return ctx.reply(text)
