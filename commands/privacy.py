"""Members own their data: !mydata sends it to them, !forgetme erases it."""

from __future__ import annotations

from typing import Any

from bot.core.arguments import Choice
from bot.core.dispatcher import Context
from bot.core.model import Attachment, Reply
from bot.core.registry import CommandError, CommandGroup
from bot.core.text import Text, plural
from bot.features.privacy import registry as privacy
from commands.wording import listed

group = CommandGroup("privacy")

WINDOW_MINUTES = int(privacy.CONFIRM_WINDOW.total_seconds() // 60)


class Confirm(Choice):
    values = ("confirm",)


@group.command("mydata", help="Get everything the bot stores about you, by direct message", in_direct=True)
async def mydata(ctx: Context) -> list[Reply]:
    document = await privacy.collect(ctx.store, ctx.sender)
    name = f"ccc-mydata-{ctx.clock.now().date().isoformat()}.json"
    if privacy.is_empty(document):
        about = Text("The bot stores nothing about you beyond your user ID; the attached file shows it.")
    else:
        about = Text(f"Everything the bot stores about you is in the attached file: {_contents(document)}. ")
        about.add("Erase it with ").code(f"{ctx.prefix}forgetme").add(".")
    file = Attachment(name, privacy.as_json(document), "application/json")
    ack = Text("I have sent you what I store about you in a direct message (").code(name).add(").")
    return [Reply.of(about, direct_to=ctx.sender, file=file), ctx.reply(ack)]


def _contents(document: dict[str, Any]) -> str:
    profile = (("timezone", "time zone"), ("language", "language"), ("display_name", "display name"))
    parts = [label for key, label in profile if document.get(key)]
    if document.get("reminder_setting"):
        parts.append("reminder setting")
    for key, one, many in (
        ("suggestions", "suggestion", "suggestions"),
        ("votes", "vote", "votes"),
        ("check_ins", "check-in", "check-ins"),
        ("volunteering", "offer to host", "offers to host"),
        ("late_notes", "note that you would come late", "notes that you would come late"),
        ("reactions", "reaction", "reactions"),
        ("sessions_started_or_ended", "session started or ended", "sessions started or ended"),
        ("cancellations", "cancellation", "cancellations"),
        ("reminders_sent", "reminder sent", "reminders sent"),
        ("messages_received", "command received", "commands received"),
    ):
        if document.get(key):
            parts.append(plural(len(document[key]), one, many))
    return ", ".join(parts) or "technical records only"


@group.command(
    "forgetme", usage="[confirm]", help="Erase your time zone, votes, check-ins and volunteering", in_direct=True
)
async def forgetme(ctx: Context, confirm: Confirm | None = None) -> Reply:
    p, now = ctx.prefix, ctx.clock.now()
    if confirm is None:
        await privacy.request_erasure(ctx.store, ctx.sender, now)
        text = Text(
            "This erases what the bot stores about you: your time zone, language and display name, your votes, "
        )
        text.add("check-ins, offers to host, notes that you would come late and reminders, and the reactions ")
        text.add("and commands it ")
        text.add("recorded. Topics you suggested stay, shown as by “a former participant”. ")
        text.add("It cannot be undone. To go ahead, type ")
        text.code(f"{p}forgetme confirm")
        text.add(f" within {WINDOW_MINUTES} minutes (until {now + privacy.CONFIRM_WINDOW:%H:%M} UTC).")
        text.line("To see it first: ").code(f"{p}mydata").add(".")
        return ctx.reply(text)
    try:
        erased = await privacy.erase(ctx.store, ctx.sender, now, ctx.message.event_id)
    except privacy.NoPendingRequest as e:
        why = "Your request has expired" if e.expired else "You have not asked to be forgotten recently"
        raise CommandError(
            f"{why}, so nothing was erased. Type {p}forgetme, then {p}forgetme confirm within {WINDOW_MINUTES} minutes."
        ) from None
    for forget in ctx.services.on_forget:
        await forget(ctx.sender)
    return ctx.reply(erased_text(erased, p))


def erased_text(erased: privacy.Erased, prefix: str) -> Text:
    done = [f"your {listed(erased.profile, 'and')}"] if erased.profile else []
    if erased.reminder_setting:
        done.append("your reminder setting")
    for n, one, many in (
        (erased.votes, "vote", "votes"),
        (erased.check_ins, "check-in", "check-ins"),
        (erased.volunteering, "offer to host", "offers to host"),
        (erased.late_notes, "note that you would come late", "notes that you would come late"),
        (erased.reminders_sent, "record of a reminder sent", "records of reminders sent"),
        (erased.reactions, "recorded reaction", "recorded reactions"),
        (erased.messages, "recorded command", "recorded commands"),
    ):
        if n:
            done.append(plural(n, one, many))
    unnamed = [
        plural(n, one, many)
        for n, one, many in (
            (erased.suggestions, "topic you suggested", "topics you suggested"),
            (erased.sessions, "session you started or ended", "sessions you started or ended"),
            (erased.cancellations, "cancellation you made", "cancellations you made"),
        )
        if n
    ]
    if not done and not unnamed:
        return Text("Done: the bot had nothing stored about you.")
    text = Text("Done. " + (f"Erased: {', '.join(done)}." if done else "Nothing else was stored about you."))
    if unnamed:
        text.line("No longer named as yours (they stay, by “a former participant”): " + ", ".join(unnamed) + ".")
    text.line("Commands you use from now on store only what they need (").code(f"{prefix}tz").add(" your time zone).")
    return text
