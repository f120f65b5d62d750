"""The words people reach for: one meaning, run as its command (an alias declared with it);
several (commands/meanings.py), answered with the commands it may mean, what each does, and
only those the asker may use."""

from __future__ import annotations

import pytest

from commands import build_registry
from commands.meanings import MEANINGS
from tests.conftest import ALICE, HOST, ORGANISER


@pytest.mark.parametrize(
    ("typed", "runs"), [("!join", "!link"), ("!notes", "!history"), ("!minutes", "!history"), ("!checkin", "!here")]
)
async def test_a_word_with_one_meaning_runs_that_command(chat, typed, runs):
    assert await chat.text(ALICE, typed) == await chat.text(ALICE, runs)


async def test_rsvp_explains_here_at_the_session_and_late_if_coming_late(chat):
    [reply] = await chat.say(ALICE, "!rsvp")
    text = reply.text
    assert "!here" in text and "!late" in text and "\n" not in text, text
    assert text.index("!here") < text.index("!late")
    assert "check in" in text and "late" in text.split("!late")[1]


async def test_stop_points_a_participant_to_their_reminders_and_a_host_to_end_too(chat):
    await chat.say(ALICE, "!remind all")
    [reply] = await chat.say(ALICE, "!stop")
    assert "!remind off" in reply.text and "!end" not in reply.text, reply.text
    assert "!topics" not in reply.text, "by meaning, not by spelling"
    assert "15 minutes before every session" in await chat.text(ALICE, "!remind"), "a pointer changes nothing"
    [reply] = await chat.say(HOST, "!stop")
    assert "!remind off" in reply.text and "!end" in reply.text
    [reply] = await chat.say(ALICE, "!unsubscribe")
    assert "!remind off" in reply.text


async def test_notes_no_longer_suggests_unvote(chat):
    assert "!unvote" not in await chat.text(ALICE, "!notes")


async def test_a_misspelt_word_people_reach_for_still_finds_its_meaning(chat):
    assert "!remind off" in await chat.text(ALICE, "!unsubscibe")
    assert "!here" in await chat.text(ALICE, "!rsvpp")
    assert "Did you mean !link?" in await chat.text(ALICE, "!lnik")


async def test_help_names_the_words_that_run_a_command_and_explains_those_that_point(chat):
    assert "Also: !notes, !minutes" in await chat.text(ALICE, "!help history")
    assert (await chat.text(ALICE, "!help join")).startswith("!link")
    text = await chat.text(ALICE, "!help rsvp")
    assert "!here" in text and "!late" in text
    assert "!end" in await chat.text(HOST, "!help stop")
    assert "!end" not in await chat.text(ALICE, "!help stop")


def test_every_meaning_names_commands_that_exist():
    registry = build_registry()  # refuses an unknown command or a word that is a command's name
    for meaning in MEANINGS:
        assert registry.get(meaning.word) is None, "a word that points is no command"


async def test_an_organiser_is_pointed_to_everything_a_word_may_mean(chat):
    [reply] = await chat.say(ORGANISER, "!stop")
    assert "!remind off" in reply.text and "!end" in reply.text
