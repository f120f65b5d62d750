"""The announcement engine, driven by a FakeClock: nothing sleeps, and a 'restart' is a
new Announcer on the same database."""

import asyncio
import datetime as dt
import logging
import re

import pytest

from bot.app import open_announcer
from bot.core.model import Reply
from bot.core.reactions import record_anchor
from bot.features.announcements.sending import Announcer
from bot.features.people import repository as people
from bot.features.schedule.repository import add_cancellation
from bot.features.schedule.weekly_sessions import session_from_key
from bot.features.sessions import repository
from commands.announcements import WORDING
from tests.conftest import ALICE, BOB, HOST, ORGANISER
from tests.features.announcements.fakes import (
    EVENING,
    MORNING,
    ROOM_A,
    ROOM_B,
    Crash,
    FakeSender,
    Homeserver,
    announcer,
    at,
    visit,
)
from tests.storage.disk import until_refused


@pytest.fixture
def chat(two_room_chat):
    return two_room_chat


async def crash_after_the_first_send(chat, server, when: dt.datetime) -> None:
    """At `when`, the bot is killed just after the homeserver took its first message of the
    run, before it recorded it."""
    chat.clock.set(when)
    with pytest.raises(Crash):
        await announcer(chat, server, crash_after=1).run_due()


def around(*dues: dt.datetime) -> list[dt.datetime]:
    out = []
    for due in dues:
        out += [due - dt.timedelta(minutes=1), due - dt.timedelta(seconds=1), due, due + dt.timedelta(minutes=1)]
    return out


async def rows(chat) -> dict[tuple[str, str, str], tuple[str, str | None]]:
    found = await chat.store.fetchall("SELECT session, lead, room_id, status, event_id FROM announcements")
    return {(r["session"], r["lead"], r["room_id"]): (r["status"], r["event_id"]) for r in found}


LEADS = {"1d": dt.timedelta(days=1), "15m": dt.timedelta(minutes=15), "0m": dt.timedelta(0)}


async def test_each_lead_time_fires_once_at_its_time(chat, server):
    ann = announcer(chat, server)
    dues = {
        (key, lead): session_from_key(chat.services.config, key).starts_at - delta
        for key in (MORNING, EVENING)
        for lead, delta in LEADS.items()
    }
    await visit(chat, ann, *around(*dues.values()), at(26, 8, 10), at(26, 17, 10))
    shown = server.messages()
    for (key, lead), due in dues.items():
        for room in (ROOM_A, ROOM_B):
            assert shown[(key, lead, room)] == due, (key, lead, room)
    reminders = [k for k in shown if k[1] in LEADS]
    assert len(reminders) == 12, "2 sessions x 3 leads x 2 rooms, each once"
    assert server.attempts == len(server.shown), "nothing was sent twice"
    assert {status for status, _ in (await rows(chat)).values()} == {"sent"}, await rows(chat)
    # a new Announcer (a restart) finds nothing left to do
    before = server.attempts
    await visit(chat, announcer(chat, server), at(26, 8, 5))
    assert server.attempts == before


@pytest.fixture
async def chat_on_a_filling_disk(disk, make_chat, make_config):
    config = make_config(matrix={"rooms": [ROOM_A, ROOM_B]})
    return await make_chat(config)


async def test_an_announcement_due_on_a_full_disk_goes_out_once_there_is_space(chat_on_a_filling_disk, disk, server):
    chat = chat_on_a_filling_disk
    ann = announcer(chat, server)
    chat.clock.set(at(25, 8))  # the morning session's 1d reminder is due
    disk.full = True
    run = asyncio.create_task(ann.run_due())
    await until_refused(disk)
    assert disk.refused >= 3 and not run.done(), "waiting for space"
    assert server.attempts == 0, "nothing sent before it is recorded as being sent"
    disk.full = False
    await run
    assert sorted(k for k in server.messages() if k[1] == "1d") == [(MORNING, "1d", ROOM_A), (MORNING, "1d", ROOM_B)]
    assert server.attempts == 2, "each once"
    assert {k: v[0] for k, v in (await rows(chat)).items()} == {
        (MORNING, "1d", ROOM_A): "sent",
        (MORNING, "1d", ROOM_B): "sent",
    }
    await ann.run_due()
    assert server.attempts == 2


