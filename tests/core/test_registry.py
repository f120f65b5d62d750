"""bot/core/registry.py: commands declared once, with roles, aliases, the words people
reach for and near misses (the arguments: test_arguments.py)."""

from __future__ import annotations

import pytest

from bot.core.arguments import Choice
from bot.core.config import parse_config
from bot.core.i18n import english
from bot.core.model import Role
from bot.core.registry import CommandGroup, Meaning, Registry, Switch, Way
from bot.core.text import Text
from tests.conftest import BASE_CONFIG, merge


def _spec(handler, usage: str = "..."):
    group = CommandGroup("t")
    group.command("x", usage=usage, help="h")(handler)
    return group.commands[0]


class Kind(Choice):
    values = ("topics", "attendance")


# --- the registry -------------------------------------------------------------------------


def _group() -> CommandGroup:
    group = CommandGroup("g")

    async def handler(ctx): ...

    group.command("topics", help="everyone", aliases=("agenda",))(handler)
    group.command("start", role=Role.HOST, help="hosts")(handler)
    group.command("export", role=Role.ORGANISER, help="organisers")(handler)
    group.reaction("topic", "👍", "👍🏽")(handler)
    return group


def _registry() -> Registry:
    return Registry([_group()])


def test_duplicate_command_names_are_refused():
    g = CommandGroup("g")

    async def a(ctx): ...

    g.command("same", help="a")(a)
    g.command("same", help="b")(a)
    with pytest.raises(ValueError):
        Registry([g])
    other = CommandGroup("other")
    other.command("agenda", help="an alias taken")(a)
    with pytest.raises(ValueError, match="'agenda' declared twice"):
        Registry([_group(), other])


def test_names_and_aliases_are_found_in_any_case():
    registry = _registry()
    assert registry.get("TOPICS").name == registry.get("Agenda").name == "topics"
    assert registry.get("nope") is None
    assert list(registry.commands) == ["topics", "start", "export"], "aliases are not listed as commands"


def test_each_role_sees_its_own_commands_and_those_below():
    registry = _registry()
    assert [s.name for s in registry.visible_to(Role.PARTICIPANT)] == ["topics"]
    assert [s.name for s in registry.visible_to(Role.HOST)] == ["topics", "start"]
    assert [s.name for s in registry.visible_to(Role.ORGANISER)] == ["topics", "start", "export"]


def test_near_misses_are_only_commands_the_asker_may_use():
    registry = _registry()
    assert registry.suggest("topcis", Role.PARTICIPANT) == (Way("topics"),)
    assert registry.suggest("agnda", Role.PARTICIPANT) == (Way("topics"),), "an alias leads to its command"
    assert registry.suggest("exprot", Role.PARTICIPANT) == ()
    assert registry.suggest("exprot", Role.ORGANISER) == (Way("export"),)
    assert registry.suggest("zzzzzz", Role.ORGANISER) == ()


# What people reach for: `halt` may mean two things, so it points.
MEANINGS = (
    Meaning("halt", (Way("topics", "off", "stop the topics"), Way("start", "", "end it"))),
    Meaning("exit", (Way("export", "", "organisers only"),)),
)


def test_a_word_that_points_is_no_command_and_suggests_by_meaning_before_spelling():
    registry = Registry([_group()], MEANINGS)
    assert registry.get("halt") is None
    # A host may use both; a participant only what is theirs.
    assert registry.suggest("halt", Role.HOST) == MEANINGS[0].ways
    assert registry.suggest("halt", Role.PARTICIPANT) == (Way("topics", "off", "stop the topics"),)
    # Spelt nearly like a word that points: its meaning.
    assert registry.suggest("hallt", Role.HOST) == MEANINGS[0].ways
    # What means only a command the asker may not use is not suggested.
    assert registry.suggest("exit", Role.PARTICIPANT) == ()
    assert registry.suggest("exit", Role.ORGANISER) == (Way("export", "", "organisers only"),)
    assert registry.pointer("halt") is MEANINGS[0] and registry.pointer("agenda") is None


def test_a_meaning_must_name_known_commands_and_not_take_a_commands_name():
    with pytest.raises(ValueError, match="'nosuch'"):
        Registry([_group()], (Meaning("x", (Way("nosuch"),)),))
    with pytest.raises(ValueError, match="'agenda' declared twice"):
        Registry([_group()], (Meaning("agenda", (Way("start"),)),))


def test_a_way_is_typed_with_its_arguments():
    assert Way("remind", "off").typed("!") == "!remind off"
    assert Way("link").typed("!") == "!link"


def test_reactions_are_found_by_kind_and_key():
    registry = _registry()
    assert registry.reaction("topic", "👍🏽") is registry.reaction("topic", "👍") is not None
    assert registry.reaction("topic", "🎉") is None
    assert registry.reaction("session", "👍") is None


# --- commands turned on and off by a config switch -----------------------------------------

# A switch of the tests' own: the agenda's `enabled` key, as a feature's `enabled` would be.
AGENDA = Switch(
    "agenda.enabled", off=lambda p, lang: Text("The agenda is turned off. Try ").code(f"{p}topics").add(".")
)


def _switched(enabled: bool | None) -> Registry:
    group = CommandGroup("g")

    async def handler(ctx): ...

    group.command("topics", help="everyone")(handler)
    group.command("pin", help="pins the agenda", aliases=("pinned",), switch=AGENDA)(handler)
    group.command("unpin", role=Role.HOST, help="unpins it", switch=AGENDA)(handler)
    meanings = (Meaning("stick", (Way("pin", "", "to pin it"), Way("topics", "", "to list them"))),)
    config = None if enabled is None else parse_config(merge(BASE_CONFIG, {"agenda": {"enabled": enabled}}))
    return Registry([group], meanings, config)


def test_a_command_whose_switch_is_off_is_neither_found_listed_nor_suggested():
    registry = _switched(False)
    assert registry.get("pin") is None and registry.get("PINNED") is None
    assert [s.name for s in registry.visible_to(Role.ORGANISER)] == ["topics"]
    assert registry.suggest("pni", Role.ORGANISER) == ()
    assert registry.suggest("unpn", Role.ORGANISER) == ()
    assert registry.suggest("stick", Role.ORGANISER) == (Way("topics", "", "to list them"),)
    # What someone typed is known to be a command that is off (its aliases too): not unknown.
    assert registry.switched_off("Pinned").name == registry.switched_off("pin").name == "pin"
    assert registry.switched_off("topics") is None and registry.switched_off("nosuch") is None
    assert registry.switched_off("pin").switch.off("!", english()).plain == "The agenda is turned off. Try !topics."


def test_a_command_whose_switch_is_on_or_unread_is_there_like_any_other():
    for registry in (_switched(True), _switched(None)):
        assert registry.get("pinned").name == "pin"
        assert [s.name for s in registry.visible_to(Role.HOST)] == ["topics", "pin", "unpin"]
        assert registry.suggest("unpn", Role.HOST) == (Way("unpin"),)
        assert registry.suggest("stick", Role.HOST) == (Way("pin", "", "to pin it"), Way("topics", "", "to list them"))
        assert registry.switched_off("pin") is None


def test_a_switch_must_name_a_true_or_false_config_key():
    for key in ("agenda.enabld", "agenda", "agenda.topics", "nosuch.enabled"):
        with pytest.raises(ValueError, match=key.replace(".", "[.]")):
            Switch(key, off=lambda p, lang: Text())
