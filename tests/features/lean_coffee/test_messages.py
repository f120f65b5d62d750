"""The vote's two reactions: 👍 keeps going, 👎 moves on, in that order on the message."""

from bot.features.lean_coffee.messages import KEEP_GOING, MOVE_ON, VOTE_KEYS
from bot.features.lean_coffee.repository import Count


def test_the_vote_offers_keep_going_then_move_on_and_a_tie_moves_on():
    assert VOTE_KEYS == (KEEP_GOING, MOVE_ON) == ("👍", "👎")
    assert Count(2, 1).go_on and not Count(1, 1).go_on and not Count().go_on
