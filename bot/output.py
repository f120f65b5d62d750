"""Where `ccc-bot export --output` and `ccc-bot backup` write their file: never over the
bot's own files (its database, config, token or seed file, anything under its state
folder), never through a symbolic link, never over an existing file without --force; the
file is made under a temporary name and renamed into place once whole."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from bot.core.config import Config


def protected(config: Config, target: Path) -> str | None:
    """Why an export must never be written at `target`, --force or not: the files the bot
    itself needs. Compared by real path (the last name is not followed: a link there is
    refused anyway) and, for a file that exists, by identity (a hard link)."""
    real = target.parent.resolve() / target.name
    database = config.storage.database.resolve()
    files = {database: "the bot's database (storage.database)"}
    for suffix in ("-wal", "-shm", "-journal"):
        files[database.with_name(database.name + suffix)] = "part of the bot's database (storage.database)"
    if config.path is not None:
        files[Path(config.path).resolve()] = "the config file"
    files[config.topics.seed_file.resolve()] = "the seed topics file (topics.seed_file)"
    if config.matrix.access_token_file:
        files[Path(config.matrix.access_token_file).resolve()] = "the access token file (matrix.access_token_file)"
    if real in files:
        return files[real]
    state = config.storage.state_dir.resolve()
    if real == state or state in real.parents:
        return f"under storage.state_dir ({state})"
    try:
        info = target.lstat()
    except OSError:
        return None
    for path, why in files.items():
        try:
            other = path.stat()
        except OSError:
            continue
        if (other.st_dev, other.st_ino) == (info.st_dev, info.st_ino):
            return why
    return None


def write_new(path: Path, fill: Callable[[Path], None], force: bool) -> None:
    """Make the file at `path` by calling `fill` on a temporary file in the same folder,
    then renaming that finished file over `path` (a rename replaces the name, never writes
    through it; a half-made file is never seen under `path`). Without `force` the name is
    first taken as a new file (O_EXCL: never an existing name, never through a link); with
    `force` an existing regular file is replaced whole and keeps its mode."""
    if force:
        mode = stat.S_IMODE(path.lstat().st_mode)
    else:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o666))
        mode = stat.S_IMODE(path.lstat().st_mode)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    os.close(fd)
    try:
        fill(Path(temp))
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        if not force:
            path.unlink(missing_ok=True)
        raise


def write_bytes(data: bytes) -> Callable[[Path], None]:
    def fill(temp: Path) -> None:
        with temp.open("wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())

    return fill


def write_output(
    config: Config, what: str, output: str, default_name: str, fill: Callable[[Path], None], force: bool
) -> Path | None:
    """Write `what` (the export, the backup) at `output` (a file, or a folder that gets
    `default_name`) through `write_new`: never over the bot's own files, never through a
    symbolic link, never over an existing file without `force`. The path written, or None
    after one line on stderr saying why not."""
    path = Path(output)
    folder = output.endswith(("/", os.sep)) or path.is_dir()
    if folder:
        path = path / default_name
    why = protected(config, path)
    if why:
        print(f"ccc-bot: refusing to write {what} to {path}: it is {why}", file=sys.stderr)
        return None
    if path.is_symlink():
        print(
            f"ccc-bot: {path} is a symbolic link; refusing to write through it (name the file itself)", file=sys.stderr
        )
        return None
    exists = path.exists()
    if exists and not force:
        print(f"ccc-bot: {path} already exists; add --force to replace it", file=sys.stderr)
        return None
    if exists and not path.is_file():
        print(f"ccc-bot: {path} is not a regular file; refusing to replace it", file=sys.stderr)
        return None
    try:
        if folder:
            path.parent.mkdir(parents=True, exist_ok=True)
        write_new(path, fill, force=exists)
    except FileExistsError:
        print(f"ccc-bot: {path} already exists; add --force to replace it", file=sys.stderr)
        return None
    except OSError as e:
        print(f"ccc-bot: cannot write {path}: {e.strerror}", file=sys.stderr)
        return None
    return path
