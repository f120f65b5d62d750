"""The tests mirror the code: every module under bot/ and commands/ has its test module at
the same path under tests/ (bot/core/clock.py -> tests/core/test_clock.py, commands/help.py
-> tests/commands/test_help.py), so a reader finds a module's tests without searching."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import ROOT

# Modules whose tests live elsewhere, and where.
ELSEWHERE = {
    # Need a real Synapse: run with the integration tests.
    "bot/devtools/demo.py": "tests/integration/test_demo.py",
    "bot/devtools/localsynapse.py": "tests/integration/test_localsynapse.py",
    "bot/devtools/synapse_config.py": "tests/integration/test_localsynapse.py",
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


def test_the_mirror_is_found_for_each_kind_of_path():
    assert mirrored(ROOT / "bot/core/clock.py") == ROOT / "tests/core/test_clock.py"
    assert mirrored(ROOT / "bot/app.py") == ROOT / "tests/test_app.py"
    assert mirrored(ROOT / "bot/features/agenda/service.py") == ROOT / "tests/features/agenda/test_service.py"
    assert mirrored(ROOT / "commands/help.py") == ROOT / "tests/commands/test_help.py"
