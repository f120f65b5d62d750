"""commands/discussed.py through the real dispatcher and a real SQLite file: hosts mark the
running session's topics discussed, one or several at once, and undo it."""

from __future__ import annotations

import datetime as dt

from bot.core.clock import iso
from tests.commands.helpers import SESSION, SESSION_NAME, note_of, start_session, suggest, votes_shown
from tests.conftest import ALICE, BOB, HOST, ORGANISER, SEED_TOPICS, history_number

# --- one topic ---------------------------------------------------------------------------------


async def test_discussed_is_for_hosts_during_a_running_session(chat):
    a = await suggest(chat, "apples")
    assert "for hosts only" in await chat.text(ALICE, f"!discussed {a}")
    assert "No session is running" in await chat.text(HOST, f"!discussed {a}")
    await start_session(chat)
    text = await chat.text(HOST, f"!discussed {a} we agreed to  <share> notes")
    assert f"discussed in the session of {SESSION_NAME}" in text and "we agreed to <share> notes" in text
    assert "No open topics" in await chat.text(ALICE, "!topics")
    row = await chat.store.fetchone("SELECT status, session, note, discussed_at FROM topics WHERE id = ?", (a,))
    assert tuple(row) == ("discussed", SESSION, "we agreed to <share> notes", iso(chat.clock.now()))


async def test_the_suggester_is_mentioned_when_their_topic_is_discussed_and_nobody_else(chat):
    a = await suggest(chat, "apples @room", who=BOB)
    await start_session(chat)
    [reply] = await chat.say(HOST, f"!discussed {a}", thread_root="$session-thread")
    assert reply.mentions == (BOB,)
    assert "your topic was discussed" in reply.text.splitlines()[-1] and "matrix.to/#/@bob" in reply.html
    [again] = await chat.say(HOST, f"!discussed {a} a note")
    assert again.mentions == (), "only the first time"


async def test_a_suggester_who_asked_to_be_forgotten_or_marks_it_themselves_is_not_mentioned(chat):
    a = await suggest(chat, "apples", who=BOB)
    b = await suggest(chat, "pears", who=HOST)
    await chat.text(BOB, "!forgetme")
    await chat.text(BOB, "!forgetme confirm")
    await start_session(chat)
    for topic in (a, b):
        [reply] = await chat.say(HOST, f"!discussed {topic}")
        assert reply.mentions == () and "your topic" not in reply.text


async def test_a_suggester_who_left_the_rooms_is_not_mentioned_but_the_topic_is_marked(chat):
    a = await suggest(chat, "apples", who=BOB)
    b = await suggest(chat, "pears", who=ALICE)
    await start_session(chat)
    # The adapter knows BOB left every served room; ALICE is unknown (None): still mentioned.
    chat.services.is_member = lambda user_id: False if user_id == BOB else None
    [reply] = await chat.say(HOST, f"!discussed {a} we agreed")
    assert reply.mentions == () and "your topic" not in reply.text and "matrix.to" not in reply.html
    assert reply.text.startswith(f"Marked #{a}") and "Note: we agreed" in reply.text
    [other] = await chat.say(HOST, f"!discussed {b}")
    assert other.mentions == (ALICE,) and "your topic was discussed" in other.text


async def test_discussed_again_in_the_same_session_replaces_the_note(chat):
    a = await suggest(chat, "apples")
    await start_session(chat)
    marked_at = iso(chat.clock.now())
    await chat.say(HOST, f"!discussed {a} keep them warm")
    chat.clock.advance(minutes=5)
    text = await chat.text(HOST, f"!discussed {a} keep them cool")
    assert text == f"Replaced the note on #{a} “apples” (the session of {SESSION_NAME}). Note: keep them cool"
    assert await note_of(chat, a) == "keep them cool"
    history = await chat.text(ALICE, "!history 1")
    assert "keep them cool" in history and "warm" not in history
    assert await chat.store.fetchval("SELECT discussed_at FROM topics WHERE id = ?", (a,)) == marked_at, (
        "still discussed when it was first marked"
    )

    # Repeating the command to be sure keeps the note; `-` removes it.
    text = await chat.text(HOST, f"!discussed {a}")
    assert f"already marked discussed in the session of {SESSION_NAME}" in text and "keep them cool" in text
    assert await note_of(chat, a) == "keep them cool"
    text = await chat.text(HOST, f"!discussed {a} -")
    assert text.startswith(f"Removed the note on #{a} “apples” (the session of {SESSION_NAME})")
    assert await note_of(chat, a) is None
    text = await chat.text(HOST, f"!discussed {a}")
    assert f"already marked discussed in the session of {SESSION_NAME}" in text and "!undiscussed" in text
    assert "Added a note to" in await chat.text(HOST, f"!discussed {a} after all")
    assert await note_of(chat, a) == "after all"


