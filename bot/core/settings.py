"""Settings read from TOML into frozen dataclasses, each key declared once as a field.

A section is a frozen dataclass; each of its keys is a field made with `key()`: the field's
type says what TOML value it takes, its default is the default (no default: required), its
metadata holds the check (converting the TOML value, or saying why not: bounds are stated
there) and the rules on a list (not empty, each item once), and the string under it (an
attribute docstring, as Sphinx reads them) is its help. Reading collects every problem,
each naming its key (`conference.slots[2]: ...`), so an operator fixes a file in one pass;
`example()` writes the example file from the same declarations.
"""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import inspect
import itertools
import json
import textwrap
import typing
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field
from pathlib import Path
from typing import Any

Check = Callable[[Any], Any]  # converts a TOML value (or a list's item) or raises ValueError(reason)


@dataclass(frozen=True)
class Key:
    """What a field's metadata says about its key (see `key`)."""

    check: Check | None = None
    example: Any = None  # shown in the example file instead of the default
    show: Callable[[Any], str] = str  # a value (a list's item) as written in the file
    nonempty: str = ""  # a list: what to say when it is empty
    each_once: str = ""  # a list: what an item is, when one means the same as an earlier one
    path: bool = False  # a path, relative to the file it is read from


def key(default: Any = MISSING, check: Check | None = None, **more: Any) -> Any:
    """A field that is a settings key: `default` (none: the key is required), its check,
    and what else `Key` holds about it."""
    return field(default=default, metadata={"key": Key(check, **more)})


def about(f: dataclasses.Field[Any]) -> Key:
    found = f.metadata.get("key")
    return found if isinstance(found, Key) else Key()


def sections(root: type) -> dict[str, type]:
    """The sections of `root`: its fields that are dataclasses, by name, in order."""
    hints = typing.get_type_hints(root)
    return {f.name: hints[f.name] for f in dataclasses.fields(root) if dataclasses.is_dataclass(hints[f.name])}


def keys(section: type) -> dict[str, tuple[dataclasses.Field[Any], type]]:
    """A section's keys by name: each field and its type."""
    hints = typing.get_type_hints(section)
    return {f.name: (f, hints[f.name]) for f in dataclasses.fields(section)}


def toml_kind(kind: Any) -> type:
    """What TOML value a field of type `kind` is written as: a list for a tuple (of strings,
    each converted by the key's check), a string for a path or a duration ("8m")."""
    if typing.get_origin(kind) is tuple:
        return list
    return str if kind in (Path, dt.timedelta) else typing.cast(type, kind)


_TYPE_NAMES = {str: "a string", int: "an integer", bool: "true or false", list: "a list"}


def _convert(name: str, kind: type, spec: Key, raw: Any, problems: list[str]) -> Any:
    # bool is a subclass of int in Python; TOML keeps them apart and so do we.
    if not isinstance(raw, kind) or (kind is int and isinstance(raw, bool)):
        problems.append(f"{name}: expected {_TYPE_NAMES[kind]}, got {raw!r}")
        return None
    if isinstance(raw, list):
        out = []
        for i, item in enumerate(raw):
            if not isinstance(item, str):
                problems.append(f"{name}[{i}]: expected a string, got {item!r}")
                continue
            try:
                out.append(spec.check(item) if spec.check else item)
            except ValueError as e:
                problems.append(f"{name}[{i}]: {e}")
        return tuple(out)
    if spec.check:
        try:
            return spec.check(raw)
        except ValueError as e:
            problems.append(f"{name}: {e}")
            return None
    return raw


def _same_twice(name: str, raw: list[Any], spec: Key) -> list[str]:
    """A list entry meaning the same as an earlier one, however spelled ('Thursday 08:00',
    'thu 8:00'), named by the later entry's index in the file."""
    seen: dict[Any, int] = {}
    problems = []
    for i, item in enumerate(raw):
        try:
            value = spec.check(item) if spec.check else item
        except (ValueError, TypeError, AttributeError):
            continue  # reported as a bad value already
        if value in seen:
            first = seen[value]
            problems.append(f"{name}[{i}]: {item!r} is the same {spec.each_once} as {name}[{first}] ({raw[first]!r})")
        else:
            seen[value] = i
    return problems


