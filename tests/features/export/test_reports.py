"""bot/features/export/reports.py: every (kind, format) parses back and matches the database row for row."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest

from bot.features.export.reports import (
    ATTENDANCE_COLUMNS,
    TOPIC_COLUMNS,
    build_export,
    filename,
    md_cell,
    neutralise,
)
from bot.features.schedule.repository import add_cancellation
from bot.features.schedule.weekly_sessions import session_from_key
from bot.features.sessions import repository
from tests.conftest import ALICE, BOB, HOST, ORGANISER, SEED_TOPICS
from tests.helpers import fill

CONFERENCE = "Coop Casual Conference"
SESSION = "2026-11-26 08:00"
LATER = "2026-12-03 17:00"
NOT_STARTED = "2026-12-17 08:00"
CALLED_OFF = "2026-12-24 08:00"
DAY = dt.date(2026, 11, 26)
IMPORTED = len(SEED_TOPICS)  # the seed history every chat starts with


async def export(chat, kind: str, fmt: str) -> bytes:
    return (await build_export(chat.store, chat.services.config, kind, fmt, chat.clock.now(), CONFERENCE)).data


# --- what the database says ---------------------------------------------------------------------


async def db_topics(chat) -> list[dict]:
    rows = await chat.store.fetchall(
        "SELECT t.id AS number, t.text, t.suggested_by, t.suggested_name, t.suggested_at, "
        "(SELECT COUNT(*) FROM votes v WHERE v.topic_id = t.id) AS votes, t.status, t.session, t.note, "
        "t.seed_key IS NOT NULL AS imported, t.minutes FROM topics t ORDER BY t.id"
    )
    return [{**dict(r), "imported": bool(r["imported"])} for r in rows]


async def db_attendance(chat) -> list[dict]:
    """The sessions a host started, as exported: a session closed automatically has no end
    time and no duration (the time the bot closed it is not when it ended); the minutes
    are those between the start and the end as read to the minute."""
    rows = await chat.store.fetchall(
        "SELECT s.key AS session, s.started_by, s.started_at, s.ended_at, a.user_id AS attendee, a.checked_in_at, "
        "s.auto_ended FROM sessions s LEFT JOIN attendance a ON a.session = s.key "
        "ORDER BY s.starts_at, a.checked_in_at, a.rowid"
    )
    out = []
    for r in rows:
        row = dict(r)
        auto = bool(row.pop("auto_ended"))
        if auto:
            row["ended_at"] = None
        duration = None
        if row["ended_at"]:
            held = dt.datetime.fromisoformat(row["ended_at"][:16]) - dt.datetime.fromisoformat(row["started_at"][:16])
            duration = int(held.total_seconds()) // 60
        status = "closed automatically" if auto else "held" if row["ended_at"] else "running"
        out.append({**row, "duration_minutes": duration, "auto_closed": auto, "status": status})
    return out


def as_text(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


# --- parsing the files back ------------------------------------------------------------------------


def read_csv(data: bytes) -> tuple[list[str], list[dict]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte order mark, for Excel"
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def unneutralise(cell: str) -> str:
    """A cell as it was before the export put a ' before what a spreadsheet would take for
    a formula: at the start, and after a ; tab or line break."""
    cell = re.sub("([;\t\r\n])'", r"\1", cell)
    return (
        cell[1:]
        if re.match("'[\\s\"]*[=+\\-@\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b]|'[\t\r\n]", cell)
        else cell
    )


_MD_TOKEN = re.compile(r"\\(.)|(\|)|([^\\|]+)")


def md_cells(line: str) -> list[str]:
    """A Markdown table row split at unescaped pipes, escapes undone."""
    cells, current = [], ""
    for escaped, pipe, plain in _MD_TOKEN.findall(line.strip()):
        if pipe:
            cells.append(current)
            current = ""
        else:
            current += escaped or plain
    assert cells[0] == "" and current == "", f"a row starts and ends with a pipe: {line!r}"
    return [c.strip() for c in cells[1:]]


def md_tables(text: str) -> dict[str, list[list[str]]]:
    """Each `## heading`'s table rows (header and separator left out)."""
    tables: dict[str, list[list[str]]] = {}
    heading = None
    for line in text.splitlines():
        if line.startswith("## "):
            heading = line[3:]
            tables[heading] = []
        elif line.startswith("|") and heading is not None:
            cells = md_cells(line)
            if all(re.fullmatch(r"-+:?", c) for c in cells):
                continue
            tables[heading].append(cells)
    # First row of each table is its header.
    return {h: rows[1:] for h, rows in tables.items() if rows}


