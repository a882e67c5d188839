"""The budget checker: the example budgets, every violation, broken files, `policybot check-budget`."""

from __future__ import annotations

import codecs
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cli import main
from knowledge.budget import (
    MAX_BYTES,
    MAX_LINES,
    MAX_ROWS,
    MAX_YAML_DEPTH,
    BudgetFileError,
    BudgetReport,
    check_budget,
    format_report,
)
from knowledge.calculators import SchoolFacts

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CLEAN_CSV = (EXAMPLES / "budget_clean.csv").read_bytes()
CLEAN_YAML = (EXAMPLES / "budget_clean.yaml").read_bytes()
VIOLATIONS = (EXAMPLES / "budget_violations.csv").read_bytes()
SCHOOL = SchoolFacts(mode=2, classes=8, domains=2, branch=False)
HEADER = "面向,類別,項目,單價,數量,金額,備註\n"


def check(csv_text: str, facts: SchoolFacts | None = None, name: str = "b.csv") -> BudgetReport:
    return check_budget(csv_text.encode("utf-8"), name, facts)


def codes(report: BudgetReport, severity: str = "violation") -> list[str]:
    return [f.code for f in report.findings if f.severity == severity]


# -- the examples ---------------------------------------------------------------------


@pytest.mark.parametrize("content, name", [(CLEAN_CSV, "budget_clean.csv"), (CLEAN_YAML, "budget_clean.yaml")])
@pytest.mark.parametrize("facts", [None, SCHOOL])
def test_clean_examples_have_no_violations(content: bytes, name: str, facts: SchoolFacts | None) -> None:
    report = check_budget(content, name, facts)
    assert report.findings == [], format_report(report, "zh")
    assert report.ok and report.mode == 2 and report.rows == 38
    totals = {key: int(p.total) for key, p in report.parts.items()}
    assert totals == {"bilingual_life": 114912, "pd_teacher": 476545, "pd_student": 323798}
    assert {key: p.premium_expected for key, p in report.parts.items()} == {
        "bilingual_life": 912,
        "pd_teacher": 3545,
        "pd_student": 3798,
    }


def test_csv_and_yaml_examples_are_the_same_budget() -> None:
    csv_report = check_budget(CLEAN_CSV, "budget_clean.csv")
    yaml_report = check_budget(CLEAN_YAML, "budget_clean.yaml")
    assert csv_report.to_json()["parts"] == yaml_report.to_json()["parts"]


@pytest.mark.parametrize(
    "code, row",
    [
        ("unit_cap", 3),  # 出席費 2,500 > 2,000
        ("unit_cap", 4),  # 內聘講座 1,500 > 1,000
        ("unit_cap", 5),  # 膳費 150 > 120 per meal
        ("amount_mismatch", 6),  # 100 × 50 ≠ 4,000
        ("equipment.under_min", 10),  # 資本門 8,000 < 1萬
        ("unit_cap", 14),  # 語言進修 25,000 > 2萬
        ("row_error", 15),  # amount "約 3000"
        ("unit_cap", 17),  # 教學材料費 1,000 > 800
        ("premium_wrong", None),  # 雙語生活化 budgets 500, should be 232
        ("premium_missing", None),  # 部領學生 has 授課鐘點費 but no premium
        ("misc_share", None),  # 雜支 60,000 > 10% of 經常門
        ("teaching_materials_share", None),
        ("data_collection_cap", None),
        ("capital_share", None),
    ],
)
def test_violations_example_finds_each_violation(code: str, row: int | None) -> None:
    report = check_budget(VIOLATIONS, "budget_violations.csv")
    assert any(f.code == code and f.row == row and f.severity == "violation" for f in report.findings), format_report(
        report, "zh"
    )


def test_violations_example_warns_of_a_unit_price_over_a_principle_cap() -> None:
    """平板 18,000 > 1萬5,000, a cap written 「以…為原則」: a warning, and the row's note may be the reason."""
    report = check_budget(VIOLATIONS, "budget_violations.csv")
    (finding,) = [f for f in report.findings if f.code == "equipment.cap"]
    assert finding.severity == "warning" and finding.row == 11
    assert "為原則" in finding.message.zh and "雙語對話角" in finding.message.zh
    assert "計畫（申請書）中也敘明此理由" in finding.message.zh
    assert "make sure the plan/application states it too" in finding.message.en