def read_section(name: str, section: type, raw: Mapping[str, Any], problems: list[str]) -> dict[str, Any]:
    """The values of one section's keys present in `raw` (a TOML table), converted; each
    problem appended to `problems`, naming its key."""
    known = keys(section)
    for given in raw:
        if given not in known:
            problems.append(f"{name}.{given}: unknown key")
    values: dict[str, Any] = {}
    for key_name, (f, kind) in known.items():
        full, spec = f"{name}.{key_name}", about(f)
        if key_name not in raw:
            if f.default is MISSING and f.default_factory is MISSING:
                problems.append(f"{full}: required but missing")
            continue
        before = len(problems)
        value = _convert(full, toml_kind(kind), spec, raw[key_name], problems)
        if value is None:
            continue
        if spec.nonempty and value == () and len(problems) == before:
            problems.append(f"{full}: {spec.nonempty}")
        if spec.each_once and isinstance(raw[key_name], list):
            problems.extend(_same_twice(full, raw[key_name], spec))
        if kind is Path and not value.strip():
            problems.append(f"{full}: must not be empty")
        values[key_name] = value
    return values


def read(root: type, data: Mapping[str, Any], problems: list[str]) -> dict[str, dict[str, Any]]:
    """Every section of `root` read from a TOML document: the values given, by section and
    key (what is not given keeps its default); unknown sections are problems too."""
    known = sections(root)
    for name in data:
        if name not in known:
            problems.append(f"{name}: unknown section (known: {', '.join(known)})")
    out: dict[str, dict[str, Any]] = {}
    for name, section in known.items():
        raw = data.get(name, {})
        if not isinstance(raw, dict):
            problems.append(f"{name}: expected a table, got {raw!r}")
            raw = {}
        out[name] = read_section(name, section, raw, problems)
    return out


def build(section: type[Any], values: Mapping[str, Any], base: Path) -> Any:
    """The section with `values`, the rest at their defaults; its paths (given or default,
    unless empty) made relative to `base`."""
    made = dict(values)
    for key_name, (f, kind) in keys(section).items():
        if not about(f).path:
            continue
        value = made.get(key_name, f.default)
        if value:
            resolved = base / Path(value).expanduser()
            made[key_name] = resolved if kind is Path else str(resolved)
    return section(**made)


# --- the example file: every key with its help and its default --------------------------


def _toml(value: Any, show: Callable[[Any], str]) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_toml(item, show) for item in value) + "]"
    return json.dumps(show(value), ensure_ascii=False)


def helps(section: type) -> dict[str, str]:
    """Each key's help: the string under its field in the class's source."""
    body = ast.parse(textwrap.dedent(inspect.getsource(section))).body[0]
    assert isinstance(body, ast.ClassDef)
    found = {}
    for field_node, under in itertools.pairwise(body.body):
        if (
            isinstance(field_node, ast.AnnAssign)
            and isinstance(field_node.target, ast.Name)
            and isinstance(under, ast.Expr)
            and isinstance(under.value, ast.Constant)
            and isinstance(under.value.value, str)
        ):
            found[field_node.target.id] = inspect.cleandoc(under.value.value)
    return found


def example(root: type) -> str:
    """The example file of `root`'s sections: `root`'s docstring, then each key, its help as
    comments above it, set to its default (or to its `example`, for a key that must be given)."""
    lines = [f"# {line}".rstrip() for line in (inspect.getdoc(root) or "").splitlines()]
    for name, section in sections(root).items():
        lines += ["", f"[{name}]"]
        help_of = helps(section)
        for key_name, (f, _) in keys(section).items():
            spec = about(f)
            lines += [f"# {line}".rstrip() for line in help_of.get(key_name, "").splitlines()]
            value = f.default if spec.example is None else spec.example
            lines.append(f"{key_name} = {_toml(value, spec.show)}")
    return "\n".join(lines) + "\n"
