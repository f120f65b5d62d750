"""Topics and votes (Lean Coffee): suggestions, votes, withdrawals, discussed history,
and the seed list of topics already discussed.

Everything here talks to the store and returns data or raises one of the `TopicError`s
below; the wording users see lives in commands/topics.py.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import itertools
import logging
import re
import sqlite3
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import aiosqlite
import yaml

from bot.core import privacy
from bot.core.clock import iso, parse_iso
from bot.core.text import clean
from bot.storage.store import StorageError, Store, fetch_meta, put_meta, read_meta

log = logging.getLogger(__name__)

RATE_WINDOW = dt.timedelta(hours=1)
# How long a suggestion held back as a near duplicate waits for its author to send it again.
INSIST_WINDOW = dt.timedelta(minutes=10)


class TopicStatus(StrEnum):
    """Where a topic stands; stored as its value. Imported history (the seed file) is
    discussed, with `imported` set and no session."""

    OPEN = "open"
    DISCUSSED = "discussed"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class Topic:
    id: int
    text: str
    votes: int
    suggested_by: str | None
    suggested_name: str | None
    suggested_at: str | None
    status: TopicStatus
    session: str | None = None
    note: str | None = None
    discussed_at: str | None = None
    imported: bool = False  # from the seed file: discussed before the bot kept records

    @property
    def is_open(self) -> bool:
        return self.status == TopicStatus.OPEN


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
    """Held back as the same as `topic`. Unless it has the very same words, sending it
    again within INSIST_WINDOW adds it (`can_insist`)."""

    def __init__(self, topic: Topic, *, can_insist: bool):
        super().__init__(f"same as #{topic.id}")
        self.topic, self.can_insist = topic, can_insist


class UnknownTopic(TopicError):
    def __init__(self, topic_id: int):
        super().__init__(f"no topic #{topic_id}")
        self.topic_id = topic_id


class NotOpen(TopicError):
    """The topic was withdrawn or discussed (imported history too): it takes no votes or changes."""

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


# --- near duplicates ------------------------------------------------------------------
#
# Two topics are the same when they say the same things: the same content words, in any
# order, give or take how each word is spelt. Words that only hold a sentence together
# (English function words) don't count; each content word counts by its stem, so plurals
# and -ing forms are one word; a word split by a hyphen or a space ("co-op", "time zones")
# is the same as the word written together; a small typo in a longer word is forgiven.
# Any other difference in the content words makes two topics different: a number
# (2025 / 2026), a place (Japan / Spain), a name, or another word (hiring seniors /
# hiring juniors, pricing retainer / fixed-price contracts). Nothing here knows the
# topics it will meet: the word lists below are general English.

# General English function words: articles, pronouns, auxiliaries, prepositions,
# conjunctions, question words, and the pieces apostrophes leave ("don't" -> "don t").
# "us" is not among them: written "US" it is a place. Negations are not either.
_STOP_WORDS = frozenset(
    """
    a an the this that these those some any each every such other another
    i me my mine myself we our ours ourselves you your yours yourself yourselves
    he him his himself she her hers herself it its itself they them their theirs themselves
    one ones someone something anyone anything everyone everything
    am is are was were be been being do does did doing have has had having
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
    the stems of the content words, their first letters, and the stems of each two
    neighbours written as one."""

    words: tuple[str, ...]
    content: frozenset[str]
    initials: str  # each once, in order
    joins: tuple[str, ...]


def _content(words: Sequence[str]) -> frozenset[str]:
    content = frozenset([_stem(w) for w in words if w not in _STOP_WORDS])
    # A topic of function words only ("How do we do it?") is compared by all its words.
    return content or frozenset([_stem(w) for w in words])


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
    """Whether two topics say the same things (see above). Written to rule most pairs out
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
    return _compact(a_norm) == _compact(b_norm) or same_topic(topic_words(a_norm), topic_words(b_norm))


# --- the index of near duplicates -----------------------------------------------------
#
# is_near_duplicate() alone decides; the index only picks which topics it is asked about,
# and picks every topic for which it could say yes. By its first line and by same_topic,
# two topics can only be the same when
#   - their letters are the same once spaces go                       (key "x:" on both sides),
#   - or their content words start with the same letters, which equal
#     content words and typos (never in the first letter) keep        ("i:" on both sides),
#   - or a content word of one is two neighbouring words of the
#     other written as one (the only way same_topic gets past
#     differing first letters)                                         ("c:" content words of the
#     stored topic met by the joins of the new text, "j:" its joins met by the new text's
#     content words).
# So a topic is stored under its "x:", "i:", "c:" and "j:" keys (topic_keys), a new text
# looks up the keys its own words could meet (probe_keys), and only those topics are
# compared in full. tests/features/topics/test_index.py checks that this finds the same
# duplicates as comparing with every topic.

