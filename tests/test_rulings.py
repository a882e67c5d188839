"""A yes-or-no question whether something is allowed gets the plan's yes or no first
(knowledge/understand.py `asks_permission`, the entries' `yes_if`/`no_if`, Engine.ruling), and
only when the plan says it: a question that does not meet an entry's condition, or meets a yes and
a no at once, gets the rule alone. Questions here are written for this test, apart from the
quality sets."""

from __future__ import annotations

import pytest

from bench.conversations import scored_dialog
from bot.wiring import Knowledge
from handlers.dialog import ChatRef

YES_ZH, NO_ZH, YES_EN, NO_EN = "可以。", "不可以。", "Yes. ", "No. "

RULED = [
    # (question, the entry that answers it, the first words of the reply)
    ("已經拿了偏遠地區設施設備計畫的錢 還可以用這個計畫買相機嗎", "moe.item.remote_schools", NO_ZH),
    ("我們是偏遠學校 已經拿過設施設備計畫補助 還可以買平板嗎", "moe.item.remote_schools", NO_ZH),
    ("國中部跟國小部可以分別提計畫嗎", "moe.apply.divisions", YES_ZH),
    ("學校可以直接把計畫送教育部嗎", "moe.apply.procedure", NO_ZH),
    ("部領跟生活化的經常門可以互相挪用嗎", "moe.cap.no_pooling", NO_ZH),
    ("教案可以拿去賣嗎", "moe.licence", NO_ZH),
    ("模式一可以編場地費嗎", "moe.item.venue", NO_ZH),
    ("代理老師可以報英檢嗎", "moe.item.english_test_fee", YES_ZH),
    # 代理 meets a yes; 代理 with 兩個月 a more particular no
    ("代理兩個月可以報英檢嗎", "moe.item.english_test_fee", NO_ZH),
    ("分校的經費可以多分一些嗎", "moe.cap.branch", YES_ZH),
    ("Is it OK to mix Chinese and English in the same sentence when teaching?", "moe.pl.correct_english", NO_EN),
    ("Can the expert pool consult with us online?", "moe.support.expert_pool", YES_EN),
    ("Could our junior high and elementary divisions apply separately?", "moe.apply.divisions", YES_EN),
]

RULE_ALONE = [
    # the plan's no is for remote schools already funded by the other equipment plan: not said here
    ("偏遠學校可以用這個計畫買相機嗎", "moe.item.remote_schools"),
    # a yes (the listening-reading part once) and a no (twice) at once
    ("多益聽讀可以報兩次嗎", "moe.item.english_test_fee"),
]


def _ask(knowledge: Knowledge, text: str) -> dict:
    return scored_dialog(knowledge).handle_text(ChatRef("test", "rulings"), text).to_json()


@pytest.mark.parametrize(("question", "entry", "first"), RULED)
def test_a_permission_question_gets_the_plans_yes_or_no_first(knowledge, question, entry, first) -> None:
    reply = _ask(knowledge, question)
    assert (reply["route"], reply["intent"]) == ("answer", entry)
    assert reply["answer"].startswith(first)
    rule = knowledge.engine.kb.entries[entry].answer.get(reply["lang"])
    assert rule.splitlines()[0] in reply["answer"]  # the rule follows, as it would without the yes or no


@pytest.mark.parametrize(("question", "entry"), RULE_ALONE)
def test_the_rule_alone_when_the_question_does_not_settle_it(knowledge, question, entry) -> None:
    reply = _ask(knowledge, question)
    assert (reply["route"], reply["intent"]) == ("answer", entry)
    assert not reply["answer"].startswith((YES_ZH, NO_ZH, YES_EN, NO_EN))


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("可以同時申請嗎", True),
        ("能不能用線上的", True),
        ("Is that allowed?", True),
        ("Can we apply twice?", True),
        ("最多可以報多少", False),  # an amount
        ("可以買哪些設備", False),  # a wh-question
        ("What can we buy with capital funds?", False),
        ("住宿費上限", False),
    ],
)
def test_what_counts_as_a_permission_question(knowledge, text, asks) -> None:
    assert knowledge.engine.understand(text, knowledge.rules).asks_permission is asks


