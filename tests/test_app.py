"""bot/app.py: from a config to the services every front end uses."""

from __future__ import annotations

import pytest

from bot.app import open_announcer, open_services
from bot.core.clock import FakeClock, SystemClock
from bot.features.lean_coffee.discussing import close_with_session
from bot.features.lean_coffee.live import LeanCoffee
from bot.features.reminders.service import Reminders
from bot.features.sessions.chart import Charts
from bot.features.topics.seed import SeedError
from bot.storage.store import Store
from commands.announcements import WORDING
from commands.lean_coffee_posts import WORDING as LEAN_COFFEE_WORDING
from commands.reminders import REMINDER_WORDING
from tests.conftest import ALICE, SEED_TOPICS, START


async def imported(store: Store) -> int:
    return await store.fetchval("SELECT COUNT(*) FROM topics")


async def test_the_seed_topics_are_imported_once_however_often_the_bot_starts(make_config):
    config = make_config()
    for _ in range(3):
        services = await open_services(config, clock=FakeClock(START))
        try:
            assert await imported(services.store) == len(SEED_TOPICS)
        finally:
            await services.store.close()


async def test_services_come_with_the_chart_runner_and_the_system_clock(make_config):
    services = await open_services(make_config())
    try:
        assert isinstance(services.clock, SystemClock)
        assert isinstance(services.charts, Charts)
        assert "suggest" in services.registry.commands
        assert services.power_level("!room:example.org", ALICE) is None, "no adapter: nobody has a power level"
    finally:
        await services.store.close()


class Agenda:
    """An agenda that counts the changes it is told of."""

    def __init__(self) -> None:
        self.told = 0

    def changed(self) -> None:
        self.told += 1

    async def repost(self, room_id: str) -> None:
        return None


async def test_the_announcer_comes_with_the_wording_the_reminders_and_lean_coffee_riding_on_it(make_config):
    services = await open_services(make_config())
    try:
        announcer = open_announcer(services, sender=None)  # type: ignore[arg-type]
        assert announcer.wording is WORDING
        assert announcer.schedule_changed is services.schedule_changed, "the commands' calls reach its jobs"
        reminders, lean_coffee = announcer.riders
        assert isinstance(reminders, Reminders) and reminders.wording is REMINDER_WORDING
        assert isinstance(lean_coffee, LeanCoffee) and lean_coffee.wording is LEAN_COFFEE_WORDING
        assert announcer.closing == [close_with_session], "a session closed automatically closes its topic"
        services.agenda = agenda = Agenda()
        lean_coffee.changed()
        assert agenda.told == 1, "what the rider changes reaches the agenda opened after it"
    finally:
        await services.store.close()


async def test_a_broken_seed_file_stops_start_up_and_leaves_a_store_it_was_given_open(make_config, tmp_path):
    (tmp_path / "broken.yaml").write_text("topics: 3\n")
    config = make_config(topics={"seed_file": str(tmp_path / "broken.yaml")})
    with pytest.raises(SeedError):
        await open_services(config)
    given = await Store.open(":memory:")
    try:
        with pytest.raises(SeedError):
            await open_services(config, store=given)
        assert await given.fetchval("SELECT 1") == 1, "the caller's store stays open"
    finally:
        await given.close()


async def test_topics_stored_without_their_index_keys_are_keyed_at_start_not_at_the_first_suggest(make_config):
    """After the upgrade that brought the index (or SQL from elsewhere), the keying work is
    done while the bot starts, so nobody's first `!suggest` waits for it."""
    config = make_config()
    services = await open_services(config, clock=FakeClock(START))
    await services.store.execute(
        "INSERT INTO topics (text, norm, suggested_at, status) VALUES ('Shared kitchens', 'shared kitchens', "
        "'2026-11-01T10:00:00Z', 'open')"
    )
    await services.store.close()
    services = await open_services(config, clock=FakeClock(START))
    try:
        assert await services.store.fetchval("SELECT COUNT(*) FROM topics WHERE keyed IS NULL") == 0
    finally:
        await services.store.close()
