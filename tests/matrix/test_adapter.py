"""The Matrix adapter's sending, against a stand-in for nio's client (the integration
tests drive the real thing against Synapse)."""

import asyncio
import datetime as dt

import pytest
from nio import (
    RoomCreateError,
    RoomCreateResponse,
    RoomLeaveResponse,
    RoomSendError,
    RoomSendResponse,
    SyncResponse,
    UploadResponse,
)

from bot.core.limits import CommandLimit
from bot.core.model import IncomingMessage, Reply
from bot.core.text import Text
from bot.matrix import sender
from bot.matrix.adapter import MatrixBot
from bot.matrix.sender import MatrixSender, txn_id
from tests.conftest import ALICE, BOB, ROOM


class Answer:
    def __init__(self, status: int):
        self.status = status


def error(http: int, errcode: str = "M_UNKNOWN") -> RoomSendError:
    resp = RoomSendError(f"{http} from the proxy", errcode)
    resp.transport_response = Answer(http)
    return resp


class FlakyClient:
    """room_send answers with the given responses in turn (exceptions are raised)."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.tx_ids: list[str] = []
        self.rooms: dict = {}

    async def room_send(self, room_id, kind, content, tx_id=None, ignore_unverified_devices=False):
        self.tx_ids.append(tx_id)
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    monkeypatch.setattr(sender, "SEND_RETRY_WAITS", (0.0, 0.0, 0.0))


def keyed(key: str) -> Reply:
    return Reply.of(Text("hello"), room_id=ROOM, key=key)


async def test_a_send_that_meets_a_5xx_is_retried_with_the_same_transaction_id(make_chat):
    chat = await make_chat()
    client = FlakyClient(error(502), ConnectionResetError(), RoomSendResponse("$ok", ROOM))
    event_id = await MatrixSender(client, chat.store).send(keyed("announce:x"))
    assert event_id == "$ok"
    assert client.tx_ids == [txn_id("announce:x")] * 3, "a retry must reuse the transaction id"


async def test_an_unkeyed_send_keeps_one_transaction_id_across_its_retries(make_chat):
    chat = await make_chat()
    client = FlakyClient(error(503), RoomSendResponse("$ok", ROOM))
    assert await MatrixSender(client, chat.store).send(Reply.of(Text("hi"), room_id=ROOM)) == "$ok"
    assert len(client.tx_ids) == 2 and client.tx_ids[0] == client.tx_ids[1]


async def test_a_refusal_is_not_retried_and_is_logged(make_chat, caplog):
    chat = await make_chat()
    client = FlakyClient(error(403, "M_FORBIDDEN"), RoomSendResponse("$never", ROOM))
    assert await MatrixSender(client, chat.store).send(keyed("k")) is None
    assert len(client.tx_ids) == 1
    assert "M_FORBIDDEN" in caplog.text


async def test_retries_end_and_the_failure_is_logged(make_chat, caplog):
    chat = await make_chat()
    client = FlakyClient(*[error(502)] * 4)
    assert await MatrixSender(client, chat.store).send(keyed("k")) is None
    assert len(client.tx_ids) == 4 and "after 4 attempt(s)" in caplog.text


# --- direct message rooms (!mydata) ---------------------------------------------------

BOT = "@ccc-bot:example.org"


class FakeRoom:
    def __init__(self, room_id: str, *members: str, invited: tuple[str, ...] = ()):
        self.room_id = room_id
        self.encrypted = False
        self.users = {m: object() for m in (*members, *invited)}
        self.invited_users = {m: object() for m in invited}

    def join(self, user_id: str) -> None:
        self.invited_users.pop(user_id, None)
        self.users[user_id] = object()

    def leave(self, user_id: str) -> None:
        self.users.pop(user_id, None)
        self.invited_users.pop(user_id, None)


class HomeserverStandIn:
    """Enough of nio's client for direct messages: rooms the bot creates show up at once,
    with the invitee invited; what is sent is recorded per room."""

    def __init__(self):
        self.user_id = BOT
        self.olm = None
        self.rooms: dict[str, FakeRoom] = {}
        self.created: list[str] = []
        self.left: list[str] = []
        self.sent: list[tuple[str, dict]] = []

    async def room_create(self, invite=(), **kwargs):
        room_id = f"!dm{len(self.created) + 1}:example.org"
        self.created.append(room_id)
        self.rooms[room_id] = FakeRoom(room_id, BOT, invited=tuple(invite))
        return RoomCreateResponse(room_id)

    async def room_leave(self, room_id):
        self.left.append(room_id)
        self.rooms.pop(room_id, None)
        return RoomLeaveResponse()

    async def room_send(self, room_id, kind, content, tx_id=None, ignore_unverified_devices=False):
        self.sent.append((room_id, content))
        return RoomSendResponse(f"$sent{len(self.sent)}", room_id)

    async def upload(self, data_provider, content_type, filename, encrypt, filesize):
        return UploadResponse(f"mxc://example.org/{filename}"), None

    def said_in(self, room_id: str) -> list[str]:
        return [c["body"] for r, c in self.sent if r == room_id and c.get("msgtype") == "m.notice"]


class Asker:
    """Sends `!mydata` as someone through the dispatcher and the sender, as the bot does."""

    def __init__(self, chat, client: HomeserverStandIn):
        self.chat, self.client = chat, client
        self.sender = MatrixSender(client, chat.store, configured={ROOM}, clock=chat.clock)
        self.n = 0

    async def ask(self, user_id: str, body: str = "!mydata") -> list[str]:
        """What the bot answered in the room the command was sent in."""
        self.n += 1
        message = IncomingMessage(
            sender=user_id, room_id=ROOM, event_id=f"$cmd{self.n}", body=body, ts=self.chat.clock.now()
        )
        before = len(self.client.said_in(ROOM))
        await self.sender.send_all(await self.chat.dispatcher.handle(message), message)
        return self.client.said_in(ROOM)[before:]


@pytest.fixture
async def asker(make_chat):
    chat = await make_chat()
    client = HomeserverStandIn()
    client.rooms[ROOM] = FakeRoom(ROOM, BOT, ALICE)
    return Asker(chat, client)


async def test_mydata_reuses_the_direct_room_the_person_is_in(asker):
    client = asker.client
    await asker.ask(ALICE)
    [dm] = client.created
    client.rooms[dm].join(ALICE)
    answers = await asker.ask(ALICE)
    assert client.created == [dm], "no second room while alice is in the first"
    assert "direct message" in answers[0]
    assert len(client.said_in(dm)) == 2, "both answers went to the same room"


async def test_a_pending_invite_is_reused_and_the_answer_says_to_accept_it(asker):
    client = asker.client
    first = await asker.ask(ALICE)
    assert "accept" in first[0].lower(), first
    for _ in range(5):
        answers = await asker.ask(ALICE)
    assert len(client.created) == 1, "the invitation not yet accepted is used again"
    assert "accept" in answers[0].lower() and "invit" in answers[0].lower(), answers


async def test_after_leaving_a_new_room_is_opened_at_most_once_an_hour(asker):
    client, clock = asker.client, asker.chat.clock
    await asker.ask(ALICE)
    [dm] = client.created
    client.rooms[dm].join(ALICE)
    client.rooms[dm].leave(ALICE)
    for _ in range(9):  # 10 in all: as many as limits.commands_per_minute answers
        [answer] = await asker.ask(ALICE)
    assert client.created == [dm], "however often asked, one new room an hour"
    assert "try again" in answer.lower() and f"{clock.now() + dt.timedelta(hours=1):%H:%M} UTC" in answer, answer
    assert "I have sent you" not in answer
    assert len(client.said_in(dm)) == 1, "nothing more was sent to the room alice left"

    clock.advance(minutes=61)
    answers = await asker.ask(ALICE)
    assert len(client.created) == 2 and "direct message" in answers[0]
    new = client.created[1]
    assert len(client.said_in(new)) == 1
    assert dm in client.left, "the abandoned room is left behind"


async def test_the_limit_is_per_person(asker):
    client = asker.client
    client.rooms[ROOM].users[BOB] = object()
    await asker.ask(ALICE)
    await asker.ask(BOB)
    assert len(client.created) == 2


async def test_a_room_the_person_is_in_is_found_after_the_bot_forgot_it(asker):
    """!forgetme erases the bot's record of the room; the room itself remains, with alice."""
    client = asker.client
    await asker.ask(ALICE)
    [dm] = client.created
    client.rooms[dm].join(ALICE)
    await asker.chat.store.execute("DELETE FROM meta WHERE key LIKE 'dm:%'")
    await asker.ask(ALICE)
    assert client.created == [dm]
    assert len(client.said_in(dm)) == 2


