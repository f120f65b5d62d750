"""The agenda keeper: one message per room, posted and pinned once, then edited only when
its text changes, at most once per window however many changes come."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

import pytest

from bot.app import open_agenda
from bot.features.agenda import repository as agendas
from bot.features.agenda.keeper import EditOutcome, text_hash
from bot.features.schedule.weekly_sessions import session_from_key
from tests.conftest import ALICE, BOB, ORGANISER, ROOM
from tests.features.agenda.fakes import FakePort, VirtualTime, settle

OTHER_PIN = "$someone-elses-pin"


@pytest.fixture
async def setup(chat):
    port = FakePort(pinned={ROOM: [OTHER_PIN]})
    time = VirtualTime(chat.clock)
    keeper = open_agenda(chat.services, port, [ROOM], sleep=time.sleep)
    assert keeper is not None
    yield chat, port, keeper, time
    await keeper.stop()


async def test_the_first_pass_posts_the_agenda_and_pins_it_beside_the_other_pins(setup):
    chat, port, keeper, _ = setup
    await keeper.refresh()
    [(room, event_id, text)] = port.posts
    assert room == ROOM and text.plain.startswith("📌 Next: Thu 26 Nov, 08:00 UTC")
    assert port.pinned[ROOM] == [OTHER_PIN, event_id]
    stored = await agendas.agenda_of(chat.store, ROOM)
    assert stored is not None and stored.event_id == event_id and stored.pinned and not stored.pin_refused


async def test_an_unchanged_agenda_is_not_edited(setup):
    chat, port, keeper, _ = setup
    await keeper.refresh()
    await keeper.refresh()
    await chat.say(ALICE, "!topics")  # a command that changes nothing shown
    await keeper.refresh()
    assert len(port.posts) == 1 and port.edits == []


async def test_a_change_is_an_edit_of_the_same_message(setup):
    chat, port, keeper, _ = setup
    await keeper.refresh()
    await chat.say(ALICE, "!suggest Worker ownership in practice")
    await keeper.refresh()
    [(_, event_id, text)] = port.edits
    assert event_id == port.posts[0][1]
    assert "Worker ownership in practice · 0 votes" in text.plain


async def test_a_burst_of_50_votes_gives_a_handful_of_edits_and_ends_on_the_last_count(setup):
    chat, port, keeper, time = setup
    number = (await chat.text(ALICE, "!suggest Shared tooling for co-ops")).split("#")[1].split()[0]
    keeper.start()
    await settle(keeper)
    assert len(port.posts) == 1
    for i in range(50):
        await chat.say(f"@voter{i}:example.org", f"!vote {number}")
        await time.advance(0.1, keeper)  # 50 votes in 5 seconds
    await time.advance(10, keeper)
    assert 1 <= len(port.edits) <= 4, len(port.edits)
    assert "Shared tooling for co-ops · 50 votes" in port.latest()
    # The first vote shows at once, the rest at most a window later: within about 5 s.
    assert len(port.posts) == 1


async def test_a_change_shows_within_the_window(setup):
    chat, port, keeper, time = setup
    keeper.start()
    await settle(keeper)
    await time.advance(30, keeper)
    await chat.say(ALICE, "!suggest Paying ourselves fairly")
    await settle(keeper)
    assert "Paying ourselves fairly" in port.latest()  # quiet before: shown at once
    await chat.say(ALICE, "!suggest Onboarding new members")
    await time.advance(1, keeper)
    assert "Onboarding new members" not in port.latest()  # within the window of the last edit
    await time.advance(3, keeper)
    assert "Onboarding new members" in port.latest()


async def test_the_tick_shows_a_begun_session_waiting_then_gone_once_its_window_closed(setup):
    chat, port, keeper, time = setup
    today, next_week = named(chat, "2026-11-26 08:00"), named(chat, "2026-12-03 08:00")
    keeper.start()
    await settle(keeper)
    assert port.latest().startswith("📌 Next: Thu 26 Nov, 08:00 UTC")
    assert today in port.latest()
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 0, 30, tzinfo=dt.UTC))
    await time.advance(60, keeper)  # no command: the minute's tick
    assert port.latest().startswith("⏳ Waiting for a host: Thu 26 Nov, 08:00 UTC\n")
    assert f"{today}, waiting for its host" in port.latest()
    assert next_week in port.latest()
    chat.clock.set(dt.datetime(2026, 11, 26, 10, 0, 30, tzinfo=dt.UTC))
    await time.advance(60, keeper)  # nobody started it: its window closed
    assert port.latest().startswith("📌 Next: Thu 26 Nov, 17:00 UTC")
    assert today not in port.latest()
    assert next_week in port.latest()
    edits = len(port.edits)
    await time.advance(60, keeper)
    assert len(port.edits) == edits  # nothing new: no edit


def named(chat, key: str) -> str:
    """Session `key` ('2026-11-26 08:00') as the agenda names it: 'Thursday 26 November,
    08:00 UTC', without the year (it lists sessions weeks ahead at most)."""
    at = session_from_key(chat.services.config, key).starts_at
    return f"{at:%A} {at.day} {at:%B}, {at:%H:%M} UTC"


