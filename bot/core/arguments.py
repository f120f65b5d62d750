"""A command's arguments, from the text after its name to the values its handler takes:
converted by the handler's annotations (`int`, `str` one word with quotes allowed, `Rest`
the rest of the line, `Numbers` the topic numbers as people list them, `datetime.date`,
`datetime.time`, `Choice` subclasses), named in errors as the usage line names them."""

from __future__ import annotations

import datetime as dt
import inspect
import re
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from bot.core.i18n import Translator, english
from bot.core.numbers import leading_numbers
from bot.core.text import clean
from bot.core.typed_time import TIME_EXAMPLES, read_time_of_day


class UsageError(Exception):
    """The command was called wrongly: the reply adds the usage line."""


class Rest(str):
    """Annotation: the rest of the line, as typed (trimmed)."""


class Numbers(tuple[int, ...]):
    """Annotation: the numbers the arguments start with (bot/core/numbers.py), each once,
    at most MAX_NUMBERS; a `Rest` after it takes the text after them."""


# How many numbers one command takes: a longer list is refused whole, with nothing done,
# since it is more likely a paste gone wrong than a wish.
MAX_NUMBERS = 20


@dataclass(frozen=True)
class Param:
    name: str
    kind: type
    optional: bool
    default: Any


class Parsing(Protocol):
    """What parse_args needs of a command: its parameters and their names in its usage."""

    @property
    def params(self) -> tuple[Param, ...]: ...

    @property
    def arg_labels(self) -> tuple[str, ...]: ...


def labels_of(usage: str, params: tuple[Param, ...]) -> tuple[str, ...]:
    """Each argument as the usage line names it (`N`, `YYYY-MM-DD`), so an error speaks
    the reader's words; the parameter's own name where the line has none. A last `Rest`
    is named by the usage line's words left for it (`TIME reason`: a time may take several
    words)."""
    # `[N…]` or `[,N…]` says the argument before it may be repeated: not one of its own.
    usage = re.sub(r"\[,?\s*\w+…\]", "", usage)
    words = usage.replace("[", " ").replace("]", " ").split()
    last = len(params) - 1
    if last >= 0 and len(words) > len(params) and params[last].kind is Rest:
        words = [*words[:last], " ".join(words[last:])]
    if len(words) != len(params):
        return tuple(p.name for p in params)
    return tuple(words)


class Choice(str):
    """Base for a str annotation with fixed values: subclass and set `values`."""

    values: tuple[str, ...] = ()


def params_of(handler: Callable[..., Any]) -> tuple[Param, ...]:
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


def convert(kind: type, token: str, name: str, lang: Translator | None = None) -> Any:
    """`token` as a `kind`; `name` is the argument as the usage line shows it. Errors are
    in `lang` (English by default); argument names and typed values stay as they are."""
    if kind is int and _WHOLE_NUMBER.fullmatch(token):
        return int(token.lstrip("#"))  # the common case first: `!vote 7`
    lang = lang or english()
    # The value as typed, quoted: 'abc'.
    shown = repr(clean(token, 40))
    if kind is int:
        if not re.fullmatch(r"#?\d{1,9}", token):
            if re.fullmatch(r"-#?\d+([.,]\d+)?", token):
                raise UsageError(
                    lang.gettext("{name}: {value} is below zero; give a whole number such as 3", name=name, value=shown)
                )
            if re.fullmatch(r"#?\d+", token):
                raise UsageError(lang.gettext("{name}: {value} is too large", name=name, value=shown))
            if re.fullmatch(r"#?\d+[.,]\d+", token):
                raise UsageError(lang.gettext("{name}: {value} is not a whole number", name=name, value=shown))
            raise UsageError(lang.gettext("{name}: {value} is not a number", name=name, value=shown))
        return int(token.lstrip("#"))
    if kind is dt.date:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", token):
            try:
                return dt.date.fromisoformat(token)
            except ValueError:
                pass
        raise UsageError(lang.gettext("{name}: {value} is not a date (YYYY-MM-DD)", name=name, value=shown))
    if kind is dt.time:
        # One word, read as every time is (8am, 17:00, 08h00); a time of several words
        # ('8 am', '17:00 UTC') needs the handler to read a `Rest` with bot/core/typed_time.py.
        typed = read_time_of_day(token)
        if typed is None or typed.time is None or not typed.plain or typed.utc or typed.rest:
            examples = lang.gettext(TIME_EXAMPLES)
            raise UsageError(
                lang.gettext(
                    "{name}: {value} is not a time (like {examples})", name=name, value=shown, examples=examples
                )
            )
        return typed.time
    if isinstance(kind, type) and issubclass(kind, Choice):
        value = token.lower()
        if value not in kind.values:
            # The usage line shows the choices themselves (`topics|attendance`).
            choices = ", ".join(kind.values)
            raise UsageError(lang.gettext("{value} is not one of {choices}", value=shown, choices=choices))
        return kind(value)
    return token


