"""Chat command replies: /deadlines, /subscribe, /unsubscribe, /reminders, in both languages."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reminders.calendar import TAIPEI, PlanCalendar
from reminders.commands import ReminderCommands
from reminders.store import DEFAULT_LEAD_DAYS, SubscriptionStore

CAL = PlanCalendar.load()
NOW = datetime(2027, 8, 1, 12, 0, tzinfo=TAIPEI)


@pytest.fixture
def store(tmp_path: Path):
    s = SubscriptionStore(tmp_path / "policybot.db", busy_timeout_ms=100)
    yield s
    s.close()


@pytest.fixture
def commands(store) -> ReminderCommands:
    return ReminderCommands(store, CAL, clock=lambda: NOW)


def test_deadlines_zh(commands):
    text = commands.deadlines("zh")
    assert "2027-09-30（還有 60 天）" in text
    assert "六(二)2" in text and "假設核定執行期間為 115 學年度" in text
    assert "• 2027-07-31" not in text  # already past on 2027-08-01
    assert "尚未訂定日期" in text and "由縣市政府訂定" in text


def test_deadlines_en(commands):
    text = commands.deadlines("en")
    assert "2027-09-30 (60 days left)" in text and "Assumes the approved execution period" in text
    assert "Not dated yet" in text and "Presumably set by the county/city" in text
    assert "還有" not in text


def test_subscribe_all_defaults_and_next_reminder(commands, store):
    reply = commands.subscribe("telegram", "42", "", "zh")
    assert "全部期限" in reply and "30、14、7、1" in reply and "09:00" in reply
    assert "下一次提醒：2027-08-31 09:00" in reply
    sub = store.get("telegram", "42")
    assert sub.kinds is None and sub.lead_days == DEFAULT_LEAD_DAYS and sub.lang == "zh"


def test_subscribe_kinds_and_lead_days(commands, store):
    reply = commands.subscribe("line", "U1", "核結, open_classroom 30,7,1", "en")
    assert "close-out" in reply and "open classroom" in reply and "30, 7 and 1 days" in reply
    sub = store.get("line", "U1")
    assert sub.kinds == frozenset({"closeout", "open_classroom"}) and sub.lead_days == (30, 7, 1)
    commands.subscribe("line", "U1", "14 3", "en")  # only lead days: kinds are kept
    assert store.get("line", "U1").kinds == frozenset({"closeout", "open_classroom"})
    assert store.get("line", "U1").lead_days == (14, 3)
    commands.subscribe("line", "U1", "全部", "en")  # only kinds: lead days are kept
    assert store.get("line", "U1").kinds is None and store.get("line", "U1").lead_days == (14, 3)


def test_subscribe_accepts_full_width_and_day_suffixes(commands, store):
    commands.subscribe("telegram", "7", "/subscribe@policybot 核結 ３０天，７天、１", "zh")
    assert store.get("telegram", "7").lead_days == (30, 7, 1)


@pytest.mark.parametrize(
    ("args", "zh_part", "en_part"),
    [
        ("holidays", "不認識的種類：holidays", "Unknown kind: holidays"),
        ("-7", "0 到 365", "from 0 to 365"),
        ("30,-1", "0 到 365", "from 0 to 365"),
        ("100000", "0 到 365", "from 0 to 365"),
        ("1.5", "0 到 365", "from 0 to 365"),
        ("1 2 3 4 5 6 7 8 9", "最多設定 8 個", "At most 8"),
        ("x" * 100_000, "參數太長", "too long"),
        ("\x00\x01 💥 <script>", "不認識的種類", "Unknown kind"),
    ],
)
def test_bad_arguments_get_a_polite_reply_in_the_chat_language(commands, store, args, zh_part, en_part):
    zh = commands.subscribe("telegram", "42", args, "zh")
    en = commands.subscribe("telegram", "42", args, "en")
    assert zh_part in zh and "用法" in zh
    assert en_part in en and "Usage" in en
    assert len(zh) < 1000 and len(en) < 1000  # junk is never echoed back in full
    assert store.get("telegram", "42") is None  # nothing was changed


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(args=st.text(max_size=300), lang=st.sampled_from(["zh", "en", "zh-TW", "en-US", "", "fr"]))
def test_any_text_gets_a_reply_never_an_exception(commands, args, lang):
    reply = commands.subscribe("telegram", "fuzz", args, lang)
    assert isinstance(reply, str) and reply and len(reply) < 2000


def test_status_and_unsubscribe(commands, store):
    assert "目前沒有訂閱" in commands.status("telegram", "42", "zh")
    assert "not subscribed" in commands.status("telegram", "42", "en")
    commands.subscribe("telegram", "42", "closeout 7", "en")
    status = commands.status("telegram", "42", "en")
    assert "close-out" in status and "7 days before" in status
    assert "Next reminder: 2027-09-23 09:00" in status
    assert "已取消訂閱" in commands.unsubscribe("telegram", "42", "zh")
    assert store.get("telegram", "42") is None
    assert "目前沒有訂閱" in commands.unsubscribe("telegram", "42", "zh")


def test_status_after_the_last_deadline(store):
    late = ReminderCommands(store, CAL, clock=lambda: datetime(2040, 1, 1, tzinfo=TAIPEI))
    late.subscribe("telegram", "42", "", "zh")
    assert "目前沒有即將提醒的期限" in late.status("telegram", "42", "zh")
    assert "目前沒有即將到來的期限" in late.deadlines("zh")


def test_forget_chat(commands, store):
    commands.subscribe("line", "U9", "", "zh")
    commands.forget_chat("line", "U9")
    assert store.get("line", "U9") is None
    commands.forget_chat("line", "never-subscribed")  # harmless


def test_locked_database_gives_a_polite_reply(commands, store):
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        assert "稍後再試" in commands.subscribe("telegram", "42", "", "zh")
        assert "try again later" in commands.unsubscribe("telegram", "42", "en")
    finally:
        other.execute("ROLLBACK")
        other.close()
