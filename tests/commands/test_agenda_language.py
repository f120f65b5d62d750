"""The pinned agenda (commands/agenda.py) in the rooms' language (`conference.language`)."""

from __future__ import annotations

import datetime as dt

from bot.app import open_agenda
from bot.features.agenda.service import gather
from bot.features.people import repository as people
from commands.agenda import render_agenda
from tests.conftest import ALICE, BOB, HOST, ORGANISER, ROOM
from tests.features.agenda.fakes import FakePort


async def agenda_of(make_chat, make_config, language: str):
    chat = await make_chat(make_config(conference={"language": language}))
    await people.remember_display_name(chat.store, HOST, "Dev")
    return chat


async def rendered(chat) -> str:
    return render_agenda(chat.services, await gather(chat.store, chat.services.config, chat.clock.now())).plain


async def test_the_agenda_reads_in_brazilian_portuguese(make_chat, make_config):
    chat = await agenda_of(make_chat, make_config, "pt-BR")
    await chat.say(HOST, "!host 2026-11-26 08:00")
    for topic in ("Worker ownership", "Shared tooling"):
        await chat.say(ALICE, f"!suggest {topic}")
    text = await rendered(chat)
    assert text.startswith("📌 Próxima: qui., 26 de nov., 08:00 UTC · anfitrião: Dev · 2 temas\n"), text
    assert "Próximas sessões\n• quinta-feira, 26 de novembro, 08:00 UTC · anfitrião: Dev\n" in text, text
    assert "• quinta-feira, 26 de novembro, 17:00 UTC · ainda sem anfitrião" in text, text
    assert "Temas mais votados\n" in text, text
    assert "· 0 votos · de alice" in text, "the topic lines' words in the room's language too"
    assert "Vote com !vote N, sugira temas com !suggest TEXT." in text, text
    assert "Para ser anfitrião, digite !host 2026-11-26 17:00 UTC (a data e a hora de uma sessão)." in text, text
    assert "Entre: https://bbb.example.org/b/ccc · código de acesso ccc" in text, text


async def test_the_agenda_reads_in_spanish_while_waiting_and_running(make_chat, make_config):
    chat = await agenda_of(make_chat, make_config, "es")
    text = await rendered(chat)
    assert text.startswith("📌 Próxima: jue, 26 nov, 08:00 UTC · todavía sin anfitrión · todavía sin temas\n"), text
    assert "Todavía no hay temas abiertos." in text, text
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 2, tzinfo=dt.UTC))
    await chat.say(ALICE, "!here")
    text = await rendered(chat)
    assert text.startswith("⏳ Esperando anfitrión: jue, 26 nov, 08:00 UTC · 1 aquí\n"), text
    assert "\njueves, 26 de noviembre, 08:00 UTC, esperando a su anfitrión\n" in text, text
    await chat.say(HOST, "!start")
    await chat.say(BOB, "!here")
    text = await rendered(chat)
    assert text.startswith("▶ Ahora: sesión desde las 08:02 UTC · 3 aquí\n"), text
    assert "\njueves, 26 de noviembre, 08:00 UTC, en curso desde las 08:02 UTC\n" in text, text
    assert "· marca tu asistencia con !here\n" in text, text
    assert "Todavía no se ha tratado nada (!discussed N)." in text, text


async def test_agenda_replies_to_each_person_in_their_own_language(chat):
    port = FakePort()
    keeper = open_agenda(chat.services, port, [ROOM])
    assert keeper is not None
    await keeper.refresh()
    await chat.say(ALICE, "!lang pt-BR")
    [reply] = await chat.say(ALICE, "!agenda")
    assert reply.text.startswith(
        "!agenda (publicar uma agenda nova) é para a organização. Veja a agenda fixada nesta sala"
    )
    assert reply.text.endswith(
        ", sempre atualizada. Para ver as próximas sessões digite !next; para os temas abertos, !topics."
    ), reply.text
    await chat.say(ORGANISER, "!lang es")
    answer = await chat.text(ORGANISER, "!agenda")
    assert "Publiqué una agenda nueva y la fijé en lugar de la anterior. La mantengo al día." in answer, answer
    assert render_agenda(
        chat.services, await gather(chat.store, chat.services.config, chat.clock.now())
    ).plain.startswith("📌 Next: "), "the agenda itself speaks the room's language (English here)"
