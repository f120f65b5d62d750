"""bot/matrix/rooms.py: the served rooms, invites and power levels, against a stand-in
homeserver."""

import dataclasses

from nio import RoomGetStateResponse, RoomResolveAliasError, RoomResolveAliasResponse, SyncResponse

from bot.matrix.rooms import CREATOR_POWER, Rooms
from bot.storage.meta import dm_key
from tests.conftest import ALICE, BOB, ROOM
from tests.matrix.fakes import BOT, FakeRoom, SyncingHomeserver, member_event

DM = "!dm:example.org"
STRANGER = "!spam:example.org"


class Levels:
    def __init__(self, **levels: int):
        self.levels = levels

    def get_user_level(self, user_id: str) -> int:
        return self.levels.get(user_id.split(":")[0].lstrip("@"), 0)


def rooms_for(chat, *rooms: str) -> tuple[Rooms, SyncingHomeserver]:
    client = SyncingHomeserver()
    config = chat.services.config
    config = dataclasses.replace(config, matrix=dataclasses.replace(config.matrix, rooms=list(rooms)))
    return Rooms(client, chat.store, config), client


async def test_aliases_are_resolved_and_direct_rooms_served_but_not_configured(chat):
    rooms, client = rooms_for(chat, ROOM, "#ccc:example.org", "#gone:example.org")

    async def resolve(alias):
        if alias == "#ccc:example.org":
            return RoomResolveAliasResponse(alias, "!aliased:example.org", [])
        return RoomResolveAliasError("no such alias", "M_NOT_FOUND")

    client.room_resolve_alias = resolve
    await chat.store.set_meta(dm_key(ALICE), DM)
    await rooms.resolve_served()
    assert rooms.configured == {ROOM, "!aliased:example.org"}
    assert rooms.served == {ROOM, "!aliased:example.org", DM}
    client.rooms[ROOM] = FakeRoom(ROOM, BOT)
    await rooms.join_served()
    # A direct room the bot is not in is never joined again: it may have been opened to anyone.
    assert client.joined == ["!aliased:example.org"], "configured rooms not joined yet are joined"


async def test_the_start_up_line_names_the_configured_rooms_and_counts_the_direct_ones(chat):
    """What the operator reads at start-up: the rooms they configured by name, the direct
    rooms (one per person who opted in to reminders: a thousand, in a big co-op) counted."""
    rooms, _ = rooms_for(chat, ROOM)
    await rooms.resolve_served()
    assert rooms.summary() == ROOM
    for i in range(1000):
        await chat.store.set_meta(dm_key(f"@person{i}:example.org"), f"!dm{i}:example.org")
    await rooms.resolve_served()
    assert rooms.summary() == f"{ROOM} and 1,000 direct-message rooms"
    await chat.store.execute("DELETE FROM meta WHERE key LIKE 'dm:%' AND key != ?", (dm_key("@person7:example.org"),))
    rooms, _ = rooms_for(chat, ROOM, "!other:example.org")
    await rooms.resolve_served()
    assert rooms.summary() == f"!other:example.org, {ROOM} and 1 direct-message room"
    assert rooms_for(chat)[0].summary() == "no rooms"


async def test_invites_to_served_rooms_are_accepted_others_declined(chat):
    rooms, client = rooms_for(chat, ROOM)
    await rooms.resolve_served()
    client.invited_rooms = {ROOM: FakeRoom(ROOM), STRANGER: FakeRoom(STRANGER)}
    await rooms.on_invite(ROOM)
    await rooms.on_invite(STRANGER)
    assert client.joined == [ROOM] and client.left == [STRANGER]


