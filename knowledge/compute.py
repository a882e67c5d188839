"""What a question asks the plans' rules to compute, and the computation.

A `Query` is what was asked, as data: the kind of computation, the school's facts, the budget
item, and the user's own figures. It is built from an `Understanding` (`query_for`), kept in the
chat's memory so that a follow-up can change one thing of it (`revise`), and computed by
`compute()` into a result that says which named rule every number comes from. Wording lives in
handlers/replies.py; the arithmetic itself is in calculators.py.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from knowledge.calculators import (
    CeilingResult,
    InvalidFacts,
    InvalidInput,
    ItemAmount,
    SchoolFacts,
    Verdict,
    attendance_fee,
    both,
    ceiling,
    consultation_fee,
    data_collection,
    english_test_eligibility,
    equipment_check,
    equipment_kind,
    language_study,
    lecture_fee,
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
from knowledge.dates import PlanRules, add_months, school_year_of
from knowledge.funding_rules import CapitalShare, Cited, FundingRules
from knowledge.model import Bilingual
from knowledge.understand import SCHOOL_FACTS, Understanding

# Kinds of computation, in the order a question is tried against them.
CEILING, CAPITAL, SHARE, TRANSFER, CLOSEOUT, SCHOOL_YEAR, ITEM, VERDICT = (
    "ceiling",
    "capital",
    "share",
    "transfer",
    "closeout",
    "school_year",
    "item",
    "verdict",
)

_CAPITAL = r"資本門|設備"
_TRANSFER = r"調|移|挪|併入|流用|轉|move|transfer|shift|reallocat"
_TEACHER_SUPPORT = r"教師專業支持|教師經費|teacher support|teacher funding|teachers? professional"
_CLOSEOUT = r"結案|核結|繳庫|結算"
_SCHOOL_YEAR = r"學年度|學年|school year|academic year|階段|phase|期程|還有|還會|會不會|繼續|still"
_PARTIAL = r"部領"
_LIFE = r"雙語生活化|模式1|campus life"
_LECTURE = r"講座|講師|演講|外聘|內聘|教授|專家學者|lecture|speaker|lecturer|professor"
_CONSULT = r"諮詢|陪伴|consult"
_ATTEND = r"出席|attendance"
_MEAL = r"膳|餐|便當|lunch|dinner|breakfast|meal"
_LODGING = r"住宿|住|lodging|hotel|accommodation|stay"
_MATERIALS = r"教學材料|teaching materials?"
_LANGUAGE_STUDY = r"語言進修|language (?:study|course)"
_DATA = r"資料蒐集|資料搜集|reference materials|data collection"
_PREMIUM = r"補充保費|premium"
_LEVEL = re.compile(r"(?<![a-z])([abc][12])(?![0-9])")


@dataclass(frozen=True)
class Query:
    """A computation asked for. `facts` are school facts (SCHOOL_FACTS), `inputs` the user's own
    figures and choices for it; both hold only JSON values, so a Query can be remembered."""

    kind: str
    facts: dict[str, Any] = field(default_factory=dict)
    item: str | None = None
    inputs: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> Query | None:
        if not isinstance(data, dict) or not isinstance(data.get("kind"), str):
            return None
        facts, inputs = data.get("facts") or {}, data.get("inputs") or {}
        item = data.get("item")
        if not isinstance(facts, dict) or not isinstance(inputs, dict) or not (item is None or isinstance(item, str)):
            return None
        return cls(data["kind"], dict(facts), item, dict(inputs))


@dataclass(frozen=True)
class Figure:
    """A computed amount (or a verdict on one): the number, the working in one line, the notes,
    and every rule used."""

    amount: int | None
    working: Bilingual
    notes: tuple[Bilingual, ...] = ()
    rules: tuple[Cited, ...] = ()
    ok: bool | None = None  # for "does it fit?": True within, False over; None when not asked


@dataclass(frozen=True)
class DateFigure:
    """A computed date with its working and the rule (and any assumption) behind it."""

    day: date
    working: Bilingual
    calendar: str  # the calendar the user wrote in: 'roc' or 'gregorian'
    notes: tuple[Bilingual, ...] = ()
    source: tuple[str, str] = ("", "")


@dataclass(frozen=True)
class YearFigure:
    """Which 學年度 a date or year is, and which phase of the plan holds it (None: none does)."""

    school_year: int
    phase: int | None
    first: int | None
    last: int | None
    source: tuple[str, str] = ("", "")
    from_date: date | None = None


@dataclass(frozen=True)
class NeedFact:
    """A computation that needs a fact the user has not given; `facts` are those known so far."""

    step: str
    facts: SchoolFacts
    error: InvalidFacts | None = None  # a stated value that could not be used, said before asking


@dataclass(frozen=True)
class Corrected:
    """A result computed after leaving out a stated value that could not be used (mode 1 with
    domains): the reply says what was left out, then answers."""

    result: CeilingResult
    error: InvalidFacts


@dataclass(frozen=True)
class Refused:
    """Input a calculator cannot use, with the reason in both languages."""

    error: InvalidInput


Result = (
    CeilingResult
    | Corrected
    | Figure
    | list[ItemAmount]
    | tuple[Verdict, Bilingual]
    | DateFigure
    | YearFigure
    | NeedFact
    | Refused
)


# -- from a message to a query --------------------------------------------------------


def _has(u: Understanding, pattern: str) -> bool:
    return re.search(pattern, u.normalised) is not None


def _amounts(u: Understanding) -> list[int]:
    """The money a message states; a bare number of 100 or more stands in when there is none."""
    return list(u.figures.amounts) or [n for n in u.figures.bare_numbers if n >= 100]


def _item_inputs(u: Understanding) -> dict[str, Any]:
    """Everything an item calculator may need, as plain values."""
    c = u.figures.counts
    inputs: dict[str, Any] = {
        "people": c.people,
        "days": c.days,
        "meals": c.meals,
        "nights": c.nights,
        "hours": str(c.hours) if c.hours is not None else None,
        "periods": c.periods,
        "semesters": c.semesters,
        "occasions": c.occasions,
        "months": c.months,
        "full_day": c.full_day or None,
        "half_day": c.half_day or None,
        "online": True if _has(u, r"線上|online") else None,
        "amounts": _amounts(u) or None,
        "classes": u.slots.classes,
    }
    return {k: v for k, v in inputs.items() if v is not None}


def query_for(u: Understanding, rules: FundingRules) -> Query | None:
    """The computation a message asks for, or None when it asks none (a knowledge-base question).

    A question that merely mentions an item or a fact is not a computation: it needs the figures
    the computation works on (an amount, a count, a date, a class count with a ceiling word)."""
    amounts = _amounts(u)
    if u.figures.dates and _has(u, _CLOSEOUT + r"|close|deadline|due|期限|截止"):
        return Query(CLOSEOUT, inputs={"dates": [_date_json(u)]})
    if (u.figures.dates or u.slots.year is not None) and _has(u, _SCHOOL_YEAR) and not u.item:
        if u.figures.dates:
            return Query(SCHOOL_YEAR, inputs={"dates": [_date_json(u)]})
        if _has(u, r"階段|phase|期程|還有|還會|會不會|繼續|still|有沒有|是否"):
            return Query(SCHOOL_YEAR, inputs={"year": u.slots.year})
    if amounts and _has(u, _TRANSFER) and _has(u, _TEACHER_SUPPORT + "|" + _PARTIAL):
        return Query(TRANSFER, facts=_facts_of(u), inputs={"amounts": amounts})
    if amounts and _has(u, _CAPITAL) and not u.item:
        return Query(CAPITAL, facts=_facts_of(u), inputs={"amounts": amounts, "part": _part(u)})
    if amounts and u.item in ("misc", "teaching_aids"):
        return Query(SHARE, item=u.item, inputs={"amounts": amounts})
    item = _item_query(u, rules)
    if item is not None:
        return item
    facts = _facts_of(u)
    if _is_ceiling_question(u, facts):
        return Query(CEILING, facts=facts)
    return None


def _date_json(u: Understanding) -> dict[str, Any]:
    mention = u.figures.dates[0]
    return {
        "iso": mention.value.isoformat() if mention.value else None,
        "calendar": mention.calendar,
        "month": mention.month,
        "day": mention.day,
        "year": mention.year,
    }


def _part(u: Understanding) -> str | None:
    if _has(u, _PARTIAL):
        return "partial_domains"
    if _has(u, _LIFE) or u.slots.mode == 1:
        return "bilingual_life"
    return None


def _facts_of(u: Understanding) -> dict[str, Any]:
    return {k: v if isinstance(v, (bool, int)) else str(v) for k, v in u.facts.items() if k in SCHOOL_FACTS}


def _is_ceiling_question(u: Understanding, facts: dict[str, Any]) -> bool:
    knowledge_words = _has(u, r"項目|哪些|什麼|怎麼|如何|條件|which|items|conditions|how do|what (?:can|is)|用在")
    if u.item or _has(u, _CAPITAL + r"|經常門|recurrent"):
        return False
    if "classes" in facts:
        return "mode" in facts or "domains" in facts or (u.ceiling_words and not knowledge_words)
    if "mode" in facts or "domains" in facts:
        return u.asks_amount and not knowledge_words
    return u.asks_amount and u.ceiling_words and not knowledge_words and _has(u, r"補助|經費|額度|拿|領|funding|grant")


def _item_query(u: Understanding, rules: FundingRules) -> Query | None:
    inputs = _item_inputs(u)
    c = u.figures.counts
    if _has(u, _PREMIUM):
        if any(inputs.get(k) for k in ("periods", "hours", "amounts")):
            return Query(ITEM, item="premium", inputs=inputs | {"text": u.normalised})
        return None
    if _has(u, r"減課|teaching load") and c.periods is not None:
        return Query(VERDICT, item="teaching_load", facts=_facts_of(u), inputs=inputs | {"text": u.normalised})
    if equipment_kind(rules, u.normalised) is not None and _amounts(u):
        return Query(VERDICT, item="equipment", inputs=inputs | {"text": u.normalised})
    if _has(u, r"英檢|報名費") and _LEVEL.search(u.normalised):
        return Query(VERDICT, item="english_test", inputs=inputs | {"text": u.normalised})
    named = _named_item(u)
    if named is None:
        return None
    needs = {
        "lecture_fee": ("periods", "hours"),
        "consultation_fee": ("hours",),
        "attendance_fee": ("people", "occasions"),
        "meals": ("people",),
        "lodging": ("people", "nights", "days"),
        "teaching_materials": ("classes",),
        "language_study": ("people",),
        "data_collection": ("amounts",),
    }[named]
    if not any(inputs.get(k) is not None for k in needs):
        return None
    return Query(ITEM, item=named, inputs=inputs | {"text": u.normalised})


def _named_item(u: Understanding) -> str | None:
    for key, pattern in (
        ("lecture_fee", _LECTURE),
        ("consultation_fee", _CONSULT),
        ("attendance_fee", _ATTEND),
        ("lodging", r"住宿|lodging|hotel|accommodation"),
        ("meals", _MEAL),
        ("teaching_materials", _MATERIALS),
        ("language_study", _LANGUAGE_STUDY),
        ("data_collection", _DATA),
    ):
        if u.item == key or (u.item is None and _has(u, pattern)):
            return key
    return None


# -- follow-ups -------------------------------------------------------------------------

# What a follow-up may change without naming the kind again: an item follow-up 「那住宿費呢」
# switches the item and keeps the counts that still mean something.
_ITEM_SWITCH = re.compile(r"住宿|膳|餐|講座|講師|諮詢|出席|lodging|hotel|meal|lecture|consult|attendance")


def revise(previous: Query, u: Understanding, rules: FundingRules) -> Query | None:
    """`previous` with what a follow-up message changes, or None when the message changes nothing
    this kind of question depends on."""
    new_facts = _facts_of(u)
    if previous.kind == CEILING:
        if not new_facts:
            return None
        facts = dict(previous.facts) | new_facts
        if new_facts.get("mode") == 1:  # mode 1 has no domains and no open-classroom extra
            for name in ("domains", "open_classroom"):
                if name not in new_facts:
                    facts.pop(name, None)
        return replace(previous, facts=facts)
    if previous.kind == ITEM:
        inputs = {k: v for k, v in _item_inputs(u).items() if k != "amounts"} | (
            {"amounts": _amounts(u)} if _amounts(u) else {}
        )
        item = _named_item(u) if _ITEM_SWITCH.search(u.normalised) else None
        if item is None and not inputs:
            return None
        merged = dict(previous.inputs) | inputs | {"text": u.normalised if item else previous.inputs.get("text", "")}
        if item is not None and item != previous.item:
            merged = {k: v for k, v in merged.items() if k in ("people", "days", "nights", "full_day")} | inputs
            merged["text"] = u.normalised
        return replace(previous, item=item or previous.item, inputs=merged)
    amounts = _amounts(u)
    if previous.kind in (CAPITAL, SHARE, TRANSFER) and (amounts or new_facts or _part(u)):
        inputs = dict(previous.inputs) | ({"amounts": amounts} if amounts else {})
        if previous.kind == CAPITAL and _part(u):
            inputs["part"] = _part(u)
        return replace(previous, facts=dict(previous.facts) | new_facts, inputs=inputs)
    if previous.kind in (CLOSEOUT, SCHOOL_YEAR) and (u.figures.dates or u.slots.year is not None):
        if u.figures.dates:
            return replace(previous, inputs={"dates": [_date_json(u)]})
        return replace(previous, kind=SCHOOL_YEAR, inputs={"year": u.slots.year})
    return None


# -- computing ---------------------------------------------------------------------------


def compute(query: Query, rules: FundingRules, plan: PlanRules, today: date) -> Result:
    """The result of `query` under the plan's rules; `today` counts days left and dates a 7/31."""
    try:
        if query.kind == CEILING:
            return _ceiling(query, rules)
        if query.kind == CAPITAL:
            return _capital(query, rules)
        if query.kind == SHARE:
            return _share(query, rules)
        if query.kind == TRANSFER:
            return _transfer(query, rules)
        if query.kind == CLOSEOUT:
            return _closeout(query, plan, today)
        if query.kind == SCHOOL_YEAR:
            return _school_year(query, plan)
        if query.kind == ITEM:
            return _item(query, rules)
        if query.kind == VERDICT:
            return _verdict(query, rules)
    except InvalidInput as error:
        return Refused(error)
    raise ValueError(f"unknown query kind {query.kind!r}")


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