# --- topics --------------------------------------------------------------------------------------


async def test_topics_csv_matches_the_database_row_for_row(chat):
    await fill(chat)
    header, rows = read_csv(await export(chat, "topics", "csv"))
    assert header == list(TOPIC_COLUMNS)
    expected = await db_topics(chat)
    assert len(rows) == len(expected) == IMPORTED + 4, "the imported history and the 4 suggested"
    for row, db in zip(rows, expected, strict=True):
        assert {k: unneutralise(v) for k, v in row.items()} == {k: as_text(db[k]) for k in TOPIC_COLUMNS}


async def test_csv_neutralises_formulas(chat):
    numbers = await fill(chat)
    data = await export(chat, "topics", "csv")
    _, rows = read_csv(data)
    by_number = {int(r["number"]): r for r in rows}
    assert by_number[numbers["formula"]]["text"] == '\'=HYPERLINK("http://evil.example/x","click")'
    assert by_number[numbers["minus"]]["text"] == "'-1 reasons to say no"
    assert by_number[numbers["pay"]]["note"] == "'+1 from everyone | hours = pay"
    assert by_number[numbers["pay"]]["suggested_by"] == ALICE, "a user ID is no formula: as it is"
    cells = [c for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r") and c not in (ALICE, BOB)]
    _, attendance = read_csv(await export(chat, "attendance", "csv"))
    assert {r["attendee"] for r in attendance} == {"", HOST, ALICE, BOB}


def test_neutralise_leaves_harmless_values_alone():
    assert neutralise("How do we bill?") == "How do we bill?"
    assert neutralise("2026-11-26T08:00:00Z") == "2026-11-26T08:00:00Z"
    assert neutralise(3) == 3
    assert neutralise(None) == ""
    assert neutralise("\t=1+1") == "'\t'=1+1", "a reader splitting at tabs sees '=1+1, not =1+1"
    for harmless in ("co-op; e-mail", "a = b + c", "Budgets, -5% (or +5%)", "x@y", "#1", "; ok", "'quoted'"):
        assert neutralise(harmless) == harmless


# --- CSV: every spelling of a formula (issue 25) -----------------------------------------

# What a spreadsheet takes for a formula at the start of a cell: = + - @, their full-width
# and small forms (Excel with a Japanese input method reads ＝ as =), after spaces.
FORMULA_START = re.compile('[\\s"]*[=+\\-@\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b]')
# Typed by people (!suggest keeps them as they are).
TYPED = (
    "\uff1d1+4 apples",
    "\uff0bSUM(1) bananas",
    "\uff0d1 cherries",
    "\uff20SUM(1) dates",
    "\ufe661+1 elderberries",
    ";=1+6 figs",
    "grapes;=1+6",
    "honeydew; -2+3",
    'kiwis;"=1+7',
    "lemons;\uff1d1+8",
    "mangoes; =1+9",
)
STORED = (" =2+1", "\u3000=2+5", "\t=2+2", "a\t=2+3", "a\n=2+4", "a\r\n@SUM(2)", "\t\tplain", "a\n\n+2")


def cells_seen_by(text: str, delimiter: str) -> list[str]:
    """The cells a spreadsheet reading `text` with this separator gets: Python's csv reader;
    with another separator than the file's, also a plain split at each separator and line
    break (where the file's quotes need not be where that reader looks for them)."""
    parsed = [c for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter) for c in row]
    if delimiter == ",":
        return parsed
    return parsed + [c for line in re.split("\r\n|\r|\n", text) for c in line.split(delimiter)]


