"""Properties of whole conversations, over several chats at once (hypothesis).

Any sequence of turns (real questions, follow-ups, corrections, bare numbers, commands, button
taps, junk, emoji, floods) over several chats never raises and always answers; each chat's
memory is its own (interleaving chats changes nothing for any of them, and a fact one chat
tells never shows in another); a restart over the same SQLite file keeps what the chats told
and drops their topics once they are older than the quiet minutes.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.wiring import Knowledge
from handlers.dialog import ChatRef, Dialog, Reply
from handlers.memory import ChatMemory, ChatState, MemoryChatStates, SqliteChatStates
from handlers.replies import CALCULATION, CLARIFICATION
from reminders.database import Database

T0 = 1_800_000_000.0
TOPIC_MINUTES = 30
CHATS = ("a", "b", "c")
TAP = "#"  # an action "#1": tap the first button of the chat's last reply

QUESTIONS = [
    "我們是模式一 20班 最多補助多少",
    "模式二 13班 最多補助多少",
    "模式二 8班 2領域 最多補助多少",
    "How much can a 20-class school get in mode 1?",
    "結案要什麼時候交？",
    "部領可以用在哪些領域？",
    "住宿費一天上限多少？",
    "講座鐘點費外聘 講3節多少錢",
    "諮詢費半天多少",
    "雜支 經常門 50萬 可以編多少",
    "115/8/1~116/7/31 結案期限",
    "補助上限多少",
    "How much funding can we get at most?",
    "模式一 36班 有分校",
    "教師專業支持費用最多多少",
    "Can I claim my TOEIC fee?",
    "台北市的雙語計畫補助多少",
    "我們的計畫執行到116年7月31日",
    "our project period ends 2027/2/30",
    "核結最晚哪天",
]
FOLLOW_UPS = [
    "模式二呢",
    "那13班呢",
    "2個領域呢",
    "國中呢",
    "有分校的話",
    "what about 12 classes?",
    "and in mode 2?",
    "一整天呢",
    "那補充保費要編多少",
    "110學年度呢",
    "回到剛剛",
    "英文呢",
    "中文",
    "詳細",
    "details",
]
CORRECTIONS = ["不是，我是問模式二", "不好意思 是19班", "sorry, I meant mode 1", "我說錯了 是模式一"]
NUMBERS = ["20", "2", "1", "0", "-5", "2.5", "999", "有", "沒有", "yes", "no"]
COMMANDS = [
    "/school",
    "/school 模式二 8班 2領域",
    "/school mode 1 20 classes",
    "/school 分校",
    "/school 執行到7/31",
    "/forget",
    "/lang en",
    "/lang zh",
    "/cap",
    "/cap 模式二 8班",
    "/help",
    "/nonsense",
]
JUNK = [
    "",
    "   ",
    "asdfgh",
    "？？？",
    "\x00\x07",
    "😀😀",
    "🎉",
    "👍",
    "💰 多少 💰",
    "ㄅㄆㄇ",
    "<b>hi</b>",
    "'; DROP TABLE chat_state; --",
]
FLOODS = ["x" * 300, "補" * 300, "模式二 13班 " * 30, "😀" * 300, "那12班呢 " * 40]
POOL = QUESTIONS + FOLLOW_UPS + CORRECTIONS + NUMBERS + COMMANDS + JUNK + FLOODS

turns = st.lists(
    st.tuples(st.sampled_from(CHATS), st.sampled_from(POOL) | st.sampled_from([f"{TAP}1", f"{TAP}2"])),
    min_size=1,
    max_size=14,
)


def new_dialog(knowledge: Knowledge, states: Any, clock: Callable[[], float] = lambda: T0) -> Dialog:
    return Dialog(
        knowledge.engine,
        knowledge.rules,
        knowledge.calendar.rules,
        memory=ChatMemory(states),
        topic_minutes=TOPIC_MINUTES,
        clock=clock,
    )


@contextmanager
def sqlite_file() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder) / "policybot.db"


def chat(name: str) -> ChatRef:
    return ChatRef("telegram", name)


@dataclass
class Transcript:
    """The turns as they were played (taps resolved to button data) and each chat's replies."""

    played: list[tuple[str, str, bool]] = field(default_factory=list)  # (chat, text or data, is a tap)
    replies: dict[str, list[Reply]] = field(default_factory=dict)


def asks_back(dialog: Dialog, name: str) -> bool:
    state = dialog.memory.peek(chat(name))
    topic = state.current_topic(T0, dialog.topic_seconds)
    return topic is not None and topic.asked is not None


def play(dialog: Dialog, script: list[tuple[str, str]]) -> Transcript:
    """Play `script`; a tap picks a button of that chat's last reply (skipped when there is none)."""
    out = Transcript()
    for name, said in script:
        last = out.replies.get(name, [])
        if said.startswith(TAP):
            index = int(said[1:]) - 1
            if not last or index >= len(last[-1].buttons):
                continue
            data = last[-1].buttons[index].data
            reply = dialog.handle_button(chat(name), data)
            out.played.append((name, data, True))
        else:
            reply = dialog.handle_text(chat(name), said)
            out.played.append((name, said, False))
        out.replies.setdefault(name, []).append(reply)
    return out


def replay_alone(dialog: Dialog, transcript: Transcript, name: str) -> list[Reply]:
    replies = []
    for who, said, tapped in transcript.played:
        if who == name:
            replies.append(dialog.handle_button(chat(who), said) if tapped else dialog.handle_text(chat(who), said))
    return replies


