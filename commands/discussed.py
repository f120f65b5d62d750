"""Hosts mark the running session's topics discussed (one or several at once, with a note)
and undo it; whoever suggested a topic hears of it."""

from __future__ import annotations

from bot.core.arguments import Numbers, Rest
from bot.core.dispatcher import Context
from bot.core.i18n import N_, filled
from bot.core.model import Reply, Role
from bot.core.registry import CommandError, CommandGroup
from bot.core.text import Text, clean
from bot.features.lean_coffee import discussing as lean_coffee
from bot.features.sessions import hosts, repository
from bot.features.topics import discussed as discussing
from bot.features.topics.discussed import Marked
from bot.features.topics.model import NotDiscussedHere, Topic, TopicError, TopicStatus
from commands.dates import key_name
from commands.hosting import host_of_another, not_your_session
from commands.topic_refusals import closed, closed_why, each, explain, refusals, topic_label, why_not
from commands.wording import listed_text, time_spent, votes_text

group = CommandGroup("discussed")


async def running_hosted(ctx: Context, otherwise: str, what: str = N_("mark its topics")) -> str:
    """The running session, which the asker must host (sessions.hosts.hosts): having
    volunteered for another session whose start window is open makes a host, but not of
    this one (else who may `what` it)."""
    session = await repository.running_session(ctx.store)
    if session is None:
        raise CommandError(ctx.lang.gettext("No session is running. {otherwise}", otherwise=otherwise))
    organiser = ctx.services.is_organiser(ctx.sender, ctx.message.room_id)
    if not await hosts.hosts(ctx.store, ctx.config, ctx.sender, session, organiser=organiser):
        raise CommandError(await not_your_session(ctx, session, what))
    return session


async def _not_yours_to_mark(ctx: Context) -> Reply | None:
    return await host_of_another(
        ctx, what=N_("mark its topics"), idle=N_("there are no topics to mark until one is started")
    )


@group.command(
    "discussed",
    usage="N[,N…] [note]",
    role=Role.HOST,
    help=N_("Mark topic N (or several: 32, 33) discussed in the running session, with an optional note"),
    refused=_not_yours_to_mark,
)
async def discussed(ctx: Context, topics: Numbers, note: Rest | None = None) -> Reply:
    how = ctx.lang.gettext("Start one with {start}, then mark topics discussed.", start=f"{ctx.prefix}start")
    session = await running_hosted(ctx, how)
    # No note keeps the one it has (repeating the command to be sure loses nothing); "-"
    # removes it.
    note_text = clean(note, ctx.config.topics.max_length) if note and note.strip() != "-" else None
    done, refused = await each(
        topics,
        lambda n: lean_coffee.mark(ctx.store, ctx.clock.now(), n, session, note_text, replace_note=note is not None),
    )
    if len(topics) == 1:
        if refused:
            raise CommandError(explain(ctx, refused[0][1]))
        return _one_marked(ctx, done[0], session, note)
    text = _several_marked(ctx, done, session, note, note_text)
    refusals(text, ctx.lang.gettext("Not marked {topics}: {why}."), refused, lambda e: why_not(ctx, e), ctx.lang)
    return _tell_suggesters(ctx, text, [m.topic for m in done if not m.again], numbered=True)


# What marking a topic did, and how a reply about several topics says it.
MARKED = N_("Marked {topics} discussed in the session of {session}.")
REPLACED = N_("Replaced the note on {topics}.")
ADDED = N_("Added a note to {topics}.")
REMOVED = N_("Removed the note on {topics}.")
ALREADY = N_("Already marked discussed in this session: {topics}.")
# The same about one topic, which names the session.
ONE = {
    REPLACED: N_("Replaced the note on {topic} (the session of {session})."),
    ADDED: N_("Added a note to {topic} (the session of {session})."),
    REMOVED: N_("Removed the note on {topic} (the session of {session})."),
}


