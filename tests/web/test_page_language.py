"""Issue 31: the page in the visitor's language (bot/web/server.py chooses it, commands/web.py
words it): their browser's Accept-Language (quality values honoured), else the rooms'
`conference.language`; a link to each other language (`?lang=`), which wins."""

from __future__ import annotations

import datetime as dt

from bot.web.server import accepted_languages
from tests.conftest import ALICE


async def _page(client, path: str = "/", accept: str | None = None):
    response = await client.get(path, headers={"Accept-Language": accept} if accept is not None else {})
    assert response.status == 200
    return response, await response.text()


def test_accept_language_is_read_by_quality_then_order():
    header = "fr-CH, fr;q=0.9, pt-BR;q=0.95, en;q=0.8, *;q=0.5, de;q=0"
    assert accepted_languages(header) == ["fr-CH", "pt-BR", "fr", "en"]
    assert accepted_languages("") == []
    assert accepted_languages("es;q=bad, en") == ["en"]


async def test_a_spanish_browser_reads_the_page_in_spanish(chat, web_client):
    await chat.say(ALICE, "!suggest Presupuestos")
    client = await web_client(chat)
    response, html = await _page(client, accept="es-ES,es;q=0.9,en;q=0.8")
    assert '<html lang="es"' in html
    assert response.headers["Vary"] == "Accept-Language"
    assert response.headers["Content-Language"] == "es"
    assert "Próxima sesión" in html and "Unirse a la llamada" in html and "Temas abiertos" in html
    # The no-script date, the countdown and the slots, in Spanish.
    assert "jueves, 26 de noviembre de 2026, 08:00 UTC" in html
    assert "dentro de 3 días" in html
    assert "Next session" not in html and "Join the call" not in html
    # A link to each other language.
    assert '<a href="?lang=en" hreflang="en" lang="en">English</a>' in html
    assert '<a href="?lang=pt-BR" hreflang="pt-BR" lang="pt-BR">português</a>' in html


async def test_a_brazilian_browser_reads_portuguese_and_quality_values_count(chat, web_client):
    client = await web_client(chat)
    _, html = await _page(client, accept="en;q=0.4, pt-BR;q=0.9, es;q=0.5")
    assert '<html lang="pt-BR"' in html
    assert "Próxima sessão" in html and "Entrar na chamada" in html
    assert "quinta-feira, 26 de novembro de 2026, 08:00 UTC" in html
    assert "em 3 dias" in html


async def test_an_unsupported_language_gets_the_conference_language(make_chat, make_config, web_client):
    chat = await make_chat(make_config(conference={"language": "pt-BR"}))
    client = await web_client(chat)
    _, html = await _page(client, accept="fr-FR, de;q=0.8")
    assert '<html lang="pt-BR"' in html and "Próxima sessão" in html
    _, html = await _page(client)
    assert '<html lang="pt-BR"' in html
    english = await make_chat()
    _, html = await _page(await web_client(english), accept="fr-FR")
    assert '<html lang="en"' in html and "Next session" in html


async def test_the_link_to_a_language_wins_over_the_browser_and_the_filter_keeps_it(chat, web_client):
    client = await web_client(chat)
    _, html = await _page(client, "/?lang=en", accept="es-ES")
    assert '<html lang="en"' in html and "Next session" in html
    assert '<input type="hidden" name="lang" value="en">' in html
    assert '<a href="?lang=es" hreflang="es" lang="es">español</a>' in html
    _, html = await _page(client, "/?lang=es&q=budget", accept="en")
    assert '<html lang="es"' in html and "Temas tratados" in html
    assert '<a href="?lang=en&amp;q=budget"' in html
    # Without a choice, the form adds none: the browser's language stays in charge.
    _, html = await _page(client, accept="es")
    assert 'name="lang"' not in html


async def test_the_page_of_a_running_session_in_spanish(chat, web_client):
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 5, tzinfo=dt.UTC))
    await chat.say(ALICE, "!here")
    client = await web_client(chat)
    _, html = await _page(client, accept="es")
    assert "Esperando a su anfitrión" in html and "1 persona aquí" in html