def _ceiling(query: Query, rules: FundingRules) -> CeilingResult | Corrected | NeedFact:
    """The ceiling, or the next fact to ask. A question in words assumes no branch and no open
    classroom unless it says so; `/cap` on its own (inputs ask_all) asks every fact in turn."""
    facts, error = school_facts(query.facts)
    ask_all = bool(query.inputs.get("ask_all"))
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
            return Corrected(two, error) if error is not None else two
    if missing:
        return NeedFact(missing[0], facts, error)
    result = ceiling(rules, facts)
    return Corrected(result, error) if error is not None else result


def _split(amounts: list[int]) -> tuple[int, int | None]:
    """(base, planned): the larger amount is what the share is taken of, a smaller one what is planned."""
    ordered = sorted(amounts, reverse=True)
    return ordered[0], (ordered[1] if len(ordered) > 1 else None)


def _fits(cap: int, planned: int | None) -> tuple[bool | None, tuple[Bilingual, ...]]:
    if planned is None:
        return None, ()
    if planned <= cap:
        return True, (both(f"您編的 {money(planned, 'zh')} 在上限內。", f"Your {money(planned, 'en')} is within it."),)
    over = planned - cap
    return False, (
        both(
            f"您編的 {money(planned, 'zh')} 超過上限 {money(over, 'zh')}。",
            f"Your {money(planned, 'en')} is {money(over, 'en')} over it.",
        ),
    )


