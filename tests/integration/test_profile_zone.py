"""The zone a person publishes in their Matrix profile (`m.tz`), on a real homeserver: set
through the client API, it is the zone of their times until they set one with `!tz`."""

from __future__ import annotations

import asyncio
import re
import urllib.parse

from .helpers import body


async def test_next_is_in_the_zone_of_the_profile_until_one_is_set_with_tz(make_bot_room):
    # A Thursday 08:00 UTC slot: 13:30 in Kolkata all year.
    env = await make_bot_room(config={"conference": {"timezone": "UTC", "slots": ["Thursday 08:00"]}})
    alice = env.alice
    field = f"/_matrix/client/v3/profile/{urllib.parse.quote(alice.user_id)}/m.tz"
    await asyncio.to_thread(
        env.synapse.request, "PUT", field, body={"m.tz": "Asia/Kolkata"}, access_token=alice.access_token
    )

    shown = body(await env.ask(alice, "!next"))
    assert "08:00 UTC (13:30 in Kolkata)" in shown, shown
    assert "Times are in UTC" not in shown, shown
    assert "(13:30 in Kolkata)" not in body(await env.ask(env.bob, "!next")), "alice's profile is hers"

    said = body(await env.ask(alice, "!tz"))
    assert "Your time zone is Kolkata (Asia/Kolkata)" in said and "from your Matrix profile" in said, said

    # Set by hand, the zone wins over the profile's.
    assert "Your time zone is now Paris (Europe/Paris)" in body(await env.ask(alice, "!tz Lyon"))
    shown = body(await env.ask(alice, "!next"))
    # Paris is an hour or two ahead of UTC, as the season goes.
    assert re.search(r"08:00 UTC \((09|10):00 in Paris\)", shown) and "Kolkata" not in shown, shown
