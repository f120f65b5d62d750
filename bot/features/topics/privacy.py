"""The topics' part of !mydata and !forgetme, registered with bot/core/privacy.py when the
feature is imported (by the package's __init__): a person's suggestions, held-back
suggestions and votes.
"""

from __future__ import annotations

from typing import Any

import aiosqlite

from bot.core import privacy
from bot.core.clock import iso
from bot.features.topics.suggest import RATE_MARKS_OF_RECENT, RATE_WINDOW, mark_with
from bot.storage.store import Store, read_meta


async def _collect_person(store: Store, user_id: str) -> dict[str, Any]:
    return {
        "suggestions": await privacy.rows(
            store,
            "SELECT id AS number, text, suggested_name, suggested_at, status, session FROM topics "
            "WHERE suggested_by = ? ORDER BY id",
            user_id,
        ),
        "held_suggestions": await privacy.rows(
            store, "SELECT text, held_at FROM held_suggestions WHERE user_id = ? ORDER BY held_at, text", user_id
        ),
        "votes": await privacy.rows(
            store,
            "SELECT v.topic_id AS topic, t.text, v.voted_at FROM votes v JOIN topics t ON t.id = v.topic_id "
            "WHERE v.user_id = ? ORDER BY v.voted_at, v.topic_id",
            user_id,
        ),
    }


async def _erase_person(db: aiosqlite.Connection, who: privacy.Erasing) -> dict[str, Any]:
    """Votes go; suggestions stay, unattributed. The hourly suggestion limit must not
    restart with a forgotten person: it keeps their last hour of suggestions under a keyed
    hash of their id, for that hour only."""
    key = await read_meta(db, "rate_mark_key")
    since = iso(who.now - RATE_WINDOW)
    await db.execute("DELETE FROM rate_marks WHERE at <= ?", (since,))
    await db.execute(RATE_MARKS_OF_RECENT, (mark_with(key or "", who.user_id), who.user_id, since))
    await db.execute("DELETE FROM held_suggestions WHERE user_id = ?", (who.user_id,))  # !suggest's, for 10 minutes
    votes = await db.execute("DELETE FROM votes WHERE user_id = ?", (who.user_id,))
    suggestions = await db.execute(
        "UPDATE topics SET suggested_by = NULL, suggested_name = NULL WHERE suggested_by = ?", (who.user_id,)
    )
    return {"votes": votes.rowcount, "suggestions": suggestions.rowcount}


privacy.register(
    "topics",
    _collect_person,
    _erase_person,
    holds=(
        privacy.Column("topics", "suggested_by"),
        privacy.Column("held_suggestions", "user_id"),
        privacy.Column("votes", "user_id"),
    ),
)
