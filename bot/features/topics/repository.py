"""The topics' SQL for reading, and its row types: a row as a `Topic` (model.py), the
ranking of open topics, the agenda, the history and its search, the export's list.
What changes topics is in suggest.py, votes.py and discussed.py; the duplicate index in
index.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from bot.features.topics.model import Topic, TopicStatus, UnknownTopic
from bot.storage.store import Store

# Every query whose rows read_topic reads starts with these columns, in this order.
_COLUMNS = (
    "t.id, t.text, t.suggested_by, t.suggested_name, t.suggested_at, t.status, t.session, t.note, "
    "t.discussed_at, t.seed_key IS NOT NULL AS imported, t.vote_count AS votes, t.minutes"
)
_STATUSES = {status.value: status for status in TopicStatus}


def read_topic(row: aiosqlite.Row) -> Topic:
    # By position (a row's first columns are _COLUMNS): !topics reads fifteen at a time.
    topic_id, text, by, name, at, status, session, note, discussed_at, imported, votes, minutes = row[:12]
    return Topic(
        topic_id, text, votes, by, name, at, _STATUSES[status], session, note, discussed_at, bool(imported), minutes
    )


TOPIC_BY_ID = f"SELECT {_COLUMNS} FROM topics t WHERE t.id = ?"


async def get_topic(store: Store, topic_id: int) -> Topic | None:
    row = await store.fetchone(TOPIC_BY_ID, (topic_id,))
    return read_topic(row) if row else None


async def require_topic(store: Store, topic_id: int) -> Topic:
    topic = await get_topic(store, topic_id)
    if topic is None:
        raise UnknownTopic(topic_id)
    return topic


# Each topic keeps its count of votes (migration 12); the open topics are ranked in the index
# topics_ranked, read down to the few asked for (INDEXED BY: without statistics the planner
# would take the status index, then sort every open topic).
TOP_OPEN = (
    f"SELECT {_COLUMNS} FROM topics t INDEXED BY topics_ranked WHERE t.status = 'open' "
    "ORDER BY t.vote_count DESC, t.suggested_at, t.id LIMIT ?"
)


async def top_open_topics(store: Store, limit: int) -> list[Topic]:
    """Open topics, most votes first; among equals the oldest suggestion first."""
    return [read_topic(r) for r in await store.fetchall(TOP_OPEN, (limit,))]


@dataclass(frozen=True)
class Agenda:
    """The top of the open topics for one reader, from one query."""

    shown: list[Topic]
    total: int  # open topics in all
    voted: set[int]  # which of `shown` the reader voted for


# The count and the reader's votes are asked of the few rows shown, not of every open
# topic (a window function over all of them costs as much again as the ranking).
AGENDA_QUERY = (
    "SELECT x.*, (SELECT COUNT(*) FROM topics WHERE status = 'open') AS total, "
    "EXISTS (SELECT 1 FROM votes v WHERE v.topic_id = x.id AND v.user_id = ?) AS mine "
    f"FROM ({TOP_OPEN}) x ORDER BY x.votes DESC, x.suggested_at, x.id"
)


async def agenda_for(store: Store, user_id: str, limit: int) -> Agenda:
    rows = await store.fetchall(AGENDA_QUERY, (user_id, limit))
    return Agenda([read_topic(r) for r in rows], rows[0]["total"] if rows else 0, {r["id"] for r in rows if r["mine"]})


async def open_votes_of(store: Store, user_id: str) -> set[int]:
    """The open topics a person has voted for (what counts against a dot-voting budget)."""
    return {r[0] for r in await store.fetchall(OPEN_VOTES_OF, (user_id,))}


OPEN_VOTES_OF = (
    "SELECT v.topic_id FROM votes v JOIN topics t ON t.id = v.topic_id WHERE v.user_id = ? AND t.status = 'open'"
)


async def all_topics(store: Store) -> list[Topic]:
    """Every topic, whatever its status, by number (the export)."""
    return [read_topic(r) for r in await store.fetchall(f"SELECT {_COLUMNS} FROM topics t ORDER BY t.id")]


async def discussed_in(store: Store, session: str) -> list[Topic]:
    """The topics marked discussed in `session`, in the order they were marked."""
    rows = await store.fetchall(
        f"SELECT {_COLUMNS} FROM topics t WHERE t.status = 'discussed' AND t.session = ? ORDER BY t.discussed_at, t.id",
        (session,),
    )
    return [read_topic(r) for r in rows]


async def count_open(store: Store) -> int:
    """How many topics are open (`ccc-bot status`)."""
    return int(await store.fetchval("SELECT COUNT(*) FROM topics WHERE status = 'open'"))


async def history(store: Store, limit: int) -> list[Topic]:
    """Discussed topics, newest first, then the imported ones (no date: the seed file's
    later entries first, as the file lists them oldest first)."""
    rows = await store.fetchall(
        f"SELECT {_COLUMNS} FROM topics t WHERE t.status = 'discussed' "
        "ORDER BY t.seed_key IS NOT NULL, t.discussed_at DESC, t.id DESC LIMIT ?",
        (limit,),
    )
    return [read_topic(r) for r in rows]


@dataclass(frozen=True)
class Found:
    topics: list[Topic]  # at most the limit asked for
    total: int  # how many matched in all


async def discussed_matching(store: Store, words: str, limit: int) -> Found:
    """Discussed topics whose text contains `words` (any case; all of them when empty),
    the newest first, then the imported ones (as `history`)."""
    order = "ORDER BY t.seed_key IS NOT NULL, t.discussed_at DESC, t.id DESC"
    if not words:
        # The first rows of the history: the dated ones, then the imported ones, each walking
        # the (status, discussed_at) index backwards until `limit` are found, with no sort of
        # every discussed topic; counted from the index alone.
        newest = (
            "SELECT id FROM (SELECT id FROM topics WHERE status = 'discussed' AND seed_key IS {} NULL "
            "ORDER BY discussed_at DESC, id DESC LIMIT ?)"
        )
        chosen = f"{newest.format('')} UNION ALL {newest.format('NOT')}"
        params: tuple[object, ...] = (limit, limit)
        where = "status = 'discussed'"
        count: tuple[object, ...] = ()
    else:
        # Every match is read to be counted anyway: the few shown are chosen by id in one
        # narrow sort of the matches.
        pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        where = "status = 'discussed' AND text LIKE ? ESCAPE '\\'"
        chosen = f"SELECT id FROM topics t WHERE {where} {order} LIMIT ?"
        params, count = (pattern, limit), (pattern,)
    # Their columns and votes are read after, for those rows only.
    rows = await store.fetchall(
        f"SELECT {_COLUMNS} FROM topics t WHERE t.id IN ({chosen}) {order} LIMIT ?", (*params, limit)
    )
    total = await store.fetchval(f"SELECT COUNT(*) FROM topics WHERE {where}", count)
    return Found([read_topic(r) for r in rows], int(total))
