"""The YAML knowledge base: validation, coverage and provenance."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from knowledge import loader
from knowledge.loader import DATA_DIR, KnowledgeBaseError

IDS_REQUIRED_PREFIXES = ("moe.", "kl.")


@pytest.fixture(scope="module")
def kb():
    return loader.load()


def test_every_quote_is_in_the_plans_and_every_number_is_backed(kb) -> None:
    assert loader.provenance_problems(kb) == []


def test_nothing_reads_shared_seeds_at_run_time() -> None:
    root = Path(__file__).resolve().parent.parent
    for folder in ("knowledge", "handlers", "reminders", "bot"):
        for path in (root / folder).rglob("*.py"):
            assert "shared/seeds" not in path.read_text(encoding="utf-8"), path


def test_keelung_has_all_30_action_plans_with_three_years(kb) -> None:
    plans = [e for e in kb.entries.values() if e.id.startswith("kl.ap.")]
    assert sorted(e.id for e in plans) == [f"kl.ap.{n:02d}" for n in range(1, 31)]
    for entry in plans:
        years = {d.when.get("year") for d in entry.details}
        assert years & {109, 110, 111}, f"{entry.id} has no per-year details"


def test_moe_covers_every_required_section(kb) -> None:
    ids = set(kb.entries)
    required = {
        "moe.goals",
        "moe.periods",
        "moe.modes",
        "moe.mode1",
        "moe.mode2",
        "moe.apply.procedure",
        "moe.closeout",
        "moe.support.expert_pool",
        "moe.open_classroom",
        "moe.licence",
        "moe.teaching_load",
        "moe.cap.mode1.small",
        "moe.cap.mode1.medium",
        "moe.cap.mode1.large",
        "moe.cap.branch",
        "moe.cap.mode2.bilingual",
        "moe.cap.pl.transfer",
        "moe.item.nhi_premium",
        "moe.item.equipment",
        "moe.item.english_test_fee",
        "moe.item.language_study",
    }
    assert required <= ids
    tiers = [e for e in kb.entries.values() if e.id.startswith("moe.cap.pl.") and e.when.get("classes")]
    assert len(tiers) == 7  # 3 tiers for two or more domains, 4 for one domain


def test_every_entry_is_bilingual_and_has_enough_phrasings(kb) -> None:
    for entry in kb.entries.values():
        assert len(entry.phrasings["zh"]) >= 3 and len(entry.phrasings["en"]) >= 2, entry.id
        assert re.search(r"[\u4e00-\u9fff]", entry.answer.zh), entry.id
        assert re.search(r"[A-Za-z]", entry.answer.en), entry.id


def test_test_questions_are_not_copied_into_the_knowledge_base(kb, engine) -> None:
    from bench.dataset import load_questions

    phrasings = {engine.normalize(p) for e in kb.entries.values() for lang in ("zh", "en") for p in e.phrasings[lang]}
    copied = [q.q for q in load_questions() if engine.normalize(q.q) in phrasings]
    assert len(copied) <= 5, copied


# -- validation: a broken file stops loading with the file and entry named ----------------


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _edit(path: Path, change) -> None:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(raw)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")


def _first_entry_file(data: Path) -> Path:
    return next(p for p in loader.entry_files(data))


def test_missing_field_names_file_and_entry(data_copy: Path) -> None:
    path = _first_entry_file(data_copy)
    _edit(path, lambda raw: raw["entries"][0].pop("answer"))
    with pytest.raises(KnowledgeBaseError, match=rf"{path.name}, entry '.+': missing field\(s\): answer"):
        loader.load(data_copy)


def test_unknown_key_is_rejected(data_copy: Path) -> None:
    path = _first_entry_file(data_copy)
    _edit(path, lambda raw: raw["entries"][0].update(anwser="typo"))
    with pytest.raises(KnowledgeBaseError, match=r"unknown field\(s\): anwser"):
        loader.load(data_copy)


def test_a_ruling_condition_must_be_a_list_of_word_lists(data_copy: Path) -> None:
    path = _first_entry_file(data_copy)
    _edit(path, lambda raw: raw["entries"][0].update(no_if=["平板", "電腦"]))  # words, not groups of words
    with pytest.raises(KnowledgeBaseError, match=r"'no_if' must be a list of conditions"):
        loader.load(data_copy)


def test_uncapped_is_true_or_false(data_copy: Path) -> None:
    path = _first_entry_file(data_copy)
    _edit(path, lambda raw: raw["entries"][0].update(uncapped="yes"))
    with pytest.raises(KnowledgeBaseError, match="uncapped must be true or false"):
        loader.load(data_copy)


@pytest.mark.parametrize(
    ("only_for", "message"),
    [
        ({"when": {"mode": 2}}, "only_for must have exactly when and outside"),
        ({"when": {}, "outside": {"zh": "計畫沒有寫", "en": "not stated"}}, "only_for.when must name a case"),
    ],
)
def test_a_rule_for_one_case_names_the_case_and_what_to_say_outside_it(
    data_copy: Path, only_for: dict, message: str
) -> None:
    path = _first_entry_file(data_copy)
    _edit(path, lambda raw: raw["entries"][0].update(only_for=only_for))
    with pytest.raises(KnowledgeBaseError, match=message):
        loader.load(data_copy)


def test_duplicate_id_is_rejected(data_copy: Path) -> None:
    path = _first_entry_file(data_copy)

    def duplicate(raw):
        clone = dict(raw["entries"][0])
        clone["phrasings"] = {"zh": ["完全不同的問法一", "完全不同的問法二"], "en": ["unique one", "unique two"]}
        raw["entries"].append(clone)

    _edit(path, duplicate)
    with pytest.raises(KnowledgeBaseError, match=r"duplicate id"):
        loader.load(data_copy)


def test_shared_phrasing_is_rejected(data_copy: Path) -> None:
    path = _first_entry_file(data_copy)

    def share(raw):
        raw["entries"][1]["phrasings"]["zh"].append(raw["entries"][0]["phrasings"]["zh"][0])

    _edit(path, share)
    with pytest.raises(KnowledgeBaseError, match=r"is also a phrasing of entry"):
        loader.load(data_copy)


def test_unknown_topic_and_bad_slot_are_rejected(data_copy: Path) -> None:
    path = _first_entry_file(data_copy)
    _edit(path, lambda raw: raw["entries"][0].update(topic="nope"))
    with pytest.raises(KnowledgeBaseError, match=r"unknown topic 'nope'"):
        loader.load(data_copy)
    _edit(path, lambda raw: raw["entries"][0].update(topic="overview", when={"colour": 1}))
    with pytest.raises(KnowledgeBaseError, match=r"unknown slot 'colour'"):
        loader.load(data_copy)


def test_invalid_yaml_names_the_file(data_copy: Path) -> None:
    path = _first_entry_file(data_copy)
    path.write_text("entries: [unclosed", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match=rf"{path.name}: is not valid YAML"):
        loader.load(data_copy)


def test_invented_number_is_caught(data_copy: Path) -> None:
    path = _first_entry_file(data_copy)
    _edit(
        path, lambda raw: raw["entries"][0]["answer"].update(zh=raw["entries"][0]["answer"]["zh"] + "補助 987654 元。")
    )
    problems = loader.provenance_problems(loader.load(data_copy))
    assert any("987654" in p for p in problems)


def test_every_required_section_is_covered(kb) -> None:
    gaps = loader.coverage_gaps(kb)
    assert {doc: {label: ids for label, ids in sections.items() if ids} for doc, sections in gaps.items()} == {
        doc: {} for doc in gaps
    }
    listed = {i for doc in kb.documents.values() for ids in doc.coverage.values() for i in ids}
    assert listed == set(kb.entries)  # every entry belongs to a required section


def test_a_missing_required_entry_is_reported(data_copy: Path) -> None:
    path = next(p for p in loader.entry_files(data_copy) if p.name == "moe_items.yaml")
    _edit(path, lambda raw: raw["entries"].pop(0))
    gaps = loader.coverage_gaps(loader.load(data_copy))
    assert any(gaps["moe_bilingual_115"].values())


# -- issue 15: readings stated as facts where the plan is ambiguous, one case per point ----


def _texts(kb, entry_id: str) -> tuple[str, str]:
    """All the zh and all the en text an entry can answer with (answer and detail rows)."""
    entry = kb.entries[entry_id]
    return (
        " ".join([entry.answer.zh, *(d.text.zh for d in entry.details)]),
        " ".join([entry.answer.en, *(d.text.en for d in entry.details)]),
    )


def test_issue15_point01_senior_high_class_year_is_not_shown(kb, engine) -> None:
    """「高中：雙語實驗班」 sits between the 110 and 111 text: the year is not shown, 111 is likelier."""
    for entry_id in ("kl.ap.10", "kl.strategy.1.3", "kl.goal.1", "kl.benefits"):
        zh, en = _texts(kb, entry_id)
        assert "看不出" in zh and "111" in zh, entry_id
        assert "does not show" in en and "111" in en, entry_id
        assert "未再列高中" not in zh and "not listed again" not in en, entry_id
        assert "110 學年度另列高中" not in zh and "listed for 110" not in en, entry_id
    assert "高中：雙語實驗班 國中共 1所 國小共 3所" in kb.entries["kl.ap.10"].quotes
    answer = engine.answer("110學年度高中雙語實驗班")
    assert answer.intent == "kl.ap.10" and "看不出" in answer.text and "111" in answer.text


def test_issue15_point04_single_kpi_cell_is_in_the_109_position(kb) -> None:
    """Action plans 19, 24 and 26 have one KPI cell without a year: nothing shown for 110/111, not 'none'."""
    for entry_id in (
        "kl.ap.19",
        "kl.ap.24",
        "kl.ap.26",
        "kl.strategy.2.4",
        "kl.strategy.3.3",
        "kl.strategy.4.1",
        "kl.goal.2",
        "kl.goal.3",
        "kl.goal.4",
    ):
        zh, en = _texts(kb, entry_id)
        assert "109 學年度欄的位置" in zh and "109 position" in en, entry_id
        assert "沒有顯示內容" in zh and "nothing shown" in en.replace("nothing is shown", "nothing shown"), entry_id
        for claim in ("未列指標", "僅列 109", "只列 109"):
            assert claim not in zh, (entry_id, claim)
        for claim in ("no KPI", "109 only", "only KPI is for 109", "KPI listed for 109 only"):
            assert claim not in en, (entry_id, claim)


def test_issue15_point07_exchange_student_shares_with_the_four_high_schools(kb) -> None:
    zh, en = _texts(kb, "kl.strategy.3.1")
    assert "與本市四所高中交流分享心得" in zh and "四所高中及所屬國中" in zh
    assert "回校分享" not in zh
    assert "four senior high schools" in en and "junior high" in en
    assert "並與本市四所高中及所屬國中交流分享心得。" in kb.entries["kl.strategy.3.1"].quotes


def test_issue15_point05_english_in_core_concepts_is_a_recommendation(kb) -> None:
    entry = kb.entries["moe.pl.english_ratio"]
    assert "建議" in entry.answer.zh
    assert "recommends" in entry.answer.en and "rather than requires" in entry.answer.en
    assert "Explain core concepts in Mandarin" not in entry.answer.en  # the old imperative


def test_issue15_point06_cefr_levels_limit_which_fees_are_paid(kb) -> None:
    from knowledge.calculators import english_test_eligibility
    from knowledge.funding_rules import default_rules

    entry = kb.entries["moe.item.english_test_fee"]
    assert "為限" in entry.answer.zh and "並不是要求教師去考檢測" in entry.answer.zh
    assert "must take a test" not in entry.answer.en
    assert "reimbursed" in entry.answer.en and "does not oblige anyone to sit a test" in entry.answer.en
    verdict = english_test_eligibility(default_rules(), role="teacher", level="B1", english_teacher=True)
    (problem,) = verdict.problems
    assert "must sit" not in problem.message.en and "reimbursed" in problem.message.en
    assert "只補助" in problem.message.zh


def test_issue15_point14_keelung_issuer_is_what_the_plan_says(kb) -> None:
    issuer = kb.documents["keelung_intl_edu_109_111"].issuer
    assert "教育處" not in issuer.zh and "Department of Education" not in issuer.en
    assert "本府" in issuer.zh and "本府" in issuer.en
    plan = loader.squash(loader.source_text(kb.documents["keelung_intl_edu_109_111"]))
    assert "本府" in plan and "教育處" not in plan


def test_issue15_point11_school_side_deadlines_are_marked_as_inferences(kb) -> None:
    from reminders.calendar import PlanCalendar

    for entry_id in ("moe.apply.procedure", "moe.closeout"):
        entry = kb.entries[entry_id]
        assert "推論" in entry.answer.zh and "不是計畫明文" in entry.answer.zh, entry_id
        assert "inference" in entry.answer.en and "presumably" in entry.answer.en, entry_id
    for deadline in PlanCalendar.load().undated():
        assert "推論" in deadline.source and "非計畫明文" in deadline.source, deadline.id
        assert "inference" in deadline.source_en and "Not dated by the plan" in deadline.source_en.replace(
            "The plan gives no date", "Not dated by the plan"
        ), deadline.id


def test_issue15_point13_phrasings_sit_on_the_entries_that_answer_them(kb, engine) -> None:
    moved = {
        "老師要去上雙語學分班嗎": ("moe.pl.credit_program", "kl.ap.28"),
        "What does the plan fund in general?": ("moe.cap.mode1.items", "moe.funding_overview"),
        "計畫經費可以補助哪些東西": ("moe.cap.mode1.items", "moe.funding_overview"),
    }
    for phrasing, (owner, former) in moved.items():
        lang = "en" if phrasing.isascii() else "zh"
        assert phrasing in kb.entries[owner].phrasings[lang], phrasing
        assert phrasing not in kb.entries[former].phrasings[lang], phrasing
        assert engine.answer(phrasing).intent == owner, phrasing
    # The items entry now answers the general question for both modes.
    items = kb.entries["moe.cap.mode1.items"]
    assert "學生英語能力奠基費用" in items.answer.zh and "student English foundation" in items.answer.en


def test_issue15_point10_moved_teacher_funding_may_use_the_teacher_items(kb) -> None:
    entry = kb.entries["moe.cap.mode1.items"]
    assert "得比照部分領域教師專業支持之項目辦理" in entry.answer.zh and "例外" in entry.answer.zh
    assert "except" in entry.answer.en and "same items as partial-domain teacher support" in entry.answer.en
    assert "只列於部領" not in entry.answer.zh and "appear only in" not in entry.answer.en
    # Which money the exception covers is not said: stated in both languages.
    assert "計畫未說明" in entry.answer.zh and "does not say" in entry.answer.en


def test_issue15_point02_open_classroom_reminder_carries_both_conditions_and_whom() -> None:
    from datetime import datetime

    from reminders.calendar import TAIPEI, PlanCalendar
    from reminders.texts import reminder_text

    calendar = PlanCalendar.load()
    for semester in (1, 2):
        deadline = calendar.get(f"moe115.open_classroom.s{semester}")
        assert deadline is not None
        zh = reminder_text(deadline, datetime(2027, 1, 1, 9, tzinfo=TAIPEI), "zh")
        en = reminder_text(deadline, datetime(2027, 1, 1, 9, tzinfo=TAIPEI), "en")
        assert "至少 1 次" in zh and "接待總人數至少 40 人" in zh and "擇優補助 30 校" in zh
        assert "at least 1 time" in en and "at least 40 visitors" in en and "selects 30 schools" in en
        assert "volunteered" not in en  # it concerns the selected schools, not every volunteer


def test_issue15_point03_a_為原則_breach_is_a_warning_that_asks_for_the_reason(kb, ask) -> None:
    from knowledge.budget import check_budget, format_report

    budget = (
        "面向,類別,項目,單價,數量,金額,備註\n"
        "雙語生活化,經常門,印刷費,7000,1,7000,\n"
        "雙語生活化,經常門,教材教具費,3000,1,3000,\n"  # 30% of 經常門 > 20% 為原則
        "雙語生活化,資本門,平板,16000,1,16000,\n"  # > 1萬5,000 為原則, no reason in the note
        "雙語生活化,資本門,筆記型電腦,32000,1,32000,需跑影音剪輯軟體\n"  # > 3萬 為原則, note gives a reason
    )
    report = check_budget(budget.encode("utf-8"), "principle.csv")
    soft = {f.code: f for f in report.warnings if f.code in ("teaching_aids_share", "equipment.cap")}
    assert set(soft) == {"teaching_aids_share", "equipment.cap"}
    assert not [f for f in report.violations if f.code in ("teaching_aids_share", "equipment.cap")]
    aids = soft["teaching_aids_share"].message
    assert "為原則" in aids.zh and "敘明理由" in aids.zh and "stated reason" in aids.en
    tablet, laptop = sorted((f for f in report.warnings if f.code == "equipment.cap"), key=lambda f: f.row or 0)
    assert "請在計畫（申請書）中敘明超過的理由" in tablet.message.zh and "State the reason" in tablet.message.en
    assert "需跑影音剪輯軟體" in laptop.message.zh and "計畫（申請書）中也敘明此理由" in laptop.message.zh
    assert "plan/application states it too" in laptop.message.en
    assert "提醒" in format_report(report, "zh") and "Warnings" in format_report(report, "en")
    # The calculators word their verdicts the same way, and the answers keep 「以…為原則」.
    reply = ask("平板一台16000元可以嗎")
    assert reply.route == "calculation" and "為原則" in reply.text and "不可以" not in reply.text
    reply = ask("A tablet at 16000 each?")
    assert reply.route == "calculation" and "stated reason" in reply.text and not reply.text.startswith("No")
    reply = ask("經常門20萬，教材教具費上限多少")
    assert reply.route == "calculation" and "為原則" in reply.text and "敘明理由" in reply.text
    assert "20% 為原則" in kb.entries["moe.item.teaching_aids"].answer.zh
    assert kb.entries["moe.item.equipment"].answer.zh.count("為原則") >= 4


def test_issue15_point08_mode2_campus_life_capital_entries_and_rules_agree(kb, ask) -> None:
    """The plan writes 3萬（15萬元*20%） only in the transfer clause; 20% applies, 3萬 after a move."""
    from knowledge.budget import check_budget
    from knowledge.calculators import SchoolFacts, ceiling
    from knowledge.funding_rules import default_rules

    for entry_id in ("moe.cap.mode1.capital", "moe.cap.mode2.bilingual", "moe.cap.capital_pooling"):
        zh, en = _texts(kb, entry_id)
        assert "明定" not in zh and "併入" in zh and "沒有說明" in zh, entry_id
        assert "does not say" in en and "moved" in en.replace("moving", "moved"), entry_id
    rules = default_rules()
    reading = rules.capital.bilingual_life.reading
    assert reading is not None and "3萬元（15萬元*20%）" in reading.zh and "branch" in reading.en
    # The calculators: 20% with a branch (4萬), 3萬 after a move, and the reading is shown.
    with_branch = ceiling(rules, SchoolFacts(mode=2, classes=8, domains=2, branch=True))
    assert with_branch.capital_cap("bilingual_life") == 40000
    assert with_branch.transfer is not None and with_branch.transfer.rule.capital_cap_after == 30000
    assert "未說明此時是否仍以此為限" in ask("/cap 模式二 8班 2領域 分校").text
    assert "does not say which applies" in ask("/cap mode 2 8 classes 2 domains branch").text
    # The checker: over 3萬 but within 20% with a branch is a warning that names both readings.
    budget = (
        "面向,類別,項目,單價,數量,金額,備註\n"
        "雙語生活化,經常門,印刷費,1000,160,160000,\n"
        "雙語生活化,資本門,投影機,35000,1,35000,\n"
        "部領教師,經常門,印刷費,1000,100,100000,\n"
        "部領學生,經常門,印刷費,1000,100,100000,\n"
    )
    facts = SchoolFacts(mode=2, classes=8, domains=2, branch=True)
    report = check_budget(budget.encode("utf-8"), "branch.csv", facts)
    assert not report.violations
    (warning,) = [f for f in report.warnings if f.code == "capital_bilingual_life"]
    assert "計畫沒有說明" in warning.message.zh and "does not say" in warning.message.en


def test_issue15_point09_the_checker_states_its_reading_of_capital_pooling(kb) -> None:
    from knowledge.budget import check_budget, format_report

    budget = (
        "面向,類別,項目,單價,數量,金額,備註\n"
        "雙語生活化,經常門,印刷費,1000,100,100000,\n"
        "雙語生活化,資本門,投影機,40000,1,40000,\n"  # over its own 20% (28,000), within the pooled cap
        "部領教師,經常門,印刷費,1000,300,300000,\n"
        "部領學生,經常門,印刷費,1000,200,200000,\n"
    )
    report = check_budget(budget.encode("utf-8"), "pooled.csv")
    assert "capital_share" not in [f.code for f in report.violations]
    (reading,) = [f for f in report.readings if f.code == "capital_pooling"]
    assert "本檢查讀為" in reading.message.zh and "計畫沒有說明" in reading.message.zh
    assert "is read here as" in reading.message.en and "does not say" in reading.message.en
    assert any(f.code == "capital_pooling" for f in report.warnings)  # the reading decided the result
    assert "本檢查採用的判讀" in format_report(report, "zh")
    assert "Readings applied" in format_report(report, "en")
    assert report.to_json("en")["readings"][0]["source"].endswith("note 2")
    # The entry still says the plan is unclear, and now also which reading the checker applies.
    zh, en = _texts(kb, "moe.cap.capital_pooling")
    assert "沒有說明" in zh and "經費表檢查採" in zh and "budget checker reads it as" in en


# A question the plans cover, for every out_of_scope.yaml trigger narrowed by issue 15 (the old
# trigger word is in the question), with the entry that answers it.
COVERED_DESPITE_A_FORMER_TRIGGER = [
    ("wage", "What wage do we pay helpers at the English event?", "moe.item.work_fee"),
    ("wage", "Is the work fee paid at the minimum wage?", "moe.item.work_fee"),
    ("pension", "Can we budget pension contributions for substitute teachers?", "moe.item.substitute_insurance"),
    ("退休", "代課教師的勞工退休金可以編嗎", "moe.item.substitute_insurance"),
    ("請假", "老師請假去研習要公假排代嗎", "moe.item.substitute_fee"),
    ("薪水", "工讀生薪水怎麼算", "moe.item.work_fee"),
    ("薪水", "代課老師薪水可以用計畫經費付嗎", "moe.item.substitute_fee"),
    ("salary", "Can the plan pay the salary of a substitute teacher?", "moe.item.substitute_fee"),
    ("總預算", "模式二總預算最多多少", "moe.funding_overview"),
    ("bonus", "how much is the bonus for a branch campus?", "moe.cap.branch"),
    ("總經費是多少", "一所學校總經費是多少", "moe.funding_overview"),
    ("total budget", "what is the total budget for mode 2", "moe.funding_overview"),
    ("多少分", "英語教師英檢要考多少分才補助", "moe.item.english_test_fee"),
    ("分數要多少", "英檢分數要多少才能補助報名費", "moe.item.english_test_fee"),
    (
        "what score",
        "What score do English teachers need on the test for the fee to be covered?",
        "moe.item.english_test_fee",
    ),
    (
        "how many points",
        "How many points must a teacher score for the test fee to be paid?",
        "moe.item.english_test_fee",
    ),
    ("學費", "老師去語言中心進修的學費可以補助多少", "moe.item.language_study"),
    ("tuition", "Is a teacher's language school tuition covered by the plan?", "moe.item.language_study"),
    ("推薦", "學分班要推薦幾位老師去上", "moe.pl.credit_program"),
    ("recommend", "Does the plan recommend explaining core concepts in Chinese?", "moe.pl.english_ratio"),
    ("頻率", "晨間英語活動的頻率要多高", "moe.mode1"),
    ("sign up", "How do we sign up for the bilingual campus plan?", "moe.apply.procedure"),
    ("where is", "Where is the application submitted?", "moe.apply.procedure"),
    ("where is", "Where is the final report sent?", "moe.closeout"),
    ("account", "Are branch classes taken into account?", "moe.cap.branch"),
    ("幾月幾號", "結案截止日是幾月幾號", "moe.closeout"),
    ("幾月幾號", "第一階段是到幾月幾號結束", "moe.periods"),
    ("幾號開始", "第二階段幾號開始", "moe.periods"),
    ("what date", "What date is the close-out due?", "moe.closeout"),
    ("which day does", "Which day does phase 1 end?", "moe.periods"),
    ("when exactly", "When exactly does phase 1 end?", "moe.periods"),
    ("日本", "可以跟日本的學校線上交流嗎", "moe.mode1"),
    ("日本", "基隆的姊妹校可以找日本學校嗎", "kl.ap.20"),
    ("japan", "Can we do online exchanges with a school in Japan?", "moe.mode1"),
]

STILL_REFUSED = [
    "外師的薪水怎麼算",
    "What is the wage of a foreign teacher?",
    "老師退休金怎麼算",
    "teacher pension scheme",
    "教師請假規定是什麼",
    "計畫的總預算是多少",
    "What is the plan's total budget nationwide?",
    "多益要考幾分才算B2？",
    "What TOEIC score counts as B2?",
    "Which GEPT level counts as B1 for the test-fee rule?",
    "全民英檢哪一級算B1",
    "可以推薦一本英語繪本嗎",
    "今年申請是幾月幾號開始收件？",
    "When exactly does the 115 application window open?",
    "日本的小學英語教育政策是怎樣",
    "How do I register a Cool English account for my students?",
    "外師的工作簽證要怎麼辦",
    # which vendor or platform, and property registers: no plan names one
    "推荐哪一家线上英语平台",
    "筆電買了要列財產還是非消耗品",
    "which brand of tablet should we buy?",
    "分校的5萬要另外開帳戶嗎",  # bank accounts: the plans open none
    # how a fee is handed over and how long a period is: the plan sets rates, never either
    "諮詢費可以當天直接發現金給專家嗎 還是一定要匯款",
    "那進修費是老師先墊錢還是學校直接付給機構",
    "the shop wants us to pay upfront before the semester starts, is that allowed",
    "講座鐘點費一節是算50分鐘還是1小時",
    "how long is one period for the lecture fee?",
    "平板要指定品牌嗎",
    "does the tablet have to be a specific brand?",
]


@pytest.mark.parametrize("former, question, entry_id", COVERED_DESPITE_A_FORMER_TRIGGER)
def test_issue15_point12_a_covered_question_is_not_told_the_plans_are_silent(
    engine, former: str, question: str, entry_id: str
) -> None:
    assert former.lower() in question.lower()
    answer = engine.answer(question)
    assert answer.intent == entry_id and answer.confident, (question, answer.intent, answer.text[:60])


@pytest.mark.parametrize("question", STILL_REFUSED)
def test_issue15_point12_genuinely_out_of_scope_questions_stay_refused(kb, engine, question: str) -> None:
    answer = engine.answer(question)
    replies = {rule.reply.get(answer.lang) for rule in kb.out_of_scope}
    assert answer.intent is None and answer.text in replies, (question, answer.intent)


def test_issue15_point12_except_words_load_and_the_covered_answers_say_what_is_missing(kb) -> None:
    pay = next(rule for rule in kb.out_of_scope if rule.id == "pay_and_hr")
    assert "代課" in pay.except_words and "工讀" in pay.except_words
    # Reached instead of refused, the answers say what the plan does not give.
    assert "沒有寫各種檢測要考幾分" in kb.entries["moe.item.english_test_fee"].answer.zh
    assert "no test scores" in kb.entries["moe.item.english_test_fee"].answer.en
    assert "計畫沒有寫全計畫或全國的總預算" in kb.entries["moe.funding_overview"].answer.zh
    assert "no budget for the plan as a whole" in kb.entries["moe.funding_overview"].answer.en


def test_a_prize_asked_as_cash_is_not_refused_as_a_way_of_paying(kb, engine) -> None:
    """「學生獎品可以給現金嗎」 asks what a prize may be (moe.item.student_prizes), not how a fee is paid:
    the trigger 給現金 of how_paid_and_how_long stands aside for prizes."""
    answer = engine.answer("學生獎品可以給現金嗎")
    paid = next(rule for rule in kb.out_of_scope if rule.id == "how_paid_and_how_long")
    assert answer.text != paid.reply.zh and "獎品" in paid.except_words
