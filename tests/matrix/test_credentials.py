"""bot/matrix/credentials.py: where the bot's token comes from, and how `ccc-bot login`
keeps it. (How `run` reports a missing or damaged one, as a process: tests/test_cli.py.)"""

from __future__ import annotations

import logging
import stat

import pytest

from bot.core.model import LoginFailed
from bot.matrix.credentials import Credentials, password_login, save_session, session_path, stored_credentials

BOT = "@ccc-bot:example.org"


def test_a_saved_session_is_readable_only_by_the_bot_and_read_back(make_config):
    config = make_config()
    path = save_session(config, Credentials(BOT, "DEVICE1", "secret-token"))
    assert path == session_path(config)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stored_credentials(config) == Credentials(BOT, "DEVICE1", "secret-token")


def test_a_token_in_the_config_wins_over_a_stored_session(make_config):
    config = make_config(matrix={"access_token": "from-config", "device_id": "CFGDEVICE"})
    save_session(config, Credentials(BOT, "DEVICE1", "from-login"))
    assert stored_credentials(config) == Credentials(BOT, "CFGDEVICE", "from-config")


def test_a_token_file_is_read_without_its_line_break(make_config, tmp_path):
    (tmp_path / "token").write_text("from-file\n")
    config = make_config(matrix={"access_token_file": str(tmp_path / "token")})
    creds = stored_credentials(config)
    assert creds is not None and creds.access_token == "from-file"


@pytest.mark.parametrize(("content", "expected"), [(None, "cannot read"), ("  \n", "is empty")])
def test_a_missing_or_empty_token_file_is_refused_naming_the_key(make_config, tmp_path, content, expected):
    if content is not None:
        (tmp_path / "token").write_text(content)
    config = make_config(matrix={"access_token_file": str(tmp_path / "token")})
    with pytest.raises(LoginFailed, match=rf"^matrix\.access_token_file: .*{expected}"):
        stored_credentials(config)


@pytest.mark.parametrize("content", ["{not json", "[]", '{"user_id": "@ccc-bot:example.org"}'])
def test_a_damaged_session_file_says_to_log_in_again(make_config, content):
    config = make_config()
    session_path(config).parent.mkdir(parents=True)
    session_path(config).write_text(content)
    with pytest.raises(LoginFailed, match="ccc-bot login"):
        stored_credentials(config)


def test_a_session_of_another_account_is_not_used(make_config, caplog):
    config = make_config()
    save_session(config, Credentials("@someone-else:example.org", "DEVICE1", "their-token"))
    with caplog.at_level(logging.WARNING):
        assert stored_credentials(config) is None
    assert "@someone-else:example.org" in caplog.text and "their-token" not in caplog.text


def test_no_token_anywhere_is_none(make_config):
    assert stored_credentials(make_config()) is None


def test_credentials_never_show_their_token():
    creds = Credentials(BOT, "DEVICE1", "secret-token")
    assert "secret-token" not in repr(creds) and "secret-token" not in str(creds)


async def test_logging_in_without_a_password_says_what_to_set(make_config):
    with pytest.raises(LoginFailed, match=r"matrix\.password is empty"):
        await password_login(make_config())
