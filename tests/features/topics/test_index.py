"""The index of near duplicates (bot/features/topics/index.py, topic_keys / probe_keys):
it only picks which topics the rule is asked about, so !suggest must find exactly what
comparing with every topic finds. Checked over a few thousand generated pairs, made to be
near duplicates often (typos, split and joined words, word forms, stop words, order,
accents), and over the labelled pairs."""

from __future__ import annotations

import random

import pytest

from bot.features.topics.index import KEYS_VERSION, find_duplicate, probe_keys, topic_keys
from bot.features.topics.matching import is_near_duplicate, normalise, topic_words
from bot.features.topics.model import DuplicateTopic
from bot.features.topics.seed import import_seed, read_seed
from bot.features.topics.suggest import suggest, withdraw
from bot.storage.store import Store
from tests.conftest import ALICE, BOB, SEED_FILE, START
from tests.features.topics.helpers import PAIRS, SHIPPED, VERB_PAIRS, labelled_pairs

# Words of the kind topics are made of, and made-up ones.
_WORDS = (
    "pricing retainer contracts onboarding members remote work time zones conflict resolution worker "
    "budget budgets forecast decision making facilitation fundraising communication tools finance "
    "project management governance bylaws sociocracy assembly hiring firing designers developers "
    "clients billing hourly equity shares ownership international cooperative ecosystem open source "
    "community customers internal relationships newsletter email strategy leads consultation kenya ghana "
    "uk us eu 2024 2025 four 4 day week café résumé co op on line web site data rights privacy"
).split()
_STOP = ("the", "of", "how", "do", "we", "our", "a", "in", "for", "and", "what", "to")


def _text(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) if rng.random() < 0.8 else _made_up(rng) for _ in range(rng.randint(1, 6))]
    for _ in range(rng.randint(0, 3)):
        words.insert(rng.randrange(len(words) + 1), rng.choice(_STOP))
    return " ".join(words)


def _made_up(rng: random.Random) -> str:
    return "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(3, 10)))


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word))
    letter = rng.choice("abcdefghijklmnopqrstuvwxyz")
    kind = rng.randrange(4)
    if kind == 0:
        return word[:i] + word[i + 1 :]
    if kind == 1:
        return word[:i] + letter + word[i:]
    if kind == 2:
        return word[:i] + letter + word[i + 1 :]
    if i + 1 < len(word):
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word


def _variant(rng: random.Random, text: str) -> str:
    """`text` changed a few ways a person might write the same topic, or not quite."""
    words = text.split()
    for _ in range(rng.randint(1, 3)):
        if not words:
            break
        i = rng.randrange(len(words))
        change = rng.randrange(9)
        if change == 0:
            words[i] = _typo(rng, words[i])
        elif change == 1 and i + 1 < len(words):
            words[i : i + 2] = [words[i] + words[i + 1]]  # joined
        elif change == 2 and len(words[i]) > 3:
            cut = rng.randrange(1, len(words[i]))
            words[i : i + 1] = [words[i][:cut], words[i][cut:]]  # split
        elif change == 3:
            words[i] = words[i] + rng.choice(("s", "ing", "es"))
        elif change == 4:
            words.insert(i, rng.choice(_STOP))
        elif change == 5:
            rng.shuffle(words)
        elif change == 6:
            words[i] = words[i].upper() if rng.random() < 0.5 else words[i].replace("e", "é")
        elif change == 7:
            words[i] = rng.choice(_WORDS)  # another word: usually another topic
        else:
            words[i] = words[i] + "-" + rng.choice(_WORDS)
    return " ".join(words)


def generated_pairs(count: int, seed: int = 19) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    pairs = []
    for _ in range(count):
        a = _text(rng)
        pairs.append((a, _variant(rng, a) if rng.random() < 0.8 else _text(rng)))
    return pairs


def every_pair() -> list[tuple[str, str]]:
    labelled = [(a, b) for path in (PAIRS, VERB_PAIRS) for a, b, _ in labelled_pairs(path)]
    pairs = generated_pairs(4000) + labelled
    return [(normalise(x), normalise(y)) for a, b in pairs for x, y in ((a, b), (b, a))]


