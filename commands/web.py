"""The words of the public web page (served by bot/web): one HTML page, and the calendar
feed and JSON documents made by the same code as `!calendar` and the export.

Every string from the database is escaped; times are written in UTC inside
<time datetime=...>, and a small script rewrites them in the visitor's time zone."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib

from bot.core.config import Config
from bot.features.agenda.service import Discussing, Upcoming, Waiting
from bot.features.export.reports import Report, topics_json
from bot.features.schedule.calendar import calendar_ics
from bot.features.site.service import Feed, PageData
from bot.features.topics.model import Topic
from commands.web_board import BOARD_SCRIPT, BOARD_STYLE, attendance_section, history_section, topics_section
from commands.web_html import CHART_PATH as CHART_PATH
from commands.web_html import clock_html, e, link_html, time_html, topic_html


def feed_ics(config: Config, feed: Feed, now: dt.datetime) -> bytes:
    return calendar_ics(config, feed.cancels, feed.state, now)


def topics_document(config: Config, topics: list[Topic]) -> bytes:
    """The export's JSON document (schema and all) of these topics."""
    return topics_json(topics, Report(config.conference.name, {}))


# --- the page ---------------------------------------------------------------------------

STYLE = (
    """
body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:46rem;padding:0 1rem 2rem;color:#1a1a1a}
h1{font-size:1.6rem;margin:1rem 0 .25rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ccc}
h3{font-size:1rem;margin:1rem 0 .25rem}ul,ol{padding-left:1.25rem}li{margin:.25rem 0}
.cancelled{color:#8a1c1c}.muted{color:#555;font-size:.9rem}img{max-width:100%;height:auto}
form{display:flex;gap:.5rem;flex-wrap:wrap}input[type=search]{flex:1;min-width:10rem;font:inherit;padding:.25rem}
button{font:inherit}a{overflow-wrap:anywhere}
""".strip()
    + BOARD_STYLE
)

# Rewrites each <time datetime=...> in the browser's own zone; without it, times read in UTC.
SCRIPT = (
    """
(function(){
var f=new Intl.DateTimeFormat('en-GB',{weekday:'long',day:'numeric',month:'long',year:'numeric',
hour:'2-digit',minute:'2-digit',hourCycle:'h23',timeZoneName:'short'});
function shown(d,clock){var p={};f.formatToParts(d).forEach(function(x){p[x.type]=x.value;});
var hm=p.hour+':'+p.minute+' '+p.timeZoneName;
return clock?hm:p.weekday+' '+p.day+' '+p.month+' '+p.year+', '+hm;}
document.querySelectorAll('time[datetime]').forEach(function(t){
var d=new Date(t.getAttribute('datetime'));if(!isNaN(d)){t.textContent=shown(d,t.hasAttribute('data-clock'));}});
var z=document.getElementById('zone');
if(z){z.textContent='Times are shown in your time zone ('+Intl.DateTimeFormat().resolvedOptions().timeZone+').';}
})();
""".strip()
    + BOARD_SCRIPT
)


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


# Nothing runs on the page but its own script and style.
CONTENT_SECURITY_POLICY = (
    f"default-src 'none'; img-src 'self'; style-src {_hash(STYLE)}; script-src {_hash(SCRIPT)}; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def _upcoming(config: Config, upcoming: Upcoming) -> str:
    when = time_html(upcoming.session.starts_at)
    if upcoming.cancelled:
        reason = f": {e(upcoming.reason)}" if upcoming.reason else ""
        return f'<li class="cancelled"><del>{when}</del> — cancelled{reason}</li>'
    hosts = ""
    if upcoming.volunteers:
        hosts = f"<br><span class=muted>Hosting: {e(', '.join(upcoming.volunteers))}</span>"
    return f"<li>{when}<br>Join: {link_html(config)}{hosts}</li>"


def _waiting(config: Config, waiting: Waiting) -> str:
    """Today's session, begun and waiting for its host: not over, and how to join it."""
    here = e(f"{config.matrix.command_prefix}here")
    text = (
        f"<p><strong>Waiting for its host</strong>: the session of {time_html(waiting.session.starts_at)} has begun. "
        f"Join: {link_html(config)}, and check in with <code>{here}</code> in the chat room."
    )
    if waiting.volunteers:
        text += f"<br><span class=muted>Volunteered to host: {e(', '.join(waiting.volunteers))}</span>"
    return text + "</p>"


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
        f'<p><strong>Now discussing</strong> <span class="topic">{e(discussing.topic.text)}</span> '
        f"since {clock_html(discussing.since)} ({box}).</p>"
    )


def render_page(config: Config, data: PageData) -> str:
    name = data.conference
    out = [
        "<!doctype html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(name)}</title>",
        '<link rel="alternate" type="text/calendar" title="Calendar" href="calendar.ics">',
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{e(name)}</h1>",
        f"<p>A weekly video call. Join: {link_html(config)}.</p>",
        '<p><a href="calendar.ics">Subscribe to the calendar</a> — your calendar app keeps the sessions'
        " and cancellations up to date.</p>",
        "</header>",
        "<main>",
        '<section aria-labelledby="next"><h2 id="next">Next sessions</h2>',
        '<p id="zone" class=muted>Times are in UTC.</p>',
    ]
    agenda = data.agenda
    if agenda.running is not None:
        running = agenda.running
        out.append(
            f"<p><strong>Running now</strong>, since {time_html(running.started_at)}: join {link_html(config)}.</p>"
        )
        if running.discussing is not None:
            out.append(_discussing(running.discussing))
        if running.discussed:
            out.append("<p>Discussed so far:</p><ul>")
            out += [topic_html(t, votes=False, minutes=config.lean_coffee.enabled) for t in running.discussed]
            out.append("</ul>")
    if agenda.waiting is not None:
        out.append(_waiting(config, agenda.waiting))
    if agenda.slots:
        out.append("<ul>")
        for slot in agenda.slots:
            out += [_upcoming(config, u) for u in slot.sessions]
        out.append("</ul>")
    else:
        out.append("<p>No session is planned.</p>")
    out.append("</section>")

    out += topics_section(agenda)
    out += history_section(data.history)
    out += attendance_section(config, data)
    conf_zone = config.conference.timezone
    out += [
        "</main>",
        f"<footer><p class=muted>Sessions are named by their date and time in {e(conf_zone)}. "
        'Data: <a href="topics.json">topics.json</a>, <a href="history.json">history.json</a>, '
        '<a href="calendar.ics">calendar.ics</a>.</p></footer>',
        f"<script>{SCRIPT}</script>",
        "</body>",
        "</html>",
    ]
    return "\n".join(out) + "\n"
