"""commands/check_in_others.py: `!here @someone:server` — a host or an organiser checks
others in to the session `!here` is about; anyone else is told only hosts can. Other text
after `!here` that is no chat (a time, `off`, a display name) gets an answer of its own."""

import datetime as dt

from bot.features.people import repository as people
from bot.features.sessions import repository
from tests.conftest import ALICE, BOB, HOST, ORGANISER

UTC = dt.UTC
CAROL = "@carol:example.org"
MALLORY = "@mallory:example.org"
MORNING = "2026-11-26 08:00"


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=UTC)


async def running(chat) -> None:
    """The 08:00 session, started by the host (who is checked in by it); Alice and Bob
    have display names the bot knows."""
    await people.remember_display_name(chat.store, ALICE, "Alice")
    await people.remember_display_name(chat.store, BOB, "Bob")
    chat.clock.set(at(26, 8, 2))
    assert "has started" in await chat.text(HOST, "!start")


async def test_a_host_checks_someone_in_by_their_matrix_id_named_as_text(chat):
    await running(chat)
    [reply] = await chat.say(HOST, f"!here {ALICE}")
    assert reply.text == "Checked in to the session of Thursday 26 November, 08:00 UTC: Alice.", reply.text
    assert reply.mentions == (), "a name, never a ping"
    assert await repository.attendees(chat.store, MORNING) == [HOST, ALICE]
    text = await chat.text(ORGANISER, f"!here {ALICE}")
    assert text == "Already checked in to the session of Thursday 26 November, 08:00 UTC: Alice.", text


async def test_a_host_checks_in_several_at_once_however_they_are_listed(chat):
    await running(chat)
    text = await chat.text(HOST, f"!here {ALICE}, {BOB} and {CAROL}.")
    assert text == f"Checked in to the session of Thursday 26 November, 08:00 UTC: Alice, Bob and {CAROL}.", text
    assert await repository.attendees(chat.store, MORNING) == [HOST, ALICE, BOB, CAROL]
    dave, erin = "@dave:example.org", "@erin:example.org"
    text = await chat.text(HOST, f"!here {dave} & {erin} + {ALICE} {dave}")
    assert text.splitlines() == [
        f"Checked in to the session of Thursday 26 November, 08:00 UTC: {dave} and {erin}.",
        "Already checked in: Alice.",
    ]
    # A link to someone, as some clients put a mention in the text.
    text = await chat.text(HOST, "!here https://matrix.to/#/@frank:example.org")
    assert text == "Checked in to the session of Thursday 26 November, 08:00 UTC: @frank:example.org.", text


async def test_a_host_is_told_who_was_not_checked_in_and_why(chat):
    await running(chat)
    chat.services.is_member = lambda user_id: user_id != MALLORY
    text = await chat.text(HOST, f"!here {ALICE} {MALLORY} @bob Carol:example.org @ccc-bot:example.org")
    assert text.splitlines() == [
        "Checked in to the session of Thursday 26 November, 08:00 UTC: Alice.",
        f"Not checked in: {MALLORY} is not in the conference room; @ccc-bot:example.org is me;"
        " “@bob” is not a Matrix ID (they look like @name:example.org);"
        " “Carol:example.org” is not a Matrix ID (they look like @name:example.org).",
    ], text
    assert await repository.attendees(chat.store, MORNING) == [HOST, ALICE]


async def test_a_display_name_gets_the_matrix_id_to_use(chat):
    await running(chat)
    await people.remember_display_name(chat.store, CAROL, "Bob")
    text = await chat.text(HOST, "!here Alice")
    assert text == "Not checked in: for Alice give the Matrix ID: !here @alice:example.org.", text
    text = await chat.text(HOST, "!here bob")
    assert text == (f"Not checked in: for bob give the Matrix ID: !here {BOB} or !here {CAROL}."), text
    assert await repository.attendees(chat.store, MORNING) == [HOST], "nobody checked in by a name"


