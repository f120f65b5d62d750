"""One step of the schema: SQL statements, and optionally Python, run in one transaction
with the bump of `user_version` (like mautrix's `UpgradeTable`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiosqlite

# Python a migration runs after its statements, on the connection, inside the same transaction.
Step = Callable[[aiosqlite.Connection], Awaitable[None]]


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]
    run: Step | None = None
