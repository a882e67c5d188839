"""Arithmetic on a plan's yearly targets (Keelung's KPI table: one row a school year) with the
user's own figures: the number of schools a target share of theirs comes to (「我們市假設60校 那要幾
校」 at 75%: 45), whether a count they reach meets the target ("if 8 schools run it in 111, target
met?" at 9: no), how much a running total grows from one year to the next (「那110比109多幾位」),
and a per-semester target over a whole school year.

Every figure is the row's own, as the plan writes it; nothing here knows an action plan.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, replace
from decimal import Decimal

from knowledge.details import ROW_COUNT, UNIT_EN
from knowledge.model import Detail
from knowledge.understand import CONFIRMATION_ASKED

_SHARE = re.compile(r"(\d+(?:\.\d+)?)\s*%")
_CUMULATIVE = re.compile(r"累計|累積")
_PER_SEMESTER = re.compile(r"每學期")
_SCHOOLS = re.compile(r"學校|校|所")
SEMESTERS = 2  # a school year's two semesters (上、下學期)

# What the message asks of the target
_BOTH_YEARS = re.compile(r"兩年|兩個學年|2年|這兩|both years|the two years|between (?:them|those)")
_GROWTH = re.compile(
    r"差了(?:幾|多少)|多幾|多了幾|(?:增加|成長)(?:了)?(?:幾|多少)|新增(?:了)?(?:幾|多少)|(?:新增|增加)(?:的|了)?(?:呢)?\s*$|多出(?:幾|多少)|差幾|相差|比(?![例率重]).{0,8}[多少]|(?<![至最])少(?:了)?(?:幾|多少)|"
    r"再多.{0,4}(?:幾|多少)|多(?:聘|進用|請|找|收|開|成立|辦|設|締結)了?(?:幾|多少)|"
    r"新(?:寫|開|增|辦|設|成立|聘|進用|加入|締結|簽)了?\s*(?:幾|多少|\d)|"  # 「111年要新寫幾案」「要新開15校?」  # 「110到111要再多進用幾位」
    r"\bmore\b.{0,24}\bthan\b|\bhow many more\b|\bincrease|\badded\b|\bnew ones\b|\bdifference\b|\bup from\b|\bgrow"
)
# growth asked of every year (「每年增加多少」 "how much does it grow each year")
_EACH_YEAR = re.compile(
    r"每年|每一年|每個學年|逐年|[一1]\s*年(?:增加|多|成長)|\b(?:per|each|every|a) year\b|year on year|\bannually\b"
)
# a count claimed to be new that year (「111那一年要新開15校?」): checked against the growth
_NEW_CLAIMED = re.compile(r"新(?:寫|開|增|辦|設|成立|聘|進用|加入|締結|簽)了?\s*(\d+)")
_WHOLE_YEAR = re.compile(
    r"整(?:個)?學年|[一1]\s*整年|[一1]\s*(?:個)?\s*學年(?!度)|全學年|整年|(?:whole|full|entire)\s+(?:school\s+)?year|"
    r"for\s+the\s+(?:school\s+)?year|\b(?:a|per|each|every)\s+(?:school\s+)?year\b"
)
_HOW_MANY = re.compile(r"幾|多少|how many|what number")
_ASKS_PERMISSION = re.compile(
    r"可以|可不可以|能不能|能否|\bcan (?:we|i|a school|each|one)\b|\bmay (?:we|i)\b|\ballowed\b"
)
_MET = re.compile(r"達標|達到|達成|符合|夠(?:嗎|不夠)|\bmet\b|\bmeet|on target|\breach|\benough\b|hit the target")
# the user's counts: 「60校」「29所」「16隊」 "8 schools", "30 clubs", "29 have", "40 primary + junior high
# schools" (read as 「40 primary 國中s」); not years, shares, a
# count of anything else (「第2外語」「3年計畫」) or a figure claimed to be the target (「目標是45人次嗎」:
# the answer's figure check settles that)
_USER_COUNT = re.compile(
    r"(?<![\d.])(?<!是)(?<!為)(?<!要)(?<!\bis )(?<!\bbe )(?<!need )(\d+)(?![\d.%])\s*"
    r"(?:所|校|間|位|案|人次|篇|隊|名|場|(?:(?:[a-z+-]+|國小|國中|高中) ){0,4}(?:schools?|clubs?|teams?|teachers?|projects?|"
    r"participants|sessions|articles|kids|students|(?:國中|國小|高中)s)\b|(?:have|run|join|take part|sign)\b|"
    r"(?=(?:of|out of|/)\s*(?:our |the )?\d))"  # "20 of our 41 schools", "29/40"
)
# the year a growth is counted from: 「比109」 "than 109", and a range's first (「110到111」 "from 110 to 111")
_THAN_YEAR = re.compile(
    r"比\s*(1[01]\d)|(?:than|from|over)\s+(?:in\s+)?(?:sy\s*|school year\s+)?(1[01]\d)|"
    r"(1[01]\d)\s*(?:學年度?)?\s*(?:到|至|~|–)\s*1[01]\d|(?:跟|和|與)\s*(1[01]\d)\s*(?:學年度?)?\s*(?:比|相比)"
)
# 「跟第一年比」 "than the first year": the first school year of the rows
_THAN_FIRST = re.compile(
    r"(?:跟|和|與|比)\s*(?:第|頭)\s*1\s*(?:個)?\s*(?:學)?年|(?:跟|和|與|比)\s*首年|than (?:in )?the first year|from the first year|"
    r"since the first year"
)
_UNIT_ASKED = re.compile(r"幾\s*(?:個)?\s*(人次|班次|校|所|隊|案|名|場|位|本|篇|字|次(?!數))")
_TIMES = re.compile(r"(\d+)\s*(次)(?![\d%])")
_QUOTES_TARGET = re.compile(
    r"至少|最少|目標是|目標為|目標要|訂|設定|定了|at least|the target (?:is|was)|target of|\bset\b"
)
_YEAR = re.compile(r"(?<!\d)(1[01]\d)(?!\d)")


@dataclass(frozen=True)
class Target:
    """A row's one figure: a count of `unit` (「9 校」) or a share of schools (「75%」)."""

    year: int
    value: Decimal
    share: bool
    unit: str  # 校, 位, 案 …; for a share, 校 when it is of schools
    cumulative: bool  # a running total (累計)
    per_semester: bool  # 每學期


