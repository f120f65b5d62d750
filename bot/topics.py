"""Topics and votes (Lean Coffee): suggestions, votes, withdrawals, discussed history,
and the seed list of topics already discussed.

Everything here talks to the store and returns data or raises one of the `TopicError`s
below; the wording users see lives in commands/topics.py.
"""

from __future__ import annotations

import datetime as dt
import difflib
import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.clock import iso, parse_iso
from bot.storage import StorageError, Store
from bot.text import clean

log = logging.getLogger(__name__)

# How alike two normalised texts must be (difflib ratio) to count as the same topic.
# 0.85 catches typos and small rewordings ("How to do fundraising" / "How do fundraising?")
# without joining different questions on the same subject.
CLOSE_MATCH = 0.85
RATE_WINDOW = dt.timedelta(hours=1)

OPEN, DISCUSSED, WITHDRAWN, IMPORTED = "open", "discussed", "withdrawn", "imported"


@dataclass(frozen=True)
class Topic:
    id: int
    text: str
    votes: int
    suggested_by: str | None
    suggested_name: str | None
    suggested_at: str | None
    status: str
    session: str | None = None
    note: str | None = None
    discussed_at: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status == OPEN


@dataclass(frozen=True)
class VoteResult:
    topic: Topic  # with the vote count after the change
    # Votes the person may still give under dot voting; None when voting is unlimited.
    remaining: int | None


# --- what can go wrong ----------------------------------------------------------------


class TopicError(Exception):
    """A request about topics that cannot be done; the subclass says why."""


class EmptyTopic(TopicError):
    pass


class TopicTooLong(TopicError):
    def __init__(self, length: int, limit: int):
        super().__init__(f"{length} characters, limit {limit}")
        self.length, self.limit = length, limit


class RateLimited(TopicError):
    def __init__(self, limit: int, again_at: dt.datetime):
        super().__init__(f"{limit} per hour, again at {iso(again_at)}")
        self.limit, self.again_at = limit, again_at


class DuplicateTopic(TopicError):
    def __init__(self, topic: Topic):
        super().__init__(f"same as #{topic.id}")
        self.topic = topic


class UnknownTopic(TopicError):
    def __init__(self, topic_id: int):
        super().__init__(f"no topic #{topic_id}")
        self.topic_id = topic_id


class NotOpen(TopicError):
    """The topic was withdrawn, discussed or imported: it takes no votes or changes."""

    def __init__(self, topic: Topic):
        super().__init__(f"#{topic.id} is {topic.status}")
        self.topic = topic


class AlreadyVoted(TopicError):
    def __init__(self, topic: Topic):
        super().__init__(f"already voted for #{topic.id}")
        self.topic = topic


class NotVoted(TopicError):
    def __init__(self, topic: Topic):
        super().__init__(f"no vote for #{topic.id}")
        self.topic = topic


class BudgetSpent(TopicError):
    def __init__(self, budget: int, voted_for: list[int]):
        super().__init__(f"all {budget} votes given")
        self.budget, self.voted_for = budget, voted_for


class NotAllowed(TopicError):
    def __init__(self, topic: Topic):
        super().__init__(f"may not change #{topic.id}")
        self.topic = topic


class SeedError(StorageError):
    """The seed file exists but cannot be read as a list of topics. A StorageError, so the
    CLI reports it like any other problem with the bot's data at start-up."""


# --- normalising ----------------------------------------------------------------------

