"""The interaction log: one row per answered turn, for the people who keep the answers right.

What a row holds (table `interactions`, migration 7): when, the channel, the question as the engine
normalised it (cut to its length), the language, the route (answer, calculation, clarification,
unsure, not_in_plans), the knowledge-base entry, the confidence, whether facts from earlier turns
were used, and the 👍/👎 feedback with its comment. No user names or profile data are ever given to
it. A chat is stored only as an HMAC-SHA256 of its channel and id under a salt made once per
installation and kept in a file beside the database, never inside it: a copy of the database alone
cannot be searched for a chat id, even by trying every possible id.

Rows older than the retention (POLICYBOT_INTERACTION_DAYS, default 180) are pruned by the running
bot's scheduler once a day. `policybot report` reads them with `rows()`, which skips a row it
cannot read instead of failing.
"""

from __future__ import annotations

import hmac
import logging
import math
import os
import re
import secrets
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path

from reminders.database import Database, StoreError

log = logging.getLogger(__name__)

UP, DOWN = "up", "down"
TEXT, BUTTON, COMMAND = "text", "button", "command"
ROUTES = ("answer", "calculation", "clarification", "unsure", "not_in_plans")
DEFAULT_RETENTION_DAYS = 180
SALT_BYTES = 32
HASH_CHARS = 32  # 128 bits of the HMAC: no two chats of one installation ever share one
COMMENT_CHARS = 300
_SURROGATE = re.compile("[\ud800-\udfff]")


def salt_path(db_path: str | Path) -> Path:
    """Where the installation's salt lives: beside the database, `policybot.db` -> `policybot.db.salt`."""
    path = Path(db_path)
    return path.with_name(path.name + ".salt")


def installation_salt(path: Path) -> bytes:
    """The salt in `path`, made (random, readable by the owner only) the first time. A file that is
    there but not a salt is never replaced: that would silently cut every chat off its history."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    except OSError as exc:
        raise StoreError(f"Cannot create the interaction log's salt {path}: {exc}") from exc
    else:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(SALT_BYTES) + "\n")
    try:
        text = path.read_text(encoding="ascii").strip()
        salt = bytes.fromhex(text)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise StoreError(
            f"The interaction log's salt {path} cannot be read ({exc}). Restore it from a backup, "
            "or move it aside to start a new one (earlier feedback then stays unlinked to its chats)."
        ) from exc
    if len(salt) < 16:
        raise StoreError(f"The interaction log's salt {path} is too short; restore it or move it aside")
    return salt


@dataclass(frozen=True)
class Turn:
    """What the dialog reports about one turn (the question already normalised)."""

    channel: str
    chat_id: str
    via: str
    question: str
    lang: str
    route: str
    entry: str | None
    confidence: float
    context: bool


@dataclass(frozen=True)
class Interaction:
    """One row as the report reads it."""

    id: int
    at: float
    channel: str
    chat: str  # the salted hash
    via: str
    question: str
    lang: str
    route: str
    entry: str | None
    confidence: float
    context: bool
    feedback: str | None
    comment: str | None


@dataclass(frozen=True)
class Marked:
    """A turn whose feedback was just set: its id and the language it was answered in."""

    id: int
    lang: str


class InteractionLog:
    """The `interactions` table of the shared database. Every method blocks (SQLite)."""

    def __init__(self, db: Database, salt: bytes, clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self._salt = salt
        self._clock = clock

    @classmethod
    def beside(cls, db: Database, clock: Callable[[], float] = time.time) -> InteractionLog:
        """The log of an installation: the salt file next to the database file."""
        return cls(db, installation_salt(salt_path(db.path)), clock)

    def chat_hash(self, channel: str, chat_id: str) -> str:
        digest = hmac.new(self._salt, f"{channel}\0{chat_id}".encode(errors="surrogatepass"), sha256).hexdigest()
        return digest[:HASH_CHARS]

    # -- writing -------------------------------------------------------------------------------

    def record(self, turn: Turn) -> int:
        """Store a turn; its id (what a feedback button carries)."""
        row = (
            self._clock(),
            turn.channel,
            self.chat_hash(turn.channel, turn.chat_id),
            turn.via,
            storable(turn.question),
            turn.lang,
            turn.route,
            turn.entry,
            float(turn.confidence),
            int(bool(turn.context)),
        )
        with self.db.transaction() as conn:
            cursor = conn.execute(
                """INSERT INTO interactions
                   (at, channel, chat_hash, via, question, lang, route, entry, confidence, context)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                row,
            )
        return int(cursor.lastrowid or 0)

    def mark(self, channel: str, chat_id: str, turn_id: int | None, feedback: str) -> Marked | None:
        """Set 👍/👎 on a turn of this chat (`turn_id` None: its latest turn); None when there is none,
        e.g. pruned, or a button of another chat. A 👎 waits for its comment (see `pending`)."""
        chat = self.chat_hash(channel, chat_id)
        now = self._clock()
        with self.db.transaction() as conn:
            if turn_id is None:
                found = conn.execute(
                    "SELECT id, lang FROM interactions WHERE chat_hash = ? ORDER BY id DESC LIMIT 1", (chat,)
                ).fetchone()
            else:
                found = conn.execute(
                    "SELECT id, lang FROM interactions WHERE id = ? AND chat_hash = ?", (turn_id, chat)
                ).fetchone()
            if found is None:
                return None
            # A 👎 waits for what was wrong; a 👍 (a change of mind) does not.
            conn.execute(
                "UPDATE interactions SET feedback = ?, feedback_at = ?, asked_at = ? WHERE id = ?",
                (feedback, now, now if feedback == DOWN else None, found[0]),
            )
        return Marked(int(found[0]), str(found[1]))

    def pending(self, channel: str, chat_id: str, window: float) -> Marked | None:
        """The turn whose 👎 waits for its comment: marked within `window` seconds, not commented on or
        declined since, and the chat has had no turn since. The chat's next message is the comment."""
        chat = self.chat_hash(channel, chat_id)
        since = self._clock() - window

        def find(conn: sqlite3.Connection) -> Marked | None:
            row = conn.execute(
                """SELECT id, lang, asked_at FROM interactions WHERE chat_hash = ? AND asked_at >= ?
                   ORDER BY asked_at DESC LIMIT 1""",
                (chat, since),
            ).fetchone()
            if row is None:
                return None
            later = conn.execute(
                "SELECT 1 FROM interactions WHERE chat_hash = ? AND at > ? LIMIT 1", (chat, row[2])
            ).fetchone()
            return None if later else Marked(int(row[0]), str(row[1]))

        return self.db.query(find)

    def comment(self, channel: str, chat_id: str, turn_id: int, text: str) -> bool:
        """Add what was wrong to a turn of this chat (after an earlier comment, if any)."""
        chat = self.chat_hash(channel, chat_id)
        with self.db.transaction() as conn:
            cursor = conn.execute(
                """UPDATE interactions SET asked_at = NULL, comment =
                   CASE WHEN comment IS NULL OR comment = '' THEN ? ELSE comment || ' / ' || ? END
                   WHERE id = ? AND chat_hash = ?""",
                (storable(text), storable(text), turn_id, chat),
            )
        return cursor.rowcount > 0

    def decline(self, channel: str, chat_id: str) -> None:
        """The chat moved on (skip, a command, another button): stop waiting for its comment."""
        chat = self.chat_hash(channel, chat_id)
        with self.db.transaction() as conn:
            conn.execute(
                "UPDATE interactions SET asked_at = NULL WHERE chat_hash = ? AND asked_at IS NOT NULL", (chat,)
            )

    def last_question(self, channel: str, chat_id: str, window: float) -> str:
        """The chat's last typed question within `window` seconds ('' if none): what a button tap
        after it was about."""
        chat = self.chat_hash(channel, chat_id)
        row = self.db.query(
            lambda c: c.execute(
                """SELECT question FROM interactions WHERE chat_hash = ? AND via = 'text' AND at >= ?
                   ORDER BY id DESC LIMIT 1""",
                (chat, self._clock() - window),
            ).fetchone()
        )
        return str(row[0]) if row else ""

    def prune(self, days: int) -> int:
        """Delete the rows older than `days` days; how many went."""
        return prune(self.db, days, self._clock())

    # -- reading -------------------------------------------------------------------------------

    def rows(self, since: float | None = None) -> tuple[list[Interaction], int]:
        return read(self.db, since)


