"""commands/volunteering.py: !host and !unhost."""

import datetime as dt

from bot.features.people import repository as people
from bot.features.sessions import repository
from tests.conftest import ALICE, BOB, HOST, ORGANISER

UTC = dt.UTC
MORNING = "2026-11-26 08:00"


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=UTC)


async def test_host_for_a_given_or_the_next_session(chat):
    text = await chat.text(ALICE, "!host 2026-12-03 17:00")
    assert "volunteered to host the session of Thursday 3 December, 17:00 UTC, in 10 days 5 hours." in text, text
    assert "already volunteered" in await chat.text(ALICE, "!host 2026-12-03 17:00")
    assert await repository.volunteers_of(chat.store, "2026-12-03 17:00") == [ALICE]
    text = await chat.text(BOB, "!host 2026-12-03")
    assert "more than one session: add the time (UTC): !host 2026-12-03 08:00 or !host 2026-12-03 17:00" in text
    assert "Usage: !host" in text
    text = await chat.text(BOB, "!host 2026-12-03 09:00")
    assert "There is no session at 09:00 UTC on 2026-12-03; that day has 08:00 and 17:00 UTC." in text, text
    assert "Also volunteered: @alice:example.org" in await chat.text(BOB, "!host 2026-12-03 17:00")
    assert "2026-11-19 is in the past" in await chat.text(BOB, "!host 2026-11-19 08:00")
    await chat.say(ORGANISER, "!cancel 2026-11-26 08:00")
    assert "volunteered to host the session of Thursday 26 November, 17:00" in await chat.text(BOB, "!host"), (
        "the next not cancelled"
    )
    text = await chat.text(BOB, "!host 2026-11-26 08:00")
    assert text.startswith("The session of Thursday 26 November, 08:00 UTC is cancelled, so it needs no host."), text
    assert "!uncancel 2026-11-26 08:00 UTC" in text, "an organiser can restore it, and then it needs a host"


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
            assert f"Usage: {command} [YYYY-MM-DD TIME]" in text and "unexpectedly" not in text, text
            assert len(text.splitlines()) == 2, text
    assert await repository.offers_of(chat.store, ALICE) == []


async def test_host_takes_dates_from_today_to_exactly_a_year_ahead(make_chat, make_config):
    config = make_config(conference={"slots": ["Thursday 08:00", "Friday 08:00", "Saturday 08:00"]})
    chat = await make_chat(config, start=at(26, 7))  # Thursday 26 November 2026, 07:00
    assert "volunteered to host the session of Thursday 26 November, 08:00" in await chat.text(
        ALICE, "!host 2026-11-26 08:00"
    )
    assert "volunteered to host the session of Friday 26 November 2027, 08:00" in await chat.text(
        ALICE, "!host 2027-11-26 08:00"
    )
    text = await chat.text(ALICE, "!host 2027-11-27 08:00")
    assert "2027-11-27 is too far ahead" in text and "up to a year ahead (2027-11-26)" in text
    assert "2026-11-25 is in the past" in await chat.text(ALICE, "!host 2026-11-25")
    assert await repository.offers_of(chat.store, ALICE) == ["2026-11-26 08:00", "2027-11-26 08:00"]
    assert "no longer offer to host the session of Friday 26 November 2027, 08:00" in await chat.text(
        ALICE, "!unhost 2027-11-26 08:00"
    )
    assert "no longer offer to host the session of Thursday 26 November, 08:00" in await chat.text(
        ALICE, "!unhost 2026-11-26"
    )


async def test_today_is_the_date_in_the_conference_zone(make_chat, make_config):
    # 12:00 UTC on Wednesday 25 November is 02:00 on Thursday 26 November in Kiritimati (UTC+14).
    config = make_config(conference={"timezone": "Pacific/Kiritimati", "slots": ["Wednesday 08:00", "Thursday 08:00"]})
    chat = await make_chat(config, start=at(25, 12))
    # Thursday 08:00 there is Wednesday 18:00 UTC: a date and time in the asker's zone (UTC
    # for someone with none), today being the date in that zone.
    text = await chat.text(ALICE, "!host 2026-11-24 18:00")
    assert "2026-11-24 is in the past: give a date from today (2026-11-25)" in text, text
    text = await chat.text(ALICE, "!host 2026-11-25 18:00")
    assert "volunteered to host the session of Wednesday 25 November, 18:00 UTC" in text, text
    assert await repository.volunteers_of(chat.store, "2026-11-26 08:00") == [ALICE], "named in the conference zone"
    await chat.say(BOB, "!tz Pacific/Kiritimati")
    text = await chat.text(BOB, "!host 2026-11-26 08:00")
    assert (
        "volunteered to host the session of Wednesday 25 November, 18:00 UTC (Thu 26 Nov 08:00 in Kiritimati)" in text
    ), text


