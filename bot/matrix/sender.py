"""Sending: Replies as Matrix events (m.notice, escaped HTML, mentions, relations, uploads,
direct messages, the bot's own reactions on them), with transaction ids that make a resend
harmless, and retries on transient failures; every ErrorResponse is checked."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import hashlib
import html
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nio import (
    AsyncClient,
    RoomCreateResponse,
    RoomMessagesResponse,
    RoomSendResponse,
    UploadResponse,
)
from nio.api import RoomPreset
from nio.exceptions import LocalProtocolError

from bot.core.clock import UTC, Clock, SystemClock, iso
from bot.core.i18n import N_, Translator, english
from bot.core.model import DirectChat, IncomingMessage, Reply
from bot.core.reactions import record_anchor
from bot.matrix.responses import describe, transient
from bot.storage.meta import dm_key
from bot.storage.store import Store

if TYPE_CHECKING:
    from bot.matrix.rooms import DirectRooms

log = logging.getLogger(__name__)

SEND_RETRY_WAITS = (1.0, 2.0, 4.0, 8.0, 16.0, 30.0)
# sent_event reads back at most this many pages of 100 of the bot's own messages, to
# this long before the send was recorded.
SENT_LOOKUP_PAGES = 5
SENT_LOOKUP_SLACK_MS = 60_000
# Synapse's answer to a second identical reaction by the same sender on the same event.
DUPLICATE_ANNOTATION = "M_DUPLICATE_ANNOTATION"

# The language a person is answered in (Services.language: theirs, or the rooms').
PersonLanguage = Callable[[str], Awaitable[Translator]]


async def _in_english(user_id: str) -> Translator:
    return english()


def txn_id(key: str) -> str:
    """A transaction id stable for the same logical message, so that a resend after a
    crash or a network failure is recognised by the homeserver and not shown twice."""
    return "ccc-" + hashlib.sha256(key.encode()).hexdigest()[:32]


# --- sending -------------------------------------------------------------------------


class MatrixSender:
    """Turns Replies into Matrix events: m.notice, escaped HTML, explicit m.mentions,
    reply/thread relations, uploads, direct messages."""

    def __init__(
        self,
        client: AsyncClient,
        store: Store,
        direct: DirectRooms | None = None,
        clock: Clock | None = None,
        language: PersonLanguage = _in_english,
    ):
        self.client = client
        self.store = store
        # The bot's direct-message rooms (bot/matrix/rooms.py); without them (a test that
        # sends to rooms only) no direct message can be sent.
        self.direct = direct
        self.clock = clock or SystemClock()
        # What the sender itself says to a person (a direct message it could not send) is
        # in their language.
        self.language = language
        # When the bot last opened a direct-message room with each person. Kept in memory
        # only: it limits, and stores nothing that `!forgetme` would have to erase.
        self._dm_opened: dict[str, dt.datetime] = {}
        # One direct room found or opened at a time: a second command (or reminder) for
        # the same person waits for the room the first one opens, and takes it.
        self._finding = asyncio.Lock()

    async def send_all(self, replies: list[Reply], in_reply_to: IncomingMessage | None = None) -> None:
        """The answers to one command, in order. When a direct message cannot be sent, the
        answers after it (which tell of it) give way to one saying why; when the person
        has yet to accept the bot's invitation, the answer says so."""
        direct: DirectRoom | None = None
        person = ""
        for index, reply in enumerate(replies):
            if reply.direct_to:
                person = reply.direct_to
                direct = await self.direct_room(person)
                if direct.room_id is None:
                    if in_reply_to is not None:
                        refusal = await self._refusal(person, direct.not_before)
                        await self.send(Reply(text=refusal), in_reply_to, index=index)
                    return
                reply = dataclasses.replace(reply, direct_to=None, room_id=direct.room_id)
            elif direct is not None and direct.invited and reply.room_id is None:
                lang = await self.language(person)
                reply = _add_line(reply, lang.gettext("To read it, accept my invitation to the direct message room."))
            await self.send(reply, in_reply_to, index=index)

    async def _refusal(self, user_id: str, not_before: dt.datetime | None) -> str:
        """Why no direct message could be sent to `user_id`, in their language: no new
        room before `not_before`, or (None) the homeserver's failure."""
        lang = await self.language(user_id)
        if not_before is None:
            return lang.gettext(DM_FAILED)
        return _too_soon(not_before, self.clock.now(), lang)

    async def send(self, reply: Reply, in_reply_to: IncomingMessage | None = None, index: int = 0) -> str | None:
        room_id = await self._room_for(reply, in_reply_to)
        if room_id is None:
            return None
        key = reply.key or (f"reply:{in_reply_to.event_id}:{index}" if in_reply_to else None)
        content: dict[str, Any] = {
            "msgtype": "m.notice",
            "body": reply.text,
            "format": "org.matrix.custom.html",
            "formatted_body": reply.html if reply.html is not None else html.escape(reply.text).replace("\n", "<br>"),
            # Always present, so clients never fall back to scanning the body for @room
            # or names: only the users the bot means to ping are pinged.
            "m.mentions": {"user_ids": list(reply.mentions)} if reply.mentions else {},
        }
        relation = self._relation(reply, in_reply_to, room_id)
        if relation:
            content["m.relates_to"] = relation
        event_id = await self._send_event(room_id, content, key)
        if event_id and reply.anchor:
            await record_anchor(self.store, event_id, room_id, reply.anchor)
        if event_id and reply.reactions:
            await self._react(room_id, event_id, reply.reactions, key)
        if event_id and reply.file:
            await self._send_file(room_id, reply, relation, f"{key}:file" if key else None)
        return event_id

    def _relation(self, reply: Reply, cmd: IncomingMessage | None, room_id: str) -> dict[str, Any] | None:
        here = cmd is not None and cmd.room_id == room_id
        if reply.thread_root and not (here and cmd is not None and cmd.thread_root == reply.thread_root):
            return {
                "rel_type": "m.thread",
                "event_id": reply.thread_root,
                "is_falling_back": True,
                "m.in_reply_to": {"event_id": reply.thread_root},
            }
        # An answer where the command was typed (its thread, named or not) replies to it.
        if cmd is None or not here:
            return None
        if cmd.thread_root:
            return {
                "rel_type": "m.thread",
                "event_id": cmd.thread_root,
                "is_falling_back": False,
                "m.in_reply_to": {"event_id": cmd.event_id},
            }
        return {"m.in_reply_to": {"event_id": cmd.event_id}}

    async def _react(self, room_id: str, event_id: str, reactions: tuple[str, ...], key: str | None) -> None:
        """The bot's own reactions on its message, one m.reaction each. Handed to nio as
        m.reaction even in an encrypted room, where nio sends it in the clear: as Element
        and Element X send reactions, so every client shows them and counts a click on
        one. With the message's key, each one's transaction id comes from that key and its
        emoji: a resend never adds it twice. One that fails is logged; the message stands."""
        for emoji in reactions:
            content = {"m.relates_to": {"rel_type": "m.annotation", "event_id": event_id, "key": emoji}}
            try:
                await self._send_event(
                    room_id, content, f"{key}:reaction:{emoji}" if key else None, "m.reaction", f"the {emoji} reaction"
                )
            except Exception:  # a reaction is a convenience: never the message's failure
                log.exception("the %s reaction on %s in %s failed", emoji, event_id, room_id)

    async def _send_event(
        self,
        room_id: str,
        content: dict[str, Any],
        key: str | None,
        kind: str = "m.room.message",
        what: str = "a message",
    ) -> str | None:
        # One transaction id for every attempt: a retry after an answer that was lost on
        # the way (a proxy's 502, a dropped connection) is recognised, not shown twice.
        tx_id = txn_id(key) if key else f"ccc-{uuid.uuid4().hex}"
        for attempt, wait in enumerate((*SEND_RETRY_WAITS, None), start=1):
            try:
                resp = await self.client.room_send(room_id, kind, content, tx_id=tx_id, ignore_unverified_devices=True)
            except LocalProtocolError as e:  # e.g. a room not synced yet
                log.error("cannot send to %s: %s", room_id, e)
                return None
            except (OSError, TimeoutError) as e:  # beyond nio's own retries
                resp = e
            if isinstance(resp, RoomSendResponse):
                event_id: str = resp.event_id
                return event_id
            if getattr(resp, "status_code", None) == DUPLICATE_ANNOTATION:
                # The bot's reaction is there already, sent before the homeserver forgot
                # its transaction id: what was wanted.
                log.info("%s in %s was there already", what, room_id)
                return None
            if wait is None or not transient(resp):
                log.error("sending %s to %s failed after %d attempt(s): %s", what, room_id, attempt, describe(resp))
                return None
            # Not sooner than a rate limit asks (when nio gave up waiting it out itself).
            wait = max(wait, (getattr(resp, "retry_after_ms", None) or 0) / 1000)
            log.warning("sending %s to %s failed (%s); retrying in %g s", what, room_id, describe(resp), wait)
            await asyncio.sleep(wait)
        return None

    async def sent_event(
        self, room_id: str, key: str, since: dt.datetime, reactions: tuple[str, ...] = ()
    ) -> str | None:
        """The event a send of `key` put in `room_id` at or after `since` (a send cut short
        by a crash: the homeserver took it, the bot died before recording it); None if
        there is none. Found, it gets the `reactions` its send adds (the crash may have come
        before them), with the same transaction ids. The homeserver shows the sender the
        transaction id of its own events, so the bot's messages of the room are read back,
        newest first, to `since`. A person's user id (a direct message) stands for their
        recorded direct room: none recorded, none was sent (the room is recorded before a
        send to it), and none is opened to look. LookupError when the room's history could
        not be read."""
        if room_id.startswith("@"):
            direct = await self.store.get_meta(dm_key(room_id))
            if direct is None:
                return None
            room_id = direct
        event_id = await self._find_sent(room_id, key, since)
        if event_id is not None and reactions:
            await self._react(room_id, event_id, reactions, key)
        return event_id

    async def _find_sent(self, room_id: str, key: str, since: dt.datetime) -> str | None:
        wanted = txn_id(key)
        # A little before `since`: the homeserver's clock and the bot's may differ slightly.
        oldest = int(since.timestamp() * 1000) - SENT_LOOKUP_SLACK_MS
        start: str | None = None
        for _ in range(SENT_LOOKUP_PAGES):
            try:
                resp = await self.client.room_messages(
                    room_id, start=start, limit=100, message_filter={"senders": [self.client.user_id]}
                )
            except (OSError, TimeoutError) as e:
                raise LookupError(str(e) or type(e).__name__) from e
            if not isinstance(resp, RoomMessagesResponse):
                raise LookupError(describe(resp))
            for event in resp.chunk:
                source = getattr(event, "source", None) or {}
                if (source.get("unsigned") or {}).get("transaction_id") == wanted:
                    found: str = source.get("event_id") or event.event_id
                    return found
                if source.get("origin_server_ts", oldest) < oldest:
                    return None
            if not resp.chunk or not resp.end or resp.end == start:
                return None
            start = resp.end
        raise LookupError(f"not found in the last {SENT_LOOKUP_PAGES * 100} messages")

    async def _send_file(
        self, room_id: str, reply: Reply, relation: dict[str, Any] | None, key: str | None
    ) -> str | None:
        attachment = reply.file
        assert attachment is not None
        room = self.client.rooms.get(room_id)
        encrypted = bool(room and room.encrypted)
        resp, keys = await self.client.upload(
            lambda *_: attachment.data,
            content_type=attachment.mimetype,
            filename=attachment.filename,
            encrypt=encrypted,
            filesize=len(attachment.data),
        )
        if not isinstance(resp, UploadResponse):
            log.error("uploading %s failed: %s", attachment.filename, describe(resp))
            return None
        content: dict[str, Any] = {
            "msgtype": "m.image" if attachment.is_image else "m.file",
            "body": attachment.filename,
            "filename": attachment.filename,
            "info": {"mimetype": attachment.mimetype, "size": len(attachment.data)},
            "m.mentions": {},
        }
        if encrypted and keys:
            content["file"] = {**keys, "url": resp.content_uri}
        else:
            content["url"] = resp.content_uri
        if relation:
            content["m.relates_to"] = relation
        return await self._send_event(room_id, content, key)

    async def _room_for(self, reply: Reply, cmd: IncomingMessage | None) -> str | None:
        if reply.direct_to:
            return (await self.direct_room(reply.direct_to)).room_id
        room_id = reply.room_id or (cmd.room_id if cmd else None)
        if room_id is None:
            # Not its text: a reply may quote a topic or a note, which the log must not keep.
            log.error("a reply with no room to go to was dropped (%d characters)", len(reply.text))
        return room_id

    async def open_direct(self, user_id: str) -> DirectChat:
        """`!remind`: the person's direct room found or opened now, rather than when their
        first reminder is due (`Services.open_direct_chat`, set by the adapter)."""
        room = await self.direct_room(user_id)
        if room.room_id is None:
            return DirectChat(ready=False, not_before=room.not_before)
        return DirectChat(ready=True, opened=room.opened, invited=room.invited)

    async def direct_room(self, user_id: str) -> DirectRoom:
        """The bot's direct-message room with a user: the one it opened for them, if it is
        still theirs and the bot's alone (DirectRooms.private; one that is not is left and
        forgotten), else a new one, at most once per DM_ROOM_INTERVAL per person."""
        if self.direct is None:
            return DirectRoom(None)
        async with self._finding:
            return await self._direct_room(self.direct, user_id)

    async def _direct_room(self, direct: DirectRooms, user_id: str) -> DirectRoom:
        known = direct.room_of(user_id)
        if known is not None:
            private = direct.private(known)
            if private is None:
                # Its members, joined and invited, not all known yet (the sync lazy-loads them).
                await direct.load_members()
                private = direct.private(known)
            if private:
                return DirectRoom(known, invited=user_id in self.client.rooms[known].invited_users)
            if private is None:  # still not known: the homeserver did not answer
                return DirectRoom(None)
            await direct.forget(known, "it is no longer the bot's and its person's alone")
        now = self.clock.now()
        last = self._dm_opened.get(user_id)
        if last is not None and now - last < DM_ROOM_INTERVAL:
            log.info("not opening another direct message room with %s before %s", user_id, iso(last + DM_ROOM_INTERVAL))
            return DirectRoom(None, not_before=last + DM_ROOM_INTERVAL)
        self._dm_opened = {u: t for u, t in self._dm_opened.items() if now - t < DM_ROOM_INTERVAL}
        self._dm_opened[user_id] = now
        resp = await self.client.room_create(
            invite=[user_id],
            is_direct=True,
            # Not trusted_private_chat: in room version 12 that makes the invitee a creator,
            # with power the bot could never take back (to open the room, let others in).
            preset=RoomPreset.private_chat,
            power_level_override=DM_POWER_LEVELS,
            initial_state=[ENCRYPTION_STATE] if self.client.olm else [],
        )
        if not isinstance(resp, RoomCreateResponse):
            log.error("could not open a direct message with %s: %s", user_id, describe(resp))
            return DirectRoom(None)
        await direct.record(user_id, resp.room_id)
        # Sending needs the room in the client's state, with the invitee in it: in an
        # encrypted room the key is shared with the members nio knows when it first sends,
        # and one sent before the invite was synced could never be read by them.
        for _ in range(100):
            room = self.client.rooms.get(resp.room_id)
            if room is not None and user_id in room.users:
                break
            await asyncio.sleep(0.1)
        else:
            log.warning("the direct message room with %s did not sync in time; sending anyway", user_id)
        return DirectRoom(resp.room_id, invited=True, opened=True)


