"""commands/topics.py through the real dispatcher and a real SQLite file."""

from __future__ import annotations

import asyncio
import datetime as dt
import re

from bot.core.clock import iso
from bot.core.model import Anchor, IncomingMessage, IncomingReaction
from bot.core.reactions import record_anchor
from bot.features.privacy import registry as privacy
from tests.commands.helpers import SESSION_NAME, start_session, suggest, votes_shown
from tests.conftest import ALICE, BOB, HOST, ORGANISER, ROOM, SEED_TOPICS, history_number

# --- !suggest ----------------------------------------------------------------------------------


async def test_suggest_answers_with_number_and_how_to_vote(chat):
    [reply] = await chat.say(ALICE, "!suggest   How do we pay ourselves fairly?  ")
    m = re.fullmatch(r"Added #(\d+) “How do we pay ourselves fairly\?”.*", reply.text, re.DOTALL)
    assert m, reply.text
    number = int(m.group(1))
    assert number == len(SEED_TOPICS) + 1, "numbered after the seed history"
    assert f"!vote {number}" in reply.text and "👍" in reply.text
    assert reply.anchor == Anchor("topic", str(number)), "the confirmation can be voted on with 👍"
    assert f"#{number} How do we pay ourselves fairly? · 0 votes" in await chat.text(BOB, "!topics")
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
    assert f"#{first} " in text and f"#{added} legal structures for co-ops in the UK · 0 votes" in text


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
    assert f"#{number} Making decisions · 0 votes" in await chat.text(ALICE, "!topics")


async def test_the_same_words_again_are_never_added_twice(chat):
    first = await suggest(chat, "Pricing retainer contracts")
    for _ in range(2):
        text = await chat.text(BOB, "!suggest pricing retainer-contracts?")
        assert f"#{first}" in text and "looks the same" in text
        assert "within 10 minutes" not in text, "insisting cannot add the very same words"
    assert (await chat.text(ALICE, "!topics")).count("\n• #") == 1


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


async def test_suggesting_only_a_number_asks_whether_a_vote_was_meant(chat):
    a = await suggest(chat, "Pricing retainer contracts")
    for typed in (f"{a}", f"#{a}", f" #{a}. "):
        [reply] = await chat.say(BOB, f"!suggest {typed}")
        assert reply.text == (
            f"Did you mean !vote {a}, for #{a} “Pricing retainer contracts”? "
            "A topic is suggested in words: !suggest TEXT. Nothing was added."
        )
        assert reply.anchor is None
    text = await chat.text(BOB, "!suggest 99")
    assert text == (
        "Did you mean !vote 99? There is no topic #99 (see !topics). "
        "A topic is suggested in words: !suggest TEXT. Nothing was added."
    )
    seeded = await history_number(chat, SEED_TOPICS[0])
    text = await chat.text(BOB, f"!suggest {seeded}")
    assert text.startswith(f"Did you mean !vote {seeded}? #{seeded} “{SEED_TOPICS[0]}” was already discussed")
    text = await chat.text(BOB, f"!suggest {a}, 99")
    assert text.startswith(f"Did you mean !vote {a} 99, for #{a} “Pricing retainer contracts”? There is no topic #99")
    listing = await chat.text(ALICE, "!topics")
    assert listing.count("\n• #") == 1 and "99" not in listing, "nothing was added"
    assert await chat.store.fetchval("SELECT COUNT(*) FROM held_suggestions") == 0


async def test_a_topic_that_starts_with_a_number_is_still_a_topic(chat):
    number = await suggest(chat, "3 ways to share surplus")
    assert f"#{number} 3 ways to share surplus · 0 votes" in await chat.text(ALICE, "!topics")
    assert "Added" in await chat.text(ALICE, "!suggest 2027 budget")


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


