"""The page's board and archive: the open topics as cards, the discussed ones by session and
the attendance (a figure, then the chart), as HTML sections (commands/web.py puts the page
together around them)."""

from __future__ import annotations

import datetime as dt

from bot.core.clock import UTC
from bot.core.config import Config
from bot.core.i18n import N_, Translator, english, room_language
from bot.core.timezones import place_name
from bot.features.agenda.service import AgendaData
from bot.features.sessions.statistics import CHART_NEEDS, STATS_WEEKS
from bot.features.sessions.timeline import Phase
from bot.features.site.service import CHART_AFTER, History, HistoryGroup, PageData, SessionAttended
from bot.features.topics.model import Topic
from commands.stats import chart_title
from commands.web_html import CHART_PATH, e, time_html
from commands.wording import time_spent, votes_text

# Style and script of these sections, added to the page's own (the page's CSP hashes them).
# Colours are shades of the text's own, so they read in a light and a dark scheme alike.
BOARD_STYLE = """
.board{list-style:none;padding:0;margin:1rem 0;display:grid;gap:.5rem}
.topic-card{display:flex;gap:.75rem;align-items:flex-start;margin:0;padding:.6rem .75rem;border-radius:.5rem;
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
# UTC, as the page's times are without a script; in the page's language (?lang=). Lazy, so that it is asked for once.
BOARD_SCRIPT = """
(function(){
var c=document.querySelector('img[data-chart]');if(!c){return;}
var z=Intl.DateTimeFormat().resolvedOptions().timeZone;
if(z&&z!=='UTC'){var s=c.getAttribute('src');c.src=s+(s.indexOf('?')<0?'?':'&')+'tz='+encodeURIComponent(z);}
})();
""".strip()


# --- the open topics ------------------------------------------------------------------


def _card(topic: Topic, lang: Translator) -> str:
    """An open topic as a card: its votes as a badge, its title, the number people vote
    with, who suggested it (when names are shown) and its note."""
    votes = votes_text(topic.votes, lang)
    if topic.votes == 0:
        # Translators: under a big 0 on a topic's badge: '0 / votes'.
        word = lang.pgettext("badge", "votes")
    else:
        # Translators: under a topic's number of votes on its badge: '1 / vote', '3 / votes'.
        word = lang.ngettext("vote", "votes", topic.votes)
    badge = f'<span class="votes" aria-label="{e(votes)}"><b>{topic.votes}</b> {e(word)}</span>'
    what = f'<span class="topic">{e(topic.text)}</span> <span class="num">#{topic.id}</span>'
    if topic.suggested_name:
        said = lang.gettext("suggested by {name}", name=topic.suggested_name)
        what += f'<span class="by">{e(said)}</span>'
    if topic.note:
        said = lang.gettext("Note: {note}", note=topic.note)
        what += f'<span class="note">{e(said)}</span>'
    return f'<li class="topic-card" id="topic-{topic.id}">{badge}<span class="what">{what}</span></li>'


def topics_section(agenda: AgendaData, lang: Translator | None = None) -> list[str]:
    """The open topics, most votes first, as a board of cards."""
    lang = lang or english()
    title = e(lang.gettext("Open topics"))
    out = [f'<section aria-labelledby="agenda"><h2 id="agenda">{title}</h2>']
    if agenda.topics:
        said = lang.gettext("Most votes first. Suggest topics and vote for them in the chat room (link above).")
        out.append(f"<p class=muted>{e(said)}</p>")
        out.append('<ul class="board">')
        out += [_card(t, lang) for t in agenda.topics]
        out.append("</ul>")
        more = agenda.open_topics - len(agenda.topics)
        if more > 0:
            link = '<a href="topics.json">topics.json</a>'
            said = lang.ngettext(
                "And {n} more open topic: all in {link}.", "And {n} more open topics: all in {link}.", more, link=link
            )
            out.append(f"<p>{said}</p>")
    else:
        said = lang.gettext("No open topics yet: suggest one in the chat room (link above).")
        out.append(f"<p>{e(said)}</p>")
    out.append("</section>")
    return out


# --- the discussed topics ---------------------------------------------------------------


def _discussed(topic: Topic, lang: Translator) -> str:
    """A discussed topic: its number and title; how long (with a timebox), who suggested
    it (when names are shown) and its note, below."""
    about = [time_spent(topic.minutes, lang)] if topic.minutes else []
    if topic.suggested_name:
        about.append(lang.gettext("suggested by {name}", name=topic.suggested_name))
    text = f'<span class="num">#{topic.id}</span> <span class="topic">{e(topic.text)}</span>'
    if about:
        text += f'<span class="by">{e(" · ".join(about))}</span>'
    if topic.note:
        said = lang.gettext("Note: {note}", note=topic.note)
        text += f'<span class="note">{e(said)}</span>'
    return f"<li>{text}</li>"


def _group(group: HistoryGroup, filtered: bool, lang: Translator) -> list[str]:
    topics = [_discussed(t, lang) for t in group.topics]
    if group.session is None:
        # The seed file's backlog, folded: open when a filter found it.
        summary = lang.ngettext("{n} earlier topic", "{n} earlier topics", len(group.topics))
        said = lang.gettext("These were discussed before the bot kept records: no session, no date.")
        return [
            f"<details{' open' if filtered else ''}><summary>{e(summary)}</summary>",
            f"<p class=muted>{e(said)}</p>",
            '<ul class="done">',
            *topics,
            "</ul></details>",
        ]
    if group.starts_at is not None:
        name = time_html(group.starts_at, lang)
    else:
        name = e(lang.gettext("Session {key}", key=group.session))
    return [f"<h3>{name}</h3>", '<ul class="done">', *topics, "</ul>"]


def history_section(history: History, lang: Translator | None = None, chosen: str | None = None) -> list[str]:
    """The discussed topics by session, the newest first, with the filter form (which keeps
    the language `chosen` by the visitor's link, if any)."""
    lang = lang or english()
    title = e(lang.gettext("Discussed topics"))
    out = [f'<section aria-labelledby="history"><h2 id="history">{title}</h2>']
    kept = f'<input type="hidden" name="lang" value="{e(chosen)}">' if chosen else ""
    label, button = lang.gettext("Topics containing"), lang.gettext("Filter")
    out.append(
        f'<form method="get" action="#history" role="search"><label for="q">{e(label)}'
        f'</label><input type="search" id="q" name="q" value="{e(history.words)}">{kept}'
        f'<button type="submit">{e(button)}</button></form>'
    )
    if not history.groups:
        if history.words:
            said = lang.gettext("No discussed topic contains “{words}”.", words=history.words)
        else:
            said = lang.gettext("None yet.")
        out.append(f"<p>{e(said)}</p>")
    for group in history.groups:
        out += _group(group, bool(history.words), lang)
    if history.total > history.shown:
        link = '<a href="history.json">history.json</a>'
        said = lang.ngettext(
            "{shown} of {n} topic shown: narrow the filter, or see all in {link}.",
            "{shown} of {n} topics shown: narrow the filter, or see all in {link}.",
            history.total,
            shown=history.shown,
            link=link,
        )
        out.append(f"<p>{said}</p>")
    out.append("</section>")
    return out


# --- attendance -------------------------------------------------------------------------


def chart_title_in(config: Config, zone: str, lang: Translator | None = None) -> str:
    """The chart's title on the page, with the zone its slots and days are in; in `lang`
    (the rooms' language by default)."""
    lang = lang or room_language(config)
    return lang.gettext(
        "{title} (times in {place})", title=chart_title(config, lang=lang), place=place_name(zone, lang.locale)
    )


def _day(at: dt.datetime, lang: Translator) -> str:
    """'Thu 10 Dec' (the page's script shows the visitor's day)."""
    utc = at.astimezone(UTC)
    return f'<time datetime="{utc:%Y-%m-%dT%H:%M:%SZ}" data-form="day">{e(lang.dated(utc, "EEE d MMM"))}</time>'


def _clock(at: dt.datetime) -> str:
    utc = at.astimezone(UTC)
    return f'<time datetime="{utc:%Y-%m-%dT%H:%M:%SZ}" data-clock>{utc:%H:%M} UTC</time>'


def _figure(data: PageData, lang: Translator) -> str:
    """How many came to the last session, and how many different people in all."""
    # The last session over, or the one running when it is the first.
    held = [a for a in data.attendance if a.phase.held]
    last = next((a for a in held if a.phase is not Phase.RUNNING), held[0])
    n = f"<b>{last.present}</b>"
    if last.phase is Phase.RUNNING:
        came = lang.ngettext(
            "{count} person has checked in to the session running now",
            "{count} people have checked in to the session running now",
            last.present,
            count=n,
        )
    elif data.held == 1:
        came = lang.ngettext(
            "{count} person came to the first session, {day}",
            "{count} people came to the first session, {day}",
            last.present,
            count=n,
            day=_day(last.starts_at, lang),
        )
    else:
        came = lang.ngettext(
            "{count} person came to the last session, {day}",
            "{count} people came to the last session, {day}",
            last.present,
            count=n,
            day=_day(last.starts_at, lang),
        )
    if data.held == 1:
        return f'<p class="figure">{came}.</p>'
    over = lang.ngettext(
        "{people} different people over {n} session",
        "{people} different people over {n} sessions",
        data.held,
        people=f"<b>{data.people}</b>",
    )
    return f'<p class="figure">{came}; {over}.</p>'


# What became of a session people came to, in the table (its length once a host ended it).
PHASE_WORDS = {
    Phase.AUTO_CLOSED: N_("closed automatically, length unknown"),
    Phase.RUNNING: N_("running now"),
    Phase.NOT_STARTED: N_("not started (no host)"),
    Phase.WAITING: N_("waiting for its host"),
    Phase.CALLED_OFF: N_("called off"),
}


def _row(session: SessionAttended, lang: Translator) -> str:
    if session.phase is Phase.ENDED and session.minutes is not None:
        what = time_spent(session.minutes, lang)
    elif session.phase in PHASE_WORDS:
        what = lang.gettext(PHASE_WORDS[session.phase])
    else:
        what = str(session.phase)
    if session.phase is Phase.CALLED_OFF and session.reason:
        what = lang.gettext("{what}: {reason}", what=what, reason=session.reason)
    came = f"<b>{session.present}</b>"
    if session.names:
        came += f' <span class="by">{e(", ".join(session.names))}</span>'
    when = f"{_day(session.starts_at, lang)} {_clock(session.starts_at)}"
    return f"<tr><td>{when}</td><td>{came}</td><td>{e(what)}</td></tr>"


def attendance_section(config: Config, data: PageData, lang: Translator | None = None) -> list[str]:
    """How many come: a figure until the sessions span CHART_AFTER, then the chart too; and
    the sessions of the last weeks people came to, as a table."""
    lang = lang or english()
    del config  # the sections' common signature; the chart's words need no configuration
    title = e(lang.gettext("Attendance"))
    out = [f'<section aria-labelledby="attendance"><h2 id="attendance">{title}</h2>']
    if data.held:
        out.append(_figure(data, lang))
    else:
        said = lang.gettext("No session has been held yet.")
        out.append(f"<p>{e(said)}</p>")
    weeks = CHART_AFTER.days // 7
    if data.chart:
        alt = lang.gettext(
            "Chart of how many people checked in to each session over the last {weeks} weeks, "
            "one line per weekly slot (the table below has the same figures)",
            weeks=STATS_WEEKS,
        )
        src = f"{CHART_PATH[1:]}?lang={lang.code}"
        out.append(f'<img src="{e(src)}" data-chart loading="lazy" width="800" height="400" alt="{e(alt)}">')
    elif data.held >= CHART_NEEDS and data.chart_from is not None:
        said = lang.ngettext(
            "The chart of attendance by weekly slot appears from {day}, {n} week after the first session held.",
            "The chart of attendance by weekly slot appears from {day}, {n} weeks after the first session held.",
            weeks,
            day=_day(data.chart_from, lang),
        )
        out.append(f"<p class=muted>{said}</p>")
    elif data.held:
        # One session held (however long ago): the day of the chart depends on the next.
        said = lang.ngettext(
            "The chart of attendance by weekly slot appears once sessions have been held for {n} week.",
            "The chart of attendance by weekly slot appears once sessions have been held for {n} weeks.",
            weeks,
        )
        out.append(f"<p class=muted>{e(said)}</p>")
    if data.attendance:
        out.append('<table class="turnout">')
        caption = lang.gettext("Sessions of the last {weeks} weeks people came to, the newest first", weeks=STATS_WEEKS)
        out.append(f"<caption>{e(caption)}</caption>")
        heads = "".join(
            f'<th scope="col">{e(h)}</th>'
            for h in (lang.gettext("Session"), lang.gettext("People"), lang.gettext("How long"))
        )
        out.append(f"<thead><tr>{heads}</tr></thead><tbody>")
        out += [_row(a, lang) for a in data.attendance]
        out.append("</tbody></table>")
    out.append("</section>")
    return out