async def test_discussed_in_an_earlier_session_stays_as_it_was(chat):
    a = await suggest(chat, "apples")
    await start_session(chat)
    await chat.say(HOST, f"!discussed {a} first time")
    await chat.store.execute("UPDATE sessions SET ended_at = ? WHERE key = ?", (iso(chat.clock.now()), SESSION))
    chat.clock.advance(hours=9)
    await start_session(chat, "2026-11-26 17:00")
    text = await chat.text(HOST, f"!discussed {a} second time")
    assert f"already discussed (in the session of {SESSION_NAME})" in text
    assert "is not marked discussed in the running session" in await chat.text(HOST, f"!undiscussed {a}")
    assert await note_of(chat, a) == "first time"


async def test_undiscussed_returns_the_topic_to_the_open_list_with_its_votes(chat):
    a = await suggest(chat, "apples")
    b = await suggest(chat, "bicycles")
    for voter in (ALICE, BOB):
        await chat.say(voter, f"!vote {a}")
    await start_session(chat)
    await chat.say(HOST, f"!discussed {a} by mistake")
    await chat.say(HOST, f"!discussed {b}")
    text = await chat.text(HOST, f"!undiscussed {a}")
    assert text == f"Returned #{a} “apples” to the open topics, with its 2 votes."
    assert await votes_shown(chat, a) == 2
    assert "already voted" in await chat.text(BOB, f"!vote {a}"), "bob's vote is still there"
    history = await chat.text(ALICE, "!history 3")
    assert "apples" not in history and "bicycles" in history
    row = await chat.store.fetchone("SELECT status, session, note, discussed_at FROM topics WHERE id = ?", (a,))
    assert tuple(row) == ("open", None, None, None)
    assert "Marked" in await chat.text(HOST, f"!discussed {a}"), "and can be marked again"


async def test_undiscussed_refuses_what_it_cannot_undo(chat):
    a = await suggest(chat, "apples")
    assert "for hosts only" in await chat.text(ALICE, f"!undiscussed {a}")
    assert "No session is running" in await chat.text(HOST, f"!undiscussed {a}")
    await start_session(chat)
    assert f"#{a} “apples” is not marked discussed" in await chat.text(HOST, f"!undiscussed {a}")
    imported = await history_number(chat, SEED_TOPICS[0])
    assert "before the bot kept records" in await chat.text(HOST, f"!undiscussed {imported}"), "an imported topic"
    assert "There is no topic #99" in await chat.text(HOST, "!undiscussed 99")
    assert "Usage: !undiscussed N" in await chat.text(HOST, "!undiscussed apples")
    await chat.say(ALICE, f"!withdraw {a}")
    assert "was withdrawn" in await chat.text(HOST, f"!undiscussed {a}")
    assert (await chat.store.fetchval("SELECT status FROM topics WHERE id = ?", (a,))) == "withdrawn"


