"""!start, !end, !here and !late in the asker's language (es, pt-BR); what the session's
thread shows in the rooms' language (`conference.language`)."""

from __future__ import annotations

import datetime as dt

from tests.conftest import ALICE, BOB, HOST

CAROL = "@carol:example.org"


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=dt.UTC)


async def speaking(chat, **languages: str):
    for who, code in languages.items():
        await chat.say({"host": HOST, "alice": ALICE, "bob": BOB, "carol": CAROL}[who], f"!lang {code}")


async def test_start_and_end_refusals_in_spanish(chat):
    await speaking(chat, host="es")
    text = await chat.text(HOST, "!start")
    assert text.startswith("Ahora no se puede iniciar ninguna sesión: una sesión se puede iniciar desde 30 minutos"), (
        text
    )
    assert "La sesión del jueves, 26 de noviembre, 08:00 UTC se puede iniciar desde las 07:30 UTC (en 2 días" in text
    chat.clock.set(at(26, 8, 2))
    await chat.say(HOST, "!start")
    text = await chat.text(HOST, "!start")
    assert (
        text == "La sesión del jueves, 26 de noviembre, 08:00 UTC ya está en curso: la inició @host:example.org "
        "a las 08:02 UTC."
    )
    await chat.say(HOST, "!end")
    text = await chat.text(HOST, "!end")
    assert text.startswith(
        "No hay ninguna sesión en curso. La próxima sesión es el jueves, 26 de noviembre, 17:00 UTC"
    ), text


async def test_here_in_brazilian_portuguese(chat):
    await speaking(chat, alice="pt-BR", bob="pt-BR")
    text = await chat.text(ALICE, "!here")
    assert text.startswith("Nenhuma sessão está em andamento, então não há onde marcar presença. A próxima sessão é"), (
        text
    )
    chat.clock.set(at(26, 8, 2))
    text = await chat.text(ALICE, "!here")
    assert text.startswith(
        "Presença marcada na sessão de quinta-feira, 26 de novembro, 08:00 UTC, mas nenhum anfitrião a iniciou ainda."
    ), text
    assert "Entre: https://bbb.example.org/b/ccc · código de acesso ccc" in text, text
    text = await chat.text(ALICE, "!here")
    assert (
        text == "Você já marcou presença na sessão de quinta-feira, 26 de novembro, 08:00 UTC; "
        "ela está esperando o anfitrião."
    )
    await chat.say(HOST, "!start")
    text = await chat.text(BOB, "!here")
    assert text == "Presença marcada na sessão de quinta-feira, 26 de novembro, 08:00 UTC. Boas-vindas!"
    text = await chat.text(BOB, "!here 17:00")
    assert text.startswith("!here não leva horário: é para a sessão de quinta-feira, 26 de novembro, 08:00 UTC"), text


async def test_hosts_check_others_in_and_others_are_told_in_spanish(chat):
    await speaking(chat, host="es", bob="es")
    chat.clock.set(at(26, 8, 2))
    await chat.say(HOST, "!start")
    text = await chat.text(BOB, f"!here {CAROL}")
    assert "Asistencia marcada en la sesión del jueves, 26 de noviembre, 08:00 UTC. ¡Bienvenido/a!" in text, text
    assert "así que no se marcó la de @carol:example.org: puede escribir !here" in text, text
    text = await chat.text(HOST, f"!here {CAROL}, @x")
    assert text == (
        "Asistencia marcada en la sesión del jueves, 26 de noviembre, 08:00 UTC: @carol:example.org.\n"
        "Sin marcar asistencia: «@x» no es un ID de Matrix (tienen esta forma: @nombre:example.org)."
    )


async def test_late_in_spanish_and_portuguese(chat):
    await speaking(chat, alice="pt-BR", bob="es")
    text = await chat.text(ALICE, "!late trem atrasado")
    assert text.startswith(
        "🕐 @alice:example.org vai chegar mais tarde à sessão de quinta-feira, 26 de novembro, 08:00 UTC: "
        "trem atrasado\n"
        "Anotado. A sessão começa em 2 dias e 20 horas;"
    ), text
    text = await chat.text(BOB, "!late 2026-11-26 17:00 tren")
    assert (
        "llegará más tarde a la sesión del jueves, 26 de noviembre, 17:00 UTC: tren\nAnotado. La sesión empieza en"
        in text
    )
    assert (
        await chat.text(BOB, "!late off")
        == "Retirada: tu nota «tren» para la sesión del jueves, 26 de noviembre, 17:00 UTC."
    )
    text = await chat.text(BOB, "!late off")
    assert text == "No habías avisado de que llegarías tarde, así que no hay nada que retirar."


async def test_the_thread_speaks_the_rooms_language(make_chat, make_config):
    chat = await make_chat(make_config(conference={"language": "pt-BR"}))
    await chat.say(HOST, "!lang es")
    await chat.say(ALICE, "!late trem")
    chat.clock.set(at(26, 8, 2))
    text = await chat.text(HOST, "!start")
    assert text.startswith(
        "▶ Começou a sessão de quinta-feira, 26 de novembro, 08:00 UTC · anfitrião: @host:example.org\n"
    ), text
    assert "Marque presença com !here ou reaja com ✋ a esta mensagem. Vai chegar mais tarde? !late [note]." in text, (
        text
    )
    assert "Avisaram que vão chegar mais tarde:" in text, text
    text = await chat.text(HOST, "!start")
    assert text.startswith("La sesión del jueves, 26 de noviembre, 08:00 UTC ya está en curso"), (
        "the refusal is the host's"
    )
