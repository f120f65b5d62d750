"""bot/matrix/sync.py: which events of a sync reach the inbox, and the sync token kept with
them, against a stand-in homeserver."""

import asyncio
import datetime as dt
import json
import logging

import pytest
from nio import PowerLevels, RoomMessagesResponse, RoomMessageText, SyncResponse

from bot.features.privacy import registry as privacy
from bot.matrix import inbox
from bot.matrix.crypto import Crypto
from bot.matrix.rooms import Rooms
from bot.matrix.sender import MatrixSender
from bot.matrix.sync import Syncer, strip_reply_fallback
from bot.matrix.workers import RoomWorkers
from bot.storage.meta import dm_key
from tests.conftest import ALICE, BOB, ROOM
from tests.matrix.fakes import BOT, FakeRoom, SyncingHomeserver, reaction_event, sync_of, text_event

OTHER = "!elsewhere:example.org"
WEEK = dt.timedelta(days=7)


def ms(when: dt.datetime) -> int:
    return int(when.timestamp() * 1000)


def clock_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and "clock" in r.getMessage()]


class Bot:
    def __init__(self, chat):
        self.chat = chat
        self.client = SyncingHomeserver()
        self.client.rooms[ROOM] = FakeRoom(ROOM, BOT, ALICE, BOB)
        self.stopping = asyncio.Event()
        config = chat.services.config
        self.rooms = Rooms(self.client, chat.store, config)
        self.rooms.served.add(ROOM)
        self.rooms.configured.add(ROOM)
        sender = MatrixSender(self.client, chat.store, self.rooms.direct, chat.clock)
        self.workers = RoomWorkers(chat.dispatcher, sender, chat.clock, self.rooms)
        crypto = Crypto(self.client, chat.store, config, sender, chat.clock)
        self.sync = Syncer(self.client, chat.store, config, chat.clock, self.rooms, crypto, self.workers, self.stopping)

    async def stored(self) -> list[tuple[str, str, dict]]:
        """(event id, kind, fields) of what the inbox holds."""
        rows = await self.chat.store.fetchall("SELECT seq FROM inbox ORDER BY seq")
        entries = [await inbox.take(self.chat.store, r["seq"]) for r in rows]
        return [(e.event_id, e.kind, e.fields) for e in entries if e is not None]

    async def run_loop(self) -> None:
        """The sync loop, until the homeserver has no sync left to give."""
        loop = asyncio.create_task(self.sync.loop())
        for _ in range(1000):
            if not self.client.syncs:
                break
            await asyncio.sleep(0.005)
        await self.until_handled()
        self.stopping.set()
        await loop

    async def until_handled(self) -> None:
        for _ in range(1000):
            if not await inbox.pending(self.chat.store):
                return
            await asyncio.sleep(0.005)
        raise AssertionError("the inbox was not emptied")


@pytest.fixture
async def bot(chat):
    bot = Bot(chat)
    yield bot
    await bot.workers.close()


async def test_only_commands_are_kept_and_answered_with_the_token_written(chat, bot):
    await bot.sync.take(
        sync_of(
            ROOM,
            text_event("$chat", ALICE, "good morning, everyone"),
            text_event("$cmd", ALICE, "!link"),
            text_event("$own", BOT, "!link"),
            batch="s2",
        ),
        since="s1",
    )
    assert [(e, kind) for e, kind, _ in await bot.stored()] == [("$cmd", inbox.MESSAGE)], "conversation is not kept"
    assert await chat.store.get_meta("sync_token") == "s2"
    await bot.until_handled()
    assert len(bot.client.said_in(ROOM)) == 1, "one answer, to the command"


async def test_a_question_to_the_bot_is_kept_and_answered_and_other_chat_is_not(chat, bot):
    mentioned = {"m.mentions": {"user_ids": [BOT]}}
    events = (
        text_event("$hi", ALICE, "hello everyone, how do I join?"),
        text_event("$named", ALICE, "ccc-bot, how do I join?"),
        text_event("$pill", BOB, "Robo: what is this?", **mentioned),
        text_event("$thanks", BOB, "thanks ccc-bot", **mentioned),
        text_event("$own", BOT, "ccc-bot, what is this?"),
    )
    await bot.sync.take(sync_of(ROOM, *events, batch="s2"), since="s1")
    stored = {event_id: fields for event_id, _, fields in await bot.stored()}
    assert sorted(stored) == ["$named", "$pill"], "only what asks the bot something is kept"
    assert stored["$pill"]["addressed"] is True
    await bot.until_handled()
    answers = bot.client.said_in(ROOM)
    assert len(answers) == 2 and all("!help" in a and "!link" in a for a in answers), answers


