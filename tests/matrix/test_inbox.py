"""bot/matrix/inbox.py: the durable inbox and the layout of its payloads, without a homeserver."""

from __future__ import annotations

import datetime as dt

from bot.core.clock import UTC
from bot.matrix import inbox
from bot.storage.store import Store

NOW = dt.datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
ROOM = "!room:example.org"
ALICE, BOB = "@alice:example.org", "@bob:example.org"


async def test_events_are_queued_once_handled_in_order_and_read_back_by_kind():
    store = await Store.open(":memory:")
    events = [
        ("$m", ROOM, inbox.MESSAGE, inbox.message(ALICE, 1_000, "!tz", "$root", "Alice")),
        ("$r", ROOM, inbox.REACTION, inbox.reaction(BOB, 2_000, "$m", "👍", None)),
        ("$x", ROOM, inbox.REDACTION, inbox.redaction(BOB, 3_000, "$r")),
    ]
    new = await store.transaction(lambda db: inbox.add(db, events, NOW))
    assert [(room, sender) for room, sender, _ in new] == [(ROOM, ALICE), (ROOM, BOB), (ROOM, BOB)]
    assert await store.transaction(lambda db: inbox.add(db, events[:1], NOW)) == [], "a redelivered event not again"
    assert await inbox.pending(store) == new
    first = await inbox.take(store, new[0][2])
    assert first is not None
    assert (first.event_id, first.kind, first.sender) == ("$m", inbox.MESSAGE, ALICE)
    assert first.fields == {"body": "!tz", "thread_root": "$root", "sender_name": "Alice"}
    assert first.at == dt.datetime(1970, 1, 1, 0, 0, 1, tzinfo=UTC)
    for fields, (_, _, seq) in zip(
        ({"target": "$m", "key": "👍", "sender_name": None}, {"redacts": "$r"}), new[1:], strict=True
    ):
        entry = await inbox.take(store, seq)
        assert entry is not None and entry.fields == fields
    await inbox.mark_done(store, new[0][2], NOW)
    assert await inbox.take(store, new[0][2]) is None
    assert [e.event_id for e in await inbox.handled_from(store, ALICE)] == ["$m"]
    assert await inbox.purge(store, NOW) == 0
    assert await inbox.purge(store, NOW + dt.timedelta(seconds=1)) == 1
    await store.close()


async def test_blanking_a_person_leaves_the_queued_rows_but_the_current_one():
    store = await Store.open(":memory:")
    events = [(f"${i}", ROOM, inbox.MESSAGE, inbox.message(ALICE, i, "!x", None, None)) for i in range(3)]
    new = await store.transaction(lambda db: inbox.add(db, events, NOW))
    await inbox.mark_done(store, new[0][2], NOW)
    assert await store.transaction(lambda db: inbox.blank_from(db, ALICE, "$1")) == 2
    assert await inbox.handled_from(store, ALICE) == []
    assert [sender for _, sender, _ in await inbox.pending(store)] == ["", ALICE]
    await store.close()


async def test_entries_not_handled_survive_a_restart(tmp_path):
    path = tmp_path / "bot.sqlite3"
    store = await Store.open(path)
    events = [(f"${i}", ROOM, inbox.MESSAGE, inbox.message(ALICE, i, f"!cmd{i}", None, None)) for i in range(3)]
    new = await store.transaction(lambda db: inbox.add(db, events, NOW))
    await inbox.mark_done(store, new[0][2], NOW)
    await store.close()

    store = await Store.open(path)
    pending = await inbox.pending(store)
    assert pending == new[1:], "what was not handled is still to be handled, in order"
    entries = [await inbox.take(store, seq) for _, _, seq in pending]
    assert [e.fields["body"] for e in entries if e is not None] == ["!cmd1", "!cmd2"]
    assert await store.transaction(lambda db: inbox.add(db, events, NOW)) == [], "nor anything received before"
    await store.close()


async def test_the_inbox_registers_its_part_of_mydata_and_forgetme():
    from bot.features.privacy import registry as privacy

    store = await Store.open(":memory:")
    events = [
        ("$mine", ROOM, inbox.MESSAGE, inbox.message(ALICE, 1_000, "!tz Europe/Berlin", None, "Alice")),
        ("$queued", ROOM, inbox.MESSAGE, inbox.message(ALICE, 2_000, "!next", None, "Alice")),
        ("$bobs", ROOM, inbox.MESSAGE, inbox.message(BOB, 3_000, "!tz", None, None)),
    ]
    new = await store.transaction(lambda db: inbox.add(db, events, NOW))
    for _, _, seq in (new[0], new[2]):
        await inbox.mark_done(store, seq, NOW)
    document = await privacy.collect(store, ALICE)
    assert [(m["event_id"], m["body"], m["at"]) for m in document["messages_received"]] == [
        ("$mine", "!tz Europe/Berlin", "1970-01-01T00:00:01Z")
    ], "handled ones, hers only"
    await privacy.request_erasure(store, ALICE, NOW)
    erased = await privacy.erase(store, ALICE, NOW, "$queued")
    assert erased.messages == 2, "the handled one and the confirming command"
    assert (await privacy.collect(store, ALICE))["messages_received"] == []
    assert [e.event_id for e in await inbox.handled_from(store, BOB)] == ["$bobs"], "bob's stay"
    await store.close()
