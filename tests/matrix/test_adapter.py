"""bot/matrix/adapter.py: the wiring. Its parts are tested in tests/matrix/test_<part>.py
and together against Synapse in tests/integration/."""

import pytest
from nio import WhoamiError, WhoamiResponse

from bot.core.model import LoginFailed
from bot.matrix.adapter import _restore_login
from bot.matrix.credentials import Credentials
from tests.matrix.fakes import BOT, Homeserver

CREDS = Credentials(user_id=BOT, device_id="OLDDEVICE", access_token="secret")


class LoggingIn(Homeserver):
    def __init__(self, whoami):
        super().__init__()
        self.answer = whoami
        self.restored: tuple[str, str, str] | None = None

    async def whoami(self):
        return self.answer

    def restore_login(self, user_id, device_id, access_token):
        self.restored = (user_id, device_id, access_token)


async def test_the_device_the_token_belongs_to_is_used():
    client = LoggingIn(WhoamiResponse(BOT, "NEWDEVICE", False))
    await _restore_login(client, CREDS)
    assert client.restored == (BOT, "NEWDEVICE", "secret")


async def test_a_refused_token_stops_the_start_with_a_clear_error():
    client = LoggingIn(WhoamiError("Unrecognised access token", "M_UNKNOWN_TOKEN"))
    with pytest.raises(LoginFailed, match="access token was refused: M_UNKNOWN_TOKEN"):
        await _restore_login(client, CREDS)
    assert client.restored is None
