"""commands/lean_coffee.py in Spanish and Brazilian Portuguese: what the whole room reads
(the topic started, the vote to go on, its outcome, the next topic) is in the rooms'
language (`conference.language`); the answer to one person's `!timer` and the refusals are
in theirs (`!lang`)."""

from __future__ import annotations

import re

from tests.commands.helpers import start_session
from tests.conftest import ALICE, BOB, HOST
from tests.features.lean_coffee.fakes import react, rider

CAROL = "@carol:example.org"
PAY, OWNERSHIP = "Pay equity in small co-ops", "Worker ownership transitions"


async def _room(make_chat, make_config, language: str):
    return await make_chat(make_config(conference={"language": language}))


async def _two_topics(chat) -> tuple[int, int]:
    """Two topics, the second with a vote (the most voted): their numbers."""
    numbers = []
    for who, text in ((ALICE, PAY), (BOB, OWNERSHIP)):
        found = re.search(r"#(\d+)", await chat.text(who, f"!suggest {text}"))
        assert found
        numbers.append(int(found.group(1)))
    await chat.text(ALICE, f"!vote {numbers[1]}")
    return numbers[0], numbers[1]


async def test_a_short_lean_coffee_reads_in_spanish_in_a_spanish_room(make_chat, make_config):
    chat = await _room(make_chat, make_config, "es")
    a, b = await _two_topics(chat)
    await start_session(chat)
    [started] = await chat.say(HOST, "!discuss", thread_root="$thread")
    assert started.text.splitlines() == [
        f"▶ Ahora tratamos #{b} “{OWNERSHIP}”: 8 minutos, hasta las 12:08 UTC.",
        "Cuando se acabe el tiempo, preguntaré si seguimos: 👍 seguir, 👎 pasar al siguiente. "
        "!timer muestra el tiempo que queda.",
    ]
    chat.clock.advance(minutes=3)
    assert await chat.text(ALICE, "!timer") == f"#{b} “{OWNERSHIP}”: termina a las 12:08 UTC, dentro de 5 minutos."
    chat.clock.advance(minutes=4)
    assert await chat.text(ALICE, "!timer") == f"#{b} “{OWNERSHIP}”: termina a las 12:08 UTC, dentro de 1 minuto."
    live, posts = rider(chat)
    chat.clock.advance(minutes=1)
    await live.run_due(chat.clock.now())
    [vote] = posts.texts()
    assert vote.splitlines() == [
        f"⏱ Se acabó el tiempo de #{b} “{OWNERSHIP}” (8 minutos).",
        "¿Seguimos 4 minutos más? Reacciona con 👍 para seguir o con 👎 para pasar al siguiente; "
        "la votación se cierra en 60 segundos (12:09 UTC).",
    ]
    assert await chat.text(BOB, "!timer") == (
        f"#{b} “{OWNERSHIP}”: se acabó el tiempo (8 minutos); la votación para seguir se cierra en 1 minuto."
    )
    target = posts.events[posts.sent[0].key]
    await react(chat, ALICE, target, "👍", "$r1")
    await react(chat, BOB, target, "👍", "$r2")
    chat.clock.advance(seconds=60)
    await live.run_due(chat.clock.now())
    assert posts.texts()[-1] == (
        f"👍 La sala decide seguir (👍 2, 👎 0): #{b} “{OWNERSHIP}” tiene 4 minutos más, hasta las 12:13 UTC."
    )
    chat.clock.advance(minutes=4)
    await live.run_due(chat.clock.now())
    assert "¿Seguimos 2 minutos más?" in posts.texts()[-1]
    target = posts.events[posts.sent[-1].key]
    await react(chat, ALICE, target, "👎", "$r3")
    await react(chat, CAROL, target, "👎", "$r4")
    await react(chat, BOB, target, "👍", "$r5")
    chat.clock.advance(seconds=60)
    await live.run_due(chat.clock.now())
    assert posts.texts()[-1].splitlines() == [
        f"👎 Pasamos al siguiente (👍 1, 👎 2): #{b} “{OWNERSHIP}” queda marcado como tratado (14 minutos).",
        f"Siguiente: #{a} “{PAY}” (0 votos). Empiézalo con !discuss.",
    ]
    assert (
        await chat.text(ALICE, "!timer")
        == "No se está tratando ningún tema. Un anfitrión puede empezar uno con !discuss."
    )


