"""The throwaway Synapse and the fixtures built on it behave as the other tests assume."""

from __future__ import annotations

import asyncio
import urllib.parse
import uuid

import pytest
from nio import (
    AsyncClient,
    KeysUploadResponse,
    LoginResponse,
    RoomCreateResponse,
    RoomInviteResponse,
    RoomMessageText,
    RoomSendResponse,
    WhoamiResponse,
)

from bot.devtools import localsynapse
from bot.devtools.localsynapse import LocalSynapse, SynapseHTTPError

from .conftest import PASSWORD, MakeSynapse, MakeUser
from .helpers import collect_events, prime, wait_for_event


def _send_text(hs: LocalSynapse, token: str, room_id: str, body: str) -> None:
    """Send without nio, which would quietly sleep through a 429."""
    room = urllib.parse.quote(room_id)
    hs.request(
        "PUT",
        f"/_matrix/client/v3/rooms/{room}/send/m.room.message/{uuid.uuid4().hex}",
        body={"msgtype": "m.text", "body": body},
        access_token=token,
    )


def _create_room(hs: LocalSynapse, token: str) -> str:
    return str(hs.request("POST", "/_matrix/client/v3/createRoom", body={}, access_token=token)["room_id"])


def test_server_answers_versions(synapse: LocalSynapse) -> None:
    answer = synapse.request("GET", "/_matrix/client/versions")
    assert answer["versions"]
    assert synapse.running and synapse.pid
    assert synapse.url.startswith("http://127.0.0.1:")


async def test_message_reaches_invited_user(make_user: MakeUser) -> None:
    alice = await make_user("alice", displayname="Alice")
    bob = await make_user("bob")

    created = await alice.room_create(name="lobby")
    assert isinstance(created, RoomCreateResponse), created
    room_id = created.room_id
    assert isinstance(await alice.room_invite(room_id, bob.user_id), RoomInviteResponse)
    await bob.join(room_id)
    await prime(bob)

    sent = await alice.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": "hello bob"})
    assert isinstance(sent, RoomSendResponse), sent

    event = await wait_for_event(bob, room_id, lambda e: isinstance(e, RoomMessageText) and e.sender == alice.user_id)
    assert event.body == "hello bob"
    assert event.event_id == sent.event_id
    # The cursor has moved past it: nothing is handed out twice.
    assert await collect_events(bob, room_id, 0.5) == []


async def test_e2e_user_has_a_device_with_keys(make_user: MakeUser) -> None:
    alice = await make_user("alice", e2e=True)
    plain = await make_user("plain")
    assert alice.olm is not None and plain.olm is None
    assert isinstance(await alice.keys_upload(), KeysUploadResponse)


async def test_wait_for_event_keeps_later_events_queued(make_user: MakeUser) -> None:
    alice = await make_user("alice")
    room_id = (await alice.room_create()).room_id
    await prime(alice)
    for body in ("one", "two", "three"):
        await alice.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": body})

    first = await wait_for_event(alice, room_id, lambda e: isinstance(e, RoomMessageText))
    rest = await collect_events(alice, room_id, 0.5)
    assert first.body == "one"
    assert [e.body for e in rest if isinstance(e, RoomMessageText)] == ["two", "three"]


async def test_wait_for_event_times_out_with_what_it_saw(make_user: MakeUser) -> None:
    alice = await make_user("alice")
    room_id = (await alice.room_create()).room_id
    with pytest.raises(AssertionError, match=r"m\.room\.create"):
        await wait_for_event(alice, room_id, lambda e: False, timeout=1.0)


async def test_admin_flag_is_set(synapse: LocalSynapse, make_user: MakeUser) -> None:
    root = await make_user("root", admin=True, displayname="The Admin")
    plain = await make_user("plain")

    path = f"/_synapse/admin/v2/users/{urllib.parse.quote(root.user_id)}"
    details = await asyncio.to_thread(synapse.request, "GET", path, access_token=root.access_token)
    assert details["admin"] is True
    assert details["displayname"] == "The Admin"

    with pytest.raises(SynapseHTTPError) as refused:
        await asyncio.to_thread(synapse.request, "GET", path, access_token=plain.access_token)
    assert refused.value.status == 403


def test_a_port_taken_before_synapse_binds_it_is_chosen_again(
    synapse: LocalSynapse, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As when a test running in parallel starts its server on the port free_port() gave:
    the other server's answers are not taken for this one's, and another port is chosen."""
    ports = iter([synapse.port, localsynapse.free_port()])
    monkeypatch.setattr(localsynapse, "free_port", lambda: next(ports))
    hs = LocalSynapse(tmp_path)
    assert hs.port == synapse.port
    try:
        hs.start()
        assert hs.port != synapse.port
        hs.register("dora", PASSWORD)
    finally:
        hs.stop()
    assert synapse.running


async def test_restart_keeps_port_users_and_tokens(make_synapse: MakeSynapse) -> None:
    hs = make_synapse()
    reg = hs.register_device("carol", PASSWORD)
    user_id = reg["user_id"]
    port, pid = hs.port, hs.pid
    client = AsyncClient(hs.url, user_id)
    client.restore_login(user_id, reg["device_id"], reg["access_token"])
    fresh = AsyncClient(hs.url, user_id)
    try:
        assert isinstance(await client.whoami(), WhoamiResponse)

        await asyncio.to_thread(hs.stop)
        assert not hs.running and hs.pid is None
        hs.stop()  # idempotent
        await asyncio.to_thread(hs.start)
        assert hs.running and hs.port == port and hs.pid != pid

        # The same client object reconnects with the old token.
        whoami = await client.whoami()
        assert isinstance(whoami, WhoamiResponse), whoami
        assert whoami.user_id == user_id
        assert isinstance(await fresh.login(PASSWORD), LoginResponse)
    finally:
        await client.close()
        await fresh.close()


def test_rate_limits_are_relaxed_by_default(synapse: LocalSynapse) -> None:
    _, token = synapse.register(f"chatty-{uuid.uuid4().hex[:6]}", PASSWORD)
    room_id = _create_room(synapse, token)
    for n in range(40):
        _send_text(synapse, token, room_id, f"message {n}")


def test_extra_config_can_make_rate_limits_strict(make_synapse: MakeSynapse) -> None:
    hs = make_synapse(extra_config={"rc_message": {"per_second": 0.5, "burst_count": 3}})
    _, token = hs.register("chatty", PASSWORD)
    room_id = _create_room(hs, token)
    with pytest.raises(SynapseHTTPError) as limited:
        for n in range(10):
            _send_text(hs, token, room_id, f"message {n}")
    assert limited.value.status == 429
    assert limited.value.body["errcode"] == "M_LIMIT_EXCEEDED"
