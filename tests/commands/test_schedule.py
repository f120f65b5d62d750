import datetime as dt

import pytest

from bot.features.people import repository as people
from tests.conftest import ALICE, BOB, HOST, ORGANISER


async def test_link_gives_url_and_access_code(chat):
    reply = (await chat.say(ALICE, "!link"))[0]
    assert "https://bbb.example.org/b/ccc" in reply.text and "ccc" in reply.text
    assert '<a href="https://bbb.example.org/b/ccc">' in reply.html


async def test_tz_show_set_show(chat):
    assert "no time zone set, so times are shown in UTC. Set yours with your city: !tz Lyon" in await chat.text(
        ALICE, "!tz"
    )
    # the clock says 12:00 UTC; Berlin is UTC+1 in November
    assert "Your time zone is now Berlin (Europe/Berlin)" in await chat.text(ALICE, "!tz Europe/Berlin")
    text = await chat.text(ALICE, "!tz")
    assert "Your time zone is Berlin (Europe/Berlin)" in text and "13:00" in text
    assert "no time zone set" in await chat.text(BOB, "!tz"), "one user's zone is not another's"


@pytest.mark.parametrize(
    ("typed", "zone", "place"),
    [
        ("new york", "America/New_York", "New York"),
        ("America/New York", "America/New_York", "New York"),
        ("Berlin, Germany", "Europe/Berlin", "Berlin"),
        ("europe/berlin", "Europe/Berlin", "Berlin"),
        ("são paulo", "America/Sao_Paulo", "São Paulo"),
        ("sao paulo", "America/Sao_Paulo", "São Paulo"),
        ("SAO PAULO", "America/Sao_Paulo", "São Paulo"),
        ("kolkata", "Asia/Kolkata", "Kolkata"),
        ('"Kolkata, India"', "Asia/Kolkata", "Kolkata"),
        ("Asia/Calcutta", "Asia/Kolkata", "Kolkata"),
        ("utc", "UTC", "UTC"),
    ],
)
async def test_tz_names_as_people_type_them_are_set_and_the_zone_is_named(chat, typed, zone, place):
    text = await chat.text(ALICE, f"!tz {typed}")
    assert f"Your time zone is now {place}" in text and zone in text, text
    assert await people.get_timezone(chat.store, ALICE) == zone
    assert "Usage" not in text


@pytest.mark.parametrize("typed", ["Montréal", "montreal", "Montreal, Canada", "America/Montreal"])
async def test_tz_a_city_that_keeps_another_citys_time_is_set_to_that_zone_and_says_so(chat, typed):
    text = await chat.text(ALICE, f"!tz {typed}")
    assert f"{typed} uses America/Toronto time." in text, text
    assert "Your time zone is now Toronto (America/Toronto)" in text and "07:00 there now" in text, text
    assert "Nassau" not in text and "Usage" not in text, text
    assert await people.get_timezone(chat.store, ALICE) == "America/Toronto"


async def test_tz_a_zones_own_name_needs_no_explaining(chat):
    text = await chat.text(ALICE, "!tz Toronto")
    assert text.startswith("Your time zone is now Toronto (America/Toronto)") and "uses" not in text, text


async def test_tz_near_misses_are_suggested_and_not_stored(chat):
    for typed, meant in (
        ("Europe/Berln", "Europe/Berlin"),
        ("Berln", "Europe/Berlin"),
        ("new yrok", "America/New_York"),
        ("Germany", "Europe/Berlin"),
        ("Paris, Qwxyz", "Europe/Paris"),
    ):
        text = await chat.text(ALICE, f"!tz {typed}")
        assert f"did you mean {meant}" in text, (typed, text)
        assert "Usage: !tz [Area/City]" in text
    assert "no time zone set" in await chat.text(ALICE, "!tz"), "a near miss is not stored"
    text = await chat.text(ALICE, "!tz Qwxyz")
    assert "not a time zone" in text and "did you mean" not in text
    assert "use your nearest big city, e.g. Lyon, or Area/City" in text, "a city is a way forward"


