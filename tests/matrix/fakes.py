"""A stand-in for nio's AsyncClient that records what the adapter's parts ask of it (the
integration tests drive the real thing against Synapse)."""

from __future__ import annotations

import asyncio
import datetime as dt
from email.utils import format_datetime
from typing import Any

from nio import (
    JoinResponse,
    PowerLevelsEvent,
    RoomCreateResponse,
    RoomJoinRulesEvent,
    RoomLeaveResponse,
    RoomMessagesResponse,
    RoomSendError,
    RoomSendResponse,
    SyncResponse,
    UploadResponse,
)
from nio.events.room_events import DefaultLevels, PowerLevels

from bot.matrix.sender import DM_POWER_LEVELS

BOT = "@ccc-bot:example.org"
# A room_send failure that the homeserver did show: the answer was lost on the way back.
LOST = "lost"


class Answer:
    """What nio keeps of the HTTP response (`transport_response`)."""

    def __init__(self, status: int, headers: dict[str, str] | None = None):
        self.status = status
        self.headers = headers or {}


def error(http: int, errcode: str = "M_UNKNOWN", retry_after_ms: int | None = None) -> RoomSendError:
    resp = RoomSendError(f"{http} from the proxy", errcode, retry_after_ms)
    resp.transport_response = Answer(http)
    return resp


class FakeRoom:
    def __init__(self, room_id: str, *members: str, invited: tuple[str, ...] = (), encrypted: bool = False):
        self.room_id = room_id
        self.encrypted = encrypted
        self.users = {m: object() for m in (*members, *invited)}
        self.invited_users = {m: object() for m in invited}
        self.inviter: str | None = None
        # Whether `users` is every member (nio: after /joined_members), not only the ones
        # the lazy-loading sync has shown.
        self.members_synced = True
        # As the bot opens a direct room: invite-only, only the bot may change it.
        self.join_rule = "invite"
        self.power_levels = dm_levels()

    def join(self, user_id: str) -> None:
        self.invited_users.pop(user_id, None)
        self.users[user_id] = object()

    def leave(self, user_id: str) -> None:
        self.users.pop(user_id, None)
        self.invited_users.pop(user_id, None)

    def handle_membership(self, event) -> None:  # as nio's MatrixRoom, for m.room.member events
        if event.membership == "join":
            self.join(event.state_key)
        elif event.membership == "invite":
            self.users[event.state_key] = self.invited_users[event.state_key] = object()
        else:
            self.leave(event.state_key)

    def handle_event(self, event) -> None:  # as nio's MatrixRoom, for the state events that matter here
        if isinstance(event, RoomJoinRulesEvent):
            self.join_rule = event.join_rule
        elif isinstance(event, PowerLevelsEvent):
            self.power_levels = event.power_levels

    def user_name(self, user_id: str) -> str:
        return user_id.split(":")[0].lstrip("@").title()


def dm_levels(**users: int) -> PowerLevels:
    """A direct room's power levels as the bot sets them, with `users`' levels."""
    defaults = {k: v for k, v in DM_POWER_LEVELS.items() if k in DefaultLevels.__dataclass_fields__}
    return PowerLevels(DefaultLevels(**defaults), dict(users), {})


