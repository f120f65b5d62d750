"""Cities and countries by the names people use (bot/core/place_search.py). The search runs
here in the test process; the bot itself only ever runs it in a child process."""

import pytest

from bot.core.place_search import Found, Place, search


def only(found: Found) -> Place:
    assert len(found.places) == 1, found
    return found.places[0]


@pytest.mark.parametrize(
    ("typed", "name", "zone"),
    [
        ("Brasilia", "Brasília", "America/Sao_Paulo"),
        ("brasília", "Brasília", "America/Sao_Paulo"),
        ("Lyon", "Lyon", "Europe/Paris"),
        ("Bangalore", "Bengaluru", "Asia/Kolkata"),
        ("Bombay", "Mumbai", "Asia/Kolkata"),
        ("NYC", "New York City", "America/New_York"),
        ("la", "Los Angeles", "America/Los_Angeles"),
        ("Sao Paulo Brazil", "São Paulo", "America/Sao_Paulo"),
        ("São Paulo, Brasil", "São Paulo", "America/Sao_Paulo"),
        ("Portland, OR", "Portland", "America/Los_Angeles"),
        ("Portland, Maine, USA", "Portland", "America/New_York"),
        ("Portland Maine", "Portland", "America/New_York"),
        ("Córdoba, España", "Córdoba", "Europe/Madrid"),
    ],
)
def test_cities_by_their_names_and_other_names(typed, name, zone):
    place = only(search(typed))
    assert (place.name, place.zone) == (name, zone)


def test_a_place_is_named_with_its_state_in_the_us_and_its_country():
    assert only(search("Brasilia")).label() == "Brasília, Brazil"
    assert only(search("LA")).label() == "Los Angeles, California, United States"
    assert only(search("LA")).label(with_country=False) == "Los Angeles, California"


@pytest.mark.parametrize(
    ("typed", "country"),
    [("Paris", "France"), ("Manchester", "United Kingdom"), ("Barcelona", "Spain"), ("Dallas", "United States")],
)
def test_a_city_far_bigger_than_its_namesakes_elsewhere_wins(typed, country):
    assert only(search(typed)).country == country


def test_namesakes_in_other_zones_of_one_country_are_choices_biggest_first():
    found = search("Portland")
    assert [(p.label(with_country=False), p.zone) for p in found.places[:2]] == [
        ("Portland, Oregon", "America/Los_Angeles"),
        ("Portland, Maine", "America/New_York"),
    ]
    assert len({p.zone for p in search("Springfield").places}) == len(search("Springfield").places) > 2


def test_a_country_in_its_own_language():
    assert search("Brasil") == Found(country="BR")
    assert search("Deutschland") == Found(country="DE")
    assert search("España") == Found(country="ES")


def test_nothing_found():
    assert search("Qwxyz") == Found()
    assert search("Paris, Qwxyz") == Found()
    assert search("") == Found()
