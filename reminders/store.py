"""SQLite storage of reminder subscriptions and of the sent-log.

One file (POLICYBOT_DB, default ./data/policybot.db) may be shared by the Telegram bot, the LINE
server and the CLI: WAL mode lets them read while one writes, and busy_timeout makes a writer wait
for another instead of failing at once. The store never deletes, truncates or recreates the file;
when it cannot use it (damaged, locked, from a newer version) it raises StoreError naming the file.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from .calendar import TAIPEI

DEFAULT_LEAD_DAYS: tuple[int, ...] = (30, 14, 7, 1)
DEFAULT_SEND_HOUR = 9  # Asia/Taipei
DEFAULT_DB = Path("data") / "policybot.db"

SENDING, SENT, FAILED = "sending", "sent", "failed"

# Append only: never edit a migration that has shipped; add a new one with the next number.
MIGRATIONS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (
        1,
        (
            """CREATE TABLE subscriptions (
            channel    TEXT NOT NULL,
            chat_id    TEXT NOT NULL,
            kinds      TEXT,                                    -- JSON list of kind ids, NULL = all
            lang       TEXT NOT NULL DEFAULT 'zh',
            lead_days  TEXT NOT NULL DEFAULT '[30, 14, 7, 1]',  -- JSON list, days before the deadline
            send_hour  INTEGER NOT NULL DEFAULT 9,              -- hour of day, Asia/Taipei
            created_at TEXT NOT NULL,
            PRIMARY KEY (channel, chat_id)
        )""",
            """CREATE TABLE sent_log (
            channel     TEXT NOT NULL,
            chat_id     TEXT NOT NULL,
            deadline_id TEXT NOT NULL,                          -- Deadline.key, i.e. id@date
            lead_days   INTEGER NOT NULL,
            status      TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'failed')),
            attempts    INTEGER NOT NULL DEFAULT 1,
            updated_at  TEXT NOT NULL,
            UNIQUE (channel, chat_id, deadline_id, lead_days)
        )""",
        ),
    ),
    (
        2,
        (
            """CREATE TABLE chat_settings (
            channel    TEXT NOT NULL,
            chat_id    TEXT NOT NULL,
            lang       TEXT NOT NULL CHECK (lang IN ('zh', 'en')),  -- chosen with /lang
            updated_at TEXT NOT NULL,
            PRIMARY KEY (channel, chat_id)
        )""",
        ),
    ),
)


class StoreError(RuntimeError):
    """The database file cannot be used; the message names the file and what to do."""


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


T = TypeVar("T")


def default_path() -> Path:
    return Path(os.environ.get("POLICYBOT_DB") or DEFAULT_DB)


class SubscriptionStore:
    """Subscriptions and sent-log. Opening checks the file and applies pending migrations."""

    def __init__(self, path: str | Path | None = None, busy_timeout_ms: int = 5000):
        self.path = Path(path) if path is not None else default_path()
        self._busy_timeout_ms = busy_timeout_ms
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"Cannot create the folder for the reminder database {self.path}: {exc}") from exc
        self._conn = self._guard(self._open)

    # -- opening -------------------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
            # Read-only checks first: a file we must not use fails before anything is written to it.
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise sqlite3.DatabaseError(f"integrity check failed: {check}")
            current, latest = self._version(conn), MIGRATIONS[-1][0]
            if current > latest:
                raise StoreError(
                    f"The reminder database {self.path} has schema version {current}, newer than this "
                    f"policybot knows ({latest}). Upgrade policybot; the file was not changed."
                )
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            if current < latest:
                self._migrate(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _migrate(self, conn: sqlite3.Connection) -> None:
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            current = self._version(conn)  # again, under the write lock: another process may have migrated
            for version, statements in MIGRATIONS:
                if version > current:
                    for statement in statements:
                        conn.execute(statement)
                    conn.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    @staticmethod
    def _version(conn: sqlite3.Connection) -> int:
        exists = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").fetchone()
        if not exists:
            return 0
        return conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] or 0

    def schema_version(self) -> int:
        return self._query(self._version)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # -- error translation ---------------------------------------------------------------------

    def _guard(self, action: Callable[[], T]) -> T:
        try:
            return action()
        except sqlite3.Error as exc:
            raise self._explain(exc) from exc

    def _explain(self, exc: sqlite3.Error) -> StoreError:
        code = getattr(exc, "sqlite_errorname", "")
        if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
            return StoreError(
                f"The reminder database {self.path} is locked by another process (waited "
                f"{self._busy_timeout_ms / 1000:g} s). Is another program holding it open? ({exc})"
            )
        if code.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")) or "integrity check" in str(exc):
            return StoreError(
                f"The reminder database {self.path} is damaged or not a SQLite database ({exc}). "
                "It was left as it is: restore it from a backup, or move it aside and policybot "
                "will start a new one (subscriptions would have to be made again)."
            )
        return StoreError(f"Cannot use the reminder database {self.path}: {exc}")

    def _query(self, action: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock:
            return self._guard(lambda: action(self._conn))

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._guard(lambda: self._conn.execute("BEGIN IMMEDIATE"))
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException as exc:
                if self._conn.in_transaction:
                    with suppress(sqlite3.Error):
                        self._conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise self._explain(exc) from exc
                raise

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
        with self._transaction() as c:
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
        with self._transaction() as c:
            cur = c.execute(
                "UPDATE subscriptions SET lead_days = ? WHERE channel = ? AND chat_id = ?", (leads, channel, chat_id)
            )
            return cur.rowcount > 0

    def unsubscribe(self, channel: str, chat_id: str) -> bool:
        """Remove the subscription; the sent-log stays, so re-subscribing repeats nothing."""
        with self._transaction() as c:
            cur = c.execute("DELETE FROM subscriptions WHERE channel = ? AND chat_id = ?", (channel, chat_id))
            return cur.rowcount > 0

    def get(self, channel: str, chat_id: str) -> Subscription | None:
        rows = self._query(
            lambda c: c.execute(
                f"SELECT {_COLUMNS} FROM subscriptions WHERE channel = ? AND chat_id = ?", (channel, chat_id)
            ).fetchall()
        )
        return _subscription(rows[0]) if rows else None

    def subscriptions(self, channels: Iterable[str] | None = None) -> list[Subscription]:
        """All subscriptions, or those of the given channels."""
        rows = self._query(
            lambda c: c.execute(f"SELECT {_COLUMNS} FROM subscriptions ORDER BY channel, chat_id").fetchall()
        )
        subs = [_subscription(r) for r in rows]
        if channels is None:
            return subs
        wanted = set(channels)
        return [s for s in subs if s.channel in wanted]

    # -- chat settings -------------------------------------------------------------------------

    def chat_language(self, channel: str, chat_id: str) -> str | None:
        """The language a chat chose with /lang, or None."""
        rows = self._query(
            lambda c: c.execute(
                "SELECT lang FROM chat_settings WHERE channel = ? AND chat_id = ?", (channel, chat_id)
            ).fetchall()
        )
        return rows[0][0] if rows else None

    def set_chat_language(self, channel: str, chat_id: str, lang: str | None) -> None:
        """Remember a chat's /lang choice (None forgets it, e.g. when the chat blocks the bot)."""
        with self._transaction() as c:
            if lang is None:
                c.execute("DELETE FROM chat_settings WHERE channel = ? AND chat_id = ?", (channel, chat_id))
            else:
                c.execute(
                    """INSERT INTO chat_settings (channel, chat_id, lang, updated_at) VALUES (?, ?, ?, ?)
                             ON CONFLICT (channel, chat_id) DO UPDATE
                             SET lang = excluded.lang, updated_at = excluded.updated_at""",
                    (channel, chat_id, lang, _now()),
                )

    # -- sent-log ------------------------------------------------------------------------------

    def claim(self, channel: str, chat_id: str, deadline_key: str, lead_days: int) -> bool:
        """Record the intent to send, before pushing. True if this caller may push now.

        A row that is 'sending' or 'sent' is never claimed again (at most once); a 'failed' row
        (the channel said the message was not delivered) is claimed again for a retry.
        """
        with self._transaction() as c:
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
        with self._transaction() as c:
            c.execute(
                """UPDATE sent_log SET status = ?, updated_at = ?
                   WHERE channel = ? AND chat_id = ? AND deadline_id = ? AND lead_days = ?""",
                (status, _now(), channel, chat_id, deadline_key, lead_days),
            )

    def settled(
        self, channels: Iterable[str] | None = None, chat_id: str | None = None
    ) -> set[tuple[str, str, str, int]]:
        """(channel, chat_id, deadline_key, lead_days) of the reminders never to be pushed again."""
        rows = self._query(
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
            self._query(lambda c: c.execute("SELECT COUNT(*) FROM sent_log WHERE status = 'sending'").fetchone()[0])
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
