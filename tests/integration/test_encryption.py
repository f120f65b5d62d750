"""Encrypted rooms, as Element creates them: the bot reads and answers there."""

from __future__ import annotations

import json

from nio import MegolmEvent, RoomMessage, RoomMessageNotice, RoomSendResponse

from .botproc import encrypted_room_with_bot, relates
from .helpers import prime, wait_for_event


async def ask_encrypted(alice, room_id, bot_id, body, wait=30):
    await prime(alice)
    # The bot's device is new to alice: fetch its keys before encrypting for it.
    if alice.should_query_keys:
        await alice.keys_query()
    resp = await alice.room_send(
        room_id, "m.room.message", {"msgtype": "m.text", "body": body}, ignore_unverified_devices=True
    )
    assert isinstance(resp, RoomSendResponse), resp

    def answer(event):
        return event.sender == bot_id and (relates(event).get("m.in_reply_to") or {}).get("event_id") == resp.event_id

    def any_from_bot(event):
        return event.sender == bot_id and (isinstance(event, MegolmEvent) or answer(event))

    event = await wait_for_event(alice, room_id, any_from_bot, timeout=wait)
    return event


async def test_bot_answers_encrypted_and_keeps_answering_after_restart(synapse, make_user, tmp_path):
    alice, bot, bot_id, room_id, folder = await encrypted_room_with_bot(synapse, make_user, tmp_path)
    try:
        reply = await ask_encrypted(alice, room_id, bot_id, "!help")
        assert not isinstance(reply, MegolmEvent), "alice could not decrypt the bot's reply"
        assert isinstance(reply, RoomMessageNotice)
        assert reply.decrypted, "the reply was not encrypted"
        assert "commands you can use" in reply.body
        assert (folder / "state" / "crypto").is_dir() and any((folder / "state" / "crypto").iterdir())
        assert f"trusting {alice.user_id}'s device {alice.device_id} on first use" in bot.output()
        await bot.restart()
        reply = await ask_encrypted(alice, room_id, bot_id, "!link")
        assert not isinstance(reply, MegolmEvent), "after a restart the reply could not be decrypted"
        assert reply.decrypted and "bbb.example.org" in reply.body
    finally:
        bot.stop()


async def test_a_lost_crypto_store_is_reported_not_silent(synapse, make_user, tmp_path):
    import shutil

    _, bot, _, _, folder = await encrypted_room_with_bot(synapse, make_user, tmp_path)
    try:
        bot.stop()
        shutil.rmtree(folder / "state" / "crypto")
        bot.start()
        await bot.wait_ready()
        assert "crypto store was lost or replaced" in bot.output()
    finally:
        bot.stop()


async def test_mydata_arrives_as_an_encrypted_file_in_an_encrypted_direct_message(synapse, make_user, tmp_path):
    from nio import DownloadResponse, JoinResponse
    from nio.crypto.attachments import decrypt_attachment

    alice, bot, bot_id, room_id, _ = await encrypted_room_with_bot(synapse, make_user, tmp_path)
    try:
        reply = await ask_encrypted(alice, room_id, bot_id, "!tz Europe/Lisbon")
        assert "Europe/Lisbon" in reply.body
        reply = await ask_encrypted(alice, room_id, bot_id, "!mydata")
        assert not isinstance(reply, MegolmEvent) and "direct message" in reply.body
        await prime(alice)
        invites = [r for r, room in alice.invited_rooms.items() if room.inviter == bot_id]
        assert len(invites) == 1, alice.invited_rooms
        dm = invites[0]
        assert isinstance(await alice.join(dm), JoinResponse)

        from_bot = []

        def the_file(event):
            if getattr(event, "sender", None) == bot_id and isinstance(event, (RoomMessage, MegolmEvent)):
                from_bot.append(event)
            return from_bot and event is from_bot[-1] and event.source.get("content", {}).get("msgtype") == "m.file"

        event = await wait_for_event(alice, dm, the_file, 30)
        undecryptable = [e for e in from_bot if isinstance(e, MegolmEvent)]
        assert not undecryptable, "alice could not decrypt a message of the direct message room"
        assert all(e.decrypted for e in from_bot), "a direct message was not encrypted"
        assert alice.rooms[dm].encrypted
        file = event.source["content"]["file"]
        assert "url" not in event.source["content"], "the file itself must be encrypted, not linked in the clear"
        downloaded = await alice.download(mxc=file["url"])
        assert isinstance(downloaded, DownloadResponse), downloaded
        plain = decrypt_attachment(downloaded.body, file["key"]["k"], file["hashes"]["sha256"], file["iv"])
        data = json.loads(plain)
        assert data["user_id"] == alice.user_id and data["timezone"] == "Europe/Lisbon"
    finally:
        bot.stop()
