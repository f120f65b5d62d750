"""commands/stats.py: !stats, its table and its chart (drawn in a child process)."""

import datetime as dt
import re
import struct
import sys

from bot.core.clock import iso
from bot.features.schedule.repository import add_cancellation
from bot.features.sessions import chart
from tests.conftest import ALICE, BOB, HOST, ORGANISER, hold

UTC = dt.UTC


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def table_of(text: str) -> dict[str, int]:
    """The sessions and their check-ins, as the plain text's table lines them up."""
    return {k: int(v) for k, v in re.findall(r"^(\d{4}-\d\d-\d\d \d\d:\d\d) +(\d+)\b", text, re.M)}


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


async def test_stats_chart_and_table_match_the_database(chat):
    people = [f"@p{i}:example.org" for i in range(12)]
    held = {}
    day = dt.date(2026, 11, 19)
    for week in range(14):  # the two oldest fall outside the 12 weeks
        for hour in ("08:00", "17:00"):
            if (week + len(hour) + int(hour[:2])) % 5 == 0:
                continue  # some sessions were not held
            key = f"{day - dt.timedelta(weeks=week)} {hour}"
            held[key] = 1 + (week * 7 + int(hour[:2])) % len(people)
            await hold(chat, key, people[: held[key]])
    reply = (await chat.say(ALICE, "!stats"))[0]
    rows = await chat.store.fetchall(
        "SELECT s.key, COUNT(a.user_id) FROM sessions s JOIN attendance a ON a.session = s.key "
        "WHERE s.starts_at >= ? GROUP BY s.key",
        (iso(chat.clock.now() - dt.timedelta(weeks=12)),),
    )
    in_db = {r[0]: r[1] for r in rows}
    assert table_of(reply.text) == in_db
    assert {k: int(v) for k, v in re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td></tr>", reply.html)} == in_db
    assert len(in_db) < len(held), "sessions older than 12 weeks are left out"
    total = sum(in_db.values())
    assert f"{len(in_db)} sessions held, {total} check-ins" in reply.text
    assert reply.file.filename == "ccc-attendance.png" and reply.file.mimetype == "image/png"
    assert png_size(reply.file.data) == (800, 400)
    assert len(reply.file.data) > 10_000


async def test_stats_with_too_few_sessions_is_text_only(chat):
    reply = (await chat.say(ALICE, "!stats"))[0]
    assert reply.file is None and "No session has been held" in reply.text
    await hold(chat, "2026-11-19 08:00", [HOST, ALICE, BOB])
    reply = (await chat.say(ALICE, "!stats"))[0]
    assert reply.file is None
    assert reply.text.splitlines()[1:3] == ["Session           Check-ins", "2026-11-19 08:00          3"]
    assert "a chart needs at least two" in reply.text
    assert "1 session held, 3 check-ins, 3.0 per session on average" in reply.text


async def test_stats_counts_read_right_for_one(chat):
    await hold(chat, "2026-11-19 08:00", [HOST])
    text = await chat.text(ALICE, "!stats")
    assert "1 session held, 1 check-in, 1.0 per session" in text


async def test_stats_when_the_chart_cannot_be_drawn_still_answers_with_the_table(chat, monkeypatch, caplog):
    await hold(chat, "2026-11-12 08:00", [HOST, ALICE])
    await hold(chat, "2026-11-19 08:00", [HOST, ALICE, BOB])
    monkeypatch.setattr(chart, "child_command", lambda: [sys.executable, "-c", "import sys; sys.exit(3)"])
    reply = (await chat.say(ALICE, "!stats"))[0]
    assert reply.file is None
    assert table_of(reply.text)["2026-11-19 08:00"] == 3 and "could not be drawn" in reply.text
    assert "exit 3" in caplog.text


async def test_stats_draws_the_chart_outside_the_bot_process(chat, monkeypatch):
    """matplotlib would stay loaded (about 45 MB) in a bot that drew the chart itself."""
    await hold(chat, "2026-11-12 08:00", [HOST, ALICE])
    await hold(chat, "2026-11-19 08:00", [HOST, ALICE, BOB])

    def in_this_process(*args):
        raise AssertionError("the chart was drawn in the bot's own process")

    monkeypatch.setattr(chart, "draw", in_this_process)  # the child process has its own
    reply = (await chat.say(ALICE, "!stats"))[0]
    assert png_size(reply.file.data) == (800, 400)


async def came_to_a_session_nobody_started(chat) -> None:
    """The issue's Thursday: two people check in at 17:04 and 17:06, no host starts it."""
    chat.clock.set(at(26, 17, 4))
    assert "no host has started it yet" in await chat.text(ALICE, "!here")
    chat.clock.set(at(26, 17, 6))
    assert "no host has started it yet" in await chat.text(BOB, "!here")


async def test_check_ins_to_a_session_nobody_started_are_shown_as_not_started_never_held(chat):
    await came_to_a_session_nobody_started(chat)
    chat.clock.set(at(27, 12))
    text = await chat.text(BOB, "!stats")
    assert text.splitlines() == [
        "No session has been held in the last 12 weeks. Not held, though people came: 1 not started (2 check-ins).",
        "Session           Check-ins  Note",
        f"2026-11-26 17:00          2  not started (no host): {ALICE}, {BOB}",
    ]
    export = (await chat.say(ORGANISER, "!export attendance csv"))[0]
    rows = export.file.data.decode("utf-8-sig").splitlines()
    assert [row.split(",")[-4:] for row in rows[1:]] == [
        ["2026-11-26T17:04:00Z", "", "no", "not started"],
        ["2026-11-26T17:06:00Z", "", "no", "not started"],
    ]
    assert [row.split(",")[5] for row in rows[1:]] == [f'"{ALICE}"', f'"{BOB}"']
    assert "1 session, 2 check-ins (1 not started)" in export.text


async def test_a_session_nobody_started_stands_beside_those_held_and_counts_with_none_of_them(chat):
    await hold(chat, "2026-11-19 08:00", [HOST, ALICE, BOB])
    await hold(chat, "2026-11-26 08:00", [HOST])
    await came_to_a_session_nobody_started(chat)
    chat.clock.set(at(26, 17, 30))
    assert "waiting for its host (2 check-ins)" in await chat.text(BOB, "!stats")
    chat.clock.set(at(27, 12))
    text = await chat.text(BOB, "!stats")
    assert text.splitlines()[:5] == [
        "Attendance, last 12 weeks: 2 sessions held, 4 check-ins, 2.0 per session on average."
        " Not held, though people came: 1 not started (2 check-ins).",
        "Session           Check-ins  Note",
        "2026-11-19 08:00          3",
        "2026-11-26 08:00          1",
        f"2026-11-26 17:00          2  not started (no host): {ALICE}, {BOB}",
    ]


async def test_one_session_held_beside_one_not_started_is_too_few_for_a_chart(chat):
    await hold(chat, "2026-11-19 08:00", [HOST, ALICE])
    await came_to_a_session_nobody_started(chat)
    chat.clock.set(at(27, 12))
    [reply] = await chat.say(BOB, "!stats")
    assert reply.file is None
    too_few = "Only one session held so far: a chart needs at least two, so there is none yet."
    assert reply.text.splitlines()[-1] == too_few


async def test_a_session_called_off_once_people_had_come_is_shown_called_off(chat):
    chat.clock.set(at(26, 8, 4))
    assert "no host has started it yet" in await chat.text(ALICE, "!here")
    # Called off at 08:06, while it waited for its host (as !cancel does then).
    await add_cancellation(chat.store, "2026-11-26 08:00", "nobody can host", ORGANISER, at(26, 8, 6))
    chat.clock.set(at(27, 12))
    assert (await chat.text(BOB, "!stats")).splitlines() == [
        "No session has been held in the last 12 weeks. Not held, though people came: 1 called off (1 check-in).",
        "Session           Check-ins  Note",
        f"2026-11-26 08:00          1  called off: {ALICE}",
    ]


async def test_stats_reuses_the_chart_while_attendance_is_unchanged(chat, monkeypatch):
    drawn = []

    async def render(series, title, words=None):
        drawn.append(series)
        return chart.PNG_MAGIC + bytes([len(drawn)])

    monkeypatch.setattr(chart, "render", render)
    await hold(chat, "2026-11-12 08:00", [HOST, ALICE])
    await hold(chat, "2026-11-19 08:00", [HOST, ALICE, BOB])
    first = (await chat.say(ALICE, "!stats"))[0]
    again = (await chat.say(BOB, "!stats"))[0]
    assert len(drawn) == 1 and again.file.data == first.file.data
    await hold(chat, "2026-11-19 17:00", [HOST])
    changed = (await chat.say(ALICE, "!stats"))[0]
    assert len(drawn) == 2 and changed.file.data != first.file.data
    assert table_of(changed.text)["2026-11-19 17:00"] == 1


# --- !stats N: the last N weeks ---------------------------------------------------------


async def held_over_two_years(chat) -> dict[str, int]:
    """A session held every fourth Thursday morning for two years back from 2026-11-19,
    with 1 to 5 people; the count of each, by key."""
    held = {}
    for week in range(0, 104, 4):
        key = f"{dt.date(2026, 11, 19) - dt.timedelta(weeks=week)} 08:00"
        held[key] = 1 + week % 5
        await hold(chat, key, [f"@p{i}:example.org" for i in range(held[key])])
    return held


async def test_stats_n_shows_the_last_n_weeks_in_the_table_and_the_chart(chat, monkeypatch):
    drawn = []

    async def render(series, title, words=None):
        drawn.append((series, title))
        return chart.PNG_MAGIC + bytes([len(drawn)])

    monkeypatch.setattr(chart, "render", render)
    held = await held_over_two_years(chat)
    now = chat.clock.now()  # Monday 2026-11-23
    for weeks in (12, 52, 104):
        reply = (await chat.say(ALICE, f"!stats {weeks}"))[0]
        shown = {k: n for k, n in held.items() if dt.datetime.fromisoformat(f"{k}Z") >= now - dt.timedelta(weeks=weeks)}
        assert table_of(reply.text) == shown, weeks
        assert reply.text.startswith(
            f"Attendance, last {weeks} weeks: {len(shown)} sessions held, {sum(shown.values())} check-ins"
        ), reply.text
        series, title = drawn[-1]
        assert sorted(day for day, n in series["Thursday 08:00"] if n is not None) == sorted(k[:10] for k in shown)
        assert title.endswith(f"people per session, last {weeks} weeks"), title
        assert reply.file is not None
    assert table_of(await chat.text(ALICE, "!stats")) == table_of(await chat.text(ALICE, "!stats 12")), "default"
    assert table_of(await chat.text(ALICE, "!stats 52 weeks")) == table_of(await chat.text(ALICE, "!stats 52"))


async def test_stats_1_is_the_last_week(chat):
    await hold(chat, "2026-11-12 08:00", [HOST, ALICE])
    await hold(chat, "2026-11-19 08:00", [HOST, ALICE, BOB])
    await hold(chat, "2026-11-19 17:00", [HOST])
    reply = (await chat.say(ALICE, "!stats 1"))[0]
    assert reply.text.splitlines() == [
        "Attendance, last week: 2 sessions held, 4 check-ins, 2.0 per session on average.",
        "Session           Check-ins",
        "2026-11-19 08:00          3",
        "2026-11-19 17:00          1",
    ]
    assert png_size(reply.file.data) == (800, 400)
    chat.clock.set(at(30, 12))
    text = await chat.text(ALICE, "!stats 1")
    assert text == "No session has been held in the last week, so there is nothing to show yet.", text


async def test_stats_n_out_of_range_or_not_a_number_is_one_line_with_the_usage(chat):
    await hold(chat, "2026-11-19 08:00", [HOST, ALICE])
    for typed, error in (
        ("0", "N must be between 1 and 104 (weeks)"),
        ("105", "N must be between 1 and 104 (weeks)"),
        ("-3", "N: '-3' is below zero; give a whole number such as 3"),
        ("2.5", "N: '2.5' is not a whole number"),
        ("lots", "N: 'lots' is not a number of weeks, such as 52"),
        ("1 year", "N: '1 year' is not a number of weeks, such as 52"),
    ):
        replies = await chat.say(ALICE, f"!stats {typed}")
        assert len(replies) == 1 and replies[0].file is None, typed
        assert replies[0].text == f"!stats: {error}.\nUsage: !stats [N]", (typed, replies[0].text)


async def test_the_table_is_an_html_table_so_element_keeps_its_columns_apart(chat):
    """HTML folds runs of spaces: "2026-12-06 19:12  5" showed as "19:12 5" in Element."""
    await hold(chat, "2026-11-19 08:00", [HOST, ALICE, BOB])
    await came_to_a_session_nobody_started(chat)
    chat.clock.set(at(27, 12))
    [reply] = await chat.say(BOB, "!stats")
    assert "<table><thead><tr><th>Session</th><th>Check-ins</th><th>Note</th></tr></thead><tbody>" in reply.html
    assert "<tr><td>2026-11-19 08:00</td><td>3</td><td></td></tr>" in reply.html
    assert f"<tr><td>2026-11-26 17:00</td><td>2</td><td>not started (no host): {ALICE}, {BOB}</td></tr>" in reply.html
    assert "  " not in reply.html


async def test_stats_in_spanish_and_portuguese(chat):
    await chat.text(ALICE, "!lang es")
    await chat.text(BOB, "!lang pt-BR")
    assert await chat.text(ALICE, "!stats") == (
        "No se celebró ninguna sesión en las últimas 12 semanas, así que aún no hay nada que mostrar."
    )
    await hold(chat, "2026-11-19 08:00", [HOST, ALICE, BOB])
    await hold(chat, "2026-11-26 08:00", [HOST])
    chat.clock.set(at(26, 17, 4))
    assert "ningún anfitrión la ha iniciado todavía" in await chat.text(ALICE, "!here")
    chat.clock.set(at(26, 17, 6))
    assert "Presença marcada" in await chat.text(BOB, "!here")
    chat.clock.set(at(27, 12))
    assert (await chat.text(ALICE, "!stats")).splitlines()[:2] == [
        "Asistencia, últimas 12 semanas: 2 sesiones celebradas, 4 registros de asistencia, 2,0 por sesión en"
        " promedio. No celebradas, aunque vino gente: 1 no iniciada (2 registros de asistencia).",
        "Sesión            Asistencias  Nota",
    ]
    text = await chat.text(BOB, "!stats 1")
    assert text.splitlines()[0].startswith("Presença, última semana: 1 sessão realizada, 1 check-in, 1,0 por sessão")
    assert "2  não começou (sem anfitrião): @alice:example.org, @bob:example.org" in text
    assert text.splitlines()[-1] == (
        "Até agora só uma sessão foi realizada: um gráfico precisa de pelo menos duas, então ainda não há."
    )


def test_the_stats_help_gives_the_weeks_it_uses():
    from bot.features.sessions.statistics import STATS_MAX_WEEKS, STATS_WEEKS
    from commands.stats import group

    (spec,) = [c for c in group.commands if c.name == "stats"]
    assert f"({STATS_WEEKS} unless given, up to {STATS_MAX_WEEKS})" in spec.help


# --- the chart in the asker's language --------------------------------------------------


async def test_the_chart_speaks_the_askers_language(chat, monkeypatch):
    drawn = []

    async def render(series, title, words=None):
        drawn.append((title, words))
        return chart.PNG_MAGIC

    monkeypatch.setattr(chart, "render", render)
    await hold(chat, "2026-11-12 08:00", [HOST, ALICE])
    await hold(chat, "2026-11-19 08:00", [HOST, ALICE, BOB])
    await chat.say(ALICE, "!lang es")
    await chat.say(ALICE, "!stats")
    await chat.say(BOB, "!lang pt-BR")
    await chat.say(BOB, "!stats")
    (es_title, es), (pt_title, pt) = drawn
    assert es_title.endswith("personas por sesión, últimas 12 semanas") and es.checked_in == "asistentes"
    assert es.labels["Thursday 08:00"] == "jueves a las 08:00"
    assert es.days == {"2026-11-12": "12 nov", "2026-11-19": "19 nov"}
    assert pt_title.endswith("pessoas por sessão, últimas 12 semanas") and pt.checked_in == "presentes"
    assert pt.labels["Thursday 08:00"] == "quinta-feira às 08:00"
    assert pt.days == {"2026-11-12": "12 de nov.", "2026-11-19": "19 de nov."}


def test_the_charts_marks_and_a_span_over_new_year_in_spanish_and_portuguese():
    from bot.core.i18n import translator
    from commands.stats import chart_words

    series = {
        "Thursday 08:00": [("2025-12-18", 3), ("2026-01-08", 4)],
        chart.NOT_STARTED: [("2025-12-25", 2)],
        chart.CALLED_OFF: [("2026-01-01", 1)],
    }
    es = chart_words(series, translator("es"))
    assert es.labels == {
        "Thursday 08:00": "jueves a las 08:00",
        chart.NOT_STARTED: "no empezó (vino gente)",
        chart.CALLED_OFF: "suspendida (vino gente)",
    }
    assert es.days["2025-12-25"] == "25 dic 2025" and es.days["2026-01-08"] == "8 ene 2026"
    pt = chart_words(series, translator("pt-BR"))
    assert pt.labels[chart.NOT_STARTED] == "não começou (veio gente)"
    assert pt.labels[chart.CALLED_OFF] == "cancelada (veio gente)"
    assert pt.days["2026-01-08"] == "8 de jan. de 2026"
