"""Wiring: from a config to the services the commands use, called by each front end
(Matrix, console, tests), and `ccc-bot run`: the Matrix adapter given its dispatcher and
run until stopped. Above the adapters it puts together; none of them imports it."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import signal
from collections.abc import Iterable

from bot.core.clock import Clock, SystemClock
from bot.core.config import Config
from bot.core.dispatcher import Dispatcher, PowerLevels, Services
from bot.core.model import Membership, Sender
from bot.features.agenda.keeper import AgendaKeeper, AgendaPort, Sleep
from bot.features.announcements.sending import Announcer
from bot.features.lean_coffee.discussing import close_with_session
from bot.features.lean_coffee.live import LeanCoffee
from bot.features.people import repository as people
from bot.features.people.profile_zone import ProfileZoneCache
from bot.features.reminders.service import Reminders
from bot.features.sessions.chart import Charts
from bot.features.sessions.hosts import is_volunteer_host
from bot.features.topics.index import keep_keys_current
from bot.features.topics.seed import import_seed_file
from bot.matrix import inbox  # noqa: F401 (the inbox is in every database: registers its part of !mydata)
from bot.storage.store import Store, StoreStopped
from commands import build_registry
from commands.agenda import render_agenda
from commands.announcements import WORDING
from commands.lean_coffee_posts import WORDING as LEAN_COFFEE_WORDING
from commands.reminders import REMINDER_WORDING

log = logging.getLogger(__name__)


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
    profile_zones = ProfileZoneCache(clock)  # read once the Matrix adapter binds its `read`
    services = Services(
        config=config,
        store=store,
        clock=clock,
        registry=build_registry(config),
        # One chart runner for the bot's lifetime: it draws one chart at a time and keeps the last.
        charts=Charts(),
        profile_zones=profile_zones,
        # A volunteer (!host) is a host of the session they volunteered for.
        host_checks=[functools.partial(is_volunteer_host, store, config, clock)],
        # `!forgetme` drops the zone read from the person's profile, kept in memory only.
        on_forget=[profile_zones.forget],
        # Each person's language (!lang), for the replies to them.
        language_of=functools.partial(people.get_language, store),
    )
    if power_level is not None:
        services.power_level = power_level
    return services


async def start_services(services: Services) -> None:
    """What the running bot starts beside answering: a chart process made ready (it imports
    matplotlib in parallel, so the first `!stats` is not a cold one)."""
    await services.charts.start()


async def close_services(services: Services) -> None:
    await services.charts.close()
    await services.store.close()


async def open_dispatcher(config: Config, clock: Clock | None = None) -> Dispatcher:
    return Dispatcher(await open_services(config, clock))


def open_announcer(services: Services, sender: Sender, membership: Membership | None = None) -> Announcer:
    """The announcer (not started), with the reminders by direct message and the Lean Coffee
    timeboxes riding on it;
    what they send is worded by the handlers' layer. `membership` says whether a person is
    still in a served room (no reminder for someone who left)."""
    announcer = Announcer(services.store, services.config, services.clock, sender, WORDING, services.schedule_changed)
    reminders = Reminders(
        services.store, services.config, sender, REMINDER_WORDING, membership, profiles=services.profile_zones
    )
    announcer.riders.append(reminders)
    lean_coffee = LeanCoffee(
        services.store, services.config, sender, LEAN_COFFEE_WORDING, functools.partial(_agenda_changed, services)
    )
    announcer.riders.append(lean_coffee)
    # The topic being discussed when a session is closed automatically closes with it, so
    # that the summary lists it with its minutes.
    announcer.closing.append(close_with_session)
    return announcer


def _agenda_changed(services: Services) -> None:
    """What a rider changes on its own (Lean Coffee's vote opened, extension, move to the
    next topic) shows on the agenda at once, not at the keeper's next tick; the keeper may
    be opened after the announcer, so it is looked up at the call."""
    if services.agenda is not None:
        services.agenda.changed()


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


async def run_bot(config: Config) -> int:
    """`ccc-bot run`: the Matrix bot until SIGTERM/SIGINT. Raises DatabaseGone if the
    database was removed or replaced while it ran (the bot has stopped)."""
    # The Matrix adapter imports nio: only when it runs, not for the console or the tests.
    from bot.matrix.adapter import MatrixBot

    dispatcher = await open_dispatcher(config)
    bot = MatrixBot(
        config,
        dispatcher,
        announcer=functools.partial(open_announcer, dispatcher.services),
        agenda=functools.partial(open_agenda, dispatcher.services),
    )

    async def when_ready() -> None:
        # The chart process made ready imports matplotlib (a second of CPU): once the bot
        # is started, so it does not slow the start-up and the first answers.
        await bot.ready.wait()
        await start_services(dispatcher.services)

    services = asyncio.create_task(when_ready(), name="start services")
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, bot.stop)
    store = dispatcher.services.store
    try:
        await bot.run()
    except asyncio.CancelledError:
        if not bot.stopping:
            raise
        if store.gone is None:
            log.info("stopped before start-up had finished")
    except StoreStopped:
        if store.gone is not None:
            raise
        log.info("stopped while waiting for disk space; what was not stored is done at the next start")
    finally:
        services.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await services
        await close_services(dispatcher.services)
    if store.gone is not None:
        raise store.gone
    return 0
