"""bot/matrix/sender.py: replies out, retries, uploads and direct-message rooms, against a
stand-in homeserver (tests/matrix/fakes.py)."""

import datetime as dt
import types

import pytest
from nio import RoomCreateError

from bot.core.model import Attachment, IncomingMessage, Reply
from bot.core.text import Text
from bot.matrix import sender
from bot.matrix.sender import MatrixSender, txn_id
from bot.storage.store import dm_key
from tests.conftest import ALICE, BOB, ROOM
from tests.matrix.fakes import BOT, LOST, FakeRoom, Homeserver, error


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    """The retries' waits are recorded instead of waited."""
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr(sender, "SEND_RETRY_WAITS", (1.0, 2.0, 4.0))
    monkeypatch.setattr(sender, "asyncio", types.SimpleNamespace(sleep=sleep))
    return waits


@pytest.fixture
def homeserver() -> Homeserver:
    client = Homeserver()
    client.rooms[ROOM] = FakeRoom(ROOM, BOT, ALICE)
    return client


def keyed(key: str) -> Reply:
    return Reply.of(Text("hello"), room_id=ROOM, key=key)


def command(event_id: str = "$cmd") -> IncomingMessage:
    return IncomingMessage(
        sender=ALICE, room_id=ROOM, event_id=event_id, body="!x", ts=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )


# --- retries -----------------------------------------------------------------------------


async def test_a_send_that_meets_a_5xx_is_retried_with_the_same_transaction_id(chat, homeserver, quick_retries):
    homeserver.failures = [error(502), ConnectionResetError()]
    event_id = await MatrixSender(homeserver, chat.store).send(keyed("announce:x"))
    assert event_id is not None and homeserver.said_in(ROOM) == ["hello"]
    assert homeserver.attempts == [txn_id("announce:x")] * 3, "a retry must reuse the transaction id"
    assert quick_retries == [1.0, 2.0], "each retry after its wait"


async def test_a_message_shown_but_whose_answer_was_lost_is_shown_once(chat, homeserver):
    homeserver.failures = [LOST]
    await MatrixSender(homeserver, chat.store).send(Reply.of(Text("hi"), room_id=ROOM))
    assert len(homeserver.attempts) == 2 and homeserver.attempts[0] == homeserver.attempts[1]
    assert homeserver.said_in(ROOM) == ["hi"], "the retry is recognised by its transaction id, not shown twice"


async def test_a_rate_limit_is_retried_after_the_wait_the_server_asks_for(chat, homeserver, quick_retries):
    homeserver.failures = [error(429, "M_LIMIT_EXCEEDED", retry_after_ms=7_500)]
    assert await MatrixSender(homeserver, chat.store).send(keyed("k")) is not None
    assert quick_retries == [7.5], "not sooner than the homeserver said"
    assert homeserver.said_in(ROOM) == ["hello"]


async def test_a_refusal_is_not_retried_and_is_logged(chat, homeserver, caplog):
    homeserver.failures = [error(403, "M_FORBIDDEN")]
    assert await MatrixSender(homeserver, chat.store).send(keyed("k")) is None
    assert len(homeserver.attempts) == 1 and homeserver.sent == []
    assert "M_FORBIDDEN" in caplog.text


async def test_retries_end_and_the_failure_is_logged(chat, homeserver, caplog, quick_retries):
    homeserver.failures = [error(502)] * 4
    assert await MatrixSender(homeserver, chat.store).send(keyed("k")) is None
    assert len(homeserver.attempts) == 4 and "after 4 attempt(s)" in caplog.text
    assert quick_retries == [1.0, 2.0, 4.0] and homeserver.sent == []


async def test_replies_to_a_command_are_replies_with_stable_transaction_ids(chat, homeserver):
    replies = [Reply.of(Text("one")), Reply.of(Text("<b>two</b> @room"))]
    first = MatrixSender(homeserver, chat.store)
    await first.send_all(replies, command())
    # Handled again after a crash before it was marked done: the same transaction ids.
    await MatrixSender(homeserver, chat.store).send_all(replies, command())
    assert homeserver.said_in(ROOM) == ["one", "<b>two</b> @room"], "each answer shown once"
    _, second = homeserver.sent[1]
    assert second["msgtype"] == "m.notice" and second["m.relates_to"] == {"m.in_reply_to": {"event_id": "$cmd"}}
    assert "&lt;b&gt;" in second["formatted_body"] and second["m.mentions"] == {}, "no HTML, no ping"


# --- a send cut short by a crash, looked for after a restart -------------------------------