def test_violations_example_has_at_least_six_kinds_and_a_source_for_each_rule() -> None:
    report = check_budget(VIOLATIONS, "budget_violations.csv", SCHOOL)
    assert len(set(codes(report))) >= 6
    for finding in report.violations:
        if finding.code not in ("amount_mismatch", "row_error"):
            assert finding.rule is not None and finding.rule.source("zh").startswith("雙語生活化校園計畫 附件")
    assert "book_list" in codes(report, "warning")
    assert "transfer" in codes(report, "warning")  # 雙語生活化 over its ceiling by 76,000
    assert "capital_after_transfer" in codes(report)  # ... so its capital stays within 3萬


def test_premium_is_computed_per_part() -> None:
    report = check_budget(VIOLATIONS, "budget_violations.csv")
    life = report.parts["bilingual_life"]
    assert (int(life.premium_base), life.premium_expected, int(life.premium_budgeted)) == (11000, 232, 500)
    assert report.parts["pd_student"].premium_expected == 760


# -- single rules ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, code",
    [
        ("雙語生活化,經常門,出席費,2001,1,2001,", "unit_cap"),
        ("雙語生活化,經常門,諮詢費,1200,3,3600,", "unit_cap"),
        ("雙語生活化,經常門,講座鐘點費(外聘),2500,2,5000,", "unit_cap"),
        ("雙語生活化,經常門,講座鐘點費(外聘),2000,2,4000,隸屬機關學校人員", "unit_cap"),
        ("雙語生活化,經常門,講座鐘點費(內聘),1001,2,2002,", "unit_cap"),
        ("雙語生活化,經常門,住宿費,3001,1,3001,", "unit_cap"),
        ("雙語生活化,經常門,膳費,121,10,1210,", "unit_cap"),
        ("雙語生活化,經常門,膳費,341,10,3410,全日", "unit_cap"),
        ("部領學生,經常門,教學材料費,801,1,801,", "unit_cap"),
        ("部領教師,經常門,教師國內語言進修費,20001,1,20001,", "unit_cap"),
        ("雙語生活化,資本門,喇叭,9999,1,9999,", "equipment.under_min"),
        ("雙語生活化,經常門,筆記型電腦,28000,1,28000,", "equipment.over_min"),  # 1 萬 or more: capital
        ("雙語生活化,資本門,冷氣費,12000,1,12000,", "capital_excluded"),
        ("雙語生活化,經常門,印刷費,100,3,301,", "amount_mismatch"),
        ("雙語生活化,經常門,教學材料費,800,1,800,", "item_part"),
        ("雙語生活化,經常門,資料蒐集費,30001,1,30001,", "data_collection_cap"),
    ],
)
def test_each_rule(line: str, code: str) -> None:
    report = check(HEADER + line + "\n")
    assert code in codes(report), format_report(report, "zh")


@pytest.mark.parametrize(
    "line",
    [
        "雙語生活化,經常門,出席費,2000,1,2000,",
        "雙語生活化,經常門,講座鐘點費(外聘),2000,2,4000,國內專家學者",
        "雙語生活化,經常門,講座鐘點費(外聘),1500,2,3000,隸屬機關學校人員",
        "雙語生活化,經常門,膳費,340,10,3400,全日研習",
        "雙語生活化,經常門,膳費,120,10,1200,",
        "雙語生活化,經常門,住宿費,3000,1,3000,",
        "雙語生活化,資本門,桌上型電腦(不含螢幕),25000,1,25000,",
        "雙語生活化,經常門,喇叭,9999,1,9999,",
        "雙語生活化,經常門,印刷費,33.5,3,100.5,",
    ],
)
def test_lines_within_the_rules_pass(line: str) -> None:
    report = check(HEADER + line + "\n")
    assert [c for c in codes(report) if c not in ("premium_missing", "capital_share")] == []


