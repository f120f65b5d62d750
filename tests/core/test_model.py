"""bot/core/model.py: the plain data between the adapters, the dispatcher and the commands,
and what other modules rely on it to mean."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

import pytest

from bot.core.model import Attachment, Reply, Role, normalise_reaction, went_out
from bot.core.text import Text


@pytest.mark.parametrize(
    "key",
    [
        "👍",
        "👍🏻",  # light skin tone
        "👍🏽",  # medium skin tone
        "👍🏿",  # dark skin tone
        "👍\ufe0f",  # emoji presentation selector
        "👍\ufe0e",  # text presentation selector
        "👍🏾\ufe0f",
        " 👍 ",
    ],
)
def test_every_variant_of_a_thumbs_up_counts_as_the_plain_one(key):
    assert normalise_reaction(key) == "👍"


def test_normalising_keeps_what_makes_a_different_reaction():
    assert normalise_reaction("✋🏼") == "✋"
    assert normalise_reaction("👎🏽") == "👎"
    assert normalise_reaction("❤️") == "❤"
    # A joined emoji stays joined (only the tones and selectors go), and text stays text.
    assert normalise_reaction("👩🏽\u200d💻") == "👩\u200d💻"
    assert normalise_reaction("+1") == "+1"


def test_a_higher_role_may_do_what_a_lower_one_may_and_is_named_in_the_plural():
    assert Role.PARTICIPANT < Role.HOST < Role.ORGANISER
    assert [r.label for r in Role] == ["participants", "hosts", "organisers"]


def test_a_reply_of_text_carries_both_renderings_and_its_options():
    text = Text("Vote for ").bold("<b>this</b>")
    reply = Reply.of(text, room_id="!elsewhere:example.org", key="announce:1")
    assert (reply.text, reply.html) == (text.plain, text.html)
    assert "&lt;b&gt;" in (reply.html or "") and "<b>" in reply.text
    assert (reply.room_id, reply.key) == ("!elsewhere:example.org", "announce:1")


def test_a_plain_reply_pings_nobody_and_answers_where_it_was_asked():
    reply = Reply("hello")
    assert reply.mentions == () and reply.html is None
    assert (reply.room_id, reply.thread_root, reply.direct_to, reply.key) == (None, None, None, None)
    assert reply.reactions == (), "the bot adds no reaction of its own unless asked"
    with pytest.raises(dataclasses.FrozenInstanceError):
        reply.text = "changed"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("mimetype", "image"),
    [("image/png", True), ("image/svg+xml", True), ("text/csv", False), ("application/zip", False)],
)
def test_an_attachment_is_sent_as_an_image_only_when_it_is_one(mimetype, image):
    assert Attachment("f", b"", mimetype).is_image is image


class Lookup:
    """A sender that finds the messages it sent by key (as the Matrix adapter does)."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str, tuple[str, ...]]] = []

    async def send(self, reply: Reply, in_reply_to=None) -> str | None:
        return None

    async def sent_event(self, room_id: str, key: str, since: dt.datetime, reactions: tuple[str, ...] = ()):
        self.asked.append((room_id, key, reactions))
        return "$found"


async def test_a_send_cut_short_is_looked_for_with_the_reactions_to_add_if_it_went_out():
    sender, since = Lookup(), dt.datetime(2026, 12, 10, 8, tzinfo=dt.UTC)
    log = logging.getLogger("test")
    found = await went_out(sender, "!room:x", "vote:1", since, "the vote", log, reactions=("👍", "👎"))
    assert found == ("$found", True) and sender.asked == [("!room:x", "vote:1", ("👍", "👎"))]
    assert await went_out(sender, "!room:x", "vote:1", None, "the vote", log) == (None, True), "no record, no send"