def target_of(detail: Detail, unit: str | None = None) -> Target | None:
    """The row's target, when it states exactly one figure (a count or a share) for one school year,
    or, with `unit` asked (「幾個字」), one count of that unit (a row gives books and words)."""
    year = detail.when.get("year")
    if not isinstance(year, int):
        return None
    text = detail.text.zh
    # 「每學期 1 次」 counts times only when times are asked (「一學年辦幾次」): beside another count it
    # is how often, not the row's target
    counts = _TIMES.findall(text) if unit == "次" else ROW_COUNT.findall(text)
    shares = _SHARE.findall(text)
    if unit is not None:
        schools = unit in ("校", "所")  # a share is of schools; 校 and 所 count the same
        counts = [c for c in counts if c[1] == unit or (schools and c[1] in ("校", "所"))]
        shares = shares if schools else []
    if len(counts) + len(shares) != 1:
        return None
    if shares:
        unit = "校" if _SCHOOLS.search(text) else ""
        return Target(year, Decimal(shares[0]), True, unit, False, False)
    value, unit = counts[0]
    return Target(
        year, Decimal(value), False, unit, _CUMULATIVE.search(text) is not None, _PER_SEMESTER.search(text) is not None
    )


def summed_targets(first: Target, second: Target) -> Target | None:
    """Two levels' counts of one school year added (國中 45 人次 + 國小 85 人次 = 130 人次); None for
    shares, running totals or counts of different units, which do not add up."""
    if first.share or second.share or first.cumulative or second.cumulative or first.unit != second.unit:
        return None
    per_semester = first.per_semester and second.per_semester
    return Target(first.year, first.value + second.value, False, first.unit, False, per_semester)


@dataclass(frozen=True)
class Worked:
    """A computed answer about a target: its lines in both languages and, for a check, the verdict."""

    zh: str
    en: str
    years: tuple[int, ...]  # the school years whose rows it used
    met: bool | None = None


