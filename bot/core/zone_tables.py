"""The tables about time zones that the tz data does not hold, written by hand: which
zones are places, which places most people live in (for ranking only), how places and
countries are written in English, and the words that mean UTC."""

from __future__ import annotations

from collections.abc import Iterable

import pytz

UTC = "UTC"

# The first part of a zone that names a place (tz's continents and oceans).
AREAS = frozenset(
    ("Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")
)

# Ranking only (which candidates come first when several fit): zones where many people
# live, most people first. Which zones fit always comes from the tz data.
WIDELY_USED = (
    "Asia/Kolkata",
    "Asia/Shanghai",
    "America/New_York",
    "Asia/Jakarta",
    "America/Sao_Paulo",
    "Asia/Karachi",
    "Africa/Lagos",
    "Asia/Dhaka",
    "Europe/Moscow",
    "America/Mexico_City",
    "Asia/Tokyo",
    "Asia/Manila",
    "Africa/Cairo",
    "America/Chicago",
    "Asia/Tehran",
    "Asia/Bangkok",
    "Europe/Istanbul",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/London",
    "Europe/Rome",
    "Europe/Madrid",
    "America/Los_Angeles",
    "Asia/Seoul",
    "Africa/Johannesburg",
    "Africa/Nairobi",
    "America/Bogota",
    "America/Argentina/Buenos_Aires",
    "Europe/Kyiv",
    "Europe/Warsaw",
    "America/Lima",
    "America/Toronto",
    "Africa/Casablanca",
    "Asia/Riyadh",
    "Asia/Dubai",
    "Europe/Brussels",
    "America/Denver",
    "America/Santiago",
    "America/Caracas",
    "Europe/Bucharest",
    "Europe/Athens",
    "Australia/Sydney",
    "Australia/Melbourne",
    "America/Vancouver",
    "Europe/Lisbon",
    "Europe/Dublin",
    "Asia/Hong_Kong",
    "Asia/Singapore",
    "Asia/Jerusalem",
    "America/Phoenix",
    "Australia/Brisbane",
    "Australia/Perth",
    "Australia/Adelaide",
    "Pacific/Auckland",
    "America/Halifax",
    "Africa/Accra",
    "America/Anchorage",
    "Pacific/Honolulu",
    "America/St_Johns",
)

# How a place is written in English where the tz name leaves out accents or punctuation.
PLACE_NAMES = {
    "America/Araguaina": "Araguaína",
    "America/Asuncion": "Asunción",
    "America/Bahia_Banderas": "Bahía de Banderas",
    "America/Belem": "Belém",
    "America/Bogota": "Bogotá",
    "America/Cancun": "Cancún",
    "America/Ciudad_Juarez": "Ciudad Juárez",
    "America/Cuiaba": "Cuiabá",
    "America/Curacao": "Curaçao",
    "America/Maceio": "Maceió",
    "America/Merida": "Mérida",
    "America/Santarem": "Santarém",
    "America/Sao_Paulo": "São Paulo",
    "America/St_Barthelemy": "St. Barthélemy",
    "America/St_Johns": "St. John's",
    "Antarctica/DumontDUrville": "Dumont d'Urville",
    "Asia/Ho_Chi_Minh": "Ho Chi Minh City",
    "Asia/Urumqi": "Ürümqi",
    "Atlantic/Reykjavik": "Reykjavík",
    "Europe/Chisinau": "Chișinău",
    "Indian/Reunion": "Réunion",
    "Pacific/Noumea": "Nouméa",
}

# Ways of naming a country that tz's list of names does not have.
COUNTRY_WORDS = {
    "usa": "US",
    "united states of america": "US",
    "america": "US",
    "uk": "GB",
    "united kingdom": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "south korea": "KR",
    "holland": "NL",
}

# Names that mean UTC itself (besides the tz names that are UTC).
UTC_WORDS = frozenset(("utc", "z", "zulu", "coordinated universal time"))


def ranked(zones: Iterable[str]) -> tuple[str, ...]:
    """Where most people live first, then a country's main zone, then by name."""
    first_of_country = {zs[0] for zs in pytz.country_timezones.values() if zs}
    order = {zone: i for i, zone in enumerate(WIDELY_USED)}
    return tuple(sorted(set(zones), key=lambda z: (order.get(z, len(order)), z not in first_of_country, z)))
