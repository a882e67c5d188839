"""Whether a yes-or-no question's own figure agrees with the answer to it.

「模式一 13 班的上限是 25 萬嗎」「111 學年目標是 8 校參與嗎」 "is the cap 500,000?" state a figure and
ask whether it is so; the answer (a computation, or a knowledge-base entry read for the question's
year and level) states the figure of the plan. The question's figure found among the answer's
figures of the same unit is a yes; the answer stating figures of that unit, none of them the
question's, is a no. 「可以申請 120 萬嗎」「4小時都能報嗎」 ask whether an amount is allowed, not
whether it is the plan's figure: above every figure of its unit the answer states is a no, a
computed answer's own headline figure a yes, anything else undecided (a smaller amount may or may
not fit: the rule answers it).

Both texts come in plain form (Normalizer.plain: numerals as digits, full-width folded).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from knowledge.quantities import CLAIMED_BEFORE, ENGLISH_GRADE, percentages_at, read_figures

# A count with its unit: the units a plan's targets and rules are counted in, folded to one name
# (人/名/位 are people). Years, grades and school years are not figures a question confirms.
_UNITS = {
    "人次": "person-times",
    "班次": "class-trips",
    "人": "people",
    "名": "people",
    "位": "people",
    "老師": "people",  # 「來個20幾個老師」
    "教師": "people",
    "校": "schools",
    "所": "schools",
    "班": "classes",
    "字": "words",
    "本": "books",
    "篇": "pieces",
    "場": "times",  # 「開2場」 and 「至少 1 次」 count the same sessions
    "年級": "grades",  # 「國小三年級以上」: a floor of grade (of a school year it is a 學年度, not read)
    "小時": "hours",
    "節": "periods",
    "學分": "credits",
    "單元": "units",
    "個月": "months",  # 「期滿後3個月才報」 (not 「7月」, a month of a date)
    "分鐘": "minutes",
    "天": "days",
    "隊": "teams",
    "案": "projects",
    "種": "kinds",
    "梯次": "runs",
    "次": "times",
    "schools": "schools",
    "teams": "teams",
    "team": "teams",
    "school": "schools",
    "classes": "classes",
    "class": "classes",
    "people": "people",
    "persons": "people",
    "students": "people",
    "student": "people",
    "teachers": "people",
    "visitors": "people",
    "visitor": "people",
    "participants": "people",
    "words": "words",
    "books": "books",
    "hours": "hours",
    "periods": "periods",
    "credits": "credits",
    "months": "months",
    "month": "months",
    "days": "days",
    "minutes": "minutes",
    "minute": "minutes",
}
_COUNT = re.compile(
    # (one word of who they are may come between in English: "35 visiting teachers"; 「加1個年級」
    # counts grades added, no grade; 「20幾位」「30多人」: at least the tens said)
    r"(?<![\d.])(\d+(?:\.\d+)?)\s*(?:多|幾|餘)?\s*(?:個\s*(?!年級))?(?:(?:visiting|outside|external|other|foreign|new|more|extra)\s+)?("
    + "|".join(sorted((re.escape(u) for u in _UNITS), key=len, reverse=True))
    + r")(?![a-z])"
)


# The parts of a ceiling an amount can be said to be: 「教師專業支持費可以編到50萬嗎」 asks about the
# teacher part (教師40萬), not the tier's total (60萬).
_PARTS = ("teacher", "student", "life", "capital", "recurrent", "misc")


def _figures(plain: str) -> list[tuple[int, Decimal, str, str]]:
    """The figures of a plain text with where each is written: (position, value, unit, part),
    the part ('' when none) being what an amount is said to be (`_PARTS`)."""
    figures = read_figures(plain)
    found = [
        (a.at, Decimal(a.value), "NT$", a.label if a.label in _PARTS else "") for a in figures.labelled if not a.bare
    ]
    found += [(at, share, "%", "") for at, share in percentages_at(plain)]
    found += [(m.start(), Decimal(m.group(1)), _UNITS[m.group(2)], "") for m in _COUNT.finditer(plain)]
    # 「開兩場 每場25人」: 2 × 25 people, written after the figures it multiplies (so the last of its unit)
    for m in _EACH.finditer(plain):
        sessions, people = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        found.append((m.end(), Decimal(sessions) * Decimal(people), "people", ""))
    # 「一場22人 一場20人」: sessions listed one by one, so many sessions and their people summed
    for m in _LISTED.finditer(plain):
        people = [Decimal(n) for n in _ONE_SESSION.findall(m.group(0))]
        found += [(m.end(), Decimal(len(people)), "times", ""), (m.end(), sum(people, Decimal(0)), "people", "")]
    # "two open days, about 25 visitors each time": so many sessions times the people of each
    for m in _EACH_EN.finditer(plain):
        sessions = Decimal(m.group(1))
        found += [(m.end(), sessions, "times", ""), (m.end(), sessions * Decimal(m.group(2)), "people", "")]
    return found


# "grade 4", "4th grade": a grade written the English way round, read in questions (an English
# answer's "from grade 3 … upward" is no floor this module reads: the Chinese 「3年級以上」 is)
_GRADE = re.compile(ENGLISH_GRADE)

# (「每場大概12位」: about so many, or 「每場是15位」 put right)
_ABOUT = r"(?:都)?(?:來|是|有)?\s*(?:大概|大約|約|差不多)?\s*(?:來|有)?"
_EACH = re.compile(
    rf"(\d+)\s*(?:場|次|梯次)\D{{0,6}}?每\s*(?:場|次|梯次)\s*{_ABOUT}\s*(\d+)\s*(?:人|位)|"
    rf"每\s*(?:場|次|梯次)\s*{_ABOUT}\s*(\d+)\s*(?:人|位)\D{{0,6}}?(?:共|總共|一共)?\s*(\d+)\s*(?:場|次|梯次)"
)

# 「一場22人 一場20人」「第一場30人、第二場5人」: sessions listed one by one
_ONE_SESSION_TEXT = r"(?:1|第\s*\d+)\s*(?:場|次|梯次)\s*(?:來|有)?\s*(\d+)\s*(?:人|位)"
_ONE_SESSION = re.compile(_ONE_SESSION_TEXT)
_LISTED = re.compile(rf"{_ONE_SESSION_TEXT}(?:\W{{0,2}}{_ONE_SESSION_TEXT})+")
# "two open days, about 25 visitors each time"
_EACH_EN = re.compile(
    r"(\d+)\s+(?:open\s+)?(?:days?|sessions?|times|visits|events?)\b[^.?!\d]{0,40}?"
    r"(\d+)\s+(?:visitors?|people|teachers|participants)\s+(?:each|per)\s+(?:time|day|session|visit|event)\b"
)

# "at least once per semester": a floor of one time, written as a word (read in answers only: a
# question's "once a year" may count another period)
_ONCE = re.compile(r"\bonce\b")

# A plan's figure that is a floor, not a cap: 「3 個月以上代理教師」「1萬元以上」 "3 months or more".
_FLOOR_AFTER = re.compile(r"\s*(?:\(含\)|（含）)?\s*(?:以上|or more|or longer|and (?:above|up|over))")
_MONEY_FLOOR = re.compile(r"(?<![\d.])(\d[\d,]*(?:\.\d+)?)\s*(萬)?\s*元" + _FLOOR_AFTER.pattern)
_SHARE_FLOOR = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*%" + _FLOOR_AFTER.pattern)


# a share to reach: 「收聽比率達 95%」 "reach 95%" (a rate measured against it is a no below it)
_SHARE_REACHED = re.compile(r"(?:至少|最少|不少於|達到?|at least|reach(?:es|ing)?)\s*(\d+(?:\.\d+)?)\s*%")


# …or written before it: 「每學期接待總人數至少 40 人」 "at least 40 people"
_FLOOR_BEFORE = re.compile(r"(?:至少|最少|不少於|不得少於|at least|no fewer than|a minimum of)\s*$")


def _floors(plain: str, unit: str) -> set[Decimal]:
    """The figures of `unit` a plain text states as floors."""
    if unit == "NT$":
        return {
            Decimal(m.group(1).replace(",", "")) * (10000 if m.group(2) else 1) for m in _MONEY_FLOOR.finditer(plain)
        }
    if unit == "%":
        after = {Decimal(m.group(1)) for m in _SHARE_FLOOR.finditer(plain)}
        return after | {Decimal(m.group(1)) for m in _SHARE_REACHED.finditer(plain)}
    # "at least once per semester"
    once = {
        Decimal(1)
        for m in _ONCE.finditer(plain)
        if unit == "times" and _FLOOR_BEFORE.search(plain[max(0, m.start() - 12) : m.start()])
    }
    return once | {
        Decimal(m.group(1))
        for m in _COUNT.finditer(plain)
        if _UNITS[m.group(2)] == unit
        and (_FLOOR_AFTER.match(plain, m.end()) or _FLOOR_BEFORE.search(plain[max(0, m.start() - 12) : m.start()]))
    }


def _every_floor_met(
    asked: list[tuple[int, Decimal, str, str]], answer: str, answer_figures: list[tuple[int, Decimal, str, str]]
) -> bool | None:
    """A rule of two or more floors (「每學期至少 1 次；每學期接待總人數至少 40 人」) and a question giving a
    figure of each (「每學期各辦1次 每次都來40人」): met when every one is at least its floor, a no when
    one falls short; None when the rule has fewer floors or the question leaves one out."""
    units = {unit for _, _, unit, _ in answer_figures} | {"times"}  # "at least once" is a floor of times
    floors = {unit: min(found) for unit in units if (found := _floors(answer, unit))}
    given = {unit: value for _, value, unit, _ in sorted(asked)}  # the last figure of each unit
    if len(floors) < 2 or not floors.keys() <= given.keys():
        return None
    return all(given[unit] >= floor for unit, floor in floors.items())


# a fraction of a whole: 「三分之一」「3 分之 1」「一半」 "a third", "half"
_FRACTION = re.compile(r"([一二兩三四五六七八九十\d]+)\s*分之\s*([一二三四五六七八九十\d]+)|一半|\bhalf\b|\ba third\b")
_NUMERALS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)} | {"兩": 2}


def _fraction(plain: str) -> Fraction | None:
    match = _FRACTION.search(plain)
    if match is None:
        return None
    if match.group(1) is None:
        return Fraction(1, 3) if "third" in match.group(0) else Fraction(1, 2)
    whole, part = (int(g) if g.isdigit() else _NUMERALS.get(g, 0) for g in match.groups())
    return Fraction(part, whole) if whole else None


@dataclass(frozen=True)
class ShareOfCounts:
    """A part of a whole the question counts (10 of 33 periods) against the rule's fraction (1/3)."""

    part: Decimal
    whole: Decimal
    fraction: Fraction

    @property
    def met(self) -> bool:
        return Fraction(self.part) / Fraction(self.whole) >= self.fraction

    def working(self, lang: str) -> str:
        share = (self.part / self.whole * 100).quantize(Decimal("0.1"))
        wanted = f"{self.fraction.denominator} 分之 {self.fraction.numerator}"
        if lang == "zh":
            return f"{self.part} ÷ {self.whole} ≈ {share}%，{'已達' if self.met else '未達'} {wanted}。"
        asked = f"{self.fraction.numerator}/{self.fraction.denominator}"
        return f"{self.part} ÷ {self.whole} ≈ {share}%: {'at least' if self.met else 'below'} {asked}."


