"""Rooms: which rooms are served (the configured ones, aliases resolved, and the bot's
direct-message rooms), joining them, invites (accepted to a served room, declined
elsewhere), and people's power levels, with room version 12's creators."""

from __future__ import annotations

import asyncio
import logging

from nio import (
    AsyncClient,
    ErrorResponse,
    JoinError,
    RoomCreateEvent,
    RoomGetStateResponse,
    RoomMemberEvent,
    RoomResolveAliasResponse,
    SyncResponse,
)

from bot.core.config import Config
from bot.matrix.sender import describe
from bot.storage.store import Store, dm_key

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
        # The bot's own direct-message rooms are served too (for !mydata and the like).
        self.served.update((await self.store.meta_with_prefix(dm_key())).values())

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
        (the sync lazy-loads them): the direct rooms first, then each configured room
        (/joined_members, once; the sync keeps them current after)."""
        await self.load_direct_members()
        async with self._loading:
            for room_id in sorted(self.configured):
                room = self.client.rooms.get(room_id)
                if room is None or room.members_synced:
                    continue
                resp = await self.client.joined_members(room_id)
                if isinstance(resp, ErrorResponse):
                    log.warning("cannot load the members of %s (%s); trying again later", room_id, describe(resp))

    async def load_direct_members(self) -> None:
        """The members, joined and invited, of the bot's rooms other than the configured
        ones (direct messages: two people each), from their state: a direct room is found
        by who is in it (MatrixSender.direct_room), also by someone who has said nothing since."""
        async with self._loading:
            for room_id, room in list(self.client.rooms.items()):
                if room_id in self.configured or room.members_synced:
                    continue
                try:
                    resp = await self.client.room_get_state(room_id)
                except Exception as e:  # the homeserver unreachable: looked for by who is known
                    resp = e
                if not isinstance(resp, RoomGetStateResponse):
                    log.warning("cannot load the members of %s (%s); trying again later", room_id, describe(resp))
                    continue
                for event in resp.events:
                    if isinstance(event, dict) and event.get("type") == "m.room.member":
                        member = RoomMemberEvent.from_dict(event)
                        if isinstance(member, RoomMemberEvent):
                            room.handle_membership(member)
                room.members_synced = True
                if room.encrypted and self.client.olm is not None:
                    self.client.olm.update_tracked_users(room)

    async def join_served(self) -> None:
        for room_id in sorted(self.served):
            if room_id in self.client.rooms:
                continue
            resp = await self.client.join(room_id)
            if isinstance(resp, JoinError):
                log.warning("cannot join %s yet (%s); an invite will be accepted", room_id, describe(resp))

    async def on_invite(self, room_id: str) -> None:
        room = self.client.invited_rooms.get(room_id)
        if room_id in self.served:
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
        """A user's power level in a configured room (never in a direct-message room,
        where the user may be an admin), from room state kept current by sync."""
        room = self.client.rooms.get(room_id) if room_id in self.configured else None
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
                if isinstance(event, RoomCreateEvent):
                    content = event.source.get("content", {})
                    if str(content.get("room_version", "1")).isdigit() and int(content.get("room_version", "1")) < 12:
                        continue  # before v12 the creator is in m.room.power_levels like anyone
                    extra = content.get("additional_creators") or []
                    self._creators[room_id] = {event.sender, *(u for u in extra if isinstance(u, str))}
