"""Who hosts a session, and how the messages show them. Configured hosts and organisers
host every session; a volunteer the one they offered to host. The callers say whether the
asker is an organiser (the power levels are the adapter's)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.core.clock import Clock
from bot.core.config import Config
from bot.features.people.names import name_of
from bot.features.sessions.repository import has_volunteered, running_session, state_of, volunteered_for
from bot.features.sessions.timeline import startable_session
from bot.storage.store import Store


@dataclass(frozen=True)
class Person:
    """Someone as a message shows them: the user id (to mention them) and their name."""

    user_id: str
    name: str


async def people(store: Store, user_ids: Iterable[str]) -> list[Person]:
    return [Person(user_id, await name_of(store, user_id)) for user_id in user_ids]


async def is_volunteer_host(store: Store, config: Config, clock: Clock, user_id: str) -> bool:
    """Host check: a volunteer hosts the session they volunteered for, while it runs or
    while its start window is open."""
    mine = await volunteered_for(store, user_id)
    if not mine:
        return False
    running = await running_session(store)
    if running in mine:
        return True
    current = startable_session(config, clock.now())
    return current is not None and current.key in mine


async def may_host(store: Store, config: Config, user_id: str, key: str, *, organiser: bool) -> bool:
    """Configured hosts and organisers host every session; a volunteer only theirs."""
    if organiser or user_id in config.roles.hosts:
        return True
    return await has_volunteered(store, key, user_id)


async def may_end(store: Store, config: Config, user_id: str, key: str, *, organiser: bool) -> bool:
    """Whoever started the session, a configured host or an organiser: a volunteer who
    did not start it cannot close it (volunteering needs nobody's approval)."""
    if organiser or user_id in config.roles.hosts:
        return True
    state = await state_of(store, key)
    return state is not None and state.started_by == user_id


async def hosts_running(store: Store, config: Config, user_id: str, *, organiser: bool) -> bool:
    """Whether `user_id` hosts the session running now: started it, is a configured host
    or an organiser, or volunteered for that very session (not for another one whose
    start window happens to be open). False when no session runs."""
    key = await running_session(store)
    if key is None:
        return False
    if await may_host(store, config, user_id, key, organiser=organiser):
        return True
    state = await state_of(store, key)
    return state is not None and state.started_by == user_id
