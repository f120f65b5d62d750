"""commands/late.py: `!late` goes to the session the person means (the current one, else
the next of the slot they usually come to, or the one they name by its time in their zone),
says where the note goes, and can be replaced or withdrawn."""

import datetime as dt

from bot.core.reactions import record_anchor
from bot.features.people import repository as people
from bot.features.sessions import late_notes, summary
from commands.announcements import summary_text
from tests.conftest import ALICE, HOST, ORGANISER, ROOM

UTC = dt.UTC
CAROL = "@carol:example.org"
DAVE = "@dave:example.org"
MORNING, EVENING = "2026-11-26 08:00", "2026-11-26 17:00"
USAGE = "Usage: !late [TIME|YYYY-MM-DD TIME] [note]"


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=UTC)


async def start(chat, user=HOST, event_id="$start", room=ROOM) -> list:
    """!start, and record the start message's anchor as the Matrix adapter would."""
    replies = await chat.say(user, "!start", room_id=room)
    if replies and replies[0].anchor:
        await record_anchor(chat.store, event_id, room, replies[0].anchor)
    return replies


async def notes(chat, key: str) -> list[tuple[str, str]]:
    return [(c.name, c.note) for c in await late_notes.late_comers(chat.store, key)]


async def names(chat) -> None:
    for user, name in ((CAROL, "Carol"), (DAVE, "Dave"), (HOST, "Hana Host"), (ALICE, "Alice")):
        await people.remember_display_name(chat.store, user, name)


# --- where the note goes and what the reply says ---------------------------------------------


async def test_late_before_and_during_a_session(chat):
    await names(chat)
    replies = await chat.say(CAROL, "!late stuck on a train @room <i>sorry</i>")
    assert len(replies) == 1
    assert replies[0].text.startswith(
        "🕐 Carol will join the session of Thursday 26 November, 08:00 UTC later: stuck on a train @room <i>sorry</i>"
    )
    assert "goes into the session's thread when it opens" in replies[0].text
    assert "<i>" not in replies[0].html and replies[0].mentions == ()
    chat.clock.set(at(26, 8))
    await start(chat)
    note, confirm = await chat.say(CAROL, "!late running 5 min late")
    assert note.thread_root == "$start" and note.text.startswith("🕐 Carol will join later: running 5 min late")
    assert confirm.thread_root is None and "thread of the session of Thursday 26 November, 08:00 UTC" in confirm.text
    assert "when it opens" not in note.text + confirm.text
    # asked inside the session thread, the note itself is the answer
    (only,) = await chat.say(CAROL, "!late", thread_root="$start")
    assert only.text == "🕐 Carol will join later (instead of: running 5 min late)."


async def test_late_notes_before_the_start_open_the_thread_with_the_start_and_end_in_the_summary(chat):
    await names(chat)
    await chat.say(CAROL, "!late on a train")
    await chat.say(CAROL, "!late stuck on a train <b>sorry</b>")  # a second note replaces the first
    await chat.say(DAVE, "!late")
    chat.clock.set(at(26, 8, 2))
    (opening,) = await start(chat)
    lines = opening.text.splitlines()
    assert "🕐 Said they would come later:" in lines
    assert "• Carol: stuck on a train <b>sorry</b>" in lines and "• Dave" in lines
    assert "on a train" not in opening.text.replace("stuck on a train", "")
    assert "<b>sorry" not in opening.html
    chat.clock.set(at(26, 8, 30))
    note, _ = await chat.say(DAVE, "!late 10 more minutes")
    assert note.thread_root == "$start", "once the thread is open, the note goes there at once"
    chat.clock.set(at(26, 9))
    summary_lines = (await chat.say(HOST, "!end"))[0].text.splitlines()
    said = summary_lines.index("Said they would come later (2):")
    assert summary_lines[said + 1 : said + 3] == ["• Carol: stuck on a train <b>sorry</b>", "• Dave: 10 more minutes"]


async def test_who_said_they_would_be_late_and_then_checked_in_is_shown_only_as_present(chat):
    await names(chat)
    await chat.say(CAROL, "!late on a train")
    await chat.say(DAVE, "!late school run")
    await chat.say(ALICE, "!late 5 minutes")
    # Alice makes it by the start after all: she checks in while the session waits for its host.
    chat.clock.set(at(26, 8, 1))
    await chat.say(ALICE, "!here")
    chat.clock.set(at(26, 8, 2))
    (opening,) = await start(chat)
    lines = opening.text.splitlines()
    assert "Already checked in: Alice." in lines, lines
    assert "• Carol: on a train" in lines and "• Dave: school run" in lines
    assert "5 minutes" not in opening.text and "• Alice" not in lines, "checked in: no longer to come"
    chat.clock.set(at(26, 8, 25))
    await chat.say(CAROL, "!here")
    chat.clock.set(at(26, 9))
    summary_lines = (await chat.say(HOST, "!end"))[0].text.splitlines()
    assert "Present (3): Alice, Hana Host, Carol (arrived late)" in summary_lines, summary_lines
    said = summary_lines.index("Said they would come later (1):")
    assert summary_lines[said + 1] == "• Dave: school run", summary_lines
    assert not any("Carol:" in line or "Alice:" in line for line in summary_lines), summary_lines


