"""The Matrix adapter (with credentials.py, the only package that imports nio).

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
import hashlib
import html
import logging
import re
import signal
import uuid
from dataclasses import dataclass
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
    RoomCreateResponse,
    RoomMemberEvent,
    RoomMessagesResponse,
    RoomMessageText,
    RoomResolveAliasResponse,
    RoomSendResponse,
    SyncResponse,
    UploadResponse,
    WhoamiResponse,
)
from nio.api import MessageDirection, RoomPreset
from nio.exceptions import LocalProtocolError

from bot import __version__, inbox
from bot.core.clock import UTC, Clock, SystemClock, iso
from bot.core.config import Config
from bot.core.dispatcher import Dispatcher, record_anchor
from bot.core.logs import hide_secrets
from bot.core.model import IncomingMessage, IncomingReaction, LoginFailed, Reply
from bot.features.announcements.announcer import Announcer
from bot.features.schedule.repository import load_cancellations, next_held_sessions
from bot.matrix.credentials import password_login, stored_credentials
from bot.storage.store import Store, write_meta

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
SEND_RETRY_WAITS = (1.0, 2.0, 4.0, 8.0, 16.0, 30.0)
_REPLY_FALLBACK = re.compile(r"\A(?:>[^\n]*\n)+\n?")


# --- credentials ---------------------------------------------------------------------


def txn_id(key: str) -> str:
    """A transaction id stable for the same logical message, so that a resend after a
    crash or a network failure is recognised by the homeserver and not shown twice."""
    return "ccc-" + hashlib.sha256(key.encode()).hexdigest()[:32]


def strip_reply_fallback(body: str) -> str:
    """Replies carry the quoted original ('> <@alice> ...') before the text; drop it."""
    return _REPLY_FALLBACK.sub("", body, count=1) if body.startswith(">") else body


# --- sending -------------------------------------------------------------------------


class MatrixSender:
    """Turns Replies into Matrix events: m.notice, escaped HTML, explicit m.mentions,
    reply/thread relations, uploads, direct messages."""

    def __init__(
        self,
        client: AsyncClient,
        store: Store,
        served: set[str] | None = None,
        configured: set[str] | None = None,
        clock: Clock | None = None,
    ):
        self.client = client
        self.store = store
        # Direct-message rooms the bot opens are served from then on.
        self.served = served if served is not None else set()
        # The configured rooms: never taken for someone's direct-message room.
        self.configured = configured if configured is not None else set()
        self.clock = clock or SystemClock()
        # When the bot last opened a direct-message room with each person. Kept in memory
        # only: it limits, and stores nothing that `!forgetme` would have to erase.
        self._dm_opened: dict[str, dt.datetime] = {}

    async def send_all(self, replies: list[Reply], in_reply_to: IncomingMessage | None = None) -> None:
        """The answers to one command, in order. When a direct message cannot be sent, the
        answers after it (which tell of it) give way to one saying why; when the person
        has yet to accept the bot's invitation, the answer says so."""
        direct: DirectRoom | None = None
        for index, reply in enumerate(replies):
            if reply.direct_to:
                direct = await self.direct_room(reply.direct_to)
                if direct.room_id is None:
                    if in_reply_to is not None:
                        await self.send(Reply(text=direct.refusal), in_reply_to, index=index)
                    return
                reply = dataclasses.replace(reply, direct_to=None, room_id=direct.room_id)
            elif direct is not None and direct.invited and reply.room_id is None:
                reply = _add_line(reply, "To read it, accept my invitation to the direct message room.")
            await self.send(reply, in_reply_to, index=index)

    async def send(self, reply: Reply, in_reply_to: IncomingMessage | None = None, index: int = 0) -> str | None:
        room_id = await self._room_for(reply, in_reply_to)
        if room_id is None:
            return None
        key = reply.key or (f"reply:{in_reply_to.event_id}:{index}" if in_reply_to else None)
        content: dict[str, Any] = {
            "msgtype": "m.notice",
            "body": reply.text,
            "format": "org.matrix.custom.html",
            "formatted_body": reply.html if reply.html is not None else html.escape(reply.text).replace("\n", "<br>"),
            # Always present, so clients never fall back to scanning the body for @room
            # or names: only the users the bot means to ping are pinged.
            "m.mentions": {"user_ids": list(reply.mentions)} if reply.mentions else {},
        }
        relation = self._relation(reply, in_reply_to, room_id)
        if relation:
            content["m.relates_to"] = relation
        event_id = await self._send_event(room_id, content, key)
        if event_id and reply.anchor:
            await record_anchor(self.store, event_id, room_id, reply.anchor)
        if event_id and reply.file:
            await self._send_file(room_id, reply, relation, f"{key}:file" if key else None)
        return event_id

    def _relation(self, reply: Reply, cmd: IncomingMessage | None, room_id: str) -> dict[str, Any] | None:
        if reply.thread_root:
            return {
                "rel_type": "m.thread",
                "event_id": reply.thread_root,
                "is_falling_back": True,
                "m.in_reply_to": {"event_id": reply.thread_root},
            }
        if cmd is None or cmd.room_id != room_id:
            return None
        if cmd.thread_root:
            return {
                "rel_type": "m.thread",
                "event_id": cmd.thread_root,
                "is_falling_back": False,
                "m.in_reply_to": {"event_id": cmd.event_id},
            }
        return {"m.in_reply_to": {"event_id": cmd.event_id}}

    async def _send_event(
        self, room_id: str, content: dict[str, Any], key: str | None, kind: str = "m.room.message"
    ) -> str | None:
        # One transaction id for every attempt: a retry after an answer that was lost on
        # the way (a proxy's 502, a dropped connection) is recognised, not shown twice.
        tx_id = txn_id(key) if key else f"ccc-{uuid.uuid4().hex}"
        for attempt, wait in enumerate((*SEND_RETRY_WAITS, None), start=1):
            try:
                resp = await self.client.room_send(room_id, kind, content, tx_id=tx_id, ignore_unverified_devices=True)
            except LocalProtocolError as e:  # e.g. a room not synced yet
                log.error("cannot send to %s: %s", room_id, e)
                return None
            except (OSError, TimeoutError) as e:  # beyond nio's own retries
                resp = e
            if isinstance(resp, RoomSendResponse):
                event_id: str = resp.event_id
                return event_id
            if wait is None or not _transient(resp):
                log.error("sending to %s failed after %d attempt(s): %s", room_id, attempt, _describe(resp))
                return None
            log.warning("sending to %s failed (%s); retrying in %g s", room_id, _describe(resp), wait)
            await asyncio.sleep(wait)
        return None

    async def _send_file(
        self, room_id: str, reply: Reply, relation: dict[str, Any] | None, key: str | None
    ) -> str | None:
        attachment = reply.file
        assert attachment is not None
        room = self.client.rooms.get(room_id)
        encrypted = bool(room and room.encrypted)
        resp, keys = await self.client.upload(
            lambda *_: attachment.data,
            content_type=attachment.mimetype,
            filename=attachment.filename,
            encrypt=encrypted,
            filesize=len(attachment.data),
        )
        if not isinstance(resp, UploadResponse):
            log.error("uploading %s failed: %s", attachment.filename, _describe(resp))
            return None
        content: dict[str, Any] = {
            "msgtype": "m.image" if attachment.is_image else "m.file",
            "body": attachment.filename,
            "filename": attachment.filename,
            "info": {"mimetype": attachment.mimetype, "size": len(attachment.data)},
            "m.mentions": {},
        }
        if encrypted and keys:
            content["file"] = {**keys, "url": resp.content_uri}
        else:
            content["url"] = resp.content_uri
        if relation:
            content["m.relates_to"] = relation
        return await self._send_event(room_id, content, key)

    async def _room_for(self, reply: Reply, cmd: IncomingMessage | None) -> str | None:
        if reply.direct_to:
            return (await self.direct_room(reply.direct_to)).room_id
        room_id = reply.room_id or (cmd.room_id if cmd else None)
        if room_id is None:
            # Not its text: a reply may quote a topic or a note, which the log must not keep.
            log.error("a reply with no room to go to was dropped (%d characters)", len(reply.text))
        return room_id

    async def direct_room(self, user_id: str) -> DirectRoom:
        """The bot's direct-message room with a user: one they are in (joined or invited)
        if there is one, else a new one, at most once per DM_ROOM_INTERVAL per person."""
        key = f"dm:{user_id}"
        known = await self.store.get_meta(key)
        room_id = self._room_with(user_id, known)
        if room_id is not None:
            if room_id != known:  # e.g. after `!forgetme`, which erased the record
                await self.store.set_meta(key, room_id)
            self.served.add(room_id)
            return DirectRoom(room_id, invited=user_id in self.client.rooms[room_id].invited_users)
        now = self.clock.now()
        last = self._dm_opened.get(user_id)
        if last is not None and now - last < DM_ROOM_INTERVAL:
            log.info("not opening another direct message room with %s before %s", user_id, iso(last + DM_ROOM_INTERVAL))
            return DirectRoom(None, refusal=_too_soon(last + DM_ROOM_INTERVAL, now))
        # Taken before the request goes out: two commands at once open one room, not two.
        self._dm_opened = {u: t for u, t in self._dm_opened.items() if now - t < DM_ROOM_INTERVAL}
        self._dm_opened[user_id] = now
        resp = await self.client.room_create(
            invite=[user_id],
            is_direct=True,
            preset=RoomPreset.trusted_private_chat,
            initial_state=[_ENCRYPTION_STATE] if self.client.olm else [],
        )
        if not isinstance(resp, RoomCreateResponse):
            log.error("could not open a direct message with %s: %s", user_id, _describe(resp))
            return DirectRoom(None, refusal=DM_FAILED)
        await self.store.set_meta(key, resp.room_id)
        self.served.add(resp.room_id)
        if known and known in self.client.rooms:
            await self._leave_abandoned(known)
        # Sending needs the room in the client's state, with the invitee in it: in an
        # encrypted room the key is shared with the members nio knows when it first sends,
        # and one sent before the invite was synced could never be read by them.
        for _ in range(100):
            room = self.client.rooms.get(resp.room_id)
            if room is not None and user_id in room.users:
                break
            await asyncio.sleep(0.1)
        else:
            log.warning("the direct message room with %s did not sync in time; sending anyway", user_id)
        return DirectRoom(resp.room_id, invited=True)

    def _room_with(self, user_id: str, known: str | None) -> str | None:
        """A room of the bot's, not a configured one, whose only people are the bot and
        `user_id` (joined or invited): the recorded one first, then one joined."""
        found = []
        for room_id, room in self.client.rooms.items():
            if room_id in self.configured or user_id not in room.users:
                continue
            if set(room.users) <= {user_id, self.client.user_id}:
                found.append((room_id != known, user_id in room.invited_users, room_id))
        return min(found)[2] if found else None

    async def _leave_abandoned(self, room_id: str) -> None:
        """The person left it: the bot leaves too, rather than keep an empty room."""
        self.served.discard(room_id)
        resp = await self.client.room_leave(room_id)
        if isinstance(resp, ErrorResponse):
            log.warning("could not leave the abandoned direct message room %s: %s", room_id, _describe(resp))


