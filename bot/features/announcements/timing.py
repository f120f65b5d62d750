"""When a message the bot sends on its own falls due, and until when it may still go out:
the rules the announcements to the rooms and the reminders by direct message share."""

from __future__ import annotations

import datetime as dt

from bot.core.config import ConferenceConfig
from bot.features.announcements.repository import Lead, Notice
from bot.features.schedule.repository import Cancellation, Session

# Due items older than this are not looked at any more (a bot down for a long time
# does not dig up old sessions on start); within it, missed ones are skipped and logged.
LOOKBACK = dt.timedelta(days=1)
# How often the scheduler's tick catches up and re-plans.
TICK_SECONDS = 60
# A reminder sent this little after its time (a job run by the next minute's tick) still
# states its lead; one sent later, after a downtime, says the time actually left.
ON_TIME = dt.timedelta(seconds=2 * TICK_SECONDS)


def deadline(conf: ConferenceConfig, session: Session, lead: Lead | Notice) -> dt.datetime:
    """After this a message not yet sent is skipped. A reminder that fell due while
    the bot was down goes out only within the grace window and before the start; the
    `0m` one (the thread root) within the grace window; a cancellation notice any
    time before the start."""
    grace = dt.timedelta(minutes=conf.announce_grace_minutes)
    start = session.starts_at
    if isinstance(lead, Lead):
        before = lead.before
        return start - before + grace if lead.at_start else min(start - before + grace, start)
    if lead == Notice.CANCELLED:
        return start
    if lead == Notice.HOST_WAIT:
        return start + dt.timedelta(minutes=conf.host_wait_minutes) + grace
    if lead == Notice.SUMMARY:
        return start + LOOKBACK
    raise ValueError(f"{lead} sends no message")


def superseded_by(conf: ConferenceConfig, session: Session, lead: Lead | Notice, now: dt.datetime) -> Lead | None:
    """The latest later announcement of the same session that is due by `now`, if
    any: then a reminder `lead` whose time passed (the bot was down) is not sent, so
    nobody reads "starts in 15 minutes" followed by "starts now"."""
    if not isinstance(lead, Lead):
        return None
    later = [d for d in conf.announce_before if d < lead.before and session.starts_at - d <= now]
    return Lead(min(later)) if later else None


def cancellation_due(session: Session, before: dt.timedelta, cancellation: Cancellation) -> dt.datetime | None:
    """When word of a cancelled session goes out instead of a message due `before` its
    start: at that time, or at once if the session was cancelled later than that; None
    when that is not before the start."""
    at = max(session.starts_at - before, cancellation.cancelled_at)
    return at if at < session.starts_at else None
