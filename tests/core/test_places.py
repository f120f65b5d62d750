"""The search for places run in a child process (bot/core/places.py)."""

import subprocess

from bot.core import places
from bot.core.place_search import Found


def test_the_child_finds_places_and_countries():
    found = places.find("Bangalore")
    assert found is not None and [(p.name, p.zone) for p in found.places] == [("Bengaluru", "Asia/Kolkata")]
    assert places.find("Brasil") == Found(country="BR")
    assert places.find("Qwxyz") == Found()


def test_a_child_that_fails_finds_nothing_and_is_not_remembered(monkeypatch):
    def fails(*args, **kwargs):
        raise subprocess.TimeoutExpired("child", 1)

    places.search_in_child.cache_clear()
    monkeypatch.setattr(places.subprocess, "run", fails)
    assert places.find("Lyon") is None
    monkeypatch.undo()
    found = places.find("Lyon")
    assert found is not None and found.places[0].zone == "Europe/Paris"