# The clock says 12:00 UTC: 09:00 in São Paulo, 17:30 in Bengaluru, 13:00 in Lyon.
@pytest.mark.parametrize(
    ("typed", "zone", "place", "local"),
    [
        ("Brasilia", "America/Sao_Paulo", "Brasília, Brazil", "09:00"),
        ("Brasília", "America/Sao_Paulo", "Brasília, Brazil", "09:00"),
        ("Porto Alegre", "America/Sao_Paulo", "Porto Alegre, Brazil", "09:00"),
        ("Lyon", "Europe/Paris", "Lyon, France", "13:00"),
        ("Bangalore", "Asia/Kolkata", "Bengaluru, India", "17:30"),
        ("Bengaluru", "Asia/Kolkata", "Bengaluru, India", "17:30"),
        ("Mumbai", "Asia/Kolkata", "Mumbai, India", "17:30"),
        ("NYC", "America/New_York", "New York City, New York, United States", "07:00"),
        ("LA", "America/Los_Angeles", None, "04:00"),
        ("SF", "America/Los_Angeles", "San Francisco, California, United States", "04:00"),
        ("CDMX", "America/Mexico_City", None, "06:00"),
        ("Barcelona", "Europe/Madrid", "Barcelona, Spain", "13:00"),
        ("Manchester", "Europe/London", "Manchester, United Kingdom", "12:00"),
        ("Madrid, España", "Europe/Madrid", None, "13:00"),
        ("Guadalajara, México", "America/Mexico_City", "Guadalajara, Mexico", "06:00"),
        ("Hamburg, Deutschland", "Europe/Berlin", "Hamburg, Germany", "13:00"),
        ("Paris, Texas", "America/Chicago", "Paris, Texas, United States", "06:00"),
        ("Portland, Oregon", "America/Los_Angeles", "Portland, Oregon, United States", "04:00"),
    ],
)
async def test_tz_a_city_people_name_is_set_to_its_zone_and_named(chat, typed, zone, place, local):
    text = await chat.text(ALICE, f"!tz {typed}")
    assert await people.get_timezone(chat.store, ALICE) == zone, text
    assert f"({zone}); it is {local} there now" in text and "Usage" not in text, text
    if place is not None:
        assert f"{place} uses {zone} time." in text, text
    else:
        assert "uses" not in text, "the zone is named for the city found"


@pytest.mark.parametrize(
    ("typed", "zone", "place"),
    [
        ("São Paulo, Brasil", "America/Sao_Paulo", "São Paulo"),
        ("Sao Paulo Brazil", "America/Sao_Paulo", "São Paulo"),
        ("Lagos", "Africa/Lagos", "Lagos"),
        ("Nairobi", "Africa/Nairobi", "Nairobi"),
        ("Toronto", "America/Toronto", "Toronto"),
        ("Paris", "Europe/Paris", "Paris"),
    ],
)
async def test_tz_a_city_that_names_its_zone_needs_no_explaining(chat, typed, zone, place):
    text = await chat.text(ALICE, f"!tz {typed}")
    assert text.startswith(f"Your time zone is now {place} ({zone})"), text
    assert await people.get_timezone(chat.store, ALICE) == zone


async def test_tz_a_city_in_several_zones_lists_the_choices_and_sets_nothing(chat):
    text = await chat.text(ALICE, "!tz Portland")
    assert "'Portland' is more than one place" in text, text
    assert "did you mean Portland, Oregon (America/Los_Angeles), Portland, Maine (America/New_York)" in text, text
    assert "Usage: !tz [Area/City]" in text
    text = await chat.text(ALICE, "!tz Springfield")
    assert "Springfield, Missouri (America/Chicago)" in text and "Springfield, Massachusetts" in text, text
    assert await people.get_timezone(chat.store, ALICE) is None, "nothing is set"


async def test_tz_a_country_in_its_own_language_is_a_country(chat):
    text = await chat.text(ALICE, "!tz Brasil")
    assert "'Brasil' has more than one time zone" in text and "America/Sao_Paulo" in text, text
    assert "Europe/Berlin" in await chat.text(ALICE, "!tz Deutschland")