async def test_late_while_waiting_for_the_host_goes_to_that_session_and_says_a_host_opens_its_thread(chat):
    chat.clock.set(at(26, 8, 20))
    text = await chat.text(CAROL, "!late")
    assert "will join the session of Thursday 26 November, 08:00 UTC later" in text, text
    assert "waits for its host" in text and "when a host starts it" in text, text


async def test_late_while_a_session_runs_never_says_its_thread_will_open(chat):
    """In a room where the bot knows no thread of the running session (the console), the
    note is posted where it was asked, not promised for a thread that is already open."""
    await names(chat)
    chat.clock.set(at(26, 8))
    await chat.say(HOST, "!start")  # no start message recorded in this room
    (reply,) = await chat.say(CAROL, "!late on a train")
    assert reply.text.startswith(
        "🕐 Carol will join the session of Thursday 26 November, 08:00 UTC later: on a train"
    ), reply.text
    assert "when it opens" not in reply.text and "running" in reply.text, reply.text
    assert await notes(chat, MORNING) == [("Carol", "on a train")]


async def test_late_after_a_session_ended_goes_to_the_next_one(chat):
    chat.clock.set(at(26, 8))
    await start(chat)
    chat.clock.set(at(26, 8, 50))
    await chat.say(HOST, "!end")
    chat.clock.set(at(26, 9))
    assert "will join the session of Thursday 26 November, 17:00 UTC later" in await chat.text(CAROL, "!late sorry")
    assert (
        "Said they would come later"
        not in summary_text(chat.services.config, await summary.summary_of(chat.store, MORNING, chat.clock.now())).plain
    )
    chat.clock.set(at(26, 17))
    (opening,) = await start(chat)
    assert "sorry" in opening.text


async def test_a_session_nobody_is_late_for_says_nothing_about_latecomers(chat):
    chat.clock.set(at(26, 8))
    (opening,) = await start(chat)
    assert "Said they would come later" not in opening.text
    assert "Said they would come later" not in await chat.text(HOST, "!end")


async def test_the_reply_names_the_session_in_the_askers_zone(chat):
    await chat.say(CAROL, "!tz Asia/Kolkata")
    text = await chat.text(CAROL, "!late")
    assert "will join the session of Thursday 26 November, 08:00 UTC (13:30 in Kolkata) later" in text, text


# --- which session: the slot the person usually comes to --------------------------------------


async def test_someone_reminded_of_the_evening_slot_is_late_for_the_evening_session(chat):
    """Reported: someone who only comes to 17:00 says !late on Monday and it lands on 08:00."""
    await chat.say(CAROL, "!remind 17:00")
    text = await chat.text(CAROL, "!late")
    assert "will join the session of Thursday 26 November, 17:00 UTC later" in text, text
    assert await notes(chat, MORNING) == []


async def test_someone_reminded_of_every_slot_is_late_for_the_next_session(chat):
    await chat.say(CAROL, "!remind all")
    assert "will join the session of Thursday 26 November, 08:00 UTC later" in await chat.text(CAROL, "!late")


async def test_without_reminders_the_slot_of_the_last_check_in_counts(chat):
    chat.clock.set(at(26, 17))
    await start(chat)
    await chat.say(CAROL, "!here")
    chat.clock.set(at(26, 18))
    await chat.say(HOST, "!end")
    chat.clock.set(at(30, 12))  # the Monday after
    assert "will join the session of Thursday 3 December, 17:00 UTC later" in await chat.text(CAROL, "!late")
    assert "will join the session of Thursday 3 December, 08:00 UTC later" in await chat.text(DAVE, "!late"), (
        "no habit: the next"
    )


async def test_the_running_session_comes_before_the_usual_slot(chat):
    await chat.say(CAROL, "!remind 17:00")
    chat.clock.set(at(26, 8, 5))
    assert "will join the session of Thursday 26 November, 08:00 UTC later" in await chat.text(CAROL, "!late")


# --- which session: a time typed in the asker's zone -------------------------------------------


