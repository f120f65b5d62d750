"""The wording of what the bot posts about a session: the announcement (on its own and for
`!announce`), the host-wait notice, the cancellation notice, the late notes, the summary
(on its own and for `!end`). The announcer decides what is sent and when, and words it
with WORDING (handed to it by bot/app.py)."""

from __future__ import annotations

import datetime as dt

from bot.core.config import Config
from bot.core.i18n import Translator, english, room_language
from bot.core.text import Text, clean
from bot.core.timezones import place_name
from bot.features.announcements.messages import Announcement, CancellationNotice, HostWait, Wording
from bot.features.schedule.weekly_sessions import Session, local_time, session_from_key
from bot.features.sessions.hosts import Person
from bot.features.sessions.late_notes import LateComer
from bot.features.sessions.summary import Summary
from commands.dates import session_name
from commands.wording import (
    countdown,
    discussed_line,
    duration_text,
    listed_text,
    long_date,
    suggested_by,
    time_in,
    topic_line,
    votes_text,
    with_full_stop,
)


def times_text(config: Config, session: Session, lang: Translator | None = None) -> Text:
    """'Thursday 26 November, 08:00 UTC' and the time in each display zone, with the date
    where it differs (no year: an announcement comes days before its session at most)."""
    utc = session.starts_at
    text = Text().bold(f"{long_date(utc, utc, lang)} UTC")
    zones = zones_line(config, utc, lang)
    if zones:
        text.line(zones)
    return text


def zones_line(config: Config, utc: dt.datetime, lang: Translator | None = None) -> str:
    """'New York: 03:00 · Berlin: 09:00' for the display zones other than UTC ('' if none),
    with the date where it differs from the UTC one; places named in `lang` where CLDR
    has them ('Nueva York')."""
    lang = lang or english()
    zones = [z for z in config.conference.display_timezones if z != "UTC"]
    return " · ".join(f"{place_name(zone, lang.locale)}: {time_in(utc, zone, utc.date(), lang)}" for zone in zones)


def link_line(config: Config, lang: Translator | None = None) -> Text:
    conf = config.conference
    link, code = Text().link(conf.bbb_url), Text().code(conf.access_code)
    return (lang or english()).msg("Join: {link} · access code {code}", link=link, code=code)


def _names(people: list[Person], ping: bool, lang: Translator) -> Text:
    """'Bob, Carol and Alice', each mentioned with `ping`."""
    names = [Text().mention(p.user_id, p.name) if ping else Text(p.name) for p in people]
    return listed_text(names, lang.gettext("and"))


def _when(made: Announcement, conference: Text, lang: Translator) -> Text:
    """'… starts in 15 minutes' for the 15-minute reminder, '… starts now' for the `0m`
    one; without a lead stated: the time actually left, or '… began 20 minutes ago'."""
    left = made.lead if made.lead is not None else made.left
    said = countdown(left, lang)
    if not left or said == lang.gettext("now"):
        # Translators: the first line of an announcement: '📣 Coop Casual Conference starts now'.
        return lang.msg("{conference} starts now", conference=conference)
    if left < dt.timedelta(0):
        # Translators: {time} is a countdown in the past: '20 minutes ago'.
        return lang.msg("{conference} began {time}", conference=conference, time=said)
    # Translators: {time} is a countdown: 'in 15 minutes', 'in 1 day 2 hours'.
    return lang.msg("{conference} starts {time}", conference=conference, time=said)


def announcement_text(config: Config, made: Announcement) -> Text:
    """The announcement of a session: when, where, the agenda and the host; in the rooms'
    language (`conference.language`)."""
    conf, prefix, lang = config.conference, config.matrix.command_prefix, room_language(config)
    text = Text("📣 ").extend(_when(made, Text().bold(conf.name), lang))
    text.line().extend(times_text(config, made.session, lang))
    text.line().extend(link_line(config, lang))
    if made.agenda:
        text.line().extend(lang.msg("Top topics (vote with {command}):", command=Text().code(f"{prefix}vote N")))
        text.bullets([topic_line(t, votes_text(t.votes, lang), suggested_by(t, lang)) for t in made.agenda])
    else:
        command = Text().code(f"{prefix}suggest TEXT")
        text.line().extend(lang.msg("No topics yet: bring one! Suggest it with {command}.", command=command))
    if made.volunteers:
        names = _names(made.volunteers, made.ping, lang)
        text.line().extend(lang.msg("Volunteered to host: {names}.", names=names))
    else:
        command = Text().code(f"{prefix}host")
        text.line().extend(lang.msg("No host has volunteered yet: {command} to host it.", command=command))
    if made.late:
        text.line().extend(late_text(made.late, lang))
    return text