async def test_an_announcement_sent_while_the_disk_fills_is_marked_sent_once_there_is_space(
    chat_on_a_filling_disk, disk, server
):
    chat = chat_on_a_filling_disk
    ann = announcer(chat, server)
    chat.clock.set(at(25, 8))
    sender = ann.sender
    send = sender.send

    async def send_then_fill(reply, in_reply_to=None):
        event_id = await send(reply, in_reply_to)
        disk.full = True  # after the homeserver took it, before it is marked sent
        return event_id

    sender.send = send_then_fill
    run = asyncio.create_task(ann.run_due())
    await until_refused(disk)
    assert not run.done(), "the mark waits for space"
    disk.full = False
    sender.send = send
    await run
    assert {v[0] for v in (await rows(chat)).values()} == {"sent"}
    await ann.run_due()
    assert server.attempts == 2 and len(server.shown) == 2, "each shown once, neither sent again"


async def test_announcement_says_when_where_and_what(chat, server):
    await chat.say(ALICE, "!suggest How do we share <b>billing</b> work? @room")
    rotas = re.search(r"#(\d+)", await chat.text(BOB, "!suggest Facilitation rotas")).group(1)
    await chat.say(ORGANISER, f"!vote {rotas}")
    ann = announcer(chat, server)
    await visit(chat, ann, at(25, 17))
    reply = server.reply(EVENING, "1d", ROOM_A)
    text = reply.text
    assert "Coop Casual Conference" in text and "starts in 1 day" in text
    assert "Thursday 26 November, 17:00 UTC" in text
    assert "Los Angeles: 09:00" in text and "America/Los_Angeles" not in text, "zones are shown as places"
    assert "Tokyo: Fri 27 Nov 02:00" in text, "the date is shown where it differs"
    assert "https://bbb.example.org/b/ccc" in text and "access code ccc" in text
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if "Facilitation rotas" in line)
    assert lines[first] == f"• #{rotas} Facilitation rotas · 1 vote · by bob", "a topic line, as everywhere"
    assert "billing" in lines[first + 1], "ranked by votes"
    assert f"<ul><li><strong>#{rotas}</strong> Facilitation rotas · 1 vote · by bob</li>" in reply.html
    assert "No host has volunteered yet" in text
    assert "<b>billing" not in reply.html and "&lt;b&gt;billing" in reply.html
    assert reply.mentions == ()


async def test_empty_agenda_invites_suggestions(chat, server):
    await visit(chat, announcer(chat, server), at(25, 8))
    assert "Suggest it with !suggest TEXT" in server.reply(MORNING, "1d", ROOM_A).text


async def test_volunteers_are_named_and_pinged_in_the_15m_reminder(chat, server):
    await people.remember_display_name(chat.store, ALICE, "Alice")
    await repository.volunteer(chat.store, MORNING, ALICE, at(23, 12))
    await visit(chat, announcer(chat, server), at(25, 8), at(26, 7, 45), at(26, 8))
    day_before = server.reply(MORNING, "1d", ROOM_A)
    assert "Volunteered to host: Alice." in day_before.text and day_before.mentions == ()
    reminder = server.reply(MORNING, "15m", ROOM_A)
    assert reminder.mentions == (ALICE,)
    assert f'href="https://matrix.to/#/{ALICE}"' in reminder.html
    assert server.reply(MORNING, "0m", ROOM_B).mentions == ()


async def test_restart_between_15m_and_0m_loses_and_repeats_nothing(chat, server):
    # The bot dies right after the homeserver took the 15m reminder for room A, before
    # the database knew it had gone out.
    await crash_after_the_first_send(chat, server, at(26, 7, 45))
    assert (await rows(chat))[(MORNING, "15m", ROOM_A)][0] == "sending"
    # Restarted five minutes later.
    ann = announcer(chat, server)
    await visit(chat, ann, at(26, 7, 50), *around(at(26, 8)))
    shown = server.messages()
    morning = sorted(k[1:] for k in shown if k[0] == MORNING and k[1] in LEADS)
    assert morning == [("0m", ROOM_A), ("0m", ROOM_B), ("15m", ROOM_A), ("15m", ROOM_B)]
    assert shown[(MORNING, "15m", ROOM_B)] == at(26, 7, 50), "the one not sent goes out late, within grace"
    assert shown[(MORNING, "0m", ROOM_A)] == at(26, 8)
    state = await rows(chat)
    assert state[(MORNING, "15m", ROOM_A)] == ("sent", server.events[f"announce:{MORNING}:15m:{ROOM_A}"])
    # and a plain restart in between changes nothing
    before = server.attempts
    await visit(chat, announcer(chat, server), at(26, 8, 1))
    assert server.attempts == before


