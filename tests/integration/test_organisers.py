"""Organisers and privacy on a real homeserver: roles from the room's power levels,
!export as an uploaded file, !mydata in a direct message room."""

from __future__ import annotations

import asyncio
import json

from nio import (
    AsyncClient,
    JoinResponse,
    MemoryDownloadResponse,
    RoomGetStateEventResponse,
    RoomLeaveResponse,
    RoomPutStateResponse,
)

from .botproc import relates, replies_to, send_text
from .helpers import prime, wait_for_event

REFUSED = "is for organisers only"


def body(event) -> str:
    return event.source["content"].get("body", "")


def bot_file(env, command_id: str):
    """The m.file event the bot sends with its answer to `command_id`."""

    def match(event) -> bool:
        return replies_to(command_id, env.bot_id)(event) and event.source["content"].get("msgtype") == "m.file"

    return match


async def download(client: AsyncClient, event) -> bytes:
    resp = await client.download(mxc=event.source["content"]["url"])
    assert isinstance(resp, MemoryDownloadResponse), resp
    return resp.body


async def set_power_level(env, user_id: str, level: int) -> None:
    """Alice, the room's creator, changes someone's power level in the room."""
    current = await env.alice.room_get_state_event(env.room_id, "m.room.power_levels")
    assert isinstance(current, RoomGetStateEventResponse), current
    content = dict(current.content)
    content["users"] = {**content.get("users", {}), user_id: level}
    assert isinstance(await env.alice.room_put_state(env.room_id, "m.room.power_levels", content), RoomPutStateResponse)


async def ask_until(env, client: AsyncClient, command: str, wanted, within: float = 60):
    """Ask again until the answer is `wanted`: the bot learns of a power level change
    from its own sync, which the test cannot await directly. A budget of time, not of
    tries: on a loaded machine ten tries came and went before the bot's sync did."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        reply = await env.ask(client, command)
        if wanted(body(reply)):
            return reply
        if loop.time() > deadline:
            raise AssertionError(f"{command!r} never answered as wanted; last answer: {body(reply)!r}")
        await asyncio.sleep(0.5)


async def test_power_level_makes_an_organiser_without_a_restart(make_bot_room):
    env = await make_bot_room()
    assert REFUSED in body(await env.ask(env.bob, "!export topics"))
    await set_power_level(env, env.bob.user_id, 50)
    reply = await ask_until(env, env.bob, "!export topics", lambda text: REFUSED not in text)
    assert "ccc-topics-" in body(reply)
    await set_power_level(env, env.bob.user_id, 0)
    await ask_until(env, env.bob, "!export topics", lambda text: REFUSED in text)
    assert env.bot.starts == 1


async def test_the_rooms_creator_is_an_organiser(make_bot_room):
    env = await make_bot_room()
    assert REFUSED not in body(await env.ask(env.alice, "!export topics"))


async def test_organiser_exports_topics_as_a_file_and_bob_is_refused(make_bot_room):
    env = await make_bot_room()
    for text in ("Sociocracy in practice", "Pay & ownership | who decides?"):
        assert "Added #" in body(await env.ask(env.alice, f"!suggest {text}"))
    refusal = await env.ask(env.bob, "!export topics json")
    assert REFUSED in body(refusal)

    await prime(env.organiser)
    command = await send_text(env.organiser, env.room_id, "!export topics json")
    answer = await wait_for_event(env.organiser, env.room_id, replies_to(command, env.bot_id), timeout=20)
    assert "ccc-topics-" in body(answer)
    file = await wait_for_event(env.organiser, env.room_id, bot_file(env, command), timeout=20)
    content = file.source["content"]
    assert content["info"]["mimetype"] == "application/json"
    assert content["body"].startswith("ccc-topics-") and content["body"].endswith(".json")
    assert relates(file)["m.in_reply_to"]["event_id"] == command
    document = json.loads(await download(env.organiser, file))
    assert document["schema_version"] == 4
    suggested = [(t["text"], t["suggested_by"], t["status"]) for t in document["topics"] if t["suggested_by"]]
    assert suggested == [
        ("Sociocracy in practice", env.alice.user_id, "open"),
        ("Pay & ownership | who decides?", env.alice.user_id, "open"),
    ]
    assert any(t["status"] == "discussed" and t["imported"] for t in document["topics"]), "the seed history is in it"


async def test_mydata_arrives_in_a_direct_message_room(make_bot_room):
    env = await make_bot_room()
    assert "Europe/Lisbon" in body(await env.ask(env.alice, "!tz Europe/Lisbon"))
    ack = await env.ask(env.alice, "!mydata")
    assert "direct message" in body(ack)
    # The DM was sent before the answer in the room: the invite is there by now.
    await prime(env.alice)
    invites = [room_id for room_id, room in env.alice.invited_rooms.items() if room.inviter == env.bot_id]
    assert len(invites) == 1, env.alice.invited_rooms
    dm = invites[0]
    assert isinstance(await env.alice.join(dm), JoinResponse)
    file = await wait_for_event(
        env.alice, dm, lambda e: e.sender == env.bot_id and e.source["content"].get("msgtype") == "m.file", 20
    )
    data = json.loads(await download(env.alice, file))
    assert data["user_id"] == env.alice.user_id
    assert data["timezone"] == "Europe/Lisbon"
    assert file.source["content"]["body"].startswith("ccc-mydata-")


async def test_mydata_reuses_the_direct_room_and_opens_at_most_one_an_hour(make_bot_room):
    env = await make_bot_room()
    alice = env.alice
    first = await env.ask(alice, "!mydata")
    assert "accept my invitation" in body(first), body(first)
    await prime(alice)
    [dm] = [room_id for room_id, room in alice.invited_rooms.items() if room.inviter == env.bot_id]
    # Asked again before accepting: the same invitation, not a second room.
    assert "accept my invitation" in body(await env.ask(alice, "!mydata"))
    assert isinstance(await alice.join(dm), JoinResponse)
    await wait_for_event(alice, dm, lambda e: e.sender == env.bot_id and "m.file" in str(e.source), 20)
    again = await env.ask(alice, "!mydata")
    assert "direct message" in body(again) and "accept" not in body(again), body(again)
    await wait_for_event(alice, dm, lambda e: e.sender == env.bot_id and "m.file" in str(e.source), 20)

    assert isinstance(await alice.room_leave(dm), RoomLeaveResponse)
    # The bot learns of the leave from its own sync, which the test cannot await.
    answer = await ask_until(env, alice, "!mydata", lambda text: "try again" in text.lower())
    assert "UTC" in body(answer), body(answer)
    for _ in range(3):
        assert "try again" in body(await env.ask(alice, "!mydata")).lower()
    await prime(alice)
    invites = [room_id for room_id, room in alice.invited_rooms.items() if room.inviter == env.bot_id]
    assert invites == [], "no new room within the hour, however often asked"
