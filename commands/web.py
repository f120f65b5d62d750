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
from urllib.parse import quote

from bot.core.clock import UTC
from bot.core.config import Config
from bot.core.text import plural
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
    return topics_json(topics, Report(config.conference.name, {}))


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


def _subscribe(config: Config) -> str:
    """A calendar app subscribes to webcal:// (an https link is downloaded once); without a
    public address, the file itself, to import."""
    feed = config.web.feed_url
    if feed:
        return f'<a class="button" href="{e("webcal://" + feed.split("://", 1)[1])}">Subscribe to the calendar</a>'
    return '<a class="button" href="calendar.ics" download>Add to your calendar (.ics)</a>'


def _actions(config: Config) -> list[str]:
    conf = config.conference
    return [
        '<ul class="actions">',
        f'<li><a class="button primary" href="{e(conf.bbb_url)}">Join the call</a></li>',
        f'<li><a class="button" href="{e(chat_room_url(config))}">Open the chat room</a></li>',
        f"<li>{_subscribe(config)}</li>",
        "</ul>",
        f'<p class=muted>Access code <code>{e(conf.access_code)}</code> · <a href="{e(conf.bbb_url)}">'
        f"{e(conf.bbb_url)}</a><br>Topics are suggested and voted on in the chat room.</p>",
    ]


def _time(at: dt.datetime, form: str, shown: str, more: str = "") -> str:
    """A time the script shows in a `form` ('day': 'Thu 26 Nov', 'slot': 'Thursdays 05:00'),
    `shown` in UTC until it does."""
    return f'<time datetime="{at.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}" data-form="{form}"{more}>{e(shown)}</time>'


def _day(at: dt.datetime) -> str:
    utc = at.astimezone(UTC)
    return _time(at, "day", f"{utc:%a} {utc.day} {utc:%b}")


def _weekly(times: tuple[dt.datetime, ...]) -> tuple[str, str]:
    """When the call is, as HTML ('Thursdays 08:00 and 17:00', each slot for the script) and
    as text, in UTC: a slot on the weekday of the one before names its time alone."""
    html, text, day = [], [], ""
    for at in times:
        utc = at.astimezone(UTC)
        said = f"{utc:%H:%M}" if f"{utc:%A}" == day else f"{utc:%A}s {utc:%H:%M}"
        html.append(_time(at, "slot", said, " data-same" if day else ""))
        text.append(said)
        day = f"{utc:%A}"
    return _joined(html), _joined(text) + " UTC"


