"""The topic numbers a command starts with, listed as people list them, and the text after
them: `3 4`, `3, 4`, `#3 #4`, `32 + 33 merged`, `32 & 33 and 34 merged into one`.

The leading numbers are the list; the rest (a note) starts at the first word that is not
a number. A `:` after the list ends it, so a note may itself start with a number
(`!discussed 7: 3 ideas kept`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A whole number of at most nine digits (no topic has more), `#` allowed, standing alone:
# not `3rd`, `3.5` or `#3#4`.
_NUMBER = re.compile(r"#?(\d{1,9})(?![\w#]|\.\d)")
# Between two numbers: spaces, or any run of `,` `+` `&` and the word `and`; but not a `+`
# glued to the number after it alone (`7 +1 from everyone` is a note that agrees).
_BETWEEN = re.compile(r"(?:\s*(?:[,&]|(?<!\s)\+|\+(?=\s)|(?i:and)(?!\w))\s*)+|\s+(?!\+)")
# What ends the list before the note: `,` or `:`.
_BEFORE_NOTE = re.compile(r"\A\s*[,:]?\s*")


@dataclass(frozen=True)
class Leading:
    numbers: tuple[int, ...]  # in the order typed, each once; empty when the text starts otherwise
    rest: str  # the text after them, trimmed


def leading_numbers(text: str) -> Leading:
    """The numbers `text` starts with and the text after them."""
    numbers: dict[int, None] = {}  # ordered, each number once
    found = _NUMBER.match(text, len(text) - len(text.lstrip()))
    end = 0
    while found:
        numbers[int(found.group(1))] = None
        end = found.end()
        between = _BETWEEN.match(text, end)
        found = _NUMBER.match(text, between.end()) if between else None
    if not numbers:
        return Leading((), text.strip())
    return Leading(tuple(numbers), _BEFORE_NOTE.sub("", text[end:], count=1).rstrip())