def test_an_entry_without_conditions_never_rules(knowledge) -> None:
    u = knowledge.engine.understand("住宿費可以報嗎", knowledge.rules)
    assert u.asks_permission
    assert knowledge.engine.ruling(u, "moe.item.lodging") is None
    assert knowledge.engine.ruling(u, None) is None


def test_the_leads_six_periods_yes_for_one_and_no_for_two(knowledge) -> None:
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "two-leads")
    one = dialog.handle_text(chat, "我們是模式二 總召可以減到6節嗎").to_json()
    assert one["intent"] == "moe.teaching_load" and one["answer"].startswith(YES_ZH)
    two = dialog.handle_text(chat, "那兩位總召都減6節可以嗎").to_json()
    assert (two["route"], two["intent"]) == ("calculation", "moe.teaching_load")
    assert two["answer"].startswith("不可以") and "以 1 人為限" in "\n".join(two["answer"].splitlines()[1:3])


def test_a_follow_up_of_a_permission_question_is_ruled_too(knowledge) -> None:
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "follow-up-ruling")
    first = dialog.handle_text(chat, "行政人員可以報英檢報名費嗎").to_json()
    assert first["intent"] == "moe.item.english_test_fee" and first["answer"].startswith(YES_ZH)
    again = dialog.handle_text(chat, "那代理的呢 只代一個月").to_json()  # the same question, about another teacher
    assert again["intent"] == "moe.item.english_test_fee" and again["answer"].startswith(NO_ZH)
    how_much = dialog.handle_text(chat, "那報名費最多補助多少呢").to_json()  # a question of its own: no yes or no
    assert not how_much["answer"].startswith((YES_ZH, NO_ZH))


def test_an_english_test_verdict_follows_the_teacher_named_next(knowledge) -> None:
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", "test-taker")
    first = dialog.handle_text(chat, "我是體育老師 考B1的英檢報名費可以補助嗎").to_json()
    assert first["route"] == "calculation" and first["answer"].startswith("可以")
    english = dialog.handle_text(chat, "那英文老師呢").to_json()  # English teachers need B2
    assert english["route"] == "calculation" and english["answer"].startswith("不可以") and "B2" in english["answer"]


@pytest.mark.parametrize(
    ("first", "then", "ruled"),
    [
        ("英檢報名費可以報嗎", "代理老師也可以嗎", YES_ZH),
        ("英检报名费可以报吗", "代理老师也可以吗", YES_ZH),
        ("can I claim my TOEIC fee?", "what about for a substitute teacher?", YES_EN),
    ],
)
def test_a_case_the_last_rule_names_stays_with_that_rule(knowledge, first, then, ruled) -> None:
    """「代理老師也可以嗎」 after the English-test fee is that fee's question for a substitute (its
    yes_if names them), not the substitute-pay or student-transport entries the words resemble."""
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", f"case-{then}")
    assert dialog.handle_text(chat, first).to_json()["intent"] == "moe.item.english_test_fee"
    again = dialog.handle_text(chat, then).to_json()
    assert again["intent"] == "moe.item.english_test_fee" and again["answer"].startswith(ruled), again


@pytest.mark.parametrize(
    ("first", "then"),
    [("can I claim my TOEIC fee?", "what about substitute pay?"), ("英檢報名費可以報嗎", "那代課費呢")],
)
def test_a_cost_named_after_a_rule_is_its_own_question(knowledge, first, then) -> None:
    dialog = scored_dialog(knowledge)
    chat = ChatRef("test", f"cost-named-{then}")
    dialog.handle_text(chat, first)
    assert dialog.handle_text(chat, then).to_json()["intent"] == "moe.item.substitute_fee"
