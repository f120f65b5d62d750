"""Encrypted rooms, as Element creates them: the bot reads and answers there."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid

from nio import MegolmEvent, ReactionEvent, RoomMessage, RoomMessageNotice, RoomSendResponse
from nio.api import Api, RelationshipType

from .botproc import ENCRYPTION, encrypted_room_with_bot, relates, slot
from .helpers import body, prime, wait_for_event


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
        assert "start here" in reply.body
        assert (folder / "state" / "crypto").is_dir() and any((folder / "state" / "crypto").iterdir())
        assert f"trusting {alice.user_id}'s device {alice.device_id} on first use" in bot.output()
        await bot.restart()
        reply = await ask_encrypted(alice, room_id, bot_id, "!link")
        assert not isinstance(reply, MegolmEvent), "after a restart the reply could not be decrypted"
        assert reply.decrypted and "bbb.example.org" in reply.body
    finally:
        bot.stop()


async def test_an_announcement_due_at_the_first_start_goes_out_at_once_in_the_encrypted_room_just_joined(
    synapse, make_user, tmp_path
):
    """The bot accepts the invite at its first start, when a session's `0m` announcement is
    due: it is sent then, not a minute later at the next tick (nio sends to a room only once
    a sync has brought it)."""
    began = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    conference = {"timezone": "UTC", "slots": [slot(began)], "announce_before": ["0m"]}
    alice, bot, bot_id, room_id, _ = await encrypted_room_with_bot(synapse, make_user, tmp_path, conference)
    try:
        announced = await wait_for_event(alice, room_id, lambda e: e.sender == bot_id and "📣" in body(e), 20)
        assert isinstance(announced, RoomMessageNotice) and announced.decrypted, announced
        assert "cannot send to" not in bot.output(), bot.output()[-4000:]
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


def annotation(event_id: str, key: str) -> dict:
    return {"m.relates_to": {"rel_type": "m.annotation", "event_id": event_id, "key": key}}


def votes_of(listing: str, number: str) -> str:
    """The line of `!topics` that shows topic `number`."""
    [line] = [line for line in listing.splitlines() if line.startswith(f"• {number} ")]
    return line


async def test_a_thumbs_up_on_a_topic_in_an_encrypted_room_votes_in_the_clear_and_encrypted(
    synapse, make_user, tmp_path
):
    """Element and Element X send a reaction in an encrypted room as a plain m.reaction (its
    relation must stay readable); a client may also encrypt it, with m.relates_to kept in
    the clear. Either way it reaches the bot and votes."""
    alice, bot, bot_id, room_id, _ = await encrypted_room_with_bot(synapse, make_user, tmp_path)
    try:
        topics = []
        for title in ("Sharing invoices between cooperatives", "A common pay scale"):
            confirmation = await ask_encrypted(alice, room_id, bot_id, f"!suggest {title}")
            assert not isinstance(confirmation, MegolmEvent) and "Added" in confirmation.body, confirmation
            found = re.search(r"#\d+", confirmation.body)
            assert found, confirmation.body
            topics.append((found.group(), confirmation.event_id))
        (clear, clear_target), (hidden, hidden_target) = topics
        listing = await ask_encrypted(alice, room_id, bot_id, "!topics")
        assert "0 votes" in votes_of(listing.body, clear) and "0 votes" in votes_of(listing.body, hidden)

        sent = await alice.room_send(room_id, "m.reaction", annotation(clear_target, "👍"))
        assert isinstance(sent, RoomSendResponse), sent
        # As a client that encrypts reactions sends one: the megolm session is alice's,
        # shared with the bot by her commands; only the relation is left in the clear.
        kind, content = alice.encrypt(room_id, "m.reaction", annotation(hidden_target, "👍"))
        assert kind == "m.room.encrypted" and content["m.relates_to"]["event_id"] == hidden_target
        method, path, data = Api.room_send(alice.access_token, room_id, kind, content, uuid.uuid4())
        answer = await alice.send(method, path, data)
        assert answer.status == 200, await answer.text()

        # The bot handles a room's events in order: both are counted before !topics is answered.
        listing = await ask_encrypted(alice, room_id, bot_id, "!topics")
        assert not isinstance(listing, MegolmEvent), listing
        assert "1 vote" in votes_of(listing.body, clear), listing.body
        assert "1 vote" in votes_of(listing.body, hidden), listing.body
        assert "Traceback" not in bot.output(), bot.output()[-4000:]
    finally:
        bot.stop()


async def test_the_bots_reactions_in_an_encrypted_room_are_sent_as_element_sends_them(make_user, tmp_path):
    """A Reply with reactions, sent by the bot's sender with end-to-end encryption on: the
    message is encrypted, its reactions are plain m.reaction (as Element's), one each even
    when the reply is sent twice."""
    from bot.core.model import Reply
    from bot.matrix.sender import MatrixSender
    from bot.storage.store import Store

    alice = await make_user("alice", e2e=True)
    bot = await make_user("bot", e2e=True)
    for client in (alice, bot):
        await client.keys_upload()
    created = await alice.room_create(name="Private co-op chat", invite=[bot.user_id], initial_state=[ENCRYPTION])
    room_id = created.room_id
    assert (await bot.join(room_id)).room_id == room_id
    await prime(bot)  # nio encrypts only for rooms it has synced
    await prime(alice)
    store = await Store.open(tmp_path / "react.sqlite3")
    try:
        reply = Reply(text="Keep going?", room_id=room_id, key="vote:encrypted", reactions=("👍", "👎"))
        event_id = await MatrixSender(bot, store).send(reply)
        assert event_id and await MatrixSender(bot, store).send(reply) == event_id
    finally:
        await store.close()
    message = await wait_for_event(alice, room_id, lambda e: e.event_id == event_id, 30)
    assert isinstance(message, RoomMessageNotice) and message.decrypted, "the message itself is encrypted"
    reactions = [
        event async for event in alice.room_get_event_relations(room_id, event_id, RelationshipType.annotation)
    ]
    assert all(isinstance(e, ReactionEvent) and e.sender == bot.user_id for e in reactions), reactions
    assert all(e.source["type"] == "m.reaction" for e in reactions), "in the clear, as Element sends them"
    assert sorted(e.key for e in reactions) == ["👍", "👎"], "each once, as Element shows and counts them"
