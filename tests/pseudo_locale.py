"""A pseudo-locale, made at test time from the template (bot/locale/ccc-bot.pot): every
message with each ASCII letter swapped for an accented look-alike ('Ťĥé ñéẋţ šéššíóñ'),
so a word of plain ASCII letters in what the bot writes went through no catalog.

What stays as written: `{name}` placeholders, HTML tags and entities, `code spans`,
command names (`!vote`), UPPERCASE words (argument names as `TEXT`, `HH:MM`, `UTC`),
URLs, file names and config keys (`topics.json`, `conference.language`), and the Babel
date patterns (`EEEE d MMMM`). Its dates, countdowns and units are Babel's in Russian,
whose words have no ASCII letters either, so an English day or month name written by hand
shows as a leak too. tests/devtools/test_pseudo_locale.py uses it; LEAKS finds the words.
"""

from __future__ import annotations

import gettext
import html
import html.parser
import re
from collections.abc import Iterable
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.core.i18n import DOMAIN, LOCALE_DIR, Language, Translator

CODE = "qps"
# A language nobody can choose (not in i18n.LANGUAGES); Babel's words are Russian's.
PSEUDO = Language(CODE, "ru", "pseudo")

_ACCENTED = dict(
    zip(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "áƀçďéƒĝĥíĵķĺɱñóþʠŕšţúṽŵẋýžÁƁÇĎÉƑĜĤÍĴĶĹṀÑÓÞǪŔŠŤÚṼŴẊÝŽ",
        strict=True,
    )
)
# What a message keeps as written; the rest is accented.
_KEPT = re.compile(
    r"""\{[^{}]*\}            # a placeholder
      | <[^<>]*>             # an HTML tag
      | &\#?\w+;             # an HTML entity
      | `[^`]*`              # a code span
      | [!@#][\w.:/-]+       # a command (!vote), an ID, a topic number
      | https?://\S+         # a URL
      | \b[\w-]+\.[a-z][\w.]*\b  # a file name, a config key
      | \b[A-Z][A-Z0-9_]*\b  # an argument name (N, TEXT), UTC
    """,
    re.VERBOSE,
)
_DATE_PATTERN = re.compile(r"^[EMdyHmLc ,.:']+$")


def accented(message: str) -> str:
    """`message` with every letter accented but what it keeps (see the module's doc)."""
    if _DATE_PATTERN.match(message):
        return message
    out, at = [], 0
    for kept in _KEPT.finditer(message):
        out.append(message[at : kept.start()].translate(str.maketrans(_ACCENTED)))
        out.append(kept.group())
        at = kept.end()
    out.append(message[at:].translate(str.maketrans(_ACCENTED)))
    return "".join(out)


def build(directory: Path) -> Translator:
    """The pseudo-locale's catalog, compiled with Babel into `directory`, as a Translator."""
    with (LOCALE_DIR / f"{DOMAIN}.pot").open("rb") as f:
        catalog = read_po(f, locale="en", domain=DOMAIN)
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            message.string = tuple(accented(form) for form in message.id)
        else:
            message.string = accented(message.id)
    folder = directory / CODE / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    mo = folder / f"{DOMAIN}.mo"
    with mo.open("wb") as f:  # English's plural rule (two forms): the template's
        write_mo(f, catalog)
    with mo.open("rb") as f:
        return Translator(PSEUDO, gettext.GNUTranslations(f))


# --- the words that went through no catalog -------------------------------------------------

# What legitimately stays as typed, removed before the words are looked at.
_AS_TYPED = re.compile(
    r"""https?://\S+                      # a URL
      | [@!][\w.=-]+:[\w.-]+              # a Matrix user or room ID
      | [!#][\w-]+                        # a command name, a topic number
      | \b[A-Z][A-Za-z_]+/[A-Za-z_/+-]+   # a zone ID (Asia/Kolkata)
      | \b[\w-]+\.[a-z][\w.]*\b           # a file name, a config key
      | \b[A-Z][A-Z0-9_]+\b               # an argument name, UTC
      | \[[^\]\n]*\]                     # a usage line's optional argument: [note], [csv|json|md]
      | \b\w+(?:\|\w+)+\b                # a usage line's choices: topics|attendance
    """,
    re.VERBOSE,
)
_WORD = re.compile(r"(?<!\w)[A-Za-z]{2,}(?!\w)")


def leaks(text: str, typed: Iterable[str] = ()) -> list[str]:
    """The words of plain ASCII letters (two or more) in `text` once what people typed
    (`typed`: topics, notes, names, the conference's name) and what stays as typed are
    taken out, in order, each once."""
    text = _AS_TYPED.sub(" ", text)
    for words in sorted(typed, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(words)}(?!\w)", " ", text)
    return list(dict.fromkeys(_WORD.findall(text)))


class _Visible(html.parser.HTMLParser):
    """The words of a page a visitor reads: its text and its titles, alts and labels."""

    ATTRIBUTES = ("title", "alt", "aria-label", "placeholder", "content")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        named = dict(attrs)
        if tag == "meta" and named.get("name") not in ("description",):
            return
        self.parts.extend(value for name, value in attrs if name in self.ATTRIBUTES and value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def page_words(page: str) -> str:
    """What a visitor reads on an HTML page, as text."""
    parser = _Visible()
    parser.feed(page)
    return "\n".join(parser.parts)


_ICS_TEXT = ("SUMMARY", "DESCRIPTION", "LOCATION", "X-WR-CALNAME", "X-WR-CALDESC", "COMMENT")


def calendar_words(ics: str) -> str:
    """What a calendar shows of an .ics file: its texts' values, unfolded and unescaped."""
    unfolded = re.sub(r"\r?\n[ \t]", "", ics)
    values = []
    for line in unfolded.splitlines():
        name, _, value = line.partition(":")
        if name.split(";")[0] in _ICS_TEXT:
            values.append(re.sub(r"\\([,;\\])", r"\1", value).replace("\\n", "\n").replace("\\N", "\n"))
    return html.unescape("\n".join(values))
