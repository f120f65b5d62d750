"""Each benchmark, run tiny, still works and still produces its figures.

Timings are never asserted here (a busy CI machine is not a benchmark); only that every
figure is there and that the bot really answered what was timed.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator

import pytest

from bench import (
    Goal,
    agenda,
    announcements,
    dispatch,
    flood,
    latency,
    lean_coffee,
    percentile,
    reminders,
    reminders_pipeline,
    scale,
    scale_database,
    web,
)
from bot.devtools.localsynapse import LocalSynapse

# Waits on real minutes: started first (tests/conftest.py).
pytestmark = pytest.mark.minutes

TINY = scale_database.Size(topics=60, votes=300, sessions=6, checkins=40, people=25)


@pytest.fixture(scope="module")
def synapse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalSynapse]:
    server = LocalSynapse(tmp_path_factory.mktemp("bench-synapse"))
    try:
        server.start()
    except (RuntimeError, OSError) as exc:
        server.stop()
        # As in tests/integration: skipped on a laptop without Synapse, never in CI.
        if os.environ.get("CI") == "true":
            pytest.fail(f"local Synapse could not start: {exc}", pytrace=False)
        pytest.skip(f"local Synapse could not start: {exc}")
    yield server
    server.stop()


def test_percentiles_are_measured_values():
    values = [5.0, 1.0, 4.0, 2.0, 3.0]
    assert percentile(values, 50) == 3.0
    assert percentile(values, 95) == 5.0
    assert percentile(values, 0) == 1.0


def test_a_missed_goal_is_said_plainly():
    assert "MISSED (25 ms)" in Goal("!topics", 25, 20, unit=" ms").line()
    assert ": met" in Goal("ratio", 0.6, 0.5, at_least=True).line()


async def test_dispatch_reports_each_command_against_raw_sqlite():
    figures = await dispatch.run(count=5)
    assert [r.kind for r in figures.rates] == ["suggest", "vote", "topics"]
    assert all(r.count == 5 and r.bot_seconds > 0 and r.raw_seconds > 0 for r in figures.rates)
    report = figures.report()
    for name in (
        "!suggest",
        "!vote",
        "!topics",
        "goal !vote dispatcher / raw aiosqlite",
        "goal dispatcher / raw aiosqlite",
    ):
        assert name in report


async def test_agenda_counts_edits_per_100_votes_and_a_burst_gives_a_handful():
    figures = await agenda.run(votes=20, rates=(10.0, 1.0))
    burst, trickle = figures.runs
    assert 1 <= burst.edits <= 3  # 20 votes in 2 s: the first at once, the rest together
    assert burst.edits < trickle.edits <= 20
    assert "goal edits per 100 votes at 10 votes/s" in figures.report()


async def test_scale_times_every_reply_on_a_built_database():
    figures = await scale.run(size=TINY, runs=2, memory=False)
    answers = {t.command: t.answer for t in figures.timings}
    assert answers["!topics"].startswith("'Open topics")
    assert answers["!history"].startswith("'Discussed topics")
    assert "ccc-attendance.png" in answers["!stats"]
    assert answers["!suggest (new text)"].startswith("'Added")
    exports = [c for c in answers if c.startswith("!export")]
    if figures.exports_note is None:
        assert exports and all("kB" in answers[c] for c in exports)  # a file for each
    else:
        assert not exports
    assert "goal !topics reply <= 20 ms" in figures.report()


@pytest.mark.integration
async def test_latency_pings_both_bots_with_everything_on(synapse: LocalSynapse):
    figures = await latency.run(pings=4, topics=3, warmup=1, synapse=synapse)
    assert len(figures.floor.rtts) == len(figures.ccc.rtts) == 4
    # !topics and !vote by turns: of pings 1-4 (after the one warm-up), two are votes.
    assert figures.votes == 2
    # The agenda is pinned (its edits are counted); the web server answers.
    assert figures.pinned and figures.web
    assert 0 <= figures.edits <= figures.votes
    for figure in ("ccc-bot p50 / floor p50", "ccc-bot p95 / floor p95", "per 100 votes"):
        assert figure in figures.report()


@pytest.mark.integration
async def test_scale_measures_the_bot_in_a_full_room(synapse: LocalSynapse):
    figures = await scale.run(size=TINY, members=3, runs=2, synapse=synapse, starts=1)
    assert figures.memory is not None
    assert figures.memory.members == 3
    assert (
        0
        < figures.memory.idle_rss_mb
        <= figures.memory.idle_hwm_mb
        <= figures.memory.busy_hwm_mb
        <= figures.memory.chart_hwm_mb
    )
    assert figures.memory.restart_idle_hwm_mb > 0
    # The restart answered the !link sent right after the spawn (a figure, never a timing goal here).
    assert 0 < figures.memory.first_reply_seconds <= figures.memory.first_reply_seen_seconds
    report = figures.report()
    assert "peak RSS, idle" in report
    assert "start-up, spawn to first reply (median)" in report
    assert len(figures.memory.restarts) == 1
    assert "the chart process kept ready" in report


@pytest.mark.integration
async def test_flood_times_another_persons_link_and_counts_the_flooders_answers(synapse: LocalSynapse):
    figures = await flood.run(flood=20, rounds=1, quiet=1, synapse=synapse)
    [only] = figures.rounds
    assert only.flood_answers == 11 and only.notices == 1, "ten answers and one notice, then silence"
    assert "goal !link under a flood" in figures.report()


@pytest.mark.integration
async def test_reminders_measures_how_late_each_direct_message_arrives(synapse: LocalSynapse):
    # Due seconds after the bot is up, not at the next whole minute (a minute saved).
    figures = await reminders.run(people=2, synapse=synapse, due_after=dt.timedelta(seconds=12))
    assert len(figures.late) == 2, "both reminders sent"
    assert all(late >= 0 for late in figures.late), "none before its time"
    assert "goal reminder late p95 <= 2 s" in figures.report()


@pytest.mark.integration
async def test_reminders_burst_shortcut_still_has_the_bot_send_each_direct_message(synapse: LocalSynapse):
    # Due seconds after the bot is started, not at the next whole minute.
    figures = await reminders.run(people=3, synapse=synapse, fast=True, due_after=dt.timedelta(seconds=15))
    assert figures.opted_in == 3, "each person's direct room opened and recorded before the bot started"
    assert len(figures.late) == 3, "all three reminders sent by the bot"
    assert set(figures.setup) == {"registering", "joining", "opening direct rooms", "starting the bot"}
    assert "set up in registering" in figures.report()
    assert all(late >= 0 for late in figures.late), "none before its time"
    report = figures.report()
    assert figures.alone is not None and "the homeserver alone" in report, "the floor beside the bot"
    assert "goal reminder late p95" not in report, "a burst is judged as a whole, not by one reminder's goal"


async def test_reminders_pipeline_has_the_bot_send_each_reminder_of_a_burst():
    # The run itself checks that every one of them reached the (instant) client.
    assert await reminders_pipeline.run(30) > 0


@pytest.mark.integration
async def test_announcements_measures_how_late_each_announcement_arrives(synapse: LocalSynapse):
    figures = await announcements.run(rooms=2, leads=2, step=2, synapse=synapse, margin=dt.timedelta(seconds=15))
    assert len(figures.late) == 4, "2 leads x 2 rooms, all sent"
    assert all(late >= 0 for late in figures.late), "none before its time"
    assert len(figures.first) == 2
    assert "goal announcement late p95 <= 1 s" in figures.report()


@pytest.mark.integration
async def test_lean_coffee_measures_how_late_each_vote_to_go_on_arrives(synapse: LocalSynapse):
    # One timebox (a minute, the shortest the config allows), its vote in both rooms.
    figures = await lean_coffee.run(rooms=2, topics=1, synapse=synapse)
    assert len(figures.late) == 2, "the vote to go on sent to both rooms"
    assert all(late >= 0 for late in figures.late), "none before the timebox's end"
    assert len(figures.first) == 1
    assert "goal vote to go on late p95 <= 1 s" in figures.report()


def test_lean_coffee_slot_began_on_a_whole_minute_before_now():
    now = dt.datetime(2026, 12, 10, 8, 5, 40, 300000, tzinfo=dt.UTC)
    assert lean_coffee.slot_started(now) == dt.datetime(2026, 12, 10, 8, 3, tzinfo=dt.UTC)


def test_announcement_times_fall_due_step_apart_before_a_whole_minute():
    now = dt.datetime(2026, 11, 25, 10, 0, 50, 300000, tzinfo=dt.UTC)
    start, leads = announcements.plan(now, leads=3, step=10)
    assert start == dt.datetime(2026, 11, 25, 10, 2, tzinfo=dt.UTC) and start.second == 0
    assert [start - lead for lead in leads] == [
        dt.datetime(2026, 11, 25, 10, 1, 21 + 10 * i, tzinfo=dt.UTC) for i in range(3)
    ]


def test_echo_bot_answers_as_a_notice_in_reply():
    from bench.echo_bot import echo

    class Event:
        body, event_id = "<b>!topics</b>", "$x"

    content = echo(Event())  # type: ignore[arg-type]
    assert content["msgtype"] == "m.notice"
    assert content["m.relates_to"] == {"m.in_reply_to": {"event_id": "$x"}}
    assert "<b>" not in content["formatted_body"] and content["m.mentions"] == {}


async def test_web_times_the_page_made_and_unchanged_and_the_feed():
    figures = await web.run(TINY, runs=2)
    assert [(t.path, t.fresh) for t in figures.timings] == list(web.PATHS)
    assert all(len(t.warm) == 2 and t.size > 0 for t in figures.timings)
    report = figures.report()
    for name in ("/ (made)", "/ (unchanged)", "/calendar.ics", "goal / (made) p95", "goal /calendar.ics p95"):
        assert name in report
