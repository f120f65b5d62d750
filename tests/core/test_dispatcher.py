import re

import pytest

from bot.core.dispatcher import split_command
from bot.core.model import Role
from bot.core.registry import CommandGroup, Registry
from tests.conftest import ALICE, BOB, HOST, ORGANISER


def test_split_command():
    assert split_command("!help", "!") == ("help", "")
    assert split_command("  !Vote 3 ", "!") == ("vote", "3 ")
    assert split_command("!suggest two\nlines", "!") == ("suggest", "two\nlines")
    # Without letters after the prefix it is chat (`!!!`, `!?`), and so is what does not
    # start with the prefix.
    for not_command in ("help", "!", "!!", "!!!", "!?", "!3", "! 42 !", "hello !help", ""):
        assert split_command(not_command, "!") is None, not_command
    assert split_command("ccc: next", "ccc: ") == ("next", "")


@pytest.mark.parametrize(
    ("body", "parsed"),
    [
        ("!here!", ("here", "")),
        ("!next?", ("next", "")),
        ("!topics.", ("topics", "")),
        ("!link…", ("link", "")),
        ("!help?", ("help", "")),
        ("! next", ("next", "")),
        ("!   link", ("link", "")),
        ("!!next", ("next", "")),
        ("!vote, 3", ("vote", "3")),
        ("!vote,3", ("vote", "3")),
        ("!suggest: Co-op bylaws", ("suggest", "Co-op bylaws")),
        ("!vote #3", ("vote", "#3")),
        ("!check-in", ("check-in", "")),
    ],
)
def test_a_command_name_followed_by_punctuation_or_after_a_space_is_that_command(body, parsed):
    assert split_command(body, "!") == parsed


def test_what_starts_with_the_prefix_and_has_letters_is_an_attempt_to_answer():
    # Not a command name, but something to answer (with a suggestion or a pointer to !help).
    assert split_command("!here's", "!") == ("here's", "")
    assert split_command("!¿qué? hola", "!") == ("¿qué?", "hola")
    assert split_command("! I can't come today", "!") == ("i", "can't come today")


async def test_help_lists_only_what_the_asker_may_use(chat):
    from commands import GROUPS

    organiser_only = [s.name for g in GROUPS for s in g.commands if s.role == Role.ORGANISER]
    host_only = [s.name for g in GROUPS for s in g.commands if s.role == Role.HOST]
    assert host_only and organiser_only
    participant_help = await chat.text(ALICE, "!help all")
    organiser_help = await chat.text(ORGANISER, "!help all")
    assert "!link" in participant_help and "!tz" in participant_help
    listed = set(re.findall(r"^!(\w+)", participant_help, re.M))
    assert "link" in listed
    for name in organiser_only + host_only:
        assert name not in listed, f"!{name} is listed for a participant"
        assert f"!{name}" in organiser_help
    assert len(organiser_help) >= len(participant_help)


async def test_participant_is_refused_an_organiser_command(chat):
    group = CommandGroup("secret")
    calls = []

    @group.command("wipe", role=Role.ORGANISER, help="organisers only")
    async def wipe(ctx):
        calls.append(ctx.sender)
        return ctx.reply("wiped")

    @group.command("begin", role=Role.HOST, help="hosts only")
    async def begin(ctx):
        return ctx.reply("begun")

    chat.services.registry = Registry([group])
    refusal = await chat.text(ALICE, "!wipe")
    assert "organisers only" in refusal and calls == []
    assert await chat.text(ORGANISER, "!wipe") == "wiped"
    assert "hosts only" in await chat.text(ALICE, "!begin")
    assert await chat.text(HOST, "!begin") == "begun"
    assert await chat.text(ORGANISER, "!begin") == "begun"
    # a power level at the configured threshold makes an organiser
    chat.power_levels[ALICE] = 50
    assert await chat.text(ALICE, "!wipe") == "wiped"
    assert calls == [ORGANISER, ALICE]


