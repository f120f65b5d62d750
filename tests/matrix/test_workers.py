"""bot/matrix/workers.py: the inbox handled room by room, people taking turns, each entry
answered once, against a stand-in homeserver."""

import asyncio
import logging

import pytest

from bot.core.limits import CommandLimit
from bot.matrix import inbox
from bot.matrix.sender import MatrixSender
from bot.matrix.workers import RoomQueue, RoomWorkers
from tests.conftest import ALICE, BOB, ORGANISER, ROOM
from tests.matrix.fakes import BOT, FakeRoom, Homeserver
from tests.storage.disk import until_refused

MALLORY = "@mallory:example.org"
TS = 1_800_000_000_000


class Bot:
    """The room workers with a homeserver whose sends take a moment, as a real one's do."""

    def __init__(self, chat):
        self.chat = chat
        self.client = Homeserver()
        self.client.send_delay = 0.002
        self.client.rooms[ROOM] = FakeRoom(ROOM, BOT, ALICE, BOB, MALLORY)
        self.workers = self.start()

    def start(self) -> RoomWorkers:
        sender = MatrixSender(self.client, self.chat.store, clock=self.chat.clock)
        return RoomWorkers(self.chat.dispatcher, sender, self.chat.clock)

    async def receive(self, *messages: tuple[str, str, str], enqueue: bool = True) -> None:
        """Commands written to the inbox as a sync does, and queued unless `enqueue` is off."""
        rows = [
            (event_id, ROOM, inbox.MESSAGE, inbox.message(sender, TS, body, None, None))
            for event_id, sender, body in messages
        ]
        new = await self.chat.store.transaction(lambda db: inbox.add(db, rows, self.chat.clock.now()))
        if enqueue:
            for room_id, sender, seq in new:
                self.workers.enqueue(room_id, sender, seq)

    async def until_handled(self) -> None:
        for _ in range(2000):
            if not await inbox.pending(self.chat.store):
                return
            await asyncio.sleep(0.005)
        raise AssertionError("the inbox was not emptied")

    def answered(self) -> list[tuple[str, str]]:
        """(the command's event id, the answer's first line), in the order shown."""
        return [
            (c["m.relates_to"]["m.in_reply_to"]["event_id"], c["body"].splitlines()[0]) for _, c in self.client.sent
        ]


@pytest.fixture
async def bot(chat):
    bot = Bot(chat)
    yield bot
    await bot.workers.close()


async def test_one_persons_flood_does_not_hold_up_anothers_link(chat, bot):
    chat.dispatcher.limit = CommandLimit(10)  # the harness turns the limit off; here it is on
    await chat.say(ALICE, "!suggest Something to vote for")
    flood = [(f"$flood{i}", MALLORY, ("!vote 1", "!unvote 1", "!stats")[i % 3]) for i in range(200)]
    await bot.receive(*flood, ("$link", BOB, "!link"))
    await bot.until_handled()
    sent = bot.answered()
    order = [event_id for event_id, _ in sent]
    assert order.index("$link") <= 1, "bob waits for at most the one command being handled"
    flood_answers = [line for event_id, line in sent if event_id != "$link"]
    assert len(flood_answers) == 11, "ten answers and one notice; the rest is silence"
    assert [line.startswith("Too many") for line in flood_answers] == [False] * 10 + [True]
    # Mallory's own commands were answered in the order sent.
    mallory = [event_id for event_id in order if event_id != "$link"]
    assert mallory == [f"$flood{i}" for i in range(11)]


async def test_different_peoples_commands_keep_their_order_without_a_backlog(bot):
    await bot.receive(("$a1", ALICE, "!link"), ("$b1", BOB, "!next"), ("$a2", ALICE, "!tz"), ("$b2", BOB, "!link"))
    await bot.until_handled()
    assert [event_id for event_id, _ in bot.answered()] == ["$a1", "$b1", "$a2", "$b2"]


async def test_after_a_restart_the_commands_not_handled_are_answered_once(chat, bot):
    await bot.receive(("$done", ALICE, "!link"))
    await bot.until_handled()
    # Received, then the bot stopped before handling them.
    await bot.receive(("$a", ALICE, "!link"), ("$b", BOB, "!next"), enqueue=False)
    await bot.workers.close()
    bot.workers = bot.start()
    await bot.workers.resume()
    await bot.until_handled()
    assert [event_id for event_id, _ in bot.answered()] == ["$done", "$a", "$b"], "each once, in order"


async def test_a_command_whose_answer_was_sent_before_a_crash_is_not_shown_twice(chat, bot):
    await bot.receive(("$a", ALICE, "!link"), enqueue=False)
    [(_, _, seq)] = await inbox.pending(chat.store)
    await bot.workers._handle(seq)
    await chat.store.execute("UPDATE inbox SET done_at = NULL")  # the crash came before mark_done
    bot.workers = bot.start()
    await bot.workers.resume()
    await bot.until_handled()
    assert len(bot.client.attempts) == 2 and [e for e, _ in bot.answered()] == ["$a"]


