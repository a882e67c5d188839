"""Calculator questions in chat: natural language (zh, Simplified, full-width, numerals, en) and `/cap`."""

from __future__ import annotations

import pytest

from knowledge.calc_chat import CalcReply, cap_command, try_calculation
from knowledge.calculators import SchoolFacts

TELEGRAM_CALLBACK_LIMIT = 64  # bytes


def _tap(reply: CalcReply, label_part: str, lang: str, keep_pending: bool = True) -> CalcReply:
    """Tap the button whose label contains `label_part`, as the dialog would."""
    data = next(data for label, data in reply.options if label_part in label)
    assert data.startswith("/cap ")
    return cap_command(data.removeprefix("/cap "), lang, reply.pending if keep_pending else None)


# -- ceilings in words ----------------------------------------------------------------


@pytest.mark.parametrize(
    "question, lang, expected",
    [
        (
            "我們 14 班、有分校，模式一最多多少？",
            "zh",
            ["250,000 元", "50,000 元", "合計 300,000 元", "60,000 元", "附件2 模式一"],
        ),
        ("我们十四班，有分校，模式一最多多少", "zh", ["合計 300,000 元"]),  # Simplified + numerals
        ("我們１４班，有分班，模式１最多補助多少？", "zh", ["合計 300,000 元"]),  # full-width, 分班
        (
            "模式二做兩個領域、八班，教師跟學生各多少？",
            "zh",
            ["600,000 元", "400,000 元", "合計 1,150,000 元", "180,000 元"],
        ),
        ("模式二 一個領域 十二班 最多多少", "zh", ["600,000 元", "400,000 元", "1 個領域、12–15 班"]),
        ("模式一 十二班 最多多少", "zh", ["合計 150,000 元", "12 班以下"]),
        ("模式一 三十六班 最多多少", "zh", ["合計 350,000 元", "36 班以上"]),
        (
            "模式二 兩個領域 10班 有分校 要開放課室 最多多少",
            "zh",
            ["合計 1,400,000 元", "可能另獲經常門 60,000 元", "不保證"],
        ),
        (
            "How much can a 20-class school get in mode 1 with a branch?",
            "en",
            ["NT$250,000", "NT$50,000", "Total: NT$300,000", "Annex 2, mode 1"],
        ),
        (
            "mode 2, 8 classes, two domains: how much for teachers and students?",
            "en",
            ["NT$600,000", "NT$400,000", "Total: NT$1,150,000"],
        ),
        ("What is the ceiling for mode 2 with 1 domain and 16 classes?", "en", ["NT$700,000", "NT$500,000"]),
    ],
)
def test_ceiling_questions(question: str, lang: str, expected: list[str]) -> None:
    reply = try_calculation(question, lang)
    assert reply is not None
    for text in expected:
        assert text in reply.text, (text, reply.text)
    assert reply.options == [] and reply.pending is None
    assert reply.sources and all(("附件2" if lang == "zh" else "Annex 2") in s for s in reply.sources)


@pytest.mark.parametrize(
    "question, lang",
    [
        ("住宿費上限多少", "zh"),
        ("部領可以用在哪些領域", "zh"),
        ("模式一的補助項目有哪些？", "zh"),
        ("模式一資本門上限是多少", "zh"),
        ("結案要什麼時候交？", "zh"),
        ("補充保費怎麼算", "zh"),
        ("20班的學校可以申請嗎", "zh"),
        ("", "zh"),
        ("   ", "en"),
        ("Which domains can bilingual teaching use?", "en"),
        ("What is the lodging cap?", "en"),
    ],
)
def test_not_calculations(question: str, lang: str) -> None:
    assert try_calculation(question, lang) is None


def test_a_reply_is_phone_sized_plain_text() -> None:
    reply = try_calculation("模式二 2個領域 8班 有分校 最多多少", "zh")
    assert reply is not None
    assert len(reply.text) < 1200 and all(len(line) < 160 for line in reply.text.splitlines())
    assert "<" not in reply.text and "*" not in reply.text


# -- asking back ----------------------------------------------------------------------


def test_missing_classes_is_asked_back_then_a_typed_number_answers() -> None:
    reply = try_calculation("我們模式一最多可以拿多少？", "zh")
    assert reply is not None and reply.text.startswith("請問貴校有幾班")
    assert reply.pending == SchoolFacts(mode=1, branch=False)
    assert [label for label, _ in reply.options] == ["12 班以下", "13–35 班", "36 班以上"]
    answer = try_calculation("14", "zh", reply.pending)
    assert answer is not None and "合計 250,000 元" in answer.text and answer.pending is None


