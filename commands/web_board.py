"""The page's board and archive: the open topics, the discussed ones by session and the
attendance, as HTML sections (commands/web.py puts the page together around them)."""

from __future__ import annotations

from bot.core.config import Config
from bot.core.text import plural
from bot.features.agenda.service import AgendaData
from bot.features.export.reports import IMPORTED_SESSION
from bot.features.sessions.timeline import Phase
from bot.features.site.service import History, PageData, SessionAttended
from commands.web_html import CHART_PATH, e, time_html, topic_html

# Style and script of these sections, added to the page's own (the page's CSP hashes them).
BOARD_STYLE = ""
BOARD_SCRIPT = ""


def topics_section(agenda: AgendaData) -> list[str]:
    """The open topics, most votes first."""
    out = ['<section aria-labelledby="agenda"><h2 id="agenda">Agenda: open topics</h2>']
    if agenda.topics:
        out.append("<p class=muted>Most votes first. Suggest and vote in the chat room.</p>")
        out.append('<ol class="topics">')
        out += [topic_html(t, votes=True) for t in agenda.topics]
        out.append("</ol>")
        more = agenda.open_topics - len(agenda.topics)
        if more > 0:
            out.append(
                f'<p>And {e(plural(more, "more open topic"))}: all in <a href="topics.json">topics.json</a>.</p>'
            )
    else:
        out.append("<p>No open topics yet.</p>")
    out.append("</section>")
    return out


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
        label = e(IMPORTED_SESSION.capitalize()) if group.session is None else f"Session {e(group.session)}"
        out.append(f"<h3>{label}</h3><ul>")
        out += [topic_html(t, votes=False, minutes=True) for t in group.topics]
        out.append("</ul>")
    if history.total > history.shown:
        out.append(
            f"<p>{e(history.shown)} of {e(plural(history.total, 'topic'))} shown: narrow the filter, or see all in "
            '<a href="history.json">history.json</a>.</p>'
        )
    out.append("</section>")
    return out


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
    return f"<li>{time_html(session.starts_at)} — {e(what)}; {e(came)}</li>"


def attendance_section(config: Config, data: PageData) -> list[str]:
    """The attendance chart and the sessions of the last weeks people came to."""
    del config  # the sections' common signature; the chart's words need no configuration yet
    out = ['<section aria-labelledby="attendance"><h2 id="attendance">Attendance</h2>']
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
    return out