def asks_growth(question: str) -> bool:
    """Whether a normalised question asks how much a target grows (「比前一年多幾位」): the year it
    names beside is what the growth is counted from, not the year asked."""
    return _GROWTH.search(question) is not None


def unit_asked(question: str) -> str | None:
    """The unit a question counts in (「比109多幾個字」: 字), if it names one."""
    match = _UNIT_ASKED.search(question)
    if match is None and re.search(r"\bhow many times\b", question):
        return "次"
    if match is None and (english := _UNIT_ASKED_EN.search(question)) is not None:
        return _UNIT_OF_WORD[english.group(1)]  # "how many more words": 字
    return match.group(1) if match else None


# the English units that name one Chinese unit only (not "schools", 校 or 所, nor "people")
_UNIT_OF_WORD = {"words": "字", "books": "本", "articles": "篇", "teams": "隊", "projects": "案"}
_UNIT_ASKED_EN = re.compile(r"\bhow many (?:more |new |extra )?(" + "|".join(_UNIT_OF_WORD) + r")\b")


def work(
    question: str, rows: dict[int, Target], year: int | None, told: tuple[str, ...] = (), last_year: int | None = None
) -> Worked | None:
    """What `question` (normalised) asks of the targets `rows` (by school year), `year` the school year
    it is about; None when it asks none of these sums. `told`: the chat's earlier messages, oldest
    first, where a count checked against a share finds its total (「我們市有36校」, then 「如果只有17校
    成立 有達標嗎」) and a follow-up of a share finds the total it was of (「不是，我是說110學年」);
    `last_year`: the school year the chat's last answer was for (「比109多幾個字」 after 110's row)."""
    years = [int(y) for y in _YEAR.findall(question) if int(y) in rows]
    if year is None and years:
        year = years[-1]
    if year is None and rows and len({replace(t, year=0) for t in rows.values()}) == 1:
        # the same target every school year (「每學期 1 次」 in 109, 110 and 111), asked over a year
        alike = tuple(sorted(rows))
        over_a_year = _WHOLE_YEAR.search(question) is not None and _GROWTH.search(question) is None
        return _whole_year(rows[alike[-1]], alike) if over_a_year and rows[alike[-1]].per_semester else None
    if year is None and len(rows) > 2 and _GROWTH.search(question) and _EACH_YEAR.search(question):
        return _each_years_growth(rows)  # 「國小每年增加多少人次」: 109→110 and 110→111
    target = rows.get(year) if year is not None else None
    if target is None:
        return None
    if _GROWTH.search(question):
        than = _THAN_YEAR.search(question)
        base = int(next(g for g in than.groups() if g)) if than is not None else None
        if base is None and _THAN_FIRST.search(question) and len(years) < 2:
            base, years = min(rows), [*years, min(rows)][-1:]
        # 「比109多幾個字」 after 110's row: 110 − 109; 「最後一年 跟頭一年比」: 111 − 109, the year asked
        current = year if year is not None and year != base and year != last_year else last_year
        if base is not None and len(years) == 1 and current is not None and current in rows and current != base:
            years = [base, current]
            target = rows[current]
        if not years and (_BOTH_YEARS.search(question) or not _YEAR.search(question)):
            # (and "so how many more is that?" after 110's row, then 111's: no year of its own)
            # 「兩年差了幾校」 after 111's row then 109's: the two school years the chat asked about
            asked = [int(y) for text in reversed(told) for y in _YEAR.findall(text) if int(y) in rows]
            years = list(dict.fromkeys(asked))[:2]
        claimed = _NEW_CLAIMED.search(question)
        return _growth(rows, years, target, Decimal(claimed.group(1)) if claimed else None)
    counts = _counts_in(question)
    asks_yes_no = _asks_yes_no(question)
    if not counts:
        whole = _WHOLE_YEAR.search(_YEAR.sub(" ", question).replace("  ", " "))
        if whole and target.per_semester:
            return _whole_year(target)
        # the last message that counted anything (「那110要幾所」 after 56 schools, then 「111呢」 「109」)
        last = next((text for text in reversed(told) if _counts_in(text)), "")
        if target.share and not asks_yes_no and not _asks_yes_no(last) and len(_counts_in(last)) == 1:
            return _share_of(target, _counts_in(last)[0])  # 「不是，我是說110學年」 after a share of 60
        return None
    if target.share and len(counts) == 1 and _HOW_MANY.search(question):
        return _share_of(target, counts[0])  # 「有60所 111學年至少要幾校」: how many, whatever its words
    if _QUOTES_TARGET.search(question):
        return None  # 「110學年至少補助2校嗎」「為什麼只有訂2校」: the target quoted, not a count reached
    if target.share and len(counts) == 1 and not asks_yes_no:
        return _share_of(target, counts[0])  # 「要幾校」「一樣用40校算」「60所 要幾所…才達標」
    if asks_yes_no and _ASKS_PERMISSION.search(question) and not _MET.search(question):
        return None  # 「可以一間學校派兩隊嗎」: whether it is allowed, not whether a target is met
    if asks_yes_no and CONFIRMATION_ASKED.search(question) and not _MET.search(question):
        # 「基隆110學年外師18位 對嗎」: whether the figure is the target (the answer's figures say), not met
        return None
    if asks_yes_no:
        if target.share and len(counts) == 1:
            earlier = [n for said in told for n in _counts_in(said) if n > counts[0]]
            counts += earlier[-1:]  # the total told last
        return _check(target, counts)
    return None


