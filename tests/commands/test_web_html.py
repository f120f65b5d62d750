"""commands/web_html.py: the pieces of the page escape what people typed and write times in
UTC for the page's script to rewrite."""

from __future__ import annotations

import datetime as dt

from bot.features.topics.model import Topic, TopicStatus
from commands.web_html import clock_html, topic_html


def test_a_time_is_written_in_utc_with_its_machine_form():
    at = dt.datetime(2026, 12, 10, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert clock_html(at) == '<time datetime="2026-12-10T08:00:00Z" data-clock>08:00 UTC</time>'


def test_a_topic_escapes_its_text_and_its_suggesters_name():
    topic = Topic(7, "<b>pay</b> & co", 2, None, "A <i>", None, TopicStatus.OPEN)
    shown = topic_html(topic, votes=True)
    assert "&lt;b&gt;pay&lt;/b&gt; &amp; co" in shown and "A &lt;i&gt;" in shown and "<b>" not in shown
    assert "2 votes" in shown
