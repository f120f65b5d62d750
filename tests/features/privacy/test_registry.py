"""bot/features/privacy/registry.py: collecting everything about a person, and erasing it in one go."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest

from bot.core.clock import iso
from bot.core.model import Anchor, IncomingReaction
from bot.core.reactions import record_anchor
from bot.features.privacy import registry as privacy
from bot.features.reminders import repository as reminders
from bot.features.reminders.repository import Kind, Status
from tests.conftest import ALICE, BOB, HOST, ROOM
from tests.helpers import fill

SESSION = "2026-11-26 08:00"


async def alice_everywhere(chat) -> dict[str, int]:
    """The shared history, plus Alice's time zone, an offer to host, a 👍 reaction, a
    session she ended, and commands the Matrix adapter recorded."""
    numbers = await fill(chat)
    assert "Europe/Berlin" in await chat.text(ALICE, "!tz Europe/Berlin")
    assert "volunteered" in await chat.text(ALICE, "!host 2026-12-10 09:00")  # 08:00 UTC in Berlin
    assert "will join the session of Thursday 3 December, 17:00 UTC (18:00 in Berlin) later" in await chat.text(
        ALICE, "!late after my shift"
    )
    assert "will join" in await chat.text(BOB, "!late")
    assert "before every session" in await chat.text(ALICE, "!remind all")
    assert "before every session" in await chat.text(BOB, "!remind all")
    for who in (ALICE, BOB):
        await reminders.record(
            chat.store, who, SESSION, dt.timedelta(minutes=15), Kind.REMINDER, Status.SENT, chat.clock.now()
        )
    await record_anchor(chat.store, "$suggest-answer", ROOM, Anchor("topic", str(numbers["markup"])))
    reaction = IncomingReaction(BOB, ROOM, "$bob-thumbs", "$suggest-answer", "👍", chat.clock.now())
    await chat.dispatcher.handle_reaction(reaction)
    await chat.dispatcher.handle_reaction(
        IncomingReaction(ALICE, ROOM, "$alice-thumbs", "$suggest-answer", "👍", chat.clock.now())
    )
    await chat.store.execute("UPDATE sessions SET ended_by = ? WHERE key = ?", (ALICE, SESSION))
    await chat.store.set_meta(f"dm:{ALICE}", "!dm-with-alice:example.org")
    for seq, (sender, event_id, done) in enumerate(
        [(ALICE, "$a1", True), (BOB, "$b1", True), (ALICE, "$confirm", False), (ALICE, "$queued", False)]
    ):
        await chat.store.execute(
            "INSERT INTO inbox (event_id, room_id, kind, payload, received_at, done_at) VALUES (?, ?, ?, ?, ?, ?)",
            (
                event_id,
                ROOM,
                "message",
                json.dumps({"sender": sender, "ts": seq, "body": f"!tz from {sender}", "sender_name": "A"}),
                iso(chat.clock.now()),
                iso(chat.clock.now()) if done else None,
            ),
        )
    return numbers


async def test_collect_lists_everything_stored_about_the_person(chat):
    numbers = await alice_everywhere(chat)
    doc = await privacy.collect(chat.store, ALICE)
    assert doc["schema_version"] == 1 and doc["user_id"] == ALICE
    assert doc["timezone"] == "Europe/Berlin"
    assert doc["display_name"] == "Alice | the | Cooperator"
    assert [s["number"] for s in doc["suggestions"]] == [numbers["pay"], numbers["markup"]]
    assert [v["topic"] for v in doc["votes"]] == [numbers["formula"], numbers["markup"]]
    assert [(c["session"], c["via"]) for c in doc["check_ins"]] == [(SESSION, "command")]
    assert [v["session"] for v in doc["volunteering"]] == ["2026-12-10 08:00"]
    assert [(n["session"], n["note"]) for n in doc["late_notes"]] == [("2026-12-03 17:00", "after my shift")]
    assert [(r["event_id"], r["key"]) for r in doc["reactions"]] == [("$alice-thumbs", "👍")]
    hosted = doc["sessions_started_or_ended"]
    assert [(s["session"], s["started"], s["ended"]) for s in hosted] == [(SESSION, False, True)]
    assert [m["event_id"] for m in doc["messages_received"]] == ["$a1"], "handled ones, hers only"
    assert doc["messages_received"][0]["body"] == f"!tz from {ALICE}"
    assert doc["messages_received"][0]["at"] == "1970-01-01T00:00:00Z", "the event's own time"
    assert doc["direct_message_room"] == "!dm-with-alice:example.org"
    assert not privacy.is_empty(doc)
    assert json.loads(privacy.as_json(doc)) == doc


async def test_the_parts_come_in_one_order_whatever_was_imported_first(chat):
    doc = await privacy.collect(chat.store, ALICE)
    assert list(doc)[:3] == ["schema_version", "user_id", "suggestions"], "topics first"
    assert list(doc)[-2:] == ["direct_message_room", "erasure_requested_at"], "the bot's own records last"
    names = [s.name for s in privacy.sections()][: len(privacy.SECTION_ORDER)]
    assert names == list(privacy.SECTION_ORDER)


async def test_someone_never_seen_has_an_empty_record(chat):
    doc = await privacy.collect(chat.store, "@stranger:example.org")
    assert privacy.is_empty(doc)
    assert doc["suggestions"] == [] and doc["timezone"] is None


async def test_erase_without_a_request_erases_nothing(chat):
    await alice_everywhere(chat)
    before = await privacy.collect(chat.store, ALICE)
    with pytest.raises(privacy.NoPendingRequest) as refused:
        await privacy.erase(chat.store, ALICE, chat.clock.now())
    assert not refused.value.expired
    assert await privacy.collect(chat.store, ALICE) == before


async def test_an_expired_request_erases_nothing(chat):
    await alice_everywhere(chat)
    await privacy.request_erasure(chat.store, ALICE, chat.clock.now())
    before = await privacy.collect(chat.store, ALICE)
    with pytest.raises(privacy.NoPendingRequest) as refused:
        await privacy.erase(chat.store, ALICE, chat.clock.now() + dt.timedelta(minutes=10, seconds=1))
    assert refused.value.expired
    after = await privacy.collect(chat.store, ALICE)
    assert after == {**before, "erasure_requested_at": None}, "only the stale request went"


async def test_requests_nobody_confirmed_do_not_pile_up(chat):
    await privacy.request_erasure(chat.store, BOB, chat.clock.now())
    chat.clock.advance(minutes=11)
    await privacy.request_erasure(chat.store, ALICE, chat.clock.now())
    assert await chat.store.get_meta(f"forgetme:{BOB}") is None
    assert await chat.store.get_meta(f"forgetme:{ALICE}") == iso(chat.clock.now())


async def test_erase_in_time_takes_everything_about_the_person_and_nothing_else(chat):
    numbers = await alice_everywhere(chat)
    bob_before = await privacy.collect(chat.store, BOB)
    await privacy.request_erasure(chat.store, ALICE, chat.clock.now())
    erased = await privacy.erase(chat.store, ALICE, chat.clock.now() + dt.timedelta(minutes=10), "$confirm")
    assert erased == privacy.Erased(
        profile=("time zone", "display name"),
        votes=2,
        check_ins=1,
        volunteering=1,
        late_notes=1,
        reminder_setting=1,
        reminders_sent=1,
        reactions=1,
        suggestions=2,
        sessions=1,
        cancellations=0,
        messages=2,
        discussions=0,
    )
    assert privacy.is_empty(await privacy.collect(chat.store, ALICE))
    assert await privacy.collect(chat.store, BOB) == bob_before, "bob's data is untouched"
    # Topics stay, unattributed, with the votes of others.
    row = await chat.store.fetchone(
        "SELECT text, suggested_by, suggested_name, (SELECT COUNT(*) FROM votes WHERE topic_id = id) AS votes "
        "FROM topics WHERE id = ?",
        (numbers["pay"],),
    )
    assert (row["text"], row["suggested_by"], row["suggested_name"], row["votes"]) == (
        "How do we pay ourselves fairly?",
        None,
        None,
        2,
    )
    assert await chat.store.fetchval("SELECT started_by FROM sessions WHERE key = ?", (SESSION,)) == HOST
    assert await chat.store.fetchval("SELECT ended_by FROM sessions WHERE key = ?", (SESSION,)) is None
    payloads = dict(await chat.store.fetchall("SELECT event_id, payload FROM inbox"))
    assert "$a1" not in payloads and "$confirm" not in payloads, "her rows are gone, ids and all"
    assert json.loads(payloads["$queued"])["sender"] == ALICE, "a command sent after the confirmation is handled"
    assert json.loads(payloads["$b1"])["sender"] == BOB
    assert await chat.store.get_meta(f"dm:{ALICE}") is None
    # A request is good for one erasure.
    with pytest.raises(privacy.NoPendingRequest):
        await privacy.erase(chat.store, ALICE, chat.clock.now())


async def test_erasure_is_one_transaction(chat):
    """If any part fails, nothing is erased and the request stands."""
    await alice_everywhere(chat)
    await chat.store.execute(
        "CREATE TRIGGER fail_volunteers BEFORE DELETE ON volunteers BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"
    )
    await privacy.request_erasure(chat.store, ALICE, chat.clock.now())
    before = await privacy.collect(chat.store, ALICE)
    with pytest.raises(sqlite3.IntegrityError, match="disk on fire"):
        await privacy.erase(chat.store, ALICE, chat.clock.now())
    assert await privacy.collect(chat.store, ALICE) == before
    await chat.store.execute("DROP TRIGGER fail_volunteers")
    assert (await privacy.erase(chat.store, ALICE, chat.clock.now())).volunteering == 1
