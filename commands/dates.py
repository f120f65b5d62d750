"""What dates and times the planning commands take (`!cancel`, `!uncancel`, `!host`,
`!unhost`, `!late`): from today up to a year ahead, and a session's time as people write it
(`8am`, `17:00`, `08h00`, `noon`, `5pm UTC`; read by bot/core/typed_time.py); what looks
like a time but names none is refused with what to type and the day's times."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytz

from bot.core.arguments import UsageError
from bot.core.config import Config
from bot.core.dispatcher import Context
from bot.core.i18n import Translator, english
from bot.core.text import clean
from bot.core.timezones import place_name
from bot.core.typed_time import TIME_EXAMPLES, TimeOfDay, read_time_of_day
from bot.features.people.profile_zone import Zone, person_zone
from bot.features.schedule.weekly_sessions import (
    DateRange,
    Session,
    local_time,
    planning_range,
    session_from_key,
    sessions_between,
)
from commands.wording import long_date, time_in


def check_planned_day(ctx: Context, day: dt.date) -> None:
    """Refuse a date before today or over a year ahead, before anything is worked out
    about it (a date near year 1 or 9999 has no instant in some zones)."""
    _check_in_range(day, planning_range(ctx.config, ctx.clock.now()), ctx.lang)


def check_day_in(ctx: Context, day: dt.date, zone: str | None) -> None:
    """`check_planned_day` for a date the asker gives in their zone (None: UTC), as
    `sessions_on_day_in` reads it: from today there up to a year ahead."""
    _check_in_range(day, planning_range(ctx.config, ctx.clock.now(), zone or "UTC"), ctx.lang)


def _check_in_range(day: dt.date, allowed: DateRange, lang: Translator) -> None:
    if day in allowed:
        return
    values = {"date": day.isoformat(), "first": allowed.first.isoformat(), "last": allowed.last.isoformat()}
    if day < allowed.first:
        raise UsageError(
            lang.gettext(
                "{date} is in the past: give a date from today ({first}) up to a year ahead ({last})", **values
            )
        )
    raise UsageError(
        lang.gettext("{date} is too far ahead: give a date from today ({first}) up to a year ahead ({last})", **values)
    )


# --- a session's time in the asker's zone ----------------------------------------------------


async def asker_zone(ctx: Context) -> str | None:
    """The asker's zone: the one they set with `!tz`, else the one in their Matrix profile;
    None if neither (their times are then UTC)."""
    return (await asker_zone_and_source(ctx)).name


async def asker_zone_and_source(ctx: Context) -> Zone:
    """`asker_zone` and where it comes from (`!tz` says)."""
    return await person_zone(ctx.store, ctx.services.profile_zones, ctx.sender)


def session_name(
    session: Session, zone: str | None, now: dt.datetime | None = None, lang: Translator | None = None
) -> str:
    """How every reply names a session, for people: its day and UTC time, and for someone
    with a zone their local time: 'Thursday 10 December, 08:00 UTC (13:30 in Kolkata)', the
    local date too when it is another day there: 'Thursday 10 December, 17:00 UTC (Fri 11
    Dec 06:00 in Auckland)'. The year is named when the session is not in the year of
    `now` (the time of the reply), and always without `now`: a name that cannot be misread.
    What people type back is `typed_as` (or `typed_utc`). In `lang` (English by default):
    'quinta-feira, 10 de dezembro, 08:00 UTC (05:00 em São Paulo)'."""
    lang = lang or english()
    utc = session.starts_at.astimezone(dt.UTC)
    name = f"{long_date(utc, now and now.astimezone(dt.UTC), lang)} UTC"
    if zone is None or zone == "UTC":
        return name
    there = time_in(session.starts_at, zone, utc.date(), lang)
    # Translators: a session's time where the reader lives: '13:30 in Kolkata'.
    local = lang.gettext("{time} in {place}", time=there, place=place_name(zone, lang.locale))
    return f"{name} ({local})"


def key_name(config: Config, key: str, now: dt.datetime | None = None, lang: Translator | None = None) -> str:
    """A stored session's name for everyone, in UTC: 'Thursday 10 December 2026, 08:00 UTC'
    (without the year in the year of `now`; the key as it is, should it name no time)."""
    try:
        return session_name(session_from_key(config, key), None, now, lang)
    except ValueError:
        return key


def sessions_on_day_in(config: Config, day: dt.date, zone: str | None) -> list[Session]:
    """The sessions on the date `day` as it is in `zone` (None: UTC), in time order."""
    tz = pytz.timezone(zone or "UTC")
    start = tz.localize(dt.datetime.combine(day, dt.time()), is_dst=False).astimezone(dt.UTC)
    end = tz.localize(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()), is_dst=False).astimezone(dt.UTC)
    return sessions_between(config, start, end)


@dataclass(frozen=True)
class TypedTime:
    """A time typed after a date, in the asker's zone unless it ends in UTC; `rest` is what
    follows it (a reason, a note)."""

    time: dt.time
    zone: str | None  # None: UTC
    rest: str


def read_typed_time(ctx: Context, command: str, day: dt.date, text: str, zone: str | None) -> TypedTime | None:
    """The time of day `text` starts with (`8am`, `17:00`, `5pm UTC`: bot/core/typed_time.py),
    in the asker's zone `zone` unless it says UTC; None if `text` starts with no time. One
    that names no time ('25:00', 'midnight') is refused saying what to type, one written
    oddly ('1700', '17:00-18:00') with the command as it would work."""
    typed, lang = read_time_of_day(text), ctx.lang
    if typed is None:
        _check_not_an_hour(ctx, command, day, text, zone)
        return None
    there = None if typed.utc else zone
    if typed.time is None:
        on_day = sessions_on_day_in(ctx.config, day, there)
        why = clean(typed.why_in(lang), 300)
        if not on_day:
            raise UsageError(lang.gettext("{why}; no session that day. Nothing was changed.", why=why))
        times, date = times_there(on_day, there, lang), day.isoformat()
        if there:
            place = place_name(there, lang.locale)
            # Translators: {why} says why what was typed names no time ("'25:00' is not a time of day: …").
            raise UsageError(
                lang.gettext(
                    "{why}; {date} ({place} time) has sessions at {times}. Nothing was changed.",
                    why=why,
                    date=date,
                    place=place,
                    times=times,
                )
            )
        raise UsageError(
            lang.gettext("{why}; {date} has sessions at {times}. Nothing was changed.", why=why, date=date, times=times)
        )
    if not typed.plain:
        # Needed again only where the asker has a zone.
        suffix = " UTC" if typed.utc and zone is not None else ""
        raise _typed_time_error(ctx, command, day, typed, f"{suffix} {clean(typed.rest, 100)}".rstrip(), there)
    return TypedTime(typed.time, there, typed.rest)


def _check_not_an_hour(ctx: Context, command: str, day: dt.date, text: str, zone: str | None) -> None:
    """Refuse words that start with the hour of one of the day's sessions ('8 team away'):
    the 08:00 session, or a reason for the whole day? Asked rather than guessed."""
    hour = read_time_of_day(text, hour_before_words=True)
    if hour is None or hour.time is None:
        return
    there = None if hour.utc else zone
    if session_at_typed(ctx.config, day, TypedTime(hour.time, there, "")) is None:
        return
    values = {
        "typed": repr(clean(text, 40)),
        "time": hour.hhmm,
        "command": f"{ctx.prefix}{command} {day.isoformat()} {hour.written} {clean(hour.rest, 100)}",
    }
    if command == "cancel":
        raise UsageError(
            ctx.lang.gettext(
                "{typed} starts with a number: for the {time} session, type {command}. For the whole day, start "
                "the reason with a word. Nothing was changed.",
                **values,
            )
        )
    raise UsageError(
        ctx.lang.gettext(
            "{typed} starts with a number: for the {time} session, type {command}. Nothing was changed.", **values
        )
    )


def not_a_time(text: str, lang: Translator | None = None) -> UsageError:
    """The refusal of words where a session's time was expected ('!uncancel 2026-12-10 soon'),
    in `lang` (English by default)."""
    lang = lang or english()
    # Translators: {argument} is the argument's name in the usage line (TIME), as it is.
    return UsageError(
        lang.gettext(
            "{argument}: {typed} is not a time: write it like {examples}",
            argument="TIME",
            typed=repr(clean(text.split()[0], 40)),
            examples=lang.gettext(TIME_EXAMPLES),
        )
    )


def _time_there(time: str, zone: str | None, lang: Translator) -> str:
    """'08:00 (Kolkata time)', or '08:00 UTC' without a zone."""
    if zone is None:
        return f"{time} UTC"
    # Translators: a time of day where someone lives: '13:30 (Kolkata time)'.
    return lang.gettext("{time} ({place} time)", time=time, place=place_name(zone, lang.locale))


def _typed_time_error(
    ctx: Context, command: str, day: dt.date, typed: TimeOfDay, rest: str, zone: str | None
) -> UsageError:
    """A time written oddly ('1700', '17:00-18:00') in `zone` (None: UTC): the command that
    would work typed as the asker types it if it is a session's time (`rest`: what follows
    the time, ' UTC' first if they typed it), else the day's times as they are there."""
    on_day, lang = sessions_on_day_in(ctx.config, day, zone), ctx.lang
    if not on_day:
        # Translators: a Babel (CLDR) date pattern: the day of the week alone ('Thursday').
        weekday = lang.dated(dt.datetime.combine(day, dt.time()), "EEEE")
        # Translators: {day} is '2026-12-10 (Kolkata time)' or '2026-12-10 UTC'.
        return UsageError(
            lang.gettext(
                "There is no session on {weekday} {day}. Nothing was changed.",
                weekday=weekday,
                day=_time_there(day.isoformat(), zone, lang),
            )
        )
    times = [local_time(s.starts_at, zone or "UTC").time() for s in on_day]
    shown = clean(typed.typed, 40)
    if typed.time in times:
        return UsageError(
            lang.gettext(
                "{typed} looks like a time: did you mean {command}? Nothing was changed.",
                typed=repr(shown),
                command=f"{ctx.prefix}{command} {day.isoformat()} {typed.hhmm}{rest}",
            )
        )
    also = " " + lang.gettext("and") + " "
    listed = _time_there(also.join(f"{t:%H:%M}" for t in times), zone, lang)
    # Translators: {times} is '08:00 and 17:00 UTC' or '13:30 and 22:30 (Kolkata time)'.
    return UsageError(
        lang.gettext(
            "There is no session at {time} on {date}; that day has {times}. Nothing was changed.",
            time=shown,
            date=day.isoformat(),
            times=listed,
        )
    )


