"""The small pieces of HTML the public page is made of: escaping, times (in UTC, which the
page's script rewrites in the visitor's zone), the call's link and a topic. In the page's
language (`lang`, English by default)."""

from __future__ import annotations

import datetime as dt
import html

from bot.core.clock import UTC
from bot.core.config import Config
from bot.core.i18n import Translator, english
from bot.features.topics.model import Topic
from commands.wording import long_date, time_spent, votes_text

CHART_PATH = "/chart.png"


def e(text: object) -> str:
    return html.escape(str(text), quote=True)


def time_html(at: dt.datetime, lang: Translator | None = None) -> str:
    """'Thursday 26 November 2026, 08:00 UTC' ('jueves, 26 de noviembre de 2026, 08:00 UTC')."""
    utc = at.astimezone(UTC)
    shown = f"{long_date(utc, None, lang)} UTC"
    return f'<time datetime="{utc:%Y-%m-%dT%H:%M:%SZ}">{e(shown)}</time>'


def clock_html(at: dt.datetime) -> str:
    """A time of today's session: the hour only (the script shows it in the visitor's zone)."""
    utc = at.astimezone(UTC)
    return f'<time datetime="{utc:%Y-%m-%dT%H:%M:%SZ}" data-clock>{utc:%H:%M} UTC</time>'


def link_html(config: Config, lang: Translator | None = None) -> str:
    conf = config.conference
    link = f'<a href="{e(conf.bbb_url)}">{e(conf.bbb_url)}</a>'
    code = f"<code>{e(conf.access_code)}</code>"
    return (lang or english()).gettext("{link} (access code {code})", link=link, code=code)


def topic_html(topic: Topic, votes: bool, minutes: bool = False, lang: Translator | None = None) -> str:
    """A topic; with `minutes`, how long it was discussed with a timebox (Lean Coffee)."""
    lang = lang or english()
    parts = [f'<span class="topic">{e(topic.text)}</span>']
    if votes:
        parts.append(f" <span class=muted>— {e(votes_text(topic.votes, lang))}</span>")
    if minutes and topic.minutes:
        parts.append(f" <span class=muted>— {e(time_spent(topic.minutes, lang))}</span>")
    if topic.suggested_name:
        said = lang.gettext("(suggested by {name})", name=topic.suggested_name)
        parts.append(f" <span class=muted>{e(said)}</span>")
    if topic.note:
        said = lang.gettext("Note: {note}", note=topic.note)
        parts.append(f"<br><span class=muted>{e(said)}</span>")
    return f'<li value="{topic.id}" id="topic-{topic.id}">' + "".join(parts) + "</li>"
