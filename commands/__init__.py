"""Command groups of ccc-bot, one module each, registered in this order."""

from __future__ import annotations

from bot.core.config import Config
from bot.core.registry import CommandGroup, Registry
from commands import (
    agenda,
    announce,
    calendar,
    cancellations,
    discussed,
    export,
    help,
    language,
    late,
    lean_coffee,
    meanings,
    privacy,
    reminders,
    schedule,
    sessions,
    stats,
    topics,
    uncancel,
    volunteering,
)

GROUPS: tuple[CommandGroup, ...] = (
    help.group,
    schedule.group,
    cancellations.group,
    uncancel.group,
    announce.group,
    calendar.group,
    topics.group,
    lean_coffee.group,
    discussed.group,
    volunteering.group,
    sessions.group,
    late.group,
    stats.group,
    reminders.group,
    privacy.group,
    language.group,
    export.group,
    agenda.group,
)


def build_registry(config: Config | None = None) -> Registry:
    """The commands as `config` turns them on (without one: every command declared)."""
    return Registry(GROUPS, meanings.MEANINGS, config)