def test_the_index_picks_every_topic_the_rule_calls_the_same():
    pairs = every_pair()
    same = [(a, b) for a, b in pairs if a and b and is_near_duplicate(a, b)]
    missed = [(a, b) for a, b in same if not probe_keys(a) & topic_keys(b)]
    assert not missed, f"{len(missed)} of {len(same)} duplicates not picked by the index: {missed[:10]}"
    # The generated pairs hold plenty of both kinds, including the harder ones.
    assert len(same) > 1500 and len(pairs) - len(same) > 1500
    assert sum(topic_words(a).content != topic_words(b).content for a, b in same) > 500


def test_the_index_rules_most_topics_out():
    """The point of it: a new text shares a key with few of the other topics."""
    norms = [normalise(a) for a, _ in generated_pairs(2000, seed=5)]
    stored = [topic_keys(m) for m in norms]
    picked = [sum(not probe_keys(n).isdisjoint(keys) for keys in stored) for n in norms[:100]]
    assert sorted(picked)[50] < len(norms) // 20


async def scan(store: Store, text: str) -> int | None:
    """The plain rule: compare with every topic not withdrawn, by number; the one with
    the same words wins, else the first."""
    norm = normalise(text)
    found = None
    for row in await store.fetchall("SELECT id, norm FROM topics WHERE status != 'withdrawn' ORDER BY id"):
        if is_near_duplicate(norm, row["norm"]):
            if normalise(row["norm"]).replace(" ", "") == norm.replace(" ", ""):
                return int(row["id"])
            found = found or int(row["id"])
    return found


async def test_find_duplicate_finds_what_comparing_with_every_topic_finds(store):
    rng = random.Random(7)
    await import_seed(store, read_seed(SHIPPED) or [])
    pairs = generated_pairs(300, seed=11)
    for i, (text, _) in enumerate(pairs[:200]):
        try:
            topic = await suggest(store, START, f"@p{i}:x", None, text, max_length=300, per_hour=0)
        except DuplicateTopic:
            continue
        if rng.random() < 0.1:
            await withdraw(store, START, topic.id, f"@p{i}:x", organiser=False)
    asked = [b for _, b in pairs] + [b for _, b, _ in labelled_pairs()] + [_variant(rng, a) for a, _ in pairs]
    found = 0
    for text in asked:
        if not normalise(text):
            continue
        expected = await scan(store, text)
        got = await find_duplicate(store, text)
        assert (got.id if got else None) == expected, text
        found += expected is not None
    assert found > 100, "many of the texts asked are duplicates"


async def test_topics_written_without_their_keys_are_keyed_before_the_check(store):
    """Topics from before the index (the migration leaves them unkeyed), or written by
    SQL from elsewhere, are still found."""
    await store.execute(
        "INSERT INTO topics (text, norm, suggested_by, suggested_at, status) VALUES (?, ?, ?, ?, 'open')",
        ("Remote work across time zones", normalise("Remote work across time zones"), ALICE, "2026-01-01"),
    )
    with pytest.raises(DuplicateTopic) as e:
        await suggest(store, START, BOB, None, "Remote work across timezones", max_length=300, per_hour=0)
    assert e.value.topic.text == "Remote work across time zones"
    assert await store.fetchval("SELECT COUNT(*) FROM topics WHERE keyed IS NULL") == 0


async def test_keys_are_worked_out_again_when_the_rule_changes(store):
    first = await suggest(store, START, ALICE, None, "Onboarding new members", max_length=300, per_hour=0)
    # As if the keys had been stored by an older rule: wrong keys, another version.
    await store.execute("UPDATE topic_keys SET key = 'old:' || key")
    await store.set_meta("topic_keys_version", "0")
    store.memo.pop("topic_keys_version", None)
    with pytest.raises(DuplicateTopic) as e:
        await suggest(store, START, BOB, None, "On-boarding new member", max_length=300, per_hour=0)
    assert e.value.topic.id == first.id
    assert await store.get_meta("topic_keys_version") == KEYS_VERSION


async def test_seed_topics_are_keyed_as_they_are_imported(store):
    texts = read_seed(SEED_FILE) or read_seed(SHIPPED) or []
    await import_seed(store, texts)
    assert await store.fetchval("SELECT COUNT(*) FROM topics WHERE keyed IS NULL") == 0
    with pytest.raises(DuplicateTopic):
        await suggest(store, START, BOB, None, texts[0] + "!", max_length=300, per_hour=0)
