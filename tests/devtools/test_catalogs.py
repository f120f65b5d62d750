"""The catalogs are complete and current: the template holds what the code marks (run
`make messages` after marking texts), each language translates every message of it, with
the same placeholders as the English, and compiles."""

import string

import pytest
from babel.messages.pofile import read_po

from bot.core.i18n import DOMAIN, ENGLISH, LANGUAGES
from bot.devtools import catalogs

OTHERS = [language for language in LANGUAGES if language is not ENGLISH]


def fields(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def test_the_template_is_current_with_the_code():
    assert catalogs.template_is_current(), "texts were marked or changed: run `make messages`, then translate them"


@pytest.mark.parametrize("language", OTHERS, ids=lambda language: language.code)
def test_every_message_is_translated_with_the_placeholders_of_the_english(language):
    with catalogs.TEMPLATE.open("rb") as f:
        template = read_po(f)
    with catalogs.po_path(language.locale).open("rb") as f:
        catalog = read_po(f, locale=language.locale, domain=DOMAIN)
    missing, wrong = [], []
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id, context=message.context)
        said = found and (found.string if isinstance(found.string, tuple) else (found.string,))
        if found is None or found.fuzzy or not said or not all(said):
            missing.append(message.id)
            continue
        english = set().union(*(fields(m) for m in (message.id if isinstance(message.id, tuple) else (message.id,))))
        for form in said:
            # A plural form may leave the count out ('un voto'), never add or drop another.
            if fields(form) - {"n"} != english - {"n"} or not fields(form) <= english:
                wrong.append((message.id, form))
    assert not missing, f"{language.code} lacks (run `make messages`, then translate): {missing}"
    assert not wrong, f"{language.code} has other placeholders than the English: {wrong}"
    assert catalog.plural_forms, "the plural rule comes from the catalog's header"


def test_the_catalogs_compile(tmp_path):
    import shutil

    shutil.copytree(catalogs.LOCALE_DIR, tmp_path / "locale")
    assert len(list(catalogs.compile_all(tmp_path / "locale"))) == len(OTHERS)


def test_updating_current_catalogs_rewrites_no_file(tmp_path, monkeypatch):
    # `make messages` with no text changed must leave the .po files as they are: a new
    # creation date alone is noise in every diff.
    import shutil

    copy = tmp_path / "locale"
    shutil.copytree(catalogs.LOCALE_DIR, copy, ignore=shutil.ignore_patterns("*.mo", "*.json"))
    monkeypatch.setattr(catalogs, "TEMPLATE", copy / catalogs.TEMPLATE.name)
    monkeypatch.setattr(catalogs, "po_path", lambda locale: copy / locale / "LC_MESSAGES" / f"{DOMAIN}.po")
    for path in copy.rglob("*.po"):
        dated = "\n".join(
            '"POT-Creation-Date: 2020-01-01 00:00+0000\\n"' if line.startswith('"POT-Creation-Date:') else line
            for line in path.read_text("utf-8").splitlines()
        )
        path.write_text(dated + "\n", "utf-8")
    before = {path: path.read_text("utf-8") for path in copy.rglob("*.po")}
    assert catalogs.update() == []
    assert {path: path.read_text("utf-8") for path in copy.rglob("*.po")} == before
