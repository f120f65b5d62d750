"""Each table the migrations create has one owner, and only the owner has SQL naming it
(issue 15: a feature's tables are touched only by that feature). The owner is a module, or
a feature's package (a path ending in "/") where the feature's SQL is split by job (issue
26: the topics). A repository module's feature may also name its tables in its privacy
module beside it (what `!mydata` and `!forgetme` read and erase of a person, a job of its
own). The migrations (bot/storage/migrations/) may name every table."""

from __future__ import annotations

import ast
import re

from tests.conftest import ROOT

TOPICS = "bot/features/topics/"
SESSIONS = "bot/features/sessions/"  # repository.py, and late_notes.py for !late's notes
OWNERS: dict[str, str] = {
    "topics": TOPICS,
    "votes": TOPICS,
    "held_suggestions": TOPICS,
    "rate_marks": TOPICS,
    "topic_keys": TOPICS,
    "sessions": SESSIONS,
    "attendance": SESSIONS,
    "volunteers": SESSIONS,
    "late_notes": SESSIONS,
    "session_threads": SESSIONS,
    "discussions": "bot/features/lean_coffee/repository.py",
    "discussion_posts": "bot/features/lean_coffee/repository.py",
    "cancellations": "bot/features/schedule/repository.py",
    "announcements": "bot/features/announcements/repository.py",
    "users": "bot/features/people/repository.py",
    "agenda_messages": "bot/features/agenda/repository.py",
    "reminder_settings": "bot/features/reminders/repository.py",
    "reminders_sent": "bot/features/reminders/repository.py",
    "meta": "bot/storage/meta.py",  # a generic key-value table, read and written through its helpers
    "inbox": "bot/matrix/inbox.py",
    "reactions": "bot/core/reactions.py",  # what people did to the bot's messages, read by the
    "anchors": "bot/core/reactions.py",  # dispatcher (votes, check-ins by emoji) and sessions
}


MIGRATIONS = "bot/storage/migrations/"
SCANNED = ("bot", "commands")
# SQL naming a table: the keyword (upper case, as all SQL here is written) and the name.
_NAMING = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE|TABLE(?: IF NOT EXISTS)?)\s+([A-Za-z_]\w*)")


def created_tables() -> set[str]:
    """The tables the migrations leave: created, less those renamed or dropped later (a
    table rebuilt under a new name, then given the old one)."""
    found: set[str] = set()
    for path in sorted((ROOT / MIGRATIONS).glob("*.py")):
        source = path.read_text(encoding="utf-8")
        found |= set(re.findall(r"CREATE TABLE (?:IF NOT EXISTS )?(\w+)", source))
        for old, new in re.findall(r"ALTER TABLE (\w+) RENAME TO (\w+)", source):
            found = (found - {old}) | {new}
    return found


def strings_in(source: str) -> list[str]:
    """The text of every string in a module, f-strings' literal parts joined (so that
    `f"SELECT {x} FROM topics"` is seen)."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            out.append(node.value)
        elif isinstance(node, ast.JoinedStr):
            out.append(" ".join(v.value for v in node.values if isinstance(v, ast.Constant)))
    return out


def tables_named(source: str, tables: set[str]) -> set[str]:
    return {name for text in strings_in(source) for name in _NAMING.findall(text) if name in tables}


def sources() -> dict[str, str]:
    """Every module of the bot and the handlers outside the migrations, by path."""
    return {
        path.relative_to(ROOT).as_posix(): path.read_text(encoding="utf-8")
        for top in SCANNED
        for path in sorted((ROOT / top).rglob("*.py"))
        if not path.relative_to(ROOT).as_posix().startswith(MIGRATIONS)
    }


def owns(owner: str, module: str) -> bool:
    """Whether `owner` (a module, or a package ending in "/") is, or holds, `module`; a
    repository module's owner also holds the privacy module beside it."""
    if owner.endswith("/"):
        return module.startswith(owner)
    return module == owner or (
        owner.endswith("/repository.py") and module == owner.removesuffix("repository.py") + "privacy.py"
    )


def trespasses(modules: dict[str, str]) -> dict[str, set[str]]:
    """For each module, the tables it names in SQL but does not own."""
    tables = created_tables()
    found: dict[str, set[str]] = {}
    for module, source in modules.items():
        foreign = {t for t in tables_named(source, tables) if not owns(OWNERS[t], module)}
        if foreign:
            found[module] = foreign
    return found


def test_every_table_has_one_owner_that_exists():
    assert set(OWNERS) == created_tables(), "a new table needs an owner here"
    assert all(
        (ROOT / owner).is_dir() if owner.endswith("/") else (ROOT / owner).is_file() for owner in OWNERS.values()
    )


def test_only_a_tables_owner_has_sql_naming_it():
    assert trespasses(sources()) == {}


def test_sql_naming_a_table_is_found_in_any_form_of_string():
    tables = {"topics", "votes", "users", "sessions"}
    source = """
x = "SELECT id FROM topics"
y = f"SELECT {cols} FROM sessions s JOIN votes v ON 1"
z = ("INSERT INTO "
     "users (user_id) VALUES (?)")
w = "a docstring that says users come from the topics list"
"""
    assert tables_named(source, tables) == {"topics", "sessions", "votes", "users"}
    assert tables_named("q = 'DELETE FROM users WHERE 1'; r = 'UPDATE topics SET x = 1'", tables) == {
        "users",
        "topics",
    }


def test_a_module_outside_the_owner_is_found_and_the_owner_is_not():
    modules = {
        "commands/topics.py": 'COUNT = "SELECT COUNT(*) FROM votes"\n',
        TOPICS + "votes.py": 'VOTE = "INSERT INTO votes (topic_id) VALUES (?)"\n',
        "bot/features/sessions/votes.py": 'VOTE = "INSERT INTO votes (topic_id) VALUES (?)"\n',
        "bot/status.py": 'HELD = "SELECT 1 FROM sessions"\n',
    }
    assert trespasses(modules) == {
        "commands/topics.py": {"votes"},
        "bot/features/sessions/votes.py": {"votes"},
        "bot/status.py": {"sessions"},
    }


def test_a_features_privacy_module_may_name_its_own_tables_only():
    modules = {
        "bot/features/sessions/privacy.py": 'ERASE = "DELETE FROM attendance WHERE user_id = ?"\n',
        "bot/features/people/privacy.py": 'ERASE = "DELETE FROM attendance WHERE user_id = ?"\n',
    }
    assert trespasses(modules) == {"bot/features/people/privacy.py": {"attendance"}}
