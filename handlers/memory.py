"""What a chat has said, kept between its turns: the language chosen, the school's facts, and the
last topic (the question it can follow up on, and a question the bot asked back).

State is data behind a small interface (`ChatStates`), loaded and saved around every turn under a
per-chat lock, as Rasa's tracker store and aiogram's FSM storage do: `MemoryChatStates` for tests
and the one-shot `policybot ask`, `SqliteChatStates` (migration 4 of the shared database) for the
chats. The school's facts stay until changed or forgotten; the topic expires after a quiet period,
so a question asked tomorrow is not read as a follow-up of today's.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Protocol

from knowledge.queries import Query
from knowledge.understand import SCHOOL_FACTS
from reminders.database import Database, StoreError

log = logging.getLogger(__name__)

# What a school can tell about itself: the ceiling's facts, the school level and the end of its
# approved period (「執行期間到116/7/31」, kept as written: its close-out deadline follows from it).
SCHOOL_KEYS = (*SCHOOL_FACTS, "level", "period_end")


@dataclass(frozen=True)
class ChatRef:
    channel: str  # "telegram", "line" or "cli"
    chat_id: str


@dataclass(frozen=True)
class Topic:
    """The last thing answered (or asked back), for follow-ups: a computation (`query`) or a
    knowledge-base entry with the slots it was answered for; `asked` is the fact the bot asked
    for, if it did."""

    query: Query | None = None
    entry: str | None = None
    slots: dict[str, Any] = field(default_factory=dict)
    text: str = ""  # the question, normalised, for re-matching a follow-up on an entry
    asked: str | None = None
    at: float = 0.0  # time.time() of the turn
    lang: str | None = None  # the language the topic was answered in (a bare "20" has none)
    earlier: tuple[Topic, ...] = ()  # topics before this one, newest first (「回到剛剛」)
    # the question answered asked yes or no (「代理老師3個月可以嗎」): 「那代理2個月呢」 asks it again
    yes_no: bool = False
    # what the message that led here said, normalised: a situation told before a yes-or-no question
    # (「偏遠學校，已經拿過設施設備計畫的補助…上限多少」 then 「那可以買投影機嗎」)
    said: str = ""
    # the entry a computed answer cited (its intent): what 「學校是直接報國教署嗎」 after a close-out
    # date asks about
    cites: str | None = None

    def then(self, topic: Topic) -> Topic:
        """`topic` as the next one, keeping this one among the earlier ones (the last three)."""
        earlier = (replace(self, earlier=(), asked=None), *self.earlier)
        same = (topic.query, topic.entry, topic.slots)  # an entry's row of another level or year is kept
        kept = tuple(t for t in earlier if (t.query, t.entry, t.slots) != same and (t.query or t.entry))
        return replace(topic, earlier=kept[:3])


@dataclass(frozen=True)
class ChatState:
    lang: str | None = None  # chosen with /lang
    school: dict[str, Any] = field(default_factory=dict)  # SCHOOL_KEYS the chat has told
    topic: Topic | None = None
    simplified: bool = False  # the chat writes Simplified Chinese: its Chinese replies are shown so

    def current_topic(self, now: float, ttl: float) -> Topic | None:
        """The topic, unless it is older than `ttl` seconds."""
        if self.topic is None or now - self.topic.at > ttl:
            return None
        return self.topic

    def to_json(self) -> str:
        data: dict[str, Any] = {"lang": self.lang, "school": self.school}
        if self.topic is not None:
            data["topic"] = _topic_json(self.topic)
        if self.simplified:
            data["simplified"] = True
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ChatState:
        """A state read back; anything malformed is dropped (and logged) rather than trusted."""
        try:
            data = json.loads(text)
        except (TypeError, ValueError, RecursionError):  # RecursionError: "[[[[…" nested too deep
            data = None
        if not isinstance(data, dict):
            log.warning("a stored chat state could not be read; the chat starts afresh")
            return cls()
        lang = data.get("lang") if data.get("lang") in ("zh", "en") else None
        raw = data.get("school")
        school = {k: v for k, v in (raw if isinstance(raw, dict) else {}).items() if k in SCHOOL_KEYS}
        school = {k: v for k, v in school.items() if isinstance(v, (bool, int, str))}
        return cls(lang, school, _topic(data.get("topic")), data.get("simplified") is True)


SAID_LIMIT = 200  # characters of a message kept with its topic (a question is cut to 500)


def _topic_json(topic: Topic) -> dict[str, Any]:
    data = asdict(topic)
    data["query"] = topic.query.to_json() if topic.query else None
    data["earlier"] = [_topic_json(t) for t in topic.earlier]
    return data


def _topic(data: Any, depth: int = 0) -> Topic | None:
    if not isinstance(data, dict):
        return None
    raw = data.get("slots")
    slots: dict[str, Any] = raw if isinstance(raw, dict) else {}
    entry, asked, text = data.get("entry"), data.get("asked"), data.get("text")
    at = data.get("at")
    lang = data.get("lang") if data.get("lang") in ("zh", "en") else None
    raw_earlier = data.get("earlier")
    earlier: list[Any] = raw_earlier if isinstance(raw_earlier, list) else []
    return Topic(
        earlier=tuple(t for t in (_topic(item, depth + 1) for item in earlier[:3]) if t is not None)
        if depth == 0
        else (),
        query=Query.from_json(data.get("query")),
        entry=entry if isinstance(entry, str) else None,
        slots={k: v for k, v in slots.items() if isinstance(v, (bool, int, str))},
        text=text if isinstance(text, str) else "",
        asked=asked if isinstance(asked, str) else None,
        at=float(at) if isinstance(at, (int, float)) else 0.0,
        lang=lang,
        yes_no=data.get("yes_no") is True,
        said=said[:SAID_LIMIT] if isinstance(said := data.get("said"), str) else "",
        cites=cites if isinstance(cites := data.get("cites"), str) else None,
    )


class ChatStates(Protocol):
    """Where chat states live between turns."""

    def load(self, chat: ChatRef) -> ChatState: ...
    def save(self, chat: ChatRef, state: ChatState) -> None: ...
    def forget(self, chat: ChatRef) -> None: ...


class MemoryChatStates:
    """Chat states in a dict: for tests, `policybot ask` and `policybot chat --jsonl` runs."""

    def __init__(self) -> None:
        self._states: dict[ChatRef, ChatState] = {}

    def load(self, chat: ChatRef) -> ChatState:
        return self._states.get(chat, ChatState())

    def save(self, chat: ChatRef, state: ChatState) -> None:
        self._states[chat] = state

    def forget(self, chat: ChatRef) -> None:
        self._states.pop(chat, None)


class SqliteChatStates:
    """Chat states in the shared database (table chat_state, migration 4). A state that cannot be
    read is treated as a new chat (logged), never as an error for the user."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def load(self, chat: ChatRef) -> ChatState:
        rows = self._db.query(
            lambda c: c.execute(
                "SELECT state FROM chat_state WHERE channel = ? AND chat_id = ?", (chat.channel, chat.chat_id)
            ).fetchall()
        )
        return ChatState.from_json(rows[0][0]) if rows else ChatState()

    def save(self, chat: ChatRef, state: ChatState) -> None:
        with self._db.transaction() as c:
            c.execute(
                """INSERT INTO chat_state (channel, chat_id, state, updated_at) VALUES (?, ?, ?, ?)
                   ON CONFLICT (channel, chat_id) DO UPDATE
                   SET state = excluded.state, updated_at = excluded.updated_at""",
                (chat.channel, chat.chat_id, state.to_json(), time.time()),
            )

    def forget(self, chat: ChatRef) -> None:
        with self._db.transaction() as c:
            c.execute("DELETE FROM chat_state WHERE channel = ? AND chat_id = ?", (chat.channel, chat.chat_id))


