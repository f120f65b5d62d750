"""The database schema, as one numbered list of migrations: one file per version
(`mNNN_<what>.py`, each defining its MIGRATION), collected here in order.

Each migration (its SQL, then its Python step if any) runs in its own transaction
together with the bump of `user_version`, so a failure half-way leaves the database at
the previous version. Never edit a migration that has shipped; append a new one.
"""

from __future__ import annotations

from bot.storage.migrations import (
    m001_foundation,
    m002_sessions,
    m003_topics,
    m004_late_notes,
    m005_held_suggestions,
    m006_imported_is_discussed,
    m007_rate_marks,
    m008_agenda,
    m009_reminders,
    m010_topic_keys,
)
from bot.storage.migrations.migration import Migration, Step

__all__ = ["MIGRATIONS", "Migration", "Step"]

MIGRATIONS: tuple[Migration, ...] = tuple(
    module.MIGRATION
    for module in (
        m001_foundation,
        m002_sessions,
        m003_topics,
        m004_late_notes,
        m005_held_suggestions,
        m006_imported_is_discussed,
        m007_rate_marks,
        m008_agenda,
        m009_reminders,
        m010_topic_keys,
    )
)