async def test_power_levels_count_in_configured_rooms_only(chat):
    rooms, client = rooms_for(chat, ROOM)
    await rooms.resolve_served()
    for room_id in (ROOM, DM):
        client.rooms[room_id] = FakeRoom(room_id, BOT, ALICE, BOB)
        client.rooms[room_id].power_levels = Levels(alice=100, bob=0)
    assert rooms.power_level(ROOM, ALICE) == 100 and rooms.power_level(ROOM, BOB) == 0
    assert rooms.power_level(DM, ALICE) is None, "an admin of a direct room is nobody in the conference"
    # In the direct room the bot opened for bob, bob has his level in the conference.
    client.rooms[ROOM].power_levels = Levels(bob=50)
    await rooms.direct.record(BOB, DM)
    assert rooms.power_level(DM, BOB) == 50
    assert rooms.power_level(DM, ALICE) is None


def create_event(version: str, creator: str, *extra: str) -> SyncResponse:
    create = {
        "type": "m.room.create",
        "event_id": "$create",
        "sender": creator,
        "state_key": "",
        "origin_server_ts": 1,
        "content": {"room_version": version, "additional_creators": list(extra)},
    }
    return SyncResponse.from_dict(
        {"next_batch": "s", "rooms": {"join": {ROOM: {"state": {"events": [create]}, "timeline": {"events": []}}}}}
    )


async def test_creators_of_a_version_12_room_outrank_every_level(chat):
    rooms, client = rooms_for(chat, ROOM)
    await rooms.resolve_served()
    client.rooms[ROOM] = FakeRoom(ROOM, BOT)
    client.rooms[ROOM].power_levels = Levels()
    rooms.note_creators(create_event("12", ALICE, BOB))
    assert rooms.power_level(ROOM, ALICE) == rooms.power_level(ROOM, BOB) == CREATOR_POWER
    rooms.note_creators(create_event("11", ALICE))
    # Before v12 the creator's level is in m.room.power_levels like anyone's (noted ones stay).
    assert rooms.power_level(ROOM, "@carol:example.org") == 0


async def test_membership_counts_the_configured_rooms_only(chat):
    rooms, client = rooms_for(chat, ROOM)
    await rooms.resolve_served()
    assert rooms.is_member(ALICE) is None, "not joined yet: unknown"
    client.rooms[ROOM] = FakeRoom(ROOM, BOT, ALICE, invited=(BOB,))
    client.rooms[DM] = FakeRoom(DM, BOT, "@carol:example.org")
    assert rooms.is_member(ALICE) and rooms.is_member(BOB)
    assert rooms.is_member("@carol:example.org") is False, "a direct room with the bot is not a served room"
    client.rooms[ROOM].leave(ALICE)
    assert rooms.is_member(ALICE) is False


async def test_membership_is_unknown_until_the_lazy_loaded_room_has_all_its_members(chat):
    rooms, client = rooms_for(chat, ROOM)
    await rooms.resolve_served()
    # The first sync lazy-loads members: only the people whose events it carries.
    client.rooms[ROOM] = FakeRoom(ROOM, BOT, ALICE)
    client.rooms[ROOM].members_synced = False
    assert rooms.is_member(ALICE) is True
    assert rooms.is_member(BOB) is None, "not seen yet: maybe a member, never taken for gone"
    asked: list[str] = []

    async def joined_members(room_id):
        asked.append(room_id)
        client.rooms[room_id].join(BOB)
        client.rooms[room_id].members_synced = True

    client.joined_members = joined_members
    await rooms.load_members()
    assert asked == [ROOM]
    assert rooms.is_member(BOB) is True
    assert rooms.is_member("@carol:example.org") is False
    await rooms.load_members()
    assert asked == [ROOM], "asked once"


async def test_the_members_of_direct_rooms_are_loaded_from_their_state_invites_too(chat):
    rooms, client = rooms_for(chat, ROOM)
    await rooms.resolve_served()
    await rooms.direct.record("@carol:example.org", DM)
    client.rooms[DM] = FakeRoom(DM, BOT)
    client.rooms[DM].members_synced = False
    client.rooms["!unrecorded:example.org"] = FakeRoom("!unrecorded:example.org", BOT)
    client.rooms["!unrecorded:example.org"].members_synced = False
    asked: list[str] = []

    async def room_get_state(room_id):
        asked.append(room_id)
        return RoomGetStateResponse([member_event(BOT, "join"), member_event("@carol:example.org", "invite")], room_id)

    client.room_get_state = room_get_state
    await rooms.load_members()
    assert asked == [DM], "the direct rooms' only"
    assert set(client.rooms[DM].users) == {BOT, "@carol:example.org"}
    assert client.rooms[DM].members_synced
    assert rooms.direct.private(DM) and DM in rooms.served


