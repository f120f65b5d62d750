"""What dates and times the planning commands take (`!cancel`, `!uncancel`, `!host`,
`!unhost`): from today up to a year ahead, and a session's time as HH:MM, any other way of
writing a time refused with the day's times rather than guessed."""

from __future__ import annotations

import datetime as dt

from bot.core.dispatcher import Context
from bot.core.registry import UsageError
from bot.core.text import clean
from bot.features.schedule.repository import Session, planning_range, sessions_on
from bot.features.schedule.time_of_day import TimeOfDay, read_time_of_day


def day_times(on_day: list[Session]) -> str:
    return " and ".join(f"{s.slot.time:%H:%M}" for s in on_day)


def time_of_day_error(
    ctx: Context, command: str, day: dt.date, typed: TimeOfDay, *, rest: str = "", note: str = ""
) -> UsageError:
    """Refuse a time written otherwise than HH:MM, or one that is no session of `day`, rather
    than guess: `!cancel 2026-12-10 5pm` must not cancel the whole day "because: 5pm"."""
    on_day = sessions_on(ctx.config, day)
    if not on_day:
        return UsageError(f"There is no session on {day:%A} {day.isoformat()}. Nothing was changed.")
    shown = clean(typed.typed, 40)
    match = [s for s in on_day if s.slot.time == typed.time]
    if match:
        more = f" {clean(rest, 100)}" if rest else ""
        return UsageError(
            f"{shown!r} looks like a time: did you mean {ctx.prefix}{command} {day.isoformat()} "
            f"{typed.time:%H:%M}{more}? Times are written HH:MM; nothing was changed."
        )
    return UsageError(
        f"There is no session at {shown} on {day.isoformat()}; that day has {day_times(on_day)}"
        f"{note}. Nothing was changed."
    )


def check_planned_day(ctx: Context, day: dt.date) -> None:
    """Refuse a date before today or over a year ahead, before anything is worked out
    about it (a date near year 1 or 9999 has no instant in some zones)."""
    allowed = planning_range(ctx.config, ctx.clock.now())
    if day in allowed:
        return
    why = "is in the past" if day < allowed.first else "is too far ahead"
    raise UsageError(
        f"{day.isoformat()} {why}: give a date from today ({allowed.first.isoformat()}) "
        f"up to a year ahead ({allowed.last.isoformat()})"
    )


def typed_session_time(ctx: Context, command: str, day: dt.date, text: str) -> dt.time | None:
    """The HH:MM after a date in `command` (None if nothing is typed); any other way of
    writing a time is refused with the day's times."""
    if not text:
        return None
    typed = read_time_of_day(text)
    if typed is None:
        raise UsageError(f"HH:MM: {clean(text.split()[0], 40)!r} is not a time (HH:MM)")
    if not typed.canonical:
        raise time_of_day_error(ctx, command, day, typed)
    if typed.rest:
        raise UsageError(f"unexpected {clean(typed.rest, 40)!r}")
    return typed.time