def host_wait_text(config: Config, wait: HostWait) -> Text:
    prefix, lang = config.matrix.command_prefix, room_language(config)
    # Posted while the session is on: its own time is the reply's (no year).
    name = session_name(wait.session, None, wait.session.starts_at, lang)
    text = lang.nmsg(
        "No host has started the session of {name} yet ({n} minute after its start).",
        "No host has started the session of {name} yet ({n} minutes after its start).",
        wait.minutes,
        name=name,
    )
    if wait.volunteers:
        text.add(" ").extend(lang.msg("Volunteered to host: {names}.", names=_names(wait.volunteers, True, lang)))
    else:
        text.add(" ").add(lang.gettext("Nobody volunteered to host."))
    host, start = Text().code(f"{prefix}host"), Text().code(f"{prefix}start")
    text.line().extend(lang.msg("Anyone here can host: type {host}, then {start}.", host=host, start=start))
    text.line().extend(link_line(config, lang))
    return text


def cancellation_text(config: Config, notice: CancellationNotice) -> Text:
    conf, session, lang = config.conference, notice.session, room_language(config)
    conference = Text().bold(conf.name)
    when = Text().bold(f"{long_date(session.starts_at, notice.now, lang)} UTC")
    reason = clean(notice.reason, 200)
    if reason:
        # Translators: a session cancelled, with the reason an organiser gave (it ends the sentence).
        said = lang.msg(
            "{conference} of {when} is cancelled: {reason}",
            conference=conference,
            when=when,
            reason=with_full_stop(reason),
        )
    else:
        said = lang.msg("{conference} of {when} is cancelled.", conference=conference, when=when)
    text = Text("❌ ").extend(said)
    if notice.following is not None:
        nxt = notice.following.starts_at
        following = f"{long_date(local_time(nxt, 'UTC'), notice.now, lang)} UTC"
        left = countdown(nxt - notice.now, lang)
        # Translators: {when} is a day and time ('Thursday 3 December, 08:00 UTC'), {left} a countdown.
        text.line(lang.gettext("The next session is {when} ({left}).", when=following, left=left))
    return text


def _late_lines(text: Text, late: list[LateComer]) -> Text:
    for comer in late:
        text.line("• ").add(comer.name)
        if comer.note:
            text.add(f": {clean(comer.note, 300)}")
    return text


def late_text(late: list[LateComer], lang: Translator | None = None) -> Text:
    """The notes left with !late before the session's thread opened, for the message that
    opens it."""
    return _late_lines(Text("🕐 ").add((lang or english()).gettext("Said they would come later:")), late)


def summary_text(config: Config, summary: Summary) -> Text:
    """What the session was: duration, who came, what was discussed; in the rooms'
    language (`conference.language`)."""
    prefix, lang = config.matrix.command_prefix, room_language(config)
    session = session_from_key(config, summary.key)
    name = session_name(session, None, summary.ended_at or session.starts_at, lang)
    ended_head = Text().bold(lang.gettext("Session of {name} ended", name=name))
    started, ended = summary.started_at, summary.ended_at
    if started is None or ended is None:
        return lang.msg("{ended} (it was never started).", ended=ended_head)
    minutes, end = summary.minutes, Text().code(f"{prefix}end")
    if minutes is None:
        # When the bot closed it says nothing about when people left: no duration.
        text = lang.msg("{ended} — closed automatically, as nobody ran {command}.", ended=ended_head, command=end)
        since = f"{started:%H:%M}"
        text.line().extend(
            lang.msg("Duration: unknown (started at {time} UTC; nobody ran {command}).", time=since, command=end)
        )
    else:
        text = ended_head.add(".")
        # The minutes its two times read apart, as the exports and the web page give them.
        lasted = duration_text(dt.timedelta(minutes=minutes), lang)
        span = f"{started:%H:%M}–{ended:%H:%M}"
        text.line(lang.gettext("Duration: {duration} ({times} UTC).", duration=lasted, times=span))
    people = [lang.gettext("{name} (arrived late)", name=p.name) if p.arrived_late else p.name for p in summary.present]
    listing = ", ".join(people) if people else lang.gettext("nobody checked in")
    text.line(lang.gettext("Present ({n}): {people}", n=len(people), people=listing))
    if summary.late:
        _late_lines(text.line(lang.gettext("Said they would come later ({n}):", n=len(summary.late))), summary.late)
    topics = summary.discussed
    if not topics:
        command = Text().code(f"{prefix}discussed N")
        text.line().extend(lang.msg("No topics were marked discussed ({command}).", command=command))
    else:
        text.line(lang.gettext("Topics discussed ({n}):", n=len(topics)))
        text.bullets([discussed_line(topic, lang=lang) for topic in topics])
    return text


WORDING = Wording(
    announcement=announcement_text,
    host_wait=host_wait_text,
    cancellation=cancellation_text,
    summary=summary_text,
)
