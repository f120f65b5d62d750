import datetime as dt
import itertools
import re

import pytest

from bot.core.model import Anchor, IncomingReaction
from bot.core.reactions import record_anchor
from bot.features.people import repository as people
from bot.features.sessions import repository
from tests.conftest import ALICE, BOB, HOST, ORGANISER, ROOM

UTC = dt.UTC


CAROL = "@carol:example.org"


DAVE = "@dave:example.org"
MORNING, EVENING = "2026-11-26 08:00", "2026-11-26 17:00"


_reactions = itertools.count(1)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=UTC)


async def start(chat, user=HOST, event_id="$start", room=ROOM) -> list:
    """!start, and record the start message's anchor as the Matrix adapter would."""
    replies = await chat.say(user, "!start", room_id=room)
    if replies and replies[0].anchor:
        await record_anchor(chat.store, event_id, room, replies[0].anchor)
    return replies


async def react(chat, user, target, key="✋", added=True, event_id=None):
    event_id = event_id or f"$reaction{next(_reactions)}"
    await chat.dispatcher.handle_reaction(IncomingReaction(user, ROOM, event_id, target, key, chat.clock.now(), added))
    return event_id


async def suggest(chat, user, text) -> int:
    return int(re.search(r"#(\d+)", await chat.text(user, f"!suggest {text}")).group(1))


# --- who may host -------------------------------------------------------------------------


async def test_participant_may_start_end_and_mark_discussed_only_after_volunteering(chat):
    chat.clock.set(at(26, 7, 55))
    topic = await suggest(chat, BOB, "Sociocracy in practice")
    for command in ("!start", "!end", f"!discussed {topic}"):
        assert "is for hosts only" in await chat.text(ALICE, command), command
    assert await repository.running_session(chat.store) is None
    # Volunteering for another session does not help with this one.
    assert "volunteered to host the session of Thursday 26 November, 17:00" in await chat.text(
        ALICE, f"!host {EVENING}"
    )
    text = await chat.text(ALICE, "!start")
    assert (
        "is for hosts only" not in text and "You volunteered to host the session of Thursday 26 November, 17:00" in text
    ), text
    assert "volunteered to host the session of Thursday 26 November, 08:00" in await chat.text(ALICE, "!host")
    assert "has started" in await chat.text(ALICE, "!start")
    assert "Marked" in await chat.text(ALICE, f"!discussed {topic}")
    assert "Session of Thursday 26 November, 08:00 UTC ended" in await chat.text(ALICE, "!end")
    assert "is for hosts only" in await chat.text(BOB, "!start"), "bob never volunteered"


async def test_a_volunteer_for_a_later_session_is_told_when_theirs_can_be_started(chat):
    """Not "for hosts only": they are a host, of another session; the reply says which,
    from when it can be started, and how to host the one whose window is open."""
    assert "volunteered to host the session of Thursday 26 November, 17:00" in await chat.text(
        ALICE, f"!host {EVENING}"
    )
    chat.clock.set(at(26, 7, 55))
    text = await chat.text(ALICE, "!start")
    assert "is for hosts only" not in text, text
    assert (
        "You volunteered to host the session of Thursday 26 November, 17:00 UTC, which can be started from 16:30 UTC"
        in text
    ), text
    assert "(in 8 hours 35 minutes)" in text, text
    assert "The session of Thursday 26 November, 08:00 UTC: only a host or an organiser can start it." in text, text
    assert "To host it too: !host 2026-11-26 08:00, then !start." in text, text
    assert await repository.running_session(chat.store) is None
    await start(chat, user=HOST)
    text = await chat.text(ALICE, "!start")
    assert "You volunteered to host the session of Thursday 26 November, 17:00 UTC" in text, text
    assert "The session of Thursday 26 November, 08:00 UTC is running: @host:example.org started it." in text, text
    await chat.say(HOST, "!end")
    # Between the windows: only their own session is spoken of.
    chat.clock.set(at(26, 12, 0))
    text = await chat.text(ALICE, "!start")
    assert (
        "You volunteered to host the session of Thursday 26 November, 17:00 UTC, which can be started from 16:30 UTC"
        in text
    ), text
    assert "(in 4 hours 30 minutes)" in text and "08:00" not in text, text
    # In their own window, they start it.
    chat.clock.set(at(26, 16, 45))
    assert "Session of Thursday 26 November, 17:00 UTC has started" in await chat.text(ALICE, "!start")
    # Someone who never volunteered still hears that the command is for hosts.
    assert "is for hosts only" in await chat.text(BOB, "!start")