async def test_a_pill_in_a_command_is_kept_as_the_matrix_id_it_links_to(bot):
    """Element shows a mention as the display name in the body; the command reads the ID."""
    pill = {
        "format": "org.matrix.custom.html",
        "formatted_body": '!here <a href="https://matrix.to/#/@bob:example.org">Bob</a>',
        "m.mentions": {"user_ids": ["@bob:example.org"]},
    }
    await bot.sync.take(sync_of(ROOM, text_event("$here", ALICE, "!here Bob", **pill), batch="s2"), since="s1")
    stored = {event_id: fields for event_id, _, fields in await bot.stored()}
    assert stored["$here"]["body"] == "!here @bob:example.org"


async def test_a_redelivered_sync_is_answered_once(bot):
    for _ in range(2):
        await bot.sync.take(sync_of(ROOM, text_event("$cmd", ALICE, "!link")), since="s1")
        await bot.until_handled()
    assert len(bot.client.said_in(ROOM)) == 1


async def test_replies_threads_and_edits(bot):
    reply = text_event("$reply", ALICE, "> <@bob:example.org> what's the link?\n\n!link")
    threaded = text_event("$thread", BOB, "!next", **{"m.relates_to": {"rel_type": "m.thread", "event_id": "$root"}})
    edit = text_event("$edit", ALICE, "* !tz", **{"m.relates_to": {"rel_type": "m.replace", "event_id": "$reply"}})
    await bot.sync.take(sync_of(ROOM, reply, threaded, edit), since="s1")
    stored = {event_id: fields for event_id, _, fields in await bot.stored()}
    assert stored["$reply"]["body"] == "!link", "the quoted original is dropped"
    assert stored["$thread"]["thread_root"] == "$root" and stored["$thread"]["sender_name"] == "Bob"
    assert "$edit" not in stored, "an edit is answered as first sent, not again"


async def test_reactions_and_their_redactions_are_kept(bot):
    reaction = reaction_event("$thumbs", ALICE, "$announce")
    redaction = {
        "type": "m.room.redaction",
        "event_id": "$undo",
        "sender": ALICE,
        "origin_server_ts": 1_800_000_000_001,
        "redacts": "$yesterdays-thumbs",
        "content": {},
    }
    await bot.sync.take(sync_of(ROOM, reaction, redaction), since="s1")
    assert await bot.stored() == [
        ("$thumbs", inbox.REACTION, {"target": "$announce", "key": "👍", "sender_name": "Alice"}),
        ("$undo", inbox.REDACTION, {"redacts": "$yesterdays-thumbs"}),
    ]


def redaction_of(event_id: str, sender: str, redacts: str) -> dict:
    return {
        "type": "m.room.redaction",
        "event_id": event_id,
        "sender": sender,
        "origin_server_ts": 1_800_000_000_100,
        "redacts": redacts,
        "content": {},
    }


async def test_a_redacted_command_leaves_no_trace_in_the_inbox_nor_in_mydata(chat, bot):
    await bot.sync.take(sync_of(ROOM, text_event("$cmd", ALICE, "!tz Europe/Berlin"), batch="s2"), since="s1")
    await bot.until_handled()
    assert "$cmd" in json.dumps(await privacy.collect(chat.store, ALICE)), "listed until redacted"
    await bot.sync.take(sync_of(ROOM, redaction_of("$undo", ALICE, "$cmd"), batch="s3"), since="s2")
    await bot.until_handled()
    assert await chat.store.fetchall("SELECT event_id FROM inbox") == []
    document = json.dumps(await privacy.collect(chat.store, ALICE))
    assert "$cmd" not in document and "$undo" not in document


