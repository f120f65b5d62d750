"""Floods: how many commands one person may have answered in a room per minute.

Within the limit every command is answered. The command that goes past it gets one notice
saying when to try again; until then that person's commands in that room are neither
carried out nor answered (a command nobody hears back about must not have done anything).
When the time comes the person starts afresh with a full minute's allowance, so someone
who keeps flooding gets at most the limit's answers and one notice each minute.

Kept in memory only, for about a minute per person: it limits, and stores nothing that
`!forgetme` would have to erase.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections import deque
from dataclasses import dataclass, field

WINDOW = dt.timedelta(minutes=1)


class Verdict(enum.Enum):
    ANSWER = "answer"  # within the limit
    NOTICE = "notice"  # the first past it: say when to try again
    SILENCE = "silence"  # told already: ignore until then


@dataclass
class _Person:
    answered: deque[dt.datetime] = field(default_factory=deque)
    blocked_until: dt.datetime | None = None


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    until: dt.datetime | None = None  # when a person past the limit is answered again

    def seconds_left(self, now: dt.datetime) -> int:
        assert self.until is not None
        return max(math.ceil((self.until - now).total_seconds()), 1)


# Answered, the usual decision: one for every command.
_ANSWER = Decision(Verdict.ANSWER)


class CommandLimit:
    """At most `per_minute` commands per person per room in any minute (0: no limit)."""

    def __init__(self, per_minute: int):
        self.per_minute = per_minute
        self._people: dict[tuple[str, str], _Person] = {}
        self._swept = dt.datetime.min.replace(tzinfo=dt.UTC)

    def check(self, room_id: str, user_id: str, now: dt.datetime) -> Decision:
        """Decide about one command (or answer) of `user_id` in `room_id` at `now`, and
        count it when it is answered."""
        if self.per_minute <= 0:
            return _ANSWER
        self._sweep(now)
        person = self._people.get((room_id, user_id))
        if person is None:
            person = self._people[(room_id, user_id)] = _Person()
        if person.blocked_until is not None:
            if now < person.blocked_until:
                return Decision(Verdict.SILENCE, person.blocked_until)
            person.blocked_until = None
            person.answered.clear()
        while person.answered and now - person.answered[0] >= WINDOW:
            person.answered.popleft()
        if len(person.answered) < self.per_minute:
            person.answered.append(now)
            return _ANSWER
        person.blocked_until = person.answered[0] + WINDOW
        return Decision(Verdict.NOTICE, person.blocked_until)

    def _sweep(self, now: dt.datetime) -> None:
        """Forget whoever has not been answered for a minute and is not held back, at
        most once a minute: memory stays bounded by the people active lately."""
        if now - self._swept < WINDOW:
            return
        self._swept = now
        self._people = {
            key: p
            for key, p in self._people.items()
            if (p.blocked_until is not None and now < p.blocked_until) or (p.answered and now - p.answered[-1] < WINDOW)
        }