async def test_restart_after_the_grace_window_skips_and_logs(chat, server, caplog):
    ann = announcer(chat, server)
    caplog.set_level(logging.WARNING, logger="bot.features.announcements.sending")
    # Down from Monday until 31 minutes after the morning session's 1d reminder was due.
    await visit(chat, ann, at(25, 8, 31))
    assert (MORNING, "1d", ROOM_A) not in server.messages()
    assert (await rows(chat))[(MORNING, "1d", ROOM_A)] == ("skipped", None)
    assert "1d" in caplog.text and MORNING in caplog.text and "skipped" in caplog.text
    # Down again over the evening's 1d reminder, back within the grace window: sent late.
    await visit(chat, ann, at(25, 17, 29))
    assert server.messages()[(EVENING, "1d", ROOM_A)] == at(25, 17, 29)
    # The 15m reminder missed until after the start is skipped; the 0m one, the
    # session's thread root, still goes out within the grace window.
    caplog.clear()
    await visit(chat, ann, at(26, 8, 20))
    shown = server.messages()
    assert (MORNING, "15m", ROOM_A) not in shown and "15m" in caplog.text
    assert shown[(MORNING, "0m", ROOM_A)] == at(26, 8, 20)


async def test_cancellation_suppresses_reminders_and_posts_one_notice(chat, server):
    await add_cancellation(chat.store, MORNING, "team retreat", ORGANISER, at(23, 12))
    ann = announcer(chat, server)
    starts = [session_from_key(chat.services.config, k).starts_at for k in (MORNING, EVENING)]
    await visit(chat, ann, *around(*[s - d for s in starts for d in LEADS.values()]), at(26, 8, 10), at(26, 17, 10))
    shown = server.messages()
    morning = {k[1:]: when for k, when in shown.items() if k[0] == MORNING}
    assert morning == {("cancelled", ROOM_A): at(25, 8), ("cancelled", ROOM_B): at(25, 8)}
    notice = server.reply(MORNING, "cancelled", ROOM_A).text
    assert "is cancelled: team retreat" in notice and "next session is Thursday 26 November, 17:00" in notice
    assert sorted(k[1] for k in shown if k[0] == EVENING and k[2] == ROOM_A) == ["0m", "15m", "1d", "host-wait"]


async def test_late_cancellation_is_announced_at_once_and_once(chat, server):
    ann = announcer(chat, server)
    await visit(chat, ann, at(25, 8))
    assert (MORNING, "1d", ROOM_A) in server.messages()
    await add_cancellation(chat.store, "2026-11-26", "", ORGANISER, at(25, 12))
    await visit(chat, ann, at(25, 12), at(25, 12, 1), *around(at(25, 17), at(26, 7, 45), at(26, 8), at(26, 17)))
    shown = server.messages()
    assert sorted(k[1] for k in shown if k[0] == MORNING and k[2] == ROOM_A) == ["1d", "cancelled"]
    assert shown[(MORNING, "cancelled", ROOM_A)] == at(25, 12), "its reminders had begun: told at once"
    # The evening session's first reminder was still to come: the notice replaces it.
    assert [k[1] for k in shown if k[0] == EVENING and k[2] == ROOM_A] == ["cancelled"]
    assert shown[(EVENING, "cancelled", ROOM_A)] == at(25, 17)


