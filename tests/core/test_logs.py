"""What `ccc-bot -v` writes to the log: everything an operator needs to debug, never what
people typed (commands, topic texts, notes) nor a token or a password."""

from __future__ import annotations

import io
import logging

import aiosqlite
import pytest

from bot.core.logs import configure_logging

TOPIC = "Zebra-striped cooperative bylaws 7391"
TOKEN = "syt_c2VjcmV0_tokenvalue_4711"
PASSWORD = "hunter2-correct-horse"


@pytest.fixture
def log_output():
    """The root logger as `ccc-bot -v run` sets it up, writing to a buffer; restored after."""
    root = logging.getLogger()
    saved = root.level, list(root.handlers)
    levels = {name: logging.getLogger(name).level for name in ("nio", "aiosqlite", "apscheduler", "bot")}
    buffer = io.StringIO()
    configure_logging("run", verbose=True, stream=buffer)
    yield buffer
    root.setLevel(saved[0])
    root.handlers[:] = saved[1]
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


async def test_verbose_logs_no_sql_parameters(log_output, tmp_path):
    async with aiosqlite.connect(tmp_path / "x.sqlite3") as db:
        await db.execute("CREATE TABLE topics (text TEXT)")
        await db.execute("INSERT INTO topics (text) VALUES (?)", (TOPIC,))
        await db.commit()
    logging.getLogger("bot.matrix.adapter").debug("a debug line of our own")
    out = log_output.getvalue()
    assert "a debug line of our own" in out, "-v still shows the bot's own debug lines"
    assert TOPIC not in out, out


def test_verbose_logs_no_sync_response_nor_invalid_event(log_output):
    event = {"type": "m.room.message", "content": {"body": f"!suggest {TOPIC}"}}
    # What nio logs at debug for every response, and at warning for an event it rejects.
    logging.getLogger("nio.responses").debug("Validating response schema %r: %s", {}, {"rooms": [event]})
    logging.getLogger("nio.events.misc").warning(f"Error validating event: 'msgtype' is required, {event}")
    logging.getLogger("nio.responses").warning(f"Error validating response: {[TOPIC]} is not of type 'string'")
    logging.getLogger("nio.rooms").info("Room !r:x handling event of type RoomMessageText")
    out = log_output.getvalue()
    assert TOPIC not in out, out
    assert "Error validating event" in out, "the warning itself is kept, without its details"
    assert "handling event of type RoomMessageText" in out


def test_tokens_and_passwords_are_masked_wherever_they_appear(log_output):
    log = logging.getLogger("bot.matrix.adapter")
    log.info("GET https://matrix.example.org/_matrix/client/v3/sync?since=s1&access_token=%s&timeout=0", TOKEN)
    log.info("login body: %s", {"type": "m.login.password", "password": PASSWORD, "user": "ccc"})
    log.info('response: {"access_token": "%s", "device_id": "ABC"}', TOKEN)
    try:
        raise RuntimeError(f"Authorization: Bearer {TOKEN}")
    except RuntimeError:
        log.exception("request failed")
    out = log_output.getvalue()
    assert TOKEN not in out and PASSWORD not in out, out
    assert "request failed" in out and "device_id" in out and "since=s1" in out


def test_configured_secrets_are_masked_in_any_form(log_output):
    from bot.core.logs import hide_secrets

    hide_secrets(PASSWORD, TOKEN, None, "")
    logging.getLogger("bot").warning("odd: %s / %s", PASSWORD, TOKEN)
    out = log_output.getvalue()
    assert PASSWORD not in out and TOKEN not in out and "odd:" in out


def test_configuring_twice_keeps_one_handler(log_output):
    configure_logging("run", verbose=True, stream=log_output)
    logging.getLogger("bot").warning("once")
    assert log_output.getvalue().count("once") == 1
