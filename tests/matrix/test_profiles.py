"""The zone read from a person's Matrix profile: the stable field, else the unstable one;
no profile is no zone; any other failure is raised (the cache counts it as no zone)."""

from __future__ import annotations

import pytest
from nio import ProfileGetError, ProfileGetResponse

from bot.matrix.profiles import ProfileUnreadable, profile_zone_reader
from tests.conftest import ALICE


class Client:
    def __init__(self, answer):
        self.answer = answer
        self.asked: list[str] = []

    async def get_profile(self, user_id: str):
        self.asked.append(user_id)
        return self.answer


@pytest.mark.parametrize(
    ("profile", "zone"),
    [
        ({"displayname": "Alice", "m.tz": "Asia/Kolkata"}, "Asia/Kolkata"),
        ({"us.cloke.msc4175.tz": "Europe/Madrid"}, "Europe/Madrid"),
        ({"m.tz": "America/Sao_Paulo", "us.cloke.msc4175.tz": "Europe/Madrid"}, "America/Sao_Paulo"),
        ({"displayname": "Alice"}, None),
    ],
)
async def test_the_zone_is_read_from_the_profile(profile, zone):
    client = Client(ProfileGetResponse.from_dict(profile))
    assert await profile_zone_reader(client)(ALICE) == zone  # type: ignore[arg-type]
    assert client.asked == [ALICE]


async def test_no_profile_is_no_zone_and_another_failure_is_raised():
    missing = ProfileGetError("Profile was not found", "M_NOT_FOUND")
    assert await profile_zone_reader(Client(missing))(ALICE) is None  # type: ignore[arg-type]
    refused = ProfileGetError("You may not", "M_FORBIDDEN")
    with pytest.raises(ProfileUnreadable, match="M_FORBIDDEN"):
        await profile_zone_reader(Client(refused))(ALICE)  # type: ignore[arg-type]
