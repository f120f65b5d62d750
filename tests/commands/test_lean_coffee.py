"""commands/lean_coffee.py through the real dispatcher: hosts start topics with !discuss,
anyone sees the time left with !timer, hosts add time or stop it."""

from __future__ import annotations

import datetime as dt

from bot.app import open_announcer
from tests.commands.helpers import SESSION, SESSION_NAME, start_session, suggest
from tests.conftest import ALICE, BOB, HOST, ORGANISER
from tests.features.lean_coffee.fakes import Posts


async def _two_topics(chat) -> tuple[int, int]:
    a = await suggest(chat, "Pay equity in small co-ops")
    b = await suggest(chat, "Worker ownership transitions", who=BOB)
    await chat.text(ALICE, f"!vote {b}")
    return a, b


async def test_discuss_is_for_hosts_of_a_running_session_with_an_open_topic(chat):
    await _two_topics(chat)
    assert "for hosts only" in await chat.text(ALICE, "!discuss")
    assert "No session is running" in await chat.text(HOST, "!discuss")
    await start_session(chat)
    await chat.store.execute("UPDATE topics SET status = 'withdrawn' WHERE status = 'open'")
    text = await chat.text(HOST, "!discuss")
    assert text == "There is no open topic to discuss. Suggest one with !suggest TEXT, then !discuss."


async def test_discuss_starts_the_most_voted_topic_and_says_until_when(chat):
    _, b = await _two_topics(chat)
    await start_session(chat)
    [reply] = await chat.say(HOST, "!discuss", thread_root="$thread")
    assert (
        reply.text.splitlines()[0]
        == f"▶ Now discussing #{b} “Worker ownership transitions”: 8 minutes, until 12:08 UTC."
    )
    assert "👍 keep going, 👎 move on" in reply.text
    assert f"#{b} is already being discussed. 8 minutes left" in await chat.text(HOST, f"!discuss {b}")


async def test_discuss_n_closes_the_topic_before_with_its_minutes(chat):
    a, b = await _two_topics(chat)
    await start_session(chat)
    await chat.text(HOST, "!discuss")
    chat.clock.advance(minutes=6, seconds=20)
    text = await chat.text(HOST, f"!discuss {a}")
    assert text.startswith(f"✓ #{b} “Worker ownership transitions” is marked discussed (6 minutes).")
    assert f"Now discussing #{a}" in text
    row = await chat.store.fetchone("SELECT status, session, minutes FROM topics WHERE id = ?", (b,))
    assert tuple(row) == ("discussed", SESSION, 6)
    assert "There is no topic #99" in await chat.text(HOST, "!discuss 99")
    assert "already discussed" in await chat.text(HOST, f"!discuss {b}")


async def test_discussed_on_the_topic_being_discussed_closes_it_with_its_minutes_and_alone_has_none(chat):
    a, b = await _two_topics(chat)
    await start_session(chat)
    await chat.text(HOST, f"!discuss {a}")
    chat.clock.advance(minutes=11)
    text = await chat.text(HOST, f"!discussed {a} good talk")
    assert text.startswith(
        f"Marked #{a} “Pay equity in small co-ops” discussed in the session of {SESSION_NAME} (11 minutes)."
    )
    assert "No topic is being discussed" in await chat.text(ALICE, "!timer")
    assert await chat.store.fetchval("SELECT minutes FROM topics WHERE id = ?", (a,)) == 11
    await chat.text(HOST, f"!discussed {b}")
    assert await chat.store.fetchval("SELECT minutes FROM topics WHERE id = ?", (b,)) is None


async def test_end_closes_the_topic_being_discussed(chat):
    a, _ = await _two_topics(chat)
    await start_session(chat)
    await chat.text(HOST, f"!discuss {a}")
    chat.clock.advance(minutes=4)
    await chat.text(HOST, "!end")
    assert await chat.store.fetchval("SELECT minutes FROM topics WHERE id = ?", (a,)) == 4
    assert await chat.store.fetchval("SELECT COUNT(*) FROM discussions WHERE closed_at IS NULL") == 0


