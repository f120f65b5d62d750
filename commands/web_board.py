"""The page's board and archive: the open topics as cards, the discussed ones by session and
the attendance (a figure, then the chart), as HTML sections (commands/web.py puts the page
together around them)."""

from __future__ import annotations

import datetime as dt

from bot.core.clock import UTC
from bot.core.config import Config
from bot.core.text import plural
from bot.core.timezones import place_name
from bot.features.agenda.service import AgendaData
from bot.features.sessions.statistics import CHART_NEEDS, STATS_WEEKS
from bot.features.sessions.timeline import Phase
from bot.features.site.service import CHART_AFTER, History, HistoryGroup, PageData, SessionAttended
from bot.features.topics.model import Topic
from commands.stats import chart_title
from commands.web_html import CHART_PATH, e, time_html
from commands.wording import time_spent

# Style and script of these sections, added to the page's own (the page's CSP hashes them).
# Colours are shades of the text's own, so they read in a light and a dark scheme alike.
BOARD_STYLE = """
.board{list-style:none;padding:0;margin:1rem 0;display:grid;gap:.5rem}
.card{display:flex;gap:.75rem;align-items:flex-start;margin:0;padding:.6rem .75rem;border-radius:.5rem;
border:1px solid rgba(128,128,128,.35);background:rgba(128,128,128,.06)}
.votes{flex:none;min-width:3.25rem;text-align:center;font-size:.75rem;line-height:1.2;padding:.3rem .25rem;
border-radius:.4rem;background:rgba(128,128,128,.16)}
.votes b{display:block;font-size:1.25rem}
.what{min-width:0;overflow-wrap:anywhere}.what .topic{font-weight:600}
.num{font-variant-numeric:tabular-nums;opacity:.75;white-space:nowrap}
.by,.note{display:block;font-size:.9rem;opacity:.8}
.done{list-style:none;padding:0}.done li{margin:.4rem 0;overflow-wrap:anywhere}
details{margin:1rem 0}summary{cursor:pointer;font-weight:600}
.figure{font-size:1.1rem}.figure b{font-size:1.4rem}
.turnout{border-collapse:collapse;width:100%}.turnout caption{text-align:left;padding:.25rem 0}
.turnout th,.turnout td{text-align:left;vertical-align:top;padding:.3rem .5rem .3rem 0;
border-bottom:1px solid rgba(128,128,128,.3)}
.turnout .by{overflow-wrap:anywhere}
""".strip()
# The chart in the visitor's zone (its slots and days as they read there): chart.png is in
# UTC, as the page's times are without a script. Lazy, so that it is asked for once.
BOARD_SCRIPT = """
(function(){
var c=document.querySelector('img[data-chart]');if(!c){return;}
var z=Intl.DateTimeFormat().resolvedOptions().timeZone;
if(z&&z!=='UTC'){c.src='chart.png?tz='+encodeURIComponent(z);}
})();
""".strip()


# --- the open topics ------------------------------------------------------------------


def _card(topic: Topic) -> str:
    """An open topic as a card: its votes as a badge, its title, the number people vote
    with, who suggested it (when names are shown) and its note."""
    votes = plural(topic.votes, "vote")
    badge = f'<span class="votes" aria-label="{e(votes)}"><b>{topic.votes}</b> {e(votes.split()[1])}</span>'
    what = f'<span class="topic">{e(topic.text)}</span> <span class="num">#{topic.id}</span>'
    if topic.suggested_name:
        what += f'<span class="by">suggested by {e(topic.suggested_name)}</span>'
    if topic.note:
        what += f'<span class="note">Note: {e(topic.note)}</span>'
    return f'<li class="card" id="topic-{topic.id}">{badge}<span class="what">{what}</span></li>'


def topics_section(agenda: AgendaData) -> list[str]:
    """The open topics, most votes first, as a board of cards."""
    out = ['<section aria-labelledby="agenda"><h2 id="agenda">Open topics</h2>']
    if agenda.topics:
        out.append(
            "<p class=muted>Most votes first. Suggest topics and vote for them in the chat room (link above).</p>"
        )
        out.append('<ul class="board">')
        out += [_card(t) for t in agenda.topics]
        out.append("</ul>")
        more = agenda.open_topics - len(agenda.topics)
        if more > 0:
            out.append(
                f'<p>And {e(plural(more, "more open topic"))}: all in <a href="topics.json">topics.json</a>.</p>'
            )
    else:
        out.append("<p>No open topics yet: suggest one in the chat room (link above).</p>")
    out.append("</section>")
    return out


# --- the discussed topics ---------------------------------------------------------------


def _discussed(topic: Topic) -> str:
    """A discussed topic: its number and title; how long (with a timebox), who suggested
    it (when names are shown) and its note, below."""
    about = [time_spent(topic.minutes)] if topic.minutes else []
    if topic.suggested_name:
        about.append(f"suggested by {topic.suggested_name}")
    text = f'<span class="num">#{topic.id}</span> <span class="topic">{e(topic.text)}</span>'
    if about:
        text += f'<span class="by">{e(" · ".join(about))}</span>'
    if topic.note:
        text += f'<span class="note">Note: {e(topic.note)}</span>'
    return f"<li>{text}</li>"


def _group(group: HistoryGroup, filtered: bool) -> list[str]:
    topics = [_discussed(t) for t in group.topics]
    if group.session is None:
        # The seed file's backlog, folded: open when a filter found it.
        summary = plural(len(group.topics), "earlier topic")
        return [
            f"<details{' open' if filtered else ''}><summary>{e(summary)}</summary>",
            "<p class=muted>These were discussed before the bot kept records: no session, no date.</p>",
            '<ul class="done">',
            *topics,
            "</ul></details>",
        ]
    name = time_html(group.starts_at) if group.starts_at is not None else f"Session {e(group.session)}"
    return [f"<h3>{name}</h3>", '<ul class="done">', *topics, "</ul>"]


