"""commands/session_common.py: what the session command groups share."""

from bot.core.model import IncomingMessage
from bot.features.people.names import name_of
from commands.session_common import host_wanted
from tests.conftest import ALICE, ROOM


async def test_a_refusal_points_to_the_next_session_and_when_it_is(chat):
    text = await chat.text(ALICE, "!here")
    assert "No session is running" in text and "The next session is on Thursday 26 November, 08:00 UTC, in " in text, (
        text
    )
    await chat.say(ALICE, "!tz America/Sao_Paulo")
    text = await chat.text(ALICE, "!here")
    assert "The next session is on Thursday 26 November, 08:00 UTC (05:00 in São Paulo), in 2 days 20 hours." in text, (
        text
    )


async def test_the_display_name_the_adapter_tells_is_remembered_cleaned(chat):
    message = IncomingMessage(ALICE, ROOM, "$h1", "!host", chat.clock.now(), sender_name="Alice\nA." + "x" * 100)
    await chat.dispatcher.handle(message)
    name = await name_of(chat.store, ALICE)
    assert name.startswith("Alice") and "\n" not in name and len(name) <= 64


def test_a_session_waiting_for_its_host_names_its_volunteers_or_asks_anyone():
    named = host_wanted("!", ["Alice <b>A</b>", "Bob"])
    assert named.plain == (
        "Volunteered to host: Alice <b>A</b> and Bob; they can start it with !start, "
        "or anyone can host it with !host then !start."
    )
    assert "&lt;b&gt;" in named.html and "matrix.to" not in named.html
    assert host_wanted("!", []).plain == "No host yet: anyone can host it with !host then !start."
