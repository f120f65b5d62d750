"""bot/features/people/repository.py: a person's time zone and display name."""

from __future__ import annotations

from bot.features.people import repository as people
from bot.features.people.names import name_of
from bot.features.privacy import registry as privacy
from tests.conftest import ALICE


async def test_a_time_zone_is_kept_and_cleared(chat):
    assert await people.get_timezone(chat.store, ALICE) is None
    await people.set_timezone(chat.store, ALICE, "Europe/Berlin")
    assert await people.get_timezone(chat.store, ALICE) == "Europe/Berlin"
    await people.set_timezone(chat.store, ALICE, None)
    assert await people.get_timezone(chat.store, ALICE) is None


async def test_a_new_display_name_replaces_the_old_one_and_keeps_the_time_zone(chat):
    await people.set_timezone(chat.store, ALICE, "Europe/Berlin")
    await people.remember_display_name(chat.store, ALICE, "Alice")
    await people.remember_display_name(chat.store, ALICE, "Alice B.")
    assert await people.display_name(chat.store, ALICE) == "Alice B."
    assert await people.get_timezone(chat.store, ALICE) == "Europe/Berlin"


async def test_the_profile_is_in_mydata_and_goes_with_forgetme(chat):
    await people.remember_display_name(chat.store, ALICE, "Alice")
    await people.set_timezone(chat.store, ALICE, "Europe/Berlin")
    document = await privacy.collect(chat.store, ALICE)
    assert (document["timezone"], document["display_name"]) == ("Europe/Berlin", "Alice")
    await privacy.request_erasure(chat.store, ALICE, chat.clock.now())
    erased = await privacy.erase(chat.store, ALICE, chat.clock.now())
    assert erased.profile == ("time zone", "display name")
    assert await name_of(chat.store, ALICE) == ALICE
    assert await people.get_timezone(chat.store, ALICE) is None
