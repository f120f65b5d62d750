"""What follows `!here`: a host of the session (as `!start` decides) or an organiser checks
others in by their Matrix IDs; anyone else is checked in themselves (they said `!here`) and
told that only hosts check others in. Text that is no chat gets an answer of its own: a time
(`!here 17:00` points to `!late`), `off` (a check-in stays), a display name (use the Matrix
ID: display names are neither unique nor fixed). Anything else is chat, and `!here` checks
the sender in. People are named as text, never pinged."""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass

from bot.core.arguments import UsageError
from bot.core.dispatcher import Context
from bot.core.registry import CommandError
from bot.core.text import Text, clean
from bot.core.typed_time import read_time_of_day
from bot.features.people.names import known_names, name_of
from bot.features.sessions import repository
from bot.features.sessions.timeline import Phase, SessionView
from commands.dates import asker_zone, session_name
from commands.wording import listed

# Checking people in one by one is a host's job at the start of a call; ten at once covers
# a group that came together, and a longer list is more likely a paste gone wrong.
MAX_AT_ONCE = 10

# A user ID as the Matrix spec has it: @localpart:server, the server with an optional port.
_MATRIX_ID = re.compile(r"@[^\s:@]+:(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?")
# Someone's ID as some clients write a mention into the plain text.
_LINK = re.compile(r"https?://matrix\.to/#/(%40[^\s/?]+|@[^\s/?]+)")
# A word that is meant as an ID: it starts with @, or it is name:server.
_ID_LIKE = re.compile(r"@\S+|[^\s:@]+:[A-Za-z0-9-]+\.[A-Za-z0-9.-]+")
_SEPARATORS = re.compile(r"\s*(?:[,;&+]|\band\b)\s*", re.IGNORECASE)
_TRIM = "\"'“”‘’.,;:!?()<> \t"
# `!here at 8am`, `!here on 2026-12-03 08:00`: the words before a time meant for another command.
_AT = re.compile(r"(?:at|on)\s+", re.IGNORECASE)
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}\b\s*")
# `!here off`: someone who wants to take their check-in back.
_OFF = {"off", "out", "undo", "cancel", "leave", "leaving", "checkout", "check out", "check-out"}


@dataclass(frozen=True)
class Named:
    """The people named after `!here`: `ids` the Matrix IDs (in the order typed, each
    once), `by_name` display names typed with the IDs known by that name, `not_ids` words
    meant as IDs or names that are neither."""

    ids: tuple[str, ...]
    by_name: tuple[tuple[str, tuple[str, ...]], ...]
    not_ids: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.ids) + len(self.by_name) + len(self.not_ids)


def _time_meant(text: str) -> str | None:
    """The day and time `text` is made of, as typed ('2026-12-03 08:00', '5.30pm UTC'), or
    None when it is more than that (chat such as '2 minutes late') or a bare hour."""
    text = text.rstrip(".!?")
    at = _AT.match(text)
    text = text[at.end() :] if at else text
    day = _DAY.match(text)
    rest = text[day.end() :] if day else text
    when = read_time_of_day(rest) if rest else None
    if when is None:
        return day.group().strip() if day and not rest else None
    if when.rest or when.typed.isdigit():
        return None
    return f"{day.group().strip()} {when.as_typed}" if day else when.as_typed


def _matrix_id(word: str) -> str | None:
    """`word` (trimmed of quotes and punctuation) if it is a Matrix ID, else None."""
    found = word.strip(_TRIM)
    return found if _MATRIX_ID.fullmatch(found) and len(found) <= 255 else None


async def read(ctx: Context, current: SessionView, typed: str) -> Named | None:
    """The people named in `typed` (the text after `!here`, while `current` is on), or None
    when it names nobody (chat). A time or `off` is answered at once (CommandError), as is
    a list longer than MAX_AT_ONCE (UsageError): nobody is checked in then."""
    text = _LINK.sub(lambda m: urllib.parse.unquote(m.group(1)), typed.strip())
    bare = text.strip(_TRIM).lower()
    lang = ctx.lang
    if bare in _OFF:
        raise CommandError(
            lang.gettext(
                "There is no {command}: a check-in records that you came, and stays. "
                "A check-in made by reacting ✋ is undone by taking the ✋ back.",
                command=f"{ctx.prefix}here {bare}",
            )
        )
    later = _time_meant(text)
    if later is not None:
        p, name = ctx.prefix, session_name(current.session, await asker_zone(ctx), ctx.clock.now(), lang)
        here = Text().code(f"{p}here")
        raise CommandError(
            lang.msg(
                "{here} takes no time: it is for the session of {name}, on now, so nothing was changed. "
                "Coming to a later session? {late}. Here now? {here} alone.",
                here=here,
                name=name,
                late=Text().code(f"{p}late {later}"),
            )
        )
    ids: dict[str, None] = {}
    not_ids: list[str] = []
    for word in _ID_LIKE.findall(text):
        user_id = _matrix_id(word)
        if user_id is None:
            not_ids.append(word.strip(_TRIM))
        else:
            ids[user_id] = None
    rest = [item.strip(_TRIM) for item in _SEPARATORS.split(_ID_LIKE.sub(",", text))]
    names: dict[str, list[str]] = {}
    for user_id, name in (await known_names(ctx.store)).items():
        names.setdefault(name.casefold(), []).append(user_id)
    by_name: list[tuple[str, tuple[str, ...]]] = []
    unknown: list[str] = []
    for item in filter(None, rest):
        known = names.get(item.casefold())
        if known is not None and ctx.sender in known:
            ids[ctx.sender] = None  # their own name: they check themselves in
        elif known is not None:
            by_name.append((item, tuple(known)))
        else:
            unknown.append(item)
    if not ids and not by_name and not not_ids:
        return None
    named = Named(tuple(ids), tuple(by_name), (*not_ids, *unknown))
    if named.count > MAX_AT_ONCE:
        raise UsageError(
            lang.gettext(
                "at most {most} people at once, and you named {count}; nobody was checked in",
                most=MAX_AT_ONCE,
                count=named.count,
            )
        )
    return named


