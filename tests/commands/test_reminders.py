"""commands/reminders.py: !remind chooses slots in the asker's time zone and a lead."""

from __future__ import annotations

import datetime as dt
import json

from bot.features.reminders import repository as reminders
from bot.features.reminders.repository import Kind, Status
from tests.conftest import ALICE, BOB


async def test_no_argument_says_there_are_none_and_lists_the_slots_in_the_askers_zone(chat):
    await chat.text(ALICE, "!tz Europe/Berlin")
    text = await chat.text(ALICE, "!remind")
    assert "You get no reminders" in text and "!remind all" in text
    assert "Thursday 09:00 and Thursday 18:00, Berlin time" in text


async def test_a_slot_in_the_askers_zone_is_chosen_and_shown(chat):
    await chat.text(ALICE, "!tz America/New_York")
    text = await chat.text(ALICE, "!remind 03:00")
    assert "15 minutes before each Thursday 03:00 session (New York time)" in text
    assert "direct chat" in text and "!remind off" in text
    assert "Thu 26 Nov 02:45" in text
    shown = await chat.text(ALICE, "!remind")
    assert "You get a direct message 15 minutes before each Thursday 03:00 session (New York time)" in shown


async def test_a_time_that_is_not_a_slot_lists_the_slots_and_the_usage(chat):
    text = await chat.text(BOB, "!remind 09:00")
    assert "'09:00' is not the start of a slot" in text
    assert "The slots in your time zone (UTC) are Thursday 08:00 and Thursday 17:00." in text
    assert "!remind [HH:MM|all|off] [LEAD]" in text
    assert "You get no reminders" in await chat.text(BOB, "!remind")


async def test_all_with_a_lead_and_the_bounds_of_the_lead(chat):
    assert "1 hour before every session" in await chat.text(ALICE, "!remind all 1h")
    assert "2 days before every session" in await chat.text(ALICE, "!remind all 2d")
    for bad in ("4m", "3d", "soon"):
        text = await chat.text(ALICE, f"!remind all {bad}")
        assert text.startswith("!remind: LEAD:") and "!remind [HH:MM|all|off] [LEAD]" in text, text
    assert "2 days before every session" in await chat.text(ALICE, "!remind")


async def test_off_stops_them(chat):
    await chat.text(ALICE, "!remind 8:00 30m")
    assert "30 minutes before each Thursday 08:00 session (UTC)" in await chat.text(ALICE, "!remind")
    assert "no more reminders" in await chat.text(ALICE, "!remind off")
    assert "You get no reminders" in await chat.text(ALICE, "!remind")
    assert "nothing changed" in await chat.text(ALICE, "!remind off")


async def test_mydata_shows_the_setting_and_forgetme_removes_it(chat):
    await chat.text(ALICE, "!remind all 1h")
    dm, _ = await chat.say(ALICE, "!mydata")
    data = json.loads(dm.file.data)
    assert data["reminder_setting"] == {"slots": "all", "lead": "1h"}
    assert data["reminders_sent"] == []
    assert "reminder setting" in dm.text
    for user in (ALICE, BOB):  # a reminder sent to each
        await reminders.record(
            chat.store, user, "2026-11-26 08:00", dt.timedelta(hours=1), Kind.REMINDER, Status.SENT, chat.clock.now()
        )
    dm, _ = await chat.say(ALICE, "!mydata")
    assert [r["session"] for r in json.loads(dm.file.data)["reminders_sent"]] == ["2026-11-26 08:00"]
    await chat.text(ALICE, "!forgetme")
    text = await chat.text(ALICE, "!forgetme confirm")
    assert "reminder setting" in text
    assert "You get no reminders" in await chat.text(ALICE, "!remind")
    dm, _ = await chat.say(ALICE, "!mydata")
    assert json.loads(dm.file.data)["reminders_sent"] == [], "what was sent to them is erased too"
    assert len(await reminders.sent_to(chat.store, BOB)) == 1, "and nobody else's"


async def test_a_slot_typed_in_the_conference_zone_is_pointed_to_the_askers_own_time(chat):
    await chat.text(ALICE, "!tz America/New_York")
    text = await chat.text(ALICE, "!remind 17:00")
    assert "'17:00' is not the start of a slot in your time zone" in text
    assert "Thursday 17:00 UTC is Thursday 12:00 for you (New York time): type !remind 12:00" in text
    done = await chat.text(ALICE, "!remind 12:00")
    assert "before each Thursday 12:00 session (New York time)" in done and "Thu 26 Nov 11:45" in done


async def test_an_hour_with_one_digit_or_none_of_the_minutes_is_understood(chat):
    assert "before each Thursday 08:00 session (UTC)" in await chat.text(ALICE, "!remind 8:00")
    assert "before each Thursday 08:00 session (UTC)" in await chat.text(ALICE, "!remind 8")
    assert "before each Thursday 17:00 session (UTC)" in await chat.text(ALICE, "!remind 17")
    assert "'9:00' is not the start of a slot" in await chat.text(BOB, "!remind 9:00")
    for odd in ("²:00", "٠٨:00", "8:0", "08:00:00"):
        text = await chat.text(BOB, f"!remind {odd}")
        assert "is not the start of a slot" in text and "Usage: !remind" in text, text


async def test_a_lead_in_words_is_understood_and_a_bad_one_is_explained(chat):
    assert "1 hour before each Thursday 08:00 session" in await chat.text(ALICE, "!remind 08:00 1 hour")
    assert "30 minutes before every session" in await chat.text(ALICE, "!remind all 30 min")
    assert "2 days before every session" in await chat.text(ALICE, "!remind all 2 days")
    too_long = await chat.text(ALICE, "!remind all 3 days")
    assert too_long.startswith(
        "!remind: LEAD: '3 days' is too long: a reminder comes 5 minutes to 2 days before a session."
    ), too_long
    assert "'4m' is too short" in await chat.text(ALICE, "!remind all 4m")
    odd = await chat.text(ALICE, "!remind all 1y")
    assert "'1y' is not a time before the session: write it like 15m, 2h or 1d." in odd
    assert "Usage: !remind [HH:MM|all|off] [LEAD]" in odd
    assert "2 days before every session" in await chat.text(ALICE, "!remind"), "unchanged by the errors"


async def test_a_lead_alone_says_to_choose_the_sessions_first(chat):
    text = await chat.text(ALICE, "!remind 30m")
    assert "'30m' is not the start of a slot; for every session, type !remind all 30m" in text
    assert "You get no reminders" in await chat.text(ALICE, "!remind")


async def test_without_a_time_zone_the_times_are_said_to_be_utc_and_how_to_set_yours(chat):
    assert "set your own time zone with !tz" in await chat.text(BOB, "!remind")
    await chat.text(BOB, "!tz Europe/Berlin")
    assert "!tz" not in await chat.text(BOB, "!remind")
