"""Lean Coffee: suggest topics, vote for them (by command or 👍), and keep the history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from itertools import groupby

from bot.core.arguments import Numbers, Rest, UsageError
from bot.core.dispatcher import Context
from bot.core.i18n import N_, Translator, filled
from bot.core.model import Anchor, Reply, Role
from bot.core.numbers import leading_numbers
from bot.core.registry import CommandError, CommandGroup
from bot.core.text import Text
from bot.features.topics import repository as topics
from bot.features.topics import suggest as suggesting
from bot.features.topics import votes as voting
from bot.features.topics.model import (
    AlreadyVoted,
    DuplicateTopic,
    EmptyTopic,
    NotOpen,
    NotVoted,
    RateLimited,
    TopicError,
    TopicTooLong,
)
from commands.dates import key_name
from commands.topic_refusals import Refused, closed, each, explain, refusals, takes_no_votes, topic_label, why_not
from commands.wording import (
    countdown,
    discussed_line,
    listed,
    listed_text,
    suggested_by,
    topic_line,
    votes_text,
)

group = CommandGroup("topics")

# How many open topics !topics lists before "and N more".
LIST_LIMIT = 15
HISTORY_DEFAULT = 10
# How many open topics a vote for a topic of the past names.
OPEN_NAMED = 5
HISTORY_MAX = 50


def _remaining(ctx: Context, remaining: int | None) -> str:
    if remaining is None:
        return ""
    budget = ctx.config.topics.votes_per_person
    # Translators: {n} is the votes left (the verb agrees with it), {budget} how many each person has.
    return " " + ctx.lang.ngettext(
        "You have {n} of {budget} votes left.", "You have {n} of {budget} votes left.", remaining, budget=budget
    )


# --- suggesting -----------------------------------------------------------------------


@group.command("suggest", usage="TEXT", help=N_("Suggest a topic; others vote for it"))
async def suggest(ctx: Context, text: Rest) -> Reply:
    p, conf, lang = ctx.prefix, ctx.config.topics, ctx.lang
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
        raise UsageError(lang.gettext("the topic needs some words")) from None
    except TopicTooLong as e:
        raise CommandError(
            lang.gettext(
                "That topic is {length} characters long; the limit is {limit}. Please shorten it.",
                length=e.length,
                limit=e.limit,
            )
        ) from None
    except RateLimited as e:
        wait = max(e.again_at - ctx.clock.now(), dt.timedelta(minutes=1))
        raise CommandError(
            lang.ngettext(
                "You have suggested {n} topic in the last hour, the most allowed. "
                "You can suggest again at {time} UTC ({countdown}).",
                "You have suggested {n} topics in the last hour, the most allowed. "
                "You can suggest again at {time} UTC ({countdown}).",
                e.limit,
                time=f"{e.again_at:%H:%M}",
                countdown=countdown(wait, lang),
            )
        ) from None
    except DuplicateTopic as e:
        return _duplicate(ctx, e)
    reply = lang.msg(
        "Added {topic}. Vote for it with {vote} or react 👍 to this message.",
        topic=topic_label(topic, conf.max_length),
        vote=Text().code(f"{p}vote {topic.id}"),
    )
    return ctx.reply(reply, anchor=Anchor("topic", str(topic.id)))


async def _meant_vote(ctx: Context, numbers: Sequence[int]) -> Reply:
    """`!suggest 26` is a topic called "26" no one wants: ask whether a vote was meant."""
    p, lang = ctx.prefix, ctx.lang
    found = {n: await topics.get_topic(ctx.store, n) for n in numbers}
    command = Text().code(f"{p}vote {' '.join(map(str, numbers))}")
    votable = [topic_label(t) for t in found.values() if t is not None and t.is_open]
    if votable:
        topics_ = listed_text(votable, lang.gettext("and"))
        text = lang.msg("Did you mean {command}, for {topics}?", command=command, topics=topics_)
    else:
        text = lang.msg("Did you mean {command}?", command=command)
    for topic in found.values():
        if topic is not None and not topic.is_open:
            text.add(" ").extend(takes_no_votes(ctx, topic))
    if unknown := [Text().bold(f"#{n}") for n, t in found.items() if t is None]:
        topics_ = listed_text(unknown, lang.gettext("or"))
        see = Text().code(f"{p}topics")
        text.add(" ").extend(lang.msg("There is no topic {topics} (see {see}).", topics=topics_, see=see))
    how = Text().code(f"{p}suggest TEXT")
    text.add(" ").extend(lang.msg("A topic is suggested in words: {how}. Nothing was added.", how=how))
    return ctx.reply(text)


def _duplicate(ctx: Context, held: DuplicateTopic) -> Reply:
    topic, lang, label = held.topic, ctx.lang, topic_label(held.topic)
    if topic.is_open:
        vote = Text().code(f"{ctx.prefix}vote {topic.id}")
        text = lang.msg("{topic} looks the same: vote for it with {vote} (or react 👍).", topic=label, vote=vote)
    else:
        # Translators: {closed} says why the topic is no longer open: 'was withdrawn', 'was already discussed (…)'.
        text = lang.msg("{topic} looks the same, and {closed}.", topic=label, closed=closed(ctx, topic))
    if held.can_insist:
        minutes = int(suggesting.INSIST_WINDOW.total_seconds() // 60)
        command = Text().code(f"{ctx.prefix}suggest")
        if topic.is_open:
            again = lang.nmsg(
                "If yours is a different topic, send the same {command} again within {n} minute to add it anyway.",
                "If yours is a different topic, send the same {command} again within {n} minutes to add it anyway.",
                minutes,
                command=command,
            )
        else:
            again = lang.nmsg(
                "If there is something new to yours, send the same {command} again within {n} minute to add it anyway.",
                "If there is something new to yours, send the same {command} again within {n} minutes "
                "to add it anyway.",
                minutes,
                command=command,
            )
        text.add(" ").extend(again)
    elif not topic.is_open:
        text.add(" ").add(lang.gettext("If there is something new to it, say what in your suggestion."))
    # A message presenting a single open topic: a 👍 on it votes for that topic.
    return ctx.reply(text, anchor=Anchor("topic", str(topic.id)) if topic.is_open else None)


# --- voting -----------------------------------------------------------------------------


@group.command("vote", usage="N [N…]", help=N_("Vote for topic N, or for several at once"))
async def vote(ctx: Context, topics: Numbers) -> Reply:
    budget = ctx.config.topics.votes_per_person
    done, refused = await each(topics, lambda n: voting.vote(ctx.store, ctx.clock.now(), n, ctx.sender, budget))
    past = [e for _, e in refused if isinstance(e, NotOpen)]
    lang = ctx.lang
    if len(topics) == 1:  # one topic, in a sentence of its own
        if past:
            raise CommandError(Text(takes_no_votes(ctx, past[0].topic).plain).add(f" {await _open_now(ctx)}"))
        # Translators: {topic} is a topic's number and text, {votes} its count: 'Voted for #3 “apples” (2 votes now).'
        return _one_vote(ctx, lang.gettext("Voted for {topic} ({votes} now)."), done, refused)
    text = _votes_changed(
        ctx,
        # Translators: {topics} is a list: '#3 “apples” (1 vote now) and #4 “pears” (2 votes now)'.
        lambda topics_, _n: lang.msg("Voted for {topics}.", topics=topics_),
        done,
        # Translators: a line after the votes that counted: 'Not voted for #5 or #9: there is no such topic.'
        lang.gettext("Not voted for {topics}: {why}."),
        refused,
    )
    # Nothing counted, and some were topics of the past: what there is to vote on instead.
    return ctx.reply(text.line(await _open_now(ctx)) if past and not done else text)


async def _open_now(ctx: Context) -> str:
    """What there is to vote on, for someone who named a topic of the past (the seed
    file's history is numbered first: a newcomer's `!vote 1` is one)."""
    p, lang = ctx.prefix, ctx.lang
    agenda = await topics.agenda_for(ctx.store, ctx.sender, OPEN_NAMED)
    if not agenda.shown:
        return lang.gettext("No topic is open yet: suggest one with {how}.", how=f"{p}suggest TEXT")
    named = [f"#{t.id}" for t in agenda.shown]
    if agenda.total > len(named):
        # Translators: the last of a list of topic numbers: '#3, #5 and 4 more'.
        named.append(lang.ngettext("{n} more", "{n} more", agenda.total - len(named)))
    return lang.gettext(
        "Open topics: {numbers} (see them with {see}).", numbers=listed(named, lang.gettext("and")), see=f"{p}topics"
    )


@group.command("unvote", usage="N [N…]", help=N_("Take back your vote for topic N, or several"))
async def unvote(ctx: Context, topics: Numbers) -> Reply:
    budget = ctx.config.topics.votes_per_person
    done, refused = await each(topics, lambda n: voting.unvote(ctx.store, n, ctx.sender, budget))
    lang = ctx.lang
    if len(topics) == 1:
        return _one_vote(ctx, lang.gettext("Took back your vote for {topic} ({votes} now)."), done, refused)

    def lead(topics_: Text, n: int) -> Text:
        return lang.nmsg("Took back your vote for {topics}.", "Took back your votes for {topics}.", n, topics=topics_)

    # Translators: a line after the votes taken back: 'Not taken back for #5: you have no vote there to take back.'
    return ctx.reply(_votes_changed(ctx, lead, done, lang.gettext("Not taken back for {topics}: {why}."), refused))


def _one_vote(ctx: Context, said: str, done: list[voting.VoteResult], refused: Refused) -> Reply:
    """`Voted for #3 “apples” (2 votes now).`, and the votes left under dot voting; the
    refusal, why, as the error it is (`said` has `{topic}` and `{votes}`)."""
    if refused:
        raise CommandError(explain(ctx, refused[0][1]))
    votes = votes_text(done[0].topic.votes, ctx.lang)
    text = filled(said, {"topic": topic_label(done[0].topic), "votes": votes})
    return ctx.reply(text.add(_remaining(ctx, done[0].remaining)))


def _votes_changed(
    ctx: Context, lead: Callable[[Text, int], Text], done: list[voting.VoteResult], not_done: str, refused: Refused
) -> Text:
    """`Voted for #3 “apples” (1 vote now) and #4 …`, a line for each reason some were
    not, and the votes left (after the last change) under dot voting."""
    lang = ctx.lang
    text = Text()
    if done:
        # Translators: a topic's count after a vote: '#3 “apples” (2 votes now)'.
        now = lang.gettext("({votes} now)")
        counted = [
            topic_label(r.topic).add(" ").extend(filled(now, {"votes": votes_text(r.topic.votes, lang)})) for r in done
        ]
        text.extend(lead(listed_text(counted, lang.gettext("and")), len(done)))
    refusals(text, not_done, refused, lambda e: why_not(ctx, e), lang)
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


@group.command("topics", help=N_("Open topics, most votes first"), in_direct=True)
async def list_topics(ctx: Context) -> Reply:
    p, lang = ctx.prefix, ctx.lang
    agenda = await topics.agenda_for(ctx.store, ctx.sender, LIST_LIMIT)
    suggest_ = Text().code(f"{p}suggest TEXT")
    if not agenda.shown:
        return ctx.reply(lang.msg("No open topics yet. Suggest one with {suggest}.", suggest=suggest_))
    # Translators: the heading of !topics, in bold.
    heading = Text().bold(lang.gettext("Open topics"))
    text = lang.msg("{heading} (most votes first)", heading=heading)
    mine = agenda.voted
    text.bullets(
        [
            topic_line(t, votes_text(t.votes, lang), suggested_by(t, lang), _yours(t.id in mine, lang))
            for t in agenda.shown
        ]
    )
    if agenda.total > len(agenda.shown):
        more = agenda.total - len(agenda.shown)
        text.line(lang.ngettext("… and {n} more open topic.", "… and {n} more open topics.", more))
    vote_ = Text().code(f"{p}vote N")
    text.line().extend(lang.msg("Vote with {vote}, suggest with {suggest}.", vote=vote_, suggest=suggest_))
    budget = ctx.config.topics.votes_per_person
    if budget:
        spent = len(await topics.open_votes_of(ctx.store, ctx.sender))
        text.add(_remaining(ctx, max(budget - spent, 0)))
    return ctx.reply(text)


def _yours(voted: bool, lang: Translator) -> str:
    # Translators: after a topic in !topics that the reader voted for.
    return lang.gettext("✓ your vote") if voted else ""


@group.command(
    "withdraw", usage="N [N…]", help=N_("Withdraw topic N, or several (whoever suggested it, or an organiser)")
)
async def withdraw(ctx: Context, topics: Numbers) -> Reply:
    organiser = ctx.role >= Role.ORGANISER
    done, refused = await each(
        topics, lambda n: suggesting.withdraw(ctx.store, ctx.clock.now(), n, ctx.sender, organiser=organiser)
    )
    if len(topics) == 1 and refused:
        raise CommandError(explain(ctx, refused[0][1]))
    lang, text = ctx.lang, Text()
    if done:
        withdrawn = listed_text([topic_label(t) for t in done], lang.gettext("and"))
        text.extend(lang.msg("Withdrew {topics}.", topics=withdrawn))
    # Translators: a line after the topics withdrawn: 'Not withdrawn #5: suggested by someone else (…).'
    return ctx.reply(
        refusals(text, lang.gettext("Not withdrawn {topics}: {why}."), refused, lambda e: why_not(ctx, e), lang)
    )


# --- history ----------------------------------------------------------------------------------


# `!notes`, `!minutes`: what people call the record of past sessions.
@group.command(
    "history",
    usage="[N]",
    help=N_("The last N topics discussed, with their session"),
    aliases=("notes", "minutes"),
    in_direct=True,
)
async def history(ctx: Context, count: int = HISTORY_DEFAULT) -> Reply:
    lang = ctx.lang
    if not 1 <= count <= HISTORY_MAX:
        raise UsageError(lang.gettext("N must be between 1 and {most}", most=HISTORY_MAX))
    past = await topics.history(ctx.store, count)
    if not past:
        return ctx.reply(Text(lang.gettext("No topics have been discussed yet.")))
    # Translators: the heading of !history, in bold.
    heading = Text().bold(lang.gettext("Discussed topics"))
    text = lang.msg("{heading} (newest first)", heading=heading)
    # Newest first, a session's topics follow each other; the imported ones come last.
    for (imported, session), topics_of in groupby(past, key=lambda t: (t.imported, t.session)):
        if imported:
            text.line().bold(lang.gettext("Discussed before the bot kept records"))
        else:
            named = key_name(ctx.config, session, ctx.clock.now(), lang) if session else lang.gettext("A session")
            text.line().bold(named)
        text.bullets([discussed_line(topic, lang=lang) for topic in topics_of])
    return ctx.reply(text)
