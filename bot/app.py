"""Wiring: from a config to the services the commands use. Called by each front end
(Matrix, console, tests); nothing here starts jobs or touches the network."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Iterable

from bot.core.clock import Clock, SystemClock
from bot.core.config import Config
from bot.core.dispatcher import Dispatcher, Membership, PowerLevels, Services
from bot.core.model import Sender
from bot.features.agenda.keeper import AgendaKeeper, AgendaPort, Sleep
from bot.features.announcements.sending import Announcer
from bot.features.reminders.service import Reminders
from bot.features.sessions.chart import Charts
from bot.features.sessions.hosts import is_volunteer_host
from bot.features.topics.index import keep_keys_current
from bot.features.topics.seed import import_seed_file
from bot.matrix import inbox  # noqa: F401 (the inbox is in every database: registers its part of !mydata)
from bot.storage.store import Store
from commands import build_registry
from commands.agenda import render_agenda
from commands.announcements import WORDING
from commands.reminders import REMINDER_WORDING


async def open_services(
    config: Config,
    clock: Clock | None = None,
    power_level: PowerLevels | None = None,
    store: Store | None = None,
) -> Services:
    opened = store is None
    store = store or await Store.open(config.storage.database)
    try:
        # Idempotent: only entries not imported before are added.
        await import_seed_file(store, config.topics.seed_file)
        # Topics stored without their near-duplicate index keys (an upgrade) are keyed now,
        # not by the first `!suggest`.
        await keep_keys_current(store)
    except BaseException:
        if opened:
            await store.close()
        raise
    clock = clock or SystemClock()
    services = Services(
        config=config,
        store=store,
        clock=clock,
        registry=build_registry(),
        # A volunteer (!host) is a host of the session they volunteered for.
        host_checks=[functools.partial(is_volunteer_host, store, config, clock)],
    )
    # One chart runner for the bot's lifetime: it draws one chart at a time and keeps the last.
    services.parts.provide(Charts, Charts())
    if power_level is not None:
        services.power_level = power_level
    return services


async def start_services(services: Services) -> None:
    """What the running bot starts beside answering: a chart process made ready (it imports
    matplotlib in parallel, so the first `!stats` is not a cold one)."""
    await services.parts.get(Charts).start()


async def close_services(services: Services) -> None:
    await services.parts.get(Charts).close()
    await services.store.close()


async def open_dispatcher(config: Config, clock: Clock | None = None) -> Dispatcher:
    return Dispatcher(await open_services(config, clock))


def open_announcer(services: Services, sender: Sender, membership: Membership | None = None) -> Announcer:
    """The announcer (not started), with the reminders by direct message riding on it;
    what they send is worded by the handlers' layer. `membership` says whether a person is
    still in a served room (no reminder for someone who left)."""
    announcer = Announcer(services, sender, WORDING)
    announcer.riders.append(Reminders(services, sender, REMINDER_WORDING, membership))
    return announcer


def open_agenda(
    services: Services, port: AgendaPort, rooms: Iterable[str], *, sleep: Sleep | None = None
) -> AgendaKeeper | None:
    """The keeper of each room's pinned agenda (not started), wired into the services so
    commands tell it of changes; None when `agenda.enabled` is off."""
    if not services.config.agenda.enabled:
        return None
    keeper = AgendaKeeper(
        services.store,
        services.config,
        services.clock,
        port,
        lambda data: render_agenda(services, data),
        rooms,
        sleep=sleep or asyncio.sleep,
    )
    services.agenda = keeper
    return keeper
