"""bot/core/numbers.py: the topic numbers a command starts with, as people list them, and
the text after them."""

from __future__ import annotations

import pytest

from bot.core.numbers import leading_numbers


@pytest.mark.parametrize(
    ("text", "numbers", "rest"),
    [
        ("3", (3,), ""),
        ("#3", (3,), ""),
        ("3 4", (3, 4), ""),
        ("3, 4", (3, 4), ""),
        ("3,4", (3, 4), ""),
        ("#3 #4", (3, 4), ""),
        ("#3,#4", (3, 4), ""),
        ("35 36", (35, 36), ""),
        ("32 + 33 merged", (32, 33), "merged"),
        ("32+33 merged", (32, 33), "merged"),
        ("32 & 33 and 34 merged into one", (32, 33, 34), "merged into one"),
        ("32, 33, and 34", (32, 33, 34), ""),
        ("32 AND 33", (32, 33), ""),
        ("7 +1 from everyone", (7,), "+1 from everyone"),  # a "+1" that agrees is the note's
        ("7 ;=1+10", (7,), ";=1+10"),
        ("  7   we agreed to <share> notes  ", (7,), "we agreed to <share> notes"),
        ("7 -", (7,), "-"),
        ("7, 8: 3 ideas kept", (7, 8), "3 ideas kept"),  # a note that starts with a number
        ("7 and we agreed", (7,), "and we agreed"),  # "and" before words is the note's
        ("7, then lunch", (7,), "then lunch"),
        ("3 3 4 #3", (3, 4), ""),  # a number repeated counts once
    ],
)
def test_numbers_then_the_rest(text, numbers, rest):
    found = leading_numbers(text)
    assert (found.numbers, found.rest) == (numbers, rest)


@pytest.mark.parametrize("text", ["", "apples", "3rd time", "-3", "3.5", "#", "and 3", "1234567890"])
def test_no_leading_number(text):
    found = leading_numbers(text)
    assert found.numbers == ()
    assert found.rest == text.strip()
