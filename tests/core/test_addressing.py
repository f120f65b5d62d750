"""bot/core/addressing.py: whether a message that is no command speaks to the bot and
asks it something."""

from __future__ import annotations

import pytest

from bot.core.addressing import asks, bot_names, names_bot

NAMES = bot_names("@ccc-bot:example.org", "Patio Helper")


def test_the_bots_names_are_its_id_its_localpart_and_its_display_name():
    assert set(NAMES) >= {"@ccc-bot:example.org", "ccc-bot", "ccc bot", "patio helper"}
    assert bot_names("@ccc-bot:example.org", None) == bot_names("@ccc-bot:example.org")


@pytest.mark.parametrize(
    "said",
    [
        "@ccc-bot:example.org how does this work",
        "@ccc-bot what is this?",
        "ccc-bot: help",
        "Hi CCC bot!",
        "patio helper, when is the call?",
        "hello bot, how do I join?",
        "Bot: what now?",
    ],
)
def test_named(said):
    assert names_bot(said, NAMES)


@pytest.mark.parametrize(
    "said",
    [
        "hello everyone, how do I join?",
        "the robot said 8:00",
        "is there a bot for this?",
        "@ccc-botany:example.org hi",
        "xccc-bot",
        "",
    ],
)
def test_not_named(said):
    assert not names_bot(said, NAMES)


@pytest.mark.parametrize(
    "said",
    ["how do I join?", "what is this", "ccc-bot: help", "hello bot", "Hola, ¿cómo funciona?", "where's the link"],
)
def test_asks(said):
    assert asks(said)


@pytest.mark.parametrize("said", ["thanks ccc-bot", "ccc-bot is great", "good bot", "", "👍"])
def test_does_not_ask(said):
    assert not asks(said)