MALLORY = "@mallory:example.org"


async def test_a_volunteer_for_the_running_session_may_end_it_though_someone_else_started_it(chat):
    """!help lists !end under "For hosts", and a volunteer hosts the session they volunteered for."""
    await people.remember_display_name(chat.store, ALICE, "Alice")
    await people.remember_display_name(chat.store, BOB, "Bob")
    await chat.say(ALICE, "!host 2026-11-26 08:00")
    await chat.say(BOB, "!host 2026-11-26 08:00")
    chat.clock.set(at(26, 8, 2))
    await start(chat, user=ALICE)
    assert "Session of Thursday 26 November, 08:00 UTC ended" in await chat.text(BOB, "!end"), "a fellow volunteer"
    assert await repository.running_session(chat.store) is None
    chat.clock.set(at(26, 16, 50))
    await chat.say(BOB, "!host")
    await start(chat, user=BOB)
    assert "Session of Thursday 26 November, 17:00 UTC ended" in await chat.text(ORGANISER, "!end"), "an organiser"


async def test_someone_who_does_not_host_the_running_session_is_told_who_may(make_chat, make_config):
    """Two slots an hour apart: a volunteer for the 09:00 session is a host while its
    window is open, but not of the 08:00 one running; the refusal names who may instead,
    as text (no ping)."""
    chat = await make_chat(make_config(conference={"slots": ["Thursday 08:00", "Thursday 09:00"]}))
    await people.remember_display_name(chat.store, ALICE, "Alice")
    await people.remember_display_name(chat.store, BOB, "Bob")
    topic = await suggest(chat, CAROL, "Sociocracy in practice")
    await chat.say(ALICE, "!host 2026-11-26 08:00")
    await chat.say(BOB, "!host 2026-11-26 08:00")
    await chat.say(MALLORY, "!host 2026-11-26 09:00")
    chat.clock.set(at(26, 8, 0))
    await start(chat, user=ALICE)
    chat.clock.set(at(26, 8, 40))  # the 09:00 window is open and nearer
    who = "Only Alice (who started it), Bob (who volunteered for it), a host or an organiser can"
    for command, what in (
        ("!end", "end it"),
        (f"!discussed {topic}", "mark its topics"),
        (f"!undiscussed {topic}", "mark its topics"),
    ):
        replies = await chat.say(MALLORY, command)
        text = replies[0].text
        assert f"You don't host the session of Thursday 26 November, 08:00 UTC. {who} {what}." in text, (command, text)
        assert replies[0].mentions == (), "names, no pings"
    assert await repository.running_session(chat.store) == MORNING, "still running"
    assert "Marked" in await chat.text(BOB, f"!discussed {topic}"), "a volunteer for it marks its topics"
    assert "Returned" in await chat.text(BOB, f"!undiscussed {topic}")


async def test_an_organisers_start_reopens_a_session_ended_by_mistake(chat):
    topic = await suggest(chat, BOB, "Sociocracy in practice")
    await chat.say(MALLORY, "!host 2026-11-26 08:00")
    chat.clock.set(at(26, 8, 2))
    await start(chat, user=HOST)
    await chat.say(ALICE, "!here")
    await chat.say(HOST, f"!discussed {topic}")
    chat.clock.set(at(26, 8, 20))
    await chat.say(HOST, "!end")
    assert await repository.running_session(chat.store) is None
    text = await chat.text(HOST, "!start")
    assert "already held" in text and "An organiser can reopen it with !start" in text, "only an organiser reopens"
    assert "already held" in await chat.text(MALLORY, "!start")
    chat.clock.set(at(26, 8, 25))
    text = await chat.text(ORGANISER, "!start")
    assert "Session of Thursday 26 November, 08:00 UTC is reopened" in text and "ended at 08:20 UTC" in text, text
    assert "has started" not in text
    state = await repository.state_of(chat.store, MORNING)
    assert state.running and state.ended_at is None and state.ended_by is None
    assert state.started_by == HOST and state.started_at == at(26, 8, 2), "still the host's session"
    assert await repository.attendees(chat.store, MORNING) == [HOST, ALICE], "check-ins kept"
    assert "already running" in await chat.text(ORGANISER, "!start")
    chat.clock.set(at(26, 9, 0))
    summary = await chat.text(HOST, "!end")
    assert "Present (2)" in summary and "Sociocracy in practice" in summary, "discussed topics kept"
    assert "Duration: 58 minutes (08:02–09:00 UTC)" in summary


