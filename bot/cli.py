"""The `ccc-bot` command line."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bot import __version__
from bot.checks import check_files
from bot.core.config import Config, ConfigError, load_config
from bot.core.logs import configure_logging, hide_secrets
from bot.core.model import LoginFailed
from bot.features.export.reports import FORMATS, KINDS, Export
from bot.output import write_bytes, write_output
from bot.storage.database_file import StorageError
from bot.storage.store import DatabaseGone

log = logging.getLogger("bot.cli")  # not __main__, under `python -m bot.cli`

# `ccc-bot run` (or `console`) stopped because its database was removed or replaced while it
# ran: restarting it would begin afresh with an empty database, so the systemd unit doesn't.
EXIT_DATABASE_GONE = 4


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ccc-bot", description="The Coop Casual Conference bot")
    parser.add_argument("--version", action="version", version=f"ccc-bot {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    sub = parser.add_subparsers(dest="command", required=True)

    def with_config(name: str, help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help)
        p.add_argument("-c", "--config", default="config.toml", help="config file (default: config.toml)")
        return p

    demo = sub.add_parser("demo", help="a throwaway local Synapse, the bot, and you chatting in this terminal")
    demo.add_argument("--keep", metavar="DIR", help="keep the demo's files (Synapse, database, logs) in DIR")
    with_config("check-config", "validate a config file")
    with_config("run", "run the bot on the homeserver")
    with_config("status", "how the bot is doing (from its database); exit 1 if it should be syncing and is not")
    with_config("login", "log in with the configured password once and store the access token")
    console = with_config("console", "talk to the bot in this terminal, no homeserver needed")
    console.add_argument("--as", dest="user", default="@you:console", help="act as this user ID")
    export = with_config("export", "write the topics or attendance history, as !export does (bot running or not)")
    export.add_argument("kind", choices=KINDS, help="what to export")
    export.add_argument("-f", "--format", choices=FORMATS, default="csv", help="file format (default: csv)")
    export.add_argument(
        "-o",
        "--output",
        help="file or directory to write to (default: standard output); a directory gets "
        "the dated name !export uses, e.g. ccc-topics-2026-11-26.csv",
    )
    export.add_argument(
        "--force",
        action="store_true",
        help="replace the file if it exists (never the database, the config file, "
        "anything under state_dir, or a symbolic link)",
    )
    backup = with_config("backup", "copy the database into a new file, consistently, even while the bot runs")
    backup.add_argument(
        "-o",
        "--output",
        required=True,
        help="file or directory to write to; a directory gets the database's file name "
        "and the time in UTC, e.g. ccc-bot-backup-2026-11-26-143000.sqlite3 for ccc-bot.sqlite3",
    )
    backup.add_argument(
        "--force",
        action="store_true",
        help="replace the file if it exists (never the database, the config file, "
        "anything under state_dir, or a symbolic link)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # Never what people typed, a token or a password, at any verbosity (bot/core/logs.py).
    handler = configure_logging(args.command, args.verbose)
    try:
        return _main(args)
    finally:
        logging.getLogger().removeHandler(handler)


def _main(args: argparse.Namespace) -> int:
    if args.command == "demo":
        from pathlib import Path

        from bot.devtools.demo import run_demo

        return run_demo(keep=Path(args.keep) if args.keep else None)
    try:
        config = load_config(args.config)
        # What on disk would stop the command before it starts, named by its key. The
        # database itself is checked as it is opened (one line naming the file).
        if args.command == "check-config":
            problems = check_files(config)
        elif args.command == "run":
            problems = check_files(config, database=False, credentials=False)
        elif args.command == "console":
            problems = check_files(config, database=False, state=False, credentials=False)
        else:
            problems = []
        if problems:
            raise ConfigError(problems)
    except ConfigError as e:
        print(f"{args.config}: configuration errors:", file=sys.stderr)
        for problem in e.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    hide_secrets(config.matrix.password, config.matrix.access_token)
    try:
        if args.command == "check-config":
            print(f"{args.config}: OK")
            return 0
        if args.command == "console":
            return asyncio.run(_console(config, args.user))
        if args.command == "status":
            return asyncio.run(_status(config))
        if args.command == "export":
            return _write_export(config, args.kind, args.format, args.output, args.force)
        if args.command == "backup":
            return _write_backup(config, args.output, args.force)
        if args.command == "run":
            from bot.app import run_bot

            return asyncio.run(run_bot(config))
        if args.command == "login":
            from bot.matrix.credentials import password_login, session_path

            creds = asyncio.run(password_login(config))
            print(f"Logged in as {creds.user_id} (device {creds.device_id}); token stored in {session_path(config)}.")
            print("You can now remove matrix.password from the config file.")
            return 0
    except (StorageError, LoginFailed) as e:
        print(f"ccc-bot: {e}", file=sys.stderr)
        return 3
    except DatabaseGone as e:
        log.error("%s", e)
        return EXIT_DATABASE_GONE
    except KeyboardInterrupt:
        return 130
    return 1


async def _status(config: Config) -> int:
    from bot.core.clock import SystemClock
    from bot.status import read_status
    from bot.storage.store import Store

    if not config.storage.database.exists():
        print(f"{config.storage.database}: no database yet: the bot has never run with this config")
        return 1
    store = await Store.open(config.storage.database, read_only=True)
    try:
        status = await read_status(config, store, SystemClock())
    finally:
        await store.close()
    print("\n".join(status.lines))
    return 0 if status.healthy else 1


async def _console(config: Config, user: str) -> int:
    from bot.app import open_dispatcher
    from bot.console import run_console

    dispatcher = await open_dispatcher(config)
    try:
        return await run_console(dispatcher, user)
    finally:
        await dispatcher.services.store.close()


async def _export(config: Config, kind: str, fmt: str) -> Export:
    """The same bytes as `!export`. Opens the database read-only beside a running bot (WAL
    lets a reader in while the bot writes), never migrates it, and changes nothing in it."""
    from bot.core.clock import SystemClock
    from bot.features.export.reports import build_export
    from bot.storage.store import Store

    store = await Store.open(config.storage.database, read_only=True)
    try:
        return await build_export(store, config, kind, fmt, SystemClock().now())
    finally:
        await store.close()


def _write_export(config: Config, kind: str, fmt: str, output: str | None, force: bool = False) -> int:
    made = asyncio.run(_export(config, kind, fmt))
    if output is None:
        sys.stdout.buffer.write(made.data)
        sys.stdout.buffer.flush()
        return 0
    path = write_output(config, "the export", output, made.filename, write_bytes(made.data), force)
    if path is None:
        return 3
    print(f"{made.summary}: wrote {len(made.data)} bytes to {path}", file=sys.stderr)
    return 0


def _write_backup(config: Config, output: str, force: bool) -> int:
    from bot.core.clock import SystemClock
    from bot.storage.backup import Backup, backup_database, backup_name
    from bot.storage.database_file import check_database

    database = config.storage.database
    # The source first: a database that cannot be copied leaves no file behind.
    check_database(database, write=False, any_version=True)
    made: list[Backup] = []

    def fill(temp: Path) -> None:
        made.append(backup_database(database, temp))

    path = write_output(config, "the backup", output, backup_name(database, SystemClock().now()), fill, force)
    if path is None:
        return 3
    [backup] = made
    print(
        f"Backed up {database} (schema version {backup.schema_version}, {backup.size} bytes) to {path}; "
        "integrity check: ok"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
