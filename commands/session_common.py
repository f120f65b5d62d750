"""What the session command groups (volunteering.py, sessions.py) share: the asker's
display name remembered, and the pointer to the next session."""

from __future__ import annotations

from bot.core.dispatcher import Context
from bot.core.text import clean
from bot.features.people import repository as people
from bot.features.sessions.timeline import Timeline
from commands.dates import asker_zone, session_name
from commands.wording import countdown


async def remember_name(ctx: Context) -> None:
    """Summaries and announcements show display names; the adapter tells us the sender's."""
    if ctx.message.sender_name:
        await people.remember_display_name(ctx.store, ctx.sender, clean(ctx.message.sender_name, 64))


async def next_hint(ctx: Context) -> str:
    """'The next session is 2026-12-10 08:00 UTC (13:30 in Kolkata), in 2 days 4 hours.'"""
    now = ctx.clock.now()
    following = (await Timeline.load(ctx.store, ctx.config, now)).next_held()
    if following is None:
        return "No session is planned."
    name = session_name(following.session, await asker_zone(ctx))
    return f"The next session is {name}, {countdown(following.session.starts_at - now)}."