async def test_a_session_ended_cannot_be_reopened_once_its_start_window_is_over(chat):
    chat.clock.set(at(26, 8, 2))
    await start(chat, user=HOST)
    await chat.say(HOST, "!end")
    chat.clock.set(at(26, 10, 1))
    assert "No session can be started now" in await chat.text(ORGANISER, "!start")
    assert await repository.running_session(chat.store) is None


# --- !start -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "ok"),
    [
        (at(26, 7, 31), True),  # 29 minutes early
        (at(26, 7, 29), "Thursday 26 November, 08:00 UTC can be started from 07:30 UTC"),  # 31 minutes early
        (at(26, 10, 0), True),  # 2 hours late
        (at(26, 10, 1), "Thursday 26 November, 17:00 UTC can be started from 16:30 UTC"),  # just over 2 hours late
    ],
)
async def test_start_window_edges(chat, when, ok):
    chat.clock.set(when)
    text = await chat.text(HOST, "!start")
    if ok is True:
        assert "Session of Thursday 26 November, 08:00 UTC has started" in text
        assert "https://bbb.example.org/b/ccc" in text and "access code ccc" in text
        assert await repository.running_session(chat.store) == MORNING
    else:
        assert "No session can be started now" in text and ok in text
        assert await repository.running_session(chat.store) is None


async def test_start_records_who_and_when_and_refuses_twice(chat):
    chat.clock.set(at(26, 8, 3))
    replies = await start(chat)
    assert replies[0].anchor.ref == MORNING and replies[0].thread_root is None
    state = await repository.state_of(chat.store, MORNING)
    assert state.started_by == HOST and state.started_at == at(26, 8, 3)
    chat.clock.set(at(26, 8, 5))
    assert "already running: @host:example.org started it at 08:03 UTC" in await chat.text(ORGANISER, "!start")
    await chat.say(HOST, "!end")
    assert "already held" in await chat.text(HOST, "!start")
    assert await repository.attendees(chat.store, MORNING) == [HOST], "the host who started counts as present"


async def test_start_refuses_a_cancelled_session(chat):
    await chat.say(ORGANISER, "!cancel 2026-11-26 08:00")
    chat.clock.set(at(26, 8))
    assert "is cancelled" in await chat.text(HOST, "!start")


async def test_start_and_end_name_the_session_in_utc_and_the_askers_zone(chat):
    """Replies to the host give their local time too; the start message, for everyone in
    the thread, names the session in UTC."""
    await chat.say(HOST, "!tz Asia/Kolkata")
    await chat.say(ORGANISER, "!cancel 2026-12-03 08:00")
    chat.clock.set(at(26, 7, 0))
    text = await chat.text(HOST, "!start")
    assert "The session of Thursday 26 November, 08:00 UTC (13:30 in Kolkata) can be started from 07:30 UTC" in text, (
        text
    )
    chat.clock.set(at(26, 8, 3))
    text = await chat.text(HOST, "!start")
    assert "Session of Thursday 26 November, 08:00 UTC has started" in text and "Kolkata" not in text, text
    text = await chat.text(HOST, "!start")
    assert "The session of Thursday 26 November, 08:00 UTC (13:30 in Kolkata) is already running" in text, text
    await chat.say(HOST, "!end")
    chat.clock.set(at(26, 8, 30))
    text = await chat.text(HOST, "!end")
    assert text == (
        "No session is running. The next session is on Thursday 26 November, 17:00 UTC (22:30 in "
        "Kolkata), in 8 hours 30 minutes."
    ), text
    chat.clock.set(dt.datetime(2026, 12, 3, 8, 0, tzinfo=UTC))
    text = await chat.text(HOST, "!start")
    assert text.startswith("The session of Thursday 3 December, 08:00 UTC (13:30 in Kolkata) is cancelled."), text


