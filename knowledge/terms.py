"""A substitute teacher's term of employment told by its first and last days, counted in months
against a rule's floor (「含正式及 3 個月以上代理教師」): 「從115/9/1代到115/11/20」 is 2 months and 20
days, under 3; 「那如果聘期改到116/1/20呢」 after it keeps the first day and moves the last.

Months are counted as the Civil Code counts a period (dates.add_months): a term from 9/1 of three
months ends on 11/30, so 9/1 to 11/30 is three months whole."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from knowledge.dates import add_months, school_year_of
from knowledge.quantities import DateMention, read_figures

# a substitute's term is what the message speaks of (not the dates of a test or a trip alone)
_SUBSTITUTE = re.compile(
    r"代理|代課|代课|聘期|聘約|聘书|聘書|合約|合约|substitute|\bsub\b|supply teacher|relief teacher|contract"
)
# a date written in the normalised text of an earlier message (「115 9 1」 was 115/9/1)
_SPACED_DATE = re.compile(r"(?<![\d.])(\d{2,4}) (\d{1,2}) (\d{1,2})(?![\d.])")


@dataclass(frozen=True)
class Term:
    """The days a substitute is employed, the first and the last included, and the months a rule
    asks of them (`floor`)."""

    start: date
    end: date
    floor: int
    years_told: bool = True  # False: 「10月16號到12月31號」, shown without the year it was counted in

    @property
    def length(self) -> tuple[int, int]:
        """(whole months, days beyond them)."""
        months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
        while months > 0 and _period_end(self.start, months) > self.end:
            months -= 1  # (at most twice: the calendar months spanned, less the one not yet whole)
        return months, (self.end - _period_end(self.start, months)).days

    @property
    def met(self) -> bool:
        return self.length[0] >= self.floor

    def working(self, lang: str) -> str:
        months, days, floor, met = *self.length, self.floor, self.met
        if lang == "zh":
            span = f"{months} 個月" + (f" {days} 天" if days else "")
            verdict = f"已滿 {floor} 個月" if met else f"未滿 {floor} 個月"
            return f"{self._day(self.start)} 至 {self._day(self.end)}：{span}，{verdict}。"
        span = f"{months} month{'s' * (months != 1)}" + (f" and {days} day{'s' * (days != 1)}" if days else "")
        verdict = f"at least {floor} months" if met else f"under {floor} months"
        return f"{self._day(self.start, 'en')} to {self._day(self.end, 'en')}: {span}, {verdict}."

    def _day(self, day: date, lang: str = "zh") -> str:
        if not self.years_told:
            return f"{day.month}/{day.day}"
        return f"{day.year - 1911}/{day.month}/{day.day}" if lang == "zh" else day.isoformat()


def _period_end(start: date, months: int) -> date:
    """The last day of a period of `months` months beginning on `start`."""
    return add_months(start - timedelta(days=1), months) if months else start - timedelta(days=1)


def term_told(normalised: str, dates: tuple[DateMention, ...], floor: int, year: int, said: str = "") -> Term | None:
    """The substitute's term a message gives (its first two dates), or, when it gives one date and
    the chat's last message (`said`, normalised) gave a term, that term with its last day moved;
    None when no substitute's term is spoken of. A term written without years (「10月16號到12月31
    號」) is counted from `year` (only the lengths of its months matter)."""
    days, years_told = _days(dates, year)
    if _SUBSTITUTE.search(normalised) is None and _SUBSTITUTE.search(said) is None:
        return None
    if len(days) >= 2:
        return _term(days[0], days[1], floor, years_told)
    if len(days) == 1 and said and _SUBSTITUTE.search(said):
        before, told_before = _days(read_figures(_SPACED_DATE.sub(r"\1/\2/\3", said)).dates, year)
        if len(before) >= 2:
            return _term(before[0], days[0], floor, years_told and told_before)
    return None


def _term(start: date, end: date, floor: int, years_told: bool) -> Term | None:
    return Term(start, end, floor, years_told) if end > start else None


def _days(dates: tuple[DateMention, ...], year: int) -> tuple[list[date], bool]:
    """The days written, and whether the first was written with its year; a day without its year
    takes the year of the day before it (or the next one, when it would come before it:
    「115/9/1到1/20」), the first one `year`."""
    days: list[date] = []
    years_told = True
    for mention in dates:
        if mention.today:
            continue
        day = mention.value
        if day is None and mention.year is None and not days:
            years_told = False
            try:
                day = date(year, mention.month, mention.day)
            except ValueError:
                continue
        elif day is None and mention.year is None:
            year = days[-1].year + ((mention.month, mention.day) < (days[-1].month, days[-1].day))
            try:
                day = date(year, mention.month, mention.day)
            except ValueError:
                continue
        if day is not None:
            days.append(day)
    return days, years_told


# a second test asked of (「116年4月想再考一次」 "retake it in spring")
_AGAIN = re.compile(r"再考|再報|又考|重考|第二次|再1次|\bagain\b|\bretake\b|\bresit\b|second time")


@dataclass(frozen=True)
class SchoolYearsOfTwoTests:
    """The school years (學年度, from 1 August) of a test taken and one taken again, against an item
    funded once a school year (「每學年至多補助 1 次」): a second in another school year is a first."""

    first: date
    second: date

    @property
    def met(self) -> bool:
        return school_year_of(self.first) != school_year_of(self.second)

    def working(self, lang: str) -> str:
        first, second = school_year_of(self.first), school_year_of(self.second)
        if lang == "zh":
            same = "不同學年度" if self.met else "同一學年度"
            return f"{_month(self.first)}屬 {first} 學年度，{_month(self.second)}屬 {second} 學年度：{same}。"
        same = "different school years" if self.met else "the same school year"
        return f"{self.first:%Y-%m} is in school year {first}, {self.second:%Y-%m} in school year {second}: {same}."


def _month(day: date) -> str:
    return f"{day.year - 1911}年{day.month}月"


def tests_told(normalised: str, dates: tuple[DateMention, ...]) -> SchoolYearsOfTwoTests | None:
    """A test taken and one taken again, each told by its month with its year (「115年10月考…116年4月想
    再考一次」); None when the message asks of no second test or gives no two such dates."""
    if _AGAIN.search(normalised) is None:
        return None
    days = [mention.value for mention in dates if mention.value is not None and not mention.today]
    return SchoolYearsOfTwoTests(days[0], days[1]) if len(days) == 2 and days[1] > days[0] else None
