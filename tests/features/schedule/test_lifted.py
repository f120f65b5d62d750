"""The features registered for a lifted cancellation are told of each session whose
cancellation is lifted, inside the transaction that lifts it."""

import datetime as dt

from bot.features.schedule import lifted
from bot.features.schedule.repository import add_cancellation, load_cancellations, restore_sessions
from bot.features.schedule.weekly_sessions import Session, session_from_key
from tests.conftest import ORGANISER


async def test_each_registered_feature_is_told_of_each_lifted_session(chat, monkeypatch):
    monkeypatch.setattr(lifted, "_when_lifted", {})
    config, store, now = chat.services.config, chat.store, chat.clock.now()
    told: list[tuple[str, str, dt.datetime, int]] = []

    def probe(name: str) -> lifted.WhenLifted:
        async def hook(db, session: Session, at: dt.datetime) -> None:
            cursor = await db.execute("SELECT COUNT(*) FROM cancellations")
            (left,) = await cursor.fetchone()
            told.append((name, session.key, at, left))

        return hook

    lifted.when_lifted("first", probe("first"))
    lifted.when_lifted("second", probe("second"))
    await add_cancellation(store, "2026-12-03", "strike", ORGANISER, now)
    later = now + dt.timedelta(hours=1)
    await restore_sessions(store, config, dt.date(2026, 12, 3), ["2026-12-03 08:00"], later)
    # Told inside the transaction: the whole day already narrowed to its other session.
    assert told == [("first", "2026-12-03 08:00", later, 1), ("second", "2026-12-03 08:00", later, 1)]
    assert [c.target for c in await load_cancellations(store)] == ["2026-12-03 17:00"]


async def test_registering_a_name_again_replaces_its_hook(chat, monkeypatch):
    monkeypatch.setattr(lifted, "_when_lifted", {})
    told: list[str] = []

    def probe(name: str) -> lifted.WhenLifted:
        async def hook(db, session: Session, at: dt.datetime) -> None:
            told.append(name)

        return hook

    lifted.when_lifted("feature", probe("old"))
    lifted.when_lifted("feature", probe("new"))
    session = session_from_key(chat.services.config, "2026-12-03 08:00")
    await chat.store.transaction(lambda db: lifted.tell_lifted(db, session, chat.clock.now()))
    assert told == ["new"]
