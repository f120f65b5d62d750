"""A room side for the agenda keeper that records what it was asked to do, and virtual
time for its coalescing (the keeper sleeps on this, the test moves it)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from bot.core import clock
from bot.core.text import Text
from bot.features.agenda.keeper import AgendaKeeper, EditOutcome, PinOutcome


@dataclass
class FakePort:
    posts: list[tuple[str, str, Text]] = field(default_factory=list)  # room, event id, text
    edits: list[tuple[str, str, Text]] = field(default_factory=list)  # room, event edited, text
    pinned: dict[str, list[str]] = field(default_factory=dict)
    redacted: set[str] = field(default_factory=set)
    may_pin: bool = True
    refuse_edits: bool = False
    pin_calls: int = 0

    def joined(self, room_id: str) -> bool:
        return True

    keys: list[str] = field(default_factory=list)

    async def post(self, room_id: str, text: Text, key: str) -> str:
        self.keys.append(key)
        event_id = f"$agenda{len(self.posts) + 1}"
        self.posts.append((room_id, event_id, text))
        return event_id

    async def edit(self, room_id: str, event_id: str, text: Text) -> EditOutcome:
        if self.refuse_edits:
            return EditOutcome.REFUSED
        self.edits.append((room_id, event_id, text))
        return EditOutcome.DONE

    async def exists(self, room_id: str, event_id: str) -> bool:
        return event_id not in self.redacted

    async def pin(self, room_id: str, event_id: str, unpin: Collection[str]) -> PinOutcome:
        self.pin_calls += 1
        if not self.may_pin:
            return PinOutcome.NOT_ALLOWED
        current = self.pinned.setdefault(room_id, [])
        current[:] = [e for e in current if e != event_id and e not in unpin] + [event_id]
        return PinOutcome.PINNED

    def latest(self) -> str:
        """The agenda's text as it shows now: the newest edit, else the post."""
        if self.edits:
            return self.edits[-1][2].plain
        return self.posts[-1][2].plain


class VirtualTime(clock.VirtualTime):
    """The keeper's sleep: moving the clock on also waits for what the keeper does then."""

    async def advance(self, seconds: float, keeper: AgendaKeeper) -> None:  # type: ignore[override]
        await super().advance(seconds)
        await keeper.settle()


async def settle(keeper: AgendaKeeper) -> None:
    """Let the keeper take up a change and finish what it does with it."""
    await keeper.settle()
