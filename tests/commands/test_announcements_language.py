"""commands/announcements.py in the rooms' language (`conference.language`): the
announcement, the host-wait notice, the cancellation notice and the summary."""

import datetime as dt

import pytest

from bot.features.announcements.messages import announcement_of, cancellation_of, host_wait_of
from bot.features.people import repository as people
from bot.features.schedule.weekly_sessions import session_from_key
from bot.features.sessions import repository, summary
from commands.announcements import announcement_text, cancellation_text, host_wait_text, summary_text
from tests.conftest import ALICE, BOB, HOST, hold

MORNING = "2026-11-26 08:00"
HELD = "2026-11-19 08:00"


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=dt.UTC)


async def room_chat(make_chat, make_config, language: str):
    return await make_chat(
        make_config(conference={"language": language, "display_timezones": ["UTC", "America/New_York"]})
    )


async def test_the_announcement_reads_in_brazilian_portuguese(make_chat, make_config):
    chat = await room_chat(make_chat, make_config, "pt-BR")
    await repository.volunteer(chat.store, MORNING, BOB, at(23, 12))
    await repository.volunteer(chat.store, MORNING, ALICE, at(23, 13))
    session = session_from_key(chat.services.config, MORNING)
    made = await announcement_of(chat.store, session, at(26, 7, 45), lead=dt.timedelta(minutes=15))
    text = announcement_text(chat.services.config, made).plain
    assert text.startswith("📣 Coop Casual Conference começa em 15 minutos\n"), text
    assert "quinta-feira, 26 de novembro, 08:00 UTC" in text, text
    assert "Nova York: 03:00" in text, text
    assert "Entre: " in text and "código de acesso" in text, text
    assert "Ainda não há temas: traga um! Sugira com !suggest TEXT." in text, text
    assert "Se ofereceram para ser anfitriões: @bob:example.org e @alice:example.org." in text, text


async def test_the_announcement_reads_in_spanish_without_topics_or_hosts(make_chat, make_config):
    chat = await room_chat(make_chat, make_config, "es")
    await chat.say(ALICE, "!suggest Worker ownership")
    session = session_from_key(chat.services.config, MORNING)
    made = await announcement_of(chat.store, session, at(25, 8), lead=dt.timedelta(days=1))
    text = announcement_text(chat.services.config, made).plain
    assert text.startswith("📣 Coop Casual Conference empieza en 1 día\n"), text
    assert "jueves, 26 de noviembre, 08:00 UTC" in text, text
    assert "Temas más votados (vota con !vote N):" in text, text
    assert "Worker ownership · 0 votos · de alice" in text, "the topic lines' words in the room's language too"
    assert "Nadie se ha ofrecido aún como anfitrión: escribe !host para serlo." in text, text


async def test_the_host_wait_notice_reads_in_the_rooms_language(make_chat, make_config):
    chat = await room_chat(make_chat, make_config, "pt-BR")
    session = session_from_key(chat.services.config, MORNING)
    text = host_wait_text(chat.services.config, await host_wait_of(chat.store, chat.services.config, session)).plain
    assert text.startswith(
        "Nenhum anfitrião iniciou ainda a sessão de quinta-feira, 26 de novembro, 08:00 UTC "
        "(10 minutos depois do horário de início). Ninguém se ofereceu para ser anfitrião.\n"
    ), text
    assert "Qualquer pessoa aqui pode assumir como anfitrião: digite !host e depois !start." in text, text


async def test_the_cancellation_notice_reads_in_spanish(make_chat, make_config):
    chat = await room_chat(make_chat, make_config, "es")
    await chat.text("@org:example.org", "!cancel 2026-11-26 08:00 vacaciones")
    session = session_from_key(chat.services.config, MORNING)
    notice = await cancellation_of(chat.store, chat.services.config, session, chat.clock.now())
    text = cancellation_text(chat.services.config, notice).plain
    assert text.startswith(
        "❌ Sesión de Coop Casual Conference del jueves, 26 de noviembre, 08:00 UTC cancelada: vacaciones.\n"
    ), text
    assert "La próxima sesión es el jueves, 26 de noviembre, 17:00 UTC (en 3 días y 5 horas)." in text, text


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "pt-BR",
            [
                "Terminou a sessão de quinta-feira, 19 de novembro, 08:00 UTC.",
                "Duração: 1 hora (08:00–09:00 UTC).",
                "Presentes (2): ",
                "Nenhum tema foi marcado como discutido (!discussed N).",
            ],
        ),
        (
            "es",
            [
                "Terminó la sesión del jueves, 19 de noviembre, 08:00 UTC.",
                "Duración: 1 hora (08:00–09:00 UTC).",
                "Asistentes (2): ",
                "No se marcó ningún tema como tratado (!discussed N).",
            ],
        ),
    ],
)
async def test_the_summary_reads_in_the_rooms_language(make_chat, make_config, language, expected):
    chat = await room_chat(make_chat, make_config, language)
    await people.remember_display_name(chat.store, ALICE, "Alice")
    await hold(chat, HELD, [HOST, ALICE])
    text = summary_text(chat.services.config, await summary.summary_of(chat.store, HELD, chat.clock.now())).plain
    for line in expected:
        assert line in text, text


async def test_the_summary_of_a_session_never_started_reads_in_the_rooms_language(make_chat, make_config):
    chat = await room_chat(make_chat, make_config, "pt-BR")
    never = summary_text(chat.services.config, await summary.summary_of(chat.store, HELD, chat.clock.now())).plain
    assert never == "Terminou a sessão de quinta-feira, 19 de novembro, 08:00 UTC (ela nunca foi iniciada).", never