# Bump when a change to the words (normalise, topic_words and what they use) changes the
# keys of stored topics: they are then worked out again, once, before the next check.
KEYS_VERSION = "1"


def topic_keys(norm: str) -> frozenset[str]:
    """What a stored topic is found by."""
    words = topic_words(norm)
    return frozenset(
        [f"x:{_compact(norm)}", f"i:{words.initials}"]
        + [f"c:{w}" for w in words.content]
        + [f"j:{w}" for w in words.joins]
    )


def probe_keys(norm: str) -> frozenset[str]:
    """The keys under which a topic the same as `norm` may be stored."""
    words = topic_words(norm)
    return frozenset(
        [f"x:{_compact(norm)}", f"i:{words.initials}"]
        + [f"c:{w}" for w in words.joins]
        + [f"j:{w}" for w in words.content]
    )


async def keep_keys_current(store: Store) -> None:
    """Key every topic written without its keys (by the migration's upgrade, a crash
    between the insert and its keys, or SQL from elsewhere), after keying all of them
    again if the rule's keys changed since they were stored."""
    await _keys_version_current(store)
    await store.run(_key_the_unkeyed)


async def _keys_version_current(store: Store) -> None:
    if store.memo.get("topic_keys_version") != KEYS_VERSION:
        await store.run(_key_again_if_the_rule_changed, write=True)
        store.memo["topic_keys_version"] = KEYS_VERSION


def _key_again_if_the_rule_changed(conn: sqlite3.Connection) -> None:
    if fetch_meta(conn, "topic_keys_version") != KEYS_VERSION:
        conn.execute("DELETE FROM topic_keys")
        conn.execute("UPDATE topics SET keyed = NULL WHERE keyed IS NOT NULL")
        put_meta(conn, "topic_keys_version", KEYS_VERSION)


def _key_the_unkeyed(conn: sqlite3.Connection) -> None:
    # INDEXED BY: the planner, with statistics from before the index, would read every topic.
    rows = conn.execute("SELECT id, norm FROM topics INDEXED BY topics_unkeyed WHERE keyed IS NULL").fetchall()
    if not rows:
        return
    if conn.in_transaction:
        _write_keys(conn, [(r["id"], r["norm"]) for r in rows])
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        _write_keys(conn, [(r["id"], r["norm"]) for r in rows])
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


_INSERT_KEY = "INSERT OR IGNORE INTO topic_keys (key, topic_id) VALUES (?, ?)"
_MARK_KEYED = "UPDATE topics SET keyed = 1 WHERE id = ?"


def _key_rows(topics: Sequence[tuple[int, str]]) -> list[tuple[str, int]]:
    return [(key, topic_id) for topic_id, norm in topics for key in topic_keys(norm)]


def _write_keys(conn: sqlite3.Connection, topics: Sequence[tuple[int, str]], *, mark: bool = True) -> None:
    """Write the keys of `topics` (id, norm) and mark them keyed (unless inserted so: `mark` False)."""
    conn.executemany(_INSERT_KEY, _key_rows(topics))
    if mark:
        conn.executemany(_MARK_KEYED, [(topic_id,) for topic_id, _ in topics])


# --- reading ----------------------------------------------------------------------------

# Every query that _topic reads starts with these columns, in this order.
_COLUMNS = (
    "t.id, t.text, t.suggested_by, t.suggested_name, t.suggested_at, t.status, t.session, t.note, "
    "t.discussed_at, t.seed_key IS NOT NULL AS imported, t.vote_count AS votes"
)
_STATUSES = {status.value: status for status in TopicStatus}


def _topic(row: aiosqlite.Row) -> Topic:
    # By position (a row's first columns are _COLUMNS): !topics reads fifteen at a time.
    topic_id, text, by, name, at, status, session, note, discussed_at, imported, votes = row[:11]
    return Topic(topic_id, text, votes, by, name, at, _STATUSES[status], session, note, discussed_at, bool(imported))


