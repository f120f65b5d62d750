"""What the public page, the calendar feed and the JSON documents show, gathered from the
other features as plain data. Nothing here carries a Matrix ID: people appear by their
display name, and only when `web.show_names` is on. The wording is in commands/web.py,
the HTTP in bot/web."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

from bot.core.config import Config
from bot.core.model import ChartSeries
from bot.core.weekly import Slot
from bot.features.agenda.service import AgendaData, SlotAgenda, gather
from bot.features.people.repository import display_name
from bot.features.schedule.repository import Cancellations, load_cancellations
from bot.features.schedule.revision import CalendarState, calendar_state
from bot.features.schedule.weekly_sessions import Session, session_from_key, sessions_from
from bot.features.sessions import repository, statistics
from bot.features.sessions.timeline import Phase, SessionView, Timeline
from bot.features.topics.model import Topic, TopicStatus
from bot.features.topics.repository import all_topics, discussed_matching
from bot.storage.store import Store

# The page shows a chart once the sessions it draws span this long (before, a figure).
CHART_AFTER = dt.timedelta(weeks=4)
PAGE_TOPICS = 50  # open topics on the page, most votes first (all of them in /topics.json)
HISTORY_SHOWN = 200  # discussed topics on the page at most (all of them in /history.json)
MAX_WORDS = 100  # a history filter longer than this is cut
# The page's list of coming sessions: those of the next two weeks, each slot's next held one
# however far (with at most LISTED_AT_MOST before it).
LISTED_DAYS = 14
LISTED_AT_MOST = 8


@dataclass(frozen=True)
class HistoryGroup:
    session: str | None  # the session's key, None for the imported history
    topics: tuple[Topic, ...]
    starts_at: dt.datetime | None = None  # when the session began (None: imported, or a key naming no time)


@dataclass(frozen=True)
class History:
    words: str  # the filter ('' for none)
    groups: tuple[HistoryGroup, ...]  # by session, the newest first; the imported last
    shown: int
    total: int  # how many matched in all


@dataclass(frozen=True)
class SessionAttended:
    """A session of the last weeks a host started or people came to, as `!stats` has it."""

    starts_at: dt.datetime
    phase: Phase  # held (ended, closed automatically, running), not started, called off...
    minutes: int | None  # how long it ran, once a host ended it
    present: int  # how many checked in
    names: tuple[str, ...]  # their display names, only with `web.show_names`
    reason: str  # why it was called off


@dataclass(frozen=True)
class Listed:
    """A coming session in the page's list: cancelled (with the reason given), or held
    with its hosts: `volunteers` counts who volunteered, `hosts` names them (only with
    `web.show_names`)."""

    session: Session
    cancelled: bool
    reason: str = ""
    volunteers: int = 0
    hosts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Current:
    """The session people are in: running (since when, and who started it), or waiting
    for its host (who volunteered); how many checked in. Names only with `web.show_names`."""

    session: Session
    started_at: dt.datetime | None  # None: waiting for its host
    here: int
    hosts: tuple[str, ...] = ()
    volunteers: int = 0  # who volunteered to host it, counted

    @property
    def running(self) -> bool:
        return self.started_at is not None


@dataclass(frozen=True)
class PageData:
    conference: str
    agenda: AgendaData
    history: History
    chart: bool  # a chart to show (/chart.png): two sessions held, the first CHART_AFTER ago
    attendance: tuple[SessionAttended, ...] = ()  # the newest first
    held: int = 0  # sessions held in the last STATS_WEEKS
    people: int = 0  # different people who checked in to them (names or not)
    chart_from: dt.datetime | None = None  # when the chart appears: CHART_AFTER after the first held
    current: Current | None = None  # the session running or waiting for its host
    sessions: tuple[Listed, ...] = ()  # the coming ones, by date (not the current one)
    weekly: tuple[dt.datetime, ...] = ()  # each slot's next time, by slot: when the call is
    made_at: dt.datetime | None = None  # the minute the page shows (None: no "today")

    @property
    def next_held(self) -> Listed | None:
        """The next session that is not cancelled, when none is running or waiting."""
        return next((s for s in self.sessions if not s.cancelled), None)


def public(topic: Topic, show_names: bool) -> Topic:
    """The topic without who suggested it (a Matrix ID), and without their name unless
    names are shown."""
    return replace(topic, suggested_by=None, suggested_name=topic.suggested_name if show_names else None)


async def _public_names(store: Store, config: Config, user_ids: Iterable[str]) -> tuple[str, ...]:
    """The display names the page may show: none without `web.show_names`; somebody with no
    display name is left out, never named by ID."""
    if not config.web.show_names:
        return ()
    found = [await display_name(store, u) for u in user_ids]
    return tuple(n for n in found if n)


async def _public_agenda(store: Store, config: Config, data: AgendaData) -> AgendaData:
    show = config.web.show_names

    async def names(key: str) -> tuple[str, ...]:
        return await _public_names(store, config, await repository.volunteers_of(store, key))

    slots = []
    for slot in data.slots:
        shown = tuple([replace(u, volunteers=() if u.cancelled else await names(u.session.key)) for u in slot.sessions])
        slots.append(SlotAgenda(slot.slot, shown))
    topics = tuple(public(t, show) for t in data.topics)
    running = data.running
    if running is not None:
        discussing = running.discussing
        if discussing is not None:
            discussing = replace(discussing, topic=public(discussing.topic, show))
        running = replace(running, discussed=tuple(public(t, show) for t in running.discussed), discussing=discussing)
    waiting = data.waiting
    if waiting is not None:
        waiting = replace(waiting, volunteers=await names(waiting.session.key))
    return replace(data, slots=tuple(slots), topics=topics, running=running, waiting=waiting)


async def history(store: Store, config: Config, words: str) -> History:
    words = " ".join(words.split())[:MAX_WORDS]
    found = await discussed_matching(store, words, HISTORY_SHOWN)
    groups: list[HistoryGroup] = []
    for topic in found.topics:
        session = None if topic.imported else topic.session
        if groups and groups[-1].session == session:
            groups[-1] = replace(groups[-1], topics=(*groups[-1].topics, public(topic, config.web.show_names)))
        else:
            groups.append(HistoryGroup(session, (public(topic, config.web.show_names),), _starts_at(config, session)))
    return History(words, tuple(groups), len(found.topics), found.total)


def _starts_at(config: Config, key: str | None) -> dt.datetime | None:
    try:
        return None if key is None else session_from_key(config, key).starts_at
    except ValueError:  # a key naming no time (a database edited by hand): named by its key
        return None


async def _recent(store: Store, config: Config, now: dt.datetime) -> list[statistics.Turnout]:
    return await statistics.turnout(store, config, now, now - dt.timedelta(weeks=statistics.STATS_WEEKS))


async def chart_series(store: Store, config: Config, now: dt.datetime, zone: str | None = None) -> ChartSeries | None:
    """The attendance chart's data as `!stats` draws it, its slots and days in `zone` (the
    conference's without); None with fewer than two sessions held."""
    sessions = await _recent(store, config, now)
    return statistics.attendance_series(config, sessions, zone) if statistics.has_chart(sessions) else None