async def test_a_failed_room_creation_is_said_in_the_room(asker):
    client = asker.client

    async def refuse(**kwargs):
        return RoomCreateError("not allowed", "M_FORBIDDEN")

    client.room_create = refuse
    [answer] = await asker.ask(ALICE)
    assert "could not" in answer.lower() and "I have sent you" not in answer


# --- the inbox: one person's flood does not hold up the others -------------------------

MALLORY = "@mallory:example.org"


class ServedRoom(FakeRoom):
    def user_name(self, user_id: str) -> str:
        return user_id


class SlowHomeserver(HomeserverStandIn):
    """Each send takes a moment, as a real homeserver's does."""

    async def room_send(self, room_id, kind, content, tx_id=None, ignore_unverified_devices=False):
        await asyncio.sleep(0.002)
        return await super().room_send(room_id, kind, content, tx_id, ignore_unverified_devices)


def sync_of(*messages: tuple[str, str, str], batch: str = "s1") -> SyncResponse:
    events = [
        {
            "type": "m.room.message",
            "event_id": event_id,
            "sender": sender,
            "origin_server_ts": 1_800_000_000_000,
            "content": {"msgtype": "m.text", "body": body},
        }
        for event_id, sender, body in messages
    ]
    return SyncResponse.from_dict(
        {"next_batch": batch, "rooms": {"join": {ROOM: {"timeline": {"events": events, "limited": False}}}}}
    )


