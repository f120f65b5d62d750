"""`!lang`: the language the bot answers a person in (and writes to them in), shown or set."""

from __future__ import annotations

from bot.core import i18n
from bot.core.arguments import Rest, UsageError
from bot.core.dispatcher import Context
from bot.core.i18n import N_, Translator
from bot.core.model import Reply
from bot.core.registry import CommandGroup
from bot.core.text import Text, clean
from bot.features.people import repository as people

group = CommandGroup("language")


@group.command(
    "lang",
    usage="[CODE]",
    help=N_("Show or set the language I answer you in (en, es, pt-BR)"),
    aliases=("language", "idioma"),
    in_direct=True,
)
async def lang(ctx: Context, typed: Rest | None = None) -> Reply:
    if typed is None:
        chosen = await people.get_language(ctx.store, ctx.sender)
        if chosen is None:
            text = ctx.lang.msg("I answer you in English, the conference's language: you have not chosen one.")
        else:
            text = ctx.lang.msg("I answer you in English, the language you chose.")
        return ctx.reply(text.line().extend(_choices(ctx, ctx.lang)))
    found = i18n.language_of(typed)
    if found is None:
        shown = clean(typed, 40)
        raise UsageError(
            ctx.lang.gettext("“{typed}” is not a language I speak: {choices}", typed=shown, choices=i18n.listing())
        )
    await people.set_language(ctx.store, ctx.sender, found.code)
    # Said in the language just chosen.
    now = i18n.translator(found.code)
    return ctx.reply(now.msg("From now on I answer you in English, here and in direct messages."))


def _choices(ctx: Context, lang: Translator) -> Text:
    """'To change it: !lang en English, !lang es español, !lang pt-BR português.'"""
    choices = Text()
    for i, language in enumerate(i18n.LANGUAGES):
        choices.add(", " if i else "").code(f"{ctx.prefix}lang {language.code}").add(f" {language.name}")
    return lang.msg("To change it: {choices}.", choices=choices)
