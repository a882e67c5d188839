"""Calendar arithmetic the plans rely on: 民國 years and periods counted in months."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

ROC_OFFSET = 1911  # 民國 year + 1911 = Gregorian year


def roc_to_gregorian(roc_year: int) -> int:
    return roc_year + ROC_OFFSET


def gregorian_to_roc(year: int) -> int:
    return year - ROC_OFFSET


def add_months(day: date, months: int) -> date:
    """The last day of a period of `months` months counted from the day after `day`.

    Follows the Civil Code's rule for periods in months (民法 §120–121): the period starts the
    day after the event; it ends on the day before the corresponding day of the last month, or on
    that month's last day when there is no corresponding day. Hence the end of a month maps to the
    end of the target month (2027-07-31 + 2 months = 2027-09-30, 2027-06-30 + 2 = 2027-08-31,
    2027-12-31 + 2 = 2028-02-29) and any other day to the same day of the month, clamped
    (2027-07-15 + 2 = 2027-09-15).
    """
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return date(year, month, last)
    return date(year, month, min(day.day, last))


def roc_date(day: date) -> str:
    """2027-09-30 -> '116年9月30日'."""
    return f"{gregorian_to_roc(day.year)}年{day.month}月{day.day}日"


def school_year_of(day: date, start_month: int = 8, start_day: int = 1) -> int:
    """The ROC 學年度 a day falls in (学年度 N starts on 1 August of N + 1911)."""
    started = (day.month, day.day) >= (start_month, start_day)
    return gregorian_to_roc(day.year if started else day.year - 1)


@dataclass(frozen=True)
class Phase:
    """A phase of the plan (三、計畫期程): its first and last 學年度 and where it is written."""

    number: int
    first: int
    last: int
    source: tuple[str, str]  # (zh, en) citation


@dataclass(frozen=True)
class PlanRules:
    """The calendar rules the chat computes with: the phases, the close-out period in months
    after the end of the approved execution period, and each plan year's period (assumed or
    copied from the approval letter)."""

    phases: tuple[Phase, ...] = ()
    plan: tuple[str, str] = ("", "")  # (zh, en) name of the plan the citations start with
    closeout_months: int = 2
    closeout_source: tuple[str, str] = ("", "")
    periods: tuple[tuple[int, date, date, bool], ...] = ()  # (school year, start, end, assumed)
