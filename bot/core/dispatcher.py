"""From a message to the replies: split once, look up once, check the role once (and,
in a direct-message room, that the command may be used there), convert the arguments,
call the handler, and turn every error into one clear reply."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bot.core import reactions
from bot.core.addressing import asks, bot_names, names_bot
from bot.core.arguments import UsageError, parse_args
from bot.core.clock import Clock
from bot.core.config import Config
from bot.core.i18n import Translator, room_language, translator
from bot.core.limits import CommandLimit, Verdict
from bot.core.model import (
    AgendaControl,
    ChartRunner,
    IncomingMessage,
    IncomingReaction,
    Membership,
    OpenDirectChat,
    ProfileZones,
    Relay,
    Reply,
    Role,
    normalise_reaction,
)
from bot.core.refusals import did_you_mean, for_role_only, room_only_reply, switched_off_reply, usage_reply
from bot.core.registry import CommandError, CommandSpec, ReactionSpec, Registry
from bot.core.routing import answered_where_typed
from bot.core.text import Text, clean
from bot.storage.store import Store

log = logging.getLogger(__name__)

# A command's name: letters and digits, with a single - or _ inside (`check-in`). It ends
# where no letter, digit or apostrophe follows (`!here!`, `!next?`, `!vote, 3`), so that
# `!here's` is no `!here`.
_NAME = re.compile(r"([A-Za-z][A-Za-z0-9]*(?:[_-][A-Za-z0-9]+)*)(?![\w'’])")
_LONGEST_NAME = 64
# What people type right after a command's name (`!next?`, `!vote, 3`), dropped with it.
PUNCTUATION_AFTER_NAME = "!?.,;:…¡¿！？。，、"
# Between the name and its arguments: spaces, after that punctuation.
_AFTER_NAME = re.compile(f"[{re.escape(PUNCTUATION_AFTER_NAME)}]*\\s*")

# Asked for a user's power level in a room; None when unknown (console mode).
PowerLevels = Callable[[str, str], "int | None"]
# Extra ways to be a host of the current session (volunteering), added by features: asked
# with the user id, they bring what they read (the wiring binds it).
HostCheck = Callable[[str], Awaitable[bool]]
# Told the user id of someone whose data `!forgetme` has just erased, so that an adapter
# drops what it keeps outside the database (the console's saved files).
ForgetHook = Callable[[str], Awaitable[None]]
# Asked with a user id: the code of the language they chose (`!lang`), None if none.
LanguageOf = Callable[[str], Awaitable["str | None"]]


async def _no_language(user_id: str) -> str | None:
    return None


@dataclass
class Services:
    """What command handlers may use. Built once at start; no globals."""

    config: Config
    store: Store
    clock: Clock
    registry: Registry
    # The attendance chart's runner, one for the bot's lifetime (`!stats`, the web page).
    charts: ChartRunner
    # The zone each person publishes in their Matrix profile, kept in memory (`!tz` set by
    # hand wins: bot/features/people/profile_zone.py decides).
    profile_zones: ProfileZones
    power_level: PowerLevels = lambda room_id, user_id: None
    is_member: Membership = lambda user_id: None
    host_checks: list[HostCheck] = field(default_factory=list)
    on_forget: list[ForgetHook] = field(default_factory=list)
    # The rooms' pinned agenda (bot/features/agenda), when the adapter keeps one.
    agenda: AgendaControl | None = None
    # Called by a command that changed what is due (a reminder asked for or stopped, a
    # session cancelled or restored): the announcer's jobs, once started, bind it to plan
    # (and send what is due) at once, not at their next tick up to a minute later.
    schedule_changed: Relay = field(default_factory=Relay)
    # Finds or opens the bot's direct chat with a person (`!remind` opens it when they opt
    # in), where the adapter has direct chats: the Matrix adapter sets it.
    open_direct_chat: OpenDirectChat | None = None
    # The language each person chose (the wiring reads it from the people feature).
    language_of: LanguageOf = _no_language

    @property
    def prefix(self) -> str:
        return self.config.matrix.command_prefix

    def is_organiser(self, user_id: str, room_id: str | None = None) -> bool:
        roles = self.config.roles
        if user_id in roles.organisers:
            return True
        level = self.power_level(room_id, user_id) if room_id else None
        return level is not None and level >= roles.organiser_power_level

    async def language(self, user_id: str) -> Translator:
        """The language to answer `user_id` in: theirs, or the rooms' if they chose none."""
        chosen = await self.language_of(user_id)
        return translator(chosen) if chosen is not None else room_language(self.config)

    async def role_of(self, user_id: str, room_id: str | None = None, *, needed: Role = Role.ORGANISER) -> Role:
        """The user's role. The configured lists and power levels are in memory; who
        volunteered to host is in the database, so it is looked up only when `needed`
        (the role the question is about) is above participant."""
        if self.is_organiser(user_id, room_id):
            return Role.ORGANISER
        if user_id in self.config.roles.hosts:
            return Role.HOST
        if needed > Role.PARTICIPANT:
            for check in self.host_checks:
                if await check(user_id):
                    return Role.HOST
        return Role.PARTICIPANT


