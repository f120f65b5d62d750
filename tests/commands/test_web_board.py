"""commands/web_board.py: the page's open topics (a board of cards), the discussed ones by
session and the attendance (a figure, then the chart), built from the data the service
gives (the whole page is tested in tests/commands/test_web.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from bot.features.agenda.service import AgendaData
from bot.features.people import repository as people
from bot.features.sessions.timeline import Phase
from bot.features.site import service as site
from bot.features.site.service import History, HistoryGroup, PageData, SessionAttended
from bot.features.topics.model import Topic, TopicStatus
from bot.features.topics.repository import all_topics
from commands.web_board import BOARD_SCRIPT, attendance_section, history_section, topics_section
from tests.conftest import ALICE, BOB, HOST, SEED_TOPICS, hold

SHOW_NAMES = {"web": {"enabled": True, "show_names": True}}
UTC = dt.UTC


def topic(number: int, text: str, votes: int = 0, status: TopicStatus = TopicStatus.OPEN, **more) -> Topic:
    return dataclasses.replace(Topic(number, text, votes, None, None, "2026-11-01T10:00:00Z", status), **more)


def agenda(*topics: Topic, open_topics: int | None = None) -> AgendaData:
    return AgendaData((), topics, len(topics) if open_topics is None else open_topics, None)


async def data(chat, words: str = "") -> PageData:
    s = chat.services
    return await site.page(s.store, s.config, s.clock.now(), words)


async def number_of(chat, text: str) -> int:
    return next(t.id for t in await all_topics(chat.store) if t.text == text)


# --- the open topics: a board of cards -------------------------------------------------


def test_each_open_topic_is_a_card_with_its_votes_title_and_number_most_votes_first():
    shown = "".join(topics_section(agenda(topic(26, "Budgets <b>2027</b>", 3), topic(4, "Bylaws", 1))))
    assert '<h2 id="agenda">Open topics</h2>' in shown
    budgets = (
        '<li class="topic-card" id="topic-26"><span class="votes" aria-label="3 votes"><b>3</b> votes</span>'
        '<span class="what"><span class="topic">Budgets &lt;b&gt;2027&lt;/b&gt;</span>'
        ' <span class="num">#26</span></span></li>'
    )
    assert budgets in shown, shown
    assert "<b>1</b> vote</span>" in shown and "1 votes" not in shown
    assert shown.index("Budgets") < shown.index("Bylaws"), "in the order given: most votes first"
    assert "<ol" not in shown and "value=" not in shown, "numbers as people vote with them, not list markers"


def test_a_card_names_who_suggested_it_when_the_service_gives_the_name_and_shows_its_note():
    card = topic(7, "Budgets", 2, suggested_name="Alice <i>A</i>", note="see <the> doc")
    shown = "".join(topics_section(agenda(card)))
    assert '<span class="by">suggested by Alice &lt;i&gt;A&lt;/i&gt;</span>' in shown
    assert '<span class="note">Note: see &lt;the&gt; doc</span>' in shown
    assert "suggested by" not in "".join(topics_section(agenda(topic(7, "Budgets", 2))))


def test_the_board_says_where_to_suggest_and_vote_and_where_the_rest_is():
    shown = "".join(topics_section(agenda(topic(7, "Budgets", 3), open_topics=52)))
    assert "Most votes first. Suggest topics and vote for them in the chat room (link above)." in shown
    assert 'And 51 more open topics: all in <a href="topics.json">topics.json</a>.' in shown
    assert "No open topics yet: suggest one in the chat room (link above)." in "".join(topics_section(agenda()))


# --- the discussed topics --------------------------------------------------------------


def test_the_discussed_topics_are_grouped_under_their_session_named_for_people():
    budgets = topic(3, "Budgets", status=TopicStatus.DISCUSSED, minutes=65, note="<i>agreed</i>")
    group = HistoryGroup("2026-12-10 08:00", (budgets,), dt.datetime(2026, 12, 10, 8, tzinfo=UTC))
    shown = "".join(history_section(History("", (group,), 1, 1)))
    assert '<h3><time datetime="2026-12-10T08:00:00Z">Thursday 10 December 2026, 08:00 UTC</time></h3>' in shown, shown
    assert "Session 2026-12-10" not in shown, "no storage key"
    assert '<li><span class="num">#3</span> <span class="topic">Budgets</span>' in shown
    assert '<span class="by">1 hour 5 minutes</span>' in shown and "Note: &lt;i&gt;agreed&lt;/i&gt;" in shown
    assert "vote" not in shown.split("</form>")[1]


def test_the_imported_backlog_is_folded_under_how_many_and_unfolded_by_a_filter():
    backlog = tuple(topic(n, f"Old topic {n}", status=TopicStatus.DISCUSSED, imported=True) for n in range(1, 23))
    recent = HistoryGroup("2026-12-10 08:00", (topic(30, "Budgets", status=TopicStatus.DISCUSSED),))
    groups = (recent, HistoryGroup(None, backlog))
    shown = "".join(history_section(History("", groups, 23, 23)))
    assert "<details><summary>22 earlier topics</summary>" in shown, shown
    assert "discussed before the bot kept records" in shown
    assert shown.count("<h3>") == 1, "one heading for the session, none for the backlog"
    filtered = "".join(history_section(History("old", (HistoryGroup(None, backlog[:1]),), 1, 1)))
    assert "<details open><summary>1 earlier topic</summary>" in filtered, "what a filter found is shown"


def test_an_empty_filter_says_nothing_matched_and_keeps_the_words_escaped():
    shown = "".join(history_section(History("<b>x", (), 0, 0)))
    assert "No discussed topic contains “&lt;b&gt;x”." in shown
    assert 'value="&lt;b&gt;x"' in shown


async def test_the_page_names_each_session_of_the_archive_and_folds_the_seed_files_topics(chat):
    for text in ("Budgets", "Bylaws"):
        await chat.say(ALICE, f"!suggest {text}")
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 5, tzinfo=UTC))
    await chat.say(HOST, "!start")
    for text in ("Budgets", "Bylaws"):
        await chat.say(HOST, f"!discussed {await number_of(chat, text)}")
    shown = "".join(history_section((await data(chat)).history))
    assert '<h3><time datetime="2026-11-26T08:00:00Z">Thursday 26 November 2026, 08:00 UTC</time></h3>' in shown
    assert f"<summary>{len(SEED_TOPICS)} earlier topics</summary>" in shown
    assert shown.index("Budgets") < shown.index("<details>")
    assert f"{len(SEED_TOPICS) + 2} of" not in shown, "everything shown: no count"


# --- attendance: a figure, then the chart ------------------------------------------------


async def test_before_any_session_the_attendance_says_so(chat, make_config):
    shown = "".join(attendance_section(make_config(), await data(chat)))
    assert "No session has been held yet." in shown and "<img" not in shown and "<table" not in shown


async def test_until_four_weeks_of_sessions_a_figure_stands_for_the_chart(chat, make_config):
    await hold(chat, "2026-11-12 08:00", [HOST, ALICE])
    await hold(chat, "2026-11-19 08:00", [HOST, ALICE, BOB])
    shown = "".join(attendance_section(make_config(), await data(chat)))
    assert (
        '<p class="figure"><b>3</b> people came to the last session, '
        '<time datetime="2026-11-19T08:00:00Z" data-form="day">Thu 19 Nov</time>; '
        "<b>3</b> different people over 2 sessions.</p>"
    ) in shown, shown
    assert (
        'The chart of attendance by weekly slot appears from <time datetime="2026-12-10T08:00:00Z" data-form="day">'
        "Thu 10 Dec</time>, 4 weeks after the first session held."
    ) in shown
    assert "<img" not in shown


async def test_one_session_held_is_the_first_and_one_person_is_a_person(chat, make_config):
    await hold(chat, "2026-11-19 08:00", [HOST])
    shown = "".join(attendance_section(make_config(), await data(chat)))
    assert "<b>1</b> person came to the first session, <time" in shown, shown
    assert "different people" not in shown
    chat.clock.set(dt.datetime(2027, 1, 7, 12, tzinfo=UTC))  # seven weeks on, no session since
    shown = "".join(attendance_section(make_config(), await data(chat)))
    assert "The chart of attendance by weekly slot appears once sessions have been held for 4 weeks." in shown
    assert "appears from" not in shown, "no day already past"


async def test_from_four_weeks_on_the_chart_is_shown_and_the_script_asks_for_it_in_the_visitors_zone(chat, make_config):
    await hold(chat, "2026-11-12 08:00", [HOST, ALICE])
    await hold(chat, "2026-11-19 08:00", [HOST, ALICE, BOB])
    chat.clock.set(dt.datetime(2026, 12, 10, 8, tzinfo=UTC))
    shown = "".join(attendance_section(make_config(), await data(chat)))
    assert '<img src="chart.png?lang=en" data-chart loading="lazy" width="800" height="400" alt="' in shown, shown
    assert "appears from" not in shown
    assert "tz=" in BOARD_SCRIPT and "encodeURIComponent" in BOARD_SCRIPT


async def test_the_sessions_people_came_to_are_a_table_of_when_how_many_and_what_became_of_it(make_chat, make_config):
    chat = await make_chat(make_config(**SHOW_NAMES))
    await people.remember_display_name(chat.store, ALICE, "Alice <b>A</b>")
    await hold(chat, "2026-11-19 08:00", [HOST, ALICE])
    chat.clock.set(dt.datetime(2026, 11, 26, 17, 4, tzinfo=UTC))
    assert "no host has started it yet" in await chat.text(ALICE, "!here")
    chat.clock.set(dt.datetime(2026, 11, 27, 12, tzinfo=UTC))
    shown = "".join(attendance_section(chat.services.config, await data(chat)))
    not_started = (
        '<tr><td><time datetime="2026-11-26T17:00:00Z" data-form="day">Thu 26 Nov</time> '
        '<time datetime="2026-11-26T17:00:00Z" data-clock>17:00 UTC</time></td>'
        '<td><b>1</b> <span class="by">Alice &lt;b&gt;A&lt;/b&gt;</span></td><td>not started (no host)</td></tr>'
    )
    assert not_started in shown, shown
    assert "<td>1 hour</td></tr>" in shown
    assert shown.index(not_started) < shown.index("<td>1 hour</td>"), "the newest first"
    assert "checked in" not in shown.split("<table")[1], "no words repeated on every row"
    assert "@alice" not in shown and "@host" not in shown


def test_each_way_a_session_ends_reads_in_the_table(make_config):
    at = dt.datetime(2026, 11, 19, 8, tzinfo=UTC)
    rows = [
        SessionAttended(at, Phase.AUTO_CLOSED, None, 2, (), ""),
        SessionAttended(at, Phase.RUNNING, None, 4, (), ""),
        SessionAttended(at, Phase.CALLED_OFF, None, 1, (), "<snow>"),
        SessionAttended(at, Phase.WAITING, None, 1, (), ""),
    ]
    page = PageData("C", agenda(), History("", (), 0, 0), False, tuple(rows))
    shown = "".join(attendance_section(make_config(), page))
    for words in (
        "closed automatically, length unknown",
        "running now",
        "called off: &lt;snow&gt;",
        "waiting for its host",
    ):
        assert f"<td>{words}</td>" in shown, words
    running = dataclasses.replace(page, attendance=(rows[1],), held=1, people=4)
    assert "<b>4</b> people have checked in to the session running now" in "".join(
        attendance_section(make_config(), running)
    )
