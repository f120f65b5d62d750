"""commands/topics.py through the real dispatcher and a real SQLite file."""

from __future__ import annotations

import asyncio
import datetime as dt
import re

from bot.core.clock import iso
from bot.core.model import Anchor, IncomingMessage, IncomingReaction
from bot.core.reactions import record_anchor
from bot.features.privacy import registry as privacy
from tests.conftest import ALICE, BOB, HOST, ORGANISER, ROOM, SEED_TOPICS, history_number

SESSION = "2026-11-26 08:00"


async def suggest(chat, text: str, who: str = ALICE) -> int:
    """Suggest a topic and return its number, from the bot's answer."""
    reply = await chat.text(who, f"!suggest {text}")
    m = re.search(r"Added #(\d+)", reply)
    assert m, reply
    return int(m.group(1))


async def votes_shown(chat, topic: int) -> int:
    m = re.search(rf"#{topic} .*? — (\d+) votes?", await chat.text(ALICE, "!topics"))
    assert m
    return int(m.group(1))


async def start_session(chat, key: str = SESSION) -> None:
    now = iso(chat.clock.now())
    await chat.store.execute(
        "INSERT INTO sessions (key, starts_at, started_by, started_at) VALUES (?, ?, ?, ?)", (key, now, HOST, now)
    )


# --- !suggest ----------------------------------------------------------------------------------


async def test_suggest_answers_with_number_and_how_to_vote(chat):
    [reply] = await chat.say(ALICE, "!suggest   How do we pay ourselves fairly?  ")
    m = re.fullmatch(r"Added #(\d+) “How do we pay ourselves fairly\?”.*", reply.text, re.DOTALL)
    assert m, reply.text
    number = int(m.group(1))
    assert number == len(SEED_TOPICS) + 1, "numbered after the seed history"
    assert f"!vote {number}" in reply.text and "👍" in reply.text
    assert reply.anchor == Anchor("topic", str(number)), "the confirmation can be voted on with 👍"
    assert f"#{number} “How do we pay ourselves fairly?”" in await chat.text(BOB, "!topics")
    assert f"#{number + 1} " in await chat.text(BOB, "!suggest Onboarding new members"), "the next number"


async def test_suggest_points_out_near_duplicates_instead_of_adding(chat):
    first = await suggest(chat, "decision-making in small teams")
    [reply] = await chat.say(BOB, "!suggest Decision making in small teams!")
    assert f"#{first}" in reply.text and "looks the same" in reply.text and f"!vote {first}" in reply.text
    assert reply.anchor == Anchor("topic", str(first))
    text = await chat.text(BOB, "!suggest decision making")
    seeded = await history_number(chat, "Decision-making.")
    assert f"#{seeded} “Decision-making.”" in text and "already discussed" in text, "seed history counts too"
    assert (await chat.text(ALICE, "!topics")).count("#") == 1, "nothing was added"


async def test_a_held_back_suggestion_is_added_when_sent_again_within_10_minutes(chat):
    first = await suggest(chat, "Co-op legal structures in the UK")
    [reply] = await chat.say(BOB, "!suggest Legal structures for co-ops in the UK!")
    assert f"#{first}" in reply.text and "looks the same" in reply.text
    assert "send the same !suggest again within 10 minutes" in reply.text, "says how to insist"
    assert "!suggest" in reply.html and "<code>" in reply.html
    chat.clock.advance(minutes=9)
    assert "looks the same" in await chat.text(ALICE, "!suggest Legal structures for co-ops in the UK!"), (
        "someone else's attempt does not count"
    )
    added = await suggest(chat, "legal structures for co-ops in the UK", who=BOB)  # the same words
    assert added != first
    text = await chat.text(ALICE, "!topics")
    assert f"#{first} " in text and f"#{added} “legal structures for co-ops in the UK”" in text


async def test_insisting_after_10_minutes_holds_back_again(chat):
    await suggest(chat, "Hiring our first developer")
    assert "looks the same" in await chat.text(BOB, "!suggest Hiring our first developers")
    chat.clock.advance(minutes=10, seconds=1)
    assert "looks the same" in await chat.text(BOB, "!suggest Hiring our first developers"), "too late"
    chat.clock.advance(minutes=3)
    await suggest(chat, "Hiring our first developers", who=BOB)


async def test_insisting_also_adds_a_topic_like_one_discussed_before(chat):
    text = await chat.text(BOB, "!suggest Making decisions")
    seeded = await history_number(chat, "Decision-making.")
    assert f"#{seeded} “Decision-making.”" in text and "already discussed" in text and "within 10 minutes" in text
    number = await suggest(chat, "Making decisions", who=BOB)
    assert f"#{number} “Making decisions”" in await chat.text(ALICE, "!topics")


