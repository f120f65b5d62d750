"""The wording of what the bot posts about a session: the announcement (on its own and for
`!announce`), the host-wait notice, the cancellation notice, the late notes, the summary
(on its own and for `!end`). The announcer decides what is sent and when, and words it
with WORDING (handed to it by bot/app.py)."""

from __future__ import annotations

import datetime as dt

from bot.core.config import Config
from bot.core.i18n import Translator, english
from bot.core.text import Text, clean, plural
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
    long_date,
    suggested_by,
    time_in,
    topic_line,
    votes_text,
    with_full_stop,
)


def times_text(config: Config, session: Session) -> Text:
    """'Thursday 26 November, 08:00 UTC' and the time in each display zone, with the date
    where it differs (no year: an announcement comes days before its session at most)."""
    utc = session.starts_at
    text = Text().bold(f"{long_date(utc, utc)} UTC")
    zones = zones_line(config, utc)
    if zones:
        text.line(zones)
    return text


def zones_line(config: Config, utc: dt.datetime) -> str:
    """'New York: 03:00 · Berlin: 09:00' for the display zones other than UTC ('' if none),
    with the date where it differs from the UTC one."""
    zones = [z for z in config.conference.display_timezones if z != "UTC"]
    return " · ".join(f"{place_name(zone)}: {time_in(utc, zone, utc.date())}" for zone in zones)


def link_line(config: Config, lang: Translator | None = None) -> Text:
    conf = config.conference
    link, code = Text().link(conf.bbb_url), Text().code(conf.access_code)
    return (lang or english()).msg("Join: {link} · access code {code}", link=link, code=code)


def _names(people: list[Person], ping: bool) -> Text:
    """'Bob, Carol and Alice', each mentioned with `ping`."""
    text = Text()
    for i, person in enumerate(people):
        if i:
            text.add(" and " if i == len(people) - 1 else ", ")
        if ping:
            text.mention(person.user_id, person.name)
        else:
            text.add(person.name)
    return text


def _when(made: Announcement) -> str:
    """'starts in 15 minutes' for the 15-minute reminder, 'starts now' for the `0m` one;
    without a lead stated: the time actually left, or 'began 20 minutes ago'."""
    if made.lead is not None:
        return f"starts {countdown(made.lead)}" if made.lead else "starts now"
    left = countdown(made.left)
    if left == "now":
        return "starts now"
    return f"began {left}" if made.left < dt.timedelta(0) else f"starts {left}"


def announcement_text(config: Config, made: Announcement) -> Text:
    """The announcement of a session: when, where, the agenda and the host."""
    conf, prefix = config.conference, config.matrix.command_prefix
    text = Text("📣 ").bold(conf.name).add(f" {_when(made)}")
    text.line().extend(times_text(config, made.session))
    text.line().extend(link_line(config))
    if made.agenda:
        text.line("Top topics (vote with ").code(f"{prefix}vote N").add("):")
        text.bullets([topic_line(t, votes_text(t.votes), suggested_by(t)) for t in made.agenda])
    else:
        text.line("No topics yet: bring one! Suggest it with ").code(f"{prefix}suggest TEXT").add(".")
    if made.volunteers:
        text.line("Volunteered to host: ").extend(_names(made.volunteers, made.ping)).add(".")
    else:
        text.line("No host has volunteered yet: ").code(f"{prefix}host").add(" to host it.")
    if made.late:
        text.line().extend(late_text(made.late))
    return text


def host_wait_text(config: Config, wait: HostWait) -> Text:
    prefix = config.matrix.command_prefix
    after = plural(wait.minutes, "minute")
    # Posted while the session is on: its own time is the reply's (no year).
    name = session_name(wait.session, None, wait.session.starts_at)
    text = Text(f"No host has started the session of {name} yet ({after} after its start).")
    if wait.volunteers:
        text.add(" Volunteered to host: ").extend(_names(wait.volunteers, ping=True)).add(".")
    else:
        text.add(" Nobody volunteered to host.")
    text.line("Anyone here can host: type ").code(f"{prefix}host").add(", then ").code(f"{prefix}start").add(".")
    text.line().extend(link_line(config))
    return text


def cancellation_text(config: Config, notice: CancellationNotice) -> Text:
    conf, session = config.conference, notice.session
    when = long_date(session.starts_at, notice.now)
    text = Text("❌ ").bold(conf.name).add(" of ").bold(f"{when} UTC").add(" is cancelled")
    reason = clean(notice.reason, 200)
    text.add(f": {with_full_stop(reason)}" if reason else ".")
    if notice.following is not None:
        nxt = notice.following.starts_at
        when = long_date(local_time(nxt, "UTC"), notice.now)
        text.line(f"The next session is {when} UTC ({countdown(nxt - notice.now)}).")
    return text


def _late_lines(text: Text, late: list[LateComer]) -> Text:
    for comer in late:
        text.line("• ").add(comer.name)
        if comer.note:
            text.add(f": {clean(comer.note, 300)}")
    return text


def late_text(late: list[LateComer]) -> Text:
    """The notes left with !late before the session's thread opened, for the message that
    opens it."""
    return _late_lines(Text("🕐 Said they would come later:"), late)


def summary_text(config: Config, summary: Summary) -> Text:
    """What the session was: duration, who came, what was discussed."""
    prefix = config.matrix.command_prefix
    session = session_from_key(config, summary.key)
    text = Text().bold(f"Session of {session_name(session, None, summary.ended_at or session.starts_at)} ended")
    started, ended = summary.started_at, summary.ended_at
    if started is None or ended is None:
        return text.add(" (it was never started).")
    minutes = summary.minutes
    if minutes is None:
        # When the bot closed it says nothing about when people left: no duration.
        text.add(" — closed automatically, as nobody ran ").code(f"{prefix}end").add(".")
        text.line(f"Duration: unknown (started at {started:%H:%M} UTC; nobody ran ")
        text.code(f"{prefix}end").add(").")
    else:
        text.add(".")
        # The minutes its two times read apart, as the exports and the web page give them.
        text.line(f"Duration: {duration_text(dt.timedelta(minutes=minutes))} ")
        text.add(f"({started:%H:%M}–{ended:%H:%M} UTC).")
    people = [f"{p.name} (arrived late)" if p.arrived_late else p.name for p in summary.present]
    text.line(f"Present ({len(people)}): " + (", ".join(people) if people else "nobody checked in"))
    if summary.late:
        _late_lines(text.line(f"Said they would come later ({len(summary.late)}):"), summary.late)
    topics = summary.discussed
    if not topics:
        text.line("No topics were marked discussed (").code(f"{prefix}discussed N").add(").")
    else:
        text.line(f"Topics discussed ({len(topics)}):")
        text.bullets([discussed_line(topic) for topic in topics])
    return text


WORDING = Wording(
    announcement=announcement_text,
    host_wait=host_wait_text,
    cancellation=cancellation_text,
    summary=summary_text,
)
