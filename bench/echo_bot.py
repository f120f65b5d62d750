"""The floor for `bench latency`: a bare matrix-nio bot that answers every text message in
its room with an m.notice reply, and does nothing else (no database, no inbox, no parsing).

For a fair floor it syncs exactly as ccc-bot does (the same long-poll timeout, filter and
client settings, imported from bot/matrix/sync.py), never blocks its sync loop on a send, and
sends the same shape of reply: m.notice, HTML body, explicit m.mentions, a reply relation.

    python -m bench.echo_bot --homeserver URL --user-id @echo:localhost \\
        --device-id DEV --token-file FILE --room '!room:localhost'

It prints "echo bot ready" once it is in the room and has synced.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import signal
from pathlib import Path

from nio import AsyncClient, AsyncClientConfig, JoinError, RoomMessageText, SyncResponse

from bot.matrix.sync import SYNC_FILTER, SYNC_TIMEOUT_MS

READY = "echo bot ready"


def client_config() -> AsyncClientConfig:
    # As MatrixBot.run configures its client (encryption off, as in the benchmark room).
    return AsyncClientConfig(
        store_sync_tokens=False,
        max_timeout_retry_wait_time=5,
        request_timeout=SYNC_TIMEOUT_MS / 1000 + 30,
    )


def echo(event: RoomMessageText) -> dict:
    body = f"echo: {event.body}"
    return {
        "msgtype": "m.notice",
        "body": body,
        "format": "org.matrix.custom.html",
        "formatted_body": html.escape(body),
        "m.mentions": {},
        "m.relates_to": {"m.in_reply_to": {"event_id": event.event_id}},
    }


class EchoBot:
    def __init__(self, client: AsyncClient, room_id: str):
        self.client = client
        self.room_id = room_id
        self._sending: set[asyncio.Task] = set()

    async def run(self) -> None:
        joined = await self.client.join(self.room_id)
        if isinstance(joined, JoinError):
            raise SystemExit(f"cannot join {self.room_id}: {joined.message}")
        first = await self.client.sync(timeout=0, full_state=True, sync_filter=SYNC_FILTER)
        if not isinstance(first, SyncResponse):
            raise SystemExit(f"first sync failed: {first}")
        token = first.next_batch  # what was said before it started is not for it
        print(READY, flush=True)
        while True:
            resp = await self.client.sync(timeout=SYNC_TIMEOUT_MS, since=token, sync_filter=SYNC_FILTER)
            if not isinstance(resp, SyncResponse):
                await asyncio.sleep(1)
                continue
            token = resp.next_batch
            for room_id, info in resp.rooms.join.items():
                for event in info.timeline.events:
                    if isinstance(event, RoomMessageText) and event.sender != self.client.user_id:
                        self._send(room_id, echo(event))

    def _send(self, room_id: str, content: dict) -> None:
        task = asyncio.create_task(self.client.room_send(room_id, "m.room.message", content))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)


async def amain(args: argparse.Namespace, token: str) -> int:
    client = AsyncClient(args.homeserver, args.user_id, device_id=args.device_id, config=client_config())
    client.restore_login(args.user_id, args.device_id, token)
    bot = EchoBot(client, args.room)
    runner = asyncio.create_task(bot.run())
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, runner.cancel)
    try:
        with contextlib.suppress(asyncio.CancelledError):
            await runner
    finally:
        await client.close()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.echo_bot", description=__doc__)
    parser.add_argument("--homeserver", required=True)
    parser.add_argument("--user-id", required=True)
    parser.add_argument("--device-id", required=True)
    parser.add_argument("--token-file", required=True, help="a file holding the access token")
    parser.add_argument("--room", required=True)
    args = parser.parse_args()
    return asyncio.run(amain(args, Path(args.token_file).read_text().strip()))


if __name__ == "__main__":
    raise SystemExit(main())
