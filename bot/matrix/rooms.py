"""Rooms: which rooms are served (the configured ones, aliases resolved, and the bot's
direct-message rooms), joining them, invites (accepted to a configured room, declined
elsewhere), and people's power levels, with room version 12's creators.

A direct-message room (DirectRooms) is the bot's and one person's alone: opened by the bot
for that person (MatrixSender.direct_room) and recorded in the store under `dm_key`. It is
served only while it stays so: invite-only, nobody but the bot able to invite, open it or
change its power levels, nobody in it (joined or invited) but the bot and its person. When
the person leaves it, or anyone else joins or is invited, the bot leaves it and forgets it;
a room is never taken for someone's direct room because of who happens to be in it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Any

import aiosqlite
from nio import (
    AsyncClient,
    ErrorResponse,
    Event,
    JoinError,
    RoomCreateEvent,
    RoomGetStateResponse,
    RoomJoinRulesEvent,
    RoomMemberEvent,
    RoomResolveAliasResponse,
    SyncResponse,
)

from bot.core.config import Config
from bot.matrix.responses import describe
from bot.storage.meta import delete_meta, dm_key, read_meta
from bot.storage.store import Store

log = logging.getLogger(__name__)

CREATOR_POWER = 1_000_000


class Rooms:
    def __init__(self, client: AsyncClient, store: Store, config: Config):
        self.client = client
        self.store = store
        self.config = config
        self.served: set[str] = set()
        self.configured: set[str] = set()  # the served rooms from the config, without DMs
        self._creators: dict[str, set[str]] = {}
        self._loading = asyncio.Lock()
        self.direct = DirectRooms(client, store, self.served, self._creators)

    async def resolve_served(self) -> None:
        for room in self.config.matrix.rooms:
            if not room.startswith("#"):
                self.served.add(room)
                self.configured.add(room)
                continue
            resp = await self.client.room_resolve_alias(room)
            if isinstance(resp, RoomResolveAliasResponse):
                self.served.add(resp.room_id)
                self.configured.add(resp.room_id)
            else:
                log.error("cannot resolve %s: %s", room, describe(resp))
        # The bot's own direct-message rooms are served too (for !mydata and the like),
        # each checked once its members are loaded (load_members).
        await self.direct.load()

    def summary(self) -> str:
        """The served rooms for the start-up line: the configured ones by id, the direct
        ones counted (one per person who opted in to reminders: they can be thousands)."""
        direct = len(self.served - self.configured)
        parts = sorted(self.configured)
        if direct:
            parts.append(f"{direct:,} direct-message room{'' if direct == 1 else 's'}")
        if not parts:
            return "no rooms"
        return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"

    def is_member(self, user_id: str) -> bool | None:
        """Whether `user_id` is in (or invited to) one of the configured rooms, as the
        client's state knows it; None when that is not known: the bot is in none of them
        yet, or a room's members are not all loaded yet (the sync lazy-loads them) and the
        person is not among those seen."""
        known = [self.client.rooms[r] for r in self.configured if r in self.client.rooms]
        if not known:
            return None
        if any(user_id in room.users for room in known):
            return True
        return False if all(room.members_synced for room in known) else None

    async def load_members(self) -> None:
        """Every member of the rooms the bot is in whose members are not all known yet
        (the sync lazy-loads them): the direct rooms first (checked then: one that is no
        longer private is left), then each configured room (/joined_members, once; the
        sync keeps them current after)."""
        await self.direct.load_members()
        async with self._loading:
            for room_id in sorted(self.configured):
                room = self.client.rooms.get(room_id)
                if room is None or room.members_synced:
                    continue
                resp = await self.client.joined_members(room_id)
                if isinstance(resp, ErrorResponse):
                    log.warning("cannot load the members of %s (%s); trying again later", room_id, describe(resp))

    async def join_served(self) -> None:
        """The configured rooms (a direct room the bot is no longer in is never joined
        again: it is forgotten)."""
        for room_id in sorted(self.configured):
            if room_id in self.client.rooms:
                continue
            resp = await self.client.join(room_id)
            if isinstance(resp, JoinError):
                log.warning("cannot join %s yet (%s); an invite will be accepted", room_id, describe(resp))

    async def on_invite(self, room_id: str) -> None:
        room = self.client.invited_rooms.get(room_id)
        if room_id in self.configured:  # never a direct room: the bot opens those itself
            resp = await self.client.join(room_id)
            if isinstance(resp, JoinError):
                log.error("could not accept the invite to %s: %s", room_id, describe(resp))
            else:
                log.info("accepted the invite to %s", room_id)
            return
        inviter = room.inviter if room else None
        left = await self.client.room_leave(room_id)
        if isinstance(left, ErrorResponse):
            log.warning("could not decline the invite to %s: %s", room_id, describe(left))
            return
        log.info("declined an invite from %s to %s, which is not a served room", inviter, room_id)

    def power_level(self, room_id: str, user_id: str) -> int | None:
        """A user's power level in a configured room, from room state kept current by
        sync; in their own direct-message room, their highest in the configured rooms
        (their role in the conference); None in any other room."""
        if self.direct.person_of(room_id) == user_id:
            levels = [self._level(r, user_id) for r in sorted(self.configured)]
            return max((level for level in levels if level is not None), default=None)
        return self._level(room_id, user_id) if room_id in self.configured else None

    def _level(self, room_id: str, user_id: str) -> int | None:
        room = self.client.rooms.get(room_id)
        if room is None:
            return None
        if user_id in self._creators.get(room_id, ()):
            # Room version 12 gives creators power above every level without listing them.
            return CREATOR_POWER
        level: int = room.power_levels.get_user_level(user_id)
        return level

    def may_redact(self, room_id: str, user_id: str) -> bool:
        """Whether `user_id` may redact other people's events in a configured room (the
        room's `redact` level, by default 50)."""
        level = self.power_level(room_id, user_id)
        room = self.client.rooms.get(room_id)
        return level is not None and room is not None and level >= room.power_levels.defaults.redact

    def note_creators(self, resp: SyncResponse) -> None:
        for room_id, info in resp.rooms.join.items():
            for event in (*info.state, *info.timeline.events):
                if isinstance(event, RoomCreateEvent) and (creators := creators_of(event)) is not None:
                    self._creators[room_id] = creators


