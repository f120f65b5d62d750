"""The CLDR pieces kept per language write exactly what Babel writes with its whole locale
data: the catalogs' date patterns on every day of a year, countdown units, cities of every
zone, the languages' names; what they lack is still asked of Babel."""

import datetime as dt
import json

import pytest
import pytz
from babel import Locale
from babel.dates import format_datetime, get_timezone_location
from babel.units import format_unit

from bot.core import cldr
from bot.core.i18n import LANGUAGES, translator
from bot.devtools import catalogs

LOCALES = [language.locale for language in LANGUAGES]


@pytest.fixture(scope="module", autouse=True)
def made() -> None:
    """The pieces as `make catalogs` writes them (the checkout's may be older)."""
    list(catalogs.write_cldr_pieces())
    cldr.pieces.cache_clear()


@pytest.mark.parametrize("locale", LOCALES)
def test_every_pattern_the_catalogs_give_is_kept_and_written_as_babel_writes_it(locale):
    language = next(language for language in LANGUAGES if language.locale == locale)
    patterns = {translator(language.code).gettext(pattern) for pattern in catalogs.date_patterns()}
    kept = cldr.pieces(locale)
    assert kept is not None and patterns <= kept.patterns.keys()
    zone = pytz.timezone("America/Sao_Paulo")
    for day in range(0, 366, 3):
        at = dt.datetime(2026, 1, 1, 7, 5, tzinfo=dt.UTC) + dt.timedelta(days=day, hours=day % 17, minutes=day)
        for pattern in patterns:
            for when in (at, at.astimezone(zone)):
                assert cldr.format_date(when, pattern, locale) == format_datetime(when, pattern, locale=locale)


@pytest.mark.parametrize("locale", LOCALES)
def test_countdown_units_are_written_as_babel_writes_them(locale):
    for unit in cldr.UNITS:
        for n in [*range(0, 130), 999, 1000, 1234, 1_000_000]:
            expected = format_unit(n, f"duration-{unit}", length="long", locale=locale)
            assert cldr.format_duration(n, unit, locale) == expected


@pytest.mark.parametrize("locale", LOCALES)
def test_every_zone_has_the_city_babel_names(locale):
    for zone in [*pytz.all_timezones, "Asia/Calcutta"]:
        assert cldr.city(zone, locale) == get_timezone_location(zone, locale, return_city=True)
    with pytest.raises(LookupError):
        cldr.city("Not/A_Zone", locale)  # as Babel: never asked, zones are checked first


@pytest.mark.parametrize("locale", LOCALES)
def test_the_languages_are_named_as_cldr_names_them(locale):
    said = Locale.parse(locale)
    for other in LANGUAGES:
        language = Locale.parse(other.locale)
        expected = [n for n in (said.languages.get(language.language), language.get_display_name(said)) if n]
        assert cldr.language_names(other.locale, locale) == expected


def test_a_pattern_with_a_field_not_kept_is_written_by_babel():
    at = dt.datetime(2026, 12, 10, 8, 0, tzinfo=dt.UTC)
    assert cldr.date_format("EEEEE d LLLL") is None
    assert cldr.format_date(at, "EEEEE d LLLL", "es") == format_datetime(at, "EEEEE d LLLL", locale="es")


def test_missing_or_unreadable_pieces_are_none(tmp_path):
    assert cldr.pieces("pt_BR", tmp_path) is None
    (tmp_path / "es").mkdir()
    cldr.path_of("es", tmp_path).write_text("{not json", "utf-8")
    assert cldr.pieces("es", tmp_path) is None


def test_without_the_pieces_babel_writes_everything(monkeypatch):
    monkeypatch.setattr(cldr, "pieces", lambda locale: None)
    at = dt.datetime(2026, 12, 10, 8, 0, tzinfo=dt.UTC)
    assert cldr.format_date(at, "EEEE d MMMM", "pt_BR") == "quinta-feira 10 dezembro"
    assert cldr.format_duration(2, "day", "es") == "2 días"
    assert cldr.city("America/New_York", "es") == "Nueva York"
    assert cldr.language_names("es", "pt_BR") == ["espanhol", "espanhol"]


def test_the_pieces_are_small():
    for locale in LOCALES:
        data = json.loads(cldr.path_of(locale).read_text("utf-8"))
        assert len(json.dumps(data)) < 40_000


@pytest.mark.parametrize("locale", LOCALES)
def test_an_average_is_written_with_the_languages_decimal_separator(locale):
    from babel.numbers import format_decimal

    for value in (0.0, 2.0, 2.25, 7 / 3, 12.96):
        assert cldr.format_tenths(value, locale) == format_decimal(value, "0.0", locale=locale)
