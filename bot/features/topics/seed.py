"""The seed file: topics discussed before the bot kept records (`topics: [{text: "..."}]`),
imported at start as discussed history, marked imported; importing again adds only the
entries not seen before.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import yaml

from bot.features.topics.index import write_keys
from bot.features.topics.matching import compact, normalise, tidy
from bot.storage.store import StorageError, Store

log = logging.getLogger(__name__)


class SeedError(StorageError):
    """The seed file exists but cannot be read as a list of topics. A StorageError, so the
    CLI reports it like any other problem with the bot's data at start-up."""


def read_seed(path: Path) -> list[str] | None:
    """The topic texts of a seed file (`topics: [{text: "..."}, ...]`), in order; None if
    there is no such file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        raise SeedError(f"{path}: not valid YAML: {e}") from None
    entries = data.get("topics") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise SeedError(f"{path}: expected a top-level 'topics:' list of entries like '- text: \"...\"'")
    texts = []
    for i, entry in enumerate(entries):
        text = entry.get("text") if isinstance(entry, dict) else None
        if not isinstance(text, str) or not normalise(text):
            raise SeedError(f"{path}: topics[{i}]: expected an entry with a non-empty 'text', got {entry!r}")
        texts.append(tidy(text))
    return texts


async def import_seed(store: Store, texts: list[str]) -> int:
    """Add seed topics as discussed history, marked imported (by their seed_key); returns
    how many were new. An entry is known by its normalised words, so importing again adds
    only entries not seen before."""

    def add(conn: sqlite3.Connection) -> int:
        added = 0
        for text in texts:
            norm = normalise(text)
            cursor = conn.execute(
                "INSERT OR IGNORE INTO topics (text, norm, status, seed_key) VALUES (?, ?, 'discussed', ?)",
                (text, norm, compact(norm)),
            )
            if cursor.rowcount and cursor.lastrowid is not None:
                write_keys(conn, [(cursor.lastrowid, norm)])
            added += cursor.rowcount
        return added

    return await store.run(add, write=True)


async def import_seed_file(store: Store, path: Path) -> int:
    """Import the seed file at start. A missing file is logged and skipped; a malformed one
    raises SeedError naming the file."""
    texts = read_seed(path)
    if texts is None:
        log.warning("seed topics file %s not found; no topics imported", path)
        return 0
    added = await import_seed(store, texts)
    if added:
        log.info("imported %d seed topics from %s", added, path)
    return added
