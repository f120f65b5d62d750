"""The Matrix adapter's wiring: log in, put the parts together, start and stop them.

    sync.py ──> events of served rooms, written to the inbox (inbox.py) together with the
                sync token
            ──> workers.py: one worker per room (rooms in parallel; in a room one command
                at a time, people taking turns)
            ──> dispatcher ──> replies sent by sender.py as m.notice, marked done in the inbox

rooms.py resolves, joins and watches the served rooms (invites, power levels, the direct
rooms, left when no longer private); crypto.py keeps encryption going. Writing the events
and the token in one transaction, and marking each event done only after its replies are
sent (with transaction ids derived from the event), is what makes a crash or restart
neither lose nor repeat an answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from nio import AsyncClient, AsyncClientConfig, WhoamiResponse

from bot import __version__
from bot.core.clock import UTC, Clock, SystemClock, iso
from bot.core.config import Config
from bot.core.dispatcher import Dispatcher
from bot.core.logs import hide_secrets
from bot.core.model import LoginFailed, Membership, Sender
from bot.features.agenda.keeper import AgendaKeeper, AgendaPort
from bot.features.announcements.jobs import Jobs
from bot.features.announcements.sending import Announcer
from bot.features.schedule.held import next_held_sessions
from bot.features.schedule.repository import load_cancellations
from bot.matrix.agenda import MatrixAgendaPort
from bot.matrix.credentials import Credentials, password_login, stored_credentials
from bot.matrix.crypto import Crypto, e2e_available
from bot.matrix.profiles import profile_zone_reader
from bot.matrix.responses import describe
from bot.matrix.rooms import Rooms
from bot.matrix.sender import MatrixSender
from bot.matrix.sync import SYNC_TIMEOUT_MS, Syncer
from bot.matrix.workers import RoomWorkers
from bot.storage.store import StoreStopped

if TYPE_CHECKING:  # imported when started, after the first sync: not in the way of the first answers
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from bot.web.server import WebServer

log = logging.getLogger(__name__)

# At start, how long (in seconds) what came while the bot was down may hold back the catch-up
# of what fell due meanwhile.
BACKLOG_WAIT = 15


# What the wiring (bot/app.py) hands the adapter to make, once the rooms are joined: the
# announcer (not started) from the sender and whether a person is still in a served room;
# the keeper of the rooms' pinned agenda (not started) from the port it edits through and
# the rooms, None when the agenda is turned off.
OpenAnnouncer = Callable[[Sender, Membership], Announcer]
OpenAgenda = Callable[[AgendaPort, list[str]], "AgendaKeeper | None"]


class MatrixBot:
    def __init__(
        self,
        config: Config,
        dispatcher: Dispatcher,
        clock: Clock | None = None,
        *,
        announcer: OpenAnnouncer,
        agenda: OpenAgenda,
    ):
        self.config = config
        self.dispatcher = dispatcher
        self.open_announcer = announcer
        self.open_agenda = agenda
        self.store = dispatcher.services.store
        self.clock = clock or SystemClock()
        self.client: AsyncClient | None = None
        self.workers: RoomWorkers | None = None
        self._stopping = asyncio.Event()
        self.ready = asyncio.Event()
        self._task: asyncio.Task[Any] | None = None
        self.scheduler: AsyncIOScheduler | None = None
        self.jobs: Jobs | None = None
        self.agenda: AgendaKeeper | None = None
        self.web: WebServer | None = None
        self._sync: Syncer | None = None

    async def run(self) -> None:
        """Until stopped; raises DatabaseGone (after shutting down) if a write found the
        database removed or replaced meanwhile."""
        self._task = asyncio.current_task()
        # Whichever part's write finds the database gone, the whole bot stops.
        self.store.when_gone(self.stop)
        creds = stored_credentials(self.config) or await password_login(self.config)
        hide_secrets(creds.access_token)
        m = self.config.matrix
        encryption = m.encryption and e2e_available()
        if m.encryption and not encryption:
            log.warning("matrix.encryption is on but matrix-nio[e2e] is not installed: encrypted rooms are not served")
        client = self.client = _open_client(self.config, creds, encryption)
        rooms = Rooms(client, self.store, self.config)
        self.dispatcher.services.power_level = rooms.power_level
        self.dispatcher.services.is_member = rooms.is_member
        sender = MatrixSender(client, self.store, rooms.direct, self.clock, self.dispatcher.services.language)
        # `!remind` opens the person's direct room when they opt in.
        self.dispatcher.services.open_direct_chat = sender.open_direct
        # Times for someone who set no zone with !tz are in the one their profile publishes.
        self.dispatcher.services.profile_zones.read = profile_zone_reader(client)
        # `!forgetme` erases the record of the person's direct room: it is left.
        self.dispatcher.services.on_forget.append(rooms.direct.forget_person)
        crypto = Crypto(client, self.store, self.config, sender, self.clock)
        workers = self.workers = RoomWorkers(self.dispatcher, sender, self.clock, rooms)
        sync = self._sync = Syncer(client, self.store, self.config, self.clock, rooms, crypto, workers, self._stopping)
        try:
            await _restore_login(client, creds)
            if encryption:
                await crypto.start()
            await rooms.resolve_served()
            await sync.first()
            await rooms.join_served()
            await sync.settle()
            log.info(
                "ccc-bot %s started as %s on %s, serving %s",
                __version__,
                creds.user_id,
                m.homeserver,
                rooms.summary(),
            )
            await workers.resume()
            # What people did while the bot was down (a 👍 on a vote to go on that closed
            # meanwhile) is read before what fell due is done; a long backlog waits no longer.
            if not await workers.settled(BACKLOG_WAIT):
                log.info("the backlog is still being handled after %s s; announcements start anyway", BACKLOG_WAIT)
            await self._start_announcer(sender, rooms)
            self._start_agenda(client, sender, rooms)
            await self._start_web()
            await self.store.set_meta("bot_state", f"running since {iso(self.clock.now())}")
            self.ready.set()
            await sync.loop()
        finally:
            await self._shutdown()
        if self.store.gone is not None:
            raise self.store.gone

    async def _start_announcer(self, sender: MatrixSender, rooms: Rooms) -> None:
        """Announcements start once the rooms are joined; jobs are rebuilt from the
        database, and what fell due while the bot was down is caught up (or skipped).
        The reminders by direct message run on the same scheduler."""
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self.scheduler.start()
        announcer = self.open_announcer(sender, rooms.is_member)
        self.jobs = Jobs(announcer)
        await self.jobs.start(self.scheduler)
        await announcer.run_due()
        # What the catch-up itself made due (a vote to go on it opened or kept open) is
        # planned now, not at the next tick a minute on.
        await self.jobs.replan()
        next_run = min((job.next_run_time for job in self.scheduler.get_jobs() if job.next_run_time), default=None)
        cancels = await load_cancellations(self.store)
        upcoming = next_held_sessions(self.config, cancels, self.clock.now(), 1)
        log.info(
            "next session: %s; next scheduled job at %s",
            upcoming[0].key if upcoming else "none",
            iso(next_run) if next_run else "none",
        )

    def _start_agenda(self, client: AsyncClient, sender: MatrixSender, rooms: Rooms) -> None:
        """The pinned agenda of each configured room (bot/matrix/agenda.py), unless turned off."""
        port = MatrixAgendaPort(client, sender, rooms.power_level)
        self.agenda = self.open_agenda(port, sorted(rooms.configured))
        if self.agenda is not None:
            self.agenda.start()

    async def _start_web(self) -> None:
        """The read-only HTTP server (bot/web), when `web.enabled`."""
        if self.config.web.enabled:
            from bot.web.server import WebServer

            self.web = WebServer(self.dispatcher.services)
            await self.web.start()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def stop(self) -> None:
        self._stopping.set()
        # A write waiting for disk space gives up: what it was for is done at the next start.
        self.store.stop_waiting()
        # Before the sync loop runs, start-up may be waiting on a homeserver that does not
        # answer (nio retries connection errors for ever): cut it short.
        if not self.ready.is_set() and self._task is not None:
            self._task.cancel()

    async def _shutdown(self) -> None:
        if self._sync is not None:
            self._sync.close()
        self.store.stop_waiting()
        if self.ready.is_set():
            # Not on a database gone, nor waiting for a full disk to make room.
            with contextlib.suppress(StoreStopped):
                await self.store.set_meta("bot_state", f"stopped at {iso(self.clock.now())}")
        if self.web is not None:
            await self.web.stop()
        if self.agenda is not None:
            await self.agenda.stop()
        if self.jobs is not None:
            await self.jobs.stop()  # and its scheduler
        elif self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
        if self.workers is not None:
            await self.workers.close()
        if self.client is not None:
            await self.client.close()


def _open_client(config: Config, creds: Credentials, encryption: bool) -> AsyncClient:
    state_dir = config.storage.state_dir
    state_dir.mkdir(parents=True, exist_ok=True)
    client_config = AsyncClientConfig(
        encryption_enabled=encryption,
        store_sync_tokens=False,  # the sync token is kept in our own database
        max_timeout_retry_wait_time=5,  # come back quickly when the homeserver does
        request_timeout=SYNC_TIMEOUT_MS / 1000 + 30,
    )
    crypto_dir = state_dir / "crypto"
    if encryption:
        crypto_dir.mkdir(parents=True, exist_ok=True)
    return AsyncClient(
        config.matrix.homeserver,
        creds.user_id,
        device_id=creds.device_id,
        store_path=str(crypto_dir) if encryption else "",
        config=client_config,
    )


async def _restore_login(client: AsyncClient, creds: Credentials) -> None:
    """Ask the homeserver which device the token belongs to before the crypto store is
    opened: keys uploaded under another device id would not work."""
    client.access_token = creds.access_token
    whoami = await client.whoami()
    if not isinstance(whoami, WhoamiResponse):
        raise LoginFailed(f"the access token was refused: {describe(whoami)}")
    device_id = whoami.device_id or creds.device_id
    if device_id != creds.device_id:
        log.info("the access token is for device %s (not %s): using that", device_id, creds.device_id)
    client.restore_login(creds.user_id, device_id, creds.access_token)