def prune(db: Database, days: int, now: float | None = None) -> int:
    """Delete the interactions older than `days` days before `now`; how many went. Needs no salt,
    so it runs when the log is off too: what was kept still goes when it expires."""
    cutoff = (time.time() if now is None else now) - days * 86400
    with db.transaction() as conn:
        cursor = conn.execute("DELETE FROM interactions WHERE at < ?", (cutoff,))
    if cursor.rowcount:
        log.info("interaction log: %d row(s) older than %d days pruned", cursor.rowcount, days)
    return cursor.rowcount


def storable(text: str) -> str:
    """`text` as SQLite can store it: a lone surrogate (half an emoji from a client) becomes U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def read(db: Database, since: float | None = None) -> tuple[list[Interaction], int]:
    """Every row at or after `since`, oldest first, and how many could not be read (skipped). Needs
    no salt: nothing read here names a chat.

    Text columns are read as bytes and decoded leniently, so a damaged value (bad UTF-8, a number
    where text belongs) costs its row at most, never the report."""
    sql = (
        "SELECT id, at, channel, chat_hash, via, CAST(question AS BLOB), lang, route, entry, confidence, "
        "context, feedback, CAST(comment AS BLOB) FROM interactions"
    )
    args: tuple[float, ...] = ()
    if since is not None:
        sql += " WHERE at >= ?"
        args = (since,)
    raw = db.query(lambda c: c.execute(sql + " ORDER BY at, id", args).fetchall())
    good: list[Interaction] = []
    for row in raw:
        try:
            good.append(_interaction(row))
        except (TypeError, ValueError) as exc:
            log.warning("interaction log: row %r skipped: %s", row[0], exc)
    return good, len(raw) - len(good)


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, str):
        return value
    raise TypeError(f"expected text, got {type(value).__name__}")


def _interaction(row: tuple[object, ...]) -> Interaction:
    ident, at, channel, chat, via, question, lang, route, entry, confidence, context, feedback, comment = row
    if not isinstance(ident, int):
        raise TypeError("id is not a number")
    if not isinstance(at, (int, float)) or not math.isfinite(at):
        raise ValueError(f"time {at!r} is not a number")
    if not isinstance(confidence, (int, float)) or not math.isfinite(confidence):
        raise ValueError(f"confidence {confidence!r} is not a number")
    route_text = _text(route)
    if route_text not in ROUTES:
        raise ValueError(f"unknown route {route_text!r}")
    feedback_text = None if feedback is None else _text(feedback)
    if feedback_text not in (None, UP, DOWN):
        raise ValueError(f"unknown feedback {feedback_text!r}")
    return Interaction(
        id=ident,
        at=float(at),
        channel=_text(channel),
        chat=_text(chat),
        via=_text(via),
        question=_text(question),
        lang=_text(lang),
        route=route_text,
        entry=None if entry is None else _text(entry),
        confidence=min(max(float(confidence), 0.0), 1.0),
        context=bool(context),
        feedback=feedback_text,
        comment=None if comment is None else _text(comment),
    )