_BY_ID = f"SELECT {_COLUMNS} FROM topics t WHERE t.id = ?"


async def get_topic(store: Store, topic_id: int) -> Topic | None:
    row = await store.fetchone(_BY_ID, (topic_id,))
    return _topic(row) if row else None


async def _require(store: Store, topic_id: int) -> Topic:
    topic = await get_topic(store, topic_id)
    if topic is None:
        raise UnknownTopic(topic_id)
    return topic


# Each topic keeps its count of votes (migration 12); the open topics are ranked in the index
# topics_ranked, read down to the few asked for (INDEXED BY: without statistics the planner
# would take the status index, then sort every open topic).
_TOP_OPEN = (
    f"SELECT {_COLUMNS} FROM topics t INDEXED BY topics_ranked WHERE t.status = 'open' "
    "ORDER BY t.vote_count DESC, t.suggested_at, t.id LIMIT ?"
)


async def top_open_topics(store: Store, limit: int) -> list[Topic]:
    """Open topics, most votes first; among equals the oldest suggestion first."""
    return [_topic(r) for r in await store.fetchall(_TOP_OPEN, (limit,))]


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
    f"FROM ({_TOP_OPEN}) x ORDER BY x.votes DESC, x.suggested_at, x.id"
)


async def agenda_for(store: Store, user_id: str, limit: int) -> Agenda:
    rows = await store.fetchall(AGENDA_QUERY, (user_id, limit))
    return Agenda([_topic(r) for r in rows], rows[0]["total"] if rows else 0, {r["id"] for r in rows if r["mine"]})


async def open_votes_of(store: Store, user_id: str) -> set[int]:
    """The open topics a person has voted for (what counts against a dot-voting budget)."""
    return {r[0] for r in await store.fetchall(_OPEN_VOTES_OF, (user_id,))}


_OPEN_VOTES_OF = (
    "SELECT v.topic_id FROM votes v JOIN topics t ON t.id = v.topic_id WHERE v.user_id = ? AND t.status = 'open'"
)


async def all_topics(store: Store) -> list[Topic]:
    """Every topic, whatever its status, by number (the export)."""
    return [_topic(r) for r in await store.fetchall(f"SELECT {_COLUMNS} FROM topics t ORDER BY t.id")]


async def discussed_in(store: Store, session: str) -> list[Topic]:
    """The topics marked discussed in `session`, in the order they were marked."""
    rows = await store.fetchall(
        f"SELECT {_COLUMNS} FROM topics t WHERE t.status = 'discussed' AND t.session = ? ORDER BY t.discussed_at, t.id",
        (session,),
    )
    return [_topic(r) for r in rows]


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
    return [_topic(r) for r in rows]


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
    return Found([_topic(r) for r in rows], int(total))


async def find_duplicate(store: Store, text: str) -> Topic | None:
    """An open or discussed (imported too) topic that says the same as `text` (is_near_duplicate):
    the one with the same words if there is one, else the first suggested. Only the topics
    the index picks (probe_keys) are compared: all that can be the same."""
    norm = normalise(text)
    await _keys_version_current(store)
    found = await store.run(lambda conn: _duplicate_in(conn, norm))
    return await get_topic(store, found) if found is not None else None