def _capital(query: Query, rules: FundingRules) -> Figure | NeedFact:
    part = query.inputs.get("part")
    mode = query.facts.get("mode")
    if part is None and mode != 1:
        facts, _ = school_facts(query.facts)
        return NeedFact("part", facts)
    rule: CapitalShare = rules.capital.partial_domains if part == "partial_domains" else rules.capital.bilingual_life
    base, planned = _split(list(query.inputs["amounts"]))
    cap = times(base, rule.share)
    label = rules.parts["bilingual_life" if part != "partial_domains" else "pd_teacher"].label
    what = both("部領（教師＋學生）", "partial domains (teacher + student)") if part == "partial_domains" else label
    ok, fit = _fits(cap, planned)
    notes = list(fit)
    if part != "partial_domains":
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
            f"{what.zh} {money(base, 'zh')} × {pct(rule.share)} = {money(cap, 'zh')}",
            f"{what.en} {money(base, 'en')} × {pct(rule.share)} = {money(cap, 'en')}",
        ),
        tuple(notes),
        (rule,),
        ok,
    )


def _share(query: Query, rules: FundingRules) -> Figure:
    item = rules.items.teaching_aids if query.item == "teaching_aids" else rules.items.misc
    base, planned = _split(list(query.inputs["amounts"]))
    result = share_cap(item, base)
    ok, fit = _fits(result.amount, planned)
    return Figure(result.amount, result.working, (*fit, *result.notes), (item,), ok)