@pytest.mark.parametrize(
    "line",
    [
        "雙語生活化,資本門,桌上型電腦(含螢幕),30001,1,30001,",
        "雙語生活化,資本門,桌上型電腦(不含螢幕),25001,1,25001,",
        "雙語生活化,資本門,筆記型電腦,30001,1,30001,",
        "雙語生活化,經常門,平板,15001,1,15001,",
    ],
)
def test_unit_price_over_a_principle_cap_is_a_warning_asking_for_the_reason(line: str) -> None:
    """附件3 writes the unit-price caps 「單價上限以…為原則」: over them is no violation, but needs a reason."""
    report = check(HEADER + line + "\n")
    assert "equipment.cap" not in codes(report) and "equipment.cap" in codes(report, "warning")
    (finding,) = [f for f in report.findings if f.code == "equipment.cap"]
    assert "為原則" in finding.message.zh and "請在計畫（申請書）中敘明超過的理由" in finding.message.zh
    assert "as a rule" in finding.message.en and "State the reason" in finding.message.en


def test_teaching_aids_over_20_percent_of_recurrent() -> None:
    """「以不超過…20%為原則」: a warning that asks for the reason, not a violation."""
    report = check(HEADER + "雙語生活化,經常門,印刷費,7000,1,7000,\n雙語生活化,經常門,教材教具費,3000,1,3000,\n")
    assert "teaching_aids_share" not in codes(report) and "teaching_aids_share" in codes(report, "warning")
    (finding,) = [f for f in report.findings if f.code == "teaching_aids_share"]
    assert "為原則" in finding.message.zh and "不是硬性上限" in finding.message.zh and "敘明" in finding.message.zh
    assert "not a hard cap" in finding.message.en and "stated reason" in finding.message.en
    report = check(HEADER + "雙語生活化,經常門,印刷費,8000,1,8000,\n雙語生活化,經常門,教材教具費,2000,1,2000,\n")
    assert "teaching_aids_share" not in codes(report) + codes(report, "warning")


def test_misc_share_stays_a_hard_limit() -> None:
    """雜支 「不得逾…10%」 is a hard limit: a violation."""
    report = check(HEADER + "雙語生活化,經常門,印刷費,8000,1,8000,\n雙語生活化,經常門,雜支,2000,1,2000,\n")
    assert "misc_share" in codes(report)


@pytest.mark.parametrize("budgeted, ok", [(84, True), (85, True), (83, False), (0, False)])
def test_premium_rounding_tolerance(budgeted: int, ok: bool) -> None:
    """2.11% of 4,000 is 84.4: 84 or 85 are both accepted, anything else is wrong."""
    report = check(
        HEADER + "雙語生活化,經常門,講座鐘點費(外聘),2000,2,4000,\n"
        f"雙語生活化,經常門,補充保費,{budgeted},1,{budgeted},\n"
    )
    assert ("premium_wrong" not in codes(report)) is ok


def test_premium_line_may_leave_price_and_quantity_blank() -> None:
    report = check(HEADER + "雙語生活化,經常門,出席費,2000,1,2000,\n雙語生活化,經常門,全民健康保險補充保費,,,42,\n")
    assert report.ok


def test_capital_shares_mode1_and_pooled_mode2() -> None:
    mode1 = check(HEADER + "雙語生活化,經常門,印刷費,70000,1,70000,\n雙語生活化,資本門,平板,15000,2,30000,\n")
    assert "capital_share" in codes(mode1)  # 30,000 > 20% of 100,000
    pooled = check(
        HEADER + "雙語生活化,經常門,印刷費,70000,1,70000,\n雙語生活化,資本門,平板,15000,2,30000,\n"
        "部領教師,經常門,印刷費,300000,1,300000,\n"
    )
    assert "capital_share" not in codes(pooled)  # 附件2 備註2: 20,000 + 30,000 may be pooled


