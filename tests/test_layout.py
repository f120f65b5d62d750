"""The tests mirror the code: every module under bot/ and commands/ has its test module at
the same path under tests/ (bot/core/clock.py -> tests/core/test_clock.py, commands/help.py
-> tests/commands/test_help.py), so a reader finds a module's tests without searching."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from pathlib import Path

import pytest

from tests.conftest import ROOT

# Modules whose tests live elsewhere, and where.
ELSEWHERE = {
    # Need a real Synapse: run with the integration tests.
    "bot/devtools/demo.py": "tests/integration/test_demo.py",
    "bot/devtools/localsynapse.py": "tests/integration/test_localsynapse.py",
    # The Migration record is tested with the numbered list it makes up, as the store runs it.
    "bot/storage/migrations/migration.py": "tests/storage/test_migrations.py",
}
# Numbered migrations are tested together, through the store (tests/storage/test_migrations.py).
NOT_MODULES = re.compile(r"__init__\.py|__main__\.py|m\d{3}_\w+\.py")


def mirrored(module: Path) -> Path:
    relative = module.relative_to(ROOT)
    parts = relative.parts[1:-1] if relative.parts[0] == "bot" else relative.parts[:-1]
    return ROOT.joinpath("tests", *parts, f"test_{module.name}")


def test_every_module_has_a_test_module_at_its_mirrored_path():
    missing = []
    for package in ("bot", "commands"):
        for module in sorted((ROOT / package).rglob("*.py")):
            relative = str(module.relative_to(ROOT))
            if NOT_MODULES.fullmatch(module.name) or relative in ELSEWHERE:
                continue
            if not mirrored(module).is_file():
                missing.append(f"{relative} -> {mirrored(module).relative_to(ROOT)}")
    assert missing == [], "modules without a test module at the mirrored path"


def test_the_modules_tested_elsewhere_are_and_still_exist():
    for module, tests in ELSEWHERE.items():
        assert (ROOT / module).is_file(), f"{module} is gone: drop it from ELSEWHERE"
        assert (ROOT / tests).is_file(), tests


def imported_test_modules(source: str, package: str) -> list[str]:
    """The test modules (tests/**/test_*.py) that `source`, a module of `package`
    ("tests.features.topics"), imports, as dotted names."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, *filter(None, [node.module])])
            # `from tests.x import test_y` imports a module too.
            modules = [module, *(f"{module}.{alias.name}" for alias in node.names)]
        else:
            continue
        found += [m for m in modules if m.startswith("tests.") and m.split(".")[-1].startswith("test_")]
    return found


def test_no_test_module_imports_another():
    """A helper two test modules share lives in a helpers module (tests/helpers.py, a
    package's own fakes.py or helpers.py, tests/integration/helpers.py and botproc.py), so
    each test module stands on its own."""
    imports = {}
    for path in sorted((ROOT / "tests").rglob("*.py")):
        package = ".".join(path.relative_to(ROOT).parent.parts)
        if imported := imported_test_modules(path.read_text(), package):
            imports[str(path.relative_to(ROOT))] = imported
    assert imports == {}


@pytest.mark.parametrize(
    ("source", "imported"),
    [
        ("from tests.features.agenda.test_keeper import settle", ["tests.features.agenda.test_keeper"]),
        ("from .test_repository import labelled_pairs", ["tests.features.topics.test_repository"]),
        ("from ..agenda.test_keeper import settle", ["tests.features.agenda.test_keeper"]),
        ("from . import test_index", ["tests.features.topics.test_index"]),
        ("import tests.test_cli", ["tests.test_cli"]),
        ("from tests.helpers import fill\nfrom .fakes import FakePort\nimport pytest_asyncio", []),
    ],
)
def test_an_import_of_a_test_module_is_found_in_each_form(source, imported):
    assert imported_test_modules(source, "tests.features.topics") == imported


def test_the_mirror_is_found_for_each_kind_of_path():
    assert mirrored(ROOT / "bot/core/clock.py") == ROOT / "tests/core/test_clock.py"
    assert mirrored(ROOT / "bot/app.py") == ROOT / "tests/test_app.py"
    assert mirrored(ROOT / "bot/features/agenda/service.py") == ROOT / "tests/features/agenda/test_service.py"
    assert mirrored(ROOT / "commands/help.py") == ROOT / "tests/commands/test_help.py"