class ChatMemory:
    """Loads and saves chat states under one lock per chat, so two deliveries of the same chat
    (LINE runs them concurrently) never interleave their turns. A store that fails is logged and
    the turn goes on with a fresh state: answering beats remembering."""

    def __init__(self, states: ChatStates | None = None) -> None:
        self.states: ChatStates = states if states is not None else MemoryChatStates()
        self._locks: weakref.WeakValueDictionary[ChatRef, threading.Lock] = weakref.WeakValueDictionary()
        self._guard = threading.Lock()

    def _lock(self, chat: ChatRef) -> threading.Lock:
        with self._guard:
            lock = self._locks.get(chat)
            if lock is None:
                lock = threading.Lock()
                self._locks[chat] = lock
            return lock

    @contextmanager
    def turn(self, chat: ChatRef) -> Iterator[list[ChatState]]:
        """`with memory.turn(chat) as box:` box[0] is the state; assign box[0] to change it."""
        lock = self._lock(chat)
        with lock:
            try:
                state = self.states.load(chat)
            except StoreError as exc:
                log.warning("cannot read the memory of %s:%s: %s", chat.channel, chat.chat_id, exc)
                state = ChatState()
            box = [state]
            yield box
            if box[0] != state:
                try:
                    self.states.save(chat, box[0])
                except StoreError as exc:
                    log.warning("cannot store the memory of %s:%s: %s", chat.channel, chat.chat_id, exc)

    def peek(self, chat: ChatRef) -> ChatState:
        try:
            return self.states.load(chat)
        except StoreError as exc:
            log.warning("cannot read the memory of %s:%s: %s", chat.channel, chat.chat_id, exc)
            return ChatState()

    def forget(self, chat: ChatRef, keep_lang: bool = False) -> None:
        with self._lock(chat):
            try:
                if keep_lang:
                    kept = self.states.load(chat)
                    self.states.save(chat, ChatState(lang=kept.lang, simplified=kept.simplified))
                else:
                    self.states.forget(chat)
            except StoreError as exc:
                log.warning("cannot forget the memory of %s:%s: %s", chat.channel, chat.chat_id, exc)