async def test_a_session_cancelled_again_after_a_lift_is_announced_again_under_a_new_key(chat, server):
    """The homeserver keeps transaction ids for a while (Synapse: about 30 minutes): the
    second notice must not reuse the first's key, or it silently never appears."""
    ann = announcer(chat, server)
    await visit(chat, ann, at(25, 8))
    chat.clock.set(at(25, 12))
    assert "Cancelled the session of" in await chat.text(ORGANISER, "!cancel 2026-11-26 08:00 room booked")
    await visit(chat, ann, at(25, 12), at(25, 12, 1))
    chat.clock.set(at(25, 12, 10))
    await chat.say(ORGANISER, "!uncancel 2026-11-26 08:00")
    await visit(chat, ann, at(25, 12, 10))
    chat.clock.set(at(25, 12, 20))
    await chat.say(ORGANISER, "!cancel 2026-11-26 08:00 the room is booked after all")
    await visit(chat, ann, at(25, 12, 20), at(25, 12, 21))
    notices = [(when, r) for when, r, _ in server.shown if r.room_id == ROOM_A and ":cancelled:" in r.key]
    assert [when for when, _ in notices] == [at(25, 12), at(25, 12, 20)], notices
    first, second = (r for _, r in notices)
    assert "is cancelled: room booked" in first.text
    assert "is cancelled: the room is booked after all" in second.text
    assert first.key != second.key
    assert all(r.key.startswith(f"announce:{MORNING}:cancelled:{ROOM_A}#") for r in (first, second))
    # Other announcements keep their keys.
    assert f"announce:{MORNING}:1d:{ROOM_A}" in server.events


async def test_zero_minute_announcement_roots_the_thread_and_the_host_wait(chat, server):
    await repository.volunteer(chat.store, MORNING, BOB, at(23, 12))
    ann = announcer(chat, server)
    await visit(chat, ann, at(26, 8), at(26, 8, 9), at(26, 8, 10))
    root_a = server.events[f"announce:{MORNING}:0m:{ROOM_A}"]
    assert await repository.thread_root(chat.store, MORNING, ROOM_A) == root_a
    assert server.reply(MORNING, "0m", ROOM_A).thread_root is None
    wait = server.reply(MORNING, "host-wait", ROOM_A)
    assert server.messages()[(MORNING, "host-wait", ROOM_A)] == at(26, 8, 10)
    assert wait.thread_root == root_a and wait.mentions == (BOB,)
    assert "No host has started" in wait.text and "!host" in wait.text and "!start" in wait.text
    # When a host started in time, there is no host-wait message.
    chat.clock.set(at(26, 17, 2))
    assert "has started" in await chat.text(HOST, "!start")
    await visit(chat, ann, at(26, 17, 10), at(26, 17, 20))
    assert (EVENING, "host-wait", ROOM_A) not in server.messages()
    assert (await rows(chat))[(EVENING, "host-wait", ROOM_A)] == ("skipped", None)


async def test_unstarted_session_thread_is_not_doubled_by_an_early_start(chat, server):
    # A host starts 20 minutes early, in room A, before the 0m announcement: the 0m
    # announcement then goes into that thread rather than opening a second one.
    ann = announcer(chat, server)
    chat.clock.set(at(26, 7, 40))
    replies = await chat.say(HOST, "!start", room_id=ROOM_A)
    await record_anchor(chat.store, "$start", ROOM_A, replies[0].anchor)
    await visit(chat, ann, at(26, 8))
    assert server.reply(MORNING, "0m", ROOM_A).thread_root == "$start"
    assert server.reply(MORNING, "0m", ROOM_B).thread_root is None


async def test_session_never_ended_closes_automatically_after_three_hours(chat, server):
    ann = announcer(chat, server)
    await visit(chat, ann, at(26, 8))
    chat.clock.set(at(26, 8, 2))
    await chat.say(HOST, "!start", room_id=ROOM_A)
    await chat.say(ALICE, "!here", room_id=ROOM_A)
    await visit(chat, ann, at(26, 11, 1))
    assert await repository.running_session(chat.store) == MORNING
    await visit(chat, ann, at(26, 11, 2), at(26, 11, 3), at(26, 12))
    assert await repository.running_session(chat.store) is None
    state = await repository.state_of(chat.store, MORNING)
    assert state.auto_ended and state.ended_at == at(26, 11, 2) and state.ended_by is None
    summaries = [k for k in server.messages() if k[1] == "summary"]
    assert sorted(summaries) == [(MORNING, "summary", ROOM_A), (MORNING, "summary", ROOM_B)]
    summary = server.reply(MORNING, "summary", ROOM_A)
    assert summary.thread_root == server.events[f"announce:{MORNING}:0m:{ROOM_A}"]
    assert "closed automatically" in summary.text and "Duration: unknown" in summary.text
    assert "3 hours" not in summary.text
    assert "Present (2): @host:example.org, @alice:example.org" in summary.text


