"""The small pieces of HTML the public page is made of: escaping, times (in UTC, which the
page's script rewrites in the visitor's zone), the call's link and a topic."""

from __future__ import annotations

import datetime as dt
import html

from bot.core.clock import UTC
from bot.core.config import Config
from bot.core.text import plural
from bot.features.topics.model import Topic
from commands.wording import time_spent

CHART_PATH = "/chart.png"


def e(text: object) -> str:
    return html.escape(str(text), quote=True)


def time_html(at: dt.datetime) -> str:
    utc = at.astimezone(UTC)
    shown = f"{utc:%A} {utc.day} {utc:%B %Y}, {utc:%H:%M} UTC"
    return f'<time datetime="{utc:%Y-%m-%dT%H:%M:%SZ}">{e(shown)}</time>'


def clock_html(at: dt.datetime) -> str:
    """A time of today's session: the hour only (the script shows it in the visitor's zone)."""
    utc = at.astimezone(UTC)
    return f'<time datetime="{utc:%Y-%m-%dT%H:%M:%SZ}" data-clock>{utc:%H:%M} UTC</time>'


def link_html(config: Config) -> str:
    conf = config.conference
    return f'<a href="{e(conf.bbb_url)}">{e(conf.bbb_url)}</a> (access code <code>{e(conf.access_code)}</code>)'


def topic_html(topic: Topic, votes: bool, minutes: bool = False) -> str:
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
