"""The agenda's text (commands/agenda.py) and `!agenda`."""

from __future__ import annotations

import datetime as dt

from bot.app import open_agenda
from bot.core.reactions import record_anchor
from bot.features.agenda.service import gather
from bot.features.people import repository as people
from commands.agenda import render_agenda
from tests.conftest import ALICE, BOB, HOST, ORGANISER, ROOM
from tests.features.agenda.fakes import FakePort


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
    assert "Session 2026-11-26 08:00 UTC is running since 08:02 UTC: 3 people checked in" in text
    assert f"#{number} Sociocracy — consent over consensus" in text
    # The running session is not also listed as coming; the slot's next one is.
    assert "Thursday 3 December 2026, 08:00 UTC" in text
    assert "Thursday 26 November 2026, 08:00 UTC" not in text


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
