"""Lean Coffee, live, with real clients on a real homeserver: a host starts the session and
its most-voted topic; when the timebox ends the bot posts the vote to go on in the session's
thread with 👍 and 👎 already added; two people's 👍 extend the topic and the bot says so; at
the next vote a 👎 majority ends it: the bot marks it discussed with its minutes and names
the next topic, which the host starts; `!history` shows the minutes. The same in an
encrypted room, people reacting as Element does (a plain m.reaction beside encrypted
messages).

The two rooms run at once, each with its own bot, on real time: the shortest timebox and
extension (1 minute) and vote (10 seconds) the config allows, so the whole takes about
two and a half minutes. A sped-up clock (libfaketime's `x10`) would also speed up the
bot's HTTP timeouts and drift from the homeserver's clock, which the bot checks."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from nio import AsyncClient, Event, JoinResponse, MegolmEvent, RoomCreateResponse, RoomMessageNotice, RoomSendResponse
from nio.api import RelationshipType

from .botproc import ENCRYPTION, WEEKDAYS, BotProcess, bot_sections, register_bot, relates, replies_to, write_config
from .conftest import BotRoom
from .helpers import body, prime, wait_for_event, wait_until

# Waits on real minutes: started first (tests/conftest.py).
pytestmark = pytest.mark.minutes

# Two votes on the first topic need two extensions: after the last one its time is up
# without a vote.
LEAN_COFFEE = {"enabled": True, "timebox": "1m", "extensions": ["1m", "1m"], "vote_seconds": 10}
# A timebox, and then some for a busy machine.
TIMEBOX_WAIT = 60 + 30
FIRST = "Shared payroll between worker co-ops"
SECOND = "A common pay scale"


def config() -> dict[str, dict[str, Any]]:
    """A session that began three minutes ago, inside its start window, and not announced:
    `!start` opens its thread."""
    began = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=3)).replace(second=0, microsecond=0)
    conference = {"timezone": "UTC", "slots": [f"{WEEKDAYS[began.weekday()]} {began:%H:%M}"], "announce_before": []}
    return {"conference": conference, "lean_coffee": LEAN_COFFEE}


async def encrypted_bot_room(synapse, make_user, folder: Path) -> BotRoom:
    """As `make_bot_room`, in an encrypted room as Element creates it, everyone's device with
    its own keys."""
    alice = await make_user("alice", e2e=True, displayname="Alice")
    bob = await make_user("bob", e2e=True, displayname="Bob")
    organiser = await make_user("org", e2e=True, displayname="Olive Organiser")
    for client in (alice, bob, organiser):
        await client.keys_upload()
    account = await asyncio.to_thread(register_bot, synapse)
    created = await alice.room_create(
        name="Private co-op chat",
        invite=[account.user_id, bob.user_id, organiser.user_id],
        initial_state=[ENCRYPTION],
    )
    assert isinstance(created, RoomCreateResponse), created
    for member in (bob, organiser):
        assert isinstance(await member.join(created.room_id), JoinResponse)
    await asyncio.to_thread(folder.mkdir, parents=True)
    sections = bot_sections(synapse, account, [created.room_id], encryption=True)
    sections["roles"] = {"organisers": [organiser.user_id]}
    sections.update(config())
    config_path = write_config(folder / "config.toml", sections)
    bot = BotProcess(config_path, folder / "bot.log")
    bot.start()
    await bot.wait_ready()
    return BotRoom(
        synapse,
        bot,
        account.user_id,
        created.room_id,
        alice,
        bob,
        organiser,
        config_path,
        folder / "ccc.sqlite3",
        account,
    )


def in_thread(event: Event, root: str) -> bool:
    rel = relates(event)
    return rel.get("rel_type") == "m.thread" and rel.get("event_id") == root


async def from_bot(env: BotRoom, client: AsyncClient, wanted, timeout: float) -> Event:  # noqa: ASYNC109
    """The bot's next message that is `wanted`, as `client` reads it: one it cannot decrypt fails."""

    def match(event: Event) -> bool:
        if event.sender != env.bot_id:
            return False
        if isinstance(event, MegolmEvent):
            raise AssertionError(f"{client.user_id} could not decrypt the bot's {event.event_id}")
        return bool(wanted(event))

    return await wait_for_event(client, env.room_id, match, timeout)


async def command(env: BotRoom, client: AsyncClient, text: str, posted: str | None = None) -> Event:
    """Send a command (encrypted in the encrypted room) and return the text of the bot's
    answer: a reply to it, or, for an answer posted in the session's thread (which replies to
    the thread's root), the bot's next message with `posted` in it."""
    await prime(client)
    if client.should_query_keys:  # the bot's device is new to this client
        await client.keys_query()
    sent = await client.room_send(
        env.room_id, "m.room.message", {"msgtype": "m.text", "body": text}, ignore_unverified_devices=True
    )
    assert isinstance(sent, RoomSendResponse), sent
    answer = replies_to(sent.event_id, env.bot_id) if posted is None else (lambda e: posted in body(e))
    return await from_bot(env, client, answer, 20)


