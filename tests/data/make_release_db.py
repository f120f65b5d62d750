"""How tests/data/release-add1d62.sqlite3 was made: by the release's own code, through its
commands, as its users would. Not a test; run from a worktree of that release:

    git worktree add --detach /tmp/release add1d62 && cd /tmp/release
    PYTHONPATH=. python <this file> <out>/release-add1d62.sqlite3 <repo>/tests/data/seed-topics.yaml
"""

import asyncio
import datetime as dt
import sqlite3
import sys
from pathlib import Path

from bot.clock import FakeClock
from bot.config import parse_config

from bot.app import open_services
from tests.conftest import ALICE, BASE_CONFIG, BOB, HOST, ORGANISER, Chat, merge

OUT = Path(sys.argv[1])
SEED = Path(sys.argv[2])
START = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)


async def main() -> None:
    folder = OUT.parent
    sections = {"storage": {"database": OUT.name, "state_dir": "state"}, "topics": {"seed_file": str(SEED)}}
    raw = merge(BASE_CONFIG, sections)
    config = parse_config(raw, base_dir=folder)
    services = await open_services(config, clock=FakeClock(START))
    chat = Chat(services)

    async def say(who, body):
        text = await chat.text(who, body)
        print(f"{who} {body}\n  -> {text[:200]!r}")
        return text

    await services.store.remember_display_name(ALICE, "Alice")
    await services.store.remember_display_name(BOB, "Bob")
    await say(ALICE, "!tz Europe/Berlin")
    await say(ALICE, "!suggest How do we pay ourselves fairly?")
    await say(BOB, "!suggest Onboarding new members")
    await say(BOB, "!suggest Pricing retainer contracts")
    await say(ALICE, "!suggest A topic taken back")
    await say(ALICE, "!withdraw 9")
    await say(BOB, "!vote 6")
    await say(ORGANISER, "!vote 6")
    await say(ALICE, "!vote 7")
    await say(ORGANISER, "!cancel 2026-11-26 17:00 team retreat")
    await say(BOB, "!host 2026-12-03 08:00")
    chat.clock.set(dt.datetime(2026, 11, 26, 7, 58, tzinfo=dt.UTC))
    await say(HOST, "!start")
    await say(ALICE, "!here")
    await say(BOB, "!here")
    await say(HOST, "!discussed 8 good talk")
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 55, tzinfo=dt.UTC))
    await say(HOST, "!end")
    await say(ALICE, "!topics")
    await say(ALICE, "!history")
    await services.store.close()
    db = sqlite3.connect(OUT)
    print("user_version", db.execute("PRAGMA user_version").fetchone())
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("PRAGMA journal_mode = DELETE")
    db.execute("PRAGMA page_size = 1024")  # small: one page per table and index
    db.execute("VACUUM")
    db.close()


asyncio.run(main())