def _joined(items: list[str]) -> str:
    """'A', 'A and B', 'A, B and C' of pieces of HTML."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _hosts(names: tuple[str, ...], volunteers: int) -> str:
    """Who hosts: their names (with `web.show_names`), else only that someone does."""
    if names:
        return f"{'Host' if len(names) == 1 else 'Hosts'}: {e(listed(names, 'and'))}"
    return "A host has volunteered" if volunteers else ""


def _discussing(discussing: Discussing) -> str:
    """The topic being discussed (Lean Coffee), since when and its timebox as it stands: no
    countdown, the page reads the same until a host or the vote changes it."""
    if discussing.voting:
        box = "time is up: the room votes in the chat whether to go on"
    elif discussing.until is None:
        box = "no timebox"
    else:
        box = f"timebox until {clock_html(discussing.until)}"
    return (
        f'<p class="discussing"><strong>Now discussing</strong> <span class="topic">{e(discussing.topic.text)}</span> '
        f"<span class=muted>since {clock_html(discussing.since)} ({box}).</span></p>"
    )


def _now_card(config: Config, current: Current, running: Running | None) -> list[str]:
    """The session people are in: running (how many are here, what is discussed), or
    waiting for its host."""
    count = plural(current.here, "person", "people")
    here = f' · <span class="count">{e(count)} here</span>' if current.here else ""
    check_in = f"<code>{e(config.matrix.command_prefix)}here</code>"
    if current.started_at is not None:
        hosted = f", hosted by {e(listed(current.hosts, 'and'))}" if current.hosts else ""
        out = [
            '<section class="card live" aria-labelledby="now">',
            '<p class="eyebrow">Live</p>',
            f'<h2 id="now">Happening now{here}</h2>',
            f"<p>Started at {clock_html(current.started_at)}{hosted}. Check in with {check_in} in the chat room.</p>",
        ]
    else:
        out = [
            '<section class="card live" aria-labelledby="now">',
            '<p class="eyebrow">Starting now</p>',
            f'<h2 id="now">Waiting for its host{here}</h2>',
            f"<p>The session of {clock_html(current.session.starts_at)} has begun: join the call, and check in "
            f"with {check_in} in the chat room; a host starts it.</p>",
        ]
        if current.hosts:
            out.append(f"<p class=muted>Volunteered to host: {e(listed(current.hosts, 'and'))}</p>")
        elif current.volunteers:
            out.append(f"<p class=muted>{e(plural(current.volunteers, 'person'))} volunteered to host.</p>")
    if running is not None and running.discussing is not None:
        out.append(_discussing(running.discussing))
    out += _actions(config)
    if running is not None and running.discussed:
        out.append("<h3>Discussed so far</h3><ul>")
        out += [topic_html(t, votes=False, minutes=config.lean_coffee.enabled) for t in running.discussed]
        out.append("</ul>")
    return [*out, "</section>"]


def _countdown(at: dt.datetime, made_at: dt.datetime | None) -> str:
    """'today', 'tomorrow' or 'in 3 days' (in UTC here; the script counts in the visitor's zone)."""
    if made_at is None:
        return ""
    days = (at.astimezone(UTC).date() - made_at.astimezone(UTC).date()).days
    said = "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"
    return f' <time class="soon" datetime="{at.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}" data-form="until">{said}</time>'


def _next_card(config: Config, data: PageData) -> list[str]:
    """The next session, when none is running or waiting: when, its host, how to join."""
    coming = data.next_held
    out = ['<section class="card" aria-labelledby="now">', '<p class="eyebrow">Next session</p>']
    if coming is None:
        out.append('<h2 id="now">No session is planned</h2>')
        return [*out, *_actions(config), "</section>"]
    at = coming.session.starts_at
    out.append(f'<h2 id="now">{time_html(at)}{_countdown(at, data.made_at)}</h2>')
    hosts = _hosts(coming.hosts, coming.volunteers)
    if not hosts:
        typed = f"{config.matrix.command_prefix}host {typed_as(at, None)} UTC"
        hosts = f"No host yet: volunteer with <code>{e(typed)}</code> in the chat room"
    out.append(f"<p>{hosts}.</p>")
    return [*out, *_actions(config), "</section>"]


def _listed(session: Listed) -> str:
    at = session.session.starts_at
    when = f'<span class="date">{_day(at)} {clock_html(at)}</span>'
    if session.cancelled:
        reason = f": {e(session.reason)}" if session.reason else ""
        return f'<li class="cancelled"><del>{when}</del> <span><span class="tag">Cancelled</span>{reason}</span></li>'
    hosts = _hosts(session.hosts, session.volunteers) or "No host yet"
    return f'<li>{when} <span class="hosting">{hosts}</span></li>'


def _sessions(data: PageData) -> list[str]:
    out = ['<section aria-labelledby="sessions"><h2 id="sessions">Coming sessions</h2>']
    if data.sessions:
        out += ['<ul class="sessions">', *[_listed(s) for s in data.sessions], "</ul>"]
    else:
        out.append("<p>No session is planned.</p>")
    return [*out, "</section>"]


def _about(data: PageData) -> tuple[str, str]:
    """What this is, in a line: as HTML (the slots' times for the script) and as text (UTC)."""
    if not data.weekly:
        text = "An open video call. Everyone is welcome."
        return e(text), text
    html, text = _weekly(data.weekly)
    return (
        f"A weekly open video call, {html}. Everyone is welcome.",
        f"A weekly open video call, {text}. Everyone is welcome.",
    )


def _head(config: Config, data: PageData, about: str) -> list[str]:
    name = e(data.conference)
    public = config.web.public_url
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
        *([f'<meta property="og:url" content="{e(public.rstrip("/") + "/")}">'] if public else []),
        f'<link rel="icon" href="{FAVICON_PATH[1:]}" type="image/svg+xml">',
        '<link rel="alternate" type="text/calendar" title="Calendar" href="calendar.ics">',
        f"<style>{STYLE}</style>",
        "</head>",
    ]


def render_page(config: Config, data: PageData) -> str:
    about_html, about_text = _about(data)
    agenda = data.agenda
    if data.current is not None:
        card = _now_card(config, data.current, agenda.running)
    else:
        card = _next_card(config, data)
    out = [
        "<!doctype html>",
        '<html lang="en">',
        *_head(config, data, about_text),
        "<body>",
        "<header>",
        f'<h1><img src="{FAVICON_PATH[1:]}" alt="" width="42" height="42">{e(data.conference)}</h1>',
        f'<p class="about">{about_html}</p>',
        '<p class="zone muted" id="zone">Times are in UTC.</p>',
        "</header>",
        "<main>",
        *card,
        *_sessions(data),
        *topics_section(agenda),
        *attendance_section(config, data),
        *history_section(data.history),
        "</main>",
        "<footer><p class=muted>Times on this page are in your time zone (<span data-zone>UTC</span>); "
        "in the chat room, sessions are named by their date and time in UTC. "
        'Data: <a href="topics.json">topics.json</a>, <a href="history.json">history.json</a>, '
        '<a href="calendar.ics">calendar.ics</a>.</p></footer>',
        f"<script>{SCRIPT}</script>",
        "</body>",
        "</html>",
    ]
    return "\n".join(out) + "\n"
