"""Which reminders are due at a given moment. Pure functions: no clock, no database.

A reminder for lead time L of a deadline on day D is due from D - L days at the chat's send hour
(09:00 Asia/Taipei) until the next, shorter lead time's moment, or, for the shortest, until the
deadline day is over. So a bot that was down catches up on the one reminder that is current, not
on a pile of stale ones, and nothing is sent for a deadline that has passed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from .calendar import TAIPEI, Deadline
from .store import Subscription

ReminderKey = tuple[str, str, str, int]  # channel, chat_id, Deadline.key, lead_days


@dataclass(frozen=True)
class Reminder:
    subscription: Subscription
    deadline: Deadline
    lead_days: int
    at: datetime  # first moment it is due
    until: datetime  # it is no longer due from this moment

    @property
    def key(self) -> ReminderKey:
        return (self.subscription.channel, self.subscription.chat_id, self.deadline.key, self.lead_days)

    def is_due(self, now: datetime) -> bool:
        return self.at <= now < self.until


def deadline_end(deadline: Deadline) -> datetime:
    """A deadline date means "by the end of that day" in Asia/Taipei."""
    assert deadline.date is not None
    return datetime.combine(deadline.date + timedelta(days=1), time(0), TAIPEI)


def reminders_for(sub: Subscription, deadline: Deadline) -> list[Reminder]:
    """The chat's reminders for one deadline, longest lead first, with their due windows."""
    if deadline.date is None or not sub.wants(deadline.kinds):
        return []
    leads = sorted(set(sub.lead_days), reverse=True)
    starts = [datetime.combine(deadline.date - timedelta(days=n), time(sub.send_hour), TAIPEI) for n in leads]
    ends = [*starts[1:], deadline_end(deadline)]
    return [
        Reminder(sub, deadline, n, at, until) for n, at, until in zip(leads, starts, ends, strict=False) if at < until
    ]


def _all(subs: Iterable[Subscription], deadlines: Iterable[Deadline]) -> Iterator[Reminder]:
    deadlines = list(deadlines)
    for sub in subs:
        for deadline in deadlines:
            yield from reminders_for(sub, deadline)


def due(
    subs: Iterable[Subscription],
    deadlines: Iterable[Deadline],
    now: datetime,
    settled: AbstractSet[ReminderKey] = frozenset(),
) -> list[Reminder]:
    """Reminders due at `now` that are not settled (already sent or being sent)."""
    return [r for r in _all(subs, deadlines) if r.is_due(now) and r.key not in settled]


def next_reminder(
    sub: Subscription,
    deadlines: Iterable[Deadline],
    now: datetime,
    settled: AbstractSet[ReminderKey] = frozenset(),
) -> Reminder | None:
    """The chat's next reminder: one due now, or else the earliest one still to come."""
    pending = [r for r in _all([sub], deadlines) if r.until > now and r.key not in settled]
    return min(pending, key=lambda r: (max(r.at, now), r.deadline.date, r.deadline.id), default=None)


def next_due(
    sub: Subscription,
    deadlines: Iterable[Deadline],
    now: datetime,
    settled: AbstractSet[ReminderKey] = frozenset(),
) -> datetime | None:
    """When the chat next has a reminder due (a past moment: one is due now); None if none is ahead.

    The scheduler stores it per subscription, so a tick only looks at the chats it has come for."""
    return min((r.at for r in _all([sub], deadlines) if r.until > now and r.key not in settled), default=None)


def when(reminder: Reminder, now: datetime) -> datetime:
    """When a pending reminder goes out: its time, or now if it is already due."""
    return max(reminder.at, now)
