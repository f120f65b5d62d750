"""The pinned agenda: its text (rendered from bot/features/agenda's data, an m.notice that
pings nobody: names are plain text), and `!agenda` for a fresh one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from urllib.parse import quote

from bot.core.dispatcher import Context, Services
from bot.core.i18n import N_, Translator, english, room_language
from bot.core.model import Reply, Role
from bot.core.registry import CommandError, CommandGroup
from bot.core.text import Text, clean
from bot.features.agenda import repository as agendas
from bot.features.agenda.service import AgendaData, Discussing, Running, Upcoming, Waiting
from bot.features.lean_coffee.messages import KEEP_GOING, MOVE_ON
from bot.features.schedule.weekly_sessions import session_from_key
from commands.announcements import link_line, zones_line
from commands.dates import session_name, typed_as
from commands.session_common import host_wanted
from commands.wording import DETAIL, discussed_line, suggested_by, topic_line, votes_text

group = CommandGroup("agenda")

# Topic text shown inline (a topic line, and its brief form in the first line) and notes.
INLINE = 120
BRIEF = 32
NOTE = 200


def render_agenda(services: Services, data: AgendaData) -> Text:
    """The agenda as Element shows it, in the rooms' language (`conference.language`). Its
    first line is the news (what Element's pinned banner, a notification and a reply
    preview show): the running session, the one waiting for its host, or the next one.
    Then the details of the session people are in, the coming sessions, the top topics,
    and once at the end how to take part.

    No countdowns and no clock time: the text changes only when something it shows
    changes, and only then is the message edited."""
    lang = room_language(services.config)
    text = first_line(data, lang)
    if data.running is not None:
        _session_in_progress(services, text, _running(services, data.running, lang), lang)
    elif data.waiting is not None:
        _session_in_progress(services, text, _waiting(services, data.waiting, lang), lang)
    text.line().line().extend(_coming(services, data, lang))
    text.line().line().extend(_topics(services.prefix, data, lang))
    joined = data.running is not None or data.waiting is not None
    return text.line().line().extend(_how_to_take_part(services, data, lang, joined=joined))


def _session_in_progress(services: Services, text: Text, parts: tuple[Text, Text], lang: Translator) -> None:
    """The session people are in, under the first line: its name, how to join it and
    check in, then what goes on in it."""
    head, details = parts
    text.line().extend(head).line().extend(link_line(services.config, lang))
    here = Text().code(f"{services.prefix}here")
    # Translators: after the line to join the call: 'Join: … · access code 123 · check in with !here'.
    text.add(" · ").extend(lang.msg("check in with {command}", command=here))
    if details:
        text.line().extend(details)


# --- the first line --------------------------------------------------------------------


def brief_date(at: dt.datetime, lang: Translator | None = None) -> str:
    """'Thu 10 Dec, 08:00 UTC': a session in the first line, short enough for a banner.
    In UTC: the agenda is the whole room's."""
    utc = at.astimezone(dt.UTC)
    # Translators: a Babel (CLDR) date pattern: a session in short, e.g. 'EEE, d 'de' MMM, HH:mm'.
    day = (lang or english()).dated(utc, "EEE d MMM, HH:mm")
    return f"{day} UTC"


def _hosts(volunteers: Sequence[str], lang: Translator) -> str:
    """'host: Dev', 'hosts: Dev, Eve', 'no host yet' (names as text: nobody is pinged)."""
    if not volunteers:
        return lang.gettext("no host yet")
    return lang.ngettext("host: {names}", "hosts: {names}", len(volunteers), names=", ".join(volunteers))


def first_line(data: AgendaData, lang: Translator | None = None) -> Text:
    """'📌 Next: Thu 10 Dec, 08:00 UTC · host: Dev · 3 topics', '▶ Now: session since 08:02
    UTC · 7 here', or '⏳ Waiting for a host: Thu 10 Dec, 08:00 UTC'."""
    lang = lang or english()
    if data.running is not None:
        running = data.running
        since = f"{running.started_at:%H:%M}"
        parts = [
            lang.gettext("▶ Now: session since {time} UTC", time=since),
            lang.gettext("{n} here", n=running.checked_in),
        ]
        if running.discussing is not None:
            topic = running.discussing.topic
            parts.append(lang.gettext("discussing #{id} {topic}", id=topic.id, topic=clean(topic.text, BRIEF)))
    elif data.waiting is not None:
        waiting = data.waiting
        parts = [lang.gettext("⏳ Waiting for a host: {session}", session=brief_date(waiting.session.starts_at, lang))]
        if waiting.checked_in:
            parts.append(lang.gettext("{n} here", n=waiting.checked_in))
    else:
        coming = _next_held(data)
        n = data.open_topics
        topics = lang.ngettext("{n} topic", "{n} topics", n) if n else lang.gettext("no topics yet")
        if coming is None:
            parts = [lang.gettext("📌 No session planned"), topics]
        else:
            session = brief_date(coming.session.starts_at, lang)
            parts = [lang.gettext("📌 Next: {session}", session=session), _hosts(coming.volunteers, lang), topics]
    return Text(DETAIL.join(parts))


