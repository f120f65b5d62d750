"""How the bot names a person in its messages and in the readable exports: their display
name as it last saw it, cleaned and cut to NAME_LENGTH, else their user ID."""

from __future__ import annotations

from bot.core.text import clean
from bot.features.people import repository
from bot.storage.store import Store

NAME_LENGTH = 64


async def name_of(store: Store, user_id: str) -> str:
    """How to show a person: their display name if known, else their user ID."""
    name = await repository.display_name(store, user_id)
    return clean(name, NAME_LENGTH) if name else user_id


async def known_names(store: Store) -> dict[str, str]:
    """Everyone's display name as shown (`name_of`), by user ID; people with none are left out."""
    return {user_id: clean(name, NAME_LENGTH) for user_id, name in (await repository.display_names(store)).items()}
