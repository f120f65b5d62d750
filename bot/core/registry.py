"""Commands declared once, beside their handler, with usage, role, help and whether they
may be used in a direct-message room with the bot (`in_direct`: the asker's own or
read-only commands; the rest act on the conference and are used where everyone sees them).

    group = CommandGroup("topics")

    @group.command("vote", usage="N", help="Vote for topic N")
    async def vote(ctx: Context, topic: int) -> Reply: ...

    @group.command("topics", help="Open topics, most votes first", in_direct=True)
    async def list_topics(ctx: Context) -> Reply: ...

Arguments are converted from the handler's annotations (bot/core/arguments.py): `int`,
`str` (one word, quotes allowed), `Rest` (the rest of the line), `Numbers` (one or more
topic numbers as people list them: `3 4`, `3, 4`, `#3 & #4`; usage `N [N…]`),
`datetime.date` (YYYY-MM-DD), `datetime.time` (one word: 17:00, 8am), and `Choice`
subclasses of str with a fixed set of values. A parameter with a default is optional.

A command of a feature the config may turn off names its switch (`switch=LEAN_COFFEE`, a
`Switch` on `lean_coffee.enabled`): the registry built from a config with it off holds the
command as off, so it is in no list, no "did you mean" and no help, and the one who types
it is told why (the switch's words), not that there is no such command.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from bot.core import settings
from bot.core.arguments import Param, labels_of, params_of
from bot.core.config import Config
from bot.core.i18n import Translator
from bot.core.model import Reply, Role
from bot.core.text import Text


class CommandError(Exception):
    """The command was understood but cannot be done; the message says why (a Text where it
    shows what to type in code style: a command to copy)."""

    def __init__(self, message: str | Text) -> None:
        self.text = message if isinstance(message, Text) else Text(message)
        super().__init__(self.text.plain)


Handler = Callable[..., Awaitable["Reply | list[Reply] | None"]]


@dataclass(frozen=True)
class Switch:
    """A true/false config key (`lean_coffee.enabled`, as the config file names it) that
    turns the commands declared with it on or off, and what someone who types one while it
    is off is told: `off(prefix, lang)`, the reason and what to do instead, in the asker's
    language."""

    key: str
    off: Callable[[str, Translator], Text]

    def __post_init__(self) -> None:
        section, _, name = self.key.partition(".")
        kind = settings.sections(Config).get(section)
        found = settings.keys(kind).get(name) if kind is not None else None
        if found is None or found[1] is not bool:
            raise ValueError(f"switch {self.key!r} is no true/false key of the config")

    def is_on(self, config: Config) -> bool:
        section, _, name = self.key.partition(".")
        return bool(getattr(getattr(config, section), name))


@dataclass(frozen=True)
class CommandSpec:
    name: str
    usage: str
    role: Role
    help: str
    handler: Handler
    params: tuple[Param, ...]
    aliases: tuple[str, ...] = ()
    # The handler shows what the asker's role allows, so its ctx.role must be exact even
    # for a participant's command (a volunteer host is told about !start).
    role_aware: bool = False
    # Called as `refused(ctx)` when the asker's role is below `role`: a reply saying what
    # is true for them (a volunteer for a later session is a host, just not now), or None
    # for the plain "for hosts only".
    refused: Callable[..., Awaitable[Reply | None]] | None = None
    # Also carried out in a direct-message room with the bot: what is the asker's own or
    # only reads. Otherwise (acting on the conference, which everyone should see) only in
    # a conference room; a direct room answers with a pointer to it.
    in_direct: bool = False
    # The config key that turns it on or off (None: always on).
    switch: Switch | None = None

    def usage_line(self, prefix: str) -> str:
        return f"{prefix}{self.name} {self.usage}".rstrip()

    def help_in(self, lang: Translator) -> str:
        """Its `help` in `lang` (declared in `N_("…")`, so the catalogs have it)."""
        return lang.gettext(self.help)

    @functools.cached_property
    def arg_labels(self) -> tuple[str, ...]:
        """Each argument as the usage line names it (arguments.labels_of), worked out
        once per command, not for every message."""
        return labels_of(self.usage, self.params)


@dataclass(frozen=True)
class ReactionSpec:
    """What a reaction with one of `keys` on a message anchored as `kind` does.
    The handler is called as `handler(ctx, ref, added)`; it runs with the reacting user's
    role and must itself check what it needs (a reaction has no usage line)."""

    kind: str
    keys: tuple[str, ...]
    handler: Callable[..., Awaitable[Reply | list[Reply] | None]]


@dataclass(frozen=True)
class Way:
    """A command someone may mean, as they would type it (`!remind off`), and what it does
    in their words ("to stop your reminders"), for a "did you mean"."""

    command: str
    args: str = ""
    does: str = ""

    def typed(self, prefix: str) -> str:
        return f"{prefix}{self.command} {self.args}".rstrip()


@dataclass(frozen=True)
class Meaning:
    """A word people reach for that is no command's name and may mean several (`!rsvp`):
    answered with the commands it may mean, those the asker may use, before any near miss
    in spelling. (A word with one meaning is an alias of its command.)"""

    word: str
    ways: tuple[Way, ...]


class CommandGroup:
    """The commands of one module, in the order they are declared."""

    def __init__(self, name: str):
        self.name = name
        self.commands: list[CommandSpec] = []
        self.reactions: list[ReactionSpec] = []

    def reaction(self, kind: str, *keys: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.reactions.append(ReactionSpec(kind, keys, handler))
            return handler

        return register

    def command(
        self,
        name: str,
        *,
        usage: str = "",
        role: Role = Role.PARTICIPANT,
        help: str,
        aliases: Iterable[str] = (),
        role_aware: bool = False,
        refused: Callable[..., Awaitable[Reply | None]] | None = None,
        in_direct: bool = False,
        switch: Switch | None = None,
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.commands.append(
                CommandSpec(
                    name,
                    usage,
                    role,
                    help,
                    handler,
                    params_of(handler),
                    tuple(aliases),
                    role_aware,
                    refused,
                    in_direct,
                    switch,
                )
            )
            return handler

        return register


class Registry:
    """The commands of `groups` as `config` turns them on: a command whose switch is off
    there is only known as off (`switched_off`). Without a config every command is on (the
    whole declared set, as the documentation lists it)."""

    def __init__(self, groups: Iterable[CommandGroup], meanings: Iterable[Meaning] = (), config: Config | None = None):
        self.commands: dict[str, CommandSpec] = {}
        self._names: dict[str, CommandSpec] = {}
        # The commands turned off by the config, by name and alias.
        self._off: dict[str, CommandSpec] = {}
        self.reactions: dict[tuple[str, str], ReactionSpec] = {}
        # The words that point to commands, by word.
        self._pointers: dict[str, Meaning] = {}
        for group in groups:
            for reaction in group.reactions:
                for key in reaction.keys:
                    self.reactions[(reaction.kind, key)] = reaction
            for spec in group.commands:
                on = spec.switch is None or config is None or spec.switch.is_on(config)
                for name in (spec.name, *spec.aliases):
                    self._claim(name)
                    (self._names if on else self._off)[name] = spec
                if on:
                    self.commands[spec.name] = spec
        for meaning in meanings:
            self._add_meaning(meaning)

    def _claim(self, name: str) -> None:
        if name in self._names or name in self._off or name in self._pointers:
            raise ValueError(f"command {name!r} declared twice")

    def _add_meaning(self, meaning: Meaning) -> None:
        self._claim(meaning.word)
        for way in meaning.ways:
            if way.command not in self.commands and way.command not in self._off:
                raise ValueError(f"{meaning.word!r} means {way.command!r}, which is no command")
        self._pointers[meaning.word] = meaning

    def reaction(self, kind: str, key: str) -> ReactionSpec | None:
        return self.reactions.get((kind, key))

    def get(self, name: str) -> CommandSpec | None:
        return self._names.get(name.lower())

    def switched_off(self, name: str) -> CommandSpec | None:
        """The command `name` names if the config turned it off (its switch says why)."""
        return self._off.get(name.lower())

    def visible_to(self, role: Role) -> list[CommandSpec]:
        return [spec for spec in self.commands.values() if spec.role <= role]

    def pointer(self, word: str) -> Meaning | None:
        """The meaning of a word that is no command but points to some (`!rsvp`)."""
        return self._pointers.get(word.lower())

    def suggest(self, name: str, role: Role) -> tuple[Way, ...]:
        """What someone who typed `name`, no command, may mean, among what `role` may use:
        by meaning first (`!stop`: `!remind off`, not `!topics`), then by spelling (a
        word that points spelt nearly right counts as itself); () if nothing comes close."""
        name = name.lower()
        meaning = self._pointers.get(name)
        if meaning is not None and (ways := self._usable(meaning, role)):
            return ways
        candidates = [n for n, spec in self._names.items() if spec.role <= role]
        candidates += [word for word, meaning in self._pointers.items() if self._usable(meaning, role)]
        close = difflib.get_close_matches(name[:64], candidates, n=1, cutoff=0.6)
        if not close:
            return ()
        if close[0] in self._pointers:
            return self._usable(self._pointers[close[0]], role)
        return (Way(self._names[close[0]].name),)

    def _usable(self, meaning: Meaning, role: Role) -> tuple[Way, ...]:
        return tuple(
            way for way in meaning.ways if way.command in self.commands and self.commands[way.command].role <= role
        )