async def dangerous_history(chat) -> dict[str, int]:
    """Topics, a note and a display name in every spelling of a formula, through the
    commands; then what only a database could hold, written into it."""

    async def suggest(who: str, text: str) -> int:
        reply = await chat.text(who, f"!suggest {text}")
        chat.clock.advance(minutes=13)  # within the 5 suggestions an hour
        return int(re.search(r"Added #(\d+)", reply).group(1))

    numbers = {text: await suggest(ALICE, text) for text in TYPED}
    chat.clock.set(dt.datetime(2026, 11, 26, 7, 55, tzinfo=dt.UTC))
    assert "has started" in await chat.text(HOST, "!start")
    assert "Checked in" in await chat.text(ALICE, "!here")
    first = numbers[TYPED[0]]
    assert "Marked" in await chat.text(HOST, f"!discussed {first} ;=1+10")
    assert "ended" in await chat.text(HOST, "!end")
    chat.clock.advance(hours=1)
    for text, word in zip(
        STORED, ("nectarines", "olives", "papayas", "quinces", "raisins", "sloes", "tangerines", "ugli"), strict=True
    ):
        number = await suggest(BOB, word)
        await chat.store.execute("UPDATE topics SET text = ? WHERE id = ?", (text, number))
        numbers[text] = number
    await chat.store.execute("UPDATE topics SET suggested_name = ? WHERE suggested_by = ?", ("=evil()", BOB))
    return numbers


async def test_csv_neutralises_every_spelling_of_a_formula(chat):
    numbers = await dangerous_history(chat)
    data = await export(chat, "topics", "csv")
    text = data.decode("utf-8-sig")
    _, rows = read_csv(data)
    by_number = {int(r["number"]): r for r in rows}
    for original in (*TYPED, *STORED):
        cell = by_number[numbers[original]]["text"]
        assert unneutralise(cell) == original, "the text is all there"
        assert cell != original and not FORMULA_START.match(cell), original
    assert by_number[numbers["\uff1d1+4 apples"]]["text"] == "'\uff1d1+4 apples"
    assert by_number[numbers[";=1+6 figs"]]["text"] == ";'=1+6 figs"
    assert by_number[numbers['kiwis;"=1+7']]["text"] == "kiwis;'\"=1+7"
    assert by_number[numbers["\t=2+2"]]["text"] == "'\t'=2+2"
    assert by_number[numbers[TYPED[0]]]["note"] == ";'=1+10"
    assert {r["suggested_name"] for r in rows if r["suggested_by"] == BOB} == {"'=evil()"}
    # Whatever separator a spreadsheet assumes (Excel in many countries: ';'), no cell it
    # sees starts with a formula; with ',' only the Matrix IDs start with '@'.
    for delimiter in (";", "\t"):
        assert not [c for c in cells_seen_by(text, delimiter) if FORMULA_START.match(c)], delimiter
    ids = {ALICE, BOB}
    assert not [c for c in cells_seen_by(text, ",") if FORMULA_START.match(c) and c.strip('"') not in ids]


async def test_csv_exports_matrix_ids_as_they_are(chat):
    await fill(chat)
    data = await export(chat, "topics", "csv")
    _, rows = read_csv(data)
    assert {r["suggested_by"] for r in rows} == {"", ALICE, BOB}, "no quote mark before the @"
    assert f',"{ALICE}",'.encode() in data, "quoted, as text"
    attendance = await export(chat, "attendance", "csv")
    _, sessions_ = read_csv(attendance)
    assert [(r["started_by"], r["attendee"]) for r in sessions_] == [
        (HOST, HOST),
        (HOST, ALICE),
        (HOST, BOB),
        (HOST, ""),
    ]
    # An ID column holding something that is no Matrix ID is text like any other.
    await chat.store.execute(
        "UPDATE attendance SET user_id = ? WHERE user_id = ?", ("@SUM(1+1)*cmd|' /C calc'!A0", BOB)
    )
    _, sessions_ = read_csv(await export(chat, "attendance", "csv"))
    assert sessions_[2]["attendee"] == "'@SUM(1+1)*cmd|' /C calc'!A0"