def test_missing_mode_then_domains_in_english() -> None:
    reply = try_calculation("How much can a school with 8 classes get?", "en")
    assert reply is not None and reply.text.startswith("Which mode")
    reply = try_calculation("2", "en", reply.pending)
    assert reply is not None and "domains" in reply.text
    reply = try_calculation("2", "en", reply.pending)
    assert reply is not None and "Total: NT$1,150,000" in reply.text


def test_a_button_continues_the_ask_back() -> None:
    reply = try_calculation("模式二最多補助多少", "zh")
    assert reply is not None and "幾班" in reply.text
    reply = _tap(reply, "5–7", "zh")
    assert "領域" in reply.text
    reply = _tap(reply, "2 個領域以上", "zh")
    assert "5–9 班" in reply.text and reply.pending is None


def test_a_new_question_during_a_flow_is_not_taken_as_an_answer() -> None:
    reply = try_calculation("模式一最多多少", "zh")
    assert reply is not None
    assert try_calculation("分校可以分配經費嗎", "zh", reply.pending) is None
    assert try_calculation("部領可以用在哪些領域", "zh", reply.pending) is None


def test_absurd_facts_in_words_get_a_clear_message_and_the_question_again() -> None:
    reply = try_calculation("模式二 0班 2領域 最多多少", "zh")
    assert reply is not None
    assert "至少要 1 班" in reply.text and "幾班" in reply.text and reply.pending is not None
    reply = try_calculation("500", "zh", reply.pending)
    assert reply is not None and "不合理" in reply.text and reply.pending is not None


@pytest.mark.parametrize(
    "typed, zh",
    [
        ("-20", "至少要 1 班"),
        ("0", "至少要 1 班"),
        ("99999", "不合理"),
        ("1000000000000", "不合理"),
        ("2.5", "必須是整數"),
        ("1萬", "不合理"),
        ("-20班", "至少要 1 班"),
    ],
)
def test_an_impossible_typed_class_count_is_refused_and_the_question_stays_open(typed: str, zh: str) -> None:
    asked = try_calculation("模式一最多補助多少", "zh")
    assert asked is not None
    reply = try_calculation(typed, "zh", asked.pending)
    assert reply is not None and zh in reply.text and "合計" not in reply.text
    assert reply.pending == asked.pending and reply.options == asked.options
    final = try_calculation("20", "zh", reply.pending)
    assert final is not None and "合計 250,000 元" in final.text


def test_a_typed_domain_count_must_be_one_or_two() -> None:
    asked = cap_command("模式二 8班", "en")
    reply = try_calculation("-2", "en", asked.pending)
    assert reply is not None and "cannot be -2" in reply.text and reply.options == asked.options
    assert "Total: NT$1,150,000" in cap_command("5", "en", reply.pending).text  # 5 domains: two or more


@pytest.mark.parametrize(
    "question, zh",
    [
        ("我們 -5 班做模式一最多補助多少？", "至少要 1 班"),
        ("我們 2.5 班做模式一最多補助多少？", "必須是整數"),
        ("我們一萬班做模式一最多補助多少？", "不合理"),
        ("模式三 8班 最多補助多少", "模式只有模式一和模式二"),
    ],
)
def test_impossible_facts_in_a_question_are_refused_with_the_reason(question: str, zh: str) -> None:
    reply = try_calculation(question, "zh")
    assert reply is not None and zh in reply.text and "合計" not in reply.text and reply.options


def test_a_comparison_of_the_two_modes_is_not_read_as_a_mode() -> None:
    assert try_calculation("模式一和模式二有什麼不同", "zh") is None


def test_mode1_with_domains_is_explained() -> None:
    reply = try_calculation("模式一 2個領域 20班 最多多少", "zh")
    assert reply is not None and "模式一沒有部分領域" in reply.text and "合計 250,000 元" in reply.text


# -- /cap ----------------------------------------------------------------------------


def test_cap_with_all_facts() -> None:
    reply = cap_command("模式二 8班 2領域 分校", "zh")
    assert "合計 1,200,000 元" in reply.text and reply.pending is None and reply.options == []
    reply = cap_command("mode 2 8 classes 2 domains branch", "en")
    assert "Total: NT$1,200,000" in reply.text