def share_of_counts(question: str, answer: str) -> ShareOfCounts | None:
    """「一週33節 用英語上10節 算有三分之一嗎」 of a rule 「3 分之 1 以上課程以英語文授課」: the part of
    the whole the question counts (two figures of one unit), against the rule's fraction; None when
    the question gives no such pair or the rule states another fraction."""
    asked = _fraction(question)
    if asked is None or asked != _fraction(answer):
        return None
    counts = [(value, unit) for _, value, unit, _ in _figures(question) if unit not in ("NT$", "%")]
    if len(counts) != 2 or counts[0][1] != counts[1][1]:
        return None
    part, whole = sorted(value for value, _ in counts)
    return ShareOfCounts(part, whole, asked) if whole > 0 else None


@dataclass(frozen=True)
class SessionsOfPeople:
    """Sessions of so many people each (「每學期辦3場 每場12位」) against the rule's floors of sessions
    and of people (「每學期至少 1 次；每學期接待總人數至少 40 人」)."""

    sessions: Decimal
    each: Decimal
    least_sessions: Decimal
    least_people: Decimal

    @property
    def people(self) -> Decimal:
        return self.sessions * self.each

    @property
    def met(self) -> bool:
        return self.sessions >= self.least_sessions and self.people >= self.least_people

    def working(self, lang: str) -> str:
        enough = self.people >= self.least_people
        if lang == "zh":
            reached = "已達" if enough else "未達"
            return f"{self.sessions} 場 × {self.each} 人 = {self.people} 人，{reached}至少 {self.least_people} 人。"
        side = "at least" if enough else "below"
        return (
            f"{self.sessions} sessions × {self.each} people = {self.people}: {side} the {self.least_people} required."
        )


