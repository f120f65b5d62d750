"""commands/volunteering.py: !host and !unhost."""

import datetime as dt

from bot.features.sessions import repository
from tests.conftest import ALICE, BOB, ORGANISER

UTC = dt.UTC
MORNING = "2026-11-26 08:00"


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=UTC)


async def test_host_for_a_given_or_the_next_session(chat):
    text = await chat.text(ALICE, "!host 2026-12-03 17:00")
    assert "volunteered to host session 2026-12-03 17:00" in text and "(Thursday 3 December 2026, 17:00 UTC" in text
    assert "already volunteered" in await chat.text(ALICE, "!host 2026-12-03 17:00")
    assert await repository.volunteers_of(chat.store, "2026-12-03 17:00") == [ALICE]
    text = await chat.text(BOB, "!host 2026-12-03")
    assert "more than one session: add the time (08:00 or 17:00)" in text and "Usage: !host" in text
    assert "no session at 09:00" in await chat.text(BOB, "!host 2026-12-03 09:00")
    assert "Also volunteered: @alice:example.org" in await chat.text(BOB, "!host 2026-12-03 17:00")
    assert "2026-11-19 is in the past" in await chat.text(BOB, "!host 2026-11-19 08:00")
    await chat.say(ORGANISER, "!cancel 2026-11-26 08:00")
    assert "volunteered to host session 2026-11-26 17:00" in await chat.text(BOB, "!host"), "the next not cancelled"
    assert "is cancelled" in await chat.text(BOB, "!host 2026-11-26 08:00")


async def test_host_and_unhost_refuse_dates_in_the_past_or_over_a_year_ahead(chat):
    for command in ("!host", "!unhost"):
        for typed, why in (
            ("9999-12-31 20:00", "9999-12-31 is too far ahead"),
            ("9999-12-30 08:00", "9999-12-30 is too far ahead"),  # a Thursday, so a slot
            ("2027-11-25 08:00", "2027-11-25 is too far ahead"),  # a Thursday, a year and 2 days ahead
            ("9999-12-31", "9999-12-31 is too far ahead"),
            ("0001-01-01", "0001-01-01 is in the past"),
            ("0001-01-01 08:00", "0001-01-01 is in the past"),
            ("2026-11-19 08:00", "2026-11-19 is in the past"),
        ):
            text = await chat.text(ALICE, f"{command} {typed}")
            assert f"{command}: {why}: give a date from today (2026-11-23) up to a year ahead (2027-11-23)." in text
            assert f"Usage: {command} [YYYY-MM-DD HH:MM]" in text and "unexpectedly" not in text, text
            assert len(text.splitlines()) == 2, text
    assert await repository.offers_of(chat.store, ALICE) == []


async def test_host_takes_dates_from_today_to_exactly_a_year_ahead(make_chat, make_config):
    config = make_config(conference={"slots": ["Thursday 08:00", "Friday 08:00", "Saturday 08:00"]})
    chat = await make_chat(config, start=at(26, 7))  # Thursday 26 November 2026, 07:00
    assert "volunteered to host session 2026-11-26 08:00" in await chat.text(ALICE, "!host 2026-11-26 08:00")
    assert "volunteered to host session 2027-11-26 08:00" in await chat.text(ALICE, "!host 2027-11-26 08:00")
    text = await chat.text(ALICE, "!host 2027-11-27 08:00")
    assert "2027-11-27 is too far ahead" in text and "up to a year ahead (2027-11-26)" in text
    assert "2026-11-25 is in the past" in await chat.text(ALICE, "!host 2026-11-25")
    assert await repository.offers_of(chat.store, ALICE) == ["2026-11-26 08:00", "2027-11-26 08:00"]
    assert "no longer offer to host session 2027-11-26 08:00" in await chat.text(ALICE, "!unhost 2027-11-26 08:00")
    assert "no longer offer to host session 2026-11-26 08:00" in await chat.text(ALICE, "!unhost 2026-11-26")


async def test_today_is_the_date_in_the_conference_zone(make_chat, make_config):
    # 12:00 UTC on Wednesday 25 November is 02:00 on Thursday 26 November in Kiritimati (UTC+14).
    config = make_config(conference={"timezone": "Pacific/Kiritimati", "slots": ["Wednesday 08:00", "Thursday 08:00"]})
    chat = await make_chat(config, start=at(25, 12))
    text = await chat.text(ALICE, "!host 2026-11-25 08:00")
    assert "2026-11-25 is in the past: give a date from today (2026-11-26)" in text, text
    assert "volunteered to host session 2026-11-26 08:00" in await chat.text(ALICE, "!host 2026-11-26 08:00")


