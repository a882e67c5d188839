"""Webhook deliveries already taken on, so an event a platform delivers twice is answered once."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from reminders.database import Database, StoreError

log = logging.getLogger(__name__)


class EventLog:
    """The event ids of one channel already taken on.

    A bounded in-memory set serves the usual case; the `webhook_events` table of the shared
    database (when `db` is given) makes it hold across a restart. Ids are kept `retention`
    seconds, far longer than platforms go on redelivering. If the table cannot be used the
    memory set still answers: answering a rare duplicate beats ignoring a user.
    """

    def __init__(
        self,
        channel: str,
        db: Database | None = None,
        *,
        memory: int = 10_000,
        retention: float = 7 * 86400,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._channel = channel
        self._db = db
        self._memory = memory
        self._retention = retention
        self._clock = clock
        self._recent: dict[str, None] = {}
        self._lock = threading.Lock()

    def claim(self, event_id: str) -> bool:
        """True the first time an id is seen, False for a duplicate. Blocking: call in a thread."""
        with self._lock:
            if event_id in self._recent:
                return False
            self._recent[event_id] = None
            if len(self._recent) > self._memory:
                del self._recent[next(iter(self._recent))]
        return self._claim_stored(event_id)

    def _claim_stored(self, event_id: str) -> bool:
        if self._db is None:
            return True
        now = self._clock()
        try:
            with self._db.transaction() as conn:
                cursor = conn.execute(
                    "INSERT OR IGNORE INTO webhook_events (channel, event_id, received_at) VALUES (?, ?, ?)",
                    (self._channel, event_id, now),
                )
                conn.execute("DELETE FROM webhook_events WHERE received_at < ?", (now - self._retention,))
        except StoreError as exc:
            log.error("%s event log unavailable (%s); duplicates are caught in memory only", self._channel, exc)
            return True
        return cursor.rowcount > 0
