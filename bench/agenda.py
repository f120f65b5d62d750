"""Agenda edits per 100 votes: how the coalescing keeps a busy room's pinned agenda from
becoming a storm of edits (Matrix rate-limits them: a 429 storm would hold up replies).

The votes go through the real dispatcher and SQLite file; the agenda keeper runs its real
loop with a room side that counts posts and edits, on virtual time (the keeper's clock and
sleep), so the figures do not depend on the machine: votes arrive at each rate given, each
from another person, and every edit the keeper would send is counted.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from bench import Goal, workdir
from bench.dispatch import NOW, ROOM, bench_config
from bot.app import open_agenda, open_dispatcher
from bot.core import clock
from bot.core.clock import FakeClock
from bot.core.model import IncomingMessage
from bot.core.text import Text
from bot.features.agenda.keeper import AgendaKeeper, EditOutcome, PinOutcome

# Votes per second of each run: a burst (everyone at once), a lively room, a steady trickle.
RATES = (100.0, 10.0, 1.0)
GOAL_BURST_EDITS = 10  # per 100 votes at 10 votes/s: "a handful, never a storm"


class CountingPort:
    def __init__(self) -> None:
        self.posts = 0
        self.edits = 0

    def joined(self, room_id: str) -> bool:
        return True

    async def post(self, room_id: str, text: Text, key: str) -> str:
        self.posts += 1
        return f"$agenda{self.posts}"

    async def edit(self, room_id: str, event_id: str, text: Text) -> EditOutcome:
        self.edits += 1
        return EditOutcome.DONE

    async def exists(self, room_id: str, event_id: str) -> bool:
        return True

    async def pin(self, room_id: str, event_id: str, unpin: Collection[str]) -> PinOutcome:
        return PinOutcome.PINNED


class VirtualTime(clock.VirtualTime):
    async def advance(self, seconds: float, keeper: AgendaKeeper) -> None:  # type: ignore[override]
        await super().advance(seconds)
        await keeper.settle()


@dataclass(frozen=True)
class Run:
    rate: float
    votes: int
    edits: int

    @property
    def per_100(self) -> float:
        return self.edits * 100 / self.votes


@dataclass(frozen=True)
class AgendaFigures:
    runs: tuple[Run, ...]

    def report(self) -> str:
        lines = ["agenda edits per 100 votes (one room, coalescing window 4 s; virtual time):"]
        for run in self.runs:
            lines.append(
                f"  {run.votes} votes at {run.rate:g}/s over {run.votes / run.rate:g} s: "
                f"{run.edits} edits ({run.per_100:.0f} per 100 votes)"
            )
        lively = next((r for r in self.runs if r.rate == 10.0), self.runs[0])
        lines.append(Goal("edits per 100 votes at 10 votes/s", lively.per_100, GOAL_BURST_EDITS).line())
        return "\n".join(lines)


async def _one(rate: float, votes: int, folder: Path) -> Run:
    clock = FakeClock(NOW)
    dispatcher = await open_dispatcher(bench_config(folder), clock=clock)
    services = dispatcher.services
    port, time = CountingPort(), VirtualTime(clock)
    keeper = open_agenda(services, port, [ROOM], sleep=time.sleep)
    assert keeper is not None
    try:

        def message(sender: str, body: str) -> IncomingMessage:
            return IncomingMessage(sender, ROOM, f"$e{clock.now().timestamp()}{sender}", body, clock.now())

        await dispatcher.handle(message("@someone:localhost", "!suggest Shared tooling between co-ops"))
        keeper.start()
        await time.advance(30, keeper)  # posted, and a quiet room since
        edits_before = port.edits
        for i in range(votes):
            await dispatcher.handle(message(f"@voter{i}:localhost", "!vote 1"))
            await time.advance(1 / rate, keeper)
        await time.advance(30, keeper)
        return Run(rate, votes, port.edits - edits_before)
    finally:
        await keeper.stop()
        await services.store.close()


async def run(votes: int = 100, rates: tuple[float, ...] = RATES) -> AgendaFigures:
    with workdir() as scratch:
        folders = [scratch / f"rate-{rate:g}" for rate in rates]
        for folder in folders:
            folder.mkdir()
        return AgendaFigures(
            tuple([await _one(rate, votes, folder) for rate, folder in zip(rates, folders, strict=True)])
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench agenda", description=__doc__)
    parser.add_argument("--votes", type=int, default=100, help="votes at each rate (default 100)")
    args = parser.parse_args(argv)
    print(asyncio.run(run(args.votes)).report(), flush=True)
    return 0