async def test_bad_arguments_give_error_and_usage_line(chat):
    text = await chat.text(ALICE, "!vote 1 extra")
    lines = text.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("!vote: unexpected")
    assert lines[1] == "Usage: !vote N [N…]"
    # !tz takes the rest of the line: a place name may have spaces
    lines = (await chat.text(ALICE, "!tz Not/AZone extra")).splitlines()
    assert len(lines) == 2 and lines[1] == "Usage: !tz [Area/City]"
    assert lines[0].startswith("!tz: 'Not/AZone extra' is not a time zone name")


async def test_unknown_command_suggests_near_miss(chat):
    text = await chat.text(ALICE, "!lnik")
    assert "Unknown command !lnik" in text and "Did you mean !link?" in text
    assert "Did you mean" not in await chat.text(ALICE, "!zzzzzz")
    assert "!help" in await chat.text(ALICE, "!zzzzzz")


async def test_non_commands_are_ignored(chat):
    assert await chat.say(ALICE, "hello everyone") == []
    for chatter in ("!", "!!!", "!?", "!!! 100 !!!"):
        assert await chat.say(ALICE, chatter) == [], chatter


@pytest.mark.parametrize("typed", ["!next?", "!topics.", "!link…", "!help?", "! next", "!link!", "!next,"])
async def test_a_command_with_punctuation_after_it_is_answered_as_the_command(chat, typed):
    plain = "!" + typed.strip("!?.…, ")
    assert await chat.text(ALICE, typed) == await chat.text(ALICE, plain)


async def test_here_with_an_exclamation_mark_checks_the_person_in(chat):
    import datetime as dt

    chat.clock.set(dt.datetime(2026, 11, 26, 8, 1, tzinfo=dt.UTC))
    await chat.say(HOST, "!start")
    answer = await chat.text(ALICE, "!here!")
    assert "checked in" in answer.lower(), answer
    assert "Unknown command" not in answer
    assert "already" in (await chat.text(ALICE, "!here")).lower()


async def test_arguments_after_the_punctuation_still_count(chat):
    topic = await chat.text(ALICE, "!suggest: Co-op bylaws")
    number = re.search(r"#(\d+)", topic).group(1)
    await chat.say(BOB, f"!vote, {number}")
    listed = await chat.text(BOB, "!topics")
    assert f"#{number} Co-op bylaws · 1 vote" in listed, listed


@pytest.mark.parametrize("typed", ["!here's", "!¿qué?", "! I can't come today", "!hére", "!" + "a" * 10_000])
async def test_anything_else_that_starts_with_the_prefix_gets_exactly_one_answer(chat, typed):
    [reply] = await chat.say(ALICE, typed)
    assert "!help" in reply.text and "\n" not in reply.text, reply.text


async def test_a_near_miss_with_punctuation_is_suggested(chat):
    [reply] = await chat.say(ALICE, "!here's")
    assert "Did you mean !here?" in reply.text


async def test_crashing_handler_gives_one_apology_not_a_crash(chat, caplog):
    group = CommandGroup("broken")

    @group.command("boom", help="raises")
    async def boom(ctx):
        raise ZeroDivisionError("secret detail")

    chat.services.registry = Registry([group])
    replies = await chat.say(ALICE, "!boom")
    assert len(replies) == 1
    assert "failed unexpectedly" in replies[0].text and "secret detail" not in replies[0].text
    assert "ZeroDivisionError" in caplog.text


HOSTILE = [
    "!tz " + "x" * 10_000,
    "!" + "a" * 10_000,
    "!help " + "<script>alert(1)</script>" * 400,
    "!tz <b>@room</b>",
    "!lnk <img src=x onerror=alert(1)> @room",
    '!tz "unterminated',
    "!help @room",
    "!tz \u202eEurope/Berlin",
]


@pytest.mark.parametrize("body", HOSTILE)
async def test_hostile_messages_are_answered_safely(chat, body):
    replies = await chat.say(ALICE, body)
    assert len(replies) <= 1
    for reply in replies:
        assert len(reply.text) < 1000, "a long message is not echoed back"
        assert reply.mentions == ()
        assert "<script" not in reply.html and "<img" not in reply.html and "<b>" not in reply.html
        assert "\u202e" not in reply.text


