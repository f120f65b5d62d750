"""Topics on a real homeserver: a 👍 on the bot's confirmation votes, redacting it unvotes."""

from __future__ import annotations

import re

from nio import RoomRedactResponse, RoomSendResponse


def body(event) -> str:
    return event.source.get("content", {}).get("body") or ""


def votes_line(listing: str, number: str) -> str:
    """The line of `!topics` that shows topic `number`."""
    lines = [line for line in listing.splitlines() if line.startswith(f"• {number} ")]
    assert len(lines) == 1, f"topic {number} is not listed once in:\n{listing}"
    return lines[0]


async def test_a_thumbs_up_on_the_confirmation_votes_and_redacting_it_unvotes(make_bot_room):
    env = await make_bot_room()
    confirmation = await env.ask(env.alice, "!suggest Sharing invoices between cooperatives")
    found = re.search(r"#\d+", body(confirmation))
    assert found and "Added" in body(confirmation), body(confirmation)
    number = found.group()

    reaction = await env.bob.room_send(
        env.room_id,
        "m.reaction",
        {"m.relates_to": {"rel_type": "m.annotation", "event_id": confirmation.event_id, "key": "👍"}},
    )
    assert isinstance(reaction, RoomSendResponse), reaction
    # The bot handles a room's events in order, so the reaction is counted before the
    # !topics sent after it is answered.
    listing = body(await env.ask(env.alice, "!topics"))
    assert " · 1 vote · " in votes_line(listing, number), listing
    assert "Alice" in votes_line(listing, number)
    assert "✓ your vote" in votes_line(body(await env.ask(env.bob, "!topics")), number)

    redaction = await env.bob.room_redact(env.room_id, reaction.event_id)
    assert isinstance(redaction, RoomRedactResponse), redaction
    listing = body(await env.ask(env.alice, "!topics"))
    assert " · 0 votes · " in votes_line(listing, number), listing
    assert "your vote" not in votes_line(body(await env.ask(env.bob, "!topics")), number)
    assert "Traceback" not in env.bot.output(), env.bot.output()[-4000:]
