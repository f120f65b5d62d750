"""commands/web_board.py: the page's open topics, archive and attendance sections (the
whole page is tested through them in tests/commands/test_web.py)."""

from __future__ import annotations

from bot.features.site.service import History, HistoryGroup
from bot.features.topics.model import Topic, TopicStatus
from commands.web_board import history_section


def test_an_empty_filter_says_nothing_matched_and_keeps_the_words_escaped():
    shown = "".join(history_section(History("<b>x", (), 0, 0)))
    assert "No discussed topic contains “&lt;b&gt;x”." in shown


def test_the_discussed_topics_are_grouped_by_session():
    topic = Topic(3, "budgets", 0, None, None, None, TopicStatus.DISCUSSED)
    shown = "".join(history_section(History("", (HistoryGroup("2026-12-10 08:00", (topic,)),), 1, 1)))
    assert "budgets" in shown and "2026-12-10 08:00" in shown
