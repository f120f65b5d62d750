"""commands/web.py: the words of the public page, what it shows and how it escapes what
people typed (the data is gathered by bot/features/site/service.py, tested in
tests/features/site/test_service.py; the routes in tests/web/test_server.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from bot.features.agenda.service import AgendaData
from bot.features.lean_coffee import repository as lean_coffee
from bot.features.people import repository as people
from bot.features.site import service as site
from bot.features.site.service import History, HistoryGroup, PageData
from bot.features.topics.model import Topic, TopicStatus
from bot.features.topics.repository import all_topics
from commands.web import render_page
from tests.conftest import ALICE, BOB, HOST, ORGANISER, SEED_TOPICS, hold
from tests.features.lean_coffee.fakes import rider

SHOW_NAMES = {"web": {"enabled": True, "show_names": True}}


async def number_of(chat, text: str) -> int:
    return next(t.id for t in await all_topics(chat.store) if t.text == text)


async def page(chat, words: str = "") -> str:
    """The page as the server answers it at the chat's time, with the history filter `words`."""
    s = chat.services
    return render_page(s.config, await site.page(s.store, s.config, s.clock.now(), words))


def history_of(html: str) -> str:
    return html[html.index('id="history"') :]


def card_of(html: str) -> str:
    return html[html.index('<section class="card') : html.index('id="sessions"')]


def sessions_of(html: str) -> str:
    return html[html.index('id="sessions"') : html.index('id="agenda"')]


async def test_the_page_shows_sessions_in_utc_for_the_script_cancellations_and_the_link(chat):
    await chat.say(ORGANISER, "!cancel 2026-11-26 08:00 team away")
    html = await page(chat)
    assert '<html lang="en" data-locale="en-GB"' in html
    assert '<h1><img src="favicon.svg" alt="" width="42" height="42">Coop Casual Conference</h1>' in html
    # Thursday 26 November 08:00 is cancelled; the same day's 17:00 and the next 08:00 are held
    sessions = sessions_of(html)
    assert '<del><span class="date"><time datetime="2026-11-26T08:00:00Z" data-form="day">Thu 26 Nov</time>' in sessions
    assert '<span class="tag">Cancelled</span>: team away' in sessions
    assert '<time datetime="2026-12-03T08:00:00Z" data-form="day">Thu 3 Dec</time>' in sessions
    # The next held session comes first, in a card: when (in UTC until the script says it in
    # the visitor's zone), in how many days, and the buttons.
    card = card_of(html)
    assert '<time datetime="2026-11-26T17:00:00Z">Thursday 26 November 2026, 17:00 UTC</time>' in card
    assert '<time class="soon" datetime="2026-11-26T17:00:00Z" data-form="until">in 3 days</time>' in card
    assert '<a class="button primary" href="https://bbb.example.org/b/ccc">Join the call</a>' in card
    room = "https://matrix.to/#/!room:example.org?via=example.org"  # the bot's server to join through
    assert f'<a class="button" href="{room}">Open the chat room</a>' in card
    assert '<a class="button" href="calendar.ics" download>Add to your calendar (.ics)</a>' in card
    assert "Access code <code>ccc</code>" in card
    assert "Times are in UTC." in html  # until the script says the visitor's zone


async def test_the_agenda_and_history_escape_what_people_typed_and_name_nobody(chat):
    await people.remember_display_name(chat.store, ALICE, "Alice <b>A</b>")
    await chat.say(ALICE, "!suggest <script>alert(1)</script> & co-op budgets")
    await chat.say(BOB, f"!vote {await number_of(chat, '<script>alert(1)</script> & co-op budgets')}")
    await chat.say(HOST, "!host 2026-11-26 17:00")
    html = await page(chat)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co-op budgets" in html
    assert "<script>alert(1)" not in html
    assert "1 vote" in html
    assert "@alice" not in html and "Alice" not in html, "no IDs, no names"
    room = "https://matrix.to/#/!room:example.org?via=example.org"
    assert html.count(":example.org") == html.count(room), "no ID but the chat room's, in its link"


