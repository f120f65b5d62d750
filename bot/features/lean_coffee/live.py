"""The bot runs the discussion on its own (a `Rider` of the announcer: one scheduler, one
lock, one catch-up after a downtime): when the timebox of the topic being discussed ends, it
posts the vote to go on in the session's thread; when the vote closes it counts each person's
latest 👍 or 👎 and either grants the next extension or marks the topic discussed and names
the next one. Every change and the posts it calls for are written in one transaction before
anything is sent, and each post is sent with a key derived from (discussion, round, kind,
room), from which the Matrix adapter derives the transaction id: posted exactly once across
restarts. What fell due while the bot was down is posted late only within
conference.announce_grace_minutes; otherwise it is skipped and logged. A vote posted later than
it was recorded stays open its whole vote_seconds from then. Whatever it changes (a vote
opened, a timebox extended, a topic closed) it tells `changed` of (the agenda)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from bot.core import reactions
from bot.core.config import Config
from bot.core.model import Anchor, Reply, Sender, went_out
from bot.features.announcements.sending import side_by_side
from bot.features.lean_coffee import repository
from bot.features.lean_coffee.discussing import close_with_session, minutes_spent, next_topic
from bot.features.lean_coffee.messages import KEEP_GOING, VOTE_KEYS, Extended, MovedOn, VoteToGoOn, Wording
from bot.features.lean_coffee.repository import Count, Discussion, Post, PostKind, PostStatus, vote_ref
from bot.features.sessions import repository as sessions
from bot.features.topics import discussed
from bot.features.topics.repository import get_topic
from bot.storage.store import Store, StoreStopped

log = logging.getLogger(__name__)

# The anchor kind of a vote to go on (its ref: "discussion:round").
VOTE_ANCHOR = "go-on"


def vote_anchor(discussion_id: int, round_: int) -> Anchor:
    """What a vote to go on's message is anchored as, for its reactions to be read."""
    return Anchor(VOTE_ANCHOR, vote_ref(discussion_id, round_))


def post_key(post: Post) -> str:
    return f"lean-coffee:{post.discussion_id}:{post.round}:{post.kind}:{post.room_id}"


def _nobody() -> None:
    pass


