"""!calendar: the weekly sessions as a calendar file, and where to subscribe to it."""

from __future__ import annotations

from bot.core.dispatcher import Context
from bot.core.i18n import N_
from bot.core.model import Attachment, Reply
from bot.core.registry import CommandGroup
from bot.core.text import Text
from bot.features.schedule.calendar import calendar_ics
from bot.features.schedule.repository import load_cancellations
from bot.features.schedule.revision import calendar_state

group = CommandGroup("calendar")


@group.command("calendar", help=N_("A calendar file (.ics) with the weekly sessions"), in_direct=True)
async def calendar(ctx: Context) -> Reply:
    now = ctx.clock.now()
    state = await calendar_state(ctx.store, ctx.config, now)
    data = calendar_ics(ctx.config, await load_cancellations(ctx.store), state, now)
    text = Text("The ").bold(ctx.config.conference.name).add(" as a calendar: open ")
    text.code("ccc.ics").add(" with your calendar app. Cancelled sessions are left out; after a change, ")
    text.add("open the new file the same way and your app updates the sessions it already has.")
    feed = ctx.config.web.feed_url if ctx.config.web.enabled else ""
    if feed:
        text.line("Or subscribe, and cancellations reach your calendar by themselves: ").link(feed)
        text.add(" (in apps that ask for it: ").code("webcal://" + feed.split("://", 1)[1]).add(").")
    return ctx.reply(text, file=Attachment("ccc.ics", data, "text/calendar"))
