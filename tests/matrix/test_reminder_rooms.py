"""Reminders go to the person's direct room with the bot through the Matrix sender: opened
when they opt in (not when the first is due), reused, encrypted when encryption is on, and
at most one new room an hour for someone who left it."""

from __future__ import annotations

import datetime as dt

from nio import RoomGetStateResponse

from bot.app import open_announcer
from bot.features.announcements.sending import Announcer
from bot.matrix.rooms import Rooms
from bot.matrix.sender import ENCRYPTION_STATE, MatrixSender, txn_id
from bot.storage.store import dm_key
from tests.conftest import ALICE, ROOM
from tests.matrix.fakes import BOT, FakeRoom, Homeserver

DM = "!alice-dm:example.org"


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=dt.UTC)


async def direct_rooms(chat, client: Homeserver) -> Rooms:
    """The rooms as the bot starts with them: the direct rooms recorded are its own."""
    rooms = Rooms(client, chat.store, chat.services.config)
    await rooms.resolve_served()
    return rooms


async def alices_room(chat, client: Homeserver) -> None:
    """The direct room the bot opened for alice before, with her in it."""
    client.rooms[DM] = FakeRoom(DM, BOT, ALICE)
    await chat.store.set_meta(dm_key(ALICE), DM)


async def wired(chat, client: Homeserver, direct_chats: bool = False) -> Announcer:
    sender = MatrixSender(client, chat.store, (await direct_rooms(chat, client)).direct, chat.clock)
    if direct_chats:  # as the adapter does: `!remind` opens the direct room
        chat.services.open_direct_chat = sender.open_direct
    return open_announcer(chat.services, sender)


async def walk(chat, announcer: Announcer, until: dt.datetime) -> None:
    while chat.clock.now() < until:
        chat.clock.advance(minutes=1)
        await announcer.run_due()


def reminders_in(client: Homeserver, room_id: str) -> list[str]:
    return [body for body in client.said_in(room_id) if body.startswith("⏰")]


async def test_the_direct_room_the_person_is_in_is_reused_with_a_derived_transaction_id(chat):
    client = Homeserver()
    client.rooms[ROOM] = FakeRoom(ROOM, BOT, ALICE)
    await alices_room(chat, client)
    await chat.text(ALICE, "!remind 08:00")
    announcer = await wired(chat, client)
    chat.clock.set(at(26, 7, 40))
    await walk(chat, announcer, at(26, 8))
    assert client.created == [] and len(reminders_in(client, DM)) == 1
    assert txn_id(f"remind:{ALICE}:2026-11-26 08:00:15m") in client.attempts


async def test_a_new_room_is_encrypted_and_one_who_left_it_gets_no_second_within_the_hour(make_chat, make_config):
    chat = await make_chat(make_config(conference={"slots": ["Thursday 08:00", "Thursday 08:30"]}))
    client = Homeserver()
    client.olm = object()  # encryption on
    client.rooms[ROOM] = FakeRoom(ROOM, BOT, ALICE)
    made: list[dict] = []
    create = client.room_create

    async def room_create(invite=(), **kwargs):
        made.append(kwargs)
        return await create(invite=invite, **kwargs)

    client.room_create = room_create
    await chat.text(ALICE, "!remind all 5m")
    announcer = await wired(chat, client)
    chat.clock.set(at(26, 7, 50))
    await walk(chat, announcer, at(26, 7, 56))
    [dm] = client.created
    assert made[0]["initial_state"] == [ENCRYPTION_STATE]
    assert len(reminders_in(client, dm)) == 1
    # Alice declines: she leaves the room. The 08:25 reminder opens no second room within
    # the hour; it is tried each minute until its time is past, then skipped.
    client.rooms[dm].leave(ALICE)
    await walk(chat, announcer, at(26, 9))
    assert client.created == [dm]
    dm_data, _ = await chat.say(ALICE, "!mydata")
    data = dm_data.file.data.decode()
    assert data.count('"status": "sent"') == 1 and data.count('"status": "skipped"') == 1


