"""commands/lean_coffee_posts.py: what the bot posts on its own when a timebox ends, in the
rooms' language (a whole Lean Coffee in Spanish and Portuguese is in
test_lean_coffee_language.py)."""

from __future__ import annotations

import datetime as dt

from bot.core.i18n import translator
from bot.features.lean_coffee.messages import Extended, MovedOn, VoteToGoOn
from bot.features.lean_coffee.repository import Count
from bot.features.topics.model import Topic, TopicStatus
from commands.lean_coffee_posts import extended_text, moved_on_text, unit_count, vote_text

AT = dt.datetime(2026, 11, 26, 12, 9, tzinfo=dt.UTC)


def _topic(number: int, text: str, votes: int = 0) -> Topic:
    return Topic(number, text, votes, None, None, None, TopicStatus.OPEN)


def test_counts_of_one_unit_take_their_plural_in_each_language():
    assert unit_count(1, "minute", translator("en")) == "1 minute"
    assert unit_count(60, "second", translator("es")) == "60 segundos"
    assert unit_count(1, "second", translator("pt-BR")) == "1 segundo"


def test_the_vote_and_the_last_extension_read_in_the_rooms_language(make_config):
    config = make_config(conference={"language": "pt-BR"})
    vote = VoteToGoOn(_topic(3, "Pay"), 8, dt.timedelta(hours=1, minutes=5), AT, 90)
    assert vote_text(config, vote).plain == (
        "⏱ Acabou o tempo de #3 “Pay” (8 minutos).\n"
        "Continuamos por mais 1 hora e 5 minutos? Reaja com 👍 para continuar ou com 👎 para passar para o próximo; "
        "a votação fecha em 90 segundos (12:09 UTC)."
    )
    last = Extended(_topic(3, "Pay"), dt.timedelta(minutes=2), AT, Count(3, 1), 0)
    assert extended_text(config, last).plain.endswith("ganha mais 2 minutos, até 12:09 UTC. É a última prorrogação.")


def test_with_no_topic_left_the_room_is_asked_for_one(make_config):
    config = make_config(conference={"language": "es"})
    moved = MovedOn(_topic(3, "Pay"), 1, Count(0, 2), None)
    assert moved_on_text(config, moved).plain == (
        "👎 Pasamos al siguiente (👍 0, 👎 2): #3 “Pay” queda marcado como tratado (1 minuto).\n"
        "No queda ningún tema abierto: sugiere uno con !suggest TEXT."
    )