@pytest.mark.parametrize(
    "lang, taps, total",
    [
        ("zh", ["模式二", "8–9", "2 個領域以上", "有分校", "自願開放"], "合計 1,200,000 元"),
        ("zh", ["模式一", "13–35", "沒有"], "合計 250,000 元"),
        ("zh", ["模式二", "16 班以上", "1 個領域", "沒有", "不開放"], "合計 1,350,000 元"),
        ("en", ["Mode 2", "4 classes or fewer", "1 domain", "No", "No"], "Total: NT$750,000"),
    ],
)
def test_cap_without_arguments_asks_step_by_step(lang: str, taps: list[str], total: str) -> None:
    reply = cap_command("", lang)
    assert reply.pending == SchoolFacts()
    for tap in taps:
        assert reply.options, reply.text
        assert all(len(data.encode()) <= TELEGRAM_CALLBACK_LIMIT for _, data in reply.options)
        reply = _tap(reply, tap, lang)
    assert total in reply.text and reply.pending is None and reply.options == []


def test_cap_step_questions_in_order() -> None:
    reply = cap_command("", "zh")
    questions = [reply.text]
    for tap in ["模式二", "10–11", "2 個領域以上", "沒有"]:
        reply = _tap(reply, tap, "zh")
        questions.append(reply.text)
    assert [
        "哪一種模式" in questions[0],
        "幾班" in questions[1],
        "領域" in questions[2],
        "分校" in questions[3],
        "觀課" in questions[4],
    ] == [True] * 5
    assert "30 校" in questions[4] and "60,000 元" in questions[4]


def test_cap_typed_answers_continue_the_flow() -> None:
    reply = cap_command("", "zh")
    for typed in ["2", "八班", "兩個領域", "有", "沒有"]:
        reply = try_calculation(typed, "zh", reply.pending) or cap_command(typed, "zh", reply.pending)
    assert "合計 1,200,000 元" in reply.text


def test_buttons_work_even_when_the_dialog_lost_pending() -> None:
    reply = cap_command("", "zh")
    reply = _tap(reply, "模式一", "zh", keep_pending=False)
    reply = _tap(reply, "36 班以上", "zh", keep_pending=False)
    assert "合計 350,000 元" in reply.text


@pytest.mark.parametrize(
    "args, lang, message",
    [
        ("模式1 500班", "zh", "不合理"),
        ("模式1 0班", "zh", "至少要 1 班"),
        ("hello", "en", "Usage: /cap"),
        ("模式1 2領域 10班", "zh", "模式一沒有部分領域"),
    ],
)
def test_cap_bad_arguments(args: str, lang: str, message: str) -> None:
    reply = cap_command(args, lang)
    assert message in reply.text


@pytest.mark.parametrize(
    "args, lang, message, asks",
    [
        ("模式一 -5班", "zh", "至少要 1 班", "幾班"),
        ("mode 1 -5 classes", "en", "at least 1", "How many classes"),
        ("模式二 -8班 2領域", "zh", "至少要 1 班", "幾班"),
        ("模式二 8班 -2領域", "zh", "不能是 -2", "幾個領域"),
        ("mode 2 8 classes -2 domains", "en", "cannot be -2", "how many domains"),
        ("模式一 2.5班", "zh", "必須是整數", "幾班"),
        ("mode 1 2.5 classes", "en", "whole number", "How many classes"),
        ("模式一 20000班", "zh", "不合理", "幾班"),
        ("模式一 1000000000000班", "zh", "不合理", "幾班"),
        ("模式一 一萬班", "zh", "10000 班不合理", "幾班"),
        ("mode 1 10,000 classes", "en", "not plausible", "How many classes"),
        ("模式三 8班", "zh", "模式只有模式一和模式二", "哪一種模式"),
        ("mode 3 8 classes", "en", "mode must be 1 or 2", "Which mode"),
        ("-5", "en", "mode must be 1 or 2", "Which mode"),
    ],
)
def test_cap_refuses_impossible_numbers_with_the_reason_and_asks_again(
    args: str, lang: str, message: str, asks: str
) -> None:
    reply = cap_command(args, lang)
    assert message in reply.text and asks in reply.text, reply.text
    assert reply.pending is not None and reply.options
    assert ("合計" if lang == "zh" else "Total") not in reply.text


def test_cap_keeps_the_valid_facts_of_a_refused_command() -> None:
    reply = cap_command("模式三 8班", "zh")
    assert reply.pending is not None and reply.pending.classes == 8 and reply.pending.mode is None
    assert "合計 1,150,000 元" in cap_command("2", "zh", cap_command("2", "zh", reply.pending).pending).text


