"""Every command is answered where it was typed, as a client sees it on a real homeserver:
`!start`, `!late`, `!discussed` and `!end` typed in the main timeline while the session's
thread hangs from its `0m` announcement each get an event in reply to the command (those
whose substance went into the thread, with a line linking to it), and a command typed in
the thread is answered in the thread, in reply to it."""

from __future__ import annotations

import datetime as dt
import re

from nio import Event

from .botproc import ask, relates, slot
from .helpers import body, prime, wait_for_event


def in_thread(event: Event, root: str) -> bool:
    rel = relates(event)
    return rel.get("rel_type") == "m.thread" and rel.get("event_id") == root


async def test_start_late_discussed_and_end_typed_in_the_main_timeline_are_answered_under_the_command(
    make_bot_room,
):
    # A session that began three minutes ago: its `0m` announcement (the thread root) is
    # still within the grace window when the bot starts.
    began = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=3)).replace(second=0, microsecond=0)
    env = await make_bot_room(
        config={"conference": {"timezone": "UTC", "slots": [slot(began)], "announce_before": ["0m"]}},
    )
    host, alice = env.organiser, env.alice
    root = await wait_for_event(host, env.room_id, lambda e: e.sender == env.bot_id and "📣" in body(e), timeout=20)
    link = f"matrix.to/#/{re.escape(env.room_id.replace('!', '%21').replace(':', '%3A'))}/%24"

    # !start: the start message goes into the thread; under the command, a line saying so.
    pointer = await ask(host, env.room_id, env.bot_id, "!start")
    assert "m.thread" not in str(relates(pointer)), relates(pointer)
    assert "started" in body(pointer) and "the session's thread" in body(pointer), body(pointer)
    assert re.search(link, pointer.source["content"]["formatted_body"]), pointer.source["content"]

    # !late: the note goes into the thread, the confirmation under the command.
    confirm = await ask(alice, env.room_id, env.bot_id, "!late in ten minutes")
    assert "Noted" in body(confirm) and "m.thread" not in str(relates(confirm)), body(confirm)

    # A command typed in the thread: answered there, in reply to it.
    checked_in = await ask(alice, env.room_id, env.bot_id, "!here", thread_root=root.event_id)
    assert in_thread(checked_in, root.event_id) and "Checked in" in body(checked_in), relates(checked_in)

    added = await ask(alice, env.room_id, env.bot_id, "!suggest Answers under the command")
    number = re.search(r"Added #(\d+)", body(added))
    assert number, body(added)
    marked = await ask(host, env.room_id, env.bot_id, f"!discussed {number[1]}")
    assert body(marked).startswith(f"Marked #{number[1]}"), body(marked)

    # !end: the summary goes into the thread; under the command, its first line and the link.
    await prime(host)
    pointer = await ask(host, env.room_id, env.bot_id, "!end")
    assert "ended" in body(pointer) and "the session's thread" in body(pointer), body(pointer)
    assert "Present" not in body(pointer), "one line"
    log = env.bot.output()
    assert "Traceback" not in log, log[-4000:]
