"""The catalogs' upkeep (bot/core/i18n.py reads them): the template extracted from the code,
each language's `.po` brought up to it, and the `.po` files compiled to `.mo`.

    python -m bot.devtools.catalogs update    # after marking or changing texts: .pot and .po
    python -m bot.devtools.catalogs compile   # .po -> .mo (make install, check and test do it)

Compiling also writes each language's CLDR pieces (`bot/locale/<locale>/cldr.json`, read by
bot/core/cldr.py): what the bot writes dates, countdowns, cities and language names with,
looked up here with Babel's public functions so the bot never loads a whole locale.

What is extracted: the first argument of `gettext`, `msg`, `N_`, `pgettext`'s second, the
first two of `ngettext`/`nmsg`, `dated`'s pattern (its second); a `# Translators:` comment
just above goes along for the translators. Locations are file names only, so the template
changes when messages do, not when lines move.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytz
from babel import Locale
from babel.dates import get_timezone_location
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.numbers import get_decimal_symbol
from babel.units import format_unit

from bot.core import cldr
from bot.core.i18n import DOMAIN, ENGLISH, LANGUAGES, LOCALE_DIR, Language
from bot.core.zone_tables import UTC

ROOT = Path(__file__).resolve().parent.parent.parent
SOURCES = ("bot", "commands")
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "msg": None,
    "nmsg": (1, 2),
    "N_": None,
    "dated": (2,),
}
COMMENT_TAG = "Translators:"
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"
# The line of a template that changes at each extraction, whatever the messages.
_DATED = "POT-Creation-Date:"


def po_path(locale: str, directory: Path = LOCALE_DIR) -> Path:
    return directory / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract() -> Catalog:
    """The template: every marked text in bot/ and commands/, in the order of the files."""
    template = Catalog(project="ccc-bot", domain=DOMAIN, msgid_bugs_address="", fuzzy=False)
    for source in SOURCES:
        found = extract_from_dir(
            ROOT / source,
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
            comment_tags=(COMMENT_TAG,),
            strip_comment_tags=True,
        )
        for filename, lineno, message, comments, context in found:
            path = f"{source}/{Path(filename).as_posix()}"
            template.add(message, None, [(path, lineno)], auto_comments=comments, context=context)
    return template


def as_text(catalog: Catalog) -> str:
    out = io.BytesIO()
    write_po(out, catalog, width=100, include_lineno=False, ignore_obsolete=True, include_previous=False)
    return out.getvalue().decode("utf-8")


def without_date(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if _DATED not in line)


def template_is_current() -> bool:
    """The template in the repository holds what the code marks (its date aside)."""
    return TEMPLATE.exists() and without_date(TEMPLATE.read_text("utf-8")) == without_date(as_text(extract()))


def update() -> list[Path]:
    """Write the template if the code's texts changed, and bring each language's `.po` up
    to it: new texts untranslated, changed ones fuzzy (the old translation to review),
    gone ones dropped. The files written."""
    template = extract()
    written = []
    if not template_is_current():
        TEMPLATE.parent.mkdir(parents=True, exist_ok=True)
        TEMPLATE.write_text(as_text(template), "utf-8")
        written.append(TEMPLATE)
    for language in LANGUAGES:
        if language is ENGLISH:
            continue
        path = po_path(language.locale)
        if path.exists():
            with path.open("rb") as f:
                catalog = read_po(f, locale=language.locale, domain=DOMAIN)
        else:
            catalog = Catalog(locale=language.locale, domain=DOMAIN, project="ccc-bot", fuzzy=False)
        before = path.read_text("utf-8") if path.exists() else ""
        catalog.update(template)
        after = as_text(catalog)
        # A new creation date alone is no change: the file is left as it is (a hand-edited
        # one is written back as the tools write it).
        if without_date(after) != without_date(before) or not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(after, "utf-8")
            written.append(path)
    return written


def compile_all(directory: Path = LOCALE_DIR) -> Iterator[Path]:
    """Each language's `.po` compiled to its `.mo` (fuzzy translations left out, as unsure)."""
    for language in LANGUAGES:
        if language is ENGLISH:
            continue
        po = po_path(language.locale, directory)
        with po.open("rb") as f:
            catalog = read_po(f, locale=language.locale, domain=DOMAIN)
        with po.with_suffix(".mo").open("wb") as f:
            write_mo(f, catalog)
        yield po.with_suffix(".mo")