async def test_the_same_words_again_are_never_added_twice(chat):
    first = await suggest(chat, "Pricing retainer contracts")
    for _ in range(2):
        text = await chat.text(BOB, "!suggest pricing retainer-contracts?")
        assert f"#{first}" in text and "looks the same" in text
        assert "within 10 minutes" not in text, "insisting cannot add the very same words"
    assert (await chat.text(ALICE, "!topics")).count("“") == 1


async def test_a_held_back_suggestion_is_in_mydata_and_forgetme_erases_it(chat):
    await suggest(chat, "Remote work across time zones")
    await chat.say(BOB, "!suggest Time zones and remote work")
    doc = await privacy.collect(chat.store, BOB)
    assert [h["text"] for h in doc["held_suggestions"]] == ["Time zones and remote work"]
    assert not privacy.is_empty(doc)
    await privacy.request_erasure(chat.store, BOB, chat.clock.now())
    await privacy.erase(chat.store, BOB, chat.clock.now())
    assert privacy.is_empty(await privacy.collect(chat.store, BOB))
    assert await chat.store.fetchval("SELECT COUNT(*) FROM held_suggestions") == 0
    assert "looks the same" in await chat.text(BOB, "!suggest Time zones and remote work"), (
        "after erasure the first attempt is held back again"
    )


async def test_over_long_suggestion_names_the_limit(make_chat, make_config):
    chat = await make_chat(make_config(topics={"max_length": 40}))
    text = await chat.text(ALICE, "!suggest " + "a" * 41)
    assert "41 characters" in text and "limit is 40" in text
    assert "No open topics" in await chat.text(ALICE, "!topics")
    await suggest(chat, "b" * 40)


async def test_rate_limit_says_when_to_suggest_again(make_chat, make_config):
    chat = await make_chat(make_config(topics={"suggestions_per_hour": 2}))
    await suggest(chat, "bicycles for everyone")
    chat.clock.advance(minutes=20)
    await suggest(chat, "chickens in the office")
    chat.clock.advance(minutes=10)
    text = await chat.text(ALICE, "!suggest dolphins as members")
    assert "2 topics in the last hour" in text and "again at 13:00 UTC (in 30 minutes)" in text
    await suggest(chat, "dolphins as members", who=BOB)
    chat.clock.advance(minutes=30)
    await suggest(chat, "elephants never forget")


async def test_user_text_is_escaped_and_pings_no_one(chat):
    number = await suggest(chat, "<b>@room</b> & <a href='x'>")
    for reply in await chat.say(ALICE, "!topics") + await chat.say(ALICE, f"!vote {number}"):
        assert "<b>" not in reply.html and "&lt;b&gt;@room&lt;/b&gt;" in reply.html
        assert reply.mentions == ()


async def test_topics_shows_the_display_name_given_at_suggestion_time(chat):
    message = IncomingMessage(ALICE, ROOM, "$s1", "!suggest Worker ownership", chat.clock.now(), sender_name="Alice A.")
    await chat.dispatcher.handle(message)
    await suggest(chat, "Shared tooling", who=BOB)
    text = await chat.text(ALICE, "!topics")
    assert "by Alice A." in text and "by bob" in text, "without a display name, the user id's localpart"


# --- !topics -------------------------------------------------------------------------------------


async def test_topics_ranked_by_votes_ties_oldest_first(chat):
    a = await suggest(chat, "apples")
    chat.clock.advance(minutes=1)
    b = await suggest(chat, "bicycles")
    chat.clock.advance(minutes=1)
    c = await suggest(chat, "chickens")
    await chat.say(BOB, f"!vote {c}")
    lines = (await chat.text(ALICE, "!topics")).splitlines()
    order = [int(re.match(r"#(\d+)", line).group(1)) for line in lines if line.startswith("#")]
    assert order == [c, a, b]
    assert "1 vote" in lines[1] and "0 votes" in lines[2]


async def test_long_topic_lists_are_cut_with_a_count_of_the_rest(make_chat, make_config):
    # One person suggests 20 topics at once: no limit on suggestions, nor on commands.
    chat = await make_chat(make_config(topics={"suggestions_per_hour": 0}, limits={"commands_per_minute": 0}))
    words = [
        "apples",
        "bicycles",
        "chickens",
        "dolphins",
        "elephants",
        "ferries",
        "giraffes",
        "harbours",
        "islands",
        "jugglers",
        "kettles",
        "lanterns",
        "mountains",
        "nutmeg",
        "oysters",
        "pianos",
        "quilts",
        "rivers",
        "saxophones",
        "tulips",
    ]
    for word in words:
        await suggest(chat, f"all about {word}")
    text = await chat.text(ALICE, "!topics")
    assert len([line for line in text.splitlines() if line.startswith("#")]) == 15
    assert "and 5 more open topics" in text


