"""Encryption: whether matrix-nio[e2e] is there, the crypto identity kept across restarts
(a lost store is said loudly), the key uploads, queries and claims after each sync,
trusting people's devices (matrix.trust), and a notice when a message cannot be decrypted."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from nio import AsyncClient, ErrorResponse

from bot.core.clock import Clock
from bot.core.config import Config
from bot.core.i18n import N_, room_language
from bot.core.model import Reply
from bot.matrix.responses import describe
from bot.matrix.sender import MatrixSender
from bot.storage.store import Store

log = logging.getLogger(__name__)

UNDECRYPTABLE = N_(
    "I could not decrypt a message here, so I could not answer it. If you sent a command, "
    "please send it again in a minute; if this keeps happening, tell the bot's operator."
)


def e2e_available() -> bool:
    try:
        from nio.crypto import ENCRYPTION_ENABLED
    except ImportError:
        return False
    return bool(ENCRYPTION_ENABLED)


class Crypto:
    def __init__(self, client: AsyncClient, store: Store, config: Config, sender: MatrixSender, clock: Clock):
        self.client = client
        self.store = store
        self.config = config
        self.sender = sender
        self.clock = clock
        self._undecryptable_notice: dict[str, dt.datetime] = {}
        self._background: set[asyncio.Task[str | None]] = set()

    async def start(self) -> None:
        """Once logged in with encryption on: check the identity, upload the keys."""
        await self._check_identity()
        if self.client.should_upload_keys:
            resp = await self.client.keys_upload()
            if isinstance(resp, ErrorResponse):
                log.error(
                    "uploading this device's encryption keys failed (%s): encrypted rooms will not "
                    "work. If the crypto store was lost, log in as a new device with `ccc-bot login`.",
                    describe(resp),
                )

    async def _check_identity(self) -> None:
        """A lost or replaced crypto store is said loudly: old encrypted messages can no
        longer be read and people in encrypted rooms will see new keys for the bot."""
        client = self.client
        assert client.olm is not None, "encryption is on, so nio has opened the crypto store"
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

    async def after_sync(self) -> None:
        """The key traffic a sync calls for; a failure is tried again after the next."""
        client = self.client
        if not client.olm:
            return
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
        for user_id in list(client.device_store.users):
            for device in client.device_store.active_user_devices(user_id):
                if device.verified or device.blacklisted or device.id == client.device_id:
                    continue
                client.verify_device(device)
                if self.config.matrix.trust == "tofu":
                    log.info("trusting %s's device %s on first use", user_id, device.id)

    def undecryptable(self, room_id: str) -> None:
        """Say so in the room (in the rooms' language), at most once an hour, rather than go
        silent or spam."""
        now = self.clock.now()
        last = self._undecryptable_notice.get(room_id)
        if last and now - last < dt.timedelta(hours=1):
            return
        self._undecryptable_notice[room_id] = now
        log.warning("could not decrypt a message in %s", room_id)
        task = asyncio.create_task(
            self.sender.send(Reply(text=room_language(self.config).gettext(UNDECRYPTABLE), room_id=room_id))
        )
        self._background.add(task)
        task.add_done_callback(self._background.discard)
