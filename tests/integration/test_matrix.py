"""The bot on a real homeserver: replies, threads, restarts, invites, safety."""

from __future__ import annotations

import asyncio
import sqlite3
import tomllib
from typing import Any

import pytest
from nio import AsyncClient, JoinResponse, RoomCreateResponse, RoomMemberEvent, RoomSendResponse

from .botproc import relates, replies_to, send_text
from .helpers import collect_events, prime, wait_for_event


def content(event) -> dict:
    return event.source["content"]


async def test_commands_are_answered_as_notice_replies(make_bot_room):
    env = await make_bot_room()
    for body, expected in (("!help", "start here"), ("!link", "bbb.example.org"), ("!tz", "no time zone")):
        reply = await env.ask(env.alice, body)
        assert content(reply)["msgtype"] == "m.notice"
        assert expected in content(reply)["body"]
        assert content(reply)["format"] == "org.matrix.custom.html"
        assert content(reply)["m.mentions"] == {}
    reply = await env.ask(env.bob, "!tz Europe/Berlin")
    assert "Europe/Berlin" in content(reply)["body"]
    assert "Europe/Berlin" in content(await env.ask(env.bob, "!tz"))["body"]
    token = tomllib.loads(env.config_path.read_text())["matrix"]["access_token"]
    assert token not in env.bot.output(), "the access token leaked into the log"


async def test_a_command_in_a_thread_is_answered_in_that_thread(make_bot_room):
    env = await make_bot_room()
    root = await send_text(env.alice, env.room_id, "Thursday's call: who is coming?")
    reply = await env.ask(env.bob, "!link", thread_root=root)
    rel = relates(reply)
    assert rel["rel_type"] == "m.thread" and rel["event_id"] == root
    assert "bbb.example.org" in content(reply)["body"]


async def test_commands_sent_while_down_are_answered_once_after_restart(make_bot_room):
    env = await make_bot_room()
    earlier = await env.ask(env.alice, "!link")
    earlier_command = relates(earlier)["m.in_reply_to"]["event_id"]
    env.bot.stop()
    await prime(env.bob)
    missed = await send_text(env.bob, env.room_id, "!tz Asia/Kolkata")
    env.bot.start()
    await env.bot.wait_ready()
    reply = await wait_for_event(env.bob, env.room_id, replies_to(missed, env.bot_id), timeout=30)
    assert "Asia/Kolkata" in content(reply)["body"]
    later = await collect_events(env.bob, env.room_id, 3)
    assert not [e for e in later if replies_to(missed, env.bot_id)(e)], "answered twice"
    assert not [e for e in later if replies_to(earlier_command, env.bot_id)(e)], "an old command answered again"


async def test_a_command_buried_under_a_busy_downtime_is_still_answered(make_bot_room):
    """More than one sync's worth of messages (200) while the bot is down: it pages back."""
    env = await make_bot_room()
    env.bot.stop()
    await prime(env.bob)
    buried = await send_text(env.bob, env.room_id, "!tz Asia/Kolkata")
    # All after the command; ten at a time rather than one by one (their order is not the point).
    gate = asyncio.Semaphore(10)

    async def chatter(i: int) -> str:
        async with gate:
            return await send_text(env.alice, env.room_id, f"chatter {i}")

    await asyncio.gather(*(chatter(i) for i in range(230)))
    env.bot.start()
    await env.bot.wait_ready()
    reply = await wait_for_event(env.bob, env.room_id, replies_to(buried, env.bot_id), timeout=30)
    assert "Asia/Kolkata" in content(reply)["body"]
    later = await collect_events(env.bob, env.room_id, 2)
    assert not [e for e in later if replies_to(buried, env.bot_id)(e)], "answered twice"