def _missing(param: Param, label: str, lang: Translator) -> str:
    """'TEXT is missing', or for a choice 'topics or attendance is missing'."""
    if isinstance(param.kind, type) and issubclass(param.kind, Choice) and len(param.kind.values) > 1:
        *first, last = param.kind.values
        # Translators: the last of several choices or commands: 'topics or attendance'.
        label = lang.gettext("{first} or {last}", first=", ".join(first), last=last)
    elif isinstance(param.kind, type) and issubclass(param.kind, Choice):
        label = param.kind.values[0]
    # Translators: NAME is an argument as the usage line names it (TEXT, N, YYYY-MM-DD).
    return lang.gettext("{name} is missing", name=label)


def _numbers(text: str, label: str, lang: Translator, *, later_rest: bool) -> tuple[Numbers, str]:
    """The numbers `text` starts with, and the text after them; UsageError if it starts
    with none, or lists more than MAX_NUMBERS."""
    leading = leading_numbers(text)
    if not leading.numbers:
        token = _next_token(text)
        if token is None:
            raise UsageError(lang.gettext("{name} is missing", name=label))
        convert(int, token[0], label, lang)  # says what is wrong with it: below zero, too large...
        raise UsageError(lang.gettext("{name}: {value} is not a number", name=label, value=repr(clean(token[0], 40))))
    if len(leading.numbers) > MAX_NUMBERS:
        raise UsageError(
            lang.gettext(
                "at most {most} numbers at once (you gave {given}); nothing was done. Send the rest in another message",
                most=MAX_NUMBERS,
                given=len(leading.numbers),
            )
        )
    # With no free text to follow, a full stop or `!` after the list is no extra word.
    rest = leading.rest if later_rest else leading.rest.rstrip(".!?…")
    return Numbers(leading.numbers), rest


def parse_args(spec: Parsing, text: str, lang: Translator | None = None) -> list[Any]:
    """Convert the argument text for `spec`, raising UsageError on any problem (worded in
    `lang`, English by default)."""
    lang = lang or english()
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
                raise UsageError(lang.gettext("{name} is missing", name=label))
            args.append(Rest(value) if value else param.default)
            rest = ""
            continue
        if param.kind is Numbers:
            numbers, rest = _numbers(rest, label, lang, later_rest=any(p.kind is Rest for p in spec.params[i + 1 :]))
            args.append(numbers)
            continue
        token = _next_token(rest)
        if token is None:
            if not param.optional:
                raise UsageError(_missing(param, label, lang))
            args.append(param.default)
            continue
        value_text, remainder = token
        later_rest = any(p.kind is Rest for p in spec.params[i + 1 :])
        try:
            args.append(convert(param.kind, value_text, label, lang))
        except UsageError:
            # An optional typed argument that doesn't fit is left for the free text after it
            # (`!cancel 2026-12-24 holidays`: no time given, "holidays" is the reason).
            if param.optional and later_rest:
                args.append(param.default)
                continue
            raise
        rest = remainder
    if rest.strip():
        raise UsageError(lang.gettext("unexpected {value}", value=repr(clean(rest.strip(), 40))))
    return args