# The clock is Monday 23 November 2026 (winter in the north).
@pytest.mark.parametrize(
    ("typed", "meant", "wrong"),
    [
        ("EST", ["America/New_York", "America/Toronto"], ["UTC"]),
        ("est", ["America/New_York"], []),
        ("CET", ["Europe/Berlin", "Europe/Paris"], []),
        ("GMT", ["UTC", "Europe/London"], []),
        ("IST", ["Asia/Kolkata", "Asia/Jerusalem"], []),
        ("Etc/GMT+1", ["UTC-1", "Atlantic/Cape_Verde"], ["Europe/Berlin"]),
        ("UTC+1", ["Europe/Berlin", "Europe/Paris"], ["did you mean UTC", "UTC or"]),
        ("UTC +1", ["Europe/Berlin"], []),
        ("GMT-3", ["America/Sao_Paulo"], []),
        ("+05:30", ["Asia/Kolkata"], []),
        ("UTC+0", ["did you mean UTC", "Europe/London"], []),
        ("EST5EDT", ["America/New_York"], []),
    ],
)
async def test_tz_refuses_abbreviations_and_offsets_and_offers_places(chat, typed, meant, wrong):
    text = await chat.text(ALICE, f"!tz {typed}")
    assert "Usage: !tz [Area/City]" in text
    for zone in meant:
        assert zone in text, (typed, text)
    for zone in wrong:
        assert zone not in text, (typed, text)
    assert await people.get_timezone(chat.store, ALICE) is None, "nothing is set"


async def test_tz_explains_what_is_wrong_with_an_abbreviation_or_an_offset(chat):
    text = await chat.text(ALICE, "!tz EST")
    assert "'EST' is an abbreviation, not a place" in text and "summer time" in text
    text = await chat.text(ALICE, "!tz UTC+1")
    assert "'UTC+1' is an offset, not a place" in text and "a place at UTC+1 now" in text
    assert "sign is reversed" in await chat.text(ALICE, "!tz Etc/GMT+1")


async def test_tz_shows_a_zone_stored_before_places_were_required_with_a_hint(chat):
    await people.set_timezone(chat.store, ALICE, "EST")
    text = await chat.text(ALICE, "!tz")
    assert "Your time zone is EST" in text and "not a place" in text and "America/New_York" in text


# --- !next ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "morning", "evening"),
    [
        (None, None, None),
        ("America/Los_Angeles", "(00:00 in Los Angeles)", "(09:00 in Los Angeles)"),
        ("Asia/Tokyo", "(17:00 in Tokyo)", "(Fri 27 Nov 02:00 in Tokyo)"),
    ],
)
async def test_next_in_utc_and_the_askers_zone(chat, zone, morning, evening):
    if zone:
        await chat.say(ALICE, f"!tz {zone}")
    lines = (await chat.text(ALICE, "!next")).splitlines()
    sessions = [line for line in lines if line.startswith("•")]
    assert len(sessions) == 2, "both slots"
    # the clock is Monday 23 November 12:00 UTC
    assert sessions[0].startswith("• Thursday 26 November, 08:00 UTC")
    assert sessions[0].endswith(", in 2 days 20 hours · no host yet")
    assert sessions[1].startswith("• Thursday 26 November, 17:00 UTC")
    assert sessions[1].endswith(", in 3 days 5 hours · no host yet")
    if zone:
        assert morning in sessions[0] and evening in sessions[1]
        assert zone not in "\n".join(lines), "zones are shown as places"
        # the date is said once when it is the same date there
        assert sessions[0].count("26 November") == 1
    else:
        # A city is enough now: the hint says so, the way a person would type it.
        assert any("set your time zone with your city: !tz Lyon" in line for line in lines), lines
    assert any("https://bbb.example.org/b/ccc" in line and "ccc" in line for line in lines)


async def test_next_shows_the_local_time_in_berlin_without_repeating_the_date(chat):
    await chat.say(ALICE, "!tz berlin")
    lines = (await chat.text(ALICE, "!next")).splitlines()
    sessions = [line for line in lines if line.startswith("•")]
    assert sessions[0].startswith("• Thursday 26 November, 08:00 UTC (09:00 in Berlin), in ")
    assert sessions[1].startswith("• Thursday 26 November, 17:00 UTC (18:00 in Berlin), in ")