async def test_an_offer_stored_for_a_date_out_of_range_does_not_break_unhost(make_chat, make_config):
    """Offers taken before dates were checked may name a date the zone can't convert."""
    chat = await make_chat(make_config(conference={"timezone": "America/New_York"}))
    await repository.volunteer(chat.store, "9999-12-31 20:00", ALICE, at(23, 12))
    await chat.say(ALICE, "!host 2026-12-03 13:00")  # 08:00 in New York
    assert "no longer offer to host the session of Thursday 3 December, 13:00 UTC" in await chat.text(ALICE, "!unhost")
    assert "have not offered to host any coming session" in await chat.text(ALICE, "!unhost")


async def test_unhost_withdraws_an_offer_for_the_given_or_the_next_session(chat):
    await chat.say(ALICE, "!host 2026-12-03 17:00")
    await chat.say(ALICE, "!host 2026-12-10 08:00")
    await chat.say(BOB, "!host 2026-12-03 17:00")
    text = await chat.text(ALICE, "!unhost")
    assert "no longer offer to host the session of Thursday 3 December, 17:00" in text, (
        "the next one offered, not 2026-11-26"
    )
    assert "still offer to host:\n• Thursday 10 December, 08:00 UTC · !unhost 2026-12-10 08:00" in text
    assert await repository.volunteers_of(chat.store, "2026-12-03 17:00") == [BOB]
    text = await chat.text(ALICE, "!unhost 2026-12-03 17:00")
    assert (
        "had not volunteered to host the session of Thursday 3 December, 17:00" in text
        and "nothing to withdraw" in text
    )
    text = await chat.text(ALICE, "!unhost 2026-12-10 08:00")
    assert (
        "no longer offer to host the session of Thursday 10 December, 08:00" in text
        and "Nobody else has volunteered" in text
    )
    assert await repository.volunteers_of(chat.store, "2026-12-10 08:00") == []
    assert "have not offered to host any coming session" in await chat.text(ALICE, "!unhost")


async def test_unhost_with_a_bad_session_gets_the_usage_line(chat):
    text = await chat.text(ALICE, "!unhost 2026-12-03")
    assert "more than one session: add the time (UTC): !unhost 2026-12-03 08:00 or !unhost 2026-12-03 17:00" in text
    assert "Usage: !unhost" in text
    assert "no session at 09:00" in await chat.text(ALICE, "!unhost 2026-12-03 09:00")
    assert "Usage: !unhost [YYYY-MM-DD TIME]" in await chat.text(ALICE, "!unhost tomorrow")


async def test_unhost_is_refused_once_the_session_started_but_not_while_it_waits(chat):
    await chat.say(ALICE, "!host 2026-11-26 08:00")
    await chat.say(BOB, "!host 2026-11-26 08:00")
    chat.clock.set(at(26, 8, 5))  # waiting for its host: Bob cannot make it after all
    assert "no longer offer to host the session of Thursday 26 November, 08:00" in await chat.text(BOB, "!unhost")
    await chat.say(ALICE, "!start")
    text = await chat.text(ALICE, "!unhost 2026-11-26 08:00")
    assert "already started" in text and "!end" in text
    assert await repository.volunteers_of(chat.store, MORNING) == [ALICE]
    assert "is for hosts only" not in await chat.text(ALICE, "!end"), "still its host"
    chat.clock.set(at(26, 12))
    assert "is over" in await chat.text(ALICE, "!unhost 2026-11-26 08:00")


async def test_unhost_has_help_for_everyone(chat):
    assert "!unhost [YYYY-MM-DD TIME]" in await chat.text(ALICE, "!help all")
    assert "Withdraw your offer to host" in await chat.text(ALICE, "!help unhost")


async def test_host_and_unhost_name_their_arguments_and_read_times_alike(chat):
    text = await chat.text(ALICE, "!host foo")
    assert text.splitlines()[0] == "!host: YYYY-MM-DD: 'foo' is not a date (YYYY-MM-DD).", text
    text = await chat.text(ALICE, "!host 2026-11-26 foo")
    assert text.splitlines()[0] == (
        "!host: TIME: 'foo' is not a time: write it like 8am, 5.30pm, 17:00 or 17:00 UTC."
    ), text
    for command in ("!host", "!unhost"):
        text = await chat.text(ALICE, f"{command} 2026-11-26 0800")
        assert f"did you mean {command} 2026-11-26 08:00?" in text, text
    assert "volunteered to host the session of Thursday 26 November, 08:00 UTC" in await chat.text(
        ALICE, "!host 2026-11-26 8am"
    )
    assert "no longer offer to host" in await chat.text(ALICE, "!unhost 2026-11-26 8 am")


KOLKATA = "Asia/Kolkata"


