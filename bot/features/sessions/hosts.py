"""Who hosts a session (SPEC, Roles): configured hosts and organisers host every session;
whoever volunteered for a session (`!host`), or started it, hosts that one. `hosts` is the
rule every host command (!start, !end, !discussed, !undiscussed) asks; `hosts_of` names the
people a refusal points to. The callers say whether the asker is an organiser (the power
levels are the adapter's)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.core.clock import Clock
from bot.core.config import Config
from bot.features.people.names import name_of
from bot.features.sessions.repository import has_volunteered, running_session, state_of, volunteers_of
from bot.features.sessions.timeline import startable_session
from bot.storage.store import Store


@dataclass(frozen=True)
class Person:
    """Someone as a message shows them: the user id (to mention them) and their name."""

    user_id: str
    name: str


async def people(store: Store, user_ids: Iterable[str]) -> list[Person]:
    return [Person(user_id, await name_of(store, user_id)) for user_id in user_ids]


async def volunteer_names(store: Store, key: str) -> list[str]:
    """The names of who volunteered to host session `key`, first come first (as text: a
    message shows them, never pings them)."""
    return [await name_of(store, user_id) for user_id in await volunteers_of(store, key)]


async def hosts(store: Store, config: Config, user_id: str, key: str, *, organiser: bool) -> bool:
    """Whether `user_id` hosts session `key`: a configured host or an organiser (every
    session), or whoever volunteered for it or started it (that one)."""
    if organiser or user_id in config.roles.hosts:
        return True
    if await has_volunteered(store, key, user_id):
        return True
    state = await state_of(store, key)
    return state is not None and state.started_by == user_id


@dataclass(frozen=True)
class SessionHosts:
    """Who hosts one session besides the configured hosts and organisers: whoever started
    it (None before it starts) and whoever else volunteered for it."""

    started_by: Person | None
    volunteers: list[Person]


async def hosts_of(store: Store, key: str) -> SessionHosts:
    state = await state_of(store, key)
    starter = state.started_by if state is not None else None
    volunteers = [u for u in await volunteers_of(store, key) if u != starter]
    return SessionHosts(
        Person(starter, await name_of(store, starter)) if starter else None, await people(store, volunteers)
    )


async def is_volunteer_host(store: Store, config: Config, clock: Clock, user_id: str) -> bool:
    """The role check (Role.HOST) for someone neither configured host nor organiser: they
    host the session running now, or the one whose start window is open."""
    running = await running_session(store)
    if running is not None and await hosts(store, config, user_id, running, organiser=False):
        return True
    current = startable_session(config, clock.now())
    return current is not None and await hosts(store, config, user_id, current.key, organiser=False)
