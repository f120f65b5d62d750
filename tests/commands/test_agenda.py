"""The agenda's text (commands/agenda.py) and `!agenda`."""

from __future__ import annotations

import datetime as dt

from bot.app import open_agenda, open_announcer
from bot.core.reactions import record_anchor
from bot.features.agenda.service import gather
from bot.features.lean_coffee import repository as lean_coffee
from bot.features.people import repository as people
from commands.agenda import render_agenda
from tests.commands.helpers import SESSION
from tests.conftest import ALICE, BOB, HOST, ORGANISER, ROOM
from tests.features.agenda.fakes import FakePort, VirtualTime, settle
from tests.features.lean_coffee.fakes import Posts, rider

# The sessions ahead on START's Monday: the two Thursday slots, and the next evening.


def named(key: str) -> str:
    """How the agenda names the session `key` ('2026-11-26 08:00'): 'Thursday 26 November,
    08:00 UTC', without the year (it lists sessions weeks ahead at most)."""
    at = dt.datetime.strptime(key, "%Y-%m-%d %H:%M")
    return f"{at:%A} {at.day} {at:%B}, {at:%H:%M} UTC"


KEYS = ("2026-11-26 08:00", "2026-11-26 17:00", "2026-12-03 17:00")


async def agenda_text(chat):
    data = await gather(chat.store, chat.services.config, chat.clock.now())
    return render_agenda(chat.services, data)


def first_line(text) -> str:
    """What Element's pinned banner, a notification and a reply preview show: the first
    line, the same in both renderings."""
    plain = text.plain.split("\n")[0]
    assert text.html.startswith(plain + "<br>"), text.html[:200]
    return plain


async def test_the_agenda_s_first_line_is_the_next_session_and_becomes_now_when_a_host_starts_it(chat):
    await people.remember_display_name(chat.store, HOST, "Dev")
    await chat.say(HOST, "!host 2026-11-26 08:00")
    for topic in ("Worker ownership", "Shared tooling", "Paying ourselves"):
        await chat.say(ALICE, f"!suggest {topic}")
    assert first_line(await agenda_text(chat)) == "📌 Next: Thu 26 Nov, 08:00 UTC · host: Dev · 3 topics"
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 2, tzinfo=dt.UTC))
    assert first_line(await agenda_text(chat)) == "⏳ Waiting for a host: Thu 26 Nov, 08:00 UTC"
    await chat.say(ALICE, "!here")
    assert first_line(await agenda_text(chat)) == "⏳ Waiting for a host: Thu 26 Nov, 08:00 UTC · 1 here"
    await chat.say(HOST, "!start")
    await chat.say(BOB, "!here")
    assert first_line(await agenda_text(chat)) == "▶ Now: session since 08:02 UTC · 3 here"


async def test_the_first_line_says_when_the_next_session_has_no_host_or_no_topics(chat):
    await people.remember_display_name(chat.store, ALICE, "Alice")
    await people.remember_display_name(chat.store, BOB, "Bob")
    assert first_line(await agenda_text(chat)) == "📌 Next: Thu 26 Nov, 08:00 UTC · no host yet · no topics yet"
    await chat.say(ALICE, "!host 2026-11-26 08:00")
    await chat.say(BOB, "!host 2026-11-26 08:00")
    await chat.say(ALICE, "!suggest Sociocracy")
    assert first_line(await agenda_text(chat)) == "📌 Next: Thu 26 Nov, 08:00 UTC · hosts: Alice, Bob · 1 topic"
    await chat.say(ORGANISER, "!cancel 2026-11-26 08:00")
    assert first_line(await agenda_text(chat)).startswith("📌 Next: Thu 26 Nov, 17:00 UTC · no host yet"), (
        "a cancelled session is not the next one"
    )


async def test_the_agenda_shows_each_slot_in_the_display_zones_with_hosts_and_cancellations(chat):
    await people.remember_display_name(chat.store, ALICE, "Alice")
    await chat.say(ALICE, "!host 2026-11-26 08:00")
    await chat.say(ORGANISER, "!cancel 2026-11-26 17:00 Team retreat")
    text = (await agenda_text(chat)).plain
    names = [named(key) for key in KEYS]
    morning = text.index(f"• {names[0]} · host: Alice")
    cancelled = text.index(f"• {names[1]} · cancelled: Team retreat")
    evening = text.index(f"• {names[2]} · no host yet")  # that slot's next one held
    assert morning < cancelled < evening
    # The display zones, as the announcements show them, under the session.
    assert f"{names[0]} · host: Alice\n  New York: 03:00 · Berlin: 09:00 · São Paulo: 05:00 · Kolkata: 13:30" in text
    assert "bbb.example.org" in text