def _transfer(query: Query, rules: FundingRules) -> Figure:
    rule = rules.transfer
    base, planned = _split(list(query.inputs["amounts"]))
    moved = times(base, rule.share)
    life = rules.ceilings.mode2_bilingual_life.amount
    ok, fit = _fits(moved, planned)
    conditions = "、".join(c.zh for c in rule.conditions), "; ".join(c.en for c in rule.conditions)
    notes = (
        *fit,
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
    )
    return Figure(
        moved,
        both(
            f"部領教師專業支持 {money(base, 'zh')} × {pct(rule.share)} = {money(moved, 'zh')}",
            f"teacher support {money(base, 'en')} × {pct(rule.share)} = {money(moved, 'en')}",
        ),
        notes,
        (rule, rules.ceilings.mode2_bilingual_life),
        ok,
    )


def _closeout(query: Query, plan: PlanRules, today: date) -> DateFigure | Refused:
    written = query.inputs["dates"][0]
    notes: list[Bilingual] = []
    if written.get("iso"):
        end = date.fromisoformat(written["iso"])
    elif written.get("year") is None:
        # 7/31 with no year: the plan year whose period holds that day (or the latest one).
        end = _undated_end(int(written["month"]), int(written["day"]), plan, today)
        notes.append(
            both(
                f"您沒寫年份，以 {end.year - 1911} 學年度計畫的 {end.isoformat()} 計算。",
                f"No year was given; counted as {end.isoformat()} (school year {end.year - 1911}).",
            )
        )
    else:
        raise InvalidInput(
            f"{written.get('year')}年{written.get('month')}月{written.get('day')}日 不是有效的日期。",
            f"{written.get('year')}-{written.get('month')}-{written.get('day')} is not a valid date.",
        )
    due = add_months(end, plan.closeout_months)
    calendar = written.get("calendar") or "gregorian"
    days_left = (due - today).days
    notes.append(
        both(f"距今 {days_left} 天。", f"{days_left} days from today.")
        if days_left >= 0
        else both(f"已過 {-days_left} 天。", f"{-days_left} days ago.")
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
    )


