import datetime as dt

from bot.core.clock import FakeClock, iso
from bot.status import read_status
from tests.conftest import ALICE, BOB, HOST, START, hold


async def status_of(chat, state=None, last_sync_ago=None):
    if state:
        await chat.store.set_meta("bot_state", state)
    if last_sync_ago is not None:
        await chat.store.set_meta("last_sync", iso(START - last_sync_ago))
    return await read_status(chat.services.config, chat.store, FakeClock(START))


async def test_a_running_bot_that_syncs_is_healthy(chat):
    await chat.say("@alice:example.org", "!suggest Shared tooling between co-ops")
    status = await status_of(chat, "running since 2026-11-23T10:00:00Z", dt.timedelta(seconds=20))
    text = "\n".join(status.lines)
    assert status.healthy
    assert "20 s ago" in text
    assert "open topics:       1" in text
    # Monday noon: the next thing due is the 1d reminder for Thursday 08:00
    assert "next announcement: at 2026-11-25 08:00 UTC, the 1d reminder of session 2026-11-26 08:00" in text
    assert "next session:      2026-11-26 08:00" in text


async def test_a_running_bot_silent_for_five_minutes_is_unhealthy(chat):
    status = await status_of(chat, "running since 2026-11-23T10:00:00Z", dt.timedelta(minutes=6))
    assert not status.healthy
    assert "STALE" in "\n".join(status.lines)


async def test_a_stopped_bot_is_not_expected_to_sync(chat):
    assert (await status_of(chat, "stopped at 2026-11-23T10:00:00Z", dt.timedelta(hours=2))).healthy
    assert (await status_of(chat)).healthy  # never started


def test_status_cli_without_a_database(tmp_path, capsys):
    from bot.cli import main

    config = tmp_path / "c.toml"
    config.write_text('[matrix]\nhomeserver = "https://h.org"\nuser_id = "@b:h.org"\n')
    assert main(["status", "-c", str(config)]) == 1
    assert "never run" in capsys.readouterr().out


async def test_status_says_where_the_agenda_is_pinned_and_where_the_bot_may_not_pin(chat):
    from bot.features.agenda import repository as agendas

    assert "agenda:            not posted yet" in (await status_of(chat)).lines
    await agendas.posted(chat.store, "!a:example.org", "$a", "hash", START)
    await agendas.pin_state(chat.store, "!a:example.org", pinned=True, refused=False)
    await agendas.posted(chat.store, "!b:example.org", "$b", "hash", START)
    await agendas.pin_state(chat.store, "!b:example.org", pinned=False, refused=True)
    lines = (await status_of(chat)).lines
    assert "agenda:            !a:example.org: pinned" in lines
    assert any(
        line.startswith("agenda:            !b:example.org: NOT PINNED: the bot's power level") for line in lines
    )


async def test_status_with_the_agenda_turned_off(make_chat, make_config):
    chat = await make_chat(make_config(agenda={"enabled": False}))
    assert "agenda:            off (agenda.enabled = false)" in (await status_of(chat)).lines


async def test_status_says_in_words_which_notice_is_next(chat):
    """Not "cancelled for session ..." but what a person would say."""
    await chat.say("@org:example.org", "!cancel 2026-11-26 08:00 Room \x1b[31mbooked\x1b[0m for the AGM")
    lines = (await status_of(chat)).lines
    line = next(line for line in lines if line.startswith("next announcement:"))
    assert line == (
        "next announcement: at 2026-11-25 08:00 UTC, the notice that session 2026-11-26 08:00 is cancelled: "
        "Room [31mbooked[0m for the AGM"
    ), line
    assert "\x1b" not in line, "user text is cleaned of control characters"
    await chat.say("@org:example.org", "!uncancel 2026-11-26 08:00")
    line = next(line for line in (await status_of(chat)).lines if line.startswith("next announcement:"))
    assert line == "next announcement: at 2026-11-25 08:00 UTC, the 1d reminder of session 2026-11-26 08:00", line


async def test_status_counts_sessions_people_came_to_that_no_host_started_apart_from_those_held(chat):
    await hold(chat, "2026-11-19 08:00", [HOST, ALICE])
    for minute, who in ((4, ALICE), (6, BOB)):
        chat.clock.set(dt.datetime(2026, 11, 19, 17, minute, tzinfo=dt.UTC))
        assert "no host has started it yet" in await chat.text(who, "!here")
    text = "\n".join((await status_of(chat)).lines)
    assert "sessions held:     1\n" in text
    assert "not started:       1, though people came (last 2026-11-19 17:00: 2 checked in)" in text
