"""Issue 18: the read-only HTTP server: methods, the page, the JSON documents, the chart."""

from __future__ import annotations

import datetime as dt
import json
import socket

from aiohttp import ClientSession

from bot.features.people import repository as people
from bot.features.topics.repository import all_topics
from bot.web.server import WebServer
from tests.conftest import ALICE, BOB, HOST, ORGANISER, hold

SHOW_NAMES = {"web": {"enabled": True, "show_names": True}}


async def number_of(chat, text: str) -> int:
    return next(t.id for t in await all_topics(chat.store) if t.text == text)


async def test_only_get_and_head_are_answered(chat, web_client):
    client = await web_client(chat)
    for method, path in (("POST", "/"), ("PUT", "/calendar.ics"), ("DELETE", "/topics.json"), ("POST", "/nowhere")):
        response = await client.request(method, path)
        assert response.status == 405, (method, path)
        assert response.headers["Allow"] == "GET, HEAD"
    head = await client.head("/")
    assert head.status == 200 and await head.read() == b""
    assert (await client.get("/nowhere")).status == 404


async def test_the_page_shows_sessions_in_utc_for_the_script_cancellations_and_the_link(chat, web_client):
    await chat.say(ORGANISER, "!cancel 2026-11-26 08:00 team away")
    page = await (await (await web_client(chat)).get("/")).text()
    assert '<html lang="en">' in page and "<h1>Coop Casual Conference</h1>" in page
    # Thursday 26 November 08:00 is cancelled; the same day's 17:00 and the next 08:00 are held
    assert '<del><time datetime="2026-11-26T08:00:00Z">' in page and "cancelled: team away" in page
    assert '<time datetime="2026-11-26T17:00:00Z">Thursday 26 November 2026, 17:00 UTC</time>' in page
    assert '<time datetime="2026-12-03T08:00:00Z">' in page
    assert '<a href="https://bbb.example.org/b/ccc">' in page and "<code>ccc</code>" in page
    assert "Times are in UTC." in page  # until the script says the visitor's zone


async def test_the_agenda_and_history_escape_what_people_typed_and_name_nobody(chat, web_client):
    await people.remember_display_name(chat.store, ALICE, "Alice <b>A</b>")
    await chat.say(ALICE, "!suggest <script>alert(1)</script> & co-op budgets")
    await chat.say(BOB, f"!vote {await number_of(chat, '<script>alert(1)</script> & co-op budgets')}")
    await chat.say(HOST, "!host 2026-11-26 17:00")
    page = await (await (await web_client(chat)).get("/")).text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co-op budgets" in page
    assert "<script>alert(1)" not in page
    assert "1 vote" in page
    assert "@alice" not in page and ":example.org" not in page and "Alice" not in page, "no IDs, no names"


async def test_names_only_with_show_names_and_never_ids(make_chat, make_config, web_client):
    chat = await make_chat(make_config(**SHOW_NAMES))
    await people.remember_display_name(chat.store, ALICE, "Alice <b>A</b>")
    await chat.say(ALICE, "!suggest Budgets")
    await chat.say(ALICE, "!host 2026-11-26 17:00")
    await chat.say(BOB, "!host 2026-11-26 17:00")  # no display name: not shown at all
    page = await (await (await web_client(chat)).get("/")).text()
    assert "Hosting: Alice &lt;b&gt;A&lt;/b&gt;" in page
    assert "suggested by alice" in page  # the name the suggestion came with (here none: the localpart)
    assert "@alice" not in page and "@bob" not in page and "bob" not in page


async def test_history_by_session_and_filtered_without_javascript(chat, web_client):
    await hold(chat, "2026-11-19 08:00", [HOST, ALICE])
    for text in ("Budgets", "Bylaws", "Member onboarding"):
        await chat.say(ALICE, f"!suggest {text}")
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 5, tzinfo=dt.UTC))
    await chat.say(HOST, "!start")
    for text in ("Budgets", "Bylaws"):
        await chat.say(HOST, f"!discussed {await number_of(chat, text)}")
    client = await web_client(chat)
    page = await (await client.get("/")).text()
    assert "<h3>Session 2026-11-26 08:00</h3>" in page
    assert "Running now" in page
    filtered = await (await client.get("/", params={"q": "bylaw"})).text()
    history = filtered[filtered.index('id="history"') :]
    assert "Bylaws" in history and "Budgets" not in history
    assert 'value="bylaw"' in filtered
    nothing = await (await client.get("/", params={"q": '"><b>x'})).text()
    assert 'value="&quot;&gt;&lt;b&gt;x"' in nothing and "No discussed topic contains" in nothing


async def test_json_documents_use_the_export_schema_without_ids(chat, web_client):
    await chat.say(ALICE, "!suggest Budgets")
    client = await web_client(chat)
    topics = await client.get("/topics.json")
    assert topics.content_type == "application/json"
    document = json.loads(await topics.read())
    assert (document["schema_version"], document["kind"]) == (2, "topics")
    assert [t["text"] for t in document["topics"]] == ["Budgets"]
    assert document["topics"][0]["suggested_by"] is None and document["topics"][0]["suggested_name"] is None
    assert set(document["topics"][0]) >= {"number", "text", "votes", "status", "session", "note", "imported"}
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
    assert "A chart appears once two sessions have been held." in await (await client.get("/")).text()
    await hold(chat, "2026-11-12 08:00", [HOST, ALICE])
    await hold(chat, "2026-11-19 08:00", [HOST, ALICE, BOB])
    chart = await client.get("/chart.png")
    assert chart.status == 200 and chart.content_type == "image/png"
    assert (await chart.read()).startswith(b"\x89PNG")
    assert '<img src="chart.png"' in await (await client.get("/")).text()


async def test_the_server_starts_on_its_address_and_stops(make_chat, make_config):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
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
    assert '<time datetime="2026-11-26T08:00:00Z">' not in page, "a session begun is no longer next"


async def test_the_history_filter_takes_percent_and_underscore_literally(chat, web_client):
    await chat.say(ALICE, "!suggest Raise dues by 5%")
    await chat.say(ALICE, "!suggest Rename snake_case files")
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 5, tzinfo=dt.UTC))
    await chat.say(HOST, "!start")
    for text in ("Raise dues by 5%", "Rename snake_case files"):
        await chat.say(HOST, f"!discussed {await number_of(chat, text)}")
    client = await web_client(chat)
    for typed, shown, hidden in (("5%", "Raise dues", "snake_case"), ("e_c", "snake_case", "Raise dues")):
        page = await (await client.get("/", params={"q": typed})).text()
        history = page[page.index('id="history"') :]
        assert shown in history and hidden not in history, typed
    page = await (await client.get("/", params={"q": "%"})).text()
    assert "snake_case" not in page[page.index('id="history"') :]
