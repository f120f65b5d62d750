"""bot/matrix/sender.py: replies out, retries, uploads and direct-message rooms, against a
stand-in homeserver (tests/matrix/fakes.py)."""

import asyncio
import dataclasses
import datetime as dt
import types

import pytest
from nio import RoomCreateError, RoomGetStateResponse
from nio.api import RoomPreset

from bot.core.model import Attachment, IncomingMessage, Reply
from bot.core.text import Text
from bot.matrix import sender
from bot.matrix.rooms import Rooms
from bot.matrix.sender import DM_POWER_LEVELS, MatrixSender, txn_id
from bot.storage.meta import dm_key
from tests.conftest import ALICE, BOB, ROOM
from tests.matrix.fakes import BOT, LOST, FakeRoom, Homeserver, dm_levels, error, member_event

MALLORY = "@mallory:example.org"


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    """The retries' waits are recorded instead of waited."""
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr(sender, "SEND_RETRY_WAITS", (1.0, 2.0, 4.0))
    monkeypatch.setattr(sender, "asyncio", types.SimpleNamespace(sleep=sleep, Lock=asyncio.Lock))
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


async def test_an_answer_in_the_thread_the_command_was_typed_in_replies_to_the_command(chat, homeserver):
    """`!end` typed in the session's thread: its summary goes to that thread (the command
    names it) as a reply to the command, as any answer typed in a thread; an answer to
    another thread than the command's hangs from that thread's root."""
    in_thread = dataclasses.replace(command(), thread_root="$root")
    to_thread = Reply.of(Text("summary"), thread_root="$root")
    await MatrixSender(homeserver, chat.store).send_all([to_thread, Reply.of(Text("ok"))], in_thread)
    await MatrixSender(homeserver, chat.store).send_all([to_thread], command("$elsewhere"))
    relations = [content["m.relates_to"] for _, content in homeserver.sent]
    in_reply = {
        "rel_type": "m.thread",
        "event_id": "$root",
        "is_falling_back": False,
        "m.in_reply_to": {"event_id": "$cmd"},
    }
    assert relations[:2] == [in_reply, in_reply]
    assert relations[2] == {
        "rel_type": "m.thread",
        "event_id": "$root",
        "is_falling_back": True,
        "m.in_reply_to": {"event_id": "$root"},
    }


# --- a send cut short by a crash, looked for after a restart -------------------------------


async def test_a_send_cut_short_is_found_by_its_transaction_id_in_its_room_or_the_persons_direct_room(chat, homeserver):
    since = chat.clock.now()
    sending = (await Asker.started(chat, homeserver)).sender
    reminder = await sending.send(Reply.of(Text("starts in 1 hour"), direct_to=ALICE, key="remind:alice:x:1h"))
    announcement = await sending.send(keyed("announce:x:15m:room"))
    [dm] = homeserver.created
    restarted = (await Asker.started(chat, homeserver)).sender
    assert reminder and await restarted.sent_event(ALICE, "remind:alice:x:1h", since) == reminder
    assert await restarted.sent_event(ALICE, "remind:alice:y:1h", since) is None
    assert announcement and await restarted.sent_event(ROOM, "announce:x:15m:room", since) == announcement
    assert await restarted.sent_event(ROOM, "remind:alice:x:1h", since) is None, "not the room it went to"
    assert homeserver.read == [dm, dm, ROOM, ROOM]
    # No direct room with Bob, so no direct message to him went out: nothing to read.
    assert await restarted.sent_event(BOB, "remind:bob:x:1h", since) is None
    assert homeserver.read == [dm, dm, ROOM, ROOM] and homeserver.created == [dm], "none opened to look"


# --- the bot's own reactions on what it sends (the vote to go on) -------------------------


def vote(key: str | None = "vote:topic-3:1") -> Reply:
    return Reply.of(Text("Keep going?"), room_id=ROOM, key=key, reactions=("👍", "👎"))


async def test_a_reply_arrives_with_its_reactions_and_a_resend_adds_none_twice(chat, homeserver):
    event_id = await MatrixSender(homeserver, chat.store).send(vote())
    assert event_id and homeserver.reactions_on(event_id) == ["👍", "👎"]
    # Sent again after a crash (its send was not recorded): the same transaction ids.
    assert await MatrixSender(homeserver, chat.store).send(vote()) == event_id
    assert homeserver.said_in(ROOM) == ["Keep going?"] and homeserver.reactions_on(event_id) == ["👍", "👎"]
    _, thumbs_up = homeserver.sent[1]
    assert thumbs_up == {"m.relates_to": {"rel_type": "m.annotation", "event_id": event_id, "key": "👍"}}


