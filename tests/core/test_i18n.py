"""bot/core/i18n.py: the languages as people name them, a translator's words (escaped, with
markup in placeholders, plurals by the catalog's own rule), and a catalog compiled in
memory when its .mo is missing or older than its .po."""

import datetime as dt
import os
import shutil

import pytest

from bot.core import i18n
from bot.core.i18n import english, translator
from bot.core.text import Text
from bot.devtools.catalogs import compile_all


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("pt", "pt-BR"),
        ("pt-BR", "pt-BR"),
        ("pt_BR", "pt-BR"),
        ("PT-br", "pt-BR"),
        ("português", "pt-BR"),
        ("Portugues", "pt-BR"),
        ("Portuguese", "pt-BR"),
        ("portugués", "pt-BR"),
        ("pt-PT", "pt-BR"),
        ("es", "es"),
        ("ES", "es"),
        ("español", "es"),
        ("Espanol", "es"),
        ("castellano", "es"),
        ("es-MX", "es"),
        ("espanhol", "es"),
        ("en", "en"),
        ("English", "en"),
        ("en-GB", "en"),
        ("inglés", "en"),
    ],
)
def test_languages_are_found_as_people_type_them(typed, code):
    found = i18n.language_of(typed)
    assert found is not None and found.code == code


@pytest.mark.parametrize("typed", ["fr", "français", "klingon", "", "  ", "x" * 300])
def test_a_language_the_bot_does_not_speak_is_none(typed):
    assert i18n.language_of(typed) is None


def test_the_first_language_spoken_of_those_preferred():
    assert i18n.best_of(["fr-FR", "pt-BR", "en"]).code == "pt-BR"
    assert i18n.best_of(["de", "fr"]) is None


def test_the_source_language_is_the_text_as_written():
    lang = english()
    assert lang.gettext("in {time}", time="5 minutes") == "in 5 minutes"
    assert lang.ngettext("host: {names}", "hosts: {names}", 2, names="A and B") == "hosts: A and B"


def test_placeholders_keep_their_markup_and_the_words_are_escaped():
    text = translator("es").msg("Unknown command {command}.", command=Text().code("!<b>"))
    assert text.plain == "No conozco el comando !<b>."
    assert text.html == "No conozco el comando <code>!&lt;b&gt;</code>."


def test_plurals_follow_the_catalogs_rule():
    pt, es = translator("pt-BR"), translator("es")
    # Portuguese counts 0 and 1 as one; Spanish only 1.
    assert pt.ngettext("host: {names}", "hosts: {names}", 0, names="") == "anfitrião: "
    assert es.ngettext("host: {names}", "hosts: {names}", 0, names="") == "anfitriones: "
    assert es.ngettext("host: {names}", "hosts: {names}", 1, names="Ana") == "anfitrión: Ana"


def test_dates_follow_the_catalogs_pattern_with_babels_names():
    at = dt.datetime(2026, 12, 10, 8, tzinfo=dt.UTC)
    assert translator("pt-BR").dated(at, "EEEE d MMMM y") == "quinta-feira, 10 de dezembro de 2026"
    assert english().dated(at, "EEEE d MMMM y") == "Thursday 10 December 2026"


def test_a_catalog_is_compiled_in_memory_when_its_mo_is_missing_or_stale(tmp_path):
    shutil.copytree(i18n.LOCALE_DIR, tmp_path / "locale", ignore=shutil.ignore_patterns("*.mo"))
    fresh = translator("es", tmp_path / "locale")
    assert fresh.gettext("now") == "ahora"
    list(compile_all(tmp_path / "locale"))
    po = tmp_path / "locale" / "es" / "LC_MESSAGES" / "ccc-bot.po"
    po.write_text(po.read_text("utf-8").replace('msgstr "ahora"', 'msgstr "ya"'), "utf-8")
    os.utime(po, (po.stat().st_mtime + 10,) * 2)
    i18n.load.cache_clear()
    assert translator("es", tmp_path / "locale").gettext("now") == "ya", "the .po edited after the .mo wins"
    i18n.load.cache_clear()
