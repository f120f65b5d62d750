"""The near-duplicate rule: when two topic texts are the same topic. `normalise` gives a
text's words; `is_near_duplicate` compares two normalised texts (what !suggest asks of the
topics the index, index.py, picks). Pure text: nothing here reads the database.

Two topics are the same when they say the same things: the same content words, in any
order, give or take how each word is spelt. Words that only hold a sentence together
(English function words) don't count; each content word counts by its stem, so plurals
and -ing forms are one word; a word split by a hyphen or a space ("co-op", "time zones")
is the same as the word written together; a small typo in a longer word is forgiven;
verbs people use for the same action ("handle" / "deal with", "run" / "organise", "pay" /
"compensate": the groups of actions.toml, read by actions.py) are one word.
Any other difference in the content words makes two topics different: a number
(2025 / 2026), a place (Japan / Spain), a name, or another word (hiring seniors /
hiring juniors, pricing retainer / fixed-price contracts), opposite verbs (hire / fire)
among them. Nothing here knows the topics it will meet: the word lists below and the
groups of verbs are general English.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.text import clean
from bot.features.topics.actions import Actions, actions_of, shipped_groups


def tidy(text: str) -> str:
    """What is stored for a suggestion: control characters gone, whitespace folded."""
    return clean(text)


# --- normalising ----------------------------------------------------------------------

_NOT_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """The words of a text, lower-case, separated by single spaces: punctuation, case and
    spacing don't matter (`Decision-making!` -> `decision making`)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_NOT_WORD.sub(" ", folded).split())


def compact(norm: str) -> str:
    # "decision making" and "decisionmaking" are the same words, spaced differently.
    return norm.replace(" ", "")


# --- near duplicates (the rule in the module's docstring) ------------------------------

# General English function words: articles, pronouns, auxiliaries, prepositions,
# conjunctions, question words, and the pieces apostrophes leave ("don't" -> "don t").
# "us" is not among them: written "US" it is a place. Negations are not either. "Make"
# is here with "do": light verbs, whose meaning is the noun after them ("do budgets",
# "make budgets"); where it is the meaning ("make decisions"), a group of actions.toml
# has read it first.
_STOP_WORDS = frozenset(
    """
    a an the this that these those some any each every such other another
    i me my mine myself we our ours ourselves you your yours yourself yourselves
    he him his himself she her hers herself it its itself they them their theirs themselves
    one ones someone something anyone anything everyone everything
    am is are was were be been being do does did doing have has had having
    make makes made making
    can could shall should will would may might must ought let lets
    of to in on at by for from with without into onto about above below over under
    between among through during before after up down out off around across via per
    and or but nor so yet if then than as because while whether though although
    how what when where why which who whom whose
    also just very really too quite etc eg ie
    there here s t d ll m re ve
    """.split()
)

# Words written more than one way that mean the same (abbreviations, number words).
_SAME_WORD = {
    "vs": "versus",
    "v": "versus",
    "thru": "through",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
}

_VOWELS = frozenset("aeiouy")


def _stem_of(word: str) -> str:
    """A word without its plural or -ing ending, and without a final e (so that "make",
    "makes" and "making" meet at "mak"). Numbers and words with digits stay as they are."""
    if not word.isalpha():
        return word
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 2 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if len(word) > 5 and word.endswith("ing") and not _VOWELS.isdisjoint(word[:-3]):
        word = word[:-3]
        if word[-1] == word[-2] and word[-1] in "bgmnpt":  # running -> run
            word = word[:-1]
    if len(word) > 2 and word.endswith("e") and not word.endswith("ee"):
        word = word[:-1]
    return word


# Topics share most of their words: each word is stemmed once.
_stem = functools.lru_cache(maxsize=1 << 16)(_stem_of)


@dataclass(frozen=True, slots=True)
class TopicWords:
    """A topic's words, ready to compare: all of them in order (for words split in two),
    the stems of the content words (a verb of a group by its group's name), their first
    letters, and the stems of each two neighbours written as one."""

    words: tuple[str, ...]
    content: frozenset[str]
    initials: str  # each once, in order
    joins: tuple[str, ...]