def _server(ctx: Context) -> str:
    return ctx.sender.partition(":")[2] or "example.org"


def _example_id(ctx: Context) -> str:
    """'@name:example.org': what a Matrix ID looks like, on the asker's server."""
    # Translators: the made-up user part of a Matrix ID shown as an example: '@name:example.org'.
    name = ctx.lang.gettext("name")
    return f"@{name}:{_server(ctx)}"


def _problems(ctx: Context, named: Named, gone: list[str]) -> Text | None:
    """'Not checked in: @m:x is not in the conference room; “@bob” is not a Matrix ID …'"""
    lang = ctx.lang
    parts = [Text(lang.gettext("{user} is not in the conference room", user=user_id)) for user_id in gone]
    if ctx.config.matrix.user_id in named.ids:
        parts.append(Text(lang.gettext("{user} is me", user=ctx.config.matrix.user_id)))
    example = _example_id(ctx)
    for word in named.not_ids:
        said = lang.gettext(
            "“{word}” is not a Matrix ID (they look like {example})", word=clean(word, 64), example=example
        )
        parts.append(Text(said))
    for typed, known in named.by_name:
        ids = Text()
        for i, user_id in enumerate(known):
            ids.add(" " + lang.gettext("or") + " " if i else "").code(f"{ctx.prefix}here {user_id}")
        parts.append(lang.msg("for {name} give the Matrix ID: {ids}", name=clean(typed, 64), ids=ids))
    if not parts:
        return None
    listing = Text()
    for i, part in enumerate(parts):
        listing.add("; " if i else "").extend(part)
    return lang.msg("Not checked in: {problems}.", problems=listing)


async def check_in(ctx: Context, current: SessionView, named: Named) -> Text:
    """A host's or an organiser's `!here` with people named: each one in the conference
    room is checked in to `current`; the reply says who was, who already was, and why the
    others were not."""
    now, key = ctx.clock.now(), current.key
    checked, already, gone = [], [], []
    for user_id in named.ids:
        if user_id == ctx.config.matrix.user_id:
            continue
        if ctx.services.is_member(user_id) is False:
            gone.append(user_id)
        elif await repository.check_in(ctx.store, key, user_id, now, repository.CheckInVia.COMMAND):
            checked.append(await name_of(ctx.store, user_id))
        else:
            already.append(await name_of(ctx.store, user_id))
    lang = ctx.lang
    name, also = session_name(current.session, await asker_zone(ctx), now, lang), lang.gettext("and")
    lines: list[Text] = []
    if checked:
        lines.append(
            Text(lang.gettext("Checked in to the session of {name}: {names}.", name=name, names=listed(checked, also)))
        )
    if already and checked:
        lines.append(Text(lang.gettext("Already checked in: {names}.", names=listed(already, also))))
    elif already:
        said = lang.gettext(
            "Already checked in to the session of {name}: {names}.", name=name, names=listed(already, also)
        )
        lines.append(Text(said))
    problems = _problems(ctx, named, gone)
    if problems is not None:
        lines.append(problems)
    if (checked or already) and current.phase is Phase.WAITING:
        start = Text().code(f"{ctx.prefix}start")
        lines.append(
            lang.msg("It waits for its host: they stay checked in when it is started with {start}.", start=start)
        )
    text = lines[0]
    for line in lines[1:]:
        text.line().extend(line)
    return text


async def refused(ctx: Context, named: Named) -> Text | None:
    """For someone who hosts no session: why the others they named were not checked in
    (None when they named only themselves)."""
    others = [await name_of(ctx.store, user_id) for user_id in named.ids if user_id != ctx.sender]
    others += [clean(typed, 64) for typed, _ in named.by_name]
    others += [f"“{clean(word, 64)}”" for word in named.not_ids]
    if not others:
        return None
    names, here = listed(others, ctx.lang.gettext("and")), Text().code(f"{ctx.prefix}here")
    return ctx.lang.nmsg(
        "Only a host of this session or an organiser can check others in, so {names} was not checked in: "
        "they can type {here} themselves, or react ✋ to the session's message.",
        "Only a host of this session or an organiser can check others in, so {names} were not checked in: "
        "they can type {here} themselves, or react ✋ to the session's message.",
        len(others),
        names=names,
        here=here,
    )


def how_to_name(ctx: Context, typed: str) -> Text | None:
    """For a host whose words after `!here` named nobody (they may have meant someone)."""
    if not any(c.isalpha() for c in typed):
        return None
    example = Text().code(f"{ctx.prefix}here {_example_id(ctx)}")
    return ctx.lang.msg("To check someone else in, give their Matrix ID: {example}.", example=example)