async def test_reactions_on_anchored_messages_act_and_redactions_undo(chat):
    from bot.core.model import Anchor, IncomingReaction
    from bot.core.reactions import record_anchor

    group = CommandGroup("likes")
    seen = []

    @group.reaction("thing", "👍")
    async def like(ctx, ref, added):
        seen.append((ctx.sender, ref, added))

    chat.services.registry = Registry([group])
    await record_anchor(chat.store, "$botmsg", "!room:example.org", Anchor("thing", "42"))

    def reaction(event_id, sender=ALICE, target="$botmsg", key="👍🏽", added=True):
        return IncomingReaction(sender, "!room:example.org", event_id, target, key, chat.clock.now(), added)

    handle = chat.dispatcher.handle_reaction
    await handle(reaction("$r1"))
    await handle(reaction("$r1"))  # redelivered: ignored
    await handle(reaction("$r2", target="$unanchored"))
    await handle(reaction("$r3", key="🎉"))
    await handle(reaction("$r1", sender=BOB, added=False))  # bob cannot undo alice's reaction
    assert seen == [(ALICE, "42", True)]
    await handle(reaction("$r1", added=False))
    await handle(reaction("$r1", added=False))
    assert seen == [(ALICE, "42", True), (ALICE, "42", False)]


async def test_errors_name_the_argument_as_the_usage_line_does(chat):
    text = await chat.text(ALICE, "!history lots")
    assert text.splitlines()[0] == "!history: N: 'lots' is not a number."
    assert text.splitlines()[1] == "Usage: !history [N]"
    assert "count" not in text
    assert (await chat.text(ALICE, "!vote")).splitlines()[0] == "!vote: N is missing."
    text = await chat.text(ALICE, "!vote -1")
    assert text.splitlines() == ["!vote: N: '-1' is below zero; give a whole number such as 3.", "Usage: !vote N [N…]"]
    text = await chat.text(ORGANISER, "!cancel 24.12.2026")
    assert text.splitlines()[0].startswith("!cancel: YYYY-MM-DD: '24.12.2026' is not a date")
    text = await chat.text(ORGANISER, "!export people")
    assert text.splitlines()[0] == "!export: 'people' is not one of topics, attendance."


async def test_a_command_without_arguments_ignores_extra_words(chat):
    plain = await chat.text(ALICE, "!link")
    assert await chat.text(ALICE, "!link please") == plain
    assert await chat.text(ALICE, "!next  thanks!") == await chat.text(ALICE, "!next")
    # A command that takes arguments still refuses what it does not understand.
    assert (await chat.text(ALICE, "!vote 3 apples")).startswith("!vote: unexpected 'apples'")


# --- floods: the dispatcher holds back what the limit (tests/core/test_limits.py) refuses ---


async def test_commands_past_the_limit_are_not_carried_out(limited_chat):
    chat = limited_chat
    for i in range(10):
        await chat.say(ALICE, f"!suggest Topic number {i} about something else entirely {i * 7919}")
    await chat.say(ALICE, "!suggest One too many")
    await chat.say(ALICE, "!suggest Two too many")
    chat.clock.advance(hours=2)
    listed = await chat.text(BOB, "!topics")
    assert "too many" not in listed.lower()


async def test_reactions_still_act_past_the_limit_but_their_answers_count(limited_chat):
    chat = limited_chat
    from bot.core.model import Anchor, IncomingReaction
    from bot.core.reactions import record_anchor

    group = CommandGroup("likes")
    seen = []

    @group.reaction("thing", "👍")
    async def like(ctx, ref, added):
        seen.append(added)
        return ctx.reply("refused")

    @group.command("ping", help="p")
    async def ping(ctx):
        return ctx.reply("pong")

    chat.services.registry = Registry([group])
    await record_anchor(chat.store, "$botmsg", "!room:example.org", Anchor("thing", "1"))
    answers = []
    for i in range(12):
        reaction = IncomingReaction(ALICE, "!room:example.org", f"$r{i}", "$botmsg", "👍", chat.clock.now(), True)
        answers.append([r.text for r in await chat.dispatcher.handle_reaction(reaction)])
    assert len(seen) == 12, "what people see on the message is what counts"
    assert answers[:10] == [["refused"]] * 10
    assert answers[10][0].startswith("Too many") and answers[11] == []
    assert await chat.say(ALICE, "!ping") == []