def test_partial_domain_capital_needs_a_note() -> None:
    report = check(HEADER + "部領教師,經常門,印刷費,300000,1,300000,\n部領教師,資本門,筆記型電腦,28000,1,28000,\n")
    assert codes(report, "warning") == ["capital_note"]


@pytest.mark.parametrize(
    "facts, line, code",
    [
        (SchoolFacts(mode=1, classes=12), "雙語生活化,經常門,印刷費,150001,1,150001,", "part_ceiling"),
        (SchoolFacts(mode=1, classes=12, branch=True), "雙語生活化,經常門,印刷費,200001,1,200001,", "part_ceiling"),
        (SchoolFacts(mode=1, classes=12), "部領教師,經常門,印刷費,1000,1,1000,", "mode_parts"),
        (SchoolFacts(mode=2, classes=8, domains=2), "部領學生,經常門,印刷費,400001,1,400001,", "part_ceiling"),
        (SchoolFacts(mode=2, classes=8, domains=2), "雙語生活化,經常門,印刷費,330001,1,330001,", "part_ceiling"),
    ],
)
def test_part_ceilings(facts: SchoolFacts, line: str, code: str) -> None:
    assert code in codes(check(HEADER + line + "\n", facts))


@pytest.mark.parametrize(
    "line",
    [
        "雙語生活化,經常門,印刷費,150000,1,150000,",
        "部領學生,經常門,印刷費,400000,1,400000,",
    ],
)
def test_part_ceilings_at_the_limit(line: str) -> None:
    assert "part_ceiling" not in codes(check(HEADER + line + "\n", SCHOOL))


def test_transfer_of_teacher_funding() -> None:
    """15萬 + at most 30% of 60萬 (18萬) may go to 雙語生活化; the teacher ceiling shrinks as much."""
    within = check(
        HEADER + "雙語生活化,經常門,印刷費,330000,1,330000,\n部領教師,經常門,印刷費,420000,1,420000,\n", SCHOOL
    )
    assert "transfer" in codes(within, "warning") and "part_ceiling" not in codes(within)
    teacher_over = check(
        HEADER + "雙語生活化,經常門,印刷費,330000,1,330000,\n部領教師,經常門,印刷費,420001,1,420001,\n", SCHOOL
    )
    assert "part_ceiling" in codes(teacher_over)
    capital = check(
        HEADER + "雙語生活化,經常門,印刷費,150000,1,150000,\n雙語生活化,資本門,平板,15000,3,45000,\n"
        "部領教師,經常門,印刷費,400000,1,400000,\n",
        SCHOOL,
    )
    assert "capital_after_transfer" in codes(capital)


# -- reading files --------------------------------------------------------------------


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
        lambda text: text.encode("cp950"),
        lambda text: text.encode("big5"),
        lambda text: text.encode("utf-16"),
        lambda text: text.replace(",", "\t").encode("utf-8"),
        lambda text: text.replace(",", ";").encode("utf-8"),
        lambda text: text.replace("\n", "\r\n").encode("cp950"),
    ],
)
def test_encodings_and_separators(encode) -> None:
    text = CLEAN_CSV.decode("utf-8")
    report = check_budget(encode(text), "budget.csv", SCHOOL)
    assert report.ok and report.rows == 38 and int(report.total) == 915255


def test_english_headers_title_rows_units_merged_cells_and_summary_rows() -> None:
    text = (
        "School budget 2026,,,,,,\n"
        "Part,Category,Item,Unit price (NT$),Qty,Amount,Note\n"
        "bilingual life,recurrent,Attendance fee,2000,2,2000 元,\n"
        ',,consultation,1000,3,"3,000",\n'
        ",,補充保費,,,105,\n"
        ',,小計,,,"5,105",\n'
        "部領學生,經常門,教學材料費,８００,１,８００,\n"
        "pd student,,supplementary premium,0,1,0,\n"
    )
    report = check(text)
    assert report.rows == 5
    assert "amount_mismatch" in codes(report)  # 2000 × 2 ≠ 2000
    assert int(report.parts["bilingual_life"].total) == 5105