@dataclass(frozen=True)
class Context:
    """One command being handled. `role` is exact for every role the command's own role
    or `role_aware` asks about; for a participant's command a volunteer host may show as
    a participant (sessions.hosts.hosts answers about hosting a given session)."""

    services: Services
    message: IncomingMessage
    role: Role
    spec: CommandSpec | ReactionSpec
    # The asker's language (bot/core/i18n.py): what the replies to them are worded in.
    lang: Translator

    @property
    def room_lang(self) -> Translator:
        """The rooms' language (`conference.language`), for what everyone reads."""
        return room_language(self.config)

    @property
    def store(self) -> Store:
        return self.services.store

    @property
    def config(self) -> Config:
        return self.services.config

    @property
    def clock(self) -> Clock:
        return self.services.clock

    @property
    def sender(self) -> str:
        return self.message.sender

    @property
    def prefix(self) -> str:
        return self.services.prefix

    def reply(self, text: Text | str, **kwargs: Any) -> Reply:
        if isinstance(text, str):
            text = Text(text)
        return Reply.of(text, **kwargs)


def split_command(body: str, prefix: str) -> tuple[str, str] | None:
    """(name, argument text) if the body is an attempt at a command, else None. An attempt
    starts with the prefix and has a letter after it (`!!!` and `!?` are chat); the name
    may follow spaces or a doubled prefix (`! next`, `!!next`) and be followed by
    punctuation (`!next?`, `!vote, 3`). What is no name (`!here's`) comes back as its first
    word, for the dispatcher to answer with a suggestion."""
    text = body.lstrip()
    if not text.startswith(prefix):
        return None
    rest = text[len(prefix) :]
    if not any(ch.isalpha() for ch in rest):
        return None
    rest = rest.lstrip()
    while prefix.strip() and rest.startswith(prefix):
        rest = rest[len(prefix) :].lstrip()
    m = _NAME.match(rest)
    if m and len(m.group(1)) <= _LONGEST_NAME:
        args = rest[m.end() :]
        after = _AFTER_NAME.match(args)
        return m.group(1).lower(), args[after.end() if after else 0 :]
    word, *others = rest.split(maxsplit=1)
    return word.lower(), others[0] if others else ""


