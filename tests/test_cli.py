"""`ccc-bot run` and its start-up, as an operator meets them: as a process."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.devtools.localsynapse import free_port
from tests.conftest import ROOT, SEED_FILE
from tests.helpers import a_real_database


def closed_port() -> int:
    """A loopback port nothing listens on: a homeserver that is down."""
    return free_port()


def write_config(tmp_path: Path, matrix: str) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[matrix]\nhomeserver = "http://127.0.0.1:{closed_port()}"\nuser_id = "@ccc-bot:localhost"\n'
        f'encryption = false\n{matrix}\n[storage]\ndatabase = "bot.sqlite3"\nstate_dir = "state"\n'
        f'[topics]\nseed_file = "{SEED_FILE}"\n'
    )
    return config


def ccc_bot(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        **kwargs,
    )


def test_sigterm_while_the_homeserver_is_unreachable_stops_the_bot(tmp_path):
    config = write_config(tmp_path, 'access_token = "secret-token-123"')
    proc = ccc_bot("run", "-c", str(config))
    lines: list[str] = []
    retrying = threading.Event()

    def read() -> None:
        for line in proc.stdout:
            lines.append(line)
            if "Timed out, sleeping" in line:  # nio retrying its first request
                retrying.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        # Not a fixed wait: start-up takes more than 3 s on a loaded machine.
        assert retrying.wait(60), "".join(lines)
        assert proc.poll() is None, "".join(lines)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
        reader.join(10)
    finally:
        proc.kill()
    output = "".join(lines)
    assert proc.returncode == 0, output
    assert "stopped before start-up had finished" in output
    assert "Traceback" not in output and "secret-token-123" not in output


def test_a_missing_token_file_is_one_line_naming_the_key(tmp_path):
    config = write_config(tmp_path, f'access_token_file = "{tmp_path / "nope.txt"}"')
    proc = ccc_bot("run", "-c", str(config))
    output, _ = proc.communicate(timeout=30)
    assert proc.returncode == 3
    assert "matrix.access_token_file" in output and "Traceback" not in output


def test_a_damaged_session_file_says_to_log_in_again(tmp_path):
    config = write_config(tmp_path, "")
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "session.json").write_text("{not json")
    proc = ccc_bot("run", "-c", str(config))
    output, _ = proc.communicate(timeout=30)
    assert proc.returncode == 3
    assert "ccc-bot login" in output and "Traceback" not in output


# --- database faults: every command that opens the database answers in one line ---------

DB_COMMANDS = (["run"], ["console"], ["status"], ["export", "topics"])


def config_for(tmp_path: Path, database: Path | str) -> Path:
    config = tmp_path / "faults.toml"
    config.write_text(
        '[matrix]\nhomeserver = "http://127.0.0.1:9"\nuser_id = "@ccc-bot:localhost"\n'
        'access_token = "t"\nencryption = false\nrooms = ["!r:localhost"]\n'
        f'[storage]\ndatabase = "{database}"\nstate_dir = "{tmp_path / "state"}"\n'
        f'[topics]\nseed_file = "{SEED_FILE}"\n'
    )
    return config


def run_main(capsys, *args: str) -> tuple[int, str]:
    from bot.cli import main

    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def damaged_databases(tmp_path: Path) -> list[tuple[str, Path, str]]:
    good = a_real_database(tmp_path / "good.sqlite3")
    corrupt = bytearray(good)
    corrupt[108:300] = bytes(range(192))  # page 1: the schema's cell pointers
    files = {
        "corrupt": (bytes(corrupt), "damaged"),
        "truncated": (good[: len(good) // 3], "damaged"),
        "random": (bytes((i * 7919 + 13) % 256 for i in range(5000)), "not a SQLite database"),
    }
    out = []
    for name, (data, expected) in files.items():
        path = tmp_path / f"{name}.sqlite3"
        path.write_bytes(data)
        out.append((name, path, expected))
    if Path("/proc/version").exists():
        out.append(("proc", Path("/proc/version"), "not a SQLite database"))
    return out


def test_damaged_databases_get_one_line_and_stay_unchanged(tmp_path, capsys):
    import hashlib

    for name, path, expected in damaged_databases(tmp_path):
        config = config_for(tmp_path, path)
        checksum = hashlib.sha256(path.read_bytes()).hexdigest()
        for command in DB_COMMANDS:
            code, output = run_main(capsys, command[0], "-c", str(config), *command[1:])
            assert code != 0, (name, command, output)
            lines = output.strip().splitlines()
            assert len(lines) == 1, (name, command, output)
            assert str(path) in lines[0] and expected in lines[0], (name, command, output)
            assert hashlib.sha256(path.read_bytes()).hexdigest() == checksum, (name, command)


def test_a_missing_folder_or_read_only_database_gets_one_line(tmp_path, capsys):
    import hashlib

    missing = tmp_path / "nowhere" / "bot.sqlite3"
    for command in DB_COMMANDS:
        code, output = run_main(capsys, command[0], "-c", str(config_for(tmp_path, missing)), *command[1:])
        assert code != 0 and len(output.strip().splitlines()) == 1, (command, output)
        assert str(missing) in output, (command, output)
    assert not missing.parent.exists()

    folder = tmp_path / "data"
    folder.mkdir()
    database = folder / "bot.sqlite3"
    checksum = hashlib.sha256(a_real_database(database)).hexdigest()
    config = config_for(tmp_path, database)
    database.chmod(0o444)
    try:
        for command in (["run"], ["console"]):
            code, output = run_main(capsys, command[0], "-c", str(config))
            assert code != 0 and output.strip() == f"ccc-bot: {database}: the file is read-only; " + (
                "the bot needs to write it (check its owner and mode)"
            ), (command, output)
    finally:
        database.chmod(0o644)
    folder.chmod(0o555)
    try:
        code, output = run_main(capsys, "run", "-c", str(config))
        assert code != 0 and f"the folder {folder} is not writable" in output
        assert len(output.strip().splitlines()) == 1, output
        # reading needs no write access at all
        code, output = run_main(capsys, "export", "-c", str(config), "topics")
        assert code == 0, output
    finally:
        folder.chmod(0o755)
    assert hashlib.sha256(database.read_bytes()).hexdigest() == checksum


def test_export_and_status_never_migrate(tmp_path, capsys):
    import sqlite3

    from bot.storage.migrations import MIGRATIONS

    database = tmp_path / "old.sqlite3"
    before = a_real_database(database, MIGRATIONS[:-1])
    older = MIGRATIONS[-2].version
    config = config_for(tmp_path, database)
    for command in (["status"], ["export", "topics"], ["export", "attendance", "-f", "json"]):
        code, output = run_main(capsys, command[0], "-c", str(config), *command[1:])
        assert code != 0, (command, output)
        assert f"schema version {older}" in output and "ccc-bot run" in output, (command, output)
        assert len(output.strip().splitlines()) == 1, (command, output)
    with sqlite3.connect(database) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == older
    assert database.read_bytes() == before


def test_a_damaged_database_under_run_is_one_line_as_a_process(tmp_path):
    database = tmp_path / "bot.sqlite3"
    database.write_bytes(b"SQLite format 3\x00" + bytes(range(84)))
    proc = ccc_bot("run", "-c", str(config_for(tmp_path, database)))
    output, _ = proc.communicate(timeout=30)
    assert proc.returncode == 3
    lines = output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in output, output
    assert lines[0].startswith(f"ccc-bot: {database}: the database is damaged (")
    assert lines[0].endswith("restore it from a backup")


def test_status_and_export_read_a_current_database_without_changing_it(tmp_path, capsys):
    database = tmp_path / "bot.sqlite3"
    before = a_real_database(database)
    config = config_for(tmp_path, database)
    code, output = run_main(capsys, "status", "-c", str(config))
    assert code == 0 and "status:            OK" in output, output
    code, output = run_main(capsys, "export", "-c", str(config), "topics", "-f", "json")
    assert code == 0 and '"schema_version"' in output, output
    assert database.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("bot.")) == ["bot.sqlite3"]


# --- export -o and backup -o: never over an existing file without --force, never over
# the bot's own files, never through a symbolic link (both write through the same rules) --

NOW = dt.datetime(2026, 11, 26, 14, 30, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Output:
    """A command that writes a file with -o, and what it writes."""

    command: tuple[str, ...]  # before -o, after -c config
    suffix: str
    begins: bytes
    dated: str  # the name a folder gets, at NOW
    database_refusal: str  # what refusing the database itself names

    def write(self, capsys, config: Path, *args: str) -> tuple[int, str]:
        return run_main(capsys, self.command[0], "-c", str(config), *self.command[1:], *args)


OUTPUTS = [
    Output(
        ("export", "topics"), ".csv", "\ufeffnumber,text,".encode(), "ccc-topics-2026-11-26.csv", "the bot's database"
    ),
    Output(
        ("backup",),
        ".sqlite3",
        b"SQLite format 3\x00",
        "bot-backup-2026-11-26-143000.sqlite3",
        "refusing to write the backup to",
    ),
]


@pytest.fixture(params=OUTPUTS, ids=lambda output: output.command[0])
def output(request, monkeypatch) -> Output:
    """Each writing command, on a clock that stands still (the dated names are known)."""
    from bot.core import clock

    monkeypatch.setattr(clock.SystemClock, "now", lambda self: NOW)
    return request.param


def test_output_never_overwrites_without_force(output: Output, tmp_path, capsys):
    database = tmp_path / "bot.sqlite3"
    a_real_database(database)
    config = config_for(tmp_path, database)
    target = tmp_path / f"copy{output.suffix}"
    target.write_text("my own notes\n")
    code, said = output.write(capsys, config, "-o", str(target))
    assert code != 0 and said.strip() == f"ccc-bot: {target} already exists; add --force to replace it"
    assert target.read_text() == "my own notes\n"
    target.chmod(0o640)
    code, said = output.write(capsys, config, "-o", str(target), "--force")
    assert code == 0, said
    assert target.read_bytes().startswith(output.begins)
    assert target.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir() if "copy" in p.name) == [target.name]
    # a folder gets the dated name; the same name again is refused too
    code, said = output.write(capsys, config, "-o", str(tmp_path / "out") + "/")
    assert code == 0, said
    [written] = (tmp_path / "out").iterdir()
    assert written.name == output.dated and str(written) in said
    code, said = output.write(capsys, config, "-o", str(tmp_path / "out"))
    assert code != 0 and f"{written} already exists" in said


@dataclass(frozen=True)
class BotsOwnFiles:
    """A bot's database, config and stored session, and a hard link to the database named
    like an output file (`suffix`): what `export -o` and `backup -o` must never write to."""

    tmp_path: Path
    database: Path
    config: Path
    session: Path
    hard_link: Path
    before: bytes
    config_text: str

    @classmethod
    def made(cls, tmp_path: Path, suffix: str) -> BotsOwnFiles:
        database = tmp_path / "bot.sqlite3"
        before = a_real_database(database)
        config = config_for(tmp_path, database)
        (tmp_path / "state").mkdir()
        session = tmp_path / "state" / "session.json"
        session.write_text('{"access_token": "x"}')
        hard_link = tmp_path / f"innocent{suffix}"
        hard_link.hardlink_to(database)
        return cls(tmp_path, database, config, session, hard_link, before, config.read_text())

    def targets(self, database: str) -> dict[Path, str]:
        """Each of them, with what the refusal names (`database`: for the database itself)."""
        return {
            self.database: database,
            Path(f"{self.database}-wal"): "the bot's database",
            Path(f"{self.database}-shm"): "the bot's database",
            self.config: "the config file",
            self.session: "storage.state_dir",
            self.hard_link: "the bot's database",
        }

    def assert_untouched(self) -> None:
        assert self.database.read_bytes() == self.before
        assert self.config.read_text() == self.config_text
        assert self.session.read_text() == '{"access_token": "x"}'
        assert sorted(p.name for p in (self.tmp_path / "state").iterdir()) == ["session.json"]
        assert not Path(f"{self.database}-wal").exists()


def test_output_refuses_the_bots_own_files_and_symlinks_even_with_force(output: Output, tmp_path, capsys):
    own = BotsOwnFiles.made(tmp_path, output.suffix)
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me\n")
    link = tmp_path / f"link{output.suffix}"
    link.symlink_to(precious)
    dangling = tmp_path / f"dangling{output.suffix}"
    dangling.symlink_to(tmp_path / "would-be-created")
    targets = {
        **own.targets(database=output.database_refusal),
        tmp_path / "state" / f"new{output.suffix}": "storage.state_dir",
        tmp_path / "state": "storage.state_dir",
        link: "symbolic link",
        dangling: "symbolic link",
    }
    for target, why in targets.items():
        for force in ([], ["--force"]):
            code, said = output.write(capsys, own.config, "-o", str(target), *force)
            assert code != 0, (target, force, said)
            assert len(said.strip().splitlines()) == 1 and why in said, (target, force, said)
    own.assert_untouched()
    assert precious.read_text() == "keep me\n"
    assert link.is_symlink() and dangling.is_symlink()
    assert not (tmp_path / "would-be-created").exists()


# --- backup -o: a consistent copy while the bot writes; refuses as export does -----------

WRITER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA busy_timeout = 5000")
conn.execute("PRAGMA journal_mode = WAL")
n = 0
while True:
    n += 1
    conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (f"w:{n:07d}", "x" * 1000))
"""


