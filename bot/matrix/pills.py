"""Mentions as Element sends them: a "pill" shows a person's display name in the plain body
(`!here Alice`) and keeps their Matrix ID only in the HTML link
(`<a href="https://matrix.to/#/@alice:example.org">Alice</a>`). The command layer reads
Matrix IDs, so the pill's text in the body is put back to the ID it stands for."""

from __future__ import annotations

import re
import urllib.parse
from html.parser import HTMLParser
from typing import Any

# A link to a user: matrix.to with the ID, percent-encoded or not, and nothing after it.
_USER_LINK = re.compile(r"https://matrix\.to/#/((?:@|%40)[^/?#\s]+)")
_MATRIX_ID = re.compile(r"@[^\s:@]+:[A-Za-z0-9.:\[\]-]+")
_FIRST_WORD = re.compile(r"\s*\S+")
# More pills than this in one message is no command a person typed.
MAX_PILLS = 20


class _Pills(HTMLParser):
    """The user links of a message's HTML, outside the quoted reply (`<mx-reply>`, whose
    link to the original sender is no mention)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []
        self._quoted = 0
        self._user: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "mx-reply":
            self._quoted += 1
        elif tag == "a" and not self._quoted:
            link = _USER_LINK.fullmatch(dict(attrs).get("href") or "")
            user = urllib.parse.unquote(link.group(1)) if link else None
            self._user = user if user and _MATRIX_ID.fullmatch(user) else None
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "mx-reply":
            self._quoted = max(0, self._quoted - 1)
        elif tag == "a" and self._user is not None:
            shown = "".join(self._text).strip()
            if shown and len(self.found) < MAX_PILLS:
                self.found.append((shown, self._user))
            self._user = None

    def handle_data(self, data: str) -> None:
        if self._user is not None:
            self._text.append(data)


def pills(content: dict[str, Any]) -> list[tuple[str, str]]:
    """(text shown, Matrix ID) of each mention pill in a message's content, in order."""
    html = content.get("formatted_body")
    if content.get("format") != "org.matrix.custom.html" or not isinstance(html, str):
        return []
    parser = _Pills()
    parser.feed(html)
    parser.close()
    return parser.found


def with_ids(body: str, content: dict[str, Any]) -> str:
    """`body` with each pill's shown text (the first time it occurs after the command's
    name and the pill before) replaced by the Matrix ID it links to: `!here Alice` ->
    `!here @alice:example.org`."""
    first_word = _FIRST_WORD.match(body)
    start = first_word.end() if first_word else 0
    for shown, user_id in pills(content):
        if shown == user_id:
            continue
        at = body.find(shown, start)
        if at < 0:
            continue
        body = body[:at] + user_id + body[at + len(shown) :]
        start = at + len(user_id)
    return body