class Dispatcher:
    def __init__(self, services: Services):
        self.services = services
        self.limit = CommandLimit(services.config.limits.commands_per_minute)
        # How people name the bot in what they write (its display name the adapter knows).
        self._names = bot_names(services.config.matrix.user_id)
        # Where matrix.to links find a room: the bot's own server.
        self._server = services.config.matrix.user_id.partition(":")[2]

    async def handle(self, message: IncomingMessage) -> list[Reply]:
        parsed = split_command(message.body, self.services.prefix)
        if parsed is None and not self._asks_the_bot(message):
            return []
        direct = message.direct_for is not None
        if direct and message.sender != message.direct_for:
            return []  # a direct room answers its person only (the adapter drops the rest already)
        # Before anything that costs: a flood past the limit is dropped here, unread.
        held_back = await self.held_back(message.room_id, message.sender)
        if held_back is not None:
            return held_back
        prefix = self.services.prefix
        if direct and self.services.is_member(message.sender) is False:
            lang = await self.services.language(message.sender)
            return [Reply.of(lang.msg("I answer here only people who are in the conference room."))]
        if parsed is None:
            return [self._pointer(await self.services.language(message.sender))]
        name, arg_text = parsed
        spec = self.services.registry.get(name)
        lang = await self.services.language(message.sender)
        if spec is None and (off := self.services.registry.switched_off(name)) is not None:
            return [switched_off_reply(off, prefix, lang)]
        # A participant's command needs no look-up of volunteer hosts, unless it shows
        # what the asker's role allows (!help).
        needed = Role.ORGANISER if spec is None or spec.role_aware else spec.role
        role = await self.services.role_of(message.sender, message.room_id, needed=needed)
        if spec is None:
            typed = Text().code(f"{prefix}{clean(name, 32)}")
            text = lang.msg("Unknown command {command}.", command=typed)
            did_you_mean(text, self.services.registry.suggest(name, role), prefix, lang)
            help_ = Text().code(f"{prefix}help")
            return [Reply.of(text.add(" ").extend(lang.msg("Type {help} for the commands you can use.", help=help_)))]
        if role < spec.role:
            if spec.refused is not None:
                try:
                    explained = await spec.refused(Context(self.services, message, role, spec, lang))
                except Exception:
                    log.exception("explaining %s to %s failed", spec.name, message.sender)
                    explained = None
                if explained is not None:
                    return [explained]
            text = for_role_only(spec, prefix, lang).add(" ")
            help_ = Text().code(f"{prefix}help")
            return [Reply.of(text.extend(lang.msg("Type {help} for the commands you can use.", help=help_)))]
        if direct and not spec.in_direct:
            return [room_only_reply(spec, prefix, lang)]
        ctx = Context(self.services, message, role, spec, lang)
        try:
            args = parse_args(spec, arg_text, lang)
            result = await spec.handler(ctx, *args)
        except UsageError as e:
            return [usage_reply(spec, prefix, str(e), lang)]
        except CommandError as e:
            return [Reply.of(e.text)]
        except Exception:
            log.exception("command %s from %s failed", spec.name, message.sender)
            command = Text().code(f"{prefix}{spec.name}")
            text = lang.msg(
                "Sorry, {command} failed unexpectedly. The error is in the bot's log for the operator.", command=command
            )
            return [Reply.of(text)]
        finally:
            self._changed()
        return answered_where_typed(_as_list(result), message, self._server, lang)

    def _asks_the_bot(self, message: IncomingMessage) -> bool:
        """A message that is no command but names the bot (or is in its direct room) and
        asks something; never the bot's own."""
        if message.sender == self.services.config.matrix.user_id:
            return False
        spoken_to = message.addressed or message.direct_for is not None or names_bot(message.body, self._names)
        return spoken_to and asks(message.body)

    def _pointer(self, lang: Translator) -> Reply:
        """The answer to a question asked of the bot in words: where to start."""
        p = self.services.prefix
        text = lang.msg(
            "I'm the {conference} bot: type {help} for what I can do, or {link} for the link to the call.",
            conference=self.services.config.conference.name,
            help=Text().code(f"{p}help"),
            link=Text().code(f"{p}link"),
        )
        return Reply.of(text)

    def _changed(self) -> None:
        """A command or reaction was handled: whatever it changed, the agenda shows soon
        (the agenda renders, and edits only if its text is not the same)."""
        if self.services.agenda is not None:
            self.services.agenda.changed()

    async def handle_reaction(self, reaction: IncomingReaction) -> list[Reply]:
        """A reaction to an anchored bot message, or the redaction of one, acts like the
        command it stands for (👍 on a topic votes; redacting it unvotes)."""
        if reaction.direct_for is not None:
            # What a reaction stands for acts on the conference (a vote, a check-in): done
            # where everyone sees it, as the commands are, never in a direct room.
            return []
        store = self.services.store
        if reaction.added:
            target, key = reaction.target, normalise_reaction(reaction.key)
        else:
            known = await reactions.reaction_by(store, reaction.event_id, reaction.sender)
            if known is None:
                return []  # not a reaction that did anything
            target, key = known.target, known.key
        anchor = await reactions.anchor_of(store, target)
        spec = self.services.registry.reaction(anchor.kind, key) if anchor else None
        if anchor is None or spec is None:
            return []
        if reaction.added:
            if not await reactions.remember(store, reactions.Reaction(reaction.event_id, reaction.sender, target, key)):
                return []  # seen already (a redelivered event)
        else:
            await reactions.forget(store, reaction.event_id)
        role = await self.services.role_of(reaction.sender, reaction.room_id)
        lang = await self.services.language(reaction.sender)
        # Any answer goes in reply to the message reacted to.
        message = IncomingMessage(
            reaction.sender, reaction.room_id, target, "", reaction.ts, sender_name=reaction.sender_name
        )
        ctx = Context(self.services, message, role, spec, lang)
        try:
            replies = _as_list(await spec.handler(ctx, anchor.ref, reaction.added))
        except (UsageError, CommandError) as e:
            replies = [Reply.of(Text(str(e)))]
        except Exception:
            log.exception("reaction %s from %s failed", key, reaction.sender)
            return []
        finally:
            self._changed()
        # A reaction always acts (what people see on the message is what counts, and
        # success is quiet), but its answers count against the limit like commands.
        if replies:
            held_back = await self.held_back(reaction.room_id, reaction.sender)
            if held_back is not None:
                return held_back
        return replies

    async def held_back(self, room_id: str, sender: str) -> list[Reply] | None:
        """None while `sender` is within limits.commands_per_minute in `room_id`; past it
        the one notice saying when to try again (in their language, looked up only then),
        then nothing until then."""
        now = self.services.clock.now()
        decision = self.limit.check(room_id, sender, now)
        if decision.verdict is Verdict.ANSWER:
            return None
        if decision.verdict is Verdict.SILENCE:
            return []
        seconds = decision.seconds_left(now)
        log.info("%s sent too many commands in %s; ignoring them for %d s", sender, room_id, seconds)
        lang = await self.services.language(sender)
        text = lang.nmsg(
            "Too many commands: I answer at most {n} a minute from each person.",
            "Too many commands: I answer at most {n} a minute from each person.",
            self.limit.per_minute,
        ).add(" ")
        text.extend(
            lang.nmsg(
                "Try again in {n} second; until then I ignore your commands here.",
                "Try again in {n} seconds; until then I ignore your commands here.",
                seconds,
            )
        )
        return [Reply.of(text)]


def _as_list(result: Reply | list[Reply] | None) -> list[Reply]:
    if result is None:
        return []
    return result if isinstance(result, list) else [result]
