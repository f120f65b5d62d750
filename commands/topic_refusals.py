"""How topic commands say what they could not do, and name a topic: shared by the topic
commands (!vote, !withdraw, !discussed…) and Lean Coffee, in the asker's language."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from bot.core.dispatcher import Context
from bot.core.i18n import Translator, english, filled
from bot.core.text import Text, clean
from bot.features.topics.model import (
    AlreadyVoted,
    BudgetSpent,
    NotAllowed,
    NotOpen,
    NotVoted,
    Topic,
    TopicError,
    TopicStatus,
    UnknownTopic,
)
from commands.dates import key_name
from commands.wording import listed_text

T = TypeVar("T")

# Topic text shown inline in lists; the full text is in the !suggest confirmation.
INLINE = 120


def topic_label(topic: Topic, limit: int = INLINE) -> Text:
    """`#7 "Decision making"`, escaped."""
    return Text().bold(f"#{topic.id}").add(_quoted(topic, limit))


def _quoted(topic: Topic, limit: int = INLINE) -> str:
    return f" “{clean(topic.text, limit)}”"


def explain(ctx: Context, error: TopicError) -> Text:
    """What a refusal means, in words, with what to do instead."""
    p, lang = ctx.prefix, ctx.lang
    if isinstance(error, UnknownTopic):
        return lang.msg(
            "There is no topic #{number}. See the open ones with {topics}.", number=error.topic_id, topics=f"{p}topics"
        )
    if isinstance(error, NotOpen):
        # Translators: {closed} says why the topic is no longer open: 'was withdrawn', 'was already discussed (…)'.
        return lang.msg(
            "{topic} {closed}, so it can't be changed or voted for.",
            topic=topic_label(error.topic).plain,
            closed=closed(ctx, error.topic),
        )
    if isinstance(error, AlreadyVoted):
        return lang.msg(
            "You have already voted for {topic} (one vote per person per topic).", topic=topic_label(error.topic).plain
        )
    if isinstance(error, NotVoted):
        return lang.msg(
            "You haven't voted for {topic}, so there is no vote to remove.", topic=topic_label(error.topic).plain
        )
    if isinstance(error, BudgetSpent):
        mine = ", ".join(f"#{n}" for n in error.voted_for)
        # Translators: {n} is how many votes each person has (one form for one vote).
        return lang.nmsg(
            "You have used all {n} of your votes (on {mine}). Take one back with {unvote} to vote for another topic.",
            "You have used all {n} of your votes (on {mine}). Take one back with {unvote} to vote for another topic.",
            error.budget,
            mine=mine,
            unvote=f"{p}unvote N",
        )
    if isinstance(error, NotAllowed):
        return lang.msg(
            "Only whoever suggested {topic}, or an organiser, can withdraw it.", topic=topic_label(error.topic).plain
        )
    return Text(str(error))


def closed(ctx: Context, topic: Topic) -> str:
    """Why `topic` is no longer open: 'was withdrawn', 'was already discussed (…)', in the
    asker's language: the middle of a sentence that names the topic before it."""
    lang = ctx.lang
    if topic.status == TopicStatus.WITHDRAWN:
        # Translators: after a topic's number and text: '#7 “Pay” was withdrawn, so it takes no votes.'
        return lang.gettext("was withdrawn")
    if topic.imported:
        return lang.gettext("was already discussed (before the bot kept records)")
    session = key_name(ctx.config, topic.session or "", ctx.clock.now(), lang)
    return lang.gettext("was already discussed (in the session of {session})", session=session)


def closed_why(ctx: Context, topic: Topic) -> str:
    """Why `topic` is no longer open, as a reason after a list of topics not done:
    'withdrawn', 'already discussed (…)'."""
    lang = ctx.lang
    if topic.status == TopicStatus.WITHDRAWN:
        # Translators: a reason after topics not done: 'Not voted for #3 or #9: withdrawn.'
        return lang.gettext("withdrawn")
    if topic.imported:
        return lang.gettext("already discussed (before the bot kept records)")
    session = key_name(ctx.config, topic.session or "", ctx.clock.now(), lang)
    return lang.gettext("already discussed (in the session of {session})", session=session)


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
    lang = ctx.lang
    if isinstance(error, UnknownTopic):
        return lang.gettext("there is no such topic (see {topics})", topics=f"{ctx.prefix}topics")
    if isinstance(error, NotOpen):
        return closed_why(ctx, error.topic)
    if isinstance(error, AlreadyVoted):
        return lang.gettext("you have already voted (one vote per person per topic)")
    if isinstance(error, NotVoted):
        return lang.gettext("you have no vote there to take back")
    if isinstance(error, BudgetSpent):
        mine = ", ".join(f"#{n}" for n in error.voted_for)
        # Translators: {n} is how many votes each person has (one form for one vote).
        return lang.ngettext(
            "you have used all {n} of your votes (on {mine}); take one back with {unvote} first",
            "you have used all {n} of your votes (on {mine}); take one back with {unvote} first",
            error.budget,
            mine=mine,
            unvote=f"{ctx.prefix}unvote N",
        )
    if isinstance(error, NotAllowed):
        return lang.gettext("suggested by someone else (only they or an organiser can withdraw it)")
    return str(error)


def refusals(
    text: Text, not_done: str, refused: Refused, reason: Callable[[TopicError], str], lang: Translator | None = None
) -> Text:
    """A line for each reason some topics of a list were not done, in the order typed:
    `Not voted for #3 “apples” or #9: why.` (`not_done` is a sentence with `{topics}` and
    `{why}`, in `lang`: 'Not voted for {topics}: {why}.')."""
    lang = lang or english()
    by_reason: dict[str, list[Text]] = {}
    for number, error in refused:
        topic = getattr(error, "topic", None)  # what a refusal about one topic carries
        label = topic_label(topic) if isinstance(topic, Topic) else Text().bold(f"#{number}")
        by_reason.setdefault(reason(error), []).append(label)
    for why, labels in by_reason.items():
        text.line().extend(filled(not_done, {"topics": listed_text(labels, lang.gettext("or")), "why": why}))
    return text


def takes_no_votes(ctx: Context, topic: Topic) -> Text:
    """'#7 “Pay” was withdrawn, so it takes no votes.'"""
    # Translators: {closed} says why the topic is no longer open: 'was withdrawn', 'was already discussed (…)'.
    return ctx.lang.msg("{topic} {closed}, so it takes no votes.", topic=topic_label(topic), closed=closed(ctx, topic))
