"""The reminders by direct message, run on the announcer's scheduler (a `Rider` of it): at
each person's lead before the sessions they chose, one direct message, recorded before it
is sent and sent with a key derived from (person, session, lead), from which the Matrix
adapter derives the transaction id. A reminder that fell due while the bot was down goes
out late only within the announcements' grace window; a cancelled session's reminder is
its cancellation instead (or besides, when it was cancelled after the reminder went out),
and a lifted cancellation brings word that the session takes place after all."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.core.clock import iso
from bot.core.config import Config
from bot.core.model import DirectChat, Membership, OpenDirectChat, ProfileZones, Reply, Sender, went_out
from bot.core.text import Text
from bot.core.weekly import Slot, format_duration, parse_duration
from bot.features.announcements.messages import Announcement, CancellationNotice, announcement_of, cancellation_of
from bot.features.announcements.sending import side_by_side
from bot.features.announcements.timing import LOOKBACK, Lead, Notice, cancellation_due, deadline
from bot.features.people import repository as people
from bot.features.people.profile_zone import chosen_zone
from bot.features.reminders import repository as reminders
from bot.features.reminders.choices import by_person, holding
from bot.features.reminders.repository import Kind, Sent, Setting, Status
from bot.features.schedule.repository import Cancellations, load_cancellations
from bot.features.schedule.weekly_sessions import Session, session_from_key, sessions_between
from bot.storage.store import Store, StoreStopped

log = logging.getLogger(__name__)

# Reminders due together are sent side by side, this many at a time: one after another,
# the hundredth person would wait for 99 sends. A homeserver persists events sent together
# in fewer, larger writes (a local Synapse took 120 sends in 13.2 s 8 at a time, 9.7 s 32 at
# a time); one that rate-limits the bot answers 429, which its sender waits out (exempt the
# bot: README, Deployment).
SEND_AT_ONCE = 32


@dataclass(frozen=True)
class Reminder:
    """A reminder as data: the announcement of the session, and the person's time zone;
    `restored` when it brings word that a cancellation was lifted (the person was told of
    the cancellation when their reminder was due, so this one stands in for it)."""

    announcement: Announcement
    zone: str
    restored: bool = False
    # The code of the language the person chose with !lang; None: the rooms' language.
    language: str | None = None


@dataclass(frozen=True)
class ReminderCancellation:
    notice: CancellationNotice
    zone: str
    language: str | None = None


@dataclass(frozen=True)
class ReminderWording:
    """How the direct messages read; handed to `Reminders` by the wiring (the words live in
    `commands/`)."""

    reminder: Callable[[Config, Reminder], Text]
    cancellation: Callable[[Config, ReminderCancellation], Text]


@dataclass(frozen=True)
class DueReminder:
    setting: Setting
    session: Session
    kind: Kind
    at: dt.datetime


def due_between(
    config: Config, settings: Sequence[Setting], cancels: Cancellations, start: dt.datetime, end: dt.datetime
) -> list[DueReminder]:
    """The rule of what is due: every message of `settings` falling due in [start, end], in
    time order. Before each session, each person's setting that holds for its slot (its
    own, else the one for every slot) gives the reminder at its lead; a cancelled session's
    is its cancellation instead. The sender sends these; `!remind` names the next of them."""
    if not settings:
        return []
    longest = max(s.lead for s in settings)
    people = by_person(settings)
    items = [
        item
        for session in sessions_between(config, start, end + longest + dt.timedelta(seconds=1))
        for mine in people.values()
        for setting in [holding(mine, session.slot)]
        if setting is not None
        for item in [_due(setting, session, cancels)]
        if item is not None and start <= item.at <= end
    ]
    return sorted(items, key=lambda i: (i.at, i.setting.user_id))


def _due(setting: Setting, session: Session, cancels: Cancellations) -> DueReminder | None:
    cancellation = cancels.of(session)
    if cancellation is None:
        return DueReminder(setting, session, Kind.REMINDER, session.starts_at - setting.lead)
    # Instead of the reminder, the cancellation, when the reminder would have gone.
    at = cancellation_due(session, setting.lead, cancellation)
    return None if at is None else DueReminder(setting, session, Kind.CANCELLED, at)


def deadline_of(config: Config, session: Session, lead: dt.timedelta, kind: Kind) -> dt.datetime:
    """After this one not sent yet is skipped: the announcements' grace window."""
    told = Notice.CANCELLED if kind in (Kind.CANCELLED, Kind.RESTORED) else Lead(lead)
    return deadline(config.conference, session, told)


# How far ahead `next_reminder` looks: first the next two weeks, then as far as a session can
# be cancelled (a year) and a lead reaches.
_AHEAD = (dt.timedelta(days=15), dt.timedelta(days=370))