@pytest.mark.parametrize(
    "content, name, zh, en",
    [
        (b"", "b.csv", "空的", "empty"),
        (b"  \n\n ", "b.csv", "空的", "empty"),
        (HEADER.encode(), "b.csv", "沒有任何經費列", "no budget rows"),
        (b"part,category,item\n1,2,3\n", "b.csv", "單價", "unit_price"),
        ("面向,項目,金額\n雙語生活化,出席費,2000\n".encode(), "b.csv", "缺少欄位", "Missing column"),
        (b"hello world\nthis is not a budget\n", "b.csv", "標題列", "header row"),
        (b"\x00\x01\x02\x03binary\x00junk", "b.csv", "不是文字檔", "not a text file"),
        (b"PK\x03\x04\x14\x00\x06\x00", "budget.xlsx", "CSV", "Save the sheet as CSV"),
        (b"%PDF-1.7\n", "b.pdf", "PDF", "PDF"),
        (bytes(range(0x80, 0x100)) * 4, "b.csv", "編碼", "encoding"),
        (b"\x01\x02\x03\x04\x05\x06\x07\x08 text", "b.csv", "控制字元", "control characters"),
        (b"a" * (MAX_BYTES + 1), "b.csv", "太大", "too large"),
        ((HEADER + "雙語生活化,經常門,印刷費,1,1,1,\n" * (MAX_ROWS + 1)).encode(), "b.csv", "太多", "Too many rows"),
        (b"rows: [unclosed", "b.yaml", "YAML", "YAML"),
        (b"just a string", "b.yaml", "清單", "list of budget rows"),
        (b"- {part: x}\n", "b.yml", "缺少欄位", "Missing column"),
    ],
)
def test_unreadable_files(content: bytes, name: str, zh: str, en: str) -> None:
    with pytest.raises(BudgetFileError) as error:
        check_budget(content, name)
    assert zh in error.value.zh and en in error.value.en


def test_five_megabyte_file_is_refused_quickly() -> None:
    with pytest.raises(BudgetFileError):
        check_budget(b"x" * 5_000_000, "big.csv")


def test_the_size_limit_is_the_5_MB_the_chat_announces() -> None:
    assert MAX_BYTES == 5 * 1024 * 1024
    with pytest.raises(BudgetFileError) as error:
        check_budget(b"a" * (MAX_BYTES + 1), "b.csv")
    assert "上限 5 MB" in error.value.zh and "at most 5 MB" in error.value.en


ROW = "雙語生活化,經常門,印刷費,100,50,5000,學習單\n"
YAML_ROW = "  - {面向: 雙語生活化, 類別: 經常門, 項目: 印刷費, 單價: 100, 數量: 50, 金額: 5000, 備註: 學習單}\n"