async def test_a_date_and_time_pick_the_session_and_the_rest_is_the_note(chat):
    """Reported: `!late 2026-12-10 17:00 running late` became a note on the 08:00 session."""
    await names(chat)
    text = await chat.text(CAROL, "!late 2026-12-10 17:00 running late")
    assert text.startswith("🕐 Carol will join the session of Thursday 10 December, 17:00 UTC later: running late"), (
        text
    )
    assert await notes(chat, "2026-12-10 17:00") == [("Carol", "running late")]
    assert await notes(chat, MORNING) == []


async def test_a_time_alone_is_that_time_on_the_next_day_it_is_a_session_in_the_askers_zone(chat):
    await chat.say(CAROL, "!tz Asia/Kolkata")
    text = await chat.text(CAROL, "!late 22:30 after dinner")
    assert "will join the session of Thursday 26 November, 17:00 UTC (22:30 in Kolkata) later: after dinner" in text, (
        text
    )
    text = await chat.text(CAROL, "!late 2026-12-03 13:30")
    assert "will join the session of Thursday 3 December, 08:00 UTC (13:30 in Kolkata) later." in text, text
    text = await chat.text(CAROL, "!late 08:00 UTC sorry")
    assert "will join the session of Thursday 26 November, 08:00 UTC (13:30 in Kolkata) later: sorry" in text, text
    chat.clock.set(at(26, 12))
    assert "will join the session of Thursday 3 December, 08:00 UTC" in await chat.text(DAVE, "!late 08:00"), (
        "today's is over"
    )


async def test_a_time_that_is_no_session_is_refused_with_the_times_there_are(chat):
    await chat.say(CAROL, "!tz Asia/Kolkata")
    text = await chat.text(CAROL, "!late 17:00 traffic")
    assert "There is no session at 17:00 (Kolkata time)" in text and "13:30 and 22:30" in text, text
    assert USAGE in text, text
    text = await chat.text(CAROL, "!late 2026-12-10 17:00 traffic")
    assert "There is no session at 17:00 (Kolkata time) on 2026-12-10" in text, text
    assert "13:30 and 22:30 there (08:00 and 17:00 UTC)" in text, text
    text = await chat.text(CAROL, "!late 2026-12-10 running late")
    assert "2026-12-10" in text and "13:30 and 22:30" in text and USAGE in text, text
    text = await chat.text(CAROL, "!late 2026-13-10 17:00 traffic")
    assert "'2026-13-10' is not a date (YYYY-MM-DD)" in text and USAGE in text, text
    text = await chat.text(CAROL, "!late 2026-12-10 5pm")
    assert "Times are written HH:MM" in text or "There is no session" in text, text
    assert await late_notes.late_comers(chat.store, "2026-12-10 08:00") == []
    assert await late_notes.late_comers(chat.store, "2026-12-10 17:00") == []


async def test_words_that_merely_start_with_a_number_are_the_note(chat):
    await names(chat)
    assert "later: 5 minutes" in await chat.text(CAROL, "!late 5 minutes")
    assert "later: 10 more minutes" in await chat.text(DAVE, "!late 10 more minutes")


async def test_a_cancelled_or_past_session_takes_no_note(chat):
    await chat.say(ORGANISER, "!cancel 2026-12-10 17:00 winter break")
    text = await chat.text(CAROL, "!late 2026-12-10 17:00")
    assert "The session of Thursday 10 December, 17:00 UTC is cancelled: winter break" in text, text
    chat.clock.set(at(26, 12))
    text = await chat.text(CAROL, "!late 2026-11-26 08:00")
    assert "The session of Thursday 26 November, 08:00 UTC was not started: no host came. Nothing was noted." in text, (
        text
    )
    assert await notes(chat, "2026-12-10 17:00") == [] and await notes(chat, MORNING) == []


# --- already there, replaced, withdrawn ----------------------------------------------------


async def test_someone_already_checked_in_is_told_so_and_not_listed_late(chat):
    await names(chat)
    chat.clock.set(at(26, 8))
    await start(chat)
    chat.clock.set(at(26, 8, 5))
    await chat.say(CAROL, "!here")
    text = await chat.text(CAROL, "!late back in 5")
    assert "You are already checked in to the session of Thursday 26 November, 08:00 UTC" in text, text
    assert "will join" not in text, text
    chat.clock.set(at(26, 9))
    summary_lines = (await chat.say(HOST, "!end"))[0].text.splitlines()
    assert "Present (2): Hana Host, Carol" in summary_lines, summary_lines
    assert not any("late" in line.lower() for line in summary_lines), summary_lines


