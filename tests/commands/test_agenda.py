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


async def agenda_text(chat):
    data = await gather(chat.store, chat.services.config, chat.clock.now())
    return render_agenda(chat.services, data)


async def test_the_agenda_shows_each_slot_in_the_display_zones_with_hosts_and_cancellations(chat):
    await people.remember_display_name(chat.store, ALICE, "Alice")
    await chat.say(ALICE, "!host 2026-11-26 08:00")
    await chat.say(ORGANISER, "!cancel 2026-11-26 17:00 Team retreat")
    text = (await agenda_text(chat)).plain
    morning = text.index("Thursday 26 November 2026, 08:00 UTC")
    cancelled = text.index("Thursday 26 November 2026, 17:00 UTC — cancelled: Team retreat")
    evening = text.index("Thursday 3 December 2026, 17:00 UTC")  # that slot's next one held
    assert morning < cancelled < evening
    # The display zones, as the announcements show them.
    assert "New York: 03:00 · Berlin: 09:00 · São Paulo: 05:00 · Kolkata: 13:30" in text
    assert "Host: Alice" in text
    assert "No host yet: volunteer with !host 2026-12-03 17:00" in text
    assert "bbb.example.org" in text


async def test_the_agenda_lists_the_top_open_topics_with_their_votes(make_chat, make_config):
    chat = await make_chat(make_config(agenda={"topics": 2}))
    for text in ("Worker ownership", "Shared tooling", "Paying ourselves"):
        await chat.say(ALICE, f"!suggest {text}")
    topics = (await chat.text(ALICE, "!topics")).splitlines()
    shared = next(line for line in topics if "Shared tooling" in line).split("#")[1].split()[0]
    await chat.say(ALICE, f"!vote {shared}")
    await chat.say(BOB, f"!vote {shared}")
    text = (await agenda_text(chat)).plain
    assert f"#{shared} Shared tooling — 2 votes" in text
    assert "Worker ownership — 0 votes" in text
    assert "Paying ourselves" not in text  # only agenda.topics of them
    assert "… and 1 more: !topics" in text


async def test_the_agenda_shows_the_running_session_since_when_who_came_and_what_was_discussed(chat):
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 2, tzinfo=dt.UTC))
    await chat.say(ALICE, "!suggest Sociocracy")
    replies = await chat.say(HOST, "!start")
    await record_anchor(chat.store, "$start", ROOM, replies[0].anchor)
    await chat.say(ALICE, "!here")
    await chat.say(BOB, "!here")  # with the host who started it: 3
    number = (await agenda_text(chat)).plain.split("#")[1].split()[0]
    await chat.say(HOST, f"!discussed {number} consent over consensus")
    text = (await agenda_text(chat)).plain
    assert "Session Thursday 26 November 2026, 08:00 UTC is running since 08:02 UTC: 3 people checked in" in text
    assert f"#{number} Sociocracy — consent over consensus" in text
    # The running session is not also listed as coming; the slot's next one is.
    assert "Thursday 3 December 2026, 08:00 UTC" in text
    assert text.count("Thursday 26 November 2026, 08:00 UTC") == 1, "named once: as the running session"


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
    waiting = plain.index("⏳ Thursday 26 November 2026, 08:00 UTC — waiting for its host")
    assert waiting < plain.index("Next sessions"), "today's session first, not next week's"
    block = plain[waiting : plain.index("Next sessions")]
    assert "New York: 03:00 · Berlin: 09:00 · São Paulo: 05:00 · Kolkata: 13:30" in block
    assert "Join: https://bbb.example.org/b/ccc — access code ccc; check in with !here (1 person checked in)" in block
    assert "Volunteered to host: Alice <b>A</b>; they can start it with !start, or anyone can host it" in block
    assert "<b>A</b>" not in text.html and "matrix.to" not in text.html
    assert "Thursday 3 December 2026, 08:00 UTC" in plain, "the slot's next session still listed"


async def test_the_agenda_says_anyone_can_host_a_waiting_session_nobody_volunteered_for(chat):
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 5, tzinfo=dt.UTC))
    plain = (await agenda_text(chat)).plain
    assert "No host yet: anyone can host it with !host then !start" in plain


async def test_the_agenda_shows_each_slots_next_held_session_however_many_are_cancelled(chat):
    for typed in ("2027-01-07", "2027-01-14 17:00 board meeting", "2027-01-21 retreat"):
        await chat.say(ORGANISER, f"!cancel {typed}")
    chat.clock.set(dt.datetime(2027, 1, 7, 17, 5, tzinfo=dt.UTC))
    plain = (await agenda_text(chat)).plain
    listed = [line.split(" UTC")[0] for line in plain.splitlines() if line[:2] in ("• ", "❌ ")]
    assert listed == [
        "• Thursday 14 January 2027, 08:00",
        "❌ Thursday 14 January 2027, 17:00",
        "❌ Thursday 21 January 2027, 17:00",
        "• Thursday 28 January 2027, 17:00",
    ]
    assert "21 January 2027, 17:00 UTC — cancelled: retreat" in plain


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
    running = plain.index("is running since 08:02 UTC")
    now = f"🗣 Now discussing #{a} “Sociocracy in practice” since 08:02 UTC (timebox until 08:10 UTC)"
    assert now in plain, plain
    assert running < plain.index(now) < plain.index("Next sessions")
    assert "Nothing discussed yet" not in plain, "a topic is being discussed"
    assert f"#{a} Sociocracy in practice — 1 vote" not in plain, "no longer among the open topics"
    chat.clock.advance(minutes=3, seconds=20)
    assert (await agenda_text(chat)).plain == plain, "no countdown: the same text a few minutes on"
    await chat.say(HOST, "!timer 5m")
    assert "since 08:02 UTC (timebox until 08:15 UTC)" in (await agenda_text(chat)).plain
    await chat.say(HOST, "!timer off")
    plain = (await agenda_text(chat)).plain
    assert f"🗣 Now discussing #{a} “Sociocracy in practice” since 08:02 UTC (no timebox)" in plain
    chat.clock.advance(minutes=2, seconds=40)
    await chat.say(HOST, f"!discuss {b}")  # 08:08: the first one closes with its 6 minutes
    plain = (await agenda_text(chat)).plain
    assert f"🗣 Now discussing #{b} “Shared tooling” since 08:08 UTC (timebox until 08:16 UTC)" in plain
    assert f"Discussed so far (1):\n• #{a} Sociocracy in practice (6 minutes)" in plain
    chat.clock.advance(minutes=1)
    await chat.say(HOST, f"!discussed {b} keep it simple")
    plain = (await agenda_text(chat)).plain
    assert "Now discussing" not in plain
    assert f"• #{b} Shared tooling (1 minute) — keep it simple" in plain


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
        f"🗣 Now discussing #{a} “Sociocracy in practice” since 08:02 UTC (time is up: "
        "the vote to go on is open in the session's thread, 👍 keep going, 👎 move on)"
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
        assert "(timebox until 08:10 UTC)" in port.latest()
        chat.clock.advance(minutes=8)
        await announcer.run_due()
        await settle(keeper)
        assert "(time is up: the vote to go on is open" in port.latest(), port.latest()
        chat.clock.advance(seconds=60)
        await announcer.run_due()  # nobody voted: the room moves on
        await settle(keeper)
        latest = port.latest()
        assert "Now discussing" not in latest and f"• #{a} Sociocracy in practice (9 minutes)" in latest, latest
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
