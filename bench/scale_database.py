"""The database of `python -m bench scale` (and `bench web`): a community after years of
use, bulk-inserted with SQL in one transaction, and the config that serves it."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

from bench import ROOT
from bot.core.clock import iso
from bot.core.config import Config, parse_config
from bot.features.schedule.repository import Session, sessions_from
from bot.features.topics.matching import normalise
from bot.storage.store import Store

ROOM = "!scale:localhost"
ORGANISER = "@organiser:localhost"
MEMBER = "@member1:localhost"


@dataclass(frozen=True)
class Size:
    topics: int = 10_000
    votes: int = 100_000
    sessions: int = 500
    checkins: int = 20_000
    people: int = 2_000  # who suggests, votes and checks in


def scale_config(folder: Path, database: Path) -> Config:
    return parse_config(
        {
            "matrix": {"homeserver": "http://127.0.0.1:1", "user_id": "@ccc-bot:localhost", "rooms": [ROOM]},
            "roles": {"organisers": [ORGANISER]},
            "storage": {"database": str(database), "state_dir": "state"},
            "topics": {"seed_file": str(ROOT / "topics.yaml")},
            # Each figure times one person repeating a command: past the flood limit most
            # would be answered with silence (`python -m bench flood` times the limit).
            "limits": {"commands_per_minute": 0},
        },
        base_dir=folder,
    )


def random_text(rng: random.Random) -> Callable[[], str]:
    """A maker of sentences of 4 to 10 made-up words (from 5,000), each call a new one."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    vocabulary = ["".join(rng.choices(letters, k=rng.randint(3, 9))) for _ in range(5000)]
    return lambda: " ".join(rng.choices(vocabulary, k=rng.randint(4, 10))).capitalize()


async def build_database(path: Path, config: Config, now: dt.datetime, size: Size, seed: int = 8) -> None:
    """Bulk inserts in one transaction: 45 % of the topics open, 45 % discussed (in the
    sessions), 10 % withdrawn; votes skewed towards some topics, as in real lists."""
    rng = random.Random(seed)
    people = [f"@member{i}:localhost" for i in range(size.people)]
    held = _past_sessions(config, now, size.sessions)
    store = await Store.open(path)
    try:

        async def fill(db: aiosqlite.Connection) -> None:
            await db.executemany(
                "INSERT INTO users (user_id, display_name) VALUES (?, ?)",
                [(p, f"Member {i}") for i, p in enumerate(people)],
            )
            await db.executemany(
                "INSERT INTO sessions (key, starts_at, started_by, started_at, ended_at, ended_by) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(s.key, iso(s.starts_at), people[0], iso(s.starts_at + 3 * MINUTE), iso(s.starts_at + 65 * MINUTE),
                  people[0]) for s in held],
            )  # fmt: skip
            await db.executemany(
                "INSERT INTO attendance (session, user_id, checked_in_at, via) VALUES (?, ?, ?, ?)",
                _check_ins(rng, held, people, size.checkins),
            )
            await db.executemany(
                "INSERT INTO topics (text, norm, suggested_by, suggested_name, suggested_at, status, session, note, "
                "discussed_at, withdrawn_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                _topics(rng, held, people, size.topics, now - dt.timedelta(weeks=size.sessions // 2), now),
            )
            cursor = await db.execute("SELECT id FROM topics WHERE seed_key IS NULL ORDER BY id")
            ids = [r[0] for r in await cursor.fetchall()]
            await db.executemany(
                "INSERT INTO votes (topic_id, user_id, voted_at) VALUES (?, ?, ?)",
                _votes(rng, ids, people, size.votes, now),
            )

        await store.transaction(fill)
        await store.execute("ANALYZE")
    finally:
        await store.close()


MINUTE = dt.timedelta(minutes=1)


def _past_sessions(config: Config, now: dt.datetime, count: int) -> list[Session]:
    """The last `count` sessions of the schedule before `now`."""
    weeks = count // max(len(config.conference.slots), 1) + 2
    upcoming = itertools.takewhile(lambda s: s.starts_at < now, sessions_from(config, now - dt.timedelta(weeks=weeks)))
    return list(upcoming)[-count:]


def _check_ins(rng: random.Random, held: list[Session], people: list[str], count: int) -> list[tuple]:
    per_session, extra = divmod(count, max(len(held), 1))
    return [
        (s.key, person, iso(s.starts_at + 5 * MINUTE), rng.choice(["command", "reaction"]))
        for i, s in enumerate(held)
        for person in rng.sample(people, per_session + (1 if i < extra else 0))
    ]


def _topics(
    rng: random.Random, held: list[Session], people: list[str], count: int, first: dt.datetime, now: dt.datetime
) -> list[tuple]:
    text = random_text(rng)
    rows = []
    for i in range(count):
        words, by, kind = text(), rng.randrange(len(people)), rng.random()
        suggested = first + (now - first) * (i / count)
        status, session, note, discussed, withdrawn = "open", None, None, None, None
        if kind < 0.45 and held:
            status, session = "discussed", rng.choice(held)
            discussed, note = iso(session.starts_at + 20 * MINUTE), rng.choice([None, "good talk"])
        elif kind < 0.55:
            status, withdrawn = "withdrawn", iso(suggested + dt.timedelta(days=2))
        key = session.key if session else None
        rows.append(
            (
                words,
                normalise(words),
                people[by],
                f"Member {by}",
                iso(suggested),
                status,
                key,
                note,
                discussed,
                withdrawn,
            )
        )
    return rows


def _votes(rng: random.Random, ids: list[int], people: list[str], count: int, now: dt.datetime) -> list[tuple]:
    votes: set[tuple[int, int]] = set()
    while len(votes) < min(count, len(ids) * len(people)):
        # Squaring skews the picks: a few topics get many votes, most get a few.
        votes.add((ids[int(len(ids) * rng.random() ** 2)], rng.randrange(len(people))))
    at = iso(now - dt.timedelta(days=1))
    return [(topic, people[person], at) for topic, person in votes]
