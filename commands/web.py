"""The words of the public web page (served by bot/web): one HTML page, and the calendar
feed and JSON documents made by the same code as `!calendar` and the export.

The page, top down: what this is, a card with the session running now or the next one (and
the buttons to join the call, open the chat room and subscribe), the coming sessions by
date, then the board's sections (commands/web_board.py): open topics, attendance, the
discussed ones. Every string from the database is escaped; times are written in UTC inside
<time datetime=...>, and the page's script (commands/web_look.py) rewrites them in the
visitor's time zone."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from urllib.parse import quote, urlencode

from bot.core.clock import UTC
from bot.core.config import Config
from bot.core.i18n import LANGUAGES, Translator, english, room_language
from bot.features.agenda.service import Discussing, Running
from bot.features.export.reports import Report, topics_json
from bot.features.schedule.calendar import calendar_ics
from bot.features.site.service import Current, Feed, Listed, PageData
from bot.features.topics.model import Topic
from commands.dates import typed_as
from commands.web_board import BOARD_SCRIPT, BOARD_STYLE, attendance_section, history_section, topics_section
from commands.web_html import CHART_PATH as CHART_PATH
from commands.web_html import clock_html, e, time_html, topic_html
from commands.web_look import FAVICON_SVG as FAVICON_SVG
from commands.web_look import PAGE_SCRIPT, PAGE_STYLE
from commands.wording import listed


def feed_ics(config: Config, feed: Feed, now: dt.datetime) -> bytes:
    return calendar_ics(config, feed.cancels, feed.state, now)


def topics_document(config: Config, topics: list[Topic]) -> bytes:
    """The export's JSON document (schema and all) of these topics."""
    return topics_json(topics, Report(config.conference.name, {}, english()))


# --- the page ---------------------------------------------------------------------------

FAVICON_PATH = "/favicon.svg"
STYLE = PAGE_STYLE + BOARD_STYLE
SCRIPT = PAGE_SCRIPT + BOARD_SCRIPT


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