async def test_someone_who_hosts_no_session_checks_in_only_themselves(chat):
    """They said !here: they are checked in, and told why the others were not."""
    await running(chat)
    [reply] = await chat.say(ALICE, f"!here {BOB} {CAROL}")
    assert reply.text.splitlines() == [
        "Checked in to the session of Thursday 26 November, 08:00 UTC. Welcome!",
        f"Only a host of this session or an organiser can check others in, so Bob and {CAROL} were not checked in:"
        " they can type !here themselves, or react ✋ to the session's message.",
    ], reply.text
    assert reply.mentions == ()
    assert await repository.attendees(chat.store, MORNING) == [HOST, ALICE]
    text = await chat.text(ALICE, f"!here {ALICE}")
    assert text == "You are already checked in to the session of Thursday 26 November, 08:00 UTC; it is running.", (
        "naming oneself"
    )


async def test_a_volunteer_checks_others_in_to_the_session_waiting_for_them(chat):
    await people.remember_display_name(chat.store, BOB, "Bob")
    await chat.say(ALICE, f"!host {MORNING}")
    chat.clock.set(at(26, 8, 4))
    text = await chat.text(ALICE, f"!here {BOB}")
    assert text.splitlines() == [
        "Checked in to the session of Thursday 26 November, 08:00 UTC: Bob.",
        "It waits for its host: they stay checked in when it is started with !start.",
    ], text
    assert "only a host" in (await chat.text(CAROL, f"!here {BOB}")).lower()
    assert await repository.attendees(chat.store, MORNING) == [BOB, CAROL]


async def test_check_ins_of_others_need_a_session_as_here_does(chat):
    chat.clock.set(at(26, 12))
    text = await chat.text(HOST, f"!here {ALICE}")
    assert "No session is running, so there is nothing to check in to." in text, text


async def test_a_few_at_once(chat):
    await running(chat)
    many = " ".join(f"@p{i}:example.org" for i in range(11))
    text = await chat.text(HOST, f"!here {many}")
    assert text == (
        "!here: at most 10 people at once, and you named 11; nobody was checked in.\nUsage: !here [@user:server…]"
    ), text
    assert await repository.attendees(chat.store, MORNING) == [HOST]


async def test_chat_after_here_checks_the_sender_in(chat):
    await running(chat)
    for typed in ("sorry I'm late!", "🙂", "!", "finally"):
        assert await chat.text(ALICE, f"!here {typed}") in (
            "Checked in to the session of Thursday 26 November, 08:00 UTC. Welcome!",
            "You are already checked in to the session of Thursday 26 November, 08:00 UTC; it is running.",
        ), typed
    assert await repository.attendees(chat.store, MORNING) == [HOST, ALICE]
    # A host's words after !here may be someone to check in: how to name them.
    text = await chat.text(HOST, "!here Zed")
    assert text.splitlines() == [
        "You are already checked in to the session of Thursday 26 November, 08:00 UTC; it is running.",
        "To check someone else in, give their Matrix ID: !here @name:example.org.",
    ], text


async def test_a_time_or_off_after_here_is_answered_not_taken_as_a_check_in(chat):
    await running(chat)
    text = await chat.text(ALICE, "!here 17:00")
    assert text == (
        "!here takes no time: it is for the session of Thursday 26 November, 08:00 UTC, on now, so nothing was changed."
        " Coming to a later session? !late 17:00. Here now? !here alone."
    ), text
    text = await chat.text(ALICE, "!here off")
    assert text == (
        "There is no !here off: a check-in records that you came, and stays."
        " A check-in made by reacting ✋ is undone by taking the ✋ back."
    ), text
    assert await repository.attendees(chat.store, MORNING) == [HOST]


async def test_times_as_people_write_them_and_chat_with_numbers(chat):
    await running(chat)
    typed_times = (
        ("at 8am", "8am"),
        ("2026-12-03 08:00", "2026-12-03 08:00"),
        ("17h30", "17h30"),
        ("noon", "noon"),
        ("5.30pm UTC", "5.30pm UTC"),
        ("08h00!", "08h00"),
    )
    for typed, later in typed_times:
        text = await chat.text(ALICE, f"!here {typed}")
        assert "!here takes no time" in text and f"!late {later}." in text, (typed, text)
    assert await repository.attendees(chat.store, MORNING) == [HOST]
    text = await chat.text(ALICE, "!here 2 minutes late, sorry")
    assert text == "Checked in to the session of Thursday 26 November, 08:00 UTC. Welcome!", text


async def test_naming_oneself_by_display_name_is_a_check_in(chat):
    await running(chat)
    assert (
        await chat.text(ALICE, "!here Alice")
        == "Checked in to the session of Thursday 26 November, 08:00 UTC. Welcome!"
    )
