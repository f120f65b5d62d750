"""Commands declared once, beside their handler, with usage, role, help and whether they
may be used in a direct-message room with the bot (`in_direct`: the asker's own or
read-only commands; the rest act on the conference and are used where everyone sees them).

    group = CommandGroup("topics")

    @group.command("vote", usage="N", help="Vote for topic N")
    async def vote(ctx: Context, topic: int) -> Reply: ...

    @group.command("topics", help="Open topics, most votes first", in_direct=True)
    async def list_topics(ctx: Context) -> Reply: ...

Arguments are converted from the handler's annotations: `int`, `str` (one word, quotes
allowed), `Rest` (the rest of the line), `Numbers` (one or more topic numbers as people
list them: `3 4`, `3, 4`, `#3 & #4`; usage `N [N…]`), `datetime.date` (YYYY-MM-DD),
`datetime.time` (one word: 17:00, 8am), and `Choice` subclasses of str with a fixed set of
values. A parameter with a default is optional.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import inspect
import re
import types
import typing
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from bot.core.model import Reply, Role
from bot.core.numbers import leading_numbers
from bot.core.text import clean
from bot.core.typed_time import TIME_EXAMPLES, read_time_of_day


class UsageError(Exception):
    """The command was called wrongly: the reply adds the usage line."""


class CommandError(Exception):
    """The command was understood but cannot be done; the message says why."""


class Rest(str):
    """Annotation: the rest of the line, as typed (trimmed)."""


class Numbers(tuple[int, ...]):
    """Annotation: the numbers the arguments start with (bot/core/numbers.py), each once,
    at most MAX_NUMBERS; a `Rest` after it takes the text after them."""


# How many numbers one command takes: a longer list is refused whole, with nothing done,
# since it is more likely a paste gone wrong than a wish.
MAX_NUMBERS = 20


Handler = Callable[..., Awaitable["Reply | list[Reply] | None"]]


@dataclass(frozen=True)
class Param:
    name: str
    kind: type
    optional: bool
    default: Any


@dataclass(frozen=True)
class CommandSpec:
    name: str
    usage: str
    role: Role
    help: str
    handler: Handler
    params: tuple[Param, ...]
    aliases: tuple[str, ...] = ()
    # The handler shows what the asker's role allows, so its ctx.role must be exact even
    # for a participant's command (a volunteer host is told about !start).
    role_aware: bool = False
    # Called as `refused(ctx)` when the asker's role is below `role`: a reply saying what
    # is true for them (a volunteer for a later session is a host, just not now), or None
    # for the plain "for hosts only".
    refused: Callable[..., Awaitable[Reply | None]] | None = None
    # Also carried out in a direct-message room with the bot: what is the asker's own or
    # only reads. Otherwise (acting on the conference, which everyone should see) only in
    # a conference room; a direct room answers with a pointer to it.
    in_direct: bool = False

    def usage_line(self, prefix: str) -> str:
        return f"{prefix}{self.name} {self.usage}".rstrip()

    @functools.cached_property
    def arg_labels(self) -> tuple[str, ...]:
        """Each argument as the usage line names it (`N`, `YYYY-MM-DD`), so an error
        speaks the reader's words; the parameter's own name where the line has none.
        Worked out once per command, not for every message. A last `Rest` is named by
        the usage line's words left for it (`TIME reason`: a time may take several words)."""
        # `[N…]` or `[,N…]` says the argument before it may be repeated: not one of its own.
        usage = re.sub(r"\[,?\s*\w+…\]", "", self.usage)
        words = usage.replace("[", " ").replace("]", " ").split()
        last = len(self.params) - 1
        if last >= 0 and len(words) > len(self.params) and self.params[last].kind is Rest:
            words = [*words[:last], " ".join(words[last:])]
        if len(words) != len(self.params):
            return tuple(p.name for p in self.params)
        return tuple(words)


@dataclass(frozen=True)
class ReactionSpec:
    """What a reaction with one of `keys` on a message anchored as `kind` does.
    The handler is called as `handler(ctx, ref, added)`; it runs with the reacting user's
    role and must itself check what it needs (a reaction has no usage line)."""

    kind: str
    keys: tuple[str, ...]
    handler: Callable[..., Awaitable[Reply | list[Reply] | None]]


@dataclass(frozen=True)
class Way:
    """A command someone may mean, as they would type it (`!remind off`), and what it does
    in their words ("to stop your reminders"), for a "did you mean"."""

    command: str
    args: str = ""
    does: str = ""

    def typed(self, prefix: str) -> str:
        return f"{prefix}{self.command} {self.args}".rstrip()


@dataclass(frozen=True)
class Meaning:
    """A word people reach for that is no command's name (`!join`, `!rsvp`). One that `acts`
    is carried out as the one command it means, without arguments (`!join` is `!link`); the
    others are answered with the commands they may mean, those the asker may use, before
    any near miss in spelling."""

    word: str
    ways: tuple[Way, ...]
    acts: bool = False