async def test_start_goes_into_the_session_thread(make_chat, make_config):
    other = "!other:example.org"
    chat = await make_chat(make_config(matrix={"rooms": [ROOM, other]}))
    await repository.set_thread_root(chat.store, MORNING, ROOM, "$zero-here")
    await repository.set_thread_root(chat.store, MORNING, other, "$zero-there")
    chat.clock.set(at(26, 8))
    replies = await start(chat)
    # And, where !start was typed, a line saying it is in the thread (bot/core/routing.py).
    assert [(r.room_id, r.thread_root) for r in replies] == [(None, "$zero-here"), (other, "$zero-there"), (None, None)]


# --- attendance ---------------------------------------------------------------------------


async def test_check_in_once_and_not_when_nothing_runs(chat):
    text = await chat.text(ALICE, "!here")
    assert (
        "No session is running" in text
        and "The next session is on Thursday 26 November, 08:00 UTC, in 2 days 20 hours" in text
    )
    chat.clock.set(at(26, 8))
    await start(chat)
    assert "Checked in to the session of Thursday 26 November, 08:00" in await chat.text(ALICE, "!here")
    assert "already checked in" in await chat.text(ALICE, "!here")
    assert await repository.attendees(chat.store, MORNING) == [HOST, ALICE]


async def test_raised_hand_checks_in_and_taking_it_back_checks_out(chat):
    chat.clock.set(at(26, 8))
    await start(chat)
    hand = await react(chat, BOB, "$start")
    await react(chat, ALICE, "$start", key="👍")  # not a check-in
    await react(chat, CAROL, "$elsewhere")  # not a session message
    assert await repository.attendees(chat.store, MORNING) == [HOST, BOB]
    await react(chat, BOB, "$start", added=False, event_id=hand)
    assert await repository.attendees(chat.store, MORNING) == [HOST]
    # a check-in by command is not undone by a reaction
    await chat.say(ALICE, "!here")
    alice_hand = await react(chat, ALICE, "$start")
    await react(chat, ALICE, "$start", added=False, event_id=alice_hand)
    assert await repository.attendees(chat.store, MORNING) == [HOST, ALICE]


async def test_summary_lists_exactly_who_checked_in_and_what_was_discussed(chat):
    for user, name in ((HOST, "Hana Host"), (ALICE, "Alice"), (BOB, "Bob"), (CAROL, "Carol"), (DAVE, "Dave")):
        await people.remember_display_name(chat.store, user, name)
    # The 0m announcement roots the thread; Dave raises his hand on it before the start.
    await record_anchor(chat.store, "$zero", ROOM, Anchor("session", MORNING))
    await repository.set_thread_root(chat.store, MORNING, ROOM, "$zero")
    chat.clock.set(at(26, 7, 59))
    await react(chat, DAVE, "$zero")
    chat.clock.set(at(26, 8, 2))
    replies = await start(chat)
    assert replies[0].thread_root == "$zero"
    await chat.say(ALICE, "!here")
    await react(chat, BOB, "$start")
    carol = await react(chat, CAROL, "$zero")
    await react(chat, CAROL, "$zero", added=False, event_id=carol)
    first = await suggest(chat, ALICE, "Pricing <script>cooperative</script> work")
    second = await suggest(chat, BOB, "Onboarding new members")
    await suggest(chat, BOB, "Never discussed")
    await chat.say(HOST, f"!discussed {first} agreed to share templates")
    await chat.say(HOST, f"!discussed {second}")
    chat.clock.set(at(26, 9, 7))
    reply = (await chat.say(HOST, "!end"))[0]
    assert reply.thread_root == "$zero"
    lines = reply.text.splitlines()
    assert "Duration: 1 hour 5 minutes (08:02–09:07 UTC)." in lines
    present = next(line for line in lines if line.startswith("Present"))
    assert present == "Present (4): Hana Host, Dave, Alice, Bob"
    assert f"• #{first} Pricing <script>cooperative</script> work · note: agreed to share templates" in lines
    assert f"• #{second} Onboarding new members" in lines
    assert "Never discussed" not in reply.text and "Carol" not in reply.text
    assert "<script>" not in reply.html
    assert reply.mentions == ()
    assert await repository.running_session(chat.store) is None
    assert "No session is running" in await chat.text(HOST, "!end")