# --- votes -------------------------------------------------------------------------------------


async def test_voting_twice_unknown_withdrawn_and_discussed_are_refused_clearly(chat):
    a = await suggest(chat, "apples")
    b = await suggest(chat, "bicycles")
    assert "1 vote now" in await chat.text(BOB, f"!vote {a}")
    assert "already voted" in await chat.text(BOB, f"!vote #{a}")
    assert "no topic #99" in await chat.text(BOB, "!vote 99")
    imported = await history_number(chat, SEED_TOPICS[0])
    assert "was already discussed" in await chat.text(BOB, f"!vote {imported}"), "an imported topic"
    await chat.say(ALICE, f"!withdraw {b}")
    assert "was withdrawn" in await chat.text(BOB, f"!vote {b}")
    await start_session(chat)
    await chat.say(HOST, f"!discussed {a}")
    assert f"already discussed (session {SESSION} UTC)" in await chat.text(ALICE, f"!vote {a}")
    assert "Usage: !vote N" in await chat.text(BOB, "!vote apples")


async def test_unvote_takes_the_vote_back(chat):
    a = await suggest(chat, "apples")
    await chat.say(BOB, f"!vote {a}")
    assert await votes_shown(chat, a) == 1
    assert "0 votes now" in await chat.text(BOB, f"!unvote {a}")
    assert "haven't voted" in await chat.text(BOB, f"!unvote {a}")
    assert await votes_shown(chat, a) == 0


async def test_dot_voting_says_how_many_votes_are_left(make_chat, make_config):
    chat = await make_chat(make_config(topics={"votes_per_person": 2}))
    a, b, c = [await suggest(chat, word) for word in ("apples", "bicycles", "chickens")]
    assert "1 of 2 votes left" in await chat.text(BOB, f"!vote {a}")
    assert "0 of 2 votes left" in await chat.text(BOB, f"!vote {b}")
    text = await chat.text(BOB, f"!vote {c}")
    assert "used all 2 of your votes" in text and f"#{a}, #{b}" in text and "!unvote" in text
    assert "1 of 2 votes left" in await chat.text(BOB, f"!unvote {a}")
    assert "0 of 2 votes left" in await chat.text(BOB, f"!vote {c}")
    assert "0 of 2 votes left" in await chat.text(BOB, "!topics")


async def test_200_users_voting_at_once_are_all_counted(chat):
    topic = await suggest(chat, "what the many want")
    voters = [f"@voter{i}:example.org" for i in range(200)]
    answers = await asyncio.gather(*(chat.say(voter, f"!vote {topic}") for voter in voters))
    assert all("Voted for" in reply.text for [reply] in answers)
    assert await chat.store.fetchval("SELECT COUNT(*) FROM votes WHERE topic_id = ?", (topic,)) == 200
    assert await votes_shown(chat, topic) == 200


# --- 👍 reactions -----------------------------------------------------------------------------------


def reaction(chat, event_id: str, target: str, sender: str = BOB, added: bool = True) -> IncomingReaction:
    return IncomingReaction(sender, ROOM, event_id, target, "👍", chat.clock.now(), added)


async def test_thumbs_up_on_the_confirmation_votes_and_redacting_it_unvotes(chat):
    [confirmation] = await chat.say(ALICE, "!suggest apples")
    topic = int(confirmation.anchor.ref)
    # What the Matrix adapter does once the confirmation has its event id:
    await record_anchor(chat.store, "$confirmation", ROOM, confirmation.anchor)

    assert await chat.dispatcher.handle_reaction(reaction(chat, "$thumb", "$confirmation")) == []
    assert await votes_shown(chat, topic) == 1
    assert "already voted" in await chat.text(BOB, f"!vote {topic}"), "the 👍 counts as !vote"
    assert await chat.dispatcher.handle_reaction(reaction(chat, "$thumb", "$confirmation", added=False)) == []
    assert await votes_shown(chat, topic) == 0


async def test_thumbs_up_on_a_withdrawn_topic_is_explained(chat):
    [confirmation] = await chat.say(ALICE, "!suggest apples")
    await record_anchor(chat.store, "$confirmation", ROOM, confirmation.anchor)
    await chat.say(ALICE, f"!withdraw {confirmation.anchor.ref}")
    [reply] = await chat.dispatcher.handle_reaction(reaction(chat, "$thumb", "$confirmation"))
    assert "was withdrawn" in reply.text