def _duplicate_in(conn: sqlite3.Connection, norm: str) -> int | None:
    """find_duplicate's search, on the connection (in aiosqlite's thread): the id found."""
    # Topics written without their keys are keyed first, in the same trip.
    _key_the_unkeyed(conn)
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
        if _compact(row["norm"]) == _compact(norm):
            return int(row["id"])
        if found is None:
            found = int(row["id"])
    return found


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
    RateLimited or DuplicateTopic. A near duplicate is held back, and added if the same
    person sends it again within INSIST_WINDOW: they know it is a different topic."""
    text = tidy(text)
    norm = normalise(text)
    if not norm:
        raise EmptyTopic("a topic needs words")
    if len(text) > max_length:
        raise TopicTooLong(len(text), max_length)
    await _keys_version_current(store)
    name = clean(name or localpart(user_id), 64)
    since, mark = iso(now - RATE_WINDOW), await rate_mark(store, user_id)
    at = iso(now)  # once: formatting an instant costs more than the rest of the checks
    sweep = _sweep_due(store, now, at)

    def add(conn: sqlite3.Connection, insisted: bool) -> tuple[int | None, int | None]:
        """(the near duplicate found, None) or (None, the new topic's id, None if refused)."""
        if not insisted:
            found = _duplicate_in(conn, norm)
            if found is not None:
                return found, None
        # The insert checks the exact duplicate and the hourly limit in the same statement,
        # in the transaction the search was in, so two suggestions at once can't both get
        # through. The new topic's keys are written in the same transaction.
        row = conn.execute(
            "INSERT INTO topics (text, norm, suggested_by, suggested_name, suggested_at, status, keyed) "
            "SELECT ?, ?, ?, ?, ?, 'open', 1 "
            "WHERE NOT EXISTS (SELECT 1 FROM topics WHERE norm = ? AND status != 'withdrawn') "
            "AND (? <= 0 OR (SELECT COUNT(*) FROM topics WHERE suggested_by = ? AND suggested_at > ?) "
            "+ (SELECT COUNT(*) FROM rate_marks WHERE mark = ? AND at > ?) < ?) "
            "RETURNING id",
            (text, norm, user_id, name, at, norm, per_hour, user_id, since, mark, since, per_hour),
        ).fetchone()
        if row is None:
            return None, None
        _write_keys(conn, [(row["id"], norm)], mark=False)
        if sweep:
            # What the limit kept of people who asked to be forgotten goes once its hour
            # is over (looked at once a minute at most: the limit counts the last hour
            # only, so what is left a little longer changes no answer).
            conn.execute("DELETE FROM rate_marks WHERE at <= ?", (since,))
        if insisted:
            conn.execute("DELETE FROM held_suggestions WHERE user_id = ? AND norm = ?", (user_id, norm))
        return None, int(row["id"])

    # The search and the insert: one trip to the database, one transaction.
    found, topic_id = await store.run(lambda conn: add(conn, False), write=True)
    if found is not None:
        duplicate = await _require(store, found)
        # Pointing to it helps even past the hourly limit.
        if _compact(normalise(duplicate.text)) == _compact(norm):
            raise DuplicateTopic(duplicate, can_insist=False)
        if not await _held_back(store, now, user_id, norm):
            await _hold_back(store, now, user_id, text, norm)
            raise DuplicateTopic(duplicate, can_insist=True)
        # Sent again in time: they know it is a different topic.
        found, topic_id = await store.run(lambda conn: add(conn, True), write=True)
    if topic_id is None:
        same = await store.fetchval("SELECT id FROM topics WHERE norm = ? AND status != 'withdrawn'", (norm,))
        if same is not None:
            raise DuplicateTopic(await _require(store, int(same)), can_insist=False)
        await _check_rate(store, now, user_id, mark, per_hour)
        raise RuntimeError("a suggestion was refused for no reason found")
    if sweep:
        store.memo["rate_marks_swept"] = at
    return Topic(topic_id, text, 0, user_id, name, at, TopicStatus.OPEN)


RATE_MARKS_SWEEP = dt.timedelta(minutes=1)


def _sweep_due(store: Store, now: dt.datetime, at: str) -> bool:
    """Whether the rate marks were last swept a minute ago or more (or never, or the
    clock went back); `at` is `now` as stored (iso). The sweep is noted once done."""
    last = store.memo.get("rate_marks_swept")
    # As text (ISO instants to the second compare as text, and `last` is one): parsing it
    # back would cost more than the rest of the check.
    return last is None or not iso(now - RATE_MARKS_SWEEP) < last <= at


async def _held_back(store: Store, now: dt.datetime, user_id: str, norm: str) -> bool:
    """Whether `user_id` sent these words within INSIST_WINDOW and they were held back."""
    since = iso(now - INSIST_WINDOW)
    found = await store.fetchval(
        "SELECT 1 FROM held_suggestions WHERE user_id = ? AND norm = ? AND held_at >= ?", (user_id, norm, since)
    )
    return found is not None


async def _hold_back(store: Store, now: dt.datetime, user_id: str, text: str, norm: str) -> None:
    def hold(conn: sqlite3.Connection) -> None:
        # Nobody sent these again in time: they are forgotten (ISO instants compare as text).
        conn.execute("DELETE FROM held_suggestions WHERE held_at < ?", (iso(now - INSIST_WINDOW),))
        conn.execute(
            "INSERT INTO held_suggestions (user_id, norm, text, held_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (user_id, norm) DO UPDATE SET text = excluded.text, held_at = excluded.held_at",
            (user_id, norm, text, iso(now)),
        )

    await store.run(hold, write=True)


async def _check_rate(store: Store, now: dt.datetime, user_id: str, mark: str, per_hour: int) -> None:
    if per_hour <= 0:
        return
    # Withdrawn suggestions count too, or suggesting and withdrawing would dodge the limit;
    # so do those of the last hour before the person asked to be forgotten.
    since = iso(now - RATE_WINDOW)
    recent = await store.fetchall(
        "SELECT suggested_at FROM topics WHERE suggested_by = ? AND suggested_at > ? "
        "UNION ALL SELECT at FROM rate_marks WHERE mark = ? AND at > ? "
        "ORDER BY suggested_at DESC LIMIT ?",
        (user_id, since, mark, since, per_hour),
    )
    if len(recent) >= per_hour:
        # The oldest of the last `per_hour` suggestions leaves the window first.
        raise RateLimited(per_hour, parse_iso(recent[-1]["suggested_at"]) + RATE_WINDOW)


async def rate_mark(store: Store, user_id: str) -> str:
    """A keyed hash of `user_id`: what the hourly limit keeps of a person who asked to be
    forgotten (`remember_rate`), recognisable only with this database's key."""
    key = store.memo.get("rate_mark_key")
    if key is None:
        key = store.memo["rate_mark_key"] = await store.get_meta("rate_mark_key") or ""
    return mark_with(key, user_id)


@functools.lru_cache(maxsize=1024)  # the same few people suggest again and again
def mark_with(key: str, user_id: str) -> str:
    return hmac.new(bytes.fromhex(key), user_id.encode(), hashlib.sha256).hexdigest()[:32]


RATE_MARKS_OF_RECENT = (
    "INSERT INTO rate_marks (mark, at) SELECT ?, suggested_at FROM topics WHERE suggested_by = ? AND suggested_at > ?"
)


def localpart(user_id: str) -> str:
    """`@alice:example.org` -> `alice`: a name to show when no display name is known."""
    return user_id.removeprefix("@").split(":", 1)[0] or user_id


async def vote(store: Store, now: dt.datetime, topic_id: int, user_id: str, budget: int = 0) -> VoteResult:
    """One vote by `user_id` for open topic `topic_id`. With a `budget` (dot voting), a
    person votes for at most that many open topics at once. The checks and the insert are
    one statement, which SQLite runs alone: concurrent votes are neither lost nor able to
    overspend a budget. The topic and the person's votes are read back in the same
    transaction: one trip to the database for the whole vote."""

    def cast(conn: sqlite3.Connection) -> tuple[bool, sqlite3.Row | None, set[int]]:
        added = conn.execute(
            "INSERT INTO votes (topic_id, user_id, voted_at) SELECT ?, ?, ? "
            "WHERE EXISTS (SELECT 1 FROM topics WHERE id = ? AND status = 'open') "
            "AND (? <= 0 OR (SELECT COUNT(*) FROM votes v JOIN topics t ON t.id = v.topic_id "
            "WHERE v.user_id = ? AND t.status = 'open') < ?) "
            "ON CONFLICT DO NOTHING",
            (topic_id, user_id, iso(now), topic_id, budget, user_id, budget),
        ).rowcount
        row = conn.execute(_BY_ID, (topic_id,)).fetchone()
        mine = {r[0] for r in conn.execute(_OPEN_VOTES_OF, (user_id,))} if budget else set()
        return bool(added), row, mine

    added, row, mine = await store.run(cast, write=True)
    if row is None:
        raise UnknownTopic(topic_id)
    topic = _topic(row)
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


@dataclass(frozen=True)
class Marked:
    topic: Topic  # as it is now
    again: bool  # it was already marked in this session: only the note changed
    old_note: str | None  # the note it had before


async def mark_discussed(
    store: Store, now: dt.datetime, topic_id: int, session: str, note: str | None, *, replace_note: bool = True
) -> Marked:
    """Mark an open topic discussed in `session`, with an optional note. Marked again in
    the same session, its note is replaced by `note` (none: the note goes) when
    `replace_note`, else left as it is. A topic discussed in another session, withdrawn or
    imported raises NotOpen."""
    topic = await _require(store, topic_id)
    if topic.status == TopicStatus.DISCUSSED and topic.session == session:
        if not replace_note:
            return Marked(topic, True, topic.note)
        await store.execute(
            "UPDATE topics SET note = ? WHERE id = ? AND status = 'discussed' AND session = ?",
            (note or None, topic_id, session),
        )
        return Marked(await _require(store, topic_id), True, topic.note)
    if not topic.is_open:
        raise NotOpen(topic)
    await store.execute(
        "UPDATE topics SET status = 'discussed', session = ?, note = ?, discussed_at = ? "
        "WHERE id = ? AND status = 'open'",
        (session, note or None, iso(now), topic_id),
    )
    return Marked(await _require(store, topic_id), False, None)


class NotDiscussedHere(TopicError):
    """!undiscussed on a topic not marked discussed in the running session."""

    def __init__(self, topic: Topic, session: str):
        super().__init__(f"#{topic.id} is not discussed in session {session}")
        self.topic, self.session = topic, session


async def unmark_discussed(store: Store, topic_id: int, session: str) -> Topic:
    """Undo marking a topic discussed in `session` (the running one): it is open again,
    with its votes, which were never taken away. Raises NotDiscussedHere otherwise."""
    changed = await store.execute(
        "UPDATE topics SET status = 'open', session = NULL, note = NULL, discussed_at = NULL "
        "WHERE id = ? AND status = 'discussed' AND session = ?",
        (topic_id, session),
    )
    topic = await _require(store, topic_id)
    if not changed:
        raise NotDiscussedHere(topic, session)
    return topic


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
    """Add seed topics as discussed history, marked imported (by their seed_key); returns
    how many were new. An entry is known by its normalised words, so importing again adds
    only entries not seen before."""

    def add(conn: sqlite3.Connection) -> int:
        added = 0
        for text in texts:
            norm = normalise(text)
            cursor = conn.execute(
                "INSERT OR IGNORE INTO topics (text, norm, status, seed_key) VALUES (?, ?, 'discussed', ?)",
                (text, norm, _compact(norm)),
            )
            if cursor.rowcount and cursor.lastrowid is not None:
                _write_keys(conn, [(cursor.lastrowid, norm)])
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


# --- !mydata and !forgetme ------------------------------------------------------------


async def _collect_person(store: Store, user_id: str) -> dict[str, Any]:
    return {
        "suggestions": await privacy.rows(
            store,
            "SELECT id AS number, text, suggested_name, suggested_at, status, session FROM topics "
            "WHERE suggested_by = ? ORDER BY id",
            user_id,
        ),
        "held_suggestions": await privacy.rows(
            store, "SELECT text, held_at FROM held_suggestions WHERE user_id = ? ORDER BY held_at, text", user_id
        ),
        "votes": await privacy.rows(
            store,
            "SELECT v.topic_id AS topic, t.text, v.voted_at FROM votes v JOIN topics t ON t.id = v.topic_id "
            "WHERE v.user_id = ? ORDER BY v.voted_at, v.topic_id",
            user_id,
        ),
    }


async def _erase_person(db: aiosqlite.Connection, who: privacy.Erasing) -> dict[str, Any]:
    """Votes go; suggestions stay, unattributed. The hourly suggestion limit must not
    restart with a forgotten person: it keeps their last hour of suggestions under a keyed
    hash of their id, for that hour only."""
    key = await read_meta(db, "rate_mark_key")
    since = iso(who.now - RATE_WINDOW)
    await db.execute("DELETE FROM rate_marks WHERE at <= ?", (since,))
    await db.execute(RATE_MARKS_OF_RECENT, (mark_with(key or "", who.user_id), who.user_id, since))
    await db.execute("DELETE FROM held_suggestions WHERE user_id = ?", (who.user_id,))  # !suggest's, for 10 minutes
    votes = await db.execute("DELETE FROM votes WHERE user_id = ?", (who.user_id,))
    suggestions = await db.execute(
        "UPDATE topics SET suggested_by = NULL, suggested_name = NULL WHERE suggested_by = ?", (who.user_id,)
    )
    return {"votes": votes.rowcount, "suggestions": suggestions.rowcount}


privacy.register(
    "topics",
    _collect_person,
    _erase_person,
    holds=(
        privacy.Column("topics", "suggested_by"),
        privacy.Column("held_suggestions", "user_id"),
        privacy.Column("votes", "user_id"),
    ),
)
