"""The bot's messages as Element shows them, for the browser tests: each message's content
as the Matrix adapter sends it (bot/matrix/sender.py for a reply or a post, bot/matrix/agenda.py
for the pinned agenda), laid out in an HTML page that looks like a room in Element Web:
the system's sans-serif, the sender's name in its colour above the message, a notice
(m.notice, which is all the bot sends) in grey, and the pinned-message banner under the
room's name showing the first line of the pinned message's body, cut with an ellipsis."""

from __future__ import annotations

import dataclasses
import html
from dataclasses import dataclass
from typing import Any

from bot.core.model import IncomingMessage, Reply
from bot.core.text import Text
from bot.matrix.agenda import message_content
from bot.matrix.sender import MatrixSender
from tests.conftest import ROOM, Chat
from tests.matrix.fakes import Homeserver

BOT_NAME = "ccc-bot"
# Element Web's colours for senders' names, chosen by a hash of the user ID.
NAME_COLOURS = ("#368bd6", "#ac3ba8", "#03b381", "#e64f7a", "#ff812d", "#2dc2c5", "#5c56f5", "#74d12c")


@dataclass(frozen=True)
class Shown:
    """One message in the timeline: who sent it (display name and user ID) and its content."""

    name: str
    user_id: str
    content: dict[str, Any]

    @property
    def first_line(self) -> str:
        """What Element's pinned banner, a notification or a reply preview show of it."""
        return str(self.content.get("body", "")).split("\n", 1)[0]


async def as_sent(chat: Chat, reply: Reply, command: IncomingMessage | None = None) -> Shown:
    """`reply` as the Matrix adapter sends it: its content, from the real sender on a fake
    homeserver. A direct message or a post in a thread is shown in the room, as it reads
    the same there."""
    homeserver = Homeserver()
    reply = dataclasses.replace(reply, room_id=ROOM, direct_to=None, file=None, reactions=())
    await MatrixSender(homeserver, chat.store).send(reply, command)
    [(_, content)] = homeserver.sent
    return Shown(BOT_NAME, chat.services.config.matrix.user_id, content)


def agenda_as_sent(chat: Chat, text: Text) -> Shown:
    return Shown(BOT_NAME, chat.services.config.matrix.user_id, message_content(text))


def typed(name: str, user_id: str, body: str) -> Shown:
    """What a person typed (a command), as a plain m.text message."""
    return Shown(name, user_id, {"msgtype": "m.text", "body": body})


def _name_colour(user_id: str) -> str:
    # Element's hash: the sum of the ID's character codes, modulo the number of colours.
    return NAME_COLOURS[sum(map(ord, user_id)) % len(NAME_COLOURS)]


def _body(content: dict[str, Any]) -> str:
    if content.get("format") == "org.matrix.custom.html" and "formatted_body" in content:
        return str(content["formatted_body"])
    return f'<span class="plain">{html.escape(str(content.get("body", "")))}</span>'


def _tile(shown: Shown) -> str:
    notice = " notice" if shown.content.get("msgtype") == "m.notice" else ""
    initial = html.escape(shown.name[:1].upper())
    colour = _name_colour(shown.user_id)
    return (
        f'<li class="tile"><span class="avatar" style="background:{colour}" aria-hidden="true">{initial}</span>'
        f'<div class="line"><div class="sender" style="color:{colour}">{html.escape(shown.name)}</div>'
        f'<div class="body{notice}">{_body(shown.content)}</div></div></li>'
    )


def element_page(timeline: list[Shown], *, pinned: Shown | None = None, room: str = "Coop Casual Conference") -> str:
    """An HTML document: the room's header, the pinned banner (if a message is pinned) and
    the timeline, oldest first."""
    banner = ""
    if pinned is not None:
        banner = (
            '<div class="pinned" role="region" aria-label="Pinned message"><span class="pin">📌</span>'
            '<div class="pinned-text"><div class="pinned-label">Pinned message</div>'
            f'<div class="pinned-line">{html.escape(pinned.first_line)}</div></div></div>'
        )
    tiles = "".join(_tile(shown) for shown in timeline)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(room)}</title><style>{STYLE}</style></head><body>"
        f'<header class="room"><span class="room-avatar">{html.escape(room[:1])}</span>'
        f'<span class="room-name">{html.escape(room)}</span></header>'
        f'{banner}<ol class="timeline">{tiles}</ol></body></html>'
    )


# Element Web's look, in the rules that matter for reading a message: its fonts (Inter
# where installed, else the system's sans-serif; emoji from the system's emoji font, found
# by the browser: named in the list, its digits and spaces would be taken), 15 px text on 22 px lines, notices in
# the secondary text colour, inline code on a light tint, tables with borders, lists
# indented, long words broken rather than running off the screen.
STYLE = """
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: #1b1d22;
  font: 15px/22px Inter, -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, Ubuntu, "Noto Sans",
    "Helvetica Neue", Arial, sans-serif; }
.room { display: flex; align-items: center; gap: 10px; padding: 10px 16px; border-bottom: 1px solid #e1e6ec; }
.room-avatar { width: 32px; height: 32px; border-radius: 50%; background: #0dbd8b; color: #fff;
  display: inline-flex; align-items: center; justify-content: center; font-weight: 600; }
.room-name { font-weight: 600; font-size: 18px; }
.pinned { display: flex; align-items: center; gap: 10px; padding: 6px 16px; border-bottom: 1px solid #e1e6ec; }
.pinned-text { min-width: 0; flex: 1; }
.pinned-label { color: #0dbd8b; font-size: 13px; font-weight: 600; line-height: 18px; }
.pinned-line { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; font-size: 13px; line-height: 18px; }
.timeline { list-style: none; margin: 0; padding: 8px 0; }
.tile { display: flex; gap: 12px; padding: 6px 16px; }
.avatar { flex: none; width: 32px; height: 32px; border-radius: 50%; color: #fff;
  display: inline-flex; align-items: center; justify-content: center; font-weight: 600; }
.line { min-width: 0; flex: 1; }
.sender { font-weight: 600; }
.body { overflow-wrap: anywhere; }
.body.notice { color: #656d77; }
.plain { white-space: pre-wrap; }
.body code { font-family: Inconsolata, "Fira Code", Menlo, Consolas, "Liberation Mono", monospace;
  background: rgba(0, 0, 0, 0.05); border-radius: 4px; padding: 0 2px; font-size: 14px; }
.body pre { background: #f4f6fa; border-radius: 8px; padding: 8px; overflow-x: auto; white-space: pre-wrap; }
.body a { color: #0086e6; text-decoration: none; }
.body ul, .body ol { padding-left: 2em; margin: 4px 0; }
.body p { margin: 0 0 4px; }
.body table { border-collapse: collapse; margin: 4px 0; }
.body th, .body td { border: 1px solid #cdd3da; padding: 4px 10px; text-align: left; }
"""