def _change(marked: Marked, note: str | None) -> str:
    """What `!discussed` did to one topic (`note`: the note typed, None when none was)."""
    if not marked.again:
        return MARKED
    if marked.topic.note and note is not None:
        return REPLACED if marked.old_note else ADDED
    if marked.old_note and note is not None:
        return REMOVED
    return ALREADY


def _one_marked(ctx: Context, marked: Marked, session: str, note: str | None) -> Reply:
    p, lang = ctx.prefix, ctx.lang
    shown = Text().bold(key_name(ctx.config, session, ctx.clock.now(), lang))
    done, label, change = marked.topic, topic_label(marked.topic), _change(marked, note)
    if change == MARKED and done.minutes:
        # Closing the topic being discussed (Lean Coffee): the minutes it was discussed for.
        text = lang.msg(
            "Marked {topic} discussed in the session of {session} ({time}).",
            topic=label,
            session=shown,
            time=time_spent(done.minutes, lang),
        )
    elif change == MARKED:
        text = lang.msg("Marked {topic} discussed in the session of {session}.", topic=label, session=shown)
    elif change != ALREADY:
        text = filled(lang.gettext(ONE[change]), {"topic": label, "session": shown})
    else:
        text = lang.msg("{topic} is already marked discussed in the session of {session}.", topic=label, session=shown)
        undo = Text().code(f"{p}undiscussed {done.id}")
        add = Text().code(f"{p}discussed {done.id} note")
        if done.note:
            text.add(" ").add(lang.gettext("Note: {note}", note=done.note))
            remove = Text().code(f"{p}discussed {done.id} -")
            text.line().extend(
                lang.msg(
                    "Replace the note with {replace}, remove it with {remove}, or undo it with {undo}.",
                    replace=add,
                    remove=remove,
                    undo=undo,
                )
            )
        else:
            text.add(" ").extend(lang.msg("Add a note with {add}, or undo it with {undo}.", add=add, undo=undo))
        return ctx.reply(text)
    if done.note:
        text.add(" ").add(lang.gettext("Note: {note}", note=done.note))
    return _tell_suggesters(ctx, text, [] if marked.again else [done], numbered=False)


def _several_marked(ctx: Context, done: list[Marked], session: str, note: str | None, note_text: str | None) -> Text:
    """`Marked #32 … and #33 … discussed in session S. Note: merged`, with a line for each
    change to topics already marked in this session (the note, then, on a line of its own)."""
    lines: dict[str, list[Topic]] = {lead: [] for lead in (MARKED, REPLACED, ADDED, REMOVED, ALREADY)}
    for marked in done:
        lines[_change(marked, note)].append(marked.topic)
    lang, text = ctx.lang, Text()
    shown = Text().bold(key_name(ctx.config, session, ctx.clock.now(), lang))
    for lead, topics in lines.items():
        if topics:
            listed = listed_text([topic_label(t) for t in topics], lang.gettext("and"))
            text.line().extend(filled(lang.gettext(lead), {"topics": listed, "session": shown}))
    if note_text and sum(map(bool, lines.values())) == 1:
        text.add(" ").add(lang.gettext("Note: {note}", note=note_text))
    elif note_text and done:
        text.line(lang.gettext("Note: {note}", note=note_text))
    return text


