"""Whether a message that is no command speaks to the bot and asks it something ("hello
bot, how do I join?", "@ccc-bot what is this?"): such a message gets a one-line pointer
to `!help` (bot/core/dispatcher.py) where silence would leave a newcomer stuck. The Matrix
adapter keeps only those of people's messages that are commands or these (conversation is
none of the bot's business), so the rule is here once, for it, the console and the
dispatcher."""

from __future__ import annotations

import re
from collections.abc import Iterable

# "bot" alone names it when it is spoken to: first, or after a greeting ("hello bot, ...").
_GREETINGS = "hello|hi|hey|hallo|hola|olá|ola|oi|ok|okay|dear"
_HAILED = re.compile(rf"\W*(?:(?:{_GREETINGS})\W+)?bot\b")
# Asking: a question mark, a question word or a plea for help, or a greeting (which
# expects an answer as much). "thanks ccc-bot" and "good bot" ask nothing.
_ASKING = re.compile(rf"[?¿]|\b(?:how|what|where|when|which|who|why|help|ayuda|ajuda|{_GREETINGS})\b")


def bot_names(user_id: str, display_name: str | None = None) -> tuple[str, ...]:
    """The ways people name the bot, casefolded: its Matrix ID, its localpart (`ccc-bot`,
    also spelt `ccc bot`) and its display name in the room, where the adapter knows it."""
    localpart = user_id.removeprefix("@").split(":", 1)[0]
    names = (user_id, localpart, re.sub(r"[-_.]+", " ", localpart), display_name or "")
    return tuple(dict.fromkeys(n.casefold().strip() for n in names if len(n.strip()) >= 3))


def names_bot(body: str, names: Iterable[str]) -> bool:
    """Whether `body` names the bot: one of `names` as a word of its own (not a part of
    another word or of another server's user ID), or "bot" said to it."""
    folded = body.casefold()
    for name in names:
        if re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w-]|:\w)", folded):
            return True
    return _HAILED.match(folded) is not None


def asks(body: str) -> bool:
    """Whether `body` asks something: a question, a plea for help or a greeting."""
    return _ASKING.search(body.casefold()) is not None