@pytest.mark.parametrize("joined_before", [False, True], ids=["invited", "joined-before"])
async def test_history_from_before_the_first_start_is_not_answered(make_bot_room, joined_before):
    env = await make_bot_room(start=False)
    if joined_before:
        # The bot's account is already in the room (joined from Element, say) before
        # ccc-bot first runs: the backlog reaches it in its first sync.
        bot_client = AsyncClient(env.synapse.url, env.bot_id)
        bot_client.restore_login(env.bot_id, env.account.device_id, env.account.access_token)
        try:
            assert isinstance(await bot_client.join(env.room_id), JoinResponse)
        finally:
            await bot_client.close()
    # Primed before the commands, so that an answer to any of them is seen.
    await prime(env.alice)
    old = [await send_text(env.alice, env.room_id, f"!tz Europe/Paris {i}") for i in range(20)]
    env.bot.start()
    await env.bot.wait_ready()
    sentinel = await send_text(env.alice, env.room_id, "!link")
    seen = []
    await wait_for_event(env.alice, env.room_id, lambda e: seen.append(e) or replies_to(sentinel, env.bot_id)(e), 30)
    seen += await collect_events(env.alice, env.room_id, 2)
    answered_old = [e for e in seen if (relates(e).get("m.in_reply_to") or {}).get("event_id") in old]
    assert answered_old == []
    bot_replies = [e for e in seen if getattr(e, "sender", None) == env.bot_id and relates(e).get("m.in_reply_to")]
    assert len(bot_replies) == 1, "only !link is answered"


async def test_invites_only_to_served_rooms_are_accepted(make_bot_room):
    env = await make_bot_room()
    created = await env.alice.room_create(name="Not served", invite=[env.bot_id])
    assert isinstance(created, RoomCreateResponse)
    await prime(env.alice)

    def bot_membership(event):
        return isinstance(event, RoomMemberEvent) and event.state_key == env.bot_id and event.membership == "leave"

    left = await wait_for_event(env.alice, created.room_id, bot_membership, timeout=30)
    assert left.membership == "leave"
    # The served room's invite was accepted (the bot answers there).
    assert "bbb" in content(await env.ask(env.alice, "!link"))["body"]


async def test_user_html_and_room_mentions_are_neutralised(make_bot_room):
    env = await make_bot_room()
    for body in ("!tz <b>@room</b>", "!help <img src=x onerror=alert(1)>", "!nope @room <a href='x'>y</a>"):
        reply = await env.ask(env.alice, body)
        html = content(reply)["formatted_body"]
        assert "<b>" not in html and "<img" not in html and "<a href='x'>" not in html
        assert "room" not in content(reply)["m.mentions"]
        assert content(reply)["m.mentions"] == {}


async def test_a_question_to_the_bot_by_name_or_mention_gets_a_pointer_and_chat_gets_nothing(make_bot_room):
    env = await make_bot_room()
    await prime(env.alice)
    await send_text(env.alice, env.room_id, "hello everyone, how do I join?")
    named = await send_text(env.alice, env.room_id, "ccc-bot, how do I join?")  # the bot's display name
    pill = {"msgtype": "m.text", "body": "Helper: what is this?", "m.mentions": {"user_ids": [env.bot_id]}}
    sent = await env.alice.room_send(env.room_id, "m.room.message", pill)
    assert isinstance(sent, RoomSendResponse), sent
    seen: list[Any] = []
    last = replies_to(sent.event_id, env.bot_id)
    await wait_for_event(env.alice, env.room_id, lambda e: seen.append(e) or last(e), 30)
    # alice's messages are handled in the order sent: an answer to the chat would be seen first.
    answers = {
        relates(e)["m.in_reply_to"]["event_id"]: content(e)
        for e in seen
        if getattr(e, "sender", None) == env.bot_id and relates(e).get("m.in_reply_to")
    }
    assert set(answers) == {named, sent.event_id}, "chat not addressed to the bot is left alone"
    for answer in answers.values():
        assert "!help" in answer["body"] and "!link" in answer["body"] and answer["msgtype"] == "m.notice"