async def test_host_and_unhost_read_the_time_in_the_askers_zone(chat):
    """13:30 in Kolkata is the 08:00 UTC session; replies name it in UTC and in Kolkata."""
    await chat.say(ALICE, f"!tz {KOLKATA}")
    text = await chat.text(ALICE, "!host 2026-12-10 13:30")
    assert "volunteered to host the session of Thursday 10 December, 08:00 UTC (13:30 in Kolkata)" in text, text
    assert await repository.volunteers_of(chat.store, "2026-12-10 08:00") == [ALICE]
    text = await chat.text(ALICE, "!host 2026-12-10 08:00")
    assert text == (
        "!host: There is no session at 08:00 (Kolkata time) on 2026-12-10; that day has 13:30 and 22:30 there "
        "(08:00 and 17:00 UTC). Nothing was changed.\nUsage: !host [YYYY-MM-DD TIME]"
    ), text
    text = await chat.text(ALICE, "!host 2026-12-10 17:00 UTC")
    assert "volunteered to host the session of Thursday 10 December, 17:00 UTC (22:30 in Kolkata)" in text, text
    text = await chat.text(ALICE, "!host 2026-12-10")
    assert (
        "2026-12-10 has more than one session: add the time (Kolkata time): !host 2026-12-10 13:30 "
        "or !host 2026-12-10 22:30"
    ) in text, text
    text = await chat.text(ALICE, "!unhost 2026-12-10 13:30")
    assert "no longer offer to host the session of Thursday 10 December, 08:00 UTC (13:30 in Kolkata)" in text, text
    assert "Nobody else has volunteered to host it yet: !host 2026-12-10 13:30 to offer." in text, text
    assert (
        "You still offer to host:\n• Thursday 10 December, 17:00 UTC (22:30 in Kolkata) · !unhost 2026-12-10 22:30"
        in text
    )
    text = await chat.text(ALICE, "!unhost 2026-12-10 13:30")
    assert "had not volunteered to host the session of Thursday 10 December, 08:00 UTC (13:30 in Kolkata)" in text, text
    assert (
        "You offered to host:\n• Thursday 10 December, 17:00 UTC (22:30 in Kolkata) · !unhost 2026-12-10 22:30" in text
    )
    text = await chat.text(ALICE, "!unhost")
    assert "no longer offer to host the session of Thursday 10 December, 17:00 UTC (22:30 in Kolkata)" in text, text


async def test_a_date_alone_means_the_sessions_of_that_date_in_the_askers_zone(chat):
    # 17:00 UTC on Thursday 10 December is 06:00 on Friday 11 December in Auckland; the
    # 08:00 UTC session is 21:00 on Thursday there.
    await chat.say(ALICE, "!tz Pacific/Auckland")
    text = await chat.text(ALICE, "!host 2026-12-11")
    assert (
        "volunteered to host the session of Thursday 10 December, 17:00 UTC (Fri 11 Dec 06:00 in Auckland)" in text
    ), text
    text = await chat.text(ALICE, "!host 2026-12-10")
    assert "volunteered to host the session of Thursday 10 December, 08:00 UTC (21:00 in Auckland)" in text, text
    text = await chat.text(ALICE, "!host 2026-12-12")
    assert "There is no session on Saturday 2026-12-12 (Auckland time)." in text, text


async def test_host_takes_the_session_waiting_for_its_host_and_names_its_state(chat):
    await chat.say(ALICE, f"!tz {KOLKATA}")
    chat.clock.set(at(26, 8, 5))  # the 08:00 session waits for its host
    text = await chat.text(ALICE, "!host")
    assert text == (
        "Thank you! You volunteered to host the session of Thursday 26 November, 08:00 UTC (13:30 in Kolkata), "
        "which waits for its host: start it with !start."
    ), text
    await chat.say(HOST, "!start")
    text = await chat.text(BOB, "!host 2026-11-26 08:00")
    assert text == "The session of Thursday 26 November, 08:00 UTC is already running; @host:example.org started it.", (
        text
    )
    text = await chat.text(ALICE, "!unhost 2026-11-26 13:30")
    assert text.startswith("The session of Thursday 26 November, 08:00 UTC (13:30 in Kolkata) has already started"), (
        text
    )
    await chat.say(HOST, "!end")
    text = await chat.text(ALICE, "!host 2026-11-26 13:30")
    assert text.startswith("The session of Thursday 26 November, 08:00 UTC (13:30 in Kolkata) is over."), text
    assert "The next session is on Thursday 26 November, 17:00 UTC (22:30 in Kolkata)" in text, text


