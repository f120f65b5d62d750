"""The languages the bot speaks, and its words in each: gettext catalogs made with Babel.

English is the source: the texts in the code are English, marked for translation, and
bot/locale/ holds the template (`ccc-bot.pot`) and one `.po` file per other language
(`es`, `pt_BR`). A `.po` file is compiled to `.mo` by `make install`, `make check`/`make
test` and the Docker build (bot/devtools/catalogs.py); a `.mo` that is missing or older
than its `.po` (a checkout installed without make, a `.po` just edited) is compiled from
the `.po` in memory when loaded, so what people read is never out of date. Plural rules
are the catalogs' own (their `Plural-Forms` header, as Babel writes it from CLDR).

A `Translator` is one language: `gettext`/`ngettext`/`pgettext` give a string, `msg`/
`nmsg` a `Text` whose placeholders may be pieces with markup (`{command}` as code); the
placeholders are `{name}`, filled by keyword. Translations go through `Text` like any
other words, so they are escaped. A person's language is read by the dispatcher into the
command's Context (`ctx.lang`); rooms speak `conference.language` (`room_language`).
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import io
import logging
import string
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from babel import Locale, UnknownLocaleError

from bot.core import cldr
from bot.core.text import Text

if TYPE_CHECKING:
    from bot.core.config import Config

log = logging.getLogger(__name__)

DOMAIN = "ccc-bot"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


@dataclass(frozen=True)
class Language:
    """A language the bot speaks: `code` as people type it and the config takes it
    (`pt-BR`), `locale` as gettext and Babel name it (`pt_BR`), and its own name."""

    code: str
    locale: str
    name: str


ENGLISH = Language("en", "en", "English")
# In the order they are listed to people; the first is the source language.
LANGUAGES: tuple[Language, ...] = (
    ENGLISH,
    Language("es", "es", "español"),
    Language("pt-BR", "pt_BR", "português"),
)
_BY_CODE = {language.code: language for language in LANGUAGES}


def _folded(text: str) -> str:
    """'Português' -> 'portugues', 'pt-BR' -> 'pt_br': how typed names are compared."""
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return " ".join(plain.casefold().replace("-", "_").strip(" \"'`“”‘’«».,;:!?()").split())


@functools.cache
def _names() -> dict[str, Language]:
    """Every way a language is typed, folded: its code and locale, its own name, and its
    name in each language the bot speaks as CLDR gives it ('portugués', 'espanhol',
    'Spanish'), with and without its country (bot/core/cldr.py)."""
    names: dict[str, Language] = {}
    for language in LANGUAGES:
        locale = Locale.parse(language.locale)
        names[_folded(language.code)] = names[_folded(language.locale)] = language
        names[_folded(locale.language)] = language
        names[_folded(language.name)] = language
        for other in LANGUAGES:
            for name in cldr.language_names(language.locale, other.locale):
                names.setdefault(_folded(name), language)
    names.update({_folded(w): _BY_CODE["es"] for w in ("castellano", "castelhano")})
    names.update({_folded(w): _BY_CODE["pt-BR"] for w in ("brasileiro", "portugues do brasil", "pt_pt")})
    return names


def language_of(typed: str) -> Language | None:
    """The language `typed` names, as people type it: `pt`, `pt-BR`, `pt_br`, `português`,
    `portugues`, `Portuguese`, `es`, `español`, `espanol`, `es-MX`, `en`, `english`
    (case and accents aside); None if it names none the bot speaks."""
    folded = _folded(typed)
    found = _names().get(folded)
    if found is not None or not folded:
        return found
    try:  # a locale the bot has not as such: `es_AR`, `en-GB`, `pt-PT` speak its language
        parsed = Locale.parse(folded.replace(" ", "_"))
    except (ValueError, UnknownLocaleError):
        return None
    return _names().get(parsed.language)


def best_of(preferred: Iterable[str]) -> Language | None:
    """The first of `preferred` (e.g. an Accept-Language's tags, best first) the bot speaks."""
    return next((found for tag in preferred if (found := language_of(tag)) is not None), None)


def listing() -> str:
    """'en (English), es (español), pt-BR (português)': for an error on a language."""
    return ", ".join(f"{language.code} ({language.name})" for language in LANGUAGES)


# --- a language's words -------------------------------------------------------------------


class Translator:
    """The bot's words in one language. `{name}` placeholders are filled by keyword;
    `ngettext`/`nmsg` fill `{n}` with the count too."""

    def __init__(self, language: Language, catalog: gettext.NullTranslations) -> None:
        self.language = language
        self.locale = Locale.parse(language.locale)
        self._catalog = catalog

    @property
    def code(self) -> str:
        return self.language.code

    def gettext(self, message: str, /, **values: object) -> str:
        said = self._catalog.gettext(message)
        return said.format(**values) if values else said

    def ngettext(self, singular: str, plural: str, n: int, /, **values: object) -> str:
        return self._catalog.ngettext(singular, plural, n).format(n=n, **values)

    def pgettext(self, context: str, message: str, /, **values: object) -> str:
        said = self._catalog.pgettext(context, message)
        return said.format(**values) if values else said

    def msg(self, message: str, /, **parts: str | int | Text) -> Text:
        """The message as a `Text`: each `{name}` filled with its part, a `Text` keeping its
        markup (`command=Text().code("!help")`), anything else added as words (escaped)."""
        return filled(self._catalog.gettext(message), parts)

    def nmsg(self, singular: str, plural: str, n: int, /, **parts: str | int | Text) -> Text:
        return filled(self._catalog.ngettext(singular, plural, n), {"n": n, **parts})

    def dated(self, at: dt.datetime, pattern: str) -> str:
        """`at` written with a Babel (CLDR) pattern in this language: 'EEEE d MMMM' reads
        'Thursday 10 December', 'jueves, 10 de diciembre'. The pattern is the catalog's."""
        return cldr.format_date(at, self.gettext(pattern), self.language.locale)


def N_(message: str) -> str:
    """Marks `message` for the catalogs where it is defined (a table, a command's help),
    translated where it is shown: `lang.gettext(HELP)`."""
    return message


def filled(template: str, parts: dict[str, str | int | Text]) -> Text:
    """`template` with its `{name}` placeholders replaced by `parts`, as a `Text`."""
    text = Text()
    for literal, field, spec, _conversion in string.Formatter().parse(template):
        if literal:
            text.add(literal)
        if field is None:
            continue
        part = parts[field]
        if isinstance(part, Text):
            text.extend(part)
        else:
            text.add(format(part, spec or ""))
    return text


def _catalog_of(language: Language, directory: Path) -> gettext.NullTranslations:
    """The compiled catalog of `language`: its `.mo`, or its `.po` compiled in memory when
    the `.mo` is missing or older (none for the source language: the texts themselves)."""
    if language is ENGLISH:
        return gettext.NullTranslations()
    folder = directory / language.locale / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as f:
            return gettext.GNUTranslations(f)
    log.info("%s is not compiled: compiling it in memory (make install compiles the catalogs)", po)
    from babel.messages.mofile import write_mo  # only here: Babel's catalog code is big
    from babel.messages.pofile import read_po

    with po.open("rb") as f:
        catalog = read_po(f, locale=language.locale, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


# Languages only tests speak, by code (tests/pseudo_locale.py registers a pseudo-locale
# whose every word is accented, to find words that went through no catalog). Not in
# LANGUAGES, so neither `!lang` nor `conference.language` can name one; empty in the bot.
TEST_LANGUAGES: dict[str, Translator] = {}


def translator(code: str, directory: Path = LOCALE_DIR) -> Translator:
    """The translator of a language by its code ('pt-BR'), loaded once (catalogs are data
    shipped with the code, read-only); an unknown code is an error of the caller's."""
    return TEST_LANGUAGES.get(code) or load(code, directory)


@functools.cache
def load(code: str, directory: Path = LOCALE_DIR) -> Translator:
    """The translator of a language of LANGUAGES from the catalogs in `directory`."""
    language = _BY_CODE[code]
    return Translator(language, _catalog_of(language, directory))


def english() -> Translator:
    """The source language: the texts as written in the code."""
    return translator(ENGLISH.code)


def room_language(config: Config) -> Translator:
    """The language the rooms speak (`conference.language`): announcements, the agenda,
    summaries, what everyone reads."""
    return translator(config.conference.language)
