"""/school and /forget, and the school's facts used where a chat states none: the ceiling
questions (with the 「依您先前說的」 / "Using what you said" line) and the budget checker."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.wiring import Knowledge
from handlers.dialog import ChatRef, Dialog
from handlers.memory import ChatMemory, MemoryChatStates, SqliteChatStates
from handlers.replies import CALCULATION, CLARIFICATION, facts_label
from handlers.texts import t
from knowledge.budget import check_budget
from knowledge.calculators import SchoolFacts
from knowledge.compute import school_facts
from reminders.database import Database

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CLEAN_CSV = (EXAMPLES / "budget_clean.csv").read_text(encoding="utf-8")
# 雙語生活化 114,912 + 300,000 = 414,912: over its 15萬 ceiling by more than the 18萬 of teacher
# funding that may move in (mode 2, 8 classes, 2 domains), so a violation, not a transfer.
OVER_LIFE = (CLEAN_CSV + "雙語生活化,經常門,印刷費,1000,300,300000,雙語廣播稿\n").encode("utf-8")
SCHOOL = {"mode": 2, "classes": 8, "domains": 2}

_ids = itertools.count()


@pytest.fixture
def dialog(knowledge: Knowledge) -> Dialog:
    return Dialog(knowledge.engine, knowledge.rules, knowledge.calendar.rules, memory=ChatMemory(MemoryChatStates()))


def new_chat() -> ChatRef:
    return ChatRef("telegram", f"school-{next(_ids)}")


# -- /school and /forget ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "lang, hint, args, label",
    [
        ("zh", None, "模式二 8班 2領域", "模式二・8 班・2 個領域以上"),
        ("zh", None, "模式一 20班 國小 分校", "國小・模式一・20 班・有分校"),
        ("en", "en", "mode 2 8 classes 2 domains", "mode 2, 8 classes, 2+ domains"),
        ("en", None, "mode 1 20 classes elementary branch", "elementary, mode 1, 20 classes, a branch"),
    ],
)
def test_school_sets_and_shows_the_facts(dialog: Dialog, lang: str, hint: str | None, args: str, label: str) -> None:
    chat = new_chat()
    empty = dialog.handle_text(chat, "/school", hint)
    assert empty.text == t("school_empty", "en" if hint == "en" else "zh")
    told = dialog.handle_text(chat, f"/school {args}", hint)
    assert told.lang == lang and told.text == t("school_facts", lang).format(facts=label)
    school = dialog.memory.peek(chat).school
    assert facts_label(school, lang) == label
    shown = dialog.handle_text(chat, "/school", lang)
    assert shown.text == told.text


def test_school_changes_one_fact_at_a_time_and_mode_1_drops_the_domains(dialog: Dialog) -> None:
    chat = new_chat()
    dialog.handle_text(chat, "/school 模式二 8班 2領域")
    dialog.handle_text(chat, "/school 12班")
    assert dialog.memory.peek(chat).school == {"mode": 2, "classes": 12, "domains": 2}
    dialog.handle_text(chat, "/school 國中")
    assert dialog.memory.peek(chat).school == {"mode": 2, "classes": 12, "domains": 2, "level": "國中"}
    dialog.handle_text(chat, "/school 模式一")
    assert dialog.memory.peek(chat).school == {"mode": 1, "classes": 12, "level": "國中"}


@pytest.mark.parametrize("args", ["hello", "模式3 2.5班", "1萬班", "mode 7"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_school_with_nothing_usable_explains_and_keeps_the_facts(dialog: Dialog, args: str, lang: str) -> None:
    chat = new_chat()
    dialog.handle_text(chat, f"/lang {lang}")
    dialog.handle_text(chat, "/school 模式二 8班 2領域")
    reply = dialog.handle_text(chat, f"/school {args}")
    assert reply.text == t("school_usage", lang)
    assert dialog.memory.peek(chat).school == SCHOOL


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_forget_clears_the_facts_and_topic_and_keeps_the_language(dialog: Dialog, lang: str) -> None:
    chat = new_chat()
    dialog.handle_text(chat, f"/lang {lang}")
    dialog.handle_text(chat, "/school 模式二 8班 2領域")
    dialog.handle_text(chat, "模式一 20班 最多補助多少")
    assert dialog.memory.peek(chat).topic is not None
    reply = dialog.handle_text(chat, "/forget")
    assert reply.text == t("forgotten", lang) and reply.lang == lang
    state = dialog.memory.peek(chat)
    assert state.school == {} and state.topic is None and state.lang == lang
    assert dialog.handle_text(chat, "/school").text == t("school_empty", lang)
    assert dialog.handle_text(chat, "詳細").route != CALCULATION  # the topic is gone too


# -- the school's facts in a ceiling question ------------------------------------------------


@pytest.mark.parametrize(
    "question, lang, note",
    [
        ("補助上限多少", "zh", "（依您先前說的：模式二・8 班・2 個領域以上）"),
        ("我們最多可以拿多少補助", "zh", "（依您先前說的：模式二・8 班・2 個領域以上）"),
        ("How much funding can we get at most?", "en", "(Using what you said: mode 2, 8 classes, 2+ domains)"),
    ],
)
def test_a_ceiling_question_without_facts_uses_the_schools_and_says_so(
    dialog: Dialog, question: str, lang: str, note: str
) -> None:
    chat = new_chat()
    dialog.handle_text(chat, "/school 模式二 8班 2領域")
    reply = dialog.handle_text(chat, question)
    assert reply.route == CALCULATION and reply.lang == lang
    assert "1,150,000" in reply.text
    assert reply.text.splitlines()[1] == note  # right under the answer's first line
    assert reply.context == SCHOOL


def test_a_ceiling_question_without_facts_and_without_the_schools_asks(dialog: Dialog) -> None:
    reply = dialog.handle_text(new_chat(), "補助上限多少")
    assert reply.route == CLARIFICATION and reply.buttons
    assert "依您先前說的" not in reply.text and reply.context == {}


def test_facts_the_question_states_win_over_the_schools(dialog: Dialog) -> None:
    chat = new_chat()
    dialog.handle_text(chat, "/school 模式二 8班 2領域")
    reply = dialog.handle_text(chat, "模式一 20班 最多補助多少")
    assert reply.route == CALCULATION and "250,000" in reply.text
    assert "依您先前說的" not in reply.text and reply.context == {}
    partly = dialog.handle_text(chat, "20班的話 最多補助多少")
    assert "20 班" in partly.text


# -- the school's facts in the budget checker -------------------------------------------------


def cli_report(path: Path, capsys: pytest.CaptureFixture[str], *facts: str) -> dict[str, object]:
    status = main(["check-budget", str(path), "--json", *facts])
    report = json.loads(capsys.readouterr().out)
    assert status == (0 if report["ok"] else 1)
    assert isinstance(report, dict)
    return report


def violations(report: dict[str, object]) -> list[tuple[str, object]]:
    found = report["violations"]
    assert isinstance(found, list)
    return [(v["code"], v["row"]) for v in found]


def test_a_budget_over_its_ceiling_is_flagged_in_chat_as_by_check_budget(
    dialog: Dialog, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "budget.csv"
    path.write_bytes(OVER_LIFE)
    cli = cli_report(path, capsys, "--mode", "2", "--classes", "8", "--domains", "2")
    assert ("part_ceiling", None) in violations(cli)

    chat = new_chat()
    dialog.handle_text(chat, "/school 模式二 8班 2領域")
    facts, error = school_facts(dialog.memory.peek(chat).school)
    assert error is None and facts == SchoolFacts(mode=2, classes=8, domains=2)
    in_chat = check_budget(OVER_LIFE, "budget.csv", facts, dialog.rules)
    assert [(f.code, f.row) for f in in_chat.violations] == violations(cli)

    reply = dialog.handle_file(chat, "budget.csv", OVER_LIFE)
    assert reply.route == CALCULATION
    assert "（依您先前說的：模式二・8 班・2 個領域以上）" in reply.text
    assert f"發現 {len(in_chat.violations)} 項違規" in reply.text
    found = cli["violations"]
    assert isinstance(found, list)
    for violation in found:
        assert violation["message"] in reply.text
    assert "雙語生活化 414,912 元超過上限" in reply.text
    assert "（上限 150,000 元）" in reply.text  # the part's ceiling beside its total


def test_a_budget_is_not_compared_with_a_ceiling_when_the_chat_told_no_facts(
    dialog: Dialog, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "budget.csv"
    path.write_bytes(OVER_LIFE)
    cli = cli_report(path, capsys)
    assert violations(cli) == [] and violations(cli) == [
        (f.code, f.row) for f in check_budget(OVER_LIFE, "budget.csv", None, dialog.rules).violations
    ]

    chat = new_chat()
    reply = dialog.handle_file(chat, "budget.csv", OVER_LIFE)
    assert "沒有發現違規" in reply.text
    assert "超過上限" not in reply.text and "（上限" not in reply.text and "依您先前說的" not in reply.text
    dialog.handle_text(chat, "/school 模式二 8班")  # incomplete facts: still no ceiling to compare with
    partial = dialog.handle_file(chat, "budget.csv", OVER_LIFE)
    assert "超過上限" not in partial.text and "依您先前說的" not in partial.text


def test_the_budget_check_in_english_after_school_facts(dialog: Dialog) -> None:
    chat = new_chat()
    dialog.handle_text(chat, "/lang en")
    dialog.handle_text(chat, "/school mode 2 8 classes 2 domains")
    reply = dialog.handle_file(chat, "budget.csv", OVER_LIFE)
    assert reply.lang == "en"
    assert "(Using what you said: mode 2, 8 classes, 2+ domains)" in reply.text
    assert "Campus life NT$414,912 is over its ceiling" in reply.text
    dialog.handle_text(chat, "/forget")
    after = dialog.handle_file(chat, "budget.csv", OVER_LIFE)
    assert after.lang == "en" and "over its ceiling" not in after.text and "No violations found." in after.text


# -- corrections and the chosen language -------------------------------------------------------


def test_a_correction_of_the_question_leaves_the_school_as_told(dialog: Dialog) -> None:
    chat = new_chat()
    first = dialog.handle_text(chat, "我們是模式一 20班 最多補助多少")
    assert first.route == CALCULATION and "250,000" in first.text
    other = dialog.handle_text(chat, "不是，我是問模式二")
    assert other.route in (CALCULATION, CLARIFICATION) and "模式二" in other.text
    assert dialog.memory.peek(chat).school == {"mode": 1, "classes": 20}


def test_a_correction_of_the_school_changes_it(dialog: Dialog) -> None:
    chat = new_chat()
    dialog.handle_text(chat, "我們是模式一 20班 最多補助多少")
    reply = dialog.handle_text(chat, "不好意思 是19班")
    assert reply.route == CALCULATION
    assert dialog.memory.peek(chat).school == {"mode": 1, "classes": 19}


def test_a_change_of_the_school_told_changes_it(dialog: Dialog) -> None:
    """「下學年會變36班」 after the school's 35 classes: the school's facts as they will be, which a
    later question about the school then uses (with a branch: 35萬 + 5萬, not 25萬 + 5萬)."""
    chat = new_chat()
    dialog.handle_text(chat, "我們全校剛好35班 模式ㄧ是拿25萬那級對吧")
    dialog.handle_text(chat, "下學年會變36班欸 就變35萬了嗎")
    assert dialog.memory.peek(chat).school == {"mode": 1, "classes": 36}
    reply = dialog.handle_text(chat, "我們還有一個分校 這樣總共最多多少")
    assert "400,000" in reply.text.splitlines()[0], reply.text


@pytest.mark.parametrize("choice, other", [("en", "zh"), ("zh", "en")])
def test_lang_decides_for_messages_without_a_language_and_questions_keep_theirs(
    dialog: Dialog, choice: str, other: str
) -> None:
    chat = new_chat()
    assert dialog.handle_text(chat, f"/lang {choice}").text == t("lang_set", choice)
    question = {"zh": "結案要什麼時候交？", "en": "When is the close-out due?"}[other]
    assert dialog.handle_text(chat, question).lang == other
    assert dialog.handle_text(chat, "20").lang == choice  # no language of its own


def test_school_answers_in_the_language_the_chat_was_answered_in(dialog: Dialog) -> None:
    """An English chat's /school is in English, and a school's domains are mode 2's (only mode 2
    teaches domains bilingually), so a later question need not ask the mode."""
    chat = ChatRef("test", "school-in-english")
    dialog.handle_text(
        chat, "We're a primary school doing bilingual arts and PE, 9 classes. Max for the partial-domain part?"
    )
    shown = dialog.handle_text(chat, "/school")
    assert shown.text.startswith("I remember your school as") and "mode 2" in shown.text, shown.text
    moved = dialog.handle_text(chat, "how much teacher-support money could we move into campus life?")
    assert moved.route == "calculation" and "180,000" in moved.text.splitlines()[0], moved.text


# -- the period end, told once ------------------------------------------------------------------


@pytest.mark.parametrize(
    "told, asked, due, kept",
    [
        ("我們的計畫核定執行到116年7月31日", "那核結最晚哪天要報", "2027/09/30", "執行期間到 116/7/31"),
        ("執行期間到 7/31，核結最晚何時？", "核結期限是什麼時候", "2027/09/30", "執行期間到 7/31"),
        ("our project period ends 31 July 2027.", "when's the close-out due then?", "2027-09-30", "2027/7/31"),
        ("本校計畫執行到116/10/31", "結案最晚什麼時候", "2027/12/31", "執行期間到 116/10/31"),
    ],
)
def test_a_period_end_told_once_gives_the_close_out_date_later(
    dialog: Dialog, told: str, asked: str, due: str, kept: str
) -> None:
    """A coordinator tells the approved period's end (and gets its close-out deadline at once);
    asked later with no date, the deadline is computed from it and the reply says so."""
    chat = new_chat()
    first = dialog.handle_text(chat, told)
    assert first.route == CALCULATION and due in first.text.splitlines()[0], first.text
    dialog.handle_text(chat, "模式一20班最多補助多少")  # another topic between
    later = dialog.handle_text(chat, asked)
    assert later.route == CALCULATION and due in later.text.splitlines()[0], later.text
    assert kept in later.text.splitlines()[1], later.text
    assert later.intent == "moe.closeout"


def test_a_what_if_period_end_is_not_kept_and_forget_clears_a_kept_one(dialog: Dialog) -> None:
    chat = new_chat()
    # (10/31 with no year: the one nearest the end of school year 115's period, 2027/7/31)
    what_if = dialog.handle_text(chat, "如果執行到10/31，核結最晚何時")
    assert what_if.route == CALCULATION and "2027/12/31" in what_if.text.splitlines()[0]
    assert "period_end" not in dialog.memory.peek(chat).school
    dialog.handle_text(chat, "/school 執行到116/7/31")
    assert dialog.memory.peek(chat).school == {"period_end": "116/7/31"}
    dialog.handle_text(chat, "/forget")
    unknown = dialog.handle_text(chat, "核結最晚哪天")
    assert unknown.route != CALCULATION and unknown.intent == "moe.closeout"  # the rule, no date made up


def test_a_kept_period_end_survives_a_restart_and_is_shown_by_school(knowledge: Knowledge, tmp_path: Path) -> None:
    def dialog_on(db: Database) -> Dialog:
        memory = ChatMemory(SqliteChatStates(db))
        return Dialog(knowledge.engine, knowledge.rules, knowledge.calendar.rules, memory=memory)

    chat = new_chat()
    path = tmp_path / "state.db"
    dialog_on(Database(path)).handle_text(chat, "我們執行期間到116年7月31日")
    again = dialog_on(Database(path))
    assert "執行期間到 116/7/31" in again.handle_text(chat, "/school").text
    assert "2027/09/30" in again.handle_text(chat, "核結最晚哪天").text.splitlines()[0]
