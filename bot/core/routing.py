"""Every command is answered where it was typed: in reply to it, or in its thread. A command
whose answers all go elsewhere (`!start` and `!end` into the session's thread, another room,
a direct message) gets one more line where it was typed, saying what happened and where:
someone who typed in the main timeline sees the answer under their command (Element does
not show what goes into a thread there)."""

from __future__ import annotations

from urllib.parse import quote

from bot.core.model import IncomingMessage, Reply
from bot.core.text import Text, clean

# The pointer's first line of the answer it points to, at most this long.
FIRST_LINE = 160


def lands_where_typed(reply: Reply, message: IncomingMessage) -> bool:
    """Whether `reply` goes where `message` was typed: in reply to it, or into its thread
    (the sender relates a reply with no room and no thread of its own to the command)."""
    if reply.direct_to is not None:
        return reply.direct_to == message.direct_for
    if reply.room_id not in (None, message.room_id):
        return False
    return reply.thread_root is None or reply.thread_root == message.thread_root


def answered_where_typed(replies: list[Reply], message: IncomingMessage, server: str) -> list[Reply]:
    """`replies`, and after them a pointer to where they went when none goes where
    `message` was typed (the pointer comes last: the replies before it keep their place,
    and with it the transaction ids a resend of them reuses). `server`: the one matrix.to
    links name to find the room by (the bot's own)."""
    if not replies or any(lands_where_typed(reply, message) for reply in replies):
        return replies
    # The answer in this room's thread first, then one in another room, a direct one last.
    away = min(replies, key=lambda r: 2 if r.direct_to else 1 if r.room_id not in (None, message.room_id) else 0)
    return [*replies, _pointer(away, message, server)]


def _pointer(away: Reply, message: IncomingMessage, server: str) -> Reply:
    if away.direct_to is not None:
        # Never its words: what is sent in a direct message is for that person alone.
        return Reply.of(Text("Sent to you in a direct message."))
    first = clean(away.text.split("\n", 1)[0], FIRST_LINE)
    text = Text(first + (" " if first.endswith((".", "!", "?", "…")) else ". ") if first else "")
    room = away.room_id or message.room_id
    if away.thread_root is None:
        where = "another room"
    elif room == message.room_id:
        where = "the session's thread"
    else:
        where = "the session's thread in another room"
    return Reply.of(text.add("More in ").link(thread_link(room, away.thread_root, server), where).add("."))


def thread_link(room_id: str, event_id: str | None, server: str) -> str:
    """A matrix.to link to a room, or to an event in it (a thread's root): percent-encoded,
    with the server to find the room by (a room id may name none)."""
    path = quote(room_id, safe="") + (f"/{quote(event_id, safe='')}" if event_id else "")
    return f"https://matrix.to/#/{path}?via={quote(server, safe='')}"