async def test_next_shows_who_volunteered_to_host_each_session_without_pinging(chat):
    await people.remember_display_name(chat.store, ALICE, "Alice <b>A</b>")
    await people.remember_display_name(chat.store, BOB, "Bob")
    await chat.say(ALICE, "!host 2026-11-26 08:00")
    await chat.say(BOB, "!host 2026-11-26 08:00")
    reply = (await chat.say(HOST, "!next"))[0]
    lines = reply.text.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("• Thursday 26 November, 08:00"))
    second = next(i for i, line in enumerate(lines) if line.startswith("• Thursday 26 November, 17:00"))
    assert lines[first].endswith(" · hosts: Alice <b>A</b> and Bob"), "on the session's own line"
    assert lines[second].endswith(" · no host yet")
    assert lines[second + 1] == "Volunteer to host with !host 2026-11-26 17:00 (the session's date and time)."
    assert reply.mentions == () and "matrix.to" not in reply.html
    assert "<b>A</b>" not in reply.html, "display names are escaped"


async def test_next_hints_the_host_command_as_the_asker_types_it(make_chat, make_config):
    """`!host` reads a time in the asker's zone (UTC without one), so the hint is typed so."""
    chat = await make_chat(make_config(conference={"timezone": "Europe/Berlin"}))
    text = await chat.text(ALICE, "!next")
    assert "• Thursday 26 November, 07:00 UTC" in text
    assert "Volunteer to host with !host 2026-11-26 07:00 (" in text
    await chat.say(ALICE, "!tz Asia/Kolkata")
    assert "Volunteer to host with !host 2026-11-26 12:30 (" in await chat.text(ALICE, "!next")
    assert "volunteered to host the session of Thursday 26 November, 07:00 UTC" in await chat.text(
        ALICE, "!host 2026-11-26 12:30"
    )


async def test_next_shows_no_host_line_for_a_cancelled_session(chat):
    await chat.say(ALICE, "!host 2026-11-26 08:00")
    await chat.say(ORGANISER, "!cancel 2026-11-26 08:00 holiday")
    text = await chat.text(BOB, "!next")
    assert "26 November, 08:00 UTC" in text and "cancelled: holiday" in text
    assert "@alice" not in text, "a cancelled session needs no host"
    assert text.count("no host yet") == 2, "the evening and the next week's morning session"
    assert text.count("Volunteer to host") == 1, "how to volunteer, said once"


async def test_next_marks_cancelled_sessions_and_shows_the_one_after(chat):
    await chat.say(ORGANISER, "!cancel 2026-11-26 08:00 Thanksgiving <b>break</b>")
    reply = (await chat.say(ALICE, "!next"))[0]
    sessions = [line for line in reply.text.splitlines() if line.startswith("•")]
    assert len(sessions) == 3
    assert "26 November, 08:00 UTC" in sessions[0] and "cancelled: Thanksgiving <b>break</b>" in sessions[0]
    assert "26 November, 17:00 UTC" in sessions[1] and "cancelled" not in sessions[1]
    assert "3 December, 08:00 UTC" in sessions[2]
    assert "<b>break" not in reply.html


async def test_next_shows_a_running_session(chat):
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 1, tzinfo=dt.UTC))
    await chat.say(HOST, "!start")
    text = await chat.text(ALICE, "!next")
    assert "The session of Thursday 26 November, 08:00 UTC is running now" in text
    assert "• Thursday 26 November, 17:00 UTC" in text


async def test_next_shows_a_session_waiting_for_its_host_with_the_link(chat):
    import datetime as dt

    chat.clock.set(dt.datetime(2026, 11, 26, 8, 5, tzinfo=dt.UTC))
    text = await chat.text(ALICE, "!next")
    waiting = next(line for line in text.splitlines() if "Thursday 26 November, 08:00 UTC" in line)
    assert "began 5 minutes ago" in waiting and "waiting for its host" in waiting, text
    assert "!here" in text and "!host" in text and "access code" in text
    # It is the first thing said, before the sessions still to come.
    assert text.index("Thursday 26 November, 08:00 UTC") < text.index("17:00 UTC")


async def test_next_lists_a_session_started_early_once(chat):
    import datetime as dt

    chat.clock.set(dt.datetime(2026, 11, 26, 7, 31, tzinfo=dt.UTC))
    assert "has started" in await chat.text(HOST, "!start")
    text = await chat.text(ALICE, "!next")
    assert "is running now" in text
    assert "• Thursday 26 November, 08:00 UTC" not in text, "the running session is not also listed as coming"
    assert text.count("Thursday 26 November, 08:00 UTC") == 1, "named once, as running"
    assert "no host yet" not in text.split("17:00 UTC")[0]
    assert "Thursday 26 November, 17:00 UTC" in text and "Thursday 3 December, 08:00 UTC" in text


