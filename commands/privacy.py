"""Members own their data: !mydata sends it to them, !forgetme erases it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.core.arguments import Choice
from bot.core.dispatcher import Context
from bot.core.i18n import N_, Translator, english
from bot.core.model import Attachment, Reply
from bot.core.registry import CommandError, CommandGroup
from bot.core.text import Text
from bot.features.privacy import registry as privacy
from commands.wording import listed

group = CommandGroup("privacy")

WINDOW_MINUTES = int(privacy.CONFIRM_WINDOW.total_seconds() // 60)


class Confirm(Choice):
    values = ("confirm",)


@group.command("mydata", help=N_("Get everything the bot stores about you, by direct message"), in_direct=True)
async def mydata(ctx: Context) -> list[Reply]:
    lang = ctx.lang
    document = await privacy.collect(ctx.store, ctx.sender)
    name = f"ccc-mydata-{ctx.clock.now().date().isoformat()}.json"
    if privacy.is_empty(document):
        about = Text(lang.gettext("The bot stores nothing about you beyond your user ID; the attached file shows it."))
    else:
        about = lang.msg(
            "Everything the bot stores about you is in the attached file: {contents}. Erase it with {command}.",
            contents=_contents(document, lang),
            command=Text().code(f"{ctx.prefix}forgetme"),
        )
    file = Attachment(name, privacy.as_json(document), "application/json")
    ack = lang.msg("I have sent you what I store about you in a direct message ({file}).", file=Text().code(name))
    return [Reply.of(about, direct_to=ctx.sender, file=file), ctx.reply(ack)]


def _contents(document: dict[str, Any], lang: Translator) -> str:
    """'time zone, language, 2 suggestions, 3 votes': what the file holds, in `lang`."""
    # Translators: what !mydata's file holds, in a list: 'time zone, language, 3 votes'.
    profile = {
        "timezone": lang.gettext("time zone"),
        "language": lang.gettext("language"),
        "display_name": lang.gettext("display name"),
        "reminder_setting": lang.gettext("reminder setting"),
    }
    parts = [label for key, label in profile.items() if document.get(key)]
    counted: dict[str, Callable[[int], str]] = {
        "suggestions": lambda n: lang.ngettext("{n} suggestion", "{n} suggestions", n),
        "votes": lambda n: lang.ngettext("{n} vote", "{n} votes", n),
        "check_ins": lambda n: lang.ngettext("{n} check-in", "{n} check-ins", n),
        "volunteering": lambda n: lang.ngettext("{n} offer to host", "{n} offers to host", n),
        "late_notes": lambda n: lang.ngettext(
            "{n} note that you would come late", "{n} notes that you would come late", n
        ),
        "reactions": lambda n: lang.ngettext("{n} reaction", "{n} reactions", n),
        "sessions_started_or_ended": lambda n: lang.ngettext(
            "{n} session started or ended", "{n} sessions started or ended", n
        ),
        "cancellations": lambda n: lang.ngettext("{n} cancellation", "{n} cancellations", n),
        "reminders_sent": lambda n: lang.ngettext("{n} reminder sent", "{n} reminders sent", n),
        "messages_received": lambda n: lang.ngettext("{n} command received", "{n} commands received", n),
    }
    parts += [said(len(document[key])) for key, said in counted.items() if document.get(key)]
    return ", ".join(parts) or lang.gettext("technical records only")


@group.command(
    "forgetme",
    usage="[confirm]",
    help=N_("Erase your time zone, votes, check-ins and volunteering"),
    in_direct=True,
)
async def forgetme(ctx: Context, confirm: Confirm | None = None) -> Reply:
    p, now, lang = ctx.prefix, ctx.clock.now(), ctx.lang
    if confirm is None:
        await privacy.request_erasure(ctx.store, ctx.sender, now)
        text = lang.nmsg(
            "This erases what the bot stores about you: your time zone, language and display name, your votes, "
            "check-ins, offers to host, notes that you would come late and reminders, and the reactions and "
            "commands it recorded. Topics you suggested stay, shown as by “a former participant”. It cannot be "
            "undone. To go ahead, type {command} within {n} minute (until {time} UTC).",
            "This erases what the bot stores about you: your time zone, language and display name, your votes, "
            "check-ins, offers to host, notes that you would come late and reminders, and the reactions and "
            "commands it recorded. Topics you suggested stay, shown as by “a former participant”. It cannot be "
            "undone. To go ahead, type {command} within {n} minutes (until {time} UTC).",
            WINDOW_MINUTES,
            command=Text().code(f"{p}forgetme confirm"),
            time=f"{now + privacy.CONFIRM_WINDOW:%H:%M}",
        )
        text.line().extend(lang.msg("To see it first: {command}.", command=Text().code(f"{p}mydata")))
        return ctx.reply(text)
    try:
        erased = await privacy.erase(ctx.store, ctx.sender, now, ctx.message.event_id)
    except privacy.NoPendingRequest as e:
        again, confirmed = f"{p}forgetme", f"{p}forgetme confirm"
        if e.expired:
            why = lang.ngettext(
                "Your request has expired, so nothing was erased. Type {forget}, then {confirm} within {n} minute.",
                "Your request has expired, so nothing was erased. Type {forget}, then {confirm} within {n} minutes.",
                WINDOW_MINUTES,
                forget=again,
                confirm=confirmed,
            )
        else:
            why = lang.ngettext(
                "You have not asked to be forgotten recently, so nothing was erased. "
                "Type {forget}, then {confirm} within {n} minute.",
                "You have not asked to be forgotten recently, so nothing was erased. "
                "Type {forget}, then {confirm} within {n} minutes.",
                WINDOW_MINUTES,
                forget=again,
                confirm=confirmed,
            )
        raise CommandError(why) from None
    for forget in ctx.services.on_forget:
        await forget(ctx.sender)
    return ctx.reply(erased_text(erased, p, lang))


def _profile_erased(labels: tuple[str, ...], lang: Translator) -> str:
    """'your time zone and language' (the labels the profile's erasure names), in `lang`."""
    said = {
        # Translators: what !forgetme erased of the profile, listed after 'your': 'your time zone and language'.
        "time zone": lang.pgettext("erased", "time zone"),
        "language": lang.pgettext("erased", "language"),
        "display name": lang.pgettext("erased", "display name"),
    }
    things = listed([said.get(label, label) for label in labels], lang.gettext("and"))
    # Translators: {things} are the profile's parts erased: 'your time zone and language'.
    return lang.gettext("your {things}", things=things)


def erased_text(erased: privacy.Erased, prefix: str, lang: Translator | None = None) -> Text:
    lang = lang or english()
    done = [_profile_erased(erased.profile, lang)] if erased.profile else []
    if erased.reminder_setting:
        done.append(lang.gettext("your reminder setting"))
    counted: list[tuple[int, Callable[[int], str]]] = [
        (erased.votes, lambda n: lang.ngettext("{n} vote", "{n} votes", n)),
        (erased.check_ins, lambda n: lang.ngettext("{n} check-in", "{n} check-ins", n)),
        (erased.volunteering, lambda n: lang.ngettext("{n} offer to host", "{n} offers to host", n)),
        (
            erased.late_notes,
            lambda n: lang.ngettext("{n} note that you would come late", "{n} notes that you would come late", n),
        ),
        (
            erased.reminders_sent,
            lambda n: lang.ngettext("{n} record of a reminder sent", "{n} records of reminders sent", n),
        ),
        (erased.reactions, lambda n: lang.ngettext("{n} recorded reaction", "{n} recorded reactions", n)),
        (erased.messages, lambda n: lang.ngettext("{n} recorded command", "{n} recorded commands", n)),
    ]
    done += [said(n) for n, said in counted if n]
    kept: list[tuple[int, Callable[[int], str]]] = [
        (erased.suggestions, lambda n: lang.ngettext("{n} topic you suggested", "{n} topics you suggested", n)),
        (
            erased.sessions,
            lambda n: lang.ngettext("{n} session you started or ended", "{n} sessions you started or ended", n),
        ),
        (
            erased.cancellations,
            lambda n: lang.ngettext("{n} cancellation you made", "{n} cancellations you made", n),
        ),
    ]
    unnamed = [said(n) for n, said in kept if n]
    if not done and not unnamed:
        return Text(lang.gettext("Done: the bot had nothing stored about you."))
    if done:
        text = Text(lang.gettext("Done. Erased: {things}.", things=", ".join(done)))
    else:
        text = Text(lang.gettext("Done. Nothing else was stored about you."))
    if unnamed:
        text.line(
            lang.gettext(
                "No longer named as yours (they stay, by “a former participant”): {things}.", things=", ".join(unnamed)
            )
        )
    command = Text().code(f"{prefix}tz")
    return text.line().extend(
        lang.msg("Commands you use from now on store only what they need ({command} your time zone).", command=command)
    )