async def answer(env: BotRoom, client: AsyncClient, text: str, posted: str | None = None) -> str:
    return body(await command(env, client, text, posted))


async def react(env: BotRoom, client: AsyncClient, event_id: str, key: str) -> None:
    """A click on a reaction, as Element sends it: a plain m.reaction, in an encrypted room too."""
    relation = {"m.relates_to": {"rel_type": "m.annotation", "event_id": event_id, "key": key}}
    sent = await client.room_send(env.room_id, "m.reaction", relation)
    assert isinstance(sent, RoomSendResponse), sent


async def bots_reactions(env: BotRoom, client: AsyncClient, event_id: str) -> list[str]:
    found = client.room_get_event_relations(env.room_id, event_id, RelationshipType.annotation)
    return sorted([event.key async for event in found if event.sender == env.bot_id])


def topic_number(answer: str) -> int:
    found = re.search(r"Added #(\d+)", answer)
    assert found, answer
    return int(found.group(1))


async def run_two_topics(env: BotRoom, encrypted: bool) -> None:
    host, alice, bob = env.organiser, env.alice, env.bob  # organisers may host every session

    def vote_to_go_on(event: Event) -> bool:
        return "Time is up for" in body(event)

    def checked(event: Event) -> str:
        """The bot's message in the session's thread, readable by everyone and, in the
        encrypted room, encrypted."""
        assert in_thread(event, root.event_id), relates(event)
        if encrypted:
            assert isinstance(event, RoomMessageNotice) and event.decrypted, event
        return body(event)

    root = await command(env, host, "!start", posted="has started")
    first = topic_number(await answer(env, alice, f"!suggest {FIRST}"))
    second = topic_number(await answer(env, bob, f"!suggest {SECOND}"))
    for voter, topic in ((bob, first), (host, first), (alice, second)):
        assert "Voted for" in await answer(env, voter, f"!vote {topic}")

    started = checked(await command(env, host, "!discuss", "Now discussing"))
    assert f"▶ Now discussing #{first} “{FIRST}”: 1 minute, until" in started, started

    vote = await from_bot(env, host, vote_to_go_on, TIMEBOX_WAIT)
    for person in (alice, bob):  # at once: the vote is open for 10 seconds
        await react(env, person, vote.event_id, "👍")
    text = checked(vote)
    assert f"#{first}" in text and "Keep going for 1 minute more?" in text, text

    async def bots_thumbs() -> list[str]:
        # Both, or not yet: the bot adds 👍 then 👎, and a look between them sees one.
        thumbs = await bots_reactions(env, host, vote.event_id)
        return thumbs if len(thumbs) >= 2 else []

    assert await wait_until("the bot's 👍 and 👎 on its vote", bots_thumbs) == ["👍", "👎"]

    extended = checked(await from_bot(env, host, lambda e: "goes on" in body(e), 30))
    assert f"👍 The room goes on (👍 2, 👎 0): #{first} “{FIRST}” has 1 minute more" in extended, extended

    again = await from_bot(env, host, vote_to_go_on, TIMEBOX_WAIT)
    assert again.event_id != vote.event_id
    await react(env, alice, again.event_id, "👍")
    for person in (bob, host):
        await react(env, person, again.event_id, "👎")
    assert f"#{first}" in checked(again)

    moved = checked(await from_bot(env, host, lambda e: "Moving on" in body(e), 30))
    spent = re.search(rf"Moving on \(👍 1, 👎 2\): #{first} “{FIRST}” is marked discussed \((\d+) minutes?\)", moved)
    assert spent, moved
    assert f"Next up: #{second} “{SECOND}” (1 vote)" in moved, moved

    started = checked(await command(env, host, "!discuss", "Now discussing"))
    # The vote closed the first topic: nothing of it is closed again.
    assert started.startswith(f"▶ Now discussing #{second} “{SECOND}”") and f"#{first}" not in started, started
    assert "Traceback" not in env.bot.output(), env.bot.output()[-4000:]

    history = await answer(env, alice, "!history")
    [line] = [line for line in history.splitlines() if f"#{first}" in line]
    assert re.search(rf"\b{spent.group(1)} min", line), f"the minutes spent are not in !history:\n{history}"


async def test_a_session_runs_two_topics_with_votes_to_go_on_in_a_plain_and_an_encrypted_room(
    synapse, make_user, make_bot_room, tmp_path
):
    async def plain() -> None:
        await run_two_topics(await make_bot_room(config=config()), encrypted=False)

    async def encrypted() -> None:
        env = await encrypted_bot_room(synapse, make_user, tmp_path / "encrypted")
        try:
            await run_two_topics(env, encrypted=True)
        finally:
            env.bot.stop()

    # Both to their end, so that a failure in one room does not hide the other's.
    failed = [e for e in await asyncio.gather(plain(), encrypted(), return_exceptions=True) if e is not None]
    if failed:
        raise ExceptionGroup("the Lean Coffee session failed", failed)