@dataclass(frozen=True)
class DirectRoom:
    """Where a direct message goes (`room_id`), or None: it cannot (no new room before
    `not_before`, or the homeserver failed)."""

    room_id: str | None
    invited: bool = False  # the person has not accepted the invitation yet
    opened: bool = False  # a new room, just now
    not_before: dt.datetime | None = None  # refused: no new room before then


# At most one new direct-message room per person in this long, however often asked.
DM_ROOM_INTERVAL = dt.timedelta(hours=1)
DM_FAILED = N_(
    "I could not open a direct message room with you, so nothing was sent. "
    "Please try again later; if it keeps failing, tell the bot's operator."
)


def _too_soon(when: dt.datetime, now: dt.datetime, lang: Translator) -> str:
    minutes = max(1, -(-int((when - now).total_seconds()) // 60))
    # Translators: {time} is when to try again: '09:05'; {n} the minutes until then.
    return lang.ngettext(
        "I opened a direct message room with you less than an hour ago and you are no longer in it, "
        "so nothing was sent: I open at most one an hour. Please try again after {time} UTC (in {n} minute).",
        "I opened a direct message room with you less than an hour ago and you are no longer in it, "
        "so nothing was sent: I open at most one an hour. Please try again after {time} UTC (in {n} minutes).",
        minutes,
        time=f"{when.astimezone(UTC):%H:%M}",
    )


def _add_line(reply: Reply, line: str) -> Reply:
    html_body = reply.html if reply.html is not None else html.escape(reply.text).replace("\n", "<br>")
    return dataclasses.replace(reply, text=f"{reply.text}\n{line}", html=f"{html_body}<br>{html.escape(line)}")


ENCRYPTION_STATE = {"type": "m.room.encryption", "state_key": "", "content": {"algorithm": "m.megolm.v1.aes-sha2"}}
# A direct room's power levels, over the private_chat preset's (which lets anyone invite):
# its person may talk, react and redact their own messages; only the bot (its creator, the
# only one) may invite, remove, redact others' or change the room's state.
DM_POWER_LEVELS = {
    "users_default": 0,
    "events_default": 0,
    "state_default": 100,
    "invite": 100,
    "kick": 100,
    "ban": 100,
    "redact": 100,
}