def seen(reply: Reply) -> tuple[str, str, str, dict[str, Any], list[tuple[str, str]]]:
    return reply.text, reply.lang, reply.route, reply.context, [(b.label, b.data) for b in reply.buttons]


@settings(max_examples=30, deadline=None)
@given(turns)
def test_any_conversation_is_answered_and_each_chat_keeps_its_own_memory(
    knowledge: Knowledge, script: list[tuple[str, str]]
) -> None:
    with sqlite_file() as path:
        db = Database(path)
        try:
            dialog = new_dialog(knowledge, SqliteChatStates(db))
            transcript = play(dialog, script)
            for name, replies in transcript.replies.items():
                for reply in replies:
                    assert reply.text.strip(), (name, transcript.played)
                    assert reply.lang in ("zh", "en")
            # Interleaving chats changes nothing: each chat played alone, on a fresh memory, gets the
            # same replies and ends in the same state (which also survived the SQLite round trip).
            for name in transcript.replies:
                alone = new_dialog(knowledge, MemoryChatStates())
                assert [seen(r) for r in replay_alone(alone, transcript, name)] == [
                    seen(r) for r in transcript.replies[name]
                ], name
                assert dialog.memory.peek(chat(name)) == alone.memory.peek(chat(name)), name
        finally:
            db.close()


TELL_23 = ["我們是23班", "we have 23 classes", "/school 23班", "/school mode 2 23 classes 2 domains", "我們學校有23班"]
CEILING_QUESTIONS = ["補助上限多少", "How much funding can we get at most?", "/cap", "我們最多可以拿多少補助"]
_23 = re.compile(r"(?<![\d,.])23\s*(?:個)?\s*(?:班|classes)")


def carries_23(state: ChatState) -> bool:
    topics = []
    topic = state.topic
    if topic is not None:
        topics = [topic, *topic.earlier]
    values = [state.school.get("classes")] + [t.query.facts.get("classes") for t in topics if t.query is not None]
    values += [t.slots.get("classes") for t in topics]
    return 23 in values


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["b", "c"]), st.sampled_from(POOL)), max_size=8),
    st.sampled_from(TELL_23),
    st.sampled_from(CEILING_QUESTIONS),
)
def test_a_fact_told_in_one_chat_never_reaches_another(
    knowledge: Knowledge, before: list[tuple[str, str]], tell: str, question: str
) -> None:
    assert not any(_23.search(said) for _, said in before)
    dialog = new_dialog(knowledge, MemoryChatStates())
    play(dialog, before)
    dialog.handle_text(chat("a"), tell)
    assert dialog.memory.peek(chat("a")).school.get("classes") == 23
    for name in ("b", "c"):
        assert not carries_23(dialog.memory.peek(chat(name))), name
    reply = dialog.handle_text(chat("b"), question)
    assert reply.context.get("classes") != 23
    assert not _23.search(reply.text), reply.text
    assert not carries_23(dialog.memory.peek(chat("b")))
    assert dialog.memory.peek(chat("a")).school.get("classes") == 23


@settings(max_examples=15, deadline=None)
@given(turns)
def test_a_restart_keeps_what_chats_told_and_drops_old_topics(
    knowledge: Knowledge, script: list[tuple[str, str]]
) -> None:
    with sqlite_file() as path:
        db = Database(path)
        try:
            dialog = new_dialog(knowledge, SqliteChatStates(db))
            play(dialog, script)
            before = {name: dialog.memory.peek(chat(name)) for name in CHATS}
        finally:
            db.close()

        soon, later = T0 + TOPIC_MINUTES * 60 - 1, T0 + TOPIC_MINUTES * 60 + 1
        db = Database(path)  # a new process on the same file, a little later
        try:
            restarted = new_dialog(knowledge, SqliteChatStates(db), lambda: soon)
            for name in CHATS:
                state = restarted.memory.peek(chat(name))
                assert state == before[name], name
                assert state.current_topic(soon, restarted.topic_seconds) == before[name].topic
        finally:
            db.close()

        db = Database(path)  # and once more, after the quiet minutes
        try:
            restarted = new_dialog(knowledge, SqliteChatStates(db), lambda: later)
            for name in CHATS:
                state = restarted.memory.peek(chat(name))
                assert (state.lang, state.school) == (before[name].lang, before[name].school), name
                assert state.current_topic(later, restarted.topic_seconds) is None, name
                reply = restarted.handle_text(chat(name), "詳細")
                assert reply.text.strip() and reply.route != CALCULATION, name  # nothing to expand any more
        finally:
            db.close()


@pytest.mark.parametrize(
    "first, then",
    [("模式二 13班 最多補助多少", "詳細"), ("/cap", "details"), ("/cap", "button:details")],
    ids=["詳細 after an ask-back", "details after /cap", "the details button after /cap"],
)
def test_details_while_the_bot_asks_back_is_answered(knowledge: Knowledge, first: str, then: str) -> None:
    dialog = new_dialog(knowledge, MemoryChatStates())
    asked = dialog.handle_text(chat("a"), first)
    assert asked.route == CLARIFICATION
    if then.startswith("button:"):
        reply = dialog.handle_button(chat("a"), then[len("button:") :])
    else:
        reply = dialog.handle_text(chat("a"), then)
    assert reply.route == CLARIFICATION  # the same question asked again ("details" asks it in English)
    assert [b.data for b in reply.buttons] == [b.data for b in asked.buttons]
    assert asks_back(dialog, "a")