async def test_hosts_and_suggesters_are_named_escaped_with_show_names(make_chat, make_config):
    chat = await make_chat(make_config(**SHOW_NAMES))
    await people.remember_display_name(chat.store, ALICE, "Alice <b>A</b>")
    await chat.say(ALICE, "!suggest Budgets")
    await chat.say(ALICE, "!host 2026-11-26 17:00")
    html = await page(chat)
    assert '<span class="hosting">Host: Alice &lt;b&gt;A&lt;/b&gt;</span>' in sessions_of(html)
    await people.remember_display_name(chat.store, BOB, "Bob")
    await chat.say(BOB, "!host 2026-11-26 17:00")
    assert '<span class="hosting">Hosts: Alice &lt;b&gt;A&lt;/b&gt; and Bob</span>' in sessions_of(await page(chat))
    assert '<span class="by">suggested by alice</span>' in html  # the name it came with (here none: the localpart)
    assert "@alice" not in html


async def test_history_by_session_and_filtered_without_javascript(chat):
    await hold(chat, "2026-11-19 08:00", [HOST, ALICE])
    for text in ("Budgets", "Bylaws", "Member onboarding"):
        await chat.say(ALICE, f"!suggest {text}")
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 5, tzinfo=dt.UTC))
    await chat.say(HOST, "!start")
    for text in ("Budgets", "Bylaws"):
        await chat.say(HOST, f"!discussed {await number_of(chat, text)}")
    html = await page(chat)
    session = '<h3><time datetime="2026-11-26T08:00:00Z">Thursday 26 November 2026, 08:00 UTC</time></h3>'
    assert session in html
    assert f"<details><summary>{len(SEED_TOPICS)} earlier topics</summary>" in html, "the seed file's history, folded"
    assert html.index(session) < html.index("<details>"), "the imported last"
    assert "Happening now" in card_of(html)
    filtered = await page(chat, "bylaw")
    assert "Bylaws" in history_of(filtered) and "Budgets" not in history_of(filtered)
    assert 'value="bylaw"' in filtered
    nothing = await page(chat, '"><b>x')
    assert 'value="&quot;&gt;&lt;b&gt;x"' in nothing and "No discussed topic contains “&quot;&gt;&lt;b&gt;x”" in nothing


async def test_the_attendance_is_a_figure_until_four_weeks_after_the_first_session_then_a_chart(chat):
    assert "No session has been held yet." in attendance_of(await page(chat))
    await hold(chat, "2026-11-12 08:00", [HOST, ALICE])
    await hold(chat, "2026-11-19 08:00", [HOST, ALICE, BOB])
    html = attendance_of(await page(chat))
    assert "people came to the last session" in html and "<img" not in html
    assert "The chart of attendance by weekly slot appears from" in html
    chat.clock.set(dt.datetime(2026, 12, 10, 8, tzinfo=dt.UTC))
    html = attendance_of(await page(chat))
    assert '<img src="chart.png?lang=en"' in html and "appears from" not in html


def attendance_of(html: str) -> str:
    return html[html.index('id="attendance"') :]


async def test_the_page_lists_each_session_people_came_to_with_its_state_minutes_and_who_came(make_chat, make_config):
    chat = await make_chat(make_config(**SHOW_NAMES))
    await people.remember_display_name(chat.store, ALICE, "Alice <b>A</b>")
    await hold(chat, "2026-11-19 08:00", [HOST, ALICE])
    chat.clock.set(dt.datetime(2026, 11, 26, 17, 4, tzinfo=dt.UTC))
    assert "no host has started it yet" in await chat.text(ALICE, "!here")
    chat.clock.set(dt.datetime(2026, 11, 27, 12, tzinfo=dt.UTC))
    html = attendance_of(await page(chat))
    not_started = (
        '<tr><td><time datetime="2026-11-26T17:00:00Z" data-form="day">Thu 26 Nov</time> '
        '<time datetime="2026-11-26T17:00:00Z" data-clock>17:00 UTC</time></td>'
        '<td><b>1</b> <span class="by">Alice &lt;b&gt;A&lt;/b&gt;</span></td><td>not started (no host)</td></tr>'
    )
    held = '<tr><td><time datetime="2026-11-19T08:00:00Z" data-form="day">Thu 19 Nov</time>'
    assert not_started in html and held in html
    assert html.index(not_started) < html.index(held), "the newest first"
    assert "@alice" not in html


async def test_without_show_names_the_attendance_counts_and_names_nobody(chat):
    await people.remember_display_name(chat.store, ALICE, "Alice")
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 4, tzinfo=dt.UTC))
    assert "no host has started it yet" in await chat.text(ALICE, "!here")
    html = attendance_of(await page(chat))
    assert "<td><b>1</b></td><td>waiting for its host</td></tr>" in html and "Alice" not in html


