"""bot/features/agenda/service.py: what the agenda shows, as data (its wording is tested in
tests/commands/test_agenda.py)."""

from __future__ import annotations

import datetime as dt

from bot.core.clock import UTC
from bot.features.agenda.service import MAX_CANCELLED_PER_SLOT, gather
from bot.features.people import repository as people
from tests.commands.helpers import suggest
from tests.conftest import ALICE, BOB, HOST, ORGANISER

THU_0800 = dt.datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


async def agenda(chat):
    return await gather(chat.store, chat.services.config, chat.clock.now())


def shown(data) -> list[list[tuple[str, bool]]]:
    """Per slot, its sessions as (key, cancelled)."""
    return [[(u.session.key, u.cancelled) for u in slot.sessions] for slot in data.slots]


async def test_each_slot_shows_its_next_session_with_who_volunteered_to_host(chat):
    await people.remember_display_name(chat.store, ALICE, "Alice")
    await chat.say(ALICE, "!host 2026-11-26 17:00")
    await chat.say(BOB, "!host 2026-11-26 17:00")
    data = await agenda(chat)
    assert shown(data) == [[("2026-11-26 08:00", False)], [("2026-11-26 17:00", False)]]
    assert data.slots[0].sessions[0].volunteers == ()
    assert data.slots[1].sessions[0].volunteers == ("Alice", BOB), "display names, else the id"
    assert data.running is None


async def test_slots_are_in_the_order_of_their_next_session(chat):
    chat.clock.set(dt.datetime(2026, 11, 26, 12, 0, tzinfo=UTC))  # the morning session is over
    assert shown(await agenda(chat)) == [[("2026-11-26 17:00", False)], [("2026-12-03 08:00", False)]]


async def test_a_cancelled_session_is_shown_with_its_reason_before_the_slots_next_held_one(chat):
    await chat.say(ORGANISER, "!cancel 2026-11-26 08:00 Team retreat")
    data = await agenda(chat)
    assert shown(data)[0] == [("2026-11-26 08:00", True), ("2026-12-03 08:00", False)]
    assert data.slots[0].sessions[0].reason == "Team retreat"


async def test_a_long_break_shows_a_few_cancellations_and_still_when_the_slot_resumes(chat):
    mornings = [THU_0800 + dt.timedelta(weeks=w) for w in range(6)]
    for start in mornings:
        await chat.say(ORGANISER, f"!cancel {start:%Y-%m-%d %H:%M} summer break")
    slot = shown(await agenda(chat))[0]
    assert slot[-1] == (f"{THU_0800 + dt.timedelta(weeks=6):%Y-%m-%d %H:%M}", False), "when it resumes"
    assert slot[:-1] == [(f"{m:%Y-%m-%d %H:%M}", True) for m in mornings[:MAX_CANCELLED_PER_SLOT]]


async def test_a_running_session_is_shown_as_running_not_as_coming(chat):
    chat.clock.set(THU_0800 + dt.timedelta(minutes=2))
    await chat.say(HOST, "!start")
    await chat.say(ALICE, "!here")
    data = await agenda(chat)
    assert data.running is not None
    assert (data.running.key, data.running.started_at, data.running.checked_in) == (
        "2026-11-26 08:00",
        THU_0800 + dt.timedelta(minutes=2),
        2,
    )
    assert shown(data)[1] == [("2026-12-03 08:00", False)], "the slot's next one instead"


async def test_a_session_started_early_is_not_also_listed_as_coming(chat):
    chat.clock.set(THU_0800 - dt.timedelta(minutes=5))
    await chat.say(HOST, "!start")
    data = await agenda(chat)
    assert data.running is not None and data.running.key == "2026-11-26 08:00"
    assert ("2026-11-26 08:00", False) not in [s for slot in shown(data) for s in slot]


async def test_the_top_open_topics_are_as_many_as_agenda_topics_most_votes_first(make_chat, make_config):
    chat = await make_chat(make_config(agenda={"topics": 2}))
    for text in ("Worker ownership", "Shared tooling", "Paying ourselves"):
        await chat.say(ALICE, f"!suggest {text}")
    data = await agenda(chat)
    assert len(data.topics) == 2 and data.open_topics == 3
    left_out = next(
        t for t in ("Worker ownership", "Shared tooling", "Paying ourselves") if t not in {t.text for t in data.topics}
    )
    number = await chat.store.fetchval("SELECT id FROM topics WHERE text = ?", (left_out,))
    await chat.say(BOB, f"!vote {number}")
    data = await agenda(chat)
    assert (data.topics[0].text, data.topics[0].votes) == (left_out, 1), "a vote brings it to the top"
    assert len(data.topics) == 2 and data.open_topics == 3


async def test_each_slot_shows_its_next_held_session_however_many_before_it_are_cancelled(chat):
    for typed in ("2027-01-07", "2027-01-14 17:00", "2027-01-21"):
        await chat.say(ORGANISER, f"!cancel {typed}")
    chat.clock.set(dt.datetime(2027, 1, 7, 17, 5, tzinfo=UTC))
    assert shown(await agenda(chat)) == [
        [("2027-01-14 08:00", False)],
        [("2027-01-14 17:00", True), ("2027-01-21 17:00", True), ("2027-01-28 17:00", False)],
    ]


async def test_a_session_waiting_for_its_host_is_shown_with_who_volunteered_and_who_came(chat):
    await people.remember_display_name(chat.store, ALICE, "Alice")
    await chat.say(ALICE, "!host 2026-11-26 08:00")
    chat.clock.set(THU_0800 + dt.timedelta(minutes=5))
    await chat.say(BOB, "!here")
    data = await agenda(chat)
    assert data.running is None and data.waiting is not None
    assert (data.waiting.session.key, data.waiting.volunteers, data.waiting.checked_in) == (
        "2026-11-26 08:00",
        ("Alice",),
        1,
    )
    assert shown(data)[1] == [("2026-12-03 08:00", False)], "the slot's next one besides"
    chat.clock.set(THU_0800 + dt.timedelta(minutes=6))
    await chat.say(HOST, "!start")
    data = await agenda(chat)
    assert data.waiting is None and data.running is not None, "once started it runs"


async def test_a_session_nobody_started_is_no_longer_waiting_once_its_window_closed(chat):
    chat.clock.set(THU_0800 + dt.timedelta(hours=2, minutes=1))
    data = await agenda(chat)
    assert data.waiting is None and data.running is None
    assert shown(data)[0] == [("2026-11-26 17:00", False)]


async def test_the_topic_being_discussed_is_shown_as_such_not_among_the_open_ones(make_chat, make_config):
    chat = await make_chat(make_config(agenda={"topics": 2}))
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 2, tzinfo=UTC))
    least, second, most = [await suggest(chat, text) for text in ("Least voted", "Second", "Most voted")]
    await chat.say(BOB, f"!vote {second} {most}")
    await chat.say(ALICE, f"!vote {most}")
    await chat.say(HOST, "!start")
    await chat.say(HOST, f"!discuss {most}")
    data = await agenda(chat)
    assert data.running is not None and data.running.discussing is not None
    assert (data.running.discussing.topic.id, data.running.discussing.since) == (most, chat.clock.now())
    assert [t.id for t in data.topics] == [second, least], "the next two, not the one being discussed"
    assert data.open_topics == 2, "three open, one of them being discussed"
