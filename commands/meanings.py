"""The words people reach for that name no command, each with what it means: the one table
of them. A word that reads or does just what was asked runs its command (`!join` is
`!link`); one that may mean several things, or would change something on a guess, is
answered with the commands it may mean and what each does, only those the asker may use
(bot/core/registry.py). `!help WORD` shows the same; `!help CMD` names the words that run it.
"""

from __future__ import annotations

from bot.core.registry import Meaning, Way

_CHECK_IN = Way("here", does="at the session, to check in")
_REMINDERS_OFF = Way("remind", "off", "to stop your reminders")

MEANINGS: tuple[Meaning, ...] = (
    Meaning("join", (Way("link"),), acts=True),
    Meaning("notes", (Way("history"),), acts=True),
    Meaning("minutes", (Way("history"),), acts=True),
    Meaning("checkin", (Way("here"),), acts=True),
    Meaning("check-in", (Way("here"),), acts=True),
    # Coming, or coming late: nothing to act on before the session, so both are named.
    Meaning("rsvp", (_CHECK_IN, Way("late", does="if you will come late, to say so"))),
    # Reminders, or for a host during a session its end: a guess either way would undo
    # something the person wanted, so it points.
    Meaning("stop", (_REMINDERS_OFF, Way("end", does="to end the running session"))),
    Meaning("unsubscribe", (_REMINDERS_OFF,)),
    Meaning("subscribe", (Way("remind", does="to get a direct message before your sessions"),)),
)