def _undated_end(month: int, day: int, plan: PlanRules, today: date) -> date:
    for _, start, end, _assumed in plan.periods:
        for year in (start.year, end.year):
            candidate = _safe_date(year, month, day)
            if candidate is not None and start <= candidate <= end:
                return candidate
    candidate = _safe_date(today.year, month, day)
    if candidate is None:
        raise InvalidInput(f"{month}月{day}日 不是有效的日期。", f"{month}/{day} is not a valid date.")
    return candidate


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _school_year(query: Query, plan: PlanRules) -> YearFigure | Refused:
    written_dates = query.inputs.get("dates")
    if written_dates:
        iso = written_dates[0].get("iso")
        if not iso:
            raise InvalidInput("這個日期不存在，請再確認。", "That date does not exist; please check it.")
        day = date.fromisoformat(iso)
        year, from_date = school_year_of(day), day
    else:
        year, from_date = int(query.inputs["year"]), None
    phase = next((p for p in plan.phases if p.first <= year <= p.last), None)
    if phase is None:
        return YearFigure(year, None, None, None, plan.phases[0].source if plan.phases else ("", ""), from_date)
    return YearFigure(year, phase.number, phase.first, phase.last, phase.source, from_date)


def _item(query: Query, rules: FundingRules) -> list[ItemAmount]:
    i = query.inputs
    text = str(i.get("text", ""))
    people = int(i.get("people") or 1)
    if query.item == "premium":
        return _premium(rules, i, text)
    if query.item == "lecture_fee":
        from knowledge.calculators import lecturer_type

        periods = int(i["periods"]) if i.get("periods") else int(Decimal(i["hours"])) if i.get("hours") else 1
        return [lecture_fee(rules, lecturer_type(text), periods, people)]
    if query.item == "consultation_fee":
        session = "online" if i.get("online") else "half_day" if i.get("half_day") else "day"
        return [consultation_fee(rules, Decimal(i.get("hours") or 1), session, people)]
    if query.item == "attendance_fee":
        return [attendance_fee(rules, people, int(i.get("occasions") or 1))]
    if query.item == "meals":
        days = int(i.get("days") or 1)
        count = int(i.get("meals") or (0 if i.get("full_day") else 1))
        return [meals(rules, people, count or 1, days, bool(i.get("full_day")) and not i.get("meals"))]
    if query.item == "lodging":
        return [lodging(rules, people, int(i.get("nights") or i.get("days") or 1))]
    if query.item == "teaching_materials":
        amounts = i.get("amounts") or []
        return [
            teaching_materials(
                rules, int(i.get("classes") or 1), int(i.get("periods") or 1), amounts[0] if amounts else None
            )
        ]
    if query.item == "language_study":
        return [language_study(rules, people, int(i.get("semesters") or 1))]
    if query.item == "data_collection":
        amounts = i.get("amounts") or []
        books = re.search(r"書|books?", text) is not None
        return [
            data_collection(
                rules, amounts[0] if amounts else None, books, re.search(r"書單|book list", text) is not None
            )
        ]
    raise InvalidInput("這個項目沒有計算規則。", "There is no calculation for this item.")