def _coming_sessions(data: AgendaData) -> list[Upcoming]:
    """In time order across slots: a cancelled session, then what takes place after it."""
    return sorted((u for slot in data.slots for u in slot.sessions), key=lambda u: u.session.starts_at)


def _next_held(data: AgendaData) -> Upcoming | None:
    return next((u for u in _coming_sessions(data) if not u.cancelled), None)


# --- the session people are in ---------------------------------------------------------


def _running(services: Services, running: Running, lang: Translator) -> tuple[Text, Text]:
    """The running session's name and since when; the topic being discussed, and those
    discussed so far."""
    session = session_from_key(services.config, running.key)
    name = Text().bold(session_name(session, None, session.starts_at, lang))  # this week's: no year
    since = f"{running.started_at:%H:%M}"
    head = lang.msg("{name}, running since {time} UTC", name=name, time=since)
    text = Text()
    if running.discussing is not None:
        text.extend(_discussing(running.discussing, lang))
    lean_coffee = services.config.lean_coffee.enabled
    if running.discussed:
        text.line(lang.gettext("Discussed so far ({n}):", n=len(running.discussed)))
        text.bullets([discussed_line(topic, minutes=lean_coffee, lang=lang) for topic in running.discussed])
    elif running.discussing is None:
        command = Text().code(f"{services.prefix}discussed N")
        text.line().extend(lang.msg("Nothing discussed yet ({command}).", command=command))
    return head, text


def _discussing(discussing: Discussing, lang: Translator) -> Text:
    """The topic being discussed, since when and its timebox as it stands (no countdown:
    it reads the same until a host or the vote changes it)."""
    started = f"{discussing.since:%H:%M}"
    since = lang.gettext("since {time} UTC", time=started)
    if discussing.voting:
        timebox = lang.gettext(
            "time is up: the vote to go on is open in the session's thread ({keep} keep going, {move} move on)",
            keep=KEEP_GOING,
            move=MOVE_ON,
        )
    elif discussing.until is None:
        timebox = lang.gettext("no timebox")
    else:
        until = f"{discussing.until:%H:%M}"
        timebox = lang.gettext("timebox until {time} UTC", time=until)
    topic = topic_line(discussing.topic, since, timebox, limit=INLINE)
    return Text("🗣 ").extend(lang.msg("Now discussing {topic}", topic=topic))


def _waiting(services: Services, waiting: Waiting, lang: Translator) -> tuple[Text, Text]:
    """Today's session, begun and waiting for its host: a latecomer must not take it for
    over, and sees who said they would host and who may instead."""
    name = Text().bold(session_name(waiting.session, None, waiting.session.starts_at, lang))
    head = lang.msg("{name}, waiting for its host", name=name)
    zones = zones_line(services.config, waiting.session.starts_at, lang)
    if zones:
        head.line(zones)
    return head, host_wanted(services.prefix, waiting.volunteers, lang)


# --- what is coming ----------------------------------------------------------------------


def _coming(services: Services, data: AgendaData, lang: Translator) -> Text:
    text = Text().bold(lang.gettext("Coming sessions"))
    coming = _coming_sessions(data)
    if not coming:
        return text.line(lang.gettext("No session is planned."))
    return text.bullets([_upcoming(services, upcoming, lang) for upcoming in coming])


def _upcoming(services: Services, upcoming: Upcoming, lang: Translator) -> Text:
    """'Thursday 10 December, 08:00 UTC · host: Dev', the times in the display zones under
    it; a cancelled one with its reason."""
    session = upcoming.session
    text = Text().bold(session_name(session, None, session.starts_at, lang))  # weeks ahead at most: no year
    if upcoming.cancelled:
        reason = clean(upcoming.reason, NOTE)
        cancelled = lang.gettext("cancelled: {reason}", reason=reason) if reason else lang.gettext("cancelled")
        return text.add(DETAIL + cancelled)
    text.add(DETAIL + _hosts(upcoming.volunteers, lang))
    zones = zones_line(services.config, session.starts_at, lang)  # as the announcements show them
    return text.line(zones) if zones else text


