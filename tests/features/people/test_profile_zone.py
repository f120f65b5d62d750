"""The zone a person publishes in their Matrix profile: read once, again at most hourly,
and never in the way of a reply; `!tz` set by hand wins over it."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.core.clock import FakeClock
from bot.features.people import repository
from bot.features.people.profile_zone import (
    READ_TIMEOUT,
    ProfileZoneCache,
    Source,
    Zone,
    person_zone,
    profile_place,
)
from tests.conftest import ALICE, BOB, START


class Profiles:
    """The homeserver's profiles, counting each read."""

    def __init__(self, **zones: str | None):
        self.zones: dict[str, str | None] = {f"@{name}:example.org": zone for name, zone in zones.items()}
        self.reads: list[str] = []
        self.failing = False
        self.slow = False

    async def read(self, user_id: str) -> str | None:
        self.reads.append(user_id)
        if self.slow:
            await asyncio.sleep(3600)
        if self.failing:
            raise ConnectionError("the homeserver is down")
        return self.zones.get(user_id)


def cache(profiles: Profiles) -> ProfileZoneCache:
    return ProfileZoneCache(FakeClock(START), profiles.read)


async def test_the_profiles_zone_is_read_once_and_again_after_an_hour():
    profiles = Profiles(alice="Asia/Kolkata")
    zones = cache(profiles)
    for _ in range(20):
        assert await zones.zone_of(ALICE) == "Asia/Kolkata"
    assert profiles.reads == [ALICE], "no read per message"
    profiles.zones[ALICE] = "America/Sao_Paulo"
    zones.clock.advance(minutes=59)  # type: ignore[attr-defined]
    assert await zones.zone_of(ALICE) == "Asia/Kolkata", "kept for an hour"
    zones.clock.advance(minutes=1)  # type: ignore[attr-defined]
    assert await zones.zone_of(ALICE) == "America/Sao_Paulo", "read again after an hour"
    assert profiles.reads == [ALICE, ALICE]


async def test_a_profile_without_a_zone_is_no_zone_and_is_not_read_again_for_an_hour():
    profiles = Profiles(alice=None)
    zones = cache(profiles)
    assert await zones.zone_of(ALICE) is None
    assert await zones.zone_of(ALICE) is None
    assert await zones.zone_of(BOB) is None
    assert profiles.reads == [ALICE, BOB]


async def test_people_asking_at_once_share_one_read():
    profiles = Profiles(alice="Europe/Madrid")
    zones = cache(profiles)
    assert await asyncio.gather(*(zones.zone_of(ALICE) for _ in range(5))) == ["Europe/Madrid"] * 5
    assert profiles.reads == [ALICE]


async def test_a_failed_read_is_no_zone_and_tried_again_later_not_at_each_message(caplog):
    profiles = Profiles(alice="Asia/Kolkata")
    caplog.set_level(logging.INFO)
    profiles.failing = True
    zones = cache(profiles)
    assert await zones.zone_of(ALICE) is None
    assert await zones.zone_of(ALICE) is None
    assert profiles.reads == [ALICE]
    assert "UTC for now" in caplog.text
    profiles.failing = False
    zones.clock.advance(minutes=10)  # type: ignore[attr-defined]
    assert await zones.zone_of(ALICE) == "Asia/Kolkata"


async def test_a_slow_read_gives_up_after_a_couple_of_seconds(monkeypatch):
    from bot.features.people import profile_zone

    monkeypatch.setattr(profile_zone, "READ_TIMEOUT", 0.01)
    profiles = Profiles(alice="Asia/Kolkata")
    profiles.slow = True
    zones = cache(profiles)
    assert await zones.zone_of(ALICE) is None
    assert await zones.zone_of(ALICE) is None
    assert profiles.reads == [ALICE]
    assert 1 <= READ_TIMEOUT <= 3


@pytest.mark.parametrize(
    ("value", "zone"),
    [
        ("Asia/Kolkata", "Asia/Kolkata"),
        (" Europe/Paris ", "Europe/Paris"),
        ("Asia/Calcutta", "Asia/Kolkata"),  # an old name is the place it became
        ("UTC", "UTC"),
        ("Mars/Olympus_Mons", None),
        ("EST", None),  # an abbreviation is no place
        ("Etc/GMT+3", None),  # nor an offset
        ("", None),
        ("x" * 500, None),
        (42, None),
        (None, None),
    ],
)
def test_only_a_place_is_taken_from_a_profile(value, zone):
    assert profile_place(value) == zone


async def test_an_invalid_zone_in_the_profile_is_no_zone(caplog):
    caplog.set_level(logging.INFO)
    profiles = Profiles(alice="Nowhere/Special")
    assert await cache(profiles).zone_of(ALICE) is None
    assert "not a place" in caplog.text


async def test_without_a_homeserver_to_ask_there_is_no_profile_zone():
    zones = ProfileZoneCache(FakeClock(START))
    assert await zones.zone_of(ALICE) is None


async def test_forget_drops_what_was_read():
    profiles = Profiles(alice="Asia/Kolkata")
    zones = cache(profiles)
    await zones.zone_of(ALICE)
    await zones.forget(ALICE)
    await zones.zone_of(ALICE)
    assert profiles.reads == [ALICE, ALICE]


async def test_forget_while_reading_keeps_nothing():
    profiles = Profiles(alice="Asia/Kolkata")
    gate = asyncio.Event()
    read = profiles.read

    async def held(user_id: str) -> str | None:
        await gate.wait()
        return await read(user_id)

    zones = ProfileZoneCache(FakeClock(START), held)
    asking = asyncio.create_task(zones.zone_of(ALICE))
    await asyncio.sleep(0)
    await zones.forget(ALICE)
    gate.set()
    await asking
    await zones.zone_of(ALICE)
    assert profiles.reads == [ALICE, ALICE], "read again: nothing was kept of the forgotten one"


async def test_a_zone_set_by_hand_wins_over_the_profile_which_wins_over_none(chat):
    profiles = Profiles(alice="Asia/Kolkata", bob=None)
    zones = cache(profiles)
    store = chat.store
    assert await person_zone(store, zones, ALICE) == Zone("Asia/Kolkata", Source.PROFILE)
    assert await person_zone(store, zones, BOB) == Zone(None, Source.NONE)
    await repository.set_timezone(store, ALICE, "Europe/Paris")
    assert await person_zone(store, zones, ALICE) == Zone("Europe/Paris", Source.SET)
    assert profiles.reads == [ALICE, BOB], "no profile read for who set a zone by hand"
    assert await person_zone(store, None, BOB) == Zone(None, Source.NONE)