# --- direct-message rooms ------------------------------------------------------------------

DM = "!alice-dm:example.org"
# What may be used in a direct-message room with the bot: the asker's own or read-only
# commands. Every other command acts on the conference, where everyone should see it.
IN_DIRECT = {
    "help",
    "next",
    "link",
    "tz",
    "lang",
    "topics",
    "history",
    "stats",
    "calendar",
    "remind",
    "mydata",
    "forgetme",
    "export",
}
ACT_ON_THE_CONFERENCE = {
    "discuss",
    "timer",
    "suggest",
    "vote",
    "unvote",
    "withdraw",
    "here",
    "late",
    "host",
    "unhost",
    "start",
    "end",
    "discussed",
    "undiscussed",
    "cancel",
    "uncancel",
    "announce",
    "agenda",
}


def test_commands_that_act_on_the_conference_are_not_for_direct_rooms():
    from commands import build_registry

    commands = build_registry().commands.values()
    assert {spec.name for spec in commands if spec.in_direct} == IN_DIRECT
    assert {spec.name for spec in commands if not spec.in_direct} == ACT_ON_THE_CONFERENCE
    group = CommandGroup("new")
    group.command("x", help="x")(_handler)
    assert not group.commands[0].in_direct, "a command is for the conference room unless declared otherwise"


async def _handler(ctx):
    return None


async def test_in_a_direct_room_commands_that_act_on_the_conference_are_refused_with_a_pointer(chat):
    for command in ("!suggest Co-op bylaws", "!vote 1", "!here", "!late", "!host", "!withdraw 1"):
        [reply] = await chat.say(ALICE, command, room_id=DM, direct_for=ALICE)
        name = command.split()[0]
        assert reply.text.startswith(f"Please use {name} in the conference room, where everyone sees it."), reply
        assert "\n" not in reply.text, "one line"
    for command in ("!start", "!discussed 1 decided here", "!end"):
        [reply] = await chat.say(HOST, command, room_id=DM, direct_for=HOST)
        assert "in the conference room" in reply.text, reply.text
    for command in ("!cancel 2026-12-03", "!announce", "!agenda"):
        [reply] = await chat.say(ORGANISER, command, room_id=DM, direct_for=ORGANISER)
        assert "in the conference room" in reply.text, reply.text
    assert "No open topics" in await chat.text(ALICE, "!topics"), "nothing was suggested"
    assert "in the conference room" not in await chat.text(HOST, "!start"), "nothing was started"


async def test_in_a_direct_room_the_persons_own_and_read_only_commands_work(chat):
    assert "Europe/Lisbon" in await chat.text(ALICE, "!tz Europe/Lisbon", room_id=DM, direct_for=ALICE)
    assert "Europe/Lisbon" in await chat.text(ALICE, "!tz", room_id=DM, direct_for=ALICE)
    assert "No open topics" in await chat.text(ALICE, "!topics", room_id=DM, direct_for=ALICE)
    assert "bbb" in await chat.text(ALICE, "!link", room_id=DM, direct_for=ALICE)
    [about, _] = await chat.say(ALICE, "!mydata", room_id=DM, direct_for=ALICE)
    assert about.direct_to == ALICE and about.file is not None
    assert "ccc-topics-" in await chat.text(ORGANISER, "!export topics", room_id=DM, direct_for=ORGANISER)


async def test_in_a_direct_room_only_its_person_is_answered_while_in_the_conference(chat):
    assert await chat.say(BOB, "!topics", room_id=DM, direct_for=ALICE) == [], "not bob's room"
    assert await chat.say(BOB, "!help", room_id=DM, direct_for=ALICE) == []
    members = {ALICE}
    chat.services.is_member = lambda user_id: user_id in members
    assert "No open topics" in await chat.text(ALICE, "!topics", room_id=DM, direct_for=ALICE)
    members.clear()  # alice left the conference room
    [reply] = await chat.say(ALICE, "!topics", room_id=DM, direct_for=ALICE)
    assert reply.text == "I answer here only people who are in the conference room."