# --- what the page says of what it leaves out: built from data, as the service gives it --


def topic(number: int, text: str, votes: int = 0, status: TopicStatus = TopicStatus.OPEN) -> Topic:
    return Topic(number, text, votes, None, None, "2026-11-01T10:00:00Z", status, None, None, None, False)


def data(*, shown: tuple[Topic, ...] = (), open_topics: int = 0, history: History | None = None) -> PageData:
    return PageData(
        "Coop Casual Conference",
        AgendaData((), shown, open_topics, None),
        history or History("", (), 0, 0),
        chart=False,
    )


def test_more_open_topics_than_shown_point_to_topics_json(make_config):
    config = make_config()
    html = render_page(config, data(shown=(topic(7, "Budgets", 3), topic(2, "Bylaws", 1)), open_topics=52))
    agenda = html[html.index('id="agenda"') : html.index('id="history"')]
    card = '<li class="topic-card" id="topic-7">'
    assert card + '<span class="votes" aria-label="3 votes"><b>3</b> votes</span>' in agenda
    assert agenda.index("Budgets") < agenda.index("Bylaws"), "in the order given: most votes first"
    assert 'And 50 more open topics: all in <a href="topics.json">topics.json</a>.' in agenda
    assert "more open topic" not in render_page(config, data(shown=(topic(7, "Budgets"),), open_topics=1))


def test_a_long_history_says_how_much_is_shown_and_where_the_rest_is(make_config):
    config = make_config()
    discussed = dataclasses.replace(topic(3, "Budgets", status=TopicStatus.DISCUSSED), note="<i>agreed</i>")
    group = HistoryGroup("2026-11-19 08:00", (discussed,), dt.datetime(2026, 11, 19, 8, tzinfo=dt.UTC))
    html = render_page(config, data(history=History("", (group,), 1, 340)))
    history = history_of(html)
    assert '<h3><time datetime="2026-11-19T08:00:00Z">Thursday 19 November 2026, 08:00 UTC</time></h3>' in history
    assert "Note: &lt;i&gt;agreed&lt;/i&gt;" in history and "vote" not in history.split("</form>")[1]
    assert '1 of 340 topics shown: narrow the filter, or see all in <a href="history.json">history.json</a>.' in history
    assert "None yet." in render_page(config, data())
    assert "shown: narrow" not in render_page(config, data(history=History("", (group,), 1, 1)))


async def test_the_page_shows_todays_session_while_it_waits_for_its_host_and_how_to_join(make_chat, make_config):
    chat = await make_chat(make_config(**SHOW_NAMES))
    await people.remember_display_name(chat.store, ALICE, "Alice <b>A</b>")
    await chat.say(ALICE, "!host 2026-11-26 08:00")
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 5, tzinfo=dt.UTC))
    await chat.say(BOB, "!here")
    html = await page(chat)
    waiting = card_of(html)
    assert '<h2 id="now">Waiting for its host · <span class="count">1 person here</span></h2>' in waiting
    assert 'The session of <time datetime="2026-11-26T08:00:00Z" data-clock>08:00 UTC</time> has begun' in waiting
    assert '<a class="button primary" href="https://bbb.example.org/b/ccc">Join the call</a>' in waiting
    assert "<code>ccc</code>" in waiting and "check in with <code>!here</code>" in waiting
    assert "Volunteered to host: Alice &lt;b&gt;A&lt;/b&gt;" in waiting
    assert '<time datetime="2026-12-03T08:00:00Z"' in sessions_of(html), "the slot's next session besides"


async def test_the_page_names_no_volunteer_of_a_waiting_session_without_show_names(chat):
    await people.remember_display_name(chat.store, ALICE, "Alice")
    await chat.say(ALICE, "!host 2026-11-26 08:00")
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 5, tzinfo=dt.UTC))
    html = await page(chat)
    assert "Waiting for its host" in html and "Alice" not in html and "@alice" not in html