def meta_rows(path: Path) -> list[str]:
    import sqlite3

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [r[0] for r in conn.execute("SELECT key FROM meta WHERE key LIKE 'w:%' ORDER BY key")]
    finally:
        conn.close()


def test_backup_while_another_process_writes_is_a_sound_snapshot(tmp_path, capsys, monkeypatch):
    import sqlite3

    from bot.storage import backup

    database = tmp_path / "bot.sqlite3"
    a_real_database(database)
    with sqlite3.connect(database) as conn:  # some bulk: the copy takes many steps
        conn.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?)", [(f"bulk:{i}", "y" * 2000) for i in range(2000)]
        )
    conn.close()
    config = config_for(tmp_path, database)
    # Small steps with a pause between: the writer gets plenty of commits in during the copy.
    monkeypatch.setattr(backup, "PAGES_PER_STEP", 64)
    monkeypatch.setattr(backup, "PAUSE_SECONDS", 0.02)
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(database)], stderr=subprocess.PIPE, text=True)
    try:
        while len(meta_rows(database)) < 50:
            assert writer.poll() is None, writer.stderr.read()
            time.sleep(0.05)
        committed = meta_rows(database)  # everything committed before the backup began
        code, output = run_main(capsys, "backup", "-c", str(config), "-o", str(tmp_path / "copy.sqlite3"))
        during = meta_rows(database)
        assert writer.poll() is None, writer.stderr.read()  # never blocked into an error
    finally:
        writer.kill()
        writer.wait()
    assert code == 0, output
    copy = tmp_path / "copy.sqlite3"
    assert output.strip().splitlines() == [
        f"Backed up {database} (schema version {a_schema_version()}, {copy.stat().st_size} bytes) to {copy}; "
        "integrity check: ok"
    ]
    assert len(during) > len(committed)  # the writer went on writing while the copy was made
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("SELECT COUNT(*) FROM meta WHERE key LIKE 'bulk:%'").fetchone()[0] == 2000
    conn.close()
    rows = meta_rows(copy)
    # every row committed before the backup began, and a snapshot: a prefix of the writer's rows
    assert rows[: len(committed)] == committed
    assert rows == [f"w:{n:07d}" for n in range(1, len(rows) + 1)]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(("copy", ".copy"))) == ["copy.sqlite3"]