async def test_after_a_restart_the_stored_agenda_is_edited_not_posted_again(setup, make_chat):
    chat, port, keeper, _ = setup
    await keeper.refresh()
    await keeper.stop()
    # A new process: a new keeper and port on the same database.
    again = FakePort(pinned={ROOM: [OTHER_PIN, port.posts[0][1]]})
    keeper = open_agenda(chat.services, again, [ROOM])
    assert keeper is not None
    await keeper.refresh()
    assert again.posts == [] and again.edits == []  # nothing changed
    await chat.say(ALICE, "!suggest Sociocracy")
    await keeper.refresh()
    assert again.posts == [] and [e[1] for e in again.edits] == [port.posts[0][1]]


async def test_a_redacted_agenda_is_posted_anew_and_pinned_in_place_of_the_old(setup):
    chat, port, keeper, _ = setup
    await keeper.refresh()
    old = port.posts[0][1]
    port.redacted.add(old)
    await chat.say(ALICE, "!suggest Sociocracy")
    await keeper.refresh()
    assert [p[1] for p in port.posts] == [old, "$agenda2"] and port.edits == []
    assert port.pinned[ROOM] == [OTHER_PIN, "$agenda2"]
    stored = await agendas.agenda_of(chat.store, ROOM)
    assert stored is not None and stored.event_id == "$agenda2"


async def test_a_redaction_while_the_bot_was_away_is_noticed_at_the_first_look(setup):
    chat, port, keeper, _ = setup
    await keeper.refresh()
    port.redacted.add(port.posts[0][1])
    keeper = open_agenda(chat.services, port, [ROOM])  # restarted
    assert keeper is not None
    await keeper.refresh()
    assert len(port.posts) == 2 and port.pinned[ROOM] == [OTHER_PIN, "$agenda2"]


async def test_a_refused_edit_posts_a_new_agenda(setup):
    chat, port, keeper, _ = setup
    await keeper.refresh()
    port.refuse_edits = True
    await chat.say(ALICE, "!suggest Sociocracy")
    await keeper.refresh()
    assert len(port.posts) == 2 and "Sociocracy" in port.posts[1][2].plain
    assert port.pinned[ROOM] == [OTHER_PIN, "$agenda2"]


async def test_without_the_power_to_pin_it_is_still_edited_logged_once_and_recorded(setup, caplog):
    chat, port, keeper, _ = setup
    port.may_pin = False
    with caplog.at_level(logging.WARNING, logger="bot.features.agenda.keeper"):
        await keeper.refresh()
        await chat.say(ALICE, "!suggest Sociocracy")
        await keeper.refresh()
        await chat.say(ORGANISER, "!agenda")  # tries again: still refused, not logged again
    assert len(port.edits) == 1 and "Sociocracy" in port.latest()
    assert len([r for r in caplog.records if "does not allow pinning" in r.message]) == 1
    stored = await agendas.agenda_of(chat.store, ROOM)
    assert stored is not None and stored.pin_refused and not stored.pinned
    assert port.pinned[ROOM] == [OTHER_PIN]


async def test_pin_off_never_pins(make_chat, make_config):
    chat = await make_chat(make_config(agenda={"pin": False}))
    port = FakePort()
    keeper = open_agenda(chat.services, port, [ROOM])
    assert keeper is not None
    await keeper.refresh()
    assert len(port.posts) == 1 and port.pin_calls == 0
    assert "pinning is turned off" in await chat.text(ORGANISER, "!agenda")
    assert port.pin_calls == 0