# --- no private name of another library (issue 26) ------------------------------------
# A library's `_name` is not part of what it promises: it changes in a minor release, and
# pinning below that release is the symptom. The bot's own code may reach `self._x`, and an
# `other._x` of its own classes; an `obj._x` whose name the bot nowhere defines belongs to a
# library. Some private names of the libraries the bot wraps are also names the bot uses for
# its own attributes (`_conn`): those are never reached on another object.
SCANNED = ("bot", "commands", "bench")
LIBRARIES = ("aiosqlite", "pytz", "nio", "apscheduler", "dateutil", "aiohttp")
LIBRARY_PRIVATE = frozenset(
    (
        "_conn",  # aiosqlite.Connection's sqlite3 connection
        "_connection",
        "_execute",  # aiosqlite's way into its thread
        "_tx",
        "_cursor",
        "_utc_transition_times",  # pytz's tzinfo internals
        "_transition_info",
        "_tzinfos",
        "_utcoffset",
        "_tzname",
        "_jobstores",  # APScheduler's
        "_executors",
        "_lookup_job",
    )
)


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _modules() -> dict[str, ast.Module]:
    return {
        str(path.relative_to(ROOT)): ast.parse(path.read_text(encoding="utf-8"))
        for package in SCANNED
        for path in sorted((ROOT / package).rglob("*.py"))
    }


def _own_names(trees: Iterable[ast.Module]) -> set[str]:
    """Every name the bot's code defines: functions, classes, variables, attributes it
    assigns, parameters."""
    names: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
    return names


def private_uses(modules: dict[str, ast.Module]) -> list[str]:
    own = _own_names(modules.values())
    found = []
    for name, tree in modules.items():
        for node in ast.walk(tree):
            where = f"{name}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Attribute) and _private(node.attr):
                on_self = isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
                if not on_self and (node.attr not in own or node.attr in LIBRARY_PRIVATE):
                    found.append(f"{where}: {ast.unparse(node)}")
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("getattr", "hasattr", "setattr", "delattr")
                and len(node.args) > 1
                and isinstance(node.args[1], ast.Constant)
                and isinstance(node.args[1].value, str)
                and _private(node.args[1].value)
                and (node.args[1].value not in own or node.args[1].value in LIBRARY_PRIVATE)
            ):
                found.append(f"{where}: {ast.unparse(node)}")
            elif isinstance(node, ast.ImportFrom | ast.Import):
                modules_named = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
                modules_named += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
                names = [alias.name for alias in node.names] if isinstance(node, ast.ImportFrom) else []
                for module in modules_named:
                    if module.split(".")[0] not in LIBRARIES:
                        continue
                    if any(_private(part) for part in module.split(".")) or any(_private(n) for n in names):
                        found.append(f"{where}: {ast.unparse(node)}")
    return found


def test_no_private_name_of_another_library_is_used():
    assert private_uses(_modules()) == []


def test_the_private_name_check_sees_each_way_of_reaching_one():
    code = ast.parse(
        "import aiosqlite, pytz\n"
        "from pytz.tzinfo import _x\n"
        "from nio._private import y\n"
        "def f(conn, zone, scheduler):\n"
        "    conn._execute(g)\n"  # a name the bot never defines
        "    conn._conn\n"  # a name the bot also uses, of a library
        "    zone._utc_transition_times\n"
        "    hasattr(zone, '_transition_info')\n"
        "    pytz._something\n"
        "    self._conn\n"  # the bot's own, on itself: fine
        "    other._mine\n"  # the bot's own name: fine
        "class A:\n"
        "    def _mine(self): ...\n"
    )
    found = private_uses({"m.py": code})
    assert sorted(line.split(": ", 1)[1] for line in found) == sorted(
        [
            "from pytz.tzinfo import _x",
            "from nio._private import y",
            "conn._execute",
            "conn._conn",
            "zone._utc_transition_times",
            "hasattr(zone, '_transition_info')",
            "pytz._something",
        ]
    )
