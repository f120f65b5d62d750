"""!announce: the next session's announcement, posted now."""

from __future__ import annotations

from bot.core.dispatcher import Context
from bot.core.i18n import N_
from bot.core.model import Reply, Role
from bot.core.registry import CommandError, CommandGroup
from bot.features.announcements.messages import announcement_of
from bot.features.schedule.held import next_held_sessions
from bot.features.schedule.repository import load_cancellations
from commands.announcements import announcement_text

group = CommandGroup("announce")


@group.command("announce", role=Role.ORGANISER, help=N_("Post the next session's announcement now"))
async def announce(ctx: Context) -> list[Reply]:
    now = ctx.clock.now()
    cancels = await load_cancellations(ctx.store)
    following = next_held_sessions(ctx.config, cancels, now, 1)
    if not following:
        raise CommandError(ctx.lang.gettext("There is no session coming that is not cancelled."))
    text = announcement_text(ctx.config, await announcement_of(ctx.store, following[0], now))
    # Not one of the scheduled announcements: those still go out at their time.
    rooms = ctx.config.matrix.rooms
    if ctx.message.room_id not in rooms:
        return [ctx.reply(text)]
    return [ctx.reply(text)] + [Reply.of(text, room_id=room) for room in rooms if room != ctx.message.room_id]
