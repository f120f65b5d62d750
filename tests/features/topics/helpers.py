"""What the topics' tests share: suggesting a topic in one line, counting rows, the
shipped seed file and the labelled pairs of topics (shared ones, and ones for the verbs)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from bot.features.topics.model import Topic
from bot.features.topics.suggest import suggest
from bot.storage.store import Store
from tests.conftest import ALICE, ROOT, START

SHIPPED = ROOT / "topics.yaml"


async def add(store: Store, text: str, who: str = ALICE, at: dt.datetime = START, per_hour: int = 0) -> Topic:
    return await suggest(store, at, who, None, text, max_length=300, per_hour=per_hour)


async def count(store: Store, sql: str) -> int:
    return await store.fetchval(f"SELECT COUNT(*) FROM {sql}")


# Pairs labelled by a person: 1 = the same topic, 0 = a different one. A copy of the
# project's shared labelled data, kept in the repository so that a clone tests on its own;
# the copy is checked against the shared file where that is beside the checkout.
PAIRS = ROOT / "tests" / "data" / "topic-pairs.tsv"
SHARED_PAIRS = ROOT.parent / "shared" / "topic-pairs.tsv"
# Pairs written for the groups of verbs (bot/features/topics/actions.toml), in the same format.
VERB_PAIRS = ROOT / "tests" / "data" / "topic-pairs-verbs.tsv"


def labelled_pairs(path: Path = PAIRS) -> list[tuple[str, str, bool]]:
    with path.open(encoding="utf-8", newline="") as f:
        lines = [line for line in f if line.strip() and not line.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert rows, f"{path} holds no pairs"
    return [(r["existing"], r["suggested"], r["same"].strip() == "1") for r in rows]
