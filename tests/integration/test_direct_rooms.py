"""Direct-message rooms on a real homeserver (room version 12, Synapse's default): the bot's
and its person's alone (issue 25). Its person cannot open it to anyone; a room that is not
that (one an older ccc-bot opened with `trusted_private_chat`, which made the person an
additional creator) is left, never used for someone else's data; nothing an outsider types
there is carried out; and commands that act on the conference are refused there."""

from __future__ import annotations

import asyncio
import datetime as dt
import time

from nio import (
    AsyncClient,
    JoinedRoomsResponse,
    JoinResponse,
    RoomCreateResponse,
    RoomGetStateEventResponse,
    RoomInviteResponse,
    RoomLeaveResponse,
    RoomMessagesResponse,
    RoomPutStateResponse,
)
from nio.api import RoomPreset

from bot.storage.meta import dm_key
from bot.storage.store import Store

from .botproc import ask, send_text
from .helpers import _sync_once, collect_events, prime, wait_for_event

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def body(event) -> str:
    return event.source.get("content", {}).get("body") or ""


def is_file(bot_id: str):
    return lambda e: e.sender == bot_id and e.source.get("content", {}).get("msgtype") == "m.file"


async def invited_by_bot(env, client: AsyncClient) -> str:
    """The one room the bot has invited `client` to."""
    deadline = time.monotonic() + 20
    while True:
        rooms = [r for r, room in client.invited_rooms.items() if room.inviter == env.bot_id]
        if rooms or time.monotonic() > deadline:
            break
        await _sync_once(client, deadline)
    assert len(rooms) == 1, client.invited_rooms
    return rooms[0]


def as_the_bot(env) -> AsyncClient:
    """The bot's own account, as a second client: to set up what an older ccc-bot left
    behind, and to see which rooms the bot is in."""
    client = AsyncClient(env.synapse.url, env.bot_id, device_id=env.account.device_id)
    client.restore_login(env.bot_id, env.account.device_id, env.account.access_token)
    return client


async def bot_rooms(client: AsyncClient) -> list[str]:
    resp = await client.joined_rooms()
    assert isinstance(resp, JoinedRoomsResponse), resp
    return list(resp.rooms)


async def until_bot_left(client: AsyncClient, room_id: str, timeout: float = 15) -> None:  # noqa: ASYNC109
    deadline = time.monotonic() + timeout
    while room_id in await bot_rooms(client):
        assert time.monotonic() < deadline, f"the bot is still in {room_id}"
        await asyncio.sleep(0.2)


async def old_direct_room(env, bot: AsyncClient, person: AsyncClient) -> str:
    """A direct room as ccc-bot opened them before: `trusted_private_chat`, which in room
    version 12 makes the invitee an additional creator (power the bot cannot take back)."""
    created = await bot.room_create(is_direct=True, preset=RoomPreset.trusted_private_chat, invite=[person.user_id])
    assert isinstance(created, RoomCreateResponse), created
    assert isinstance(await person.join(created.room_id), JoinResponse)
    return created.room_id


async def record(env, **rooms: str) -> None:
    """What an older ccc-bot recorded, the bot stopped: user id -> direct room."""
    store = await Store.open(env.database)
    try:
        for user_id, room_id in rooms.items():
            await store.set_meta(dm_key(user_id), room_id)
    finally:
        await store.close()


def running_session() -> dict:
    """A slot that began three minutes ago: a host's `!start` would start it now."""
    began = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=3)).replace(second=0, microsecond=0)
    return {
        "conference": {
            "timezone": "UTC",
            "slots": [f"{WEEKDAYS[began.weekday()]} {began:%H:%M}"],
            "announce_before": ["1d"],
        }
    }


# --- point 1: the room is the bot's, its person cannot open it ------------------------------


async def test_the_person_of_a_direct_room_cannot_open_it_to_anyone(make_bot_room):
    env = await make_bot_room()
    mallory, alice = env.bob, env.alice
    assert "accept my invitation" in body(await env.ask(mallory, "!mydata"))
    dm = await invited_by_bot(env, mallory)
    assert isinstance(await mallory.join(dm), JoinResponse)
    await wait_for_event(mallory, dm, is_file(env.bot_id), 20)

    create = await mallory.room_get_state_event(dm, "m.room.create")
    assert isinstance(create, RoomGetStateEventResponse), create
    # In room version 12 (the default of the Synapse these tests run) a creator's power is for ever.
    assert not create.content.get("additional_creators"), "the person was made a creator of the room"
    made_public = await mallory.room_put_state(dm, "m.room.join_rules", {"join_rule": "public"})
    assert not isinstance(made_public, RoomPutStateResponse), "the person changed the room's join rules"
    invited = await mallory.room_invite(dm, alice.user_id)
    assert not isinstance(invited, RoomInviteResponse), "the person invited someone into the room"
    levels = await mallory.room_get_state_event(dm, "m.room.power_levels")
    assert isinstance(levels, RoomGetStateEventResponse), levels
    raised = {**levels.content, "users": {**levels.content.get("users", {}), mallory.user_id: 100}}
    assert not isinstance(await mallory.room_put_state(dm, "m.room.power_levels", raised), RoomPutStateResponse)
    rules = await mallory.room_get_state_event(dm, "m.room.join_rules")
    assert isinstance(rules, RoomGetStateEventResponse) and rules.content["join_rule"] == "invite"

    # Alice's data goes to a room of her own.
    await env.ask(alice, "!mydata")
    mine = await invited_by_bot(env, alice)
    assert mine != dm
    assert "Traceback" not in env.bot.output(), env.bot.output()[-4000:]