async def test_a_volunteer_for_another_session_cannot_mark_topics_of_the_running_one(make_chat, make_config):
    """Two slots an hour apart, so their start windows overlap: @mallory volunteered for
    the later one, and while the earlier one runs she may not mark or unmark its topics."""

    chat = await make_chat(make_config(conference={"slots": ["Thursday 08:00", "Thursday 09:00"]}))
    mallory = "@mallory:example.org"
    a = await suggest(chat, "Pricing retainer contracts")
    b = await suggest(chat, "Onboarding new members")
    await chat.say(BOB, "!host 2026-11-26 08:00")
    await chat.say(mallory, "!host 2026-11-26 09:00")
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 0, tzinfo=dt.UTC))
    assert "has started" in await chat.text(BOB, "!start")
    assert "Marked" in await chat.text(BOB, f"!discussed {a}")
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 40, tzinfo=dt.UTC))  # the 09:00 window is open
    refused = await chat.text(mallory, f"!discussed {b} sneaky")
    assert "Marked" not in refused and "Thursday 26 November, 08:00 UTC" in refused
    assert "Returned" not in await chat.text(mallory, f"!undiscussed {a}")
    statuses = dict(await chat.store.fetchall("SELECT id, status FROM topics WHERE id IN (?, ?)", (a, b)))
    assert statuses == {a: "discussed", b: "open"}
    # The session's own host, a configured host and an organiser still can.
    assert "Marked" in await chat.text(HOST, f"!discussed {b}")
    assert "Returned" in await chat.text(ORGANISER, f"!undiscussed {b}")
    assert "Returned" in await chat.text(BOB, f"!undiscussed {a}")


# --- several topics ---------------------------------------------------------------------------


async def test_discussed_several_topics_as_people_list_them(make_chat, make_config):
    chat = await make_chat(make_config(topics={"suggestions_per_hour": 0}))
    await start_session(chat)
    pairs = [("apples", "bicycles"), ("chickens", "dolphins"), ("elephants", "ferries"), ("giraffes", "harbours")]
    pairs.append(("islands", "jugglers"))
    typings = [("{} {}", None), ("{}, {}", None), ("#{} #{}", None), ("{} + {} merged", "merged")]
    typings.append(("{} & {} and we agreed", "and we agreed"))
    for (first, second), (typed, note) in zip(pairs, typings, strict=True):
        a, b = await suggest(chat, first), await suggest(chat, second)
        text = await chat.text(HOST, f"!discussed {typed.format(a, b)}")
        marked = f"Marked #{a} “{first}” and #{b} “{second}” discussed in the session of {SESSION_NAME}"
        assert text.startswith(marked), text
        assert await note_of(chat, a) == await note_of(chat, b) == note
        assert (f"Note: {note}" in text) if note else "Note" not in text
    assert "No open topics" in await chat.text(ALICE, "!topics")


async def test_discussed_merged_into_one_marks_all_with_the_note(chat):
    a, b, c = [await suggest(chat, word) for word in ("apples", "bicycles", "chickens")]
    await start_session(chat)
    text = await chat.text(HOST, f"!discussed {a} & {b} and {c} merged into one")
    assert text == (
        f"Marked #{a} “apples”, #{b} “bicycles” and #{c} “chickens” discussed in the session of {SESSION_NAME}. "
        "Note: merged into one\n"
        f"💬 alice: your topics #{a}, #{b} and #{c} were discussed."
    )
    history = await chat.text(ALICE, "!history 3")
    assert history.count("note: merged into one") == 3


async def test_discussed_list_says_which_were_marked_and_why_each_other_was_not(chat):
    a, b, c, d = [await suggest(chat, word) for word in ("apples", "bicycles", "chickens", "dolphins")]
    await chat.say(ALICE, f"!withdraw {c}")
    await start_session(chat)
    await chat.say(HOST, f"!discussed {d}")
    imported = await history_number(chat, SEED_TOPICS[0])
    [reply] = await chat.say(HOST, f"!discussed {a}, {b}, 99, {c}, {imported}, {d} done")
    assert reply.text.splitlines() == [
        f"Marked #{a} “apples” and #{b} “bicycles” discussed in the session of {SESSION_NAME}.",
        f"Added a note to #{d} “dolphins”.",
        "Note: done",
        "Not marked #99: there is no such topic (see !topics).",
        f"Not marked #{c} “chickens”: withdrawn.",
        f"Not marked #{imported} “{SEED_TOPICS[0]}”: already discussed (before the bot kept records).",
        f"💬 alice: your topics #{a} and #{b} were discussed.",
    ]
    assert await note_of(chat, d) == "done"


