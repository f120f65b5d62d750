"""One session, one truth (issue 27): three Thursdays walked minute by minute, and at each
minute every command that names a session, the agenda and the reports say the same state
as the one place that decides it (bot/features/sessions/timeline.py).

Thu 26 Nov 08:00: coming, waiting for its host, started late, running, ended.
Thu 26 Nov 17:00: started, nobody ends it, closed automatically.
Thu 3 Dec 08:00: cancelled ahead. Thu 3 Dec 17:00: called off while it waited, Alice there.
Thu 10 Dec 08:00: Bob checks in, no host comes: not started.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.features.agenda.service import gather
from bot.features.export.reports import build_export
from bot.features.schedule.weekly_sessions import session_from_key
from bot.features.sessions import repository
from bot.features.sessions.timeline import Phase, Timeline
from commands.agenda import render_agenda
from tests.conftest import ALICE, BOB, HOST, ORGANISER

UTC = dt.UTC


def at(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=UTC)


Step = Callable[[object], Awaitable[None]]


def say(who: str, body: str, expect: str = "") -> Step:
    async def step(chat) -> None:
        text = await chat.text(who, body)
        assert expect in text, f"{who} {body}: {text}"

    return step


def auto_close(key: str) -> Step:
    """What the announcer does AUTO_CLOSE_AFTER a start nobody ended (tests/features/announcements)."""

    async def step(chat) -> None:
        assert await repository.end_session(chat.store, key, None, chat.clock.now(), auto=True)

    return step


@dataclass(frozen=True)
class Minute:
    when: dt.datetime
    session: str  # the session the row is about
    phase: Phase
    steps: tuple[Step, ...] = ()
    # What each command says (asked by someone new each minute, who takes back what they set), and the agenda.
    replies: dict[str, str] = field(default_factory=dict)
    absent: dict[str, str] = field(default_factory=dict)  # what a reply must not say


MORNING, EVENING = "2026-11-26 08:00", "2026-11-26 17:00"
CANCELLED, CALLED_OFF, NOT_STARTED = "2026-12-03 08:00", "2026-12-03 17:00", "2026-12-10 08:00"

THURSDAYS = (
    Minute(
        at(11, 26, 7, 0),
        MORNING,
        Phase.COMING,
        replies={
            "!next": "• Thursday 26 November, 08:00 UTC, in 1 hour",
            "!here": "nothing to check in to. The next session is on Thursday 26 November, 08:00 UTC, in 1 hour",
            "!late": "will join the session of Thursday 26 November, 08:00 UTC later",
            "!host": "volunteered to host the session of Thursday 26 November, 08:00 UTC, in 1 hour",
            "agenda": "📌 Next: Thu 26 Nov, 08:00 UTC",
        },
        absent={"!next": "waiting for its host", "agenda": "waiting for its host"},
    ),
    Minute(
        at(11, 26, 8, 5),
        MORNING,
        Phase.WAITING,
        steps=(say(ALICE, "!here", "no host has started it yet"),),
        replies={
            "!next": "The session of Thursday 26 November, 08:00 UTC began 5 minutes ago and is waiting for its host",
            "!here": "Checked in to the session of Thursday 26 November, 08:00 UTC, but no host has started it yet",
            "!late": "The session waits for its host",
            "!host": "the session of Thursday 26 November, 08:00 UTC, which waits for its host: start it with !start",
            "agenda": "⏳ Waiting for a host: Thu 26 Nov, 08:00 UTC · 1 here",
        },
    ),
    Minute(
        at(11, 26, 8, 12),
        MORNING,
        Phase.RUNNING,
        steps=(say(HOST, "!start", "Session of Thursday 26 November, 08:00 UTC has started"),),
        replies={
            "!next": "The session of Thursday 26 November, 08:00 UTC is running now",
            "!here": "Checked in to the session of Thursday 26 November, 08:00 UTC. Welcome!",
            "!late": "The session is running",
            # the next one: this one has its host
            "!host": "volunteered to host the session of Thursday 26 November, 17:00 UTC",
            "!end": "is running; only @host:example.org (who started it), a host or an organiser can end it",
            "agenda": "▶ Now: session since 08:12 UTC",
        },
        absent={"!next": "waiting for its host"},
    ),
    Minute(
        at(11, 26, 8, 58),
        MORNING,
        Phase.ENDED,
        steps=(say(HOST, "!end", "Session of Thursday 26 November, 08:00 UTC ended"),),
        replies={
            "!here": (
                "The session of Thursday 26 November, 08:00 UTC has ended. No session is running, so "
                "there is nothing to"
            ),
            "!next": "■ The session of Thursday 26 November, 08:00 UTC has ended.",
            "!late": "will join the session of Thursday 26 November, 17:00 UTC later",
            "!host": "volunteered to host the session of Thursday 26 November, 17:00 UTC",
            "!start": "The session of Thursday 26 November, 08:00 UTC was already held; it ended at 08:58 UTC",
            "!remind 08:00 1h": "before the session of Thursday 3 December, 08:00 UTC",  # today's is over
            "!cancel 2026-11-26 08:00": "it has taken place",
            "agenda": "📌 Next: Thu 26 Nov, 17:00 UTC",
        },
        absent={"!next": "• Thursday 26 November, 08:00", "agenda": "26 November 2026, 08:00"},
    ),
    Minute(
        at(11, 26, 17, 2),
        EVENING,
        Phase.RUNNING,
        steps=(say(HOST, "!start", "Session of Thursday 26 November, 17:00 UTC has started"),),
        replies={
            "!next": "The session of Thursday 26 November, 17:00 UTC is running now",
            "agenda": "▶ Now: session since 17:02 UTC",
        },
    ),
    Minute(
        at(11, 26, 20, 2),
        EVENING,
        Phase.AUTO_CLOSED,
        steps=(auto_close(EVENING),),
        replies={
            "!cancel 2026-11-26 17:00": "it has taken place",
            "!here": "nothing to check in to",
        },
        absent={"!next": "• Thursday 26 November, 17:00", "agenda": "26 November 2026, 17:00"},
    ),
    Minute(
        at(11, 27, 9, 0),
        CANCELLED,
        Phase.CANCELLED,
        steps=(
            say(
                ORGANISER,
                "!cancel 2026-12-03 08:00 snow",
                "Cancelled the session of Thursday 3 December, 08:00 UTC: snow",
            ),
        ),
        replies={
            "!next": "• Thursday 3 December, 08:00 UTC, in 5 days 23 hours · cancelled: snow",
            "!host 2026-12-03 08:00": (
                "The session of Thursday 3 December, 08:00 UTC is cancelled (snow), so it needs no host"
            ),
            "!late 2026-12-03 08:00": "cancelled",
            # the cancelled one sends no reminder
            "!remind 08:00 1h": "before the session of Thursday 10 December, 08:00 UTC",
            "!cancel 2026-12-03 08:00": "already cancelled",
            "agenda": " · cancelled: snow",
        },
    ),
    Minute(
        at(12, 3, 17, 6),
        CALLED_OFF,
        Phase.CALLED_OFF,
        steps=(
            say(ALICE, "!here", "no host has started it yet"),
            say(ORGANISER, "!cancel 2026-12-03 17:00 nobody can host", "is called off: nobody can host"),
        ),
        replies={
            "!here": (
                "The session of Thursday 3 December, 17:00 UTC was called off: nobody can host. No session is running"
            ),
            "!next": "✖ The session of Thursday 3 December, 17:00 UTC was called off: nobody can host.",
            "!host 2026-12-03 17:00": "The session of Thursday 3 December, 17:00 UTC is cancelled (nobody can host)",
            "!cancel 2026-12-03 17:00": "called off",
        },
        absent={"!next": "• Thursday 3 December, 17:00", "agenda": "3 December 2026, 17:00"},
    ),
    Minute(
        at(12, 10, 8, 4),
        NOT_STARTED,
        Phase.WAITING,
        steps=(say(BOB, "!here", "no host has started it yet"),),
        replies={
            "!next": "The session of Thursday 10 December, 08:00 UTC began 4 minutes ago and is waiting for its host"
        },
    ),
    Minute(
        at(12, 10, 10, 5),
        NOT_STARTED,
        Phase.NOT_STARTED,
        replies={
            "!here": "nothing to check in to. The next session is on Thursday 10 December, 17:00 UTC",
            "!late": "will join the session of Thursday 10 December, 17:00 UTC later",
            "!host": "volunteered to host the session of Thursday 10 December, 17:00 UTC",
        },
        absent={"!next": "• Thursday 10 December, 08:00", "agenda": "10 December 2026, 08:00"},
    ),
)

# What Carol types back to leave no trace of her probe.
UNDO = {"!late": "!late off", "!host": "!unhost", "!remind": "!remind off"}


async def test_every_command_the_agenda_and_the_reports_say_the_same_state_minute_by_minute(chat):
    config = chat.services.config
    for n, minute in enumerate(THURSDAYS):
        probe = f"@probe{n}:example.org"
        chat.clock.set(minute.when)
        for step in minute.steps:
            await step(chat)
        label = f"{minute.when:%d %b %H:%M} {minute.session}"
        line = await Timeline.load(chat.store, config, minute.when)
        assert line.phase(session_from_key(config, minute.session)) is minute.phase, label
        said: dict[str, str] = {}
        # !here last: a check-in would change what !late says.
        for body in sorted({*minute.replies, *minute.absent}, key=lambda b: b == "!here"):
            if body == "agenda":
                data = await gather(chat.store, config, minute.when)
                said[body] = render_agenda(chat.services, data).plain
                continue
            who = ORGANISER if body.startswith("!cancel") or (body == "!start" and minute.phase.over) else probe
            if body == "!start":
                who = HOST
            said[body] = await chat.text(who, body)
            command, _, typed = body.partition(" ")
            undo = UNDO.get(command)
            if undo == "!unhost":
                await chat.say(who, f"{undo} {typed}".strip())
            elif undo and not body.startswith("!late 2026"):
                await chat.say(who, undo)
        for body, expected in minute.replies.items():
            assert expected in said[body], f"{label}: {body} says {said[body]!r}"
        for body, unexpected in minute.absent.items():
            assert unexpected not in said[body], f"{label}: {body} says {said[body]!r}"

    # The reports, afterwards: every session someone came to, each in the state it ended in.
    export = await build_export(chat.store, config, "attendance", "csv", at(12, 11, 12))
    rows = list(csv.DictReader(io.StringIO(export.data.decode("utf-8-sig"))))
    status = {r["session"]: r["status"] for r in rows}
    assert status[MORNING] == "held"
    assert status[EVENING] == "closed automatically"
    assert status[CALLED_OFF] == "called off"
    assert status[NOT_STARTED] == "not started"
    assert CANCELLED not in status, "cancelled ahead, nobody came: nothing to report"
    came = {(r["session"], r["attendee"]) for r in rows}
    assert (CALLED_OFF, ALICE) in came and (NOT_STARTED, BOB) in came
