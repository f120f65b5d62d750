"""The `ccc-bot` command line."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot import __version__
from bot.config import ConfigError, load_config
from bot.export import FORMATS, KINDS
from bot.model import LoginFailed
from bot.storage import StorageError


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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    quiet = args.command in ("console", "demo")  # the terminal is the user's chat there
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING if quiet else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # nio logs every event it handles at INFO, and a refused login as a traceback; an
    # operator needs only its warnings, and our own one-line error for a bad password.
    nio_level = logging.ERROR + 10 if args.command == "login" else logging.WARNING
    logging.getLogger("nio").setLevel(logging.DEBUG if args.verbose else nio_level)
    # APScheduler logs every job added and run at INFO: detail, not what an operator needs.
    logging.getLogger("apscheduler").setLevel(logging.DEBUG if args.verbose else logging.WARNING)
    if args.command == "demo":
        from pathlib import Path

        from bot.demo import run_demo

        return run_demo(keep=Path(args.keep) if args.keep else None)
    try:
        config = load_config(args.config)
    except ConfigError as e:
        print(f"{args.config}: configuration errors:", file=sys.stderr)
        for problem in e.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    try:
        if args.command == "check-config":
            print(f"{args.config}: OK")
            return 0
        if args.command == "console":
            return asyncio.run(_console(config, args.user))
        if args.command == "status":
            return asyncio.run(_status(config))
        if args.command == "export":
            return _write_export(config, args.kind, args.format, args.output)
        if args.command == "run":
            from bot.matrix import run_bot

            return asyncio.run(run_bot(config))
        if args.command == "login":
            from bot.matrix import password_login, session_path

            creds = asyncio.run(password_login(config))
            print(f"Logged in as {creds.user_id} (device {creds.device_id}); token stored in {session_path(config)}.")
            print("You can now remove matrix.password from the config file.")
            return 0
    except (StorageError, LoginFailed) as e:
        print(f"ccc-bot: {e}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        return 130
    return 1


async def _status(config) -> int:
    from bot.clock import SystemClock
    from bot.status import read_status
    from bot.storage import Store

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


async def _console(config, user: str) -> int:
    from bot.app import open_dispatcher
    from bot.console import run_console

    dispatcher = await open_dispatcher(config)
    try:
        return await run_console(dispatcher, user)
    finally:
        await dispatcher.services.store.close()


async def _export(config, kind: str, fmt: str):
    """The same bytes as `!export`. Opens the database read-only beside a running bot (WAL
    lets a reader in while the bot writes), never migrates it, and changes nothing in it."""
    from bot.clock import SystemClock
    from bot.export import build_export
    from bot.storage import Store

    store = await Store.open(config.storage.database, read_only=True)
    try:
        return await build_export(store, kind, fmt, config.conference.name, SystemClock().now().date())
    finally:
        await store.close()


def _write_export(config, kind: str, fmt: str, output: str | None) -> int:
    made = asyncio.run(_export(config, kind, fmt))
    if output is None:
        sys.stdout.buffer.write(made.data)
        sys.stdout.buffer.flush()
        return 0
    path = Path(output)
    try:
        if output.endswith(("/", os.sep)) or path.is_dir():
            path.mkdir(parents=True, exist_ok=True)
            path = path / made.filename
        path.write_bytes(made.data)
    except OSError as e:
        print(f"ccc-bot: cannot write {path}: {e.strerror}", file=sys.stderr)
        return 3
    print(f"{made.summary}: wrote {len(made.data)} bytes to {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