async def test_how_to_host_is_said_once_not_under_every_session(chat):
    plain = (await agenda_text(chat)).plain
    assert plain.count("no host yet") == 3, "the next session (first line) and both slots"
    assert plain.count("!host") == 1, plain
    assert "Volunteer to host with !host 2026-11-26 08:00 UTC" in plain, "the first session without a host"
    assert "No open topics yet.\n" in plain and plain.count("!suggest") == 1, "how to suggest said once too"
    await chat.say(ALICE, "!host 2026-11-26 08:00")
    await chat.say(BOB, "!host 2026-11-26 17:00")
    assert "!host" not in (await agenda_text(chat)).plain, "every session has its host"


async def test_the_agenda_lists_the_top_open_topics_with_their_votes(make_chat, make_config):
    chat = await make_chat(make_config(agenda={"topics": 2}))
    for text in ("Worker ownership", "Shared tooling", "Paying ourselves"):
        await chat.say(ALICE, f"!suggest {text}")
    topics = (await chat.text(ALICE, "!topics")).splitlines()
    shared = next(line for line in topics if "Shared tooling" in line).split("#")[1].split()[0]
    await chat.say(ALICE, f"!vote {shared}")
    await chat.say(BOB, f"!vote {shared}")
    text = await agenda_text(chat)
    assert f"\n• #{shared} Shared tooling · 2 votes · by alice\n" in text.plain
    assert "Worker ownership · 0 votes · by alice" in text.plain
    assert "Paying ourselves" not in text.plain  # only agenda.topics of them
    assert "… and 1 more: !topics" in text.plain
    # Real list markup, the same lines as the plain body.
    assert f"<ul><li><strong>#{shared}</strong> Shared tooling · 2 votes · by alice</li><li>" in text.html


async def test_the_running_session_shows_since_when_who_came_and_what_was_discussed(chat):
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 2, tzinfo=dt.UTC))
    await chat.say(ALICE, "!suggest Sociocracy")
    replies = await chat.say(HOST, "!start")
    await record_anchor(chat.store, "$start", ROOM, replies[0].anchor)
    await chat.say(ALICE, "!here")
    await chat.say(BOB, "!here")  # with the host who started it: 3
    number = (await agenda_text(chat)).plain.split("#")[1].split()[0]
    await chat.say(HOST, f"!discussed {number} consent over consensus")
    text = (await agenda_text(chat)).plain
    assert text.startswith("▶ Now: session since 08:02 UTC · 3 here\n"), text
    running = named(SESSION)
    assert (
        f"\n{running}, running since 08:02 UTC\n"
        "Join: https://bbb.example.org/b/ccc · access code ccc · check in with !here\n"
    ) in text
    assert f"Discussed so far (1):\n• #{number} Sociocracy · note: consent over consensus" in text
    # The running session is not also listed as coming; the slot's next one is.
    coming = text[text.index("Coming sessions") :]
    assert named("2026-12-03 08:00") in coming
    assert running not in coming


async def test_user_text_is_escaped_and_nobody_is_pinged(chat):
    await people.remember_display_name(chat.store, ALICE, "<b>@room</b>")
    await chat.say(ALICE, "!host 2026-11-26 08:00")
    await chat.say(ALICE, "!suggest <script>alert(1)</script> @room")
    text = await agenda_text(chat)
    assert "<script>" not in text.html and "&lt;script&gt;" in text.html
    assert "<b>@room</b>" not in text.html and "&lt;b&gt;@room&lt;/b&gt;" in text.html
    assert "matrix.to" not in text.html  # names are plain text, never pills


async def test_agenda_is_for_organisers_and_replaces_the_pinned_one(chat):
    port = FakePort(pinned={ROOM: ["$other"]})
    keeper = open_agenda(chat.services, port, [ROOM])
    assert keeper is not None
    await keeper.refresh()
    assert "is for organisers" in await chat.text(ALICE, "!agenda")
    assert len(port.posts) == 1
    answer = await chat.text(ORGANISER, "!agenda")
    assert "Posted a fresh agenda and pinned it in place of the old one" in answer
    assert [p[1] for p in port.posts] == ["$agenda1", "$agenda2"]
    assert port.pinned[ROOM] == ["$other", "$agenda2"]  # the old one unpinned, the rest kept
    await chat.say(ALICE, "!suggest Sociocracy")
    await keeper.refresh()
    assert port.edits[-1][1] == "$agenda2"  # the fresh one is kept current from now on


async def test_agenda_elsewhere_or_without_a_matrix_adapter_says_why(chat):
    assert "kept in the Matrix rooms" in await chat.text(ORGANISER, "!agenda")
    open_agenda(chat.services, FakePort(), [ROOM])
    assert "only the rooms in the bot's config" in await chat.text(ORGANISER, "!agenda", room_id="!dm:example.org")


