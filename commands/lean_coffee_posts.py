"""What the bot posts on its own during a Lean Coffee, in the rooms' language
(`conference.language`): the vote to go on when a timebox ends, the extension the room
grants, the move to the next topic. The wiring hands `WORDING` to the rider
(bot/features/lean_coffee/live.py)."""

from __future__ import annotations

from bot.core.cldr import format_duration
from bot.core.config import Config
from bot.core.i18n import Translator, room_language
from bot.core.text import Text
from bot.features.lean_coffee.messages import KEEP_GOING, MOVE_ON, Extended, MovedOn, VoteToGoOn, Wording
from bot.features.lean_coffee.repository import Count
from commands.hosting import time_name
from commands.topic_refusals import topic_label
from commands.wording import duration_text, time_spent, votes_text


def unit_count(n: int, unit: str, lang: Translator) -> str:
    """'8 minutes', '60 segundos': a count of one unit ('minute', 'second') in `lang`, with
    its plural (CLDR's)."""
    return format_duration(n, unit, lang.language.locale)


def _count_text(count: Count) -> str:
    return f"{KEEP_GOING} {count.up}, {MOVE_ON} {count.down}"


def vote_text(config: Config, vote: VoteToGoOn) -> Text:
    lang = room_language(config)
    spent = time_spent(vote.minutes, lang)
    text = Text("⏱ ").extend(lang.msg("Time is up for {topic} ({time}).", topic=topic_label(vote.topic), time=spent))
    # Translators: {more} is the extension: '4 minutes'; {up} and {down} the 👍 and 👎 reactions;
    # {seconds} how long the vote is open: '60 seconds'; {time} when it closes: '12:09 UTC'.
    return text.line().extend(
        lang.msg(
            "Keep going for {more} more? React {up} to keep going or {down} to move on; "
            "the vote closes in {seconds} ({time}).",
            more=duration_text(vote.extension, lang),
            up=KEEP_GOING,
            down=MOVE_ON,
            seconds=unit_count(vote.seconds, "second", lang),
            time=time_name(vote.closes_at, None),
        )
    )


def extended_text(config: Config, extended: Extended) -> Text:
    lang = room_language(config)
    # Translators: {count} is the vote: '👍 2, 👎 1'; {more} the extension: '4 minutes'.
    text = Text(f"{KEEP_GOING} ").extend(
        lang.msg(
            "The room goes on ({count}): {topic} has {more} more, until {time}.",
            count=_count_text(extended.count),
            topic=topic_label(extended.topic),
            more=duration_text(extended.extension, lang),
            time=time_name(extended.until, None),
        )
    )
    if extended.left == 0:
        text.add(" ").add(lang.gettext("That is its last extension."))
    return text


def moved_on_text(config: Config, moved: MovedOn) -> Text:
    lang, p = room_language(config), config.matrix.command_prefix
    label, spent = topic_label(moved.topic), time_spent(moved.minutes, lang)
    if moved.count is None:
        text = Text("⏱ ").extend(
            lang.msg(
                "Time is up for {topic} with no extension left: it is marked discussed ({time}).",
                topic=label,
                time=spent,
            )
        )
    else:
        # Translators: {count} is the vote: '👍 1, 👎 2'.
        text = Text(f"{MOVE_ON} ").extend(
            lang.msg(
                "Moving on ({count}): {topic} is marked discussed ({time}).",
                count=_count_text(moved.count),
                topic=label,
                time=spent,
            )
        )
    if moved.next_topic is None:
        suggest = Text().code(f"{p}suggest TEXT")
        return text.line().extend(lang.msg("No open topic is left: suggest one with {command}.", command=suggest))
    following = moved.next_topic
    return text.line().extend(
        lang.msg(
            "Next up: {topic} ({votes}). Start it with {command}.",
            topic=topic_label(following),
            votes=votes_text(following.votes, lang),
            command=Text().code(f"{p}discuss"),
        )
    )


WORDING = Wording(vote=vote_text, extended=extended_text, moved_on=moved_on_text)
