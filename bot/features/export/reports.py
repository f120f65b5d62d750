"""The history as files: topics and attendance, as CSV, JSON or Markdown.

One renderer per (kind, format), all pure functions of what the database holds, so the
chat command (`!export`) and the CLI (`ccc-bot export`) write the same bytes for the same
database. No timestamps of the export itself go into the contents; the date is only in
the file name.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from bot.core.config import Config
from bot.core.i18n import Translator, english
from bot.core.model import Attachment
from bot.core.text import clean
from bot.features.export.attendance import ATTENDANCE_COLUMNS, AttendanceRow, attendance_rows, counts_text
from bot.features.export.words import column, md_heading, slot_words, status_heading, status_word, topic_counts, yes_no
from bot.features.people.names import known_names
from bot.features.sessions.statistics import turnout
from bot.features.topics.model import Topic, TopicStatus
from bot.features.topics.repository import all_topics
from bot.storage.store import Store

KINDS = ("topics", "attendance")
FORMATS = ("csv", "json", "md")
MIMETYPES = {"csv": "text/csv", "json": "application/json", "md": "text/markdown"}
# 2: imported history has the status "discussed" and `imported` true (1 had "imported").
# 3: attendance has each session's `status`, and the sessions people came to that no host
# started ("not started") or that were called off.
# 4: topics have their `minutes`: how long each was discussed with a timebox (Lean Coffee's
# `!discuss`); empty (null) for one marked discussed without one, and for the others.
SCHEMA_VERSION = 4

STATUS_ORDER = (TopicStatus.OPEN, TopicStatus.DISCUSSED, TopicStatus.WITHDRAWN)


# The topics file's columns, in order: a topic as the topics feature keeps it (`Topic`),
# its id as `number`, without `discussed_at`; a column added later goes last, so that a
# spreadsheet that reads the columns by place still reads the others.
TOPIC_COLUMNS = (
    "number",
    "text",
    "suggested_by",
    "suggested_name",
    "suggested_at",
    "votes",
    "status",
    "session",
    "note",
    "imported",  # history from the seed file: discussed, before the bot kept records
    "minutes",  # how long it was discussed with a timebox (!discuss); empty without one
)


@dataclass(frozen=True)
class Report:
    """What the readable (Markdown) renderers add to the rows: a title and people's names."""

    conference: str
    names: Mapping[str, str]
    lang: Translator  # the words of the CSV and Markdown files (the JSON keeps machine names)

    def person(self, user_id: str | None) -> str:
        if not user_id:
            return ""
        name = self.names.get(user_id)
        return f"{name} ({user_id})" if name and name != user_id else user_id


# --- reading ----------------------------------------------------------------------------


def topic_record(topic: Topic) -> dict[str, Any]:
    """A topic as one row of the file, by TOPIC_COLUMNS."""
    return {"number": topic.id, **{c: getattr(topic, c) for c in TOPIC_COLUMNS[1:]}}


# --- CSV --------------------------------------------------------------------------------

# A spreadsheet takes a cell starting with one of these for a formula (OWASP, "CSV
# injection"): = + - @ and the forms Unicode folds into them (full-width ＝＋－＠, as a
# Japanese input method types them, small, super- and subscript), after any spaces.
_FORMULA = "=+\\-@\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b\u207c\u207a\u208c\u208a\ufb29"
# Where a spreadsheet may start a cell inside ours: the file is read with ';' as the
# separator in much of Europe, or with tabs, and a line break there may start a row; our
# quotes do not protect a cell from such a reader. Commas are always inside quotes.
_SEPARATORS = ";\t\r\n"
_BEFORE = f'(?:[^\\S{_SEPARATORS}]|")*'  # spaces and double quotes a reader skips or strips
_STARTS_FORMULA = re.compile(f"[\t\r\n]|\\s*[{_FORMULA}]")
_FORMULA_AFTER_SEPARATOR = re.compile(f"[{_SEPARATORS}](?={_BEFORE}[{_FORMULA}])")
_RISKY = re.compile(f"^(?:[\t\r\n]|\\s*[{_FORMULA}])|[{_SEPARATORS}](?={_BEFORE}[{_FORMULA}])")
# A Matrix user ID (today's grammar, and capitals as some older IDs have): nothing a
# spreadsheet could run, no brackets, quotes, pipes or spaces, only an '@' at the start;
# written as it is, in quotes. Anything else in an ID column is text like any other.
_USER_ID = re.compile(r"@[A-Za-z0-9._=\-/+]+:(?:[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")
# The columns that hold user IDs.
ID_COLUMNS = frozenset({"suggested_by", "started_by", "attendee"})
_NEEDS_QUOTES = re.compile(r'[,"\r\n]')


