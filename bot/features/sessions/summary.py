"""What a session was, for the message at its end: when it ran, who came (and who came
late), what was discussed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.features.sessions.late_notes import LateComer, late_comers
from bot.features.sessions.repository import Attendee, present, state_of
from bot.features.sessions.timeline import minutes_held
from bot.features.topics.model import Topic
from bot.features.topics.repository import discussed_in
from bot.storage.store import Store


@dataclass(frozen=True)
class Summary:
    """What a session was, for the message at its end: when it ran, who came, what was
    discussed. `started_at` is None for a session never started (and the lists empty);
    `ended_at` is now for one still running."""

    key: str
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    auto_ended: bool
    present: list[Attendee]  # in the order they checked in
    late: list[LateComer]  # who said they would come later and did not check in
    discussed: list[Topic]

    @property
    def minutes(self) -> int | None:
        """How long it ran (`minutes_held`, as the exports and the web page say); None for
        a session never started or closed automatically."""
        if self.started_at is None or self.ended_at is None or self.auto_ended:
            return None
        return minutes_held(self.started_at, self.ended_at)


async def summary_of(store: Store, key: str, now: dt.datetime) -> Summary:
    state = await state_of(store, key)
    if state is None or state.started_at is None:
        return Summary(key, None, None, False, [], [], [])
    return Summary(
        key=key,
        started_at=state.started_at,
        ended_at=state.ended_at or now,
        auto_ended=state.auto_ended,
        present=await present(store, key, state.started_at),
        late=await late_comers(store, key),
        discussed=await discussed_in(store, key),
    )
