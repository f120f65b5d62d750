"""commands/export.py: !export for organisers (configured or by power level), and the
CLI writing the very same bytes."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys
import textwrap

import pytest

from bot.cli import main
from bot.features.sessions import repository
from bot.features.site import service as site
from commands.web import render_page
from tests.conftest import ALICE, BOB, HOST, ORGANISER, ROOM, ROOT, SEED_FILE, SEED_TOPICS
from tests.helpers import fill


async def test_organiser_gets_the_file_named_by_the_clock_date(chat):
    await fill(chat)
    chat.clock.set(chat.clock.now().replace(month=12, day=4))
    [reply] = await chat.say(ORGANISER, "!export topics")
    assert reply.file is not None
    assert (reply.file.filename, reply.file.mimetype) == ("ccc-topics-2026-12-04.csv", "text/csv")
    assert reply.file.data.decode("utf-8-sig").startswith("number,text,suggested_by,")
    assert f"{len(SEED_TOPICS) + 4} topics" in reply.text and "ccc-topics-2026-12-04.csv" in reply.text
    assert reply.direct_to is None and reply.room_id is None, "the answer goes where it was asked"
    assert "a spreadsheet could mistake for a formula" in reply.text, "a CSV says why some cells begin with '"
    [json_reply] = await chat.say(ORGANISER, "!export topics json")
    assert "formula" not in json_reply.text, "nothing of the kind in JSON"


@pytest.mark.parametrize(
    ("command", "name", "mimetype"),
    [
        ("!export topics json", "ccc-topics-2026-12-03.json", "application/json"),
        ("!export attendance md", "ccc-attendance-2026-12-03.md", "text/markdown"),
        ("!export ATTENDANCE csv", "ccc-attendance-2026-12-03.csv", "text/csv"),
    ],
)
async def test_each_format_has_its_type(chat, command, name, mimetype):
    await fill(chat)
    [reply] = await chat.say(ORGANISER, command)
    assert (reply.file.filename, reply.file.mimetype) == (name, mimetype)
    if mimetype == "application/json":
        assert json.loads(reply.file.data)["schema_version"] == 4


async def test_participants_and_hosts_are_refused(chat):
    for who in (ALICE, HOST):
        [reply] = await chat.say(who, "!export topics")
        assert reply.file is None
        assert "is for organisers only" in reply.text


async def test_wrong_arguments_get_the_usage_line(chat):
    for command, problem in (
        ("!export", "topics or attendance is missing"),
        ("!export votes", "'votes' is not one of topics, attendance"),
        ("!export topics xlsx", "'xlsx' is not one of csv, json, md"),
        ("!export topics csv please", "unexpected 'please'"),
    ):
        text = await chat.text(ORGANISER, command)
        assert problem in text and "Usage: !export topics|attendance [csv|json|md]" in text, command


async def test_power_level_makes_an_organiser_while_it_lasts(chat):
    assert "for organisers only" in await chat.text(BOB, "!export topics")
    chat.power_levels[BOB] = 49
    assert "for organisers only" in await chat.text(BOB, "!export topics")
    chat.power_levels[BOB] = 50
    [reply] = await chat.say(BOB, "!export topics")
    assert reply.file is not None, "promoted: no restart needed"
    assert "!export" in await chat.text(BOB, "!help all")
    chat.power_levels[BOB] = 0
    assert "for organisers only" in await chat.text(BOB, "!export topics"), "demoted"
    del chat.power_levels[BOB]
    assert "for organisers only" in await chat.text(BOB, "!export topics")


async def test_the_power_level_needed_comes_from_the_config(make_chat, make_config):
    chat = await make_chat(make_config(roles={"organiser_power_level": 75}))
    chat.power_levels[BOB] = 50
    assert "for organisers only" in await chat.text(BOB, "!export topics")
    chat.power_levels[BOB] = 75
    assert (await chat.say(BOB, "!export topics"))[0].file is not None


# --- the CLI ---------------------------------------------------------------------------------------

# Runs the CLI in a fresh interpreter and checks on the way out that it never imported nio:
# exporting works wherever the database is, without the Matrix stack.
_CLI = textwrap.dedent(
    """
    import sys
    from bot.cli import main
    code = main(sys.argv[1:])
    assert "nio" not in sys.modules, "the export CLI imported nio"
    sys.exit(code)
    """
)


def write_config(tmp_path) -> str:
    """The same settings as the chat fixture's config, as a file."""
    path = tmp_path / "config.toml"
    path.write_text(
        textwrap.dedent(
            f"""
            [matrix]
            homeserver = "https://matrix.example.org"
            user_id = "@ccc-bot:example.org"
            rooms = ["{ROOM}"]
            [roles]
            organisers = ["{ORGANISER}"]
            [storage]
            database = "ccc.sqlite3"
            [topics]
            seed_file = "{SEED_FILE}"
            """
        )
    )
    return str(path)


