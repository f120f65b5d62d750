"""How tests/data/release-b71e752.sqlite3 and release-b71e752.json were made: by that
release's own code (the last one before the modules were split by job, schema version 12),
through its commands, as its users would; then, on a copy of that database a few days
later, what the release answered to a list of commands and the bytes of every export
(the JSON file), for the new code to answer alike. Not a test; run from a worktree of
that release:

    git worktree add --detach /tmp/release b71e752 && cd /tmp/release
    PYTHONPATH=. python <this file> <out>/release-b71e752.sqlite3 <repo>/tests/data/seed-topics.yaml
"""

import asyncio
import datetime as dt
import json
import shutil
import sqlite3
import sys
from pathlib import Path

from bot.app import open_services
from bot.core.clock import FakeClock
from bot.core.config import parse_config
from bot.features.export.reports import build_export
from bot.features.people.repository import remember_display_name
from tests.conftest import ALICE, BASE_CONFIG, BOB, HOST, ORGANISER, Chat, merge

OUT = Path(sys.argv[1])
SEED = Path(sys.argv[2])
START = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
LATER = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)
# Asked of a copy of the database at LATER, in this order (writes included).
ASKED = [
    (ALICE, "!topics"),
    (ALICE, "!history"),
    (ALICE, "!next"),
    (ALICE, "!tz"),
    (ALICE, "!remind"),
    (BOB, "!stats"),
    (BOB, "!vote 7"),
    (BOB, "!suggest Something new"),
    (BOB, "!vote 1"),
    (ORGANISER, "!uncancel 2026-12-17"),
    (BOB, "!unhost 2026-12-10 08:00"),
    (HOST, "!host"),
    (ALICE, "!here"),
    (ALICE, "!mydata"),
    (ORGANISER, "!export topics"),
]
EXPORTS = [(kind, fmt) for kind in ("topics", "attendance") for fmt in ("csv", "json", "md")]


async def main() -> None:
    folder = OUT.parent
    sections = {"storage": {"database": OUT.name, "state_dir": "state"}, "topics": {"seed_file": str(SEED)}}
    config = parse_config(merge(BASE_CONFIG, sections), base_dir=folder)
    services = await open_services(config, clock=FakeClock(START))
    chat = Chat(services)

    async def say(who, body, **kwargs):
        text = await chat.text(who, body, **kwargs)
        print(f"{who} {body}\n  -> {text[:200]!r}")
        return text

    await remember_display_name(services.store, ALICE, "Alice")
    await remember_display_name(services.store, BOB, "Bob")
    await say(ALICE, "!tz Asia/Kolkata")
    await say(ALICE, "!suggest How do we pay ourselves fairly?")
    await say(BOB, "!suggest Onboarding new members")
    await say(BOB, "!suggest Pricing retainer contracts")
    await say(ALICE, "!suggest A topic taken back")
    await say(ALICE, "!withdraw 9")
    await say(BOB, "!vote 6")
    await say(ORGANISER, "!vote 6")
    await say(ALICE, "!vote 7")
    await say(ORGANISER, "!cancel 2026-12-03 17:00 team retreat")
    await say(BOB, "!host 2026-12-10 08:00")
    await say(ORGANISER, "!cancel 2026-12-17 holidays")
    await say(ALICE, "!remind 13:30 30m")
    chat.clock.set(dt.datetime(2026, 12, 3, 7, 58, tzinfo=dt.UTC))
    await say(HOST, "!start")
    await say(ALICE, "!here")
    await say(BOB, "!late 10 minutes, train")
    chat.clock.set(dt.datetime(2026, 12, 3, 8, 12, tzinfo=dt.UTC))
    await say(BOB, "!here")
    await say(HOST, "!discussed 8 good talk")
    chat.clock.set(dt.datetime(2026, 12, 3, 8, 55, tzinfo=dt.UTC))
    await say(HOST, "!end")
    await say(ALICE, "!topics")
    await say(ALICE, "!history")
    await services.store.close()
    with sqlite3.connect(OUT) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("VACUUM")
    await answers(config, folder)


async def answers(config, folder: Path) -> None:
    """What the release says on a copy of its database a few days later, and its exports."""
    copy = folder / "copy.sqlite3"
    shutil.copy(OUT, copy)
    sections = {"storage": {"database": copy.name, "state_dir": "state"}, "topics": {"seed_file": str(SEED)}}
    config = parse_config(merge(BASE_CONFIG, sections), base_dir=folder)
    services = await open_services(config, clock=FakeClock(LATER))
    chat = Chat(services)
    exports = {}
    for kind, fmt in EXPORTS:
        made = await build_export(services.store, kind, fmt, "CCC", LATER.date())
        exports[f"{kind}.{fmt}"] = made.data.decode("utf-8")
    said, files = [], {}
    for who, body in ASKED:
        replies = await chat.say(who, body)
        said.append([who, body, "\n".join(r.text for r in replies)])
        for r in replies:
            if r.file is not None and not r.file.is_image:
                files[r.file.filename] = r.file.data.decode("utf-8")
    await services.store.close()
    copy.unlink()
    out = OUT.with_suffix(".json")
    found = {"at": LATER.isoformat(), "said": said, "files": files, "exports": exports}
    out.write_text(json.dumps(found, ensure_ascii=False, indent=1) + "\n")


asyncio.run(main())