@pytest.mark.parametrize(
    "content, name",
    [
        (HEADER + ROW * ((MAX_BYTES - 100) // len(ROW.encode())), "b.csv"),
        (HEADER + "\n" * (MAX_BYTES - 100), "b.csv"),
        (HEADER + ",,,,,,\n" * ((MAX_BYTES - 100) // 7), "b.csv"),
        ("rows:\n" + YAML_ROW * ((MAX_BYTES - 10) // len(YAML_ROW.encode())), "b.yaml"),
        ("[" + "1," * ((MAX_BYTES - 10) // 2) + "1]", "b.yaml"),
    ],
    ids=["rows", "blank lines", "empty cells", "yaml rows", "yaml flat list"],
)
def test_a_file_just_under_the_limit_is_refused_for_its_rows_quickly(content: str, name: str) -> None:
    data = content.encode()
    assert len(data) <= MAX_BYTES
    with pytest.raises(BudgetFileError) as error:
        check_budget(data, name)
    assert f"上限 {MAX_ROWS} 列" in error.value.zh and "太大" not in error.value.zh
    assert f"{MAX_LINES} counting blank ones" in error.value.en


def test_blank_rows_between_data_rows_are_skipped_and_do_not_count_as_rows() -> None:
    report = check(HEADER + "\n" * (MAX_ROWS * 2) + ROW + ",,,,,,\n" * 100 + ROW)
    assert report.rows == 2 and [f.row for f in report.findings if f.code == "row_error"] == []


@pytest.mark.parametrize(
    "content, zh, en",
    [
        ('"' + "x" * 200_000 + "\n", "第 1 列讀不出來", "row 1 cannot be read"),
        (HEADER + ROW + '雙語生活化,"' + "x" * 200_000 + "\n", "第 3 列讀不出來", "row 3 cannot be read"),
    ],
)
def test_csv_the_csv_module_cannot_read_gets_our_message_naming_the_row(content: str, zh: str, en: str) -> None:
    with pytest.raises(BudgetFileError) as error:
        check(content)
    assert zh in error.value.zh and en in error.value.en
    assert "field" not in error.value.zh + error.value.en and "131072" not in error.value.zh  # not csv's own words


def _nested(depth: int, shape: str) -> bytes:
    if shape == "flow lists":
        return ("[" * depth + "]" * depth).encode()
    if shape == "block lists":
        return "".join("  " * i + "- \n" for i in range(depth)).encode()
    return ("{a: " * depth + "1" + "}" * depth).encode()


@pytest.mark.parametrize("shape", ["flow lists", "block lists", "flow maps"])
@pytest.mark.parametrize("depth", [MAX_YAML_DEPTH + 1, 600, 1000])
def test_deeply_nested_yaml_is_refused_with_a_message(shape: str, depth: int) -> None:
    with pytest.raises(BudgetFileError) as error:
        check_budget(_nested(depth, shape), "b.yaml")
    assert "YAML" in error.value.zh and "巢狀層次太深" in error.value.zh and "nested too deep" in error.value.en


def test_a_million_open_brackets_are_refused_at_once() -> None:
    with pytest.raises(BudgetFileError) as error:
        check_budget(_nested(1_000_000, "flow lists"), "b.yaml")
    # policybot's own limit and words, whatever the YAML parser's own nesting limit is
    assert "nested too deep" in error.value.en and "巢狀層次太深" in error.value.zh


def test_brackets_inside_quotes_and_comments_are_not_nesting() -> None:
    content = (
        "# [[[[[[[[[[[[ a comment\n"
        "rows:\n  - {面向: 雙語生活化, 類別: 經常門, 項目: 印刷費, 單價: 100, 數量: 50, 金額: 5000, "
        "備註: '[[[[[[[[[[[[', 用途: \"{{{{{{{{{{{{\"}\n"
    ).encode()
    assert check_budget(content, "b.yaml").rows == 1


def test_yaml_nesting_a_budget_needs_is_accepted() -> None:
    content = (
        "rows:\n  - {面向: 雙語生活化, 類別: 經常門, 項目: 印刷費, 單價: 100, 數量: 50, 金額: 5000, "
        "備註: [學習單, [A4, [雙面]]]}\n"
    ).encode()
    assert check_budget(content, "b.yaml").rows == 1


def _alias_bomb() -> bytes:
    anchors = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdef", "bcdefg", strict=False):
        anchors.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    body = "  - {面向: *g, 類別: 經常門, 項目: 印刷費, 單價: 1, 數量: 1, 金額: 1}\n" * 20
    return ("\n".join(anchors) + "\nrows:\n" + body).encode()


@pytest.mark.parametrize(
    "content",
    [
        _alias_bomb(),
        "rows:\n  - &row {面向: 雙語生活化, 類別: 經常門, 項目: 印刷費, 單價: 1, 數量: 1, 金額: 1}\n  - *row\n".encode(),
        "rows:\n  - {面向: 雙語生活化, 類別: 經常門, 項目: 印刷費, 單價: 1, 數量: 1, 金額: 1, 備註: *nothing}\n".encode(),
    ],
    ids=["alias bomb", "repeated row", "undefined alias"],
)
def test_yaml_anchors_and_aliases_are_refused_at_once(content: bytes) -> None:
    with pytest.raises(BudgetFileError) as error:
        check_budget(content, "b.yaml")
    assert "錨點或別名" in error.value.zh and "anchors or aliases" in error.value.en


@pytest.mark.parametrize("cell", ["2026-02-30", "9" * 5000])
def test_yaml_values_python_cannot_build_are_a_yaml_message(cell: str) -> None:
    content = f"- {{面向: 雙語生活化, 類別: 經常門, 項目: 印刷費, 單價: 1, 數量: 1, 金額: 1, 備註: {cell}}}\n"
    with pytest.raises(BudgetFileError) as error:
        check_budget(content.encode(), "b.yaml")
    assert "YAML 格式有誤" in error.value.zh and "The YAML is malformed" in error.value.en


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202e]")


@pytest.mark.parametrize(
    "content, name",
    [
        (HEADER + "雙語生活化,\x1b[2J經常,印刷費,100,50,5000,學習單\n", "b.csv"),
        (HEADER + '雙語生活化,經常門,\x1b[31m印刷費\u202e,abc,50,5000,"學習單\r\n第二行"\n', "b.csv"),
        ('- {面向: "\\e[2J雙語", 類別: 經常門, 項目: "印刷\\x85費", 單價: x, 數量: 1, 金額: 1}\n', "b.yaml"),
    ],
    ids=["category", "item and note", "yaml escapes"],
)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_control_characters_in_cells_are_not_echoed(content: str, name: str, lang: str) -> None:
    report = check_budget(content.encode(), name)
    assert report.findings
    text = format_report(report, lang)
    assert not _CONTROL.search(text.replace("\n", "")), text
    assert not _CONTROL.search(json.dumps(report.to_json(lang), ensure_ascii=False))


def test_control_characters_in_the_file_name_are_not_echoed() -> None:
    report = check_budget((HEADER + ROW).encode(), "\x1b[2J預算\u202e.csv")
    assert report.filename == "[2J預算 .csv" and not _CONTROL.search(format_report(report, "zh").replace("\n", ""))


@pytest.mark.parametrize(
    "line, zh",
    [
        ("雙語生活化,經常門,出席費,2000,1,abc,", "「金額」不是數字"),
        ("雙語生活化,經常門,出席費,two,1,2000,", "「單價」不是數字"),
        ("雙語生活化,經常門,出席費,2000,1,-2000,", "不能是負數"),
        ("雙語生活化,經常門,出席費,2000,1,(2000),", "不能是負數"),
        ("雙語生活化,經常門,出席費,,1,2000,", "缺少「單價」"),
        ("雙語生活化,經常門,出席費,2000,1,", "缺少「金額」"),
        ("雙語生活化,經常門,出席費,2000,1,NaN,", "不是數字"),
        ("模式三,經常門,出席費,2000,1,2000,", "看不懂「面向」"),
        ("雙語生活化,業務費,出席費,2000,1,2000,", "經常門或資本門"),
        ("雙語生活化,經常門,,2000,1,2000,", "缺少「項目」"),
    ],
)
def test_bad_rows_are_reported_by_row(line: str, zh: str) -> None:
    report = check(HEADER + "雙語生活化,經常門,印刷費,10,1,10,\n" + line + "\n")
    errors = [f for f in report.findings if f.code == "row_error"]
    assert len(errors) == 1 and errors[0].row == 3
    assert errors[0].message.zh.startswith("第 3 列") and zh in errors[0].message.zh
    assert errors[0].message.en.startswith("Row 3")


def test_yaml_rows_that_are_not_mappings() -> None:
    content = (
        "rows:\n- part: 雙語生活化\n  category: 經常門\n  item: 出席費\n  unit_price: 2000\n  quantity: 1\n"
        "  amount: 2000\n- just text\n- [1, 2]\n".encode()
    )
    report = check_budget(content, "b.yaml")
    assert [f.row for f in report.findings if f.code == "row_error"] == [2, 3]


def test_a_missing_first_part_is_a_row_error_not_a_crash() -> None:
    report = check(HEADER + ",經常門,出席費,2000,1,2000,\n")
    assert codes(report) == ["row_error"]


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=600), st.sampled_from(["b.csv", "b.yaml", "b.txt", "b"]))
def test_random_bytes_never_raise_anything_else(content: bytes, name: str) -> None:
    try:
        report = check_budget(content, name)
    except BudgetFileError as error:
        assert error.zh and error.en
    else:
        format_report(report, "zh")
        json.dumps(report.to_json("en"))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.text(max_size=12), min_size=0, max_size=8), max_size=12))
def test_random_csv_cells_never_raise_anything_else(cells: list[list[str]]) -> None:
    text = HEADER + "\n".join(",".join(c.replace("\n", " ") for c in row) for row in cells)
    try:
        report = check(text)
    except BudgetFileError:
        return
    format_report(report, "en")


# -- report ---------------------------------------------------------------------------


def test_format_report_in_both_languages() -> None:
    report = check_budget(VIOLATIONS, "budget_violations.csv", SCHOOL)
    zh, en = format_report(report, "zh"), format_report(report, "en")
    assert "違規" in zh and "依據：雙語生活化校園計畫 附件3 出席費" in zh and "各面向合計" in zh and "應編 232 元" in zh
    assert "Violations:" in en and "Rule: Bilingual Campus Plan (115) Annex 3, attendance fee" in en
    assert "should be NT$232" in en and "Totals per part" in en
    clean = format_report(check_budget(CLEAN_CSV, "budget_clean.csv", SCHOOL), "zh")
    assert "沒有發現違規" in clean and "（上限 150,000 元）" in clean


def test_to_json() -> None:
    data = check_budget(VIOLATIONS, "budget_violations.csv").to_json("en")
    assert data["ok"] is False and data["mode"] == 2 and data["premium_rate"] == "2.11%"
    assert {"code", "severity", "row", "message", "source"} <= data["violations"][0].keys()
    assert data["parts"]["bilingual_life"]["premium"] == {"base": 11000, "expected": 232, "budgeted": 500}
    json.dumps(data)


# -- policybot check-budget -----------------------------------------------------------


def test_cli_clean_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["check-budget", str(EXAMPLES / "budget_clean.csv"), "--mode", "2", "--classes", "8", "--domains", "2"])
        == 0
    )
    out = capsys.readouterr().out
    assert "沒有發現違規" in out and "補充保費" in out