async def cli(*args: str) -> tuple[int, bytes, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        _CLI,
        *args,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    return proc.returncode, out, err.decode()


async def test_chat_and_cli_exports_are_byte_identical(chat, tmp_path):
    await fill(chat)
    # Someone came to a session no host started (its start window closed for both clocks).
    came = dt.datetime(2026, 11, 26, 17, 4, tzinfo=dt.UTC)
    assert await repository.check_in(chat.store, "2026-11-26 17:00", BOB, came, repository.CheckInVia.COMMAND)
    config = write_config(tmp_path)
    assert chat.store.path == tmp_path / "ccc.sqlite3"
    for kind in ("topics", "attendance"):
        for fmt in ("csv", "json", "md"):
            [reply] = await chat.say(ORGANISER, f"!export {kind} {fmt}")
            out = tmp_path / f"cli.{kind}.{fmt}"
            # In this process, for speed: the subprocess runs are below.
            code = await asyncio.to_thread(main, ["export", kind, "--format", fmt, "-o", str(out), "-c", config])
            assert code == 0
            assert out.read_bytes() == reply.file.data, (kind, fmt)
            assert len(reply.file.data) > 100
            if kind == "attendance":
                assert b"not started" in reply.file.data


async def test_cli_exports_while_the_bot_is_writing(chat, tmp_path):
    """The running bot keeps its connection, even in the middle of a write: the CLI reads
    beside it (WAL) and sees what was committed."""
    numbers = await fill(chat)
    config = write_config(tmp_path)
    [expected] = await chat.say(ORGANISER, "!export topics json")

    async def export_in_the_middle(db):
        await db.execute("UPDATE topics SET text = 'not yet committed' WHERE id = ?", (numbers["pay"],))
        return await cli("export", "topics", "-f", "json", "-c", config)

    code, out, err = await chat.store.transaction(export_in_the_middle)
    assert code == 0, err
    assert out == expected.file.data, "standard output carries the file; the uncommitted change is not in it"


async def test_cli_writes_the_dated_name_into_a_directory_and_needs_a_database(tmp_path):
    config = write_config(tmp_path)
    code, _, err = await cli("export", "topics", "-c", config)
    assert code == 3 and "no database" in err
    assert not (tmp_path / "ccc.sqlite3").exists(), "exporting never creates a database"
    code, _, err = await cli("export", "topics", "--format", "xml", "-c", config)
    assert code == 2 and "invalid choice: 'xml'" in err


async def test_cli_output_directory(chat, tmp_path):
    await fill(chat)
    config = write_config(tmp_path)
    folder = tmp_path / "exports"
    code, _, err = await cli("export", "attendance", "-f", "md", "-o", f"{folder}/", "-c", config)
    assert code == 0, err
    [written] = list(folder.iterdir())
    assert written.name.startswith("ccc-attendance-") and written.suffix == ".md"
    assert "2 sessions, 3 check-ins" in err and "2 sessions, 3 check-ins." in written.read_text()


async def test_the_summary_the_exports_and_the_page_give_the_same_minutes(chat):
    """Started at 08:10:50, ended at 08:58:10: the summary reads 08:10-08:58, and everything
    says 48 minutes (47 minutes 20 seconds passed)."""
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 10, 50, tzinfo=dt.UTC))
    assert "has started" in await chat.text(HOST, "!start")
    chat.clock.set(dt.datetime(2026, 11, 26, 8, 58, 10, tzinfo=dt.UTC))
    assert "Duration: 48 minutes (08:10–08:58 UTC)." in await chat.text(HOST, "!end")
    [csv_reply] = await chat.say(ORGANISER, "!export attendance csv")
    header, row = csv_reply.file.data.decode("utf-8-sig").splitlines()
    assert dict(zip(header.split(","), row.split(","), strict=True))["duration_minutes"] == "48"
    [json_reply] = await chat.say(ORGANISER, "!export attendance json")
    assert json.loads(json_reply.file.data)["sessions"][0]["duration_minutes"] == 48
    [md_reply] = await chat.say(ORGANISER, "!export attendance md")
    assert (
        "| 2026-11-26 08:00 | Thursday 08:00 | held | @host:example.org | 2026-11-26T08:10:50Z"
        in md_reply.file.data.decode()
    )
    assert "| 2026-11-26T08:58:10Z | 48 | 1 |" in md_reply.file.data.decode()
    s = chat.services
    html = render_page(s.config, await site.page(s.store, s.config, s.clock.now()))
    assert "<td><b>1</b></td><td>48 minutes</td></tr>" in html


