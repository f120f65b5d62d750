"""bot/matrix/responses.py: which failures are tried again, and how one reads in a log line."""

from __future__ import annotations

import pytest
from nio import RoomSendResponse

from bot.matrix.responses import describe, transient
from tests.matrix.fakes import error


@pytest.mark.parametrize(
    ("resp", "again"),
    [
        (error(502), True),
        (error(503), True),
        (error(429, "M_LIMIT_EXCEEDED", 1000), True),
        (TimeoutError(), True),
        (error(403, "M_FORBIDDEN"), False),
        (error(400, "M_BAD_JSON"), False),
    ],
)
def test_only_the_network_the_server_and_rate_limits_are_tried_again(resp, again):
    assert transient(resp) is again


def test_an_error_reads_as_its_code_and_message_any_other_answer_as_its_kind():
    assert describe(error(403, "M_FORBIDDEN")) == "M_FORBIDDEN 403 from the proxy"
    assert describe(RoomSendResponse("$event", "!room:example.org")) == "RoomSendResponse"