async def test_an_answer_to_a_command_keeps_its_reactions_once_when_the_command_is_handled_again(chat, homeserver):
    reply = Reply.of(Text("Keep going?"), reactions=("👍",))
    await MatrixSender(homeserver, chat.store).send_all([reply], command())
    await MatrixSender(homeserver, chat.store).send_all([reply], command())
    [(_, message), (_, reaction)] = homeserver.sent
    assert message["body"] == "Keep going?" and reaction["m.relates_to"]["key"] == "👍"


async def test_a_reply_without_a_key_gets_its_reactions_on_each_message_sent(chat, homeserver):
    first = await MatrixSender(homeserver, chat.store).send(vote(key=None))
    second = await MatrixSender(homeserver, chat.store).send(vote(key=None))
    assert first != second, "no key: each send is a message of its own"
    assert homeserver.reactions_on(first) == homeserver.reactions_on(second) == ["👍", "👎"]


async def test_in_an_encrypted_room_reactions_are_sent_as_element_sends_them(chat, homeserver):
    """Element (and Element X) send m.reaction in the clear in an encrypted room, as nio
    does: the sender hands nio an m.reaction, never an encrypted event of its own."""
    homeserver.rooms[ROOM].encrypted = True
    event_id = await MatrixSender(homeserver, chat.store).send(vote())
    assert event_id and homeserver.reactions_on(event_id) == ["👍", "👎"]


async def test_a_reaction_is_retried_like_the_message_with_the_same_transaction_id(chat, homeserver, quick_retries):
    homeserver.failures = [None, error(502), ConnectionResetError()]
    event_id = await MatrixSender(homeserver, chat.store).send(vote())
    assert event_id and homeserver.reactions_on(event_id) == ["👍", "👎"]
    assert homeserver.attempts[1] == homeserver.attempts[2] == homeserver.attempts[3] != homeserver.attempts[0]
    assert quick_retries == [1.0, 2.0]


async def test_a_failed_reaction_is_logged_and_the_message_stands(chat, homeserver, caplog):
    homeserver.failures = [None, error(403, "M_FORBIDDEN")]
    event_id = await MatrixSender(homeserver, chat.store).send(vote())
    assert event_id is not None, "the message went out: its send succeeded"
    assert homeserver.reactions_on(event_id) == ["👎"]
    assert "M_FORBIDDEN" in caplog.text and "👍" in caplog.text


async def test_a_reaction_that_breaks_unexpectedly_is_logged_and_the_message_stands(chat, homeserver, caplog):
    homeserver.failures = [None, RuntimeError("nio broke")]
    event_id = await MatrixSender(homeserver, chat.store).send(vote())
    assert event_id is not None and homeserver.reactions_on(event_id) == ["👎"]
    assert "nio broke" in caplog.text


async def test_a_reaction_the_homeserver_already_has_is_not_an_error(chat, homeserver, caplog):
    """Synapse refuses a second identical reaction by the bot (once it has forgotten the
    transaction id): it is there, which is what was wanted."""
    homeserver.failures = [None, error(400, "M_DUPLICATE_ANNOTATION")]
    event_id = await MatrixSender(homeserver, chat.store).send(vote())
    assert event_id is not None
    assert not [r for r in caplog.records if r.levelname in ("ERROR", "WARNING")], caplog.text
    assert len(homeserver.attempts) == 3, "not retried"


async def test_a_message_found_sent_after_a_crash_gets_its_reactions_once(chat, homeserver):
    since = chat.clock.now()
    # The bot died after the homeserver took the message, before its reactions went out.
    event_id = await MatrixSender(homeserver, chat.store).send(dataclasses.replace(vote(), reactions=()))
    assert event_id and homeserver.reactions_on(event_id) == []
    restarted = MatrixSender(homeserver, chat.store)
    assert await restarted.sent_event(ROOM, "vote:topic-3:1", since, ("👍", "👎")) == event_id
    assert homeserver.reactions_on(event_id) == ["👍", "👎"]
    # Looked for once more (another crash): the same transaction ids, none added twice.
    assert await restarted.sent_event(ROOM, "vote:topic-3:1", since, ("👍", "👎")) == event_id
    assert homeserver.reactions_on(event_id) == ["👍", "👎"]
    # Its reactions are not taken for the message itself.
    assert await restarted.sent_event(ROOM, "vote:topic-3:2", since, ("👍",)) is None