def creators_of(event: RoomCreateEvent) -> set[str] | None:
    """The creators of a room of version 12 or later (the sender of m.room.create and its
    additional creators); None before v12, where the creator is in m.room.power_levels
    like anyone."""
    content = event.source.get("content", {})
    if str(content.get("room_version", "1")).isdigit() and int(content.get("room_version", "1")) < 12:
        return None
    extra = content.get("additional_creators") or []
    return {event.sender, *(u for u in extra if isinstance(u, str))}


class DirectRooms:
    """The bot's direct-message rooms, at most one per person: which room is whose, from
    the store (`dm_key`) and kept here; whether one is still private; and leaving and
    forgetting one that is not. The rooms served (`served`) and the rooms' version 12
    creators (`creators`, noted from the sync and from the state loaded here) are shared
    with Rooms."""

    def __init__(self, client: AsyncClient, store: Store, served: set[str], creators: dict[str, set[str]]):
        self.client = client
        self.store = store
        self.served = served
        self._creators = creators
        self._person: dict[str, str] = {}  # room id -> the person it is for
        self._room: dict[str, str] = {}  # person -> their room
        self._loading = asyncio.Lock()
        # Forgotten by `!forgetme`: left once the answers to it are sent (leave_forgotten).
        self._to_leave: set[str] = set()
        # Recorded before this start and not yet looked at: one the bot is no longer in
        # once the first sync is taken (which lists every room it is in) is forgotten.
        self._unchecked: set[str] = set()

    def __len__(self) -> int:
        return len(self._person)

    async def load(self) -> None:
        prefix = dm_key()
        for key, room_id in (await self.store.meta_with_prefix(prefix)).items():
            self._remember(key[len(prefix) :], room_id)
            self._unchecked.add(room_id)

    def person_of(self, room_id: str) -> str | None:
        """The person `room_id` is the direct room of; None for any other room."""
        return self._person.get(room_id)

    def room_of(self, user_id: str) -> str | None:
        return self._room.get(user_id)

    async def record(self, user_id: str, room_id: str) -> None:
        """A room the bot has just opened for `user_id`."""
        await self.store.set_meta(dm_key(user_id), room_id)
        self._remember(user_id, room_id)

    def _remember(self, user_id: str, room_id: str) -> None:
        old = self._room.get(user_id)
        if old is not None and old != room_id:
            self._person.pop(old, None)
            self.served.discard(old)
        self._room[user_id] = room_id
        self._person[room_id] = user_id
        self.served.add(room_id)

    def private(self, room_id: str) -> bool | None:
        """Whether `room_id` is still its person's and the bot's alone: the bot in it,
        invite-only, nobody in it (joined or invited) but the two, and, once its state is
        loaded (load_members), only the bot a creator of it and nobody else with the power
        to invite, open it or change its power levels. None until then, unless it is
        already seen not to be: what the sync shows of a room may be only part of it."""
        person = self._person.get(room_id)
        room = self.client.rooms.get(room_id)
        if person is None or room is None:
            return False
        bot = self.client.user_id
        if room.join_rule != "invite" or set(room.users) - {bot, person}:  # the members joined and invited
            return False
        if not room.members_synced:
            return None
        if person not in room.users:
            return False
        creators = self._creators.get(room_id)
        if creators is not None and creators != {bot}:
            return False
        levels = room.power_levels
        needed = min(
            levels.defaults.invite,
            levels.get_state_event_required_level("m.room.join_rules"),
            levels.get_state_event_required_level("m.room.power_levels"),
        )
        return all(levels.get_user_level(user) < needed for user in {*levels.users, person} - {bot})

    async def watch(self, resp: SyncResponse) -> None:
        """After a sync, before its events are taken: a direct room that its person left,
        that someone else joined or was invited to, or that was opened (join rules), is
        left and forgotten; one the bot is no longer in is forgotten."""
        for room_id in list(resp.rooms.leave):
            if room_id in self._person:
                await self.forget(room_id, "the bot is no longer in it", leave=False)
        for room_id, info in resp.rooms.join.items():
            person = self._person.get(room_id)
            if person is None:
                continue
            why = _breach(person, self.client.user_id, (*info.state, *info.timeline.events))
            if why is not None:
                await self.forget(room_id, why)

    async def load_members(self) -> None:
        """The members, joined and invited, of the direct rooms whose members are not all
        known yet, from their state; then each is checked, and left if no longer private.
        Called after a sync (Rooms.load_members): one recorded before this start that the
        bot is no longer in is forgotten."""
        async with self._loading:
            for room_id in sorted(self._person):
                room = self.client.rooms.get(room_id)
                if room is None and room_id in self._unchecked:
                    await self.forget(room_id, "the bot is no longer in it", leave=False)
                self._unchecked.discard(room_id)
                if room is None or room.members_synced:
                    continue  # not synced yet (a room just opened), or known
                try:
                    resp = await self.client.room_get_state(room_id)
                except Exception as e:  # the homeserver unreachable: tried again later
                    resp = e
                if not isinstance(resp, RoomGetStateResponse):
                    log.warning("cannot load the members of %s (%s); trying again later", room_id, describe(resp))
                    continue
                # Its whole state, as the homeserver has it now: the sync may have shown
                # only part of a room just opened.
                for raw in resp.events:
                    wanted = isinstance(raw, dict) and raw.get("type") in _CHECKED_STATE
                    event = Event.parse_event(raw) if wanted else None
                    if isinstance(event, RoomMemberEvent):
                        room.handle_membership(event)
                    elif isinstance(event, RoomCreateEvent) and (creators := creators_of(event)) is not None:
                        self._creators[room_id] = creators
                    elif event is not None:
                        room.handle_event(event)
                room.members_synced = True
                if room.encrypted and self.client.olm is not None:
                    self.client.olm.update_tracked_users(room)
                if self.private(room_id) is False:
                    await self.forget(room_id, "it is no longer the bot's and its person's alone")

    async def forget(self, room_id: str, why: str, *, leave: bool = True) -> None:
        """No longer a direct room: not served, its record deleted, and left."""
        person = self._person.pop(room_id, None)
        self.served.discard(room_id)
        if person is not None:
            if self._room.get(person) == room_id:
                del self._room[person]

            async def drop_record(db: aiosqlite.Connection) -> None:
                if await read_meta(db, dm_key(person)) == room_id:  # not a newer room's
                    await delete_meta(db, dm_key(person))

            await self.store.transaction(drop_record)
        log.info("no longer serving the direct message room %s: %s", room_id, why)
        if leave and room_id in self.client.rooms:
            resp = await self.client.room_leave(room_id)
            if isinstance(resp, ErrorResponse):
                log.warning("could not leave the direct message room %s: %s", room_id, describe(resp))

    async def forget_person(self, user_id: str) -> None:
        """`!forgetme` erased the record of `user_id`'s room: it is no longer served, and
        is left once the answers to the command are sent (leave_forgotten)."""
        room_id = self._room.pop(user_id, None)
        if room_id is not None:
            self._person.pop(room_id, None)
            self.served.discard(room_id)
            self._to_leave.add(room_id)

    async def leave_forgotten(self) -> None:
        while self._to_leave:
            await self.forget(self._to_leave.pop(), "its person asked to be forgotten")


# The state a direct room is checked by (DirectRooms.private).
_CHECKED_STATE = {"m.room.member", "m.room.create", "m.room.join_rules", "m.room.power_levels"}


def _breach(person: str, bot: str, events: Iterable[Any]) -> str | None:
    """Why a direct room whose events these are is no longer private, if it is not."""
    for event in events:
        if isinstance(event, RoomMemberEvent):
            if event.state_key == person and event.membership in ("leave", "ban"):
                return "its person left it"
            if event.state_key not in (person, bot) and event.membership in ("join", "invite", "knock"):
                return f"someone else was let in ({event.membership})"
        elif isinstance(event, RoomJoinRulesEvent) and event.join_rule != "invite":
            return f"it was opened ({event.join_rule})"
    return None
