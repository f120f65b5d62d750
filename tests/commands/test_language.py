"""!lang: a person's language, shown and set, kept, in !mydata, erased by !forgetme; the
first slice spoken in it (!link, !next with its dates, countdowns and host lines, the
unknown-command and usage lines)."""

import datetime as dt

import pytest

from tests.conftest import ALICE, BOB, HOST, ORGANISER

UTC = dt.UTC


async def test_without_a_choice_replies_are_in_the_conference_language_and_the_languages_are_listed(chat):
    assert await chat.text(ALICE, "!lang") == (
        "I answer you in English, the conference's language: you have not chosen one.\n"
        "To change it: !lang en English, !lang es español, !lang pt-BR português."
    )


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("es", "Listo: desde ahora te respondo en español"),
        ("Español", "Listo: desde ahora te respondo en español"),
        ("espanol", "Listo: desde ahora te respondo en español"),
        ("pt", "Pronto: a partir de agora falo com você em português"),
        ("pt-BR", "Pronto: a partir de agora falo com você em português"),
        ("PT_br", "Pronto: a partir de agora falo com você em português"),
        ("português", "Pronto: a partir de agora falo com você em português"),
        ("portugues", "Pronto: a partir de agora falo com você em português"),
        ("english", "From now on I answer you in English"),
    ],
)
async def test_a_language_set_as_people_name_it_is_answered_in_at_once(chat, typed, said):
    assert (await chat.text(ALICE, f"!lang {typed}")).startswith(said)


async def test_the_choice_is_shown_in_it_and_kept_for_that_person_only(chat, make_chat):
    await chat.text(ALICE, "!lang es")
    assert (await chat.text(ALICE, "!lang")).splitlines() == [
        "Te respondo en español, el idioma que elegiste.",
        "Para cambiarlo: !lang en English, !lang es español, !lang pt-BR português.",
    ]
    assert (await chat.text(BOB, "!lang")).startswith("I answer you in English, the conference's language")
    await chat.store.close()
    again = await make_chat(start=chat.clock.now())
    assert (await again.text(ALICE, "!lang")).startswith("Te respondo en español"), "kept across a restart"


async def test_an_unknown_language_is_one_line_with_the_languages_and_the_usage(chat):
    assert await chat.text(ALICE, "!lang fr") == (
        "!lang: “fr” is not a language I speak: en (English), es (español), pt-BR (português).\nUsage: !lang [CODE]"
    )
    await chat.text(ALICE, "!lang pt")
    assert await chat.text(ALICE, "!lang klingon") == (
        "!lang: “klingon” não é um dos meus idiomas: en (English), es (español), pt-BR (português).\nUso: !lang [CODE]"
    )


async def test_lang_works_in_the_direct_room(chat):
    assert (await chat.text(ALICE, "!lang es", direct_for=ALICE)).startswith("Listo")


async def test_the_language_is_in_mydata_and_erased_by_forgetme(chat):
    await chat.text(ALICE, "!lang pt-BR")
    replies = await chat.say(ALICE, "!mydata")
    assert '"language": "pt-BR"' in replies[0].file.data.decode()
    assert replies[0].text.startswith("Tudo o que o bot guarda sobre você está no arquivo anexo: idioma.")
    await chat.text(ALICE, "!forgetme")
    assert "Pronto. Apagado: seu idioma" in await chat.text(ALICE, "!forgetme confirm")
    assert (await chat.text(ALICE, "!lang")).startswith("I answer you in English, the conference's language")


async def test_a_conference_language_is_spoken_to_those_who_chose_none(make_chat, make_config):
    chat = await make_chat(make_config(conference={"language": "pt"}))
    assert (await chat.text(ALICE, "!lang")).startswith("Estou falando com você em português, o idioma da conferência")
    await chat.text(ALICE, "!lang en")
    assert (await chat.text(ALICE, "!nope")).startswith("Unknown command !nope.")


# --- the first slice in Spanish and Portuguese --------------------------------------------


