"""commands/uncancel.py: !uncancel in the asker's language, and the rooms' notice in
theirs (the English replies are tested with !cancel, in test_cancellations.py)."""

import datetime as dt

from bot.features.people import repository as people
from tests.conftest import ORGANISER, ROOM

MORNING = "2026-11-26 08:00"


async def test_uncancel_answers_in_spanish(chat):
    await chat.say(ORGANISER, "!lang es")
    await chat.say(ORGANISER, "!cancel 2026-11-26 17:00")
    text = await chat.text(ORGANISER, "!uncancel 2026-11-26 17:00")
    assert text == (
        "Restauré la sesión del jueves, 26 de noviembre, 17:00 UTC: se celebra, y sus recordatorios salen como siempre."
    ), text
    text = await chat.text(ORGANISER, "!uncancel 2026-11-26 08:00")
    assert text == "La sesión del jueves, 26 de noviembre, 08:00 UTC no está cancelada.", text
    await chat.say(ORGANISER, "!cancel 2026-11-26")
    text = await chat.text(ORGANISER, "!uncancel 2026-11-26 08:00")
    assert text.startswith("Restauré la sesión del jueves, 26 de noviembre, 08:00 UTC: se celebra"), text
    assert (
        "La sesión del jueves, 26 de noviembre, 17:00 UTC sigue cancelada; restáurala con "
        "!uncancel 2026-11-26 17:00 UTC." in text
    ), text


async def test_uncancel_answers_in_portuguese(chat):
    await chat.say(ORGANISER, "!lang pt-BR")
    await chat.say(ORGANISER, "!cancel 2026-11-26")
    text = await chat.text(ORGANISER, "!uncancel 2026-11-26")
    assert text.startswith(
        "Restaurei o dia 2026-11-26 inteiro: as sessões de quinta-feira, 26 de novembro, 08:00 UTC e "
        "quinta-feira, 26 de novembro, 17:00 UTC vão acontecer, e os lembretes saem como sempre."
    ), text
    text = await chat.text(ORGANISER, "!uncancel 2026-11-26 08:00 tarde")
    assert "não esperava 'tarde'" in text, text


async def test_a_session_restored_while_it_waits_is_told_in_the_rooms_language(make_chat, make_config):
    """The reply is in the organiser's language; the session's thread, which the room reads,
    in the rooms' (here Portuguese)."""
    chat = await make_chat(make_config(conference={"language": "pt-BR"}))
    await people.remember_display_name(chat.store, ORGANISER, "Olga")
    await chat.say(ORGANISER, "!lang es")
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 6, tzinfo=dt.UTC))
    await chat.say(ORGANISER, "!cancel 2026-11-26 08:00")
    replies = await chat.say(ORGANISER, "!uncancel 2026-11-26 08:00")
    said = [r.text for r in replies]
    assert any(
        "Restauré la sesión del jueves, 26 de noviembre, 08:00 UTC: vuelve a esperar a su anfitrión. "
        "Cualquiera puede ser su anfitrión: !host y luego !start." in t
        for t in said
    ), said


async def test_rooms_told_of_the_cancellation_hear_it_is_off_in_their_language(make_chat, make_config):
    other = "!other:example.org"
    chat = await make_chat(make_config(matrix={"rooms": [ROOM, other]}, conference={"language": "es"}))
    await chat.say(ORGANISER, "!lang pt-BR")
    await chat.say(ORGANISER, "!cancel 2026-11-26 08:00")
    await chat.store.execute(
        "INSERT INTO announcements (session, lead, room_id, status, event_id, at) "
        "VALUES (?, 'cancelled', ?, 'sent', '$x', '2026-11-23T12:00:00Z')",
        (MORNING, other),
    )
    replies = await chat.say(ORGANISER, "!uncancel 2026-11-26 08:00")
    assert [r.room_id for r in replies] == [None, other]
    assert replies[0].text.startswith(
        "Restaurei a sessão de quinta-feira, 26 de novembro, 08:00 UTC: ela vai acontecer"
    )
    assert replies[1].text.endswith("del jueves, 26 de noviembre, 08:00 UTC se celebra al final."), replies[1].text
