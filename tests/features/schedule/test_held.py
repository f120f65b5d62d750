"""Which sessions are held: the next ones after a moment, less those cancelled by
themselves or with their whole day."""

import datetime as dt

from bot.features.schedule.held import next_held_sessions
from bot.features.schedule.repository import Cancellation, Cancellations

UTC = dt.UTC
NOW = dt.datetime(2026, 11, 23, tzinfo=UTC)


def cancelled(*targets: str) -> Cancellations:
    return Cancellations({t: Cancellation(t, "", "@org:example.org", NOW) for t in targets})


def test_the_next_sessions_leave_out_the_cancelled_ones(make_config):
    config = make_config()
    held = next_held_sessions(config, cancelled("2026-11-26 08:00", "2026-12-03"), NOW, 3)
    assert [s.key for s in held] == ["2026-11-26 17:00", "2026-12-10 08:00", "2026-12-10 17:00"]


def test_a_session_starting_at_the_moment_itself_is_not_next(make_config):
    config = make_config()
    at_start = dt.datetime(2026, 11, 26, 8, tzinfo=UTC)
    assert [s.key for s in next_held_sessions(config, cancelled(), at_start, 1)] == ["2026-11-26 17:00"]