async def test_the_agenda_shows_todays_session_while_it_waits_for_its_host_and_how_to_join(chat):
    await people.remember_display_name(chat.store, ALICE, "Alice <b>A</b>")
    await chat.say(ALICE, "!host 2026-11-26 08:00")
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 5, tzinfo=dt.UTC))
    await chat.say(BOB, "!here")
    text = await agenda_text(chat)
    plain = text.plain
    assert plain.startswith("⏳ Waiting for a host: Thu 26 Nov, 08:00 UTC · 1 here\n"), "today's session first"
    block = plain[: plain.index("Coming sessions")]
    name = named(SESSION)
    assert f"\n{name}, waiting for its host\n" in block
    assert "New York: 03:00 · Berlin: 09:00 · São Paulo: 05:00 · Kolkata: 13:30" in block
    assert "Join: https://bbb.example.org/b/ccc · access code ccc · check in with !here" in block
    assert "Volunteered to host: Alice <b>A</b>; they can start it with !start, or anyone can host it" in block
    assert "<b>A</b>" not in text.html and "matrix.to" not in text.html
    next_week = named("2026-12-03 08:00")
    assert next_week in plain[plain.index("Coming sessions") :], "the slot's next session still listed"
    assert plain.count("bbb.example.org") == 1, "how to join said once"


async def test_the_agenda_says_anyone_can_host_a_waiting_session_nobody_volunteered_for(chat):
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 5, tzinfo=dt.UTC))
    plain = (await agenda_text(chat)).plain
    assert "No host yet: anyone can host it with !host then !start" in plain


async def test_the_agenda_shows_each_slots_next_held_session_however_many_are_cancelled(chat):
    for typed in ("2027-01-07", "2027-01-14 17:00 board meeting", "2027-01-21 retreat"):
        await chat.say(ORGANISER, f"!cancel {typed}")
    chat.clock.set(dt.datetime(2027, 1, 7, 17, 5, tzinfo=dt.UTC))
    plain = (await agenda_text(chat)).plain
    names = {key: named(key) for key in CANCELLED_AHEAD}
    coming = plain[plain.index("Coming sessions") :].splitlines()
    assert [line for line in coming if line.startswith("• ")] == [
        f"• {names['2027-01-14 08:00']} · no host yet",
        f"• {names['2027-01-14 17:00']} · cancelled: board meeting",
        f"• {names['2027-01-21 17:00']} · cancelled: retreat",
        f"• {names['2027-01-28 17:00']} · no host yet",
    ]


CANCELLED_AHEAD = ("2027-01-14 08:00", "2027-01-14 17:00", "2027-01-21 17:00", "2027-01-28 17:00")


async def test_a_participants_agenda_points_to_the_pinned_agenda_next_and_topics(chat):
    port = FakePort()
    keeper = open_agenda(chat.services, port, [ROOM])
    assert keeper is not None
    await keeper.refresh()
    [reply] = await chat.say(ALICE, "!agenda")
    assert "is for organisers" in reply.text
    assert "pinned" in reply.text and "!next" in reply.text and "!topics" in reply.text, reply.text
    event_id = port.posts[0][1]
    assert f"https://matrix.to/#/{ROOM}/{event_id}" in reply.html
    assert len(port.posts) == 1, "nothing was posted"


async def test_without_an_agenda_a_participants_agenda_points_to_next_and_topics(chat):
    [reply] = await chat.say(ALICE, "!agenda")
    assert "is for organisers" in reply.text and "!next" in reply.text and "!topics" in reply.text
    assert "pinned" not in reply.text


# --- Lean Coffee: the topic being discussed (issue 29) -----------------------------------


async def _discussing_at_0802(chat) -> tuple[int, int]:
    """A session started at 08:02 with two topics, the most voted being discussed."""
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 2, tzinfo=dt.UTC))
    a = await history_number_of(chat, "!suggest Sociocracy in practice")
    b = await history_number_of(chat, "!suggest Shared tooling")
    await chat.say(BOB, f"!vote {a}")
    await chat.say(HOST, "!start")
    assert "Now discussing" in await chat.text(HOST, "!discuss")
    return a, b


async def history_number_of(chat, command: str) -> int:
    reply = await chat.text(ALICE, command)
    return int(reply.split("#")[1].split()[0])


