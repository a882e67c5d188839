"""Reminder subscriptions and the reminders' sent-log, in the shared
database (reminders/database.py holds the connection and the migrations)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .calendar import TAIPEI
from .database import Database, StoreError

__all__ = ["DEFAULT_LEAD_DAYS", "FAILED", "SENDING", "SENT", "StoreError", "Subscription", "SubscriptionStore"]

DEFAULT_LEAD_DAYS: tuple[int, ...] = (30, 14, 7, 1)
DEFAULT_SEND_HOUR = 9  # Asia/Taipei

SENDING, SENT, FAILED = "sending", "sent", "failed"


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

    def __init__(self, db: Database | str | Path, busy_timeout_ms: int = 5000):
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
                   SET kinds = excluded.kinds, lang = excluded.lang, lead_days = excluded.lead_days""",
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
                "UPDATE subscriptions SET lead_days = ? WHERE channel = ? AND chat_id = ?", (leads, channel, chat_id)
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

    def claim(self, channel: str, chat_id: str, deadline_key: str, lead_days: int) -> bool:
        """Record the intent to send, before pushing. True if this caller may push now.

        A row that is 'sending' or 'sent' is never claimed again (at most once); a 'failed' row
        (the channel said the message was not delivered) is claimed again for a retry.
        """
        with self.db.transaction() as c:
            cur = c.execute(
                """INSERT INTO sent_log (channel, chat_id, deadline_id, lead_days, status, updated_at)
                   VALUES (?, ?, ?, ?, 'sending', ?)
                   ON CONFLICT (channel, chat_id, deadline_id, lead_days) DO UPDATE
                   SET status = 'sending', attempts = attempts + 1, updated_at = excluded.updated_at
                   WHERE sent_log.status = 'failed'""",
                (channel, chat_id, deadline_key, lead_days, _now()),
            )
            return cur.rowcount > 0

    def mark(self, channel: str, chat_id: str, deadline_key: str, lead_days: int, status: str) -> None:
        """Record the outcome of a claimed push: SENT or FAILED."""
        if status not in (SENT, FAILED):
            raise ValueError(f"unknown status {status!r}")
        with self.db.transaction() as c:
            c.execute(
                """UPDATE sent_log SET status = ?, updated_at = ?
                   WHERE channel = ? AND chat_id = ? AND deadline_id = ? AND lead_days = ?""",
                (status, _now(), channel, chat_id, deadline_key, lead_days),
            )

    def settled(
        self, channels: Iterable[str] | None = None, chat_id: str | None = None
    ) -> set[tuple[str, str, str, int]]:
        """(channel, chat_id, deadline_key, lead_days) of the reminders never to be pushed again."""
        rows = self.db.query(
            lambda c: c.execute(
                "SELECT channel, chat_id, deadline_id, lead_days FROM sent_log"
                " WHERE status IN ('sending', 'sent') AND (? IS NULL OR chat_id = ?)",
                (chat_id, chat_id),
            ).fetchall()
        )
        wanted = None if channels is None else set(channels)
        return {(r[0], r[1], r[2], r[3]) for r in rows if wanted is None or r[0] in wanted}

    def interrupted(self) -> int:
        """Rows left 'sending' by a run that stopped between push and record (not resent)."""
        return int(
            self.db.query(lambda c: c.execute("SELECT COUNT(*) FROM sent_log WHERE status = 'sending'").fetchone()[0])
        )


_COLUMNS = "channel, chat_id, kinds, lang, lead_days, send_hour"


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
