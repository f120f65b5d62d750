"""commands/reminders.py: !remind chooses slots in the asker's time zone and a lead."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bot.features.reminders import repository as reminders
from bot.features.reminders.repository import Kind, Status
from tests.conftest import ALICE, BOB, ORGANISER


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
    assert "!remind [TIME|all|off] [LEAD|off]" in text
    assert "You get no reminders" in await chat.text(BOB, "!remind")


async def test_all_with_a_lead_and_the_bounds_of_the_lead(chat):
    assert "1 hour before every session" in await chat.text(ALICE, "!remind all 1h")
    assert "2 days before every session" in await chat.text(ALICE, "!remind all 2d")
    for bad in ("4m", "3d", "soon"):
        text = await chat.text(ALICE, f"!remind all {bad}")
        assert text.startswith("!remind: LEAD:") and "!remind [TIME|all|off] [LEAD|off]" in text, text
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
    assert data["reminder_setting"] == [{"slot": "all", "lead": "1h"}]
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
    assert "before each Thursday 08:00 session (UTC)" in await chat.text(BOB, "!remind 08:00:00")
    for odd in ("²:00", "٠٨:00", "8:0"):
        text = await chat.text(BOB, f"!remind {odd}")
        assert "is neither a time nor a lead: type !remind 8am" in text and "Usage: !remind" in text, text


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
    assert "'1y' is not a time before the session: write it like 15m, 1h30m, half an hour or 2 days." in odd
    assert "Usage: !remind [TIME|all|off] [LEAD|off]" in odd
    assert "2 days before every session" in await chat.text(ALICE, "!remind"), "unchanged by the errors"


async def test_a_lead_alone_is_before_every_session_unless_a_slot_starts_at_that_hour(chat):
    text = await chat.text(ALICE, "!remind 30m")
    assert "30 minutes before every session" in text, text
    assert "You get a direct message 30 minutes before every session" in await chat.text(ALICE, "!remind")
    text = await chat.text(ALICE, "!remind 1h")
    assert "1 hour before every session" in text, text
    # '8h' is also how some write 08:00, which starts a slot.
    assert "15 minutes before each Thursday 08:00 session (UTC)" in await chat.text(ALICE, "!remind 8h")


async def test_without_a_time_zone_the_times_are_said_to_be_utc_and_how_to_set_yours(chat):
    assert "set your own time zone with your city: !tz Lyon (or !tz Area/City)" in await chat.text(BOB, "!remind")
    await chat.text(BOB, "!tz Europe/Berlin")
    assert "!tz" not in await chat.text(BOB, "!remind")


# --- the next reminder named is one that will be sent; one setting per slot -----------------


async def test_the_next_reminder_named_is_not_one_whose_time_has_passed(chat):
    chat.clock.set(dt.datetime(2026, 12, 8, 12, 0, tzinfo=dt.UTC))  # a Tuesday, 12:00
    text = await chat.text(ALICE, "!remind all 2d")
    # The 2-day reminder of Thursday 08:00 was due at 08:00 today: it will never be sent.
    assert "the next at Tue 8 Dec 17:00, before the session of Thursday 10 December, 17:00 UTC." in text, text
    assert "08:00" not in text


async def test_the_next_reminder_named_skips_a_cancelled_session(chat):
    await chat.text(ORGANISER, "!cancel 2026-11-26 team retreat")
    await chat.text(ALICE, "!tz Asia/Kolkata")
    text = await chat.text(ALICE, "!remind 13:30 1h")
    # Its reminder becomes word of the cancellation; the next reminder is a week later.
    assert (
        "the next at Thu 3 Dec 12:30, before the session of Thursday 3 December, 08:00 UTC (13:30 in Kolkata)." in text
    ), text


async def test_the_next_reminder_is_not_one_already_sent(chat):
    await chat.text(ALICE, "!remind 08:00 1h")
    await reminders.record(
        chat.store, ALICE, "2026-11-26 08:00", dt.timedelta(hours=1), Kind.REMINDER, Status.SENT, chat.clock.now()
    )
    chat.clock.set(dt.datetime(2026, 11, 26, 7, 5, tzinfo=dt.UTC))  # sent at 07:00, in the grace window
    text = await chat.text(ALICE, "!remind 08:00 1h")
    assert "the next at Thu 3 Dec 07:00, before the session of Thursday 3 December, 08:00 UTC." in text, text


async def test_one_due_within_the_grace_window_is_said_to_go_out_now(chat):
    chat.clock.set(dt.datetime(2026, 11, 26, 7, 5, tzinfo=dt.UTC))
    text = await chat.text(ALICE, "!remind 08:00 1h")
    assert "the next goes out now, before the session of Thursday 26 November, 08:00 UTC." in text, text


async def test_each_slot_keeps_its_own_setting(chat):
    await chat.text(ALICE, "!tz Europe/Berlin")
    await chat.text(ALICE, "!remind 09:00 1h")
    text = await chat.text(ALICE, "!remind 18:00 30m")
    assert "30 minutes before each Thursday 18:00 session (Berlin time)" in text
    assert "It was" not in text, "nothing was replaced"
    shown = await chat.text(ALICE, "!remind")
    assert (
        "You get a direct message 1 hour before each Thursday 09:00 session and 30 minutes before each "
        "Thursday 18:00 session (Berlin time)." in shown
    ), shown
    assert "!remind HH:MM off" in shown and "!remind off" in shown


async def test_a_change_says_what_it_replaced(chat):
    await chat.text(ALICE, "!remind 08:00 30m")
    text = await chat.text(ALICE, "!remind 08:00 1h")
    assert "1 hour before each Thursday 08:00 session (UTC)" in text and "It was 30 minutes before." in text, text
    await chat.text(ALICE, "!remind 17:00 2h")
    text = await chat.text(ALICE, "!remind all 1d")
    assert "1 day before every session" in text
    assert (
        "It was 1 hour before each Thursday 08:00 session and 2 hours before each Thursday 17:00 session (UTC)." in text
    ), text
    text = await chat.text(ALICE, "!remind 17:00")
    assert "15 minutes before each Thursday 17:00 session (UTC)" in text and "It was 1 day before." in text, text
    assert (
        "1 day before each Thursday 08:00 session and 15 minutes before each Thursday 17:00 session"
        in await chat.text(ALICE, "!remind")
    )


async def test_one_slot_off_stops_only_that_one_even_after_all(chat):
    await chat.text(ALICE, "!remind all 1h")
    text = await chat.text(ALICE, "!remind 17:00 off")
    assert "no more reminders before the Thursday 17:00 sessions (UTC); it was 1 hour before." in text, text
    assert "You still get a direct message 1 hour before each Thursday 08:00 session (UTC)." in text, text
    shown = await chat.text(ALICE, "!remind")
    assert "You get a direct message 1 hour before each Thursday 08:00 session (UTC)." in shown, shown
    assert "You had no reminder before the Thursday 17:00 sessions" in await chat.text(ALICE, "!remind 17:00 off")
    assert "no more reminders before the Thursday 08:00 sessions" in await chat.text(ALICE, "!remind 8:00 off")
    assert "You get no reminders" in await chat.text(ALICE, "!remind")


async def test_off_alone_stops_every_slot_and_says_what_was_stopped(chat):
    await chat.text(ALICE, "!remind 08:00 1h")
    await chat.text(ALICE, "!remind 17:00 30m")
    text = await chat.text(ALICE, "!remind off")
    assert "no more reminders by direct message" in text
    assert "It was 1 hour before each Thursday 08:00 session and 30 minutes before each Thursday 17:00" in text, text
    assert "You get no reminders" in await chat.text(ALICE, "!remind")
    await chat.text(ALICE, "!remind 08:00 1h")
    assert "no more reminders by direct message" in await chat.text(ALICE, "!remind all off")
    assert "You get no reminders" in await chat.text(ALICE, "!remind")


async def test_off_followed_by_something_points_to_the_slot_first(chat):
    text = await chat.text(ALICE, "!remind off 17:00")
    assert "to stop one slot, type !remind 17:00 off" in text, text
    assert "Usage: !remind [TIME|all|off] [LEAD|off]" in text


async def test_mydata_shows_each_slots_setting_and_forgetme_erases_them_all(chat):
    await chat.text(ALICE, "!remind all 1h")
    await chat.text(ALICE, "!remind 17:00 30m")
    dm, _ = await chat.say(ALICE, "!mydata")
    assert json.loads(dm.file.data)["reminder_setting"] == [
        {"slot": "all", "lead": "1h"},
        {"slot": "Thursday 17:00", "lead": "30m"},
    ]
    await chat.text(ALICE, "!forgetme")
    await chat.text(ALICE, "!forgetme confirm")
    assert await reminders.settings_of(chat.store, ALICE) == []


async def test_setting_one_slot_names_that_slots_next_reminder(chat):
    await chat.text(ALICE, "!remind all 2d")
    text = await chat.text(ALICE, "!remind 17:00 30m")
    assert "the next at Thu 26 Nov 16:30, before the session of Thursday 26 November, 17:00 UTC." in text, text


async def test_the_slots_read_in_the_order_of_the_week_whichever_comes_next(chat):
    await chat.text(ALICE, "!remind 08:00 1h")
    await chat.text(ALICE, "!remind 17:00 30m")
    chat.clock.set(dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC))  # 08:00 has passed, 17:00 comes first
    assert "1 hour before each Thursday 08:00 session and 30 minutes before each Thursday 17:00" in await chat.text(
        ALICE, "!remind"
    )


# --- times and leads as people write them ---------------------------------------------------
# The slots are Thursday 08:00 and 17:00 UTC: 13:30 and 22:30 in Kolkata, 05:00 and 14:00 in
# São Paulo, 03:00 and 12:00 in New York (in winter).

KOLKATA, SAO_PAULO = ALICE, BOB


@pytest.mark.parametrize(
    ("typed", "slot"),
    [
        ("8am", "08:00"),
        ("8 am", "08:00"),
        ("8 a.m.", "08:00"),
        ("8:00", "08:00"),
        ("08:00", "08:00"),
        ("8", "08:00"),
        ("08h00", "08:00"),
        ("8h", "08:00"),
        ("5pm", "17:00"),
        ("5 PM", "17:00"),
        ("17h", "17:00"),
        ("at 5pm", "17:00"),
    ],
)
async def test_a_slot_is_taken_written_as_people_write_a_time(chat, typed, slot):
    text = await chat.text(ALICE, f"!remind {typed}")
    assert f"Done: I will send you a direct message 15 minutes before each Thursday {slot} session (UTC)" in text, text


async def test_noon_and_12pm_are_midday(chat):
    await chat.text(ALICE, "!tz America/New_York")
    for typed in ("noon", "12pm", "12:00", "midday"):
        text = await chat.text(ALICE, f"!remind {typed}")
        assert "before each Thursday 12:00 session (New York time)" in text, (typed, text)


async def test_in_kolkata_a_time_is_theirs_unless_it_says_utc(chat):
    await chat.text(KOLKATA, "!tz Asia/Kolkata")
    text = await chat.text(KOLKATA, "!remind 1:30pm")
    assert "15 minutes before each Thursday 13:30 session (Kolkata time)" in text, text
    text = await chat.text(KOLKATA, "!remind 10.30pm 1h30m")
    assert "1 hour 30 minutes before each Thursday 22:30 session (Kolkata time)" in text, text
    text = await chat.text(KOLKATA, "!remind 17:00 UTC")
    assert "15 minutes before each Thursday 22:30 session (Kolkata time)" in text, text
    text = await chat.text(KOLKATA, "!remind 8am utc 1 h 30")
    assert "1 hour 30 minutes before each Thursday 13:30 session (Kolkata time)" in text, text
    text = await chat.text(KOLKATA, "!remind 17:00 UTC stop")
    assert "no more reminders before the Thursday 22:30 sessions (Kolkata time)" in text, text


async def test_in_sao_paulo_a_time_is_theirs_unless_it_says_utc(chat):
    await chat.text(SAO_PAULO, "!tz America/Sao_Paulo")
    text = await chat.text(SAO_PAULO, "!remind 5am")
    assert "15 minutes before each Thursday 05:00 session (São Paulo time)" in text, text
    text = await chat.text(SAO_PAULO, "!remind 2pm 90 minutes")
    assert "1 hour 30 minutes before each Thursday 14:00 session (São Paulo time)" in text, text
    text = await chat.text(SAO_PAULO, "!remind 5pm utc half an hour")
    assert "30 minutes before each Thursday 14:00 session (São Paulo time)" in text, text
    text = await chat.text(SAO_PAULO, "!remind 08h00 UTC")
    assert "15 minutes before each Thursday 05:00 session (São Paulo time)" in text, text
    text = await chat.text(SAO_PAULO, "!remind 17:00")
    assert "Thursday 17:00 UTC is Thursday 14:00 for you (São Paulo time): type !remind 14:00" in text, text


@pytest.mark.parametrize(
    ("typed", "lead"),
    [
        ("1h30m", "1 hour 30 minutes"),
        ("1 h 30", "1 hour 30 minutes"),
        ("1h 30min", "1 hour 30 minutes"),
        ("90 minutes", "1 hour 30 minutes"),
        ("90 min", "1 hour 30 minutes"),
        ("15 min before", "15 minutes"),
        ("15 minutes before", "15 minutes"),
        ("an hour", "1 hour"),
        ("half an hour", "30 minutes"),
        ("2 days", "2 days"),
        ("1d", "1 day"),
    ],
)
async def test_a_lead_is_taken_written_as_people_write_it(chat, typed, lead):
    text = await chat.text(ALICE, f"!remind all {typed}")
    assert f"Done: I will send you a direct message {lead} before every session" in text, text
    text = await chat.text(BOB, f"!remind 17:00 {typed}")
    assert f"Done: I will send you a direct message {lead} before each Thursday 17:00 session" in text, text


@pytest.mark.parametrize("typed", ["15 min before", "15 minutes before", "1h30m", "half an hour", "30m"])
async def test_a_lead_alone_is_for_every_session(chat, typed):
    text = await chat.text(ALICE, f"!remind {typed}")
    assert "before every session" in text, text


@pytest.mark.parametrize("word", ["stop", "none", "no", "off", "STOP"])
async def test_stop_none_and_no_mean_off(chat, word):
    await chat.text(ALICE, "!remind all 1h")
    assert "Done: no more reminders by direct message." in await chat.text(ALICE, f"!remind {word}")
    assert "You get no reminders" in await chat.text(ALICE, "!remind")


@pytest.mark.parametrize("word", ["stop", "none", "no"])
async def test_one_slot_is_stopped_with_stop_none_or_no(chat, word):
    await chat.text(ALICE, "!remind all 1h")
    text = await chat.text(ALICE, f"!remind 17:00 {word}")
    assert "Done: no more reminders before the Thursday 17:00 sessions (UTC)" in text, text


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("12am", "'12am' is midnight"),
        ("midnight", "'midnight' could be the start or the end of a day"),
        ("25:00", "'25:00' is not a time of day"),
        ("13pm", "'13pm' is not a time of day"),
        ("8:60", "'8:60' is not a time of day"),
        ("soon", "'soon' is neither a time nor a lead"),
        ("all 0m", "LEAD: '0m' is too short: a reminder comes 5 minutes to 2 days before a session."),
        ("all 3 days", "LEAD: '3 days' is too long"),
        ("8am 49 hours", "LEAD: '49 hours' is too long"),
        ("all soon", "LEAD: 'soon' is not a time before the session"),
    ],
)
async def test_what_is_no_time_or_lead_is_refused_in_one_line_saying_what_to_type(chat, typed, said):
    text = await chat.text(ALICE, f"!remind {typed}")
    first, usage = text.splitlines()
    assert said in first, text
    assert usage == "Usage: !remind [TIME|all|off] [LEAD|off]", text
    if not typed.startswith("all"):
        assert "8am" in first or "1h30m" in first or "LEAD" in first, text
    assert "You get no reminders" in await chat.text(ALICE, "!remind"), "nothing changed"


async def test_remind_in_spanish_and_portuguese(chat):
    await chat.text(ALICE, "!lang es")
    await chat.text(ALICE, "!tz Europe/Madrid")
    assert await chat.text(ALICE, "!remind") == (
        "No recibes recordatorios. Pide un mensaje directo antes de cada sesión con !remind all, o antes de un"
        " horario con !remind HH:MM (jueves a las 09:00 y jueves a las 18:00, hora de Madrid)."
    )
    assert (await chat.text(ALICE, "!remind 09:00")).startswith(
        "Listo: te enviaré un mensaje directo 15 minutos antes de cada sesión del jueves a las 09:00 (hora de"
        " Madrid); el próximo llega el jue, 26 nov, 08:45, antes de la sesión del jueves, 26 de noviembre, 08:00 UTC"
    )
    assert (await chat.text(ALICE, "!remind all 3d")).startswith(
        "!remind: LEAD: '3d' es demasiado tiempo: un recordatorio llega entre 5 minutos y 2 días antes de una sesión."
    )
    assert "LEAD: '1y' no es un tiempo antes de la sesión: escríbelo como 15m, 1h30m, media hora o 2 días." in (
        await chat.text(ALICE, "!remind all 1y")
    )
    assert "Listo" in await chat.text(ALICE, "!remind all media hora"), "the examples read as written"
    await chat.text(BOB, "!lang pt-BR")
    assert "15m, 1h30m, meia hora ou 2 dias." in await chat.text(BOB, "!remind all 1y")
    await chat.text(BOB, "!remind all 1h")
    assert (
        await chat.text(BOB, "!remind")
        == "Você recebe uma mensagem direta 1 hora antes de cada sessão. Pare com !remind off."
    )
    assert await chat.text(BOB, "!remind off") == (
        "Pronto: não haverá mais lembretes por mensagem direta. Até agora: 1 hora antes de cada sessão."
        " Peça de novo com !remind all."
    )
    assert await chat.text(BOB, "!remind off") == "Você não tinha lembretes; nada mudou."


async def test_a_lead_in_spanish_and_portuguese_words(chat):
    await chat.say(ALICE, "!lang es")
    assert "un mensaje directo 2 horas antes de todas las sesiones" in await chat.text(ALICE, "!remind 2 horas")
    assert "1 día antes de cada sesión del jueves a las 08:00" in await chat.text(ALICE, "!remind 8:00 1 dia")
    await chat.say(BOB, "!lang pt-BR")
    assert "1 dia antes de todas as sessões" in await chat.text(BOB, "!remind all 1 día")
    assert "30 minutos antes de todas as sessões" in await chat.text(BOB, "!remind 30 minutos antes")