async def test_topics_read_as_topic_lines_with_votes_and_who_suggested(chat):
    a = await suggest(chat, "Co-op — legal <steps>")
    b = await suggest(chat, "Shared tooling", who=BOB)
    await chat.say(ALICE, f"!vote {a}")
    [reply] = await chat.say(ALICE, "!topics")
    lines = reply.text.splitlines()
    assert lines[1:3] == [
        f"• #{a} Co-op — legal <steps> · 1 vote · by alice · ✓ your vote",
        f"• #{b} Shared tooling · 0 votes · by bob",
    ]
    mine = f"<ul><li><strong>#{a}</strong> Co-op — legal &lt;steps&gt; · 1 vote · by alice · ✓ your vote</li>"
    assert mine in reply.html, "escaped, in list markup"


async def test_topics_ranked_by_votes_ties_oldest_first(chat):
    a = await suggest(chat, "apples")
    chat.clock.advance(minutes=1)
    b = await suggest(chat, "bicycles")
    chat.clock.advance(minutes=1)
    c = await suggest(chat, "chickens")
    await chat.say(BOB, f"!vote {c}")
    lines = (await chat.text(ALICE, "!topics")).splitlines()
    order = [int(re.match(r"• #(\d+)", line).group(1)) for line in lines if line.startswith("• #")]
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
    assert len([line for line in text.splitlines() if line.startswith("• #")]) == 15
    assert "and 5 more open topics" in text


# --- votes -------------------------------------------------------------------------------------


async def test_voting_twice_unknown_withdrawn_and_discussed_are_refused_clearly(chat):
    a = await suggest(chat, "apples")
    b = await suggest(chat, "bicycles")
    assert (await chat.text(BOB, f"!vote {a}")).startswith(f"Voted for #{a} “apples” (1 vote now)."), "as for several"
    assert "already voted" in await chat.text(BOB, f"!vote #{a}")
    assert "no topic #99" in await chat.text(BOB, "!vote 99")
    imported = await history_number(chat, SEED_TOPICS[0])
    assert "was already discussed" in await chat.text(BOB, f"!vote {imported}"), "an imported topic"
    await chat.say(ALICE, f"!withdraw {b}")
    assert "was withdrawn" in await chat.text(BOB, f"!vote {b}")
    await start_session(chat)
    await chat.say(HOST, f"!discussed {a}")
    assert f"already discussed (in the session of {SESSION_NAME})" in await chat.text(ALICE, f"!vote {a}")
    assert "Usage: !vote N" in await chat.text(BOB, "!vote apples")


async def test_a_vote_for_a_topic_of_the_past_says_which_topics_are_open(chat):
    """A newcomer's `!vote 1` meets the seed history: the answer says what there is to vote on."""
    first = f"#1 “{SEED_TOPICS[0]}” was already discussed (before the bot kept records), so it takes no votes."
    assert await chat.text(BOB, "!vote 1") == f"{first} No topic is open yet: suggest one with !suggest TEXT."
    a, b = await suggest(chat, "apples"), await suggest(chat, "bicycles")
    await chat.say(ALICE, f"!vote {b}")
    assert await chat.text(BOB, "!vote 1") == f"{first} Open topics: #{b} and #{a} (see them with !topics)."
    await chat.say(ALICE, f"!withdraw {a}")
    assert await chat.text(BOB, f"!vote {a}") == (
        f"#{a} “apples” was withdrawn, so it takes no votes. Open topics: #{b} (see them with !topics)."
    )
    # in a list where none counted, under the reasons
    assert (await chat.text(BOB, "!vote 1, 2")).splitlines() == [
        f"Not voted for #1 “{SEED_TOPICS[0]}” or #2 “{SEED_TOPICS[1]}”: "
        "already discussed (before the bot kept records).",
        f"Open topics: #{b} (see them with !topics).",
    ]
    assert "Open topics" not in await chat.text(BOB, f"!vote 1 {b}"), "one counted: the list is known"
    # the most voted first, five of them, and how many more
    more = [await suggest(chat, word, who=BOB) for word in ("chickens", "dolphins", "elephants", "figs")]
    more += [await suggest(chat, word, who=HOST) for word in ("grapes", "hats")]
    shown = ", ".join(f"#{n}" for n in [b, *more[:4]])
    assert await chat.text(BOB, "!vote 2") == (
        f"#2 “{SEED_TOPICS[1]}” was already discussed (before the bot kept records), so it takes no votes. "
        f"Open topics: {shown} and 2 more (see them with !topics)."
    )


