"""The words of the public web page (served by bot/web): one HTML page, and the calendar
feed and JSON documents made by the same code as `!calendar` and the export.

Every string from the database is escaped; times are written in UTC inside
<time datetime=...>, and a small script rewrites them in the visitor's time zone."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html

from bot.core.clock import UTC
from bot.core.config import Config
from bot.core.text import plural
from bot.features.agenda.service import Discussing, Upcoming, Waiting
from bot.features.export.reports import IMPORTED_SESSION, Report, topics_json
from bot.features.schedule.calendar import calendar_ics
from bot.features.sessions.timeline import Phase
from bot.features.site.service import Feed, PageData, SessionAttended
from bot.features.topics.model import Topic
from commands.wording import time_spent

CHART_PATH = "/chart.png"


def feed_ics(config: Config, feed: Feed, now: dt.datetime) -> bytes:
    return calendar_ics(config, feed.cancels, feed.state, now)


def topics_document(config: Config, topics: list[Topic]) -> bytes:
    """The export's JSON document (schema and all) of these topics."""
    return topics_json(topics, Report(config.conference.name, {}))


# --- the page ---------------------------------------------------------------------------

STYLE = """
body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:46rem;padding:0 1rem 2rem;color:#1a1a1a}
h1{font-size:1.6rem;margin:1rem 0 .25rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ccc}
h3{font-size:1rem;margin:1rem 0 .25rem}ul,ol{padding-left:1.25rem}li{margin:.25rem 0}
.cancelled{color:#8a1c1c}.muted{color:#555;font-size:.9rem}img{max-width:100%;height:auto}
form{display:flex;gap:.5rem;flex-wrap:wrap}input[type=search]{flex:1;min-width:10rem;font:inherit;padding:.25rem}
button{font:inherit}a{overflow-wrap:anywhere}
""".strip()

# Rewrites each <time datetime=...> in the browser's own zone; without it, times read in UTC.
SCRIPT = """
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


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


# Nothing runs on the page but its own script and style.
CONTENT_SECURITY_POLICY = (
    f"default-src 'none'; img-src 'self'; style-src {_hash(STYLE)}; script-src {_hash(SCRIPT)}; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _time(at: dt.datetime) -> str:
    utc = at.astimezone(UTC)
    shown = f"{utc:%A} {utc.day} {utc:%B %Y}, {utc:%H:%M} UTC"
    return f'<time datetime="{utc:%Y-%m-%dT%H:%M:%SZ}">{e(shown)}</time>'


def _clock(at: dt.datetime) -> str:
    """A time of today's session: the hour only (the script shows it in the visitor's zone)."""
    utc = at.astimezone(UTC)
    return f'<time datetime="{utc:%Y-%m-%dT%H:%M:%SZ}" data-clock>{utc:%H:%M} UTC</time>'


def _link(config: Config) -> str:
    conf = config.conference
    return f'<a href="{e(conf.bbb_url)}">{e(conf.bbb_url)}</a> (access code <code>{e(conf.access_code)}</code>)'


def _upcoming(config: Config, upcoming: Upcoming) -> str:
    when = _time(upcoming.session.starts_at)
    if upcoming.cancelled:
        reason = f": {e(upcoming.reason)}" if upcoming.reason else ""
        return f'<li class="cancelled"><del>{when}</del> — cancelled{reason}</li>'
    hosts = ""
    if upcoming.volunteers:
        hosts = f"<br><span class=muted>Hosting: {e(', '.join(upcoming.volunteers))}</span>"
    return f"<li>{when}<br>Join: {_link(config)}{hosts}</li>"


def _waiting(config: Config, waiting: Waiting) -> str:
    """Today's session, begun and waiting for its host: not over, and how to join it."""
    here = e(f"{config.matrix.command_prefix}here")
    text = (
        f"<p><strong>Waiting for its host</strong>: the session of {_time(waiting.session.starts_at)} has begun. "
        f"Join: {_link(config)}, and check in with <code>{here}</code> in the chat room."
    )
    if waiting.volunteers:
        text += f"<br><span class=muted>Volunteered to host: {e(', '.join(waiting.volunteers))}</span>"
    return text + "</p>"


# What became of a session people came to, as the page says it (the minutes are added).
PHASE_WORDS = {
    Phase.ENDED: "held",
    Phase.AUTO_CLOSED: "held (closed automatically, so how long is unknown)",
    Phase.RUNNING: "running now",
    Phase.NOT_STARTED: "not started: no host started it",
}


