"""The dispatcher's own answers when a command is not carried out: used where it does not
work (a direct room), switched off by the config, for another role, a near miss of a
name ("did you mean"), arguments that do not fit (the usage line). Each in the asker's
language (`lang`, English by default)."""

from __future__ import annotations

from bot.core.i18n import N_, Translator, english
from bot.core.model import Reply, Role
from bot.core.registry import CommandSpec, Way
from bot.core.text import Text


def room_only_reply(spec: CommandSpec, prefix: str, lang: Translator | None = None) -> Reply:
    """A command that acts on the conference, sent in a direct-message room: not carried out."""
    lang = lang or english()
    text = lang.msg(
        "Please use {command} in the conference room, where everyone sees it. Type {help} for what works here.",
        command=Text().code(f"{prefix}{spec.name}"),
        help=Text().code(f"{prefix}help"),
    )
    return Reply.of(text)


def switched_off_reply(spec: CommandSpec, prefix: str, lang: Translator | None = None) -> Reply:
    """A command the config turned off: why (its switch's words), not "unknown command"."""
    assert spec.switch is not None
    lang = lang or english()
    command = Text().code(f"{prefix}{spec.name}")
    return Reply.of(lang.msg("{command} is not available: {why}", command=command, why=spec.switch.off(prefix, lang)))


# "!start is for hosts only.", by the command's role.
_FOR_ROLE_ONLY = {
    Role.PARTICIPANT: N_("{command} is for participants only."),
    Role.HOST: N_("{command} is for hosts only."),
    Role.ORGANISER: N_("{command} is for organisers only."),
}


def for_role_only(spec: CommandSpec, prefix: str, lang: Translator | None = None) -> Text:
    """'!cancel is for organisers only.' in `lang` (English by default)."""
    lang = lang or english()
    return lang.msg(_FOR_ROLE_ONLY[spec.role], command=Text().code(f"{prefix}{spec.name}"))


def did_you_mean(text: Text, ways: tuple[Way, ...], prefix: str, lang: Translator | None = None) -> Text:
    """` Did you mean !here (to check in) or !late (…)?` added to `text`, if any way, in
    `lang` (English by default); what each way does is its `does`, translated."""
    if not ways:
        return text
    lang = lang or english()
    items = []
    for way in ways:
        item = Text().code(way.typed(prefix))
        if way.does:
            item.add(f" ({lang.gettext(way.does)})")
        items.append(item)
    listed = items[0]
    if len(items) > 1:
        first = Text()
        for i, item in enumerate(items[:-1]):
            first.add(", " if i else "").extend(item)
        # Translators: the last of several commands someone may mean: '!here, !late or !checkin'.
        listed = lang.msg("{first} or {last}", first=first, last=items[-1])
    return text.add(" ").extend(lang.msg("Did you mean {ways}?", ways=listed))


def usage_reply(spec: CommandSpec, prefix: str, error: str, lang: Translator) -> Reply:
    """'!lang: fr is not a language I speak…' and, on a line of its own, 'Usage: !lang [CODE]'."""
    end = "" if error.endswith((".", "?", "!")) else "."
    text = Text(f"{prefix}{spec.name}: {error}{end}").line()
    usage = Text().code(spec.usage_line(prefix))
    # Translators: the line under an error in a command's arguments, e.g. 'Usage: !lang [CODE]'.
    return Reply.of(text.extend(lang.msg("Usage: {usage}", usage=usage)))
