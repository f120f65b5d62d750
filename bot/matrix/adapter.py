"""The Matrix adapter (with credentials.py and sender.py, the only package that imports nio).

    sync ──> events of served rooms, written to the inbox together with the sync token
         ──> one worker per room (rooms in parallel; in a room one command at a time, people
             taking turns: each person's commands in the order sent, and one person's
             backlog does not hold up anyone else)
         ──> dispatcher ──> replies sent as m.notice, marked done in the inbox

Writing the events and the token in one transaction, and marking each event done only
after its replies are sent (with transaction ids derived from the event), is what makes a
crash or restart neither lose nor repeat an answer.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import dataclasses
import datetime as dt
import logging
import re
import signal
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from nio import (
    AsyncClient,
    AsyncClientConfig,
    ErrorResponse,
    JoinError,
    MegolmEvent,
    ReactionEvent,
    RedactionEvent,
    RoomCreateEvent,
    RoomMemberEvent,
    RoomMessagesResponse,
    RoomMessageText,
    RoomResolveAliasResponse,
    SyncResponse,
    WhoamiResponse,
)
from nio.api import MessageDirection

from bot import __version__
from bot.core.clock import UTC, Clock, SystemClock, iso
from bot.core.config import Config
from bot.core.dispatcher import Dispatcher
from bot.core.logs import hide_secrets
from bot.core.model import IncomingMessage, IncomingReaction, LoginFailed, Reply
from bot.features.announcements.announcer import Announcer
from bot.features.schedule.repository import load_cancellations, next_held_sessions
from bot.matrix import inbox
from bot.matrix.credentials import password_login, stored_credentials
from bot.matrix.sender import MatrixSender, describe
from bot.storage.store import dm_key, write_meta

log = logging.getLogger(__name__)

SYNC_TIMEOUT_MS = 30_000
# Enough history per room that commands sent while the bot was down are not cut off.
SYNC_FILTER = {"room": {"timeline": {"limit": 200}, "state": {"lazy_load_members": False}}}
CREATOR_POWER = 1_000_000
# Handled commands are kept this long (so a redelivered event is recognised), then purged.
INBOX_RETENTION = dt.timedelta(days=7)
# Waits between attempts at a send that failed for a passing reason (about a minute in all).
# How far back a limited timeline is filled in after a downtime: pages of 100 events.
BACKFILL_PAGES = 20
_REPLY_FALLBACK = re.compile(r"\A(?:>[^\n]*\n)+\n?")


def strip_reply_fallback(body: str) -> str:
    """Replies carry the quoted original ('> <@alice> ...') before the text; drop it."""
    return _REPLY_FALLBACK.sub("", body, count=1) if body.startswith(">") else body


# --- the bot -------------------------------------------------------------------------


class MatrixBot:
    def __init__(self, config: Config, dispatcher: Dispatcher, clock: Clock | None = None):
        self.config = config
        self.dispatcher = dispatcher
        self.store = dispatcher.services.store
        self.clock = clock or SystemClock()
        self.client: AsyncClient | None = None
        self.sender: MatrixSender | None = None
        self.served: set[str] = set()
        self.configured: set[str] = set()  # the served rooms from the config, without DMs
        self._creators: dict[str, set[str]] = {}
        self._queues: dict[str, RoomQueue] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._stopping = asyncio.Event()
        self._first_start_ms = 0
        self._undecryptable_notice: dict[str, dt.datetime] = {}
        self._background: set[asyncio.Task[str | None]] = set()
        self.ready = asyncio.Event()
        self._task: asyncio.Task[Any] | None = None
        self.scheduler: AsyncIOScheduler | None = None
        self.announcer: Announcer | None = None

    # -- lifecycle --

    async def run(self) -> None:
        self._task = asyncio.current_task()
        creds = stored_credentials(self.config) or await password_login(self.config)
        hide_secrets(creds.access_token)
        m = self.config.matrix
        state_dir = self.config.storage.state_dir
        state_dir.mkdir(parents=True, exist_ok=True)
        encryption = m.encryption and _e2e_available()
        if m.encryption and not encryption:
            log.warning("matrix.encryption is on but matrix-nio[e2e] is not installed: encrypted rooms are not served")
        client_config = AsyncClientConfig(
            encryption_enabled=encryption,
            store_sync_tokens=False,  # the sync token is kept in our own database
            max_timeout_retry_wait_time=5,  # come back quickly when the homeserver does
            request_timeout=SYNC_TIMEOUT_MS / 1000 + 30,
        )
        crypto_dir = state_dir / "crypto"
        if encryption:
            crypto_dir.mkdir(parents=True, exist_ok=True)
        client = AsyncClient(
            m.homeserver,
            creds.user_id,
            device_id=creds.device_id,
            store_path=str(crypto_dir) if encryption else "",
            config=client_config,
        )
        self.client = client
        self.dispatcher.services.power_level = self.power_level
        self.sender = MatrixSender(client, self.store, self.served, self.configured, self.clock)
        try:
            # Ask the homeserver which device the token belongs to before the crypto store
            # is opened: keys uploaded under another device id would not work.
            client.access_token = creds.access_token
            whoami = await client.whoami()
            if not isinstance(whoami, WhoamiResponse):
                raise LoginFailed(f"the access token was refused: {describe(whoami)}")
            device_id = whoami.device_id or creds.device_id
            if device_id != creds.device_id:
                log.info("the access token is for device %s (not %s): using that", device_id, creds.device_id)
            client.restore_login(creds.user_id, device_id, creds.access_token)
            if encryption:
                await self._check_crypto_identity()
                if client.should_upload_keys:
                    resp = await client.keys_upload()
                    if isinstance(resp, ErrorResponse):
                        log.error(
                            "uploading this device's encryption keys failed (%s): encrypted rooms will not "
                            "work. If the crypto store was lost, log in as a new device with `ccc-bot login`.",
                            describe(resp),
                        )
            await self._resolve_served_rooms()
            await self._first_sync()
            await self._join_served_rooms()
            log.info(
                "ccc-bot %s started as %s on %s, serving %s",
                __version__,
                creds.user_id,
                m.homeserver,
                ", ".join(sorted(self.served)) or "no rooms",
            )
            purged = await inbox.purge(self.store, self.clock.now() - INBOX_RETENTION)
            if purged:
                log.info("purged %d handled commands older than %s", purged, INBOX_RETENTION)
            for room_id, sender, seq in await inbox.pending(self.store):
                self._enqueue(room_id, sender, seq)
            await self._start_announcer()
            await self.store.set_meta("bot_state", f"running since {iso(self.clock.now())}")
            self.ready.set()
            await self._sync_loop()
        finally:
            await self._shutdown()

    async def _start_announcer(self) -> None:
        """Announcements start once the rooms are joined; jobs are rebuilt from the
        database, and what fell due while the bot was down is caught up (or skipped)."""
        assert self.sender is not None
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self.scheduler.start()
        self.announcer = Announcer(self.dispatcher.services, self.sender)
        await self.announcer.start(self.scheduler)
        await self.announcer.run_due()
        next_run = min((job.next_run_time for job in self.scheduler.get_jobs() if job.next_run_time), default=None)
        cancels = await load_cancellations(self.store)
        upcoming = next_held_sessions(self.config, cancels, self.clock.now(), 1)
        log.info(
            "next session: %s; next scheduled job at %s",
            upcoming[0].key if upcoming else "none",
            iso(next_run) if next_run else "none",
        )

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def stop(self) -> None:
        self._stopping.set()
        # Before the sync loop runs, start-up may be waiting on a homeserver that does not
        # answer (nio retries connection errors for ever): cut it short.
        if not self.ready.is_set() and self._task is not None:
            self._task.cancel()

    async def _shutdown(self) -> None:
        if self.ready.is_set():
            await self.store.set_meta("bot_state", f"stopped at {iso(self.clock.now())}")
        if self.announcer is not None:
            await self.announcer.stop()  # and its scheduler
        elif self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
        # Let the commands already taken finish (they are in the inbox if they don't).
        for queue in self._queues.values():
            queue.close()
        if self._workers:
            _, pending = await asyncio.wait(self._workers.values(), timeout=3)
            for task in pending:
                task.cancel()
        if self.client is not None:
            await self.client.close()

    # -- sync --

    async def _first_sync(self) -> None:
        assert self.client is not None
        token = await self.store.get_meta("sync_token")
        first = await self.store.get_meta("first_start_ms")
        if first is None:
            first = str(int(self.clock.now().timestamp() * 1000))
            await self.store.set_meta("first_start_ms", first)
        self._first_start_ms = int(first)
        while True:
            # full_state: room state (power levels, members, encryption) is not kept across
            # restarts by nio without a store, so fetch it once; the timeline since the
            # token is still incremental.
            resp = await self.client.sync(timeout=0, since=token, full_state=True, sync_filter=SYNC_FILTER)
            if isinstance(resp, SyncResponse):
                break
            log.warning("first sync failed (%s); retrying", describe(resp))
            await self._sleep(2)
        if token is None:
            # First start ever: what was said before the bot existed is not for it.
            await self.store.set_meta("sync_token", resp.next_batch)
            log.info("first start: skipped the rooms' history")
        else:
            await self._take(resp, since=token)
        await self._after_sync(resp)

    async def _sync_loop(self) -> None:
        assert self.client is not None
        failures = 0
        while not self._stopping.is_set():
            token = await self.store.get_meta("sync_token")
            sync = asyncio.ensure_future(
                self.client.sync(timeout=SYNC_TIMEOUT_MS, since=token, sync_filter=SYNC_FILTER)
            )
            stop = asyncio.ensure_future(self._stopping.wait())
            done, _ = await asyncio.wait({sync, stop}, return_when=asyncio.FIRST_COMPLETED)
            if sync not in done:
                sync.cancel()
                with contextlib.suppress(BaseException):
                    await sync
                break
            stop.cancel()
            try:
                resp = sync.result()
            except Exception as e:  # connection lost beyond nio's own retries
                resp = e
            if not isinstance(resp, SyncResponse):
                failures += 1
                wait = min(2**failures, 5)  # as nio waits between its own retries
                log.warning("sync failed (%s); retrying in %d s", describe(resp), wait)
                await self._sleep(wait)
                continue
            if failures:
                log.info("homeserver reachable again")
            failures = 0
            await self._take(resp, since=token)
            await self._after_sync(resp)

    async def _after_sync(self, resp: SyncResponse) -> None:
        client = self.client
        assert client is not None
        for room_id in resp.rooms.invite:
            await self._on_invite(room_id)
        if client.olm:
            steps = []
            if client.should_upload_keys:
                steps.append(("uploading keys", await client.keys_upload()))
            if client.should_query_keys:
                steps.append(("querying keys", await client.keys_query()))
            if client.should_claim_keys:
                steps.append(("claiming keys", await client.keys_claim(client.get_users_for_key_claiming())))
            for done in await client.send_to_device_messages() or []:
                steps.append(("sending to-device messages", done))
            for what, done in steps:
                if isinstance(done, ErrorResponse):
                    log.warning("%s failed (%s); tried again after the next sync", what, describe(done))
            self._trust_new_devices()

    def _trust_new_devices(self) -> None:
        """matrix.trust: 'tofu' trusts a device the first time it is seen and keeps its
        first key: nio ignores a later, different key for the same device and logs it.
        'all' does the same but says nothing. Either way the bot never goes silent."""
        client = self.client
        assert client is not None
        for user_id in list(client.device_store.users):
            for device in client.device_store.active_user_devices(user_id):
                if device.verified or device.blacklisted or device.id == client.device_id:
                    continue
                client.verify_device(device)
                if self.config.matrix.trust == "tofu":
                    log.info("trusting %s's device %s on first use", user_id, device.id)

    async def _check_crypto_identity(self) -> None:
        """A lost or replaced crypto store is said loudly: old encrypted messages can no
        longer be read and people in encrypted rooms will see new keys for the bot."""
        client = self.client
        assert client is not None and client.olm is not None
        identity = f"{client.device_id} {client.olm.account.identity_keys['ed25519']}"
        known = await self.store.get_meta("crypto_identity")
        if known is not None and known != identity:
            log.error(
                "the encryption keys in %s are not the ones this bot used before (device %s): the crypto "
                "store was lost or replaced. Encrypted messages sent to the old keys cannot be read. To "
                "start clean, log in as a new device with `ccc-bot login` and restart.",
                self.config.storage.state_dir / "crypto",
                client.device_id,
            )
        await self.store.set_meta("crypto_identity", identity)

    async def _take(self, resp: SyncResponse, since: str | None) -> None:
        """Write the commands of this sync and its token in one transaction, then queue them."""
        self._note_creators(resp)
        rows: list[tuple[str, str, str, str]] = []
        for room_id, info in resp.rooms.join.items():
            if room_id not in self.served:
                continue
            events = info.timeline.events
            if info.timeline.limited and since and not any(self._is_own_join(e) for e in events):
                # More happened since the last sync than one sync carries (a long
                # downtime in a busy room): page back to the stored token.
                events = [*await self._backfill(room_id, info.timeline.prev_batch, since), *events]
            # A room the bot has just joined comes with its history: only what follows
            # the bot's own join is for it.
            joins = [i for i, e in enumerate(events) if self._is_own_join(e)]
            for event in events[joins[-1] + 1 :] if joins else events:
                item = self._inbox_item(room_id, event)
                if item is not None:
                    rows.append(item)
        now = self.clock.now()
        async with self.store.transaction() as db:
            new = await inbox.add(db, rows, now)
            await write_meta(db, "sync_token", resp.next_batch)
            await write_meta(db, "last_sync", iso(now))
        for room_id, sender, seq in new:
            self._enqueue(room_id, sender, seq)

    async def _backfill(self, room_id: str, start: str | None, since: str) -> list[Any]:
        """The events between `since` and a limited timeline's start, oldest first."""
        assert self.client is not None
        older: list[Any] = []
        for _ in range(BACKFILL_PAGES):
            if not start:
                break
            resp = await self.client.room_messages(
                room_id, start=start, end=since, direction=MessageDirection.back, limit=100
            )
            if not isinstance(resp, RoomMessagesResponse):
                log.warning("could not fetch the missed messages of %s: %s", room_id, describe(resp))
                break
            older.extend(resp.chunk)
            if not resp.chunk or not resp.end or resp.end == start:
                break
            start = resp.end
        else:
            log.warning("%s: more than %d missed events; the older ones are not answered", room_id, len(older))
        if older:
            log.info("fetched %d missed events of %s", len(older), room_id)
        return older[::-1]

    def _is_own_join(self, event: Any) -> bool:
        assert self.client is not None
        return (
            isinstance(event, RoomMemberEvent)
            and event.state_key == self.client.user_id
            and event.membership == "join"
            and event.prev_membership != "join"
        )

    def _inbox_item(self, room_id: str, event: Any) -> tuple[str, str, str, str] | None:
        assert self.client is not None
        if getattr(event, "sender", None) == self.client.user_id or isinstance(event, RoomMemberEvent):
            return None
        if event.server_timestamp < self._first_start_ms:
            return None  # from before the bot first started
        if isinstance(event, RoomMessageText):
            content = event.source.get("content", {})
            relates = content.get("m.relates_to") or {}
            if relates.get("rel_type") == "m.replace":
                return None  # an edit: the command was answered as first sent
            thread = relates.get("event_id") if relates.get("rel_type") == "m.thread" else None
            room = self.client.rooms.get(room_id)
            name = room.user_name(event.sender) if room else None
            body = strip_reply_fallback(event.body or "")
            if not body.lstrip().startswith(self.config.matrix.command_prefix):
                return None  # only commands are kept: people's conversation is none of our business
            payload = inbox.message(event.sender, event.server_timestamp, body, thread, name)
            return event.event_id, room_id, inbox.MESSAGE, payload
        if isinstance(event, ReactionEvent):
            room = self.client.rooms.get(room_id)
            name = room.user_name(event.sender) if room else None
            payload = inbox.reaction(event.sender, event.server_timestamp, event.reacts_to, event.key, name)
            return event.event_id, room_id, inbox.REACTION, payload
        if isinstance(event, RedactionEvent):
            payload = inbox.redaction(event.sender, event.server_timestamp, event.redacts)
            return event.event_id, room_id, inbox.REDACTION, payload
        if isinstance(event, MegolmEvent):
            self._undecryptable(room_id)
        return None

    def _undecryptable(self, room_id: str) -> None:
        """Say so in the room, at most once an hour, rather than go silent or spam."""
        assert self.sender is not None
        now = self.clock.now()
        last = self._undecryptable_notice.get(room_id)
        if last and now - last < dt.timedelta(hours=1):
            return
        self._undecryptable_notice[room_id] = now
        log.warning("could not decrypt a message in %s", room_id)
        text = (
            "I could not decrypt a message here, so I could not answer it. If you sent a command, "
            "please send it again in a minute; if this keeps happening, tell the bot's operator."
        )
        task = asyncio.create_task(self.sender.send(Reply(text=text, room_id=room_id)))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    # -- rooms --

    async def _resolve_served_rooms(self) -> None:
        assert self.client is not None
        for room in self.config.matrix.rooms:
            if not room.startswith("#"):
                self.served.add(room)
                self.configured.add(room)
                continue
            resp = await self.client.room_resolve_alias(room)
            if isinstance(resp, RoomResolveAliasResponse):
                self.served.add(resp.room_id)
                self.configured.add(resp.room_id)
            else:
                log.error("cannot resolve %s: %s", room, describe(resp))
        # The bot's own direct-message rooms are served too (for !mydata and the like).
        self.served.update((await self.store.meta_with_prefix(dm_key())).values())

    async def _join_served_rooms(self) -> None:
        assert self.client is not None
        for room_id in sorted(self.served):
            if room_id in self.client.rooms:
                continue
            resp = await self.client.join(room_id)
            if isinstance(resp, JoinError):
                log.warning("cannot join %s yet (%s); an invite will be accepted", room_id, describe(resp))

    async def _on_invite(self, room_id: str) -> None:
        assert self.client is not None
        room = self.client.invited_rooms.get(room_id)
        if room_id in self.served:
            resp = await self.client.join(room_id)
            if isinstance(resp, JoinError):
                log.error("could not accept the invite to %s: %s", room_id, describe(resp))
            else:
                log.info("accepted the invite to %s", room_id)
            return
        inviter = room.inviter if room else None
        left = await self.client.room_leave(room_id)
        if isinstance(left, ErrorResponse):
            log.warning("could not decline the invite to %s: %s", room_id, describe(left))
            return
        log.info("declined an invite from %s to %s, which is not a served room", inviter, room_id)

    def power_level(self, room_id: str, user_id: str) -> int | None:
        """A user's power level in a configured room (never in a direct-message room,
        where the user may be an admin), from room state kept current by sync."""
        room = self.client.rooms.get(room_id) if self.client and room_id in self.configured else None
        if room is None:
            return None
        if user_id in self._creators.get(room_id, ()):
            # Room version 12 gives creators power above every level without listing them.
            return CREATOR_POWER
        level: int = room.power_levels.get_user_level(user_id)
        return level

    def _note_creators(self, resp: SyncResponse) -> None:
        for room_id, info in resp.rooms.join.items():
            for event in (*info.state, *info.timeline.events):
                if isinstance(event, RoomCreateEvent):
                    content = event.source.get("content", {})
                    if str(content.get("room_version", "1")).isdigit() and int(content.get("room_version", "1")) < 12:
                        continue  # before v12 the creator is in m.room.power_levels like anyone
                    extra = content.get("additional_creators") or []
                    self._creators[room_id] = {event.sender, *(u for u in extra if isinstance(u, str))}

    # -- handling --

    def _enqueue(self, room_id: str, sender: str, seq: int) -> None:
        queue = self._queues.get(room_id)
        if queue is None:
            queue = self._queues[room_id] = RoomQueue()
            self._workers[room_id] = asyncio.create_task(self._work(queue), name=f"room {room_id}")
        queue.put(sender, seq)

    async def _work(self, queue: RoomQueue) -> None:
        while (seq := await queue.get()) is not None:
            try:
                await self._handle(seq)
            except Exception:
                log.exception("handling inbox entry %s failed", seq)
                await inbox.mark_done(self.store, seq, self.clock.now())

    async def _handle(self, seq: int) -> None:
        assert self.sender is not None
        entry = await inbox.take(self.store, seq)
        if entry is None:
            return
        data, ts, room_id = entry.fields, entry.at, entry.room_id
        if ts is None:  # blanked (`!forgetme`) before it was handled: nothing is left of it
            await inbox.mark_done(self.store, seq, self.clock.now())
            return
        sent_to: IncomingMessage | None = None
        if entry.kind == inbox.MESSAGE:
            sent_to = IncomingMessage(
                sender=entry.sender,
                room_id=room_id,
                event_id=entry.event_id,
                body=data["body"],
                ts=ts,
                thread_root=data.get("thread_root"),
                sender_name=data.get("sender_name"),
            )
            replies = await self.dispatcher.handle(sent_to)
        else:
            added = entry.kind == inbox.REACTION
            reaction = IncomingReaction(
                sender=entry.sender,
                room_id=room_id,
                event_id=entry.event_id if added else data["redacts"],
                target=data.get("target", ""),
                key=data.get("key", ""),
                ts=ts,
                added=added,
                sender_name=data.get("sender_name"),
            )
            # A reaction has nothing to reply to: any answer goes to its room.
            replies = [
                dataclasses.replace(r, room_id=r.room_id or room_id, key=r.key or f"answer:{entry.event_id}:{i}")
                for i, r in enumerate(await self.dispatcher.handle_reaction(reaction))
            ]
        await self.sender.send_all(replies, sent_to)
        await inbox.mark_done(self.store, seq, self.clock.now())

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)


