"""Percentages as written (knowledge/quantities.py `percentages_in`): the yes/no conditions'
percentage bounds and the transfer rate read them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from knowledge.quantities import percentages_in, read_figures
from knowledge.terms import term_told


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("編到經常門的25%", ("0.25",)),
        ("百分之15", ("0.15",)),
        ("挪3成到生活化", ("0.3",)),  # tenths
        ("2.5成", ("0.25",)),
        ("30 percent of it", ("0.3",)),
        ("成績進步3成", ("0.3",)),
        ("完成3成果報告", ()),  # 成果 is a report, not tenths
        ("3成員", ()),
        ("20班", ()),
    ],
)
def test_percentages_in(text: str, found: tuple[str, ...]) -> None:
    assert percentages_in(text) == tuple(Decimal(f) for f in found)


@pytest.mark.parametrize(
    ("text", "amounts"),
    [("雙語生活化那1塊可以拿35萬嗎", (350000,)), ("一餐100塊可以嗎", (100,)), ("這1塊的經費", ())],
)
def test_a_part_called_that_piece_is_not_a_dollar(text: str, amounts: tuple[int, ...]) -> None:
    """「那一塊」 "that part" is not NT$1 (it made 「…那一塊可以拿35萬嗎」 ask about two amounts)."""
    assert read_figures(text).amounts == amounts


@pytest.mark.parametrize(
    ("text", "hours"),
    [("a 2-hour talk", Decimal(2)), ("a 3 hour consultation", Decimal(3)), ("she stays 2 more hours", Decimal(2))],
)
def test_hours_written_with_a_hyphen_are_counted(text: str, hours: Decimal) -> None:
    """ "a 2-hour talk": the hours are read before normalising, where the hyphen is still there."""
    assert Decimal(str(read_figures(text).counts.hours)) == hours


@pytest.mark.parametrize(
    ("text", "hours", "periods"),
    [
        ("外聘講師 上午3小時 下午3小時", Decimal(6), None),
        ("第一天講2節 第二天講3節", None, 5),
        ("教授上午講3節、下午再講2節", None, 5),  # 「再講」: more of the same lecturer
        ("morning 2 hours, afternoon 1.5 hours", Decimal("3.5"), None),
        ("上午3小時的研習", Decimal(3), None),  # one part: its own count
        ("講3小時 下午還有2場", Decimal(3), None),  # the afternoon's count is of sessions
    ],
)
def test_lengths_of_parts_of_a_day_are_added(text: str, hours: Decimal | None, periods: int | None) -> None:
    counts = read_figures(text).counts
    assert (counts.hours, counts.periods) == (hours, periods)


@pytest.mark.parametrize(
    ("text", "label"),
    [("with 70k capital and the rest current", "capital"), ("nt$50000 in equipment", "capital"), ("70k for lunch", "")],
)
def test_english_names_the_budget_part_after_the_amount(text: str, label: str) -> None:
    assert read_figures(text).labelled[0].label == label


@pytest.mark.parametrize(
    ("text", "labels"),
    [
        # the word after an amount is its own, not the next amount's
        ("applying 250k total with 40k capital", ["total", "capital"]),
        ("we pencilled in 22000 for misc ok", ["misc"]),
        ("cut capital to 30k — is 22000 misc fine then", ["capital", "misc"]),  # the nearer word
        ("全額申請的話 我們想編7萬2的資本門 行嗎", ["capital"]),  # tied by 的, over 「申請」 before it
        ("想編7萬買設備 行嗎", ["capital"]),  # tied by a verb
        ("資本門 5萬 經常門 20萬", ["capital", "recurrent"]),  # Chinese names it before
    ],
)
def test_an_amounts_label_is_the_word_tied_to_it(text: str, labels: list[str]) -> None:
    assert [a.label for a in read_figures(text).labelled] == labels


@pytest.mark.parametrize(
    ("text", "periods"), [("3 lecture periods", 3), ("2 teaching periods a week", 2), ("講3節", 3)]
)
def test_periods_named_with_what_they_are_are_counted(text: str, periods: int) -> None:
    assert read_figures(text).counts.periods == periods


@pytest.mark.parametrize(
    ("text", "periods"),
    [("1節2000 講4節", 4), ("1班1節800 我們10班各上12節", 12), ("1節2000", 1), ("每節1000元 3節", 3)],
)
def test_a_priced_period_is_the_rate_not_the_count(text: str, periods: int) -> None:
    """「一節2000 講4節」: the period priced is the rate's unit; the count is the other (or the only one)."""
    assert read_figures(text).counts.periods == periods


