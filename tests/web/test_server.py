"""bot/web/server.py, issue 18: the read-only HTTP server: methods, the routes and their
caching (ETag, 304, the page kept until something changes), the chart, start and stop. What
the page says is tested in tests/commands/test_web.py, what it is made of in
tests/features/site/test_service.py."""

from __future__ import annotations

import datetime as dt
import json

from aiohttp import ClientSession

from bot.devtools.localsynapse import free_port
from bot.features.topics.repository import all_topics
from bot.web.server import WebServer
from tests.conftest import ALICE, BOB, HOST, hold


async def test_only_get_and_head_are_answered(chat, web_client):
    client = await web_client(chat)
    for method, path in (("POST", "/"), ("PUT", "/calendar.ics"), ("DELETE", "/topics.json"), ("POST", "/nowhere")):
        response = await client.request(method, path)
        assert response.status == 405, (method, path)
        assert response.headers["Allow"] == "GET, HEAD"
    head = await client.head("/")
    assert head.status == 200 and await head.read() == b""
    assert (await client.get("/nowhere")).status == 404


async def test_json_documents_use_the_export_schema_without_ids(chat, web_client):
    await chat.say(ALICE, "!suggest Budgets")
    client = await web_client(chat)
    topics = await client.get("/topics.json")
    assert topics.content_type == "application/json"
    document = json.loads(await topics.read())
    assert (document["schema_version"], document["kind"]) == (4, "topics")
    assert [t["text"] for t in document["topics"]] == ["Budgets"]
    assert document["topics"][0]["suggested_by"] is None and document["topics"][0]["suggested_name"] is None
    assert set(document["topics"][0]) >= {"number", "text", "votes", "status", "session", "note", "imported", "minutes"}
    history = json.loads(await (await client.get("/history.json")).read())
    assert history["kind"] == "topics" and all(t["status"] == "discussed" for t in history["topics"])
    assert len(history["topics"]) > 0, "the seed file's history"
    assert "@" not in json.dumps(document) + json.dumps(history)


async def test_every_answer_has_an_etag_and_a_second_ask_gets_304(chat, web_client):
    client = await web_client(chat)
    for path in ("/", "/topics.json", "/history.json", "/calendar.ics"):
        first = await client.get(path)
        etag = first.headers["ETag"]
        again = await client.get(path, headers={"If-None-Match": etag})
        assert again.status == 304 and await again.read() == b"", path
    page = await client.get("/")
    assert "script-src 'sha256-" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff"


async def test_the_chart_is_served_once_two_sessions_were_held(chat, web_client):
    client = await web_client(chat)
    assert (await client.get("/chart.png")).status == 404
    await hold(chat, "2026-11-12 08:00", [HOST, ALICE])
    await hold(chat, "2026-11-19 08:00", [HOST, ALICE, BOB])
    chart = await client.get("/chart.png")
    assert chart.status == 200 and chart.content_type == "image/png"
    assert (await chart.read()).startswith(b"\x89PNG")


class Drawn:
    """A chart runner that keeps what it was asked to draw, and answers the title as a PNG."""

    def __init__(self) -> None:
        self.asked: list[tuple[dict, str]] = []

    async def start(self) -> None: ...

    async def render(self, series, title: str, words=None) -> bytes:
        self.asked.append((series, title))
        words = None if words is None else words.as_json()
        return b"\x89PNG\r\n\x1a\n" + json.dumps({"series": series, "title": title, "words": words}).encode()

    async def close(self) -> None: ...


async def test_the_chart_names_its_slots_in_the_zone_asked_for_else_in_utc(chat, web_client):
    chat.services.charts = drawn = Drawn()
    await hold(chat, "2026-11-12 08:00", [HOST, ALICE])
    await hold(chat, "2026-11-19 08:00", [HOST, ALICE, BOB])
    client = await web_client(chat)
    for asked, slot, place in (
        ("Asia/Kolkata", "Thursday 13:30", "Kolkata"),
        ("Asia/Calcutta", "Thursday 13:30", "Kolkata"),  # the old name of the same place
        ("", "Thursday 08:00", "UTC"),
        ("Mars/Olympus_Mons", "Thursday 08:00", "UTC"),
        ("EST", "Thursday 08:00", "UTC"),  # not a place: a clock an hour off half the year
        ("x" * 5000, "Thursday 08:00", "UTC"),
    ):
        answer = await client.get("/chart.png", params={"tz": asked} if asked else None)
        assert answer.status == 200 and answer.content_type == "image/png", asked[:40]
        drawn_for = json.loads((await answer.read())[8:])
        assert list(drawn_for["series"]) == [slot], asked[:40]
        assert drawn_for["title"].endswith(f"(times in {place})"), drawn_for["title"]
    assert len(drawn.asked) == 2, "each zone drawn once, then kept"
    again = await client.get("/chart.png", params={"tz": "Asia/Kolkata"})
    assert "13:30" in (await again.read()).decode(errors="replace") and len(drawn.asked) == 2