class LeanCoffee:
    """The timeboxes' and votes' jobs; `wording` says how the posts read; `changed` is
    called after each change the rider makes on its own (the wiring binds the agenda's)."""

    def __init__(
        self, store: Store, config: Config, sender: Sender, wording: Wording, changed: Callable[[], None] = _nobody
    ):
        self.store = store
        self.config = config
        self.sender = sender
        self.wording = wording
        self.changed = changed

    @property
    def _grace(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.config.conference.announce_grace_minutes)

    async def due_times(self, start: dt.datetime, end: dt.datetime) -> list[tuple[str, dt.datetime]]:
        if not self.config.lean_coffee.enabled:
            return []
        d = await repository.current(self.store)
        if d is None:
            return []
        at, what = (d.vote_closes_at, "count") if d.vote_closes_at else (d.ends_at, "time")
        if at is None or not start <= at <= end:
            return []
        return [(f"lean-coffee-{d.id}-{d.round}-{what}", at)]

    async def run_due(self, now: dt.datetime, since: dt.datetime | None = None) -> None:
        if not self.config.lean_coffee.enabled:
            return  # turned off (with a topic left current, say): nothing posted on its own
        await self._send_pending(now)
        d = await repository.current(self.store)
        if d is None:
            return
        if await self._closed_elsewhere(d, now):
            self.changed()
            return
        if d.vote_closes_at is not None and now >= d.vote_closes_at:
            await self._count(d, now)
        elif d.vote_closes_at is None and d.ends_at is not None and now >= d.ends_at:
            await self._time_up(d, now)
        if await repository.by_id(self.store, d.id) != d:
            self.changed()
        await self._send_pending(now)

    async def _closed_elsewhere(self, d: Discussion, now: dt.datetime) -> bool:
        """The session ended (closed automatically, or by `!end` that did not close it) or
        the topic is no longer open (marked, withdrawn): the discussion closes with it,
        nothing posted."""
        state = await sessions.state_of(self.store, d.session)
        topic = await get_topic(self.store, d.topic_id)
        if state is not None and state.ended_at is not None:
            until = min(state.ended_at, now)
            await self.store.transaction(lambda db: close_with_session(db, d.session, until))
            return True
        if topic is None or not topic.is_open:
            minutes = topic.minutes if topic is not None and topic.minutes else minutes_spent(d.started_at, now)
            await repository.close(self.store, d.id, now, minutes)
            return True
        return False

    async def _time_up(self, d: Discussion, now: dt.datetime) -> None:
        assert d.ends_at is not None
        if now > d.ends_at + self._grace:
            if await repository.skip_vote(self.store, d):
                log.warning(
                    "the timebox of topic #%s ended at %s, past the grace window (was the bot down?): "
                    "no vote to go on; the topic stays current until a host decides",
                    d.topic_id,
                    d.ends_at.isoformat(),
                )
            return
        rooms = self.config.matrix.rooms
        if d.extended < len(self.config.lean_coffee.extensions):
            closes = now + dt.timedelta(seconds=self.config.lean_coffee.vote_seconds)
            await repository.open_vote(self.store, d, closes, rooms, now)
            return
        await self._finish(d, PostKind.TIME_UP, None, PostStatus.SENDING, now)

    async def _count(self, d: Discussion, now: dt.datetime) -> None:
        assert d.vote_closes_at is not None
        votes = await reactions.latest_of_each(self.store, vote_anchor(d.id, d.round), VOTE_KEYS)
        up = sum(1 for key in votes.values() if key == KEEP_GOING)
        count = Count(up, len(votes) - up)
        late = now > d.vote_closes_at + self._grace
        status = PostStatus.SKIPPED if late else PostStatus.SENDING
        if late:
            log.warning(
                "the vote to go on for topic #%s closed at %s, past the grace window: counted, not posted",
                d.topic_id,
                d.vote_closes_at.isoformat(),
            )
        extensions = self.config.lean_coffee.extensions
        if count.go_on and d.extended < len(extensions):
            until = now + extensions[d.extended]
            await repository.extend(self.store, d, until, count, self.config.matrix.rooms, status, now)
            return
        await self._finish(d, PostKind.MOVED_ON, count, status, now)

    async def _finish(
        self, d: Discussion, kind: PostKind, count: Count | None, status: PostStatus, now: dt.datetime
    ) -> None:
        minutes = minutes_spent(d.started_at, now)
        await repository.finish(
            self.store,
            d,
            kind,
            minutes,
            count,
            self.config.matrix.rooms,
            status,
            now,
            also=lambda db: discussed.mark_in(db, now, d.topic_id, d.session, minutes),
        )

    # --- the posts ----------------------------------------------------------------------

    async def _send_pending(self, now: dt.datetime) -> None:
        """Every room at once, each room's posts in order (as the announcements go out): the
        last room's vote does not wait for each room before it, its message and reactions."""
        by_room: dict[str, list[Post]] = {}
        for post in await repository.pending_posts(self.store):
            by_room.setdefault(post.room_id, []).append(post)

        async def room_in_turn(posts: list[Post]) -> None:
            for post in posts:
                try:
                    await self._send(post, now)
                except StoreStopped:
                    raise
                except Exception:
                    log.exception("Lean Coffee post %s failed; tried again at the next run", post_key(post))

        await side_by_side(room_in_turn(posts) for posts in by_room.values())

    async def _send(self, post: Post, now: dt.datetime) -> None:
        key = post_key(post)
        if now > post.at + self._grace:
            # Not sent now; but a send cut short by a crash may have gone out: then it is
            # recorded sent, and a vote keeps its anchor and reactions, so its count holds.
            vote = post.kind is PostKind.VOTE
            event_id, _checked = await went_out(
                self.sender, post.room_id, key, post.at, f"post {key}", log, VOTE_KEYS if vote else ()
            )
            if event_id is not None and vote:
                anchor = vote_anchor(post.discussion_id, post.round)
                await reactions.record_anchor(self.store, event_id, post.room_id, anchor)
            if event_id is None:
                log.warning(
                    "Lean Coffee post %s was due at %s and is past its grace window: skipped", key, post.at.isoformat()
                )
                await repository.mark_post(self.store, post, PostStatus.SKIPPED)
            else:
                await repository.mark_post(self.store, post, PostStatus.SENT, event_id)
            return
        if post.kind is PostKind.VOTE:
            await self._keep_open(post, now)
        reply = await self.reply(post)
        if reply is None:
            await repository.mark_post(self.store, post, PostStatus.SKIPPED)
            return
        event_id = await self.sender.send(reply)
        if event_id is not None:
            await repository.mark_post(self.store, post, PostStatus.SENT, event_id)

    async def _keep_open(self, post: Post, now: dt.datetime) -> None:
        """A vote posted later than it was recorded (its send failed, or a crash came
        between) stays open its whole vote_seconds from now, as it says: people get to
        vote before it is counted."""
        d = await repository.by_id(self.store, post.discussion_id)
        closes = now + dt.timedelta(seconds=self.config.lean_coffee.vote_seconds)
        if d is None or d.round != post.round or d.vote_closes_at is None or d.vote_closes_at >= closes:
            return
        await repository.keep_vote_open(self.store, d, closes)

    async def reply(self, post: Post) -> Reply | None:
        """The post as a Reply in its room's session thread; None when there is nothing to say
        any more (the discussion or its topic gone)."""
        d = await repository.by_id(self.store, post.discussion_id)
        topic = await get_topic(self.store, d.topic_id) if d else None
        if d is None or topic is None:
            return None
        root = await sessions.thread_root(self.store, d.session, post.room_id)
        where = {"room_id": post.room_id, "thread_root": root, "key": post_key(post)}
        conf = self.config
        if post.kind is PostKind.VOTE:
            extensions = conf.lean_coffee.extensions
            extension = extensions[min(d.extended, len(extensions) - 1)]
            closes = d.vote_closes_at or post.at + dt.timedelta(seconds=conf.lean_coffee.vote_seconds)
            minutes = minutes_spent(d.started_at, post.at)
            vote = VoteToGoOn(topic, minutes, extension, closes, conf.lean_coffee.vote_seconds)
            anchor = vote_anchor(d.id, post.round)
            return Reply.of(self.wording.vote(conf, vote), anchor=anchor, reactions=VOTE_KEYS, **where)
        count = post.count or Count()
        if post.kind is PostKind.EXTENDED:
            extensions = conf.lean_coffee.extensions
            granted = extensions[d.extended - 1] if d.extended else extensions[0]
            until = d.ends_at or post.at + granted
            extended = Extended(topic, granted, until, count, len(extensions) - d.extended)
            return Reply.of(self.wording.extended(conf, extended), **where)
        following = await next_topic(self.store, topic.id)
        moved = MovedOn(topic, d.minutes or minutes_spent(d.started_at, post.at), post.count, following)
        return Reply.of(self.wording.moved_on(conf, moved), **where)
