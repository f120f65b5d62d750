"""The reader of settings (bot/core/settings.py) on a small schema of its own; the bot's
config is tested in tests/core/test_config.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.core import settings
from bot.core.settings import key


def _small(n: int) -> int:
    if n > 3:
        raise ValueError(f"{n} is more than 3")
    return n


def _word(text: str) -> str:
    if not text.isalpha():
        raise ValueError(f"{text!r} is not a word")
    return text.lower()


@dataclass(frozen=True)
class Shop:
    name: str = key(example="Corner shop")
    """What it is called."""
    open: bool = key(True)
    tills: int = key(1, _small)
    """Tills, at most 3."""
    goods: tuple[str, ...] = key(("bread", "milk"), _word, nonempty="nothing to sell", each_once="good")
    ledger: Path = key(Path("ledger.csv"), path=True)
    notes: str = key("", path=True)


@dataclass(frozen=True)
class Root:
    """A shop.
    Two lines of header."""

    shop: Shop = field(default_factory=lambda: Shop("x"))
    path: Path | None = None


def problems_of(data: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    settings.read(Root, data, problems)
    return problems


def test_sections_and_keys_come_from_the_dataclasses():
    assert settings.sections(Root) == {"shop": Shop}
    assert list(settings.keys(Shop)) == ["name", "open", "tills", "goods", "ledger", "notes"]
    assert settings.helps(Shop) == {"name": "What it is called.", "tills": "Tills, at most 3."}


def test_values_are_converted_and_the_rest_keep_their_defaults(tmp_path: Path):
    problems: list[str] = []
    given = settings.read(Root, {"shop": {"name": "A", "goods": ["Tea", "Cake"], "notes": "n.txt"}}, problems)
    assert problems == []
    shop = settings.build(Shop, given["shop"], tmp_path)
    assert shop == Shop("A", True, 1, ("tea", "cake"), tmp_path / "ledger.csv", str(tmp_path / "n.txt"))


def test_every_problem_names_its_key():
    assert problems_of({"shop": {}}) == ["shop.name: required but missing"]
    assert problems_of({"shop": {"name": "A", "open": 1, "tills": True, "colour": "red"}, "till": {}}) == [
        "till: unknown section (known: shop)",
        "shop.colour: unknown key",
        "shop.open: expected true or false, got 1",
        "shop.tills: expected an integer, got True",
    ]
    assert problems_of({"shop": {"name": "A", "tills": 4, "goods": ["tea", 2, "t3a"]}}) == [
        "shop.tills: 4 is more than 3",
        "shop.goods[1]: expected a string, got 2",
        "shop.goods[2]: 't3a' is not a word",
    ]
    assert problems_of({"shop": "closed"}) == [
        "shop: expected a table, got 'closed'",
        "shop.name: required but missing",
    ]


def test_list_rules_an_empty_list_and_an_item_twice():
    assert problems_of({"shop": {"name": "A", "goods": []}}) == ["shop.goods: nothing to sell"]
    assert problems_of({"shop": {"name": "A", "goods": ["tea", "milk", "Tea"]}}) == [
        "shop.goods[2]: 'Tea' is the same good as shop.goods[0] ('tea')"
    ]
    assert problems_of({"shop": {"name": "A", "ledger": " "}}) == ["shop.ledger: must not be empty"]


def test_the_example_shows_each_key_its_help_and_its_default():
    assert settings.example(Root) == (
        "# A shop.\n"
        "# Two lines of header.\n"
        "\n"
        "[shop]\n"
        "# What it is called.\n"
        'name = "Corner shop"\n'
        "open = true\n"
        "# Tills, at most 3.\n"
        "tills = 1\n"
        'goods = ["bread", "milk"]\n'
        'ledger = "ledger.csv"\n'
        'notes = ""\n'
    )


@pytest.mark.parametrize("kind", [int, bool, str])
def test_toml_kinds(kind: type):
    assert settings.toml_kind(kind) is kind
    assert settings.toml_kind(tuple[int, ...]) is list
    assert settings.toml_kind(Path) is str