def _tell_suggesters(ctx: Context, text: Text, marked: list[Topic], *, numbered: bool) -> Reply:
    """Whoever suggested a topic just marked hears of it, once (a line each), unless they
    are gone (erased with !forgetme: the topic is no longer theirs; or left every served
    room) or marked it themselves. Their line is said to them where everyone reads it, so
    it is in the rooms' language, whatever the host's."""
    lang, theirs = ctx.room_lang, dict[str, list[Topic]]()
    for topic in marked:
        by = topic.suggested_by
        if by is None or by == ctx.sender or ctx.services.is_member(by) is False:
            continue
        theirs.setdefault(by, []).append(topic)
    for suggester, topics in theirs.items():
        name = clean(topics[0].suggested_name, 64) if topics[0].suggested_name else suggester
        person = Text().mention(suggester, name)
        if not numbered:
            # Translators: {name} is the person who suggested the topic (a mention).
            text.line("💬 ").extend(lang.msg("{name}: your topic was discussed.", name=person))
            continue
        numbers = listed_text([Text(f"#{t.id}") for t in topics], lang.gettext("and")).plain
        text.line("💬 ").extend(
            lang.nmsg(
                "{name}: your topic {numbers} was discussed.",
                "{name}: your topics {numbers} were discussed.",
                len(topics),
                name=person,
                numbers=numbers,
            )
        )
    return ctx.reply(text, mentions=tuple(theirs))


@group.command(
    "undiscussed",
    usage="N [N…]",
    role=Role.HOST,
    help=N_("Return topic N (or several), marked discussed in the running session, to the list"),
    refused=_not_yours_to_mark,
)
async def undiscussed(ctx: Context, topics: Numbers) -> Reply:
    lang = ctx.lang
    session = await running_hosted(
        ctx, lang.gettext("Only a topic marked discussed in the running session can be returned to the list.")
    )
    done, refused = await each(topics, lambda n: discussing.unmark_discussed(ctx.store, n, session))
    if len(topics) == 1:
        if refused:
            error = refused[0][1]
            raise CommandError(
                _not_discussed_here(ctx, error) if isinstance(error, NotDiscussedHere) else explain(ctx, error)
            )
        votes = votes_text(done[0].votes, lang)
        return ctx.reply(
            lang.msg("Returned {topic} to the open topics, with its {votes}.", topic=topic_label(done[0]), votes=votes)
        )
    text = Text()
    if done:
        returned = [topic_label(t).add(f" ({votes_text(t.votes, lang)})") for t in done]
        listed = listed_text(returned, lang.gettext("and"))
        text.extend(lang.msg("Returned {topics} to the open topics.", topics=listed))
    return ctx.reply(
        refusals(
            text, ctx.lang.gettext("Not returned {topics}: {why}."), refused, lambda e: _why_kept(ctx, e), ctx.lang
        )
    )


def _not_discussed_here(ctx: Context, error: NotDiscussedHere) -> str:
    topic, label, now, lang = error.topic, topic_label(error.topic).plain, ctx.clock.now(), ctx.lang
    if topic.status == TopicStatus.OPEN:
        return lang.gettext(
            "{topic} is not marked discussed, so there is nothing to undo. It is on the list: {topics}.",
            topic=label,
            topics=f"{ctx.prefix}topics",
        )
    if topic.status == TopicStatus.DISCUSSED and not topic.imported:
        return lang.gettext(
            "{topic} is not marked discussed in the running session ({running}): "
            "it was discussed in the session of {session}, and stays so.",
            topic=label,
            running=key_name(ctx.config, error.session, now, lang),
            session=key_name(ctx.config, topic.session or "", now, lang),
        )
    # Translators: {closed} says why the topic is no longer open: 'was withdrawn', 'was already discussed (…)'.
    return lang.gettext("{topic} {closed}, so it can't be changed.", topic=label, closed=closed(ctx, topic))


def _why_kept(ctx: Context, error: TopicError) -> str:
    """Why one topic of several was not returned to the list."""
    lang = ctx.lang
    if isinstance(error, NotDiscussedHere) and error.topic.status == TopicStatus.OPEN:
        return lang.gettext("not marked discussed, it is on the list")
    if isinstance(error, NotDiscussedHere) and error.topic.status == TopicStatus.DISCUSSED and not error.topic.imported:
        held = key_name(ctx.config, error.topic.session or "", ctx.clock.now(), lang)
        return lang.gettext("discussed in the session of {session}, not in the running one", session=held)
    if isinstance(error, NotDiscussedHere):
        return closed_why(ctx, error.topic)
    return why_not(ctx, error)
