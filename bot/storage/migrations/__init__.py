"""The database schema, as one numbered list of migrations: one file per version
(`mNNN_<what>.py`, each defining its MIGRATION), collected here in order.

Each migration (its SQL, then its Python step if any) runs in its own transaction
together with the bump of `user_version`, so a failure half-way leaves the database at
the previous version. Never edit a migration that has shipped; append a new one.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

from bot.storage.migrations.migration import Migration, Step

__all__ = ["MIGRATIONS", "Migration", "Step"]


def _collect() -> tuple[Migration, ...]:
    """Every `mNNN_*.py` beside this file, in the order of its number: adding a migration is
    adding its file."""
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if re.fullmatch(r"m\d{3}_\w+", m.name))
    migrations: list[Migration] = [importlib.import_module(f"{__name__}.{name}").MIGRATION for name in names]
    return tuple(migrations)


MIGRATIONS: tuple[Migration, ...] = _collect()
