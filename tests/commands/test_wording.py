"""commands/wording.py: countdowns and durations in words."""

import datetime as dt

import pytest

from bot.core.text import Text
from commands.wording import countdown, duration_text, listed, listed_text


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (dt.timedelta(days=1, hours=11), "in 1 day 11 hours"),
        (dt.timedelta(days=2, hours=20, minutes=5), "in 2 days 20 hours"),
        (dt.timedelta(days=1), "in 1 day"),
        (dt.timedelta(hours=2, minutes=5), "in 2 hours 5 minutes"),
        (dt.timedelta(hours=3, minutes=20, seconds=30), "in 3 hours 21 minutes"),
        (dt.timedelta(hours=1), "in 1 hour"),
        (dt.timedelta(minutes=15), "in 15 minutes"),
        (dt.timedelta(minutes=1), "in 1 minute"),
        (-dt.timedelta(minutes=5), "5 minutes ago"),
        (-dt.timedelta(hours=1, minutes=1), "1 hour 1 minute ago"),
        # Rounded to the nearest minute, not down: a reminder sent a few milliseconds
        # after 08:45 for 09:00 is 15 minutes away, not 14.
        (dt.timedelta(minutes=14, seconds=59, milliseconds=997), "in 15 minutes"),
        (dt.timedelta(minutes=14, seconds=29), "in 14 minutes"),
        (dt.timedelta(seconds=30), "in 1 minute"),
        (dt.timedelta(seconds=29), "now"),
        (-dt.timedelta(seconds=20), "now"),
        (dt.timedelta(hours=1, minutes=59, seconds=45), "in 2 hours"),
        # A day or more away the minutes are not shown: the hours are rounded instead.
        (dt.timedelta(days=1, hours=11, minutes=50), "in 1 day 12 hours"),
        (dt.timedelta(days=1, hours=23, minutes=31), "in 2 days"),
        (dt.timedelta(days=2, hours=19, minutes=29), "in 2 days 19 hours"),
    ],
)
def test_countdown_in_words_rounded_to_the_nearest_minute(delta, expected):
    assert countdown(delta) == expected


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (dt.timedelta(hours=1, minutes=5), "1 hour 5 minutes"),
        (dt.timedelta(hours=3), "3 hours"),
        (dt.timedelta(minutes=45), "45 minutes"),
        (dt.timedelta(minutes=1, seconds=40), "2 minutes"),
        (dt.timedelta(seconds=10), "less than a minute"),
        (dt.timedelta(hours=26, minutes=1), "26 hours 1 minute"),
    ],
)
def test_duration_in_words(delta, expected):
    assert duration_text(delta) == expected


def test_names_are_listed_as_a_sentence_says_them():
    assert listed(["Alice"], "and") == "Alice"
    assert listed(["Alice", "Bob"], "or") == "Alice or Bob"
    assert listed(["Alice", "Bob", "Carol"], "and") == "Alice, Bob and Carol"


def test_pieces_of_a_message_are_listed_with_their_markup():
    text = listed_text([Text().bold("#3").add(" “<apples>”"), Text().bold("#4")], "or")
    assert text.plain == "#3 “<apples>” or #4"
    assert text.html == "<strong>#3</strong> “&lt;apples&gt;” or <strong>#4</strong>"


def test_a_topic_line_is_its_number_text_and_details_between_middle_dots():
    from bot.features.topics.model import Topic, TopicStatus
    from commands.wording import suggested_by, topic_line, votes_text

    topic = Topic(28, "Co-op — legal <steps>", 3, "@gus:x", "Gus", None, TopicStatus.OPEN)
    line = topic_line(topic, votes_text(topic.votes), suggested_by(topic))
    assert line.plain == "#28 Co-op — legal <steps> · 3 votes · by Gus"
    assert line.html == "<strong>#28</strong> Co-op — legal &lt;steps&gt; · 3 votes · by Gus"
    assert topic_line(topic, "", "6 minutes").plain == "#28 Co-op — legal <steps> · 6 minutes", "empty details left out"
    assert votes_text(1) == "1 vote"
    forgotten = Topic(2, "x", 0, None, None, None, TopicStatus.OPEN)
    assert suggested_by(forgotten) == "by a former participant"