async def test_the_page_shows_each_slots_next_held_session_however_many_are_cancelled(chat):
    for typed in ("2027-01-07", "2027-01-14 17:00 board meeting", "2027-01-21 retreat"):
        await chat.say(ORGANISER, f"!cancel {typed}")
    chat.clock.set(dt.datetime(2027, 1, 7, 17, 5, tzinfo=dt.UTC))
    html = await page(chat)
    sessions = sessions_of(html)
    shown = re.findall(r'<time datetime="([^"]+)" data-form="day"', sessions)
    # Two weeks, and on until the evening slot's next held session: by date.
    assert shown == [
        "2027-01-14T08:00:00Z",
        "2027-01-14T17:00:00Z",
        "2027-01-21T08:00:00Z",
        "2027-01-21T17:00:00Z",
        "2027-01-28T08:00:00Z",
        "2027-01-28T17:00:00Z",
    ]
    assert sessions.count('class="cancelled"') == 3
    assert "Cancelled</span>: board meeting" in sessions and "Cancelled</span>: retreat" in sessions


# --- Lean Coffee: the topic being discussed, the minutes (issue 29) ----------------------


async def test_the_page_shows_the_topic_being_discussed_since_when_and_the_minutes_of_each_discussed(chat):
    for text in ("Budgets", "Bylaws <i>draft</i>", "Member onboarding"):
        await chat.say(ALICE, f"!suggest {text}")
    budgets, bylaws = await number_of(chat, "Budgets"), await number_of(chat, "Bylaws <i>draft</i>")
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 5, tzinfo=dt.UTC))
    await chat.say(HOST, "!start")
    await chat.say(HOST, f"!discuss {budgets}")
    chat.clock.advance(minutes=12)
    await chat.say(HOST, f"!discuss {bylaws}")  # 08:17: Budgets closes with its 12 minutes
    html = await page(chat)
    running = card_of(html)
    assert "Happening now" in running
    assert (
        '<p class="discussing"><strong>Now discussing</strong> '
        '<span class="topic">Bylaws &lt;i&gt;draft&lt;/i&gt;</span> '
        '<span class=muted>since <time datetime="2026-11-26T08:17:00Z" data-clock>08:17 UTC</time> '
        '(timebox until <time datetime="2026-11-26T08:25:00Z" data-clock>08:25 UTC</time>).</span></p>'
    ) in running, running
    assert f'<li value="{budgets}" id="topic-{budgets}"><span class="topic">Budgets</span>' in running
    assert "<span class=muted>— 12 minutes</span>" in running
    assert "Bylaws" not in html[html.index('id="agenda"') : html.index('id="history"')], "not among the open"
    chat.clock.advance(minutes=3)
    assert await page(chat) == html, "no countdown: the page reads the same until something changes"
    await chat.say(HOST, f"!discussed {bylaws}")
    await chat.say(HOST, f"!discussed {await number_of(chat, 'Member onboarding')}")  # no timebox: no minutes
    history = history_of(await page(chat))
    assert '<span class="by">12 minutes</span>' in history and '<span class="by">3 minutes</span>' in history
    onboarding = history[history.index("Member onboarding") :]
    assert "minute" not in onboarding[: onboarding.index("</li>")]
    assert "Now discussing" not in await page(chat)


async def test_the_page_says_when_the_time_is_up_and_the_room_votes(chat):
    await chat.say(ALICE, "!suggest Budgets")
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 5, tzinfo=dt.UTC))
    await chat.say(HOST, "!start")
    await chat.say(HOST, "!discuss")
    live, _ = rider(chat)
    chat.clock.advance(minutes=8)
    await live.run_due(chat.clock.now())
    assert "(time is up: the room votes in the chat whether to go on).</span></p>" in await page(chat)


async def test_with_lean_coffee_off_the_page_shows_nothing_of_it(make_chat, make_config):
    chat = await make_chat(make_config(lean_coffee={"enabled": False}))
    await chat.say(ALICE, "!suggest Budgets")
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 5, tzinfo=dt.UTC))
    await chat.say(HOST, "!start")
    # What Lean Coffee would have left (turned off during the session): a topic being discussed.
    await lean_coffee.start(
        chat.store, "2026-11-26 08:00", await number_of(chat, "Budgets"), HOST, chat.clock.now(), None
    )
    html = await page(chat)
    assert "Now discussing" not in html and "Budgets" in html[html.index('id="agenda"') :]


async def test_the_sessions_are_listed_by_date_not_slot_after_slot(chat):
    """Issue 30: with this Thursday's 08:00 cancelled, next week's 08:00 stood above this
    week's 17:00 (each slot's sessions were listed together)."""
    await chat.say(ORGANISER, "!cancel 2026-11-26 08:00 team away")
    html = await page(chat)
    shown = re.findall(r'<time datetime="([^"]+)" data-form="day"', sessions_of(html))
    assert "2026-11-26T17:00:00Z" in shown and "2026-12-03T08:00:00Z" in shown, shown
    assert shown == sorted(shown), shown


