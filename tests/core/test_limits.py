"""bot/core/limits.py: how many commands one person may have answered in a room per minute;
as a person meets it through the dispatcher, and the rule itself."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.limits import CommandLimit, Decision, Verdict
from tests.conftest import ALICE, BOB, ORGANISER, ROOM, START


def at(seconds: float) -> dt.datetime:
    return START + dt.timedelta(seconds=seconds)


async def test_past_the_limit_one_notice_says_when_to_try_again_then_silence(limited_chat):
    chat = limited_chat
    for i in range(10):
        assert await chat.say(ALICE, f"!vote {i % 2 + 1}"), f"command {i + 1} of 10 is answered"
    chat.clock.advance(seconds=15)
    notice = await chat.text(ALICE, "!link")
    assert notice.startswith("Too many commands"), notice
    assert "10 a minute" in notice and "Try again in 45 seconds" in notice
    for _ in range(200):
        assert await chat.say(ALICE, "!stats") == [], "silence until then"
    chat.clock.advance(seconds=44)
    assert await chat.say(ALICE, "!link") == []
    chat.clock.advance(seconds=1)
    assert "Try again" not in await chat.text(ALICE, "!link"), "answered again when the notice said"


async def test_the_limit_is_per_person_and_per_room_and_binds_organisers_too(limited_chat):
    chat = limited_chat
    for _ in range(11):
        await chat.say(ORGANISER, "!link")
    assert await chat.say(ORGANISER, "!link") == [], "organisers are not exempt"
    assert "Too many" not in await chat.text(BOB, "!link"), "another person is not held back"
    assert "Too many" not in await chat.text(ORGANISER, "!link", room_id="!other:example.org")


@pytest.mark.parametrize("per_minute", [0, 3])
async def test_the_limit_follows_the_config(make_chat, make_config, per_minute):
    chat = await make_chat(make_config(limits={"commands_per_minute": per_minute}))
    answers = [await chat.text(ALICE, "!link") for _ in range(40)]
    notices = [a for a in answers if a.startswith("Too many")]
    if per_minute == 0:
        assert not notices and all(answers), "0 turns the limit off"
    else:
        assert all(answers[:3]) and answers[3].startswith("Too many") and answers[4:] == [""] * 36
        assert "3 a minute" in answers[3]


# --- the rule itself ----------------------------------------------------------------------


def test_someone_who_keeps_below_the_rate_is_never_held_back():
    limit = CommandLimit(3)
    verdicts = [limit.check(ROOM, ALICE, at(20 * i)).verdict for i in range(30)]
    assert verdicts == [Verdict.ANSWER] * 30, "three a minute, evenly spread, for ten minutes"


def test_past_the_limit_the_notice_names_when_the_oldest_answer_leaves_the_minute():
    limit = CommandLimit(3)
    for seconds in (0, 10, 20):
        assert limit.check(ROOM, ALICE, at(seconds)) == Decision(Verdict.ANSWER)
    notice = limit.check(ROOM, ALICE, at(30))
    assert notice == Decision(Verdict.NOTICE, at(60))
    assert notice.seconds_left(at(30)) == 30
    assert notice.seconds_left(at(59.2)) == 1, "rounded up: never 'try again in 0 seconds'"
    assert notice.seconds_left(at(75)) == 1
    assert limit.check(ROOM, ALICE, at(59)) == Decision(Verdict.SILENCE, at(60))


def test_when_the_time_comes_a_full_minute_allowance_starts_afresh():
    limit = CommandLimit(3)
    for seconds in (0, 50, 55):
        limit.check(ROOM, ALICE, at(seconds))
    assert limit.check(ROOM, ALICE, at(56)).verdict is Verdict.NOTICE
    # At 60 the first answer has left the minute, but the answers at 50 and 55 do not count
    # against the new allowance: three more are answered, then one notice.
    assert [limit.check(ROOM, ALICE, at(60 + s)).verdict for s in range(4)] == [Verdict.ANSWER] * 3 + [Verdict.NOTICE]


def test_zero_is_no_limit():
    limit = CommandLimit(0)
    assert {limit.check(ROOM, ALICE, START).verdict for _ in range(1000)} == {Verdict.ANSWER}


def test_only_people_active_in_the_last_minute_or_held_back_are_remembered():
    limit = CommandLimit(1)
    limit.check(ROOM, ALICE, at(0))
    limit.check(ROOM, BOB, at(10))
    limit.check(ROOM, BOB, at(11))  # held back until 70
    limit.check(ROOM, ORGANISER, at(59))  # sweeps nothing: not a minute since the last sweep
    limit.check(ROOM, ORGANISER, at(60))
    assert {user for _, user in limit._people} == {BOB, ORGANISER}, "Alice's minute is over"
    limit.check(ROOM, ORGANISER, at(125))
    assert {user for _, user in limit._people} == {ORGANISER}


@pytest.mark.parametrize("per_minute", [1, 10])
def test_each_room_and_person_has_an_allowance_of_its_own(per_minute):
    limit = CommandLimit(per_minute)
    for _ in range(per_minute):
        limit.check(ROOM, ALICE, START)
    assert limit.check(ROOM, ALICE, START).verdict is Verdict.NOTICE
    assert limit.check("!other:example.org", ALICE, START).verdict is Verdict.ANSWER
    assert limit.check(ROOM, BOB, START).verdict is Verdict.ANSWER
