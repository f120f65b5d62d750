"""bot/features/topics/actions.py and its groups (actions.toml): verbs found in their forms
and as units, each group one word to the near-duplicate rule, different groups never."""

from __future__ import annotations

import itertools

import pytest

from bot.features.topics.actions import Group, actions_of, read_groups, shipped_groups
from bot.features.topics.matching import actions, is_near_duplicate, normalise

GROUPS = shipped_groups()
VERBS = [(group.name, verb) for group in GROUPS for verb in group.words]


def named(text: str) -> str:
    return " ".join(actions().name(normalise(text).split()))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("handles conflict", "handle conflict"),
        ("handling conflict", "handle conflict"),
        ("handled conflict", "handle conflict"),  # a past tense
        ("dealing with conflict", "handle conflict"),  # a verb of two words, as one
        ("dealt with conflict", "handle conflict"),  # an irregular form, listed
        ("expelling members", "fire members"),  # a doubled last letter
        ("members expelled", "members fire"),
        ("letting go of staff", "fire of staff"),
        ("lay-offs of staff", "fire of staff"),  # written as two words
        ("layoffs of staff", "fire of staff"),  # or as one
        ("on-boarding new members", "onboard new members"),
        ("holding on to members", "keep members"),  # the longest verb first
        ("holding meetings", "run meetings"),
        ("settling on a name", "decide a name"),
        ("settling disputes", "handle disputes"),
    ],
)
def test_verbs_are_found_in_their_forms_and_as_units(text, expected):
    assert named(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "a good deal",  # "deal with" only as a unit
        "let people go",  # the words of a verb in a row only
        "the annual report",
        "co-op finances",  # left out on purpose (actions.toml)
    ],
)
def test_other_words_stay_as_they_are(text):
    assert named(text) == normalise(text)


@pytest.mark.parametrize(("a", "b"), [pair for group in GROUPS for pair in itertools.combinations(group.words, 2)])
def test_the_verbs_of_a_group_make_the_same_topic(a, b):
    assert is_near_duplicate(normalise(f"How do we {a} the surplus?"), normalise(f"How to {b} the surplus"))


def test_the_verbs_of_different_groups_make_different_topics():
    same = [
        (a, b)
        for (group_a, a), (group_b, b) in itertools.combinations(VERBS, 2)
        if group_a != group_b and is_near_duplicate(normalise(f"{a} the surplus"), normalise(f"{b} the surplus"))
    ]
    assert same == []


def test_every_shipped_group_gives_its_reason_and_a_choice():
    assert len(GROUPS) > 20
    for group in GROUPS:
        assert group.why.strip() and len(group.words) >= 2, group.name
        assert normalise(group.name) == group.name and " " not in group.name, group.name


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ('[pay]\nwords = ["pay", "compensate"]\n', "gives no reason"),
        ('[pay]\nwhy = "wages"\nwords = ["remunerate", "compensate"]\n', "not one of its own words"),
    ],
)
def test_a_group_without_a_reason_or_its_own_name_is_refused(text, error):
    with pytest.raises(ValueError, match=error):
        read_groups(text)


def test_a_verb_in_two_groups_is_refused():
    groups = [Group("hire", "new workers", ("hire", "take on")), Group("accept", "new work", ("accept", "take on"))]
    with pytest.raises(ValueError, match="'take on' is in both 'hire' and 'accept'"):
        actions_of(groups, str)
