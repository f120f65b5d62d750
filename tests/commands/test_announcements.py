"""commands/announcements.py: the words of what the bot posts on its own."""

import datetime as dt

import pytest

from bot.features.announcements.messages import announcement_of, cancellation_of, host_wait_of
from bot.features.schedule.repository import session_from_key, sessions_on
from bot.features.sessions import repository
from commands.announcements import announcement_text, cancellation_text, host_wait_text
from tests.conftest import ALICE, BOB

MORNING = "2026-11-26 08:00"


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "reason", ["holidays!", "who can host?", "see you in January.", "more soon…", "see you soon :)", "winter break 🎄"]
)
async def test_a_reason_that_ends_a_sentence_gets_no_second_full_stop(chat, reason):
    text = await chat.text("@org:example.org", f"!cancel 2026-12-24 {reason}")
    assert f"Cancelled the whole day 2026-12-24: {reason}\n" in text, text
    session = sessions_on(chat.services.config, dt.date(2026, 12, 24))[0]
    notice = cancellation_text(
        chat.services.config, await cancellation_of(chat.services, session, chat.clock.now())
    ).plain
    assert f"is cancelled: {reason}\n" in notice, notice


async def test_a_reason_without_a_full_stop_gets_one(chat):
    text = await chat.text("@org:example.org", "!cancel 2026-12-24 holidays")
    assert "Cancelled the whole day 2026-12-24: holidays.\n" in text, text
    session = sessions_on(chat.services.config, dt.date(2026, 12, 24))[0]
    notice = cancellation_text(
        chat.services.config, await cancellation_of(chat.services, session, chat.clock.now())
    ).plain
    assert "is cancelled: holidays.\n" in notice, notice


async def test_host_wait_of_one_minute_reads_right(make_chat, make_config):
    chat = await make_chat(make_config(conference={"host_wait_minutes": 1}))
    session = session_from_key(chat.services.config, MORNING)
    text = host_wait_text(chat.services.config, await host_wait_of(chat.services, session))
    assert "(1 minute after its start)" in text.plain


async def test_volunteers_read_as_a_sentence_and_no_line_ends_in_a_space(make_chat, make_config):
    chat = await make_chat(make_config(conference={"display_timezones": ["UTC", "America/Los_Angeles", "Asia/Tokyo"]}))
    await repository.volunteer(chat.store, MORNING, BOB, at(23, 12))
    await repository.volunteer(chat.store, MORNING, ALICE, at(23, 13))
    session = session_from_key(chat.services.config, MORNING)
    made = await announcement_of(chat.services, session, at(26, 7, 45), lead=dt.timedelta(minutes=15))
    text = announcement_text(chat.services.config, made)
    assert "Volunteered to host: @bob:example.org and @alice:example.org." in text.plain
    wait = host_wait_text(chat.services.config, await host_wait_of(chat.services, session))
    assert "Volunteered to host: @bob:example.org and @alice:example.org." in wait.plain
    for message in (text, wait):
        assert all(line == line.rstrip() for line in message.plain.splitlines()), message.plain