async def test_a_recorded_direct_room_found_not_private_at_start_up_is_left_and_forgotten(chat):
    """What the start-up finds once the rooms' state is loaded (Syncer._after ->
    Rooms.load_members): a room the attack of issue 25 made public; one with an outsider in
    it; one whose person is its creator too (opened before with trusted_private_chat); one
    the bot is no longer in."""
    public, visited, shared, fine = (f"!{n}:example.org" for n in ("public", "visited", "shared", "fine"))
    people = {public: ALICE, visited: BOB, shared: "@carol:example.org", fine: "@dave:example.org"}
    for room_id, person in people.items():
        await chat.store.set_meta(dm_key(person), room_id)
    # Recorded too, but the bot is no longer in it (removed while the bot was down).
    await chat.store.set_meta(dm_key("@erin:example.org"), "!gone:example.org")
    rooms, client = rooms_for(chat, ROOM)
    await rooms.resolve_served()
    assert {public, visited, shared, fine, "!gone:example.org"} <= rooms.served
    others = {visited: ["@outsider:example.org"]}
    for room_id in people:
        client.rooms[room_id] = FakeRoom(room_id, BOT)
        client.rooms[room_id].members_synced = False

    async def room_get_state(room_id):
        members = [BOT, people[room_id], *others.get(room_id, [])]
        rules = {
            "type": "m.room.join_rules",
            "event_id": "$rules",
            "sender": ALICE,
            "state_key": "",
            "origin_server_ts": 1,
            "content": {"join_rule": "public" if room_id == public else "invite"},
        }
        create = {
            "type": "m.room.create",
            "event_id": "$create",
            "sender": BOT,
            "state_key": "",
            "origin_server_ts": 1,
            "content": {"room_version": "12", "additional_creators": [people[room_id]] if room_id == shared else []},
        }
        return RoomGetStateResponse([create, rules, *(member_event(m, "join") for m in members)], room_id)

    client.room_get_state = room_get_state
    await rooms.load_members()
    assert sorted(client.left) == sorted([public, visited, shared]), "not the room the bot is not in"
    assert rooms.served == {ROOM, fine}
    assert await chat.store.meta_with_prefix(dm_key()) == {dm_key("@dave:example.org"): fine}
    assert rooms.summary() == f"{ROOM} and 1 direct-message room"


async def test_a_direct_room_whose_state_cannot_be_fetched_is_tried_again_later(chat, caplog):
    rooms, client = rooms_for(chat, ROOM)
    await rooms.resolve_served()
    await rooms.direct.record("@carol:example.org", DM)
    client.rooms[DM] = FakeRoom(DM, BOT)
    client.rooms[DM].members_synced = False

    async def room_get_state(room_id):
        raise ConnectionError("homeserver unreachable")

    client.room_get_state = room_get_state
    await rooms.direct.load_members()  # a command looking for a direct room goes on
    assert not client.rooms[DM].members_synced
    assert "cannot load the members of !dm:example.org" in caplog.text
    assert rooms.direct.private(DM) is None and DM in rooms.served, "neither taken nor left"


async def test_an_invite_to_a_direct_room_is_declined(chat):
    """A room the bot was invited to is never a direct room: it opens those itself."""
    rooms, client = rooms_for(chat, ROOM)
    await chat.store.set_meta(dm_key(ALICE), DM)
    await rooms.resolve_served()
    client.invited_rooms = {DM: FakeRoom(DM)}
    await rooms.on_invite(DM)
    assert client.joined == [] and client.left == [DM]