def _premium(rules: FundingRules, i: dict[str, Any], text: str) -> list[ItemAmount]:
    from knowledge.calculators import lecturer_type

    items: list[ItemAmount] = []
    fees: dict[str, int] = {}
    if i.get("periods") and re.search(_LECTURE, text):
        fee = lecture_fee(rules, lecturer_type(text), int(i["periods"]), int(i.get("people") or 1))
        items.append(fee)
        fees["lecture_fee"] = fee.amount
    if i.get("hours") and re.search(_CONSULT, text):
        fee = consultation_fee(
            rules, Decimal(i["hours"]), "online" if i.get("online") else "day", int(i.get("people") or 1)
        )
        items.append(fee)
        fees["consultation_fee"] = fee.amount
    if not fees:
        amounts = i.get("amounts") or []
        if not amounts:
            raise InvalidInput("請告訴我講座鐘點費或諮詢費的金額。", "Please give the lecture or consultation fee.")
        named = [
            k
            for k in rules.items.premium.base_items
            if re.search(
                {"lecture_fee": _LECTURE, "consultation_fee": _CONSULT, "attendance_fee": _ATTEND}.get(k, "^$"), text
            )
        ]
        fees = {(named or list(rules.items.premium.base_items))[0]: int(amounts[0])}
    result = premium(rules, fees)
    labels = [rules.items.all()[key].label for key in rules.items.premium.base_items]
    note = both(
        "計費項目：" + "、".join(label.zh for label in labels) + "的加總。",
        "Charged on the sum of: " + ", ".join(label.en.lower() for label in labels) + ".",
    )
    working = both(
        f"{money(result.base, 'zh')} × {pct(result.rate)} = {money(result.amount, 'zh')}",
        f"{money(result.base, 'en')} × {pct(result.rate)} = {money(result.amount, 'en')}",
    )
    return [*items, ItemAmount(result.amount, working, (note,), (result.source,))]


def _verdict(query: Query, rules: FundingRules) -> tuple[Verdict, Bilingual]:
    i = query.inputs
    text = str(i.get("text", ""))
    if query.item == "teaching_load":
        periods = int(i["periods"])
        lead = re.search(r"主要負責|負責人|總負責|lead|coordinator", text) is not None
        mode = int(query.facts.get("mode") or (2 if lead else 1))
        return teaching_load_check(rules, mode, periods, lead), both(
            f"減課每週 {periods} 節（模式{'一' if mode == 1 else '二'}{'，主要負責人' if lead else ''}）",
            f"Teaching-load reduction of {periods} periods a week (mode {mode}{', lead person' if lead else ''})",
        )
    if query.item == "equipment":
        kind = equipment_kind(rules, text)
        assert kind is not None
        price = int((i.get("amounts") or [0])[0])
        capital = re.search(r"經常門", text) is None
        label = rules.items.equipment.kinds[kind].label
        return equipment_check(rules, text, price, capital, re.search(r"偏遠|remote", text) is not None), both(
            f"{label.zh} 單價 {money(price, 'zh')}", f"{label.en} at {money(price, 'en')} each"
        )
    level = _LEVEL.search(text)
    assert level is not None
    english = re.search(r"英語老師|英文老師|英語教師|英文教師|english teacher", text) is not None
    role = (
        "admin"
        if re.search(r"行政|admin", text)
        else "substitute"
        if re.search(r"代理|代課|substitute", text)
        else "teacher"
    )
    part = "聽讀" if re.search(r"聽讀|listening", text) else "說寫" if re.search(r"說寫|speaking", text) else None
    claimed = [part] if re.search(r"已經|已補助|already|again|第二次|再", text) else []
    verdict = english_test_eligibility(
        rules,
        role=role,
        level=level.group(1),
        english_teacher=english,
        substitute_months=i.get("months"),
        part=part,
        claimed=claimed,
    )
    return verdict, both(
        f"英檢報名費（CEFR {level.group(1).upper()}）", f"English test fee (CEFR {level.group(1).upper()})"
    )
