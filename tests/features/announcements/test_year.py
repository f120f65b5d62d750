"""A simulated year (issue 19, point 8): a fake clock runs 53 weeks across both daylight-saving
changes of the display zones, with two slots in a zone that has them, three lead times, direct
message reminders for 100 people, cancellations (early, late, of a whole day, and lifted), and
at seeded random moments a restart, a crash in the middle of a send, or a downtime shorter or
longer than the grace window.

The expectation is computed on its own from the config (every session of the year from the
slot definitions with zoneinfo, minus the cancellations) and from what actually happened (when
the bot was down, when a cancellation was made or lifted): each (room, session, lead)
announcement and each (person, session, lead) reminder is shown exactly once, or, when its time
fell in a downtime and the bot came back too late for it, skipped with a log line; nothing but
its notice is sent for a cancelled session; every text states the session's time right across
the DST changes. A message sent again with the same key counts once (the homeserver dedupes it
by the transaction id derived from the key), and only a send a crash interrupted is tried twice.

CI runs one seed; `make soak-year` runs 50 (CCC_YEAR_SEEDS=50). CCC_YEAR_SEED=N replays one.
"""

from __future__ import annotations

import datetime as dt
import heapq
import logging
import random
from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pytest

from bot.core.model import Reply
from tests.conftest import ORGANISER
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

LEADS = {"1d": dt.timedelta(days=1), "15m": dt.timedelta(minutes=15), "0m": dt.timedelta(0)}
PEOPLE = 100
PERSON_ZONES = (None, "America/New_York", "Europe/Berlin", "Asia/Kolkata", "America/Sao_Paulo", "Australia/Sydney")
PERSON_LEADS = ("5m", "10m", "15m", "30m", "1h", "3h", "1d", "2d")


def lead_of(text: str) -> dt.timedelta:
    return dt.timedelta(**{{"m": "minutes", "h": "hours", "d": "days"}[text[-1]]: int(text[:-1])})


def long_date(at: dt.datetime) -> str:
    """'Thursday 26 November, 08:00': no year, as messages days before their session name it."""
    return f"{at:%A} {at.day} {at:%B}, {at:%H:%M}"


@dataclass
class Run:
    """What happened: when the bot was down, which cancellations were made and lifted."""

    down: list[tuple[dt.datetime, dt.datetime, bool]] = field(default_factory=list)  # (from, back, from included)
    cancelled: dict[str, tuple[dt.datetime, dt.datetime | None]] = field(default_factory=dict)  # key -> (c, u)
    settings: dict[str, tuple[str, tuple[int, ...], dt.timedelta]] = field(default_factory=dict)  # user -> zone...
    crashes: int = 0
    restarts: int = 0

    def first_chance(self, at: dt.datetime, session: str | None = None) -> dt.datetime:
        """When the bot could first act on something due at `at`: after the downtime it fell
        in, and after the session's cancellation was lifted if it fell while cancelled."""
        t = at
        for _ in range(3):
            for start, back, included in self.down:
                if start < t < back or (included and t == start):
                    t = back
            if session is not None and session in self.cancelled:
                c, u = self.cancelled[session]
                if u is not None and c <= t < u:
                    t = u
        return t


@dataclass(frozen=True)
class Expected:
    key: str
    at: dt.datetime
    deadline: dt.datetime
    session: Session
    kind: str  # 'lead', 'cancelled', 'host-wait', 'reminder', 'reminder-cancelled', 'reminder-restored'
    log: str  # what a skip's log line says
    superseded_by: tuple[dt.datetime, ...] = ()  # later leads: due by then, this one is dropped
    blocked: bool = False  # fell while the session was cancelled (lifted later)