async def cancel_three_thursdays(chat) -> None:
    """2027-01-07 and 2027-01-21 cancelled whole, 2027-01-14 17:00 alone."""
    for typed in ("2027-01-07 new year", "2027-01-14 17:00 board meeting", "2027-01-21 <b>retreat</b>"):
        assert "Cancelled" in await chat.text(ORGANISER, f"!cancel {typed}")


async def test_next_shows_each_slots_next_held_session_however_many_before_it_are_cancelled(chat):
    await cancel_three_thursdays(chat)
    chat.clock.set(dt.datetime(2027, 1, 7, 17, 5, tzinfo=dt.UTC))
    reply = (await chat.say(ALICE, "!next"))[0]
    sessions = [line for line in reply.text.splitlines() if line.startswith("•")]
    assert [line.split(" UTC")[0] for line in sessions] == [
        "• Thursday 14 January, 08:00",
        "• Thursday 14 January, 17:00",
        "• Thursday 21 January, 17:00",
        "• Thursday 28 January, 17:00",
    ], "each slot up to its next held session, in time order; 21 and 28 January 08:00 are not the slot's next"
    assert sessions[1].endswith("cancelled: board meeting")
    assert sessions[2].endswith("cancelled: <b>retreat</b>")
    assert "cancelled" not in sessions[0] + sessions[3]
    assert "<b>retreat" not in reply.html
    assert reply.text.count("· no host yet") == 2, "each held session says it has no host"
    assert reply.text.count("Volunteer to host") == 1, "how to volunteer, said once"


async def test_next_shows_a_slot_that_resumes_after_a_long_break(chat):
    for week in range(8):
        day = dt.date(2026, 11, 26) + dt.timedelta(weeks=week)
        await chat.say(ORGANISER, f"!cancel {day} 17:00 winter break")
    text = await chat.text(ALICE, "!next")
    assert "Thursday 21 January 2027, 17:00 UTC" in text, "the evening slot resumes after eight weeks"
    assert "Thursday 26 November, 08:00 UTC" in text


async def test_next_while_a_session_waits_names_it_in_the_askers_zone_with_its_volunteers_and_how_to_join(chat):
    await people.remember_display_name(chat.store, ALICE, "Alice <b>A</b>")
    await chat.say(ALICE, "!host 2026-11-26 08:00")
    await chat.say(BOB, "!tz Asia/Kolkata")
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 6, tzinfo=dt.UTC))
    reply = (await chat.say(BOB, "!next"))[0]
    lines = reply.text.splitlines()
    waiting = next(i for i, line in enumerate(lines) if "Thursday 26 November, 08:00 UTC (13:30 in Kolkata)" in line)
    assert "began 6 minutes ago" in lines[waiting] and "waiting for its host" in lines[waiting], reply.text
    block = "\n".join(lines[waiting : waiting + 3])
    assert "Volunteered to host: Alice <b>A</b>" in block, reply.text
    assert "https://bbb.example.org/b/ccc" in block and "access code ccc" in block
    assert "check in with !here" in block
    assert reply.mentions == () and "matrix.to" not in reply.html and "<b>A</b>" not in reply.html
    # It comes first, then the sessions still to come.
    assert reply.text.index("13:30 in Kolkata") < reply.text.index("• Thursday 26 November, 17:00 UTC")


async def test_next_while_a_session_waits_with_no_volunteer_says_anyone_can_host_it(chat):
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 6, tzinfo=dt.UTC))
    text = await chat.text(ALICE, "!next")
    assert "Thursday 26 November, 08:00 UTC began 6 minutes ago" in text
    assert "No host yet: anyone can host it with !host then !start" in text


async def test_next_names_the_running_session_in_the_askers_zone(chat):
    await chat.say(BOB, "!tz Asia/Kolkata")
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 1, tzinfo=dt.UTC))
    await chat.say(HOST, "!start")
    assert "The session of Thursday 26 November, 08:00 UTC (13:30 in Kolkata) is running now" in await chat.text(
        BOB, "!next"
    )