@pytest.mark.parametrize(
    "lang, words", [("en", ("Which mode", "Total: NT$250,000")), ("zh", ("哪一種模式", "合計 250,000 元"))]
)
def test_every_reply_of_a_flow_follows_the_lang_passed_in(lang: str, words: tuple[str, str]) -> None:
    """Bare numbers have no language of their own: the reply is in the `lang` the caller passes."""
    reply = cap_command("20 classes", lang)
    assert words[0] in reply.text
    reply = try_calculation("1", lang, reply.pending)
    assert reply is not None and words[1] in reply.text
    assert all(("附件2" if lang == "zh" else "Annex 2") in source for source in reply.sources)


# -- items in words -------------------------------------------------------------------


@pytest.mark.parametrize(
    "question, lang, expected",
    [
        (
            "講座請外聘教授 2 節，補充保費要編多少？",
            "zh",
            ["4,000 元", "84 元", "附件3 全民健康保險補充保費", "附件3 講座鐘點費"],
        ),
        ("讲座请外聘教授２节，补充保费要编多少？", "zh", ["4,000 元", "84 元"]),
        ("內聘講師三節 鐘點費多少", "zh", ["3,000 元"]),
        (
            "請 2 位外聘講師各 3 節，另外諮詢 4 小時，補充保費多少",
            "zh",
            ["12,000 元", "1 人 × 4 小時", "338 元", "合計 16,338 元"],
        ),
        ("請隸屬機關學校人員演講 2 節", "zh", ["3,000 元"]),
        ("補充保費 10000元 要多少", "zh", ["211 元"]),
        ("出席費 3 人 要編多少", "zh", ["6,000 元"]),
        ("諮詢 半天 4小時 可以編多少", "zh", ["3,000 元", "3 小時"]),
        ("線上諮詢 5 小時", "zh", ["3,000 元"]),
        ("三十人午餐，膳費要編多少", "zh", ["3,600 元", "附件3 膳費"]),
        ("30人 全日 2天 膳費", "zh", ["20,400 元"]),
        ("住宿 2 人 3 晚 要多少", "zh", ["18,000 元"]),
        ("教學材料費 8班 20節 學生經費 40萬", "zh", ["128,000 元", "80,000 元"]),
        ("語言進修 3 人 多少", "zh", ["60,000 元", "部領"]),
        ("雜支最多多少？經常門 20萬", "zh", ["20,000 元"]),
        ("教材教具費上限，經常門 10萬", "zh", ["20,000 元"]),
        ("資料蒐集費 4萬 可以嗎", "zh", ["30,000 元"]),
        ("lunch for 30 people, how much can we budget", "en", ["NT$3,600", "Annex 3, meals"]),
        ("2 periods with an external lecturer, what is the supplementary premium?", "en", ["NT$4,000", "NT$84"]),
        ("hotel for two people, three nights", "en", ["NT$18,000"]),
    ],
)
def test_item_questions(question: str, lang: str, expected: list[str]) -> None:
    reply = try_calculation(question, lang)
    assert reply is not None, question
    for text in expected:
        assert text in reply.text, (text, reply.text)
    assert reply.sources and reply.pending is None


@pytest.mark.parametrize(
    "question, lang, allowed, expected",
    [
        ("英語老師考 B1 可以補助報名費嗎", "zh", False, "B2"),
        ("自然老師考多益 B1 可以補助嗎", "zh", True, "附件3 教師英語檢測報名費"),
        ("代理老師 2 個月 英檢 B1 報名費", "zh", False, "3 個月"),
        ("平板一台 18000 元可以嗎", "zh", False, "15,000 元"),
        ("平板一台 1萬5 可以嗎", "zh", True, "附件3 資本門 設備費"),
        ("減課 5 節可以嗎", "zh", False, "4 節"),
        ("主要負責人減課 6 節 模式二", "zh", True, "附件3 備註 減課原則"),
        ("Can an English teacher claim a TOEIC fee at B1?", "en", False, "B2"),
    ],
)
def test_yes_no_checks(question: str, lang: str, allowed: bool, expected: str) -> None:
    reply = try_calculation(question, lang)
    assert reply is not None
    first = reply.text.splitlines()[0]
    assert (("可以" in first) if lang == "zh" else ("not allowed" not in first)) is allowed
    assert expected in reply.text


def test_sources_are_in_the_reply_language() -> None:
    zh = try_calculation("住宿 2 人 3 晚 要多少", "zh")
    en = try_calculation("住宿 2 人 3 晚 要多少", "en")
    assert zh is not None and en is not None
    assert zh.sources == ["雙語生活化校園計畫 附件3 住宿費"]
    assert en.sources == ["Bilingual Campus Plan (115) Annex 3, lodging"]
    assert "NT$18,000" in en.text
