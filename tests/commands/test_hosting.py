"""commands/hosting.py: someone who volunteered to host a later session and types a host
command (!end, !discussed, !undiscussed) now hears why it is not theirs, not "for hosts only"."""

from __future__ import annotations

import datetime as dt
import re

from bot.features.people import repository as people
from bot.features.sessions import repository
from tests.conftest import ALICE, BOB, HOST, ORGANISER

NEXT_WEEK = "2026-12-03 08:00"
OFFER = "You volunteered to host the session of Thursday 3 December, 08:00 UTC, which can be started from 07:30 UTC"


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=dt.UTC)


async def suggest(chat, text: str) -> int:
    m = re.search(r"Added #(\d+)", await chat.text(BOB, f"!suggest {text}"))
    assert m
    return int(m.group(1))


async def status_of(chat, topic: int) -> str:
    status: str = await chat.store.fetchval("SELECT status FROM topics WHERE id = ?", (topic,))
    return status


async def volunteer_next_week(chat) -> None:
    assert "You volunteered to host the session of Thursday 3 December, 08:00" in await chat.text(
        ALICE, f"!host {NEXT_WEEK}"
    )


async def test_end_from_a_volunteer_of_a_later_session_while_one_runs(chat):
    await volunteer_next_week(chat)
    await people.remember_display_name(chat.store, BOB, "Bob")
    chat.clock.set(at(26, 8, 5))
    await chat.say(BOB, "!host")
    assert "has started" in await chat.text(BOB, "!start")
    text = await chat.text(ALICE, "!end")
    assert "for hosts only" not in text, text
    assert text == (
        f"{OFFER} (in 6 days 23 hours).\n"
        "The session of Thursday 26 November, 08:00 UTC is running; only Bob (who started it), a host or an organiser "
        "can end it."
    ), text
    assert await repository.running_session(chat.store) == "2026-11-26 08:00", "still running"


async def test_end_from_a_volunteer_of_a_later_session_with_none_running(chat):
    await volunteer_next_week(chat)
    chat.clock.set(at(26, 12, 0))
    text = await chat.text(ALICE, "!end")
    assert text == f"{OFFER} (in 6 days 20 hours).\nNo session is running, so there is nothing to end.", text


async def test_marking_topics_from_a_volunteer_of_a_later_session_while_one_runs(chat):
    await volunteer_next_week(chat)
    topic = await suggest(chat, "Sharing the admin work")
    chat.clock.set(at(26, 8, 5))
    await chat.say(HOST, "!start")
    for command in (f"!discussed {topic} we agreed", f"!undiscussed {topic}"):
        text = await chat.text(ALICE, command)
        assert text == (
            f"{OFFER} (in 6 days 23 hours).\n"
            "The session of Thursday 26 November, 08:00 UTC is running; "
            "only @host:example.org (who started it), a host or an organiser can mark its topics."
        ), (command, text)
    assert await status_of(chat, topic) == "open"
    # Once the host has marked it, the volunteer still can't return it to the list.
    assert "Marked" in await chat.text(HOST, f"!discussed {topic}")
    assert "can mark its topics" in await chat.text(ALICE, f"!undiscussed {topic}")
    assert await status_of(chat, topic) == "discussed"


async def test_marking_topics_from_a_volunteer_of_a_later_session_with_none_running(chat):
    await volunteer_next_week(chat)
    topic = await suggest(chat, "Sharing the admin work")
    chat.clock.set(at(26, 12, 0))
    for command in (f"!discussed {topic}", f"!undiscussed {topic}"):
        text = await chat.text(ALICE, command)
        assert text == (
            f"{OFFER} (in 6 days 20 hours).\n"
            "No session is running, so there are no topics to mark until one is started."
        ), (command, text)
    assert await status_of(chat, topic) == "open"


async def test_a_volunteer_whose_session_is_cancelled_is_told_so(chat):
    await volunteer_next_week(chat)
    assert "Cancelled the session of" in await chat.text(ORGANISER, f"!cancel {NEXT_WEEK}")
    chat.clock.set(at(26, 12, 0))
    text = await chat.text(ALICE, "!end")
    assert text == (
        "You volunteered to host the session of Thursday 3 December, 08:00 UTC, but it is cancelled.\n"
        "No session is running, so there is nothing to end."
    ), text


