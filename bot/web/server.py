"""The optional read-only HTTP server (`[web]`), with aiohttp.

    GET/HEAD /               the page (commands/web.py words it; ?q= filters the history),
                             in the visitor's language: ?lang=es, else the best of their
                             Accept-Language the bot speaks, else conference.language
    GET/HEAD /calendar.ics   the calendar feed: the same file `!calendar` uploads
    GET/HEAD /topics.json    the open topics, in the export's JSON schema
    GET/HEAD /history.json   the discussed topics, same schema
    GET/HEAD /chart.png      the attendance chart of `!stats` (?tz=Area/City: its slots and
                             days in that zone; in UTC without, as the page's times), in the
                             page's language (?lang=, else as the page picks it)
    GET/HEAD /favicon.svg    the page's icon

Any other method gets 405. Every answer has an ETag (and the feed a Last-Modified from
the schedule's changes): a client asking again with If-None-Match / If-Modified-Since
gets 304. It reads the bot's own database through the features, as the commands do;
it never writes anything but the calendar's first-asked date.

Slow, idle and too many clients are limited (bot/web/limits.py): a header-read timeout, a
short keep-alive, a cap on open connections with a 503 past it; `Server` names no versions."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from email.utils import format_datetime, parsedate_to_datetime

from aiohttp import web

from bot.core.clock import UTC
from bot.core.config import Config
from bot.core.dispatcher import Services
from bot.core.i18n import Translator, best_of, language_of, room_language, translator
from bot.core.timezones import canonical
from bot.features.site import service as site
from bot.features.topics.model import TopicStatus
from bot.storage.store import StoreStopped
from bot.web.limits import (
    HEADER_TIMEOUT,
    KEEPALIVE_TIMEOUT,
    SERVER_NAME,
    Limits,
    ServerLog,
    default_max_connections,
    request_arrived,
)
from commands import web as words
from commands.stats import chart_words
from commands.web_board import chart_title_in

log = logging.getLogger(__name__)

ALLOWED = ("GET", "HEAD")
MAX_CACHED_PAGES = 32  # the unfiltered page and a few filters
MAX_CACHED_CHARTS = 16  # the charts of the zones visitors asked for last
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# Headers every answer carries: no sniffing, no referrer, no software versions.
COMMON_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Server": SERVER_NAME}


@web.middleware
async def _read_only(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.method not in ALLOWED:
        return web.Response(status=405, text="Read only: GET and HEAD.\n", headers={"Allow": ", ".join(ALLOWED)})
    try:
        return await handler(request)
    except StoreStopped:
        # The database is gone (the bot stops, and says why), or the bot stops while the
        # disk is full. Not aiohttp's to see: it is not an Exception.
        return web.Response(status=503, text="The bot is stopping.\n")


async def _common_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Every answer of the application, errors (404, 405, 500) too: aiohttp would name
    itself and Python, with versions, in `Server`."""
    response.headers.update(COMMON_HEADERS)


def conditional(
    request: web.Request,
    body: bytes,
    content_type: str,
    *,
    modified: dt.datetime | None = None,
    cache: str = "no-cache",
    headers: dict[str, str] | None = None,
) -> web.Response:
    """`body` with its ETag, or 304 when the client has it already."""
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    out = {"ETag": etag, "Cache-Control": cache, **(headers or {})}
    if modified is not None:
        out["Last-Modified"] = format_datetime(modified.astimezone(UTC).replace(microsecond=0), usegmt=True)
    match = request.headers.get("If-None-Match")
    if match is not None:
        if etag in [m.strip().removeprefix("W/") for m in match.split(",")] or match.strip() == "*":
            return web.Response(status=304, headers=out)
    elif modified is not None and (since := _http_date(request.headers.get("If-Modified-Since"))) is not None:
        if modified.replace(microsecond=0) <= since:
            return web.Response(status=304, headers=out)
    return web.Response(body=body, content_type=content_type, charset=_charset(content_type), headers=out)


def _charset(content_type: str) -> str | None:
    return "utf-8" if content_type.startswith("text/") or content_type.endswith("json") else None


