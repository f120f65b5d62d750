"""The bot's own cost of a burst of reminders, without a homeserver: `people` opted in,
due at the same minute, pushed through the real pipeline (recorded, worded, each direct
room the real MatrixSender's, as recorded, marked sent) with a client
whose sends return at once. Load-independent beside `bench reminders`, which measures the
homeserver too."""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path
from typing import Any

from nio import RoomSendResponse
from nio.events.room_events import DefaultLevels, PowerLevels
from nio.rooms import MatrixRoom

from bot.app import open_services
from bot.core.clock import FakeClock
from bot.core.config import WEEKDAYS, parse_config
from bot.features.people import repository as people
from bot.features.reminders import repository as reminders
from bot.features.reminders.service import Reminders
from bot.matrix.rooms import Rooms
from bot.matrix.sender import DM_POWER_LEVELS, MatrixSender
from bot.storage.store import dm_key
from commands.reminders import REMINDER_WORDING

BOT = "@ccc-bot:example.org"
ROOM = "!room:example.org"
LEAD = dt.timedelta(minutes=5)
ZONES = ("Europe/Berlin", "America/New_York", None)


class InstantClient:
    """Stands in for nio's AsyncClient: the rooms the bot is in, and sends that return at once."""

    def __init__(self) -> None:
        self.user_id = BOT
        self.olm = None
        self.rooms: dict[str, MatrixRoom] = {}
        self.sent = 0

    def room(self, room_id: str, *users: str) -> MatrixRoom:
        """A room with `users` in it; invite-only, only the bot may change it, as the bot
        opens its direct rooms."""
        room = MatrixRoom(room_id, BOT)
        for user in (BOT, *users):
            room.add_member(user, None, None)
        room.members_synced = True
        levels = {k: v for k, v in DM_POWER_LEVELS.items() if k in DefaultLevels.__dataclass_fields__}
        room.power_levels = PowerLevels(DefaultLevels(**levels), {}, {})
        self.rooms[room_id] = room
        return room

    async def room_send(self, room_id: str, kind: str, content: dict[str, Any], **_: Any) -> RoomSendResponse:
        self.sent += 1
        return RoomSendResponse(f"$event{self.sent}", room_id)


async def run(count: int) -> float:
    """Seconds the bot takes to send `count` reminders due at the same minute."""
    due = dt.datetime(2026, 11, 26, 7, 55, tzinfo=dt.UTC)
    session = due + LEAD
    with tempfile.TemporaryDirectory() as folder:
        config = parse_config(
            {
                "matrix": {"homeserver": "https://matrix.example.org", "user_id": BOT, "rooms": [ROOM]},
                "conference": {
                    "timezone": "UTC",
                    "slots": [f"{WEEKDAYS[session.weekday()].capitalize()} {session:%H:%M}"],
                    "announce_before": ["1d"],
                },
                "storage": {"database": "ccc.sqlite3", "state_dir": "state"},
            },
            base_dir=Path(folder),
        )
        services = await open_services(config, clock=FakeClock(due - dt.timedelta(hours=1)))
        try:
            client = InstantClient()
            users = [f"@member{i}:example.org" for i in range(count)]
            client.room(ROOM, *users)
            for i, user in enumerate(users):
                client.room(f"!dm{i}:example.org", user)
                await services.store.set_meta(dm_key(user), f"!dm{i}:example.org")
                await reminders.set_setting(services.store, user, None, LEAD, services.clock.now())
                await people.set_timezone(services.store, user, ZONES[i % len(ZONES)])
            rooms = Rooms(client, services.store, config)  # type: ignore[arg-type]
            await rooms.resolve_served()  # the configured room, and the direct rooms recorded
            sender = MatrixSender(client, services.store, rooms.direct, services.clock)  # type: ignore[arg-type]
            riding = Reminders(services, sender, REMINDER_WORDING, rooms.is_member)
            services.clock.set(due)  # type: ignore[attr-defined]
            began = time.perf_counter()
            await riding.run_due(due)
            took = time.perf_counter() - began
            assert client.sent == count, f"sent {client.sent} of {count}"
            return took
        finally:
            await services.store.close()
