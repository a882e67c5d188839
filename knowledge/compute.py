"""Computing a `Query` (knowledge/queries.py) under the plans' rules.

Every number of a result comes from a named rule (FundingRules, PlanRules) applied to the user's
own figures; the result says which rule, and the working in one line. Wording lives in
handlers/replies.py; the per-item arithmetic is in calculators.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from knowledge.calculators import (
    CeilingResult,
    InvalidFacts,
    InvalidInput,
    ItemAmount,
    Problem,
    SchoolFacts,
    Verdict,
    attendance_fee,
    both,
    ceiling,
    consultation_fee,
    counted,
    data_collection,
    english_test_eligibility,
    equipment_check,
    equipment_kind,
    equipment_segments,
    language_study,
    lecture_fee,
    lecture_rate,
    lecturer_type,
    lodging,
    meals,
    money,
    pct,
    premium,
    share_cap,
    teaching_load_check,
    teaching_materials,
    times,
)
from knowledge.dates import PlanRules, add_months, roc_to_gregorian, school_year_of
from knowledge.funding_rules import PRINCIPLE, CapitalShare, Cited, EquipmentKind, FundingRules, UnitCapItem
from knowledge.model import Bilingual
from knowledge.quantities import ONE_PERIOD, read_figures
from knowledge.queries import (
    A_COMPUTER,
    ATTEND,
    CAPITAL,
    CAPITAL_CAP,
    CEFR_LEVEL,
    CEILING,
    CLOSEOUT,
    CONSULT,
    ITEM,
    SCHOOL_YEAR,
    SHARE,
    TRANSFER,
    VERDICT,
    Query,
)
from knowledge.understand import SCHOOL_FACTS

_LECTURE = r"講座|講師|演講|外聘|內聘|教授|專家學者|lecture|speaker|lecturer|professor"
_SUBSTITUTE = r"代課|substitute"
_WORK_FEE = r"工作費|工讀|work fee|helpers?"


@dataclass(frozen=True)
class CeilingAnswer:
    """A ceiling with what the question was about: one part of it (`focus`), whether a planned
    total fits (`planned`), and whether the number of domains was left open because it does not
    change the ceiling (`any_domains`)."""

    result: CeilingResult
    focus: str | None = None
    planned: int | None = None
    any_domains: bool = False
    error: InvalidFacts | None = None  # a stated value left out (mode 1 with domains), said first
    claimed: bool = False  # `planned` is what someone says the ceiling is: right only when it is it

    @property
    def ok(self) -> bool | None:
        """Whether the planned amount fits what the question is about: one part, or the total (a
        ceiling claimed: whether it is that ceiling)."""
        if self.planned is None:
            return None
        return self.planned == self.limit if self.claimed else self.planned <= self.limit

    @property
    def limit(self) -> int:
        if self.focus == "partial_domains":
            return self.result.partial_domains
        if self.focus == "transfer" and self.result.transfer is not None:
            return self.result.transfer.amount  # 「挪25萬可以嗎」: what may move, not the total
        if self.focus in ("bilingual_life", "pd_teacher", "pd_student") and self.result.amount(self.focus):
            return self.result.part_ceiling(self.focus)
        return self.result.total


@dataclass(frozen=True)
class Figure:
    """A computed amount (or a verdict on one): the number, the working in one line, the notes,
    and every rule used."""

    amount: int | None
    working: Bilingual
    notes: tuple[Bilingual, ...] = ()
    rules: tuple[Cited, ...] = ()
    ok: bool | None = None  # for "does it fit?": True within, False over; None when not asked
    title: Bilingual | None = None
    cap: bool = True  # a ceiling ("at most"); False for an exact figure such as a difference
    unit: Bilingual | None = None  # a count of these (台, devices), not money
    # the words a verdict on an exact figure opens with (yes, no), when not 是 / 不是
    verdict_words: tuple[Bilingual, Bilingual] | None = None


@dataclass(frozen=True)
class DateFigure:
    """A computed date with its working and the rule (and any assumption) behind it."""

    day: date
    working: Bilingual
    calendar: str  # the calendar the user wrote in: 'roc' or 'gregorian'
    notes: tuple[Bilingual, ...] = ()
    source: tuple[str, str] = ("", "")
    ok: bool | None = None  # a filing date given: True when it is in time
    days_left: int | None = None  # from today to the date (negative: that many days ago)
    title: Bilingual | None = None  # what the date is (「核結期限」), naming the rule's entry


@dataclass(frozen=True)
class YearFigure:
    """Which 學年度 a date or year is, its first and last day, and which phase of the plan holds it
    (None: none does)."""

    school_year: int
    start: date
    end: date
    phase: int | None
    first: int | None
    last: int | None
    phase_start: date | None = None
    phase_end: date | None = None
    source: tuple[str, str] = ("", "")
    from_date: date | None = None
    calendar: str = "gregorian"  # the calendar the date was written in
    phase_asked: bool = False  # 「第二階段什麼時候開始」: the phase, not a school year, was asked
    days_left: int | None = None  # from today to the end asked (the phase's, else the year's)
    span_asked: bool = False  # 「115學年度什麼時候結束」: its first and last day, said first
    span_claimed: bool | None = None  # a first and last day claimed: whether they are the year's


@dataclass(frozen=True)
class NeedFact:
    """A computation that needs a fact the user has not given; `facts` are those known so far."""

    step: str
    facts: SchoolFacts
    error: InvalidFacts | None = None  # a stated value that could not be used, said before asking


@dataclass(frozen=True)
class Refused:
    """Input a calculator cannot use, with the reason in both languages."""

    error: InvalidInput


Result = (
    CeilingAnswer | Figure | list[ItemAmount] | tuple[Verdict, Bilingual] | DateFigure | YearFigure | NeedFact | Refused
)


def compute(query: Query, rules: FundingRules, plan: PlanRules, today: date) -> Result:
    """The result of `query` under the plan's rules; `today` counts days left and dates a 7/31
    (the day the user said is today, when they said one)."""
    if query.inputs.get("today"):
        today = date.fromisoformat(query.inputs["today"])
    try:
        if query.kind == CEILING:
            return _ceiling_query(query, rules)
        if query.kind == CAPITAL:
            return _capital(query, rules)
        if query.kind == SHARE:
            return _share(query, rules)
        if query.kind == TRANSFER:
            return _transfer(query, rules)
        if query.kind == CLOSEOUT:
            return _closeout(query, plan, today)
        if query.kind == SCHOOL_YEAR:
            return _school_year(query, plan, today)
        if query.kind == ITEM and query.inputs.get("buys"):
            return _what_an_amount_buys(query, rules)
        if query.kind == ITEM and query.item == "english_test" and query.inputs.get("sittings"):
            return _test_sittings(query, rules)
        if query.kind == ITEM and query.facts.get("mode") == 1 and rules.only_in_mode_two(query.item):
            return [_outside_mode_one(line, rules) for line in _item(query, rules)]
        if query.kind == ITEM:
            return _item(query, rules)
        if query.kind == VERDICT and query.item == "teaching_load" and query.inputs.get("at_cap"):
            return _reductions_at_the_cap(query, rules)
        if query.kind == VERDICT and query.item == "open_classroom":
            return _visitors(query, rules)
        if query.kind == VERDICT:
            return _verdict(query, rules)
    except InvalidInput as error:
        return Refused(error)
    raise ValueError(f"unknown query kind {query.kind!r}")


# -- school facts -----------------------------------------------------------------------------


def school_facts(facts: dict[str, Any]) -> tuple[SchoolFacts, InvalidFacts | None]:
    """SchoolFacts from remembered or stated facts; values that cannot be used are dropped (and
    the first reason kept) so the chat can say why and ask again."""
    values: dict[str, Any] = {k: _fact_value(facts[k]) for k in SCHOOL_FACTS if k in facts}
    error: InvalidFacts | None = None
    while True:
        try:
            return SchoolFacts(**values), error
        except InvalidFacts as exc:
            error = error or exc
        # Drop the value that makes the facts unusable: one bad on its own, else one that
        # contradicts the others (domains or open classroom with mode 1).
        bad: str | None = next((k for k in ("classes", "domains", "mode") if k in values and _bad(k, values)), None)
        bad = bad or next(
            (k for k in ("domains", "open_classroom", "classes", "mode") if k in values and _valid_without(k, values)),
            None,
        )
        if bad is None:
            return SchoolFacts(), error
        values.pop(bad)


def _fact_value(value: Any) -> Any:
    if isinstance(value, str):
        try:
            number = Decimal(value)
        except ArithmeticError:
            return value
        return int(number) if number == number.to_integral_value() else number
    return value


def _bad(name: str, values: dict[str, Any]) -> bool:
    try:
        SchoolFacts(**{name: values[name]})
    except InvalidFacts:
        return True
    return False


def _valid_without(name: str, values: dict[str, Any]) -> bool:
    try:
        SchoolFacts(**{k: v for k, v in values.items() if k != name})
    except InvalidFacts:
        return False
    return True


# -- ceilings ---------------------------------------------------------------------------------


def _ceiling_query(query: Query, rules: FundingRules) -> CeilingAnswer | Figure | NeedFact:
    compare = query.inputs.get("compare")
    if compare:
        return _difference(query, compare, rules)
    plus = query.inputs.get("plus")
    if isinstance(plus, dict):
        return _sum_of_two(query.facts, plus, rules)
    focus = query.inputs.get("focus")
    if focus == "bilingual_life" and query.facts.get("mode") == 2 and not {"classes", "domains"} <= query.facts.keys():
        # mode 2's campus life is one fixed ceiling: no domains (or classes) to ask for
        return _mode2_campus_life(query, rules)
    found = ceiling_of(query.facts, rules, bool(query.inputs.get("ask_all")))
    if not isinstance(found, CeilingAnswer):
        return found
    planned = query.inputs.get("planned")
    claimed = bool(query.inputs.get("claimed"))
    return replace(found, focus=query.inputs.get("focus"), planned=int(planned) if planned else None, claimed=claimed)


def _mode2_campus_life(query: Query, rules: FundingRules) -> Figure:
    """Mode 2's campus-life ceiling is the same for every school size (plus a branch's extra)."""
    life, extra = rules.ceilings.mode2_bilingual_life, rules.ceilings.branch_extra
    branch = bool(query.facts.get("branch"))
    amount = life.amount + (extra.amount if branch else 0)
    working = (
        both(
            f"{money(life.amount, 'zh')} + 分校 {money(extra.amount, 'zh')} = {money(amount, 'zh')}",
            f"{money(life.amount, 'en')} + branch {money(extra.amount, 'en')} = {money(amount, 'en')}",
        )
        if branch
        else both(
            f"模式二固定 {money(amount, 'zh')}，不分班級數",
            f"{money(amount, 'en')} for every mode-2 school, whatever its size",
        )
    )
    return Figure(
        amount, working, (), (life, extra) if branch else (life,), None, both("模式二雙語生活化", "Mode 2 campus life")
    )


def ceiling_of(facts_given: dict[str, Any], rules: FundingRules, ask_all: bool = False) -> CeilingAnswer | NeedFact:
    """The ceiling, or the next fact to ask. A question in words assumes no branch and no open
    classroom unless it says so; `/cap` on its own (ask_all) asks every fact in turn."""
    facts, error = school_facts(facts_given)
    if not ask_all:
        facts = replace(facts, branch=bool(facts.branch))
        if facts.mode == 2:
            facts = replace(facts, open_classroom=bool(facts.open_classroom))
    missing = facts.unknown() if ask_all else facts.missing()
    if missing == ["domains"] and not ask_all:
        # When the number of domains does not change the ceiling (16 classes or more), say so
        # rather than ask.
        one, two = (ceiling(rules, replace(facts, domains=d)) for d in (1, 2))
        if one.total == two.total:
            return CeilingAnswer(two, any_domains=True, error=error)
    if missing:
        return NeedFact(missing[0], facts, error)
    return CeilingAnswer(ceiling(rules, facts), error=error)


def compared_sides(query: Query) -> list[dict[str, Any]]:
    """The school facts of each of the two ceilings a comparison asks about ([] when none)."""
    compare = query.inputs.get("compare")
    if not compare:
        return []
    name = compare["fact"]
    given = []
    for value in compare["values"]:
        facts = dict(query.facts) | {name: value}
        if name == "mode" and value == 1:
            facts.pop("domains", None)
        if name == "domains":
            facts["mode"] = 2
        given.append(facts)
    return given


def higher_side(query: Query, rules: FundingRules) -> dict[str, Any] | None:
    """The facts of the higher of two ceilings compared (the first when equal), or None."""
    sides = compared_sides(query)
    found = _two_ceilings(sides, rules) if sides else None
    if found is None or isinstance(found, NeedFact):
        return None
    (first, second), _, _ = found
    return sides[1 if second.total > first.total else 0]


def _difference(query: Query, compare: dict[str, Any], rules: FundingRules) -> Figure | NeedFact:
    found = _two_ceilings(compared_sides(query), rules)
    if isinstance(found, NeedFact):
        return found
    results, labels, cited = found
    first, second = results
    difference = abs(second.total - first.total)
    claimed = compare.get("claimed_higher")  # a claim that one is higher, checked: ok when it is
    ok = None if claimed is None else results[claimed].total > results[1 - claimed].total
    return Figure(
        difference,
        both(
            f"{labels[1][0]} {money(second.total, 'zh')} − {labels[0][0]} {money(first.total, 'zh')}",
            f"{labels[1][1]} {money(second.total, 'en')} − {labels[0][1]} {money(first.total, 'en')}",
        )
        if second.total >= first.total
        else both(
            f"{labels[0][0]} {money(first.total, 'zh')} − {labels[1][0]} {money(second.total, 'zh')}",
            f"{labels[0][1]} {money(first.total, 'en')} − {labels[1][1]} {money(second.total, 'en')}",
        ),
        (both("兩者上限相同。", "The two ceilings are the same."),) if difference == 0 else (),
        cited,
        title=both("上限相差", "The difference in ceiling"),
        cap=False,
        ok=ok,
    )


def _sum_of_two(facts: dict[str, Any], other: dict[str, Any], rules: FundingRules) -> Figure | NeedFact:
    """Two ceilings computed one after another, added up (a school's 國中部 and 國小部, which may
    apply apart: 「兩部加起來最多多少」)."""
    found = _two_ceilings([other, facts], rules)
    if isinstance(found, NeedFact):
        return found
    results, labels, cited = found
    total = sum(r.total for r in results)
    return Figure(
        total,
        both(
            " ＋ ".join(f"{label[0]} {money(r.total, 'zh')}" for label, r in zip(labels, results, strict=True))
            + f" = {money(total, 'zh')}",
            " + ".join(f"{label[1]} {money(r.total, 'en')}" for label, r in zip(labels, results, strict=True))
            + f" = {money(total, 'en')}",
        ),
        (),
        cited,
        title=both("兩者上限合計", "The two ceilings together"),
    )


def _two_ceilings(
    given: list[dict[str, Any]], rules: FundingRules
) -> tuple[list[CeilingResult], list[tuple[str, str]], tuple[Cited, ...]] | NeedFact:
    """The ceilings of two sets of facts, compared or added: each result, its facts in words and
    every rule cited once; or the first fact one of them still needs."""
    results = []
    for facts in given:
        found = ceiling_of(facts, rules)
        if isinstance(found, NeedFact):
            return found
        results.append(found.result)
    cited = {line.rule.source("zh"): line.rule for r in results for line in r.parts}
    return results, [_facts_words(r.facts) for r in results], tuple(cited.values())


def _facts_words(facts: SchoolFacts) -> tuple[str, str]:
    zh = [f"模式{'一' if facts.mode == 1 else '二'}", f"{facts.classes} 班"]
    en = [f"mode {facts.mode}", counted(facts.classes or 0, "class", "classes")]
    if facts.mode == 2:
        zh.append("1 個領域" if facts.domains == 1 else "2 個領域以上")
        en.append("1 domain" if facts.domains == 1 else "2+ domains")
    if facts.branch:
        zh.append("有分校")
        en.append("a branch")
    return "・".join(zh), ", ".join(en)


# -- shares of a given amount -------------------------------------------------------------


def _part_settling(result: CeilingResult, planned: int) -> str | None:
    """The part whose capital cap settles an amount planned with no part named: above every part's
    cap it is over whichever (the largest cap shown: 「資本門想編12萬5」 of 3萬 and 12萬), within the
    smallest it fits whichever (that one shown); None in between, where the part decides."""
    caps = {line.key: result.capital_cap(line.key) for line in result.capital_caps}
    if len(caps) < 2:
        return None
    if planned > max(caps.values()):
        return max(caps, key=lambda key: caps[key])
    if planned <= min(caps.values()):
        return min(caps, key=lambda key: caps[key])
    return None


def _fits(cap: int, planned: int | None) -> tuple[bool | None, tuple[Bilingual, ...]]:
    if planned is None:
        return None, ()
    if planned <= cap:
        return True, (both(f"您編的 {money(planned, 'zh')} 在上限內。", f"Your {money(planned, 'en')} is within it."),)
    over = planned - cap
    return False, (
        both(
            f"您編的 {money(planned, 'zh')} 比上限多 {money(over, 'zh')}。",
            f"Your {money(planned, 'en')} is {money(over, 'en')} over it.",
        ),
    )


def _capital(query: Query, rules: FundingRules) -> Figure | CeilingAnswer | NeedFact:
    if query.inputs.get("recurrent"):
        return _recurrent_left(query, rules)
    if query.inputs.get("how_many"):
        return _devices_the_capital_buys(query, rules)
    part = query.inputs.get("part")
    planned = query.inputs.get("planned")
    cap: int
    if query.inputs.get("after_transfer") and part != "partial_domains":
        cap = int(rules.transfer.capital_cap_after)
        ok, fit = _fits(cap, int(planned) if planned else None)
        grows = bool(query.inputs.get("grows_asked")) and not planned
        return Figure(
            cap,
            both(
                f"併入部領教師經費後，雙語生活化資本門仍不得超過 {money(cap, 'zh')}",
                f"after teacher funding is moved in, campus-life capital stays at most {money(cap, 'en')}",
            ),
            fit,
            (rules.transfer,),
            False if grows else ok,  # 「上限會跟著變大嗎」: no, it stays
            both("雙語生活化資本門上限不變", "campus-life capital cap unchanged")
            if grows
            else both("雙語生活化資本門", "Campus-life capital"),
            cap=not grows,
        )
    base = query.inputs.get("base")
    if part is None and query.facts.get("mode") == 1:
        part = "bilingual_life"  # mode 1 is campus life alone
    if base is None:
        found = ceiling_of(query.facts, rules)
        if isinstance(found, NeedFact):
            return found
        if part is None and planned:
            part = _part_settling(found.result, int(planned))
        if part is None:
            return replace(found, focus="capital")
        key = "partial_domains" if part == "partial_domains" else "bilingual_life"
        if not any(line.key == key for line in found.result.capital_caps):
            return replace(found, focus="capital")
        cap = found.result.capital_cap(key)
        line = next(line for line in found.result.capital_caps if line.key == key)
        ok, fit = _fits(cap, int(planned) if planned else None)
        return Figure(cap, line.basis, fit, (line.rule,), ok, _capital_title(part))
    if part is None and query.facts.get("mode") != 1:
        facts, _ = school_facts(query.facts)
        return NeedFact("part", facts)
    rule: CapitalShare = rules.capital.partial_domains if part == "partial_domains" else rules.capital.bilingual_life
    cap = times(int(base), rule.share)
    what = (
        both("部領（教師＋學生）", "partial domains (teacher + student)")
        if part == "partial_domains"
        else both("雙語生活化", "campus life")
    )
    ok, fit = _fits(cap, int(planned) if planned else None)
    notes = list(fit)
    if part != "partial_domains" and query.facts.get("mode") != 1:  # mode 1 has no partial domains
        notes.append(
            both(
                f"若把部領教師經費併入雙語生活化，雙語生活化資本門仍不得超過 {money(rules.transfer.capital_cap_after, 'zh')}。",
                f"If partial-domain teacher funding is moved in, campus-life capital still may not exceed "
                f"{money(rules.transfer.capital_cap_after, 'en')}.",
            )
        )
    return Figure(
        cap,
        both(
            f"{what.zh} {money(int(base), 'zh')} × {pct(rule.share)} = {money(cap, 'zh')}",
            f"{what.en} {money(int(base), 'en')} × {pct(rule.share)} = {money(cap, 'en')}",
        ),
        tuple(notes),
        (rule,),
        ok,
        _capital_title(part),
    )


def _recurrent_left(query: Query, rules: FundingRules) -> Figure | CeilingAnswer | NeedFact:
    """The recurrent part (經常門) a request leaves beside its capital (「那經常門至少要多少」 after the
    capital of a 20萬 request): the request less the capital planned, or less the capital cap, which
    makes it the least the recurrent part can be."""
    kept_inputs = {k: v for k, v in query.inputs.items() if k not in ("recurrent", "recurrent_said")}
    capital = _capital(replace(query, inputs=kept_inputs), rules)
    if not isinstance(capital, Figure) or capital.amount is None:
        return capital
    base = query.inputs.get("base")
    if base is None:
        found = ceiling_of(query.facts, rules)
        if isinstance(found, NeedFact) or query.facts.get("mode") != 1:
            return capital  # (a mode-2 ceiling has two parts, each with its own capital)
        base = found.result.total
    planned = query.inputs.get("planned")
    kept = int(planned) if planned and int(planned) <= capital.amount else None
    spent = kept if kept is not None else capital.amount
    left = int(base) - spent
    said = query.inputs.get("recurrent_said")
    notes: tuple[Bilingual, ...] = ()
    if said is not None:  # 「經常門就剩12萬對嗎」: the amount said, checked against the rest
        notes = (
            both(f"您說的 {money(int(said), 'zh')} 沒錯。", f"Your {money(int(said), 'en')} is right.")
            if int(said) == left
            else both(
                f"您說的 {money(int(said), 'zh')} 與算出的 {money(left, 'zh')} 不同。",
                f"Your {money(int(said), 'en')} differs from the {money(left, 'en')} worked out.",
            ),
        )
    capital_words = both(f"資本門 {money(spent, 'zh')}", f"capital {money(spent, 'en')}")
    if kept is None:
        capital_words = both(f"資本門上限 {money(spent, 'zh')}", f"the capital cap {money(spent, 'en')}")
    return Figure(
        left,
        both(
            f"{money(int(base), 'zh')} − {capital_words.zh} = {money(left, 'zh')}",
            f"{money(int(base), 'en')} − {capital_words.en} = {money(left, 'en')}",
        ),
        notes,
        capital.rules,
        None if said is None else int(said) == left,
        both(
            "經常門" if kept is not None else "經常門至少", "Recurrent" if kept is not None else "Recurrent, at least"
        ),
        cap=False,
    )


def _devices_the_capital_buys(query: Query, rules: FundingRules) -> Figure | CeilingAnswer | NeedFact:
    """「5萬的資本門 每台抓上限價 最多買幾台」 "how many tablets at 15k each with 50k of capital?": the
    capital told (else the school's capital cap) divided by the price of one, whole devices only."""
    text = str(query.inputs.get("text", ""))
    kind = equipment_kind(rules, text)
    price = query.inputs.get("device_price")
    if price is None and kind is not None and query.inputs.get("device_at_cap"):
        price = rules.items.equipment.kinds[kind].cap  # 「每台都抓上限價」: the device's unit-price cap
    if not price:
        raise InvalidInput(
            "每台多少錢？告訴我單價，我幫您算資本門買得起幾台。", "What does one cost? Give me the unit price."
        )
    told = query.inputs.get("capital_told")
    sources: tuple[Cited, ...] = (rules.items.equipment,)
    notes: tuple[Bilingual, ...] = ()  # (the capital cap's own working, when it is the school's)
    if told is None:
        kept = {k: v for k, v in query.inputs.items() if k not in ("how_many", "device_price", "device_at_cap")}
        capital = _capital(replace(query, inputs=kept), rules)
        if not isinstance(capital, Figure) or capital.amount is None:
            return capital
        told, sources, notes = capital.amount, (*capital.rules, *sources), (capital.working,)
    count, rest = divmod(int(told), int(price))
    left = both(f"，餘 {money(rest, 'zh')}", f", NT${rest:,} left") if rest else both("", "")
    return Figure(
        count,
        both(
            f"資本門 {money(int(told), 'zh')} ÷ 每台 {money(int(price), 'zh')} = {count} 台{left.zh}",
            f"capital {money(int(told), 'en')} ÷ {money(int(price), 'en')} each = {count}{left.en}",
        ),
        notes,
        sources,
        title=both("資本門可買", "Devices the capital buys"),
        unit=both("台", "devices"),
    )


def _capital_title(part: str | None) -> Bilingual:
    if part == "partial_domains":
        return both("部領資本門", "Partial-domain capital")
    return both("雙語生活化資本門", "Campus-life capital")


def _share(query: Query, rules: FundingRules) -> Figure:
    item = rules.items.teaching_aids if query.item == "teaching_aids" else rules.items.misc
    if "base" not in query.inputs and "capital" in query.inputs and query.facts:
        # the rest of the school's ceiling after the capital told is recurrent
        found = ceiling_of(query.facts, rules)
        if isinstance(found, CeilingAnswer):
            total = found.result.total
            capital = query.inputs["capital"]
            caps = found.result.capital_caps
            if capital == CAPITAL_CAP and len(caps) == 1:
                capital = caps[0].amount  # the rest after the capital cap (a mode-1 school's one cap)
            if capital != CAPITAL_CAP:
                base = total - int(capital)
                query = replace(query, inputs=query.inputs | {"base": base, "total": total, "capital": int(capital)})
    if "base" not in query.inputs:
        bound = both("為原則", "as a rule at most") if item.binding == PRINCIPLE else both("為上限", "at most")
        raise InvalidInput(
            f"{item.label.zh}以經常門總編列經費的 {pct(item.share)} {bound.zh}（{item.section.zh}）："
            "請告訴我經常門總共編多少，我幫您算。",
            f"{item.label.en} is {bound.en} {pct(item.share)} of the recurrent total ({item.section.en}): "
            "please give the recurrent total and I will work it out.",
        )
    base = int(query.inputs["base"])
    planned = query.inputs.get("planned")
    result = share_cap(item, base)
    ok, fit = _fits(result.amount, int(planned) if planned else None)
    notes: list[Bilingual] = []
    # a total told beside the recurrent base it is not (with no capital to work the base out from it)
    told_total = query.inputs.get("total") if "capital" not in query.inputs else None
    if "not_base" in query.inputs or (told_total is not None and int(told_total) != base):
        said = int(query.inputs.get("not_base") or told_total or 0)
        notes.append(
            both(
                f"{item.label.zh}是經常門總編列經費的比例，不是總額 {money(said, 'zh')} 的比例：基數是經常門 {money(base, 'zh')}。",
                f"{item.label.en} is a share of the recurrent budget, not of the total {money(said, 'en')}: "
                f"the base is the recurrent {money(base, 'en')}.",
            )
        )
    if "lines" in query.inputs:
        added = " + ".join(money(int(line), "zh") for line in query.inputs["lines"])
        added_en = " + ".join(money(int(line), "en") for line in query.inputs["lines"])
        notes.append(
            both(f"經常門 = {added} = {money(base, 'zh')}。", f"Recurrent = {added_en} = {money(base, 'en')}.")
        )
    if "total" in query.inputs and "capital" in query.inputs:
        total, capital = int(query.inputs["total"]), int(query.inputs["capital"])
        notes.append(
            both(
                f"經常門 = 總額 {money(total, 'zh')} − 資本門 {money(capital, 'zh')} = {money(base, 'zh')}。",
                f"Recurrent = total {money(total, 'en')} − capital {money(capital, 'en')} = {money(base, 'en')}.",
            )
        )
    return Figure(result.amount, result.working, (*notes, *fit, *result.notes), (item,), ok, item.label)


def _transfer(query: Query, rules: FundingRules) -> Figure | NeedFact:
    rule = rules.transfer
    base = query.inputs.get("base")
    facts, _ = school_facts(query.facts)
    life = query.inputs.get("life")
    cited: list[Cited] = [rule]
    total: int | None = None
    if base is None:
        found = ceiling_of(query.facts | {"mode": 2}, rules)
        if isinstance(found, NeedFact):
            return found
        base = found.result.amount("pd_teacher")
        total = found.result.total
        cited.append(rules.ceilings.partial_domains)
    base = int(base)
    rate = Decimal(query.inputs["rate"]) if query.inputs.get("rate") else rule.share
    moved = times(base, rate)
    ok: bool | None = None
    notes: list[Bilingual] = []
    planned = query.inputs.get("planned")
    if planned is not None:
        ok, fit = _fits(moved, int(planned))
        notes += fit
    if query.inputs.get("rate"):
        ok = rate <= rule.share and ok is not False  # (a share within 30% of an amount over it is still over)
        notes.append(
            both(f"{pct(rate)} 在 {pct(rule.share)} 以內。", f"{pct(rate)} is within {pct(rule.share)}.")
            if ok
            else both(f"{pct(rate)} 超過上限 {pct(rule.share)}。", f"{pct(rate)} is over the {pct(rule.share)} cap.")
        )
    if life is None:
        life = rules.ceilings.mode2_bilingual_life.amount + (rules.ceilings.branch_extra.amount if facts.branch else 0)
        cited.append(rules.ceilings.mode2_bilingual_life)
    life = int(life)
    conditions = "、".join(c.zh for c in rule.conditions), "; ".join(c.en for c in rule.conditions)
    notes += [
        both(
            f"調整後：雙語生活化最多 {money(life, 'zh')} + {money(moved, 'zh')} = {money(life + moved, 'zh')}；"
            f"部領教師專業支持剩 {money(base - moved, 'zh')}。",
            f"After the move: campus life at most {money(life, 'en')} + {money(moved, 'en')} = "
            f"{money(life + moved, 'en')}; teacher support keeps {money(base - moved, 'en')}.",
        ),
        both(
            f"雙語生活化資本門仍不得超過 {money(rule.capital_cap_after, 'zh')}。",
            f"Campus-life capital still may not exceed {money(rule.capital_cap_after, 'en')}.",
        ),
        both(f"條件：{conditions[0]}。", f"Conditions: {conditions[1]}."),
    ]
    if total is not None:
        notes.append(
            both(
                f"合計上限不變：{money(total, 'zh')}（只是在兩個面向之間移動）。",
                f"The total ceiling stays {money(total, 'en')} (the money only moves between parts).",
            )
        )
    if query.inputs.get("life_total"):  # "so campus life would then be how much in total?"
        return Figure(
            life + moved,
            both(
                f"雙語生活化 {money(life, 'zh')} + 併入 {money(moved, 'zh')} = {money(life + moved, 'zh')}",
                f"campus life {money(life, 'en')} + {money(moved, 'en')} moved in = {money(life + moved, 'en')}",
            ),
            tuple(notes),
            tuple(cited),
            None,
            both("部領教師經費併入後的雙語生活化", "Campus life after the move"),
        )
    if query.inputs.get("remaining"):  # 「挪完之後部領教師費還剩多少」: what the teachers keep
        return Figure(
            base - moved,
            both(
                f"部領教師專業支持 {money(base, 'zh')} − 併入 {money(base, 'zh')} × {pct(rate)}"
                f"（{money(moved, 'zh')}）= {money(base - moved, 'zh')}",
                f"teacher support {money(base, 'en')} − {money(base, 'en')} × {pct(rate)} moved "
                f"({money(moved, 'en')}) = {money(base - moved, 'en')}",
            ),
            tuple(notes),
            tuple(cited),
            None,
            both("部領教師經費併入雙語生活化後剩下", "Teacher support left after the move"),
        )
    return Figure(
        moved,
        both(
            f"部領教師專業支持 {money(base, 'zh')} × {pct(rate)} = {money(moved, 'zh')}",
            f"teacher support {money(base, 'en')} × {pct(rate)} = {money(moved, 'en')}",
        ),
        tuple(notes),
        tuple(cited),
        ok,
        both("可調入雙語生活化的部領教師經費", "Teacher funding that may move to campus life"),
    )


# -- dates ------------------------------------------------------------------------------------


CLOSEOUT_TITLE = both("核結期限", "close-out deadline")  # what a close-out DateFigure's day is


def _closeout(query: Query, plan: PlanRules, today: date) -> DateFigure:
    notes: list[Bilingual] = []
    if query.inputs.get("today"):
        # 「今天2027年1月5日 所以還剩幾天」: the days counted from the day the user says is today
        notes.append(
            both(
                f"天數從您說的今天 {today.isoformat()} 算起。",
                f"Days counted from the today you gave, {today.isoformat()}.",
            )
        )
    end = _written_date(query.inputs["end"], plan, today, notes)
    due = add_months(end, plan.closeout_months)
    calendar = query.inputs["end"].get("calendar") or "gregorian"
    if query.inputs.get("to_the_end"):
        # 「离执行期结束还有几天」 "period ends 116/7/31, how many days left?": the days to that end, and
        # the close-out that follows it
        notes.append(
            both(
                f"核結期限是其後 {plan.closeout_months} 個月內：{due.isoformat()}。",
                f"The close-out is due within {plan.closeout_months} months after it: {due.isoformat()}.",
            )
        )
        return DateFigure(
            end,
            both("您說的核定執行期間屆滿日", "the end of the approved period you gave"),
            calendar,
            tuple(notes),
            plan.closeout_source,
            days_left=(end - today).days,
            title=both("執行期間屆滿", "Approved period ends"),
        )
    ok: bool | None = None
    filed = query.inputs.get("filed")
    if filed:
        if not filed.get("iso") and filed.get("year") is None:
            # 「今天9/20才要報」: the first such day after the period ends
            day = _safe_date(end.year, int(filed["month"]), int(filed["day"])) or end
            if day < end:
                day = _safe_date(end.year + 1, int(filed["month"]), int(filed["day"])) or end
        else:
            day = _written_date(filed, plan, today, notes)
        ok = day <= due
        notes.append(
            both(f"{day.isoformat()} 在期限內。", f"{day.isoformat()} is in time.")
            if ok
            else both(
                f"{day.isoformat()} 已超過期限 {(day - due).days} 天。",
                f"{day.isoformat()} is {counted((day - due).days, 'day')} late.",
            )
        )
    notes.append(
        both(
            "這是縣市政府函報國教署核結的期限；學校送縣市的期限由縣市政府訂定，通常更早。",
            "This is the local government's deadline to the K-12 Administration; the county sets the "
            "school's own (usually earlier) date.",
        )
    )
    return DateFigure(
        due,
        both(
            f"核定執行期間屆滿 {end.isoformat()} 後 {plan.closeout_months} 個月內",
            f"within {plan.closeout_months} months after the approved period ends on {end.isoformat()}",
        ),
        calendar,
        tuple(notes),
        plan.closeout_source,
        ok,
        days_left=(due - today).days,
        title=CLOSEOUT_TITLE,
    )


def _written_date(written: dict[str, Any], plan: PlanRules, today: date, notes: list[Bilingual]) -> date:
    if written.get("iso"):
        return date.fromisoformat(written["iso"])
    if written.get("year") is None:
        # 7/31 with no year: the plan year whose period holds that day (or this year).
        day = _undated(int(written["month"]), int(written["day"]), plan, today)
        notes.append(
            both(
                f"您沒寫年份，以 {day.isoformat()} 計算。",
                f"No year was given; counted as {day.isoformat()}.",
            )
        )
        return day
    raise InvalidInput(
        f"{written.get('year')}年{written.get('month')}月{written.get('day')}日 不是有效的日期。",
        f"{written.get('year')}-{written.get('month')}-{written.get('day')} is not a valid date.",
    )


def _undated(month: int, day: int, plan: PlanRules, today: date) -> date:
    """A period end written without a year: the day nearest the end of the plan year's period (7/31
    is 2027/7/31 for school year 115, and 「核定到8/31」 the month after it, not 2026/8/31, the school
    year's first month), or this year's when no plan year is known."""
    for _, _start, end, _assumed in plan.periods:
        days = [d for year in (end.year - 1, end.year, end.year + 1) if (d := _safe_date(year, month, day))]
        if days:
            return min(days, key=lambda d: abs((d - end).days))
    candidate = _safe_date(today.year, month, day)
    if candidate is None:
        raise InvalidInput(f"{month}月{day}日 不是有效的日期。", f"{month}/{day} is not a valid date.")
    return candidate


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _school_year(query: Query, plan: PlanRules, today: date) -> YearFigure:
    from_date: date | None = None
    written = query.inputs.get("date")
    calendar = str(written.get("calendar") or "gregorian") if written else "gregorian"
    if written:
        if not written.get("iso"):
            raise InvalidInput("這個日期不存在，請再確認。", "That date does not exist; please check it.")
        from_date = date.fromisoformat(written["iso"])
        year = school_year_of(from_date)
    elif query.inputs.get("phase"):
        number = int(query.inputs["phase"])
        found = next((p for p in plan.phases if p.number == number), None)
        if found is None:
            raise InvalidInput(f"計畫沒有第 {number} 階段。", f"The plan has no phase {number}.")
        year = found.first
    else:
        year = int(query.inputs["year"])
    start, end = date(roc_to_gregorian(year), 8, 1), date(roc_to_gregorian(year) + 1, 7, 31)
    phase = next((p for p in plan.phases if p.first <= year <= p.last), None)
    source = phase.source if phase else (plan.phases[0].source if plan.phases else ("", ""))
    counting = bool(query.inputs.get("days_left"))
    until = query.inputs.get("until")
    if from_date is not None and until and until.get("iso"):
        claimed = (from_date, date.fromisoformat(until["iso"])) == (start, end)
        return YearFigure(year, start, end, None, None, None, source=source, calendar=calendar, span_claimed=claimed)
    if phase is None:
        return YearFigure(
            year,
            start,
            end,
            None,
            None,
            None,
            source=source,
            from_date=from_date,
            calendar=calendar,
            days_left=(end - today).days if counting else None,
        )
    phase_asked = from_date is None and bool(query.inputs.get("phase"))
    phase_end = date(roc_to_gregorian(phase.last) + 1, 7, 31)
    return YearFigure(
        year,
        start,
        end,
        phase.number,
        phase.first,
        phase.last,
        date(roc_to_gregorian(phase.first), 8, 1),
        phase_end,
        source,
        from_date,
        calendar,
        phase_asked=phase_asked,
        days_left=((phase_end if phase_asked else end) - today).days if counting else None,
        span_asked=bool(query.inputs.get("span")),
    )


# -- items ------------------------------------------------------------------------------------


def fee_total(query: Query, rules: FundingRules) -> int | None:
    """What a fee query came to (for the premium charged on it): the user's own price where it fits
    the cap, else the cap; None when it cannot be computed."""
    try:
        items = _item(query, rules)
    except InvalidInput:
        return None
    return sum(item.amount if item.paid is None else item.paid for item in items)


def premium_base(query: Query, rules: FundingRules) -> int | None:
    """The fees a premium query computed before charging it (「外聘教授講５節 一節2000 補充保費」: the
    10,000 of lecture fees), added up; None when it computed none (it was given amounts) or cannot be."""
    try:
        items = _item(query, rules)
    except InvalidInput:
        return None
    fees = items[:-1]  # the premium itself is the last line
    return sum(item.amount for item in fees) if fees else None


def _planned(i: dict[str, Any]) -> int | None:
    """An amount the user plans for the item (「一節給2500」「住宿一晚3500」), when they ask whether it fits:
    of several, asked whether it fits, the last (「4 hours at 1000/hr, can we pay her 4000?」: 4,000)."""
    amounts = i.get("amounts") or []
    if len(amounts) > 1 and (i.get("asks") or i.get("yes_no_only")):
        return int(amounts[-1])
    return int(amounts[0]) if amounts else None


_SHARED_ROOM = re.compile(
    r"同一間|同間|住一間|一間房|雙人房|兩人房|合住|同房|share[sd]? (?:a|one|the) room|same room|one room|double room|twin room"
)


def _ask_what_a_sum_is_for(
    rule: UnitCapItem, i: dict[str, Any], planned: int | None, counted_by: tuple[str, ...]
) -> None:
    """「住宿費編3萬 可以嗎」 "budgeting 30,000 for lodging, within the rules?": a sum of two units'
    caps or more, with nothing it is counted by told, is asked what it is for (as a lecture fee
    with no periods is), not checked against one person's one night."""
    if planned is None or planned < 2 * rule.cap or i.get("per_unit") or any(i.get(k) for k in counted_by):
        return
    most = planned // rule.cap
    units = rule.unit.zh.replace("每", "")  # 每人每日: 人日, 每人每次: 人次
    per = "nights" if "day" in rule.unit.en else "occasions"
    raise InvalidInput(
        f"{rule.label.zh} {money(planned, 'zh')}是幾個{units}的費用？上限{rule.unit.zh} {money(rule.cap, 'zh')}，"
        f"{money(planned, 'zh')}最多支付 {most} {units}（{rule.section.zh}）。",
        f"How many people and {per} is the {money(planned, 'en')} of {rule.label.en.lower()} for? The cap is "
        f"{money(rule.cap, 'en')} {rule.unit.en}, so {money(planned, 'en')} covers at most {most} person-{per} "
        f"({rule.section.en}).",
    )


def _a_total(i: dict[str, Any], planned: int | None) -> bool:
    """Whether the amount checked is the total of a price per unit also told (「每晚２８００ 總共5600」):
    the larger of them, the other a price per unit."""
    amounts = [int(a) for a in i.get("amounts") or []]
    return (
        planned is not None and len(amounts) > 1 and bool(i.get("per_unit")) and planned == max(amounts) > min(amounts)
    )


def _compared(
    item: ItemAmount, planned: int | None, per_unit_cap: int | None = None, claimed: bool = False
) -> ItemAmount:
    """`item` with a note whether `planned` fits: a price per unit against the unit cap, or a total
    against the computed cap. `claimed`: `planned` is what someone says the unit cap is
    (「同事說住宿費上限一晚2000」), right only when it is the cap."""
    if planned is None:
        return item
    # A price near the unit cap is a price per unit (一節 2,500); anything larger is a total.
    cap = per_unit_cap if per_unit_cap is not None and planned <= per_unit_cap * 3 else item.amount
    if claimed and cap == per_unit_cap:
        right = planned == cap
        note = (
            both(f"上限就是 {money(cap, 'zh')}。", f"The cap is {money(cap, 'en')}.")
            if right
            else both(
                f"上限是 {money(cap, 'zh')}，不是 {money(planned, 'zh')}。",
                f"The cap is {money(cap, 'en')}, not {money(planned, 'en')}.",
            )
        )
        return replace(item, notes=(note, *item.notes), ok=right, claimed=True)
    fits = planned <= cap
    # a price per unit within its cap, over several units (2 nights at 2,900): what they come to
    units = item.amount // cap if cap != item.amount and cap and item.amount % cap == 0 else 1
    note = (
        both(
            f"您的 {money(planned, 'zh')} 在上限 {money(cap, 'zh')} 內"
            + (f"；合計 {money(planned, 'zh')} × {units} = {money(planned * units, 'zh')}。" if units > 1 else "。"),
            f"Your {money(planned, 'en')} is within the {money(cap, 'en')} cap"
            + (f"; in all {money(planned, 'en')} × {units} = {money(planned * units, 'en')}." if units > 1 else "."),
        )
        if fits
        else both(
            f"您的 {money(planned, 'zh')} 超過上限 {money(cap, 'zh')}，超過的 {money(planned - cap, 'zh')} 不能編列。",
            f"Your {money(planned, 'en')} is over the {money(cap, 'en')} cap; the other {money(planned - cap, 'en')} "
            "cannot be budgeted.",
        )
    )
    paid = planned * units if fits else None
    return ItemAmount(item.amount, item.working, (note, *item.notes), item.sources, fits, paid=paid)


def _cap_claimed(i: dict[str, Any]) -> bool:
    return bool(i.get("cap_claimed"))


def _outside_mode_one(line: ItemAmount, rules: FundingRules) -> ItemAmount:
    """「我們模式一可以編語言進修費嗎」: the item's figure, said to be for mode 2's parts only."""
    rule = line.sources[0] if line.sources else None
    parts = getattr(rule, "only_parts", ())
    zh = "、".join(rules.parts[p].label.zh for p in parts)
    en = ", ".join(rules.parts[p].label.en for p in parts)
    label = getattr(rule, "label", both("這一項", "This item"))
    note = both(f"{label.zh}只列在模式二的{zh}。", f"{label.en} is budgeted only under mode 2's {en}.")
    # (what a planned amount would be against mode 2's cap is no answer for a mode-1 school)
    return replace(line, ok=False, outside_the_mode=True, notes=(note,))


def _item(query: Query, rules: FundingRules) -> list[ItemAmount]:
    i = query.inputs
    text = str(i.get("text", ""))
    people = int(i.get("people") or 1)
    planned = _planned(i)
    if query.item == "premium":
        lines = _premium(rules, i, text)
        told = i.get("premium_told")
        return lines if told is None else [*lines[:-1], _compared(lines[-1], int(told))]
    if query.item == "combined":
        return [
            line
            for part in i["parts"]
            for line in _item(Query(ITEM, item=str(part["item"]), inputs={"text": ""} | dict(part)), rules)
        ]
    if query.item == "substitute_fee":
        return [_substitute(rules, i)]
    if query.item == "lecture_fee":
        periods = int(i["periods"]) if i.get("periods") else int(Decimal(i["hours"])) if i.get("hours") else 1
        if not i.get("per_occasion"):
            periods *= int(i.get("occasions") or 1)  # 「講2節 3場總共呢」: 6 periods
        if i.get("per_day"):
            periods *= int(i.get("days") or 1)  # 「三天 每天講2節」: 6 periods
        fee = lecture_fee(rules, i.get("lecturer") or lecturer_type(text), periods, int(i.get("lecturers") or 1))
        rate = fee.amount // (periods * int(i.get("lecturers") or 1))
        counted = any(i.get(k) for k in ("periods", "hours", "occasions", "lecturers", "days"))
        if planned and planned > rate and not counted and not i.get("per_unit") and not ONE_PERIOD.search(text):
            # 「講師費8000可以嗎」: 8,000 for how many periods? Over one period's cap, but 4 periods' worth
            most = planned // rate
            raise InvalidInput(
                f"講座鐘點費 {money(planned, 'zh')}是幾節的費用？每節上限 {money(rate, 'zh')}，"
                f"{money(planned, 'zh')}最多可支付 {most} 節（附件3 講座鐘點費）。",
                f"How many periods is the NT${planned:,} lecture fee for? The cap is {money(rate, 'en')} a period, "
                f"so NT${planned:,} pays for at most {most} periods (Annex 3, lecture fee).",
            )
        return [_compared(fee, planned, None if _a_total(i, planned) else rate, _cap_claimed(i))]
    if query.item == "consultation_fee":
        session, hours = _consultation_session(rules, i)
        # 「兩天都整天入校諮詢」: each day a session; hours told for them all are shared out
        # (「一共來4次 都是整天」: each visit a day)
        visits = int(i.get("occasions") or 0) if i.get("full_day") or i.get("half_day") or i.get("online") else 0
        by_visits = visits > int(i.get("days") or 1)  # (「1整天」 then 「一共來4次」)
        days = visits if by_visits else int(i.get("days") or 1)
        if days > 1 and i.get("hours") and not i.get("per_day") and not by_visits:
            hours = hours / days  # (「每次2小時 共5次」: each visit's hours)
        fee = consultation_fee(rules, hours, session, people, days)
        if i.get("yes_no_only") and i.get("hours") and planned is None:
            # 「4小時都能報嗎」: the hours asked against the session's, no past them (a note says so)
            fee = replace(fee, ok=not fee.notes)
        return [
            _compared(
                fee,
                planned,
                None if planned and planned > rules.items.consultation_fee.cap else rules.items.consultation_fee.cap,
                _cap_claimed(i),
            )
        ]
    if query.item == "attendance_fee":
        _ask_what_a_sum_is_for(rules.items.attendance_fee, i, planned, ("people", "occasions"))
        fee = attendance_fee(rules, people, int(i.get("occasions") or 1))
        unit_cap = None if _a_total(i, planned) else rules.items.attendance_fee.cap
        return [_compared(fee, planned, unit_cap, _cap_claimed(i))]
    if query.item == "meals":
        return [_meals(rules, i, people, planned)]
    if query.item == "lodging":
        _ask_what_a_sum_is_for(rules.items.lodging, i, planned, ("people", "nights", "days"))
        nights = int(i.get("nights") or i.get("days") or 1)
        fee = lodging(rules, people, nights)
        # 「兩個老師住同一間 房價4800」: one room's price for them all, against all their caps
        shared = people > 1 and _SHARED_ROOM.search(text) is not None
        a_night = None if _a_total(i, planned) or shared else rules.items.lodging.cap
        return [_compared(fee, planned, a_night, _cap_claimed(i))]
    if query.item == "teaching_materials":
        student = _student_ceiling(query.facts, rules)
        if student is not None and not i.get("periods"):  # 「一班一節呢」 after the share: the rate
            return [_materials_share(rules, student, query.facts)]
        the_rate = int(i.get("classes") or 1) * int(i.get("periods") or 1) == 1  # 「一班一節可以報多少」
        large = [a for a in i.get("amounts") or [] if a > rules.items.teaching_materials.cap]
        if student is not None and not the_rate and not i.get("student") and not large:
            fee = _materials(rules, i | {"student": student}, planned)
            told = _student_ceiling_named(query.facts, student)
            return [replace(fee, notes=(told, *fee.notes))]
        return [_materials(rules, i, planned)]
    if query.item == "language_study":
        semesters = int(i.get("semesters") or 1)
        fee = language_study(rules, people, semesters)
        return [_compared(fee, planned, rules.items.language_study.cap, _cap_claimed(i))]
    if query.item == "data_collection":
        books = re.search(r"書|books?", text) is not None
        fee = data_collection(rules, planned, books, re.search(r"書單|book list", text) is not None)
        return [replace(fee, ok=planned <= rules.items.data_collection.cap) if planned is not None else fee]
    if query.item == "travel":
        return [_travel(rules, i)]
    if query.item == "english_test":
        return [_english_test(rules, i, people, text)]
    if query.item == "equipment":
        return [_equipment_units(rules, i, text)]
    raise InvalidInput("這個項目沒有計算規則。", "There is no calculation for this item.")


# the student funding named beside an amount (the share of it buys materials): 「照20萬的額度」
_STUDENT_FUNDING_TOLD = re.compile(r"額度|學生|奠基|student|foundation")


def _what_an_amount_buys(query: Query, rules: FundingRules) -> Figure | list[ItemAmount]:
    """「講座費預算24000 可以排幾節」「膳費6800 全天供餐 可以供幾個人天」 "with 40,000, how many periods
    of a professor?": the amount told divided by the item's cap for one unit (a period, an hour, a
    person's day or meal, a night, a class-period), whole units only; with people told (「2位專家」)
    each unit is theirs together. An item without a cap per unit, or no amount over one unit's cap,
    is computed as it would be without the question."""
    i = query.inputs
    text = str(i.get("text", ""))
    item = str(query.item)
    people = int(i.get("people") or 1)
    plain = replace(query, inputs={k: v for k, v in i.items() if k != "buys"})
    budget = _planned(i)
    shared = people > 1 and item in _BOUGHT_FOR_EACH
    shown: tuple[Bilingual, ...] = ()  # the working of the amount divided, when it was computed
    source: Cited
    if item == "lecture_fee":
        one, source = lecture_rate(rules, str(i.get("lecturer") or lecturer_type(text))), rules.items.lecture_fee
        unit = both("節", "periods")
    elif item in _BOUGHT_FOR_EACH:
        rule: UnitCapItem = getattr(rules.items, item)
        one, source, unit = int(rule.cap), rule, _BOUGHT_FOR_EACH[item][shared]
    elif item == "meals":
        # (a whole day as the message reads it: 「全天」, 「一天最多」, a price a day, days counted)
        day = any(i.get(k) for k in ("full_day", "a_day", "day_amount", "days"))
        one, source = int(rules.items.meals.per_day if day else rules.items.meals.per_meal), rules.items.meals
        unit = both("人天", "person-days") if day else both("人餐", "person-meals")
    elif item == "data_collection" and (i.get("per_unit") or len(i.get("amounts") or []) > 1):
        # "books are 600 each, how many can we get?": the item's cap (or the budget told beside the
        # price, the larger amount) at that price
        prices = sorted(int(a) for a in i.get("amounts") or [])
        one, source = prices[0], rules.items.data_collection
        budget = prices[-1] if len(prices) > 1 else int(rules.items.data_collection.cap)
        unit = both("本", "books") if re.search(r"書|books?", text) else both("份", "items")
    elif item == "teaching_materials":
        # (「照20萬的額度 可以上幾班節」: the share of the student ceiling told, at 800 a class-period)
        ceiling = _student_ceiling(query.facts, rules)
        if not budget and ceiling is None:
            return _item(plain, rules)
        # (「照20萬的額度」: the student funding told, whose share buys; 「那10萬可以排幾個班節」 with no
        # student funding known: the materials' own amount, all of it at 800 a class-period)
        if ceiling is not None or not budget or _STUDENT_FUNDING_TOLD.search(text):
            lines = _item(plain, rules)
            if not budget or lines[0].amount < budget:
                shown = (lines[0].working,)  # the share it is of: 「學生奠基 300,000 × 20% = 60,000」
            budget = min(budget, lines[0].amount) if budget else lines[0].amount
        one, source, unit = (
            int(rules.items.teaching_materials.cap),
            rules.items.teaching_materials,
            both("班節", "class-periods"),
        )
    else:
        return _item(plain, rules)
    each = one * people if shared else one
    if not budget or budget < each:
        return _item(plain, rules)
    count, rest = divmod(int(budget), each)
    label = rules.items.all()[item].label
    left = both(f"，餘 {money(rest, 'zh')}", f", NT${rest:,} left") if rest else both("", "")
    per_zh, per_en = (
        (f"（{people} 人 × {money(one, 'zh')}）", f"({people} × {money(one, 'en')})")
        if shared
        else (
            money(one, "zh"),
            money(one, "en"),
        )
    )
    return Figure(
        count,
        both(
            f"{label.zh} {money(int(budget), 'zh')} ÷ {per_zh} = {count} {unit.zh}{left.zh}",
            f"{label.en} {money(int(budget), 'en')} ÷ {per_en} = {count} {unit.en}{left.en}",
        ),
        shown,
        (source,),
        title=both(f"{label.zh}可支付", f"What the {label.en.lower()} pays for"),
        unit=unit,
    )


# The items capped per person and unit, and the unit an amount buys of them: for one person, and
# for the people told together (「2位專家」: hours each of them)
_BOUGHT_FOR_EACH: dict[str, dict[bool, Bilingual]] = {
    "consultation_fee": {False: both("小時", "hours"), True: both("小時（每人）", "hours each")},
    "attendance_fee": {False: both("人次", "attendances"), True: both("次", "occasions")},
    "lodging": {False: both("晚（1 人）", "nights for one person"), True: both("晚", "nights")},
    "language_study": {False: both("人學期", "person-semesters"), True: both("學期（每人）", "semesters each")},
}


def _meals(rules: FundingRules, i: dict[str, Any], people: int, planned: int | None) -> ItemAmount:
    rule = rules.items.meals
    meals_a_day = int(i.get("meals") or 0)
    paired = False
    if i.get("amounts"):
        planned = max(int(a) for a in i["amounts"])  # 「每餐120 每人一天360」: the day's figure decides
        least = min(int(a) for a in i["amounts"])
        # 「每餐120 兩餐共240」「三餐都120 一天360」: the price a meal and the day it comes to, each checked
        paired = meals_a_day > 1 and least * meals_a_day == planned
        planned = least if paired else planned
    days = 1 if i.get("a_day") else int(i.get("days") or i.get("occasions") or 1)
    prices = [int(a) for a in i.get("meal_prices") or []]
    if prices and len(prices) == meals_a_day:
        return _meal_by_meal(rules, prices, people, days)
    if i.get("half_day") and not i.get("meals"):
        fee = meals(rules, people, 1, days, False)
    else:
        count = int(i.get("meals") or 0)
        # 「研習兩天 每天都供餐」: meals a day not said, so at most the day's cap each day
        every_day = int(i.get("days") or 1) > 1 or bool(i.get("every_day") or i.get("a_day"))
        full_day = (bool(i.get("full_day")) or every_day) and not count
        fee = meals(rules, people, count or 1, days, full_day)
    per_meal = paired or (planned and planned < rule.per_day and not i.get("day_amount"))
    if per_meal and planned and meals_a_day > 1 and planned * meals_a_day > rule.per_day:
        # 「三餐都編120」: each meal within 120, but a day's three come to 360, over the day's 340
        day = planned * meals_a_day
        checked = _compared(fee, day, rule.per_day)
        said = both(
            f"每餐 {money(planned, 'zh')} × {meals_a_day} 餐 = {money(day, 'zh')}，超過每人每日上限 {money(rule.per_day, 'zh')}。",
            f"{money(planned, 'en')} a meal × {meals_a_day} meals = {money(day, 'en')}, over the "
            f"{money(rule.per_day, 'en')} a day per person.",
        )
        return replace(checked, notes=(said, *checked.notes[1:]))
    return _compared(fee, planned, rule.per_meal if per_meal else rule.per_day, _cap_claimed(i))


def _meal_by_meal(rules: FundingRules, prices: list[int], people: int, days: int) -> ItemAmount:
    """「早餐60 午餐120 晚餐120 這樣一天可以嗎」: a price for each meal named, each checked against the
    meal's cap and their sum against the day's."""
    rule = rules.items.meals
    fee = meals(rules, people, len(prices), days)
    day = sum(prices)
    over = [p for p in prices if p > rule.per_meal]
    sums = (" ＋ ".join(money(p, "zh") for p in prices), " + ".join(money(p, "en") for p in prices))
    checked = both(
        f"{sums[0]} = {money(day, 'zh')}：每餐上限 {money(rule.per_meal, 'zh')}、每人每日上限 {money(rule.per_day, 'zh')}。",
        f"{sums[1]} = {money(day, 'en')}: at most {money(rule.per_meal, 'en')} a meal and "
        f"{money(rule.per_day, 'en')} a day per person.",
    )
    notes = [checked]
    if over:
        notes.append(
            both(
                f"{'、'.join(money(p, 'zh') for p in over)} 超過每餐上限 {money(rule.per_meal, 'zh')}。",
                f"{', '.join(money(p, 'en') for p in over)} is over the {money(rule.per_meal, 'en')} a meal.",
            )
        )
    if day > rule.per_day:
        notes.append(
            both(
                f"一天 {money(day, 'zh')} 超過每人每日上限 {money(rule.per_day, 'zh')}。",
                f"The day's {money(day, 'en')} is over the {money(rule.per_day, 'en')} a day.",
            )
        )
    return ItemAmount(fee.amount, fee.working, (*notes, *fee.notes), fee.sources, not over and day <= rule.per_day)


def _student_ceiling(facts: dict[str, Any], rules: FundingRules) -> int | None:
    """The student foundation part of the ceiling of a mode-2 school whose facts are all given."""
    if facts.get("mode") != 2 or not {"classes", "domains"} <= facts.keys():
        return None
    found = ceiling_of(facts, rules)
    return found.result.amount("pd_student") if isinstance(found, CeilingAnswer) else None


def _student_ceiling_named(facts: dict[str, Any], student: int) -> Bilingual:
    classes, domains = facts["classes"], facts["domains"]
    return both(
        f"學生奠基經費以模式二・{classes} 班・{domains} 個領域的上限 {money(student, 'zh')}計。",
        f"Student foundation taken at its ceiling for mode 2, {classes} classes, {domains} "
        f"domain{'s' if domains != 1 else ''}: {money(student, 'en')}.",
    )


def _materials_share(rules: FundingRules, student: int, facts: dict[str, Any]) -> ItemAmount:
    rule = rules.items.teaching_materials
    cap = times(student, rule.share)
    classes, domains = facts["classes"], facts["domains"]
    return ItemAmount(
        cap,
        both(
            f"模式二・{classes} 班・{domains} 個領域的學生奠基經費 {money(student, 'zh')} × {pct(rule.share)} = {money(cap, 'zh')}",
            f"mode 2, {classes} classes, {domains} domain{'s' if domains != 1 else ''}: student foundation "
            f"{money(student, 'en')} × {pct(rule.share)} = {money(cap, 'en')}",
        ),
        (
            both(
                f"另以每班每節 {money(rule.cap, 'zh')} 計算。",
                f"Also at most {money(rule.cap, 'en')} per class per period.",
            ),
        ),
        (rule,),
    )


def _materials(rules: FundingRules, i: dict[str, Any], planned: int | None) -> ItemAmount:
    rule = rules.items.teaching_materials
    amounts = [int(a) for a in i.get("amounts") or []]
    classes, periods = i.get("classes"), i.get("periods")
    # an amount no more than the rate per class and period is that rate, never the student funding
    totals = [a for a in amounts if a > rule.cap]
    student = i.get("student") or (max(totals) if totals and (not i.get("per_unit") or len(amounts) > 1) else None)
    if classes is None and periods is None:
        if student is not None and len(amounts) > 1:  # 「學生奠基 50萬，教學材料編 9萬」
            cap = times(student, rule.share)
            return _compared(
                ItemAmount(
                    cap,
                    both(
                        f"學生奠基經費 {money(student, 'zh')} × {pct(rule.share)} = {money(cap, 'zh')}",
                        f"student foundation {money(student, 'en')} × {pct(rule.share)} = {money(cap, 'en')}",
                    ),
                    sources=(rule,),
                ),
                min(amounts),
                None,
            )
        if student is None:
            per_unit = amounts[0] if amounts else None
            return _compared(
                ItemAmount(
                    rule.cap,
                    both(f"每班每節 {money(rule.cap, 'zh')}", f"{money(rule.cap, 'en')} per class per period"),
                    sources=(rule,),
                ),
                per_unit,
                rule.cap,
            )
        cap = times(student, rule.share)
        return ItemAmount(
            cap,
            both(
                f"學生奠基經費 {money(student, 'zh')} × {pct(rule.share)} = {money(cap, 'zh')}",
                f"student foundation {money(student, 'en')} × {pct(rule.share)} = {money(cap, 'en')}",
            ),
            (
                both(
                    f"另以每班每節 {money(rule.cap, 'zh')} 計算。",
                    f"Also at most {money(rule.cap, 'en')} per class per period.",
                ),
            ),
            (rule,),
        )
    fee = teaching_materials(rules, int(classes or 1), int(periods or 1), student)
    if planned is not None and student is not None and len(amounts) > 1:
        return _compared(fee, min(amounts), None)
    # 「8個班 每班12節 每節1000 這樣對嗎」, 「一節寫850可以嗎」 after a student total: the rate told,
    # checked against 每班每節 800
    # (a rate within it over many classes and periods is still checked against the student share)
    rate_alone = student is None or amounts[:1] > [rule.cap] or int(classes or 1) * int(periods or 1) == 1
    if i.get("per_unit") and len(amounts) == 1 and rate_alone:
        return _compared(fee, amounts[0], rule.cap)
    if (i.get("asks") or i.get("yes_no_only")) and student is not None:
        # (「学生奠基总经费编30万 如果改成每班15节 材料费能全部编进去吗」: 72,000 against 60,000, no)
        raw = int(classes or 1) * int(periods or 1) * rule.cap
        return replace(fee, ok=raw <= fee.amount)
    return fee


def _travel(rules: FundingRules, i: dict[str, Any]) -> ItemAmount:
    rule = rules.items.travel
    fare = int((i.get("amounts") or [0])[0])
    trips = 2 if i.get("round_trip") else 1
    people = int(i.get("people") or 1)
    amount = fare * trips * people
    return ItemAmount(
        amount,
        both(
            f"{money(fare, 'zh')} × {trips} 趟"
            + (f" × {people} 人" if people > 1 else "")
            + f" = {money(amount, 'zh')}",
            f"{money(fare, 'en')} × {trips} trip(s)"
            + (f" × {people} people" if people > 1 else "")
            + f" = {money(amount, 'en')}",
        ),
        (both("交通費覈實報支：以實際支出與票根為準。", "Travel is paid as actually spent, with receipts."),),
        (rule,),
        at_cost=True,
    )


# 受補助者必須具備應試事實: registered but never sat the test
_NO_SHOW = (
    r"沒有考|沒去考|沒考|缺考|沒有應試|沒應試|沒到考|缺席|沒去應試|"
    r"(?:didn't|did not|never|doesn't|does not) (?:take|sit|sat|took|show up)|never sat|never took|no.show|"
    r"(?:skipped|missed|skips|misses) (?:the |her |his )?(?:test|exam|it\b)"
)


def _english_test(rules: FundingRules, i: dict[str, Any], people: int, text: str) -> ItemAmount:
    rule = rules.items.english_test
    fees = [int(a) for a in i.get("amounts") or []]
    parts = fees if re.search(r"聽讀|說寫|listening|speaking|\band\b|加|\+", text) and len(fees) > 1 else fees[:1]
    per_person = sum(parts)
    amount = per_person * people
    # 聽讀 1,800 + 說寫 2,500: the parts' sum is worked out first, then multiplied
    sum_zh = f"{' + '.join(money(p, 'zh') for p in parts)} = {money(per_person, 'zh')}；" if len(parts) > 1 else ""
    sum_en = f"{' + '.join(money(p, 'en') for p in parts)} = {money(per_person, 'en')}; " if len(parts) > 1 else ""
    return ItemAmount(
        amount,
        both(
            f"{sum_zh}{people} 人 × {money(per_person, 'zh')} = {money(amount, 'zh')}",
            f"{sum_en}{people} × {money(per_person, 'en')} = {money(amount, 'en')}",
        ),
        (
            both(
                f"每位教師每學年至多補助 {rule.times_per_year} 次取得完整證照的報名費；分項測驗各部分各補助一次，且須有應試事實。",
                f"At most {rule.times_per_year} complete certificate per teacher per school year; each part of a split "
                "test once, and only for a test actually taken.",
            ),
        ),
        (rule,),
    )


def _test_sittings(query: Query, rules: FundingRules) -> Figure:
    """「5位老師都要考多益 聽讀跟說寫都考 最多補幾次」: the test fees a school year pays for, each
    person's once, and once for each part of a test taken in parts (多益 聽讀、說寫 各 1 次)."""
    rule = rules.items.english_test
    people, parts = int(query.inputs.get("people") or 1), int(query.inputs.get("test_parts") or 1)
    count = people * parts * rule.times_per_year
    each_zh = f" × {parts} 項（分項測驗各 {rule.times_per_year} 次）" if parts > 1 else f" × {rule.times_per_year} 次"
    each_en = f" × {parts} parts ({rule.times_per_year} each)" if parts > 1 else f" × {rule.times_per_year}"
    return Figure(
        count,
        both(f"{people} 人{each_zh} = {count} 次", f"{people} people{each_en} = {count}"),
        (
            both(
                "每學年每人至多補助 1 次完整證照的報名費；分項測驗（如多益聽讀、說寫）各至多 1 次；須有應試事實。",
                "One complete certificate per person per school year; a test taken in parts (TOEIC listening & "
                "reading, speaking & writing) once for each part; only for a test actually taken.",
            ),
        ),
        (rule,),
        title=both("英檢報名費補助", "Test fees claimable"),
        unit=both("次", "registrations"),
    )


def _equipment_units(rules: FundingRules, i: dict[str, Any], text: str) -> ItemAmount:
    rule = rules.items.equipment
    kind_key = equipment_kind(rules, text)
    if kind_key is None:
        raise InvalidInput("請說明是哪一種設備（平板、筆電、桌機）。", "Which device is it (tablet, laptop, desktop)?")
    kind = rule.kinds[kind_key]
    units = int(i.get("units") or 1)
    amount = kind.cap * units
    return ItemAmount(
        amount,
        both(
            f"{kind.label.zh} {units} 台 × 單價上限 {money(kind.cap, 'zh')} = {money(amount, 'zh')}",
            f"{kind.label.en}: {units} × unit cap {money(kind.cap, 'en')} = {money(amount, 'en')}",
        ),
        (
            both(
                f"單價上限以 {money(kind.cap, 'zh')}為原則；超過須在計畫中敘明理由。",
                f"The unit cap of {money(kind.cap, 'en')} is a principle (為原則); above it the plan must state a reason.",
            ),
        ),
        (rule,),
    )


def _substitute(rules: FundingRules, i: dict[str, Any]) -> ItemAmount:
    """代課鐘點費: the plan sets no rate (it points to the national 支給基準表), so the user's own
    rate per period is multiplied out and the reply says where the rate comes from."""
    amounts = [int(a) for a in i.get("amounts") or []]
    periods = int(i.get("periods") or 0)
    if not amounts or periods <= 0:
        raise InvalidInput(
            "代課鐘點費要照「公立中小學兼任及代課教師鐘點費支給基準表」的每節金額；請告訴我節數和每節金額。",
            "The substitute fee follows the national rate table; please give the periods and the rate per period.",
        )
    rate = min(amounts)
    pay = periods * rate
    return ItemAmount(
        pay,
        both(
            f"{periods} 節 × {money(rate, 'zh')} = {money(pay, 'zh')}",
            f"{counted(periods, 'period')} × {money(rate, 'en')} = {money(pay, 'en')}",
        ),
        (
            both(
                f"每節金額依「公立中小學兼任及代課教師鐘點費支給基準表」，計畫本身沒有訂；也要編 "
                f"{pct(rules.items.premium.rate)} 補充保費。",
                "The rate per period is the national substitute-fee table's; the plan sets none. "
                f"A {pct(rules.items.premium.rate)} supplementary premium also applies.",
            ),
        ),
        sources=(rules.items.substitute_fee,),
    )


def _devices_priced(rules: FundingRules, text: str, amounts: list[int]) -> tuple[Verdict, Bilingual] | None:
    """「筆電一台29800 加平板一台14000 這樣呢」: each device named with its own price, each checked
    against its cap (None unless two or more kinds are named, each with one of the prices)."""
    segments = equipment_segments(rules, text)
    priced = []
    for key, words in segments:
        price = next((a.value for a in read_figures(words).labelled if a.value in amounts), None)
        if price is None:
            return None
        priced.append((rules.items.equipment.kinds[key], price))
    if len(priced) < 2:
        return None
    capital = re.search(_RECURRENT, text) is None
    verdicts = [
        equipment_check(rules, kind.keywords[0], price, capital, _remote_funded(text)) for kind, price in priced
    ]
    verdict = Verdict(
        all(v.ok for v in verdicts),
        tuple(p for v in verdicts for p in v.problems),
        tuple(n for v in verdicts for n in v.notes),
        verdicts[0].sources,  # the equipment rule, for each
    )
    return verdict, both(
        "、".join(f"{kind.label.zh} 單價 {money(price, 'zh')}{_cap_beside(kind)[0]}" for kind, price in priced),
        ", ".join(f"{kind.label.en} at {money(price, 'en')}{_cap_beside(kind)[1]}" for kind, price in priced),
    )


# 「一台觸控大螢幕4萬5」: one device counted by its measure word, its price written after it
_ONE_DEVICE = re.compile(r"(?<!\d)(?:1|一)\s*[台臺部組套支副]")


def _devices_over_the_capital_share(rules: FundingRules, text: str, price: int, i: dict[str, Any]) -> Problem | None:
    """「模式一 15萬 想買3台平板 一台15000」: the devices' cost against the capital a mode-1 request of
    that total may hold (附件2: 本模式總申請經費之 20%), when the message gives the request, the count
    and the price; None when it is within, or something is not given."""
    units, earlier = int(i.get("units") or 0), int(i.get("earlier_cost") or 0)
    totals = [int(a) for a in i.get("amounts") or [] if int(a) > price]
    if units < 2 and not earlier:
        return None
    if len(totals) != 1 or not re.search(r"模式\s*1|mode\s*1\b|生活化|campus life", text):
        # (「我們12班 模式一」 told before: the school's ceiling is the request)
        found = ceiling_of(dict(i.get("school") or {}), rules) if i.get("school") else None
        if not isinstance(found, CeilingAnswer):
            return None
        totals = [found.result.part_ceiling("bilingual_life")]
    rule = rules.capital.bilingual_life
    units = max(units, 1)
    cap, cost = times(totals[0], rule.share), units * price + earlier
    if cost <= cap:
        return None
    # (with the devices priced before: 「先前的 40,000 元 + 1 台 × 12,000 元」)
    before = both(f"先前的 {money(earlier, 'zh')} + ", f"{money(earlier, 'en')} before + ") if earlier else both("", "")
    return Problem(
        "capital.share",
        both(
            f"{before.zh}{units} 台 × {money(price, 'zh')} = {money(cost, 'zh')}，超過資本門上限 "
            f"{money(totals[0], 'zh')} × {pct(rule.share)} = {money(cap, 'zh')}。",
            f"{before.en}{units} × {money(price, 'en')} = {money(cost, 'en')}, over the capital cap of "
            f"{money(totals[0], 'en')} × {pct(rule.share)} = {money(cap, 'en')}.",
        ),
        rule,
    )


def _device_price(text: str, amounts: list[int]) -> int:
    """The price of the device a message checks: the first amount written after 「一台」 when it
    gives others too (「模式一25萬 想買一台觸控大螢幕4萬5」: 45,000, not the 25萬 requested), else
    the first amount."""
    one = _ONE_DEVICE.search(text)
    if len(amounts) > 1 and one is not None and len(_ONE_DEVICE.findall(text)) == 1:
        after = [a.value for a in read_figures(text[one.end() :]).labelled if a.value in amounts]
        if after:
            return after[0]
    return amounts[0]


def _cap_beside(kind: EquipmentKind) -> tuple[str, str]:
    """A device's unit-price cap as written beside its price (Chinese, English): 「（上限以 30,000 元
    為原則）」 " (cap NT$30,000 as a rule)"."""
    principle = kind.binding == PRINCIPLE
    zh = f"（上限以 {money(kind.cap, 'zh')}為原則）" if principle else f"（上限 {money(kind.cap, 'zh')}）"
    return zh, f" (cap {money(kind.cap, 'en')}{' as a rule' if principle else ''})"


_REMOTE = re.compile(r"偏遠|remote|non-urban")
_FUNDED = re.compile(r"已獲|已經獲|獲得|獲補助|拿過|拿到|有拿|領過|補助過|funded|received|got|given")
_NOT_FUNDED = re.compile(
    r"沒有?(?:拿|獲|領|申請)|未(?:獲|曾|拿|申請)|從未|從來沒|never|not (?:been )?(?:funded|given)|"
    r"didn't (?:get|receive)|did not (?:get|receive)|haven't (?:got|received|been)|no (?:such )?grant"
)


_ENGLISH_TEACHER = (
    r"英[語文]老師|英[語文]教師|教英[語文]|英[語文]科(?:的)?(?:老師|教師|同事|同仁)|english teachers?|teach(?:es|ing)? english|"
    r"english (?:department|dept) (?:colleague|teacher)s?"
)


def _remote_funded(text: str) -> bool:
    """Whether a message says the school is remote *and already funded* by the remote-area
    facilities plan (the ban's condition): 「我們是偏遠學校，已經拿過…」, not "we're remote but never
    got the remote facilities grant" nor a remote school alone."""
    return bool(_REMOTE.search(text) and _FUNDED.search(text) and not _NOT_FUNDED.search(text))


def _consultation_session(rules: FundingRules, i: dict[str, Any]) -> tuple[str, Decimal]:
    """A consultation's session (online, half a day or a day) and its hours: those told, else the
    most the session allows (附件3 諮詢費: 3, 3 and 6 hours)."""
    rule = rules.items.consultation_fee
    session = "online" if i.get("online") else "half_day" if i.get("half_day") else "day"
    most = {"online": rule.online_hours, "half_day": rule.half_day_hours, "day": rule.day_hours}[session]
    return session, Decimal(i["hours"]) if i.get("hours") else Decimal(most)


def _premium_of_the_parts(
    rules: FundingRules, parts: list[dict[str, Any]], earlier: dict[str, Any] | None = None
) -> list[ItemAmount]:
    """An event told piece by piece: each item's line, then the premium on the fees among them, with
    a fee computed before that the message says comes besides (`earlier`: 「另外兩位學者來出席」 after
    a day's consultation)."""
    lines: list[ItemAmount] = []
    fees: dict[str, int] = {}
    for key, amount in (earlier or {}).items():
        told = both(f"前面算的 {money(int(amount), 'zh')}", f"computed before: {money(int(amount), 'en')}")
        lines.append(ItemAmount(int(amount), told, sources=(rules.items.all()[key],)))
        fees[key] = fees.get(key, 0) + int(amount)
    for part in parts:
        own = _item(Query(ITEM, item=str(part["item"]), inputs={"text": ""} | dict(part)), rules)
        lines += own
        fees[str(part["item"])] = fees.get(str(part["item"]), 0) + sum(line.amount for line in own)
    return [*lines, replace(_premium_on(rules, fees), asked=True)]


def _premium(rules: FundingRules, i: dict[str, Any], text: str) -> list[ItemAmount]:
    if i.get("fees"):
        return [_premium_on(rules, {str(k): int(v) for k, v in i["fees"].items()})]
    if i.get("parts"):
        return _premium_of_the_parts(rules, i["parts"], i.get("earlier"))
    items: list[ItemAmount] = []
    fees: dict[str, int] = {}
    for kind, periods, price in i.get("lectures") or []:
        # 「外聘教授4節(每節2000)加本校老師2節」: each lecturer's periods at their rate (or the price said)
        fee = lecture_fee(rules, str(kind), int(periods), price=int(price) if price else None)
        items.append(fee)
        fees["lecture_fee"] = fees.get("lecture_fee", 0) + fee.amount
    # (「外面那位5節的 補充保費」: periods of a lecturer named, with no word for the lecture itself)
    if i.get("periods") and (re.search(_LECTURE, text) or i.get("lecturer")) and not i.get("lectures"):
        lecturer = str(i.get("lecturer") or lecturer_type(text))
        fee = lecture_fee(rules, lecturer, int(i["periods"]), int(i.get("lecturers") or 1))
        items.append(fee)
        fees["lecture_fee"] = fee.amount
    a_day = (i.get("full_day") or i.get("half_day")) and not i.get("hours") and not i.get("online")
    if (i.get("hours") or a_day) and re.search(CONSULT, text):
        # (「專家諮詢一整天」: a day's hours, 6, or half a day's, 3, at the hourly rate; hours told are
        # of a day's session, or an online one)
        session, hours = (
            _consultation_session(rules, i) if a_day else ("online" if i.get("online") else "day", Decimal(i["hours"]))
        )
        fee = consultation_fee(rules, hours, session, int(i.get("people") or 1))
        items.append(fee)
        fees["consultation_fee"] = fee.amount
    amounts = [int(a) for a in i.get("amounts") or []]
    if fees and i.get("occasions") and re.search(ATTEND, text) and not amounts:
        # 「外聘專家講3節 另一位專家出席一次」: the attendance fee of one more person, at its cap
        fee = attendance_fee(rules, 1, int(i["occasions"]))
        items.append(fee)
        fees["attendance_fee"] = fee.amount
    if i.get("periods") and re.search(_SUBSTITUTE, text) and amounts:
        pay = _paid_at_a_rate(Decimal(int(i["periods"])), ("節", "periods"), amounts[0], rules.items.substitute_fee)
        items.append(pay)
        fees["substitute_fee"] = pay.amount
        amounts = []
    hourly = bool(i.get("per_unit")) or (
        len(amounts) == 1 and amounts[0] <= _HOURLY_AT_MOST and _SUMMED.search(text) is None
    )
    if not fees and len(amounts) == 1 and i.get("hours") and hourly and re.search(_WORK_FEE, text):
        # 「工作費一小時200 10小時」「每人8小時 時薪190 2人」: the hours at that rate (of each person
        # counted), the premium on their pay; a rate this low is an hour's (「以基本工資183算」)
        pay = _paid_at_a_rate(
            Decimal(str(i["hours"])), ("小時", "hours"), amounts[0], rules.items.work_fee, int(i.get("people") or 1)
        )
        items.append(pay)
        fees["work_fee"] = pay.amount
        amounts = []
    if fees and "attendance_fee" not in fees and len(amounts) == 1 and re.search(ATTEND, text):
        # 「外聘講座3節 出席費2500 兩位委員」: the attendance fee beside the fees computed, each person's
        # at the fee told (at most its cap), not left out of the premium's base
        fee = attendance_fee(rules, int(i.get("people") or 1), int(i.get("occasions") or 1), price=amounts[0])
        items.append(fee)
        fees["attendance_fee"] = fee.amount
        amounts = []
    if not fees and len(amounts) == 1 and _attendance_each(i, text, amounts[0], rules.items.attendance_fee.cap):
        # 「5位專家各來3次 出席費都按2000」: each expert's fee each time, the premium on their sum
        people, occasions = int(i.get("people") or 1), int(i.get("occasions") or 1)
        fee = attendance_fee(rules, people, occasions, price=amounts[0])
        items.append(fee)
        fees["attendance_fee"] = fee.amount
        amounts = []
    named = [
        key
        for key, pattern in (
            ("lecture_fee", _LECTURE),
            ("consultation_fee", CONSULT),
            ("attendance_fee", ATTEND),
            ("work_fee", _WORK_FEE),
        )
        if re.search(pattern, text)
    ]
    fee_key = (named or list(rules.items.premium.base_items))[0]
    people, occasions = int(i.get("people") or 1), int(i.get("occasions") or 1)
    paid_each = i.get("per_unit") or _EACH_PRICED.search(text)
    if not fees and len(amounts) == 1 and max(people, occasions) > 1 and paid_each:
        # 「請3位專家諮詢 每人2000」 "two consultants, NT$2,000 each", "2000 each, 5 of those": the fee paid
        # each (person, else time), the premium on what is paid together
        count, unit = (people, ("人", "people")) if people > 1 else (occasions, ("次", "times"))
        pay = _paid_at_a_rate(Decimal(count), unit, amounts[0], rules.items.all()[fee_key])
        items.append(pay)
        fees[fee_key] = pay.amount
        amounts = []
    if not fees and amounts and i.get("with_fees"):
        # 「全部加起來多少」 "total with premium?" after a premium on fees told: each fee a line, the
        # premium on them after, and all of it added up
        for amount in amounts:
            told = both(f"計費的費用 {money(amount, 'zh')}", f"fees charged on: {money(amount, 'en')}")
            items.append(ItemAmount(amount, told, sources=(rules.items.premium,)))
    if not fees and amounts:
        # Every fee the premium is charged on shares one rate: the premium is on their sum.
        fees = {fee_key: sum(amounts)}
    for key, amount in (i.get("earlier") or {}).items():
        # 「she also does 4 hours of consultation … premium?」 after her lecture fee: that fee too
        items.append(
            ItemAmount(
                int(amount),
                both(f"前面算的 {money(int(amount), 'zh')}", f"computed before: {money(int(amount), 'en')}"),
                sources=(rules.items.all()[key],),
            )
        )
        fees[key] = fees.get(key, 0) + int(amount)
    if not fees:
        raise InvalidInput("請告訴我講座鐘點費或諮詢費的金額。", "Please give the lecture or consultation fee.")
    base_keys = rules.items.premium.base_items
    rate = rules.items.premium.rate
    result = premium(rules, {base_keys[0]: sum(fees.values())})
    labels = [rules.items.all()[key].label for key in base_keys]
    note = both(
        "計費項目：" + "、".join(label.zh for label in labels) + "的加總。",
        "Charged on the sum of: " + ", ".join(label.en.lower() for label in labels) + ".",
    )

    def base_of(lang: str) -> str:  # fees given one by one: their sum shown
        if len(amounts) > 1 and not items:
            opening, closing = ("（", "）") if lang == "zh" else ("(", ")")
            return opening + " + ".join(money(a, lang) for a in amounts) + closing
        return money(result.base, lang)

    working = both(
        f"{base_of('zh')} × {pct(rate)} = {_rounded(result.base, rate, result.amount, 'zh')}",
        f"{base_of('en')} × {pct(rate)} = {_rounded(result.base, rate, result.amount, 'en')}",
    )
    return [*items, ItemAmount(result.amount, working, (note,), (result.source,), asked=bool(items))]


def _paid_at_a_rate(count: Decimal, unit: tuple[str, str], rate: int, source: Cited, people: int = 1) -> ItemAmount:
    """Pay of `count` periods or hours (of each of `people`) at the rate told (the plan leaves the rate
    to a national table or the minimum wage): one line of a premium's working."""
    pay = int(count * rate * people)
    shown = f"{count.normalize():f}"
    each_zh, each_en = (f"{people} 人 × ", f"{people} people × ") if people > 1 else ("", "")
    return ItemAmount(
        pay,
        both(
            f"{each_zh}{shown} {unit[0]} × {money(rate, 'zh')} = {money(pay, 'zh')}",
            f"{each_en}{shown} {unit[1]} × {money(rate, 'en')} = {money(pay, 'en')}",
        ),
        sources=(source,),
    )


# a device said to be put under recurrent expenditure
_RECURRENT = r"經常門|\brecurrent\b|\bcurrent (?:expenditure|expense|budget|side)"
# an hourly wage, not the pay of all the hours: the minimum wage is under 200 an hour (「時薪190」)
_HOURLY_AT_MOST = 500
_SUMMED = re.compile(r"共|合計|總|\btotal\b|in all|altogether")
_EACH_PRICED = re.compile(r"各|每人|每位|每次|都按|都是|\beach\b|\bapiece\b|\bper (?:person|expert|head|time|visit)\b")


def _attendance_each(i: dict[str, Any], text: str, amount: int, cap: int) -> bool:
    """An attendance fee said to be paid each of several people or times (「各來3次 出席費都按2000」
    "NT$2,500 attendance fee each"), not a total of them; so is one no more than one person's cap for
    one meeting said beside several (「出席費2000 5位委員」: 2,000 each, not 400)."""
    counted = int(i.get("people") or 1) > 1 or int(i.get("occasions") or 1) > 1
    summed = _SUMMED.search(text) is not None  # 「5位委員出席費共2000」
    each = bool(i.get("per_unit")) or bool(_EACH_PRICED.search(text)) or (amount <= cap and not summed)
    return counted and re.search(ATTEND, text) is not None and each


def _rounded(base: int, rate: Decimal, amount: int, lang: str) -> str:
    """A product as computed, then as budgeted in whole NT$ when they differ (4,000 × 2.11% = 84.4
    元，四捨五入為 84 元): the reader checking the sum sees both."""
    exact = Decimal(base) * rate
    if exact == amount:
        return money(amount, lang)
    shown = f"{exact.normalize():,f}"
    if lang == "zh":
        return f"{shown} 元，四捨五入為 {money(amount, lang)}"
    return f"NT${shown}, rounded to {money(amount, lang)}"


def _premium_on(rules: FundingRules, fees: dict[str, int]) -> ItemAmount:
    """The premium on items named with their amounts; those it is not charged on are said."""
    result = premium(rules, fees)
    items = rules.items.all()
    parts_zh = " ＋ ".join(f"{label.zh} {money(v, 'zh')}" for label, v in result.included)
    parts_en = " + ".join(f"{label.en.lower()} {money(v, 'en')}" for label, v in result.included)
    summed = len(result.included) > 1
    notes = []
    if result.excluded:
        left_zh = "、".join(items[k].label.zh if k in items else k for k, _ in result.excluded)
        left_en = ", ".join(items[k].label.en.lower() if k in items else k for k, _ in result.excluded)
        notes.append(both(f"{left_zh}不計補充保費。", f"No premium is charged on {left_en}."))
    return ItemAmount(
        result.amount,
        both(
            (f"{parts_zh} = {money(result.base, 'zh')}；" if summed else "")
            + f"{money(result.base, 'zh')} × {pct(result.rate)} = {_rounded(result.base, result.rate, result.amount, 'zh')}",
            (f"{parts_en} = {money(result.base, 'en')}; " if summed else "")
            + f"{money(result.base, 'en')} × {pct(result.rate)} = {_rounded(result.base, result.rate, result.amount, 'en')}",
        ),
        tuple(notes),
        (result.source,),
    )


def _which_computer(rules: FundingRules) -> InvalidInput:
    """「電腦一台28000可以嗎」: the caps differ by kind of computer, so the reply asks which, with each cap."""
    kinds = [k for k in rules.items.equipment.kinds.values() if re.search(r"電腦|computer", k.label.zh + k.label.en)]
    rule_zh, rule_en = {True: ("為原則", "as a rule"), False: ("上限", "a limit")}[
        all(k.binding == PRINCIPLE for k in kinds)
    ]
    return InvalidInput(
        f"請問是哪一種電腦？單價上限（{rule_zh}）："
        + "、".join(f"{k.label.zh} {money(k.cap, 'zh')}" for k in kinds)
        + "。回覆例如「桌上型 不含螢幕」即可。",
        f"Which kind of computer? Unit caps ({rule_en}): "
        + ", ".join(f"{k.label.en} {money(k.cap, 'en')}" for k in kinds)
        + '. Reply e.g. "desktop without monitor".',
    )


_TOTAL_ASKED = re.compile(r"總共|一共|合計|加起來|全部|in total|altogether|combined|all together|total")
_LEAD_ADDED = re.compile(
    r"(?:加上|再加|還有|另外|plus|and)\s*(?:1位|1個|一位)?\s*(?:主要負責|負責人|總召|召集人|the lead|a lead|lead)"
)


def _teaching_load_total(
    rules: FundingRules, i: dict[str, Any], text: str, periods: int, mode: int
) -> Bilingual | None:
    """The week's reductions added up, when a total is asked of several teachers each reducing
    `periods` (and, in mode 2, the lead person added at the lead's cap): None when none is asked."""
    count = int(i.get("people") or 0)
    if count < 2 or not _TOTAL_ASKED.search(text) or periods > rules.teaching_load.per_person:
        return None
    lead = rules.teaching_load.lead if mode == 2 and _LEAD_ADDED.search(text) else 0
    total, terms = _reductions_added(count, periods, lead)
    return both(f"每週合計：{terms.zh} = {total} 節", f"A week in total: {terms.en} = {total} periods")


def _visitors(query: Query, rules: FundingRules) -> Figure:
    """An open classroom's visitors against 「每學期接待總人數至少40人」: how many are still needed, or the
    least over a school year's two semesters."""
    rule = rules.open_classroom
    i = query.inputs
    semesters = int(i.get("semesters") or 1)
    least = rule.min_visitors_per_semester * semesters
    per_term = both(
        f"每學期接待總人數至少 {rule.min_visitors_per_semester} 人",
        f"at least {rule.min_visitors_per_semester} visitors a semester",
    )
    people = both("人", "people")
    if i.get("visitors") is None:  # 「一整個學年最少總共要接待多少人」
        working = both(
            f"{per_term.zh} × {semesters} 學期 = {least} 人", f"{per_term.en} × {semesters} semesters = {least}"
        )
        title = both("一學年至少接待", "Visitors over a school year, at least")
        return Figure(least, working, (), (rule,), title=title, cap=False, unit=people)
    visitors = int(i["visitors"])
    short = max(least - visitors, 0)
    if short:
        working = both(
            f"{per_term.zh}：{least} − {visitors} = 還差 {short} 人",
            f"{per_term.en}: {least} − {visitors} = {short} short",
        )
    else:
        working = both(f"{per_term.zh}：{visitors} 人已達標", f"{per_term.en}: {visitors} meets it")
    title = both("還差的接待人數", "Visitors still needed")  # 「還差幾個才達標」「35人夠嗎 還差多少」
    words = (both("符合", "Met"), both("不符合", "Not met"))
    return Figure(short, working, (), (rule,), ok=short == 0, title=title, cap=False, unit=people, verdict_words=words)


def _reductions_added(count: int, periods: int, lead: int) -> tuple[int, Bilingual]:
    """`count` people reducing `periods` a week each, and a lead person's `lead` (0: none): the sum
    and its terms (「3 人 × 4 節 ＋ 主要負責人 6 節」)."""
    zh = [f"{count} 人 × {periods} 節"] if count else []
    en = [f"{count} people × {periods} periods"] if count else []
    if lead:
        zh.append(f"主要負責人 {lead} 節")
        en.append(f"the lead person's {lead}")
    return count * periods + lead, both(" ＋ ".join(zh), " + ".join(en))


def _reductions_at_the_cap(query: Query, rules: FundingRules) -> Figure:
    """「主要負責人一週最多減幾節」「另外3個老師都減到上限 加起來幾節」 "1 lead + 5 teachers, max
    reductions a week in all?": each at the cap (4 periods; a mode-2 lead 6), added up."""
    rule = rules.teaching_load
    i = query.inputs
    mode = int(query.facts.get("mode") or 2)
    lead = rule.lead if i.get("lead") and mode == 2 else 0
    people = int(i.get("people") or (0 if lead else 1))
    total, terms = _reductions_added(people, rule.per_person, lead)
    worked = (people and lead) or people > 1  # (one person's cap is the answer itself)
    sum_zh, sum_en = (f" = {total} 節", f" = {total} periods") if worked else ("", "")
    weeks = int(i.get("weeks") or 0)
    if weeks:
        # 「我們算20週 整學期最多減幾節」: the week's caps over the weeks the user counts
        sum_zh += f"；× {weeks} 週 = {total * weeks} 節"
        sum_en += f"; × {weeks} weeks = {total * weeks} periods"
        total *= weeks
    notes = (
        (
            both(
                "模式一沒有主要負責人的 6 節；每人每週不超過 4 節。",
                "Mode 1 has no lead person's 6: at most 4 periods a week each.",
            ),
        )
        if i.get("lead") and mode == 1
        else ()
    )
    return Figure(
        total,
        both(
            f"每週減課上限（模式{'一' if mode == 1 else '二'}）：{terms.zh}{sum_zh}",
            f"Reductions a week at most (mode {mode}): {terms.en}{sum_en}",
        ),
        notes,
        (rule,),
        title=both(f"{weeks} 週減課", f"Teaching-load reductions over {weeks} weeks")
        if weeks
        else both("每週減課", "Teaching-load reductions a week"),
        unit=both("節", "periods"),
    )


def _verdict(query: Query, rules: FundingRules) -> tuple[Verdict, Bilingual]:
    i = query.inputs
    text = str(i.get("text", ""))
    if query.item == "teaching_load":
        periods = int(i["periods"])
        lead = bool(i.get("lead"))
        mode = int(query.facts.get("mode") or (2 if lead else 1))
        # the mode shown only when told (or a lead's, which only mode 2 has): both modes cap a teacher at 4
        told = bool(query.facts.get("mode")) or lead
        mode_zh = f"（模式{'一' if mode == 1 else '二'}{'，主要負責人' if lead else ''}）" if told else ""
        mode_en = f" (mode {mode}{', lead person' if lead else ''})" if told else ""
        # the text is normalised: 「兩位」 is written 2位; 「副召也想減6節」 "my co-lead wants 6 too" is a second lead
        second = (
            re.search(r"也|另一位|另外一位|\btoo\b|\balso\b|another|as well|co-?lead|co-?coordinator|deputy|副召", text)
            is not None
        )
        people = (
            2
            if re.search(r"2位|2個|2人|都減|both|2 of us|each of|2 (?:people|persons|teachers)", text)
            or (lead and second)
            else 1
        )
        total = _teaching_load_total(rules, i, text, periods, mode)
        if total is not None:
            # 「三位老師每人減4節 加上主要負責人 總共幾節」: each within the cap, and the week's sum
            verdict = teaching_load_check(rules, mode, periods)
            each_zh, each_en = (f"（模式{'一' if mode == 1 else '二'}）", f" (mode {mode})") if told else ("", "")
            return replace(verdict, notes=(total, *verdict.notes)), both(
                f"減課每人每週 {periods} 節{each_zh}",
                f"Teaching-load reduction of {periods} periods a week each{each_en}",
            )
        verdict = teaching_load_check(rules, mode, periods, lead, people)
        weeks = int(i.get("weeks") or 0)
        if weeks:
            # 「每週減3節 上學期20週下學期19週 一整個學年減了多少」: the week's periods over the weeks counted
            over = both(
                f"每週 {periods} 節 × {weeks} 週 = {periods * weeks} 節。",
                f"{periods} periods a week × {weeks} weeks = {periods * weeks} periods.",
            )
            verdict = replace(verdict, notes=(over, *verdict.notes))
        return verdict, both(
            f"減課每週 {periods} 節{mode_zh}", f"Teaching-load reduction of {periods} periods a week{mode_en}"
        )
    if query.item == "equipment":
        kind = equipment_kind(rules, text)
        if kind is None and re.search(A_COMPUTER, text):
            raise _which_computer(rules)
        price = _device_price(text, [int(a) for a in i.get("amounts") or [0]])
        capital = re.search(_RECURRENT, text) is None
        several = _devices_priced(rules, text, [int(a) for a in i.get("amounts") or []])
        if several is not None:
            return several
        label = rules.items.equipment.kinds[kind].label if kind else rules.items.equipment.label
        # the cap beside the price, so a yes shows what it was measured by
        cap_zh, cap_en = _cap_beside(rules.items.equipment.kinds[kind]) if kind else ("", "")
        verdict = equipment_check(rules, text, price, capital, _remote_funded(text))
        share = _devices_over_the_capital_share(rules, text, price, i) if capital else None
        if share is not None:
            verdict = replace(
                verdict, ok=False, problems=(*verdict.problems, share), sources=(*verdict.sources, share.source)
            )
        return verdict, both(
            f"{label.zh} 單價 {money(price, 'zh')}{cap_zh}", f"{label.en} at {money(price, 'en')} each{cap_en}"
        )
    level = CEFR_LEVEL.search(text)
    assert level is not None
    english = re.search(_ENGLISH_TEACHER, text) is not None
    role = (
        "admin"
        if re.search(r"行政|admin", text)
        else "substitute"
        if re.search(r"代理|代課|substitute|\bsub\b|supply teacher|relief teacher", text)
        else "teacher"
    )
    part = "聽讀" if re.search(r"聽讀|listening", text) else "說寫" if re.search(r"說寫|speaking", text) else None
    claimed = (
        [part]
        if re.search(
            r"已經|已補助|already|again|第二次|再|重考|又考|retook|retake|re-took|2nd time|second time|"
            r"twice(?! a (?:week|month|day|semester|year))",  # ("comes twice a week": how often, no retake)
            text,
        )
        else []
    )
    verdict = english_test_eligibility(
        rules,
        role=role,
        level=level.group(1),
        english_teacher=english,
        substitute_months=i.get("months"),
        part=part,
        claimed=claimed,
        sat_test=re.search(_NO_SHOW, text) is None,
    )
    return verdict, both(
        f"英檢報名費（CEFR {level.group(1).upper()}）", f"English test fee (CEFR {level.group(1).upper()})"
    )