async def test_spanish_organiser_gets_the_csv_and_markdown_words_in_spanish(chat):
    await fill(chat)
    await chat.say(ORGANISER, "!lang es")
    [reply] = await chat.say(ORGANISER, "!export topics")
    text = reply.file.data.decode("utf-8-sig")
    assert text.startswith("número,texto,propuesto por,propuesto por (nombre),propuesto el,votos,estado,sesión,")
    assert ",tratado," in text and ",abierto," in text and ",retirado," in text and ",sí," in text
    md = (await chat.say(ORGANISER, "!export attendance md"))[0].file.data.decode()
    assert md.startswith("# Coop Casual Conference: asistencia\n\n2 sesiones, 3 registros de asistencia.")
    assert "| sesión | horario | estado | iniciada por | inicio | fin | minutos | presentes |" in md
    assert "| 2026-11-26 08:00 | jueves 08:00 | celebrada |" in md
    assert "## 2026-12-03 17:00 (jueves 17:00)\n\nNadie registró su asistencia." in md
    topics_md = (await chat.say(ORGANISER, "!export topics md"))[0].file.data.decode()
    assert "## Tratados (" in topics_md and "| antes (importado) |" in topics_md
    document = json.loads((await chat.say(ORGANISER, "!export attendance json"))[0].file.data)
    assert document["sessions"][0]["status"] == "held", "JSON keeps machine names for programs"


async def test_portuguese_organiser_gets_the_files_in_portuguese_and_english_stays_as_it_was(chat):
    await fill(chat)
    await chat.say(ORGANISER, "!lang pt-BR")
    [reply] = await chat.say(ORGANISER, "!export attendance")
    text = reply.file.data.decode("utf-8-sig")
    assert text.startswith("sessão,horário,iniciada por,início,fim,participante,check-in,minutos,")
    assert "quinta-feira 08:00" in text and ",realizada" in text and ",não," in text
    md = (await chat.say(ORGANISER, "!export topics md"))[0].file.data.decode()
    assert "| # | tema | sugerido por | sugerido em | votos | sessão | nota | minutos |" in md
    assert "## Abertos (2)" in md and "## Discutidos (" in md and "## Retirados (1)" in md
    await chat.say(ORGANISER, "!lang en")
    [again] = await chat.say(ORGANISER, "!export attendance")
    assert again.file.data.decode("utf-8-sig").startswith("session,slot,started_by,"), "English as before"
