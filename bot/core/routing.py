"""Every command is answered where it was typed: in reply to it, or in its thread. A command
whose answers all go elsewhere (`!start` and `!end` into the session's thread, another room,
a direct message) gets one more line where it was typed, saying what happened and where:
someone who typed in the main timeline sees the answer under their command (Element does
not show what goes into a thread there)."""

from __future__ import annotations

from urllib.parse import quote

from bot.core.i18n import Translator, english
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


def answered_where_typed(
    replies: list[Reply], message: IncomingMessage, server: str, lang: Translator | None = None
) -> list[Reply]:
    """`replies`, and after them a pointer to where they went when none goes where
    `message` was typed (the pointer comes last: the replies before it keep their place,
    and with it the transaction ids a resend of them reuses). `server`: the one matrix.to
    links name to find the room by (the bot's own). The pointer is in `lang`, the asker's
    (English by default)."""
    if not replies or any(lands_where_typed(reply, message) for reply in replies):
        return replies
    # The answer in this room's thread first, then one in another room, a direct one last.
    away = min(replies, key=lambda r: 2 if r.direct_to else 1 if r.room_id not in (None, message.room_id) else 0)
    return [*replies, _pointer(away, message, server, lang or english())]


def _pointer(away: Reply, message: IncomingMessage, server: str, lang: Translator) -> Reply:
    if away.direct_to is not None:
        # Never its words: what is sent in a direct message is for that person alone.
        return Reply.of(lang.msg("Sent to you in a direct message."))
    first = clean(away.text.split("\n", 1)[0], FIRST_LINE)
    text = Text(first + (" " if first.endswith((".", "!", "?", "…")) else ". ") if first else "")
    room = away.room_id or message.room_id
    if away.thread_root is None:
        # Translators: where the rest of an answer went: 'More in another room.' (a link).
        where = lang.gettext("another room")
    elif room == message.room_id:
        where = lang.gettext("the session's thread")
    else:
        where = lang.gettext("the session's thread in another room")
    link = Text().link(thread_link(room, away.thread_root, server), where)
    return Reply.of(text.extend(lang.msg("More in {where}.", where=link)))


def thread_link(room_id: str, event_id: str | None, server: str) -> str:
    """A matrix.to link to a room, or to an event in it (a thread's root): percent-encoded,
    with the server to find the room by (a room id may name none)."""
    path = quote(room_id, safe="") + (f"/{quote(event_id, safe='')}" if event_id else "")
    return f"https://matrix.to/#/{path}?via={quote(server, safe='')}"