class CommandGroup:
    """The commands of one module, in the order they are declared."""

    def __init__(self, name: str):
        self.name = name
        self.commands: list[CommandSpec] = []
        self.reactions: list[ReactionSpec] = []

    def reaction(self, kind: str, *keys: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.reactions.append(ReactionSpec(kind, keys, handler))
            return handler

        return register

    def command(
        self,
        name: str,
        *,
        usage: str = "",
        role: Role = Role.PARTICIPANT,
        help: str,
        aliases: Iterable[str] = (),
        role_aware: bool = False,
        refused: Callable[..., Awaitable[Reply | None]] | None = None,
        in_direct: bool = False,
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.commands.append(
                CommandSpec(
                    name, usage, role, help, handler, _params(handler), tuple(aliases), role_aware, refused, in_direct
                )
            )
            return handler

        return register


class Registry:
    def __init__(self, groups: Iterable[CommandGroup], meanings: Iterable[Meaning] = ()):
        self.commands: dict[str, CommandSpec] = {}
        self._names: dict[str, CommandSpec] = {}
        self.reactions: dict[tuple[str, str], ReactionSpec] = {}
        # The words that act, by the command they run; those that only point, by word.
        self._acting: dict[str, list[str]] = {}
        self._pointers: dict[str, Meaning] = {}
        for group in groups:
            for reaction in group.reactions:
                for key in reaction.keys:
                    self.reactions[(reaction.kind, key)] = reaction
            for spec in group.commands:
                for name in (spec.name, *spec.aliases):
                    self._claim(name)
                    self._names[name] = spec
                self.commands[spec.name] = spec
        for meaning in meanings:
            self._add_meaning(meaning)

    def _claim(self, name: str) -> None:
        if name in self._names or name in self._pointers:
            raise ValueError(f"command {name!r} declared twice")

    def _add_meaning(self, meaning: Meaning) -> None:
        self._claim(meaning.word)
        for way in meaning.ways:
            if way.command not in self.commands:
                raise ValueError(f"{meaning.word!r} means {way.command!r}, which is no command")
        if not meaning.acts:
            self._pointers[meaning.word] = meaning
            return
        if len(meaning.ways) != 1 or meaning.ways[0].args:
            raise ValueError(f"{meaning.word!r} acts: it must mean one command, without arguments")
        spec = self.commands[meaning.ways[0].command]
        self._names[meaning.word] = spec
        self._acting.setdefault(spec.name, []).append(meaning.word)

    def reaction(self, kind: str, key: str) -> ReactionSpec | None:
        return self.reactions.get((kind, key))

    def get(self, name: str) -> CommandSpec | None:
        return self._names.get(name.lower())

    def visible_to(self, role: Role) -> list[CommandSpec]:
        return [spec for spec in self.commands.values() if spec.role <= role]

    def also(self, name: str) -> tuple[str, ...]:
        """The other names command `name` is carried out by: its aliases, and the words
        people reach for that run it (`!join` for `!link`)."""
        return (*self.commands[name].aliases, *self._acting.get(name, ()))

    def pointer(self, word: str) -> Meaning | None:
        """The meaning of a word that is no command but points to some (`!rsvp`)."""
        return self._pointers.get(word.lower())

    def suggest(self, name: str, role: Role) -> tuple[Way, ...]:
        """What someone who typed `name`, no command, may mean, among what `role` may use:
        by meaning first (`!stop`: `!remind off`, not `!topics`), then by spelling (a
        word that points spelt nearly right counts as itself); () if nothing comes close."""
        name = name.lower()
        meaning = self._pointers.get(name)
        if meaning is not None and (ways := self._usable(meaning, role)):
            return ways
        candidates = [n for n, spec in self._names.items() if spec.role <= role]
        candidates += [word for word, meaning in self._pointers.items() if self._usable(meaning, role)]
        close = difflib.get_close_matches(name[:64], candidates, n=1, cutoff=0.6)
        if not close:
            return ()
        if close[0] in self._pointers:
            return self._usable(self._pointers[close[0]], role)
        return (Way(self._names[close[0]].name),)

    def _usable(self, meaning: Meaning, role: Role) -> tuple[Way, ...]:
        return tuple(way for way in meaning.ways if self.commands[way.command].role <= role)


# --- argument conversion ----------------------------------------------------------------


class Choice(str):
    """Base for a str annotation with fixed values: subclass and set `values`."""

    values: tuple[str, ...] = ()


def _params(handler: Handler) -> tuple[Param, ...]:
    hints = typing.get_type_hints(handler)
    params = []
    for p in list(inspect.signature(handler).parameters.values())[1:]:  # skip ctx
        kind = hints.get(p.name, str)
        if isinstance(kind, types.UnionType) or typing.get_origin(kind) is typing.Union:
            kind = next(a for a in typing.get_args(kind) if a is not type(None))
        params.append(Param(p.name, kind, p.default is not inspect.Parameter.empty, p.default))
    return tuple(params)


_TOKEN = re.compile(r'\s*(?:"([^"]*)"|“([^”]*)”|(\S+))')


def _next_token(text: str) -> tuple[str, str] | None:
    m = _TOKEN.match(text)
    if not m or not text.strip():
        return None
    token = next(g for g in m.groups() if g is not None)
    return token, text[m.end() :]


_WHOLE_NUMBER = re.compile(r"#?\d{1,9}")


def convert(kind: type, token: str, name: str) -> Any:
    """`token` as a `kind`; `name` is the argument as the usage line shows it."""
    if kind is int and _WHOLE_NUMBER.fullmatch(token):
        return int(token.lstrip("#"))  # the common case first: `!vote 7`
    shown = clean(token, 40)
    if kind is int:
        if not re.fullmatch(r"#?\d{1,9}", token):
            if re.fullmatch(r"-#?\d+([.,]\d+)?", token):
                raise UsageError(f"{name}: {shown!r} is below zero; give a whole number such as 3")
            if re.fullmatch(r"#?\d+", token):
                raise UsageError(f"{name}: {shown!r} is too large")
            if re.fullmatch(r"#?\d+[.,]\d+", token):
                raise UsageError(f"{name}: {shown!r} is not a whole number")
            raise UsageError(f"{name}: {shown!r} is not a number")
        return int(token.lstrip("#"))
    if kind is dt.date:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", token):
            try:
                return dt.date.fromisoformat(token)
            except ValueError:
                pass
        raise UsageError(f"{name}: {shown!r} is not a date (YYYY-MM-DD)")
    if kind is dt.time:
        # One word, read as every time is (8am, 17:00, 08h00); a time of several words
        # ('8 am', '17:00 UTC') needs the handler to read a `Rest` with bot/core/typed_time.py.
        typed = read_time_of_day(token)
        if typed is None or typed.time is None or not typed.plain or typed.utc or typed.rest:
            raise UsageError(f"{name}: {shown!r} is not a time (like {TIME_EXAMPLES})")
        return typed.time
    if isinstance(kind, type) and issubclass(kind, Choice):
        value = token.lower()
        if value not in kind.values:
            # The usage line shows the choices themselves (`topics|attendance`).
            raise UsageError(f"{shown!r} is not one of {', '.join(kind.values)}")
        return kind(value)
    return token


def _missing(param: Param, label: str) -> str:
    if isinstance(param.kind, type) and issubclass(param.kind, Choice):
        return " or ".join(param.kind.values)
    return label


def _numbers(text: str, label: str, *, later_rest: bool) -> tuple[Numbers, str]:
    """The numbers `text` starts with, and the text after them; UsageError if it starts
    with none, or lists more than MAX_NUMBERS."""
    leading = leading_numbers(text)
    if not leading.numbers:
        token = _next_token(text)
        if token is None:
            raise UsageError(f"{label} is missing")
        convert(int, token[0], label)  # says what is wrong with it: below zero, too large...
        raise UsageError(f"{label}: {clean(token[0], 40)!r} is not a number")
    if len(leading.numbers) > MAX_NUMBERS:
        raise UsageError(
            f"at most {MAX_NUMBERS} numbers at once (you gave {len(leading.numbers)}); nothing was done. "
            "Send the rest in another message"
        )
    # With no free text to follow, a full stop or `!` after the list is no extra word.
    rest = leading.rest if later_rest else leading.rest.rstrip(".!?…")
    return Numbers(leading.numbers), rest


def parse_args(spec: CommandSpec, text: str) -> list[Any]:
    """Convert the argument text for `spec`, raising UsageError on any problem."""
    args: list[Any] = []
    if not spec.params:
        return args  # `!link please`: words after a command that takes none are not an error
    rest = text
    labels = spec.arg_labels
    for i, param in enumerate(spec.params):
        label = labels[i]
        if param.kind is Rest:
            value = rest.strip()
            if not value and not param.optional:
                raise UsageError(f"{label} is missing")
            args.append(Rest(value) if value else param.default)
            rest = ""
            continue
        if param.kind is Numbers:
            numbers, rest = _numbers(rest, label, later_rest=any(p.kind is Rest for p in spec.params[i + 1 :]))
            args.append(numbers)
            continue
        token = _next_token(rest)
        if token is None:
            if not param.optional:
                raise UsageError(f"{_missing(param, label)} is missing")
            args.append(param.default)
            continue
        value_text, remainder = token
        later_rest = any(p.kind is Rest for p in spec.params[i + 1 :])
        try:
            args.append(convert(param.kind, value_text, label))
        except UsageError:
            # An optional typed argument that doesn't fit is left for the free text after it
            # (`!cancel 2026-12-24 holidays`: no time given, "holidays" is the reason).
            if param.optional and later_rest:
                args.append(param.default)
                continue
            raise
        rest = remainder
    if rest.strip():
        raise UsageError(f"unexpected {clean(rest.strip(), 40)!r}")
    return args