def expectation(run: Run, sessions: list[Session]) -> dict[str, Expected]:
    out: dict[str, Expected] = {}
    max_lead = max(LEADS.values())

    def add(item: Expected) -> None:
        if T0 < item.at <= T_END:
            out[item.key] = item

    for s in sessions:
        start = s.starts_at
        c, u = run.cancelled.get(s.key, (None, None))
        notice = max(start - max_lead, c) if c is not None else None
        held = c is None or (u is not None and u > c)  # it takes place in the end
        # Told of it if the bot got to act while it was still cancelled (a lift handled at a
        # start, before the first run, means no notice).
        told = c is not None and notice is not None and notice < start and (u is None or run.first_chance(notice) < u)
        for room in ROOMS:
            if told:
                add(
                    Expected(
                        f"announce:{s.key}:cancelled:{room}",
                        notice,
                        start,
                        s,
                        "cancelled",
                        f"cancelled announcement for session {s.key}",
                    )
                )
            for name, lead in LEADS.items():
                at = start - lead
                if c is not None and u is None and at >= c:
                    continue
                later = tuple(start - other for other in LEADS.values() if other < lead)
                deadline = start + GRACE if not lead else min(at + GRACE, start)
                blocked = c is not None and u is not None and c <= at < u
                add(
                    Expected(
                        f"announce:{s.key}:{name}:{room}",
                        at,
                        deadline,
                        s,
                        "lead",
                        f"{name} announcement for session {s.key}",
                        later,
                        blocked,
                    )
                )
            if held:
                add(
                    Expected(
                        f"announce:{s.key}:host-wait:{room}",
                        start + HOST_WAIT,
                        start + HOST_WAIT + GRACE,
                        s,
                        "host-wait",
                        f"host-wait announcement for session {s.key}",
                    )
                )
        for user, (_zone, slots, lead) in run.settings.items():
            if s.slot not in slots:
                continue
            at, name = start - lead, fmt(lead)
            key = f"remind:{user}:{s.key}:{name}"
            log = f"the {name} reminder of {user} for session {s.key}"
            # Told of the cancellation: the bot got to act on it (when the reminder was due,
            # or at once if cancelled later) while it was still cancelled.
            mine = max(at, c) if c is not None else None
            told = mine is not None and mine < start and (u is None or run.first_chance(mine) < u)
            if c is None or run.first_chance(at) < c or (u is not None and not told):
                add(Expected(key, at, min(at + GRACE, start), s, "reminder", log))
            if told:
                assert mine is not None
                add(Expected(f"{key}:cancelled", mine, start, s, "reminder-cancelled", log))
            if told and u is not None:
                # Lifted: word that it takes place after all, standing in for the reminder
                # whose time went by while it was cancelled.
                add(Expected(f"{key}:restored", u, start, s, "reminder-restored", log))
    return out