async def test_a_moderator_may_redact_anyones_command_and_others_only_their_own(chat, bot):
    bot.client.rooms[ROOM].power_levels = PowerLevels(users={BOB: 50})
    commands = [text_event("$alices", ALICE, "!tz Europe/Berlin"), text_event("$bobs", BOB, "!tz Europe/Rome")]
    await bot.sync.take(sync_of(ROOM, *commands, batch="s2"), since="s1")
    await bot.until_handled()
    redactions = [redaction_of("$x1", ALICE, "$bobs"), redaction_of("$x2", BOB, "$alices")]
    await bot.sync.take(sync_of(ROOM, *redactions, batch="s3"), since="s2")
    await bot.until_handled()
    assert [r["event_id"] for r in await chat.store.fetchall("SELECT event_id FROM inbox")] == ["$bobs"]


async def test_rooms_not_served_are_ignored(bot):
    bot.client.rooms[OTHER] = FakeRoom(OTHER, BOT, ALICE)
    await bot.sync.take(sync_of(OTHER, text_event("$cmd", ALICE, "!link")), since="s1")
    assert await bot.stored() == []


async def test_the_first_start_skips_the_history_and_later_starts_catch_up(chat, bot):
    old = 1_000  # long before the bot first started
    bot.client.syncs = [sync_of(ROOM, text_event("$before", ALICE, "!link"), batch="s1")]
    await bot.sync.first()
    assert await bot.stored() == [] and await chat.store.get_meta("sync_token") == "s1"
    # Restarted later: what came since the token is taken, but never older than the first start.
    bot.client.syncs = [
        sync_of(ROOM, text_event("$ancient", ALICE, "!link", ts=old), text_event("$new", ALICE, "!link"), batch="s2")
    ]
    await bot.sync.first()
    assert bot.client.since == [None, "s1"]
    assert [e for e, _, _ in await bot.stored()] == ["$new"]


async def test_a_clock_a_week_ahead_at_the_first_start_does_not_make_the_bot_deaf(chat, bot):
    homeserver = chat.clock.now()
    chat.clock.set(homeserver + WEEK)  # this machine's clock, at the bot's first start
    bot.client.syncs = [sync_of(ROOM, batch="s1", date=homeserver)]
    await bot.sync.first()
    # The clock set right, the bot restarted: a command sent a minute later is answered.
    chat.clock.set(homeserver + dt.timedelta(minutes=2))
    command = text_event("$cmd", ALICE, "!link", ts=ms(homeserver + dt.timedelta(minutes=1)))
    bot.client.syncs = [sync_of(ROOM, command, batch="s2", date=homeserver + dt.timedelta(minutes=2))]
    await bot.sync.first()
    await bot.until_handled()
    assert len(bot.client.said_in(ROOM)) == 1
    assert await chat.store.get_meta("first_start_ms") == str(ms(homeserver)), "the homeserver's time"


async def test_a_first_start_mark_ahead_of_the_homeserver_is_reset_with_a_warning(chat, bot, caplog):
    homeserver = chat.clock.now()
    # A database whose mark was written by a clock a week ahead.
    await chat.store.set_meta("sync_token", "s1")
    await chat.store.set_meta("first_start_ms", str(ms(homeserver + WEEK)))
    while_down = text_event("$while-down", ALICE, "!link", ts=ms(homeserver - dt.timedelta(minutes=10)))
    bot.client.syncs = [sync_of(ROOM, while_down, batch="s2", date=homeserver)]
    with caplog.at_level(logging.WARNING):
        await bot.sync.first()
    assert [m for m in caplog.messages if "first-start mark" in m and "7 days ahead" in m], caplog.messages
    assert await chat.store.get_meta("first_start_ms") == str(ms(homeserver))
    # From now on the mark holds again: history from before it is not taken.
    ancient = text_event("$ancient", ALICE, "!tz", ts=1_000)
    later = text_event("$later", ALICE, "!next", ts=ms(homeserver + dt.timedelta(minutes=1)))
    await bot.sync.take(sync_of(ROOM, ancient, later, batch="s3"), since="s2")
    taken = [r["event_id"] for r in await chat.store.fetchall("SELECT event_id FROM inbox ORDER BY seq")]
    assert taken == ["$while-down", "$later"], "what was sent while the bot was down is taken"


async def test_a_mark_behind_the_homeserver_stays(chat, bot, caplog):
    homeserver = chat.clock.now()
    mark = str(ms(homeserver - WEEK))
    await chat.store.set_meta("sync_token", "s1")
    await chat.store.set_meta("first_start_ms", mark)
    bot.client.syncs = [sync_of(ROOM, text_event("$old", ALICE, "!tz", ts=ms(homeserver - 2 * WEEK)), date=homeserver)]
    await bot.sync.first()
    assert await chat.store.get_meta("first_start_ms") == mark
    assert await bot.stored() == [] and clock_warnings(caplog) == []