class RoomQueue:
    """A room's inbox entries, handed out one at a time with people taking turns.

    Each person's entries come in the order they were sent. A person whose turn has come
    gets one entry handled, then goes behind everyone else waiting: so with a flood of 200
    commands from one person queued, another person's command waits for at most the one
    being handled, while without a backlog the room's commands are handled in the order
    they came. Still one at a time per room, so commands never race each other.
    """

    def __init__(self) -> None:
        self._waiting: dict[str, collections.deque[int]] = {}
        self._turns: collections.deque[str] = collections.deque()
        self._ready = asyncio.Event()
        self._closed = False

    def put(self, sender: str, seq: int) -> None:
        entries = self._waiting.get(sender)
        if entries is None:
            entries = self._waiting[sender] = collections.deque()
            self._turns.append(sender)
        entries.append(seq)
        self._ready.set()

    def close(self) -> None:
        """`get` answers None once what is queued is handed out."""
        self._closed = True
        self._ready.set()

    async def get(self) -> int | None:
        while not self._turns:
            if self._closed:
                return None
            self._ready.clear()
            await self._ready.wait()
        sender = self._turns.popleft()
        entries = self._waiting[sender]
        seq = entries.popleft()
        if entries:
            self._turns.append(sender)
        else:
            del self._waiting[sender]
        return seq


def _e2e_available() -> bool:
    try:
        from nio.crypto import ENCRYPTION_ENABLED
    except ImportError:
        return False
    return bool(ENCRYPTION_ENABLED)


async def run_bot(config: Config) -> int:
    """`ccc-bot run`: the bot until SIGTERM/SIGINT."""
    from bot.app import open_dispatcher

    dispatcher = await open_dispatcher(config)
    bot = MatrixBot(config, dispatcher)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, bot.stop)
    try:
        await bot.run()
    except asyncio.CancelledError:
        if not bot.stopping:
            raise
        log.info("stopped before start-up had finished")
    finally:
        await dispatcher.services.store.close()
    return 0
