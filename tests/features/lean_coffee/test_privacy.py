"""!mydata lists the topics a person started discussing; !forgetme keeps them, nobody named."""

from __future__ import annotations

import json

from tests.commands.helpers import SESSION, start_session, suggest
from tests.conftest import HOST


async def test_mydata_lists_discussions_started_and_forgetme_keeps_them_unnamed(chat):
    a = await suggest(chat, "apples")
    await start_session(chat)
    await chat.text(HOST, f"!discuss {a}")
    [reply] = [r for r in await chat.say(HOST, "!mydata") if r.file is not None]
    data = json.loads(reply.file.data)
    assert [(d["session"], d["topic_id"]) for d in data["discussions_started"]] == [(SESSION, a)]
    await chat.text(HOST, "!forgetme")
    await chat.text(HOST, "!forgetme confirm")
    row = await chat.store.fetchone("SELECT topic_id, started_by FROM discussions")
    assert tuple(row) == (a, None)
