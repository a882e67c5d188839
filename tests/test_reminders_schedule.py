"""Which reminders are due when: the pure schedule."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reminders import schedule
from reminders.calendar import TAIPEI, PlanCalendar
from reminders.store import Subscription

CAL = PlanCalendar.load()
CLOSEOUT = CAL.get("moe115.closeout")


def sub(kinds=None, leads=(30, 14, 7, 1), chat="1") -> Subscription:
    return Subscription("telegram", chat, None if kinds is None else frozenset(kinds), "zh", tuple(leads))


def taipei(*args: int) -> datetime:
    return datetime(*args, tzinfo=TAIPEI)


def test_closeout_115_reminders_at_0900_taipei():
    times = [(r.lead_days, r.at) for r in schedule.reminders_for(sub(), CLOSEOUT)]
    assert times == [
        (30, taipei(2027, 8, 31, 9)),
        (14, taipei(2027, 9, 16, 9)),
        (7, taipei(2027, 9, 23, 9)),
        (1, taipei(2027, 9, 29, 9)),
    ]
    assert times[0][1].astimezone(TAIPEI).utcoffset() == timedelta(hours=8)


def test_each_lead_is_due_only_until_the_next_one():
    reminders = schedule.reminders_for(sub(), CLOSEOUT)
    assert [r.until for r in reminders] == [
        taipei(2027, 9, 16, 9),
        taipei(2027, 9, 23, 9),
        taipei(2027, 9, 29, 9),
        taipei(2027, 10, 1, 0),
    ]


@pytest.mark.parametrize(
    ("now", "lead"),
    [
        (taipei(2027, 8, 31, 8, 59), None),
        (taipei(2027, 8, 31, 9, 0), 30),
        (taipei(2027, 9, 10, 23, 0), 30),  # catch-up while the 30-day one is current
        (taipei(2027, 9, 16, 9, 0), 14),  # the 30-day one is stale now: only the 14-day one
        (taipei(2027, 9, 30, 23, 59), 1),  # the deadline day itself still counts
        (taipei(2027, 10, 1, 0, 0), None),  # deadline over: nothing
    ],
)
def test_due_closeout(now, lead):
    due = schedule.due([sub(kinds=["closeout"])], CAL.deadlines(after=now.date()), now)
    assert [r.lead_days for r in due] == ([] if lead is None else [lead])


def test_settled_reminders_are_not_due_again():
    now = taipei(2027, 8, 31, 9)
    first = schedule.due([sub()], CAL.deadlines(after=now.date()), now)
    assert first
    assert schedule.due([sub()], CAL.deadlines(after=now.date()), now, {r.key for r in first}) == []


def test_kinds_filter_and_key():
    deadlines = CAL.deadlines(after=date(2027, 1, 1))
    now = taipei(2027, 1, 1, 9)
    assert [r.deadline.id for r in schedule.due([sub()], deadlines, now)] == ["moe115.open_classroom.s1"]
    assert schedule.due([sub(kinds=["closeout"])], deadlines, now) == []
    (r,) = schedule.due([sub()], deadlines, now)
    assert r.key == ("telegram", "1", "moe115.open_classroom.s1@2027-01-31", 30)


def test_next_reminder():
    now = taipei(2027, 8, 1, 12)
    nxt = schedule.next_reminder(sub(kinds=["closeout"]), CAL.deadlines(after=now.date()), now)
    assert (nxt.deadline.id, nxt.lead_days, schedule.when(nxt, now)) == ("moe115.closeout", 30, taipei(2027, 8, 31, 9))
    now = taipei(2027, 9, 1, 12)  # the 30-day one is due (not sent yet): it goes now
    nxt = schedule.next_reminder(sub(kinds=["closeout"]), CAL.deadlines(after=now.date()), now)
    assert schedule.when(nxt, now) == now
    nxt = schedule.next_reminder(sub(kinds=["closeout"]), CAL.deadlines(after=now.date()), now, {nxt.key})
    assert (nxt.lead_days, nxt.at) == (14, taipei(2027, 9, 16, 9))


@given(
    leads=st.sets(st.integers(min_value=0, max_value=365), min_size=1, max_size=8),
    hour=st.integers(min_value=0, max_value=23),
    offset=st.integers(min_value=-400 * 24 * 60, max_value=2 * 24 * 60),
)
def test_at_most_one_lead_due_and_never_after_the_deadline(leads, hour, offset):
    s = Subscription("line", "u", None, "en", tuple(sorted(leads, reverse=True)), hour)
    end = schedule.deadline_end(CLOSEOUT)
    now = end + timedelta(minutes=offset)
    due = [r for r in schedule.reminders_for(s, CLOSEOUT) if r.is_due(now)]
    assert len(due) <= 1
    assert all(r.at <= now < end for r in due)
    for r in schedule.reminders_for(s, CLOSEOUT):
        assert r.is_due(r.at)  # every lead time gets its moment