async def test_a_message_found_sent_and_its_reactions_sent_before_the_crash_gets_none_twice(chat, homeserver):
    since = chat.clock.now()
    event_id = await MatrixSender(homeserver, chat.store).send(vote())
    assert await MatrixSender(homeserver, chat.store).sent_event(ROOM, "vote:topic-3:1", since, ("👍", "👎"))
    assert homeserver.reactions_on(event_id) == ["👍", "👎"]


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
        self.rooms = Rooms(client, chat.store, chat.services.config)
        self.sender = MatrixSender(client, chat.store, self.rooms.direct, chat.clock, chat.services.language)
        self.n = 0

    @classmethod
    async def started(cls, chat, client: Homeserver, n: int = 0) -> "Asker":
        """As the bot starts: the served rooms, the direct ones recorded among them."""
        asker = cls(chat, client)
        await asker.rooms.resolve_served()
        asker.n = n
        return asker

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
    return await Asker.started(chat, homeserver)


async def test_the_direct_room_is_opened_private_and_reused_while_the_person_is_in_it(asker):
    client = asker.client
    await asker.ask(ALICE)
    [dm] = client.created
    [options] = client.create_options
    # Not trusted_private_chat, which in room version 12 makes the invitee a creator.
    assert options["preset"] == RoomPreset.private_chat and options["is_direct"]
    assert options["power_level_override"] == DM_POWER_LEVELS
    assert DM_POWER_LEVELS["invite"] > DM_POWER_LEVELS["users_default"]
    assert DM_POWER_LEVELS["state_default"] > DM_POWER_LEVELS["users_default"]
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
    restarted = await Asker.started(chat, homeserver, n=asker.n)
    assert dm in restarted.rooms.served, "the direct room is served"
    await restarted.ask(ALICE)
    assert homeserver.created == [dm] and len(homeserver.said_in(dm)) == 2


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
    assert dm in client.left, "the room she left is left behind"

    clock.advance(minutes=61)
    answers = await asker.ask(ALICE)
    assert len(client.created) == 2 and "direct message" in answers[0]
    new = client.created[1]
    assert len(client.said_in(new)) == 1


async def test_what_the_sender_says_of_the_direct_room_is_in_the_persons_language(asker):
    client, clock = asker.client, asker.chat.clock
    await asker.ask(ALICE, "!lang pt-BR")
    first = await asker.ask(ALICE)
    assert first[-1].endswith("Para ler, aceite meu convite para o nosso chat direto."), first
    [dm] = client.created
    client.rooms[dm].join(ALICE)
    client.rooms[dm].leave(ALICE)
    await asker.ask(ALICE, "!lang es")
    clock.advance(minutes=59)
    [answer] = await asker.ask(ALICE)
    assert answer.startswith("Abrí un chat directo contigo hace menos de una hora"), answer
    assert answer.endswith(
        f"Vuelve a intentarlo después de las {clock.now() + dt.timedelta(minutes=1):%H:%M} UTC (dentro de 1 minuto)."
    ), answer
    asker.sender.direct = None
    [answer] = await asker.ask(ALICE)
    assert answer.startswith("No pude abrir un chat directo contigo"), answer


async def test_the_limit_is_per_person(asker):
    client = asker.client
    client.rooms[ROOM].users[BOB] = object()
    await asker.ask(ALICE)
    await asker.ask(BOB)
    assert len(client.created) == 2


async def test_a_room_with_only_the_bot_and_the_person_in_it_is_not_taken_for_theirs(asker):
    """Issue 25: mallory's direct room, made public, alice invited, mallory gone: the bot
    and alice alone in it. A room is alice's only if the bot opened it for her."""
    client = asker.client
    old = "!mallorys:example.org"
    client.rooms[old] = FakeRoom(old, BOT, invited=(ALICE,))
    client.rooms[old].join_rule = "public"
    client.rooms["!nameless:example.org"] = FakeRoom("!nameless:example.org", BOT, ALICE)
    answers = await asker.ask(ALICE)
    [dm] = client.created
    assert "accept my invitation" in answers[0], answers
    assert client.said_in(old) == [] and client.said_in("!nameless:example.org") == []
    assert len(client.said_in(dm)) == 1 and await asker.chat.store.get_meta(dm_key(ALICE)) == dm