async def test_a_send_cut_short_is_found_by_its_transaction_id_in_its_room_or_the_persons_direct_room(chat, homeserver):
    since = chat.clock.now()
    sending = MatrixSender(homeserver, chat.store, configured={ROOM}, clock=chat.clock)
    reminder = await sending.send(Reply.of(Text("starts in 1 hour"), direct_to=ALICE, key="remind:alice:x:1h"))
    announcement = await sending.send(keyed("announce:x:15m:room"))
    [dm] = homeserver.created
    restarted = MatrixSender(homeserver, chat.store, configured={ROOM}, clock=chat.clock)
    assert reminder and await restarted.sent_event(ALICE, "remind:alice:x:1h", since) == reminder
    assert await restarted.sent_event(ALICE, "remind:alice:y:1h", since) is None
    assert announcement and await restarted.sent_event(ROOM, "announce:x:15m:room", since) == announcement
    assert await restarted.sent_event(ROOM, "remind:alice:x:1h", since) is None, "not the room it went to"
    assert homeserver.read == [dm, dm, ROOM, ROOM]
    # No direct room with Bob, so no direct message to him went out: nothing to read.
    assert await restarted.sent_event(BOB, "remind:bob:x:1h", since) is None
    assert homeserver.read == [dm, dm, ROOM, ROOM] and homeserver.created == [dm], "none opened to look"


# --- uploads -----------------------------------------------------------------------------


async def test_a_file_is_uploaded_and_sent_after_its_text(chat, homeserver):
    chart = Attachment("stats.png", b"\x89PNG", "image/png")
    await MatrixSender(homeserver, chat.store).send(Reply(text="Attendance", file=chart), command())
    assert homeserver.uploads == [(b"\x89PNG", "stats.png", False)]
    (_, text), (_, image) = homeserver.sent
    assert text["body"] == "Attendance"
    assert image["msgtype"] == "m.image" and image["url"] == "mxc://example.org/stats.png"
    assert image["info"] == {"mimetype": "image/png", "size": 4}
    assert image["m.relates_to"] == {"m.in_reply_to": {"event_id": "$cmd"}}, "the file answers the command too"


async def test_in_an_encrypted_room_the_file_is_uploaded_encrypted(chat, homeserver):
    homeserver.rooms[ROOM].encrypted = True
    data = Attachment("mydata.json", b"{}", "application/json")
    await MatrixSender(homeserver, chat.store).send(Reply(text="Your data", file=data, room_id=ROOM))
    [(_, _, encrypted)] = homeserver.uploads
    _, sent = homeserver.sent[1]
    assert encrypted and sent["msgtype"] == "m.file"
    assert "url" not in sent and sent["file"]["url"] == "mxc://example.org/mydata.json"


# --- direct message rooms (!mydata) ---------------------------------------------------


class Asker:
    """Sends `!mydata` as someone through the dispatcher and the sender, as the bot does."""

    def __init__(self, chat, client: Homeserver):
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
async def asker(chat, homeserver):
    return Asker(chat, homeserver)


async def test_mydata_reuses_the_direct_room_the_person_is_in(asker):
    client = asker.client
    await asker.ask(ALICE)
    [dm] = client.created
    assert await asker.chat.store.get_meta(dm_key(ALICE)) == dm, "kept under the dm key"
    client.rooms[dm].join(ALICE)
    answers = await asker.ask(ALICE)
    assert client.created == [dm], "no second room while alice is in the first"
    assert "direct message" in answers[0]
    assert len(client.said_in(dm)) == 2, "both answers went to the same room"


async def test_the_recorded_direct_room_is_reused_after_a_restart(asker, chat, homeserver):
    await asker.ask(ALICE)
    [dm] = homeserver.created
    homeserver.rooms[dm].join(ALICE)
    served: set[str] = set()
    restarted = Asker(chat, homeserver)
    restarted.sender = MatrixSender(homeserver, chat.store, served, {ROOM}, chat.clock)
    restarted.n = asker.n
    await restarted.ask(ALICE)
    assert homeserver.created == [dm] and len(homeserver.said_in(dm)) == 2
    assert served == {dm}, "the direct room is served from then on"


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
    assert await asker.chat.store.get_meta(dm_key(ALICE)) == dm, "and recorded again"


async def test_a_failed_room_creation_is_said_in_the_room(asker):
    client = asker.client

    async def refuse(**kwargs):
        return RoomCreateError("not allowed", "M_FORBIDDEN")

    client.room_create = refuse
    [answer] = await asker.ask(ALICE)
    assert "could not" in answer.lower() and "I have sent you" not in answer


async def test_after_a_restart_the_direct_room_is_found_once_its_members_are_loaded(asker, chat, homeserver):
    await asker.ask(ALICE)
    [dm] = homeserver.created
    # Restarted: the sync lazy-loads members, so the invited person is not known yet.
    homeserver.rooms[dm] = FakeRoom(dm, BOT)
    homeserver.rooms[dm].members_synced = False
    loads: list[str] = []

    async def load_direct_members() -> None:
        loads.append(dm)
        homeserver.rooms[dm] = FakeRoom(dm, BOT, invited=(ALICE,))

    restarted = Asker(chat, homeserver)
    restarted.sender = MatrixSender(homeserver, chat.store, set(), {ROOM}, chat.clock, load_direct_members)
    restarted.n = asker.n
    answers = await restarted.ask(ALICE)
    assert loads == [dm]
    assert homeserver.created == [dm], "the room alice is invited to, not a second one"
    assert "accept" in answers[0].lower(), answers
