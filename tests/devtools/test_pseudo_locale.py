"""No text left behind: a scripted Thursday (an organiser, a host, members, a latecomer,
someone in Kolkata; every command of the contract, its errors and usage lines, the
announcements, reminders, the pinned agenda, the notices, the summary, Lean Coffee, the
web page and the .ics feed) read in a pseudo-locale whose every catalog word is accented
(tests/pseudo_locale.py), as the rooms' language and as people's. A word of plain ASCII
letters left in what the bot writes went through no catalog."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bot.core import i18n
from bot.core.i18n import room_language
from bot.features.agenda.service import gather
from bot.features.announcements.messages import announcement_of, cancellation_of, host_wait_of
from bot.features.export.reports import FORMATS, KINDS
from bot.features.people import repository as people
from bot.features.reminders.service import Reminder, ReminderCancellation
from bot.features.schedule.weekly_sessions import session_from_key
from bot.features.sessions import summary
from bot.features.site import service as site
from commands.agenda import render_agenda
from commands.announcements import announcement_text, cancellation_text, host_wait_text, summary_text
from commands.lean_coffee import LEAN_COFFEE
from commands.reminders import reminder_cancellation_text, reminder_text
from commands.web import feed_ics, render_page
from tests import pseudo_locale
from tests.conftest import ALICE, BOB, HOST, ORGANISER, SEED_TOPICS, hold
from tests.features.lean_coffee.fakes import react, rider

LATE = "@lena:example.org"
KOLKATA = "@ravi:example.org"
PEOPLE = {ORGANISER: "Olga", HOST: "Hana", ALICE: "Alice", BOB: "Bob", LATE: "Lena", KOLKATA: "Ravi"}
MORNING, EVENING, NEXT_WEEK = "2026-11-26 08:00", "2026-11-26 17:00", "2026-12-03 08:00"
# What people type that the bot shows back as typed.
TOPICS = ("Worker ownership", "Shared tooling", "Paying ourselves fairly", "Worker owned")
NOTES = ("team away", "stuck on a train", "sick", "we agreed to try it", "holidays")
# Names that stay as they are: the video service, the languages' codes and own names.
NAMES = ("BigBlueButton", "en", "es", "pt-BR", "pt", "English", "español", "português")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def pseudo(tmp_path_factory):
    """The pseudo-locale, registered as a language only tests speak."""
    made = pseudo_locale.build(tmp_path_factory.mktemp("pseudo-locale"))
    i18n.TEST_LANGUAGES[pseudo_locale.CODE] = made
    yield made
    del i18n.TEST_LANGUAGES[pseudo_locale.CODE]


class Thursday:
    """The outputs of the script, as (kind, text): kind is the command, or what the bot
    posted on its own."""

    def __init__(self, chat):
        self.chat = chat
        self.outputs: list[tuple[str, str]] = []
        conference = chat.services.config.conference
        self.typed: set[str] = {*TOPICS, *NOTES, *PEOPLE.values(), *SEED_TOPICS, *NAMES, conference.name}
        self.typed.add(conference.access_code)
        # The values an argument takes are typed as the contract names them ("one of topics, ...").
        self.typed.update((*KINDS, *FORMATS))
        self.typed.update(user.split(":")[0].lstrip("@") for user in PEOPLE)

    def add(self, kind: str, text: str) -> str:
        self.outputs.append((kind, text))
        return text

    async def say(self, who: str, body: str, kind: str | None = None, **kwargs) -> str:
        command, _, rest = body.partition(" ")
        if rest:
            self.typed.add(rest)
        replies = await self.chat.say(who, body, **kwargs)
        for reply in replies:
            self.add(kind or command, reply.text)
            if reply.file is not None and reply.file.filename.endswith(".ics"):
                self.add(f"{kind or command} (.ics)", pseudo_locale.calendar_words(reply.file.data.decode()))
            elif reply.file is not None and reply.file.filename.endswith((".csv", ".md")):
                self.add(f"{kind or command} ({reply.file.filename})", reply.file.data.decode())
        return "\n".join(r.text for r in replies)


async def scripted_thursday(chat) -> Thursday:
    day = Thursday(chat)
    s, config = chat.services, chat.services.config
    for user, name in PEOPLE.items():
        await people.remember_display_name(chat.store, user, name)
    await people.set_language(chat.store, KOLKATA, pseudo_locale.CODE)
    say = day.say
    drawing = s.charts.render

    async def chart_words_read(series, title, words=None):  # the texts the chart process is sent
        day.add("!stats chart", "\n".join([title, *(words.as_json()["labels"].values()), words.checked_in]))
        day.add("!stats chart (days)", "\n".join(words.days.values()))
        return await drawing(series, title, words)

    s.charts.render = chart_words_read
    await hold(chat, "2026-11-19 08:00", [HOST, ALICE])  # last week's: !stats has a chart to draw

    # Monday: help, errors, settings, topics, hosting, reminders, cancellations.
    for body in ("!help", "!help all", "!help vote", "!help nonsense", "!frobnicate", "!vote", "!vote x"):
        await say(ALICE, body, kind=body)
    await say(ALICE, "!next")
    await say(ALICE, "!link")
    await say(KOLKATA, "!tz")
    await say(KOLKATA, "!tz Asia/Calcuta", kind="!tz (near miss)")
    # The places it offers are named by the zone data (a state, a country): names, not words.
    day.typed.update(("Oregon", "Maine", "Texas"))
    await say(KOLKATA, "!tz Portland", kind="!tz (ambiguous)")
    await say(KOLKATA, "!tz Asia/Kolkata")
    await say(KOLKATA, "!next", kind="!next (Kolkata)")
    await say(BOB, "!lang")
    await say(BOB, "!lang klingon", kind="!lang (unknown)")
    for topic in TOPICS[:3]:
        await say(ALICE, f"!suggest {topic}")
    await say(BOB, f"!suggest {TOPICS[3]}", kind="!suggest (near duplicate)")
    await say(BOB, "!vote 1 2")
    await say(BOB, "!vote 1", kind="!vote (again)")
    await say(BOB, "!vote 99", kind="!vote (no such topic)")
    await say(BOB, "!unvote 2")
    await say(ORGANISER, "!vote 1")
    await say(BOB, "!withdraw 3", kind="!withdraw (not theirs)")
    await say(ALICE, "!withdraw 3")
    await say(ALICE, "!topics")
    await say(ALICE, "!history")
    await say(KOLKATA, "!remind")
    await say(KOLKATA, "!remind 13:30 1h")
    await say(KOLKATA, "!remind 13:30 3d", kind="!remind (too long)")
    await say(ALICE, "!remind all")
    await say(HOST, f"!host {MORNING}")
    await say(BOB, f"!host {EVENING}")
    await say(BOB, f"!unhost {EVENING}")
    await say(ALICE, "!start", kind="!start (not a host)")
    await say(ORGANISER, f"!cancel {NEXT_WEEK} holidays")
    await say(ORGANISER, f"!uncancel {NEXT_WEEK}")
    await say(ORGANISER, "!cancel 2026-13-40", kind="!cancel (bad date)")
    await say(ORGANISER, "!cancel 2020-01-01", kind="!cancel (past)")
    await say(ORGANISER, "!cancel 2030-01-01", kind="!cancel (too far ahead)")
    await say(ORGANISER, "!cancel 2026-12-03 25:00", kind="!cancel (no time)")
    await say(ORGANISER, "!cancel 2026-12-03 8 holidays", kind="!cancel (an hour or a reason)")
    day.typed.add("soon")  # quoted back alone
    await say(ORGANISER, "!uncancel 2026-12-03 soon", kind="!uncancel (not a time)")
    await say(KOLKATA, "!host 2026-12-03 09:00", kind="!host (no session then)")
    await say(KOLKATA, "!host 2026-12-03 1330", kind="!host (time written oddly)")
    await say(KOLKATA, "!host 2020-01-01", kind="!host (past)")
    await say(KOLKATA, "!host 2028-01-06 08:00", kind="!host (over a year ahead)")
    await say(KOLKATA, f"!host {NEXT_WEEK} UTC", kind="!host (next week)")
    await say(KOLKATA, "!remind midnight", kind="!remind (bad time)")
    await say(KOLKATA, "!remind 5 o'clock", kind="!remind (morning or evening)")
    await say(ORGANISER, "!announce")
    await say(ORGANISER, "!agenda")
    await say(ORGANISER, "!calendar")
    for kind in KINDS:
        for form in ("csv", "md"):
            await say(ORGANISER, f"!export {kind} {form}")
    await say(ORGANISER, "!export nonsense", kind="!export (bad)")
    await say(BOB, "!mydata")
    await say(LATE, f"!late {MORNING[11:]} stuck on a train")
    await say(LATE, "!late off", kind="!late off")

    # What the rooms and people read before the morning session.
    morning = session_from_key(config, MORNING)
    made = await announcement_of(chat.store, morning, at(26, 7, 45), lead=dt.timedelta(minutes=15))
    day.add("announcement", announcement_text(config, made).plain)
    day.add("reminder DM", reminder_text(config, Reminder(made, "Asia/Kolkata", language=pseudo_locale.CODE)).plain)
    day.add("reminder DM (restored)", reminder_text(config, Reminder(made, "UTC", restored=True)).plain)
    chat.clock.set(at(26, 7, 45))
    day.add("pinned agenda", render_agenda(s, await gather(chat.store, config, chat.clock.now())).plain)

    # The morning: the host is late, the room waits; then the session with Lean Coffee.
    chat.clock.set(at(26, 8, 10))
    await say(ALICE, "!here", kind="!here (waiting)")
    day.add("host-wait notice", host_wait_text(config, await host_wait_of(chat.store, config, morning)).plain)
    day.add("pinned agenda (waiting)", render_agenda(s, await gather(chat.store, config, chat.clock.now())).plain)
    await say(BOB, "!start", kind="!start (not the host, window open)")
    await say(KOLKATA, "!start", kind="!start (another session's host, window open)")
    await say(HOST, "!start")
    await say(BOB, "!here")
    await say(ALICE, "!end", kind="!end (not a host)")
    await say(ALICE, "!discuss", kind="!discuss (not a host)")
    await say(LATE, "!late 08:30 sick", kind="!late (running)")
    await say(HOST, "!discuss")
    await say(ALICE, "!timer")
    await say(HOST, "!timer 5m", kind="!timer LEAD")
    live, posts = rider(chat)
    chat.clock.advance(minutes=15)
    await live.run_due(chat.clock.now())
    vote = next((event for key, event in posts.events.items() if "vote" in key), None)
    if vote is not None:
        await react(chat, BOB, vote, "👍", "$react1")
    chat.clock.advance(minutes=2)
    await live.run_due(chat.clock.now())
    chat.clock.advance(minutes=20)
    await live.run_due(chat.clock.now())
    for reply in posts.sent:
        day.add("Lean Coffee", reply.text)
    await say(HOST, "!discussed 2 we agreed to try it")
    await say(HOST, "!undiscussed 2")
    await say(HOST, "!timer off", kind="!timer off")
    page = render_page(config, await site.page(chat.store, config, chat.clock.now(), ""))
    day.add("web page (running)", pseudo_locale.page_words(page))
    day.add("!timer (Lean Coffee off)", LEAN_COFFEE.off("!", room_language(config)).plain)
    await say(HOST, "!end")
    await say(KOLKATA, "!end", kind="!end (none running, a later host)")
    await say(KOLKATA, "!discuss", kind="!discuss (none running, a later host)")
    day.add("summary", summary_text(config, await summary.summary_of(chat.store, MORNING, chat.clock.now())).plain)
    await say(ALICE, "!stats")
    await say(ALICE, "!history", kind="!history (after)")

    # The evening session is cancelled: the rooms and the reminded are told.
    await say(ORGANISER, f"!cancel {EVENING} team away", kind="!cancel (today)")
    evening = session_from_key(config, EVENING)
    notice = await cancellation_of(chat.store, config, evening, chat.clock.now())
    day.add("cancellation notice", cancellation_text(config, notice).plain)
    day.add("reminder DM (cancelled)", reminder_cancellation_text(config, ReminderCancellation(notice, "UTC")).plain)
    page = render_page(config, await site.page(chat.store, config, chat.clock.now(), "Worker"))
    day.add("web page", pseudo_locale.page_words(page))
    feed = feed_ics(config, await site.feed(chat.store, config, chat.clock.now()), chat.clock.now())
    day.add("calendar.ics feed", pseudo_locale.calendar_words(feed.decode()))
    await say(BOB, "!forgetme")
    await say(BOB, "!forgetme confirm")
    return day


@pytest.fixture
async def thursday(pseudo, make_chat, make_config):
    config = make_config(web={"enabled": True, "show_names": True})
    config = dataclasses.replace(config, conference=dataclasses.replace(config.conference, language=pseudo_locale.CODE))
    return await scripted_thursday(await make_chat(config))


def found_leaks(day: Thursday) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for kind, text in day.outputs:
        words = pseudo_locale.leaks(text, day.typed)
        if words:
            found.setdefault(kind, set()).update(words)
    return found


def test_the_pseudo_locale_accents_words_and_keeps_what_is_typed_as_is():
    said = pseudo_locale.accented("Vote with `!vote N` or !vote N, see {place} <b>now</b> in topics.json (UTC)")
    assert said == "Ṽóţé ŵíţĥ `!vote N` óŕ !vote N, šéé {place} <b>ñóŵ</b> íñ topics.json (UTC)", said
    assert pseudo_locale.accented("EEEE d MMMM") == "EEEE d MMMM", "a date pattern is Babel's, not words"
    assert pseudo_locale.leaks("Ṽóţé !vote N áţ https://x.org @bob:example.org Asia/Kolkata 08:00 UTC") == []
    assert pseudo_locale.leaks("Ṽóţé on Thursday: Alice said hi", typed=["Alice said"]) == ["on", "Thursday", "hi"]


async def test_every_word_of_a_scripted_thursday_goes_through_the_catalogs(thursday):
    kinds = {kind for kind, _ in thursday.outputs}
    for kind in ("!help all", "announcement", "reminder DM", "pinned agenda", "host-wait notice", "summary"):
        assert kind in kinds, f"the script no longer makes the {kind}"
    for kind in ("Lean Coffee", "web page", "calendar.ics feed", "cancellation notice", "!calendar (.ics)"):
        assert kind in kinds, f"the script no longer makes the {kind}"
    for kind in ("!stats chart", "!stats chart (days)", "!tz (ambiguous)", "!start (not the host, window open)"):
        assert kind in kinds, f"the script no longer makes the {kind}"
    files = [kind for kind in kinds if kind.startswith("!export") and kind.endswith((".csv)", ".md)"))]
    assert len(files) == 4, f"the script no longer reads the files !export sends: {files}"
    found = found_leaks(thursday)
    shown = {kind: text for kind, text in thursday.outputs if kind in found}
    assert not found, "English words past the catalogs:\n" + "\n".join(
        f"{kind}: {' '.join(sorted(words))}\n    in: {shown[kind]!r}" for kind, words in found.items()
    )
