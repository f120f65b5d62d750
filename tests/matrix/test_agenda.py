"""The agenda's Matrix events (bot/matrix/agenda.py): an edit that Element shows in place,
pinging nobody, and a pin that keeps the room's other pins."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from nio import RoomGetStateEventError, RoomGetStateEventResponse, RoomPutStateResponse

from bot.core.text import Text
from bot.features.agenda.keeper import PinOutcome
from bot.matrix.agenda import MatrixAgendaPort, edit_content

ROOM = "!room:example.org"


def test_an_edit_replaces_the_message_with_new_content_and_pings_nobody():
    text = Text("📌 Agenda").line("• ").add("<b>@room</b>")
    content = edit_content("$agenda", text)
    assert content["m.relates_to"] == {"rel_type": "m.replace", "event_id": "$agenda"}
    assert content["body"] == "* " + text.plain  # the fallback of clients without edits
    new = content["m.new_content"]
    assert new["msgtype"] == "m.notice" and new["body"] == text.plain and new["formatted_body"] == text.html
    assert "&lt;b&gt;@room&lt;/b&gt;" in new["formatted_body"]
    assert content["m.mentions"] == {} and new["m.mentions"] == {}


class FakeClient:
    def __init__(self, pinned: list[str] | None, level_needed: int = 50):
        self.user_id = "@bot:example.org"
        levels = SimpleNamespace(get_state_event_required_level=lambda event_type: level_needed)
        self.rooms = {ROOM: SimpleNamespace(power_levels=levels)}
        self.pinned = pinned
        self.put: list[dict[str, Any]] = []

    async def room_get_state_event(self, room_id: str, event_type: str) -> Any:
        if self.pinned is None:
            return RoomGetStateEventError("not found", "M_NOT_FOUND")
        return RoomGetStateEventResponse({"pinned": self.pinned}, event_type, "", room_id)

    async def room_put_state(self, room_id: str, event_type: str, content: dict[str, Any]) -> Any:
        self.put.append(content)
        return RoomPutStateResponse("$state", room_id)


def port(client: FakeClient, level: int) -> MatrixAgendaPort:
    return MatrixAgendaPort(client, sender=None, power_level=lambda room, user: level)  # type: ignore[arg-type]


async def test_pinning_keeps_the_other_pins_and_drops_the_old_agenda():
    client = FakeClient(["$a", "$old-agenda", "$b"])
    assert await port(client, 100).pin(ROOM, "$new", unpin=["$old-agenda"]) is PinOutcome.PINNED
    assert client.put == [{"pinned": ["$a", "$b", "$new"]}]


async def test_pinning_in_a_room_with_no_pins_yet():
    client = FakeClient(None)
    assert await port(client, 100).pin(ROOM, "$new", unpin=()) is PinOutcome.PINNED
    assert client.put == [{"pinned": ["$new"]}]


async def test_no_pin_is_tried_below_the_power_level_it_needs():
    client = FakeClient(["$a"], level_needed=50)
    assert await port(client, 0).pin(ROOM, "$new", unpin=()) is PinOutcome.NOT_ALLOWED
    assert client.put == []
