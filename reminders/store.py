"""Reminder subscriptions, the reminders' sent-log and the push leases, in the shared database
(reminders/database.py holds the connection and the migrations; chats' language choices live in
the chat state, handlers/memory.py).

Every method blocks (SQLite, up to the busy timeout): asyncio code calls them in a worker thread.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .calendar import TAIPEI
from .database import DEFAULT_BUSY_TIMEOUT_MS, Database, StoreError

__all__ = [
    "DEFAULT_LEAD_DAYS",
    "FAILED",
    "RETRY_KEY_WINDOW",
    "SENDING",
    "SENT",
    "UNSURE",
    "Claim",
    "Lease",
    "LeaseState",
    "StoreError",
    "Subscription",
    "SubscriptionStore",
]

DEFAULT_LEAD_DAYS: tuple[int, ...] = (30, 14, 7, 1)
DEFAULT_SEND_HOUR = 9  # Asia/Taipei

SENDING, SENT, FAILED, UNSURE = "sending", "sent", "failed", "unsure"
# LINE honours a retry key for 24 hours after the first request; an hour less leaves a margin for
# clocks and for a request that took long to arrive.
RETRY_KEY_WINDOW = 23 * 3600.0


@dataclass(frozen=True)
class Claim:
    """A claimed push: the retry key every attempt of this reminder carries (None: the channel has
    none), and which attempt this is."""

    retry_key: str | None
    attempt: int


@dataclass(frozen=True)
class Lease:
    """The right to push one channel's reminders, held by one process of those sharing the file."""

    channel: str
    holder: str
    generation: int


@dataclass(frozen=True)
class LeaseState:
    lease: Lease
    taken: bool  # newly taken (start, or taken over), not just renewed
    previous: str | None  # the holder it was taken from, if another
    interrupted: int  # rows the previous holder left 'sending', now 'unsure'


@dataclass(frozen=True)
class Subscription:
    channel: str
    chat_id: str
    kinds: frozenset[str] | None  # None = all deadlines
    lang: str
    lead_days: tuple[int, ...]  # sorted, largest first
    send_hour: int = DEFAULT_SEND_HOUR

    def wants(self, deadline_kinds: Iterable[str]) -> bool:
        return self.kinds is None or not self.kinds.isdisjoint(deadline_kinds)


