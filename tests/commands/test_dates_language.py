"""What the planning commands refuse about a date or a time (in the past, too far ahead,
no session then, a time that names none), the shared host refusals and the pointer to an
answer sent elsewhere, in the asker's language (es, pt-BR)."""

from __future__ import annotations

import datetime as dt

from tests.conftest import ALICE, BOB, HOST, ORGANISER


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=dt.UTC)


async def test_dates_and_times_refused_in_spanish(chat):
    await chat.say(ORGANISER, "!lang es")
    text = await chat.text(ORGANISER, "!cancel 2020-01-01")
    assert text.startswith("!cancel: 2020-01-01 ya pasó: indica una fecha desde hoy (2026-11-2"), text
    text = await chat.text(ORGANISER, "!cancel 2030-01-01")
    assert "2030-01-01 queda demasiado lejos: indica una fecha desde hoy" in text, text
    text = await chat.text(ORGANISER, "!cancel 2026-12-03 09:00")
    assert (
        "No hay ninguna sesión a las 09:00 UTC el 2026-12-03; ese día las sesiones son a las 08:00 y 17:00 UTC. "
        "No se ha cambiado nada." in text
    ), text
    text = await chat.text(ORGANISER, "!cancel 2026-12-03 25:00")
    assert "'25:00' no es una hora del día: escríbela así: 8am, 5.30pm, 17:00 o 17:00 UTC;" in text, text
    text = await chat.text(ORGANISER, "!uncancel 2026-12-03 soon")
    assert "TIME: 'soon' no es una hora: escríbela así:" in text, text


async def test_dates_and_times_refused_in_portuguese(chat):
    await chat.say(HOST, "!lang pt-BR")
    await chat.say(HOST, "!tz Asia/Kolkata")
    text = await chat.text(HOST, "!host 2020-01-01")
    assert "2020-01-01 já passou: informe uma data de hoje" in text, text
    text = await chat.text(HOST, "!host 2026-12-03 09:00")
    assert "Não há sessão às 09:00 (horário de Calcutá) em 2026-12-03; nesse dia as sessões são às" in text, text
    text = await chat.text(HOST, "!remind midnight")
    assert "'midnight' pode ser o começo ou o fim de um dia: escreva 00:00 para o começo" in text, text


async def test_who_may_end_or_start_in_spanish_and_portuguese(chat):
    chat.clock.set(at(26, 8, 2))
    await chat.say(HOST, "!start")
    await chat.say(ALICE, "!lang es")
    await chat.say(BOB, "!lang pt-BR")
    text = await chat.text(ALICE, "!end")
    assert "un anfitrión o un organizador pueden terminarla." in text, text
    text = await chat.text(BOB, "!end")
    assert "um anfitrião ou um organizador podem encerrá-la." in text, text