async def next_reminder(
    store: Store, config: Config, user_id: str, now: dt.datetime, slot: Slot | None = None
) -> DueReminder | None:
    """The next reminder the person will really get (before a session of `slot`, if given),
    by the sender's rule: not one whose time passed beyond the grace window, nor one already
    recorded, nor a cancelled session's (its cancellation goes instead); due before `now`
    (within the grace window) it goes out at once."""
    settings = await reminders.settings_of(store, user_id)
    if not settings:
        return None
    cancels = await load_cancellations(store)
    recorded = {(s.session, s.lead) for s in await reminders.sent_to(store, user_id) if s.kind == Kind.REMINDER}
    for ahead in _AHEAD:
        for item in due_between(config, settings, cancels, now - LOOKBACK, now + ahead):
            lead = item.setting.lead
            if (
                item.kind == Kind.REMINDER
                and slot in (None, item.session.slot)
                and now <= deadline_of(config, item.session, lead, item.kind)
                and (item.session.key, format_duration(lead)) not in recorded
            ):
                return item
    return None


async def open_direct_chat(opener: OpenDirectChat | None, user_id: str) -> DirectChat | None:
    """The person's direct chat, opened now if need be by `opener` (`Services.open_direct_chat`,
    set by the Matrix adapter), so that the first reminder does not wait for a new room; None
    where there are no direct chats (`opener` None: the console) or it could not be opened
    (the reminder tries again when it is due)."""
    if opener is None:
        return None
    try:
        return await opener(user_id)
    except Exception:
        log.exception("opening the direct chat with %s failed; the first reminder will try again", user_id)
        return None


def reminder_key(user_id: str, session: str, lead: str, kind: Kind = Kind.REMINDER, recorded: str = "") -> str:
    """The stable key of a direct message (the transaction id is derived from it). A
    cancellation or its lifting can happen again to the same session, so their keys carry
    when they were recorded: a second one is a new message, not a resend of the first."""
    key = f"remind:{user_id}:{session}:{lead}"
    return key if kind == Kind.REMINDER else f"{key}:{kind}#{recorded}"