async def test_the_chart_speaks_the_pages_language(chat, web_client):
    chat.services.charts = drawn = Drawn()
    await hold(chat, "2026-11-12 08:00", [HOST, ALICE])
    await hold(chat, "2026-11-19 08:00", [HOST, ALICE, BOB])
    client = await web_client(chat)
    asked = {"lang": "es", "tz": "America/Sao_Paulo"}
    spanish = json.loads((await (await client.get("/chart.png", params=asked)).read())[8:])
    assert spanish["title"].endswith("personas por sesión, últimas 12 semanas (horas en São Paulo)"), spanish
    assert spanish["words"]["checked_in"] == "asistentes"
    assert spanish["words"]["labels"] == {"Thursday 05:00": "jueves a las 05:00"}
    assert spanish["words"]["days"] == {"2026-11-12": "12 nov", "2026-11-19": "19 nov"}
    browser = {"Accept-Language": "pt-BR,pt;q=0.9,en;q=0.5"}
    answer = await client.get("/chart.png", headers=browser)
    assert answer.headers["Vary"] == "Accept-Language"
    portuguese = json.loads((await answer.read())[8:])
    assert portuguese["title"].endswith("pessoas por sessão, últimas 12 semanas (horários em UTC)"), portuguese
    assert portuguese["words"]["labels"] == {"Thursday 08:00": "quinta-feira às 08:00"}
    assert portuguese["words"]["days"] == {"2026-11-12": "12 de nov.", "2026-11-19": "19 de nov."}
    english = json.loads((await (await client.get("/chart.png", params={"lang": "en"}, headers=browser)).read())[8:])
    assert english["words"]["checked_in"] == "checked in" and english["title"].endswith("(times in UTC)")
    assert len(drawn.asked) == 3, "each language drawn once"


class Failing(Drawn):
    async def render(self, series, title: str, words=None) -> bytes | None:
        return None


async def test_a_chart_not_there_is_said_in_the_pages_language(chat, web_client):
    client = await web_client(chat)
    none_yet = await client.get("/chart.png", params={"lang": "es"})
    assert none_yet.status == 404
    assert (await none_yet.text()).strip() == "Aún no hay gráfico: hacen falta dos sesiones celebradas."
    chat.services.charts = Failing()
    await hold(chat, "2026-11-12 08:00", [HOST, ALICE])
    await hold(chat, "2026-11-19 08:00", [HOST, ALICE, BOB])
    failed = await client.get("/chart.png", headers={"Accept-Language": "pt-BR"})
    assert failed.status == 503
    assert (await failed.text()).strip() == (
        "Desta vez não foi possível desenhar o gráfico; o motivo está no log do bot, para quem o administra."
    )


async def test_the_favicon_is_the_pages_own_svg(chat, web_client):
    client = await web_client(chat)
    icon = await client.get("/favicon.svg")
    assert icon.status == 200 and icon.content_type == "image/svg+xml"
    assert (await icon.read()).startswith(b"<svg ") and "max-age" in icon.headers["Cache-Control"]
    again = await client.get("/favicon.svg", headers={"If-None-Match": icon.headers["ETag"]})
    assert again.status == 304


async def test_the_server_starts_on_its_address_and_stops(make_chat, make_config):
    port = free_port()
    chat = await make_chat(make_config(web={"enabled": True, "listen": f"127.0.0.1:{port}"}))
    server = WebServer(chat.services)
    await server.start()
    try:
        async with ClientSession() as session, session.get(f"http://127.0.0.1:{port}/calendar.ics") as response:
            assert response.status == 200 and response.content_type == "text/calendar"
    finally:
        await server.stop()


async def test_the_page_follows_each_change_and_the_clock(chat, web_client):
    client = await web_client(chat)
    assert "Budgets" not in await (await client.get("/")).text()
    await chat.say(ALICE, "!suggest Budgets")
    assert "Budgets" in await (await client.get("/")).text(), "a change shows at once"
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 1, tzinfo=dt.UTC))
    page = await (await client.get("/")).text()
    assert "Waiting for its host" in page, "a session begun that nobody started waits for its host"
    chat.clock.set(dt.datetime(2026, 11, 26, 10, 1, tzinfo=dt.UTC))
    page = await (await client.get("/")).text()
    assert 'datetime="2026-11-26T08:00:00Z"' not in page, "its window closed: no longer shown"


async def test_the_history_filter_comes_from_q_and_each_filter_has_its_own_page(chat, web_client):
    await chat.say(ALICE, "!suggest Budgets")
    await chat.say(ALICE, "!suggest Bylaws")
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 5, tzinfo=dt.UTC))
    await chat.say(HOST, "!start")
    for number in [t.id for t in await all_topics(chat.store) if t.text in ("Budgets", "Bylaws")]:
        await chat.say(HOST, f"!discussed {number}")
    client = await web_client(chat)
    for typed, shown, hidden in (
        ("bylaw", "Bylaws", "Budgets"),
        ("budget", "Budgets", "Bylaws"),
        ("bylaw", "Bylaws", "Budgets"),
    ):
        page = await (await client.get("/", params={"q": typed})).text()
        history = page[page.index('id="history"') :]
        assert shown in history and hidden not in history, typed
    unfiltered = await (await client.get("/")).text()
    assert "Budgets" in unfiltered and "Bylaws" in unfiltered


async def test_the_calendar_asked_for_after_the_database_is_gone_gets_503_and_stops_the_bot(chat, web_client, caplog):
    told: list[bool] = []
    chat.store.when_gone(lambda: told.append(True))
    client = await web_client(chat)
    chat.store.path.unlink()  # the calendar's first ask is written: the write finds the file gone
    response = await client.get("/calendar.ics")
    assert response.status == 503
    assert told == [True]
    assert all(r.exc_info is None for r in caplog.records), "no traceback"
