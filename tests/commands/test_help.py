from tests.conftest import ALICE, ORGANISER


async def test_help_for_one_command(chat):
    text = await chat.text(ALICE, "!help tz")
    assert text.splitlines()[0] == "!tz [Area/City]"
    assert "time zone" in text
    assert await chat.text(ALICE, "!help !tz") == text


async def test_help_for_unknown_command_suggests(chat):
    text = await chat.text(ALICE, "!help lnk")
    assert "no command !lnk" in text and "!link" in text


async def test_help_lists_commands_with_usage(chat):
    text = await chat.text(ORGANISER, "!help")
    assert "!tz [Area/City]" in text
    assert "!help COMMAND" in text


async def test_help_is_grouped_by_role_for_hosts_and_organisers(chat):
    organiser = await chat.text(ORGANISER, "!help")
    assert organiser.index("For everyone") < organiser.index("For hosts") < organiser.index("For organisers")
    assert organiser.index("For hosts") < organiser.index("!start") < organiser.index("For organisers")
    participant = await chat.text(ALICE, "!help")
    assert "For everyone" not in participant and "For organisers" not in participant


async def test_help_for_unknown_command_points_to_the_list(chat):
    text = await chat.text(ALICE, "!help nosuch")
    assert "no command !nosuch" in text
    assert "Type !help for the commands you can use." in text


DM = "!alice-dm:example.org"


async def test_help_in_a_direct_room_lists_what_works_there(chat):
    text = await chat.text(ORGANISER, "!help", room_id=DM, direct_for=ORGANISER)
    assert "in this direct message" in text.splitlines()[0]
    for works in ("!mydata", "!tz", "!topics", "!remind", "!export"):
        assert works in text, works
    for room_only in ("!suggest", "!vote", "!start", "!cancel", "!agenda"):
        assert room_only not in text, room_only
    assert "The other commands are for the conference room" in text
    assert "!suggest" in await chat.text(ORGANISER, "!help"), "the conference room lists them all"


async def test_help_for_a_room_only_command_in_a_direct_room_says_where_it_works(chat):
    text = await chat.text(ALICE, "!help vote", room_id=DM, direct_for=ALICE)
    assert text.startswith("!vote N") and "for the conference room" in text
    assert "conference room" not in await chat.text(ALICE, "!help vote"), "said only where it matters"
    assert "conference room" not in await chat.text(ALICE, "!help tz", room_id=DM, direct_for=ALICE)


async def test_help_for_a_command_typed_with_punctuation(chat):
    assert await chat.text(ALICE, "!help tz?") == await chat.text(ALICE, "!help tz")
    assert await chat.text(ALICE, "!help ?") == await chat.text(ALICE, "!help")
