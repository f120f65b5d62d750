"""The attendance export's rows: one per check-in, for every session a host started or
people came to, with the state the timeline gives it (held, not started, called off...)
and its minutes as the summary gives them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

from bot.core.clock import iso
from bot.core.i18n import Translator, english
from bot.core.weekly import WEEKDAYS
from bot.features.sessions.statistics import Turnout
from bot.features.sessions.timeline import Phase


@dataclass(frozen=True)
class AttendanceRow:
    """One check-in; a session nobody is checked in to has one row with no attendee.
    A session nobody ended was closed automatically: it has no end time and no duration
    (when the bot closed it says nothing about when people left). `status` is what became
    of the session (`status_of`)."""

    session: str
    slot: str
    started_by: str | None
    started_at: str | None
    ended_at: str | None
    attendee: str | None
    checked_in_at: str | None
    duration_minutes: int | None
    auto_closed: bool
    status: str


ATTENDANCE_COLUMNS = tuple(f.name for f in fields(AttendanceRow))
HELD = "held"


def status_of(phase: Phase) -> str:
    """The `status` column: "held" for a session a host ended; else its phase as the
    timeline says it: "closed automatically", "running", "waiting for its host", "not
    started" (people came, no host started it), "called off" (once its time had come)."""
    return HELD if phase is Phase.ENDED else str(phase)


def attendance_rows(sessions: Sequence[Turnout]) -> list[AttendanceRow]:
    """One row per check-in, and one with no attendee for a session nobody is checked in to."""
    rows = []
    for turnout in sessions:
        state = turnout.state
        started_at = state.started_at if state else None
        # When the bot closed a session says nothing about when people left: no end, no duration.
        ended = state.ended_at if state and not state.auto_ended else None
        # What the session's rows share, worked out once per session, not once per check-in.
        session: dict[str, Any] = {
            "session": turnout.key,
            "slot": slot_of(turnout.key),
            "started_by": state.started_by if state else None,
            "started_at": iso(started_at) if started_at else None,
            "ended_at": iso(ended) if ended else None,
            "duration_minutes": turnout.minutes,
            "auto_closed": bool(state and state.auto_ended),
            "status": status_of(turnout.phase),
        }
        if not turnout.check_ins:
            rows.append(AttendanceRow(attendee=None, checked_in_at=None, **session))
        rows.extend(
            AttendanceRow(attendee=check_in.user_id, checked_in_at=iso(check_in.at), **session)
            for check_in in turnout.check_ins
        )
    return rows


def slot_of(session_key: str) -> str:
    """'2026-11-26 08:00' -> 'Thursday 08:00': read from the key alone, so sessions of
    slots since removed from the config still export."""
    try:
        day = dt.date.fromisoformat(session_key[:10])
    except ValueError:
        return ""
    return f"{WEEKDAYS[day.weekday()].capitalize()} {session_key[11:]}".strip()


def counts_text(rows: Sequence[AttendanceRow], lang: Translator | None = None) -> str:
    """'4 sessions, 5 check-ins (1 not started, 1 called off)': what the export holds,
    and of its sessions those not held, never counted as held; in `lang` (English by
    default: the Markdown file's words)."""
    lang = lang or english()
    statuses = {r.session: r.status for r in rows}
    check_ins = sum(1 for r in rows if r.attendee)
    not_held: dict[str, int] = {}
    for status in statuses.values():
        if status not in (HELD, Phase.AUTO_CLOSED, Phase.RUNNING):
            not_held[status] = not_held.get(status, 0) + 1
    text = lang.gettext(
        "{sessions}, {check_ins}",
        sessions=lang.ngettext("{n} session", "{n} sessions", len(statuses)),
        check_ins=lang.ngettext("{n} check-in", "{n} check-ins", check_ins),
    )
    if not not_held:
        return text
    said = ", ".join(_status_count(status, n, lang) for status, n in not_held.items())
    # Translators: what an export holds, then its sessions not held: '4 sessions, 5 check-ins (1 called off)'.
    return lang.gettext("{counts} ({not_held})", counts=text, not_held=said)


def _status_count(status: str, n: int, lang: Translator) -> str:
    """'1 not started', '2 called off': sessions of a status not held."""
    if status == Phase.NOT_STARTED:
        # Translators: sessions (feminine in es and pt) no host started.
        return lang.ngettext("{n} not started", "{n} not started", n)
    if status == Phase.CALLED_OFF:
        # Translators: sessions (feminine in es and pt) called off.
        return lang.ngettext("{n} called off", "{n} called off", n)
    if status == Phase.WAITING:
        return lang.ngettext("{n} waiting for its host", "{n} waiting for its host", n)
    return f"{n} {status}"
