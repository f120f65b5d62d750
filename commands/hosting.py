"""Words for someone who volunteered to host a later session and types a host command
now: they are a host, of another session, so not the plain "for hosts only". Shared by
the session commands (!start, !end) and the topic ones (!discussed, !undiscussed)."""

from __future__ import annotations

from bot.core.dispatcher import Context
from bot.core.model import Reply
from bot.core.text import Text
from bot.features.people.names import name_of
from bot.features.schedule.repository import Cancellations, load_cancellations
from bot.features.schedule.weekly_sessions import Session, session_from_key
from bot.features.sessions import repository
from bot.features.sessions.timeline import START_EARLY, START_LATE
from commands.wording import countdown


async def coming_offers(ctx: Context) -> list[Session]:
    """The sessions the asker offered to host that have not started and are not over."""
    now, out = ctx.clock.now(), []
    for key in await repository.offers_of(ctx.store, ctx.sender):
        try:
            session = session_from_key(ctx.config, key)
        except ValueError:
            continue
        state = await repository.state_of(ctx.store, key)
        if (state is None or state.started_at is None) and session.starts_at + START_LATE >= now:
            out.append(session)
    return sorted(out, key=lambda s: s.starts_at)


def offer_text(ctx: Context, offers: list[Session], cancels: Cancellations) -> Text:
    """'You volunteered to host session …, which can be started from … (in …).', or that
    the sessions offered for are cancelled. `offers` is not empty."""
    now = ctx.clock.now()
    theirs = next((s for s in offers if cancels.of(s) is None), None)
    if theirs is None:
        keys = ", ".join(s.key for s in offers)
        text = Text(f"You volunteered to host session {keys}, but ")
        return text.add("it is" if len(offers) == 1 else "they are").add(" cancelled.")
    opens = theirs.starts_at - START_EARLY
    text = Text(f"You volunteered to host session {theirs.key}, which can be started from {opens:%H:%M} UTC")
    if opens.date() != now.date():
        text.add(f" on {opens:%A} {opens.day} {opens:%B}")
    return text.add(f" ({countdown(opens - now)}).")


async def host_of_another(ctx: Context, *, allowed: str, idle: str) -> Reply | None:
    """A host command refused to a volunteer of a later session: which session is theirs,
    then who `allowed` (may end it, may mark its topics) for the running one, or `idle`
    after "No session is running, so". None for someone with no offer (the plain refusal)."""
    offers = await coming_offers(ctx)
    if not offers:
        return None
    text = offer_text(ctx, offers, await load_cancellations(ctx.store))
    key = await repository.running_session(ctx.store)
    if key is None:
        return ctx.reply(text.line(f"No session is running, so {idle}."))
    state = await repository.state_of(ctx.store, key)
    starter = await name_of(ctx.store, state.started_by or "") if state else "someone else"
    return ctx.reply(text.line(f"Session {key} is running, started by {starter}; only {allowed}."))