@pytest.mark.parametrize(
    ("text", "units"), [("a 14000 tablet", None), ("3 tablets at 12,000 each", 3), ("買2台筆電", 2)]
)
def test_a_price_before_a_device_is_not_a_count_of_them(text: str, units: int | None) -> None:
    """ "a 14,000 tablet" is one tablet at 14,000 (it was 14,000 tablets, a cap of 210,000,000)."""
    assert read_figures(text).counts.units == units


@pytest.mark.parametrize(
    ("text", "people"),
    [("what about lunch only for 25?", 25), ("and the deadline to apply for 115?", None), ("the plan for 110?", None)],
)
def test_a_school_year_applied_for_is_no_head_count(text: str, people: int | None) -> None:
    """ "the deadline to apply for 115?" asks of school year 115, not of 115 people served (it was
    read as the last equipment question for 115 people)."""
    assert read_figures(text).counts.people == people


def test_a_price_of_100_to_120_after_a_count_of_one_is_money_not_a_school_year() -> None:
    """「是一個120」: 120 each (a lunch box), not the 民國 school year 120."""
    assert [a.value for a in read_figures("歹勢打錯 是1個120").labelled] == [120]


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        ("52 kids + 8 teachers, 2 days", True),  # the plus sign may be gone: two groups side by side
        ("52 kids 8 teachers 2 days", True),
        ("學生52人加老師8人", True),
        ("52 kids, day 2 teachers", False),
    ],
)
def test_groups_of_people_written_together_are_one_head_count(text: str, joined: bool) -> None:
    counts = read_figures(text).counts
    assert counts.joined is joined, counts


@pytest.mark.parametrize(
    ("text", "groups"),
    [
        ("its half day, 20 kids + 3 adults", (20, 3)),  # adults and parents are people too
        ("2 parents and 30 students on the trip", (2, 30)),
    ],
)
def test_adults_and_parents_are_groups_of_people(text: str, groups: tuple[int, ...]) -> None:
    counts = read_figures(text).counts
    assert counts.people_groups == groups and counts.joined, counts


@pytest.mark.parametrize(
    ("text", "meals"),
    [
        ("breakfast + lunch + dinner all at 120", 3),
        ("and if we skip breakfast, just lunch and dinner at 120 each?", 2),
        ("早餐不用 午餐晚餐各120可以嗎", 2),
        ("不吃早餐 只有午餐", 1),
    ],
)
def test_meals_named_are_counted_but_not_one_left_out(text: str, meals: int) -> None:
    assert read_figures(text).counts.meals == meals


@pytest.mark.parametrize(
    ("text", "meals", "days"),
    [
        ("back to meals - day 2 is just a morning with lunch. day-2 meal max?", 1, 1),  # the second day, one day
        ("both days?", None, 2),
        ("第2天只有午餐", 1, 1),
    ],
)
def test_a_day_named_by_its_number_is_no_count(text: str, meals: int | None, days: int | None) -> None:
    counts = read_figures(text).counts
    assert (counts.meals, counts.days) == (meals, days)


@pytest.mark.parametrize(
    ("text", "occasions", "people"),
    [
        ("if we meet twice this semester with all 5, total attendance fees?", 2, 5),
        ("the committee meets thrice", 3, None),
        ("we meet twice a week", None, None),  # a frequency, not a count of meetings
    ],
)
def test_twice_counts_occasions_and_with_all_five_counts_people(
    text: str, occasions: int | None, people: int | None
) -> None:
    counts = read_figures(text).counts
    assert (counts.occasions, counts.people) == (occasions, people)