def sessions_of_people(question: str, answer: str) -> SessionsOfPeople | None:
    """「每學期辦３場 每場大概１２位 這樣有到嗎」 of a rule with a floor of people (and of sessions): the
    sessions times the people of each against them; None when the question counts no sessions of
    so many each, or the rule states no floor of people."""
    sessions_each = [
        (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3)) for m in _EACH.finditer(question)
    ] + [(m.group(1), m.group(2)) for m in _EACH_EN.finditer(question)]
    least_people = _floors(answer, "people")
    if len(sessions_each) != 1 or not least_people:
        return None
    sessions, each = (Decimal(n) for n in sessions_each[0])
    least_sessions = min(_floors(answer, "times"), default=Decimal(0))
    return SessionsOfPeople(sessions, each, least_sessions, min(least_people))


def agrees(question: str, answer: str, headline: str | None, permission: bool, meets: bool = False) -> bool | None:
    """The yes (True) or no (False) that the question's own figure gets from the answer's, or
    None when it decides nothing. The figure asked about is the question's last. `question` and
    `answer` are plain texts; `headline` is the line of a computed answer that answers (its first),
    None for a knowledge-base answer, which states the rule's figures but computes none for the
    question: an allowed amount is then a no above them and undecided otherwise. `meets`: the
    question asks whether it meets the rule (「辦兩場 總共50人 符合嗎」), which a rule of two or more
    floors answers figure by figure, as it does a permission."""
    # a class count is the school's own fact (「我們13班 上限是25萬嗎」 "the cap for 13 classes?"),
    # never the figure asked about
    grades = [(m.start(), Decimal(m.group(1) or m.group(2)), "grades", "") for m in _GRADE.finditer(question)]
    asked = [figure for figure in _figures(question) + grades if figure[2] != "classes"]
    if not asked:
        return None
    answer_figures = _figures(answer)  # read once: the floors and the figures stated both need them
    # 「是100%嗎」 "is it 55 schools?": the figure claimed to be the plan's, not one checked against it
    permission = permission and CLAIMED_BEFORE.search(question[: max(asked)[0]]) is None
    if permission or meets:
        every_floor = _every_floor_met(asked, answer, answer_figures)
        if every_floor is not None:
            return every_floor
    _, last, unit, part = max(asked)
    values = {last}  # 「部領教師經費60萬，可以挪18萬嗎」: the 60萬 is what the question gives
    stated = [(value, p) for _, value, u, p in answer_figures if u == unit]
    # an amount said to be one part is checked against that part's figures where the answer has any
    plan = {value for value, p in stated if p == part} if part and any(p == part for _, p in stated) else set()
    plan = plan or {value for value, _ in stated}
    if not plan and unit == "%" and not permission and any(u == "NT$" for _, _, u, _ in answer_figures):
        return False  # 「資料蒐集費是不是也抓10趴」: a rule of a sum (3 萬元為限), no share at all
    if not plan:
        return None
    if permission:
        # a plan's figure with 以上 is a floor (「3 個月以上代理教師」): below it is a no, above it
        # nothing (「代了5個月」 is no more than the floor met)
        floors = _floors(answer, unit)
        if floors:
            return False if all(value < min(floors) for value in values) else None
        if all(value > max(plan) for value in values):
            return False
        if headline is None:
            return None
        heading = {value for _, value, u, _ in _figures(headline) if u == unit}
        return True if values <= heading else None
    compared = _claimed_bound(question, max(asked)[0])
    if compared is not None:
        # 「110是不是要超過20校」 "fewer than 20 teams by 111?": the plan's figure on that side of it
        above, inclusive = compared
        if above:
            return all(value > last or (inclusive and value == last) for value in plan)
        return all(value < last or (inclusive and value == last) for value in plan)
    return values <= plan


