"""bot/features/topics/seed.py: the seed file read, imported as history once, and its
problems reported."""

from __future__ import annotations

import logging

import pytest

from bot.app import open_services
from bot.core.clock import FakeClock
from bot.features.topics.matching import is_near_duplicate, normalise
from bot.features.topics.repository import history
from bot.features.topics.seed import SeedError, import_seed, import_seed_file, read_seed
from bot.storage.migrations import MIGRATIONS
from bot.storage.store import Store
from tests.conftest import SEED_FILE, SEED_TOPICS, START
from tests.features.topics.helpers import SHIPPED, count


def test_the_shipped_seed_topics_import_and_are_all_different_from_each_other():
    texts = read_seed(SHIPPED)
    assert texts and len(set(texts)) == len(texts)
    norms = [normalise(t) for t in texts]
    for i, a in enumerate(norms):
        for b in norms[i + 1 :]:
            assert not is_near_duplicate(a, b), (a, b)


async def test_seed_topics_imported_by_an_older_version_become_discussed(tmp_path):
    """Before, imported history had a status of its own, which exports and anything
    counting discussed topics left out; the upgrade makes it discussed, marked imported."""
    path = tmp_path / "old.sqlite3"
    old = await Store.open(path, [m for m in MIGRATIONS if m.version <= 4])
    await old.execute("INSERT INTO topics (text, norm, status, seed_key) VALUES ('Old', 'old', 'imported', 'old')")
    await old.execute("INSERT INTO topics (text, norm, status) VALUES ('Open', 'open', 'open')")
    await old.close()
    store = await Store.open(path)
    try:
        assert [(t.text, t.status, t.imported) for t in await history(store, 5)] == [("Old", "discussed", True)]
        assert await count(store, "topics WHERE status = 'imported'") == 0
        assert await import_seed(store, ["Old"]) == 0, "still known as imported"
    finally:
        await store.close()


async def test_seed_topics_become_history_once_and_new_lines_are_added(store, tmp_path):
    n = len(SEED_TOPICS)
    assert await import_seed_file(store, SEED_FILE) == n
    assert await count(store, "topics WHERE status = 'discussed' AND seed_key IS NOT NULL AND session IS NULL") == n
    assert await import_seed_file(store, SEED_FILE) == 0
    assert await count(store, "topics") == n

    edited = tmp_path / "topics.yaml"
    added = '  - text: "How do we pay ourselves?"\n'
    edited.write_text(SEED_FILE.read_text(encoding="utf-8") + added, encoding="utf-8")
    assert await import_seed_file(store, edited) == 1
    assert await count(store, "topics WHERE status = 'discussed' AND seed_key IS NOT NULL") == n + 1
    texts = [t.text for t in await history(store, 50)]
    assert texts == ["How do we pay ourselves?", *reversed(SEED_TOPICS)]


async def test_services_import_the_seed_at_start_idempotently(make_config, tmp_path):
    config = make_config()
    for _ in range(2):
        services = await open_services(config, clock=FakeClock(START))
        assert await count(services.store, "topics WHERE status = 'discussed'") == len(SEED_TOPICS)
        await services.store.close()


async def test_missing_seed_file_is_logged_not_fatal(make_config, tmp_path, caplog):
    config = make_config(topics={"seed_file": str(tmp_path / "nowhere.yaml")})
    with caplog.at_level(logging.WARNING, logger="bot.features.topics.seed"):
        services = await open_services(config, clock=FakeClock(START))
    try:
        assert await count(services.store, "topics") == 0
        assert "nowhere.yaml" in caplog.text
    finally:
        await services.store.close()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("topics: [\n  - text: 'unclosed", "not valid YAML"),
        ("- text: a list without the topics key\n", "top-level 'topics:'"),
        ("topics:\n  - text: fine\n  - note: no text\n", "topics[1]"),
        ("topics:\n  - text: '   '\n", "topics[0]"),
    ],
)
async def test_malformed_seed_file_is_a_clear_error_naming_the_file(make_config, tmp_path, content, problem):
    seed = tmp_path / "broken-topics.yaml"
    seed.write_text(content, encoding="utf-8")
    with pytest.raises(SeedError) as e:
        await open_services(make_config(topics={"seed_file": str(seed)}), clock=FakeClock(START))
    assert str(seed) in str(e.value) and problem in str(e.value)