class SubscriptionStore:
    """Subscriptions and sent-log over a `Database` (or a file path, opened here)."""

    def __init__(self, db: Database | str | Path, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS):
        self.db = db if isinstance(db, Database) else Database(db, busy_timeout_ms)
        self.path = self.db.path

    def close(self) -> None:
        self.db.close()

    def schema_version(self) -> int:
        return self.db.schema_version()

    # -- subscriptions -------------------------------------------------------------------------

    def subscribe(
        self,
        channel: str,
        chat_id: str,
        *,
        lang: str,
        kinds: Iterable[str] | None = None,
        lead_days: Iterable[int] = DEFAULT_LEAD_DAYS,
    ) -> Subscription:
        """Create or replace the chat's subscription (kinds None = all deadlines)."""
        kinds_json = None if kinds is None else json.dumps(sorted(set(kinds)))
        leads = sorted(set(lead_days), reverse=True)
        with self.db.transaction() as c:
            c.execute(
                """INSERT INTO subscriptions (channel, chat_id, kinds, lang, lead_days, created_at)
                   VALUES (?, ?, ?, ?, ?, ?)
                   ON CONFLICT (channel, chat_id) DO UPDATE
                   SET kinds = excluded.kinds, lang = excluded.lang, lead_days = excluded.lead_days,
                       next_due_at = NULL""",
                (channel, chat_id, kinds_json, lang, json.dumps(leads), _now()),
            )
        sub = self.get(channel, chat_id)
        assert sub is not None
        return sub

    def set_lead_days(self, channel: str, chat_id: str, lead_days: Iterable[int]) -> bool:
        """Change when a chat is reminded; False if it is not subscribed."""
        leads = json.dumps(sorted(set(lead_days), reverse=True))
        with self.db.transaction() as c:
            cur = c.execute(
                "UPDATE subscriptions SET lead_days = ?, next_due_at = NULL WHERE channel = ? AND chat_id = ?",
                (leads, channel, chat_id),
            )
            return cur.rowcount > 0

    def unsubscribe(self, channel: str, chat_id: str) -> bool:
        """Remove the subscription; the sent-log stays, so re-subscribing repeats nothing."""
        with self.db.transaction() as c:
            cur = c.execute("DELETE FROM subscriptions WHERE channel = ? AND chat_id = ?", (channel, chat_id))
            return cur.rowcount > 0

    def get(self, channel: str, chat_id: str) -> Subscription | None:
        rows = self.db.query(
            lambda c: c.execute(
                f"SELECT {_COLUMNS} FROM subscriptions WHERE channel = ? AND chat_id = ?", (channel, chat_id)
            ).fetchall()
        )
        return _subscription(rows[0]) if rows else None

    def subscriptions(self, channels: Iterable[str] | None = None) -> list[Subscription]:
        """All subscriptions, or those of the given channels."""
        rows = self.db.query(
            lambda c: c.execute(f"SELECT {_COLUMNS} FROM subscriptions ORDER BY channel, chat_id").fetchall()
        )
        subs = [_subscription(r) for r in rows]
        if channels is None:
            return subs
        wanted = set(channels)
        return [s for s in subs if s.channel in wanted]

    # -- sent-log ------------------------------------------------------------------------------
    #
    # One row per (channel, chat, deadline, lead time). A push is claimed ('sending') just before
    # its one HTTP request leaves and recorded right after: 'sent'; 'failed' when it was certainly
    # not delivered; 'unsure' when it may have been. A row may be claimed again (retried) only when
    # that cannot deliver a second copy: it failed and no attempt may have been delivered, or every
    # attempt carries a retry key the platform still honours (LINE: 24 hours from the first).

    def claim(
        self,
        channel: str,
        chat_id: str,
        deadline_key: str,
        lead_days: int,
        *,
        keyed: bool = False,
        lease: Lease | None = None,
    ) -> Claim | None:
        """Record the intent to send, just before the push leaves; None if it must not be pushed.

        `keyed`: the channel takes a retry key, so the row gets one (kept for every retry).
        `lease`: the caller's push lease; the claim fails once another process holds the channel.
        """
        now = time.time()
        with self.db.transaction() as c:
            if lease is not None and not _holds(c, lease, now):
                return None
            row = c.execute(
                f"SELECT status, retry_key, {_RETRYABLE} FROM sent_log"
                " WHERE channel = ? AND chat_id = ? AND deadline_id = ? AND lead_days = ?",
                (now - RETRY_KEY_WINDOW, channel, chat_id, deadline_key, lead_days),
            ).fetchone()
            generation = lease.generation if lease else None
            if row is None:
                key = str(uuid.uuid4()) if keyed else None
                c.execute(
                    """INSERT INTO sent_log (channel, chat_id, deadline_id, lead_days, status, updated_at,
                                             retry_key, first_attempt_at, generation)
                       VALUES (?, ?, ?, ?, 'sending', ?, ?, ?, ?)""",
                    (channel, chat_id, deadline_key, lead_days, _now(), key, now, generation),
                )
                return Claim(key, 1)
            status, key, retryable = row
            if status not in (FAILED, UNSURE) or not retryable:
                return None
            fresh = key is None and keyed  # never attempted with a key, and nothing went out: start one
            if fresh:
                key = str(uuid.uuid4())
            cur = c.execute(
                """UPDATE sent_log SET status = 'sending', attempts = attempts + 1, updated_at = ?,
                          retry_key = ?, generation = ?,
                          first_attempt_at = CASE WHEN ? THEN ? ELSE first_attempt_at END
                   WHERE channel = ? AND chat_id = ? AND deadline_id = ? AND lead_days = ?
                   RETURNING attempts""",
                (_now(), key, generation, fresh, now, channel, chat_id, deadline_key, lead_days),
            ).fetchone()
            return Claim(key, int(cur[0]))

    def mark(self, channel: str, chat_id: str, deadline_key: str, lead_days: int, status: str) -> None:
        """Record the outcome of a claimed push: SENT, FAILED (certainly not delivered) or UNSURE."""
        if status not in (SENT, FAILED, UNSURE):
            raise ValueError(f"unknown status {status!r}")
        with self.db.transaction() as c:
            c.execute(
                """UPDATE sent_log SET status = ?, updated_at = ?, maybe_sent = maybe_sent OR ?
                   WHERE channel = ? AND chat_id = ? AND deadline_id = ? AND lead_days = ?""",
                (status, _now(), status == UNSURE, channel, chat_id, deadline_key, lead_days),
            )

    def settled(
        self, channels: Iterable[str] | None = None, chat_id: str | None = None
    ) -> set[tuple[str, str, str, int]]:
        """(channel, chat_id, deadline_key, lead_days) of the reminders never to be pushed again."""
        rows = self.db.query(
            lambda c: c.execute(
                f"SELECT channel, chat_id, deadline_id, lead_days FROM sent_log WHERE NOT {_RETRYABLE}"
                " AND (? IS NULL OR chat_id = ?)",
                (time.time() - RETRY_KEY_WINDOW, chat_id, chat_id),
            ).fetchall()
        )
        wanted = None if channels is None else set(channels)
        return {(r[0], r[1], r[2], r[3]) for r in rows if wanted is None or r[0] in wanted}

    def in_flight(self, channel: str | None = None) -> int:
        """Rows now 'sending': pushes whose request is out (or whose process died meanwhile)."""
        return int(
            self.db.query(
                lambda c: c.execute(
                    "SELECT COUNT(*) FROM sent_log WHERE status = 'sending' AND (? IS NULL OR channel = ?)",
                    (channel, channel),
                ).fetchone()[0]
            )
        )

    def sent_log_counts(self, channel: str | None = None) -> dict[str, int]:
        """How many rows have each status (for health reports, tests and the benchmark)."""
        rows = self.db.query(
            lambda c: c.execute(
                "SELECT status, COUNT(*) FROM sent_log WHERE ? IS NULL OR channel = ? GROUP BY status",
                (channel, channel),
            ).fetchall()
        )
        return {status: int(count) for status, count in rows}

    # -- what is due ---------------------------------------------------------------------------

    def due_candidates(
        self, channels: Iterable[str], now: float
    ) -> tuple[list[Subscription], set[tuple[str, str, str, int]]]:
        """The subscriptions of `channels` that may have a reminder due at Unix time `now` (their
        next_due_at is unknown or past), found through an index, and their settled reminders."""
        wanted = sorted(set(channels))
        if not wanted:
            return [], set()
        marks = ", ".join("?" * len(wanted))
        due_where = f"s.channel IN ({marks}) AND (s.next_due_at IS NULL OR s.next_due_at <= ?)"

        def read(c: sqlite3.Connection) -> tuple[list[Any], list[Any]]:
            subs = c.execute(
                f"SELECT {_COLUMNS_S} FROM subscriptions s INDEXED BY subscriptions_next_due WHERE {due_where}",
                (*wanted, now),
            ).fetchall()
            if not subs:
                return subs, []
            settled = c.execute(
                f"""SELECT l.channel, l.chat_id, l.deadline_id, l.lead_days
                    FROM subscriptions s INDEXED BY subscriptions_next_due
                    JOIN sent_log l ON l.channel = s.channel AND l.chat_id = s.chat_id
                    WHERE {due_where} AND NOT {_RETRYABLE}""",
                (*wanted, now, now - RETRY_KEY_WINDOW),
            ).fetchall()
            return subs, settled

        subs, settled = self.db.query(read)
        return [_subscription(r) for r in subs], {(r[0], r[1], r[2], r[3]) for r in settled}

    def set_next_due(self, moments: Iterable[tuple[str, str, float]]) -> None:
        """Store (channel, chat_id, Unix time its next reminder is due; inf: none ahead)."""
        rows = [(when, channel, chat_id) for channel, chat_id, when in moments]
        if not rows:
            return
        with self.db.transaction() as c:
            c.executemany("UPDATE subscriptions SET next_due_at = ? WHERE channel = ? AND chat_id = ?", rows)

    def forget_next_due(self, channels: Iterable[str]) -> None:
        """Work every next_due_at of `channels` out again (at start: the calendar may have changed)."""
        wanted = sorted(set(channels))
        with self.db.transaction() as c:
            c.execute(
                f"UPDATE subscriptions SET next_due_at = NULL WHERE channel IN ({', '.join('?' * len(wanted))})",
                wanted,
            )

    # -- push leases ---------------------------------------------------------------------------

    def hold_lease(
        self, channel: str, holder: str, seconds: float, is_dead: Callable[[str], bool] = lambda holder: False
    ) -> LeaseState | None:
        """Take or renew the channel's push lease for `seconds`; None while another holder has it.

        A lease is taken over when it has expired, or when `is_dead(holder)` says its holder is a
        process known to be gone. Taking it over raises the generation, which fences the claims of
        the previous holder, and turns its rows left 'sending' into 'unsure' (counted in the state).
        """
        now = time.time()
        with self.db.transaction() as c:
            row = c.execute(
                "SELECT holder, generation, expires_at FROM push_leases WHERE channel = ?", (channel,)
            ).fetchone()
            if row is not None and row[0] == holder and row[2] > now:
                c.execute("UPDATE push_leases SET expires_at = ? WHERE channel = ?", (now + seconds, channel))
                return LeaseState(Lease(channel, holder, row[1]), taken=False, previous=None, interrupted=0)
            if row is not None and row[0] != holder and row[2] > now and not is_dead(row[0]):
                return None
            generation = (row[1] if row else 0) + 1
            c.execute(
                """INSERT INTO push_leases (channel, holder, generation, expires_at) VALUES (?, ?, ?, ?)
                   ON CONFLICT (channel) DO UPDATE SET holder = excluded.holder,
                   generation = excluded.generation, expires_at = excluded.expires_at""",
                (channel, holder, generation, now + seconds),
            )
            interrupted = c.execute(
                """UPDATE sent_log SET status = 'unsure', maybe_sent = 1, updated_at = ?
                   WHERE channel = ? AND status = 'sending'""",
                (_now(), channel),
            ).rowcount
        previous = row[0] if row is not None and row[0] != holder else None
        return LeaseState(Lease(channel, holder, generation), taken=True, previous=previous, interrupted=interrupted)

    def release_lease(self, lease: Lease) -> None:
        """Give the lease up (clean shutdown), so another process may push at once."""
        with self.db.transaction() as c:
            c.execute(
                "UPDATE push_leases SET expires_at = 0 WHERE channel = ? AND holder = ? AND generation = ?",
                (lease.channel, lease.holder, lease.generation),
            )