def _http_date(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def accepted_languages(header: str) -> list[str]:
    """The language tags of an Accept-Language header, the most wanted first (by their
    `q`, in their order where equal); those with q=0 (not wanted) and `*` left out."""
    wanted: list[tuple[float, int, str]] = []
    for i, item in enumerate(header.split(",")):
        tag, _, params = item.partition(";")
        tag = tag.strip()
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = 0.0
        if tag and tag != "*" and quality > 0:
            wanted.append((-quality, i, tag))
    return [tag for _, _, tag in sorted(wanted)]


def page_language(request: web.Request, config: Config) -> tuple[Translator, bool]:
    """The page's language, and whether the visitor chose it: `?lang=` (a link on the
    page), else the first of their browser's languages the bot speaks, else the rooms'."""
    asked = language_of(request.query.get("lang", ""))
    if asked is not None:
        return translator(asked.code), True
    found = best_of(accepted_languages(request.headers.get("Accept-Language", "")))
    return (translator(found.code) if found is not None else room_language(config)), False


class Site:
    """The routes, on the bot's services."""

    def __init__(self, services: Services):
        self.services = services
        self._feed: tuple[tuple[object, ...], bytes] | None = None
        # Pages made while neither the database nor the minute changed, by their filter.
        self._pages: tuple[tuple[int, dt.datetime], dict[tuple[str, str, bool], bytes]] = ((-1, dt.datetime.min), {})
        # The chart drawn last in each zone, with the data drawn (the runner keeps one only).
        self._charts: dict[str, tuple[str, bytes]] = {}

    def app(self) -> web.Application:
        app = web.Application(middlewares=[request_arrived, _read_only])
        app.on_response_prepare.append(_common_headers)
        app.router.add_get("/", self.page)
        app.router.add_get("/calendar.ics", self.calendar)
        app.router.add_get("/topics.json", self.topics)
        app.router.add_get("/history.json", self.history)
        app.router.add_get(words.CHART_PATH, self.chart)
        app.router.add_get(words.FAVICON_PATH, self.favicon)
        return app

    async def page(self, request: web.Request) -> web.Response:
        s = self.services
        now = s.clock.now()
        words_typed = request.query.get("q", "")
        lang, chosen = page_language(request, s.config)
        # What the page shows changes with the database or, for the sessions, the minute.
        key = (s.store.changes, now.replace(second=0, microsecond=0))
        if self._pages[0] != key:
            self._pages = (key, {})
        pages = self._pages[1]
        kept = (words_typed, lang.code, chosen)
        body = pages.get(kept)
        if body is None:
            data = await site.page(s.store, s.config, now, words_typed)
            body = words.render_page(s.config, data, lang, chosen=chosen).encode()
            if len(pages) < MAX_CACHED_PAGES:
                pages[kept] = body
        return conditional(
            request,
            body,
            "text/html",
            headers={
                "Content-Security-Policy": words.CONTENT_SECURITY_POLICY,
                "Content-Language": lang.code,
                "Vary": "Accept-Language",
            },
        )

    async def calendar(self, request: web.Request) -> web.Response:
        s = self.services
        now = s.clock.now()
        feed = await site.feed(s.store, s.config, now)
        # The file changes with the schedule (and its time zone rules with the date): made
        # again only then.
        key = (feed.state.sequence, feed.state.modified, tuple(sorted(feed.cancels.by_target)), now.date())
        if self._feed is None or self._feed[0] != key:
            self._feed = (key, words.feed_ics(s.config, feed, now))
        return conditional(request, self._feed[1], "text/calendar", modified=feed.state.modified)

    async def topics(self, request: web.Request) -> web.Response:
        s = self.services
        topics = await site.topics_of(s.store, s.config, TopicStatus.OPEN)
        return conditional(request, words.topics_document(s.config, topics), "application/json")

    async def history(self, request: web.Request) -> web.Response:
        s = self.services
        topics = await site.topics_of(s.store, s.config, TopicStatus.DISCUSSED)
        return conditional(request, words.topics_document(s.config, topics), "application/json")

    async def favicon(self, request: web.Request) -> web.Response:
        return conditional(request, words.FAVICON_SVG.encode(), "image/svg+xml", cache="max-age=86400")

    async def chart(self, request: web.Request) -> web.Response:
        s = self.services
        # The visitor's zone, as their browser names it; anything that is not a place is UTC.
        zone = canonical(request.query.get("tz", "")) or "UTC"
        series = await site.chart_series(s.store, s.config, s.clock.now(), zone)
        lang, _ = page_language(request, s.config)
        if series is None:
            raise web.HTTPNotFound(text=lang.gettext("No chart yet: it needs two sessions held.") + "\n")
        title = chart_title_in(s.config, zone, lang)
        chart_words_there = chart_words(series, lang)
        drawn = json.dumps({"title": title, "series": series, "words": chart_words_there.as_json()})
        asked = f"{zone} {lang.code}"
        kept = self._charts.get(asked)
        if kept is not None and kept[0] == drawn:
            return conditional(request, kept[1], "image/png", cache="max-age=300", headers={"Vary": "Accept-Language"})
        # One chart runner for the bot: it draws one at a time and keeps the last one.
        png = await s.charts.render(series, title, chart_words_there)
        if png is None:
            failed = lang.gettext(
                "The chart could not be drawn this time; the reason is in the bot's log for the operator."
            )
            raise web.HTTPServiceUnavailable(text=failed + "\n")
        if len(self._charts) >= MAX_CACHED_CHARTS and asked not in self._charts:
            self._charts.clear()
        self._charts[asked] = (drawn, png)
        return conditional(request, png, "image/png", cache="max-age=300", headers={"Vary": "Accept-Language"})


class WebServer:
    """Started and stopped with the bot when `web.enabled`. The limits are the module's
    constants (bot/web/limits.py); tests give small ones. `max_connections` None: from the
    open-file limit when the server starts."""

    def __init__(
        self,
        services: Services,
        *,
        header_timeout: float = HEADER_TIMEOUT,
        keepalive_timeout: float = KEEPALIVE_TIMEOUT,
        max_connections: int | None = None,
    ):
        self.services = services
        self.header_timeout = header_timeout
        self.keepalive_timeout = keepalive_timeout
        self.max_connections = max_connections
        self._runner: web.AppRunner | None = None
        self._listener: asyncio.Server | None = None
        self._limits: Limits | None = None

    async def start(self) -> None:
        web_config = self.services.config.web
        most = self.max_connections if self.max_connections is not None else default_max_connections()
        self._runner = web.AppRunner(
            Site(self.services).app(),
            access_log=None,
            keepalive_timeout=self.keepalive_timeout,
            logger=ServerLog(logging.getLogger("aiohttp.server")),
        )
        await self._runner.setup()
        assert self._runner.server is not None
        self._limits = Limits(self._runner.server, header_timeout=self.header_timeout, max_connections=most)
        self._listener = await asyncio.get_running_loop().create_server(self._limits, web_config.host, web_config.port)
        log.info(
            "web: serving http://%s (public address: %s; at most %d connections)",
            web_config.listen,
            web_config.public_url or "none",
            most,
        )

    async def stop(self) -> None:
        if self._listener is not None:
            self._listener.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._limits is not None:
            self._limits.close_all()
            self._limits = None
        if self._listener is not None:
            await self._listener.wait_closed()
            self._listener = None