async def test_link_in_spanish_and_portuguese(chat):
    await chat.text(ALICE, "!lang es")
    await chat.text(BOB, "!lang pt")
    assert await chat.text(ALICE, "!link") == (
        "Coop Casual Conference: https://bbb.example.org/b/ccc — código de acceso ccc"
    )
    assert (
        await chat.text(BOB, "!join") == "Coop Casual Conference: https://bbb.example.org/b/ccc — código de acesso ccc"
    )


async def test_next_in_portuguese_names_days_places_and_countdowns_in_it(chat):
    await chat.text(ALICE, "!lang pt-BR")
    await chat.text(ALICE, "!tz America/Sao_Paulo")
    await chat.text(HOST, "!host 2026-11-26 08:00")
    assert (await chat.text(ALICE, "!next")).splitlines() == [
        "Coop Casual Conference — próximas sessões:",
        "• quinta-feira, 26 de novembro, 08:00 UTC (05:00 em São Paulo), em 2 dias e 20 horas"
        " · anfitrião: @host:example.org",
        "• quinta-feira, 26 de novembro, 17:00 UTC (14:00 em São Paulo), em 3 dias e 5 horas · ainda sem anfitrião",
        "Para ser anfitrião, digite !host 2026-11-26 14:00 (a data e a hora da sessão).",
        "Coop Casual Conference: https://bbb.example.org/b/ccc — código de acesso ccc",
    ]


async def test_next_in_spanish_without_a_zone_says_how_to_set_one_and_names_next_year(chat):
    await chat.text(ALICE, "!lang es")
    chat.clock.set(dt.datetime(2026, 12, 31, 16, 45, tzinfo=UTC))
    lines = (await chat.text(ALICE, "!next")).splitlines()
    assert lines[0] == "Coop Casual Conference — próximas sesiones:"
    assert lines[1] == "• jueves, 31 de diciembre, 17:00 UTC, en 15 minutos · todavía sin anfitrión"
    assert lines[2] == "• jueves, 7 de enero de 2027, 08:00 UTC, en 6 días y 15 horas · todavía sin anfitrión"
    assert lines[-2] == "Las horas están en UTC; configura tu zona horaria con tu ciudad: !tz Lima (o !tz Area/City)."


async def test_next_while_a_session_waits_for_its_host_in_spanish(chat):
    await chat.text(ALICE, "!lang es")
    await chat.text(ALICE, "!tz Asia/Kolkata")
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 5, tzinfo=UTC))
    lines = (await chat.text(ALICE, "!next")).splitlines()
    assert lines[1] == (
        "⏳ La sesión del jueves, 26 de noviembre, 08:00 UTC (13:30 en Calcuta) empezó hace 5 minutos "
        "y está esperando a su anfitrión."
    )
    assert (
        lines[2] == "\u2003Entra: https://bbb.example.org/b/ccc · código de acceso ccc; marca tu asistencia con !here."
    )
    assert lines[3] == "\u2003Todavía no tiene anfitrión: cualquiera puede serlo con !host y luego !start."


async def test_next_while_a_session_runs_and_after_a_cancellation_in_portuguese(chat):
    await chat.text(ALICE, "!lang pt")
    await chat.text(ORGANISER, "!cancel 2026-11-26 17:00 feriado")
    chat.clock.set(dt.datetime(2026, 11, 26, 7, 58, tzinfo=UTC))
    await chat.text(HOST, "!start")
    lines = (await chat.text(ALICE, "!next")).splitlines()
    assert (
        lines[1]
        == "▶ A sessão de quinta-feira, 26 de novembro, 08:00 UTC está acontecendo agora: marque presença com !here."
    )
    assert lines[2] == "• quinta-feira, 26 de novembro, 17:00 UTC, em 9 horas e 2 minutos · cancelada: feriado"


async def test_unknown_commands_and_usage_lines_in_the_askers_language(chat):
    await chat.text(ALICE, "!lang es")
    assert (await chat.text(ALICE, "!frobnicate")).startswith("No conozco el comando !frobnicate.")
    assert (await chat.text(ALICE, "!frobnicate")).endswith("Escribe !help para ver los comandos que puedes usar.")
    assert (await chat.text(ALICE, "!vote abc")).splitlines()[-1] == "Uso: !vote N [N…]"
