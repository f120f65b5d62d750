"""The bot's Matrix credentials: from the config, the access token file, or the session
file that `ccc-bot login` writes (mode 0600)."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from nio import AsyncClient, LoginResponse

from bot import __version__
from bot.core.config import Config
from bot.core.model import LoginFailed

log = logging.getLogger(__name__)

SESSION_FILE = "session.json"


@dataclass(frozen=True)
class Credentials:
    user_id: str
    device_id: str
    access_token: str

    def __repr__(self) -> str:
        return f"Credentials(user_id={self.user_id!r}, device_id={self.device_id!r})"


def session_path(config: Config) -> Path:
    return config.storage.state_dir / SESSION_FILE


def save_session(config: Config, creds: Credentials) -> Path:
    """Store the token where only the bot's user can read it (mode 0600)."""
    path = session_path(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(
            {
                "homeserver": config.matrix.homeserver,
                "user_id": creds.user_id,
                "device_id": creds.device_id,
                "access_token": creds.access_token,
            },
            f,
        )
    os.chmod(path, 0o600)
    return path


def stored_credentials(config: Config) -> Credentials | None:
    m = config.matrix
    if m.access_token:
        return Credentials(m.user_id, m.device_id, m.access_token)
    if m.access_token_file:
        try:
            token = Path(m.access_token_file).read_text().strip()
        except OSError as e:
            raise LoginFailed(f"matrix.access_token_file: cannot read {m.access_token_file}: {e.strerror}") from e
        if not token:
            raise LoginFailed(f"matrix.access_token_file: {m.access_token_file} is empty")
        return Credentials(m.user_id, m.device_id, token)
    path = session_path(config)
    if path.exists():
        try:
            data = json.loads(path.read_text())
            user_id, device_id, token = data.get("user_id"), data["device_id"], data["access_token"]
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
            raise LoginFailed(f"{path} is unreadable or damaged ({e}): log in again with `ccc-bot login`") from e
        if user_id == m.user_id:
            return Credentials(user_id, device_id, token)
        log.warning("%s is for %s, not %s; ignoring it", path, user_id, m.user_id)
    return None


async def password_login(config: Config) -> Credentials:
    """Log in with the configured password and store the token (`ccc-bot login`)."""
    m = config.matrix
    if not m.password:
        raise LoginFailed("matrix.password is empty: set it (once) to log in, or give an access token")
    client = AsyncClient(m.homeserver, m.user_id, device_id=m.device_id)
    try:
        resp = await client.login(m.password, device_name=f"ccc-bot {__version__}")
    finally:
        await client.close()
    if not isinstance(resp, LoginResponse):
        raise LoginFailed(f"login as {m.user_id} failed: {getattr(resp, 'message', resp)}")
    creds = Credentials(resp.user_id, resp.device_id, resp.access_token)
    save_session(config, creds)
    return creds
