"""A simulated year of Lean Coffee (issue 29, point 5), beside test_year.py and on its clock,
homeserver and crashes: in a dozen sessions spread over the year hosts `!start` and
`!discuss` topic after topic, people vote to go on with 👍/👎 on the bot's vote message (in
either room; some change their mind or take it back), and at seeded random moments the bot
restarts, crashes in the middle of a send, or is down for a while, shorter or longer than
the grace window. What people type while it is down reaches it when it is back.

Checked after every run of the bot: nothing due is left undone (a timebox that ended has its
vote, or, past the grace window, is skipped with a log line; a vote that closed is counted),
and each count is each person's latest 👍 or 👎 the bot had received. At the end: each post,
by (discussion, round, kind, room), was shown exactly once, when due or at the bot's first
chance after, or skipped with a log line when that chance came past the grace window; every
topic discussed ends marked discussed, with its minutes.

CI runs one seed; CCC_YEAR_SEEDS=50 runs 50, CCC_YEAR_SEED=N replays one.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import logging
import random
from collections import Counter
from dataclasses import dataclass, field

import pytest

from bot.core import reactions
from bot.core.clock import iso
from bot.core.model import IncomingReaction
from bot.features.lean_coffee import repository
from bot.features.lean_coffee.repository import Discussion
from tests.conftest import ALICE, BOB, ORGANISER
from tests.features.announcements.year import (
    GRACE,
    HOST_WAIT,
    ROOMS,
    T0,
    T_END,
    ZONE,
    Bot,
    Collect,
    Crash,
    Homeserver,
    Session,
    env_seeds,
    year_sessions,
)

TIMEBOX = dt.timedelta(minutes=8)
EXTENSIONS = (dt.timedelta(minutes=4), dt.timedelta(minutes=2))
VOTE = dt.timedelta(seconds=60)
VOTERS = (ALICE, BOB, "@carol:example.org", "@dan:example.org", "@erin:example.org", ORGANISER)
LEAN_COFFEE_SESSIONS = 12
UP, DOWN = "👍", "👎"


@dataclass
class Year:
    """What happened, as the people and the clock saw it."""

    down: list[tuple[dt.datetime, dt.datetime, bool]] = field(default_factory=list)  # (from, back, from included)
    # The reactions the bot received on each vote (by "discussion:round"), in order:
    # (who, key, reaction event, added).
    received: dict[str, list[tuple[str, str, str, bool]]] = field(default_factory=dict)
    counted: Counter[str] = field(default_factory=Counter)  # 'extended', 'moved-on', 'time-up', 'skipped'...
    problems: list[str] = field(default_factory=list)
    crashes: int = 0
    restarts: int = 0

    def first_chance(self, at: dt.datetime) -> dt.datetime:
        t = at
        for start, back, included in self.down:
            if start < t < back or (included and t == start):
                t = back
        return t


def expected_count(received: list[tuple[str, str, str, bool]]) -> tuple[int, int]:
    """Each person's latest reaction still there (a later one replaces an earlier; one taken
    back no longer counts)."""
    there: dict[str, tuple[str, str]] = {}  # reaction event -> (who, key)
    for who, key, event, added in received:
        if added:
            there[event] = (who, key)
        else:
            there.pop(event, None)
    latest = {who: key for who, key in there.values()}
    up = sum(1 for key in latest.values() if key == UP)
    return up, len(latest) - up


async def simulate(chat, seed: int, logs: Collect) -> tuple[Year, Homeserver]:
    rng = random.Random(seed)
    await chat.store.fetchall("PRAGMA synchronous = OFF")
    clock = chat.clock
    clock.set(T0)
    server = Homeserver(clock, chat.store)
    year = Year()
    store = chat.store
    bot = Bot(chat, server)
    tie = itertools.count()
    visits: list[tuple[dt.datetime, int, str, tuple]] = []
    reaction_ids = itertools.count(1)

    def at(when: dt.datetime, kind: str, *args) -> None:
        heapq.heappush(visits, (when, next(tie), kind, args))

    def odd(when: dt.datetime) -> dt.datetime:  # never exactly on a due time
        return when.replace(microsecond=0) + dt.timedelta(seconds=rng.choice([7, 23, 41]))

    # --- the plan: a dozen Lean Coffee sessions, each with its topics and its troubles --------
    sessions: list[Session] = sorted(
        rng.sample([s for s in year_sessions() if T0 + dt.timedelta(days=3) < s.starts_at < T_END], 12),
        key=lambda s: s.starts_at,
    )
    plans: dict[str, dict] = {}
    for s in sessions:
        start = s.starts_at
        for n in range(4):
            who = rng.choice(VOTERS)
            name = who.split(":")[0][1:]
            at(start - dt.timedelta(hours=1, minutes=n), "say", who, f"!suggest Topic {n} of {s.key} by {name}", s.key)
        at(start + dt.timedelta(minutes=2, seconds=13), "say", ORGANISER, "!start", s.key)
        ends = rng.random() < 0.7  # else it closes on its own, 3 h after its start
        plans[s.key] = {"topics": rng.randint(2, 4), "end": start + dt.timedelta(minutes=rng.uniform(60, 110))}
        if ends:
            at(plans[s.key]["end"], "say", ORGANISER, "!end", s.key)
        gaps = (
            dt.timedelta(0),
            dt.timedelta(seconds=rng.uniform(5, 50)),
            dt.timedelta(minutes=rng.uniform(1, 10)),
            dt.timedelta(minutes=rng.uniform(10, 29)),
            dt.timedelta(minutes=rng.uniform(31, 90)),
        )
        for _ in range(rng.randint(2, 4)):
            when = start + dt.timedelta(minutes=rng.uniform(5, 100))
            gap = rng.choice(gaps)
            if rng.random() < 0.6:
                at(when, "arm", rng.randint(1, 3), rng.random() < 0.5, gap)
            else:
                at(when, "stop", gap)
    at(T0, "run")
    at(T_END, "run")

    # --- the year ------------------------------------------------------------------------------
    bot.start()
    back_at: dt.datetime | None = None
    fresh, armed, crash_gap = True, False, dt.timedelta(0)
    deferred: list[tuple[str, tuple]] = []
    seen_votes: set[str] = set()
    discussions_of: Counter[str] = Counter()
    host_planned: set[tuple[str, int]] = set()
    ended: set[str] = set()
    last = T0 - dt.timedelta(seconds=1)

    async def act(kind: str, args: tuple) -> None:
        now = clock.now()
        if kind == "say":
            who, text, session = args
            answer = await chat.text(who, text)
            if text == "!end":
                ended.add(session)
            elif text == "!discuss":
                if "Now discussing" in answer:
                    discussions_of[session] += 1
                else:  # not started yet, or nothing left to discuss: the host looks again later
                    host_planned.discard((session, discussions_of[session]))
            return
        who, ref, room, key, event, added = args
        vote_key = f"lean-coffee:{ref}:vote:{room}"
        if vote_key not in server.shown:
            return
        target = f"$ev{list(server.shown).index(vote_key)}"
        known = await reactions.anchor_of(store, target) is not None
        await chat.dispatcher.handle_reaction(IncomingReaction(who, room, event, target, key, now, added))
        if known:
            year.received.setdefault(ref, []).append((who, key, event, added))

    aimed: set[tuple[int, int]] = set()

    def aim(when: dt.datetime) -> None:
        """A downtime or a crash that lets something fall due while the bot is down: back
        within seconds, within the grace window, or past it."""
        gap = rng.choice(
            (
                dt.timedelta(seconds=rng.uniform(5, 50)),
                dt.timedelta(minutes=rng.uniform(1, 10)),
                dt.timedelta(minutes=rng.uniform(31, 90)),
            )
        )
        at(when, "stop", gap)

    def people_vote(ref: str, room_shown: dict[str, dt.datetime]) -> None:
        """Some people react on the vote in one of the rooms before it closes; some change
        their mind, some take their reaction back."""
        for who in rng.sample(VOTERS, rng.randint(0, len(VOTERS))):
            room = rng.choice(list(room_shown))
            when = room_shown[room] + dt.timedelta(seconds=rng.uniform(1, 50))
            key = rng.choice([UP, UP, DOWN])
            event = f"$r{next(reaction_ids)}"
            at(when, "react", who, ref, room, key, event, True)
            later = when + dt.timedelta(seconds=rng.uniform(1, 8))
            if rng.random() < 0.2:
                at(later, "react", who, ref, room, DOWN if key == UP else UP, f"$r{next(reaction_ids)}", True)
            elif rng.random() < 0.15:
                at(later, "react", who, ref, room, key, event, False)

    async def host_step(now: dt.datetime) -> None:
        """The host of a running Lean Coffee session starts the next topic when none is
        being discussed (after a minute or three), and moves on from one left without a
        timebox (its vote skipped after a long downtime)."""
        for s in sessions:
            plan = plans[s.key]
            if not s.starts_at <= now < plan["end"] or s.key in ended:
                continue
            current = await repository.current(store)
            if current is not None and current.session != s.key:
                continue
            stuck = current is not None and current.ends_at is None and current.vote_closes_at is None
            if (current is None and discussions_of[s.key] < plan["topics"]) or stuck:
                mark = (s.key, discussions_of[s.key])
                if mark not in host_planned:
                    host_planned.add(mark)
                    at(now + dt.timedelta(minutes=rng.uniform(0.5, 3)), "say", ORGANISER, "!discuss", s.key)

    while visits:
        now, _, kind, args = heapq.heappop(visits)
        clock.set(now)
        if back_at is not None and now >= back_at:
            back_at = None
            bot.start()
            year.restarts += 1
            fresh = True
        if kind in ("say", "react"):
            if bot.announcer is None:
                deferred.append((kind, args))
                continue
            await act(kind, args)
            at(now, "run")  # a command that changed what is due runs the jobs at once
            continue
        if bot.announcer is None:
            continue
        if kind == "arm" and not armed:
            server.crash_in, server.crash_before = args[0], args[1]
            crash_gap, armed = args[2], True
        elif kind == "stop":
            bot.stop()
            back_at = odd(now + args[0])
            year.down.append((now, back_at, False))
            at(back_at, "run")
            continue
        if now <= last and kind == "run":
            continue
        last = now
        # What people did while it was down reaches it when it is back (its inbox).
        while deferred:
            await act(*deferred.pop(0))
        if fresh:
            saved, server.crash_in = server.crash_in, None
        before = await repository.current(store)
        try:
            await bot.announcer.run_due()
        except Crash:
            year.crashes += 1
            armed = False
            bot.stop()
            back_at = max(odd(now + crash_gap), now + dt.timedelta(seconds=1))
            year.down.append((now, back_at, True))
            at(back_at, "run")
            continue
        finally:
            if fresh:
                server.crash_in, fresh = saved, False
        await check_run(store, server, year, logs, before, now)
        # People see each vote as it is shown, in each room.
        shown_votes: dict[str, dict[str, dt.datetime]] = {}
        for key, (when, _reply) in server.shown.items():
            if key.startswith("lean-coffee:") and ":vote:" in key:
                ref, room = ":".join(key.split(":")[1:3]), key.split(":vote:")[1]
                shown_votes.setdefault(ref, {})[room] = when
        for ref, rooms in shown_votes.items():
            if ref not in seen_votes:
                seen_votes.add(ref)
                people_vote(ref, rooms)
                if rng.random() < 0.2:  # down while the vote is open: back before its close, or after
                    aim(min(rooms.values()) + dt.timedelta(seconds=rng.uniform(5, 50)))
        current = await repository.current(store)
        if current is not None and current.ends_at is not None and current.vote_closes_at is None:
            if (current.id, current.round) not in aimed and rng.random() < 0.2:  # down as its timebox ends
                aimed.add((current.id, current.round))
                aim(current.ends_at - dt.timedelta(seconds=rng.uniform(1, 60)))
        await host_step(now)
        for when in await bot.planned(now):
            if when <= T_END:
                at(when, "run")
    assert back_at is None, "the bot is back before the year ends"
    return year, server


async def check_run(
    store, server: Homeserver, year: Year, logs: Collect, before: Discussion | None, now: dt.datetime
) -> None:
    """After a run: nothing due is left undone, and what it did is what was due."""
    after = await repository.current(store)
    if after is not None and (
        (after.vote_closes_at is not None and after.vote_closes_at <= now)
        or (after.vote_closes_at is None and after.ends_at is not None and after.ends_at <= now)
    ):
        year.problems.append(f"{now}: discussion {after.id} has something due and left undone: {after}")
    if before is None:
        return
    posts = {
        (r["round"], r["kind"]): r
        for r in await store.fetchall(
            "SELECT round, kind, status, up, down, at FROM discussion_posts WHERE discussion_id = ?", (before.id,)
        )
    }
    ended = after is None or after.id != before.id
    if ended and not any(r["at"] == iso(now) for r in posts.values()):
        return  # closed with its session (or by a host), not by this run's timebox or vote
    if before.vote_closes_at is None and before.ends_at is not None and before.ends_at <= now:
        late = now > before.ends_at + GRACE
        if late:
            year.counted["vote skipped"] += 1
            if ended or after.ends_at is not None or after.round != before.round:  # type: ignore[union-attr]
                year.problems.append(f"{now}: timebox of {before.id} ended {before.ends_at}, past grace: not skipped")
            if f"ended at {before.ends_at.isoformat()}, past the grace window" not in "\n".join(logs.lines):
                year.problems.append(f"{now}: the skipped vote of {before.id} is not logged")
        elif not ended and after is not None:
            if after.round != before.round + 1 or after.vote_closes_at != now + VOTE:
                year.problems.append(f"{now}: timebox of {before.id} ended {before.ends_at}: no vote opened: {after}")
        elif (before.round, "time-up") not in posts or before.extended < len(EXTENSIONS):
            year.problems.append(f"{now}: timebox of {before.id} ended: closed without its post")
        else:
            year.counted["time-up"] += 1
    if before.vote_closes_at is not None and before.vote_closes_at <= now:
        if not ended and after is not None and after.round == before.round and after.vote_closes_at == now + VOTE:
            # Its vote went out only now (a crash came between its record and its send):
            # it stays open its whole time from now.
            key = f"lean-coffee:{before.id}:{before.round}:vote:"
            if not any(k.startswith(key) and when == now for k, (when, _r) in server.shown.items()):
                year.problems.append(f"{now}: the vote of {before.id}:{before.round} kept open, not shown now")
            year.counted["vote kept open"] += 1
            return
        row = posts.get((before.round, "extended")) or posts.get((before.round, "moved-on"))
        if row is None:
            year.problems.append(f"{now}: the vote of {before.id}:{before.round} closed and was not counted")
            return
        ref = f"{before.id}:{before.round}"
        up, down = expected_count(year.received.get(ref, []))
        if (row["up"], row["down"]) != (up, down):
            year.problems.append(f"{now}: vote {ref} counted {row['up']}/{row['down']}, received {up}/{down}")
        go_on = up > down and before.extended < len(EXTENSIONS)
        if (row["kind"] == "extended") != go_on:
            year.problems.append(f"{now}: vote {ref} ({up}/{down}) ended as {row['kind']}")
        late = now > before.vote_closes_at + GRACE
        if (row["status"] == "skipped") != late:
            year.problems.append(f"{now}: vote {ref} closed {before.vote_closes_at}: its outcome {row['status']}")
        year.counted[row["kind"] + (" (late: not posted)" if late else "")] += 1


async def check_year(chat, seed: int) -> str:
    logs = Collect()
    logger = logging.getLogger("bot")
    logger.addHandler(logs)
    try:
        year, server = await simulate(chat, seed, logs)
    finally:
        logger.removeHandler(logs)
    problems = year.problems
    text = "\n".join(logs.lines)
    store = chat.store
    rows = await store.fetchall("SELECT discussion_id, round, kind, room_id, status, at FROM discussion_posts")
    recorded = {}
    for r in rows:
        key = f"lean-coffee:{r['discussion_id']}:{r['round']}:{r['kind']}:{r['room_id']}"
        recorded[key] = r
        at = dt.datetime.fromisoformat(r["at"])
        first = year.first_chance(at)
        if r["status"] == "sent":
            if key not in server.shown:
                problems.append(f"{key} is recorded sent and was never shown")
                continue
            when = server.shown[key][0]
            if not at <= when <= first:
                problems.append(f"{key} recorded at {at} (first chance {first}) was shown at {when}")
        elif r["status"] == "skipped":
            if key in server.shown:
                problems.append(f"{key} was shown and is recorded skipped")
            counted_late = r["kind"] in ("extended", "moved-on") and "counted, not posted" in text
            if not counted_late and first <= at + GRACE:
                problems.append(f"{key} recorded at {at} was skipped though the bot was back at {first}")
            if not counted_late and f"Lean Coffee post {key} was due at" not in text:
                problems.append(f"{key} was skipped without a log line")
        else:
            problems.append(f"{key} is still {r['status']} at the end of the year")
    # Each vote shown stays open its whole time from when it was shown, in every room.
    outcomes = {
        f"lean-coffee:{r['discussion_id']}:{r['round']}": r for r in rows if r["kind"] in ("extended", "moved-on")
    }
    for key, (when, _reply) in server.shown.items():
        vote = key.split(":vote:")[0] if ":vote:" in key else None
        if vote is not None and vote in outcomes and dt.datetime.fromisoformat(outcomes[vote]["at"]) < when + VOTE:
            problems.append(f"{key} shown at {when} was counted at {outcomes[vote]['at']}")
    for key in server.shown:
        if key.startswith("lean-coffee:") and key not in recorded:
            problems.append(f"{key} was shown and never recorded")
    for key, count in server.attempts.items():
        if key.startswith("lean-coffee:") and count > 1 + (key in server.interrupted):
            problems.append(f"{key} was handed to the homeserver {count} times")
    # Every topic taken up ends marked discussed in its session, with its minutes.
    discussions = await store.fetchall("SELECT id, session, topic_id, started_at, closed_at, minutes FROM discussions")
    for d in discussions:
        topic = await store.fetchone("SELECT status, session, minutes FROM topics WHERE id = ?", (d["topic_id"],))
        if d["closed_at"] is None or d["minutes"] is None:
            problems.append(f"discussion {d['id']} of topic #{d['topic_id']} never closed with its minutes")
            continue
        spent = dt.datetime.fromisoformat(d["closed_at"]) - dt.datetime.fromisoformat(d["started_at"])
        if d["minutes"] != max(1, int((spent.total_seconds() + 30) // 60)):
            problems.append(f"discussion {d['id']} lasted {spent} and is recorded as {d['minutes']} minutes")
        elif tuple(topic) != ("discussed", d["session"], d["minutes"]):
            problems.append(f"topic #{d['topic_id']} after discussion {d['id']} ({d['minutes']} min): {tuple(topic)}")
    assert not problems, f"seed {seed}: {len(problems)} problems\n" + "\n".join(problems[:40])
    shown = Counter(k.split(":")[3] for k in server.shown if k.startswith("lean-coffee:"))
    # The year did what it is for.
    assert len(discussions) >= 20 and shown["vote"] >= 10 and shown["extended"] and shown["moved-on"], shown
    assert year.crashes >= 3 and year.restarts >= 3, (year.crashes, year.restarts)
    return (
        f"seed {seed}: {len(discussions)} topics discussed; shown {dict(shown)}; outcomes {dict(year.counted)}; "
        f"{year.crashes} crashes, {year.restarts} restarts, {len(year.down)} downtimes"
    )


@pytest.mark.soak
@pytest.mark.parametrize("seed", env_seeds())
async def test_a_simulated_year_of_lean_coffee_posts_each_vote_and_outcome_once(make_chat, make_config, seed):
    config = make_config(
        matrix={"rooms": list(ROOMS)},
        conference={
            "timezone": ZONE,
            "slots": ["Sunday 10:00", "Wednesday 18:30"],
            "announce_before": ["0m"],
            "announce_grace_minutes": int(GRACE.total_seconds() // 60),
            "host_wait_minutes": int(HOST_WAIT.total_seconds() // 60),
        },
        lean_coffee={"timebox": "8m", "extensions": ["4m", "2m"], "vote_seconds": int(VOTE.total_seconds())},
    )
    chat = await make_chat(config, start=T0)
    print(await check_year(chat, seed))
