"""The due times and grace windows the announcements and the reminders share."""

import datetime as dt

import pytest

from bot.features.announcements.repository import Lead, Notice
from bot.features.announcements.timing import LOOKBACK, cancellation_due, deadline, superseded_by
from bot.features.schedule.repository import Cancellation, session_from_key

UTC = dt.UTC
MORNING = "2026-11-26 08:00"  # default slots: Thursdays 08:00 and 17:00 UTC


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("lead", "until"),
    [
        (Lead(dt.timedelta(days=1)), at(25, 8, 30)),  # 30 minutes' grace
        (Lead(dt.timedelta(minutes=15)), at(26, 8)),  # the grace window ends at the start
        (Lead(dt.timedelta(0)), at(26, 8, 30)),  # the thread root: the whole grace window
        (Notice.CANCELLED, at(26, 8)),
        (Notice.HOST_WAIT, at(26, 8, 40)),  # 10 minutes' wait, then the grace window
        (Notice.SUMMARY, at(26, 8) + LOOKBACK),
    ],
)
def test_a_message_not_sent_by_its_deadline_is_skipped(make_config, lead, until):
    config = make_config()
    assert deadline(config.conference, session_from_key(config, MORNING), lead) == until


def test_the_automatic_close_has_no_deadline(make_config):
    config = make_config()
    with pytest.raises(ValueError, match="sends no message"):
        deadline(config.conference, session_from_key(config, MORNING), Notice.AUTO_CLOSE)


def test_a_passed_reminder_is_superseded_by_the_latest_later_one_due(make_config):
    config = make_config()
    session, day = session_from_key(config, MORNING), Lead(dt.timedelta(days=1))
    assert superseded_by(config.conference, session, day, at(26, 7, 44)) is None
    assert superseded_by(config.conference, session, day, at(26, 7, 45)) == Lead(dt.timedelta(minutes=15))
    assert superseded_by(config.conference, session, day, at(26, 8)) == Lead(dt.timedelta(0))
    assert superseded_by(config.conference, session, Notice.HOST_WAIT, at(26, 9)) is None


def test_word_of_a_cancellation_goes_when_the_message_would_have_or_at_once(make_config):
    config = make_config()
    session, hour = session_from_key(config, MORNING), dt.timedelta(hours=1)

    def cancelled(when: dt.datetime) -> Cancellation:
        return Cancellation(MORNING, "", "@org:example.org", when)

    assert cancellation_due(session, hour, cancelled(at(20, 12))) == at(26, 7)
    assert cancellation_due(session, hour, cancelled(at(26, 7, 30))) == at(26, 7, 30)
    assert cancellation_due(session, hour, cancelled(at(26, 8))) is None, "not once it has begun"