async def test_unvote_takes_the_vote_back(chat):
    a = await suggest(chat, "apples")
    await chat.say(BOB, f"!vote {a}")
    assert await votes_shown(chat, a) == 1
    assert "0 votes now" in await chat.text(BOB, f"!unvote {a}")
    assert "haven't voted" in await chat.text(BOB, f"!unvote {a}")
    assert await votes_shown(chat, a) == 0


async def test_vote_for_several_topics_at_once_as_people_list_them(chat):
    a, b, c = [await suggest(chat, word) for word in ("apples", "bicycles", "chickens")]
    text = await chat.text(BOB, f"!vote {a} {b}")
    assert text == f"Voted for #{a} “apples” (1 vote now) and #{b} “bicycles” (1 vote now)."
    for voter, typed in ((ALICE, f"{a}, {b}"), (HOST, f"#{a} #{b}"), (ORGANISER, f"{a},{b} and {c}")):
        assert "Voted for" in await chat.text(voter, f"!vote {typed}")
    assert (await votes_shown(chat, a), await votes_shown(chat, b), await votes_shown(chat, c)) == (4, 4, 1)
    assert "Voted for" in await chat.text(BOB, f"!vote {c} & {c}.")
    assert await votes_shown(chat, c) == 2


async def test_a_list_says_which_votes_counted_and_why_each_other_did_not(chat):
    a, b, c, d = [await suggest(chat, word) for word in ("apples", "bicycles", "chickens", "dolphins")]
    await chat.say(BOB, f"!vote {a}")
    await chat.say(ALICE, f"!withdraw {c}")
    [reply] = await chat.say(BOB, f"!vote {a}, {b}, 99, {c} and {d} {b}")
    assert reply.text.splitlines() == [
        f"Voted for #{b} “bicycles” (1 vote now) and #{d} “dolphins” (1 vote now).",
        f"Not voted for #{a} “apples”: you have already voted (one vote per person per topic).",
        "Not voted for #99: there is no such topic (see !topics).",
        f"Not voted for #{c} “chickens”: withdrawn.",
    ]
    assert await votes_shown(chat, b) == 1, "a number repeated counts once"
    text = await chat.text(BOB, f"!vote {a} {b}")
    assert text.splitlines() == [
        f"Not voted for #{a} “apples” or #{b} “bicycles”: you have already voted (one vote per person per topic).",
    ]


async def test_unvote_several_topics_at_once(chat):
    a, b = [await suggest(chat, word) for word in ("apples", "bicycles")]
    await chat.say(BOB, f"!vote {a} {b}")
    text = await chat.text(BOB, f"!unvote {a} + {b} + 99")
    assert text.splitlines() == [
        f"Took back your votes for #{a} “apples” (0 votes now) and #{b} “bicycles” (0 votes now).",
        "Not taken back for #99: there is no such topic (see !topics).",
    ]
    assert f"haven't voted for #{a}" in await chat.text(BOB, f"!unvote {a}"), "one topic reads as before"


async def test_a_list_past_the_budget_says_which_votes_counted(make_chat, make_config):
    chat = await make_chat(make_config(topics={"votes_per_person": 2}))
    a, b, c, d = [await suggest(chat, word) for word in ("apples", "bicycles", "chickens", "dolphins")]
    text = await chat.text(BOB, f"!vote {a} {b} {c} {d}")
    assert text.splitlines() == [
        f"Voted for #{a} “apples” (1 vote now) and #{b} “bicycles” (1 vote now).",
        f"Not voted for #{c} “chickens” or #{d} “dolphins”: you have used all 2 of your votes (on #{a}, #{b}); "
        "take one back with !unvote N first.",
        "You have 0 of 2 votes left.",
    ]
    assert "1 of 2 votes left" in await chat.text(BOB, f"!unvote {a} {c}")


