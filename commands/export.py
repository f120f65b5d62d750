"""!export: the history out of the chat, as a file, for organisers."""

from __future__ import annotations

from bot.core.arguments import Choice
from bot.core.dispatcher import Context
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


@group.command(
    "export",
    usage="topics|attendance [csv|json|md]",
    role=Role.ORGANISER,
    help="Upload the topics or attendance history as a file (CSV by default)",
    in_direct=True,
)
async def export(ctx: Context, kind: Kind, format: Format = CSV) -> Reply:
    made = await build_export(ctx.store, ctx.config, kind, format, ctx.clock.now())
    text = Text("Export of ").bold(kind).add(f": {made.summary}, in ").code(made.filename).add(".")
    if format == "csv":
        text.add(" Anything a spreadsheet could mistake for a formula has a ' in front of it, so it stays plain text.")
    return ctx.reply(text, file=made.attachment())
