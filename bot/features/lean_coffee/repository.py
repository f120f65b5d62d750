"""The `discussions` and `discussion_posts` tables (migration 14), and their row types.

A discussion is a topic taken up with `!discuss` in a session: at most one is current (not
closed). Its timebox ends at `ends_at` (None while no timebox runs); when it ends, a vote to
go on opens (`round` counts them, `vote_closes_at` is set while one is open). A post is a
message the bot sends on its own about a discussion, in one room: recorded 'sending' with the
change that calls for it, then 'sent' with its event id, or 'skipped'. What `!mydata` and
`!forgetme` find of a person here is in privacy.py, registered with this module."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum

import aiosqlite

from bot.core.clock import iso, parse_iso
from bot.features.lean_coffee import privacy  # noqa: F401 (registers Lean Coffee's part of !mydata)
from bot.storage.store import Store


def vote_ref(discussion_id: int, round_: int) -> str:
    """The anchor ref of a discussion's vote to go on: "discussion:round"."""
    return f"{discussion_id}:{round_}"


@dataclass(frozen=True)
class Discussion:
    id: int
    session: str
    topic_id: int
    started_by: str | None
    started_at: dt.datetime
    ends_at: dt.datetime | None
    extended: int  # extensions granted so far
    round: int  # votes to go on opened so far
    vote_closes_at: dt.datetime | None
    closed_at: dt.datetime | None = None
    minutes: int | None = None

    @property
    def voting(self) -> bool:
        return self.vote_closes_at is not None

    @property
    def vote_ref(self) -> str:
        """What the open (or last) vote to go on is anchored as."""
        return vote_ref(self.id, self.round)


class PostKind(StrEnum):
    """What a post says: the vote to go on; the time a 👍 majority added; the topic closed
    by the vote, or because its time was up with no extension left."""

    VOTE = "vote"
    EXTENDED = "extended"
    MOVED_ON = "moved-on"
    TIME_UP = "time-up"


class PostStatus(StrEnum):
    SENDING = "sending"
    SENT = "sent"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Count:
    """The vote to go on as counted when it closed: each person's latest 👍 or 👎."""

    up: int = 0
    down: int = 0

    @property
    def go_on(self) -> bool:
        return self.up > self.down


@dataclass(frozen=True)
class Post:
    discussion_id: int
    round: int
    kind: PostKind
    room_id: str
    at: dt.datetime
    count: Count | None = None


_COLUMNS = "id, session, topic_id, started_by, started_at, ends_at, extended, round, vote_closes_at, closed_at, minutes"


def _when(text: str | None) -> dt.datetime | None:
    return parse_iso(text) if text else None


def _discussion(row: aiosqlite.Row) -> Discussion:
    return Discussion(
        row["id"],
        row["session"],
        row["topic_id"],
        row["started_by"],
        parse_iso(row["started_at"]),
        _when(row["ends_at"]),
        row["extended"],
        row["round"],
        _when(row["vote_closes_at"]),
        _when(row["closed_at"]),
        row["minutes"],
    )


async def current(store: Store) -> Discussion | None:
    """The topic being discussed, if any."""
    row = await store.fetchone(f"SELECT {_COLUMNS} FROM discussions WHERE closed_at IS NULL")
    return _discussion(row) if row else None


async def current_in(db: aiosqlite.Connection) -> Discussion | None:
    """The topic being discussed, inside the caller's transaction."""
    cursor = await db.execute(f"SELECT {_COLUMNS} FROM discussions WHERE closed_at IS NULL")
    row = await cursor.fetchone()
    return _discussion(row) if row else None


async def by_id(store: Store, discussion_id: int) -> Discussion | None:
    row = await store.fetchone(f"SELECT {_COLUMNS} FROM discussions WHERE id = ?", (discussion_id,))
    return _discussion(row) if row else None


async def of_session(store: Store, session: str) -> list[Discussion]:
    """The discussions of a session, in the order they were started."""
    rows = await store.fetchall(f"SELECT {_COLUMNS} FROM discussions WHERE session = ? ORDER BY id", (session,))
    return [_discussion(r) for r in rows]


async def start(
    store: Store, session: str, topic_id: int, by: str | None, now: dt.datetime, ends_at: dt.datetime | None
) -> Discussion:
    discussion_id = await store.transaction(
        lambda db: _insert(db, session, topic_id, by, now, ends_at),
    )
    found = await by_id(store, discussion_id)
    assert found is not None
    return found