# --- the zone from the Matrix profile ---------------------------------------------------


class ProfileZones:
    """Stands in for the homeserver's profiles (`m.tz`), counting the reads."""

    def __init__(self, chat, **zones: str):
        self.zones = {f"@{name}:example.org": zone for name, zone in zones.items()}
        self.reads = 0
        chat.services.profile_zones.read = self.read

    async def read(self, user_id: str) -> str | None:
        self.reads += 1
        return self.zones.get(user_id)


async def test_next_shows_times_in_the_zone_of_the_profile_for_who_set_none(chat):
    profiles = ProfileZones(chat, alice="Asia/Kolkata")
    text = await chat.text(ALICE, "!next")
    assert "• Thursday 26 November, 08:00 UTC (13:30 in Kolkata), in " in text
    assert "set your time zone" not in text
    assert "(13:30 in Kolkata)" not in await chat.text(BOB, "!next"), "one person's profile is not another's"
    for _ in range(5):
        await chat.text(ALICE, "!next")
    assert profiles.reads == 2, "each profile read once, not at each message"


async def test_tz_says_the_zone_comes_from_the_profile_and_a_zone_set_by_hand_wins(chat):
    ProfileZones(chat, alice="Asia/Kolkata")
    text = await chat.text(ALICE, "!tz")
    assert "Your time zone is Kolkata (Asia/Kolkata); it is 17:30 there now." in text
    assert "It comes from your Matrix profile; set another here with your city: !tz Lyon" in text
    await chat.text(ALICE, "!tz Lyon")
    text = await chat.text(ALICE, "!tz")
    assert "Your time zone is Paris (Europe/Paris)" in text
    assert "You set it with !tz: it is used even if your Matrix profile gives another." in text
    assert "(09:00 in Paris)" in await chat.text(ALICE, "!next")


async def test_tz_without_a_zone_anywhere_says_times_are_utc_and_how_to_set_one(chat):
    ProfileZones(chat, alice="Not/A_Zone")
    text = await chat.text(ALICE, "!tz")
    assert "You have no time zone set, so times are shown in UTC." in text
    assert "!tz Lyon" in text and "or publish it in your Matrix profile." in text
    assert "Times are in UTC" in await chat.text(ALICE, "!next"), "an invalid zone falls back to UTC"


async def test_forgetme_drops_the_zone_read_from_the_profile(chat):
    profiles = ProfileZones(chat, alice="Asia/Kolkata")
    await chat.text(ALICE, "!next")
    mydata = await chat.text(ALICE, "!mydata")
    assert "time zone" not in mydata.lower(), "kept in memory, not stored"
    await chat.text(ALICE, "!forgetme")
    await chat.text(ALICE, "!forgetme confirm")
    await chat.text(ALICE, "!next")
    assert profiles.reads == 2, "read again after !forgetme"


async def test_tz_in_spanish_and_portuguese_names_the_zone_and_what_is_wrong_in_them(chat):
    await chat.text(ALICE, "!lang es")
    await chat.text(BOB, "!lang pt-BR")
    assert (await chat.text(ALICE, "!tz")).startswith(
        "No tienes zona horaria, así que las horas se muestran en UTC. Configura la tuya con tu ciudad: !tz Lima"
    )
    assert await chat.text(ALICE, "!tz Europe/Madrid") == (
        "Ahora tu zona horaria es Madrid (Europe/Madrid); allí son las 13:00."
    )
    assert (await chat.text(ALICE, "!tz")).splitlines() == [
        "Tu zona horaria es Madrid (Europe/Madrid); allí son las 13:00.",
        "La elegiste con !tz: se usa aunque tu perfil de Matrix indique otra.",
    ]
    assert (await chat.text(BOB, "!tz EST")).startswith(
        "!tz: 'EST' é uma abreviação, não um lugar: pode indicar vários relógios e não acompanha o horário de verão;"
        " você quis dizer America/New_York"
    )
    assert (await chat.text(BOB, "!tz Montreal")).splitlines() == [
        "Montreal usa o horário de America/Toronto.",
        "Agora seu fuso horário é Toronto (America/Toronto); lá agora são 07:00.",
    ]