def _attended(session: SessionAttended) -> str:
    what = PHASE_WORDS.get(session.phase, str(session.phase))
    if session.minutes is not None:
        what += f", {plural(session.minutes, 'minute')}"
    if session.phase is Phase.CALLED_OFF and session.reason:
        what += f" ({session.reason})"
    came = f"{session.present} checked in" + (f": {', '.join(session.names)}" if session.names else "")
    return f"<li>{_time(session.starts_at)} — {e(what)}; {e(came)}</li>"


def _discussing(discussing: Discussing) -> str:
    """The topic being discussed (Lean Coffee), since when and its timebox as it stands: no
    countdown, the page reads the same until a host or the vote changes it."""
    if discussing.voting:
        box = "time is up: the room votes in the chat whether to go on"
    elif discussing.until is None:
        box = "no timebox"
    else:
        box = f"timebox until {_clock(discussing.until)}"
    return (
        f'<p><strong>Now discussing</strong> <span class="topic">{e(discussing.topic.text)}</span> '
        f"since {_clock(discussing.since)} ({box}).</p>"
    )


def _topic(topic: Topic, votes: bool, minutes: bool = False) -> str:
    """A topic; with `minutes`, how long it was discussed with a timebox (Lean Coffee)."""
    parts = [f'<span class="topic">{e(topic.text)}</span>']
    if votes:
        parts.append(f" <span class=muted>— {e(plural(topic.votes, 'vote'))}</span>")
    if minutes and topic.minutes:
        parts.append(f" <span class=muted>— {e(time_spent(topic.minutes))}</span>")
    if topic.suggested_name:
        parts.append(f" <span class=muted>(suggested by {e(topic.suggested_name)})</span>")
    if topic.note:
        parts.append(f"<br><span class=muted>Note: {e(topic.note)}</span>")
    return f'<li value="{topic.id}" id="topic-{topic.id}">' + "".join(parts) + "</li>"


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
        f"<p>A weekly video call. Join: {_link(config)}.</p>",
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
        out.append(f"<p><strong>Running now</strong>, since {_time(running.started_at)}: join {_link(config)}.</p>")
        if running.discussing is not None:
            out.append(_discussing(running.discussing))
        if running.discussed:
            out.append("<p>Discussed so far:</p><ul>")
            out += [_topic(t, votes=False, minutes=config.lean_coffee.enabled) for t in running.discussed]
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

    out.append('<section aria-labelledby="agenda"><h2 id="agenda">Agenda: open topics</h2>')
    if agenda.topics:
        out.append("<p class=muted>Most votes first. Suggest and vote in the chat room.</p>")
        out.append('<ol class="topics">')
        out += [_topic(t, votes=True) for t in agenda.topics]
        out.append("</ol>")
        more = agenda.open_topics - len(agenda.topics)
        if more > 0:
            out.append(
                f'<p>And {e(plural(more, "more open topic"))}: all in <a href="topics.json">topics.json</a>.</p>'
            )
    else:
        out.append("<p>No open topics yet.</p>")
    out.append("</section>")

    history = data.history
    out.append('<section aria-labelledby="history"><h2 id="history">Discussed topics</h2>')
    out.append(
        '<form method="get" action="#history" role="search"><label for="q">Topics containing</label>'
        f'<input type="search" id="q" name="q" value="{e(history.words)}"><button type="submit">Filter</button></form>'
    )
    if not history.groups:
        out.append(f"<p>No discussed topic contains “{e(history.words)}”.</p>" if history.words else "<p>None yet.</p>")
    for group in history.groups:
        label = e(IMPORTED_SESSION.capitalize()) if group.session is None else f"Session {e(group.session)}"
        out.append(f"<h3>{label}</h3><ul>")
        out += [_topic(t, votes=False, minutes=True) for t in group.topics]
        out.append("</ul>")
    if history.total > history.shown:
        out.append(
            f"<p>{e(history.shown)} of {e(plural(history.total, 'topic'))} shown: narrow the filter, or see all in "
            '<a href="history.json">history.json</a>.</p>'
        )
    out.append("</section>")

    out.append('<section aria-labelledby="attendance"><h2 id="attendance">Attendance</h2>')
    if data.chart:
        out.append(
            f'<img src="{CHART_PATH[1:]}" width="800" height="400" '
            'alt="Chart: people per session over the last 12 weeks, one line per weekly slot">'
        )
    else:
        out.append("<p>A chart appears once two sessions have been held.</p>")
    if data.attendance:
        out.append("<p>The sessions of the last 12 weeks that people came to, the newest first:</p><ul>")
        out += [_attended(a) for a in data.attendance]
        out.append("</ul>")
    out.append("</section>")
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