async def test_failed_send_is_retried_with_the_same_key(chat, server):
    ann = announcer(chat, server, fail=1)
    await visit(chat, ann, at(25, 8))  # the first try fails, the second (same visit) goes through
    assert server.attempts == 3 and len(server.shown) == 2
    assert {r.key for _, r, _ in server.shown} == {f"announce:{MORNING}:1d:{ROOM_A}", f"announce:{MORNING}:1d:{ROOM_B}"}


# --- after a downtime, and what a reminder says ----------------------------------------


@pytest.fixture
async def chat_with_leads(make_chat, make_config):
    async def _make(*leads: str, grace: int = 30):
        config = make_config(
            matrix={"rooms": [ROOM_A, ROOM_B]},
            conference={"announce_before": list(leads), "announce_grace_minutes": grace},
        )
        return await make_chat(config)

    return _make


def first_line(server: Homeserver, session: str, lead: str) -> str:
    return server.reply(session, lead, ROOM_A).text.splitlines()[0]


@pytest.mark.parametrize(
    ("back", "said"),
    [(at(26, 8), "starts now"), (at(26, 8, 5), "began 5 minutes ago")],
    ids=["at-the-start", "after-the-start"],
)
async def test_after_a_downtime_a_passed_reminder_is_not_sent_beside_a_later_one(chat, server, caplog, back, said):
    # Down from 07:40 until the start or just after: the 15m reminder's time has passed
    # and the 0m announcement is due too. Only "starts now" goes out, not "starts in 15
    # minutes" followed by "starts now".
    ann = announcer(chat, server)
    await visit(chat, ann, at(26, 7, 40))
    caplog.clear()
    caplog.set_level(logging.WARNING, logger="bot.features.announcements.sending")
    await visit(chat, ann, back)
    shown = server.messages()
    assert sorted(k[1:] for k in shown if k[0] == MORNING) == [("0m", ROOM_A), ("0m", ROOM_B)]
    assert first_line(server, MORNING, "0m").endswith(said)
    state = await rows(chat)
    assert state[(MORNING, "15m", ROOM_A)] == ("skipped", None)
    assert state[(MORNING, "15m", ROOM_B)] == ("skipped", None)
    assert "15m" in caplog.text and MORNING in caplog.text and "skipped" in caplog.text


async def test_after_a_downtime_only_the_latest_due_reminder_goes_out(chat_with_leads, server, caplog):
    chat = await chat_with_leads("1d", "15m", "5m", "0m")
    ann = announcer(chat, server)
    await visit(chat, ann, at(26, 7, 40))
    caplog.set_level(logging.WARNING, logger="bot.features.announcements.sending")
    # Back at 07:56: the 15m and the 5m reminders are both due, within the grace window.
    await visit(chat, ann, at(26, 7, 56))
    shown = server.messages()
    assert sorted(k[1] for k in shown if k[0] == MORNING and k[2] == ROOM_A) == ["5m"]
    assert (await rows(chat))[(MORNING, "15m", ROOM_A)] == ("skipped", None)
    assert "15m announcement for session 2026-11-26 08:00" in caplog.text
    await visit(chat, ann, at(26, 8))
    assert sorted(k[1] for k in server.messages() if k[0] == MORNING and k[2] == ROOM_A) == ["0m", "5m"]


async def test_a_reminder_left_unsent_by_a_crash_is_dropped_once_a_later_one_is_due(chat, server):
    await crash_after_the_first_send(chat, server, at(26, 7, 45))
    assert (await rows(chat))[(MORNING, "15m", ROOM_B)][0] == "sending"
    # Restarted at the start: room B's 15m reminder would now only precede "starts now".
    await visit(chat, announcer(chat, server), at(26, 8))
    shown = server.messages()
    assert (MORNING, "15m", ROOM_B) not in shown
    assert shown[(MORNING, "0m", ROOM_A)] == shown[(MORNING, "0m", ROOM_B)] == at(26, 8)
    assert (await rows(chat))[(MORNING, "15m", ROOM_B)] == ("skipped", None)