async def test_each_suggester_of_a_list_is_mentioned_once(chat):
    a, b = await suggest(chat, "apples", who=BOB), await suggest(chat, "bicycles", who=BOB)
    c = await suggest(chat, "chickens", who=ALICE)
    d = await suggest(chat, "dolphins", who=HOST)
    await start_session(chat)
    [reply] = await chat.say(HOST, f"!discussed {a} {b} {c} {d}")
    assert reply.mentions == (BOB, ALICE)
    assert reply.text.splitlines()[1:] == [
        f"💬 bob: your topics #{a} and #{b} were discussed.",
        f"💬 alice: your topic #{c} was discussed.",
    ]
    [again] = await chat.say(HOST, f"!discussed {a} {b} a note")
    assert again.mentions == (), "only the first time"


async def test_undiscussed_several_topics_at_once(chat):
    a, b, c = [await suggest(chat, word) for word in ("apples", "bicycles", "chickens")]
    await chat.say(BOB, f"!vote {a}")
    await start_session(chat)
    await chat.say(HOST, f"!discussed {a} {b} by mistake")
    text = await chat.text(HOST, f"!undiscussed {a}, {b}, {c}")
    assert text.splitlines() == [
        f"Returned #{a} “apples” (1 vote) and #{b} “bicycles” (0 votes) to the open topics.",
        f"Not returned #{c} “chickens”: not marked discussed, it is on the list.",
    ]
    assert await votes_shown(chat, a) == 1 and await votes_shown(chat, b) == 0


# --- in the host's language --------------------------------------------------------------------


async def test_marking_and_returning_topics_reads_in_spanish_and_portuguese(chat):
    a = await suggest(chat, "apples", who=BOB)
    b = await suggest(chat, "pears", who=BOB)
    await chat.text(HOST, "!lang es")
    assert await chat.text(HOST, f"!discussed {a}") == (
        "No hay ninguna sesión en curso. Inicia una con !start y luego marca los temas tratados."
    )
    await start_session(chat)
    session = "jueves, 26 de noviembre, 08:00 UTC"
    assert (await chat.text(HOST, f"!discussed {a} reparto por horas")).splitlines() == [
        f"Marqué #{a} “apples” como tratado en la sesión del {session}. Nota: reparto por horas",
        "💬 bob: your topic was discussed.",
    ]
    assert (await chat.text(HOST, f"!discussed {a}")).splitlines() == [
        f"#{a} “apples” ya está marcado como tratado en la sesión del {session}. Nota: reparto por horas",
        f"Cambia la nota con !discussed {a} note, quítala con !discussed {a} - o deshazlo con !undiscussed {a}.",
    ]
    assert await chat.text(HOST, f"!undiscussed {a}") == f"Devolví #{a} “apples” a los temas abiertos, con 0 votos."
    await chat.text(HOST, "!lang pt-BR")
    assert (await chat.text(HOST, f"!discussed {a} {b} 99")).splitlines() == [
        f"Marquei #{a} “apples” e #{b} “pears” como discutidos na sessão de quinta-feira, 26 de novembro, 08:00 UTC.",
        "Não marquei #99: esse tema não existe (veja !topics).",
        f"💬 bob: your topics #{a} and #{b} were discussed.",
    ]
    assert (await chat.text(HOST, f"!undiscussed {a} {b} 99")).splitlines() == [
        f"Devolvi #{a} “apples” (0 votos) e #{b} “pears” (0 votos) aos temas abertos.",
        "Não devolvi #99: esse tema não existe (veja !topics).",
    ]


async def test_the_suggester_hears_of_their_topic_in_the_rooms_language_not_the_hosts(make_chat, make_config):
    chat = await make_chat(make_config(conference={"language": "pt-BR"}))
    await chat.text(BOB, "!lang en")
    a = await suggest(chat, "apples", who=BOB)
    b = await suggest(chat, "pears", who=BOB)
    await chat.text(HOST, "!lang es")
    await start_session(chat)
    [reply] = await chat.say(HOST, f"!discussed {a}", thread_root="$session-thread")
    first, *_, last = reply.text.splitlines()
    assert first.startswith(f"Marqué #{a} “apples” como tratado"), "the host's language"
    assert last == "💬 bob: seu tema foi discutido.", "the room's language"
    assert reply.mentions == (BOB,)
    [reply] = await chat.say(HOST, f"!discussed {b} 99")
    assert reply.text.splitlines()[-1] == f"💬 bob: seu tema #{b} foi discutido."