def neutralise(value: Any, lang: Translator | None = None) -> Any:
    """A text cell a spreadsheet would run as a formula gets a ' before it (the usual
    mark for "text"), and so does each part of it after a ; tab or line break that would;
    a yes/no value is written as a word (in `lang`, English by default)."""
    if isinstance(value, str):
        if not _RISKY.search(value):
            return value
        mark = "'" if _STARTS_FORMULA.match(value) else ""
        return mark + _FORMULA_AFTER_SEPARATOR.sub(r"\g<0>'", value)
    if isinstance(value, bool):
        return yes_no(value, lang or english())
    return "" if value is None else value


def csv_cell(value: Any, user_id: bool = False, lang: Translator | None = None) -> str:
    """One cell as the CSV file has it (quoted as Python's csv module does, only where
    needed); in a column of user IDs, an ID is quoted instead of marked with a '."""
    if user_id and isinstance(value, str) and _USER_ID.fullmatch(value):
        return f'"{value}"'
    text = str(neutralise(value, lang))
    return '"' + text.replace('"', '""') + '"' if _NEEDS_QUOTES.search(text) else text


def _csv(columns: Sequence[str], records: Iterable[Iterable[Any]], lang: Translator) -> bytes:
    """`records`: each row's values, in the order of `columns`; the headings in `lang`."""
    ids = [name in ID_COLUMNS for name in columns]
    langs = [lang] * len(columns)
    lines = [",".join(csv_cell(column(name, lang), lang=lang) for name in columns)]
    lines.extend(",".join(map(csv_cell, record, ids, langs)) for record in records)
    # With a byte order mark, Excel reads the file as UTF-8 instead of the local code page.
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def topics_csv(topics: Sequence[Topic], report: Report) -> bytes:
    lang = report.lang
    records = ({**topic_record(t), "status": status_word(t.status, lang)}.values() for t in topics)
    return _csv(TOPIC_COLUMNS, records, lang)


def attendance_csv(rows: Sequence[AttendanceRow], report: Report) -> bytes:
    lang = report.lang
    if lang.code == "en":
        # attrgetter, not asdict: asdict deep-copies every value of every row.
        return _csv(ATTENDANCE_COLUMNS, map(attrgetter(*ATTENDANCE_COLUMNS), rows), lang)
    slot, status = ATTENDANCE_COLUMNS.index("slot"), ATTENDANCE_COLUMNS.index("status")
    records = []
    for row in rows:
        record = list(attrgetter(*ATTENDANCE_COLUMNS)(row))
        record[slot], record[status] = slot_words(row.session, row.slot, lang), status_word(row.status, lang)
        records.append(record)
    return _csv(ATTENDANCE_COLUMNS, records, lang)


# --- JSON -------------------------------------------------------------------------------