async def _attended(store: Store, config: Config, turnout: statistics.Turnout) -> SessionAttended:
    names = await _public_names(store, config, [c.user_id for c in turnout.check_ins])
    view = turnout.view
    return SessionAttended(view.session.starts_at, view.phase, view.minutes, turnout.present, names, view.reason)


def _coming(timeline: Timeline) -> list[SessionView]:
    """The coming sessions by date: those of the next LISTED_DAYS (at most LISTED_AT_MOST),
    and each slot's next held one, however many of its sessions are cancelled before it."""
    horizon = timeline.now + dt.timedelta(days=LISTED_DAYS)
    slots = set(timeline.config.conference.slots)
    listed: list[SessionView] = []
    held: set[Slot] = set()
    for view in timeline.ahead():
        if len(listed) == LISTED_AT_MOST or (view.session.starts_at > horizon and held >= slots):
            break
        listed.append(view)
        if view.phase is Phase.COMING:
            held.add(view.session.slot)
    for slot in slots - held:
        found = timeline.next_held(slot)
        if found is not None:
            listed.append(found)
    return sorted(listed, key=lambda view: view.session.starts_at)


def _weekly(config: Config, now: dt.datetime) -> tuple[dt.datetime, ...]:
    """The next time of each slot, cancelled or not, in the week's order: when the call is."""
    found: dict[Slot, dt.datetime] = {}
    for session in sessions_from(config, now):
        found.setdefault(session.slot, session.starts_at)
        if len(found) == len(config.conference.slots):
            break
    return tuple(found[slot] for slot in sorted(found, key=lambda slot: (slot.weekday, slot.time)))


async def _listed(store: Store, config: Config, view: SessionView) -> Listed:
    if view.phase.cancelled:
        return Listed(view.session, True, view.reason)
    volunteers = await repository.volunteers_of(store, view.key)
    return Listed(view.session, False, "", len(volunteers), await _public_names(store, config, volunteers))


async def _current(store: Store, config: Config, view: SessionView | None) -> Current | None:
    if view is None:
        return None
    here = len(await repository.attendees(store, view.key))
    if view.state is not None and view.state.started_at is not None:
        starter = [view.state.started_by] if view.state.started_by else []
        return Current(view.session, view.state.started_at, here, await _public_names(store, config, starter))
    volunteers = await repository.volunteers_of(store, view.key)
    return Current(view.session, None, here, await _public_names(store, config, volunteers), len(volunteers))


async def page(store: Store, config: Config, now: dt.datetime, words: str = "") -> PageData:
    agenda = await _public_agenda(store, config, await gather(store, config, now, topics=PAGE_TOPICS))
    sessions = await _recent(store, config, now)
    attendance = tuple([await _attended(store, config, t) for t in reversed(sessions)])
    held = [t for t in sessions if t.phase.held]
    people = len({c.user_id for t in held for c in t.check_ins})
    chart_from = held[0].view.session.starts_at + CHART_AFTER if held else None
    chart = statistics.has_chart(sessions) and chart_from is not None and chart_from <= now
    timeline = await Timeline.load(store, config, now)
    return PageData(
        config.conference.name,
        agenda,
        await history(store, config, words),
        chart,
        attendance,
        held=len(held),
        people=people,
        chart_from=chart_from,
        current=await _current(store, config, timeline.current()),
        sessions=tuple([await _listed(store, config, view) for view in _coming(timeline)]),
        weekly=_weekly(config, now),
        made_at=now,
    )


async def topics_of(store: Store, config: Config, status: TopicStatus) -> list[Topic]:
    """Every topic with `status`, by number, as the export has them but without Matrix IDs."""
    return [public(t, config.web.show_names) for t in await all_topics(store) if t.status == status]


@dataclass(frozen=True)
class Feed:
    state: CalendarState
    cancels: Cancellations


async def feed(store: Store, config: Config, now: dt.datetime) -> Feed:
    """What the calendar feed is made of: the same state `!calendar` uses."""
    return Feed(await calendar_state(store, config, now), await load_cancellations(store))