async def test_the_agenda_shows_the_topic_being_discussed_and_since_when_changing_only_with_it(chat):
    a, b = await _discussing_at_0802(chat)
    plain = (await agenda_text(chat)).plain
    assert plain.startswith(f"▶ Now: session since 08:02 UTC · 1 here · discussing #{a} Sociocracy in practice\n")
    running = plain.index("running since 08:02 UTC")
    now = f"🗣 Now discussing #{a} Sociocracy in practice · since 08:02 UTC · timebox until 08:10 UTC"
    assert now in plain, plain
    assert running < plain.index(now) < plain.index("Coming sessions")
    assert "Nothing discussed yet" not in plain, "a topic is being discussed"
    assert f"#{a} Sociocracy in practice · 1 vote" not in plain, "no longer among the open topics"
    chat.clock.advance(minutes=3, seconds=20)
    assert (await agenda_text(chat)).plain == plain, "no countdown: the same text a few minutes on"
    await chat.say(HOST, "!timer 5m")
    assert "since 08:02 UTC · timebox until 08:15 UTC" in (await agenda_text(chat)).plain
    await chat.say(HOST, "!timer off")
    plain = (await agenda_text(chat)).plain
    assert f"🗣 Now discussing #{a} Sociocracy in practice · since 08:02 UTC · no timebox" in plain
    chat.clock.advance(minutes=2, seconds=40)
    await chat.say(HOST, f"!discuss {b}")  # 08:08: the first one closes with its 6 minutes
    plain = (await agenda_text(chat)).plain
    assert f"🗣 Now discussing #{b} Shared tooling · since 08:08 UTC · timebox until 08:16 UTC" in plain
    assert f"Discussed so far (1):\n• #{a} Sociocracy in practice · 6 minutes" in plain
    chat.clock.advance(minutes=1)
    await chat.say(HOST, f"!discussed {b} keep it simple")
    plain = (await agenda_text(chat)).plain
    assert "Now discussing" not in plain
    assert f"• #{b} Shared tooling · 1 minute · note: keep it simple" in plain


async def test_a_topic_marked_without_a_timebox_has_no_minutes_on_the_agenda(chat):
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 2, tzinfo=dt.UTC))
    a = await history_number_of(chat, "!suggest Sociocracy in practice")
    await chat.say(HOST, "!start")
    await chat.say(HOST, f"!discussed {a}")
    plain = (await agenda_text(chat)).plain
    assert f"Discussed so far (1):\n• #{a} Sociocracy in practice\n" in plain
    assert "minute" not in plain and "Now discussing" not in plain


async def test_the_agenda_says_when_the_time_is_up_and_the_room_votes_to_go_on(chat):
    a, _ = await _discussing_at_0802(chat)
    live, _posts = rider(chat)
    chat.clock.advance(minutes=8)
    await live.run_due(chat.clock.now())
    plain = (await agenda_text(chat)).plain
    assert (
        f"🗣 Now discussing #{a} Sociocracy in practice · since 08:02 UTC · time is up: "
        "the vote to go on is open in the session's thread (👍 keep going, 👎 move on)"
    ) in plain, plain


async def test_the_bot_tells_the_agenda_of_what_it_changes_on_its_own(chat):
    """The vote to go on opening, and the move to the next topic when it closes, edit the
    agenda at once (not at its next minute's tick): the wiring hands the rider the keeper's
    `changed`."""
    a, _ = await _discussing_at_0802(chat)
    port = FakePort()
    time = VirtualTime(chat.clock)
    keeper = open_agenda(chat.services, port, [ROOM], sleep=time.sleep)
    assert keeper is not None
    announcer = open_announcer(chat.services, Posts(chat.store))
    keeper.start()
    try:
        await settle(keeper)
        assert "· timebox until 08:10 UTC" in port.latest()
        chat.clock.advance(minutes=8)
        await announcer.run_due()
        await settle(keeper)
        assert "· time is up: the vote to go on is open" in port.latest(), port.latest()
        chat.clock.advance(seconds=60)
        await announcer.run_due()  # nobody voted: the room moves on
        await settle(keeper)
        latest = port.latest()
        assert "Now discussing" not in latest and f"• #{a} Sociocracy in practice · 9 minutes" in latest, latest
        edits = len(port.edits)
        await announcer.run_due()
        await settle(keeper)
        assert len(port.edits) == edits, "nothing changed, nothing edited"
    finally:
        await keeper.stop()


async def test_with_lean_coffee_off_the_agenda_shows_nothing_of_it(make_chat, make_config):
    chat = await make_chat(make_config(lean_coffee={"enabled": False}))
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 2, tzinfo=dt.UTC))
    a = await history_number_of(chat, "!suggest Sociocracy in practice")
    b = await history_number_of(chat, "!suggest Shared tooling")
    await chat.say(HOST, "!start")
    # What Lean Coffee would have left (turned off during the session): a topic marked with
    # its minutes, another being discussed.
    await chat.say(HOST, f"!discussed {a}")
    await chat.store.execute("UPDATE topics SET minutes = 6 WHERE id = ?", (a,))
    await lean_coffee.start(chat.store, SESSION, b, HOST, chat.clock.now(), None)
    plain = (await agenda_text(chat)).plain
    assert f"• #{a} Sociocracy in practice\n" in plain
    assert "Now discussing" not in plain and "minute" not in plain and "timebox" not in plain
