"""bot/matrix/crypto.py: the crypto identity, trusting devices and the notice for a message
that cannot be decrypted, against a stand-in homeserver."""

import asyncio
import logging
import types

from bot.matrix.crypto import UNDECRYPTABLE, Crypto
from bot.matrix.sender import MatrixSender
from tests.conftest import ALICE, ROOM
from tests.matrix.fakes import BOT, FakeRoom, Homeserver


def crypto_for(chat, client: Homeserver) -> Crypto:
    sender = MatrixSender(client, chat.store, clock=chat.clock)
    return Crypto(client, chat.store, chat.services.config, sender, chat.clock)


async def test_an_undecryptable_message_is_said_at_most_once_an_hour(chat):
    client = Homeserver()
    client.rooms[ROOM] = FakeRoom(ROOM, BOT, ALICE)
    crypto = crypto_for(chat, client)
    for minutes in (0, 30, 31):
        chat.clock.advance(minutes=minutes)
        crypto.undecryptable(ROOM)
        await asyncio.sleep(0.01)
    assert client.said_in(ROOM) == [UNDECRYPTABLE, UNDECRYPTABLE], "once, then again after an hour"


async def test_the_notice_is_in_the_rooms_language(make_chat, make_config):
    chat = await make_chat(make_config(conference={"language": "es"}))
    client = Homeserver()
    client.rooms[ROOM] = FakeRoom(ROOM, BOT, ALICE)
    crypto_for(chat, client).undecryptable(ROOM)
    await asyncio.sleep(0.01)
    assert client.said_in(ROOM) == [
        "No pude descifrar un mensaje aquí, así que no pude responderlo. Si enviaste un comando, vuelve a "
        "enviarlo dentro de un minuto; si sigue pasando, avisa a quien administra el bot."
    ]


def with_identity(client: Homeserver, key: str) -> None:
    client.olm = types.SimpleNamespace(account=types.SimpleNamespace(identity_keys={"ed25519": key}))
    client.should_upload_keys = False


async def test_a_replaced_crypto_store_is_reported(chat, caplog):
    client = Homeserver()
    with_identity(client, "key1")
    await crypto_for(chat, client).start()
    await crypto_for(chat, client).start()
    assert "crypto store was lost" not in caplog.text, "the same keys after a restart are fine"
    with_identity(client, "key2")
    await crypto_for(chat, client).start()
    assert "crypto store was lost or replaced" in caplog.text


class Device:
    def __init__(self, device_id: str, verified: bool = False, blacklisted: bool = False):
        self.id, self.verified, self.blacklisted = device_id, verified, blacklisted


async def test_new_devices_are_trusted_on_first_use_but_not_blacklisted_ones(chat, caplog):
    caplog.set_level(logging.INFO, "bot.matrix.crypto")
    assert chat.services.config.matrix.trust == "tofu"
    client = Homeserver()
    with_identity(client, "key")
    devices = {ALICE: [Device("PHONE"), Device("OLD", blacklisted=True), Device("LAPTOP", verified=True)]}
    client.device_store = types.SimpleNamespace(users=list(devices), active_user_devices=lambda user: devices[user])
    verified: list[str] = []
    client.verify_device = lambda device: verified.append(device.id)
    client.should_query_keys = client.should_claim_keys = False

    async def nothing_to_send():
        return []

    client.send_to_device_messages = nothing_to_send
    await crypto_for(chat, client).after_sync()
    assert verified == ["PHONE"]
    assert "trusting @alice:example.org's device PHONE on first use" in caplog.text