def test_markdown_cells_need_no_formula_rule():
    """A Markdown report is read, not calculated: a formula stays text, and markup is escaped."""
    assert md_cell("=HYPERLINK(1)") == "=HYPERLINK(1)"
    assert md_cell("<img src=x onerror=alert(1)>|x") == "\\<img src=x onerror=alert(1)\\>\\|x"


async def test_topics_json_is_one_versioned_document_matching_the_database(chat):
    await fill(chat)
    document = json.loads(await export(chat, "topics", "json"))
    assert document["schema_version"] == 4
    assert document["kind"] == "topics"
    assert document["topics"] == await db_topics(chat)


async def test_topics_markdown_has_a_table_per_status_matching_the_database(chat):
    numbers = await fill(chat)
    text = (await export(chat, "topics", "md")).decode("utf-8")
    assert text.startswith(f"# {CONFERENCE}: topics\n")
    discussed = f"Discussed ({IMPORTED + 1})"
    assert f"{IMPORTED + 4} topics: 2 open, {IMPORTED + 1} discussed ({IMPORTED} imported), 1 withdrawn." in text
    tables = md_tables(text)
    assert list(tables) == ["Open (2)", discussed, "Withdrawn (1)"]
    expected = {t["number"]: t for t in await db_topics(chat)}
    seen = 0
    for heading, rows in tables.items():
        for number, topic, by, at, votes, session, note, *minutes in rows:
            db = expected[int(number)]
            assert minutes == ([as_text(db["minutes"])] if db["status"] == "discussed" else []), "discussed ones only"
            assert heading.lower().startswith(db["status"])
            assert (topic, at, int(votes), session, note) == (
                db["text"],
                as_text(db["suggested_at"]),
                db["votes"],
                "earlier (imported)" if db["imported"] else as_text(db["session"]),
                as_text(db["note"]),
            )
            if db["suggested_by"]:
                assert by == f"{db['suggested_name']} ({db['suggested_by']})"
            seen += 1
    assert seen == len(expected)
    # The markup in a topic stays text: escaped, never a cell border or a tag.
    assert "Pipes \\| and \\*stars\\* in \\<b\\>text\\</b\\>" in text
    in_a_session = [r for r in tables[discussed] if r[5] == SESSION]
    assert [(int(r[0]), r[1]) for r in in_a_session] == [(numbers["pay"], "How do we pay ourselves fairly?")]


async def test_imported_history_is_exported_as_discussed_and_marked_imported(chat):
    numbers = await fill(chat)
    _, rows = read_csv(await export(chat, "topics", "csv"))
    by_number = {int(r["number"]): r for r in rows}
    by_text = {r["text"]: r for r in rows}
    assert [(by_text[t]["status"], by_text[t]["imported"]) for t in SEED_TOPICS] == [("discussed", "yes")] * IMPORTED
    assert (by_number[numbers["pay"]]["status"], by_number[numbers["pay"]]["imported"]) == ("discussed", "no")
    assert by_number[numbers["markup"]]["imported"] == "no"
    discussed = [r for r in rows if r["status"] == "discussed"]
    assert len(discussed) == IMPORTED + 1, "a filter on status finds the imported history too"
    document = json.loads(await export(chat, "topics", "json"))
    first = document["topics"][0]
    assert (first["status"], first["imported"], first["session"]) == ("discussed", True, None)
    assert {t["status"] for t in document["topics"]} == {"open", "discussed", "withdrawn"}


async def test_unattributed_topics_show_a_former_participant_in_the_report(chat):
    numbers = await fill(chat)
    await chat.store.execute(
        "UPDATE topics SET suggested_by = NULL, suggested_name = NULL WHERE id = ?", (numbers["markup"],)
    )
    tables = md_tables((await export(chat, "topics", "md")).decode())
    withdrawn_or_open = {int(r[0]): r[2] for rows in tables.values() for r in rows}
    assert withdrawn_or_open[numbers["markup"]] == "a former participant"
    imported = {r[2] for rows in tables.values() for r in rows if r[5] == "earlier (imported)"}
    assert imported == {""}, "imported topics had no suggester"