def _asks_yes_no(text: str) -> bool:
    return _MET.search(text) is not None or re.search(r"嗎|\?|？|\bif\b|如果", text) is not None


def counts_a_total_asking_how_many(question: str) -> bool:
    """Whether `question` (normalised) tells a count of its own and asks how many (「我們市有60所國中小
    那要幾所成立」): a share of a target worked on the user's total."""
    return bool(_counts_in(question)) and _HOW_MANY.search(_YEAR.sub(" ", question)) is not None


def _counts_in(text: str) -> list[int]:
    # 「我們其實是65校」 tells the chat's own count (not 「目標是45人次」, a figure claimed to be the target)
    text = _OURS_IS.sub(r"\1有", text)
    return [int(n) for n in _USER_COUNT.findall(_YEAR.sub(" ", text)) if int(n) > 0]


_OURS_IS = re.compile(r"(我們|其實|全市|本市|我們市|總共)是(?=\s*\d)")


def _unit_en(unit: str) -> str:
    return UNIT_EN.get(unit, "")


def _counted_en(value: Decimal, unit: str) -> str:
    """ "once", else the count with its unit ("2 articles")."""
    return "once" if unit == "次" and value == 1 else f"{_number(value)} {_unit_en(unit)}"


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _growth(rows: dict[int, Target], years: list[int], target: Target, claimed: Decimal | None = None) -> Worked | None:
    """A year's figure less the year before's (or the earlier of two years named); `claimed`: a
    count said to be new that year, which the difference confirms (是) or not (不是)."""
    later = target.year if len(years) < 2 else max(years)
    earlier = later - 1 if len(years) < 2 else min(years)
    first, last = rows.get(earlier), rows.get(later)
    if first is None or last is None or first.share != last.share or first.unit != last.unit:
        return None
    change = last.value - first.value
    unit = "%" if last.share else f" {last.unit}"
    unit_en = "%" if last.share else f" {_unit_en(last.unit)}"
    running = "（累計數之差）" if last.cumulative else ""
    running_en = " (the difference of the running totals)" if last.cumulative else ""
    met = None if claimed is None else claimed == change
    said, said_en = ("", "") if met is None else (("是：", "Yes: ") if met else ("不是：", "No: "))
    return Worked(
        f"{said}{later} 學年度 {_number(last.value)}{unit} − {earlier} 學年度 {_number(first.value)}{unit} = "
        f"{_number(change)}{unit}{running}",
        f"{said_en}School year {later}: {_number(last.value)}{unit_en} − school year {earlier}: "
        f"{_number(first.value)}{unit_en} = {_number(change)}{unit_en}{running_en}",
        (earlier, later),
        met,
    )


