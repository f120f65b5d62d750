"""bot/features/agenda/repository.py: each room's agenda message, as the keeper finds it
again after a restart."""

from __future__ import annotations

import datetime as dt

from bot.features.agenda import repository as agendas
from bot.features.agenda.repository import AgendaMessage
from bot.storage.store import Store
from tests.conftest import ROOM, START

OTHER_ROOM = "!a-first-room:example.org"


async def test_the_stored_agenda_survives_reopening_the_database(tmp_path):
    store = await Store.open(tmp_path / "bot.sqlite3")
    try:
        await agendas.posted(store, ROOM, "$agenda1", "hash1", START)
        await agendas.pin_state(store, ROOM, pinned=True, refused=False)
    finally:
        await store.close()
    store = await Store.open(tmp_path / "bot.sqlite3")
    try:
        assert await agendas.agenda_of(store, ROOM) == AgendaMessage(ROOM, "$agenda1", True, False, "hash1", START)
    finally:
        await store.close()


async def test_an_edit_keeps_the_message_and_its_pin_and_a_new_post_replaces_both():
    store = await Store.open(":memory:")
    try:
        assert await agendas.agenda_of(store, ROOM) is None
        await agendas.posted(store, ROOM, "$agenda1", "hash1", START)
        await agendas.pin_state(store, ROOM, pinned=False, refused=True)
        later = START + dt.timedelta(minutes=5)
        await agendas.edited(store, ROOM, "hash2", later)
        assert await agendas.agenda_of(store, ROOM) == AgendaMessage(ROOM, "$agenda1", False, True, "hash2", later)
        await agendas.posted(store, ROOM, "$agenda2", "hash3", later)
        assert await agendas.agenda_of(store, ROOM) == AgendaMessage(ROOM, "$agenda2", False, False, "hash3", later)
        await agendas.posted(store, OTHER_ROOM, "$agenda3", "hash1", START)
        assert [a.event_id for a in await agendas.all_agendas(store)] == ["$agenda3", "$agenda2"], "by room"
    finally:
        await store.close()
