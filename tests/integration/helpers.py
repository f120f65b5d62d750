"""Wait for room events with a plain nio client, without running sync_forever.

Each client gets a cursor over the timelines it has synced: an event is handed out at
most once, in server order. To react only to events caused by what the test does
next, prime the client first:

    await prime(bob)                      # initial sync; history is discarded
    await alice.room_send(room_id, ...)
    event = await wait_for_event(bob, room_id, lambda e: e.sender == alice.user_id)

Without ``prime`` the first sync is an initial one, so recent history counts too.
Syncs are never cancelled half-way (nio advances ``next_batch`` before it has handled
the events, so a cancelled sync could lose them): when a deadline passes during a
sync, that sync keeps running and the next call for the same client picks it up.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import weakref
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from nio import AsyncClient, Event, SyncResponse
from nio.api import RelationshipType

_SYNC_TIMEOUT_MS = 500


@dataclass
class _Cursor:
    pending: dict[str, deque[Event]] = field(default_factory=dict)
    in_flight: asyncio.Task[None] | None = None

    def queue(self, room_id: str) -> deque[Event]:
        return self.pending.setdefault(room_id, deque())


# The server's default of 10 timeline events per room would cut off a burst: a test that
# looks away for a moment must still see every event.
_SYNC_FILTER = {"room": {"timeline": {"limit": 1000}}}

_cursors: weakref.WeakKeyDictionary[AsyncClient, _Cursor] = weakref.WeakKeyDictionary()


def _cursor(client: AsyncClient) -> _Cursor:
    return _cursors.setdefault(client, _Cursor())


async def _sync_and_queue(client: AsyncClient, cursor: _Cursor) -> None:
    response = await client.sync(
        timeout=_SYNC_TIMEOUT_MS, full_state=False, since=client.next_batch or None, sync_filter=_SYNC_FILTER
    )
    if not isinstance(response, SyncResponse):
        # E.g. the server is restarting: pause so callers poll instead of spin.
        await asyncio.sleep(0.2)
        return
    # Rooms we are in and rooms we just left both carry timeline events.
    for rooms in (response.rooms.join, response.rooms.leave):
        for room_id, info in rooms.items():
            cursor.queue(room_id).extend(info.timeline.events)


async def _sync_once(client: AsyncClient, deadline: float) -> None:
    """Run (or keep waiting for) one sync, giving up waiting at ``deadline``."""
    cursor = _cursor(client)
    if cursor.in_flight is None:
        cursor.in_flight = asyncio.ensure_future(_sync_and_queue(client, cursor))
    task = cursor.in_flight
    await asyncio.wait({task}, timeout=max(0.0, deadline - time.monotonic()))
    if task.done():
        cursor.in_flight = None
        task.result()  # surface real bugs rather than hiding them in a dead task


async def prime(client: AsyncClient, timeout: float = 30.0) -> None:  # noqa: ASYNC109
    """Sync once and forget everything seen so far: later waits see only new events."""
    cursor = _cursor(client)
    deadline = time.monotonic() + timeout
    # Finish any sync left over from an earlier call first, then do a fresh one.
    while True:
        had_sync = cursor.in_flight is not None
        await _sync_once(client, deadline)
        if cursor.in_flight is not None:
            raise AssertionError(f"prime({client.user_id}): no sync answer within {timeout}s")
        if not had_sync:
            break
    cursor.pending.clear()


async def forget(client: AsyncClient) -> None:
    """Drop the client's cursor, cancelling a leftover sync (call before closing it)."""
    cursor = _cursors.pop(client, None)
    if cursor and cursor.in_flight:
        cursor.in_flight.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await cursor.in_flight


def _describe(event: Event) -> str:
    content = event.source.get("content", {})
    detail = content.get("body") or content.get("membership") or ""
    return f"{event.source.get('type')} from {event.sender}: {str(detail)[:80]!r}"


async def wait_for_event(
    client: AsyncClient,
    room_id: str,
    predicate: Callable[[Event], bool],
    timeout: float = 15.0,  # noqa: ASYNC109 - a deadline across many syncs, not one call
) -> Event:
    """Return the next event in ``room_id``'s timeline for which ``predicate`` is true.

    Events before the match are consumed (a later call will not see them); events
    after it stay queued. Raises AssertionError listing what was seen if nothing
    matches within ``timeout`` seconds.
    """
    queue = _cursor(client).queue(room_id)
    deadline = time.monotonic() + timeout
    seen: list[Event] = []
    while True:
        while queue:
            event = queue.popleft()
            seen.append(event)
            if predicate(event):
                return event
        if time.monotonic() >= deadline:
            break
        await _sync_once(client, deadline)
    listing = "\n  ".join(_describe(e) for e in seen) or "(nothing)"
    raise AssertionError(f"no matching event in {room_id} within {timeout}s for {client.user_id}; saw:\n  {listing}")


async def collect_events(client: AsyncClient, room_id: str, duration: float) -> list[Event]:
    """Return every ``room_id`` timeline event pending now or arriving within ``duration``."""
    queue = _cursor(client).queue(room_id)
    deadline = time.monotonic() + duration
    events: list[Event] = []
    while True:
        events.extend(queue)
        queue.clear()
        if time.monotonic() >= deadline:
            return events
        await _sync_once(client, deadline)


def body(event: Event) -> str:
    return event.source.get("content", {}).get("body") or ""


async def newest_edit(client: AsyncClient, room_id: str, event_id: str) -> str | None:
    """The agenda's text as Element shows it: its newest edit's m.new_content, read through
    the relations API (newest first)."""
    async for event in client.room_get_event_relations(room_id, event_id, RelationshipType.replacement):
        return str(event.source.get("content", {}).get("m.new_content", {}).get("body", ""))
    return None


async def wait_until(what: str, check, timeout: float = 10.0):  # noqa: ASYNC109 - a deadline over many polls
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {timeout} s (last: {last!r})")
