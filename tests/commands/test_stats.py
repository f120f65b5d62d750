"""commands/stats.py: !stats, its table and its chart (drawn in a child process)."""

import datetime as dt
import re
import struct
import sys

from bot.core.clock import iso
from bot.features.sessions import chart
from tests.conftest import ALICE, BOB, HOST, ORGANISER, hold

UTC = dt.UTC


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


async def test_stats_chart_and_table_match_the_database(chat):
    people = [f"@p{i}:example.org" for i in range(12)]
    held = {}
    day = dt.date(2026, 11, 19)
    for week in range(14):  # the two oldest fall outside the 12 weeks
        for hour in ("08:00", "17:00"):
            if (week + len(hour) + int(hour[:2])) % 5 == 0:
                continue  # some sessions were not held
            key = f"{day - dt.timedelta(weeks=week)} {hour}"
            held[key] = 1 + (week * 7 + int(hour[:2])) % len(people)
            await hold(chat, key, people[: held[key]])
    reply = (await chat.say(ALICE, "!stats"))[0]
    rows = await chat.store.fetchall(
        "SELECT s.key, COUNT(a.user_id) FROM sessions s JOIN attendance a ON a.session = s.key "
        "WHERE s.starts_at >= ? GROUP BY s.key",
        (iso(chat.clock.now() - dt.timedelta(weeks=12)),),
    )
    in_db = {r[0]: r[1] for r in rows}
    table = dict(re.findall(r"^(\d{4}-\d\d-\d\d \d\d:\d\d)  (\d+)$", reply.text, re.M))
    assert {k: int(v) for k, v in table.items()} == in_db
    assert len(in_db) < len(held), "sessions older than 12 weeks are left out"
    total = sum(in_db.values())
    assert f"{len(in_db)} sessions held, {total} check-ins" in reply.text
    assert reply.file.filename == "ccc-attendance.png" and reply.file.mimetype == "image/png"
    assert png_size(reply.file.data) == (800, 400)
    assert len(reply.file.data) > 10_000


async def test_stats_with_too_few_sessions_is_text_only(chat):
    reply = (await chat.say(ALICE, "!stats"))[0]
    assert reply.file is None and "No session has been held" in reply.text
    await hold(chat, "2026-11-19 08:00", [HOST, ALICE, BOB])
    reply = (await chat.say(ALICE, "!stats"))[0]
    assert reply.file is None
    assert "2026-11-19 08:00  3" in reply.text and "a chart needs at least two" in reply.text
    assert "1 session held, 3 check-ins, 3.0 per session on average" in reply.text


async def test_stats_counts_read_right_for_one(chat):
    await hold(chat, "2026-11-19 08:00", [HOST])
    text = await chat.text(ALICE, "!stats")
    assert "1 session held, 1 check-in, 1.0 per session" in text


async def test_stats_when_the_chart_cannot_be_drawn_still_answers_with_the_table(chat, monkeypatch, caplog):
    await hold(chat, "2026-11-12 08:00", [HOST, ALICE])
    await hold(chat, "2026-11-19 08:00", [HOST, ALICE, BOB])
    monkeypatch.setattr(chart, "child_command", lambda: [sys.executable, "-c", "import sys; sys.exit(3)"])
    reply = (await chat.say(ALICE, "!stats"))[0]
    assert reply.file is None
    assert "2026-11-19 08:00  3" in reply.text and "could not be drawn" in reply.text
    assert "exit 3" in caplog.text


async def test_stats_draws_the_chart_outside_the_bot_process(chat, monkeypatch):
    """matplotlib would stay loaded (about 45 MB) in a bot that drew the chart itself."""
    await hold(chat, "2026-11-12 08:00", [HOST, ALICE])
    await hold(chat, "2026-11-19 08:00", [HOST, ALICE, BOB])

    def in_this_process(*args):
        raise AssertionError("the chart was drawn in the bot's own process")

    monkeypatch.setattr(chart, "draw", in_this_process)  # the child process has its own
    reply = (await chat.say(ALICE, "!stats"))[0]
    assert png_size(reply.file.data) == (800, 400)


async def test_a_session_never_started_is_not_counted_as_held(chat):
    chat.clock.set(at(26, 8, 10))
    await chat.say(ALICE, "!here")
    chat.clock.set(at(27, 12))
    assert "No session has been held" in await chat.text(BOB, "!stats")
    export = (await chat.say(ORGANISER, "!export attendance csv"))[0]
    assert ALICE not in export.file.data.decode("utf-8-sig")


async def test_stats_reuses_the_chart_while_attendance_is_unchanged(chat, monkeypatch):
    drawn = []

    async def render(series, title):
        drawn.append(series)
        return chart.PNG_MAGIC + bytes([len(drawn)])

    monkeypatch.setattr(chart, "render", render)
    await hold(chat, "2026-11-12 08:00", [HOST, ALICE])
    await hold(chat, "2026-11-19 08:00", [HOST, ALICE, BOB])
    first = (await chat.say(ALICE, "!stats"))[0]
    again = (await chat.say(BOB, "!stats"))[0]
    assert len(drawn) == 1 and again.file.data == first.file.data
    await hold(chat, "2026-11-19 17:00", [HOST])
    changed = (await chat.say(ALICE, "!stats"))[0]
    assert len(drawn) == 2 and changed.file.data != first.file.data
    assert "2026-11-19 17:00  1" in changed.text
