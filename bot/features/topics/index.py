"""The index of near duplicates, and the search for one (`find_duplicate`).

is_near_duplicate() alone decides; the index only picks which topics it is asked about,
and picks every topic for which it could say yes. By its first line and by same_topic,
two topics can only be the same when
  - their letters are the same once spaces go                       (key "x:" on both sides),
  - or their content words start with the same letters, which equal
    content words and typos (never in the first letter) keep        ("i:" on both sides),
  - or a content word of one is two neighbouring words of the
    other written as one (the only way same_topic gets past
    differing first letters)                                         ("c:" content words of the
    stored topic met by the joins of the new text, "j:" its joins met by the new text's
    content words).
So a topic is stored under its "x:", "i:", "c:" and "j:" keys (topic_keys), a new text
looks up the keys its own words could meet (probe_keys), and only those topics are
compared in full. tests/features/topics/test_index.py checks that this finds the same
duplicates as comparing with every topic.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from bot.features.topics.matching import compact, is_near_duplicate, normalise, topic_words
from bot.features.topics.model import Topic
from bot.features.topics.repository import get_topic
from bot.storage.meta import fetch_meta, put_meta
from bot.storage.store import Store

# Bump when a change to the words (normalise, topic_words and what they use) changes the
# keys of stored topics: they are then worked out again, once, before the next check.
KEYS_VERSION = "2"  # 2: verbs of a group are one word (actions.toml)


def topic_keys(norm: str) -> frozenset[str]:
    """What a stored topic is found by."""
    return _keys(norm, content="c:", joins="j:")


def probe_keys(norm: str) -> frozenset[str]:
    """The keys under which a topic the same as `norm` may be stored: its joins meet the
    content words stored ("c:"), its content words the joins stored ("j:")."""
    return _keys(norm, content="j:", joins="c:")


def _keys(norm: str, *, content: str, joins: str) -> frozenset[str]:
    words = topic_words(norm)
    return frozenset(
        [f"x:{compact(norm)}", f"i:{words.initials}"]
        + [content + w for w in words.content]
        + [joins + w for w in words.joins]
    )


async def keep_keys_current(store: Store) -> None:
    """Key every topic written without its keys (by the migration's upgrade, a crash
    between the insert and its keys, or SQL from elsewhere), after keying all of them
    again if the rule's keys changed since they were stored."""
    await keys_version_current(store)
    await store.run(key_the_unkeyed)


async def keys_version_current(store: Store) -> None:
    """Key every topic again, once, if the rule's keys changed since they were stored."""
    if store.memo.get("topic_keys_version") != KEYS_VERSION:
        await store.run(_key_again_if_the_rule_changed, write=True)
        store.memo["topic_keys_version"] = KEYS_VERSION


def _key_again_if_the_rule_changed(conn: sqlite3.Connection) -> None:
    if fetch_meta(conn, "topic_keys_version") != KEYS_VERSION:
        conn.execute("DELETE FROM topic_keys")
        conn.execute("UPDATE topics SET keyed = NULL WHERE keyed IS NOT NULL")
        put_meta(conn, "topic_keys_version", KEYS_VERSION)


def key_the_unkeyed(conn: sqlite3.Connection) -> None:
    # INDEXED BY: the planner, with statistics from before the index, would read every topic.
    rows = conn.execute("SELECT id, norm FROM topics INDEXED BY topics_unkeyed WHERE keyed IS NULL").fetchall()
    if not rows:
        return
    if conn.in_transaction:
        write_keys(conn, [(r["id"], r["norm"]) for r in rows])
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        write_keys(conn, [(r["id"], r["norm"]) for r in rows])
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


_INSERT_KEY = "INSERT OR IGNORE INTO topic_keys (key, topic_id) VALUES (?, ?)"
_MARK_KEYED = "UPDATE topics SET keyed = 1 WHERE id = ?"


def _key_rows(topics: Sequence[tuple[int, str]]) -> list[tuple[str, int]]:
    return [(key, topic_id) for topic_id, norm in topics for key in topic_keys(norm)]


def write_keys(conn: sqlite3.Connection, topics: Sequence[tuple[int, str]], *, mark: bool = True) -> None:
    """Write the keys of `topics` (id, norm) and mark them keyed (unless inserted so: `mark` False)."""
    conn.executemany(_INSERT_KEY, _key_rows(topics))
    if mark:
        conn.executemany(_MARK_KEYED, [(topic_id,) for topic_id, _ in topics])


async def find_duplicate(store: Store, text: str) -> Topic | None:
    """An open or discussed (imported too) topic that says the same as `text` (is_near_duplicate):
    the one with the same words if there is one, else the first suggested. Only the topics
    the index picks (probe_keys) are compared: all that can be the same."""
    norm = normalise(text)
    await keys_version_current(store)
    found = await store.run(lambda conn: duplicate_in(conn, norm))
    return await get_topic(store, found) if found is not None else None


def duplicate_in(conn: sqlite3.Connection, norm: str) -> int | None:
    """find_duplicate's search, on the connection (in aiosqlite's thread): the id found."""
    # Topics written without their keys are keyed first, in the same trip.
    key_the_unkeyed(conn)
    keys = sorted(probe_keys(norm))
    rows = conn.execute(
        "SELECT id, norm FROM topics WHERE status != 'withdrawn' AND id IN "
        f"(SELECT topic_id FROM topic_keys WHERE key IN ({', '.join('?' * len(keys))})) ORDER BY id",
        keys,
    ).fetchall()
    found = None
    for row in rows:
        if not is_near_duplicate(norm, row["norm"]):
            continue
        if compact(row["norm"]) == compact(norm):
            return int(row["id"])
        if found is None:
            found = int(row["id"])
    return found
