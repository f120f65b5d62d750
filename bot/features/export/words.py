"""The words of the files people read (CSV and Markdown) in the asker's language: the
columns' headings, yes/no, what became of a topic or a session, a slot's weekday. The
JSON file keeps its machine names and values: programs read it (`schema_version`)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence

from bot.core.i18n import Translator
from bot.features.topics.model import Topic, TopicStatus


def column(name: str, lang: Translator) -> str:
    """A column's heading in `lang`; English keeps the machine names (the files' columns as
    they always were), and a name with no heading stays as it is."""
    return _columns(lang).get(name, name)


def _columns(lang: Translator) -> dict[str, str]:
    if lang.code == "en":
        return {}
    return {
        # Translators: export file column headings (a spreadsheet's first row). The topic's number.
        "number": lang.pgettext("export column", "number"),
        # Translators: export column: the topic's text.
        "text": lang.pgettext("export column", "text"),
        # Translators: export column: the Matrix ID of who suggested the topic.
        "suggested_by": lang.pgettext("export column", "suggested by"),
        # Translators: export column: the display name of who suggested the topic.
        "suggested_name": lang.pgettext("export column", "suggested by (name)"),
        "suggested_at": lang.pgettext("export column", "suggested at"),
        "votes": lang.pgettext("export column", "votes"),
        "status": lang.pgettext("export column", "status"),
        "session": lang.pgettext("export column", "session"),
        "note": lang.pgettext("export column", "note"),
        # Translators: export column: yes for a topic from the history imported at setup.
        "imported": lang.pgettext("export column", "imported"),
        # Translators: export column: how many minutes a topic or a session lasted.
        "minutes": lang.pgettext("export column", "minutes"),
        "duration_minutes": lang.pgettext("export column", "minutes"),
        # Translators: export column: the weekly slot, e.g. 'Thursday 08:00'.
        "slot": lang.pgettext("export column", "slot"),
        "started_by": lang.pgettext("export column", "started by"),
        "started_at": lang.pgettext("export column", "started at"),
        "ended_at": lang.pgettext("export column", "ended at"),
        # Translators: export column: yes for a session nobody ended, closed by the bot.
        "auto_closed": lang.pgettext("export column", "closed automatically"),
        # Translators: export column: a person checked in to a session.
        "attendee": lang.pgettext("export column", "attendee"),
        "checked_in_at": lang.pgettext("export column", "checked in at"),
        # Translators: export column: how many people checked in.
        "present": lang.pgettext("export column", "present"),
        # Translators: export column: the topic (Markdown file).
        "topic": lang.pgettext("export column", "topic"),
    }


def yes_no(value: bool, lang: Translator) -> str:
    # Translators: a yes/no cell of the export files.
    return lang.pgettext("export value", "yes") if value else lang.pgettext("export value", "no")


def status_word(status: str, lang: Translator) -> str:
    """What became of a topic (open, discussed, withdrawn) or a session (held, running...)."""
    return _status_words(lang).get(status, status)


@functools.cache
def _status_words(lang: Translator) -> dict[str, str]:
    """The status words in `lang`, looked up once per language: a file has one per row."""
    return {
        # Translators: export value: a topic's status (topic is masculine in es and pt: tema, tópico).
        "open": lang.pgettext("export topic status", "open"),
        "discussed": lang.pgettext("export topic status", "discussed"),
        "withdrawn": lang.pgettext("export topic status", "withdrawn"),
        # Translators: export value: what became of a session (feminine in es and pt: sesión, sessão).
        "held": lang.pgettext("export session status", "held"),
        "running": lang.pgettext("export session status", "running"),
        "closed automatically": lang.pgettext("export session status", "closed automatically"),
        "waiting for its host": lang.pgettext("export session status", "waiting for its host"),
        "not started": lang.pgettext("export session status", "not started"),
        "called off": lang.pgettext("export session status", "called off"),
    }


@functools.lru_cache(maxsize=1024)  # a file names each of its sessions on many rows
def slot_words(session_key: str, slot: str, lang: Translator) -> str:
    """'Thursday 08:00' (as `slot_of` writes it) with the weekday in `lang`: 'jueves 08:00'."""
    if lang.code == "en":
        return slot
    try:
        day = dt.datetime.fromisoformat(session_key[:10])
    except ValueError:
        return slot
    return f"{lang.dated(day, 'EEEE')} {session_key[11:]}".strip()


def md_heading(name: str, lang: Translator) -> str:
    """A Markdown table's column heading: the column's words ('suggested at'), '#' as it is."""
    if name == "#":
        return name
    return name.replace("_", " ") if lang.code == "en" else column(name, lang)


def topic_counts(by_status: Mapping[TopicStatus, Sequence[Topic]], imported: int, lang: Translator) -> str:
    """'2 open, 5 discussed (3 imported), 1 withdrawn'."""
    said = []
    for status, found in by_status.items():
        n = len(found)
        if not n:
            continue
        if status is TopicStatus.OPEN:
            # Translators: topics (masculine in es and pt) still open.
            said.append(lang.ngettext("{n} open", "{n} open", n))
        elif status is TopicStatus.WITHDRAWN:
            said.append(lang.ngettext("{n} withdrawn", "{n} withdrawn", n))
        elif imported:
            # Translators: topics discussed, of which {imported} came from the history imported at setup.
            said.append(
                lang.ngettext(
                    "{n} discussed ({imported} imported)", "{n} discussed ({imported} imported)", n, imported=imported
                )
            )
        else:
            said.append(lang.ngettext("{n} discussed", "{n} discussed", n))
    return ", ".join(said)


def status_heading(status: TopicStatus, n: int, lang: Translator) -> str:
    if status is TopicStatus.OPEN:
        # Translators: a heading of the topics file: the open topics, and how many.
        return lang.gettext("Open ({n})", n=n)
    if status is TopicStatus.DISCUSSED:
        return lang.gettext("Discussed ({n})", n=n)
    return lang.gettext("Withdrawn ({n})", n=n)