def date_patterns() -> list[str]:
    """The CLDR patterns the code gives `dated` (English, as in the code)."""
    found = []
    for source in SOURCES:
        for _filename, _lineno, message, _comments, _context in extract_from_dir(
            ROOT / source, method_map=[("**.py", "python")], keywords={"dated": (2,)}
        ):
            if isinstance(message, str) and message not in found:
                found.append(message)
    return found


def _translated(patterns: list[str], language: Language, directory: Path) -> list[str]:
    """`patterns` and their translations in `language`'s `.po`, as its `.mo` gives them
    (a fuzzy or empty translation leaves the English)."""
    if language is ENGLISH:
        return list(patterns)
    with po_path(language.locale, directory).open("rb") as f:
        catalog = read_po(f, locale=language.locale, domain=DOMAIN)
    said = list(patterns)
    for pattern in patterns:
        message = catalog.get(pattern)
        if message is not None and message.string and not message.fuzzy and isinstance(message.string, str):
            said.append(message.string)
    return said


def cldr_pieces(language: Language, patterns: list[str]) -> dict[str, object]:
    """What bot/core/cldr.py reads for `language`, from Babel's public functions."""
    locale = Locale.parse(language.locale)
    plurals, units = {}, {}
    for n in range(cldr.UNIT_NUMBERS):
        category = locale.plural_form(n)
        if category != "other":
            plurals[str(n)] = category
    samples: dict[str, int] = {}
    for n in range(cldr.UNIT_NUMBERS):
        samples.setdefault(locale.plural_form(n), n)
    for unit in cldr.UNITS:
        units[unit] = {
            category: format_unit(n, f"duration-{unit}", length="long", locale=locale).replace(str(n), "{0}", 1)
            for category, n in samples.items()
        }
    zones = sorted(set(pytz.all_timezones) - {UTC})
    cities = {}
    for zone in zones:
        city = get_timezone_location(zone, locale, return_city=True)
        if city != zone.rpartition("/")[2].replace("_", " "):
            cities[zone] = city
    kept = {pattern: written for pattern in patterns if (written := cldr.date_format(pattern)) is not None}
    return {
        "days": {width: [locale.days["format"][width][i] for i in range(7)] for width in ("wide", "abbreviated")},
        "months": {
            width: [locale.months["format"][width][i] for i in range(1, 13)] for width in ("wide", "abbreviated")
        },
        "patterns": kept,
        "plurals": plurals,
        "units": units,
        "zones": zones,
        "cities": cities,
        "decimal": get_decimal_symbol(locale),
        "languages": {
            other.code: [
                name
                for name in (
                    locale.languages.get(Locale.parse(other.locale).language),
                    Locale.parse(other.locale).get_display_name(locale),
                )
                if name
            ]
            for other in LANGUAGES
        },
    }


def write_cldr_pieces(directory: Path = LOCALE_DIR) -> Iterator[Path]:
    """Each language's CLDR pieces written beside its catalog."""
    patterns = date_patterns()
    for language in LANGUAGES:
        path = cldr.path_of(language.locale, directory)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = cldr_pieces(language, _translated(patterns, language, directory))
        path.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=0) + "\n", "utf-8")
        yield path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.devtools.catalogs", description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=("update", "compile"))
    action = parser.parse_args(argv).action
    done = update() if action == "update" else [*compile_all(), *write_cldr_pieces()]
    for path in done:
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
