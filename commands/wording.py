"""Words several handlers share: dates and times as people read them, countdowns,
durations, the end of a sentence, a list of names or topics."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.core.cldr import format_duration
from bot.core.i18n import Translator, english
from bot.core.text import Text, clean
from bot.features.schedule.weekly_sessions import local_time
from bot.features.topics.model import Topic


def long_date(at: dt.datetime, now: dt.datetime | None = None, lang: Translator | None = None) -> str:
    """'Thursday 26 November, 08:00': the year too ('Thursday 26 November 2026, 08:00') when
    it is not the year of `now`, and always without `now`. In `lang` (English by default):
    'quinta-feira, 10 de dezembro, 08:00'."""
    lang = lang or english()
    if now is not None and now.year == at.year:
        # Translators: a Babel (CLDR) date pattern: a day without its year, e.g. 'EEEE, d 'de' MMMM'.
        day = lang.dated(at, "EEEE d MMMM")
    else:
        # Translators: a Babel (CLDR) date pattern: a day with its year, e.g. 'EEEE, d 'de' MMMM 'de' y'.
        day = lang.dated(at, "EEEE d MMMM y")
    hhmm = f"{at:%H:%M}"
    # Translators: a session's day, then its time: 'Thursday 10 December, 08:00'.
    return lang.gettext("{day}, {time}", day=day, time=hhmm)


def short_date(at: dt.datetime, lang: Translator | None = None) -> str:
    """'Thu 26 Nov 08:00'."""
    # Translators: a Babel (CLDR) date pattern: a day and time in short, e.g. 'EEE, d 'de' MMM, HH:mm'.
    return (lang or english()).dated(at, "EEE d MMM HH:mm")


def time_in(at: dt.datetime, zone: str, reference: dt.date, lang: Translator | None = None) -> str:
    """'13:30', or 'Fri 27 Nov 02:00' when the local date is not `reference`."""
    local = local_time(at, zone)
    return f"{local:%H:%M}" if local.date() == reference else short_date(local, lang)


def _minutes(delta: dt.timedelta) -> int:
    """The whole minutes in a (non-negative) delta, rounded to the nearest, half up."""
    return int((abs(delta) + dt.timedelta(seconds=30)) // dt.timedelta(minutes=1))


def countdown(delta: dt.timedelta, lang: Translator | None = None) -> str:
    """'in 1 day 11 hours', 'in 2 hours 5 minutes', 'in 15 minutes', 'now'; a past delta
    reads '5 minutes ago'. Rounded to the nearest minute; a day or more away, where the
    minutes are not shown, to the nearest hour. In `lang`: 'en 2 días y 3 horas'."""
    lang = lang or english()
    text = time_span(delta, lang)
    if not text:
        return lang.gettext("now")
    if delta < dt.timedelta(0):
        return lang.gettext("{time} ago", time=text)
    return lang.gettext("in {time}", time=text)


def time_span(delta: dt.timedelta, lang: Translator | None = None) -> str:
    """The time of a countdown without 'in' or 'ago': '1 day 11 hours', '15 minutes' ('' under
    half a minute), rounded as `countdown` rounds; a reminder's lead reads so ('15 minutes
    before'). In `lang` (English by default): '2 días y 3 horas'."""
    lang = lang or english()
    minutes = _minutes(delta)
    if minutes >= 24 * 60:
        minutes = int((abs(delta) + dt.timedelta(minutes=30)) // dt.timedelta(hours=1)) * 60
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    units = [(days, "day"), (hours, "hour"), (mins, "minute")]
    first = next((i for i, (n, _) in enumerate(units) if n), None)
    if first is None:
        return ""
    said = [format_duration(n, unit, lang.language.locale) for n, unit in units[first : first + 2] if n]
    # Translators: a countdown's two units, the larger first: '1 day 11 hours', '2 hours 5 minutes'.
    return said[0] if len(said) == 1 else lang.gettext("{larger} {smaller}", larger=said[0], smaller=said[1])


def duration_text(delta: dt.timedelta, lang: Translator | None = None) -> str:
    """How long something lasted, in the words of a countdown: '1 hour 5 minutes',
    '45 minutes'; rounded to the nearest minute, in hours however long. In `lang`
    (English by default): '1 hora y 5 minutos'."""
    lang = lang or english()
    minutes = _minutes(max(delta, dt.timedelta(0)))
    if not minutes:
        return lang.gettext("less than a minute")
    hours, mins = divmod(minutes, 60)
    said = [format_duration(n, unit, lang.language.locale) for n, unit in ((hours, "hour"), (mins, "minute")) if n]
    return said[0] if len(said) == 1 else lang.gettext("{larger} {smaller}", larger=said[0], smaller=said[1])


def time_spent(minutes: int, lang: Translator | None = None) -> str:
    """How long a topic was discussed (its minutes, Lean Coffee): '6 minutes', '1 hour 5
    minutes', as a session's duration reads."""
    return duration_text(dt.timedelta(minutes=minutes), lang)


def with_full_stop(text: str) -> str:
    """`text` ending a sentence: a full stop after a word or a number only, so a reason
    typed as 'holidays!', 'see you :)' or with an emoji at the end gets none."""
    return f"{text}." if text[-1:].isalnum() or text.endswith(('"', "'", "”", "’")) else text


def listed(items: Sequence[str], last: str) -> str:
    """'A', 'A or B', 'A, B and C' (`last` is the word before the last item)."""
    return listed_text([Text(item) for item in items], last).plain


def listed_text(items: Sequence[Text], last: str) -> Text:
    """`listed` for pieces of a message that keep their markup (a topic's number in bold)."""
    text = Text()
    for i, item in enumerate(items):
        if i:
            text.add(f" {last} " if i == len(items) - 1 else ", ")
        text.extend(item)
    return text


def how_to_set_zone(prefix: str, lang: Translator | None = None) -> Text:
    """'your city: !tz Lyon (or !tz Area/City)': how to set a time zone, said the same way
    wherever a reply shows times in UTC (a city is enough since !tz looks places up)."""
    lang = lang or english()
    # Translators: a city people know in your language's countries, typed after !tz (it must be one).
    example = lang.gettext("Lyon")
    city = Text().code(f"{prefix}tz {example}")
    return lang.msg("your city: {city} (or {zone})", city=city, zone=Text().code(f"{prefix}tz Area/City"))


# --- a topic in a list ------------------------------------------------------------------------

# Between a topic's text and its details: the text itself may hold dashes, never this.
DETAIL = " · "
# Topic text shown in a list (the full text is in the !suggest confirmation), and a note.
TOPIC_INLINE = 120
NOTE = 200


def votes_text(votes: int, lang: Translator | None = None) -> str:
    """'1 vote', '3 votes': a topic's count, worded the same wherever it shows."""
    lang = lang or english()
    if votes == 0:
        # Translators: a topic no one voted for ('0 votos': where a plural rule counts 0 as one, not '0 voto').
        return lang.gettext("0 votes")
    return lang.ngettext("{n} vote", "{n} votes", votes)


def suggested_by(topic: Topic, lang: Translator | None = None) -> str:
    """'by Gus'; 'by a former participant' once the suggester asked to be forgotten."""
    lang = lang or english()
    if topic.suggested_name:
        # Translators: who suggested a topic, after it in a list: '#28 Co-op legal steps · 3 votes · by Gus'.
        return lang.gettext("by {name}", name=topic.suggested_name)
    # Translators: who suggested a topic, once they asked the bot to forget them.
    return lang.gettext("by a former participant")


def topic_line(topic: Topic, *details: str, limit: int = TOPIC_INLINE) -> Text:
    """How a topic shows in every list in chat: '#28 Co-op legal steps · 3 votes · by Gus'.
    Its number in bold, its text (escaped by Text, so it never pings), then each detail
    that is not empty after a middle dot. It has no words of its own: its details are
    worded in the reader's language by the caller (`votes_text(n, lang)`)."""
    text = Text().bold(f"#{topic.id}").add(f" {clean(topic.text, limit)}")
    return text.add("".join(DETAIL + detail for detail in details if detail))


def discussed_line(topic: Topic, *, minutes: bool = True, lang: Translator | None = None) -> Text:
    """'#7 Decision making · 6 minutes · note: consent': a discussed topic, with how long
    it was discussed (with a timebox, Lean Coffee; not with `minutes` off) and the note."""
    lang = lang or english()
    spent = time_spent(topic.minutes, lang) if minutes and topic.minutes else ""
    # Translators: the note a host left on a discussed topic, after it in a list.
    note = lang.gettext("note: {note}", note=clean(topic.note, NOTE)) if topic.note else ""
    return topic_line(topic, spent, note)