@functools.cache
def actions() -> Actions:
    """The groups of verbs (actions.toml) as the rule reads them, by its stems."""
    # Read once, when the first topic is compared.
    return actions_of(shipped_groups(), _stem)


def _content(words: Sequence[str]) -> frozenset[str]:
    # Verbs first, on all the words: some end in a function word ("deal with", "let go").
    named = actions().name(words)
    content = frozenset([_stem(w) for w in named if w not in _STOP_WORDS])
    # A topic of function words only ("How do we do it?") is compared by all its words.
    return content or frozenset([_stem(w) for w in named])


@functools.lru_cache(maxsize=1 << 15)
def topic_words(norm: str) -> TopicWords:
    """The words of a normalised text; cached, as topics are compared again and again and
    don't change their words."""
    if not norm.isascii():  # café -> cafe
        norm = "".join(c for c in unicodedata.normalize("NFKD", norm) if not unicodedata.combining(c))
    words = tuple([_SAME_WORD.get(w, w) for w in norm.split()])
    content = _content(words)
    joins = tuple([_stem_of(a + b) for a, b in itertools.pairwise(words)])
    return TopicWords(words, content, "".join(sorted({w[0] for w in content})), joins)


def _joined(words: tuple[str, ...], other: frozenset[str]) -> frozenset[str]:
    """The content of `words` with each two neighbours the other text writes as one word
    ("co op", "time zones", "on boarding") joined."""
    out, i = [], 0
    while i < len(words):
        if i + 1 < len(words) and _stem_of(words[i] + words[i + 1]) in other:
            out.append(words[i] + words[i + 1])
            i += 2
        else:
            out.append(words[i])
            i += 1
    return _content(out)


def _is_typo(a: str, b: str) -> bool:
    """One slip of the keyboard between two different words: a letter left out, added,
    changed or two swapped. Only in words of five letters or more (UK / US, Iran / Iraq
    are different places) except for a doubled letter (bil / bill), never in the first
    letter (hiring / firing), never in a word with digits."""
    if a[:1] != b[:1] or any(c.isdigit() for c in a + b):
        return False
    if len(a) > len(b):
        a, b = b, a
    if len(b) - len(a) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]:
            return len(a) >= 5  # two letters swapped
        return len(diff) == 1 and len(a) >= 5
    # b is a with one letter more: where they first differ, b has the extra letter.
    i = next((i for i in range(len(a)) if a[i] != b[i]), len(a))
    if a[i:] != b[i + 1 :]:
        return False
    doubled = b[i] == b[i - 1] or (i + 1 < len(b) and b[i] == b[i + 1])
    return len(a) >= 5 or doubled


def same_topic(a: TopicWords, b: TopicWords) -> bool:
    """Whether two topics say the same things (the module's rule). Written to rule most pairs out
    in a few set operations: !suggest asks it of every topic the index picks."""
    a_content, b_content = a.content, b.content
    if a_content == b_content:
        return True
    if b_content.isdisjoint(a.joins) and a_content.isdisjoint(b.joins):
        # No word split in two: each content word on one side only needs a typo of it,
        # which starts with the same letter, on the other side.
        if a.initials != b.initials or a_content <= b_content or b_content <= a_content:
            return False
    else:
        a_content, b_content = _joined(a.words, b_content), _joined(b.words, a_content)
    only_a, only_b = a_content - b_content, b_content - a_content
    if not only_a or not only_b:
        # Content words on one side only, with nothing on the other to be a variant of:
        # a different topic (unless neither side has any).
        return not only_a and not only_b
    return _typos_of(only_a, only_b) and _typos_of(only_b, only_a)


def _typos_of(words: frozenset[str], others: frozenset[str]) -> bool:
    """Whether each of `words` is a typo of one of `others`."""
    for x in words:
        for y in others:
            if y[0] == x[0] and abs(len(y) - len(x)) <= 1 and _is_typo(x, y):
                break
        else:
            return False
    return True


def is_near_duplicate(a_norm: str, b_norm: str) -> bool:
    """Whether two normalised texts are the same topic (the rule !suggest applies)."""
    return compact(a_norm) == compact(b_norm) or same_topic(topic_words(a_norm), topic_words(b_norm))
