"""The Matrix adapter's sending, against a stand-in for nio's client (the integration
tests drive the real thing against Synapse)."""

import pytest
from nio import RoomSendError, RoomSendResponse

from bot import matrix
from bot.matrix import MatrixSender, txn_id
from bot.model import Reply
from bot.text import Text

ROOM = "!room:example.org"


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
    monkeypatch.setattr(matrix, "SEND_RETRY_WAITS", (0.0, 0.0, 0.0))


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
