"""The time zone a person publishes in their Matrix profile (`m.tz`, or MSC4175's unstable
name): read with the profile itself, one request for all its fields. What it holds is
checked, kept and refreshed by bot/features/people/profile_zone.py."""

from __future__ import annotations

from nio import AsyncClient, ProfileGetResponse

from bot.core.model import ReadProfileZone
from bot.features.people.profile_zone import PROFILE_FIELDS
from bot.matrix.responses import describe


class ProfileUnreadable(Exception):
    """The homeserver gave no profile (nor said there is none)."""


def profile_zone_reader(client: AsyncClient) -> ReadProfileZone:
    async def read(user_id: str) -> str | None:
        resp = await client.get_profile(user_id)
        if not isinstance(resp, ProfileGetResponse):
            if getattr(resp, "status_code", None) == "M_NOT_FOUND":
                return None  # no profile: no zone
            raise ProfileUnreadable(describe(resp))
        for field in PROFILE_FIELDS:
            value = resp.other_info.get(field)
            if value is not None:
                return value if isinstance(value, str) else repr(value)
        return None

    return read