@pytest.fixture
async def inbox_bot(chat):
    client = SlowHomeserver()
    client.rooms[ROOM] = ServedRoom(ROOM, BOT, ALICE, BOB, MALLORY)
    bot = MatrixBot(chat.services.config, chat.dispatcher, clock=chat.clock)
    bot.client = client
    bot.sender = MatrixSender(client, chat.store, bot.served, {ROOM}, chat.clock)
    bot.served.add(ROOM)
    yield bot
    for queue in bot._queues.values():
        queue.close()
    await asyncio.gather(*bot._workers.values())


async def until_handled(bot: MatrixBot) -> None:
    for _ in range(2000):
        if not (await bot.store.fetchone("SELECT COUNT(*) AS n FROM inbox WHERE done_at IS NULL"))["n"]:
            return
        await asyncio.sleep(0.005)
    raise AssertionError("the inbox was not emptied")


def answered(client: HomeserverStandIn) -> list[tuple[str, str]]:
    """(the command's event id, the answer's first line), in the order sent."""
    return [(c["m.relates_to"]["m.in_reply_to"]["event_id"], c["body"].splitlines()[0]) for _, c in client.sent]


async def test_one_persons_flood_does_not_hold_up_anothers_link(chat, inbox_bot):
    inbox_bot.dispatcher.limit = CommandLimit(10)  # the harness turns the limit off; here it is on
    await chat.say(ALICE, "!suggest Something to vote for")
    flood = [(f"$flood{i}", MALLORY, ("!vote 1", "!unvote 1", "!stats")[i % 3]) for i in range(200)]
    await inbox_bot._take(sync_of(*flood, ("$link", BOB, "!link")), None)
    await until_handled(inbox_bot)
    sent = answered(inbox_bot.client)
    order = [event_id for event_id, _ in sent]
    assert order.index("$link") <= 1, "bob waits for at most the one command being handled"
    flood_answers = [line for event_id, line in sent if event_id != "$link"]
    assert len(flood_answers) == 11, "ten answers and one notice; the rest is silence"
    assert [line.startswith("Too many") for line in flood_answers] == [False] * 10 + [True]
    # Mallory's own commands were answered in the order sent.
    mallory = [event_id for event_id in order if event_id != "$link"]
    assert mallory == [f"$flood{i}" for i in range(11)]


async def test_different_peoples_commands_keep_their_order_without_a_backlog(chat, inbox_bot):
    messages = [("$a1", ALICE, "!link"), ("$b1", BOB, "!next"), ("$a2", ALICE, "!tz"), ("$b2", BOB, "!link")]
    await inbox_bot._take(sync_of(*messages), None)
    await until_handled(inbox_bot)
    assert [event_id for event_id, _ in answered(inbox_bot.client)] == ["$a1", "$b1", "$a2", "$b2"]