async def test_agenda_disabled_posts_nothing_and_says_so(make_chat, make_config):
    chat = await make_chat(make_config(agenda={"enabled": False}))
    port = FakePort()
    assert open_agenda(chat.services, port, [ROOM]) is None
    assert chat.services.agenda is None
    await chat.say(ALICE, "!suggest Sociocracy")
    assert "turned off" in await chat.text(ORGANISER, "!agenda")
    assert port.posts == [] and port.edits == []


async def test_a_thumbs_up_vote_is_shown_too(setup):
    from bot.core.model import IncomingReaction
    from bot.core.reactions import record_anchor

    chat, port, keeper, time = setup
    [reply] = await chat.say(ALICE, "!suggest Worker ownership")
    assert reply.anchor is not None
    await record_anchor(chat.store, "$topic", ROOM, reply.anchor)
    keeper.start()
    await settle(keeper)
    await time.advance(10, keeper)
    reaction = IncomingReaction("@bob:example.org", ROOM, "$thumb", "$topic", "👍", chat.clock.now())
    await chat.dispatcher.handle_reaction(reaction)
    await settle(keeper)
    assert "Worker ownership · 1 vote" in port.latest()


async def test_each_post_has_a_key_of_its_own_that_a_resend_after_a_crash_repeats(setup):
    chat, port, keeper, _ = setup
    await keeper.refresh()
    await chat.say(ORGANISER, "!agenda")
    assert port.keys == [f"agenda:{ROOM}:first", f"agenda:{ROOM}:$agenda1"]
    # Killed after the post went out, before it was recorded: the same key again.
    await agendas.posted(chat.store, ROOM, "$agenda1", "stale", chat.clock.now())
    await chat.say(ORGANISER, "!agenda")
    assert port.keys[-1] == f"agenda:{ROOM}:$agenda1"


async def test_an_edit_cut_short_by_a_kill_is_made_at_the_next_start_in_every_room(chat):
    """Killed while a vote's edit was on its way (one room edited, the next one's request
    in flight, the rest waiting): the next start brings every room's agenda up to date."""
    rooms = ["!a:example.org", "!b:example.org", "!c:example.org", "!d:example.org"]

    class DiesEditing(FakePort):
        """The process is killed during the edit in the second room."""

        async def edit(self, room_id: str, event_id: str, text) -> EditOutcome:
            if room_id == rooms[1]:
                self.stuck.set()
                await asyncio.Event().wait()  # never answered: the kill comes first
            return await super().edit(room_id, event_id, text)

    number = (await chat.text(ALICE, "!suggest Shared tooling for co-ops")).split("#")[1].split()[0]
    port = DiesEditing()
    port.stuck = asyncio.Event()
    time = VirtualTime(chat.clock)
    keeper = open_agenda(chat.services, port, rooms, sleep=time.sleep)
    assert keeper is not None
    keeper.start()
    await settle(keeper)
    assert [room for room, _, _ in port.posts] == rooms
    await time.advance(10, keeper)
    await chat.say(BOB, f"!vote {number}")  # quiet before: shown at once, room by room
    await asyncio.wait_for(port.stuck.wait(), 5)
    await chat.say(ALICE, f"!vote {number}")  # during that pass: due in a later one
    assert [room for room, _, _ in port.edits] == rooms[:1]
    await keeper.stop()  # kill -9: nothing more is sent or stored

    again = FakePort()  # a new process on the same database
    keeper = open_agenda(chat.services, again, rooms, sleep=time.sleep)
    assert keeper is not None
    keeper.start()
    await settle(keeper)
    try:
        edited = {room: text.plain for room, _, text in again.edits}
        assert again.posts == []
        assert set(edited) == set(rooms[1:]) or set(edited) == set(rooms)
        for room in rooms[1:]:
            assert "Shared tooling for co-ops · 2 votes" in edited[room], room
    finally:
        await keeper.stop()


def test_the_text_hash_changes_with_either_rendering_only():
    digest = text_hash("Agenda", "<b>Agenda</b>")
    assert digest == text_hash("Agenda", "<b>Agenda</b>")
    assert digest != text_hash("Agenda", "<i>Agenda</i>"), "a change only in formatting is an edit too"
    assert digest != text_hash("Agenda.", "<b>Agenda</b>")
