"""The plan calendar: ROC arithmetic, semesters, derived deadlines and calendar.yaml itself."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from knowledge.dates import add_months, gregorian_to_roc, roc_to_gregorian
from reminders.calendar import CalendarError, PlanCalendar, SchoolYears

ROOT = Path(__file__).resolve().parents[1]
CALENDAR_YAML = ROOT / "knowledge" / "data" / "calendar.yaml"
PLAN_TEXT = ROOT / "knowledge" / "sources" / "moe_bilingual_campus_115.txt"


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def all_quotes(node: object) -> list[str]:
    if isinstance(node, dict):
        return [q for k, v in node.items() for q in (v if k == "quotes" else all_quotes(v))]
    if isinstance(node, list):
        return [q for item in node for q in all_quotes(item)]
    return []


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load(CALENDAR_YAML.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def cal() -> PlanCalendar:
    return PlanCalendar.load()


# -- arithmetic ------------------------------------------------------------------------------------


def test_roc_years():
    assert roc_to_gregorian(115) == 2026
    assert gregorian_to_roc(2027) == 116


def test_school_year_115():
    years = SchoolYears()
    assert years.start(115) == date(2026, 8, 1)
    assert years.end(115) == date(2027, 7, 31)
    assert years.of(date(2026, 8, 1)) == 115
    assert years.of(date(2026, 7, 31)) == 114
    assert years.of(date(2027, 7, 31)) == 115


def test_semesters_115():
    first, second = SchoolYears().semesters(115)
    assert (first.start, first.end) == (date(2026, 8, 1), date(2027, 1, 31))
    assert (second.start, second.end) == (date(2027, 2, 1), date(2027, 7, 31))
    assert SchoolYears().semester_of(date(2027, 1, 31)).number == 1
    assert SchoolYears().semester_of(date(2027, 2, 1)).number == 2


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2200, 12, 31)))
def test_every_day_is_in_one_semester_of_its_school_year(day):
    years = SchoolYears()
    sy = years.of(day)
    assert years.start(sy) <= day <= years.end(sy)
    first, second = years.semesters(sy)
    assert first.end + timedelta(days=1) == second.start
    assert (first.start <= day <= first.end) != (second.start <= day <= second.end)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2027, 7, 31), 2, date(2027, 9, 30)),  # month end -> month end
        (date(2027, 6, 30), 2, date(2027, 8, 31)),
        (date(2027, 7, 15), 2, date(2027, 9, 15)),
        (date(2027, 12, 31), 2, date(2028, 2, 29)),  # leap year
        (date(2026, 12, 30), 2, date(2027, 2, 28)),  # no 30 Feb
        (date(2027, 11, 30), 2, date(2028, 1, 31)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


# -- derived deadlines -----------------------------------------------------------------------------


def test_closeout_115_with_its_assumption(cal):
    closeout = cal.get("moe115.closeout")
    assert closeout is not None and closeout.date == date(2027, 9, 30)
    assert closeout.kind == "closeout"
    assert "六(二)2" in closeout.source
    assert (
        "假設" in closeout.assumption_zh
        and "2026-08-01" in closeout.assumption_zh
        and "2027-07-31" in closeout.assumption_zh
    )
    assert "Assumes" in closeout.assumption_en and "approval letter" in closeout.assumption_en


def test_period_end_open_classroom_and_phases(cal):
    assert cal.get("moe115.period_end").date == date(2027, 7, 31)
    s1, s2 = cal.get("moe115.open_classroom.s1"), cal.get("moe115.open_classroom.s2")
    assert (s1.date, s2.date) == (date(2027, 1, 31), date(2027, 7, 31))
    assert "非計畫所定" in s1.assumption_zh and "not the plan" in s1.assumption_en
    assert "至少 1 次" in s1.title_zh
    assert cal.get("moe.phase1.end").date == date(2028, 7, 31)
    assert cal.get("moe.phase2.end").date == date(2031, 7, 31)


def test_phase_ends_match_the_roc_dates_written_in_the_plan(cal, raw):
    for phase in raw["phases"]:
        y, m, d = map(int, re.findall(r"至 (\d+) 年 (\d+) 月 (\d+) 日", phase["quotes"][0])[0])
        assert cal.get(phase["id"]).date == date(roc_to_gregorian(y), m, d)


def test_deadlines_after_is_inclusive_and_sorted(cal):
    listed = cal.deadlines(after=date(2027, 9, 30))
    assert listed[0].id == "moe115.closeout"
    assert all(d.date >= date(2027, 9, 30) for d in listed)
    assert [d.date for d in listed] == sorted(d.date for d in listed)
    assert cal.get("moe115.closeout") not in cal.deadlines(after=date(2027, 10, 1))


def test_county_deadlines_are_listed_undated_with_their_source(cal):
    undated = {d.id: d for d in cal.undated()}
    assert {"county.school_closeout_report", "county.school_application", "county.lesson_plan"} <= set(undated)
    assert all(d.date is None for d in undated.values())
    assert "縣市政府" in undated["county.school_closeout_report"].source
    assert "county/city" in undated["county.school_closeout_report"].source_en
    assert undated["county.school_closeout_report"].kinds == ("closeout", "county")
    assert not any(d.id.startswith("county.") for d in cal.deadlines(after=date(2000, 1, 1)))


def test_kind_words(cal):
    assert cal.resolve_kind("核結") == "closeout"
    assert cal.resolve_kind("CLOSE-OUT") == "closeout"
    assert cal.resolve_kind("觀課") == "open_classroom"
    assert cal.resolve_kind("nonsense") is None


# -- calendar.yaml against the plan text -----------------------------------------------------------


def test_every_quote_is_verbatim_in_the_plan(raw):
    plan = squash(PLAN_TEXT.read_text(encoding="utf-8"))
    quotes = all_quotes(raw)
    assert len(quotes) >= 8
    for quote in quotes:
        assert squash(quote) in plan, quote


def test_rule_numbers_are_backed_by_quotes(raw):
    closeout = raw["rules"]["closeout"]
    assert f"{closeout['months_after_period_end']}個月" in squash(" ".join(closeout["quotes"]))
    classroom = raw["rules"]["open_classroom"]
    assert f"每學期至少{classroom['times_per_semester']}次" in squash(" ".join(classroom["quotes"]))
    assert f"每學期接待總人數至少{classroom['visitors_per_semester']}人" in squash(" ".join(classroom["quotes"]))
    assert f"擇優補助{classroom['schools_selected']}校" in squash(" ".join(classroom["quotes"]))
    start = raw["school_year"]["start"]
    assert f"{start['month']}月{start['day']}日" in squash(" ".join(raw["school_year"]["quotes"]))
    for phase in raw["phases"]:
        first, last = phase["school_years"]
        assert f"{first}至{last}學年度" in squash(" ".join(phase["quotes"]))
    for year in raw["plan_years"]:
        assert f"{year['school_year']}學年度" in squash(" ".join(year["quotes"]))


# -- a coordinator's edits -------------------------------------------------------------------------


def edited(tmp_path: Path, raw: dict, change) -> Path:
    data = yaml.safe_load(yaml.safe_dump(raw, allow_unicode=True))
    change(data)
    path = tmp_path / "calendar.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_dating_a_county_deadline_makes_it_a_deadline(tmp_path, raw):
    def date_it(data):
        data["county_deadlines"][0]["date"] = "2027-08-20"

    cal = PlanCalendar.load(edited(tmp_path, raw, date_it))
    report = cal.get("county.school_closeout_report")
    assert report.date == date(2027, 8, 20)
    assert report in cal.deadlines(after=date(2027, 8, 1))
    assert report.key == "county.school_closeout_report@2027-08-20"


def test_approval_letter_period_moves_the_closeout(tmp_path, raw):
    def approve(data):
        data["plan_years"][0]["approved_period"] = {"start": "2026-08-01", "end": "2027-06-30"}

    closeout = PlanCalendar.load(edited(tmp_path, raw, approve)).get("moe115.closeout")
    assert closeout.date == date(2027, 8, 31)
    assert "核定函" in closeout.assumption_zh and "假設" not in closeout.assumption_zh


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["county_deadlines"][0].update(date="next week"), "county.school_closeout_report"),
        (lambda d: d["county_deadlines"][0].pop("date"), "date: null"),
        (lambda d: d["county_deadlines"][1].update(kinds=["holiday"]), "unknown kind `holiday`"),
        (lambda d: d["county_deadlines"][1].update(id="county.lesson_plan"), "duplicate id"),
        (
            lambda d: d["plan_years"][0].update(approved_period={"start": "2026-08-01", "end": None}),
            "both start and end",
        ),
    ],
)
def test_broken_calendar_names_file_and_entry(tmp_path, raw, change, message):
    path = edited(tmp_path, raw, change)
    with pytest.raises(CalendarError, match=re.escape(message)) as err:
        PlanCalendar.load(path)
    assert str(path) in str(err.value)