async def test_a_reminder_shown_just_before_a_crash_is_recorded_sent_not_skipped_when_a_later_one_is_due(
    chat, server, caplog
):
    # Killed after the homeserver took room A's 15m reminder, before it was recorded;
    # back at the start, when "starts now" is due too. It was shown: it is recorded as
    # sent (with its event), neither sent again nor logged as never sent.
    await crash_after_the_first_send(chat, server, at(26, 7, 45))
    assert (await rows(chat))[(MORNING, "15m", ROOM_A)][0] == "sending"
    caplog.set_level(logging.INFO, logger="bot.features.announcements.sending")
    attempts = server.attempts
    await visit(chat, announcer(chat, server), at(26, 8))
    shown = server.messages()
    assert sorted(k[1:] for k in shown if k[0] == MORNING) == [("0m", ROOM_A), ("0m", ROOM_B), ("15m", ROOM_A)]
    assert server.attempts == attempts + 2  # the two 0m ones; the 15m one not again
    state = await rows(chat)
    assert state[(MORNING, "15m", ROOM_A)] == ("sent", server.events[f"announce:{MORNING}:15m:{ROOM_A}"])
    assert state[(MORNING, "15m", ROOM_B)] == ("skipped", None)
    room_a = [r.getMessage() for r in caplog.records if "15m" in r.getMessage() and ROOM_A in r.getMessage()]
    assert room_a and all("never went out" not in line for line in room_a), room_a
    assert any("had gone out" in line for line in room_a), room_a
    assert any("never went out" in r.getMessage() and ROOM_B in r.getMessage() for r in caplog.records)


async def test_a_send_cut_short_that_cannot_be_checked_is_skipped_without_claiming_it_never_went_out(
    chat, server, caplog
):
    await crash_after_the_first_send(chat, server, at(26, 7, 45))
    server.unreadable = True
    caplog.set_level(logging.WARNING, logger="bot.features.announcements.sending")
    await visit(chat, announcer(chat, server), at(26, 8))
    assert [k[1:] for k in server.messages() if k[0] == MORNING].count(("15m", ROOM_A)) == 1  # not sent again
    assert (await rows(chat))[(MORNING, "15m", ROOM_A)] == ("skipped", None)
    lines = [r.getMessage() for r in caplog.records if "15m" in r.getMessage() and ROOM_A in r.getMessage()]
    assert all("never went out" not in line for line in lines), lines
    assert any("may have gone out" in line and "skipped" in line for line in lines), lines


async def test_each_reminder_states_its_own_lead_time(chat_with_leads, server):
    # Sent a few milliseconds after its time, as a real scheduler does: the countdown
    # from "now" would read 14 minutes, 23 hours 59 minutes, or "now" for the 1m one.
    chat = await chat_with_leads("1d", "15m", "1m", "0m")
    ann = announcer(chat, server)
    late = dt.timedelta(milliseconds=3)
    await visit(
        chat,
        ann,
        *(at(26, 8) - lead + late for lead in (dt.timedelta(days=1), *(dt.timedelta(minutes=m) for m in (15, 1, 0)))),
    )
    assert first_line(server, MORNING, "1d").endswith("starts in 1 day")
    assert first_line(server, MORNING, "15m").endswith("starts in 15 minutes")
    assert first_line(server, MORNING, "1m").endswith("starts in 1 minute")
    assert first_line(server, MORNING, "0m").endswith("starts now")


async def test_a_reminder_sent_by_the_next_tick_still_states_its_lead(chat, server):
    # The minute tick catches up a job that did not fire: up to a minute late.
    await visit(chat, announcer(chat, server), at(26, 7, 45, 59))
    assert first_line(server, MORNING, "15m").endswith("starts in 15 minutes")


async def test_a_reminder_sent_late_after_a_downtime_says_the_time_left(chat, server):
    # Back at 07:52, within the grace window: "starts in 15 minutes" would be wrong.
    await visit(chat, announcer(chat, server), at(26, 7, 52))
    assert first_line(server, MORNING, "15m").endswith("starts in 8 minutes")
    await visit(chat, announcer(chat, server), at(26, 8, 20))
    assert first_line(server, MORNING, "0m").endswith("began 20 minutes ago")


async def test_a_downtime_longer_than_a_day_logs_every_announcement_and_reminder_it_skipped(chat, server, caplog):
    # Found by the simulated year: the catch-up looked back one day only, so a bot down from
    # Tuesday to Friday skipped Thursday's announcements and reminders without a word.
    await chat.text(ALICE, "!remind 08:00 1h")
    ann = open_announcer(chat.services, FakeSender(chat, server))
    await visit(chat, ann, at(24, 12))
    caplog.set_level(logging.WARNING)
    restarted = open_announcer(chat.services, FakeSender(chat, server))
    await visit(chat, restarted, at(27, 12))
    assert server.messages() == {}
    for key in (MORNING, EVENING):
        for lead in ("1d", "15m", "0m", "host-wait"):
            assert f"{lead} announcement for session {key} was due at" in caplog.text, (key, lead)
    assert f"the 1h reminder of {ALICE} for session {MORNING} was due at 2026-11-26T07:00" in caplog.text
    # and only once: a later run does not log them again
    caplog.clear()
    await visit(chat, restarted, at(27, 12, 1))
    assert "announcement for session" not in caplog.text and "reminder of" not in caplog.text


