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
from bot.features.agenda.service import AgendaData, SlotAgenda, gather
from bot.features.people.repository import display_name
from bot.features.schedule.repository import Cancellations, load_cancellations
from bot.features.schedule.revision import CalendarState, calendar_state
from bot.features.schedule.weekly_sessions import session_from_key
from bot.features.sessions import repository, statistics
from bot.features.sessions.timeline import Phase
from bot.features.topics.model import Topic, TopicStatus
from bot.features.topics.repository import all_topics, discussed_matching
from bot.storage.store import Store

# The page shows a chart once the sessions it draws span this long (before, a figure).
CHART_AFTER = dt.timedelta(weeks=4)
PAGE_TOPICS = 50  # open topics on the page, most votes first (all of them in /topics.json)
HISTORY_SHOWN = 200  # discussed topics on the page at most (all of them in /history.json)
MAX_WORDS = 100  # a history filter longer than this is cut


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
class PageData:
    conference: str
    agenda: AgendaData
    history: History
    chart: bool  # a chart to show (/chart.png): two sessions held, the first CHART_AFTER ago
    attendance: tuple[SessionAttended, ...] = ()  # the newest first
    held: int = 0  # sessions held in the last STATS_WEEKS
    people: int = 0  # different people who checked in to them (names or not)
    chart_from: dt.datetime | None = None  # when the chart appears: CHART_AFTER after the first held


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


async def page(store: Store, config: Config, now: dt.datetime, words: str = "") -> PageData:
    agenda = await _public_agenda(store, config, await gather(store, config, now, topics=PAGE_TOPICS))
    sessions = await _recent(store, config, now)
    attendance = tuple([await _attended(store, config, t) for t in reversed(sessions)])
    held = [t for t in sessions if t.phase.held]
    people = len({c.user_id for t in held for c in t.check_ins})
    chart_from = held[0].view.session.starts_at + CHART_AFTER if held else None
    chart = statistics.has_chart(sessions) and chart_from is not None and chart_from <= now
    found = await history(store, config, words)
    return PageData(
        config.conference.name, agenda, found, chart, attendance, held=len(held), people=people, chart_from=chart_from
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