async def test_a_recorded_room_that_is_no_longer_private_is_left_for_a_new_one(chat, homeserver):
    """Recorded by an older ccc-bot: the room of the attack above (its record carried over
    to alice), and rooms whose person may let others in."""
    made_public, creators, may_invite = "!public:example.org", "!creator:example.org", "!inviter:example.org"
    carol = "@carol:example.org"
    for person, room_id in ((ALICE, made_public), (BOB, creators), (carol, may_invite)):
        homeserver.rooms[room_id] = FakeRoom(room_id, BOT, person)
        await chat.store.set_meta(dm_key(person), room_id)
    homeserver.rooms[made_public].join_rule = "public"
    homeserver.rooms[may_invite].power_levels = dm_levels(**{carol: 100})
    homeserver.rooms[ROOM].users.update({BOB: object(), carol: object()})
    asker = await Asker.started(chat, homeserver)
    asker.rooms._creators[creators] = {BOT, BOB}  # trusted_private_chat in room version 12
    for person in (ALICE, BOB, carol):
        await asker.ask(person)
    assert len(homeserver.created) == 3, "a new room for each"
    for room_id in (made_public, creators, may_invite):
        assert homeserver.said_in(room_id) == [] and room_id in homeserver.left
        assert room_id not in asker.rooms.served
    assert {await chat.store.get_meta(dm_key(p)) for p in (ALICE, BOB, carol)} == set(homeserver.created)


async def test_a_failed_room_creation_is_said_in_the_room(asker):
    client = asker.client

    async def refuse(**kwargs):
        return RoomCreateError("not allowed", "M_FORBIDDEN")

    client.room_create = refuse
    [answer] = await asker.ask(ALICE)
    assert "could not" in answer.lower() and "I have sent you" not in answer


def state(*members: tuple[str, str], join_rule: str = "invite") -> list[dict]:
    """A direct room's state as the homeserver gives it (GET /state)."""
    events = [member_event(user_id, membership) for user_id, membership in members]
    events.append(
        {
            "type": "m.room.join_rules",
            "event_id": "$rules",
            "sender": BOT,
            "state_key": "",
            "origin_server_ts": 1,
            "content": {"join_rule": join_rule},
        }
    )
    return events


async def test_after_a_restart_the_direct_room_is_taken_once_its_state_is_loaded(asker, chat, homeserver):
    await asker.ask(ALICE)
    [dm] = homeserver.created
    # Restarted: the sync lazy-loads members, so the invited person is not known yet.
    homeserver.rooms[dm] = FakeRoom(dm, BOT)
    homeserver.rooms[dm].members_synced = False
    loads: list[str] = []

    async def room_get_state(room_id):
        loads.append(room_id)
        return RoomGetStateResponse(state((BOT, "join"), (ALICE, "invite")), room_id)

    homeserver.room_get_state = room_get_state
    restarted = await Asker.started(chat, homeserver, n=asker.n)
    answers = await restarted.ask(ALICE)
    assert loads == [dm]
    assert homeserver.created == [dm], "the room alice is invited to, not a second one"
    assert "accept" in answers[0].lower(), answers
    await restarted.ask(ALICE)
    assert loads == [dm], "loaded once"


async def test_a_direct_room_whose_state_shows_someone_else_is_left(asker, chat, homeserver):
    await asker.ask(ALICE)
    [dm] = homeserver.created
    homeserver.rooms[dm] = FakeRoom(dm, BOT)
    homeserver.rooms[dm].members_synced = False

    async def room_get_state(room_id):
        return RoomGetStateResponse(state((BOT, "join"), (ALICE, "join"), (MALLORY, "join")), room_id)

    homeserver.room_get_state = room_get_state
    restarted = await Asker.started(chat, homeserver, n=asker.n)
    chat.clock.advance(minutes=61)
    await restarted.ask(ALICE)
    assert dm in homeserver.left and len(homeserver.created) == 2
    assert len(homeserver.said_in(dm)) == 1, "nothing more sent where mallory is"
