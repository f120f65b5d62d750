"""python -m bench [latency|dispatch|agenda|web|scale|flood|reminders|announcements|lean_coffee|all]
                   [options of that benchmark]

Prints figures and the goals they meet or miss; asserts nothing. `make bench` runs all.
"""

from __future__ import annotations

import importlib
import logging
import sys

from bench import machine

# The cheap ones first: `make bench` shows figures within seconds.
BENCHES = ("dispatch", "agenda", "web", "scale", "latency", "flood", "reminders", "announcements", "lean_coffee")
USAGE = (
    "usage: python -m bench [latency|dispatch|agenda|web|scale|flood|reminders|announcements|lean_coffee|all]"
    " [--help | options of that benchmark]"
)


def main(argv: list[str]) -> int:
    which, rest = (argv[0], argv[1:]) if argv and not argv[0].startswith("-") else ("all", argv)
    if which in ("-h", "--help", "help"):
        print(__doc__.strip())
        return 0
    # The bot's own warnings (a missing seed file in a scratch config) are not results.
    logging.basicConfig(level=logging.ERROR)
    if which != "all" and which not in BENCHES:
        print(USAGE, file=sys.stderr)
        return 2
    print(f"machine: {machine()}", flush=True)
    if which != "all":
        return _module(which).main(rest)
    status = 0
    for name in BENCHES:
        print(flush=True)
        status |= _module(name).main([])
    return status


def _module(name: str):
    # Imported when run: `latency` pulls in nio and the integration helpers.
    return importlib.import_module(f"bench.{name}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