async def test_a_command_blanked_by_forgetme_before_its_turn_is_dropped_unanswered(chat, bot):
    await bot.receive(("$a", ALICE, "!link"), enqueue=False)
    await chat.store.execute("UPDATE inbox SET payload = '{}'")
    await bot.workers.resume()
    await bot.until_handled()
    assert bot.client.sent == []


async def test_a_command_that_fails_is_marked_done_and_the_next_is_answered(chat, bot, caplog):
    async def broken(message):
        if message.event_id == "$bad":
            raise RuntimeError("a bug")
        return await handle(message)

    handle = chat.dispatcher.handle
    chat.dispatcher.handle = broken
    await bot.receive(("$bad", ALICE, "!link"), ("$good", ALICE, "!link"))
    await bot.until_handled()
    assert [e for e, _ in bot.answered()] == ["$good"]
    assert "handling inbox entry" in caplog.text


async def test_handled_commands_are_purged_after_a_week(chat, bot):
    await bot.receive(("$old", ALICE, "!link"))
    await bot.until_handled()
    chat.clock.advance(days=8)
    await bot.workers.resume()
    assert await chat.store.fetchall("SELECT * FROM inbox") == []


@pytest.mark.parametrize(
    ("sender", "command"), [(ALICE, "!suggest A topic for a database gone"), (ORGANISER, "!cancel 2026-11-26 gone")]
)
async def test_a_command_whose_database_is_gone_gets_no_answer_and_stops_the_bot(chat, bot, caplog, sender, command):
    stopped = asyncio.Event()
    chat.store.when_gone(stopped.set)
    await bot.receive(("$before", ALICE, "!link"))
    await bot.until_handled()
    await bot.receive(("$lost", sender, command), enqueue=False)
    chat.store.path.unlink()  # the database file removed while the bot runs
    [(room_id, who, seq)] = await inbox.pending(chat.store)
    bot.workers.enqueue(room_id, who, seq)
    await asyncio.wait_for(stopped.wait(), 5)
    await bot.workers.close()
    assert [e for e, _ in bot.answered()] == ["$before"], "no answer as if it had been stored"
    assert [s for _, _, s in await inbox.pending(chat.store)] == [seq], "not marked handled"
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], "the bot's top level says it, once"


async def test_a_command_that_finds_the_disk_full_is_answered_once_there_is_space(disk, chat, bot, caplog):
    await bot.receive(("$before", ALICE, "!link"))
    await bot.until_handled()
    await bot.receive(("$suggest", ALICE, "!suggest Sharing the billing work"), enqueue=False)
    disk.full = True
    [(room_id, who, seq)] = await inbox.pending(chat.store)
    bot.workers.enqueue(room_id, who, seq)
    await until_refused(disk)
    assert disk.refused >= 3, "the command's write was tried again"
    assert [e for e, _ in bot.answered()] == ["$before"], "no answer while nothing is stored"
    assert [s for _, _, s in await inbox.pending(chat.store)] == [seq]
    disk.full = False
    await bot.until_handled()
    assert [e for e, _ in bot.answered()] == ["$before", "$suggest"], "answered once"
    assert await chat.store.fetchval("SELECT COUNT(*) FROM topics WHERE text = 'Sharing the billing work'") == 1
    assert "database or disk is full" in caplog.text
    assert all(r.exc_info is None for r in caplog.records), "no traceback"
    assert not [r for r in caplog.records if r.name == "bot.matrix.workers"], "nothing said about the command"


async def test_the_room_queue_gives_people_turns_and_keeps_each_persons_order():
    queue = RoomQueue()
    for sender, seq in [(MALLORY, 1), (MALLORY, 2), (MALLORY, 3), (ALICE, 4), (BOB, 5), (ALICE, 6)]:
        queue.put(sender, seq)
    queue.close()
    taken = []
    while (seq := await queue.get()) is not None:
        taken.append(seq)
    assert taken == [1, 4, 5, 2, 6, 3]


async def test_at_start_what_came_while_the_bot_was_down_is_read_before_anything_falls_due(chat, bot):
    """A vote to go on that closed while the bot was down is counted with the reactions
    people made meanwhile: the start waits for the backlog (up to a limit) before the
    announcer and its riders run."""
    await bot.receive(("$a", ALICE, "!link"), ("$b", BOB, "!next"), ("$c", ALICE, "!tz"), enqueue=False)
    bot.client.send_delay = 0.05
    await bot.workers.resume()
    assert await bot.workers.settled(within=10)
    assert not await inbox.pending(chat.store), "every entry handled when settled says so"
    assert [event_id for event_id, _ in bot.answered()] == ["$a", "$b", "$c"]


async def test_a_backlog_that_takes_too_long_does_not_hold_the_start_for_ever(chat, bot):
    await bot.receive(("$a", ALICE, "!link"), enqueue=False)
    bot.client.send_delay = 5
    await bot.workers.resume()
    assert not await bot.workers.settled(within=0.05)
    await bot.workers.close()