@pytest.mark.parametrize(
    ("off", "said"),
    [
        (dt.timedelta(minutes=5), "5 minutes ahead of"),
        (-dt.timedelta(days=7, minutes=1), "7 days behind"),
        (dt.timedelta(seconds=50), None),
    ],
)
async def test_a_local_clock_more_than_a_minute_off_the_homeservers_is_warned_of_once(chat, bot, caplog, off, said):
    homeserver = chat.clock.now()
    chat.clock.set(homeserver + off)
    bot.client.syncs = [sync_of(ROOM, batch=f"s{i}", date=homeserver) for i in range(1, 4)]
    with caplog.at_level(logging.WARNING):
        await bot.sync.first()
        await bot.run_loop()
    assert bot.client.since[:3] == [None, "s1", "s2"], "three syncs taken"
    if said is None:
        assert clock_warnings(caplog) == []
    else:
        [warning] = clock_warnings(caplog)
        assert said in warning


async def test_only_what_follows_the_bots_own_join_is_taken(bot):
    join = {
        "type": "m.room.member",
        "event_id": "$join",
        "sender": BOT,
        "state_key": BOT,
        "origin_server_ts": 1_800_000_000_000,
        "content": {"membership": "join"},
    }
    events = (text_event("$before", ALICE, "!link"), join, text_event("$after", ALICE, "!next"))
    await bot.sync.take(sync_of(ROOM, *events, limited=True), since="s1")
    assert [e for e, _, _ in await bot.stored()] == ["$after"]


async def test_a_timeline_cut_short_is_filled_in_from_the_history(bot):
    def page(*events, end):
        return RoomMessagesResponse(ROOM, [RoomMessageText.from_dict(e) for e in events], "x", end)

    resp = sync_of(ROOM, text_event("$latest", ALICE, "!link"), limited=True)
    resp.rooms.join[ROOM].timeline.prev_batch = "p1"
    # Newest first, as the homeserver pages backwards.
    bot.client.history = {
        "p1": page(text_event("$b", BOB, "!next"), text_event("$a", ALICE, "!tz"), end="p2"),
        "p2": page(end="p2"),
    }
    await bot.sync.take(resp, since="s1")
    assert [e for e, _, _ in await bot.stored()] == ["$a", "$b", "$latest"], "oldest first"


def test_reply_fallback():
    assert strip_reply_fallback("> <@a:x> quoted\n> more\n\n!tz") == "!tz"
    assert strip_reply_fallback("!tz > 3") == "!tz > 3"


# --- direct-message rooms ---------------------------------------------------------------------

DM = "!alice-dm:example.org"
MALLORY = "@mallory:example.org"


def membership(user_id: str, state: str, sender: str = BOT, event_id: str | None = None) -> dict:
    return {
        "type": "m.room.member",
        "event_id": event_id or f"${user_id}-{state}",
        "sender": sender,
        "state_key": user_id,
        "origin_server_ts": 1_800_000_000_000,
        "content": {"membership": state},
    }


async def alices_room(bot) -> None:
    """The direct room the bot opened for alice, with her in it."""
    bot.client.rooms[DM] = FakeRoom(DM, BOT, ALICE)
    await bot.rooms.direct.record(ALICE, DM)


async def test_in_a_direct_room_only_its_persons_events_are_taken(bot):
    await alices_room(bot)
    reaction = reaction_event("$mallorys-thumb", MALLORY, "$topic")
    events = (text_event("$mine", ALICE, "!topics"), text_event("$theirs", MALLORY, "!start"), reaction)
    await bot.sync.take(sync_of(DM, *events), since="s1")
    assert [e for e, _, _ in await bot.stored()] == ["$mine"]
    await bot.until_handled()
    [answer] = bot.client.said_in(DM)
    assert "No open topics" in answer