_NOT_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """The words of a text, lower-case, separated by single spaces: punctuation, case and
    spacing don't matter (`Decision-making!` -> `decision making`)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_NOT_WORD.sub(" ", folded).split())


def _compact(norm: str) -> str:
    # "decision making" and "decisionmaking" are the same words, spaced differently.
    return norm.replace(" ", "")


def is_near_duplicate(a_norm: str, b_norm: str) -> bool:
    if _compact(a_norm) == _compact(b_norm):
        return True
    return difflib.SequenceMatcher(None, a_norm, b_norm).ratio() >= CLOSE_MATCH


# --- reading ----------------------------------------------------------------------------

_COLUMNS = (
    "t.id, t.text, t.suggested_by, t.suggested_name, t.suggested_at, t.status, t.session, t.note, "
    "t.discussed_at, (SELECT COUNT(*) FROM votes v WHERE v.topic_id = t.id) AS votes"
)


def _topic(row) -> Topic:
    return Topic(
        id=row["id"],
        text=row["text"],
        votes=row["votes"],
        suggested_by=row["suggested_by"],
        suggested_name=row["suggested_name"],
        suggested_at=row["suggested_at"],
        status=row["status"],
        session=row["session"],
        note=row["note"],
        discussed_at=row["discussed_at"],
    )


async def get_topic(store: Store, topic_id: int) -> Topic | None:
    row = await store.fetchone(f"SELECT {_COLUMNS} FROM topics t WHERE t.id = ?", (topic_id,))
    return _topic(row) if row else None


async def _require(store: Store, topic_id: int) -> Topic:
    topic = await get_topic(store, topic_id)
    if topic is None:
        raise UnknownTopic(topic_id)
    return topic


# Votes are counted from the votes primary key alone; open topics come from an index.
_TOP_OPEN = f"SELECT {_COLUMNS} FROM topics t WHERE t.status = 'open' ORDER BY votes DESC, t.suggested_at, t.id LIMIT ?"


async def top_open_topics(store: Store, limit: int) -> list[Topic]:
    """Open topics, most votes first; among equals the oldest suggestion first."""
    return [_topic(r) for r in await store.fetchall(_TOP_OPEN, (limit,))]


@dataclass(frozen=True)
class Agenda:
    """The top of the open topics for one reader, from one query."""

    shown: list[Topic]
    total: int  # open topics in all
    voted: set[int]  # which of `shown` the reader voted for


async def agenda_for(store: Store, user_id: str, limit: int) -> Agenda:
    # The count and the reader's votes are asked of the few rows shown, not of every open
    # topic (a window function over all of them costs as much again as the ranking).
    rows = await store.fetchall(
        "SELECT x.*, (SELECT COUNT(*) FROM topics WHERE status = 'open') AS total, "
        "EXISTS (SELECT 1 FROM votes v WHERE v.topic_id = x.id AND v.user_id = ?) AS mine "
        f"FROM ({_TOP_OPEN}) x ORDER BY x.votes DESC, x.suggested_at, x.id",
        (user_id, limit),
    )
    return Agenda([_topic(r) for r in rows], rows[0]["total"] if rows else 0, {r["id"] for r in rows if r["mine"]})


async def count_open_topics(store: Store) -> int:
    return await store.fetchval("SELECT COUNT(*) FROM topics WHERE status = 'open'", default=0)


async def open_votes_of(store: Store, user_id: str) -> set[int]:
    """The open topics a person has voted for (what counts against a dot-voting budget)."""
    rows = await store.fetchall(
        "SELECT v.topic_id FROM votes v JOIN topics t ON t.id = v.topic_id WHERE v.user_id = ? AND t.status = 'open'",
        (user_id,),
    )
    return {r[0] for r in rows}


async def history(store: Store, limit: int) -> list[Topic]:
    """Discussed topics, newest first, then the imported ones (no date: the seed file's
    later entries first, as the file lists them oldest first)."""
    rows = await store.fetchall(
        f"SELECT {_COLUMNS} FROM topics t WHERE t.status IN ('discussed', 'imported') "
        "ORDER BY t.status = 'imported', t.discussed_at DESC, t.id DESC LIMIT ?",
        (limit,),
    )
    return [_topic(r) for r in rows]


async def find_duplicate(store: Store, text: str) -> Topic | None:
    """An open, discussed or imported topic that says the same as `text`: the same words,
    or close enough (the closest one wins)."""
    norm = normalise(text)
    compact, counts = _compact(norm), tuple(Counter(norm).most_common())
    rows = await store.fetchall("SELECT id, norm FROM topics WHERE status != 'withdrawn' ORDER BY id")
    best_id, best_ratio = None, 0.0
    for row in rows:
        if _compact(row["norm"]) == compact:
            best_id = row["id"]
            break
        # The cheap upper bounds first: most candidates are ruled out without the full ratio.
        if _ratio_bound(norm, counts, row["norm"]) < CLOSE_MATCH:
            continue
        ratio = difflib.SequenceMatcher(None, norm, row["norm"]).ratio()
        if ratio >= CLOSE_MATCH and ratio > best_ratio:
            best_id, best_ratio = row["id"], ratio
    return await get_topic(store, best_id) if best_id is not None else None


def _ratio_bound(norm: str, counts: tuple[tuple[str, int], ...], other: str) -> float:
    """difflib's real_quick_ratio, then quick_ratio (characters in common), without building
    a SequenceMatcher: with thousands of topics, the matcher's set-up for every row was
    most of the cost of a !suggest. `counts` are the characters of `norm` with their counts."""
    total = len(norm) + len(other)
    if not total:
        return 1.0
    if 2 * min(len(norm), len(other)) / total < CLOSE_MATCH:
        return 0.0
    # Characters of `norm` that `other` lacks; past `spare` of them the bound is out of
    # reach, which for most rows shows after a few characters (`counts` comes most
    # frequent first).
    spare = len(norm) - CLOSE_MATCH * total / 2
    missing = 0
    for char, count in counts:
        found = other.count(char)
        if found < count:
            missing += count - found
            if missing > spare:
                return 0.0
    return 2 * (len(norm) - missing) / total


# --- changing -----------------------------------------------------------------------------


def tidy(text: str) -> str:
    """What is stored for a suggestion: control characters gone, whitespace folded."""
    return clean(text)


async def suggest(
    store: Store,
    now: dt.datetime,
    user_id: str,
    name: str | None,
    text: str,
    *,
    max_length: int,
    per_hour: int,
) -> Topic:
    """Add an open topic. `per_hour` 0 means no limit. Raises EmptyTopic, TopicTooLong,
    RateLimited or DuplicateTopic."""
    text = tidy(text)
    norm = normalise(text)
    if not norm:
        raise EmptyTopic("a topic needs words")
    if len(text) > max_length:
        raise TopicTooLong(len(text), max_length)
    duplicate = await find_duplicate(store, text)
    if duplicate is not None:
        raise DuplicateTopic(duplicate)  # pointing to it helps even past the hourly limit
    # The close-match search above reads without a lock (it is the slow part); the insert
    # checks the exact duplicate and the hourly limit in the same statement, which SQLite
    # runs alone, so two suggestions at once can't both get through.
    name = clean(name or localpart(user_id), 64)
    row = await store.fetchone(
        "INSERT INTO topics (text, norm, suggested_by, suggested_name, suggested_at, status) "
        "SELECT ?, ?, ?, ?, ?, 'open' "
        "WHERE NOT EXISTS (SELECT 1 FROM topics WHERE norm = ? AND status != 'withdrawn') "
        "AND (? <= 0 OR (SELECT COUNT(*) FROM topics WHERE suggested_by = ? AND suggested_at > ?) < ?) "
        "RETURNING id",
        (text, norm, user_id, name, iso(now), norm, per_hour, user_id, iso(now - RATE_WINDOW), per_hour),
    )
    if row is None:
        same = await store.fetchval("SELECT id FROM topics WHERE norm = ? AND status != 'withdrawn'", (norm,))
        if same is not None:
            raise DuplicateTopic(await _require(store, int(same)))
        await _check_rate(store, now, user_id, per_hour)
        raise RuntimeError("a suggestion was refused for no reason found")
    return Topic(row["id"], text, 0, user_id, name, iso(now), OPEN)


async def _check_rate(store: Store, now: dt.datetime, user_id: str, per_hour: int) -> None:
    if per_hour <= 0:
        return
    # Withdrawn suggestions count too, or suggesting and withdrawing would dodge the limit.
    recent = await store.fetchall(
        "SELECT suggested_at FROM topics WHERE suggested_by = ? AND suggested_at > ? "
        "ORDER BY suggested_at DESC LIMIT ?",
        (user_id, iso(now - RATE_WINDOW), per_hour),
    )
    if len(recent) >= per_hour:
        # The oldest of the last `per_hour` suggestions leaves the window first.
        raise RateLimited(per_hour, parse_iso(recent[-1]["suggested_at"]) + RATE_WINDOW)


def localpart(user_id: str) -> str:
    """`@alice:example.org` -> `alice`: a name to show when no display name is known."""
    return user_id.removeprefix("@").split(":", 1)[0] or user_id


async def vote(store: Store, now: dt.datetime, topic_id: int, user_id: str, budget: int = 0) -> VoteResult:
    """One vote by `user_id` for open topic `topic_id`. With a `budget` (dot voting), a
    person votes for at most that many open topics at once. The checks and the insert are
    one statement, which SQLite runs alone: concurrent votes are neither lost nor able to
    overspend a budget."""
    added = await store.execute(
        "INSERT INTO votes (topic_id, user_id, voted_at) SELECT ?, ?, ? "
        "WHERE EXISTS (SELECT 1 FROM topics WHERE id = ? AND status = 'open') "
        "AND (? <= 0 OR (SELECT COUNT(*) FROM votes v JOIN topics t ON t.id = v.topic_id "
        "WHERE v.user_id = ? AND t.status = 'open') < ?) "
        "ON CONFLICT DO NOTHING",
        (topic_id, user_id, iso(now), topic_id, budget, user_id, budget),
    )
    topic = await _require(store, topic_id)
    mine = await open_votes_of(store, user_id) if budget else set()
    if not added:
        # Why not, read afterwards: refusals are the rare case.
        if not topic.is_open:
            raise NotOpen(topic)
        if await store.fetchval("SELECT 1 FROM votes WHERE topic_id = ? AND user_id = ?", (topic_id, user_id)):
            raise AlreadyVoted(topic)
        raise BudgetSpent(budget, sorted(mine))
    return VoteResult(topic, budget - len(mine) if budget else None)


async def unvote(store: Store, topic_id: int, user_id: str, budget: int = 0) -> VoteResult:
    topic = await _require(store, topic_id)
    if not topic.is_open:
        raise NotOpen(topic)
    removed = await store.execute("DELETE FROM votes WHERE topic_id = ? AND user_id = ?", (topic_id, user_id))
    if not removed:
        raise NotVoted(topic)
    remaining = budget - len(await open_votes_of(store, user_id)) if budget else None
    return VoteResult(await _require(store, topic_id), remaining)


async def withdraw(store: Store, now: dt.datetime, topic_id: int, user_id: str, *, organiser: bool) -> Topic:
    """The suggester, or an organiser, takes an open topic off the list."""
    topic = await _require(store, topic_id)
    if not topic.is_open:
        raise NotOpen(topic)
    if topic.suggested_by != user_id and not organiser:
        raise NotAllowed(topic)
    await store.execute(
        "UPDATE topics SET status = 'withdrawn', withdrawn_at = ? WHERE id = ? AND status = 'open'",
        (iso(now), topic_id),
    )
    return await _require(store, topic_id)


async def mark_discussed(store: Store, now: dt.datetime, topic_id: int, session: str, note: str | None) -> Topic:
    topic = await _require(store, topic_id)
    if not topic.is_open:
        raise NotOpen(topic)
    await store.execute(
        "UPDATE topics SET status = 'discussed', session = ?, note = ?, discussed_at = ? "
        "WHERE id = ? AND status = 'open'",
        (session, note or None, iso(now), topic_id),
    )
    return await _require(store, topic_id)


# --- the seed file ------------------------------------------------------------------------


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
    """Add seed topics as imported history; returns how many were new. An entry is known
    by its normalised words, so importing again adds only entries not seen before."""
    added = 0
    async with store.transaction() as db:
        for text in texts:
            norm = normalise(text)
            cursor = await db.execute(
                "INSERT OR IGNORE INTO topics (text, norm, status, seed_key) VALUES (?, ?, 'imported', ?)",
                (text, norm, _compact(norm)),
            )
            added += cursor.rowcount
    return added


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
