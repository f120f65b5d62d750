"""Reminders go to the person's direct room with the bot through the Matrix sender: reused,
encrypted when encryption is on, and at most one new room an hour for someone who left it."""

from __future__ import annotations

import datetime as dt

from bot.features.announcements.announcer import Announcer
from bot.features.reminders.service import Reminders
from bot.matrix.sender import ENCRYPTION_STATE, MatrixSender, txn_id
from tests.conftest import ALICE, ROOM
from tests.matrix.fakes import BOT, FakeRoom, Homeserver

DM = "!alice-dm:example.org"


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=dt.UTC)


def wired(chat, client: Homeserver) -> Announcer:
    sender = MatrixSender(client, chat.store, configured={ROOM}, clock=chat.clock)
    announcer = Announcer(chat.services, sender)
    announcer.riders.append(Reminders(announcer, sender))
    return announcer


async def walk(chat, announcer: Announcer, until: dt.datetime) -> None:
    while chat.clock.now() < until:
        chat.clock.advance(minutes=1)
        await announcer.run_due()


def reminders_in(client: Homeserver, room_id: str) -> list[str]:
    return [body for body in client.said_in(room_id) if body.startswith("⏰")]


async def test_the_direct_room_the_person_is_in_is_reused_with_a_derived_transaction_id(chat):
    client = Homeserver()
    client.rooms[ROOM] = FakeRoom(ROOM, BOT, ALICE)
    client.rooms[DM] = FakeRoom(DM, BOT, ALICE)
    await chat.text(ALICE, "!remind 08:00")
    announcer = wired(chat, client)
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
    announcer = wired(chat, client)
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
