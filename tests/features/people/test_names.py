"""bot/features/people/names.py: how a person is named."""

from __future__ import annotations

from bot.features.people import repository as people
from bot.features.people.names import NAME_LENGTH, known_names, name_of
from tests.conftest import ALICE, BOB


async def test_a_person_is_named_by_display_name_else_by_user_id(chat):
    await people.remember_display_name(chat.store, ALICE, "Alice\nthe\tCooperator " + "x" * 100)
    await people.set_timezone(chat.store, BOB, "Europe/Berlin")  # a profile without a name
    shown = await name_of(chat.store, ALICE)
    assert shown.startswith("Alice the Cooperator x") and len(shown) <= NAME_LENGTH
    assert await name_of(chat.store, BOB) == BOB
    assert await known_names(chat.store) == {ALICE: shown}