async def test_timer_shows_adds_and_stops(chat):
    a, _ = await _two_topics(chat)
    assert "No topic is being discussed. A host starts one with !discuss." == await chat.text(ALICE, "!timer")
    await start_session(chat)
    await chat.text(HOST, f"!discuss {a}")
    chat.clock.advance(minutes=2, seconds=30)
    assert await chat.text(ALICE, "!timer") == f"#{a} “Pay equity in small co-ops”: 6 minutes left, until 12:08 UTC."
    assert await chat.text(ALICE, "!timer 5m") == (
        "You don't host the session of Thursday 26 November, 08:00 UTC. Only @host:example.org (who "
        "started it), a host or an organiser can change its timer."
    )
    assert await chat.text(HOST, "!timer 1h30m") == (
        "!timer: 1h30m is more than a timer adds at once (at most 60m).\nUsage: !timer [LEAD|off]"
    )
    assert "Added 5 minutes" in await chat.text(HOST, "!timer 5 min")
    assert "11 minutes left, until 12:13 UTC" in await chat.text(ALICE, "!timer")
    text = await chat.text(HOST, "!timer off")
    assert (
        text == f"Timebox stopped: #{a} “Pay equity in small co-ops” stays the topic until !discuss or !discussed {a}."
    )
    assert "no timebox, discussed for 3 minutes. !timer 5m starts one." in await chat.text(ALICE, "!timer")
    assert "Added 2 minutes" in await chat.text(HOST, "!timer 2m")
    assert "2 minutes left" in await chat.text(ALICE, "!timer"), "from now, when it had been stopped"


async def test_timer_with_a_word_that_is_no_length_gets_the_usage(chat):
    text = await chat.text(HOST, "!timer soon")
    assert text.splitlines() == [
        "!timer: 'soon' is not a length of time (e.g. 5m, 2 min or 1h) or off.",
        "Usage: !timer [LEAD|off]",
    ]


# --- lean_coffee.enabled = false ---------------------------------------------------------------

OFF_LINE = "Lean Coffee timeboxes are turned off for this conference. Mark topics discussed with !discussed N."


async def test_with_lean_coffee_off_discuss_and_timer_are_not_offered_and_say_why(make_chat, make_config):
    chat = await make_chat(make_config(lean_coffee={"enabled": False}))
    helped = await chat.text(ORGANISER, "!help all")
    assert "!discussed N" in helped
    assert "!discuss [N]" not in helped and "!timer" not in helped
    for who, typed, name in [
        (HOST, "!discuss", "!discuss"),
        (HOST, "!discuss 3", "!discuss"),
        (ALICE, "!discuss", "!discuss"),
        (ALICE, "!timer", "!timer"),
        (HOST, "!timer 5m", "!timer"),
        (ALICE, "!help discuss", "!discuss"),
        (ALICE, "!help !timer", "!timer"),
    ]:
        assert await chat.text(who, typed) == f"{name} is not available: {OFF_LINE}", typed
    # A near miss is never pointed to a command that is off.
    assert "!timer" not in await chat.text(HOST, "!timr")
    assert "!discuss " not in await chat.text(HOST, "!discus") + " "


async def test_with_lean_coffee_on_help_shows_discuss_and_timer(chat):
    helped = await chat.text(HOST, "!help all")
    assert "!discuss [N]" in helped and "!timer" in helped
    assert (await chat.text(HOST, "!help discuss")).startswith("!discuss [N]")


# --- as people type them ---------------------------------------------------------------------


async def test_timer_takes_a_bare_number_as_minutes_and_a_plus_as_adding(chat):
    a, _ = await _two_topics(chat)
    await start_session(chat)
    await chat.text(HOST, f"!discuss {a}")
    assert (
        await chat.text(HOST, "!timer 5")
        == f"Added 5 minutes to #{a} “Pay equity in small co-ops”: 13 minutes left, until 12:13 UTC."
    )
    assert "Added 5 minutes" in await chat.text(HOST, "!timer +5m")
    assert "Added 5 minutes" in await chat.text(HOST, "!timer 5 minutes")
    assert "Added 2 minutes" in await chat.text(HOST, "!timer +2")
    assert "25 minutes left, until 12:25 UTC" in await chat.text(ALICE, "!timer")


