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
