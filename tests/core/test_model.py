"""bot/core/model.py: the plain data between the adapters, the dispatcher and the commands,
and what other modules rely on it to mean."""

from __future__ import annotations

import dataclasses

import pytest

from bot.core.model import Attachment, Reply, Role, normalise_reaction
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
    with pytest.raises(dataclasses.FrozenInstanceError):
        reply.text = "changed"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("mimetype", "image"),
    [("image/png", True), ("image/svg+xml", True), ("text/csv", False), ("application/zip", False)],
)
def test_an_attachment_is_sent_as_an_image_only_when_it_is_one(mimetype, image):
    assert Attachment("f", b"", mimetype).is_image is image
