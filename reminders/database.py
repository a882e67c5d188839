"""The SQLite database every part of policybot shares: one file, versioned migrations.

One file (POLICYBOT_DB, default ./data/policybot.db) may be shared by the Telegram bot, the LINE
server and the CLI: WAL mode lets them read while one writes, and busy_timeout makes a writer wait
for another instead of failing at once. The database never deletes, truncates or recreates the
file; when it cannot use it (damaged, locked, from a newer version) it raises StoreError naming the
file. Each feature keeps its tables here, in MIGRATIONS, and its queries in its own class
(reminders/store.py, handlers/event_log.py) over one `Database`.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TypeVar

from knowledge.errors import PolicybotError

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
    (
        3,
        (
            # Webhook deliveries already taken on, per channel, so a redelivered event is answered
            # once even across a restart. Earlier versions kept LINE's in a table of their own,
            # created outside the migrations: its rows move here.
            """CREATE TABLE webhook_events (
            channel     TEXT NOT NULL,
            event_id    TEXT NOT NULL,
            received_at REAL NOT NULL,                           -- Unix time
            PRIMARY KEY (channel, event_id)
        )""",
            "CREATE INDEX webhook_events_received ON webhook_events (received_at)",
            """CREATE TABLE IF NOT EXISTS line_webhook_events (
            event_id TEXT PRIMARY KEY, received_at REAL NOT NULL)""",
            """INSERT OR IGNORE INTO webhook_events (channel, event_id, received_at)
            SELECT 'line', event_id, received_at FROM line_webhook_events""",
            "DROP TABLE line_webhook_events",
        ),
    ),
    (
        4,
        (
            # What each chat has said (handlers/memory.py): its /lang choice, the school's facts and
            # the last topic, as JSON. The /lang choices of chat_settings move in.
            """CREATE TABLE chat_state (
            channel    TEXT NOT NULL,
            chat_id    TEXT NOT NULL,
            state      TEXT NOT NULL,                           -- JSON, see ChatState.to_json
            updated_at REAL NOT NULL,                           -- Unix time
            PRIMARY KEY (channel, chat_id)
        )""",
            """CREATE TABLE IF NOT EXISTS chat_settings (
            channel TEXT NOT NULL, chat_id TEXT NOT NULL, lang TEXT NOT NULL, updated_at TEXT NOT NULL)""",
            """INSERT INTO chat_state (channel, chat_id, state, updated_at)
            SELECT channel, chat_id, '{"lang": "' || lang || '", "school": {}}', strftime('%s', 'now')
            FROM chat_settings""",
            "DROP TABLE chat_settings",
        ),
    ),
    (
        5,
        (
            # The sent-log learns what an attempt may have done: a retry key per reminder (LINE's
            # X-Line-Retry-Key, honoured for 24 hours from the first attempt), whether an attempt
            # may have been delivered, and which push lease generation claimed it. 'unsure' is an
            # attempt that may have been delivered; rows left 'sending' by earlier versions are that.
            """CREATE TABLE sent_log_v5 (
            channel          TEXT NOT NULL,
            chat_id          TEXT NOT NULL,
            deadline_id      TEXT NOT NULL,                  -- Deadline.key, i.e. id@date
            lead_days        INTEGER NOT NULL,
            status           TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'failed', 'unsure')),
            attempts         INTEGER NOT NULL DEFAULT 1,
            updated_at       TEXT NOT NULL,
            retry_key        TEXT,                           -- sent with every attempt; NULL: the channel has none
            first_attempt_at REAL,                           -- Unix time of the first attempt
            maybe_sent       INTEGER NOT NULL DEFAULT 0,     -- 1 once an attempt may have been delivered
            generation       INTEGER,                        -- push lease generation of the last claim
            UNIQUE (channel, chat_id, deadline_id, lead_days)
        )""",
            """INSERT INTO sent_log_v5 (channel, chat_id, deadline_id, lead_days, status, attempts, updated_at, maybe_sent)
            SELECT channel, chat_id, deadline_id, lead_days,
                   CASE status WHEN 'sending' THEN 'unsure' ELSE status END, attempts, updated_at, status = 'sending'
            FROM sent_log""",
            "DROP TABLE sent_log",
            "ALTER TABLE sent_log_v5 RENAME TO sent_log",
            # When each subscription next has a reminder due (Unix time; NULL: to be worked out), so a
            # tick reads the few that are due through an index instead of every subscription.
            "ALTER TABLE subscriptions ADD COLUMN next_due_at REAL",
            "CREATE INDEX subscriptions_next_due ON subscriptions (channel, next_due_at)",
            # One process per channel pushes reminders: the holder of the channel's lease.
            """CREATE TABLE push_leases (
            channel    TEXT PRIMARY KEY,
            holder     TEXT NOT NULL,                        -- host, PID namespace, PID and a random tag
            generation INTEGER NOT NULL,                     -- +1 at every change of holder (fences old claims)
            expires_at REAL NOT NULL                         -- Unix time
        )""",
        ),
    ),
    (
        7,
        (
            # One row per answered turn, for the maintainers' report (reminders/interactions.py,
            # `policybot report`). No names or profile data: the chat is a salted hash (the salt is
            # a file beside the database, never in it); rows older than the retention are pruned.
            """CREATE TABLE interactions (
            id          INTEGER PRIMARY KEY,
            at          REAL NOT NULL,                           -- Unix time of the turn
            channel     TEXT NOT NULL,                           -- telegram, line, cli
            chat_hash   TEXT NOT NULL,                           -- HMAC-SHA256(salt, channel + chat id), hex
            via         TEXT NOT NULL,                           -- text, button or command
            question    TEXT NOT NULL,                           -- normalised, cut to the engine's length
            lang        TEXT NOT NULL,
            route       TEXT NOT NULL,                           -- answer, calculation, clarification, ...
            entry       TEXT,                                    -- knowledge-base entry id, NULL if none
            confidence  REAL NOT NULL,
            context     INTEGER NOT NULL,                        -- 1: facts from earlier turns were used
            feedback    TEXT,                                    -- NULL, 'up' or 'down'
            feedback_at REAL,
            comment     TEXT,                                    -- what was wrong, in the user's words
            asked_at    REAL                                     -- a 👎 waits for its comment since then
        )""",
            "CREATE INDEX interactions_chat ON interactions (chat_hash, id)",
            "CREATE INDEX interactions_at ON interactions (at)",
        ),
    ),
)


class StoreError(PolicybotError):
    """The database file cannot be used; the message names the file and what to do."""


T = TypeVar("T")

# How long a call waits for a write lock another connection holds, and for this connection's own
# lock (another thread's call): short, so a busy file costs a chat a polite "try again" reply rather
# than a long silence, and a caller's thread is never tied up for long.
DEFAULT_BUSY_TIMEOUT_MS = 2000


class Database:
    """One connection to the shared file. Opening checks the file and applies pending migrations;
    every call holds a lock, so threads (the LINE adapter's, the scheduler's) may share it. Calls
    block: from asyncio code, make them in a worker thread (`reminders.offload.run`)."""

    def __init__(self, path: str | Path, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS):
        self.path = Path(path)
        self.busy_timeout_ms = busy_timeout_ms
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"Cannot create the folder for the database {self.path}: {exc}") from exc
        self._conn = self._guard(self._open)

    # -- opening -------------------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
            # Read-only checks first: a file we must not use fails before anything is written to it.
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise sqlite3.DatabaseError(f"integrity check failed: {check}")
            current, latest = self._version(conn), MIGRATIONS[-1][0]
            if current > latest:
                raise StoreError(
                    f"The database {self.path} has schema version {current}, newer than this "
                    f"policybot knows ({latest}). Upgrade policybot; the file was not changed."
                )
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            if self._pending(conn):
                self._migrate(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _migrate(self, conn: sqlite3.Connection) -> None:
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            applied = self._applied(conn)  # again, under the write lock: another process may have migrated
            for version, statements in MIGRATIONS:
                if version not in applied:
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

    @staticmethod
    def _applied(conn: sqlite3.Connection) -> set[int]:
        exists = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").fetchone()
        return {row[0] for row in conn.execute("SELECT version FROM schema_version")} if exists else set()

    def _pending(self, conn: sqlite3.Connection) -> bool:
        """Whether a migration is not applied yet. Versions are reserved per branch and may land out
        of order (7 before 5 and 6), so a file at 7 still gets 5 and 6 when they arrive."""
        return bool({version for version, _ in MIGRATIONS} - self._applied(conn))

    def check_writable(self) -> None:
        """Raise StoreError unless this process can write the file now: a read-only file in a
        writable folder opens, and reads, without complaint. Long-running servers check at start."""

        def probe() -> None:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._conn.execute("INSERT INTO schema_version (version) VALUES (-1)")
            finally:
                with suppress(sqlite3.Error):
                    self._conn.execute("ROLLBACK")

        with self._locked():
            self._guard(probe)

    def schema_version(self) -> int:
        return self.query(self._version)

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
                f"The database {self.path} is locked by another process (waited "
                f"{self.busy_timeout_ms / 1000:g} s). Is another program holding it open? ({exc})"
            )
        if code.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")) or "integrity check" in str(exc):
            return StoreError(
                f"The database {self.path} is damaged or not a SQLite database ({exc}). "
                "It was left as it is: restore it from a backup, or move it aside and policybot "
                "will start a new one (subscriptions would have to be made again)."
            )
        if code.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")):
            return StoreError(
                f"Cannot write the database {self.path} ({exc}): this process needs write access to "
                "the file and its folder."
            )
        return StoreError(f"Cannot use the database {self.path}: {exc}")

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """This connection's lock, waited for no longer than the busy timeout: when another
        program holds the file, callers queue here, and each gives up in bounded time."""
        if not self._lock.acquire(timeout=self.busy_timeout_ms / 1000):
            raise StoreError(
                f"The database {self.path} is locked by another process (waited "
                f"{self.busy_timeout_ms / 1000:g} s behind other calls of this one)."
            )
        try:
            yield
        finally:
            self._lock.release()

    def query(self, action: Callable[[sqlite3.Connection], T]) -> T:
        with self._locked():
            return self._guard(lambda: action(self._conn))

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._locked():
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
