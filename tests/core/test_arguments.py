"""bot/core/arguments.py: a command's arguments converted from the handler's annotations,
named in errors as the usage line names them."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from bot.core.arguments import MAX_NUMBERS, Choice, Numbers, Rest, UsageError, convert, parse_args
from bot.core.registry import CommandGroup


def _spec(handler, usage: str = "..."):
    group = CommandGroup("t")
    group.command("x", usage=usage, help="h")(handler)
    return group.commands[0]


class Kind(Choice):
    values = ("topics", "attendance")


def test_argument_conversion():
    async def handler(ctx, n: int, day: dt.date, at: dt.time | None = None, note: Rest = ""): ...

    spec = _spec(handler)
    assert parse_args(spec, "#7 2026-12-24 17:00 see you") == [7, dt.date(2026, 12, 24), dt.time(17), "see you"]
    # an optional typed argument that does not fit is left for the free text
    assert parse_args(spec, "7 2026-12-24 holidays") == [7, dt.date(2026, 12, 24), None, "holidays"]
    assert parse_args(spec, "7 2026-12-24") == [7, dt.date(2026, 12, 24), None, ""]
    for bad, message in (
        ("", "n is missing"),
        ("seven 2026-12-24", "'seven' is not a number"),
        ("7 2026-13-01", "not a date"),
        ("7 24.12.2026", "not a date"),
    ):
        with pytest.raises(UsageError, match=message):
            parse_args(spec, bad)


def test_quoted_and_extra_arguments():
    async def handler(ctx, zone: str): ...

    spec = _spec(handler)
    assert parse_args(spec, '"America/New_York"') == ["America/New_York"]
    assert parse_args(spec, "“New York”") == ["New York"], "typographic quotes, as phones type them"
    with pytest.raises(UsageError, match="unexpected 'extra'"):
        parse_args(spec, "UTC extra")


@pytest.mark.parametrize(
    ("kind", "token", "value"),
    [
        (int, "42", 42),
        (int, "#42", 42),
        (int, "007", 7),
        (dt.time, "7:05", dt.time(7, 5)),
        (dt.time, "23:59", dt.time(23, 59)),
        (dt.time, "5pm", dt.time(17)),
        (dt.time, "08h00", dt.time(8)),
        (dt.date, "2028-02-29", dt.date(2028, 2, 29)),
        (Kind, "Topics", "topics"),
        (str, "<b>as typed</b>", "<b>as typed</b>"),
    ],
)
def test_convert_accepts(kind, token, value):
    assert convert(kind, token, "X") == value


@pytest.mark.parametrize(
    ("kind", "token", "message"),
    [
        (int, "-3", "N: '-3' is below zero; give a whole number such as 3"),
        (int, "1234567890", "N: '1234567890' is too large"),  # ten digits: no topic has such a number
        (int, "3.5", "N: '3.5' is not a whole number"),
        (int, "3,5", "is not a whole number"),
        (int, "three", "N: 'three' is not a number"),
        (dt.time, "24:00", "N: '24:00' is not a time (like 8am, 5.30pm, 17:00 or 17:00 UTC)"),
        (dt.time, "08:60", "is not a time"),
        (dt.time, "0800", "is not a time"),
        (dt.date, "2027-02-29", "N: '2027-02-29' is not a date (YYYY-MM-DD)"),
        (dt.date, "26/11/2026", "is not a date"),
        (Kind, "people", "'people' is not one of topics, attendance"),
    ],
)
def test_convert_refuses_in_the_usage_lines_words(kind, token, message):
    with pytest.raises(UsageError, match=re.escape(message)):
        convert(kind, token, "N")


def test_a_refused_value_is_shown_cleaned_and_cut():
    with pytest.raises(UsageError) as e:
        convert(int, "x" * 100 + "\u202e", "N")
    assert "\u202e" not in str(e.value) and len(str(e.value)) < 80 and "…" in str(e.value)


def test_missing_and_optional_arguments():
    async def export(ctx, kind: Kind, note: Rest): ...

    spec = _spec(export, usage="topics|attendance TEXT")
    with pytest.raises(UsageError, match=r"^topics or attendance is missing$"):
        parse_args(spec, "")
    with pytest.raises(UsageError, match=r"^TEXT is missing$"):
        parse_args(spec, "topics   ")
    assert parse_args(spec, "ATTENDANCE  two  words ") == ["attendance", "two  words"]

    async def history(ctx, count: int = 10): ...

    spec = _spec(history, usage="[N]")
    assert parse_args(spec, "") == [10]
    assert parse_args(spec, "3") == [3]
    with pytest.raises(UsageError, match="N: 'lots' is not a number"):
        parse_args(spec, "lots")  # an optional argument with no free text after it must fit


def test_a_command_without_arguments_ignores_extra_words():
    async def link(ctx): ...

    assert parse_args(_spec(link, usage=""), "please, and thanks") == []


def test_several_numbers_then_the_rest():
    async def discussed(ctx, topics: Numbers, note: Rest | None = None): ...

    spec = _spec(discussed, usage="N[,N…] [note]")
    assert spec.arg_labels == ("N", "note"), "the repeat mark names no argument of its own"
    assert parse_args(spec, "35 36") == [(35, 36), None]
    assert parse_args(spec, "32 + 33 merged") == [(32, 33), "merged"]
    assert parse_args(spec, "#7") == [(7,), None]
    for bad, message in (
        ("", "^N is missing$"),
        ("apples", "^N: 'apples' is not a number$"),
        ("-3 oops", "below zero"),
        ("1234567890", "too large"),
    ):
        with pytest.raises(UsageError, match=message):
            parse_args(spec, bad)

    async def vote(ctx, topics: Numbers): ...

    spec = _spec(vote, usage="N [N…]")
    assert spec.arg_labels == ("N",)
    assert parse_args(spec, "3, 4") == [(3, 4)]
    assert parse_args(spec, "3 and 4.") == [(3, 4)], "a full stop at the end is no extra word"
    with pytest.raises(UsageError, match="unexpected 'apples'"):
        parse_args(spec, "3 4 apples")


def test_a_list_longer_than_the_cap_is_refused_whole():
    async def vote(ctx, topics: Numbers): ...

    spec = _spec(vote, usage="N [N…]")
    most = " ".join(str(n) for n in range(1, MAX_NUMBERS + 1))
    assert parse_args(spec, most) == [tuple(range(1, MAX_NUMBERS + 1))]
    assert parse_args(spec, most + " 1") == [tuple(range(1, MAX_NUMBERS + 1))], "a repeat counts once"
    with pytest.raises(UsageError, match=rf"at most {MAX_NUMBERS} numbers at once \(you gave {MAX_NUMBERS + 1}\)"):
        parse_args(spec, f"{most} {MAX_NUMBERS + 1}")


# --- usage lines and their labels ---------------------------------------------------------


def test_usage_labels_come_from_the_usage_line_or_else_the_parameter_names():
    async def cancel(ctx, day: dt.date, at: dt.time | None = None, reason: Rest = ""): ...

    spec = _spec(cancel, usage="YYYY-MM-DD [HH:MM] [reason]")
    assert spec.arg_labels == ("YYYY-MM-DD", "HH:MM", "reason")
    assert spec.usage_line("!") == "!x YYYY-MM-DD [HH:MM] [reason]"
    assert _spec(cancel, usage="DAY").arg_labels == ("day", "at", "reason"), "words and arguments differ"

    async def link(ctx): ...

    assert _spec(link, usage="").usage_line("ccc: ") == "ccc: x", "no trailing space"


def test_every_usage_line_names_each_argument():
    """Errors name an argument as its usage line does, so each usage line must have one
    word per argument, in order (a last `Rest`: the words left)."""
    from commands import build_registry

    for spec in build_registry().commands.values():
        assert len(spec.arg_labels) == len(spec.params), spec.name
        # `[N…]` or `[,N…]` after an argument says it may be repeated; it is no argument itself.
        usage = re.sub(r"\[,?\s*\w+…\]", "", spec.usage)
        words = usage.replace("[", " ").replace("]", " ").split()
        assert " ".join(spec.arg_labels) == " ".join(words), spec.name


def test_a_last_rest_is_named_by_the_words_left_for_it():
    async def cancel(ctx, day: dt.date, rest: Rest = Rest("")): ...

    assert _spec(cancel, usage="YYYY-MM-DD [TIME] [reason]").arg_labels == ("YYYY-MM-DD", "TIME reason")


def test_parameters_follow_the_handlers_annotations():
    async def handler(ctx, n: int, plain, at: dt.time | None = None): ...

    params = _spec(handler).params
    assert [(p.name, p.kind, p.optional) for p in params] == [
        ("n", int, False),
        ("plain", str, False),  # no annotation: one word
        ("at", dt.time, True),  # `X | None` is an optional X
    ]
    assert params[2].default is None