async def _insert(
    db: aiosqlite.Connection,
    session: str,
    topic_id: int,
    by: str | None,
    now: dt.datetime,
    ends_at: dt.datetime | None,
) -> int:
    cursor = await db.execute(
        "INSERT INTO discussions (session, topic_id, started_by, started_at, ends_at) VALUES (?, ?, ?, ?, ?)",
        (session, topic_id, by, iso(now), iso(ends_at) if ends_at else None),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


_CLOSE = "UPDATE discussions SET closed_at = ?, minutes = ?, vote_closes_at = NULL WHERE id = ? AND closed_at IS NULL"


async def close(store: Store, discussion_id: int, at: dt.datetime, minutes: int | None) -> bool:
    """Close a current discussion; False when it was closed already."""
    return bool(await store.execute(_CLOSE, (iso(at), minutes, discussion_id)))


async def close_in(db: aiosqlite.Connection, discussion_id: int, at: dt.datetime, minutes: int | None) -> bool:
    """`close`, inside the caller's transaction."""
    cursor = await db.execute(_CLOSE, (iso(at), minutes, discussion_id))
    return bool(cursor.rowcount)


async def set_timebox(store: Store, discussion_id: int, ends_at: dt.datetime | None) -> bool:
    """A host's change of the timebox (`!timer`): it ends at `ends_at` (None: no timebox),
    and a vote to go on still open is decided by it (closed without a count)."""
    return bool(
        await store.execute(
            "UPDATE discussions SET ends_at = ?, vote_closes_at = NULL WHERE id = ? AND closed_at IS NULL",
            (iso(ends_at) if ends_at else None, discussion_id),
        )
    )


async def open_vote(
    store: Store, discussion: Discussion, closes_at: dt.datetime, rooms: tuple[str, ...], now: dt.datetime
) -> bool:
    """Open the next vote to go on and record its posts, in one transaction; False when the
    discussion changed meanwhile (a host's command, another run)."""

    async def work(db: aiosqlite.Connection) -> bool:
        cursor = await db.execute(
            "UPDATE discussions SET round = round + 1, vote_closes_at = ? "
            "WHERE id = ? AND closed_at IS NULL AND round = ? AND vote_closes_at IS NULL AND ends_at = ?",
            (iso(closes_at), discussion.id, discussion.round, iso(discussion.ends_at) if discussion.ends_at else None),
        )
        if not cursor.rowcount:
            return False
        await _record(db, discussion.id, discussion.round + 1, PostKind.VOTE, rooms, PostStatus.SENDING, now)
        return True

    return await store.transaction(work)


async def keep_vote_open(store: Store, discussion: Discussion, closes_at: dt.datetime) -> bool:
    """The vote to go on of `discussion`'s round, still open, closes at `closes_at` instead
    (posted late: it stays open its whole time from then); False when it was decided meanwhile."""
    return bool(
        await store.execute(
            "UPDATE discussions SET vote_closes_at = ? "
            "WHERE id = ? AND closed_at IS NULL AND round = ? AND vote_closes_at IS NOT NULL",
            (iso(closes_at), discussion.id, discussion.round),
        )
    )


async def extend(
    store: Store,
    discussion: Discussion,
    ends_at: dt.datetime,
    count: Count,
    rooms: tuple[str, ...],
    status: PostStatus,
    now: dt.datetime,
) -> bool:
    """A 👍 majority: the next extension runs until `ends_at`; its post recorded."""

    async def work(db: aiosqlite.Connection) -> bool:
        cursor = await db.execute(
            "UPDATE discussions SET extended = extended + 1, ends_at = ?, vote_closes_at = NULL "
            "WHERE id = ? AND closed_at IS NULL AND round = ? AND vote_closes_at IS NOT NULL",
            (iso(ends_at), discussion.id, discussion.round),
        )
        if not cursor.rowcount:
            return False
        await _record(db, discussion.id, discussion.round, PostKind.EXTENDED, rooms, status, now, count)
        return True

    return await store.transaction(work)


async def finish(
    store: Store,
    discussion: Discussion,
    kind: PostKind,
    minutes: int,
    count: Count | None,
    rooms: tuple[str, ...],
    status: PostStatus,
    now: dt.datetime,
    also: Callable[[aiosqlite.Connection], Awaitable[object]],
) -> bool:
    """The vote (or the time, with no extension left) ends the discussion; its post
    recorded, and `also` done (the topic marked discussed), all in one transaction."""

    async def work(db: aiosqlite.Connection) -> bool:
        cursor = await db.execute(
            "UPDATE discussions SET closed_at = ?, minutes = ?, vote_closes_at = NULL "
            "WHERE id = ? AND closed_at IS NULL AND round = ?",
            (iso(now), minutes, discussion.id, discussion.round),
        )
        if not cursor.rowcount:
            return False
        await also(db)
        await _record(db, discussion.id, discussion.round, kind, rooms, status, now, count)
        return True

    return await store.transaction(work)


async def skip_vote(store: Store, discussion: Discussion) -> bool:
    """A vote to go on fell due too long ago (the bot was down): no vote, no timebox; the
    topic stays current until a host decides."""
    return bool(
        await store.execute(
            "UPDATE discussions SET ends_at = NULL WHERE id = ? AND closed_at IS NULL AND round = ? "
            "AND vote_closes_at IS NULL",
            (discussion.id, discussion.round),
        )
    )


async def _record(
    db: aiosqlite.Connection,
    discussion_id: int,
    round_: int,
    kind: PostKind,
    rooms: tuple[str, ...],
    status: PostStatus,
    now: dt.datetime,
    count: Count | None = None,
) -> None:
    up, down = (count.up, count.down) if count else (None, None)
    await db.executemany(
        "INSERT OR IGNORE INTO discussion_posts (discussion_id, round, kind, room_id, status, at, up, down) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(discussion_id, round_, kind.value, room, status.value, iso(now), up, down) for room in rooms],
    )


async def pending_posts(store: Store) -> list[Post]:
    """Posts recorded and not yet sent (a crash, a failed send), oldest first."""
    rows = await store.fetchall(
        "SELECT discussion_id, round, kind, room_id, at, up, down FROM discussion_posts "
        "WHERE status = 'sending' ORDER BY at"
    )
    return [
        Post(
            r["discussion_id"],
            r["round"],
            PostKind(r["kind"]),
            r["room_id"],
            parse_iso(r["at"]),
            None if r["up"] is None else Count(r["up"], r["down"]),
        )
        for r in rows
    ]


async def mark_post(store: Store, post: Post, status: PostStatus, event_id: str | None = None) -> None:
    await store.execute(
        "UPDATE discussion_posts SET status = ?, event_id = ? "
        "WHERE discussion_id = ? AND round = ? AND kind = ? AND room_id = ?",
        (status.value, event_id, post.discussion_id, post.round, post.kind.value, post.room_id),
    )
