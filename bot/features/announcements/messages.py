"""What the messages the bot sends on its own say, as data: the announcement of a session,
the host-wait notice and the cancellation notice. `commands/` words them (`Wording`, handed
to the announcer by the wiring); the reminders by direct message say the same things."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from bot.core.config import Config
from bot.core.text import Text
from bot.features.announcements.timing import ON_TIME
from bot.features.schedule.held import next_held_sessions
from bot.features.schedule.repository import load_cancellations
from bot.features.schedule.weekly_sessions import Session
from bot.features.sessions import hosts, late_notes, repository
from bot.features.sessions.hosts import Person
from bot.features.sessions.late_notes import LateComer
from bot.features.sessions.summary import Summary
from bot.features.topics.model import Topic
from bot.features.topics.repository import top_open_topics
from bot.storage.store import Store

AGENDA_SIZE = 5


@dataclass(frozen=True)
class Announcement:
    """The announcement of a session: when, the agenda, who volunteered to host."""

    session: Session
    left: dt.timedelta  # until the start; negative once it began
    # The reminder's lead time when it goes out on time, so that its text states it (a
    # few milliseconds or a tick late alike); None for `!announce`, or one sent late.
    lead: dt.timedelta | None
    agenda: list[Topic]
    volunteers: list[Person]
    ping: bool  # the volunteers are mentioned, not only named
    late: list[LateComer]  # for the message that opens the thread: who said they would come later

    @property
    def mentions(self) -> tuple[str, ...]:
        return tuple(p.user_id for p in self.volunteers) if self.ping else ()


@dataclass(frozen=True)
class HostWait:
    """Nobody has started the session `minutes` after its start; the volunteers are pinged."""

    session: Session
    minutes: int
    volunteers: list[Person]

    @property
    def mentions(self) -> tuple[str, ...]:
        return tuple(p.user_id for p in self.volunteers)


@dataclass(frozen=True)
class CancellationNotice:
    """The session is cancelled (`reason` as typed, may be empty); the next one held."""

    session: Session
    reason: str
    following: Session | None
    now: dt.datetime


@dataclass(frozen=True)
class Wording:
    """How the messages the bot sends on its own read. The words live in `commands/`,
    which features do not import: the wiring hands one to the announcer it builds."""

    announcement: Callable[[Config, Announcement], Text]
    host_wait: Callable[[Config, HostWait], Text]
    cancellation: Callable[[Config, CancellationNotice], Text]
    summary: Callable[[Config, Summary], Text]


async def announcement_of(
    store: Store,
    session: Session,
    now: dt.datetime,
    *,
    ping: bool = False,
    lead: dt.timedelta | None = None,
    late: bool = False,
) -> Announcement:
    """The announcement of a session at `now`; `lead` is the reminder's lead time, `late`
    asks for the notes left with !late."""
    left = session.starts_at - now
    return Announcement(
        session=session,
        left=left,
        lead=lead if lead is not None and left > lead - ON_TIME else None,
        agenda=await top_open_topics(store, AGENDA_SIZE),
        volunteers=await hosts.people(store, await repository.volunteers_of(store, session.key)),
        ping=ping,
        late=await late_notes.late_comers(store, session.key) if late else [],
    )


async def host_wait_of(store: Store, config: Config, session: Session) -> HostWait:
    volunteers = await hosts.people(store, await repository.volunteers_of(store, session.key))
    return HostWait(session, config.conference.host_wait_minutes, volunteers)


async def cancellation_of(store: Store, config: Config, session: Session, now: dt.datetime) -> CancellationNotice:
    cancels = await load_cancellations(store)
    cancellation = cancels.of(session)
    following = next_held_sessions(config, cancels, session.starts_at, 1)
    reason = cancellation.reason if cancellation is not None else ""
    return CancellationNotice(session, reason, following[0] if following else None, now)