def a_schema_version() -> int:
    from bot.storage.migrations import MIGRATIONS

    return MIGRATIONS[-1].version


def backup_to(capsys, config: Path, *args: str) -> tuple[int, str]:
    return run_main(capsys, "backup", "-c", str(config), *args)


def test_backup_of_a_missing_or_damaged_database_is_one_line_and_leaves_no_file(tmp_path, capsys):
    cases = [("missing", tmp_path / "none.sqlite3", "no database there"), *damaged_databases(tmp_path)]
    for name, path, expected in cases:
        target = tmp_path / f"{name}-copy.sqlite3"
        code, output = backup_to(capsys, config_for(tmp_path, path), "-o", str(target))
        assert code != 0 and len(output.strip().splitlines()) == 1, (name, output)
        assert str(path) in output and expected in output, (name, output)
        assert not target.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_backup_copies_an_older_schema_without_upgrading_it(tmp_path, capsys):
    from bot.storage.migrations import MIGRATIONS

    database = tmp_path / "old.sqlite3"
    before = a_real_database(database, MIGRATIONS[:-1])
    code, output = backup_to(capsys, config_for(tmp_path, database), "-o", str(tmp_path / "copy.sqlite3"))
    assert code == 0 and f"schema version {MIGRATIONS[-2].version}" in output, output
    assert database.read_bytes() == before