async def test_in_a_direct_room_its_persons_commands_that_act_on_the_conference_are_refused(bot):
    await alices_room(bot)
    await bot.sync.take(sync_of(DM, text_event("$suggest", ALICE, "!suggest Co-op bylaws")), since="s1")
    await bot.until_handled()
    [answer] = bot.client.said_in(DM)
    assert answer.startswith("Please use !suggest in the conference room"), answer
    await bot.sync.take(sync_of(ROOM, text_event("$topics", BOB, "!topics"), batch="s3"), since="s2")
    await bot.until_handled()
    assert "No open topics" in bot.client.said_in(ROOM)[-1], "nothing was suggested"


async def test_a_direct_room_someone_else_comes_into_is_left_and_nothing_they_say_is_taken(chat, bot):
    await alices_room(bot)
    events = (
        membership(MALLORY, "invite", sender=ALICE),
        membership(MALLORY, "join", sender=MALLORY),
        text_event("$mallory", MALLORY, "!host"),
        text_event("$alice", ALICE, "!next"),
    )
    await bot.sync.take(sync_of(DM, *events), since="s1")
    assert await bot.stored() == [], "not even alice's: the room is no longer hers alone"
    assert bot.client.left == [DM] and DM not in bot.rooms.served
    assert await chat.store.get_meta(dm_key(ALICE)) is None, "forgotten"
    await bot.sync.take(sync_of(DM, text_event("$later", MALLORY, "!start"), batch="s3"), since="s2")
    assert await bot.stored() == []


async def test_a_direct_room_its_person_left_or_that_was_opened_is_left(chat, bot):
    await alices_room(bot)
    await bot.rooms.direct.record(BOB, "!bob-dm:example.org")
    bot.client.rooms["!bob-dm:example.org"] = FakeRoom("!bob-dm:example.org", BOT, BOB)
    opened = {
        "type": "m.room.join_rules",
        "event_id": "$public",
        "sender": BOB,
        "state_key": "",
        "origin_server_ts": 1_800_000_000_000,
        "content": {"join_rule": "public"},
    }
    await bot.sync.take(sync_of(DM, membership(ALICE, "leave", sender=ALICE)), since="s1")
    await bot.sync.take(sync_of("!bob-dm:example.org", opened, batch="s3"), since="s2")
    assert bot.client.left == [DM, "!bob-dm:example.org"]
    assert await chat.store.meta_with_prefix(dm_key()) == {}


async def test_a_direct_room_the_bot_was_removed_from_is_forgotten(chat, bot):
    await alices_room(bot)
    resp = SyncResponse.from_dict(
        {"next_batch": "s2", "rooms": {"leave": {DM: {"timeline": {"events": [membership(BOT, "leave", ALICE)]}}}}}
    )
    await bot.sync.take(resp, since="s1")
    assert DM not in bot.rooms.served and await chat.store.get_meta(dm_key(ALICE)) is None
    assert bot.client.left == [], "nothing to leave"


async def test_forgetme_in_the_direct_room_is_answered_there_then_the_room_is_left(chat, bot):
    await alices_room(bot)
    chat.services.on_forget.append(bot.rooms.direct.forget_person)
    await bot.sync.take(sync_of(DM, text_event("$ask", ALICE, "!forgetme")), since="s1")
    await bot.sync.take(sync_of(DM, text_event("$yes", ALICE, "!forgetme confirm"), batch="s3"), since="s2")
    await bot.until_handled()
    for _ in range(100):
        if bot.client.left:
            break
        await asyncio.sleep(0.01)
    assert len(bot.client.said_in(DM)) == 2, "the confirmation is answered where it was asked"
    assert bot.client.left == [DM] and DM not in bot.rooms.served
    assert await chat.store.get_meta(dm_key(ALICE)) is None


async def test_a_command_from_a_direct_room_left_before_its_turn_is_not_carried_out(chat, bot):
    """Taken from the direct room, then the room was left (someone else came in) before the
    command's turn: it is not taken for a conference room's command either."""
    await alices_room(bot)
    suggestion = inbox.message(ALICE, 1_800_000_000_000, "!suggest Co-op bylaws", None, None)
    await chat.store.transaction(
        lambda db: inbox.add(db, [("$queued", DM, inbox.MESSAGE, suggestion)], chat.clock.now())
    )
    await bot.rooms.direct.forget(DM, "someone else was let in")
    await bot.workers.resume()
    await bot.until_handled()
    assert bot.client.said_in(DM) == [] and bot.client.said_in(ROOM) == []
    assert "No open topics" in await chat.text(ALICE, "!topics")
