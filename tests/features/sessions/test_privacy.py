"""bot/features/sessions/privacy.py: what `!mydata` finds of a person in the sessions'
tables, and what `!forgetme` erases (check-ins) or leaves unattributed (who started it)."""

from bot.core import privacy
from bot.features.sessions import repository
from tests.conftest import ALICE, HOST, hold

KEY = "2026-11-19 08:00"


def section() -> privacy.Section:
    return next(s for s in privacy.sections() if s.name == "sessions")


async def test_a_check_in_is_collected_and_erased_and_a_hosted_session_kept_with_nobody_named(chat):
    await hold(chat, KEY, [HOST, ALICE])
    assert [c["session"] for c in (await section().collect(chat.store, ALICE))["check_ins"]] == [KEY]
    hosted = (await section().collect(chat.store, HOST))["sessions_started_or_ended"]
    assert [(s["session"], s["started"], s["ended"]) for s in hosted] == [(KEY, True, True)]
    who = privacy.Erasing(HOST, chat.clock.now(), None)
    erased = await chat.store.transaction(lambda db: section().erase(db, who))
    assert erased == {"check_ins": 1, "volunteering": 0, "late_notes": 0, "sessions": 1}
    state = await repository.state_of(chat.store, KEY)
    assert state is not None and state.started_at is not None
    assert (state.started_by, state.ended_by) == (None, None)
    assert await repository.attendees(chat.store, KEY) == [ALICE]