async def test_a_room_left_by_the_attack_is_never_used_for_someone_elses_data(make_bot_room):
    """Issue 25, as an older ccc-bot left it: mallory's direct room (she is its additional
    creator) made public, alice invited into it, mallory gone; the bot had taken it for
    alice's. Her `!mydata` goes to a new private room; the bot leaves the old one."""
    env = await make_bot_room()
    mallory, alice = env.bob, env.alice
    env.bot.stop()
    bot = as_the_bot(env)
    try:
        old = await old_direct_room(env, bot, mallory)
        assert isinstance(
            await mallory.room_put_state(old, "m.room.join_rules", {"join_rule": "public"}), RoomPutStateResponse
        )
        assert isinstance(await mallory.room_invite(old, alice.user_id), RoomInviteResponse)
        assert isinstance(await mallory.room_leave(old), RoomLeaveResponse)
        await record(env, **{mallory.user_id: old, alice.user_id: old})
        env.bot.start()
        await env.bot.wait_ready()

        assert "direct message" in body(await env.ask(alice, "!mydata"))
        await prime(alice)
        mine = await invited_by_bot(env, alice)
        assert mine != old, "alice's data went to the room mallory made public"
        assert isinstance(await alice.join(mine), JoinResponse)
        await wait_for_event(alice, mine, is_file(env.bot_id), 20)
        rules = await alice.room_get_state_event(mine, "m.room.join_rules")
        assert isinstance(rules, RoomGetStateEventResponse) and rules.content["join_rule"] == "invite"

        await until_bot_left(bot, old)
        # The room's history up to the bot's leave, as the bot itself may still read it.
        history = await bot.room_messages(old, start=None, limit=100)
        assert isinstance(history, RoomMessagesResponse), history
        assert any(e.sender == env.bot_id for e in history.chunk), "the room's history was read (the bot made it)"
        sent = [e for e in history.chunk if e.sender == env.bot_id and e.source.get("type") == "m.room.message"]
        assert sent == [], "the bot sent something to the room mallory made public"
    finally:
        await bot.close()
    assert "Traceback" not in env.bot.output(), env.bot.output()[-4000:]


# --- point 2: the conference is not run from a direct room ---------------------------------


async def test_in_a_direct_room_commands_that_act_on_the_conference_are_refused(make_bot_room, make_user):
    env = await make_bot_room(config=running_session())
    host = env.organiser  # organisers may start any session
    assert "accept my invitation" in body(await env.ask(host, "!mydata"))
    dm = await invited_by_bot(env, host)
    assert isinstance(await host.join(dm), JoinResponse)
    await wait_for_event(host, dm, is_file(env.bot_id), 20)

    refused = body(await ask(host, dm, env.bot_id, "!start"))
    assert "conference room" in refused and "started" not in refused, refused
    assert "conference room" in body(await ask(host, dm, env.bot_id, "!suggest Worker co-op bylaws"))
    assert "No open topics" in body(await ask(host, dm, env.bot_id, "!topics")), "a read-only command works"
    assert "Europe/Lisbon" in body(await ask(host, dm, env.bot_id, "!tz Europe/Lisbon"))
    listed = body(await ask(host, dm, env.bot_id, "!help all"))
    assert "!mydata" in listed and "!start" not in listed and "conference room" in listed, listed
    assert "conference room" in body(await ask(host, dm, env.bot_id, "!help start"))

    outsider = await make_user("outsider")
    assert not isinstance(await host.room_invite(dm, outsider.user_id), RoomInviteResponse), "invited an outsider"

    # Nothing was started nor suggested from the direct room.
    assert "has started" in body(await env.ask(host, "!start"))
    assert "No open topics" in body(await env.ask(env.alice, "!topics"))

    bot = as_the_bot(env)
    try:
        assert isinstance(await host.room_leave(dm), RoomLeaveResponse)
        await until_bot_left(bot, dm)
    finally:
        await bot.close()
    assert "Traceback" not in env.bot.output(), env.bot.output()[-4000:]


async def test_nothing_an_outsider_types_in_a_direct_room_is_carried_out(make_bot_room, make_user):
    """Issue 25: alice invited someone who is in no served room into her direct room (one
    an older ccc-bot opened, where she could); their `!host`, `!start`, `!suggest` and
    `!discussed` were carried out. Now nothing they type is, and the bot leaves the room."""
    env = await make_bot_room(config=running_session())
    alice = env.alice
    env.bot.stop()
    outsider = await make_user("outsider")
    bot = as_the_bot(env)
    try:
        old = await old_direct_room(env, bot, alice)
        await record(env, **{alice.user_id: old})
        assert isinstance(await alice.room_invite(old, outsider.user_id), RoomInviteResponse)
        assert isinstance(await outsider.join(old), JoinResponse)
        await prime(outsider)
        for text in ("!host", "!start", "!suggest Outsiders decide", "!discussed 1 decided by an outsider"):
            await send_text(outsider, old, text)
        env.bot.start()
        await env.bot.wait_ready()
        seen = await collect_events(outsider, old, 5)
        answers = [e for e in seen if e.sender == env.bot_id and e.source.get("type") == "m.room.message"]
        assert answers == [], [body(e) for e in answers]
        await until_bot_left(bot, old)
    finally:
        await bot.close()
    assert "has started" in body(await env.ask(env.organiser, "!start")), "the session was started from outside"
    assert "No open topics" in body(await env.ask(alice, "!topics"))
    assert "Traceback" not in env.bot.output(), env.bot.output()[-4000:]
