"""bot/features/export/attendance.py: the attendance export's rows, each session's state
as its `status`, and what the export says it holds."""

from __future__ import annotations

import dataclasses

from bot.features.export.attendance import AttendanceRow, counts_text, slot_of, status_of
from bot.features.sessions.timeline import Phase


def row(session: str, status: str, attendee: str | None = "@a:example.org") -> AttendanceRow:
    return AttendanceRow(session, slot_of(session), None, None, None, attendee, None, None, False, status)


def test_a_session_a_host_ended_is_held_and_the_others_say_their_phase():
    assert status_of(Phase.ENDED) == "held"
    assert [status_of(p) for p in (Phase.AUTO_CLOSED, Phase.NOT_STARTED, Phase.CALLED_OFF, Phase.WAITING)] == [
        "closed automatically",
        "not started",
        "called off",
        "waiting for its host",
    ]


def test_the_counts_name_the_sessions_not_held_and_count_none_of_them_as_held():
    held = [row("2026-11-26 08:00", "held"), row("2026-11-26 08:00", "held"), row("2026-12-03 17:00", "running")]
    assert counts_text(held) == "2 sessions, 3 check-ins"
    not_held = [row("2026-12-10 08:00", "not started"), row("2026-12-17 08:00", "called off")]
    assert counts_text(held + not_held) == "4 sessions, 5 check-ins (1 not started, 1 called off)"
    nobody = dataclasses.replace(row("2026-12-24 08:00", "closed automatically"), attendee=None)
    assert counts_text([nobody]) == "1 session, 0 check-ins"


def test_the_slot_is_read_from_the_key_alone():
    assert slot_of("2026-11-26 08:00") == "Thursday 08:00"
    assert slot_of("not a key") == ""
