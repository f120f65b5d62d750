"""The tests mirror the code: every module under bot/ and commands/ has its test module at
the same path under tests/ (bot/core/clock.py -> tests/core/test_clock.py, commands/help.py
-> tests/commands/test_help.py), so a reader finds a module's tests without searching."""

from __future__ import annotations

import ast
import re
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