async def test_a_cancelled_session_needs_no_host_and_no_one_is_asked_to_volunteer(chat):
    await chat.say(ALICE, "!host 2026-12-03 08:00")
    await chat.say(ORGANISER, "!cancel 2026-12-03 08:00 the hall is closed")
    text = await chat.text(BOB, "!host 2026-12-03 08:00")
    assert text == (
        "The session of Thursday 3 December, 08:00 UTC is cancelled (the hall is closed), so it needs no host. "
        "If an organiser restores it with !uncancel 2026-12-03 08:00 UTC, you can volunteer then."
    ), text
    text = await chat.text(ALICE, "!unhost 2026-12-03 08:00")
    assert "You no longer offer to host the session of Thursday 3 December, 08:00 UTC" in text, text
    assert "It is cancelled, so it needs no host." in text, text
    assert "!host" not in text and "Nobody else" not in text, text
    assert await repository.volunteers_of(chat.store, "2026-12-03 08:00") == []


async def test_a_time_written_otherwise_is_answered_in_the_askers_zone(chat):
    await chat.say(ALICE, f"!tz {KOLKATA}")
    text = await chat.text(ALICE, "!host 2026-12-10 1330")
    assert "did you mean !host 2026-12-10 13:30?" in text, text
    text = await chat.text(ALICE, "!host 2026-12-10 0800")
    assert "There is no session at 0800 on 2026-12-10; that day has 13:30 and 22:30 (Kolkata time)." in text, text
    text = await chat.text(ALICE, "!host 2026-12-10 0800 UTC")
    assert "did you mean !host 2026-12-10 08:00 UTC?" in text, text
    text = await chat.text(ALICE, "!host 2026-12-10 8am")
    assert "There is no session at 08:00 (Kolkata time) on 2026-12-10; that day has 13:30 and 22:30" in text, text
    assert await repository.offers_of(chat.store, ALICE) == []
    assert "(13:30 in Kolkata)" in await chat.text(ALICE, "!host 2026-12-10 1:30pm")


async def test_host_and_unhost_answer_in_spanish(chat):
    await people.remember_display_name(chat.store, ALICE, "Alice")
    await people.remember_display_name(chat.store, BOB, "Bob")
    await chat.say(BOB, "!lang es")
    text = await chat.text(BOB, "!host 2026-12-03")
    assert text.startswith(
        "!host: El 2026-12-03 hay más de una sesión: añade la hora (UTC): "
        "!host 2026-12-03 08:00 o !host 2026-12-03 17:00"
    ), text
    await chat.say(ALICE, "!host 2026-12-03 17:00")
    text = await chat.text(BOB, "!host 2026-12-03 17:00")
    assert text == (
        "¡Gracias! Te ofreciste como anfitrión de la sesión del jueves, 3 de diciembre, 17:00 UTC, "
        "en 10 días y 5 horas.\n"
        "Puedes empezarla con !start desde 30 minutos antes de su hora; los anuncios te nombran y el último "
        "recordatorio te menciona.\n"
        "También se ofreció: Alice."
    ), text
    assert await chat.text(BOB, "!host 2026-12-03 17:00") == (
        "Ya te ofreciste como anfitrión de la sesión del jueves, 3 de diciembre, 17:00 UTC."
    )
    assert await chat.text(BOB, "!unhost") == (
        "Ya no te ofreces como anfitrión de la sesión del jueves, 3 de diciembre, 17:00 UTC. Gracias por avisar.\n"
        "Sigue ofreciéndose como anfitrión: Alice."
    )
    assert await chat.text(BOB, "!unhost") == (
        "No te ofreciste como anfitrión de ninguna sesión próxima, así que no hay nada que retirar."
    )


async def test_host_and_unhost_answer_in_portuguese(chat):
    await chat.say(ALICE, "!lang pt-BR")
    await chat.say(ORGANISER, "!cancel 2026-11-26 08:00 feriado")
    text = await chat.text(ALICE, "!host 2026-11-26 08:00")
    assert text == (
        "A sessão de quinta-feira, 26 de novembro, 08:00 UTC está cancelada (feriado), então não precisa de anfitrião. "
        "Se um organizador a restaurar com !uncancel 2026-11-26 08:00 UTC, você poderá se oferecer."
    ), text
    await chat.say(ALICE, "!host 2026-12-03 08:00")
    text = await chat.text(ALICE, "!unhost 2026-12-10 08:00")
    assert text == (
        "Você não tinha se oferecido como anfitrião da sessão de quinta-feira, 10 de dezembro, 08:00 UTC, então não "
        "há nada para retirar.\n"
        "Você se ofereceu como anfitrião de:\n"
        "• quinta-feira, 3 de dezembro, 08:00 UTC · !unhost 2026-12-03 08:00"
    ), text
    text = await chat.text(ALICE, "!unhost 2026-12-03 08:00")
    assert text == (
        "Você retirou sua oferta de ser anfitrião da sessão de quinta-feira, 3 de dezembro, 08:00 UTC. Obrigado por "
        "avisar.\n"
        "Ninguém mais se ofereceu como anfitrião ainda: !host 2026-12-03 08:00 para se oferecer."
    ), text
