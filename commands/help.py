"""!help: where to start (the few commands to try first, for the asker's role), every
command the asker may use (`!help all`), or one; in the asker's language (ctx.lang), each
command's help translated from its `N_("…")`."""

from __future__ import annotations

from bot.core.dispatcher import PUNCTUATION_AFTER_NAME, Context
from bot.core.i18n import N_
from bot.core.model import Reply, Role
from bot.core.refusals import did_you_mean, for_role_only, switched_off_reply
from bot.core.registry import CommandError, CommandGroup, Way
from bot.core.text import Text, clean

group = CommandGroup("help")

_HEADINGS = {Role.PARTICIPANT: N_("For everyone"), Role.HOST: N_("For hosts"), Role.ORGANISER: N_("For organisers")}

_NEXT = Way("next", "", N_("when the next sessions are, in your time, and who hosts them"))
_TOPICS = Way("topics", "", N_("the open topics, most votes first"))

# The commands to try first, for each role, as a newcomer would type them, and what each
# does in a few words; a host sees the participants' too, an organiser all three.
START_HERE: dict[Role, tuple[Way, ...]] = {
    Role.PARTICIPANT: (
        _NEXT,
        _TOPICS,
        Way("suggest", "TEXT", N_("suggest a topic to talk about")),
        Way("vote", "N", N_("vote for topic N (a 👍 on the message that added it votes too)")),
        Way("here", "", N_("check in while a session runs")),
    ),
    Role.HOST: (
        Way("start", "", N_("start the session you host")),
        Way("discussed", "N", N_("mark topic N discussed")),
        Way("end", "", N_("end the session and post its summary")),
    ),
    Role.ORGANISER: (
        Way("cancel", "YYYY-MM-DD [TIME]", N_("cancel a session, or a whole day")),
        Way("agenda", "", N_("post a fresh agenda and pin it")),
    ),
}
# The same in a direct-message room with the bot, where only the asker's own or read-only
# commands work.
START_IN_DIRECT: dict[Role, tuple[Way, ...]] = {
    Role.PARTICIPANT: (
        _NEXT,
        _TOPICS,
        Way("tz", "Area/City", N_("set your time zone, so times are shown in yours")),
        Way("remind", "", N_("a direct message before each session")),
    ),
    Role.ORGANISER: (Way("export", "topics|attendance", N_("the topics or the attendance as a file")),),
}

# What `!help COMMAND` adds to a command's one line of help.
MORE = {
    "vote": N_(
        "You can also vote with 👍: react 👍 to my message that added the topic (“Added #N …”, my answer to its "
        "suggestion). It counts as this command would; taking the 👍 back takes the vote back. "
        "A 👍 on any other message is not a vote."
    ),
    "unvote": N_("If you voted with a 👍 on the topic's message, taking the 👍 back does the same."),
}


@group.command(
    "help",
    usage="[command|all]",
    help=N_("The commands to start with, every command you can use (all), or one"),
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
    p, direct, lang = ctx.prefix, ctx.message.direct_for is not None, ctx.lang
    registry = ctx.services.registry
    conference = Text().bold(ctx.config.conference.name)
    if direct:
        text = lang.msg("{conference} bot — start here, in this direct message:", conference=conference)
    else:
        text = lang.msg("{conference} bot — start here:", conference=conference)
    for role, starts in (START_IN_DIRECT if direct else START_HERE).items():
        # Only the commands the config has on (a command may be switched off).
        shown = [way for way in starts if role <= ctx.role and registry.get(way.command) is not None]
        if not shown:
            continue
        if ctx.role > Role.PARTICIPANT:  # one list needs no headings
            text.line().line().bold(lang.gettext(_HEADINGS[role]))
        for way in shown:
            text.line().code(way.typed(p)).add(f" — {lang.gettext(way.does)}")
    if direct:
        text.line().line(lang.gettext("The other commands are for the conference room, where everyone sees them."))
    every, one = Text().code(f"{p}help all"), Text().code(f"{p}help COMMAND")
    if direct:
        end = lang.msg("{all} for every command that works here, {one} for one.", all=every, one=one)
    else:
        end = lang.msg("{all} for every command, {one} for one.", all=every, one=one)
    return text.line().line().extend(end)


def _all(ctx: Context) -> Text:
    """Every command the asker may use (in a direct room, those that work there), grouped
    by role."""
    p, direct, lang = ctx.prefix, ctx.message.direct_for is not None, ctx.lang
    conference = Text().bold(ctx.config.conference.name)
    if direct:
        text = lang.msg("{conference} bot — commands you can use in this direct message:", conference=conference)
    else:
        text = lang.msg("{conference} bot — commands you can use:", conference=conference)
    visible = [spec for spec in ctx.services.registry.visible_to(ctx.role) if spec.in_direct or not direct]
    for role in Role:
        specs = [spec for spec in visible if spec.role == role]
        if not specs:
            continue
        if ctx.role > Role.PARTICIPANT:
            text.line().line().bold(lang.gettext(_HEADINGS[role]))
        for shown in specs:
            text.line().code(shown.usage_line(p)).add(f" — {shown.help_in(lang)}")
    if direct:
        text.line().line(lang.gettext("The other commands are for the conference room, where everyone sees them."))
    one = Text().code(f"{p}help COMMAND")
    return text.line().line().extend(lang.msg("Type {help} for one command.", help=one))


def _one(ctx: Context, name: str) -> Reply:
    p, registry, lang = ctx.prefix, ctx.services.registry, ctx.lang
    spec = registry.get(name)
    if spec is None and (off := registry.switched_off(name)) is not None:
        return switched_off_reply(off, p, lang)
    if spec is None:
        text = lang.msg("There is no command {command}.", command=Text().code(f"{p}{clean(name, 32)}"))
        did_you_mean(text, registry.suggest(name, ctx.role), p, lang)
        help_ = Text().code(f"{p}help")
        text.add(" ").extend(lang.msg("Type {help} for the commands you can use.", help=help_))
        raise CommandError(text.plain)
    if spec.role > ctx.role:
        raise CommandError(for_role_only(spec, p, lang).plain)
    text = Text().code(spec.usage_line(p)).line(spec.help_in(lang) + ".")
    if spec.name in MORE:
        text.line(lang.gettext(MORE[spec.name]))
    if spec.aliases:
        text.line(lang.gettext("Also: {aliases}", aliases=", ".join(p + a for a in spec.aliases)))
    if ctx.message.direct_for is not None and not spec.in_direct:
        text.line(lang.gettext("It is for the conference room, where everyone sees it: here it is not carried out."))
    return ctx.reply(text)
