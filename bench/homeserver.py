"""What the benchmarks against a real homeserver share: a local Synapse for the length of a
run, people on it and their rooms, a person who times the bot's replies as a chat client
would (`Pinger`), and `stopping`, which stops the bot's process however the run ends and
shows its log when the run fails.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from nio import (
    AsyncClient,
    AsyncClientConfig,
    RoomCreateResponse,
    RoomPutStateResponse,
    RoomSendResponse,
    SyncResponse,
)

from bot.devtools.localsynapse import LocalSynapse
from bot.matrix.sync import SYNC_TIMEOUT_MS

if TYPE_CHECKING:
    from tests.integration.botproc import BotProcess

REPLY_TIMEOUT = 30.0


@contextlib.contextmanager
def stopping(bot: BotProcess) -> Iterator[BotProcess]:
    """Like `contextlib.closing` for the bot's process: stopped when the block ends; if the
    block fails, the end of the bot's log is printed first, to tell why."""
    try:
        yield bot
    except BaseException:
        print(f"ccc-bot log:\n{bot.output()[-3000:]}", file=sys.stderr)
        raise
    finally:
        bot.stop()


@contextlib.contextmanager
def synapse_in(folder: Path, synapse: LocalSynapse | None) -> Iterator[LocalSynapse]:
    """The given server, or a fresh one in `folder` for the length of the benchmark."""
    if synapse is not None:
        yield synapse
        return
    server = LocalSynapse(folder / "synapse")
    server.start()
    try:
        yield server
    finally:
        server.stop()


async def person(server: LocalSynapse, name: str) -> AsyncClient:
    """A new account on the local Synapse, logged in (a random suffix keeps names apart)."""
    reg = server.register_device(f"{name}-{random.randrange(1 << 30):x}", f"{name} password")
    client = AsyncClient(server.url, reg["user_id"], config=AsyncClientConfig(store_sync_tokens=False))
    client.restore_login(reg["user_id"], reg["device_id"], reg["access_token"])
    return client


async def make_room(client: AsyncClient, invite: str, name: str, *, moderator: bool = False) -> str:
    """A room with `invite` invited; as a moderator (power level 50, enough to pin) if asked."""
    created = await client.room_create(name=name, invite=[invite])
    if not isinstance(created, RoomCreateResponse):
        raise RuntimeError(f"could not create a room: {created}")
    if moderator:
        levels = await client.room_get_state_event(created.room_id, "m.room.power_levels")
        content = dict(getattr(levels, "content", {}))
        content["users"] = {**content.get("users", {}), invite: 50}
        done = await client.room_put_state(created.room_id, "m.room.power_levels", content)
        if not isinstance(done, RoomPutStateResponse):
            raise RuntimeError(f"could not make {invite} a moderator: {done}")
    return created.room_id


class Pinger:
    """A user with one long-poll sync running all the time, like a chat client; each
    reply is timed when the sync that carries it returns."""

    def __init__(self, client: AsyncClient):
        self.client = client
        self._arrived: dict[str, tuple[float, dict]] = {}
        self._waiting: dict[str, asyncio.Future[None]] = {}
        self._task: asyncio.Task | None = None
        # Edits (m.replace) seen, by room: the agenda's, in ccc-bot's room.
        self.edits: dict[str, int] = {}

    async def start(self) -> None:
        first = await self.client.sync(timeout=0, full_state=True)
        if not isinstance(first, SyncResponse):
            raise RuntimeError(f"first sync failed: {first}")
        self._task = asyncio.create_task(self._sync_forever(first.next_batch))

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _sync_forever(self, token: str) -> None:
        while True:
            resp = await self.client.sync(timeout=SYNC_TIMEOUT_MS, since=token)
            arrived = time.perf_counter()
            if not isinstance(resp, SyncResponse):
                await asyncio.sleep(0.5)
                continue
            token = resp.next_batch
            for room_id, info in resp.rooms.join.items():
                for event in info.timeline.events:
                    content = event.source.get("content", {})
                    if (content.get("m.relates_to") or {}).get("rel_type") == "m.replace":
                        self.edits[room_id] = self.edits.get(room_id, 0) + 1
                    answered = ((content.get("m.relates_to") or {}).get("m.in_reply_to") or {}).get("event_id")
                    # The first answer counts (a file, as !stats sends, follows its text).
                    if answered and answered not in self._arrived:
                        self._arrived[answered] = (arrived, content)
                        waiter = self._waiting.pop(answered, None)
                        if waiter and not waiter.done():
                            waiter.set_result(None)

    def answer_to(self, event_id: str) -> dict | None:
        """The first answer seen to an event someone else sent, if any."""
        arrived = self._arrived.get(event_id)
        return arrived[1] if arrived else None

    async def ping(self, room_id: str, body: str) -> tuple[float, dict]:
        """Seconds from sending `body` to having the reply, and the reply's content."""
        sent = time.perf_counter()
        resp = await self.client.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": body})
        if not isinstance(resp, RoomSendResponse):
            raise RuntimeError(f"sending failed: {resp}")
        if resp.event_id not in self._arrived:
            waiter = self._waiting[resp.event_id] = asyncio.get_running_loop().create_future()
            try:
                await asyncio.wait_for(waiter, REPLY_TIMEOUT)
            except TimeoutError:
                raise RuntimeError(f"no reply to {body!r} in {room_id} within {REPLY_TIMEOUT:.0f} s") from None
        arrived, content = self._arrived.pop(resp.event_id)
        return arrived - sent, content
