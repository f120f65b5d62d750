"""The pinned agenda: its text (rendered from bot/features/agenda's data, an m.notice that
pings nobody: names are plain text), and `!agenda` for a fresh one."""

from __future__ import annotations

from urllib.parse import quote

from bot.core.dispatcher import Context, Services
from bot.core.model import Reply, Role
from bot.core.registry import CommandError, CommandGroup
from bot.core.text import Text, clean, plural
from bot.features.agenda import repository as agendas
from bot.features.agenda.service import AgendaData, Discussing, Running, Upcoming, Waiting
from bot.features.lean_coffee.messages import KEEP_GOING, MOVE_ON
from bot.features.schedule.weekly_sessions import session_from_key
from commands.announcements import link_line, zones_line
from commands.dates import session_name, typed_as
from commands.session_common import host_wanted
from commands.wording import long_date, time_spent

group = CommandGroup("agenda")

# Topic text and notes shown inline.
INLINE = 120
NOTE = 200
INDENT = "\u2003"  # an em space: a session's details under its date


def render_agenda(services: Services, data: AgendaData) -> Text:
    """The agenda as Element shows it. No countdowns and no clock time: the text changes
    only when something it shows changes, and only then is the message edited."""
    conf, p = services.config.conference, services.prefix
    text = Text("📌 ").bold(conf.name).add(" — agenda")
    if data.running is not None:
        text.line().extend(_running(services, data.running))
    if data.waiting is not None:
        text.line().extend(_waiting(services, data.waiting))
    text.line().line().bold("Next sessions")
    if not data.slots:
        text.line("No session is planned.")
    # In time order across slots: a cancelled session, then what takes place after it.
    coming = sorted((u for slot in data.slots for u in slot.sessions), key=lambda u: u.session.starts_at)
    for upcoming in coming:
        text.line().extend(_upcoming(services, upcoming))
    text.line().line().bold("Top topics")
    if data.topics:
        text.add(" (vote with ").code(f"{p}vote N").add(")")
        for topic in data.topics:
            text.line("• ").bold(f"#{topic.id}").add(f" {clean(topic.text, INLINE)} — {plural(topic.votes, 'vote')}")
        more = data.open_topics - len(data.topics)
        if more > 0:
            text.line(f"… and {more} more: ").code(f"{p}topics")
    else:
        text.line("No open topics yet: suggest one with ").code(f"{p}suggest TEXT").add(".")
    text.line().line().extend(link_line(services.config))
    return text


def _running(services: Services, running: Running) -> Text:
    p = services.prefix
    started = running.started_at
    name = session_name(session_from_key(services.config, running.key), None)
    text = Text("▶ ").bold(f"Session {name} is running")
    text.add(f" since {started:%H:%M} UTC: {plural(running.checked_in, 'person', 'people')} checked in (")
    text.code(f"{p}here").add(")")
    if running.discussing is not None:
        text.line().extend(_discussing(running.discussing))
    lean_coffee = services.config.lean_coffee.enabled
    if running.discussed:
        text.line(f"Discussed so far ({len(running.discussed)}):")
        for topic in running.discussed:
            text.line("• ").bold(f"#{topic.id}").add(f" {clean(topic.text, INLINE)}")
            if lean_coffee and topic.minutes:
                text.add(f" ({time_spent(topic.minutes)})")
            if topic.note:
                text.add(f" — {clean(topic.note, NOTE)}")
    elif running.discussing is None:
        text.line("Nothing discussed yet (").code(f"{p}discussed N").add(").")
    return text


def _discussing(discussing: Discussing) -> Text:
    """The topic being discussed, since when and its timebox as it stands (no countdown:
    it reads the same until a host or the vote changes it)."""
    topic = discussing.topic
    text = Text("🗣 ").bold("Now discussing").add(" ").bold(f"#{topic.id}").add(f" “{clean(topic.text, INLINE)}”")
    text.add(f" since {discussing.since:%H:%M} UTC")
    if discussing.voting:
        return text.add(
            f" (time is up: the vote to go on is open in the session's thread, {KEEP_GOING} keep going, "
            f"{MOVE_ON} move on)"
        )
    if discussing.until is None:
        return text.add(" (no timebox)")
    return text.add(f" (timebox until {discussing.until:%H:%M} UTC)")