async def test_sigterm_during_a_burst_then_every_command_answered_once(make_bot_room):
    env = await make_bot_room()
    await prime(env.alice)
    sent = []
    for i in range(30):
        sent.append(await send_text(env.alice, env.room_id, f"!tz Europe/Berlin{'' if i % 2 else ' '}"))
        if i == 10:
            stopping = asyncio.create_task(asyncio.to_thread(env.bot.stop))
    took = await stopping
    assert took < 5, f"the bot took {took:.1f} s to exit"
    env.bot.start()
    await env.bot.wait_ready()
    answers: dict[str, int] = {}
    others: list[str] = []  # the bot's messages that answer no command (announcements)

    def count(events: list[Any]) -> None:
        for event in events:
            if event.sender == env.bot_id:
                target = (relates(event).get("m.in_reply_to") or {}).get("event_id")
                if target is None:
                    others.append(event.body)
                else:
                    answers[target] = answers.get(target, 0) + 1

    deadline = asyncio.get_running_loop().time() + 60
    while len(answers) < 30 and asyncio.get_running_loop().time() < deadline:
        count(await collect_events(env.alice, env.room_id, 1))
    count(await collect_events(env.alice, env.room_id, 2))
    missing = [i for i, event_id in enumerate(sent) if event_id not in answers]
    assert missing == [], f"commands {missing} not answered; log:\n{env.bot.output()[-3000:]}"
    assert all(n == 1 for n in answers.values()), {k: v for k, v in answers.items() if v != 1}
    assert len(others) == len(set(others)), f"a message shown twice: {others}"
    with sqlite3.connect(env.database) as db:
        assert db.execute("SELECT COUNT(*) FROM inbox WHERE done_at IS NULL").fetchone()[0] == 0


async def test_login_stores_a_private_token_and_the_bot_runs_without_the_password(synapse, tmp_path):
    import stat
    import subprocess
    import sys
    import uuid

    from .botproc import ROOT, BotProcess, write_config

    def login(path):
        command = [sys.executable, "-m", "bot.cli", "login", "-c", str(path)]
        return subprocess.run(command, capture_output=True, text=True, timeout=60)

    localpart = f"ccc-login-{uuid.uuid4().hex[:6]}"
    user_id, _ = await asyncio.to_thread(synapse.register, localpart, "s3cret password")
    matrix = {"homeserver": synapse.url, "user_id": user_id, "password": "s3cret password", "encryption": False}
    sections = {"matrix": matrix, "topics": {"seed_file": str(ROOT / "topics.yaml")}}
    config = write_config(tmp_path / "config.toml", sections)
    done = await asyncio.to_thread(login, config)
    assert done.returncode == 0, done.stderr
    session = tmp_path / "state" / "session.json"
    assert stat.S_IMODE(session.stat().st_mode) == 0o600
    assert "s3cret" not in session.read_text()
    # The password can now leave the config.
    write_config(config, {**sections, "matrix": {k: v for k, v in matrix.items() if k != "password"}})
    bot = BotProcess(config, tmp_path / "bot.log")
    bot.start()
    try:
        await bot.wait_ready()
    finally:
        bot.stop()
    bad = write_config(tmp_path / "bad.toml", {**sections, "matrix": {**matrix, "password": "wrong"}})
    done = await asyncio.to_thread(login, bad)
    assert done.returncode != 0 and "login" in done.stderr and "Traceback" not in done.stderr