async def test_thumbs_up_within_a_spent_budget_is_refused(make_chat, make_config):
    chat = await make_chat(make_config(topics={"votes_per_person": 1}))
    await chat.say(BOB, f"!vote {await suggest(chat, 'apples')}")
    [confirmation] = await chat.say(ALICE, "!suggest bicycles")
    await record_anchor(chat.store, "$confirmation", ROOM, confirmation.anchor)
    [reply] = await chat.dispatcher.handle_reaction(reaction(chat, "$thumb", "$confirmation"))
    assert "used all 1 of your votes" in reply.text
    assert await votes_shown(chat, int(confirmation.anchor.ref)) == 0


# --- !withdraw ------------------------------------------------------------------------------------


async def test_withdraw_by_suggester_or_organiser_only(chat):
    a = await suggest(chat, "apples")
    b = await suggest(chat, "bicycles")
    c = await suggest(chat, "chickens")
    assert "Only whoever suggested" in await chat.text(BOB, f"!withdraw {a}")
    assert "Only whoever suggested" in await chat.text(HOST, f"!withdraw {a}"), "hosts are not organisers"
    assert "Withdrew" in await chat.text(ALICE, f"!withdraw {a}")
    assert "Withdrew" in await chat.text(ORGANISER, f"!withdraw {b}")
    chat.power_levels[BOB] = 50  # an organiser by power level in the room
    assert "Withdrew" in await chat.text(BOB, f"!withdraw {c}")
    text = await chat.text(ALICE, "!topics")
    assert "No open topics" in text
    assert "was withdrawn" in await chat.text(ALICE, f"!withdraw {a}")


# --- !discussed and !history ------------------------------------------------------------------------


async def test_discussed_is_for_hosts_during_a_running_session(chat):
    a = await suggest(chat, "apples")
    assert "for hosts only" in await chat.text(ALICE, f"!discussed {a}")
    assert "No session is running" in await chat.text(HOST, f"!discussed {a}")
    await start_session(chat)
    text = await chat.text(HOST, f"!discussed {a} we agreed to  <share> notes")
    assert f"discussed in session {SESSION}" in text and "we agreed to <share> notes" in text
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


async def note_of(chat, topic: int) -> str | None:
    return await chat.store.fetchval("SELECT note FROM topics WHERE id = ?", (topic,))


async def test_discussed_again_in_the_same_session_replaces_the_note(chat):
    a = await suggest(chat, "apples")
    await start_session(chat)
    marked_at = iso(chat.clock.now())
    await chat.say(HOST, f"!discussed {a} keep them warm")
    chat.clock.advance(minutes=5)
    text = await chat.text(HOST, f"!discussed {a} keep them cool")
    assert text == f"Replaced the note on #{a} “apples” (session {SESSION} UTC). Note: keep them cool"
    assert await note_of(chat, a) == "keep them cool"
    history = await chat.text(ALICE, "!history 1")
    assert "keep them cool" in history and "warm" not in history
    assert await chat.store.fetchval("SELECT discussed_at FROM topics WHERE id = ?", (a,)) == marked_at, (
        "still discussed when it was first marked"
    )

    # Repeating the command to be sure keeps the note; `-` removes it.
    text = await chat.text(HOST, f"!discussed {a}")
    assert f"already marked discussed in session {SESSION}" in text and "keep them cool" in text
    assert await note_of(chat, a) == "keep them cool"
    text = await chat.text(HOST, f"!discussed {a} -")
    assert text.startswith(f"Removed the note on #{a} “apples” (session {SESSION} UTC)")
    assert await note_of(chat, a) is None
    text = await chat.text(HOST, f"!discussed {a}")
    assert f"already marked discussed in session {SESSION}" in text and "!undiscussed" in text
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
    assert f"already discussed (session {SESSION} UTC)" in text
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