def _waiting(services: Services, waiting: Waiting) -> Text:
    """Today's session, begun and waiting for its host: a latecomer must not take it for
    over, and sees how to join and who said they would host."""
    p, utc = services.prefix, waiting.session.starts_at
    text = Text("⏳ ").bold(f"{long_date(utc)} UTC — waiting for its host")
    zones = zones_line(services.config, utc)
    if zones:
        text.line(INDENT + zones)
    text.line(INDENT).extend(link_line(services.config)).add("; check in with ").code(f"{p}here")
    text.add(f" ({plural(waiting.checked_in, 'person', 'people')} checked in)")
    return text.line(INDENT).extend(host_wanted(p, waiting.volunteers))


def _upcoming(services: Services, upcoming: Upcoming) -> Text:
    session = upcoming.session
    if upcoming.cancelled:
        text = Text("❌ ").bold(f"{long_date(session.starts_at)} UTC").add(" — cancelled")
        reason = clean(upcoming.reason, NOTE)
        return text.add(f": {reason}" if reason else "")
    utc = session.starts_at
    text = Text("• ").bold(f"{long_date(utc)} UTC")
    zones = zones_line(services.config, utc)
    if zones:  # as the announcements show them, the date only where it differs
        text.line(INDENT + zones)
    if upcoming.volunteers:
        names = ", ".join(upcoming.volunteers)  # display names as plain text: nobody is pinged
        text.line(INDENT + ("Host: " if len(upcoming.volunteers) == 1 else "Hosts: ") + names)
    else:
        text.line(f"{INDENT}No host yet: volunteer with ").code(f"{services.prefix}host {typed_as(utc, None)} UTC")
    return text


async def _where_the_agenda_is(ctx: Context) -> Reply:
    """A participant's `!agenda` (posting one is for organisers): the agenda pinned in
    this room, where there is one, and the commands that show what it shows."""
    p, room_id = ctx.prefix, ctx.message.room_id
    text = Text().code(f"{p}agenda").add(" (posting a fresh agenda) is for organisers. ")
    posted = await agendas.agenda_of(ctx.store, room_id) if ctx.config.agenda.enabled else None
    if posted is not None:
        where = "the agenda pinned in this room" if posted.pinned else "the agenda in this room"
        text.add("See ").link(message_link(room_id, posted.event_id), where).add(", kept up to date. ")
    text.add("For the next sessions type ").code(f"{p}next").add(", for the open topics ").code(f"{p}topics")
    return ctx.reply(text.add("."))


def message_link(room_id: str, event_id: str) -> str:
    """A link that opens a message in any Matrix client."""
    return f"https://matrix.to/#/{quote(room_id, safe='!:')}/{quote(event_id, safe='$')}"


@group.command(
    "agenda",
    role=Role.ORGANISER,
    help="Post a fresh agenda here and pin it in place of the old one",
    refused=_where_the_agenda_is,
)
async def agenda(ctx: Context) -> Reply:
    keeper = ctx.services.agenda
    if not ctx.config.agenda.enabled:
        raise CommandError("The agenda is turned off (agenda.enabled = false in the bot's config).")
    if keeper is None:
        raise CommandError("There is no agenda here: it is kept in the Matrix rooms the bot serves.")
    done = await keeper.repost(ctx.message.room_id)
    if done is None:
        raise CommandError("This room has no agenda: only the rooms in the bot's config have one.")
    if done.event_id is None:
        raise CommandError("I could not post the agenda here; the error is in the bot's log for the operator.")
    if done.pinned:
        return ctx.reply("Posted a fresh agenda and pinned it in place of the old one. I keep it up to date.")
    if done.pin_off:
        return ctx.reply("Posted a fresh agenda (pinning is turned off in my config). I keep it up to date.")
    if done.pin_refused:
        return ctx.reply(
            "Posted a fresh agenda, but I may not pin messages here: give me the power level for pinned "
            "events and run this again. I keep it up to date all the same."
        )
    return ctx.reply("Posted a fresh agenda; pinning it failed (see the bot's log). I keep it up to date.")