class Homeserver:
    """Rooms the bot creates show up at once, with the invitee invited. room_send first
    answers with `failures` in turn (exceptions are raised), then succeeds; like a real
    homeserver it shows one transaction id once, however often it is sent."""

    def __init__(self) -> None:
        self.user_id = BOT
        self.device_id = "BOTDEVICE"
        self.olm: Any = None
        self.rooms: dict[str, FakeRoom] = {}
        self.invited_rooms: dict[str, FakeRoom] = {}
        self.failures: list[Any] = []
        self.send_delay = 0.0
        self.attempts: list[str] = []  # the transaction id of every room_send
        self.sent: list[tuple[str, dict]] = []  # what people see, per room, in order
        self._shown: dict[str, str] = {}
        self._events: list[dict[str, Any]] = []  # as `room_messages` reads them back
        self.read: list[str] = []  # the rooms whose history was read, in turn
        self.created: list[str] = []
        self.create_options: list[dict[str, Any]] = []  # how each room was asked for
        self.left: list[str] = []
        self.joined: list[str] = []
        self.uploads: list[tuple[bytes, str, bool]] = []

    async def room_send(self, room_id, kind, content, tx_id=None, ignore_unverified_devices=False):
        self.attempts.append(tx_id)
        if self.send_delay:
            await asyncio.sleep(self.send_delay)
        failure = self.failures.pop(0) if self.failures else None
        if isinstance(failure, BaseException):
            raise failure
        if failure is not None and failure != LOST:
            return failure
        if tx_id not in self._shown:
            self.sent.append((room_id, content))
            self._shown[tx_id] = f"$sent{len(self.sent)}"
            self._events.append(
                {
                    "type": kind,
                    "event_id": self._shown[tx_id],
                    "sender": self.user_id,
                    "origin_server_ts": 1_800_000_000_000 + len(self.sent),
                    "content": content,
                    "unsigned": {"transaction_id": tx_id},
                    "room_id": room_id,
                }
            )
        return error(502) if failure == LOST else RoomSendResponse(self._shown[tx_id], room_id)

    async def room_messages(self, room_id, start=None, limit=10, message_filter=None):
        """The bot's own messages in a room, newest first, each with the transaction id the
        homeserver shows to their sender; all on one page."""
        self.read.append(room_id)
        chunk = [
            {k: v for k, v in event.items() if k != "room_id"}
            for event in reversed(self._events)
            if event["room_id"] == room_id
        ]
        return RoomMessagesResponse.from_dict({"chunk": chunk, "start": start or "s0"}, room_id)

    async def upload(self, data_provider, content_type, filename, encrypt, filesize):
        self.uploads.append((data_provider(0, 0), filename, encrypt))
        keys = {"key": {"k": "secret"}, "iv": "iv", "hashes": {"sha256": "h"}, "v": "v2"} if encrypt else None
        return UploadResponse(f"mxc://example.org/{filename}"), keys

    async def room_create(self, invite=(), **kwargs):
        room_id = f"!dm{len(self.created) + 1}:example.org"
        self.created.append(room_id)
        self.create_options.append(kwargs)
        self.rooms[room_id] = FakeRoom(room_id, BOT, invited=tuple(invite))
        return RoomCreateResponse(room_id)

    async def room_leave(self, room_id):
        self.left.append(room_id)
        self.rooms.pop(room_id, None)
        self.invited_rooms.pop(room_id, None)
        return RoomLeaveResponse()

    async def join(self, room_id):
        self.joined.append(room_id)
        self.invited_rooms.pop(room_id, None)
        self.rooms.setdefault(room_id, FakeRoom(room_id, BOT))
        return JoinResponse(room_id)

    def said_in(self, room_id: str) -> list[str]:
        return [c["body"] for r, c in self.sent if r == room_id and c.get("msgtype") == "m.notice"]

    def reactions_on(self, event_id: str) -> list[str]:
        """The keys of the bot's reactions (m.reaction, m.annotation) on `event_id`, as shown."""
        relations = [e["content"].get("m.relates_to") or {} for e in self._events if e["type"] == "m.reaction"]
        return [r["key"] for r in relations if r.get("rel_type") == "m.annotation" and r.get("event_id") == event_id]


def sync_of(
    room_id: str,
    *events: dict,
    batch: str = "s1",
    limited: bool = False,
    invite: tuple[str, ...] = (),
    date: dt.datetime | None = None,
):
    """A sync response; with `date`, as the homeserver answered it at that time by its own
    clock (the HTTP Date header, to the second)."""
    resp = SyncResponse.from_dict(
        {
            "next_batch": batch,
            "rooms": {
                "join": {room_id: {"timeline": {"events": list(events), "limited": limited}}},
                "invite": {r: {"invite_state": {"events": []}} for r in invite},
            },
        }
    )
    if date is not None:
        resp.transport_response = Answer(200, {"Date": format_datetime(date.astimezone(dt.UTC), usegmt=True)})
    return resp


def text_event(event_id: str, sender: str, body: str, ts: int = 1_800_000_000_000, **content: Any) -> dict:
    return {
        "type": "m.room.message",
        "event_id": event_id,
        "sender": sender,
        "origin_server_ts": ts,
        "content": {"msgtype": "m.text", "body": body, **content},
    }


def reaction_event(event_id: str, sender: str, target: str, key: str = "👍", ts: int = 1_800_000_000_000) -> dict:
    return {
        "type": "m.reaction",
        "event_id": event_id,
        "sender": sender,
        "origin_server_ts": ts,
        "content": {"m.relates_to": {"rel_type": "m.annotation", "event_id": target, "key": key}},
    }


def member_event(user_id: str, membership: str, sender: str = BOT) -> dict:
    """`user_id`'s membership, as a room's state from the homeserver carries it."""
    return {
        "type": "m.room.member",
        "event_id": f"${user_id}",
        "sender": sender,
        "state_key": user_id,
        "origin_server_ts": 1,
        "content": {"membership": membership},
    }


class SyncingHomeserver(Homeserver):
    """Also answers syncs (with `syncs`, in turn) and history pages (`history`, by start)."""

    def __init__(self) -> None:
        super().__init__()
        self.syncs: list[Any] = []
        self.history: dict[str, Any] = {}
        self.since: list[str | None] = []

    async def sync(self, timeout=0, since=None, full_state=False, sync_filter=None):  # noqa: ASYNC109 (as nio)
        self.since.append(since)
        if not self.syncs:  # nothing new: a long poll that does not end
            await asyncio.Event().wait()
        return self.syncs.pop(0)

    async def room_messages(self, room_id, start, end=None, direction=None, limit=10):
        return self.history[start]