async def test_each_export_gives_the_minutes_of_a_topic_discussed_with_a_timebox_and_none_without(chat):
    numbers = await fill(chat)  # "pay" was marked discussed without a timebox
    chat.clock.set(dt.datetime(2026, 12, 3, 17, 0, tzinfo=dt.UTC))  # the second session runs
    assert "Now discussing" in await chat.text(HOST, f"!discuss {numbers['formula']}")
    chat.clock.advance(minutes=12, seconds=10)
    assert "Marked" in await chat.text(HOST, f"!discussed {numbers['formula']}")
    _, rows = read_csv(await export(chat, "topics", "csv"))
    by_number = {int(r["number"]): r for r in rows}
    assert (by_number[numbers["formula"]]["minutes"], by_number[numbers["pay"]]["minutes"]) == ("12", "")
    assert {r["minutes"] for r in rows if int(r["number"]) != numbers["formula"]} == {""}
    topics = {t["number"]: t for t in json.loads(await export(chat, "topics", "json"))["topics"]}
    assert (topics[numbers["formula"]]["minutes"], topics[numbers["pay"]]["minutes"]) == (12, None)
    tables = md_tables((await export(chat, "topics", "md")).decode())
    discussed = {int(r[0]): r[7] for r in tables[f"Discussed ({IMPORTED + 2})"]}
    assert (discussed[numbers["formula"]], discussed[numbers["pay"]]) == ("12", "")
    assert all(len(r) == 7 for r in tables["Open (1)"] + tables["Withdrawn (1)"]), "no minutes column there"


# --- attendance ----------------------------------------------------------------------------------


async def test_attendance_csv_matches_the_database_row_for_row(chat):
    await fill(chat)
    header, rows = read_csv(await export(chat, "attendance", "csv"))
    assert header == list(ATTENDANCE_COLUMNS)
    expected = await db_attendance(chat)
    assert len(rows) == len(expected) == 4, "host, alice, bob; and the later session with nobody"
    for row, db in zip(rows, expected, strict=True):
        row = {k: unneutralise(v) for k, v in row.items()}
        assert row.pop("slot") == ("Thursday 08:00" if db["session"] == SESSION else "Thursday 17:00")
        assert row == {k: as_text(v) for k, v in db.items()}
    assert [r["attendee"] for r in rows] == [HOST, ALICE, BOB, ""]


async def test_attendance_json_nests_attendees_in_sessions(chat):
    await fill(chat)
    document = json.loads(await export(chat, "attendance", "json"))
    assert document["schema_version"] == 4 and document["kind"] == "attendance"
    flat = [
        {
            "session": s["session"],
            "started_by": s["started_by"],
            "started_at": s["started_at"],
            "ended_at": s["ended_at"],
            "attendee": a["attendee"] if a else None,
            "checked_in_at": a["checked_in_at"] if a else None,
            "duration_minutes": s["duration_minutes"],
            "auto_closed": s["auto_closed"],
            "status": s["status"],
        }
        for s in document["sessions"]
        for a in (s["attendees"] or [None])
    ]
    assert flat == await db_attendance(chat)
    assert [s["slot"] for s in document["sessions"]] == ["Thursday 08:00", "Thursday 17:00"]
    assert document["sessions"][1]["attendees"] == []


async def test_attendance_markdown_has_an_overview_and_a_table_per_session(chat):
    await fill(chat)
    text = (await export(chat, "attendance", "md")).decode()
    assert "2 sessions, 3 check-ins." in text
    tables = md_tables(text)
    assert list(tables) == ["Sessions", f"{SESSION} (Thursday 08:00)"], "a session nobody attended has no table"
    assert f"## {LATER} (Thursday 17:00)\n\nNobody checked in." in text
    overview = {row[0]: row for row in tables["Sessions"]}
    assert overview[SESSION][1:4] == ["Thursday 08:00", "held", HOST]
    assert overview[SESSION][6:] == ["53", "3"] and overview[LATER][2:] == [
        "running",
        HOST,
        "2026-12-03T16:50:00Z",
        "",
        "",
        "0",
    ]
    expected = [r for r in await db_attendance(chat) if r["session"] == SESSION]
    rows = tables[f"{SESSION} (Thursday 08:00)"]
    assert [r[1] for r in rows] == [r["checked_in_at"] for r in expected]
    assert rows[1][0] == f"Alice | the | Cooperator ({ALICE})", "names with pipes survive the table"


