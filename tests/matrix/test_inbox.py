"""bot/matrix/inbox.py: the durable inbox and the layout of its payloads, without a homeserver."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.clock import UTC, iso
from bot.matrix import inbox
from bot.storage.store import Store

NOW = dt.datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
ROOM = "!room:example.org"
OTHER = "!other:example.org"
ALICE, BOB, ORG = "@alice:example.org", "@bob:example.org", "@org:example.org"


async def test_events_are_queued_once_handled_in_order_and_read_back_by_kind():
    store = await Store.open(":memory:")
    events = [
        ("$m", ROOM, inbox.MESSAGE, inbox.message(ALICE, 1_000, "!tz", "$root", "Alice")),
        ("$r", ROOM, inbox.REACTION, inbox.reaction(BOB, 2_000, "$m", "👍", None)),
        ("$x", ROOM, inbox.REDACTION, inbox.redaction(BOB, 3_000, "$earlier")),
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
        ({"target": "$m", "key": "👍", "sender_name": None}, {"redacts": "$earlier"}), new[1:], strict=True
    ):
        entry = await inbox.take(store, seq)
        assert entry is not None and entry.fields == fields
    await inbox.mark_done(store, new[0][2], NOW)
    assert await inbox.take(store, new[0][2]) is None
    assert [e.event_id for e in await inbox.handled_from(store, ALICE)] == ["$m"]
    assert await inbox.purge(store, NOW) == 0
    assert await inbox.purge(store, NOW + dt.timedelta(seconds=1)) == 1
    await store.close()


@pytest.fixture
async def store():
    store = await Store.open(":memory:")
    yield store
    await store.close()


async def event_ids(store: Store) -> list[str]:
    return [r["event_id"] for r in await store.fetchall("SELECT event_id FROM inbox ORDER BY seq")]


async def test_forgetting_a_person_deletes_their_rows_but_what_they_sent_after(store):
    events = [
        ("$handled", ROOM, inbox.MESSAGE, inbox.message(ALICE, 1, "!tz Europe/Berlin", None, "Alice")),
        ("$elsewhere", OTHER, inbox.MESSAGE, inbox.message(ALICE, 2, "!vote 3", None, "Alice")),
        ("$confirm", ROOM, inbox.MESSAGE, inbox.message(ALICE, 3, "!forgetme confirm", None, "Alice")),
        ("$after", ROOM, inbox.MESSAGE, inbox.message(ALICE, 4, "!tz Europe/Paris", None, "Alice")),
        ("$bobs", ROOM, inbox.MESSAGE, inbox.message(BOB, 5, "!tz", None, None)),
    ]
    new = await store.transaction(lambda db: inbox.add(db, events, NOW))
    for _, _, seq in (new[0], new[4]):
        await inbox.mark_done(store, seq, NOW)
    assert await store.transaction(lambda db: inbox.erase_from(db, ALICE, "$confirm")) == 3
    # Her rows are gone, ids and all, but the command she sent after the confirmation,
    # which is still to be handled; one still queued from before it (in another room)
    # would bring back what was just erased.
    assert await event_ids(store) == ["$after", "$bobs"]
    assert [(room, sender) for room, sender, _ in await inbox.pending(store)] == [(ROOM, ALICE)]
    assert await store.transaction(lambda db: inbox.erase_from(db, ALICE, None)) == 0, (
        "without a confirming event: the handled ones"
    )


async def test_a_redaction_takes_what_it_redacts_out_of_the_inbox(store):
    events = [
        ("$handled", ROOM, inbox.MESSAGE, inbox.message(ALICE, 1, "!suggest a secret plan", None, "Alice")),
        ("$queued", ROOM, inbox.MESSAGE, inbox.message(ALICE, 2, "!vote 3", None, "Alice")),
        ("$thumbs", ROOM, inbox.REACTION, inbox.reaction(ALICE, 3, "$answer", "👍", "Alice")),
        ("$bobs", ROOM, inbox.MESSAGE, inbox.message(BOB, 4, "!tz Europe/Rome", None, None)),
        ("$spam", ROOM, inbox.MESSAGE, inbox.message(BOB, 5, "!suggest spam", None, None)),
    ]
    new = await store.transaction(lambda db: inbox.add(db, events, NOW))
    for _, _, seq in new[:1] + new[2:]:
        await inbox.mark_done(store, seq, NOW)
    redactions = [
        ("$x1", ROOM, inbox.REDACTION, inbox.redaction(ALICE, 10, "$handled")),
        ("$x2", ROOM, inbox.REDACTION, inbox.redaction(ALICE, 11, "$queued")),
        ("$x3", ROOM, inbox.REDACTION, inbox.redaction(ALICE, 12, "$thumbs")),
        ("$x4", ROOM, inbox.REDACTION, inbox.redaction(ALICE, 13, "$bobs")),  # not hers to redact
        ("$x5", ROOM, inbox.REDACTION, inbox.redaction(ORG, 14, "$spam")),  # a moderator's
    ]
    queued = await store.transaction(lambda db: inbox.add(db, redactions, NOW, moderators={(ROOM, ORG)}))
    assert await event_ids(store) == ["$bobs", "$x1", "$x2", "$x3", "$x4", "$x5"]
    assert [seq for _, _, seq in await inbox.pending(store)] == [seq for _, _, seq in queued], "$queued is not handled"
    # A redaction is handled (one of a reaction undoes what it did), then goes too.
    for _, _, seq in queued:
        assert await inbox.take(store, seq) is not None
        await inbox.mark_done(store, seq, NOW)
    assert await event_ids(store) == ["$bobs"]


async def test_purging_takes_handled_redactions_and_rows_blanked_by_earlier_versions(store):
    events = [
        ("$kept", ROOM, inbox.MESSAGE, inbox.message(ALICE, 1, "!tz", None, None)),
        ("$blanked", ROOM, inbox.MESSAGE, "{}"),
        ("$undo", ROOM, inbox.REDACTION, inbox.redaction(BOB, 2, "$gone")),
        ("$waiting", ROOM, inbox.MESSAGE, "{}"),
    ]
    new = await store.transaction(lambda db: inbox.add(db, events, NOW))
    # As an earlier version left them: handled, the redaction kept.
    await store.execute("UPDATE inbox SET done_at = ? WHERE event_id != '$waiting'", (iso(NOW),))
    assert await inbox.purge(store, NOW) == 2
    assert await event_ids(store) == ["$kept", "$waiting"], "a week for the others; the queued one is handled first"
    assert len(new) == 4


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
    assert await event_ids(store) == ["$bobs"], "none of her rows is left, ids included"
    assert [e.event_id for e in await inbox.handled_from(store, BOB)] == ["$bobs"], "bob's stay"
    await store.close()