def session_at_typed(config: Config, day: dt.date, typed: TypedTime) -> Session | None:
    """The session starting at `typed` on `day`, both in the typed time's zone; None if none does."""
    tz = pytz.timezone(typed.zone or "UTC")
    instant = tz.localize(dt.datetime.combine(day, typed.time), is_dst=False).astimezone(dt.UTC)
    found = sessions_between(config, instant, instant + dt.timedelta(seconds=1))
    return found[0] if found else None


def typed_session(config: Config, day: dt.date, typed: TypedTime, lang: Translator | None = None) -> Session:
    """The session starting at `typed` on `day`; a UsageError naming the day's sessions (in
    the typed time's zone and UTC) if none does. What `!host`, `!unhost`, `!late`, `!cancel`
    and `!uncancel` take, read in one place. In `lang` (English by default)."""
    session = session_at_typed(config, day, typed)
    if session is None:
        raise UsageError(no_session_at(day, typed, sessions_on_day_in(config, day, typed.zone), lang))
    return session


def no_session_at(day: dt.date, typed: TypedTime, on_day: list[Session], lang: Translator | None = None) -> str:
    """'There is no session at 13:00 (Kolkata time) on 2026-12-10; that day has 13:30 and
    22:30 there (08:00 and 17:00 UTC).' Nothing is changed. In `lang` (English by default)."""
    lang = lang or english()
    values = {"time": _time_there(f"{typed.time:%H:%M}", typed.zone, lang), "date": day.isoformat()}
    if not on_day:
        # Translators: {time} is '13:00 (Kolkata time)' or '13:00 UTC'.
        return lang.gettext(
            "There is no session at {time} on {date}: there is none that day. Nothing was changed.", **values
        )
    return lang.gettext(
        "There is no session at {time} on {date}; that day has {times}. Nothing was changed.",
        times=times_there(on_day, typed.zone, lang),
        **values,
    )


def times_there(sessions: list[Session], zone: str | None, lang: Translator | None = None) -> str:
    """'13:30 and 22:30 there (08:00 and 17:00 UTC)', or '08:00 and 17:00 UTC' for someone
    without a zone: the times of `sessions`, in their order (in `lang`, English by default)."""
    lang = lang or english()
    also = " " + lang.gettext("and") + " "
    utc = also.join(f"{s.starts_at.astimezone(dt.UTC):%H:%M}" for s in sessions)
    if zone is None:
        return f"{utc} UTC"
    local = also.join(f"{local_time(s.starts_at, zone):%H:%M}" for s in sessions)
    return lang.gettext("{local} there ({utc} UTC)", local=local, utc=utc)


def typed_as(at: dt.datetime, zone: str | None) -> str:
    """How the asker types a session's date and time back (`!host 2026-12-10 13:30`): in
    their zone, as the planning commands read it."""
    return f"{local_time(at, zone or 'UTC'):%Y-%m-%d %H:%M}"


def typed_utc(session: Session) -> str:
    """'2026-12-10 08:00 UTC': how anyone types `session` back in a command, whatever their
    zone (for a message several people read, or a refusal quoted to another)."""
    return f"{typed_as(session.starts_at, None)} UTC"