def _topics(prefix: str, data: AgendaData, lang: Translator) -> Text:
    text = Text().bold(lang.gettext("Top topics"))
    if not data.topics:
        return text.line(lang.gettext("No open topics yet."))  # how to suggest one is said at the end
    text.bullets([topic_line(t, votes_text(t.votes, lang), suggested_by(t, lang), limit=INLINE) for t in data.topics])
    more = data.open_topics - len(data.topics)
    if more > 0:
        text.line().extend(lang.msg("… and {n} more: {command}", n=more, command=Text().code(f"{prefix}topics")))
    return text


def _how_to_take_part(services: Services, data: AgendaData, lang: Translator, *, joined: bool) -> Text:
    """Said once, at the end: how to vote and suggest, how to host the first session
    without a host (the date and time as !host takes them), how to join the call (unless
    the session people are in said it above)."""
    p = services.prefix
    vote, suggest = Text().code(f"{p}vote N"), Text().code(f"{p}suggest TEXT")
    text = lang.msg("Vote with {vote}, suggest with {suggest}.", vote=vote, suggest=suggest)
    hostless = next((u for u in _coming_sessions(data) if not u.cancelled and not u.volunteers), None)
    if hostless is not None:
        command = Text().code(f"{p}host {typed_as(hostless.session.starts_at, None)} UTC")
        text.add(" ").extend(lang.msg("Volunteer to host with {command} (a session's date and time).", command=command))
    if not joined:
        text.line().extend(link_line(services.config, lang))
    return text


async def _where_the_agenda_is(ctx: Context) -> Reply:
    """A participant's `!agenda` (posting one is for organisers): the agenda pinned in
    this room, where there is one, and the commands that show what it shows. In the
    asker's language."""
    p, room_id, lang = ctx.prefix, ctx.message.room_id, ctx.lang
    text = lang.msg("{command} (posting a fresh agenda) is for organisers.", command=Text().code(f"{p}agenda"))
    posted = await agendas.agenda_of(ctx.store, room_id) if ctx.config.agenda.enabled else None
    if posted is not None:
        where = (
            lang.gettext("the agenda pinned in this room") if posted.pinned else lang.gettext("the agenda in this room")
        )
        link = Text().link(message_link(room_id, posted.event_id), where)
        text.add(" ").extend(lang.msg("See {agenda}, kept up to date.", agenda=link))
    next_, topics = Text().code(f"{p}next"), Text().code(f"{p}topics")
    more = lang.msg("For the next sessions type {next}, for the open topics {topics}.", next=next_, topics=topics)
    return ctx.reply(text.add(" ").extend(more))


def message_link(room_id: str, event_id: str) -> str:
    """A link that opens a message in any Matrix client."""
    return f"https://matrix.to/#/{quote(room_id, safe='!:')}/{quote(event_id, safe='$')}"


@group.command(
    "agenda",
    role=Role.ORGANISER,
    help=N_("Post a fresh agenda here and pin it in place of the old one"),
    refused=_where_the_agenda_is,
)
async def agenda(ctx: Context) -> Reply:
    keeper, lang = ctx.services.agenda, ctx.lang
    if not ctx.config.agenda.enabled:
        raise CommandError(lang.gettext("The agenda is turned off (agenda.enabled = false in the bot's config)."))
    if keeper is None:
        raise CommandError(lang.gettext("There is no agenda here: it is kept in the Matrix rooms the bot serves."))
    done = await keeper.repost(ctx.message.room_id)
    if done is None:
        raise CommandError(lang.gettext("This room has no agenda: only the rooms in the bot's config have one."))
    if done.event_id is None:
        raise CommandError(
            lang.gettext("I could not post the agenda here; the error is in the bot's log for the operator.")
        )
    if done.pinned:
        return ctx.reply(
            lang.gettext("Posted a fresh agenda and pinned it in place of the old one. I keep it up to date.")
        )
    if done.pin_off:
        return ctx.reply(
            lang.gettext("Posted a fresh agenda (pinning is turned off in my config). I keep it up to date.")
        )
    if done.pin_refused:
        return ctx.reply(
            lang.gettext(
                "Posted a fresh agenda, but I may not pin messages here: give me the power level for pinned "
                "events and run this again. I keep it up to date all the same."
            )
        )
    return ctx.reply(
        lang.gettext("Posted a fresh agenda; pinning it failed (see the bot's log). I keep it up to date.")
    )