def fmt(lead: dt.timedelta) -> str:
    minutes = int(lead.total_seconds() // 60)
    if minutes and minutes % 1440 == 0:
        return f"{minutes // 1440}d"
    if minutes and minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"


async def simulate(chat, seed: int) -> tuple[Run, Homeserver, list[Session]]:
    rng = random.Random(seed)
    # A year of commits: durability is not what this test is about, and fsync is slow.
    await chat.store.fetchall("PRAGMA synchronous = OFF")
    clock = chat.clock
    clock.set(T0)
    server = Homeserver(clock)
    run = Run()
    sessions = year_sessions()

    # The organiser types sessions as the conference's zone names them (their own `!tz`).
    assert "is now" in await chat.text(ORGANISER, f"!tz {ZONE}")

    # --- 100 people ask for reminders, some in their own zone --------------------------------
    for n in range(PEOPLE):
        user = f"@p{n:03d}:example.org"
        zone = rng.choice(PERSON_ZONES)
        lead = rng.choice(PERSON_LEADS)
        if zone is not None:
            assert "is now" in await chat.text(user, f"!tz {zone}")
        which = rng.choice(["all", 0, 1])
        if which == "all":
            slots: tuple[int, ...] = (0, 1)
            typed = "all"
        else:
            slots = (which,)
            first = next(s for s in sessions if s.slot == which and s.starts_at > T0)
            typed = f"{first.starts_at.astimezone(ZoneInfo(zone or 'UTC')):%H:%M}"
        reply = await chat.text(user, f"!remind {typed} {lead}")
        assert reply.startswith("Done"), reply
        run.settings[user] = (zone or "UTC", slots, lead_of(lead))

    # --- the plan: cancellations, restarts, crashes, downtimes --------------------------------
    actions: list[tuple[dt.datetime, int, str, tuple]] = []
    order = iter(range(10**6))

    def plan(at: dt.datetime, kind: str, *args) -> None:
        actions.append((at.replace(microsecond=0), next(order), kind, args))

    def odd(at: dt.datetime) -> dt.datetime:  # never exactly on a due time
        return at.replace(second=rng.choice([7, 23, 41]), microsecond=0)

    candidates = [s for s in sessions if T0 + dt.timedelta(days=12) < s.starts_at < T_END - dt.timedelta(days=6)]
    chosen = rng.sample(candidates, 7)
    for i, s in enumerate(chosen):
        start = s.starts_at
        local_day, local_time = s.key.split()
        if i < 2:  # early
            plan(odd(start - dt.timedelta(days=rng.uniform(2, 10))), "cancel", s.key, f"{local_day} {local_time}")
        elif i == 2:  # the whole day, early
            plan(odd(start - dt.timedelta(days=rng.uniform(2, 10))), "cancel", s.key, local_day)
        elif i < 5:  # late: after the day-before announcement
            plan(
                odd(start - dt.timedelta(minutes=rng.uniform(20, 20 * 60))),
                "cancel",
                s.key,
                f"{local_day} {local_time}",
            )
        elif i == 5:  # lifted before its notice
            c = start - dt.timedelta(days=rng.uniform(4, 10))
            plan(odd(c), "cancel", s.key, f"{local_day} {local_time}")
            plan(odd(c + (start - dt.timedelta(days=1) - c) * rng.uniform(0.2, 0.8)), "lift", s.key, local_day)
        else:  # lifted after its notice went out
            plan(odd(start - dt.timedelta(days=rng.uniform(3, 6))), "cancel", s.key, f"{local_day} {local_time}")
            plan(odd(start - dt.timedelta(hours=rng.uniform(1, 20))), "lift", s.key, f"{local_day} {local_time}")
    dues = [s.starts_at - d for s in sessions for d in (*LEADS.values(), -HOST_WAIT)]
    dues += [s.starts_at - lead for s in sessions for (_, _, lead) in run.settings.values()]
    dues = sorted(d for d in set(dues) if T0 + dt.timedelta(days=1) < d < T_END - dt.timedelta(days=4))
    gaps = (
        lambda: dt.timedelta(0),
        lambda: dt.timedelta(minutes=rng.uniform(1, 10)),
        lambda: dt.timedelta(minutes=rng.uniform(10, 29)),
        lambda: dt.timedelta(minutes=rng.uniform(31, 8 * 60)),
        lambda: dt.timedelta(days=rng.uniform(1, 3.5)),
    )
    for _ in range(rng.randint(10, 16)):
        gap = rng.choice(gaps)()
        if rng.random() < 0.6:  # close before something due, so it falls in the downtime
            due = rng.choice(dues)
            at = due - dt.timedelta(seconds=1) if rng.random() < 0.3 else due - gap * rng.uniform(0, 1)
        else:
            at = T0 + (T_END - dt.timedelta(days=5) - T0) * rng.uniform(0.01, 1)
        kind = rng.choice(["restart", "crash", "crash"])
        if kind == "crash":
            plan(at, "arm", rng.randint(1, 4), rng.random() < 0.5, gap)
        else:
            plan(at, "stop", gap)
    actions.sort()

    # --- the year ----------------------------------------------------------------------------
    bot = Bot(chat, server)
    bot.start()
    visits = [(T0, 0)]
    tie = iter(range(1, 10**7))
    for d in dues:
        heapq.heappush(visits, (d, next(tie)))
    for at, _, _, _ in actions:
        heapq.heappush(visits, (at, next(tie)))
    heapq.heappush(visits, (T_END, next(tie)))
    pending = list(actions)
    back_at: dt.datetime | None = None
    deferred: list[tuple[str, tuple]] = []
    fresh = True  # the first run since a start: no crash in it
    armed = False
    last = T0 - dt.timedelta(seconds=1)
    planned_on: dt.date | None = None
    planned_restarts = -1

    async def command(kind: str, args: tuple) -> None:
        key, target = args
        now = clock.now()
        if kind == "cancel":
            text = await chat.text(ORGANISER, f"!cancel {target} year test")
            if text.startswith("Cancelled"):
                run.cancelled[key] = (now, None)
        else:
            text = await chat.text(ORGANISER, f"!uncancel {target}")
            if text.startswith("Restored") and key in run.cancelled:
                run.cancelled[key] = (run.cancelled[key][0], now)

    while visits:
        now, _ = heapq.heappop(visits)
        if now <= last:
            continue
        last = now
        clock.set(now)
        if back_at is not None and now >= back_at:
            back_at = None
            bot.start()
            run.restarts += 1
            fresh = True
        if bot.announcer is not None and not fresh:  # commands sent while it was down: after its first run
            while deferred:
                await command(*deferred.pop(0))
        while pending and pending[0][0] <= now:
            _, _, kind, args = pending.pop(0)
            if kind in ("cancel", "lift"):
                if bot.announcer is None:
                    deferred.append((kind, args))
                else:
                    await command(kind, args)
            elif bot.announcer is None:
                continue  # down already
            elif kind == "arm" and not armed:
                server.crash_in, server.crash_before = args[0], args[1]
                crash_gap, armed = args[2], True
            elif kind == "stop":
                bot.stop()
                back_at = odd(now + args[0]) if args[0] else now
                if back_at > now:
                    run.down.append((now, back_at, False))
                    heapq.heappush(visits, (back_at, next(tie)))
                else:
                    back_at = None
                    bot.start()
                    run.restarts += 1
                    fresh = True
        if bot.announcer is None:
            continue
        if fresh:
            saved, server.crash_in = server.crash_in, None
        try:
            await bot.announcer.run_due()
        except Crash:
            run.crashes += 1
            armed = False
            bot.stop()
            back_at = max(odd(now + crash_gap), now + dt.timedelta(seconds=1))
            run.down.append((now, back_at, True))
            heapq.heappush(visits, (back_at, next(tie)))
            continue
        finally:
            if fresh:
                server.crash_in, fresh = saved, False
        if deferred:
            heapq.heappush(visits, (now + dt.timedelta(minutes=1), next(tie)))
        # Also wake when its scheduler would (at each start and once a day it plans 8 days).
        if planned_on != now.date() or run.restarts != planned_restarts:
            planned_on, planned_restarts = now.date(), run.restarts
            for at in await bot.planned(now):
                if at <= T_END:
                    heapq.heappush(visits, (at, next(tie)))
    assert back_at is None, "the bot is back before the year ends"
    return run, server, sessions


async def check_year(chat, seed: int) -> str:
    collect = Collect()
    logger = logging.getLogger("bot")
    logger.addHandler(collect)
    try:
        run, server, sessions = await simulate(chat, seed)
    finally:
        logger.removeHandler(collect)
    expected = expectation(run, sessions)
    logs = "\n".join(collect.lines)
    problems: list[str] = []
    # A cancellation's or a lifting's key carries when it was recorded (after a '#').
    shown: dict[str, tuple[dt.datetime, Reply]] = {}
    for key, value in server.shown.items():
        base = key.split("#")[0]
        if base in shown:
            problems.append(f"{base} was shown twice")
        shown.setdefault(base, value)
    for key in shown:
        if key not in expected:
            problems.append(f"{key} was sent but nothing of the kind was due")
    sent = skipped = 0
    kinds: Counter[str] = Counter()
    for key, item in expected.items():
        first = run.first_chance(item.at, item.session.key)
        superseded = any(later <= first for later in item.superseded_by)
        must = first <= item.deadline and not superseded
        if key in shown:
            sent += 1
            kinds[item.kind] += 1
            when, reply = shown[key]
            if not item.at <= when <= max(first, item.at):
                problems.append(f"{key} due at {item.at} (first chance {first}) was shown at {when}")
            problems += text_problems(item, reply, run)
        elif must:
            problems.append(f"{key} due at {item.at} (first chance {first}, deadline {item.deadline}) was never sent")
        else:
            skipped += 1
            if not item.blocked and item.log not in logs:
                problems.append(f"{key} due at {item.at} was skipped (back at {first}) without a log line")
    for key, count in server.attempts.items():
        if count > 1 + (key in server.interrupted):
            problems.append(f"{key} was handed to the homeserver {count} times")
    assert not problems, f"seed {seed}: {len(problems)} problems\n" + "\n".join(problems[:40])
    # The run did what it is for.
    assert len(run.cancelled) >= 5 and run.restarts >= 3
    return (
        f"seed {seed}: {sent} sent, {skipped} skipped, {run.crashes} crashes, {run.restarts} restarts, "
        f"{len(run.down)} downtimes, {len(run.cancelled)} cancellations; shown: {dict(sorted(kinds.items()))}"
    )


def text_problems(item: Expected, reply: Reply, run: Run) -> list[str]:
    """Each message states the session's time right, in UTC and in the zones it shows."""
    start, text = item.session.starts_at, reply.text
    local = start.astimezone(ZoneInfo(ZONE))
    wanted: list[str] = []
    if item.kind in ("lead", "cancelled"):
        wanted.append(f"{long_date(start)} UTC")
    if item.kind == "lead":
        new_york = start.astimezone(ZoneInfo("America/New_York"))
        shown = f"{new_york:%H:%M}" if new_york.date() == start.date() else f"{new_york:%a %-d %b %H:%M}"
        wanted += [f"New York: {shown}", f"Berlin: {local:%H:%M}"]
        assert f"{local:%H:%M}" in ("10:00", "18:30")
    if item.kind.startswith("reminder"):
        user = reply.direct_to
        zone = run.settings[user][0]
        own = start.astimezone(ZoneInfo(zone))
        wanted.append(f"{long_date(own)} UTC" if zone == "UTC" else f"{long_date(own)} (")
        if zone != "UTC":
            wanted.append(f"; {start:%H:%M} UTC)")
        wanted.append(
            {"reminder-cancelled": "is cancelled", "reminder-restored": "takes place after all"}.get(item.kind, "⏰")
        )
    if item.kind == "cancelled":
        wanted.append("is cancelled")
    return [f"{item.key}: {w!r} not in {text!r}" for w in wanted if w not in text]


@pytest.mark.soak
@pytest.mark.parametrize("seed", env_seeds())
async def test_a_simulated_year_sends_each_message_once_or_logs_why_not(make_chat, make_config, seed):
    config = make_config(
        matrix={"rooms": list(ROOMS)},
        conference={
            "timezone": ZONE,
            "slots": ["Sunday 10:00", "Wednesday 18:30"],
            "display_timezones": ["UTC", "America/New_York", "Europe/Berlin"],
            "announce_before": list(LEADS),
            "announce_grace_minutes": int(GRACE.total_seconds() // 60),
            "host_wait_minutes": int(HOST_WAIT.total_seconds() // 60),
        },
    )
    chat = await make_chat(config, start=T0)
    print(await check_year(chat, seed))