async def test_the_direct_room_is_opened_when_one_opts_in_not_when_the_reminder_is_due(chat):
    client = Homeserver()
    client.rooms[ROOM] = FakeRoom(ROOM, BOT, ALICE)
    announcer = await wired(chat, client, direct_chats=True)
    said = await chat.text(ALICE, "!remind 08:00")
    [dm] = client.created
    assert ALICE in client.rooms[dm].invited_users
    assert "I've opened a direct chat with you for the reminders" in said
    assert "accept my invitation" in said
    # Asked again: the same room, nothing new opened, nothing said about it.
    said = await chat.text(ALICE, "!remind all")
    assert client.created == [dm] and "opened" not in said
    chat.clock.set(at(26, 7, 40))
    await walk(chat, announcer, at(26, 8))
    assert client.created == [dm] and len(reminders_in(client, dm)) == 1


async def test_opting_in_reuses_the_direct_room_one_is_in_and_asking_or_stopping_opens_none(chat):
    client = Homeserver()
    client.rooms[ROOM] = FakeRoom(ROOM, BOT, ALICE)
    await alices_room(chat, client)
    await wired(chat, client, direct_chats=True)
    said = await chat.text(ALICE, "!remind 08:00")
    assert client.created == [] and "opened" not in said and "invitation" not in said
    del client.rooms[DM]
    await chat.text(ALICE, "!remind")
    await chat.text(ALICE, "!remind off")
    assert client.created == []


async def test_one_who_left_the_room_opened_at_opt_in_is_not_sent_another_within_the_hour(chat):
    client = Homeserver()
    client.rooms[ROOM] = FakeRoom(ROOM, BOT, ALICE)
    announcer = await wired(chat, client, direct_chats=True)
    await chat.text(ALICE, "!remind all")
    [dm] = client.created
    client.rooms[dm].leave(ALICE)  # declined
    said = await chat.text(ALICE, "!remind all 1h")
    assert client.created == [dm]
    assert "Done: I will send you a direct message 1 hour before every session" in said
    assert "You left the direct chat I opened less than an hour ago" in said
    assert "I will open a new one for the first reminder, not before 13:00 UTC" in said
    # The reminder, due long after the hour, opens one new room and goes there.
    chat.clock.set(at(26, 6, 55))
    await walk(chat, announcer, at(26, 7, 1))
    assert len(client.created) == 2 and len(reminders_in(client, client.created[1])) == 1


async def test_a_reminder_to_the_recorded_room_loads_no_other_rooms_members(chat):
    """A burst of 1,000 reminders loaded and scanned every room the bot is in for each one;
    the recorded direct room, its members known, is taken as it is."""
    client = Homeserver()
    client.rooms[ROOM] = FakeRoom(ROOM, BOT, ALICE)
    await alices_room(chat, client)
    client.rooms[DM].members_synced = False  # lazy-loaded by the sync
    loads: list[str] = []

    async def room_get_state(room_id):
        loads.append(room_id)
        client.rooms[room_id].members_synced = True
        return RoomGetStateResponse([], room_id)

    client.room_get_state = room_get_state
    await chat.text(ALICE, "!remind 08:00")
    rooms = await direct_rooms(chat, client)
    sender = MatrixSender(client, chat.store, rooms.direct, chat.clock)
    first = await sender.direct_room(ALICE)  # its members loaded, then known
    assert first.room_id == DM and loads == [DM]
    announcer = open_announcer(chat.services, sender)
    chat.clock.set(at(26, 7, 40))
    await walk(chat, announcer, at(26, 8))
    assert len(reminders_in(client, DM)) == 1 and loads == [DM]
    # Once the room holds someone else too, it is no longer taken for Alice's: it is left.
    client.rooms[DM].join("@mallory:example.org")
    assert (await sender.direct_room(ALICE)).room_id != DM and loads == [DM]
    assert DM in client.left