def test_cli_violations_exit_1_with_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-budget", str(EXAMPLES / "budget_violations.csv"), "--json", "--lang", "en"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False and len(data["violations"]) >= 6


def test_cli_yaml(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-budget", str(EXAMPLES / "budget_clean.yaml"), "--lang", "en"]) == 0
    assert "No violations found." in capsys.readouterr().out


@pytest.mark.parametrize("content", [b"", b"\x00\x01junk", b"part,item\nx,y\n"])
def test_cli_unreadable_file_exits_2(tmp_path: Path, content: bytes, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "budget.csv"
    path.write_bytes(content)
    assert main(["check-budget", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("policybot check-budget: budget.csv:")


@pytest.mark.parametrize(
    "argv",
    [
        ["check-budget", "/nonexistent/budget.csv"],
        ["check-budget", str(EXAMPLES)],
        ["check-budget", str(EXAMPLES / "budget_clean.csv"), "--mode", "2"],
        ["check-budget", str(EXAMPLES / "budget_clean.csv"), "--mode", "1", "--classes", "0"],
    ],
)
def test_cli_bad_path_or_facts_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "content",
    [_nested(1000, "flow lists"), _nested(1000, "flow maps"), _alias_bomb()],
    ids=["lists", "maps", "aliases"],
)
def test_cli_nested_or_aliased_yaml_exits_2_with_one_line(
    tmp_path: Path, content: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "deep.yaml"
    path.write_bytes(content)
    assert main(["check-budget", str(path), "--lang", "en"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    assert captured.err.startswith("policybot check-budget: deep.yaml: The YAML") and captured.err.count("\n") == 1


def test_cli_argparse_errors_exit_2() -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["check-budget"])
    assert exit_.value.code == 2