async def test_timer_refuses_what_adds_no_time_or_too_much_with_the_usage(chat):
    a, _ = await _two_topics(chat)
    await start_session(chat)
    await chat.text(HOST, f"!discuss {a}")
    usage = "Usage: !timer [LEAD|off]"
    for typed, error in [
        ("!timer 90", "!timer: 90 minutes is more than a timer adds at once (at most 60m)."),
        ("!timer 0m", "!timer: 0m adds no time; give a length such as 5m, or off."),
        ("!timer -5m", "!timer: a timer only adds time (5m); off stops the timebox."),
        ("!timer 5m please", "!timer: '5m please' is not a length of time (e.g. 5m, 2 min or 1h) or off."),
    ]:
        assert (await chat.text(HOST, typed)).splitlines() == [error, usage], typed
    assert "8 minutes left" in await chat.text(ALICE, "!timer"), "nothing was added"


async def test_timer_stop_is_off_and_twice_says_there_is_none_to_stop(chat):
    a, _ = await _two_topics(chat)
    await start_session(chat)
    await chat.text(HOST, f"!discuss {a}")
    assert (await chat.text(HOST, "!timer stop")).startswith("Timebox stopped:")
    assert await chat.text(HOST, "!timer off") == (
        f"No timebox is running: #{a} “Pay equity in small co-ops” stays the topic until !discuss or !discussed {a}."
    )


async def test_discuss_takes_a_hash_and_one_topic_at_a_time(chat):
    a, b = await _two_topics(chat)
    await start_session(chat)
    usage = "Usage: !discuss [N]"
    for typed in (f"!discuss {a}, {b}", f"!discuss {a} {b}", f"!discuss #{a} & #{b}"):
        assert (await chat.text(HOST, typed)).splitlines() == [
            f"!discuss: one topic at a time — !discuss {a} now, !discuss {b} after it; nothing was started.",
            usage,
        ], typed
    assert "No topic is being discussed" in await chat.text(ALICE, "!timer")
    assert (await chat.text(HOST, "!discuss three")).splitlines() == ["!discuss: N: 'three' is not a number.", usage]
    assert (await chat.text(HOST, f"!discuss {a} now")).splitlines() == ["!discuss: unexpected 'now'.", usage]
    assert f"Now discussing #{a}" in await chat.text(HOST, f"!discuss #{a}")
    assert f"Now discussing #{b}" in await chat.text(HOST, f"!discuss {b}.")


async def test_a_participant_is_told_who_may_change_the_timer(chat):
    a, _ = await _two_topics(chat)
    await start_session(chat)
    await chat.text(HOST, f"!discuss {a}")
    assert "can change its timer" in await chat.text(ALICE, "!timer off")


async def test_help_says_what_discuss_and_timer_do_in_the_words_typed(chat):
    assert (await chat.text(HOST, "!help discuss")).splitlines() == [
        "!discuss [N]",
        "Start discussing topic N (default: the most-voted open topic) for a timebox; "
        "the topic discussed before is marked discussed.",
    ]
    assert (await chat.text(ALICE, "!help timer")).splitlines() == [
        "!timer [LEAD|off]",
        "The time left for the topic being discussed; its hosts add time (5m, up to 60m at once) "
        "or stop the timebox (off).",
    ]


async def test_discuss_typed_twice_at_once_does_not_skip_the_topic_just_started(chat):
    """Two hosts (or one, twice) type !discuss in the same moment: the second does not mark
    the topic the first just started discussed after a few seconds."""
    a, b = await _two_topics(chat)
    await start_session(chat)
    await chat.text(HOST, "!discuss")
    chat.clock.advance(seconds=20)
    assert await chat.text(ORGANISER, "!discuss") == (
        f"#{b} “Worker ownership transitions” was started 20 seconds ago. "
        f"To move on from it already, name the next topic: !discuss {a}."
    )
    assert f"#{b} “Worker ownership transitions”: 8 minutes left" in await chat.text(ALICE, "!timer")
    assert f"Now discussing #{a}" in await chat.text(ORGANISER, f"!discuss {a}"), "named, it moves on"
    c = await suggest(chat, "Onboarding new members")
    chat.clock.advance(minutes=1)
    text = await chat.text(HOST, "!discuss")
    assert f"#{a} “Pay equity in small co-ops” is marked discussed (1 minute)" in text, "a minute on, it moves on"
    assert f"Now discussing #{c}" in text


# --- what everyone sees: the minutes per topic (issue 29) --------------------------------