def history_section(history: History) -> list[str]:
    """The discussed topics by session, the newest first, with the filter form."""
    out = ['<section aria-labelledby="history"><h2 id="history">Discussed topics</h2>']
    out.append(
        '<form method="get" action="#history" role="search"><label for="q">Topics containing</label>'
        f'<input type="search" id="q" name="q" value="{e(history.words)}"><button type="submit">Filter</button></form>'
    )
    if not history.groups:
        out.append(f"<p>No discussed topic contains “{e(history.words)}”.</p>" if history.words else "<p>None yet.</p>")
    for group in history.groups:
        out += _group(group, bool(history.words))
    if history.total > history.shown:
        out.append(
            f"<p>{e(history.shown)} of {e(plural(history.total, 'topic'))} shown: narrow the filter, or see all in "
            '<a href="history.json">history.json</a>.</p>'
        )
    out.append("</section>")
    return out


# --- attendance -------------------------------------------------------------------------


def chart_title_in(config: Config, zone: str) -> str:
    """The chart's title on the page, with the zone its slots and days are in."""
    return f"{chart_title(config)} (times in {place_name(zone)})"


def _day(at: dt.datetime) -> str:
    """'Thu 10 Dec' (the page's script shows the visitor's day)."""
    utc = at.astimezone(UTC)
    return f'<time datetime="{utc:%Y-%m-%dT%H:%M:%SZ}" data-form="day">{utc:%a} {utc.day} {utc:%b}</time>'


def _clock(at: dt.datetime) -> str:
    utc = at.astimezone(UTC)
    return f'<time datetime="{utc:%Y-%m-%dT%H:%M:%SZ}" data-clock>{utc:%H:%M} UTC</time>'


def _figure(data: PageData) -> str:
    """How many came to the last session, and how many different people in all."""
    # The last session over, or the one running when it is the first.
    held = [a for a in data.attendance if a.phase.held]
    last = next((a for a in held if a.phase is not Phase.RUNNING), held[0])
    one = last.present == 1
    if last.phase is Phase.RUNNING:
        came = f"{'person has' if one else 'people have'} checked in to the session running now"
    else:
        came = f"{'person' if one else 'people'} came to the {'first' if data.held == 1 else 'last'} session, "
        came += _day(last.starts_at)
    came = f"<b>{last.present}</b> {came}"
    if data.held == 1:
        return f'<p class="figure">{came}.</p>'
    return f'<p class="figure">{came}; <b>{data.people}</b> different people over {data.held} sessions.</p>'


# What became of a session people came to, in the table (its length once a host ended it).
PHASE_WORDS = {
    Phase.AUTO_CLOSED: "closed automatically, length unknown",
    Phase.RUNNING: "running now",
    Phase.NOT_STARTED: "not started (no host)",
    Phase.WAITING: "waiting for its host",
    Phase.CALLED_OFF: "called off",
}


def _row(session: SessionAttended) -> str:
    if session.phase is Phase.ENDED and session.minutes is not None:
        what = time_spent(session.minutes)
    else:
        what = PHASE_WORDS.get(session.phase, str(session.phase))
    if session.phase is Phase.CALLED_OFF and session.reason:
        what += f": {session.reason}"
    came = f"<b>{session.present}</b>"
    if session.names:
        came += f' <span class="by">{e(", ".join(session.names))}</span>'
    when = f"{_day(session.starts_at)} {_clock(session.starts_at)}"
    return f"<tr><td>{when}</td><td>{came}</td><td>{e(what)}</td></tr>"


def attendance_section(config: Config, data: PageData) -> list[str]:
    """How many come: a figure until the sessions span CHART_AFTER, then the chart too; and
    the sessions of the last weeks people came to, as a table."""
    del config  # the sections' common signature; the chart's words need no configuration
    out = ['<section aria-labelledby="attendance"><h2 id="attendance">Attendance</h2>']
    if data.held:
        out.append(_figure(data))
    else:
        out.append("<p>No session has been held yet.</p>")
    if data.chart:
        out.append(
            f'<img src="{CHART_PATH[1:]}" data-chart loading="lazy" width="800" height="400" '
            f'alt="Chart of how many people checked in to each session over the last {STATS_WEEKS} weeks, '
            'one line per weekly slot (the table below has the same figures)">'
        )
    elif data.held >= CHART_NEEDS and data.chart_from is not None:
        out.append(
            f"<p class=muted>The chart of attendance by weekly slot appears from {_day(data.chart_from)}, "
            f"{plural(CHART_AFTER.days // 7, 'week')} after the first session held.</p>"
        )
    elif data.held:
        # One session held (however long ago): the day of the chart depends on the next.
        out.append(
            "<p class=muted>The chart of attendance by weekly slot appears once sessions have been held "
            f"for {plural(CHART_AFTER.days // 7, 'week')}.</p>"
        )
    if data.attendance:
        out.append('<table class="turnout">')
        out.append(f"<caption>Sessions of the last {STATS_WEEKS} weeks people came to, the newest first</caption>")
        heads = "".join(f'<th scope="col">{h}</th>' for h in ("Session", "People", "How long"))
        out.append(f"<thead><tr>{heads}</tr></thead><tbody>")
        out += [_row(a) for a in data.attendance]
        out.append("</tbody></table>")
    out.append("</section>")
    return out
