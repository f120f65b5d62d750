"""What on disk would stop the bot at start-up (`check-config`, and `run` and `console`
before they start). It reads the store, the seed file and the adapter's login file, so it
sits beside the CLI, outside core."""

from __future__ import annotations

from pathlib import Path

from bot.core.config import Config
from bot.features.topics.seed import SeedError, read_seed
from bot.storage.store import StorageError, check_database, writable


def _folder_problem(path: Path) -> str | None:
    """Why the bot could not use or create the folder `path` (it creates it if missing)."""
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return f"{existing} is not a folder"
    if not writable(existing):
        return f"{existing} is not writable" if existing == path else f"cannot be created: {existing} is not writable"
    return None


def check_files(config: Config, *, database: bool = True, state: bool = True, credentials: bool = True) -> list[str]:
    """What on disk would stop `run` at start-up, one line each naming its key: the
    database (checked as `run` opens it, but read-only), the state folder, the seed file,
    the access token file, and a way to log in. `check-config` asks for all of it; `run`
    and `console` check the files they read before they start."""
    from bot.matrix.credentials import SESSION_FILE  # where `ccc-bot login` keeps the token; imports nio, so only here

    problems = []
    if database:
        try:
            check_database(config.storage.database, write=True)
        except StorageError as e:
            problems.append(f"storage.database: {e}")
    if state and (problem := _folder_problem(config.storage.state_dir)):
        problems.append(f"storage.state_dir: {problem}")
    seed = config.topics.seed_file
    try:
        if seed.is_dir():
            problems.append(f"topics.seed_file: {seed} is a folder, not a topics file")
        else:
            read_seed(seed)  # a missing file is fine: no topics to import
    except SeedError as e:
        problems.append(f"topics.seed_file: {e}")
    except OSError as e:
        problems.append(f"topics.seed_file: {seed} cannot be read: {e.strerror}")
    if not credentials:
        return problems
    m = config.matrix
    if m.access_token_file:
        token = Path(m.access_token_file)
        try:
            if not token.read_text(encoding="utf-8").strip():
                problems.append(f"matrix.access_token_file: {token} is empty")
        except FileNotFoundError:
            problems.append(f"matrix.access_token_file: {token} does not exist")
        except IsADirectoryError:
            problems.append(f"matrix.access_token_file: {token} is a folder, not a file")
        except OSError as e:
            problems.append(f"matrix.access_token_file: {token} cannot be read: {e.strerror}")
        except UnicodeDecodeError:
            problems.append(f"matrix.access_token_file: {token} is not a text file")
    elif not (m.access_token or m.password or (config.storage.state_dir / SESSION_FILE).exists()):
        problems.append(
            "matrix.password: no way to log in: set matrix.access_token or matrix.access_token_file, "
            "or matrix.password and run `ccc-bot login` once"
        )
    return problems
