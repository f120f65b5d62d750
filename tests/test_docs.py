"""The README a newcomer reads in two minutes, and the documents in docs/ it points to: short,
linked, and in step with the code (every command, config key and dependency documented)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from bot.core.model import Role
from commands import build_registry
from tests.conftest import ROOT

README = ROOT / "README.md"
DOCS = ROOT / "docs"
README_MAX_BYTES = 12_000
LONGEST_LINE = 200

_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def documents() -> list[Path]:
    return [README, *sorted(DOCS.glob("*.md"))]


def prose_lines(path: Path) -> list[tuple[int, str]]:
    """(line number, line) of everything outside fenced code blocks."""
    lines, fenced = [], False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if not fenced:
            lines.append((number, line))
    return lines


def anchors(path: Path) -> set[str]:
    """The anchors GitHub gives the headings of a Markdown file."""
    found: set[str] = set()
    for _, line in prose_lines(path):
        heading = re.match(r"#{1,6}\s+(.*)", line)
        if not heading:
            continue
        slug = re.sub(r"[^\w\- ]", "", heading.group(1).strip().lower()).replace(" ", "-")
        anchor, n = slug, 0
        while anchor in found:
            n += 1
            anchor = f"{slug}-{n}"
        found.add(anchor)
    return found


def section(path: Path, title: str) -> list[str]:
    """The prose lines under the heading `title`, up to the next heading of its level or above."""
    lines = [line for _, line in prose_lines(path)]
    start = next(i for i, line in enumerate(lines) if re.fullmatch(r"#+ " + re.escape(title), line))
    level = len(lines[start]) - len(lines[start].lstrip("#"))
    out = []
    for line in lines[start + 1 :]:
        heading = re.match(r"(#+) ", line)
        if heading and len(heading.group(1)) <= level:
            break
        out.append(line)
    return out


def table_rows(lines: list[str]) -> list[list[str]]:
    """The cells of each row of the Markdown tables in `lines`, header and rule left out."""
    rows: list[list[str]] = []
    for line in lines:
        if re.fullmatch(r"\|[-| :]+\|", line.strip()):
            rows.pop()  # the header above the rule
        elif line.startswith("|"):
            rows.append([cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]])
    return rows


def test_the_readme_is_short():
    size = len(README.read_bytes())
    assert size < README_MAX_BYTES, f"README.md is {size} bytes; move detail into docs/"


def test_no_line_over_200_characters_outside_code_blocks():
    long = [
        f"{path.relative_to(ROOT)}:{number} ({len(line)} characters)"
        for path in documents()
        for number, line in prose_lines(path)
        if len(line) > LONGEST_LINE
    ]
    assert long == [], "wrap these lines"


def test_every_link_between_the_documents_resolves():
    broken = []
    for path in documents():
        for number, line in prose_lines(path):
            for target in _LINK.findall(line):
                if re.match(r"[a-z]+:", target):
                    continue  # http(s), mailto: not checked here
                file, _, anchor = target.partition("#")
                linked = (path.parent / file).resolve() if file else path
                where = f"{path.relative_to(ROOT)}:{number}: {target}"
                if not linked.exists():
                    broken.append(f"{where} (no such file)")
                elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
                    broken.append(f"{where} (no such heading)")
    assert broken == []


def test_the_readme_points_to_every_document_in_docs():
    text = README.read_text(encoding="utf-8")
    missing = [doc.name for doc in sorted(DOCS.glob("*.md")) if f"](docs/{doc.name}" not in text]
    assert missing == []


def test_the_quick_start_gives_the_demo_and_the_tests_and_ci_runs_the_tests():
    block = "\n".join(section(README, "Quick start"))
    text = README.read_text(encoding="utf-8")
    quick = text[text.index("## Quick start") :].split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in quick.splitlines()]
    assert commands == ["make demo", "make test"], quick
    assert "make check" in block
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert re.search(r"^check:", makefile, re.M)
    assert re.search(r"^make test$", (ROOT / ".ci" / "run").read_text(), re.M)


def test_the_readme_has_one_line_per_command_with_its_usage_and_role():
    registry = build_registry()
    who = {Role.HOST: "hosts", Role.ORGANISER: "organisers"}
    rows = table_rows(section(README, "Commands"))
    listed: dict[str, str] = {}
    for usage_cell, role_cell, *_ in rows:
        for usage in usage_cell.split(" / "):
            listed[usage.strip("`")] = role_cell
    expected = {spec.usage_line("!"): spec for spec in registry.commands.values()}
    assert sorted(listed) == sorted(expected)
    for usage, spec in expected.items():
        if spec.role in who:
            assert listed[usage] == who[spec.role], usage
        else:
            assert "everyone" in listed[usage] or "suggester" in listed[usage], usage


def test_every_command_has_its_section_in_commands_md():
    headings = [line for _, line in prose_lines(DOCS / "COMMANDS.md") if line.startswith("### ")]
    missing = [
        name
        for name in build_registry().commands
        if not any(re.search(rf"`!{name}[ `]", heading) for heading in headings)
    ]
    assert missing == []


def test_configuration_md_documents_exactly_the_keys_of_the_example_config():
    example = tomllib.loads((ROOT / "config.example.toml").read_text(encoding="utf-8"))
    path = DOCS / "CONFIGURATION.md"
    for name, table in example.items():
        rows = table_rows(section(path, f"`[{name}]`"))
        documented = [row[0].strip("`") for row in rows]
        assert sorted(documented) == sorted(table), f"[{name}]"
        assert all(len(row) == 4 and all(row) for row in rows), f"[{name}]: key, type, default, meaning"
    sections = [line for _, line in prose_lines(path) if re.fullmatch(r"## `\[\w+\]`", line)]
    assert len(sections) == len(example), "a section documented that config.example.toml lacks"


def test_every_dependency_is_in_the_readmes_list_with_a_reason():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        requirements.extend(extra)
    names = {re.match(r"[A-Za-z0-9_.-]+", requirement).group(0).lower() for requirement in requirements}
    rows = table_rows(section(README, "Dependencies"))
    listed = {
        re.match(r"[A-Za-z0-9_.-]+", package.strip()).group(0).lower(): why
        for packages, why in rows
        for package in packages.split(",")
    }
    assert sorted(names - set(listed)) == []
    assert all(why for why in listed.values())
