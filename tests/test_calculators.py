"""The ceiling of 附件2 and the item rules of 附件3, on both sides of every boundary; `policybot cap`."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.cli import main
from knowledge.calculators import (
    MAX_CLASSES,
    InvalidFacts,
    InvalidInput,
    SchoolFacts,
    attendance_fee,
    ceiling,
    consultation_fee,
    data_collection,
    english_test_eligibility,
    equipment_check,
    language_study,
    lecture_fee,
    lecturer_type,
    lodging,
    meals,
    premium,
    share_cap,
    teaching_load_check,
    teaching_materials,
    unit_cap,
)
from knowledge.funding_rules import default_rules

RULES = default_rules()
萬 = 10000


# -- 附件2: the ceiling ---------------------------------------------------------------


@pytest.mark.parametrize(
    "classes, expected",
    [
        (1, 15 * 萬),
        (12, 15 * 萬),
        (13, 25 * 萬),
        (35, 25 * 萬),
        (36, 35 * 萬),
        (MAX_CLASSES, 35 * 萬),
    ],
)
def test_mode1_tiers(classes: int, expected: int) -> None:
    result = ceiling(RULES, SchoolFacts(mode=1, classes=classes))
    assert result.amount("bilingual_life") == expected
    assert result.total == expected
    assert result.capital_cap("bilingual_life") == expected * 20 // 100
    assert result.transfer is None and result.open_classroom is None
    assert {line.key for line in result.parts} == {"bilingual_life", "branch_extra"}


@pytest.mark.parametrize(
    "domains, classes, teacher, student",
    [
        (2, 1, 50, 30),
        (2, 4, 50, 30),
        (2, 5, 60, 40),
        (2, 9, 60, 40),
        (2, 10, 70, 50),
        (2, 200, 70, 50),
        (1, 1, 40, 20),
        (1, 7, 40, 20),
        (1, 8, 50, 30),
        (1, 11, 50, 30),
        (1, 12, 60, 40),
        (1, 15, 60, 40),
        (1, 16, 70, 50),
        (1, 200, 70, 50),
    ],
)
def test_mode2_partial_domain_tiers(domains: int, classes: int, teacher: int, student: int) -> None:
    result = ceiling(RULES, SchoolFacts(mode=2, classes=classes, domains=domains))
    assert result.amount("pd_teacher") == teacher * 萬
    assert result.amount("pd_student") == student * 萬
    assert result.amount("bilingual_life") == 15 * 萬
    assert result.total == (15 + teacher + student) * 萬
    assert result.capital_cap("partial_domains") == (teacher + student) * 萬 // 10
    assert result.capital_cap("bilingual_life") == 3 * 萬
    assert result.transfer is not None
    assert result.transfer.amount == teacher * 萬 * 30 // 100
    assert result.transfer.rule.capital_cap_after == 3 * 萬


@pytest.mark.parametrize(
    "mode, domains, classes, life, capital",
    [
        (1, None, 12, 20 * 萬, 4 * 萬),
        (1, None, 14, 30 * 萬, 6 * 萬),
        (1, None, 36, 40 * 萬, 8 * 萬),
        (2, 2, 8, 20 * 萬, 4 * 萬),
    ],
)
def test_branch_adds_at_most_5萬_to_bilingual_life(
    mode: int, domains: int | None, classes: int, life: int, capital: int
) -> None:
    without = ceiling(RULES, SchoolFacts(mode=mode, classes=classes, domains=domains, branch=False))
    result = ceiling(RULES, SchoolFacts(mode=mode, classes=classes, domains=domains, branch=True))
    assert result.amount("branch_extra") == 5 * 萬
    assert without.amount("branch_extra") == 0
    assert result.total == without.total + 5 * 萬
    assert result.part_ceiling("bilingual_life") == life
    assert result.capital_cap("bilingual_life") == capital


def test_open_classroom_is_a_possible_extra_never_in_the_total() -> None:
    chosen = ceiling(RULES, SchoolFacts(mode=2, classes=8, domains=2, open_classroom=True))
    plain = ceiling(RULES, SchoolFacts(mode=2, classes=8, domains=2))
    assert chosen.open_classroom_extra == 6 * 萬
    assert plain.open_classroom_extra is None
    assert chosen.total == plain.total
    oc = chosen.open_classroom
    assert oc is not None
    assert (oc.min_sessions_per_semester, oc.min_visitors_per_semester, oc.schools_selected) == (1, 40, 30)
    assert chosen.to_json()["open_classroom_possible_extra"] == 6 * 萬


def test_open_classroom_with_mode1_is_rejected() -> None:
    with pytest.raises(InvalidFacts) as error:
        SchoolFacts(mode=1, classes=10, open_classroom=True)
    assert "模式二" in error.value.zh and "mode 2" in error.value.en


@pytest.mark.parametrize(
    "kwargs, zh, en",
    [
        ({"mode": 1, "classes": 0}, "至少", "at least 1"),
        ({"mode": 1, "classes": -5}, "至少", "at least 1"),
        ({"mode": 1, "classes": MAX_CLASSES + 1}, "不合理", "not plausible"),
        ({"mode": 3, "classes": 10}, "模式", "mode must be 1 or 2"),
        ({"mode": 0, "classes": 10}, "模式", "mode must be 1 or 2"),
        ({"mode": True, "classes": 10}, "模式", "mode must be 1 or 2"),
        ({"mode": 1, "classes": 10, "domains": 2}, "模式一", "mode 1 has no partial-domain"),
        ({"mode": 2, "classes": 10, "domains": 3}, "領域", "domains must be 1 or 2"),
        ({"mode": 2, "classes": 10, "domains": 0}, "領域", "domains must be 1 or 2"),
        ({"mode": 2, "classes": 10, "domains": -2}, "不能是 -2", "cannot be -2"),
        ({"mode": 2, "classes": "10"}, "整數", "whole number"),
        ({"mode": 2, "classes": 10.5}, "整數", "whole number"),
        ({"mode": 2, "classes": 10, "branch": "yes"}, "是", "yes or no"),
    ],
)
def test_invalid_facts(kwargs: dict, zh: str, en: str) -> None:
    with pytest.raises(InvalidFacts) as error:
        SchoolFacts(**kwargs)
    assert zh in error.value.zh and en in error.value.en
    assert error.value.message("en") == error.value.en


def test_an_absurd_value_is_not_quoted_back_whole() -> None:
    with pytest.raises(InvalidFacts) as error:
        SchoolFacts(mode=1, classes=int("8" * 300))
    assert "不合理" in error.value.zh and "888…" in error.value.zh and len(error.value.en) < 120


@pytest.mark.parametrize(
    "facts, missing",
    [
        (SchoolFacts(), ["mode", "classes", "domains"]),
        (SchoolFacts(mode=1), ["classes"]),
        (SchoolFacts(mode=2, classes=8), ["domains"]),
    ],
)
def test_a_ceiling_needs_its_facts(facts: SchoolFacts, missing: list[str]) -> None:
    assert facts.missing() == missing
    with pytest.raises(InvalidFacts):
        ceiling(RULES, facts)


def test_unknown_facts_are_asked_in_order() -> None:
    assert SchoolFacts().unknown() == ["mode", "classes", "domains", "branch", "open_classroom"]
    assert SchoolFacts(mode=1).unknown() == ["classes", "branch"]
    assert SchoolFacts(mode=2, classes=8, domains=1, branch=False).unknown() == ["open_classroom"]


@given(
    mode=st.sampled_from([1, 2]),
    classes=st.integers(1, MAX_CLASSES),
    domains=st.sampled_from([1, 2]),
    branch=st.booleans(),
)
def test_ceiling_invariants(mode: int, classes: int, domains: int, branch: bool) -> None:
    facts = SchoolFacts(mode=mode, classes=classes, domains=domains if mode == 2 else None, branch=branch)
    result = ceiling(RULES, facts)
    assert result.total == sum(line.amount for line in result.parts)
    assert result.total == sum(result.part_ceiling(p) for p in ("bilingual_life", "pd_teacher", "pd_student"))
    bigger = ceiling(
        RULES, SchoolFacts(mode=mode, classes=min(classes + 1, MAX_CLASSES), domains=facts.domains, branch=branch)
    )
    assert bigger.total >= result.total
    json_ = result.to_json("en")
    assert all(isinstance(v, int) for v in json_["parts"].values())
    assert json_["total"] == sum(json_["parts"].values())


def test_sources_name_the_plan_and_section_in_both_languages() -> None:
    result = ceiling(RULES, SchoolFacts(mode=1, classes=14, branch=True))
    assert result.sources("zh")[0] == "雙語生活化校園計畫 附件2 模式一"
    assert result.sources("en")[0].startswith("Bilingual Campus Plan (115) Annex 2")
    assert len(result.sources("zh")) == len(set(result.sources("zh")))


# -- 附件3: item calculators ----------------------------------------------------------


def test_attendance_fee() -> None:
    assert attendance_fee(RULES, 3).amount == 6000
    assert attendance_fee(RULES, 2, 3).amount == 12000


@pytest.mark.parametrize(
    "hours, session, amount, capped",
    [
        (3, "half_day", 3000, False),
        (4, "half_day", 3000, True),
        (6, "day", 6000, False),
        (7, "day", 6000, True),
        (3, "online", 3000, False),
        (4, "online", 3000, True),
        (Decimal("2.5"), "day", 2500, False),
    ],
)
def test_consultation_fee_hour_caps(hours, session: str, amount: int, capped: bool) -> None:
    result = consultation_fee(RULES, hours, session)
    assert result.amount == amount
    assert bool(result.notes) is capped
    if capped:
        assert "不補助" in result.notes[0].zh and "not" in result.notes[0].en


@pytest.mark.parametrize(
    ("hours", "session", "days", "amount"), [(6, "day", 2, 12000), (4, "half_day", 3, 9000), (2, "day", 2, 4000)]
)
def test_consultation_fee_caps_each_days_session(hours, session: str, days: int, amount: int) -> None:
    """Each day of a consultation is a session of its own: its hours are capped, then the days add up."""
    result = consultation_fee(RULES, hours, session, days=days)
    assert result.amount == amount
    assert f"{days} 日" in result.working.zh


def test_consultation_fee_rejects_unknown_session() -> None:
    with pytest.raises(InvalidInput):
        consultation_fee(RULES, 2, "weekend")


@pytest.mark.parametrize(
    "lecturer, periods, amount",
    [
        ("external", 2, 4000),
        ("affiliated", 2, 3000),
        ("internal", 2, 2000),
        ("external", 1, 2000),
    ],
)
def test_lecture_fee_by_lecturer(lecturer: str, periods: int, amount: int) -> None:
    assert lecture_fee(RULES, lecturer, periods).amount == amount


@pytest.mark.parametrize(
    "text, kind",
    [
        ("外聘教授", "external"),
        ("國內專家學者", "external"),
        ("內聘", "internal"),
        ("本校教師分享", "internal"),
        ("隸屬機關學校人員", "affiliated"),
        ("external lecturer", "external"),
        ("affiliated staff", "affiliated"),
    ],
)
def test_lecturer_type(text: str, kind: str) -> None:
    assert lecturer_type(text) == kind


def test_premium_counts_only_the_listed_fee_items() -> None:
    result = premium(RULES, {"lecture_fee": 4000, "印刷費": 5000, "講座鐘點費(內聘)": 1000})
    assert result.base == 5000
    assert result.amount == 106  # 105.5 rounds half up
    assert [name for name, _ in result.excluded] == ["印刷費"]


@pytest.mark.parametrize("item", ["出席費", "諮詢費", "講座鐘點費", "授課鐘點費", "代課鐘點費", "工作費"])
def test_premium_base_items(item: str) -> None:
    assert premium(RULES, {item: 10000}).amount == 211


@pytest.mark.parametrize("item", ["印刷費", "膳費", "住宿費", "代課教師勞健保及勞退費", "教材教具費"])
def test_premium_excluded_items(item: str) -> None:
    assert premium(RULES, {item: 10000}).amount == 0


@pytest.mark.parametrize(
    "people, per_day, days, full_day, amount, capped",
    [
        (30, 1, 1, False, 3600, False),
        (10, 2, 1, False, 2400, False),
        (10, 3, 1, False, 3400, True),
        (10, 1, 2, True, 6800, False),
        (1, 1, 1, False, 120, False),
    ],
)
def test_meals(people: int, per_day: int, days: int, full_day: bool, amount: int, capped: bool) -> None:
    result = meals(RULES, people, per_day, days, full_day)
    assert result.amount == amount
    assert any("340" in note.zh for note in result.notes) is capped
    assert any("學生" in note.zh for note in result.notes)  # the same rates for student activities


def test_lodging() -> None:
    assert lodging(RULES, 2, 3).amount == 18000


def test_teaching_materials_800_per_class_period_and_20_percent() -> None:
    assert teaching_materials(RULES, 8, 10).amount == 64000
    assert teaching_materials(RULES, 8, 20, 400000).amount == 80000
    assert teaching_materials(RULES, 8, 10, 400000).amount == 64000


@pytest.mark.parametrize(
    "item, recurrent, cap",
    [
        ("teaching_aids", 100000, 20000),
        ("misc", 100000, 10000),
        ("teaching_aids", 123457, 24691),
    ],
)
def test_share_caps(item: str, recurrent: int, cap: int) -> None:
    assert share_cap(getattr(RULES.items, item), recurrent).amount == cap


def test_data_collection_cap_and_book_list() -> None:
    assert data_collection(RULES).amount == 30000
    assert data_collection(RULES, 40000).amount == 30000
    assert data_collection(RULES, 20000).notes == ()
    notes = data_collection(RULES, 20000, books=True).notes
    assert notes and "書單" in notes[0].zh
    assert data_collection(RULES, 20000, books=True, book_list=True).notes == ()


def test_language_study_per_person_per_semester() -> None:
    result = language_study(RULES, 3, 2)
    assert result.amount == 120000
    assert "優先" in result.notes[0].zh


@pytest.mark.parametrize(
    "kwargs, ok, code",
    [
        ({"role": "teacher", "level": "B1"}, True, None),
        ({"role": "teacher", "level": "A2"}, False, "english_test.level"),
        ({"role": "teacher", "level": "B1", "english_teacher": True}, False, "english_test.level"),
        ({"role": "teacher", "level": "B2", "english_teacher": True}, True, None),
        ({"role": "teacher", "level": "c1", "english_teacher": True}, True, None),
        ({"role": "admin", "level": "B1"}, True, None),
        ({"role": "substitute", "level": "B1", "substitute_months": 2}, False, "english_test.substitute"),
        ({"role": "substitute", "level": "B1", "substitute_months": 3}, True, None),
        ({"role": "teacher", "level": "B1", "claimed": [None]}, False, "english_test.once"),
        ({"role": "teacher", "level": "B1", "part": "說寫", "claimed": ["聽讀"]}, True, None),
        ({"role": "teacher", "level": "B1", "part": "聽讀", "claimed": ["聽讀"]}, False, "english_test.once"),
        ({"role": "teacher", "level": "B1", "sat_test": False}, False, "english_test.sat"),
    ],
)
def test_english_test_eligibility(kwargs: dict, ok: bool, code: str | None) -> None:
    verdict = english_test_eligibility(RULES, **kwargs)
    assert verdict.ok is ok
    if code:
        assert code in [p.code for p in verdict.problems]


@pytest.mark.parametrize("kwargs", [{"role": "principal", "level": "B1"}, {"role": "teacher", "level": "B3"}])
def test_english_test_rejects_unknown_inputs(kwargs: dict) -> None:
    with pytest.raises(InvalidInput):
        english_test_eligibility(RULES, **kwargs)


@pytest.mark.parametrize(
    "item, price, capital, remote, codes",
    [
        ("桌上型電腦(含螢幕)", 30000, True, False, []),
        ("桌上型電腦(含螢幕)", 30001, True, False, ["equipment.cap"]),
        ("桌上型電腦(不含螢幕)", 25000, True, False, []),
        ("桌上型電腦(不含螢幕)", 25001, True, False, ["equipment.cap"]),
        ("平板", 15000, True, False, []),
        ("平板電腦", 15001, True, False, ["equipment.cap"]),
        ("筆記型電腦", 30000, True, False, []),
        ("筆電", 30001, True, False, ["equipment.cap"]),
        ("無線麥克風", 9999, True, False, ["equipment.under_min"]),
        ("無線麥克風", 10000, True, False, []),
        ("無線麥克風", 9999, False, False, []),
        # under recurrent (經常門): only a unit price under 1 萬 goes there
        ("無線麥克風", 10000, False, False, ["equipment.over_min"]),
        ("筆記型電腦", 30000, False, False, ["equipment.over_min"]),
        ("投影機", 20000, True, True, ["equipment.remote"]),
        ("投影機", 20000, True, False, []),
    ],
)
def test_equipment(item: str, price: int, capital: bool, remote: bool, codes: list[str]) -> None:
    verdict = equipment_check(RULES, item, price, capital, remote)
    assert [p.code for p in verdict.problems] == codes
    # The unit-price caps are written 「…為原則」: over them needs a reason but is allowed.
    hard = [p.code for p in verdict.problems if p.binding == "limit"]
    assert verdict.ok is (not hard)
    for problem in verdict.problems:
        assert (problem.binding == "principle") is (problem.code == "equipment.cap")
        if problem.code == "equipment.cap":
            assert "為原則" in problem.message.zh and "敘明理由" in problem.message.zh
            assert "as a rule" in problem.message.en and "state a reason" in problem.message.en


@pytest.mark.parametrize(
    "mode, periods, lead, codes",
    [
        (1, 4, False, []),
        (1, 5, False, ["teaching_load.cap"]),
        (2, 4, False, []),
        (2, 5, False, ["teaching_load.cap"]),
        (2, 6, True, []),
        (2, 7, True, ["teaching_load.cap"]),
        (1, 5, True, ["teaching_load.lead_mode", "teaching_load.cap"]),
        (1, 4, True, []),  # a mode-1 lead within everyone's 4 periods is fine
    ],
)
def test_teaching_load(mode: int, periods: int, lead: bool, codes: list[str]) -> None:
    assert [p.code for p in teaching_load_check(RULES, mode, periods, lead).problems] == codes


@pytest.mark.parametrize(("people", "periods", "codes"), [(1, 6, []), (2, 6, ["teaching_load.leads"]), (2, 4, [])])
def test_the_leads_six_periods_are_for_one_person(people: int, periods: int, codes: list[str]) -> None:
    verdict = teaching_load_check(RULES, 2, periods, lead=True, people=people)
    assert [p.code for p in verdict.problems] == codes


@pytest.mark.parametrize(
    "key, text, cap",
    [
        ("attendance_fee", "出席費", 2000),
        ("consultation_fee", "諮詢費", 1000),
        ("lecture_fee", "講座鐘點費(外聘)", 2000),
        ("lecture_fee", "講座鐘點費(內聘)", 1000),
        ("lecture_fee", "外聘 隸屬機關學校人員", 1500),
        ("lodging", "住宿費", 3000),
        ("meals", "午餐便當", 120),
        ("meals", "膳費 全日", 340),
        ("teaching_materials", "教學材料費", 800),
        ("language_study", "語言進修費", 20000),
        ("printing", "印刷費", None),
        ("data_collection", "資料蒐集費", None),
    ],
)
def test_unit_caps(key: str, text: str, cap: int | None) -> None:
    found = unit_cap(RULES, key, text)
    assert (found.cap if found else None) == cap


@pytest.mark.parametrize(
    "call",
    [
        lambda: attendance_fee(RULES, 0),
        lambda: lecture_fee(RULES, "external", -1),
        lambda: meals(RULES, "many"),
        lambda: lecture_fee(RULES, "guest", 2),
    ],
)
def test_item_calculators_reject_bad_input(call) -> None:
    with pytest.raises(InvalidInput):
        call()


# -- policybot cap ----------------------------------------------------------------------


def test_cap_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cap", "--mode", "2", "--classes", "8", "--domains", "2", "--branch", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"mode", "classes", "domains", "parts", "total", "capital_caps", "sources"} <= data.keys()
    assert (data["mode"], data["classes"], data["domains"]) == (2, 8, 2)
    assert data["parts"] == {
        "bilingual_life": 150000,
        "branch_extra": 50000,
        "pd_teacher": 600000,
        "pd_student": 400000,
    }
    assert data["total"] == 1200000
    assert data["capital_caps"] == {"bilingual_life": 40000, "partial_domains": 100000}
    assert data["transfer_cap"] == 180000
    assert all(isinstance(s, str) and "附件2" in s for s in data["sources"])


def test_cap_json_mode1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cap", "--mode", "1", "--classes", "13", "--json", "--lang", "en"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["domains"] is None and data["total"] == 250000 and data["capital_caps"] == {"bilingual_life": 50000}
    assert data["sources"][0].startswith("Bilingual Campus Plan")


def test_cap_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cap", "--mode", "1", "--classes", "14", "--branch"]) == 0
    out = capsys.readouterr().out
    assert "300,000 元" in out and "附件2 模式一" in out and "出處" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["cap", "--mode", "1", "--classes", "0"],
        ["cap", "--mode", "1", "--classes", "-3"],
        ["cap", "--mode", "1", "--classes", "201"],
        ["cap", "--mode", "3", "--classes", "10"],
        ["cap", "--mode", "1", "--classes", "10", "--domains", "2"],
        ["cap", "--mode", "2", "--classes", "10"],
        ["cap", "--mode", "1", "--classes", "10", "--open-classroom"],
    ],
)
def test_cap_invalid_input_exits_2_with_one_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1 and captured.err.startswith("policybot cap:")


@pytest.mark.parametrize("argv", [["cap", "--mode", "1", "--classes", "ten"], ["cap", "--classes", "10"], ["cap"]])
def test_cap_argparse_errors_exit_2(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