async def test_history_shows_discussed_with_session_and_note_then_imported(make_chat, make_config, tmp_path):
    seed = tmp_path / "twelve-topics.yaml"
    seed.write_text("topics:\n" + "".join(f'  - text: "Earlier topic {n}"\n' for n in range(1, 13)), encoding="utf-8")
    chat = await make_chat(make_config(topics={"seed_file": str(seed)}))
    a = await suggest(chat, "apples")
    b = await suggest(chat, "bicycles")
    await start_session(chat)
    await chat.say(HOST, f"!discussed {a} keep them cool")
    chat.clock.advance(minutes=20)
    await chat.say(HOST, f"!discussed {b}")
    lines = (await chat.text(ALICE, "!history")).splitlines()[1:]
    assert len(lines) == 10, "ten by default"
    assert lines[0].startswith(f"#{b} “bicycles” — session {SESSION}")
    assert lines[1] == f"#{a} “apples” — session {SESSION} UTC — note: keep them cool"
    assert all("imported" in line for line in lines[2:])
    assert "“Earlier topic 12” — discussed earlier (imported)" in lines[2], "the last line of the seed first"
    assert len((await chat.text(ALICE, "!history 30")).splitlines()[1:]) == 14, "12 imported + 2 discussed"
    assert "Usage: !history [N]" in await chat.text(ALICE, "!history 0")


async def test_imported_history_counts_as_discussed(chat):
    text = await chat.text(ALICE, "!history 1")
    pattern = rf"#(\d+) “{re.escape(SEED_TOPICS[-1])}” — discussed earlier \(imported\)"
    newest = re.fullmatch(pattern, text.splitlines()[1])
    assert newest, text
    number = newest.group(1)
    assert "was already discussed (before the bot kept records)" in await chat.text(BOB, f"!vote {number}")
    await start_session(chat)
    assert "before the bot kept records" in await chat.text(HOST, f"!discussed {number} again")


async def test_seed_topics_are_history_from_the_start(chat):
    text = await chat.text(ALICE, "!history 50")
    assert len(text.splitlines()[1:]) == len(SEED_TOPICS)
    assert all(f"“{topic}” — discussed earlier (imported)" in text for topic in SEED_TOPICS)


async def test_a_volunteer_for_another_session_cannot_mark_topics_of_the_running_one(make_chat, make_config):
    """Two slots an hour apart, so their start windows overlap: @mallory volunteered for
    the later one, and while the earlier one runs she may not mark or unmark its topics."""
    import datetime as dt

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
    assert "Marked" not in refused and "2026-11-26 08:00" in refused
    assert "Returned" not in await chat.text(mallory, f"!undiscussed {a}")
    statuses = dict(await chat.store.fetchall("SELECT id, status FROM topics WHERE id IN (?, ?)", (a, b)))
    assert statuses == {a: "discussed", b: "open"}
    # The session's own host, a configured host and an organiser still can.
    assert "Marked" in await chat.text(HOST, f"!discussed {b}")
    assert "Returned" in await chat.text(ORGANISER, f"!undiscussed {b}")
    assert "Returned" in await chat.text(BOB, f"!undiscussed {a}")


async def test_forgetme_does_not_reset_the_hourly_suggestion_limit(make_chat, make_config):
    chat = await make_chat(make_config(topics={"suggestions_per_hour": 5}))
    words = ["bicycles", "chickens", "dolphins", "elephants", "ferrets", "giraffes", "hamsters", "iguanas"]
    for animal in words[:5]:
        await suggest(chat, f"{animal} as members")
    await chat.text(ALICE, "!forgetme")
    assert (await chat.text(ALICE, "!forgetme confirm")).startswith("Done.")
    text = await chat.text(ALICE, f"!suggest {words[5]} as members")
    assert "5 topics in the last hour" in text and "again at 13:00 UTC" in text
    # Nothing links the forgotten person to their topics; what the limit keeps is gone
    # once the hour is over.
    assert await chat.store.fetchval("SELECT COUNT(*) FROM topics WHERE suggested_by = ?", (ALICE,)) == 0
    chat.clock.advance(minutes=61)
    await suggest(chat, f"{words[6]} as members")
    assert (
        await chat.store.fetchval(
            "SELECT COUNT(*) FROM rate_marks WHERE at <= ?", (iso(chat.clock.now() - dt.timedelta(hours=1)),)
        )
        == 0
    )


async def test_one_more_open_topic_reads_right(make_chat, make_config):
    chat = await make_chat(make_config(topics={"suggestions_per_hour": 0}))
    for i in range(16):
        await suggest(chat, f"topic number {i} of sixteen different ones {i * 7919}")
    assert "… and 1 more open topic." in await chat.text(ALICE, "!topics")


async def test_the_hourly_limit_says_when_in_words(make_chat, make_config):
    chat = await make_chat(make_config(topics={"suggestions_per_hour": 1}))
    await suggest(chat, "bicycles for everyone")
    text = await chat.text(ALICE, "!suggest chickens in the office")
    assert "again at 13:00 UTC (in 1 hour)" in text and "1 topic in the last hour" in text, text
