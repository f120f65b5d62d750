"""bot/features/site/service.py: what the public page and the JSON documents are made of,
as data: nobody's Matrix ID, names only with `web.show_names`, the agenda's top topics,
the history by session and its filter (the wording is tested in tests/commands/test_web.py)."""

from __future__ import annotations

import datetime as dt

from bot.features.people import repository as people
from bot.features.site import service as site
from bot.features.topics.model import TopicStatus
from bot.features.topics.repository import all_topics
from tests.conftest import ALICE, BOB, HOST, hold

SHOW_NAMES = {"web": {"enabled": True, "show_names": True}}


async def number_of(chat, text: str) -> int:
    return next(t.id for t in await all_topics(chat.store) if t.text == text)


async def page(chat, words: str = "") -> site.PageData:
    s = chat.services
    return await site.page(s.store, s.config, s.clock.now(), words)


def history_texts(data: site.PageData) -> list[str]:
    return [t.text for group in data.history.groups for t in group.topics]


async def discuss(chat, *texts: str) -> None:
    """`texts` suggested, then discussed in Thursday 26 November's 08:00 session."""
    for text in texts:
        await chat.say(ALICE, f"!suggest {text}")
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 5, tzinfo=dt.UTC))
    await chat.say(HOST, "!start")
    for text in texts:
        await chat.say(HOST, f"!discussed {await number_of(chat, text)}")


async def test_names_only_with_show_names_and_never_ids(make_chat, make_config):
    chat = await make_chat(make_config(**SHOW_NAMES))
    await people.remember_display_name(chat.store, ALICE, "Alice <b>A</b>")
    await chat.say(ALICE, "!suggest Budgets")
    await chat.say(ALICE, "!host 2026-11-26 17:00")
    await chat.say(BOB, "!host 2026-11-26 17:00")  # no display name: not shown at all
    data = await page(chat)
    evening = data.agenda.slots[1].sessions[0]
    assert evening.session.key == "2026-11-26 17:00" and evening.volunteers == ("Alice <b>A</b>",)
    budgets = data.agenda.topics[0]
    assert (budgets.text, budgets.suggested_by, budgets.suggested_name) == ("Budgets", None, "alice")
    assert ":example.org" not in repr(data), "no Matrix ID anywhere"


async def test_without_show_names_nobody_is_named(chat):
    await people.remember_display_name(chat.store, ALICE, "Alice")
    await chat.say(ALICE, "!suggest Budgets")
    await chat.say(ALICE, "!host 2026-11-26 17:00")
    await discuss(chat, "Bylaws")
    data = await page(chat)
    assert all(u.volunteers == () for slot in data.agenda.slots for u in slot.sessions)
    everyone = [*data.agenda.topics, *(t for g in data.history.groups for t in g.topics)]
    assert "Bylaws" in [t.text for t in everyone]
    assert all(t.suggested_by is None and t.suggested_name is None for t in everyone)
    documents = [*await site.topics_of(chat.store, chat.services.config, TopicStatus.OPEN)]
    documents += await site.topics_of(chat.store, chat.services.config, TopicStatus.DISCUSSED)
    assert all(t.suggested_by is None and t.suggested_name is None for t in documents)


async def test_the_agenda_shows_the_top_topics_most_votes_first_and_counts_them_all(chat, monkeypatch):
    monkeypatch.setattr(site, "PAGE_TOPICS", 2)
    for text in ("Budgets", "Bylaws", "Onboarding"):
        await chat.say(ALICE, f"!suggest {text}")
    await chat.say(ALICE, f"!vote {await number_of(chat, 'Onboarding')}")
    await chat.say(BOB, f"!vote {await number_of(chat, 'Onboarding')}")
    await chat.say(BOB, f"!vote {await number_of(chat, 'Bylaws')}")
    agenda = (await page(chat)).agenda
    assert [(t.text, t.votes) for t in agenda.topics] == [("Onboarding", 2), ("Bylaws", 1)]
    assert agenda.open_topics == 3


async def test_json_documents_have_every_topic_of_their_status_by_number(chat):
    for text in ("Budgets", "Bylaws"):
        await chat.say(ALICE, f"!suggest {text}")
    await discuss(chat, "Onboarding")
    config = chat.services.config
    open_topics = await site.topics_of(chat.store, config, TopicStatus.OPEN)
    assert [t.text for t in open_topics] == ["Budgets", "Bylaws"]
    discussed = await site.topics_of(chat.store, config, TopicStatus.DISCUSSED)
    assert "Onboarding" in [t.text for t in discussed] and "Budgets" not in [t.text for t in discussed]
    assert [t.id for t in discussed] == sorted(t.id for t in discussed)


async def test_history_by_session_newest_first_then_the_imported(chat):
    await hold(chat, "2026-11-19 08:00", [HOST, ALICE])
    await discuss(chat, "Budgets", "Bylaws")
    history = (await page(chat)).history
    sessions = [g.session for g in history.groups]
    assert sessions[0] == "2026-11-26 08:00" and sessions[-1] is None, sessions
    assert sessions.count(None) == 1 and len(sessions) == 2
    assert {t.text for t in history.groups[0].topics} == {"Budgets", "Bylaws"}
    assert all(t.imported for t in history.groups[-1].topics)
    assert history.shown == history.total == sum(len(g.topics) for g in history.groups)