# Nothing runs on the page but its own script and style.
CONTENT_SECURITY_POLICY = (
    f"default-src 'none'; img-src 'self'; style-src {_hash(STYLE)}; script-src {_hash(SCRIPT)}; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def chat_room_url(config: Config) -> str:
    """The served room in any Matrix client, through matrix.to: its address as configured
    (an alias such as #ccc:example.org, or the room's ID with the bot's server to join it
    through: an ID alone does not say where the room is)."""
    room = config.matrix.rooms[0]
    url = "https://matrix.to/#/" + quote(room, safe="!:@._-")
    return url if room.startswith("#") else f"{url}?via={quote(config.matrix.user_id.split(':', 1)[1], safe='.-:')}"


def _subscribe(config: Config, lang: Translator) -> str:
    """A calendar app subscribes to webcal:// (an https link is downloaded once); without a
    public address, the file itself, to import."""
    feed = config.web.feed_url
    if feed:
        link = e("webcal://" + feed.split("://", 1)[1])
        said = lang.gettext("Subscribe to the calendar")
        return f'<a class="button" href="{link}">{e(said)}</a>'
    said = lang.gettext("Add to your calendar (.ics)")
    return f'<a class="button" href="calendar.ics" download>{e(said)}</a>'


def _actions(config: Config, lang: Translator) -> list[str]:
    conf = config.conference
    code = f"<code>{e(conf.access_code)}</code>"
    link = f'<a href="{e(conf.bbb_url)}">{e(conf.bbb_url)}</a>'
    join, chat = lang.gettext("Join the call"), lang.gettext("Open the chat room")
    access = lang.gettext("Access code {code} · {link}", code=code, link=link)
    where = lang.gettext("Topics are suggested and voted on in the chat room.")
    return [
        '<ul class="actions">',
        f'<li><a class="button primary" href="{e(conf.bbb_url)}">{e(join)}</a></li>',
        f'<li><a class="button" href="{e(chat_room_url(config))}">{e(chat)}</a></li>',
        f"<li>{_subscribe(config, lang)}</li>",
        "</ul>",
        f"<p class=muted>{access}<br>{e(where)}</p>",
    ]


def _time(at: dt.datetime, form: str, shown: str, more: str = "") -> str:
    """A time the script shows in a `form` ('day': 'Thu 26 Nov', 'slot': 'Thursdays 05:00'),
    `shown` in UTC until it does."""
    return f'<time datetime="{at.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}" data-form="{form}"{more}>{e(shown)}</time>'


def _day(at: dt.datetime, lang: Translator) -> str:
    return _time(at, "day", lang.dated(at.astimezone(UTC), "EEE d MMM"))


# Translators: a weekly slot, '{weekday}' its day's name ('Thursday'): 'Thursdays 08:00'.
# Written the same way in the page's script, in the visitor's zone.
SLOT = "{weekday}s {time}"


def _weekly(times: tuple[dt.datetime, ...], lang: Translator) -> tuple[str, str]:
    """When the call is, as HTML ('Thursdays 08:00 and 17:00', each slot for the script) and
    as text, in UTC: a slot on the weekday of the one before names its time alone."""
    html, text, day = [], [], ""
    for at in times:
        utc = at.astimezone(UTC)
        weekday = lang.dated(utc, "EEEE")
        said = f"{utc:%H:%M}" if weekday == day else lang.gettext(SLOT, weekday=weekday, time=f"{utc:%H:%M}")
        html.append(_time(at, "slot", said, " data-same" if day else ""))
        text.append(said)
        day = weekday
    return _joined(html, lang), _joined(text, lang) + " UTC"


def _joined(items: list[str], lang: Translator) -> str:
    """'A', 'A and B', 'A, B and C' of pieces of HTML."""
    return items[0] if len(items) == 1 else listed(items, lang.gettext("and"))


def _hosts(names: tuple[str, ...], volunteers: int, lang: Translator) -> str:
    """Who hosts: their names (with `web.show_names`), else only that someone does."""
    if names:
        together = listed(names, lang.gettext("and"))
        said = lang.ngettext("Host: {names}", "Hosts: {names}", len(names), names=together)
        return e(said)
    return e(lang.gettext("A host has volunteered")) if volunteers else ""


def _discussing(discussing: Discussing, lang: Translator) -> str:
    """The topic being discussed (Lean Coffee), since when and its timebox as it stands: no
    countdown, the page reads the same until a host or the vote changes it."""
    if discussing.voting:
        box = e(lang.gettext("time is up: the room votes in the chat whether to go on"))
    elif discussing.until is None:
        box = e(lang.gettext("no timebox"))
    else:
        box = lang.gettext("timebox until {time}", time=clock_html(discussing.until))
    since = lang.gettext("since {time} ({timebox}).", time=clock_html(discussing.since), timebox=box)
    now = lang.gettext("Now discussing")
    return (
        f'<p class="discussing"><strong>{e(now)}</strong> '
        f'<span class="topic">{e(discussing.topic.text)}</span> <span class=muted>{since}</span></p>'
    )


def _now_card(config: Config, current: Current, running: Running | None, lang: Translator) -> list[str]:
    """The session people are in: running (how many are here, what is discussed), or
    waiting for its host."""
    count = lang.ngettext("{n} person here", "{n} people here", current.here)
    here = f' · <span class="count">{e(count)}</span>' if current.here else ""
    check_in = f"<code>{e(config.matrix.command_prefix)}here</code>"
    and_ = lang.gettext("and")
    if current.started_at is not None:
        start = clock_html(current.started_at)
        if current.hosts:
            said = lang.gettext(
                "Started at {time}, hosted by {names}. Check in with {command} in the chat room.",
                time=start,
                names=e(listed(current.hosts, and_)),
                command=check_in,
            )
        else:
            said = lang.gettext(
                "Started at {time}. Check in with {command} in the chat room.", time=start, command=check_in
            )
        eyebrow, title = lang.gettext("Live"), lang.gettext("Happening now")
        out = [
            '<section class="card live" aria-labelledby="now">',
            f'<p class="eyebrow">{e(eyebrow)}</p>',
            f'<h2 id="now">{e(title)}{here}</h2>',
            f"<p>{said}</p>",
        ]
    else:
        said = lang.gettext(
            "The session of {time} has begun: join the call, and check in with {command} in the chat room; "
            "a host starts it.",
            time=clock_html(current.session.starts_at),
            command=check_in,
        )
        eyebrow, title = lang.gettext("Starting now"), lang.gettext("Waiting for its host")
        out = [
            '<section class="card live" aria-labelledby="now">',
            f'<p class="eyebrow">{e(eyebrow)}</p>',
            f'<h2 id="now">{e(title)}{here}</h2>',
            f"<p>{said}</p>",
        ]
        if current.hosts:
            names = listed(current.hosts, and_)
            said = lang.gettext("Volunteered to host: {names}", names=names)
            out.append(f"<p class=muted>{e(said)}</p>")
        elif current.volunteers:
            said = lang.ngettext(
                "{n} person volunteered to host.", "{n} people volunteered to host.", current.volunteers
            )
            out.append(f"<p class=muted>{e(said)}</p>")
    if running is not None and running.discussing is not None:
        out.append(_discussing(running.discussing, lang))
    out += _actions(config, lang)
    if running is not None and running.discussed:
        said = lang.gettext("Discussed so far")
        out.append(f"<h3>{e(said)}</h3><ul>")
        out += [topic_html(t, votes=False, minutes=config.lean_coffee.enabled, lang=lang) for t in running.discussed]
        out.append("</ul>")
    return [*out, "</section>"]


def _countdown(at: dt.datetime, made_at: dt.datetime | None, lang: Translator) -> str:
    """'today', 'tomorrow' or 'in 3 days' (in UTC here; the script counts in the visitor's zone)."""
    if made_at is None:
        return ""
    days = (at.astimezone(UTC).date() - made_at.astimezone(UTC).date()).days
    if days == 0:
        said = lang.gettext("today")
    elif days == 1:
        said = lang.gettext("tomorrow")
    else:
        said = lang.ngettext("in {n} day", "in {n} days", days)
    return f' <time class="soon" datetime="{at.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}" data-form="until">{e(said)}</time>'


def _next_card(config: Config, data: PageData, lang: Translator) -> list[str]:
    """The next session, when none is running or waiting: when, its host, how to join."""
    coming = data.next_held
    eyebrow = lang.gettext("Next session")
    out = ['<section class="card" aria-labelledby="now">', f'<p class="eyebrow">{e(eyebrow)}</p>']
    if coming is None:
        said = lang.gettext("No session is planned")
        out.append(f'<h2 id="now">{e(said)}</h2>')
        return [*out, *_actions(config, lang), "</section>"]
    at = coming.session.starts_at
    out.append(f'<h2 id="now">{time_html(at, lang)}{_countdown(at, data.made_at, lang)}</h2>')
    hosts = _hosts(coming.hosts, coming.volunteers, lang)
    if not hosts:
        typed = f"{config.matrix.command_prefix}host {typed_as(at, None)} UTC"
        hosts = lang.gettext(
            "No host yet: volunteer with {command} in the chat room", command=f"<code>{e(typed)}</code>"
        )
    out.append(f"<p>{hosts}.</p>")
    return [*out, *_actions(config, lang), "</section>"]


def _listed(session: Listed, lang: Translator) -> str:
    at = session.session.starts_at
    when = f'<span class="date">{_day(at, lang)} {clock_html(at)}</span>'
    if session.cancelled:
        reason = f": {e(session.reason)}" if session.reason else ""
        tag = e(lang.gettext("Cancelled"))
        return f'<li class="cancelled"><del>{when}</del> <span><span class="tag">{tag}</span>{reason}</span></li>'
    hosts = _hosts(session.hosts, session.volunteers, lang) or e(lang.gettext("No host yet"))
    return f'<li>{when} <span class="hosting">{hosts}</span></li>'


def _sessions(data: PageData, lang: Translator) -> list[str]:
    title = lang.gettext("Coming sessions")
    out = [f'<section aria-labelledby="sessions"><h2 id="sessions">{e(title)}</h2>']
    if data.sessions:
        out += ['<ul class="sessions">', *[_listed(s, lang) for s in data.sessions], "</ul>"]
    else:
        said = lang.gettext("No session is planned.")
        out.append(f"<p>{e(said)}</p>")
    return [*out, "</section>"]


def _about(data: PageData, lang: Translator) -> tuple[str, str]:
    """What this is, in a line: as HTML (the slots' times for the script) and as text (UTC)."""
    if not data.weekly:
        text = lang.gettext("An open video call. Everyone is welcome.")
        return e(text), text
    html, text = _weekly(data.weekly, lang)
    return (
        lang.gettext("A weekly open video call, {times}. Everyone is welcome.", times=html),
        lang.gettext("A weekly open video call, {times}. Everyone is welcome.", times=text),
    )


def _head(config: Config, data: PageData, about: str, lang: Translator) -> list[str]:
    name = e(data.conference)
    public = config.web.public_url
    calendar = lang.gettext("Calendar")
    return [
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="color-scheme" content="light dark">',
        f"<title>{name}</title>",
        f'<meta name="description" content="{e(about)}">',
        f'<meta property="og:title" content="{name}">',
        f'<meta property="og:description" content="{e(about)}">',
        '<meta property="og:type" content="website">',
        f'<meta property="og:locale" content="{e(lang.language.locale)}">',
        *([f'<meta property="og:url" content="{e(public.rstrip("/") + "/")}">'] if public else []),
        f'<link rel="icon" href="{FAVICON_PATH[1:]}" type="image/svg+xml">',
        f'<link rel="alternate" type="text/calendar" title="{e(calendar)}" href="calendar.ics">',
        f"<style>{STYLE}</style>",
        "</head>",
    ]


# The locale the page's script writes dates with (Intl): 'Thursday 26 November' for English.
_SCRIPT_LOCALES = {"en": "en-GB"}


def _script_words(lang: Translator) -> str:
    """The words the page's script writes, as attributes of <html>: its locale for dates
    (Intl names the days and months, and says 'tomorrow', 'in 3 days'), and how a date, a
    weekly slot and the line on the visitor's zone read (commands/web_look.py)."""
    words = {
        "data-locale": _SCRIPT_LOCALES.get(lang.code, lang.code),
        # Translators: a date and time on the page, as the page's script writes it: 'Thursday 26 November, 05:00'.
        "data-full": lang.gettext("{weekday} {day} {month}, {time}"),
        # Translators: the same in another year: 'Thursday 7 January 2027, 05:00'.
        "data-full-year": lang.gettext("{weekday} {day} {month} {year}, {time}"),
        "data-slot": lang.gettext(SLOT),
        # Translators: the visitor's city, from their browser: 'Times are in Lisbon time, your time zone.'
        "data-zone-line": lang.gettext("Times are in {place} time, your time zone."),
    }
    return "".join(f' {name}="{e(value)}"' for name, value in words.items())


def _switch(lang: Translator, words_typed: str) -> str:
    """A link to the page in each other language (?lang=es wins over the browser's
    Accept-Language; a filter typed is kept)."""
    links = []
    for language in LANGUAGES:
        if language.code == lang.code:
            continue
        query = urlencode({"lang": language.code, **({"q": words_typed} if words_typed else {})})
        links.append(
            f'<a href="?{e(query)}" hreflang="{e(language.code)}" lang="{e(language.code)}">{e(language.name)}</a>'
        )
    label = e(lang.gettext("Language"))
    return f'<nav class="languages muted" aria-label="{label}">{" · ".join(links)}</nav>'


def render_page(config: Config, data: PageData, lang: Translator | None = None, *, chosen: bool = False) -> str:
    """The page in `lang` (by default the rooms' language); `chosen`: the visitor chose it
    with a link (`?lang=`), which its filter form then keeps."""
    lang = lang or room_language(config)
    about_html, about_text = _about(data, lang)
    agenda = data.agenda
    if data.current is not None:
        card = _now_card(config, data.current, agenda.running, lang)
    else:
        card = _next_card(config, data, lang)
    footer = lang.gettext(
        "Times on this page are in your time zone ({zone}); in the chat room, sessions are named by their "
        "date and time in UTC.",
        zone="<span data-zone>UTC</span>",
    )
    in_utc, data_ = lang.gettext("Times are in UTC."), lang.gettext("Data:")
    out = [
        "<!doctype html>",
        f'<html lang="{e(lang.code)}"{_script_words(lang)}>',
        *_head(config, data, about_text, lang),
        "<body>",
        "<header>",
        _switch(lang, data.history.words),
        f'<h1><img src="{FAVICON_PATH[1:]}" alt="" width="42" height="42">{e(data.conference)}</h1>',
        f'<p class="about">{about_html}</p>',
        f'<p class="zone muted" id="zone">{e(in_utc)}</p>',
        "</header>",
        "<main>",
        *card,
        *_sessions(data, lang),
        *topics_section(agenda, lang),
        *attendance_section(config, data, lang),
        *history_section(data.history, lang, lang.code if chosen else None),
        "</main>",
        f"<footer><p class=muted>{footer} "
        f'{e(data_)} <a href="topics.json">topics.json</a>, <a href="history.json">history.json</a>, '
        '<a href="calendar.ics">calendar.ics</a>.</p></footer>',
        f"<script>{SCRIPT}</script>",
        "</body>",
        "</html>",
    ]
    return "\n".join(out) + "\n"
