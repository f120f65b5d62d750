"""Thursday on a real homeserver: start, check-in by command and by ✋, a latecomer's note in
the session thread, and the summary at the end."""

from __future__ import annotations

import datetime as dt

from nio import Event, JoinResponse, RoomSendResponse

from .botproc import relates, replies_to, send_text
from .helpers import prime, wait_for_event

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def body(event: Event) -> str:
    return event.source.get("content", {}).get("body") or ""


def in_thread(event: Event, root: str) -> bool:
    rel = relates(event)
    return rel.get("rel_type") == "m.thread" and rel.get("event_id") == root


async def command(env, client, text: str) -> tuple[Event, list[Event]]:
    """Send a command; return the bot's reply to it and every bot message seen until then."""
    await prime(client)
    event_id = await send_text(client, env.room_id, text)
    seen: list[Event] = []

    def answered(event: Event) -> bool:
        if event.sender == env.bot_id:
            seen.append(event)
        return replies_to(event_id, env.bot_id)(event)

    reply = await wait_for_event(client, env.room_id, answered, timeout=20)
    return reply, seen


# What people type, distinctive enough that finding it in the log cannot be chance.
TOPIC = "Quokka-owned bakeries and the 5813 bylaw"
NOTE = "running 5 min late, stuck behind tram 77Q"


async def test_start_check_in_late_note_and_summary(make_bot_room, make_user):
    """The whole of a Thursday, with the bot logging all it may (`ccc-bot -v run`): the
    log then holds none of what people typed, nor the bot's access token."""
    # A session that began three minutes ago: inside its start window, and its `0m`
    # announcement (the thread root) is still within the grace window when the bot starts.
    began = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=3)).replace(second=0, microsecond=0)
    env = await make_bot_room(
        config={
            "conference": {
                "timezone": "UTC",
                "slots": [f"{WEEKDAYS[began.weekday()]} {began:%H:%M}"],
                "announce_before": ["0m"],
            }
        },
        verbose=True,
    )
    host = env.organiser  # organisers may host every session

    def announcement(event: Event) -> bool:
        return event.sender == env.bot_id and "📣" in body(event)

    root = await wait_for_event(host, env.room_id, announcement, timeout=20)
    assert "bbb.example.org" in body(root)

    await prime(host)
    await send_text(host, env.room_id, "!start")

    def started(event: Event) -> bool:
        return event.sender == env.bot_id and "has started" in body(event)

    start_message = await wait_for_event(host, env.room_id, started, timeout=20)
    # Named for people, in UTC (the year only when it is not this one).
    year = "" if began.year == dt.datetime.now(dt.UTC).year else f" {began.year}"
    name = f"Session of {began:%A} {began.day} {began:%B}{year}, {began:%H:%M} UTC has started"
    assert name in body(start_message) and "bbb.example.org" in body(start_message), body(start_message)
    assert in_thread(start_message, root.event_id), relates(start_message)

    reply, _ = await command(env, env.alice, f"!suggest {TOPIC}")
    assert "Added #" in body(reply), body(reply)
    reply, _ = await command(env, env.alice, "!here")
    assert "Checked in" in body(reply), body(reply)

    raised = await env.bob.room_send(
        env.room_id,
        "m.reaction",
        {"m.relates_to": {"rel_type": "m.annotation", "event_id": start_message.event_id, "key": "✋"}},
    )
    assert isinstance(raised, RoomSendResponse), raised

    carol = await make_user("carol", displayname="Carol")
    await env.alice.room_invite(env.room_id, carol.user_id)
    assert isinstance(await carol.join(env.room_id), JoinResponse)
    confirmation, seen = await command(env, carol, f"!late {NOTE}")
    assert "Noted" in body(confirmation), body(confirmation)
    notes = [e for e in seen if "will join later" in body(e)]
    assert len(notes) == 1, [body(e) for e in seen]
    assert in_thread(notes[0], root.event_id), relates(notes[0])
    assert "Carol" in body(notes[0]) and "running 5 min late" in body(notes[0])

    await prime(host)
    await send_text(host, env.room_id, "!end")
    summary = await wait_for_event(host, env.room_id, lambda e: e.sender == env.bot_id and "ended" in body(e), 20)
    assert in_thread(summary, root.event_id), relates(summary)
    present = next(line for line in body(summary).splitlines() if line.startswith("Present"))
    assert present.startswith("Present (3)"), body(summary)
    assert "Olive Organiser" in present and "Alice" in present
    assert "Bob" in present or env.bob.user_id in present, present
    assert "Carol" not in present and carol.user_id not in present, present
    log = env.bot.output()
    assert "Traceback" not in log, log[-4000:]
    assert " DEBUG " in log, "the bot ran at its most verbose"
    for typed in (TOPIC, "Quokka", NOTE, "tram 77Q"):
        assert typed not in log, (
            f"{typed!r} is in the log:\n" + "\n".join(line for line in log.splitlines() if typed in line)[:4000]
        )
    assert env.account.access_token not in log
