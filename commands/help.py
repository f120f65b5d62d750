"""!help: what the asker may do."""

from __future__ import annotations

from bot.core.dispatcher import PUNCTUATION_AFTER_NAME, Context, did_you_mean, switched_off_reply
from bot.core.model import Reply, Role
from bot.core.registry import CommandError, CommandGroup
from bot.core.text import Text, clean

group = CommandGroup("help")

_HEADINGS = {Role.PARTICIPANT: "For everyone", Role.HOST: "For hosts", Role.ORGANISER: "For organisers"}


@group.command(
    "help", usage="[command]", help="List the commands you can use, or show one", role_aware=True, in_direct=True
)
async def help(ctx: Context, command: str | None = None) -> Reply:
    registry = ctx.services.registry
    p = ctx.prefix
    direct = ctx.message.direct_for is not None
    # `!help tz?`, `!help !tz`: the name as the dispatcher reads it (`!help ?` asks for all).
    name = (command or "").removeprefix(p).strip(PUNCTUATION_AFTER_NAME).lower()
    if not name:
        text = Text().bold(ctx.config.conference.name).add(" bot — commands you can use")
        text.add(" in this direct message:" if direct else ":")
        # In a direct room only what works there; the rest is for the conference room.
        visible = [spec for spec in registry.visible_to(ctx.role) if spec.in_direct or not direct]
        for role in Role:
            specs = [spec for spec in visible if spec.role == role]
            if not specs:
                continue
            if ctx.role > Role.PARTICIPANT:  # one list needs no headings
                text.line().line().bold(_HEADINGS[role])
            for shown in specs:
                text.line().code(shown.usage_line(p)).add(f" — {shown.help}")
        if direct:
            text.line().line("The other commands are for the conference room, where everyone sees them.")
        text.line().line("Type ").code(f"{p}help COMMAND").add(" for one command.")
        return ctx.reply(text)

    spec = registry.get(name)
    if spec is None and (off := registry.switched_off(name)) is not None:
        return switched_off_reply(off, p)
    if spec is None:
        text = Text("There is no command ").code(f"{p}{clean(name, 32)}").add(".")
        did_you_mean(text, registry.suggest(name, ctx.role), p)
        text.add(" Type ").code(f"{p}help").add(" for the commands you can use.")
        raise CommandError(text.plain)
    if spec.role > ctx.role:
        raise CommandError(f"{p}{spec.name} is for {spec.role.label} only.")
    text = Text().code(spec.usage_line(p)).line(spec.help + ".")
    if spec.aliases:
        text.line("Also: " + ", ".join(p + a for a in spec.aliases))
    if direct and not spec.in_direct:
        text.line("It is for the conference room, where everyone sees it: here it is not carried out.")
    return ctx.reply(text)
