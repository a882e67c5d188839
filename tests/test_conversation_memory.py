"""The chat memory (handlers/memory.py): its JSON, the SQLite store across restarts, migration 4,
the per-chat lock, and a store that fails.

What a chat told (its /lang choice, the school's facts) must survive a restart; the last topic
must expire after the configured quiet minutes; anything unreadable in the store is a new chat,
never an error; two deliveries of one chat never lose each other's facts; and a store that fails
never keeps a question from being answered.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import Settings
from bot.wiring import Knowledge, build_services
from handlers.dialog import Dialog
from handlers.memory import (
    SCHOOL_KEYS,
    ChatMemory,
    ChatRef,
    ChatState,
    MemoryChatStates,
    SqliteChatStates,
    Topic,
)
from handlers.replies import CALCULATION
from handlers.texts import t
from knowledge.queries import CEILING, CLOSEOUT, ITEM, Query
from knowledge.textnorm import to_simplified, to_traditional
from reminders.database import MIGRATIONS, Database, StoreError

T0 = 1_800_000_000.0  # a fixed "now" (2027-01-15) for every clock here
CHAT = ChatRef("telegram", "1001")
SCHOOL_QUESTION = "我們是模式二 8班 2領域 最多補助多少"
SCHOOL = {"mode": 2, "classes": 8, "domains": 2}


def dialog_on(
    knowledge: Knowledge, states: Any, clock: Callable[[], float] = lambda: T0, topic_minutes: int = 30
) -> Dialog:
    return Dialog(
        knowledge.engine,
        knowledge.rules,
        knowledge.calendar.rules,
        memory=ChatMemory(states),
        topic_minutes=topic_minutes,
        clock=clock,
    )


@contextmanager
def opened(path: Path) -> Iterator[Database]:
    db = Database(path)
    try:
        yield db
    finally:
        db.close()


# -- ChatState as JSON -------------------------------------------------------------------------


def rich_state() -> ChatState:
    ceiling = Query(
        CEILING,
        facts={"mode": 2, "classes": 13, "domains": 2, "branch": False},
        inputs={"compare": {"fact": "domains", "values": [1, 2]}, "focus": "pd_teacher", "planned": 1_200_000},
    )
    combined = Query(
        ITEM,
        item="combined",
        inputs={
            "parts": [{"item": "lecture_fee", "lecturer": "external", "periods": 2}, {"item": "meals", "people": 30}],
            "text": "外聘講師 2節 加上 30人 膳費",
        },
    )
    meals = Query(ITEM, item="meals", inputs={"people": 30, "amounts": [120, 80], "text": "30人 午餐"})
    closeout = Topic(query=Query(CLOSEOUT, inputs={"period_end": "2027-07-31"}), at=T0 - 200, cites="moe.closeout")
    entry = Topic(
        entry="moe.closeout",
        slots={"year": 115, "level": "國小"},
        text="結案要什麼時候交",
        at=T0 - 300,
        lang="zh",
        yes_no=True,
        said="結案要什麼時候交 可以晚一點嗎",
    )
    asking = Topic(query=Query(CEILING, facts={"mode": 2, "classes": 9}), asked="domains", at=T0, lang="zh")
    topic = Topic(query=ceiling, at=T0 - 400.5, lang="en")
    for nxt in (closeout, entry, Topic(query=meals, at=T0 - 90, lang="zh"), Topic(query=combined, at=T0 - 60), asking):
        topic = topic.then(nxt)  # the oldest (the ceiling) falls out of the last three
    return ChatState(lang="en", school={"mode": 2, "classes": 13, "domains": 2, "level": "國中"}, topic=topic)


def test_a_state_with_computations_and_earlier_topics_round_trips_through_json() -> None:
    state = rich_state()
    assert state.topic is not None and len(state.topic.earlier) == 3
    assert [t.query.item if t.query else t.entry for t in state.topic.earlier] == ["combined", "meals", "moe.closeout"]
    assert state.topic.asked == "domains" and state.topic.earlier[1].query is not None
    text = state.to_json()
    json.loads(text)  # plain JSON
    assert ChatState.from_json(text) == state
    assert ChatState.from_json(ChatState.from_json(text).to_json()) == state


def test_earlier_topics_keep_the_last_three_without_their_questions_asked_back() -> None:
    topic = Topic(query=Query(CEILING, facts={"classes": 1}), asked="mode", at=1.0)
    for classes in range(2, 7):
        topic = topic.then(Topic(query=Query(CEILING, facts={"classes": classes}), asked="mode", at=float(classes)))
    back = ChatState.from_json(ChatState(topic=topic).to_json()).topic
    assert back is not None and back.asked == "mode"
    assert [t.query.facts["classes"] for t in back.earlier if t.query] == [5, 4, 3]
    assert all(t.asked is None and t.earlier == () for t in back.earlier)


_json_value = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**12), 10**12) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)
_queries = st.builds(
    Query,
    kind=st.sampled_from(["ceiling", "capital", "share", "transfer", "closeout", "school_year", "item", "verdict"]),
    facts=st.dictionaries(st.sampled_from(SCHOOL_KEYS), st.integers(0, 99) | st.booleans(), max_size=4),
    item=st.none() | st.sampled_from(["meals", "lodging", "combined", "equipment"]),
    inputs=st.dictionaries(st.text(min_size=1, max_size=8), _json_value, max_size=4),
)
_scalars = st.booleans() | st.integers(-999, 999) | st.text(max_size=8)
_langs = st.none() | st.sampled_from(["zh", "en"])


def _topics(earlier: st.SearchStrategy[tuple[Topic, ...]]) -> st.SearchStrategy[Topic]:
    return st.builds(
        Topic,
        query=st.none() | _queries,
        entry=st.none() | st.text(min_size=1, max_size=12),
        slots=st.dictionaries(st.text(min_size=1, max_size=6), _scalars, max_size=3),
        text=st.text(max_size=20),
        asked=st.none() | st.sampled_from(["mode", "classes", "domains", "branch", "part"]),
        at=st.floats(0, 4e9, allow_nan=False),
        lang=_langs,
        earlier=earlier,
        yes_no=st.booleans(),
        said=st.text(max_size=30),
        cites=st.none() | st.text(min_size=1, max_size=12),
    )


_states = st.builds(
    ChatState,
    lang=_langs,
    school=st.dictionaries(st.sampled_from(SCHOOL_KEYS), _scalars, max_size=5),
    topic=st.none() | _topics(st.lists(_topics(st.just(())), max_size=3).map(tuple)),
    simplified=st.booleans(),
)


@settings(max_examples=150, deadline=None)
@given(_states)
def test_any_state_round_trips_through_json(state: ChatState) -> None:
    assert ChatState.from_json(state.to_json()) == state


MALFORMED = [
    "",
    "   ",
    "null",
    "5",
    '"a string"',
    "[]",
    "[1, 2]",
    "{",
    '{"lang": "en", "school": {"classes": 2',  # cut short (a half-written row)
    "not json at all",
    '{"lang": "fr", "school": [], "topic": 5}',
    '{"lang": 5, "school": {"classes": [1], "mode": {"a": 1}, "motto": "x", "level": null}}',
    '{"topic": {"query": {"kind": 7}, "slots": [], "at": "yesterday", "asked": 3, "earlier": {"a": 1}}}',
    '{"topic": {"query": {"kind": "ceiling", "facts": [], "inputs": 5}, "earlier": [1, "x", null]}}',
    '{"topic": {"query": {"kind": "ceiling", "item": 5}, "text": ["x"], "lang": "klingon"}}',
    "NaN",
    '{"lang": "en", "lang": "zh"}',
    "\ufeff{}",
    "\x00\x01",
]


@pytest.mark.parametrize("text", MALFORMED)
def test_malformed_state_json_is_read_as_far_as_it_can_be(text: str) -> None:
    state = ChatState.from_json(text)
    assert state.lang in (None, "zh", "en")
    assert set(state.school) <= set(SCHOOL_KEYS)
    assert all(isinstance(v, (bool, int, str)) for v in state.school.values())
    assert state.topic is None or isinstance(state.topic, Topic)
    json.loads(state.to_json())  # and it can be written back


@settings(max_examples=200, deadline=None)
@given(
    st.text(max_size=60)
    | _json_value.map(json.dumps)
    | st.dictionaries(st.sampled_from(["lang", "school", "topic"]), _json_value).map(json.dumps)
)
def test_no_stored_text_makes_reading_a_state_raise(text: str) -> None:
    state = ChatState.from_json(text)
    assert set(state.school) <= set(SCHOOL_KEYS)
    json.loads(state.to_json())


def test_a_deeply_nested_stored_state_is_a_new_chat(knowledge: Knowledge, tmp_path: Path) -> None:
    with opened(tmp_path / "policybot.db") as db:
        db.query(
            lambda c: c.execute(
                "INSERT INTO chat_state VALUES (?, ?, ?, ?)", (CHAT.channel, CHAT.chat_id, "[" * 100_000, T0)
            )
        )
        reply = dialog_on(knowledge, SqliteChatStates(db)).handle_text(CHAT, "模式一 20班 最多補助多少")
        assert reply.route == CALCULATION


@pytest.mark.parametrize(
    "stored",
    ["not json", "", '{"lang": "fr"}', "[]", b"\xff\xfe\x00garbage", 42, '{"school": {"classes": "many"}, "topic": 3}'],
    ids=["text", "empty", "bad lang", "a list", "a blob", "an integer", "bad values"],
)
def test_a_corrupt_row_in_the_database_is_a_new_chat_and_is_replaced(
    knowledge: Knowledge, tmp_path: Path, stored: object
) -> None:
    with opened(tmp_path / "policybot.db") as db:
        db.query(
            lambda c: c.execute("INSERT INTO chat_state VALUES (?, ?, ?, ?)", (CHAT.channel, CHAT.chat_id, stored, T0))
        )
        dialog = dialog_on(knowledge, SqliteChatStates(db))
        assert dialog.language(CHAT) == "zh"
        reply = dialog.handle_text(CHAT, SCHOOL_QUESTION)
        assert reply.route == CALCULATION and "1,150,000" in reply.text
        (row,) = db.query(lambda c: c.execute("SELECT state FROM chat_state").fetchall())
        assert ChatState.from_json(row[0]).school == SCHOOL


def test_an_unreadable_stored_state_is_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with opened(tmp_path / "policybot.db") as db:
        db.query(
            lambda c: c.execute(
                "INSERT INTO chat_state VALUES (?, ?, ?, ?)", (CHAT.channel, CHAT.chat_id, "{not json", T0)
            )
        )
        with caplog.at_level(logging.WARNING):
            assert SqliteChatStates(db).load(CHAT) == ChatState()
    assert caplog.records


@pytest.mark.parametrize(
    "query, message",
    [
        ({"kind": "item", "item": "combined", "facts": {}, "inputs": {}}, "詳細"),
        ({"kind": "closeout", "facts": {}, "inputs": {"end": "2027-07-31"}}, "英文呢"),
        ({"kind": "ceiling", "facts": {"classes": {"a": 1}}, "inputs": {}}, "那13班呢"),
        ({"kind": "item", "item": "meals", "facts": {}, "inputs": {"people": "thirty"}}, "一整天呢"),
        ({"kind": "verdict", "item": "combined", "facts": {}, "inputs": {}}, "有"),
        ({"kind": "school_year", "facts": {}, "inputs": {"year": 1e308}}, "英文呢"),
        ({"kind": "transfer", "facts": {}, "inputs": {"base": 1e308}}, "詳細"),
    ],
    ids=[
        "combined without parts",
        "closeout with a string date",
        "classes as an object",
        "people in words",
        "a verdict on combined items",
        "a huge school year",
        "a huge transfer base",
    ],
)
def test_a_stored_topic_in_another_shape_does_not_break_the_chat(
    knowledge: Knowledge, query: dict[str, Any], message: str
) -> None:
    states = MemoryChatStates()
    asked = "branch" if message == "有" else None  # 「有」 answers the bot's question: is there a branch?
    stored = {"lang": "en", "school": SCHOOL, "topic": {"query": query, "asked": asked, "at": T0, "lang": "zh"}}
    states.save(CHAT, ChatState.from_json(json.dumps(stored)))
    reply = dialog_on(knowledge, states).handle_text(CHAT, message)
    assert reply.text.strip()
    after = states.load(CHAT)
    assert (after.lang, after.school) == ("en", SCHOOL)  # the topic may go; what the chat told stays


# -- the SQLite store across restarts ---------------------------------------------------------


def test_school_facts_and_lang_survive_a_restart_of_the_services(tmp_path: Path) -> None:
    path = tmp_path / "policybot.db"
    first = build_services(Settings(db_path=path, topic_minutes=5))
    try:
        assert first.dialog.topic_seconds == 5 * 60
        assert first.dialog.handle_text(CHAT, "/lang en").lang == "en"
        first.dialog.handle_text(CHAT, "/school 模式二 8班 2領域 分校")
    finally:
        first.store.close()

    second = build_services(Settings(db_path=path, topic_minutes=5))  # a new process, the same file
    try:
        state = second.dialog.memory.peek(CHAT)
        assert state.lang == "en" and state.school == SCHOOL | {"branch": True}
        shown = second.dialog.handle_text(CHAT, "/school")
        assert shown.lang == "en" and "mode 2, 8 classes" in shown.text
        reply = second.dialog.handle_text(CHAT, "How much funding can we get at most?")
        assert reply.lang == "en" and reply.route == CALCULATION
        assert "(Using what you said: mode 2, 8 classes" in reply.text and "1,200,000" in reply.text
        assert second.dialog.memory.peek(ChatRef("line", CHAT.chat_id)) == ChatState()  # another channel
    finally:
        second.store.close()


def test_a_topic_within_the_quiet_minutes_is_followed_up_after_a_restart(knowledge: Knowledge, tmp_path: Path) -> None:
    now = [T0]
    with opened(tmp_path / "policybot.db") as db:
        first = dialog_on(knowledge, SqliteChatStates(db), lambda: now[0], topic_minutes=5)
        assert "1,150,000" in first.handle_text(CHAT, SCHOOL_QUESTION).text
    now[0] += 4 * 60
    with opened(tmp_path / "policybot.db") as db:
        restarted = dialog_on(knowledge, SqliteChatStates(db), lambda: now[0], topic_minutes=5)
        reply = restarted.handle_text(CHAT, "那13班呢")
        assert reply.route == CALCULATION and "13 班" in reply.text and "1,350,000" in reply.text
        assert reply.context == {"mode": 2, "domains": 2}


def test_a_chat_writing_simplified_is_answered_in_simplified_across_a_restart(
    knowledge: Knowledge, tmp_path: Path
) -> None:
    with opened(tmp_path / "policybot.db") as db:
        first = dialog_on(knowledge, SqliteChatStates(db))
        reply = first.handle_text(CHAT, "我们是模式二 8班 2个领域 最多补助多少")
        assert "1,150,000" in reply.text and "补助" in reply.text and "補助" not in reply.text
    with opened(tmp_path / "policybot.db") as db:
        restarted = dialog_on(knowledge, SqliteChatStates(db))
        # 「那13班呢」 is written alike in both scripts: the chat's script is remembered
        follow_up = restarted.handle_text(CHAT, "那13班呢")
        assert "1,350,000" in follow_up.text and "补助" in follow_up.text
        restarted.memory.forget(CHAT, keep_lang=True)  # /forget keeps how the chat writes
        assert restarted.memory.peek(CHAT).simplified
        # a message in Traditional is answered in Traditional from then on
        assert "補助" in restarted.handle_text(CHAT, "模式一 20班 最多補助多少").text
        assert "補助" in restarted.handle_text(CHAT, "那13班呢").text


def test_an_old_topic_is_not_followed_up_after_a_restart_but_the_schools_facts_are_kept(
    knowledge: Knowledge, tmp_path: Path
) -> None:
    now = [T0]
    with opened(tmp_path / "policybot.db") as db:
        first = dialog_on(knowledge, SqliteChatStates(db), lambda: now[0], topic_minutes=5)
        assert "1,150,000" in first.handle_text(CHAT, SCHOOL_QUESTION).text
        assert first.handle_text(CHAT, "詳細").route == CALCULATION  # a follow-up, while the topic is fresh
    now[0] += 5 * 60 + 1
    with opened(tmp_path / "policybot.db") as db:
        restarted = dialog_on(knowledge, SqliteChatStates(db), lambda: now[0], topic_minutes=5)
        state = restarted.memory.peek(CHAT)
        assert state.school == SCHOOL
        assert state.current_topic(now[0], restarted.topic_seconds) is None
        details = restarted.handle_text(CHAT, "詳細")
        assert details.route != CALCULATION and "1,150,000" not in details.text
        follow_up = restarted.handle_text(CHAT, "那13班呢")
        assert not (follow_up.route == CALCULATION and "13 班" in follow_up.text)
        reply = restarted.handle_text(CHAT, "補助上限多少")
        assert reply.route == CALCULATION and "1,150,000" in reply.text
        assert "（依您先前說的：模式二・8 班・2 個領域以上）" in reply.text
        assert reply.context == SCHOOL


# -- migration 4 ----------------------------------------------------------------------------


def test_migration_4_moves_the_lang_of_chat_settings_into_chat_state(knowledge: Knowledge, tmp_path: Path) -> None:
    path = tmp_path / "policybot.db"
    with closing(sqlite3.connect(path)) as old:  # a database written by a version before migration 4
        old.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        for version, statements in MIGRATIONS:
            if version <= 3:
                for statement in statements:
                    old.execute(statement)
                old.execute("INSERT INTO schema_version VALUES (?)", (version,))
        old.executemany(
            "INSERT INTO chat_settings VALUES (?, ?, ?, '2025-08-01T09:00:00+08:00')",
            [("telegram", "1001", "en"), ("line", "U1001", "zh"), ("line", "U2002", "en")],
        )
        old.execute(
            "INSERT INTO subscriptions (channel, chat_id, created_at) VALUES ('telegram', '1001', '2025-08-01')"
        )
        old.commit()

    with opened(path) as db:
        assert db.schema_version() >= 4
        tables = {r[0] for r in db.query(lambda c: c.execute("SELECT name FROM sqlite_master").fetchall())}
        assert "chat_settings" not in tables and "chat_state" in tables
        states = SqliteChatStates(db)
        assert states.load(CHAT) == ChatState(lang="en")
        assert states.load(ChatRef("line", "U1001")) == ChatState(lang="zh")
        assert states.load(ChatRef("line", "U2002")) == ChatState(lang="en")
        assert states.load(ChatRef("line", "1001")) == ChatState()
        kinds = db.query(lambda c: c.execute("SELECT DISTINCT typeof(updated_at) FROM chat_state").fetchall())
        assert kinds == [("real",)]
        assert db.query(lambda c: c.execute("SELECT COUNT(*) FROM subscriptions").fetchone())[0] == 1

        dialog = dialog_on(knowledge, states)
        assert dialog.language(CHAT) == "en"
        assert dialog.handle_text(CHAT, "/help").lang == "en"
        dialog.handle_text(CHAT, "/school 模式二 8班 2領域")
        assert states.load(CHAT) == ChatState(lang="en", school=SCHOOL)


# -- the per-chat lock --------------------------------------------------------------------------


def _run_threads(targets: list[Callable[[], None]]) -> None:
    errors: list[BaseException] = []

    def guarded(target: Callable[[], None]) -> None:
        try:
            target()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    assert not errors, errors


def test_concurrent_turns_of_one_chat_never_lose_each_others_facts(knowledge: Knowledge, tmp_path: Path) -> None:
    """20 threads, as LINE delivers a group's messages: each tells its own chat its class count,
    and, all at once, tells a shared chat one fact of five (four shared chats, five threads each,
    over several rounds); every fact must be there at the end: no turn overwrote the state another
    turn of the same chat had saved."""
    facts = ["/school 模式二", "/school 12班", "/school 2領域", "/school 國小", "/school 分校"]
    rounds, groups = 6, 4
    with opened(tmp_path / "policybot.db") as db:
        dialog = dialog_on(knowledge, SqliteChatStates(db))
        start = threading.Barrier(groups * len(facts))

        def worker(i: int) -> Callable[[], None]:
            group, fact = divmod(i, len(facts))

            def run() -> None:
                own = ChatRef("line", f"user-{i}")
                dialog.handle_text(own, f"我們是模式一 {10 + i}班 最多補助多少")
                for r in range(rounds):
                    start.wait()
                    dialog.handle_text(ChatRef("line", f"group-{group}-{r}"), facts[fact])
                dialog.handle_text(own, "模式二呢")

            return run

        switch = sys.getswitchinterval()
        sys.setswitchinterval(1e-6)  # switch threads as often as possible, so that turns interleave
        try:
            _run_threads([worker(i) for i in range(groups * len(facts))])
        finally:
            sys.setswitchinterval(switch)
        for i in range(groups * len(facts)):
            state = dialog.memory.peek(ChatRef("line", f"user-{i}"))
            assert state.school == {"mode": 1, "classes": 10 + i}, i
            assert state.topic is not None and state.topic.query is not None
            assert state.topic.query.facts.get("classes") == 10 + i and state.topic.query.facts.get("mode") == 2
        everything = {"mode": 2, "classes": 12, "domains": 2, "level": "國小", "branch": True}
        for group in range(groups):
            for r in range(rounds):
                assert dialog.memory.peek(ChatRef("line", f"group-{group}-{r}")).school == everything, (group, r)


def test_the_lock_serialises_read_modify_write_of_one_chat(tmp_path: Path) -> None:
    with opened(tmp_path / "policybot.db") as db:
        memory = ChatMemory(SqliteChatStates(db))
        shared = ChatRef("cli", "shared")

        def bump(chat: ChatRef) -> None:
            with memory.turn(chat) as box:
                count = int(box[0].school.get("classes", 0))
                time.sleep(0.0005)  # a turn takes time: without the lock, others would read the old count
                box[0] = replace(box[0], school={"classes": count + 1})

        def worker(i: int) -> Callable[[], None]:
            def run() -> None:
                for _ in range(10):
                    bump(shared)
                    bump(ChatRef("cli", f"own-{i}"))

            return run

        _run_threads([worker(i) for i in range(20)])
        assert memory.peek(shared).school == {"classes": 200}
        assert all(memory.peek(ChatRef("cli", f"own-{i}")).school == {"classes": 10} for i in range(20))


def test_one_chats_turn_does_not_hold_up_another_chat() -> None:
    memory = ChatMemory()
    a, b = ChatRef("line", "a"), ChatRef("line", "b")
    inside, release = threading.Event(), threading.Event()
    second_done = threading.Event()

    def hold_a() -> None:
        with memory.turn(a):
            inside.set()
            release.wait(10)

    def second_turn_of_a() -> None:
        with memory.turn(a) as box:
            box[0] = replace(box[0], lang="en")
        second_done.set()

    holder = threading.Thread(target=hold_a)
    holder.start()
    assert inside.wait(10)
    waiter = threading.Thread(target=second_turn_of_a)
    waiter.start()
    with memory.turn(b) as box:  # another chat goes on while a's turn is running
        box[0] = replace(box[0], lang="zh")
    assert memory.peek(b).lang == "zh"
    assert not second_done.wait(0.2)  # a's second delivery waits for the first
    release.set()
    holder.join(10)
    waiter.join(10)
    assert second_done.is_set() and memory.peek(a).lang == "en"


# -- a store that fails ---------------------------------------------------------------------------


class FailingStates(MemoryChatStates):
    """A store whose writes (and, with `reads`, reads too) fail like a full or locked disk."""

    def __init__(self, reads: bool = False) -> None:
        super().__init__()
        self.reads = reads
        self.saves = 0

    def load(self, chat: ChatRef) -> ChatState:
        if self.reads:
            raise StoreError("The database /data/policybot.db is locked by another process")
        return super().load(chat)

    def save(self, chat: ChatRef, state: ChatState) -> None:
        self.saves += 1
        raise StoreError("Cannot use the database /data/policybot.db: disk I/O error")

    def forget(self, chat: ChatRef) -> None:
        raise StoreError("Cannot use the database /data/policybot.db: disk I/O error")


@pytest.mark.parametrize("reads", [False, True], ids=["writes fail", "reads and writes fail"])
def test_a_failing_store_is_logged_and_every_turn_is_still_answered(
    knowledge: Knowledge, caplog: pytest.LogCaptureFixture, reads: bool
) -> None:
    states = FailingStates(reads)
    dialog = dialog_on(knowledge, states)
    with caplog.at_level(logging.WARNING, logger="handlers.memory"):
        reply = dialog.handle_text(CHAT, SCHOOL_QUESTION)
        assert reply.route == CALCULATION and "1,150,000" in reply.text
        assert dialog.handle_text(CHAT, "結案要什麼時候交？").intent == "moe.closeout"
        assert dialog.handle_text(CHAT, "/lang en").text == t("lang_set", "en")
        assert dialog.handle_text(CHAT, "/school 模式一 20班").text.strip()
        assert dialog.handle_text(CHAT, "/forget").text == t("forgotten", "zh")  # nothing was remembered
        assert dialog.handle_text(CHAT, "20").text.strip()
        assert dialog.language(CHAT) == "zh"
    assert states.saves >= 3
    messages = [r.getMessage() for r in caplog.records]
    assert any("cannot store the memory of telegram:1001" in m for m in messages)
    assert any("cannot forget the memory of telegram:1001" in m for m in messages)
    if reads:
        assert any("cannot read the memory of telegram:1001" in m for m in messages)
    assert all("Traceback" not in m for m in messages)


def test_a_closed_database_does_not_stop_the_chat(
    knowledge: Knowledge, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = Database(tmp_path / "policybot.db")
    dialog = dialog_on(knowledge, SqliteChatStates(db))
    dialog.handle_text(CHAT, "/school 模式二 8班 2領域")
    db.close()  # e.g. the file went away under a running bot
    with caplog.at_level(logging.WARNING, logger="handlers.memory"):
        reply = dialog.handle_text(CHAT, "模式一 20班 最多補助多少")
    assert reply.route == CALCULATION and "250,000" in reply.text
    assert any("cannot read the memory" in r.getMessage() for r in caplog.records)


def test_a_simplified_chats_buttons_and_card_are_shown_in_simplified_with_their_data_unchanged(
    knowledge: Knowledge,
) -> None:
    dialog = dialog_on(knowledge, MemoryChatStates())
    traditional = dialog_on(knowledge, MemoryChatStates()).handle_text(CHAT, "模式二 8班 2個領域 最多補助多少")
    reply = dialog.handle_text(CHAT, "模式二 8班 2个领域 最多补助多少")
    assert reply.buttons and reply.card is not None and traditional.card is not None
    assert [b.data for b in reply.buttons] == [b.data for b in traditional.buttons]
    assert [b.label for b in reply.buttons] != [b.label for b in traditional.buttons]
    assert reply.card.headline == traditional.card.headline  # "1,150,000 元"
    assert "补助" in reply.card.title and "補助" in traditional.card.title
    # a tapped button is answered in the chat's script too
    tapped = dialog.handle_button(CHAT, reply.buttons[0].data)
    assert to_simplified(tapped.text) == tapped.text != to_traditional(tapped.text)