def _each_years_growth(rows: dict[int, Target]) -> Worked | None:
    """Each school year's figure less the year before's, over all the years (「每年增加多少」): one
    line, the same step said once when every year grows alike."""
    years = sorted(rows)
    first = rows[years[0]]
    if any(rows[y].share != first.share or rows[y].unit != first.unit for y in years):
        return None
    pairs = list(itertools.pairwise(years))
    steps = [rows[b].value - rows[a].value for a, b in pairs]
    unit = "%" if first.share else f" {first.unit}"
    unit_en = "%" if first.share else f" {_unit_en(first.unit)}"
    chain = " → ".join(_number(rows[y].value) for y in years)
    span = f"{years[0]}–{years[-1]}"
    if len(set(steps)) == 1:
        return Worked(
            f"每年增加 {_number(steps[0])}{unit}：{chain}（{span} 學年度）",
            f"Up {_number(steps[0])}{unit_en} each year: {chain} (school years {span})",
            tuple(years),
        )
    zh = "；".join(f"{b} 比 {a} 增加 {_number(d)}{unit}" for (a, b), d in zip(pairs, steps, strict=True))
    en = "; ".join(f"{b} over {a}: {_number(d)}{unit_en}" for (a, b), d in zip(pairs, steps, strict=True))
    return Worked(f"{zh}（{chain}）", f"{en} ({chain})", tuple(years))


def _whole_year(target: Target, years: tuple[int, ...] = ()) -> Worked:
    """A semester's target over the school year; `years`: every school year it is the same for."""
    total = target.value * SEMESTERS
    zh_years = f"{years[0]}–{years[-1]} 學年度皆同" if len(years) > 1 else f"{target.year} 學年度"
    en_years = f"school years {years[0]}–{years[-1]} alike" if len(years) > 1 else f"school year {target.year}"
    return Worked(
        f"每學期 {_number(target.value)} {target.unit} × {SEMESTERS} 學期 = {_number(total)} {target.unit}（{zh_years}）",
        f"{_counted_en(target.value, target.unit)} a semester × {SEMESTERS} semesters = {_number(total)} "
        f"{_unit_en(target.unit)} ({en_years})",
        (target.year,),
    )


def _share_of(target: Target, total: int) -> Worked:
    """The count the share of the user's total comes to, rounded up (a target is a floor)."""
    exact = Decimal(total) * target.value / 100
    needed = math.ceil(exact)
    rounded = "" if exact == needed else f"（{_number(exact)}，進位）"
    rounded_en = "" if exact == needed else f" ({_number(exact)}, rounded up)"
    unit = target.unit or "校"
    return Worked(
        f"{target.year} 學年度目標 {_number(target.value)}%：{total} {unit} × {_number(target.value)}% = "
        f"{needed} {unit}{rounded}",
        f"School year {target.year} target {_number(target.value)}%: {total} × {_number(target.value)}% = "
        f"{needed}{rounded_en}",
        (target.year,),
    )


def _check(target: Target, counts: list[int]) -> Worked | None:
    """Whether the count the user reaches meets the target: a count against the row's count, or a
    count of a total (the larger figure told) against the row's share."""
    if target.share:
        if len(counts) != 2:
            return None
        reached, total = min(counts), max(counts)
        needed = math.ceil(Decimal(total) * target.value / 100)
        unit = target.unit or "校"
        working = f"需 {total} {unit} × {_number(target.value)}% = {needed} {unit}；{reached} {unit}"
        working_en = f"{total} × {_number(target.value)}% = {needed} needed; {reached}"
    else:
        if len(counts) != 1:
            return None
        reached, needed = counts[0], int(target.value)
        unit = target.unit
        working, working_en = f"{reached} {unit}", f"{reached}"
    met = reached >= needed
    gap = "" if met else f"，差 {needed - reached} {unit}"
    gap_en = "" if met else f", {needed - reached} short"
    return Worked(
        f"{'符合' if met else '不符合'} {target.year} 學年度目標：{working} {'≥' if met else '<'} {needed} {unit}{gap}",
        f"{'Yes' if met else 'No'}: school year {target.year} target — {working_en} {'≥' if met else '<'} {needed}"
        f"{gap_en}",
        (target.year,),
        met,
    )