async def test_someone_who_volunteered_for_nothing_keeps_the_plain_refusal(chat):
    topic = await suggest(chat, "Sharing the admin work")
    chat.clock.set(at(26, 12, 0))
    for command in ("!end", f"!discussed {topic}", f"!undiscussed {topic}"):
        assert "is for hosts only" in await chat.text(BOB, command), command
    chat.clock.set(at(26, 8, 5))
    await chat.say(HOST, "!start")
    for command, what in (("!end", "end it"), (f"!discussed {topic}", "mark its topics")):
        text = await chat.text(BOB, command)
        assert "is for hosts only" in text and "volunteered" not in text, (command, text)
        assert f"only @host:example.org (who started it), a host or an organiser can {what}." in text, text


async def test_a_volunteer_of_a_later_session_in_another_zone_reads_it_in_theirs(chat):
    await chat.say(ALICE, "!tz Asia/Kolkata")
    assert "volunteered to host the session of Thursday 3 December, 08:00 UTC" in await chat.text(
        ALICE, "!host 2026-12-03 13:30"
    )
    chat.clock.set(at(26, 12, 0))
    text = await chat.text(ALICE, "!end")
    assert text.startswith(
        "You volunteered to host the session of Thursday 3 December, 08:00 UTC (13:30 in Kolkata), which can be "
        "started from 07:30 UTC (13:00 in Kolkata) ("
    ), text


async def test_a_real_host_is_unaffected(chat):
    # The configured host has also volunteered for next week: hosting now is not refused.
    assert "volunteered" in await chat.text(HOST, f"!host {NEXT_WEEK}")
    topic = await suggest(chat, "Sharing the admin work")
    chat.clock.set(at(26, 12, 0))
    assert (await chat.text(HOST, "!end")).startswith(
        "No session is running. The next session is on Thursday 26 November, 17:00"
    )
    assert (await chat.text(HOST, f"!discussed {topic}")).startswith("No session is running. Start one with !start")
    chat.clock.set(at(26, 16, 45))
    await chat.say(HOST, "!start")
    assert "Marked" in await chat.text(HOST, f"!discussed {topic}")
    assert "Returned" in await chat.text(HOST, f"!undiscussed {topic}")
    assert "Session of Thursday 26 November, 17:00 UTC ended" in await chat.text(HOST, "!end")


async def test_a_volunteer_of_a_later_session_reads_it_in_spanish(chat):
    await chat.say(ALICE, "!lang es")
    await chat.say(ALICE, f"!host {NEXT_WEEK}")
    topic = await suggest(chat, "Sharing the admin work")
    chat.clock.set(at(26, 8, 5))
    await chat.say(HOST, "!start")
    text = await chat.text(ALICE, f"!discussed {topic}")
    assert text == (
        "Te ofreciste como anfitrión de la sesión del jueves, 3 de diciembre, 08:00 UTC, que se puede empezar desde "
        "las 07:30 UTC (en 6 días y 23 horas).\n"
        "La sesión del jueves, 26 de noviembre, 08:00 UTC está en curso; solo @host:example.org (que la empezó), "
        "un anfitrión o un organizador pueden marcar sus temas."
    ), text


async def test_a_volunteer_of_a_cancelled_session_reads_it_in_portuguese(chat):
    await chat.say(ALICE, "!lang pt-BR")
    await chat.say(ALICE, f"!host {NEXT_WEEK}")
    await chat.say(ORGANISER, f"!cancel {NEXT_WEEK}")
    chat.clock.set(at(26, 12, 0))
    text = await chat.text(ALICE, f"!discussed {await suggest(chat, 'Sharing the admin work')}")
    assert text == (
        "Você se ofereceu como anfitrião da sessão de quinta-feira, 3 de dezembro, 08:00 UTC, mas ela está cancelada.\n"
        "Nenhuma sessão está em andamento, então não há temas para marcar até que uma comece."
    ), text