@dataclass(frozen=True)
class DirectRoom:
    """Where a direct message goes (`room_id`), or why it cannot (`refusal`)."""

    room_id: str | None
    invited: bool = False  # the person has not accepted the invitation yet
    refusal: str = ""


# At most one new direct-message room per person in this long, however often asked.
DM_ROOM_INTERVAL = dt.timedelta(hours=1)
DM_FAILED = (
    "I could not open a direct message room with you, so nothing was sent. "
    "Please try again later; if it keeps failing, tell the bot's operator."
)


def _too_soon(when: dt.datetime, now: dt.datetime) -> str:
    minutes = max(1, -(-int((when - now).total_seconds()) // 60))
    return (
        "I opened a direct message room with you less than an hour ago and you are no longer in it, "
        "so nothing was sent: I open at most one an hour. "
        f"Please try again after {when.astimezone(UTC):%H:%M} UTC (in {minutes} minute{'s' if minutes != 1 else ''})."
    )


def _add_line(reply: Reply, line: str) -> Reply:
    html_body = reply.html if reply.html is not None else html.escape(reply.text).replace("\n", "<br>")
    return dataclasses.replace(reply, text=f"{reply.text}\n{line}", html=f"{html_body}<br>{html.escape(line)}")


_ENCRYPTION_STATE = {"type": "m.room.encryption", "state_key": "", "content": {"algorithm": "m.megolm.v1.aes-sha2"}}


def _transient(resp: Any) -> bool:
    """A failure worth retrying: the network, the homeserver or a proxy in front of it
    (5xx), or a rate limit nio gave up on; not a refusal such as M_FORBIDDEN."""
    if isinstance(resp, BaseException):
        return True
    http = getattr(getattr(resp, "transport_response", None), "status", None)
    return (isinstance(http, int) and http >= 500) or getattr(resp, "status_code", None) == "M_LIMIT_EXCEEDED"


def _describe(resp: Any) -> str:
    if isinstance(resp, ErrorResponse):
        return f"{resp.status_code or ''} {resp.message}".strip()
    return type(resp).__name__


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
                raise LoginFailed(f"the access token was refused: {_describe(whoami)}")
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
                            _describe(resp),
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
            log.warning("first sync failed (%s); retrying", _describe(resp))
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
                log.warning("sync failed (%s); retrying in %d s", _describe(resp), wait)
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
                    log.warning("%s failed (%s); tried again after the next sync", what, _describe(done))
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
                log.warning("could not fetch the missed messages of %s: %s", room_id, _describe(resp))
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
                log.error("cannot resolve %s: %s", room, _describe(resp))
        # The bot's own direct-message rooms are served too (for !mydata and the like).
        self.served.update((await self.store.meta_with_prefix("dm:")).values())

    async def _join_served_rooms(self) -> None:
        assert self.client is not None
        for room_id in sorted(self.served):
            if room_id in self.client.rooms:
                continue
            resp = await self.client.join(room_id)
            if isinstance(resp, JoinError):
                log.warning("cannot join %s yet (%s); an invite will be accepted", room_id, _describe(resp))

    async def _on_invite(self, room_id: str) -> None:
        assert self.client is not None
        room = self.client.invited_rooms.get(room_id)
        if room_id in self.served:
            resp = await self.client.join(room_id)
            if isinstance(resp, JoinError):
                log.error("could not accept the invite to %s: %s", room_id, _describe(resp))
            else:
                log.info("accepted the invite to %s", room_id)
            return
        inviter = room.inviter if room else None
        left = await self.client.room_leave(room_id)
        if isinstance(left, ErrorResponse):
            log.warning("could not decline the invite to %s: %s", room_id, _describe(left))
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
