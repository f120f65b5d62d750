"""bot/features/export/words.py: the export files' words in the asker's language."""

from __future__ import annotations

from bot.core.i18n import english, translator
from bot.features.export.words import column, md_heading, slot_words, status_word, yes_no


def test_english_keeps_the_machine_names_in_csv_and_words_in_markdown():
    en = english()
    assert [column(c, en) for c in ("suggested_by", "auto_closed")] == ["suggested_by", "auto_closed"]
    assert [md_heading(c, en) for c in ("#", "suggested_by", "checked_in_at")] == ["#", "suggested by", "checked in at"]
    assert (yes_no(True, en), yes_no(False, en), status_word("called off", en)) == ("yes", "no", "called off")
    assert slot_words("2026-11-26 08:00", "Thursday 08:00", en) == "Thursday 08:00"


def test_spanish_and_portuguese_words():
    es, pt = translator("es"), translator("pt-BR")
    assert (yes_no(True, es), yes_no(False, es), yes_no(True, pt), yes_no(False, pt)) == ("sí", "no", "sim", "não")
    assert slot_words("2026-11-26 08:00", "Thursday 08:00", es) == "jueves 08:00"
    assert slot_words("2026-11-26 08:00", "Thursday 08:00", pt) == "quinta-feira 08:00"
    assert status_word("held", es) == "celebrada" and status_word("held", pt) == "realizada"
    assert column("suggested_by", es) == "propuesto por" and md_heading("suggested_by", pt) == "sugerido por"
    assert slot_words("old", "", es) == "", "a key naming no day stays as the slot was"