@pytest.mark.parametrize("text", ["she stays 2 more hours after lunch", "午餐後再留2小時", "吃完飯再諮詢一下"])
def test_a_meal_named_as_a_time_of_day_is_no_meal(text: str) -> None:
    """ "after lunch" 「午餐後」: when, not what is eaten (a meal named counts one meal)."""
    assert read_figures(text).counts.meals is None


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("2 hrs morning + 2 hrs afternoon, same day", Decimal(4)),
        ("2 hours in the morning and 3 hours in the afternoon", Decimal(5)),
        ("上午3小時 下午3小時", Decimal(6)),
    ],
)
def test_hours_of_each_part_of_a_day_are_added(text: str, hours: Decimal) -> None:
    """A length for each part of the day, written after the part or before it, is one day's hours."""
    assert read_figures(text).counts.hours == hours


@pytest.mark.parametrize(
    "text, people",
    [
        ("老師15個 中午訂便當 膳費最多可以編多少", 15),  # one group named before its count
        ("我們有3個部領老師 一整個學年加起來最多多少", 3),  # a word saying which teachers between
        ("2位外聘講師 各講3節", 2),
        ("學生40個 老師4個", 44),
        ("老師說15個人太多", 15),
        ("代理老師2個月的也可以嗎", None),  # a teacher's months, not two teachers
    ],
)
def test_people_counted_with_their_counter_word(text: str, people: int | None) -> None:
    assert read_figures(text).counts.people == people


@pytest.mark.parametrize(
    ("text", "full_day"),
    [
        ("so the max consultation fee for that 1 day?", True),  # "that one day", numbers as digits
        ("consultation fee for a day", True),
        ("諮詢費一天最多多少", True),
        ("3 hours a day online", False),  # a rate per day, no day's session
        ("2 days of workshops", False),
    ],
)
def test_one_day_named_is_a_full_days_session(text: str, full_day: bool) -> None:
    assert read_figures(text).counts.full_day is full_day


@pytest.mark.parametrize(("text", "people"), [("來了20多位老師", 20), ("30幾個人", 30), ("5位委員", 5)])
def test_people_counted_roughly_are_at_least_the_tens_said(text: str, people: int) -> None:
    """「20多位」「30幾個人」: at least the tens said (no count was read at all)."""
    assert read_figures(text).counts.people == people


@pytest.mark.parametrize(
    ("text", "weeks", "periods"),
    [
        ("這學期我們算20週 整學期最多減幾節", 20, None),  # weeks of a weekly cap
        ("每週2節 一學期20週", None, 40),  # periods a week over the weeks: the periods
        ("一週可以減幾節課", None, None),  # a week's, no count of weeks
    ],
)
def test_weeks_are_counted_beside_no_periods_a_week(text: str, weeks: int | None, periods: int | None) -> None:
    counts = read_figures(text).counts
    assert (counts.weeks, counts.periods) == (weeks, periods), counts


@pytest.mark.parametrize(
    ("text", "length", "met"),
    [
        ("代理 115/9/1到115/11/30", (3, 0), True),  # three months whole (a period from 9/1 ends 11/30)
        ("代理 115/9/1到115/11/29", (2, 29), False),
        ("代課 116/1/31到116/4/29", (2, 30), False),  # from 1/31: two months end 3/30 (the day before 3/31)
        ("contract 2027/11/15 to 2028/2/14", (3, 0), True),
        ("代理 9月1號到隔年1月31號", (5, 0), True),  # no years: the second after the first
        ("英檢 115/9/1到115/11/30", None, None),  # no substitute's term spoken of
    ],
)
def test_a_substitutes_term_is_counted_in_months_as_a_period_is(
    text: str, length: tuple[int, int] | None, met: bool | None
) -> None:
    term = term_told(text.lower(), read_figures(text).dates, 3, 2026)
    assert (term.length, term.met) == (length, met) if term is not None else length is None
