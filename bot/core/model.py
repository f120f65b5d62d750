"""Plain data passed between the Matrix adapter, the dispatcher and the commands."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from enum import IntEnum
from typing import Any, Protocol, runtime_checkable

from bot.core.text import Text


class LoginFailed(Exception):
    """Credentials were refused or missing."""


class Role(IntEnum):
    """Each command has one role; a higher role may use everything below it."""

    PARTICIPANT = 1
    HOST = 2
    ORGANISER = 3

    @property
    def label(self) -> str:
        return {1: "participants", 2: "hosts", 3: "organisers"}[self.value]


@dataclass(frozen=True)
class IncomingMessage:
    sender: str
    room_id: str
    event_id: str
    body: str
    ts: dt.datetime
    thread_root: str | None = None
    sender_name: str | None = None
    # Sent in the bot's direct-message room with this person (the adapter knows which
    # rooms are); None in a conference room, and in the console.
    direct_for: str | None = None
    # The adapter saw the bot mentioned in it (m.mentions, or its display name in that
    # room); its Matrix ID and localpart the dispatcher finds in the text itself.
    addressed: bool = False


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    mimetype: str

    @property
    def is_image(self) -> bool:
        return self.mimetype.startswith("image/")


@dataclass(frozen=True)
class Anchor:
    """Marks a sent message as standing for something (a topic, a session's start), so
    reactions to it can be understood: ('topic', '12'), ('session', '2026-11-26 08:00')."""

    kind: str
    ref: str


@dataclass(frozen=True)
class Reply:
    text: str
    html: str | None = None
    # Users the bot means to ping; nothing else is ever put in m.mentions.
    mentions: tuple[str, ...] = ()
    file: Attachment | None = None
    anchor: Anchor | None = None
    # Where it goes: by default, in answer to the command, where the command was asked.
    room_id: str | None = None
    thread_root: str | None = None
    direct_to: str | None = None
    # A stable key for messages the bot sends on its own (announcements): the adapter
    # derives the transaction id from it, so a resend after a crash is not shown twice.
    key: str | None = None
    # Emoji the bot adds to the message as its own reactions once it is sent, so a click on
    # one answers (the vote to go on: 👍 👎). Any Reply may carry them; with a stable key
    # (its own, or the one of the command it answers) each reaction's transaction id comes
    # from that key and the emoji, so a resend never adds one twice.
    reactions: tuple[str, ...] = ()

    @classmethod
    def of(cls, text: Text, **kwargs: Any) -> Reply:
        return cls(text=text.plain, html=text.html, **kwargs)


@dataclass(frozen=True)
class IncomingReaction:
    """An annotation (`m.reaction`) on an event, or the redaction of one (`added=False`,
    `event_id` is then the reaction's own id that was redacted)."""

    sender: str
    room_id: str
    event_id: str
    target: str
    key: str
    ts: dt.datetime
    added: bool = True
    sender_name: str | None = None
    direct_for: str | None = None  # as in IncomingMessage


class Sender(Protocol):
    """Where replies go: the Matrix adapter, the console, or a test double.
    Returns the event id of the message sent (None if it could not be sent)."""

    async def send(self, reply: Reply, in_reply_to: IncomingMessage | None = None) -> str | None: ...


@dataclass(frozen=True)
class DirectChat:
    """The bot's direct chat with a person, as found or opened when they opt in to reminders."""

    ready: bool  # there is one, joined or invited
    opened: bool = False  # a new one, opened just now
    invited: bool = False  # the person has yet to accept the invitation
    not_before: dt.datetime | None = None  # none opened: they left one less than an hour old


# Finds or opens the bot's direct chat with a person, where the adapter has direct chats.
OpenDirectChat = Callable[[str], Awaitable[DirectChat]]
# Asked whether a user is still in (or invited to) one of the served rooms: True, False, or
# None when unknown (console mode, tests); unknown counts as present.
Membership = Callable[[str], "bool | None"]


@runtime_checkable
class SentLookup(Protocol):
    """A Sender that can tell whether a send cut short (the bot killed after the homeserver
    took the message, before it was recorded) went out: the Matrix adapter finds its own
    messages by transaction id."""

    async def sent_event(
        self, room_id: str, key: str, since: dt.datetime, reactions: tuple[str, ...] = ()
    ) -> str | None:
        """The event a send of `key` put in `room_id` at or after `since`; None if there is
        none. `room_id` may be a person's user id (as in `Reply.direct_to`): the bot's
        direct-message room with them. The `reactions` the message was sent with
        (`Reply.reactions`) are added to the event found, as a send of it would have (a
        crash may have come between the message and them). LookupError when that could
        not be found out."""
        ...


async def went_out(
    sender: Sender,
    room_id: str,
    key: str,
    since: dt.datetime | None,
    what: str,
    log: logging.Logger,
    reactions: tuple[str, ...] = (),
) -> tuple[str | None, bool]:
    """Whether a send of `key` to `room_id` (a room, or a person for a direct message), left
    pending by a crash since `since` (when it was recorded; None: no record, so no send),
    went out after all: (its event id if the homeserver shows it, whether that was found
    out). Asked of the sender when it is a `SentLookup`, which adds the message's
    `reactions` to it if it went out; `what` names the message in the lines logged to
    `log`, the caller's."""
    if not isinstance(sender, SentLookup):
        return None, False
    if since is None:
        return None, True
    try:
        event_id = await sender.sent_event(room_id, key, since, reactions)
    except LookupError as e:
        log.warning("could not find out whether %s went out: %s", what, e)
        return None, False
    if event_id is not None:
        log.info("%s had gone out before the restart (%s); recorded as sent", what, event_id)
    return event_id, True


@dataclass(frozen=True)
class AgendaPosted:
    """What `!agenda` did: a fresh agenda posted (or not), and pinned (or why not)."""

    event_id: str | None
    pinned: bool = False
    pin_refused: bool = False  # the bot's power level does not allow pinning here
    pin_off: bool = False  # agenda.pin = false


class AgendaControl(Protocol):
    """The pinned agenda of each room, kept by bot/features/agenda when an adapter that can
    post and edit messages runs it: told after every command and reaction handled, and
    asked by `!agenda` for a fresh one (None: not a room with an agenda)."""

    def changed(self) -> None: ...

    async def repost(self, room_id: str) -> AgendaPosted | None: ...


class Relay:
    """A call whose receiver is bound later: `Services.schedule_changed`, which a command
    calls when it changed what is due, is bound by the announcer's jobs once they are
    started (bot/features/announcements/jobs.py). Unbound, a call does nothing."""

    def __init__(self) -> None:
        self._to: Callable[[], None] | None = None

    def bind(self, to: Callable[[], None]) -> None:
        self._to = to

    def __call__(self) -> None:
        if self._to is not None:
            self._to()


# The attendance chart's data: label -> [(YYYY-MM-DD, people)], one series per slot; None
# for a session not held.
ChartSeries = dict[str, list[tuple[str, int | None]]]


@dataclass(frozen=True)
class ChartWords:
    """The chart's words in the reader's language, written by the bot (commands/stats.py)
    and sent with the figures to the chart process (bot/features/sessions/chart.py), which
    knows no language. Left out, a line's label is its series' name and a day's label
    English ('26 Nov')."""

    checked_in: str = "checked in"  # the vertical axis
    labels: dict[str, str] = field(default_factory=dict)  # the legend: a series' name -> its label
    days: dict[str, str] = field(default_factory=dict)  # under the axis: an ISO day -> its label

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ChartWords:
        return cls(
            str(data["checked_in"]),
            {str(k): str(v) for k, v in data["labels"].items()},
            {str(k): str(v) for k, v in data["days"].items()},
        )


class ChartRunner(Protocol):
    """Draws the attendance chart of `!stats` and the web page (bot/features/sessions/chart.py's
    `Charts`): one for the bot's lifetime, built by the wiring, started with the bot (a chart
    process made ready) and closed with it. `render` gives the PNG, None if it could not be
    drawn."""

    async def start(self) -> None: ...

    async def render(self, series: ChartSeries, title: str, words: ChartWords | None = None) -> bytes | None: ...

    async def close(self) -> None: ...


# Asked for the time zone a person publishes in their Matrix profile (`m.tz`), as written
# there; None when they publish none. Raises when the homeserver could not be asked.
ReadProfileZone = Callable[[str], Awaitable["str | None"]]


class ProfileZones(Protocol):
    """The zone each person publishes in their Matrix profile, a place or None, kept in
    memory and read again at most hourly (bot/features/people/profile_zone.py): one for the
    bot's lifetime, built by the wiring. `read` asks the homeserver: bound by the Matrix
    adapter, None where there are no profiles (the console)."""

    read: ReadProfileZone | None

    async def zone_of(self, user_id: str) -> str | None: ...

    async def forget(self, user_id: str) -> None: ...


_SKIN_TONES_AND_SELECTORS = dict.fromkeys([0xFE0E, 0xFE0F, *range(0x1F3FB, 0x1F400)])


def normalise_reaction(key: str) -> str:
    """👍🏽 and 👍️ count as 👍: skin tones and variation selectors are dropped."""
    return key.translate(_SKIN_TONES_AND_SELECTORS).strip()
