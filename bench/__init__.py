"""Benchmarks of ccc-bot: they print figures and never assert timings.

    python -m bench [latency|dispatch|agenda|web|scale|flood|reminders|announcements|lean_coffee|all]

Shared here: percentiles, the goal verdicts, and a description of the machine, so every
benchmark reports the same way.
"""

from __future__ import annotations

import contextlib
import math
import os
import platform
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0-100) by the nearest-rank method: always a measured value."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(math.ceil(p / 100 * len(ordered)), 1)
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    return percentile(values, 50)


@dataclass(frozen=True)
class Goal:
    """A figure against its goal: `at_most` or `at_least`."""

    name: str
    value: float
    limit: float
    at_least: bool = False
    unit: str = ""

    @property
    def met(self) -> bool:
        return self.value >= self.limit if self.at_least else self.value <= self.limit

    def line(self) -> str:
        sign = ">=" if self.at_least else "<="
        verdict = "met" if self.met else "MISSED"
        return f"goal {self.name} {sign} {_num(self.limit)}{self.unit}: {verdict} ({_num(self.value)}{self.unit})"


def _num(value: float) -> str:
    if value == int(value) and abs(value) >= 10:
        return f"{int(value)}"
    return f"{value:.3g}" if abs(value) < 100 else f"{value:.0f}"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def machine() -> str:
    """CPUs, memory, CPU model, Python: what the figures were measured on."""
    memory = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f", {int(line.split()[1]) / 1024 / 1024:.0f} GB RAM"
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = f" ({line.split(':', 1)[1].strip()})"
                break
    return (
        f"{os.cpu_count()} CPUs{model}{memory}, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


@contextlib.contextmanager
def workdir(keep: bool = False) -> Iterator[Path]:
    """A scratch directory on the same disk as a deployment would use (not tmpfs, where
    SQLite commits cost nothing), removed afterwards unless `keep`."""
    base = os.environ.get("CCC_BENCH_DIR") or None
    path = Path(tempfile.mkdtemp(prefix="ccc-bench-", dir=base))
    try:
        yield path
    finally:
        if keep:
            print(f"(kept {path})", file=sys.stderr)
        else:
            shutil.rmtree(path, ignore_errors=True)


def filesystem_of(path: Path) -> str:
    """The filesystem type holding `path` (SQLite commit costs depend on it)."""
    best, kind = "", "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/mounts").read_text().splitlines():
            parts = line.split()
            mount = parts[1]
            if str(path.resolve()).startswith(mount) and len(mount) > len(best):
                best, kind = mount, parts[2]
    return kind
