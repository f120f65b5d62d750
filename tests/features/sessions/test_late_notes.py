"""bot/features/sessions/late_notes.py: a note left with !late, replaced or withdrawn."""

import datetime as dt

import pytest

from bot.features.sessions import late_notes
from tests.conftest import ALICE, BOB

MORNING = "2026-11-26 08:00"


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=dt.UTC)


@pytest.fixture
async def chat(make_chat, make_config):
    return await make_chat(make_config())


async def test_a_late_note_replaced_or_withdrawn_gives_back_the_one_before(chat):
    store = chat.store
    assert await late_notes.note_late(store, MORNING, ALICE, "on a train", at(23, 12)) is None
    assert await late_notes.note_late(store, MORNING, ALICE, "", at(23, 13)) == "on a train"
    assert await late_notes.note_late(store, "2026-12-03 17:00", ALICE, "shift", at(23, 13)) is None
    assert await late_notes.late_notes_of(store, ALICE) == {MORNING: "", "2026-12-03 17:00": "shift"}
    assert await late_notes.withdraw_late(store, MORNING, ALICE) == ""
    assert await late_notes.withdraw_late(store, MORNING, ALICE) is None
    assert await late_notes.late_notes_of(store, ALICE) == {"2026-12-03 17:00": "shift"}
    assert await late_notes.late_notes_of(store, BOB) == {}