async def test_a_send_cut_short_by_a_crash_is_found_again_by_its_transaction_id(make_user, tmp_path):
    """After a restart (a new client on the same login), the bot finds a message the
    homeserver took just before the crash among its own, by transaction id: how an
    announcement shown but not recorded is recorded as sent rather than skipped."""
    import datetime as dt

    from bot.matrix.sender import MatrixSender
    from bot.storage.meta import dm_key
    from bot.storage.store import Store

    bot = await make_user("bot")
    created = await bot.room_create(name="Sent lookup")
    assert isinstance(created, RoomCreateResponse), created
    room_id = created.room_id
    store = await Store.open(tmp_path / "lookup.sqlite3")
    try:
        since = dt.datetime.now(dt.UTC)
        content = {"msgtype": "m.notice", "body": "starts in 15 minutes", "m.mentions": {}}
        event_id = await MatrixSender(bot, store)._send_event(room_id, content, "announce:x:15m:room")
        assert event_id
        for i in range(3):  # other messages of the bot's after it
            await bot.room_send(room_id, "m.room.message", {"msgtype": "m.notice", "body": f"reply {i}"})
        again = AsyncClient(bot.homeserver, bot.user_id, device_id=bot.device_id)
        again.restore_login(bot.user_id, bot.device_id, bot.access_token)
        try:
            restarted = MatrixSender(again, store)
            assert await restarted.sent_event(room_id, "announce:x:15m:room", since) == event_id
            assert await restarted.sent_event(room_id, "announce:x:0m:room", since) is None
            # A direct message is looked for by the person's id, in their recorded room.
            person = "@someone:localhost"
            assert await restarted.sent_event(person, "announce:x:15m:room", since) is None, "no room recorded"
            await store.set_meta(dm_key(person), room_id)
            assert await restarted.sent_event(person, "announce:x:15m:room", since) == event_id
        finally:
            await again.close()
    finally:
        await store.close()


async def test_a_reply_with_reactions_arrives_with_them_once_however_often_it_is_sent(make_user, tmp_path):
    """The vote to go on arrives with 👍 and 👎 on it, the bot's own, so a click votes:
    sent twice (a resend after a crash), each is there once; a message found sent after a
    crash that came before its reactions gets them, once."""
    import datetime as dt

    from nio.api import RelationshipType

    from bot.core.model import Reply
    from bot.matrix.sender import MatrixSender
    from bot.storage.store import Store

    bot = await make_user("bot")
    alice = await make_user("alice")
    created = await bot.room_create(name="Reactions", invite=[alice.user_id])
    assert isinstance(created, RoomCreateResponse), created
    room_id = created.room_id
    assert isinstance(await alice.join(room_id), JoinResponse)

    async def reactions_on(event_id: str) -> list[tuple[str, str]]:
        """As Element reads them: the event's annotations from the homeserver."""
        events = [e async for e in alice.room_get_event_relations(room_id, event_id, RelationshipType.annotation)]
        return sorted((event.sender, event.source["content"]["m.relates_to"]["key"]) for event in events)

    store = await Store.open(tmp_path / "react.sqlite3")
    try:
        vote = Reply(text="Keep going on topic 3?", room_id=room_id, key="vote:3:1", reactions=("👍", "👎"))
        event_id = await MatrixSender(bot, store).send(vote)
        assert event_id
        assert await reactions_on(event_id) == [(bot.user_id, "👍"), (bot.user_id, "👎")]
        # Restarted (a new client on the same login), the same reply is sent again.
        again = AsyncClient(bot.homeserver, bot.user_id, device_id=bot.device_id)
        again.restore_login(bot.user_id, bot.device_id, bot.access_token)
        try:
            restarted = MatrixSender(again, store)
            assert await restarted.send(vote) == event_id, "the message is not shown twice"
            assert await reactions_on(event_id) == [(bot.user_id, "👍"), (bot.user_id, "👎")]

            # The bot died after the homeserver took a message, before its reactions.
            since = dt.datetime.now(dt.UTC)
            cut_short = Reply(text="Keep going on topic 4?", room_id=room_id, key="vote:4:1")
            found = await MatrixSender(bot, store).send(cut_short)
            assert found and await reactions_on(found) == []
            for _ in range(2):  # found once, then once more after another crash
                assert await restarted.sent_event(room_id, "vote:4:1", since, ("👍", "👎")) == found
                assert await reactions_on(found) == [(bot.user_id, "👍"), (bot.user_id, "👎")]
        finally:
            await again.close()
    finally:
        await store.close()