class SlowHomeserver(FakeSender):
    """Each send takes a while on the way (as over a network): counts how many are in the air."""

    def __init__(self, chat, server: Homeserver):
        super().__init__(chat, server)
        self.in_air = self.most_in_air = 0
        self.order: list[str] = []

    async def send(self, reply: Reply, in_reply_to=None) -> str | None:
        self.in_air += 1
        self.most_in_air = max(self.most_in_air, self.in_air)
        try:
            await asyncio.sleep(0.01)
            self.order.append(reply.key)
            return await super().send(reply, in_reply_to)
        finally:
            self.in_air -= 1


async def test_every_room_gets_its_announcement_at_once_not_one_after_another(chat, server):
    slow = SlowHomeserver(chat, server)
    ann = Announcer(chat.store, chat.services.config, chat.clock, slow, WORDING, chat.services.schedule_changed)
    await visit(chat, ann, at(25, 8))  # the 1d reminder, due in both rooms
    assert slow.most_in_air == 2, "the two rooms' sends were in the air together"
    assert {r.room_id for _, r, _ in server.shown} == {ROOM_A, ROOM_B}
    assert server.attempts == 2, "each once"


async def test_in_one_room_what_a_downtime_left_goes_out_in_order(chat, server):
    # Down from before the 15m reminders until 8:11: the 15m ones are superseded by the
    # 0m, which opens the thread; the host-wait notice then goes into that thread.
    slow = SlowHomeserver(chat, server)
    await visit(chat, announcer(chat, server), at(25, 8, 0, 30))
    await visit(
        chat,
        Announcer(chat.store, chat.services.config, chat.clock, slow, WORDING, chat.services.schedule_changed),
        at(26, 8, 11),
    )
    for room in (ROOM_A, ROOM_B):
        sent = [k for k in slow.order if k.endswith(room)]
        assert sent == [f"announce:{MORNING}:0m:{room}", f"announce:{MORNING}:host-wait:{room}"]
        opening = server.events[f"announce:{MORNING}:0m:{room}"]
        assert server.reply(MORNING, "host-wait", room).thread_root == opening


async def test_a_host_wait_notice_left_unsent_is_not_sent_once_the_session_is_called_off(chat, server):
    """The 08:10 notice fails to go out; at 08:11 an organiser calls the session off: the
    retry must not tell the rooms it still waits for a host."""
    ann = announcer(chat, server)
    await visit(chat, ann, at(26, 8))
    ann.sender.fail = 4  # both rooms, both tries of the 08:10 visit
    await visit(chat, ann, at(26, 8, 10))
    assert (MORNING, "host-wait", ROOM_A) not in server.messages()
    chat.clock.set(at(26, 8, 11))
    assert "called off" in await chat.text(ORGANISER, f"!cancel {MORNING} nobody can host")
    await visit(chat, ann, at(26, 8, 12))
    assert (MORNING, "host-wait", ROOM_A) not in server.messages()
    assert (MORNING, "host-wait", ROOM_B) not in server.messages()


async def test_what_closes_with_a_session_closed_automatically_is_done_in_its_transaction_before_the_summary(
    chat, server
):
    ann = announcer(chat, server)
    closed: list[tuple[str, dt.datetime, int]] = []

    async def closing(db, key: str, at_: dt.datetime) -> None:
        queued = await (await db.execute("SELECT COUNT(*) FROM announcements WHERE lead = 'summary'")).fetchone()
        closed.append((key, at_, queued[0]))

    ann.closing.append(closing)
    chat.clock.set(at(26, 8, 2))
    await chat.say(HOST, "!start", room_id=ROOM_A)
    await visit(chat, ann, at(26, 11, 1), at(26, 11, 2), at(26, 11, 3))
    assert closed == [(MORNING, at(26, 11, 2), 0)], "once, at the close, before the summary is queued"
