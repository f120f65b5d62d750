"""!help: where to start (the few commands to try first, for the asker's role), every
command the asker may use (`!help all`), or one."""

from __future__ import annotations

from bot.core.dispatcher import PUNCTUATION_AFTER_NAME, Context, did_you_mean, switched_off_reply
from bot.core.model import Reply, Role
from bot.core.registry import CommandError, CommandGroup, Way
from bot.core.text import Text, clean

group = CommandGroup("help")

_HEADINGS = {Role.PARTICIPANT: "For everyone", Role.HOST: "For hosts", Role.ORGANISER: "For organisers"}

_NEXT = Way("next", "", "when the next sessions are, in your time, and who hosts them")
_TOPICS = Way("topics", "", "the open topics, most votes first")

# The commands to try first, for each role, as a newcomer would type them, and what each
# does in a few words; a host sees the participants' too, an organiser all three.
START_HERE: dict[Role, tuple[Way, ...]] = {
    Role.PARTICIPANT: (
        _NEXT,
        _TOPICS,
        Way("suggest", "TEXT", "suggest a topic to talk about"),
        Way("vote", "N", "vote for topic N (a 👍 on the message that added it votes too)"),
        Way("here", "", "check in while a session runs"),
    ),
    Role.HOST: (
        Way("start", "", "start the session you host"),
        Way("discussed", "N", "mark topic N discussed"),
        Way("end", "", "end the session and post its summary"),
    ),
    Role.ORGANISER: (
        Way("cancel", "YYYY-MM-DD [TIME]", "cancel a session, or a whole day"),
        Way("agenda", "", "post a fresh agenda and pin it"),
    ),
}
# The same in a direct-message room with the bot, where only the asker's own or read-only
# commands work.
START_IN_DIRECT: dict[Role, tuple[Way, ...]] = {
    Role.PARTICIPANT: (
        _NEXT,
        _TOPICS,
        Way("tz", "Area/City", "set your time zone, so times are shown in yours"),
        Way("remind", "", "a direct message before each session"),
    ),
    Role.ORGANISER: (Way("export", "topics|attendance", "the topics or the attendance as a file"),),
}

# What `!help COMMAND` adds to a command's one line of help.
MORE = {
    "vote": (
        "You can also vote with 👍: react 👍 to my message that added the topic (“Added #N …”, my answer to its "
        "suggestion). It counts as this command would; taking the 👍 back takes the vote back. "
        "A 👍 on any other message is not a vote."
    ),
    "unvote": "If you voted with a 👍 on the topic's message, taking the 👍 back does the same.",
}


@group.command(
    "help",
    usage="[command|all]",
    help="The commands to start with, every command you can use (all), or one",
    role_aware=True,
    in_direct=True,
)
async def help(ctx: Context, command: str | None = None) -> Reply:
    p = ctx.prefix
    # `!help tz?`, `!help !tz`: the name as the dispatcher reads it (`!help ?` is `!help`).
    name = (command or "").removeprefix(p).strip(PUNCTUATION_AFTER_NAME).lower()
    if not name:
        return ctx.reply(_start_here(ctx))
    if name == "all":
        return ctx.reply(_all(ctx))
    return _one(ctx, name)


def _start_here(ctx: Context) -> Text:
    """The few commands to try first, under their role's heading when there is more than
    one role, then where the rest is."""
    p, direct = ctx.prefix, ctx.message.direct_for is not None
    registry = ctx.services.registry
    text = Text().bold(ctx.config.conference.name).add(" bot — start here")
    text.add(", in this direct message:" if direct else ":")
    for role, starts in (START_IN_DIRECT if direct else START_HERE).items():
        # Only the commands the config has on (a command may be switched off).
        shown = [way for way in starts if role <= ctx.role and registry.get(way.command) is not None]
        if not shown:
            continue
        if ctx.role > Role.PARTICIPANT:  # one list needs no headings
            text.line().line().bold(_HEADINGS[role])
        for way in shown:
            text.line().code(way.typed(p)).add(f" — {way.does}")
    if direct:
        text.line().line("The other commands are for the conference room, where everyone sees them.")
    every = " for every command that works here, " if direct else " for every command, "
    text.line().line().code(f"{p}help all").add(every)
    return text.code(f"{p}help COMMAND").add(" for one.")


def _all(ctx: Context) -> Text:
    """Every command the asker may use (in a direct room, those that work there), grouped
    by role."""
    p, direct = ctx.prefix, ctx.message.direct_for is not None
    text = Text().bold(ctx.config.conference.name).add(" bot — commands you can use")
    text.add(" in this direct message:" if direct else ":")
    visible = [spec for spec in ctx.services.registry.visible_to(ctx.role) if spec.in_direct or not direct]
    for role in Role:
        specs = [spec for spec in visible if spec.role == role]
        if not specs:
            continue
        if ctx.role > Role.PARTICIPANT:
            text.line().line().bold(_HEADINGS[role])
        for shown in specs:
            text.line().code(shown.usage_line(p)).add(f" — {shown.help}")
    if direct:
        text.line().line("The other commands are for the conference room, where everyone sees them.")
    return text.line().line("Type ").code(f"{p}help COMMAND").add(" for one command.")


def _one(ctx: Context, name: str) -> Reply:
    p, registry = ctx.prefix, ctx.services.registry
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
    if spec.name in MORE:
        text.line(MORE[spec.name])
    if spec.aliases:
        text.line("Also: " + ", ".join(p + a for a in spec.aliases))
    if ctx.message.direct_for is not None and not spec.in_direct:
        text.line("It is for the conference room, where everyone sees it: here it is not carried out.")
    return ctx.reply(text)