async def close_later_automatically(chat) -> None:
    """Nobody ends the later session: the bot closes it three hours after its start."""
    await repository.end_session(chat.store, LATER, None, dt.datetime(2026, 12, 3, 19, 50, tzinfo=dt.UTC), auto=True)


async def test_a_session_closed_automatically_has_no_invented_end_or_duration(chat):
    await fill(chat)
    await close_later_automatically(chat)
    _, rows = read_csv(await export(chat, "attendance", "csv"))
    assert [(r["session"], r["ended_at"], r["duration_minutes"], r["auto_closed"]) for r in rows] == [
        (SESSION, "2026-11-26T08:48:00Z", "53", "no"),
        (SESSION, "2026-11-26T08:48:00Z", "53", "no"),
        (SESSION, "2026-11-26T08:48:00Z", "53", "no"),
        (LATER, "", "", "yes"),
    ]
    document = json.loads(await export(chat, "attendance", "json"))
    later = document["sessions"][1]
    assert (later["ended_at"], later["duration_minutes"], later["auto_closed"]) == (None, None, True)
    assert document["sessions"][0]["duration_minutes"] == 53 and document["sessions"][0]["auto_closed"] is False
    overview = {row[0]: row for row in md_tables((await export(chat, "attendance", "md")).decode())["Sessions"]}
    assert overview[LATER][2] == "closed automatically" and overview[LATER][5:7] == ["", ""]
    assert overview[SESSION][2] == "held" and overview[SESSION][5:7] == ["2026-11-26T08:48:00Z", "53"]


async def test_a_running_session_exports_no_end_and_no_duration(chat):
    await fill(chat)
    _, rows = read_csv(await export(chat, "attendance", "csv"))
    assert [(r["ended_at"], r["duration_minutes"], r["auto_closed"]) for r in rows if r["session"] == LATER] == [
        ("", "", "no")
    ]


async def came_and_no_host_started(chat) -> None:
    """Alice checks in to two sessions no host starts: nobody starts the first, the second
    is called off while it waits for its host."""
    chat.clock.set(dt.datetime(2026, 12, 17, 8, 4, tzinfo=dt.UTC))
    assert "no host has started it yet" in await chat.text(ALICE, "!here")
    chat.clock.set(dt.datetime(2026, 12, 24, 8, 3, tzinfo=dt.UTC))
    assert "no host has started it yet" in await chat.text(ALICE, "!here")
    chat.clock.advance(minutes=3)
    await add_cancellation(chat.store, CALLED_OFF, "nobody can host", ORGANISER, chat.clock.now())


async def test_check_ins_to_sessions_no_host_started_are_exported_as_not_started_or_called_off(chat):
    await fill(chat)
    await close_later_automatically(chat)
    await came_and_no_host_started(chat)
    chat.clock.set(dt.datetime(2026, 12, 28, 12, tzinfo=dt.UTC))
    _, rows = read_csv(await export(chat, "attendance", "csv"))
    assert [(r["session"], r["attendee"], r["started_at"], r["duration_minutes"], r["status"]) for r in rows[-2:]] == [
        (NOT_STARTED, ALICE, "", "", "not started"),
        (CALLED_OFF, ALICE, "", "", "called off"),
    ]
    assert [r["status"] for r in rows[:4]] == ["held", "held", "held", "closed automatically"]
    document = json.loads(await export(chat, "attendance", "json"))
    assert [(s["session"], s["status"], [a["attendee"] for a in s["attendees"]]) for s in document["sessions"][2:]] == [
        (NOT_STARTED, "not started", [ALICE]),
        (CALLED_OFF, "called off", [ALICE]),
    ]
    text = (await export(chat, "attendance", "md")).decode()
    assert "4 sessions, 5 check-ins (1 not started, 1 called off)." in text
    tables = md_tables(text)
    overview = {row[0]: row for row in tables["Sessions"]}
    assert overview[NOT_STARTED][1:] == ["Thursday 08:00", "not started", "", "", "", "", "1"]
    assert overview[CALLED_OFF][2] == "called off"
    assert tables[f"{NOT_STARTED} (Thursday 08:00)"] == [
        [f"Alice | the | Cooperator ({ALICE})", "2026-12-17T08:04:00Z"]
    ]