def _json(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def topics_json(topics: Sequence[Topic], report: Report) -> bytes:
    return _json(
        {
            "schema_version": SCHEMA_VERSION,
            "kind": "topics",
            "conference": report.conference,
            "topics": [topic_record(t) for t in topics],
        }
    )


def attendance_json(rows: Sequence[AttendanceRow], report: Report) -> bytes:
    sessions: list[dict[str, Any]] = []
    for row in rows:
        if not sessions or sessions[-1]["session"] != row.session:
            sessions.append(
                {
                    "session": row.session,
                    "slot": row.slot,
                    "started_by": row.started_by,
                    "started_at": row.started_at,
                    "ended_at": row.ended_at,
                    "duration_minutes": row.duration_minutes,
                    "auto_closed": row.auto_closed,
                    "status": row.status,
                    "attendees": [],
                }
            )
        if row.attendee is not None:
            sessions[-1]["attendees"].append({"attendee": row.attendee, "checked_in_at": row.checked_in_at})
    return _json(
        {"schema_version": SCHEMA_VERSION, "kind": "attendance", "conference": report.conference, "sessions": sessions}
    )


# --- Markdown ---------------------------------------------------------------------------

# Everything Markdown could read as markup or a cell border is backslash-escaped, so a
# topic can neither break the table nor turn into a link or HTML where the report is shown.
_MD_SPECIAL = re.compile(r"([\\|`*_\[\]<>])")


def md_cell(value: Any) -> str:
    if value is None:
        return ""
    return _MD_SPECIAL.sub(r"\\\1", clean(str(value)))


def _md_table(header: Sequence[str], rows: Sequence[Sequence[Any]], right: Sequence[int] = ()) -> list[str]:
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|")
    lines.extend("| " + " | ".join(md_cell(v) for v in row) + " |" for row in rows)
    return lines


def _md(lines: list[str]) -> bytes:
    return ("\n".join(lines).rstrip("\n") + "\n").encode("utf-8")


def _suggester(row: Topic, report: Report) -> str:
    if row.suggested_by is None:
        # Translators: who suggested a topic whose suggester erased their data (!forgetme).
        return "" if row.imported else report.lang.gettext("a former participant")
    name = row.suggested_name
    return f"{name} ({row.suggested_by})" if name else row.suggested_by


def topics_md(rows: Sequence[Topic], report: Report) -> bytes:
    lang = report.lang
    by_status = {status: [r for r in rows if r.status == status] for status in STATUS_ORDER}
    # Open topics as !topics ranks them: most votes first, then the oldest suggestion.
    by_status[TopicStatus.OPEN].sort(key=lambda r: (-r.votes, r.suggested_at or "", r.id))
    imported = sum(1 for r in by_status[TopicStatus.DISCUSSED] if r.imported)
    counts = topic_counts(by_status, imported, lang)
    # Translators: the title of the topics file.
    lines = ["# " + lang.gettext("{conference}: topics", conference=md_cell(report.conference)), ""]
    topics = lang.ngettext("{n} topic", "{n} topics", len(rows))
    # Translators: the topics file's first line: '12 topics: 2 open, 9 discussed, 1 withdrawn.'
    lines += [lang.gettext("{topics}: {counts}.", topics=topics, counts=counts) if counts else f"{topics}.", ""]
    header = ("#", "topic", "suggested_by", "suggested_at", "votes", "session", "note")
    # Translators: the session of a topic discussed before the bot kept records (imported at setup).
    earlier = lang.gettext("earlier (imported)")
    for status, found in by_status.items():
        if not found:
            continue
        # The discussed ones say how long each was discussed, where it had a timebox.
        timed = status is TopicStatus.DISCUSSED
        lines += [f"## {status_heading(status, len(found), lang)}", ""]
        table: list[tuple[Any, ...]] = [
            (
                r.id,
                r.text,
                _suggester(r, report),
                r.suggested_at,
                r.votes,
                earlier if r.imported else r.session,
                r.note,
                *((r.minutes,) if timed else ()),
            )
            for r in found
        ]
        columns = [md_heading(name, lang) for name in ((*header, "minutes") if timed else header)]
        lines += [*_md_table(columns, table, right=(0, 4, 7) if timed else (0, 4)), ""]
    return _md(lines)


def attendance_md(rows: Sequence[AttendanceRow], report: Report) -> bytes:
    lang = report.lang
    sessions: dict[str, list[AttendanceRow]] = {}
    for row in rows:
        sessions.setdefault(row.session, []).append(row)
    # Translators: the title of the attendance file.
    lines = ["# " + lang.gettext("{conference}: attendance", conference=md_cell(report.conference)), ""]
    lines += [f"{counts_text(rows, lang)}.", ""]
    if sessions:
        # Translators: the heading of the attendance file's overview table.
        lines += ["## " + lang.gettext("Sessions"), ""]
        overview = [
            (
                key,
                slot_words(key, first.slot, lang),
                status_word(first.status, lang),
                report.person(first.started_by),
                first.started_at,
                first.ended_at,
                first.duration_minutes,
                sum(1 for r in found if r.attendee),
            )
            for key, found in sessions.items()
            for first in found[:1]
        ]
        header = ("session", "slot", "status", "started_by", "started_at", "ended_at", "minutes", "present")
        lines += [*_md_table([md_heading(name, lang) for name in header], overview, right=(6, 7)), ""]
    present_header = [md_heading(name, lang) for name in ("attendee", "checked_in_at")]
    for key, found in sessions.items():
        lines += [f"## {md_cell(key)} ({md_cell(slot_words(key, found[0].slot, lang))})", ""]
        present = [(report.person(r.attendee), r.checked_in_at) for r in found if r.attendee]
        if present:
            lines += [*_md_table(present_header, present), ""]
        else:
            # Translators: a session of the attendance file nobody checked in to.
            lines += [lang.gettext("Nobody checked in."), ""]
    return _md(lines)


# --- choosing ---------------------------------------------------------------------------

Renderer = Callable[[Sequence[Any], Report], bytes]

RENDERERS: dict[tuple[str, str], Renderer] = {
    ("topics", "csv"): topics_csv,
    ("topics", "json"): topics_json,
    ("topics", "md"): topics_md,
    ("attendance", "csv"): attendance_csv,
    ("attendance", "json"): attendance_json,
    ("attendance", "md"): attendance_md,
}


@dataclass(frozen=True)
class Export:
    kind: str
    format: str
    data: bytes
    filename: str
    rows: int
    summary: str

    @property
    def mimetype(self) -> str:
        return MIMETYPES[self.format]

    def attachment(self) -> Attachment:
        return Attachment(self.filename, self.data, self.mimetype)


def filename(kind: str, fmt: str, day: dt.date) -> str:
    """`ccc-topics-2026-11-26.csv`."""
    return f"ccc-{kind}-{day.isoformat()}.{fmt}"


async def build_export(
    store: Store,
    config: Config,
    kind: str,
    fmt: str,
    now: dt.datetime,
    conference: str | None = None,
    lang: Translator | None = None,
) -> Export:
    """The export file of `kind` in `fmt`, titled `conference` (the config's by default);
    its `summary` and the words of a CSV or Markdown file in `lang` (English by default, as
    the CLI writes; JSON keeps its machine names and values in every language).
    `now` (the clock) gives the state of a session not over yet (running, waiting for its
    host), and its UTC date names the file."""
    if (kind, fmt) not in RENDERERS:
        raise ValueError(f"no export of {kind!r} as {fmt!r}")
    lang = lang or english()
    report = Report(conference or config.conference.name, await known_names(store), lang)
    if kind == "topics":
        topics = await all_topics(store)
        data = RENDERERS[kind, fmt](topics, report)
        rows, summary = len(topics), lang.ngettext("{n} topic", "{n} topics", len(topics))
    else:
        attendance = attendance_rows(await turnout(store, config, now))
        data = RENDERERS[kind, fmt](attendance, report)
        rows, summary = len(attendance), counts_text(attendance, lang)
    return Export(kind, fmt, data, filename(kind, fmt, now.date()), rows, summary)