# A sent-log row that may be claimed again at Unix time ?+RETRY_KEY_WINDOW: it failed and nothing
# may have been delivered, or it carries a retry key still honoured.
_RETRYABLE = (
    "((status = 'failed' AND maybe_sent = 0)"
    " OR (status IN ('failed', 'unsure') AND retry_key IS NOT NULL AND first_attempt_at > ?))"
)


def _holds(c: sqlite3.Connection, lease: Lease, now: float) -> bool:
    row = c.execute(
        "SELECT 1 FROM push_leases WHERE channel = ? AND holder = ? AND generation = ? AND expires_at > ?",
        (lease.channel, lease.holder, lease.generation, now),
    ).fetchone()
    return row is not None


_COLUMNS = "channel, chat_id, kinds, lang, lead_days, send_hour"
_COLUMNS_S = ", ".join(f"s.{column}" for column in _COLUMNS.split(", "))


def _subscription(row: tuple[Any, ...]) -> Subscription:
    channel, chat_id, kinds, lang, leads, hour = row
    return Subscription(
        channel=channel,
        chat_id=chat_id,
        kinds=None if kinds is None else frozenset(json.loads(kinds)),
        lang=lang,
        lead_days=tuple(sorted(json.loads(leads), reverse=True)),
        send_hour=hour,
    )


def _now() -> str:
    return datetime.now(TAIPEI).isoformat(timespec="seconds")