def test_the_documented_restore_brings_the_backup_back(tmp_path, capsys):
    """docs/OPERATING.md, Restore: stop the bot, copy the backup over the database, remove
    any -wal and -shm left beside it, start the bot."""
    import asyncio
    import shutil

    from bot.storage.store import Store

    database = tmp_path / "bot.sqlite3"
    a_real_database(database)
    config = config_for(tmp_path, database)

    async def set_note(value: str, stale_wal: Path | None = None) -> None:
        store = await Store.open(database)
        await store.set_meta("note", value)
        if stale_wal is not None:  # what a bot killed now would leave beside the database
            shutil.copy(f"{database}-wal", stale_wal)
        await store.close()

    async def note() -> str | None:
        store = await Store.open(database)
        try:
            return await store.get_meta("note")
        finally:
            await store.close()

    asyncio.run(set_note("backed up"))
    code, output = backup_to(capsys, config, "-o", str(tmp_path / "backup.sqlite3"))
    assert code == 0, output
    asyncio.run(set_note("changed later", stale_wal=tmp_path / "stale-wal"))
    shutil.copy(tmp_path / "stale-wal", f"{database}-wal")
    assert asyncio.run(note()) == "changed later"
    shutil.copy(tmp_path / "stale-wal", f"{database}-wal")

    # the restore, step by step as documented
    shutil.copy(tmp_path / "backup.sqlite3", database)
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    assert asyncio.run(note()) == "backed up"
    code, output = run_main(capsys, "status", "-c", str(config))
    assert "status:            OK" in output, output