async def test_a_second_note_says_it_replaced_the_first(chat):
    await names(chat)
    await chat.say(CAROL, "!late on a train")
    text = await chat.text(CAROL, "!late stuck at the station")
    assert "It replaces your earlier note: “on a train”." in text, text
    await chat.say(DAVE, "!late")
    assert "It replaces your earlier one, which had no note." in await chat.text(DAVE, "!late 10 minutes")
    chat.clock.set(at(26, 8))
    await start(chat)
    note, _ = await chat.say(CAROL, "!late 15 more minutes")
    assert note.thread_root == "$start"
    assert "(instead of: stuck at the station)" in note.text, note.text


async def test_late_off_withdraws_the_note_and_says_what_was_withdrawn(chat):
    await names(chat)
    await chat.say(CAROL, "!late 2026-12-10 17:00 running late")
    await chat.say(DAVE, "!late school run")
    text = await chat.text(CAROL, "!late off")
    assert "Withdrawn: your note “running late” for the session of Thursday 10 December, 17:00 UTC." in text, text
    assert await notes(chat, "2026-12-10 17:00") == []
    text = await chat.text(CAROL, "!late off")
    assert "You had left no note that you would come later, so there is nothing to withdraw." in text, text
    text = await chat.text(DAVE, "!late off 2026-12-10 17:00")
    assert "You had left no note for the session of Thursday 10 December, 17:00 UTC" in text, text
    assert await notes(chat, MORNING) == [("Dave", "school run")]
    text = await chat.text(DAVE, "!late cancel")
    assert "Withdrawn: your note “school run” for the session of Thursday 26 November, 08:00 UTC." in text, text
    assert await notes(chat, MORNING) == [], "`!late cancel` is no note 'cancel'"


async def test_a_note_withdrawn_once_the_thread_is_open_is_withdrawn_there_too(chat):
    await names(chat)
    chat.clock.set(at(26, 8))
    await start(chat)
    await chat.say(CAROL, "!late 10 minutes")
    withdrawn, confirm = await chat.say(CAROL, "!late off")
    assert withdrawn.thread_root == "$start" and withdrawn.text == "🕐 Carol withdrew their note about coming later."
    assert "Withdrawn: your note “10 minutes” for the session of Thursday 26 November, 08:00 UTC." in confirm.text


async def test_help_gives_the_usage(chat):
    text = await chat.text(CAROL, "!help late")
    assert "!late [TIME|YYYY-MM-DD TIME] [note]" in text, text
    assert "off withdraws it" in text, text


# --- times as people write them ----------------------------------------------------------------


async def test_a_session_is_named_by_its_time_as_people_write_it(chat):
    await names(chat)
    text = await chat.text(CAROL, "!late 5pm stuck in traffic")
    assert "Carol will join the session of Thursday 26 November, 17:00 UTC later: stuck in traffic" in text, text
    text = await chat.text(DAVE, "!late 2026-12-10 8 am on a train")
    assert "Dave will join the session of Thursday 10 December, 08:00 UTC later: on a train" in text, text
    text = await chat.text(ALICE, "!late 08h00 UTC")
    assert "Alice will join the session of Thursday 26 November, 08:00 UTC later." in text, text


async def test_in_kolkata_and_sao_paulo_a_time_is_theirs_unless_it_says_utc(chat):
    await names(chat)
    await chat.say(CAROL, "!tz Asia/Kolkata")
    text = await chat.text(CAROL, "!late 10:30pm traffic")
    assert "will join the session of Thursday 26 November, 17:00 UTC (22:30 in Kolkata) later: traffic" in text, text
    text = await chat.text(CAROL, "!late 2026-12-10 8am UTC")
    assert "will join the session of Thursday 10 December, 08:00 UTC (13:30 in Kolkata) later." in text, text
    await chat.say(DAVE, "!tz America/Sao_Paulo")
    text = await chat.text(DAVE, "!late 2pm")
    assert "will join the session of Thursday 26 November, 17:00 UTC (14:00 in São Paulo) later." in text, text
    text = await chat.text(DAVE, "!late 2026-12-10 5am")
    assert "will join the session of Thursday 10 December, 08:00 UTC (05:00 in São Paulo) later." in text, text


async def test_a_time_that_names_no_session_before_a_note_is_part_of_the_note(chat):
    await names(chat)
    text = await chat.text(CAROL, "!late 2pm train, sorry")
    assert "Carol will join the session of Thursday 26 November, 08:00 UTC later: 2pm train, sorry" in text, text
    text = await chat.text(CAROL, "!late 2pm")
    assert "There is no session at 14:00 (UTC)" in text and USAGE in text, text
    text = await chat.text(CAROL, "!late 12am")
    assert "'12am' is midnight" in text and USAGE in text, text
