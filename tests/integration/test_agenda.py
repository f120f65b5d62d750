"""The pinned agenda on a real homeserver: pinned, edited in place within seconds, the
same message after a restart, and edits a real client decrypts in an encrypted room."""

from __future__ import annotations

import re
import time
from typing import Any

from nio import AsyncClient, MegolmEvent, RoomGetStateEventResponse, RoomPutStateResponse, RoomSendResponse

from .botproc import encrypted_room_with_bot
from .helpers import body, newest_edit, wait_for_event, wait_until

# How the agenda begins: its first line is the next session, the one waiting or the one running.
AGENDA_FIRST_LINES = ("📌 ", "⏳ Waiting for a host", "▶ Now:")


async def pinned(client: AsyncClient, room_id: str) -> list[str]:
    resp = await client.room_get_state_event(room_id, "m.room.pinned_events")
    return list(resp.content.get("pinned", [])) if isinstance(resp, RoomGetStateEventResponse) else []


async def give_power(env, user_id: str, level: int) -> None:
    current = await env.alice.room_get_state_event(env.room_id, "m.room.power_levels")
    assert isinstance(current, RoomGetStateEventResponse), current
    content = dict(current.content)
    content["users"] = {**content.get("users", {}), user_id: level}
    assert isinstance(await env.alice.room_put_state(env.room_id, "m.room.power_levels", content), RoomPutStateResponse)


async def test_the_agenda_is_pinned_edited_within_seconds_and_the_same_after_a_restart(make_bot_room):
    env = await make_bot_room(start=False)
    await give_power(env, env.bot_id, 50)  # moderators may pin
    other = await env.alice.room_send(env.room_id, "m.room.message", {"msgtype": "m.text", "body": "House rules"})
    await env.alice.room_put_state(env.room_id, "m.room.pinned_events", {"pinned": [other.event_id]})
    env.bot.start()
    await env.bot.wait_ready()

    async def the_agenda() -> str | None:
        pins = await pinned(env.alice, env.room_id)
        return pins[-1] if len(pins) == 2 else None

    agenda = await wait_until("the agenda pinned beside the house rules", the_agenda)
    assert (await pinned(env.alice, env.room_id))[0] == other.event_id

    confirmation = await env.ask(env.alice, "!suggest Sharing invoices between cooperatives")
    number = re.search(r"#(\d+)", body(confirmation)).group(1)
    await env.ask(env.alice, f"!vote {number}")
    voted = time.monotonic()
    await env.ask(env.bob, f"!vote {number}")

    async def shows(votes: str):
        text = await newest_edit(env.alice, env.room_id, agenda)
        return text if text and f"#{number} Sharing invoices between cooperatives · {votes}" in text else None

    await wait_until("the newest edit listing the topic with 2 votes", lambda: shows("2 votes"))
    assert time.monotonic() - voted < 10

    await env.bot.restart()
    await env.ask(env.organiser, f"!vote {number}")
    await wait_until("an edit of the same agenda with 3 votes", lambda: shows("3 votes"))
    assert await pinned(env.alice, env.room_id) == [other.event_id, agenda]  # no new one posted
    assert env.bot.output().count("posting a new one") == 0
    assert "Traceback" not in env.bot.output(), env.bot.output()[-4000:]


async def test_in_an_encrypted_room_a_real_client_decrypts_the_newest_edit(synapse, make_user, tmp_path):
    alice, bot, bot_id, room_id, _ = await encrypted_room_with_bot(synapse, make_user, tmp_path)
    try:

        def from_bot(event: Any) -> bool:
            if event.sender != bot_id:
                return False
            assert not isinstance(event, MegolmEvent), "alice could not decrypt a message of the bot's"
            return True

        def the_agenda(event: Any) -> bool:
            return from_bot(event) and body(event).startswith(AGENDA_FIRST_LINES)

        agenda = await wait_for_event(alice, room_id, the_agenda, timeout=15)
        assert agenda.decrypted, "the agenda was sent in the clear"
        # Sent raw rather than asked: the edit may come before or after the answer.
        if alice.should_query_keys:
            await alice.keys_query()
        sent = await alice.room_send(
            room_id,
            "m.room.message",
            {"msgtype": "m.text", "body": "!suggest Encrypted agendas for co-ops"},
            ignore_unverified_devices=True,
        )
        assert isinstance(sent, RoomSendResponse), sent

        def edit_with_the_topic(event: Any) -> bool:
            content = event.source.get("content", {})
            new = content.get("m.new_content") or {}
            return (
                from_bot(event)
                and content.get("m.relates_to") == {"rel_type": "m.replace", "event_id": agenda.event_id}
                and "Encrypted agendas for co-ops · 0 votes" in new.get("body", "")
            )

        edit = await wait_for_event(alice, room_id, edit_with_the_topic, timeout=15)
        assert edit.decrypted, "the edit was sent in the clear"
        # The bot may not pin in this room (power level 0): still edited, and said once.
        assert bot.output().count("does not allow pinning") == 1
    finally:
        bot.stop()