async def test_a_short_lean_coffee_reads_in_portuguese_in_a_brazilian_room(make_chat, make_config):
    chat = await _room(make_chat, make_config, "pt-BR")
    a, b = await _two_topics(chat)
    await start_session(chat)
    text = await chat.text(HOST, f"!discuss {a}")
    assert text.startswith(f"▶ Discutindo agora #{a} “{PAY}”: 8 minutos, até 12:08 UTC.\n"), text
    assert "Quando o tempo acabar, vou perguntar se continuamos: 👍 continuar, 👎 passar para o próximo." in text
    assert await chat.text(HOST, "!timer 2") == (
        f"Acrescentei 2 minutos a #{a} “{PAY}”: termina às 12:10 UTC, daqui a 10 minutos."
    )
    live, posts = rider(chat)
    chat.clock.advance(minutes=10)
    await live.run_due(chat.clock.now())
    assert posts.texts()[-1].splitlines() == [
        f"⏱ Acabou o tempo de #{a} “{PAY}” (10 minutos).",
        "Continuamos por mais 4 minutos? Reaja com 👍 para continuar ou com 👎 para passar para o próximo; "
        "a votação fecha em 60 segundos (12:11 UTC).",
    ]
    await react(chat, BOB, posts.events[posts.sent[-1].key], "👎", "$r1")
    chat.clock.advance(seconds=60)
    await live.run_due(chat.clock.now())
    assert posts.texts()[-1].splitlines() == [
        f"👎 Vamos em frente (👍 0, 👎 1): #{a} “{PAY}” foi marcado como discutido (11 minutos).",
        f"Próximo: #{b} “{OWNERSHIP}” (1 voto). Comece com !discuss.",
    ]
    await chat.text(HOST, "!discuss")
    assert await chat.text(HOST, "!timer off") == (
        f"Cronômetro parado: #{b} “{OWNERSHIP}” continua sendo o tema até !discuss ou !discussed {b}."
    )


async def test_with_no_extension_left_the_topic_ends_in_the_rooms_language(make_chat, make_config):
    chat = await make_chat(make_config(conference={"language": "es"}, lean_coffee={"extensions": []}))
    a, b = await _two_topics(chat)
    await start_session(chat)
    assert "Cuando se acabe el tiempo, lo marcaré como tratado y diré cuál es el siguiente tema." in await chat.text(
        HOST, "!discuss"
    )
    live, posts = rider(chat)
    chat.clock.advance(minutes=8)
    await live.run_due(chat.clock.now())
    assert posts.texts()[-1].splitlines() == [
        f"⏱ Se acabó el tiempo de #{b} “{OWNERSHIP}” y no quedan prórrogas: queda marcado como tratado (8 minutos).",
        f"Siguiente: #{a} “{PAY}” (0 votos). Empiézalo con !discuss.",
    ]


async def test_with_lang_pt_br_the_replies_are_portuguese_and_the_rooms_posts_english(chat):
    """An English room: a host and a participant who chose Portuguese read their own
    answers in Portuguese (times in their zone's words), while what the room reads stays
    English."""
    a, b = await _two_topics(chat)
    await start_session(chat)
    await chat.text(HOST, "!lang pt-BR")
    await chat.text(ALICE, "!lang pt-BR")
    await chat.text(ALICE, "!tz America/Sao_Paulo")
    assert await chat.text(HOST, "!discuss 3, 4") == (
        "!discuss: um tema de cada vez: !discuss 3 agora e !discuss 4 depois; nada foi iniciado.\nUso: !discuss [N]"
    )
    started = await chat.text(HOST, "!discuss")
    assert started.startswith(f"▶ Now discussing #{b} “{OWNERSHIP}”: 8 minutes, until 12:08 UTC."), started
    chat.clock.advance(seconds=20)
    assert await chat.text(HOST, "!discuss") == (
        f"#{b} “{OWNERSHIP}” começou há 20 segundos. Para passar adiante agora mesmo, indique o próximo tema: "
        f"!discuss {a}."
    )
    assert await chat.text(ALICE, "!timer") == (
        f"#{b} “{OWNERSHIP}”: termina às 12:08 UTC (09:08 em São Paulo), daqui a 8 minutos."
    )
    assert await chat.text(HOST, "!timer 90m") == (
        "!timer: 90m é mais do que dá para acrescentar de uma vez (no máximo 60m).\nUso: !timer [LEAD|off]"
    )
    live, posts = rider(chat)
    chat.clock.advance(minutes=8)
    await live.run_due(chat.clock.now())
    assert posts.texts()[-1].startswith(
        f"⏱ Time is up for #{b} “{OWNERSHIP}” (8 minutes).\nKeep going for 4 minutes more?"
    )
    assert await chat.text(ALICE, "!timer") == (
        f"#{b} “{OWNERSHIP}”: o tempo acabou (8 minutos); a votação para continuar fecha em 1 minuto."
    )
