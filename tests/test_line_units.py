"""The LINE adapter's parts on their own: signature, message fitting, rate limiter, event log,
group addressing."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import random
import re
import sqlite3
import time
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.dialog import Button, Reply
from handlers.event_log import EventLog
from handlers.line import (
    MAX_LABEL,
    MAX_MESSAGES,
    MAX_QUICK_REPLIES,
    MAX_TEXT,
    _addressed_text,
    to_messages,
    verify_signature,
)
from reminders.database import MIGRATIONS, Database
from reminders.ratelimit import RateLimiter


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_signature_is_the_base64_hmac_of_the_raw_body() -> None:
    body = '{"events":[{"type":"message","message":{"text":"結案"}}]}'.encode()
    good = base64.b64encode(hmac.new(b"secret", body, hashlib.sha256).digest()).decode()
    assert verify_signature("secret", body, good)
    assert not verify_signature("secret", body + b" ", good)
    assert not verify_signature("other", body, good)
    assert not verify_signature("secret", body, None)
    assert not verify_signature("secret", body, "")
    assert not verify_signature("secret", body, "非ASCII的簽章")


_texts = st.lists(
    st.one_of(
        st.text(alphabet="補助上限說明。，\n ab", min_size=1, max_size=3000),
        st.text(alphabet="📖⏰😀字", min_size=1, max_size=3000),
    ),
    min_size=1,
    max_size=12,
).map("".join)


@settings(max_examples=60, deadline=None)
@given(_texts)
def test_every_reply_fits_lines_limits(text: str) -> None:
    messages = to_messages(Reply(text))
    assert 1 <= len(messages) <= MAX_MESSAGES
    assert all(_utf16_len(m.text) <= MAX_TEXT for m in messages)
    if "回答太長" not in messages[-1].text:  # not cut short: nothing lost but whitespace
        assert re.sub(r"\s", "", "".join(m.text for m in messages)) == re.sub(r"\s", "", text)


def test_buttons_become_postback_quick_replies_on_the_last_message() -> None:
    buttons = [Button(f"第 {i} 個很長很長很長很長很長很長的建議主題", f"ask:topic.{i}") for i in range(15)]
    messages = to_messages(Reply("說明。" * 3000, buttons))
    assert len(messages) == 2 and messages[0].quick_reply is None
    items = messages[-1].quick_reply.items
    assert len(items) == MAX_QUICK_REPLIES
    action = items[0].action
    assert action.type == "postback" and action.data == "ask:topic.0"
    assert len(action.label) <= MAX_LABEL and action.display_text == buttons[0].label


async def test_rate_limiter_never_lets_more_than_rate_requests_touch_a_window() -> None:
    rate, period = 5, 0.05
    limiter = RateLimiter(rate, period)
    spans: list[tuple[float, float]] = []

    async def request(duration: float) -> None:
        async with limiter.slot():
            start = time.monotonic()
            await asyncio.sleep(duration)
            spans.append((start, time.monotonic()))

    began = time.monotonic()
    await asyncio.gather(*(request(random.uniform(0, 0.01)) for _ in range(40)))
    assert time.monotonic() - began >= (40 / rate - 1) * period
    for t in [s for s, _ in spans] + [e for _, e in spans]:
        assert sum(1 for s, e in spans if s < t + period and e >= t) <= rate


def test_event_log_remembers_ids_across_restarts_and_forgets_old_ones(tmp_path: Path) -> None:
    now = [1000.0]
    path = tmp_path / "policybot.db"
    db = Database(path)
    log = EventLog("line", db, memory=2, retention=60, clock=lambda: now[0])
    assert log.claim("a") and not log.claim("a")
    assert log.claim("b") and log.claim("c")
    assert not log.claim("a")  # out of memory, still in the table
    assert EventLog("telegram", db, clock=lambda: now[0]).claim("a")  # another channel's ids are its own
    db.close()

    restarted_db = Database(path)
    restarted = EventLog("line", restarted_db, retention=60, clock=lambda: now[0])
    assert not restarted.claim("b")
    now[0] += 61
    assert restarted.claim("new")  # pruned what is older than the retention
    assert restarted.claim("c")
    restarted_db.close()


def test_event_ids_of_the_old_line_table_survive_the_migration(tmp_path: Path) -> None:
    path = tmp_path / "policybot.db"
    old = sqlite3.connect(path)  # a database written by a version before migration 3
    for version, statements in MIGRATIONS:
        if version < 3:
            old.executescript(";".join(statements))
    old.executescript(
        "CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (1), (2);"
        "CREATE TABLE line_webhook_events (event_id TEXT PRIMARY KEY, received_at REAL NOT NULL);"
        "INSERT INTO line_webhook_events VALUES ('seen-before', 1000.0);"
    )
    old.close()
    db = Database(path)
    assert db.schema_version() >= 3
    assert not EventLog("line", db, clock=lambda: 1001.0).claim("seen-before")
    db.close()


def test_event_log_without_a_database_keeps_a_bounded_memory() -> None:
    log = EventLog("line", memory=2)
    assert log.claim("a") and log.claim("b") and log.claim("c")
    assert not log.claim("c") and log.claim("a")


def test_group_text_is_for_the_bot_only_when_addressed() -> None:
    self_mention = {"mentionees": [{"index": 3, "length": 10, "type": "user", "isSelf": True}]}
    assert _addressed_text({"text": "請問 @policybot 結案期限？", "mention": self_mention}) == "請問  結案期限？"
    assert _addressed_text({"text": "/deadlines"}) == "/deadlines"
    assert _addressed_text({"text": "結案期限？"}) is None
    other = {"mentionees": [{"index": 0, "length": 4, "type": "user", "userId": "U2"}]}
    assert _addressed_text({"text": "@王老師 結案期限？", "mention": other}) is None
    misplaced = {"mentionees": [{"index": 0, "length": 3, "isSelf": True}]}
    assert _addressed_text({"text": "結案期限？", "mention": misplaced}) == "結案期限？"
