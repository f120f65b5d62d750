"""What falls due when: the reminders before each session, its host-wait notice, a
cancelled session's notice instead of its reminders, and the automatic close of a session
nobody ended. Read afresh from the config and the database each time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.core.config import Config
from bot.features.announcements.timing import Lead, Notice, cancellation_due
from bot.features.schedule.repository import Cancellations, load_cancellations
from bot.features.schedule.weekly_sessions import Session, session_from_key, sessions_between
from bot.features.sessions import repository, timeline
from bot.storage.store import Store

# A scheduler job planned for something due has an id starting with this.
JOB_PREFIX = "ccc:"


@dataclass(frozen=True)
class Due:
    """Something to do for a session at `at`: send the message `lead` to every room
    (a reminder, or the CANCELLED / HOST_WAIT notice), or close it (AUTO_CLOSE)."""

    session: Session
    lead: Lead | Notice
    at: dt.datetime

    @property
    def job_id(self) -> str:
        return f"{JOB_PREFIX}{self.session.key}:{self.lead}"


async def due_between(config: Config, store: Store, start: dt.datetime, end: dt.datetime) -> list[Due]:
    """Everything falling due in [start, end], in time order; automatic closes of
    sessions still running are included however old they are."""
    conf = config.conference
    max_lead = max(conf.announce_before, default=dt.timedelta(0))
    wait = dt.timedelta(minutes=conf.host_wait_minutes)
    cancels = await load_cancellations(store)
    items: list[Due] = []
    for session in sessions_between(config, start - wait, end + max_lead + dt.timedelta(seconds=1)):
        items.extend(_due_for(config, session, cancels))
    for state in await repository.running_sessions(store):
        assert state.started_at is not None
        at = state.started_at + timeline.AUTO_CLOSE_AFTER
        if at <= end:
            items.append(Due(session_from_key(config, state.key), Notice.AUTO_CLOSE, at))
    return sorted(
        (i for i in items if i.lead == Notice.AUTO_CLOSE or start <= i.at <= end), key=lambda i: (i.at, i.job_id)
    )


def _due_for(config: Config, session: Session, cancels: Cancellations) -> list[Due]:
    leads = config.conference.announce_before
    cancellation = cancels.of(session)
    if cancellation is not None:
        # One notice instead of the reminders, when the first reminder would have gone.
        at = cancellation_due(session, max(leads), cancellation) if leads else None
        return [] if at is None else [Due(session, Notice.CANCELLED, at)]
    items = [Due(session, Lead(lead), session.starts_at - lead) for lead in leads]
    wait = dt.timedelta(minutes=config.conference.host_wait_minutes)
    items.append(Due(session, Notice.HOST_WAIT, session.starts_at + wait))
    return items
