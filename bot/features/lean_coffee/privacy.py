"""What `!mydata` and `!forgetme` find of a person in the Lean Coffee tables: the topics
they started discussing with `!discuss` (kept, with nobody named, after `!forgetme`: the
minutes belong to the session). Registered when repository.py is imported."""

from __future__ import annotations

from typing import Any

import aiosqlite

from bot.core import privacy
from bot.storage.store import Store


async def _collect_person(store: Store, user_id: str) -> dict[str, Any]:
    return {
        "discussions_started": await privacy.rows(
            store,
            "SELECT session, topic_id, started_at FROM discussions WHERE started_by = ? ORDER BY started_at",
            user_id,
        )
    }


async def _erase_person(db: aiosqlite.Connection, who: privacy.Erasing) -> dict[str, Any]:
    cursor = await db.execute("UPDATE discussions SET started_by = NULL WHERE started_by = ?", (who.user_id,))
    return {"discussions": cursor.rowcount}


privacy.register("lean_coffee", _collect_person, _erase_person, holds=(privacy.Column("discussions", "started_by"),))