async def test_a_raised_hand_is_named_in_the_summary_by_display_name(chat):
    chat.clock.set(at(26, 8))
    await start(chat)
    reaction = IncomingReaction(BOB, ROOM, "$hand", "$start", "✋", chat.clock.now(), True, sender_name="Bob B.")
    await chat.dispatcher.handle_reaction(reaction)
    summary = await chat.text(HOST, "!end")
    assert "Bob B." in summary and BOB not in summary


# --- checking in while waiting for the host ----------------------------------------------


async def test_here_while_waiting_for_the_host_checks_in_and_start_keeps_it(chat):
    await people.remember_display_name(chat.store, ALICE, "Alice")
    chat.clock.set(at(26, 7, 59))
    assert "No session is running" in await chat.text(ALICE, "!here"), "before its start time"
    chat.clock.set(at(26, 8, 10))
    text = await chat.text(ALICE, "!here")
    assert "Checked in to the session of Thursday 26 November, 08:00" in text and "No session is running" not in text
    assert "no host has started it yet" in text
    assert "already checked in" in await chat.text(ALICE, "!here")
    assert await repository.running_session(chat.store) is None, "a check-in does not start the session"
    chat.clock.set(at(26, 8, 15))
    replies = await start(chat)
    assert "Already checked in: Alice." in replies[0].text
    assert await repository.attendees(chat.store, MORNING) == [ALICE, HOST]
    chat.clock.set(at(26, 9))
    assert "Present (2): Alice, @host:example.org" in await chat.text(HOST, "!end")
    assert "2 check-ins" in await chat.text(BOB, "!stats")


async def test_here_after_the_start_window_closed_checks_in_to_nothing(chat):
    chat.clock.set(at(26, 10, 1))
    text = await chat.text(ALICE, "!here")
    assert "No session is running" in text and "The next session is on Thursday 26 November, 17:00 UTC" in text
    assert await repository.attendees(chat.store, MORNING) == []


async def test_here_while_waiting_for_a_cancelled_session_checks_in_to_nothing(chat):
    await chat.say(ORGANISER, "!cancel 2026-11-26 08:00")
    chat.clock.set(at(26, 8, 5))
    assert "No session is running" in await chat.text(ALICE, "!here")
    assert await repository.attendees(chat.store, MORNING) == []


async def test_raised_hand_while_waiting_for_the_host_checks_in(chat):
    await record_anchor(chat.store, "$zero", ROOM, Anchor("session", MORNING))
    chat.clock.set(at(26, 8, 5))
    hand = await react(chat, BOB, "$zero")
    assert await repository.attendees(chat.store, MORNING) == [BOB]
    await react(chat, BOB, "$zero", added=False, event_id=hand)
    assert await repository.attendees(chat.store, MORNING) == []
    await react(chat, BOB, "$zero")
    chat.clock.set(at(26, 8, 12))
    await start(chat)
    assert await repository.attendees(chat.store, MORNING) == [BOB, HOST]


async def test_start_outside_its_window_says_when_the_next_session_can_be_started(chat):
    text = await chat.text(HOST, "!start")  # Monday
    assert "No session can be started now" in text
    assert "Thursday 26 November, 08:00 UTC can be started from 07:30 UTC (in 2 days 20 hours)." in text
    chat.clock.set(at(26, 10, 1))
    text = await chat.text(HOST, "!start")
    assert "Thursday 26 November, 17:00 UTC can be started from 16:30 UTC (in 6 hours 29 minutes)." in text
    assert "08:00" not in text.replace("2026-11-26 08:00", ""), "not the session that passed"
    await chat.say(ORGANISER, "!cancel 2026-11-26 17:00")
    text = await chat.text(HOST, "!start")
    assert "Thursday 3 December, 08:00 UTC can be started from 07:30 UTC (" in text


