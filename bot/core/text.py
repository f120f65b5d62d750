"""Building bot messages with a plain body and an HTML body from one description.

Everything added through `Text` is escaped for HTML; only the fixed markup this module
writes (bold, code, links, line breaks, lists, tables) is not. User-supplied strings therefore can't
inject HTML, and since the Matrix adapter always sets `m.mentions`, they can't ping.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from urllib.parse import urlsplit


def clean(text: str, limit: int | None = None) -> str:
    """User text made safe to show inline: control and bidi-override characters removed,
    whitespace folded, cut at `limit` characters with an ellipsis."""
    if text.isprintable():
        # No control, format (bidi), private-use or unassigned character, nor a line
        # break: nothing to remove (the common case, without a loop in Python).
        out = " ".join(text.split())
    else:
        kept = []
        for ch in text:
            cat = unicodedata.category(ch)
            if ch in "\n\t\r":
                kept.append(" ")
            elif cat in ("Cc", "Cs", "Co", "Cn") or ch in _BIDI_CONTROLS:
                continue
            else:
                kept.append(ch)
        out = " ".join("".join(kept).split())
    if limit is not None and len(out) > limit:
        out = out[: max(limit - 1, 0)].rstrip() + "…"
    return out


def plural(n: int, one: str, many: str | None = None) -> str:
    """'1 vote', '2 votes', '1 check-in', '3 people' (with `many`)."""
    return f"{n} {one}" if n == 1 else f"{n} {many or one + 's'}"


# Explicit directional overrides and isolates can make a reply read backwards.
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


# What html.escape changes, and a line break: most pieces of a message have none of them.
_SPECIAL = re.compile("[&<>\"'\n]").search


# How a block (a list, a table) ends in HTML: no line break is needed after it.
_BLOCK_END = ("</ul>", "</table>")


def _escape(text: str) -> str:
    return html.escape(text) if _SPECIAL(text) else text


def _width(text: str) -> int:
    """How many columns `text` takes in a monospace font: wide (CJK, most emoji) count two,
    combining marks none."""
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class Text:
    """An append-only message with a plain and an HTML rendering."""

    def __init__(self, plain: str = "") -> None:
        self._plain: list[str] = []
        self._html: list[str] = []
        if plain:
            self.add(plain)

    def add(self, text: str) -> Text:
        self._plain.append(text)
        self._html.append(html.escape(text).replace("\n", "<br>") if _SPECIAL(text) else text)
        return self

    def bold(self, text: str) -> Text:
        self._plain.append(text)
        self._html.append(f"<strong>{_escape(text)}</strong>")
        return self

    def code(self, text: str) -> Text:
        self._plain.append(text)
        self._html.append(f"<code>{_escape(text)}</code>")
        return self

    def link(self, url: str, label: str | None = None) -> Text:
        """A link; anything but http(s) is shown as text, never made clickable."""
        if urlsplit(url).scheme not in ("http", "https"):
            return self.add(label or url)
        self._plain.append(url if label is None or label == url else f"{label} ({url})")
        self._html.append(f'<a href="{html.escape(url, quote=True)}">{html.escape(label or url)}</a>')
        return self

    def mention(self, user_id: str, name: str | None = None) -> Text:
        """A real mention pill; the adapter must also list the user in `m.mentions`."""
        shown = name or user_id
        self._plain.append(shown)
        href = html.escape(f"https://matrix.to/#/{user_id}", quote=True)
        self._html.append(f'<a href="{href}">{html.escape(shown)}</a>')
        return self

    def line(self, text: str = "") -> Text:
        """Start a new line, optionally with text."""
        if self._plain:
            self._plain.append("\n")
            if not self._html[-1].endswith(_BLOCK_END):  # a list or a table already ends its line
                self._html.append("<br>")
        return self.add(text) if text else self

    def bullets(self, items: Sequence[Text]) -> Text:
        """A bulleted list on lines of its own: `<ul><li>` in HTML, '• ' lines in plain
        text (an item's further lines indented under it)."""
        if not items:
            return self
        for item in items:
            if self._plain:
                self._plain.append("\n")
            self._plain.append("• " + item.plain.replace("\n", "\n  "))
        self._html.append("<ul>" + "".join(f"<li>{item.html}</li>" for item in items) + "</ul>")
        return self

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[str | int]]) -> Text:
        """A table on lines of its own: `<table>` with a head and a body in HTML; in plain
        text, columns padded to line up in a monospace font, numbers on the right (an `int`
        cell; a column of them and its header are right-aligned). Cells are escaped like
        everything added. What follows goes on a new line (`line()`)."""
        widths = [_width(h) for h in headers]
        numeric = [bool(rows) for _ in headers]
        for row in rows:
            for i, cell in enumerate(row):
                widths[i] = max(widths[i], _width(str(cell)))
                numeric[i] = numeric[i] and (isinstance(cell, int) or cell == "")

        def plain_row(cells: Sequence[str | int]) -> str:
            shown = []
            for i, cell in enumerate(cells):
                pad = " " * (widths[i] - _width(str(cell)))
                shown.append(f"{pad}{cell}" if numeric[i] else f"{cell}{pad}")
            return "  ".join(shown).rstrip()

        def html_row(cells: Sequence[str | int], *, head: bool = False) -> str:
            shown = (f"<th>{_escape(str(c))}</th>" if head else f"<td>{_escape(str(c))}</td>" for c in cells)
            return "<tr>" + "".join(shown) + "</tr>"

        if self._plain:
            self._plain.append("\n")
        self._plain.append("\n".join(plain_row(r) for r in (headers, *rows)))
        body = "".join(html_row(r) for r in rows)
        self._html.append(f"<table><thead>{html_row(headers, head=True)}</thead><tbody>{body}</tbody></table>")
        return self

    def extend(self, other: Text) -> Text:
        self._plain.extend(other._plain)
        self._html.extend(other._html)
        return self

    @property
    def plain(self) -> str:
        return "".join(self._plain)

    @property
    def html(self) -> str:
        return "".join(self._html)

    def __bool__(self) -> bool:
        return bool(self._plain)
