"""!export: the history out of the chat, as a file, for organisers."""

from __future__ import annotations

from bot.core.arguments import Choice
from bot.core.dispatcher import Context
from bot.core.i18n import N_
from bot.core.model import Reply, Role
from bot.core.registry import CommandGroup
from bot.core.text import Text
from bot.features.export.reports import FORMATS, KINDS, build_export

group = CommandGroup("export")


class Kind(Choice):
    values = KINDS


class Format(Choice):
    values = FORMATS


CSV = Format("csv")


# What each kind is called in a reply (the argument stays as typed: topics, attendance).
KIND_NAMES = {"topics": N_("topics"), "attendance": N_("attendance")}


@group.command(
    "export",
    usage="topics|attendance [csv|json|md]",
    role=Role.ORGANISER,
    help=N_("Upload the topics or attendance history as a file (CSV by default)"),
    in_direct=True,
)
async def export(ctx: Context, kind: Kind, format: Format = CSV) -> Reply:
    lang = ctx.lang
    made = await build_export(ctx.store, ctx.config, kind, format, ctx.clock.now(), lang=lang)
    what = Text().bold(lang.gettext(KIND_NAMES[kind]))
    text = lang.msg(
        "Export of {kind}: {summary}, in {file}.", kind=what, summary=made.summary, file=Text().code(made.filename)
    )
    if format == "csv":
        text.add(" ").add(
            lang.gettext(
                "Anything a spreadsheet could mistake for a formula has a ' in front of it, so it stays plain text."
            )
        )
    return ctx.reply(text, file=made.attachment())