async def test_an_offer_stored_for_a_date_out_of_range_does_not_break_unhost(make_chat, make_config):
    """Offers taken before dates were checked may name a date the zone can't convert."""
    chat = await make_chat(make_config(conference={"timezone": "America/New_York"}))
    await repository.volunteer(chat.store, "9999-12-31 20:00", ALICE, at(23, 12))
    await chat.say(ALICE, "!host 2026-12-03 08:00")
    assert "no longer offer to host session 2026-12-03 08:00" in await chat.text(ALICE, "!unhost")
    assert "have not offered to host any coming session" in await chat.text(ALICE, "!unhost")


async def test_unhost_withdraws_an_offer_for_the_given_or_the_next_session(chat):
    await chat.say(ALICE, "!host 2026-12-03 17:00")
    await chat.say(ALICE, "!host 2026-12-10 08:00")
    await chat.say(BOB, "!host 2026-12-03 17:00")
    text = await chat.text(ALICE, "!unhost")
    assert "no longer offer to host session 2026-12-03 17:00" in text, "the next one offered, not 2026-11-26"
    assert "still offer to host 2026-12-10 08:00" in text
    assert await repository.volunteers_of(chat.store, "2026-12-03 17:00") == [BOB]
    text = await chat.text(ALICE, "!unhost 2026-12-03 17:00")
    assert "had not volunteered to host session 2026-12-03 17:00" in text and "nothing to withdraw" in text
    text = await chat.text(ALICE, "!unhost 2026-12-10 08:00")
    assert "no longer offer to host session 2026-12-10 08:00" in text and "Nobody else has volunteered" in text
    assert await repository.volunteers_of(chat.store, "2026-12-10 08:00") == []
    assert "have not offered to host any coming session" in await chat.text(ALICE, "!unhost")


async def test_unhost_with_a_bad_session_gets_the_usage_line(chat):
    text = await chat.text(ALICE, "!unhost 2026-12-03")
    assert "more than one session: add the time (08:00 or 17:00)" in text and "Usage: !unhost" in text
    assert "no session at 09:00" in await chat.text(ALICE, "!unhost 2026-12-03 09:00")
    assert "Usage: !unhost [YYYY-MM-DD HH:MM]" in await chat.text(ALICE, "!unhost tomorrow")


async def test_unhost_is_refused_once_the_session_started_but_not_while_it_waits(chat):
    await chat.say(ALICE, "!host 2026-11-26 08:00")
    await chat.say(BOB, "!host 2026-11-26 08:00")
    chat.clock.set(at(26, 8, 5))  # waiting for its host: Bob cannot make it after all
    assert "no longer offer to host session 2026-11-26 08:00" in await chat.text(BOB, "!unhost")
    await chat.say(ALICE, "!start")
    text = await chat.text(ALICE, "!unhost 2026-11-26 08:00")
    assert "already started" in text and "!end" in text
    assert await repository.volunteers_of(chat.store, MORNING) == [ALICE]
    assert "is for hosts only" not in await chat.text(ALICE, "!end"), "still its host"
    chat.clock.set(at(26, 12))
    assert "is over" in await chat.text(ALICE, "!unhost 2026-11-26 08:00")


async def test_unhost_has_help_for_everyone(chat):
    assert "!unhost [YYYY-MM-DD HH:MM]" in await chat.text(ALICE, "!help")
    assert "Withdraw your offer to host" in await chat.text(ALICE, "!help unhost")


async def test_host_and_unhost_name_their_arguments_and_read_times_alike(chat):
    text = await chat.text(ALICE, "!host foo")
    assert text.splitlines()[0] == "!host: YYYY-MM-DD: 'foo' is not a date (YYYY-MM-DD).", text
    text = await chat.text(ALICE, "!host 2026-11-26 foo")
    assert text.splitlines()[0] == "!host: HH:MM: 'foo' is not a time (HH:MM).", text
    await chat.say(ALICE, "!host 2026-11-26 08:00")
    for command in ("!host", "!unhost"):
        text = await chat.text(ALICE, f"{command} 2026-11-26 8am")
        assert f"did you mean {command} 2026-11-26 08:00?" in text, text
    assert "no longer offer to host" in await chat.text(ALICE, "!unhost 2026-11-26 08:00")
