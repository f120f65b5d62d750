"""bot/core/clock.py: the clocks, the virtual sleep that goes with the fake one, and how
instants are written down (stored and exported)."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
import pytz

from bot.core.clock import UTC, FakeClock, SystemClock, VirtualTime, iso, parse_iso

START = dt.datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def test_iso_is_utc_with_a_z_to_the_second_and_parses_back():
    berlin = pytz.timezone("Europe/Berlin").localize(dt.datetime(2026, 3, 29, 3, 30, 15, 999999))
    assert iso(berlin) == "2026-03-29T01:30:15Z"
    assert parse_iso("2026-03-29T01:30:15Z") == dt.datetime(2026, 3, 29, 1, 30, 15, tzinfo=UTC)
    assert parse_iso(iso(START)) == START
    assert parse_iso("2026-03-29T01:30:15Z").tzinfo is UTC


@pytest.mark.parametrize("text", ["2026-03-29T01:30:15", "2026-03-29T01:30:15+00:00", "2026-03-29 01:30:15Z", ""])
def test_only_the_stored_form_parses(text):
    with pytest.raises(ValueError):
        parse_iso(text)


def test_stored_instants_sort_as_text_in_time_order():
    instants = [START + dt.timedelta(hours=h) for h in (-30, -1, 0, 5, 9000)]
    assert sorted(iso(i) for i in reversed(instants)) == [iso(i) for i in instants]


def test_the_system_clock_is_aware_and_in_utc():
    now = SystemClock().now()
    assert now.tzinfo is UTC
    assert abs(now - dt.datetime.now(UTC)) < dt.timedelta(seconds=5)


def test_a_fake_clock_refuses_a_naive_start():
    with pytest.raises(ValueError):
        FakeClock(dt.datetime(2026, 11, 26, 8, 0))


def test_a_fake_clock_moves_only_when_told_and_always_says_utc():
    clock = FakeClock(pytz.timezone("America/New_York").localize(dt.datetime(2026, 11, 26, 3, 0)))
    assert clock.now() == START and clock.now().tzinfo is UTC
    assert clock.now() == START, "time stands still"
    assert clock.advance(days=7, minutes=1) == START + dt.timedelta(days=7, minutes=1)
    clock.set(dt.datetime(2027, 1, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))))
    assert clock.now() == dt.datetime(2027, 1, 1, 8, 0, tzinfo=UTC) and clock.now().tzinfo is UTC


async def test_a_virtual_sleeper_wakes_only_once_the_clock_is_moved_past_its_end():
    time = VirtualTime(FakeClock(START))
    woke: list[dt.datetime] = []

    async def sleeper(seconds: float) -> None:
        await time.sleep(seconds)
        woke.append(time.clock.now())

    short, long = asyncio.create_task(sleeper(10)), asyncio.create_task(sleeper(60))
    await asyncio.sleep(0)
    await asyncio.sleep(0.05)  # real time passing wakes nobody
    assert woke == []
    await time.advance(9)
    assert woke == []
    await time.advance(1)
    assert woke == [START + dt.timedelta(seconds=10)], "due exactly at its end"
    await time.advance(49)
    assert len(woke) == 1
    await time.advance(100)
    assert woke[1] == START + dt.timedelta(seconds=159), "woken by the first advance past its end"
    await asyncio.gather(short, long)
    assert time.sleepers == []


async def test_a_cancelled_virtual_sleeper_is_forgotten():
    time = VirtualTime(FakeClock(START))
    task = asyncio.create_task(time.sleep(5))
    await asyncio.sleep(0)
    assert len(time.sleepers) == 1
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert time.sleepers == []
    await time.advance(10)  # nothing left to wake, nothing raised