async def test_reactions_in_a_direct_room_do_nothing(chat):
    from bot.core.model import Anchor, IncomingReaction
    from bot.core.reactions import record_anchor

    topic = await chat.text(ALICE, "!suggest Co-op bylaws")
    number = re.search(r"#(\d+)", topic).group(1)
    await record_anchor(chat.store, "$topic", "!room:example.org", Anchor("topic", number))
    thumb = IncomingReaction(BOB, DM, "$thumb", "$topic", "👍", chat.clock.now(), direct_for=BOB)
    assert await chat.dispatcher.handle_reaction(thumb) == []
    assert "0 votes" in await chat.text(BOB, "!topics")
    in_room = IncomingReaction(BOB, "!room:example.org", "$thumb2", "$topic", "👍", chat.clock.now())
    await chat.dispatcher.handle_reaction(in_room)
    assert "1 vote" in await chat.text(BOB, "!topics"), "the same reaction in the room votes"


# --- a message to the bot that is no command ------------------------------------------------

BOT_ID = "@ccc-bot:example.org"


@pytest.mark.parametrize(
    "said",
    [
        "hello bot, how do I join?",
        "@ccc-bot what is this?",
        "@ccc-bot:example.org how does this work",
        "ccc-bot: help",
        "Hi CCC bot!",
    ],
)
async def test_a_question_to_the_bot_by_name_gets_one_line_pointing_to_help_and_link(chat, said):
    [reply] = await chat.say(ALICE, said)
    assert "!help" in reply.text and "!link" in reply.text, reply.text
    assert "\n" not in reply.text and reply.mentions == ()


async def test_a_mention_the_adapter_saw_counts_as_naming_the_bot(chat):
    # m.mentions, or the bot's display name in that room: the adapter tells.
    assert await chat.say(ALICE, "Conference Helper, when is the next call?") == []
    [reply] = await chat.say(ALICE, "Conference Helper, when is the next call?", addressed=True)
    assert "!help" in reply.text


@pytest.mark.parametrize(
    "said",
    [
        "hello everyone, how do I join?",  # not to the bot
        "the robot said 8:00, is that right?",
        "thanks ccc-bot",  # to the bot, but nothing asked
        "ccc-bot is great",
    ],
)
async def test_chat_that_does_not_ask_the_bot_anything_gets_nothing(chat, said):
    assert await chat.say(ALICE, said) == []


async def test_the_bots_own_messages_are_never_answered(chat):
    assert await chat.say(BOT_ID, "ccc-bot: what is this?", addressed=True) == []


async def test_in_a_direct_room_a_question_is_to_the_bot(chat):
    [reply] = await chat.say(ALICE, "how do I join?", room_id=DM, direct_for=ALICE)
    assert "!help" in reply.text and "!link" in reply.text
    assert await chat.say(BOB, "how do I join?", room_id=DM, direct_for=ALICE) == [], "not bob's room"


async def test_questions_to_the_bot_count_against_the_flood_limit(limited_chat):
    chat = limited_chat
    for _ in range(10):
        await chat.say(ALICE, "!link")
    [notice] = await chat.say(ALICE, "ccc-bot, how do I join?")
    assert notice.text.startswith("Too many commands")
    assert await chat.say(ALICE, "ccc-bot, how do I join?") == []


async def test_the_flood_notice_is_in_the_askers_language(limited_chat):
    chat = limited_chat
    await chat.say(ALICE, "!lang es")
    for _ in range(9):
        await chat.say(ALICE, "!link")
    assert await chat.text(ALICE, "!link") == (
        "Demasiados comandos: respondo como mucho 10 por minuto a cada persona. "
        "Vuelve a intentarlo en 60 segundos; hasta entonces ignoro tus comandos aquí."
    )
