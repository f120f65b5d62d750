"""Verbs that name the same action (the groups of actions.toml, each with its reason): a
topic's words with every verb of a group read as the group's name, so that "handle",
"deal with" and "cope with" are one word to the near-duplicate rule (matching.py).

A verb is found in any of its forms: its stem (the rule's, handed in) and, for a past
tense, the word without "-ed". A verb of several words ("deal with", "let go") is found
as those words in a row; one written as one word or as two ("lay off" / "layoff",
"on-boarding" / "onboarding") is found either way.
"""

from __future__ import annotations

import importlib.resources
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

Stem = Callable[[str], str]

_DOUBLED = frozenset("bdgklmnprt")  # expelling -> expel, planned -> plan


@dataclass(frozen=True, slots=True)
class Actions:
    """The groups, ready to look words up in: the stems of each verb's words -> its group's name."""

    verbs: Mapping[tuple[str, ...], str]
    firsts: frozenset[str]  # the stems verbs start with
    starts: frozenset[str]  # the stems of words that may start a verb: firsts, doubled too
    splits: frozenset[tuple[str, str]]  # a one-word verb's two parts: ("on", "boa") of "onboard"
    stem: Stem
    longest: int  # words in the longest verb

    def name(self, words: Sequence[str]) -> list[str]:
        """`words` with each verb of a group replaced by the group's name (one word for a
        verb of several words); other words as they are."""
        stems = [self.stem(w) for w in words]
        # Most topics hold no verb of a group: set operations say so.
        if (
            self.starts.isdisjoint(stems)
            and self.splits.isdisjoint(zip(words, [w[:3] for w in words[1:]], strict=False))
            and not any(w.endswith("ed") for w in words)
        ):
            return list(words)
        out, i = [], 0
        while i < len(words):
            found = self._at(words, stems, i)
            if found is None:
                out.append(words[i])
                i += 1
            else:
                group, taken = found
                out.append(group)
                i += taken
        return out

    def _at(self, words: Sequence[str], stems: Sequence[str], i: int) -> tuple[str, int] | None:
        """The group of the verb that starts at words[i], and how many words it takes."""
        # Most words start no verb and no verb written as two words: two set lookups.
        forms = [form for form in self._forms(words[i], stems[i]) if form in self.firsts]
        split = i + 1 < len(words) and (words[i], words[i + 1][:3]) in self.splits
        if not forms and not split:
            return None
        for size in range(min(self.longest, len(words) - i), 0, -1):
            for first in forms:
                group = self.verbs.get((first, *stems[i + 1 : i + size]))
                if group is not None:
                    return group, size
            if size == 2 and split:
                # A verb of one word written as two ("on boarding", "lay off").
                group = self.verbs.get((self.stem(words[i] + words[i + 1]),))
                if group is not None:
                    return group, 2
        return None

    def _forms(self, word: str, stem: str) -> list[str]:
        """The stems `word` may be a form of: its own, without a past tense's "-ed", and
        each without a doubled last letter (expelling, planned)."""
        forms = [stem]
        if len(word) > 4 and word.endswith("ed") and word.isalpha():
            forms += [self.stem(word[:-1]), self.stem(word[:-2])]  # handled -> handle, funded -> fund
            if word.endswith("ied"):
                forms.append(self.stem(word[:-3] + "y"))  # applied -> apply
        return forms + [f[:-1] for f in forms if len(f) > 3 and f[-1] == f[-2] and f[-1] in _DOUBLED]


@dataclass(frozen=True, slots=True)
class Group:
    name: str
    why: str
    words: tuple[str, ...]


def read_groups(text: str) -> list[Group]:
    """The groups of an actions file (TOML: a table per group, with `why` and `words`)."""
    groups = []
    for name, table in tomllib.loads(text).items():
        words = tuple(table["words"])
        if not isinstance(table.get("why"), str) or not table["why"].strip():
            raise ValueError(f"actions: group {name!r} gives no reason (why)")
        if name not in words:
            raise ValueError(f"actions: group {name!r} is not one of its own words")
        groups.append(Group(name, table["why"], words))
    return groups


def actions_of(groups: Sequence[Group], stem: Stem) -> Actions:
    """The groups made ready to look up, each verb by the stems of its words; a verb in two
    groups is refused (it would make two topics the same by either)."""
    verbs: dict[tuple[str, ...], str] = {}
    for group in groups:
        for verb in group.words:
            key = tuple([stem(w) for w in verb.split()])
            if verbs.get(key, group.name) != group.name:
                raise ValueError(f"actions: {verb!r} is in both {verbs[key]!r} and {group.name!r}")
            verbs[key] = group.name
    firsts = frozenset([key[0] for key in verbs])
    starts = firsts | {first + first[-1] for first in firsts if first[-1] in _DOUBLED}
    one_word = [verb for group in groups for verb in group.words if " " not in verb]
    # Each part of at least two letters ("on boarding", "lay off", "fund raising"), by the
    # first three letters of the second, which its endings leave as they are.
    splits = frozenset([(verb[:cut], verb[cut : cut + 3]) for verb in one_word for cut in range(2, len(verb) - 1)])
    return Actions(verbs, firsts, starts, splits, stem, max((len(key) for key in verbs), default=1))


def shipped_groups() -> list[Group]:
    """The groups shipped beside this module (actions.toml)."""
    return read_groups((importlib.resources.files(__package__) / "actions.toml").read_text(encoding="utf-8"))