# --- the card first: the session people are in, else the next one (issue 30) -----------


async def test_the_next_session_says_today_or_tomorrow_its_host_and_how_to_volunteer(make_chat, make_config):
    chat = await make_chat(make_config(**SHOW_NAMES))
    chat.clock.set(dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC))
    card = card_of(await page(chat))
    assert '<h2 id="now">' in card and "Next session" in card
    assert 'data-form="until">tomorrow</time>' in card
    assert "No host yet: volunteer with <code>!host 2026-11-26 08:00 UTC</code> in the chat room." in card
    await people.remember_display_name(chat.store, ALICE, "Alice <b>A</b>")
    await chat.say(ALICE, "!host 2026-11-26 08:00")
    chat.clock.set(dt.datetime(2026, 11, 26, 7, tzinfo=dt.UTC))
    card = card_of(await page(chat))
    assert 'data-form="until">today</time>' in card and "<p>Host: Alice &lt;b&gt;A&lt;/b&gt;.</p>" in card


async def test_without_show_names_the_card_says_a_host_volunteered_and_names_nobody(chat):
    await people.remember_display_name(chat.store, ALICE, "Alice")
    await chat.say(ALICE, "!host 2026-11-26 08:00")
    html = await page(chat)
    assert "<p>A host has volunteered.</p>" in card_of(html) and "Alice" not in html


async def test_a_running_session_is_happening_now_with_how_many_are_here_and_its_host(make_chat, make_config):
    chat = await make_chat(make_config(**SHOW_NAMES))
    await people.remember_display_name(chat.store, HOST, "Hana")
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 2, tzinfo=dt.UTC))
    await chat.say(HOST, "!start")
    for who in (ALICE, BOB):
        await chat.say(who, "!here")  # the host checked in with !start
    card = card_of(await page(chat))
    assert '<section class="card live" aria-labelledby="now">' in card
    assert '<h2 id="now">Happening now · <span class="count">3 people here</span></h2>' in card
    assert 'Started at <time datetime="2026-11-26T08:02:00Z" data-clock>08:02 UTC</time>, hosted by Hana.' in card
    assert "Join the call</a>" in card
    html = await page(chat)
    assert '<time datetime="2026-11-26T08:00:00Z" data-form="day"' not in sessions_of(html), "in the card, not again"


async def test_subscribing_uses_webcal_and_the_chat_room_its_alias_with_a_public_address(make_chat, make_config):
    config = make_config(web={"enabled": True, "public_url": "https://ccc.example.org"})
    config = dataclasses.replace(config, matrix=dataclasses.replace(config.matrix, rooms=("#ccc:example.org",)))
    html = await page(await make_chat(config))
    card = card_of(html)
    assert '<a class="button" href="webcal://ccc.example.org/calendar.ics">Subscribe to the calendar</a>' in card
    assert '<a class="button" href="https://matrix.to/#/%23ccc:example.org">Open the chat room</a>' in card
    assert '<meta property="og:url" content="https://ccc.example.org/">' in html


async def test_the_head_says_what_this_is_for_search_engines_and_shared_links(chat):
    html = await page(chat)
    about = "A weekly open video call, Thursdays 08:00 and 17:00 UTC. Everyone is welcome."
    assert f'<meta name="description" content="{about}">' in html
    assert f'<meta property="og:description" content="{about}">' in html
    assert '<meta property="og:title" content="Coop Casual Conference">' in html
    assert '<meta property="og:type" content="website">' in html and "og:url" not in html, "no public address"
    assert '<link rel="icon" href="favicon.svg" type="image/svg+xml">' in html
    header = html[html.index("<header>") : html.index("</header>")]
    assert (
        '<time datetime="2026-11-26T08:00:00Z" data-form="slot">Thursdays 08:00</time> and '
        '<time datetime="2026-11-26T17:00:00Z" data-form="slot" data-same>17:00</time>. Everyone is welcome.'
    ) in header


async def test_the_sections_come_in_their_order(chat):
    html = await page(chat)
    order = ['id="now"', 'id="sessions"', 'id="agenda"', 'id="attendance"', 'id="history"']
    at = [html.index(anchor) for anchor in order]
    assert at == sorted(at), "card, sessions, open topics, attendance, discussed"