async def test_a_list_too_long_is_refused_whole(chat):
    a = await suggest(chat, "apples")
    text = await chat.text(BOB, "!vote " + " ".join(str(n) for n in range(a, a + 21)))
    assert "at most 20 numbers at once (you gave 21)" in text and "Usage: !vote N [N…]" in text
    assert await votes_shown(chat, a) == 0, "nothing was done"


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


async def test_withdraw_several_topics_at_once(chat):
    a, b = [await suggest(chat, word) for word in ("apples", "bicycles")]
    c = await suggest(chat, "chickens", who=BOB)
    text = await chat.text(ALICE, f"!withdraw {a}, {b}, {c}")
    assert text.splitlines() == [
        f"Withdrew #{a} “apples” and #{b} “bicycles”.",
        f"Not withdrawn #{c} “chickens”: suggested by someone else (only they or an organiser can withdraw it).",
    ]
    assert "Withdrew" in await chat.text(ORGANISER, f"!withdraw {c}")
    assert "No open topics" in await chat.text(ALICE, "!topics")


# --- !history ------------------------------------------------------------------------------------


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
    [reply] = await chat.say(ALICE, "!history")
    lines = reply.text.splitlines()
    # Each session named once above its topics; the imported ones under one heading.
    assert lines[:5] == [
        "Discussed topics (newest first)",
        SESSION_NAME,
        f"• #{b} bicycles",
        f"• #{a} apples · note: keep them cool",
        "Discussed before the bot kept records",
    ]
    assert lines[5].endswith(" Earlier topic 12"), "the last line of the seed first"
    assert len([line for line in lines if line.startswith("• #")]) == 10, "ten by default"
    assert f"<ul><li><strong>#{b}</strong> bicycles</li>" in reply.html
    listing = await chat.text(ALICE, "!history 30")
    assert len([line for line in listing.splitlines() if line.startswith("• #")]) == 14, "12 imported + 2 discussed"
    assert listing.count("before the bot kept records") == 1 and "imported" not in listing
    assert "Usage: !history [N]" in await chat.text(ALICE, "!history 0")


async def test_imported_history_counts_as_discussed(chat):
    text = await chat.text(ALICE, "!history 1")
    assert text.splitlines()[1] == "Discussed before the bot kept records"
    newest = re.fullmatch(rf"• #(\d+) {re.escape(SEED_TOPICS[-1])}", text.splitlines()[2])
    assert newest, text
    number = newest.group(1)
    assert "was already discussed (before the bot kept records)" in await chat.text(BOB, f"!vote {number}")
    await start_session(chat)
    assert "before the bot kept records" in await chat.text(HOST, f"!discussed {number} again")


async def test_seed_topics_are_history_from_the_start(chat):
    text = await chat.text(ALICE, "!history 50")
    assert len([line for line in text.splitlines() if line.startswith("• #")]) == len(SEED_TOPICS)
    assert all(f" {topic}\n" in text + "\n" for topic in SEED_TOPICS)
    assert text.count("before the bot kept records") == 1


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


# --- in the asker's language -------------------------------------------------------------------


