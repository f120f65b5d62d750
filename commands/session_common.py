"""What the session command groups (volunteering.py, sessions.py) share: the asker's
display name remembered, and the pointer to the next session."""

from __future__ import annotations

from bot.core.dispatcher import Context
from bot.core.text import clean
from bot.features.people import repository as people
from bot.features.schedule.repository import load_cancellations, next_held_sessions
from commands.wording import countdown


async def remember_name(ctx: Context) -> None:
    """Summaries and announcements show display names; the adapter tells us the sender's."""
    if ctx.message.sender_name:
        await people.remember_display_name(ctx.store, ctx.sender, clean(ctx.message.sender_name, 64))


async def next_hint(ctx: Context) -> str:
    now = ctx.clock.now()
    following = next_held_sessions(ctx.config, await load_cancellations(ctx.store), now, 1)
    if not following:
        return "No session is planned."
    return f"The next session is {following[0].key} ({countdown(following[0].starts_at - now)})."