# --- removing ✋ ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hand_at", "here_at", "start_at", "removed_at"),
    [
        (at(26, 8, 5), at(26, 8, 6), at(26, 8), at(26, 8, 20)),  # all after the start
        (at(26, 7, 55), at(26, 8, 6), at(26, 8), at(26, 8, 20)),  # ✋ on the announcement before the start
        (at(26, 7, 55), at(26, 8, 3), at(26, 8, 10), at(26, 8, 20)),  # !here while waiting for the host
        (at(26, 8, 2), at(26, 8, 3), at(26, 8, 10), at(26, 8, 20)),  # both while waiting
        (at(26, 8, 2), at(26, 8, 6), at(26, 8, 5), at(26, 8, 20)),  # ✋ while waiting, !here after the start
        (at(26, 8, 2), at(26, 8, 3), at(26, 8, 10), at(26, 8, 4)),  # ✋ taken back before the start
    ],
)
async def test_raised_hand_then_here_then_taking_the_hand_back_stays_checked_in(
    chat, hand_at, here_at, start_at, removed_at
):
    await record_anchor(chat.store, "$zero", ROOM, Anchor("session", MORNING))
    hand = None
    for when, what in sorted([(hand_at, "hand"), (here_at, "here"), (start_at, "start"), (removed_at, "unhand")]):
        chat.clock.set(when)
        if what == "hand":
            hand = await react(chat, ALICE, "$zero")
        elif what == "here":
            assert "hecked in" in await chat.text(ALICE, "!here")
        elif what == "start":
            await start(chat)
        else:
            await react(chat, ALICE, "$zero", added=False, event_id=hand)
    assert ALICE in await repository.attendees(chat.store, MORNING)


@pytest.mark.parametrize("removed_at", [at(26, 8, 4), at(26, 8, 20)])
async def test_raised_hand_taken_back_without_here_checks_out(chat, removed_at):
    await record_anchor(chat.store, "$zero", ROOM, Anchor("session", MORNING))
    chat.clock.set(at(26, 7, 55))
    hand = await react(chat, ALICE, "$zero")
    for when in sorted([at(26, 8, 10), removed_at]):
        chat.clock.set(when)
        if when == removed_at:
            await react(chat, ALICE, "$zero", added=False, event_id=hand)
        else:
            await start(chat)
    assert await repository.attendees(chat.store, MORNING) == [HOST]


async def test_the_host_who_raised_a_hand_stays_present_after_taking_it_back(chat):
    await record_anchor(chat.store, "$zero", ROOM, Anchor("session", MORNING))
    chat.clock.set(at(26, 8, 3))
    hand = await react(chat, HOST, "$zero")
    await start(chat)
    await react(chat, HOST, "$zero", added=False, event_id=hand)
    assert await repository.attendees(chat.store, MORNING) == [HOST]


async def test_here_then_raised_hand_before_start_then_taking_it_back_stays_checked_in(chat):
    await record_anchor(chat.store, "$zero", ROOM, Anchor("session", MORNING))
    chat.clock.set(at(26, 8, 2))
    await chat.say(ALICE, "!here")
    hand = await react(chat, ALICE, "$zero")
    await react(chat, ALICE, "$zero", added=False, event_id=hand)
    chat.clock.set(at(26, 8, 4))
    await start(chat)
    assert await repository.attendees(chat.store, MORNING) == [ALICE, HOST]


async def test_here_while_waiting_names_the_session_in_the_askers_zone_its_volunteers_and_how_to_join(chat):
    await people.remember_display_name(chat.store, ALICE, "Alice <b>A</b>")
    await chat.say(ALICE, "!host 2026-11-26 08:00")
    await chat.say(BOB, "!tz Asia/Kolkata")
    chat.clock.set(at(26, 8, 4))
    reply = (await chat.say(BOB, "!here"))[0]
    assert (
        "Checked in to the session of Thursday 26 November, 08:00 UTC (13:30 in Kolkata), but no "
        "host has started it yet"
    ) in reply.text
    assert "Volunteered to host: Alice <b>A</b>; they can start it with !start" in reply.text
    assert "https://bbb.example.org/b/ccc" in reply.text and "access code ccc" in reply.text
    assert reply.mentions == () and "matrix.to" not in reply.html and "<b>A</b>" not in reply.html


async def test_here_while_waiting_with_no_volunteer_says_anyone_can_host(chat):
    chat.clock.set(at(26, 8, 4))
    text = await chat.text(ALICE, "!here")
    assert "Checked in to the session of Thursday 26 November, 08:00 UTC, but no host has started it yet" in text
    assert "No host yet: anyone can host it with !host then !start." in text