async def test_the_history_shows_at_most_its_share_and_counts_every_match(chat, monkeypatch):
    monkeypatch.setattr(site, "HISTORY_SHOWN", 2)
    await discuss(chat, "Budget one", "Budget two", "Budget three")
    history = (await page(chat, "budget")).history
    assert (history.shown, history.total) == (2, 3)
    assert [t.text for g in history.groups for t in g.topics] == ["Budget three", "Budget two"], "newest first"


async def test_the_history_filter_takes_percent_and_underscore_literally(chat):
    await discuss(chat, "Raise dues by 5%", "Rename snake_case files")
    for typed, shown, hidden in (
        ("5%", "Raise dues by 5%", "Rename snake_case files"),
        ("e_c", "Rename snake_case files", "Raise dues by 5%"),
    ):
        texts = history_texts(await page(chat, typed))
        assert shown in texts and hidden not in texts, typed
    assert "Rename snake_case files" not in history_texts(await page(chat, "%"))


async def test_the_filter_is_tidied_and_cut(chat):
    await discuss(chat, "Member onboarding")
    data = await page(chat, "  member \n  ONBOARDING ")
    assert data.history.words == "member ONBOARDING" and history_texts(data) == ["Member onboarding"]
    assert len((await page(chat, "x" * 500)).history.words) == site.MAX_WORDS


async def test_the_unfiltered_history_shows_the_newest_then_the_imported_up_to_its_share(chat, monkeypatch):
    await discuss(chat, "Budget one", "Budget two")
    everything = (await page(chat)).history
    imported = [t.text for g in everything.groups if g.session is None for t in g.topics]
    assert len(imported) >= 2, "the seed file's history"
    monkeypatch.setattr(site, "HISTORY_SHOWN", 2)
    history = (await page(chat)).history
    assert (history.shown, history.total) == (2, everything.total)
    assert history_texts(await page(chat)) == ["Budget two", "Budget one"]
    monkeypatch.setattr(site, "HISTORY_SHOWN", 3)
    assert history_texts(await page(chat)) == ["Budget two", "Budget one", imported[0]], "the dated ones first"


async def test_the_topic_being_discussed_is_shown_without_who_suggested_it(chat):
    await chat.say(ALICE, "!suggest Budgets")
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 5, tzinfo=dt.UTC))
    await chat.say(HOST, "!start")
    await chat.say(HOST, "!discuss")
    data = await page(chat)
    assert data.agenda.running is not None and data.agenda.running.discussing is not None
    topic = data.agenda.running.discussing.topic
    assert (topic.text, topic.suggested_by, topic.suggested_name) == ("Budgets", None, None)
    assert ":example.org" not in repr(data.agenda.running.discussing)


async def test_each_session_of_the_history_comes_with_its_time_and_the_imported_with_none(chat):
    await discuss(chat, "Budgets")
    groups = (await page(chat)).history.groups
    assert groups[0].starts_at == dt.datetime(2026, 11, 26, 8, tzinfo=dt.UTC)
    assert groups[-1].session is None and groups[-1].starts_at is None


async def test_the_attendance_counts_the_sessions_held_and_the_different_people_who_came(chat):
    data = await page(chat)
    assert (data.held, data.people, data.chart_from, data.chart) == (0, 0, None, False)
    await hold(chat, "2026-11-12 08:00", [HOST, ALICE])
    await hold(chat, "2026-11-19 08:00", [HOST, ALICE, BOB])
    data = await page(chat)
    assert (data.held, data.people) == (2, 3)


async def test_the_chart_is_shown_from_four_weeks_after_the_first_session_held(chat):
    await hold(chat, "2026-11-12 08:00", [HOST, ALICE])
    await hold(chat, "2026-11-19 08:00", [HOST, ALICE, BOB])
    four_weeks = dt.datetime(2026, 12, 10, 8, tzinfo=dt.UTC)
    assert (await page(chat)).chart_from == four_weeks
    chat.clock.set(four_weeks - dt.timedelta(minutes=1))
    assert not (await page(chat)).chart
    chat.clock.set(four_weeks)
    assert (await page(chat)).chart


async def test_four_weeks_after_a_single_session_held_there_is_still_no_chart(chat):
    await hold(chat, "2026-11-12 08:00", [HOST, ALICE])
    chat.clock.set(dt.datetime(2026, 12, 17, 12, tzinfo=dt.UTC))
    data = await page(chat)
    assert data.held == 1 and not data.chart, "a chart needs two sessions held"


async def test_the_chart_names_its_slots_and_days_in_the_zone_asked_for(chat):
    await hold(chat, "2026-11-12 08:00", [HOST, ALICE])
    await hold(chat, "2026-11-19 08:00", [HOST, ALICE, BOB])
    await hold(chat, "2026-11-19 17:00", [HOST, BOB])  # 22:30 in Kolkata: Thursday still
    s = chat.services
    in_kolkata = await site.chart_series(s.store, s.config, s.clock.now(), "Asia/Kolkata")
    assert in_kolkata == {
        "Thursday 13:30": [("2026-11-12", 2), ("2026-11-19", 3)],
        "Thursday 22:30": [("2026-11-19", 2)],
    }
    in_honolulu = await site.chart_series(s.store, s.config, s.clock.now(), "Pacific/Honolulu")
    assert in_honolulu is not None and list(in_honolulu) == ["Wednesday 22:00", "Thursday 07:00"]
    assert in_honolulu["Wednesday 22:00"] == [("2026-11-11", 2), ("2026-11-18", 3)], "the days there too"
    assert list(await site.chart_series(s.store, s.config, s.clock.now()) or {}) == ["Thursday 08:00", "Thursday 17:00"]