async def test_a_session_waiting_for_its_host_is_exported_as_waiting(chat):
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 4, tzinfo=dt.UTC))
    assert "no host has started it yet" in await chat.text(ALICE, "!here")
    _, rows = read_csv(await export(chat, "attendance", "csv"))
    assert [(r["session"], r["attendee"], r["status"]) for r in rows] == [(SESSION, ALICE, "waiting for its host")]
    chat.clock.set(dt.datetime(2026, 11, 26, 10, 1, tzinfo=dt.UTC))
    _, rows = read_csv(await export(chat, "attendance", "csv"))
    assert [r["status"] for r in rows] == ["not started"], "its start window closed at 10:00"


async def test_minutes_are_those_between_start_and_end_read_to_the_minute(chat):
    """08:10:50 to 08:58:10 reads 08:10-08:58: 48 minutes, as the summary says, though
    47 minutes 20 seconds passed."""
    session = session_from_key(chat.services.config, SESSION)
    started = dt.datetime(2026, 11, 26, 8, 10, 50, tzinfo=dt.UTC)
    await repository.start_session(chat.store, session, HOST, started)
    await repository.end_session(chat.store, SESSION, HOST, dt.datetime(2026, 11, 26, 8, 58, 10, tzinfo=dt.UTC))
    _, rows = read_csv(await export(chat, "attendance", "csv"))
    assert [r["duration_minutes"] for r in rows] == ["48"]
    assert json.loads(await export(chat, "attendance", "json"))["sessions"][0]["duration_minutes"] == 48
    assert md_tables((await export(chat, "attendance", "md")).decode())["Sessions"][0][6] == "48"


@pytest.mark.parametrize("fmt", ["csv", "json", "md"])
async def test_an_empty_history_still_exports(chat, fmt):
    made = await build_export(chat.store, chat.services.config, "attendance", fmt, chat.clock.now(), CONFERENCE)
    assert made.summary == "0 sessions, 0 check-ins"
    if fmt == "csv":
        assert read_csv(made.data) == (list(ATTENDANCE_COLUMNS), [])
    elif fmt == "json":
        assert json.loads(made.data)["sessions"] == []
    else:
        assert "0 sessions, 0 check-ins." in made.data.decode()


# --- names ---------------------------------------------------------------------------------------


def test_file_names_carry_kind_and_date():
    assert filename("topics", "csv", DAY) == "ccc-topics-2026-11-26.csv"
    assert filename("attendance", "md", dt.date(2027, 1, 7)) == "ccc-attendance-2027-01-07.md"


def test_markdown_cells_fold_newlines_and_escape_pipes():
    assert md_cell("a|b\nc") == "a\\|b c"
    assert md_cell(None) == ""
    assert md_cells("| " + md_cell("x \\| y | z") + " |") == ["x \\| y | z"]


# --- the files themselves, byte for byte -------------------------------------------------------

GOLDEN = Path(__file__).parent / "golden"


async def fill_everything(chat) -> None:
    """`fill`, and what else a history holds: a late note, a topic discussed with a timebox
    (its minutes), a person forgotten (their topic unattributed), a session closed
    automatically, and one with nobody checked in."""
    numbers = await fill(chat)
    await close_later_automatically(chat)
    chat.clock.set(dt.datetime(2026, 12, 10, 7, 40, tzinfo=dt.UTC))
    assert "later" in await chat.text(ALICE, "!late stuck on a train")
    chat.clock.set(dt.datetime(2026, 12, 10, 7, 58, tzinfo=dt.UTC))
    assert "has started" in await chat.text(HOST, "!start")
    assert "Now discussing" in await chat.text(HOST, "!discuss")  # Lean Coffee: the most voted, timed
    chat.clock.advance(minutes=20)
    assert "Checked in" in await chat.text(ALICE, "!here")
    assert "Marked" in await chat.text(HOST, f"!discussed {numbers['formula']}")
    chat.clock.advance(minutes=40)
    assert "ended" in await chat.text(HOST, "!end")
    await came_and_no_host_started(chat)
    assert "confirm" in await chat.text(BOB, "!forgetme")
    assert "Erased" in await chat.text(BOB, "!forgetme confirm")