async def test_suggest_vote_topics_and_history_read_in_brazilian_portuguese(make_chat, make_config):
    chat = await make_chat(make_config(topics={"votes_per_person": 3}))
    await chat.text(ALICE, "!lang pt-BR")
    await chat.text(BOB, "!lang pt-BR")
    [reply] = await chat.say(ALICE, "!suggest Como dividir a renda entre os sócios?")
    a = len(SEED_TOPICS) + 1
    assert reply.text == (
        f"Adicionei #{a} “Como dividir a renda entre os sócios?”. "
        f"Vote nele com !vote {a} ou reaja com 👍 a esta mensagem."
    )
    assert reply.anchor == Anchor("topic", str(a)), "a 👍 on it still votes"
    assert await chat.text(BOB, "!suggest como dividir a renda entre os socios") == (
        f"#{a} “Como dividir a renda entre os sócios?” parece ser o mesmo tema: "
        f"vote nele com !vote {a} (ou reaja com 👍)."
        " Se o seu for outro tema, mande o mesmo !suggest de novo em até 10 minutos que eu adiciono mesmo assim."
    )
    assert await chat.text(BOB, f"!vote {a}") == (
        f"Você votou em #{a} “Como dividir a renda entre os sócios?” (agora com 1 voto). Você ainda tem 2 de 3 votos."
    )
    b = await suggest(chat, "Onboarding", who=ORGANISER)
    assert (await chat.text(BOB, "!topics")).splitlines() == [
        "Temas abertos (os mais votados primeiro)",
        f"• #{a} Como dividir a renda entre os sócios? · 1 voto · de alice · ✓ seu voto",
        f"• #{b} Onboarding · 0 votos · de org",
        "Vote com !vote N, sugira temas com !suggest TEXT. Você ainda tem 2 de 3 votos.",
    ]
    await start_session(chat)
    await chat.say(HOST, f"!discussed {a} dividir por horas")
    assert (await chat.text(BOB, "!history 2")).splitlines()[:3] == [
        "Temas discutidos (os mais recentes primeiro)",
        "quinta-feira, 26 de novembro, 08:00 UTC",
        f"• #{a} Como dividir a renda entre os sócios? · nota: dividir por horas",
    ]
    assert await chat.text(BOB, f"!vote {a}") == (
        f"#{a} “Como dividir a renda entre os sócios?” já foi discutido (na sessão de quinta-feira, 26 de novembro, "
        f"08:00 UTC), então não recebe mais votos. Temas abertos: #{b} (veja com !topics)."
    )


async def test_suggest_vote_topics_and_history_read_in_spanish(chat):
    await chat.text(BOB, "!lang es")
    assert await chat.text(BOB, "!topics") == "Todavía no hay temas abiertos. Propón uno con !suggest TEXT."
    a = await suggest(chat, "apples")
    text = await chat.text(BOB, "!suggest ¿Cómo repartimos los excedentes?")
    b = a + 1
    assert text == (
        f"Añadí #{b} “¿Cómo repartimos los excedentes?”. Vota por él con !vote {b} o reacciona con 👍 a este mensaje."
    )
    await chat.text(ALICE, f"!vote {a}")
    assert (await chat.text(BOB, f"!vote {a} {b} 99")).splitlines() == [
        f"Votaste por #{a} “apples” (ahora tiene 2 votos) "
        f"y #{b} “¿Cómo repartimos los excedentes?” (ahora tiene 1 voto).",
        "Sin voto para #99: ese tema no existe (mira !topics).",
    ]
    assert (await chat.text(BOB, "!topics")).splitlines() == [
        "Temas abiertos (los más votados primero)",
        f"• #{a} apples · 2 votos · de alice · ✓ tu voto",
        f"• #{b} ¿Cómo repartimos los excedentes? · 1 voto · de bob · ✓ tu voto",
        "Vota con !vote N, propón temas con !suggest TEXT.",
    ]
    assert await chat.text(BOB, f"!unvote {a}") == f"Retiraste tu voto por #{a} “apples” (ahora tiene 1 voto)."
    assert await chat.text(BOB, f"!unvote {a}") == (f"No votaste por #{a} “apples”, así que no hay voto que quitar.")
    assert await chat.text(BOB, f"!withdraw {b}") == f"Retiré #{b} “¿Cómo repartimos los excedentes?”."
    assert await chat.text(BOB, "!history 0") == "!history: N tiene que estar entre 1 y 50.\nUso: !history [N]"
    assert (await chat.text(ALICE, f"!vote {b}")).startswith(
        f"#{b} “¿Cómo repartimos los excedentes?” was withdrawn, so it takes no votes."
    ), "Alice reads English"