class Reminders:
    """The announcer's rider that sends the reminders; `wording` says how they read."""

    def __init__(
        self,
        store: Store,
        config: Config,
        sender: Sender,
        wording: ReminderWording,
        membership: Membership | None = None,
        *,
        profiles: ProfileZones | None = None,
    ):
        self.store = store
        self.config = config
        self.sender = sender
        self.wording = wording
        self.membership: Membership = membership or (lambda _user: None)
        # The zones people publish in their profile, for those who set none with !tz.
        self.profiles = profiles

    async def due_between(self, start: dt.datetime, end: dt.datetime) -> list[DueReminder]:
        """Every reminder falling due in [start, end], in time order."""
        settings = await reminders.all_settings(self.store)
        if not settings:
            return []
        return due_between(self.config, settings, await load_cancellations(self.store), start, end)

    def deadline(self, session: Session, lead: dt.timedelta, kind: Kind) -> dt.datetime:
        return deadline_of(self.config, session, lead, kind)

    # --- the announcer's rider ---------------------------------------------------------

    async def due_times(self, start: dt.datetime, end: dt.datetime) -> list[tuple[str, dt.datetime]]:
        times = sorted({i.at for i in await self.due_between(start, end)})
        return [(f"remind:{iso(at)}", at) for at in times]

    async def run_due(self, now: dt.datetime, since: dt.datetime | None = None) -> None:
        store = self.store
        due = await self.due_between(since or now - LOOKBACK, now)
        rows = []
        for item in due:
            late = now > self.deadline(item.session, item.setting.lead, item.kind)
            gone = self.membership(item.setting.user_id) is False
            status = Status.SKIPPED if late or gone else Status.SENDING
            rows.append((item.setting.user_id, item.session.key, item.setting.lead, item.kind, status))
        # All recorded (one commit) before any is sent.
        added = await reminders.record_all(store, rows, now) if rows else []
        for item, (user, key, lead, _, status), new in zip(due, rows, added, strict=True):
            if not new or status != Status.SKIPPED:
                continue
            if now > self.deadline(item.session, lead, item.kind):
                log.warning(
                    "the %s reminder of %s for session %s was due at %s and is past its grace window "
                    "(was the bot down?): skipped",
                    format_duration(lead),
                    user,
                    key,
                    iso(item.at),
                )
            else:
                log.info("%s is in none of the served rooms: no reminder for session %s", user, key)
        await self._send_pending(now)

    async def _send_pending(self, now: dt.datetime) -> None:
        items = await reminders.pending(self.store)
        if not items:
            return
        gate = asyncio.Semaphore(SEND_AT_ONCE)
        # Everyone due at the same time reads the same session: made once per run; and
        # everyone's time zone and language are read in one query each, not one each.
        made: dict[tuple[str, str, Kind], Announcement | CancellationNotice] = {}
        zones = await people.timezones(self.store)
        languages = await people.languages(self.store)
        marks = _Marks(self.store, now)

        async def one(item: Sent) -> None:
            async with gate:
                await self._send_one(item, now, made, (zones, languages), marks)

        # Side by side as the rooms' announcements are: cut short (at shutdown), all stop at
        # once, and those not marked sent go out with the same key at the next start.
        await side_by_side(one(item) for item in items)

    async def _send_one(
        self,
        item: Sent,
        now: dt.datetime,
        made: dict[tuple[str, str, Kind], Announcement | CancellationNotice],
        people_said: tuple[dict[str, str], dict[str, str]],
        marks: _Marks,
    ) -> None:
        try:
            session = session_from_key(self.config, item.session)
            lead = parse_duration(item.lead)
            late = now > self.deadline(session, lead, item.kind)
            if late or self.membership(item.user_id) is False:
                # Not sent now; but a send cut short by a crash may have gone out.
                what = f"the {item.lead} reminder of {item.user_id} for session {item.session}"
                event_id, checked = await went_out(self.sender, item.user_id, _key(item), item.at, what, log)
                if event_id is None:
                    await marks.mark(item, Status.SKIPPED, None)
                    if not late:
                        log.info("%s left the served rooms: no reminder for session %s", item.user_id, item.session)
                    elif checked:
                        log.warning("%s never went out in time; skipped", what)
                    else:
                        log.warning("%s may have gone out (it could not be checked), too late to send; skipped", what)
                    return
            else:
                reply = await self.message(item, session, lead, now, made, people_said)
                event_id = await self.sender.send(reply)
        except Exception:
            log.exception("sending the reminder of %s for session %s failed; will retry", item.user_id, item.session)
            return
        if event_id is None:
            log.warning("the reminder of %s for session %s was not sent; will retry", item.user_id, item.session)
            return
        await marks.mark(item, Status.SENT, event_id)

    async def message(
        self,
        item: Sent,
        session: Session,
        lead: dt.timedelta,
        now: dt.datetime,
        made: dict[tuple[str, str, Kind], Announcement | CancellationNotice],
        people_said: tuple[dict[str, str], dict[str, str]],
    ) -> Reply:
        """The direct message; `made`, what this run already built for the same session,
        lead and kind; `people_said`, everyone's time zone and language, read once per run."""
        config = self.config
        wording = self.wording
        zones, languages = people_said
        zone = (await chosen_zone(zones.get(item.user_id), self.profiles, item.user_id)).name or "UTC"
        language = languages.get(item.user_id)
        key = _key(item)
        shared = (item.session, item.lead, item.kind)
        if item.kind == Kind.CANCELLED:
            if shared not in made:
                made[shared] = await cancellation_of(self.store, config, session, now)
            notice = made[shared]
            assert isinstance(notice, CancellationNotice)
            text = wording.cancellation(config, ReminderCancellation(notice, zone, language))
        else:
            # A lifted cancellation's message is the session's announcement without a lead.
            restored = item.kind == Kind.RESTORED
            if shared not in made:
                made[shared] = await announcement_of(self.store, session, now, lead=None if restored else lead)
            announcement = made[shared]
            assert isinstance(announcement, Announcement)
            text = wording.reminder(config, Reminder(announcement, zone, restored=restored, language=language))
        return Reply.of(text, direct_to=item.user_id, key=key)


def _key(item: Sent) -> str:
    """The key it is sent with: a cancellation's or lifting's carries when it was recorded."""
    return reminder_key(item.user_id, item.session, item.lead, item.kind, item.at.strftime("%Y%m%dT%H%M%S"))


class _Marks:
    """Marks of reminders sent side by side, written together: each waits until its own is
    committed (as it waited for its own commit before), but marks arriving while a commit
    is under way share the next one, so a burst costs a few commits, not one per reminder.
    A crash before the commit leaves the reminder 'sending', resent with the same key (so
    the same transaction id), as before."""

    def __init__(self, store: Store, at: dt.datetime):
        self.store = store
        self.at = at
        self._waiting: list[tuple[Sent, Status, str | None, asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def mark(self, item: Sent, status: Status, event_id: str | None) -> None:
        written: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((item, status, event_id, written))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write(), name="mark reminders")
        await written

    async def _write(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                await reminders.mark_all(
                    self.store, [(item, status, event_id) for item, status, event_id, _ in batch], self.at
                )
            except (Exception, StoreStopped) as e:
                # Each waiting send is told (a database gone, or the bot stopping while the
                # disk is full, ends the run the send is in).
                for *_, written in batch:
                    if not written.done():
                        written.set_exception(e)
            except BaseException:
                for *_, written in batch:
                    written.cancel()
                raise
            else:
                for *_, written in batch:
                    if not written.done():
                        written.set_result(None)
