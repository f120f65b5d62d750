"""What the announcer's tests (test_jobs, test_sending) share: a chat serving two rooms with
three display zones, and the fake homeserver the announcer sends through."""

import pytest

from tests.features.announcements.fakes import ROOM_A, ROOM_B, Homeserver


@pytest.fixture
async def two_room_chat(make_chat, make_config):
    config = make_config(
        matrix={"rooms": [ROOM_A, ROOM_B]},
        conference={"display_timezones": ["UTC", "America/Los_Angeles", "Asia/Tokyo"]},
    )
    return await make_chat(config)


@pytest.fixture
def server():
    return Homeserver()
