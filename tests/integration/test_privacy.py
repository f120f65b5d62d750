"""Privacy on a real homeserver: what `!mydata` shows of commands their sender redacted."""

from __future__ import annotations

import json

from nio import JoinResponse, MemoryDownloadResponse, RoomRedactResponse

from .botproc import relates
from .helpers import prime, wait_for_event


def body(event) -> str:
    return event.source["content"].get("body", "")


async def mydata(env) -> tuple[dict, str]:
    """Alice's `!mydata`: the document, and its text as sent."""
    assert "direct message" in body(await env.ask(env.alice, "!mydata"))
    await prime(env.alice)
    [dm] = [room_id for room_id, room in env.alice.invited_rooms.items() if room.inviter == env.bot_id]
    assert isinstance(await env.alice.join(dm), JoinResponse)
    file = await wait_for_event(
        env.alice, dm, lambda e: e.sender == env.bot_id and e.source["content"].get("msgtype") == "m.file", 20
    )
    resp = await env.alice.download(mxc=file.source["content"]["url"])
    assert isinstance(resp, MemoryDownloadResponse), resp
    text = resp.body.decode("utf-8")
    return json.loads(text), text


async def test_a_redacted_command_leaves_no_trace_in_mydata(make_bot_room):
    env = await make_bot_room()
    kept = relates(await env.ask(env.alice, "!tz Europe/Lisbon"))["m.in_reply_to"]["event_id"]
    redacted = relates(await env.ask(env.alice, "!help forgetme"))["m.in_reply_to"]["event_id"]
    redaction = await env.alice.room_redact(env.room_id, redacted)
    assert isinstance(redaction, RoomRedactResponse), redaction
    document, text = await mydata(env)
    assert [m["event_id"] for m in document["messages_received"]] == [kept], "the one not redacted is listed"
    assert redacted not in text and redaction.event_id not in text
    assert "forgetme" not in text