@pytest.mark.parametrize("kind", ["topics", "attendance"])
@pytest.mark.parametrize("fmt", ["csv", "json", "md"])
async def test_every_export_is_byte_for_byte_the_file_it_was(chat, kind, fmt):
    """What a refactoring must not change: the exact bytes of each file for one history
    (its columns, their order, the JSON layout, the Markdown). A deliberate change to the
    files rewrites tests/features/export/golden/ (and SCHEMA_VERSION when a column moves)."""
    await fill_everything(chat)
    data = await export(chat, kind, fmt)
    assert data == (GOLDEN / filename(kind, fmt, DAY)).read_bytes()


async def test_the_json_exports_field_by_field(chat):
    """The same history as the golden files, read as a person checking the JSON would:
    imported history, the forgotten person's topic, the automatic close, the late note
    (which is no check-in)."""
    await fill_everything(chat)
    topics = json.loads(await export(chat, "topics", "json"))["topics"]
    assert list(topics[0]) == list(TOPIC_COLUMNS)
    assert [(t["text"], t["status"], t["imported"], t["session"]) for t in topics[:IMPORTED]] == [
        (text, "discussed", True, None) for text in SEED_TOPICS
    ]
    mine = topics[IMPORTED:]
    assert [(t["number"], t["suggested_by"], t["suggested_name"], t["votes"], t["status"]) for t in mine] == [
        (IMPORTED + 1, ALICE, "alice", 1, "discussed"),  # Bob's vote went with him
        (IMPORTED + 2, None, None, 1, "discussed"),  # with a timebox: its minutes
        (IMPORTED + 3, ALICE, "alice", 0, "open"),
        (IMPORTED + 4, None, None, 0, "withdrawn"),
    ]
    assert (mine[0]["session"], mine[0]["note"], mine[0]["suggested_at"]) == (
        SESSION,
        "+1 from everyone | hours = pay",
        "2026-11-23T12:00:00Z",
    )
    assert all(t["imported"] is False for t in mine)
    assert [t["minutes"] for t in mine] == [None, 20, None, None], "only the one discussed with a timebox"
    sessions_ = json.loads(await export(chat, "attendance", "json"))["sessions"]
    assert [list(s) for s in sessions_] == [
        [
            "session",
            "slot",
            "started_by",
            "started_at",
            "ended_at",
            "duration_minutes",
            "auto_closed",
            "status",
            "attendees",
        ]
    ] * 5
    assert [
        (
            s["session"],
            s["slot"],
            s["started_by"],
            s["started_at"],
            s["ended_at"],
            s["duration_minutes"],
            s["auto_closed"],
            s["status"],
        )
        for s in sessions_
    ] == [
        (SESSION, "Thursday 08:00", HOST, "2026-11-26T07:55:00Z", "2026-11-26T08:48:00Z", 53, False, "held"),
        (LATER, "Thursday 17:00", HOST, "2026-12-03T16:50:00Z", None, None, True, "closed automatically"),
        (
            "2026-12-10 08:00",
            "Thursday 08:00",
            HOST,
            "2026-12-10T07:58:00Z",
            "2026-12-10T08:58:00Z",
            60,
            False,
            "held",
        ),
        (NOT_STARTED, "Thursday 08:00", None, None, None, None, False, "not started"),
        (CALLED_OFF, "Thursday 08:00", None, None, None, None, False, "called off"),
    ]
    assert [[(a["attendee"], a["checked_in_at"]) for a in s["attendees"]] for s in sessions_] == [
        [(HOST, "2026-11-26T07:55:00Z"), (ALICE, "2026-11-26T07:55:00Z")],
        [],
        [(HOST, "2026-12-10T07:58:00Z"), (ALICE, "2026-12-10T08:18:00Z")],
        [(ALICE, "2026-12-17T08:04:00Z")],
        [(ALICE, "2026-12-24T08:03:00Z")],
    ]