async def _three_discussed(chat) -> tuple[int, int, int]:
    """A session where #a was discussed 6 minutes with a timebox, #c marked discussed
    without one, and #b is being discussed from 12:06."""
    a, b = await _two_topics(chat)
    c = await suggest(chat, "Shared tooling")
    await start_session(chat)
    await chat.text(HOST, f"!discuss {a}")
    chat.clock.advance(minutes=6)
    await chat.text(HOST, f"!discuss {b}")
    await chat.text(HOST, f"!discussed {c} later again")
    return a, b, c


async def test_history_shows_the_minutes_of_each_topic_discussed_with_a_timebox(chat):
    a, b, c = await _three_discussed(chat)
    chat.clock.advance(minutes=3)
    await chat.text(HOST, f"!discussed {b} keep going next week")
    lines = (await chat.text(ALICE, "!history 3")).splitlines()[2:]
    assert lines == [
        f"• #{b} Worker ownership transitions · 3 minutes · note: keep going next week",
        f"• #{c} Shared tooling · note: later again",
        f"• #{a} Pay equity in small co-ops · 6 minutes",
    ]


async def test_the_end_summary_lists_each_topic_with_its_minutes(chat):
    a, b, c = await _three_discussed(chat)
    chat.clock.advance(minutes=2, seconds=40)
    summary = (await chat.text(HOST, "!end")).splitlines()
    topics = summary[summary.index("Topics discussed (3):") :]
    assert topics == [
        "Topics discussed (3):",
        f"• #{a} Pay equity in small co-ops · 6 minutes",
        f"• #{c} Shared tooling · note: later again",
        f"• #{b} Worker ownership transitions · 3 minutes",
    ]


async def test_the_summary_of_a_session_closed_automatically_lists_the_topic_being_discussed_with_its_minutes(
    chat,
):
    """Nobody ran `!end`; a topic was still being discussed, its timebox stopped: the close
    3 hours after the start marks it discussed with its minutes, and the summary lists it."""
    announcer = open_announcer(chat.services, posts := Posts(chat.store))
    chat.clock.set(dt.datetime(2026, 11, 26, 7, 55, tzinfo=dt.UTC))
    a, b = await _two_topics(chat)
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 2, tzinfo=dt.UTC))
    await chat.text(HOST, "!start")
    await chat.text(HOST, f"!discuss {a}")
    chat.clock.advance(minutes=5)
    await chat.text(HOST, f"!discuss {b}")
    await chat.text(HOST, "!timer off")
    for minute in (0, 1, 2):
        chat.clock.set(dt.datetime(2026, 11, 26, 11, 1 + minute, tzinfo=dt.UTC))
        await announcer.run_due()
    [summary] = [r.text for r in posts.sent if "ended" in r.text.splitlines()[0]]
    lines = summary.splitlines()
    assert "closed automatically" in lines[0]
    assert lines[lines.index("Topics discussed (2):") :] == [
        "Topics discussed (2):",
        f"• #{a} Pay equity in small co-ops · 5 minutes",
        f"• #{b} Worker ownership transitions · 2 hours 55 minutes",
    ]


async def test_a_long_discussion_reads_in_hours_as_history_and_the_summary_read_it(chat):
    a, _ = await _two_topics(chat)
    await start_session(chat)
    await chat.text(HOST, f"!discuss {a}")
    chat.clock.advance(minutes=65)
    assert "(1 hour 5 minutes)." in await chat.text(HOST, f"!discussed {a}")
    assert " · 1 hour 5 minutes" in await chat.text(ALICE, "!history")


async def test_timer_takes_the_length_in_spanish_and_portuguese_words(chat):
    a, _ = await _two_topics(chat)
    await start_session(chat)
    await chat.text(HOST, f"!discuss {a}")
    await chat.say(HOST, "!lang es")
    assert (await chat.text(HOST, "!timer 5 minutos")).startswith(f"Añadí 5 minutos a #{a} ")
    assert "dentro de 43 minutos" in await chat.text(HOST, "!timer media hora")
    await chat.say(HOST, "!lang pt-BR")
    assert (await chat.text(HOST, "!timer 1 hora")).startswith(f"Acrescentei 1 hora a #{a} ")
    assert "daqui a 105 minutos" in await chat.text(HOST, "!timer 2 minutos")
    assert "105 minutes left" in await chat.text(ALICE, "!timer"), "the English words still read"
