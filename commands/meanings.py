"""The words people reach for that may mean several things, or would change something on
a guess (`!rsvp`, `!stop`): each is answered with the commands it may mean and what each
does, only those the asker may use (bot/core/registry.py); `!help WORD` shows the same. A
word that reads or does just what was asked is an alias of its command, declared with it
(`!join` of `!link`, `!notes` and `!minutes` of `!history`, `!checkin` of `!here`).
"""

from __future__ import annotations

from bot.core.i18n import N_
from bot.core.registry import Meaning, Way

_CHECK_IN = Way("here", does=N_("at the session, to check in"))
_REMINDERS_OFF = Way("remind", "off", N_("to stop your reminders"))

MEANINGS: tuple[Meaning, ...] = (
    # Coming, or coming late: nothing to act on before the session, so both are named.
    Meaning("rsvp", (_CHECK_IN, Way("late", does=N_("if you will come late, to say so")))),
    # Reminders, or for a host during a session its end: a guess either way would undo
    # something the person wanted, so it points.
    Meaning("stop", (_REMINDERS_OFF, Way("end", does=N_("to end the running session")))),
    Meaning("unsubscribe", (_REMINDERS_OFF,)),
    Meaning("subscribe", (Way("remind", does=N_("to get a direct message before your sessions")),)),
)