# a figure claimed as a bound, not as the figure itself: 「超過20校」「至少20隊」 "more than 20", 「20校以上」
_ABOVE_BEFORE = re.compile(r"(?:超過|多於|大於|高於|more than|over|above|exceed(?:s|ing)?)\s*$")
_AT_LEAST_BEFORE = re.compile(r"(?:至少|最少|不少於|不低於|at least|no fewer than|no less than)\s*$")
_BELOW_BEFORE = re.compile(r"(?:不到|少於|低於|未滿|小於|不足|less than|fewer than|under|below)\s*$")
_AT_MOST_BEFORE = re.compile(r"(?:至多|最多|不超過|不多於|at most|no more than)\s*$")
_BOUND_AFTER = re.compile(r"[\d,.]+\s*\S{0,3}?\s*(?:\(含\)|（含）)?\s*(以上|以下|以內|or more|or fewer|or less)")


def _claimed_bound(question: str, at: int) -> tuple[bool, bool] | None:
    """Whether the figure at `at` is claimed as a bound (above?, inclusive?), or None."""
    before = question[max(0, at - 16) : at]
    for pattern, side in (
        (_ABOVE_BEFORE, (True, False)),
        (_AT_LEAST_BEFORE, (True, True)),
        (_BELOW_BEFORE, (False, False)),
        (_AT_MOST_BEFORE, (False, True)),
    ):
        if pattern.search(before):
            return side
    after = _BOUND_AFTER.match(question, at)
    if after is None:
        return None
    return (True, True) if after.group(1) in ("以上", "or more") else (False, True)


def with_counts_replaced(said: str, question: str) -> str | None:
    """`said` (an earlier message, plain) with the counts of a unit `question` counts too replaced by
    the question's (「一學期開一次 來了35位老師 這樣符合嗎」 then 「如果來45位呢」: 一次, and 45 people),
    for a follow-up's yes or no checked against every floor the rule sets; None when the question
    counts nothing."""
    told = list(_COUNT.finditer(question))
    units = {_UNITS[m.group(2)] for m in told}
    if not units:
        return None  # no count said again: nothing to check this way
    once = {unit for unit in units if sum(_UNITS[m.group(2)] == unit for m in told) == 1}
    earlier = [_UNITS[m.group(2)] for m in _COUNT.finditer(said)]

    def replaced(m: re.Match[str]) -> str:
        unit = _UNITS[m.group(2)]
        if unit not in units:
            return m.group(0)
        if unit in once and earlier.count(unit) == 1:
            # (in its place, so what it counts stays beside it: 「每場12位」 put right as 「每場15位」)
            value = next(t.group(1) for t in told if _UNITS[t.group(2)] == unit)
            return m.group(0).replace(m.group(1), value, 1)
        return " "

    return f"{_COUNT.sub(replaced, said)} {question}"
