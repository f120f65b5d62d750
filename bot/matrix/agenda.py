"""The agenda's Matrix side (bot/features/agenda's AgendaPort): post it, edit it in place
(`m.replace` with `m.new_content`, so Element shows one message that changes), find out
whether it was redacted, and pin it through `m.room.pinned_events` when the bot's power
level allows. Everything goes through the client the sender uses, so in an encrypted room
the edits are encrypted like every other message."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Collection
from typing import Any

from nio import (
    AsyncClient,
    ErrorResponse,
    RedactedEvent,
    RoomGetEventResponse,
    RoomGetStateEventResponse,
    RoomPutStateResponse,
    RoomSendResponse,
)
from nio.exceptions import LocalProtocolError

from bot.core.model import Reply
from bot.core.text import Text
from bot.features.agenda.keeper import EditOutcome, PinOutcome
from bot.matrix.responses import describe, transient
from bot.matrix.sender import MatrixSender

log = logging.getLogger(__name__)

PINNED_EVENTS = "m.room.pinned_events"


def message_content(text: Text) -> dict[str, Any]:
    return {
        "msgtype": "m.notice",
        "body": text.plain,
        "format": "org.matrix.custom.html",
        "formatted_body": text.html,
        "m.mentions": {},
    }


def edit_content(event_id: str, text: Text) -> dict[str, Any]:
    """An edit of `event_id` to `text`: clients that know edits show `m.new_content` in
    place of the original; others show the "* " fallback as a new message."""
    new = message_content(text)
    return {
        "msgtype": "m.notice",
        "body": f"* {text.plain}",
        "format": "org.matrix.custom.html",
        "formatted_body": f"* {text.html}",
        "m.new_content": new,
        "m.mentions": {},
        "m.relates_to": {"rel_type": "m.replace", "event_id": event_id},
    }


class MatrixAgendaPort:
    def __init__(self, client: AsyncClient, sender: MatrixSender, power_level: Callable[[str, str], int | None]):
        self.client = client
        self.sender = sender
        self.power_level = power_level

    def joined(self, room_id: str) -> bool:
        return room_id in self.client.rooms

    async def post(self, room_id: str, text: Text, key: str) -> str | None:
        return await self.sender.send(Reply.of(text, room_id=room_id, key=key))

    async def edit(self, room_id: str, event_id: str, text: Text) -> EditOutcome:
        content = edit_content(event_id, text)
        try:
            resp: Any = await self.client.room_send(
                room_id, "m.room.message", content, tx_id=f"ccc-{uuid.uuid4().hex}", ignore_unverified_devices=True
            )
        except LocalProtocolError as e:
            log.warning("cannot edit the agenda in %s: %s", room_id, e)
            return EditOutcome.FAILED
        except (OSError, TimeoutError) as e:
            resp = e
        if isinstance(resp, RoomSendResponse):
            return EditOutcome.DONE
        if transient(resp):
            # The sender's retries, with their waits; an edit sent twice shows the same text.
            sent = await self.sender._send_event(room_id, content, None)
            return EditOutcome.DONE if sent else EditOutcome.FAILED
        log.warning("editing the agenda %s in %s was refused: %s", event_id, room_id, describe(resp))
        return EditOutcome.REFUSED

    async def exists(self, room_id: str, event_id: str) -> bool:
        try:
            resp = await self.client.room_get_event(room_id, event_id)
        except (OSError, TimeoutError):
            return True
        if isinstance(resp, RoomGetEventResponse):
            event = resp.event
            source = getattr(event, "source", {}) or {}
            redacted = isinstance(event, RedactedEvent) or "redacted_because" in (source.get("unsigned") or {})
            return not redacted and bool(source.get("content"))
        return getattr(resp, "status_code", None) != "M_NOT_FOUND"

    def may_pin(self, room_id: str) -> bool | None:
        """Whether the bot's power level allows changing the pinned events (None: unknown)."""
        room = self.client.rooms.get(room_id)
        level = self.power_level(room_id, self.client.user_id)
        if room is None or level is None:
            return None
        needed: int = room.power_levels.get_state_event_required_level(PINNED_EVENTS)
        return level >= needed

    async def pin(self, room_id: str, event_id: str, unpin: Collection[str]) -> PinOutcome:
        if self.may_pin(room_id) is False:
            return PinOutcome.NOT_ALLOWED
        current: list[str] = []
        resp: Any = await self.client.room_get_state_event(room_id, PINNED_EVENTS)
        if isinstance(resp, RoomGetStateEventResponse):
            current = [e for e in resp.content.get("pinned", []) if isinstance(e, str)]
        elif getattr(resp, "status_code", None) != "M_NOT_FOUND":
            log.warning("could not read the pinned events of %s: %s", room_id, describe(resp))
            return PinOutcome.FAILED
        pinned = [e for e in current if e != event_id and e not in unpin] + [event_id]
        if pinned == current:
            return PinOutcome.PINNED
        put: Any = await self.client.room_put_state(room_id, PINNED_EVENTS, {"pinned": pinned})
        if isinstance(put, RoomPutStateResponse):
            return PinOutcome.PINNED
        if isinstance(put, ErrorResponse) and put.status_code == "M_FORBIDDEN":
            return PinOutcome.NOT_ALLOWED
        log.warning("pinning the agenda in %s failed: %s", room_id, describe(put))
        return PinOutcome.FAILED
