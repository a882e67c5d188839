"""Pure calculators over the funding rules: a school's ceiling (附件2) and item amounts (附件3).

Every amount comes from `FundingRules` (knowledge/data/rules_*.yaml); this module only does the
arithmetic and says which rule each number comes from. Texts are bilingual (`Bilingual`) so
every channel can answer in the chat's language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from knowledge.errors import UserInputError
from knowledge.funding_rules import (
    LIMIT,
    PRINCIPLE,
    CapitalShare,
    Cited,
    FundingRules,
    Item,
    Money,
    OpenClassroom,
    Range,
    Transfer,
    cefr_rank,
    contains_any,
    keyword_form,
)
from knowledge.model import Bilingual

# An input sanity bound, not a plan rule: a school with more classes is a typing mistake.
MAX_CLASSES = 200

# Words that tell the kind of lecturer (講座鐘點費 has three rates) and a per-day meal budget.
_AFFILIATED_WORDS = ("隸屬", "所屬", "affiliated", "教育局", "教育處", "督學")  # as queries.lecturer_in
_INTERNAL_WORDS = ("內聘", "校內", "本校", "internal", "in-house", "our own")
_PER_DAY_WORDS = ("全日", "全天", "每日", "一日", "整天", "日", "天", "per day", "daily", "full day", "whole day")
LECTURERS = ("external", "affiliated", "internal")
SESSIONS = ("half_day", "day", "online")
ROLES = ("teacher", "substitute", "admin")


class InvalidInput(UserInputError):
    """An input a calculator cannot use; carries the message in both languages."""


class InvalidFacts(InvalidInput):
    """School facts that are out of range or contradict each other."""


# -- formatting shared by the chat replies and the budget report ----------------------


def money(amount: int | Decimal, lang: str) -> str:
    """150000 -> '150,000 元' (zh) / 'NT$150,000' (en); cents only when there are some."""
    value = Decimal(amount)
    text = f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"
    return f"NT${text}" if lang == "en" else f"{text} 元"


def pct(rate: Decimal) -> str:
    """Decimal('0.0211') -> '2.11%'."""
    return f"{rate * 100:f}".rstrip("0").rstrip(".") + "%"


def times(amount: Decimal | int, rate: Decimal) -> int:
    """amount × rate rounded half up to whole NT$ (how budgets round)."""
    return int((Decimal(amount) * rate).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def both(zh: str, en: str) -> Bilingual:
    return Bilingual(zh=zh, en=en)


# -- school facts ---------------------------------------------------------------------


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _shown(value: Any) -> str:
    """A value quoted back in a message, cut short: a 300-digit class count is not repeated whole."""
    text = str(value)
    return text if len(text) <= 15 else text[:15] + "…"


@dataclass(frozen=True)
class SchoolFacts:
    """What decides a school's ceiling. None means not known yet (a chat may still ask)."""

    mode: int | None = None
    classes: int | None = None
    domains: int | None = None  # 部領 domains: 1, or 2 meaning two or more
    branch: bool | None = None
    open_classroom: bool | None = None

    def __post_init__(self) -> None:
        if self.mode is not None and (not _whole(self.mode) or self.mode not in (1, 2)):
            raise InvalidFacts(
                f"模式只有模式一和模式二（收到的是 {_shown(self.mode)}）。",
                f"mode must be 1 or 2 (got {_shown(self.mode)}).",
            )
        if self.classes is not None:
            if not _whole(self.classes):
                raise InvalidFacts(
                    f"班級數必須是整數（收到的是 {_shown(self.classes)}）。",
                    f"classes must be a whole number (got {_shown(self.classes)}).",
                )
            if self.classes < 1:
                raise InvalidFacts(
                    f"班級數至少要 1 班（收到的是 {_shown(self.classes)}）。",
                    f"classes must be at least 1 (got {_shown(self.classes)}).",
                )
            if self.classes > MAX_CLASSES:
                raise InvalidFacts(
                    f"{_shown(self.classes)} 班不合理，請確認班級數（最多 {MAX_CLASSES} 班）。",
                    f"{_shown(self.classes)} classes is not plausible; please check (at most {MAX_CLASSES}).",
                )
        if self.domains is not None:
            if not _whole(self.domains) or self.domains not in (1, 2):
                raise InvalidFacts(
                    f"部領領域數請填 1 或 2（2 代表 2 個以上），不能是 {_shown(self.domains)}。",
                    f"domains must be 1 or 2 (2 means two or more); it cannot be {_shown(self.domains)}.",
                )
            if self.mode == 1:
                raise InvalidFacts(
                    "模式一沒有部分領域課程雙語教學，不需要填領域數。",
                    "mode 1 has no partial-domain teaching; leave out the number of domains.",
                )
        for name in ("branch", "open_classroom"):
            if getattr(self, name) is not None and not isinstance(getattr(self, name), bool):
                raise InvalidFacts(f"{name} 只能是「是」或「否」。", f"{name} must be yes or no.")
        if self.open_classroom and self.mode == 1:
            raise InvalidFacts("自願開放課室的額外補助只適用模式二。", "the open-classroom extra is for mode 2 only.")

    def unknown(self) -> list[str]:
        """Facts not known yet, in the order a chat asks for them."""
        steps = ["mode", "classes"]
        if self.mode != 1:
            steps.append("domains")
        steps.append("branch")
        if self.mode != 1:
            steps.append("open_classroom")
        return [name for name in steps if getattr(self, name) is None]

    def missing(self) -> list[str]:
        """Facts a ceiling cannot do without (branch and open classroom default to no)."""
        return [name for name in self.unknown() if name in ("mode", "classes", "domains")]


# -- the ceiling ----------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One number of a result with why it is that number and where the rule is written."""

    key: str
    label: Bilingual
    amount: int
    basis: Bilingual
    rule: Cited


@dataclass(frozen=True)
class TransferAllowance:
    """How much 部領 teacher funding may move into 雙語生活化; conditions and caps are in `rule`."""

    amount: int
    rule: Transfer


@dataclass(frozen=True)
class CeilingResult:
    facts: SchoolFacts
    parts: tuple[Line, ...]
    capital_caps: tuple[Line, ...]
    transfer: TransferAllowance | None = None
    # Mode 2's open-classroom rule: a possible extra for volunteering schools, never in the total.
    open_classroom: OpenClassroom | None = None

    @property
    def open_classroom_extra(self) -> int | None:
        """The possible extra when the school volunteers; None when it does not or cannot."""
        return self.open_classroom.amount if self.open_classroom and self.facts.open_classroom else None

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.parts)

    def amount(self, key: str) -> int:
        return next((line.amount for line in self.parts if line.key == key), 0)

    @property
    def partial_domains(self) -> int:
        """The partial-domain subtotal (teacher + student), as 附件2 writes it; 0 in mode 1."""
        return self.amount("pd_teacher") + self.amount("pd_student")

    def capital_cap(self, key: str) -> int:
        return next(line.amount for line in self.capital_caps if line.key == key)

    def part_ceiling(self, part: str) -> int:
        """The ceiling of a budget part; the branch extra belongs to 雙語生活化."""
        if part == "bilingual_life":
            return self.amount("bilingual_life") + self.amount("branch_extra")
        return self.amount(part)

    def sources(self, lang: str) -> list[str]:
        cited = [line.rule for line in (*self.parts, *self.capital_caps)]
        cited += [self.transfer.rule] if self.transfer else []
        cited += [self.open_classroom] if self.open_classroom else []
        return list(dict.fromkeys(rule.source(lang) for rule in cited))

    def to_json(self, lang: str = "zh") -> dict[str, Any]:
        facts = self.facts
        return {
            "mode": facts.mode,
            "classes": facts.classes,
            "domains": facts.domains,
            "branch": bool(facts.branch),
            "open_classroom": bool(facts.open_classroom),
            "parts": {line.key: line.amount for line in self.parts},
            "total": self.total,
            "capital_caps": {line.key: line.amount for line in self.capital_caps},
            "transfer_cap": self.transfer.amount if self.transfer else None,
            "bilingual_life_capital_cap_after_transfer": self.transfer.rule.capital_cap_after
            if self.transfer
            else None,
            "open_classroom_possible_extra": self.open_classroom_extra,
            "sources": self.sources(lang),
        }


def _domains_label(domains: Range, lang: str) -> str:
    if domains.low == domains.high == 1:
        return "1 個領域" if lang == "zh" else "1 domain"
    if lang == "en" and domains.high is None:
        return f"{domains.low}+ domains"
    return domains.label(lang, "個領域", "domains")


def _capital_line(key: str, label: Bilingual, base: int, rule: CapitalShare, base_text: Bilingual) -> Line:
    return Line(
        key,
        label,
        times(base, rule.share),
        both(f"{base_text.zh} × {pct(rule.share)}", f"{base_text.en} × {pct(rule.share)}"),
        rule,
    )


def ceiling(rules: FundingRules, facts: SchoolFacts) -> CeilingResult:
    """The most a school can be granted, part by part, with capital caps and the transfer allowance."""
    missing = facts.missing()
    if missing:
        names = {"mode": ("模式", "mode"), "classes": ("班級數", "classes"), "domains": ("部領領域數", "domains")}
        raise InvalidFacts(
            "還需要：" + "、".join(names[m][0] for m in missing) + "。",
            "still needed: " + ", ".join(names[m][1] for m in missing) + ".",
        )
    assert facts.mode is not None and facts.classes is not None
    ceilings = rules.ceilings
    life_label = rules.parts["bilingual_life"].label
    if facts.mode == 1:
        tier = ceilings.mode1.tier_for(facts.classes)
        life = Line(
            "bilingual_life",
            life_label,
            tier.amounts["bilingual_life"],
            both(tier.classes.label("zh"), tier.classes.label("en")),
            ceilings.mode1,
        )
    else:
        life = Line(
            "bilingual_life",
            life_label,
            ceilings.mode2_bilingual_life.amount,
            both("模式二固定額度", "fixed for mode 2"),
            ceilings.mode2_bilingual_life,
        )
    extra = ceilings.branch_extra.amount
    branch = Line(
        "branch_extra",
        both("分校或分班額外", "Branch school or class extra"),
        extra if facts.branch else 0,
        both("最高額外核定", "at most")
        if facts.branch
        else both(f"無；有分校或分班者最高 {money(extra, 'zh')}", f"none; up to {money(extra, 'en')} with a branch"),
        ceilings.branch_extra,
    )
    parts = [life, branch]
    life_total = life.amount + branch.amount
    capital = [
        _capital_line(
            "bilingual_life",
            life_label,
            life_total,
            rules.capital.bilingual_life,
            both(money(life_total, "zh"), money(life_total, "en")),
        )
    ]
    transfer = None
    if facts.mode == 2:
        assert facts.domains is not None
        pd = ceilings.partial_domains
        table = pd.table_for(facts.domains)
        tier = pd.tier_for(facts.domains, facts.classes)
        basis = both(
            f"{_domains_label(table.domains, 'zh')}、{tier.classes.label('zh')}",
            f"{_domains_label(table.domains, 'en')}, {tier.classes.label('en')}",
        )
        parts += [
            Line(key, rules.parts[key].label, tier.amounts[key], basis, pd) for key in ("pd_teacher", "pd_student")
        ]
        pd_total = tier.amounts["pd_teacher"] + tier.amounts["pd_student"]
        capital.append(
            _capital_line(
                "partial_domains",
                both("部領", "Partial-domain teaching"),
                pd_total,
                rules.capital.partial_domains,
                both(f"教師＋學生 {money(pd_total, 'zh')}", f"teacher + student {money(pd_total, 'en')}"),
            )
        )
        transfer = TransferAllowance(times(tier.amounts["pd_teacher"], rules.transfer.share), rules.transfer)
    open_classroom = rules.open_classroom if facts.mode == 2 else None
    return CeilingResult(facts, tuple(parts), tuple(capital), transfer, open_classroom)


# -- item calculators -----------------------------------------------------------------


@dataclass(frozen=True)
class ItemAmount:
    """An amount that may be budgeted for an item, how it was worked out, and the caps applied."""

    amount: int
    working: Bilingual
    notes: tuple[Bilingual, ...] = ()
    sources: tuple[Cited, ...] = ()
    ok: bool | None = None  # a planned amount was checked against the cap: True when it fits
    # the amount the question asked, worked on the items listed before it (the premium on the
    # lecture fees computed for it): the reply's first line names it, not only the sum of them all
    asked: bool = False
    # what the user's own price comes to when it fits the cap (「各1500」 for 2 people: 3,000): the
    # fee paid, which a premium is charged on, rather than the most that may be budgeted
    paid: int | None = None
    # paid as actually spent (travel, 覈實報支): the amount is the user's own, the plan sets no cap
    at_cost: bool = False
    # `ok` says whether a figure someone gave as the cap (「上限一晚2000 對嗎」) is the cap
    claimed: bool = False
    # an item only mode 2 funds, asked for a mode-1 school (語言進修費): not fundable there at all
    outside_the_mode: bool = False


@dataclass(frozen=True)
class Problem:
    """A rule an amount breaks; `code` is stable for programs, `message` is for people.

    `binding` is PRINCIPLE when the rule is written 「…為原則」: going over it needs a stated
    reason but is not forbidden, so it does not make a verdict not ok.
    """

    code: str
    message: Bilingual
    source: Cited
    binding: str = LIMIT


def _hard(problems: Sequence[Problem]) -> bool:
    """Whether any of `problems` breaks a hard limit (not only a 「…為原則」 one)."""
    return any(p.binding != PRINCIPLE for p in problems)


def _principle_note() -> Bilingual:
    """What going over a 「…為原則」 limit means, in both languages."""
    return both(
        "附件3 寫「…為原則」：這不是硬性上限，超過時須在計畫（申請書）中敘明理由。",
        "Annex 3 writes this limit 「…為原則」 (as a rule): it is not a hard cap, but going over it "
        "needs a reason stated in the plan/application.",
    )


@dataclass(frozen=True)
class Verdict:
    ok: bool  # no hard limit is broken; 「…為原則」 problems may remain, each needing a stated reason
    problems: tuple[Problem, ...] = ()
    notes: tuple[Bilingual, ...] = ()
    sources: tuple[Cited, ...] = ()


def _positive(value: Any, zh: str, en: str, allow_zero: bool = False) -> Decimal:
    try:
        number = Decimal(str(value))
    except ArithmeticError as exc:
        raise InvalidInput(f"{zh}必須是數字。", f"{en} must be a number.") from exc
    if isinstance(value, bool) or not number.is_finite() or number < 0 or (number == 0 and not allow_zero):
        raise InvalidInput(
            f"{zh}不能是負數。" if allow_zero else f"{zh}必須大於 0。",
            f"{en} cannot be negative." if allow_zero else f"{en} must be more than 0.",
        )
    return number


def _count(value: Decimal) -> str:
    """Decimal('20') -> '20', Decimal('2.50') -> '2.5'."""
    return f"{value.normalize():f}"


def counted(value: int | Decimal, word: str, plural: str | None = None) -> str:
    """English count with its noun: 1 day, 2 days, 1 person, 3 people."""
    one = Decimal(value) == 1
    return f"{_count(Decimal(value))} {word if one else plural or word + 's'}"


def _per_person(cap: Money, people: int, times: int, unit: tuple[str, str, str, str]) -> tuple[int, Bilingual]:
    """people × times × cap, with its working; `unit` = (zh name, en name, zh unit, en unit)."""
    zh_name, en_name, zh_unit, en_unit = unit
    n, k = _positive(people, "人數", "people"), _positive(times, zh_name, en_name)
    amount = int(n * k * cap)
    return amount, both(
        f"{_count(n)} 人 × {_count(k)} {zh_unit} × {money(cap, 'zh')} = {money(amount, 'zh')}",
        f"{counted(n, 'person', 'people')} × {counted(k, en_unit)} × {money(cap, 'en')} = {money(amount, 'en')}",
    )


def attendance_fee(rules: FundingRules, people: int, occasions: int = 1, price: int | None = None) -> ItemAmount:
    """`people` × `occasions` at the rule's cap, or at `price` each time when one under it was agreed."""
    rule = rules.items.attendance_fee
    rate = Money(min(rule.cap, price)) if price is not None else rule.cap
    amount, working = _per_person(rate, people, occasions, ("次數", "occasions", "次", "occasion"))
    notes: tuple[Bilingual, ...] = ()
    if price is not None and price > rate:
        notes = (
            both(
                f"出席費每人每次上限 {money(rule.cap, 'zh')}，您說的 {money(price, 'zh')} 超過的部分不補助。",
                f"The attendance fee is capped at {money(rule.cap, 'en')} per person per occasion; "
                f"the part of your {money(price, 'en')} above it is not funded.",
            ),
        )
    return ItemAmount(amount, working, notes, sources=(rule,))


def consultation_fee(
    rules: FundingRules, hours: int | Decimal, session: str = "day", people: int = 1, days: int = 1
) -> ItemAmount:
    """Hours beyond the cap of the session (half day, day, online) are not funded; `hours` are each
    day's when the consultation runs `days` days (「兩天都整天」: 2 × 6 hours)."""
    if session not in SESSIONS:
        raise InvalidInput("諮詢形式請選半日、一日或線上。", "session must be half_day, day or online.")
    rule = rules.items.consultation_fee
    h, n = _positive(hours, "時數", "hours"), _positive(people, "人數", "people")
    d = _positive(days, "天數", "days")
    cap = {"half_day": rule.half_day_hours, "day": rule.day_hours, "online": rule.online_hours}[session]
    allowed = min(h, Decimal(cap))
    amount = times(n * d * allowed, Decimal(rule.cap))
    names = {
        "half_day": ("半日", "half a day"),
        "day": ("一日", "a full day"),
        "online": ("線上諮詢每日", "online, per day"),
    }
    notes = []
    if h > cap:
        notes.append(
            both(
                f"{names[session][0]}最高核定 {cap} 小時，超過的 {_count(h - cap)} 小時不補助。",
                f"At most {cap} hours are funded for {names[session][1]}; the other {counted(h - cap, 'hour')} {'is' if h - cap == 1 else 'are'} not.",
            )
        )
    each_day = (f" × {_count(d)} 日", f" × {_count(d)} days") if d > 1 else ("", "")
    return ItemAmount(
        amount,
        both(
            f"{_count(n)} 人{each_day[0]} × {_count(allowed)} 小時 × {money(rule.cap, 'zh')} = {money(amount, 'zh')}",
            f"{_count(n)}{each_day[1]} × {_count(allowed)} h × {money(rule.cap, 'en')} = {money(amount, 'en')}",
        ),
        tuple(notes),
        (rule,),
    )


def lecturer_type(text: str) -> str:
    """'affiliated', 'internal' or 'external' (the default: a guest expert) from a description."""
    if contains_any(text, _AFFILIATED_WORDS):
        return "affiliated"
    if contains_any(text, _INTERNAL_WORDS):
        return "internal"
    return "external"


def lecture_rate(rules: FundingRules, lecturer: str) -> int:
    if lecturer not in LECTURERS:
        raise InvalidInput(
            "講座請選外聘、隸屬機關學校人員或內聘。", "lecturer must be external, affiliated or internal."
        )
    return int(getattr(rules.items.lecture_fee, lecturer))


_LECTURER_NAMES = {
    "external": ("外聘國內專家學者", "external expert"),
    "affiliated": ("外聘隸屬機關學校人員", "staff of an affiliated institution"),
    "internal": ("內聘", "internal lecturer"),
}


def lecture_fee(
    rules: FundingRules, lecturer: str, periods: int, people: int = 1, price: int | None = None
) -> ItemAmount:
    """`periods` of a lecturer's talk at the rule's rate for that lecturer, or at `price` a period
    when one under it was agreed."""
    rate = Decimal(lecture_rate(rules, lecturer))
    if price is not None:
        rate = min(rate, Decimal(price))
    p, n = _positive(periods, "節數", "periods"), _positive(people, "人數", "people")
    amount = int(p * n * rate)
    zh_name, en_name = _LECTURER_NAMES[lecturer]
    people_zh = f"{_count(n)} 人 × " if n != 1 else ""
    people_en = f"{_count(n)} × " if n != 1 else ""
    return ItemAmount(
        amount,
        both(
            f"{zh_name} {people_zh}{_count(p)} 節 × {money(rate, 'zh')} = {money(amount, 'zh')}",
            f"{en_name}: {people_en}{counted(p, 'period')} × {money(rate, 'en')} = {money(amount, 'en')}",
        ),
        sources=(rules.items.lecture_fee,),
    )


@dataclass(frozen=True)
class PremiumResult:
    base: int
    amount: int
    included: tuple[tuple[Bilingual, int], ...]
    excluded: tuple[tuple[str, int], ...]
    rate: Decimal
    source: Cited


def premium(rules: FundingRules, fees: Mapping[str, int | Decimal]) -> PremiumResult:
    """The supplementary premium on the fee items of 附件3 (other items in `fees` are left out).

    Keys are item keys (`lecture_fee`) or names as written in a budget (講座鐘點費(外聘)).
    """
    rule = rules.items.premium
    items = rules.items.all()
    included: list[tuple[Bilingual, int]] = []
    excluded: list[tuple[str, int]] = []
    for name, value in fees.items():
        amount = int(_positive(value, "金額", "amount", allow_zero=True))
        key = name if name in items else rules.match_item(name)
        if key in rule.base_items:
            included.append((items[key].label, amount))
        else:
            excluded.append((name, amount))
    base = sum(amount for _, amount in included)
    return PremiumResult(base, times(base, rule.rate), tuple(included), tuple(excluded), rule.rate, rule)


def meals(
    rules: FundingRules, people: int, meals_per_day: int = 1, days: int = 1, full_day: bool = False
) -> ItemAmount:
    """Meals for `people` over `days`; a person's day never costs more than the daily cap."""
    rule = rules.items.meals
    n, m, d = (
        _positive(people, "人數", "people"),
        _positive(meals_per_day, "餐數", "meals"),
        _positive(days, "天數", "days"),
    )
    by_meals = m * rule.per_meal
    per_day = Decimal(rule.per_day) if full_day else min(by_meals, Decimal(rule.per_day))
    amount = int(n * d * per_day)
    notes = [
        both(
            f"學生活動膳費同一標準（{rule.also_in.zh}）。",
            f"Student activities use the same rates ({rule.also_in.en}).",
        )
    ]
    if not full_day and by_meals > rule.per_day:
        notes.insert(
            0,
            both(
                f"每人每日上限 {money(rule.per_day, 'zh')}，{_count(m)} 餐以每日上限計。",
                f"A day is capped at {money(rule.per_day, 'en')} per person, so {_count(m)} meals count as one day.",
            ),
        )
    if full_day or by_meals > rule.per_day:
        working = both(
            f"{_count(n)} 人 × {_count(d)} 日 × {money(per_day, 'zh')} = {money(amount, 'zh')}",
            f"{counted(n, 'person', 'people')} × {counted(d, 'day')} × {money(per_day, 'en')} = {money(amount, 'en')}",
        )
    else:
        working = both(
            f"{_count(n)} 人 × {_count(m * d)} 餐 × {money(rule.per_meal, 'zh')} = {money(amount, 'zh')}",
            f"{counted(n, 'person', 'people')} × {counted(m * d, 'meal')} × {money(rule.per_meal, 'en')} = {money(amount, 'en')}",
        )
    return ItemAmount(amount, working, tuple(notes), (rule,))


def lodging(rules: FundingRules, people: int, nights: int = 1) -> ItemAmount:
    rule = rules.items.lodging
    amount, working = _per_person(rule.cap, people, nights, ("天數", "nights", "日", "night"))
    return ItemAmount(
        amount,
        working,
        (
            both(
                "為每人每日上限，實際以單據核實。", "This is the cap per person per day; claim what is actually spent."
            ),
        ),
        (rule,),
    )


def teaching_materials(
    rules: FundingRules, classes: int, periods: int, student_funding: int | None = None
) -> ItemAmount:
    """800 per class per period, at most 20% of the student-foundation funding when it is known."""
    rule = rules.items.teaching_materials
    c, p = _positive(classes, "班級數", "classes"), _positive(periods, "節數", "periods")
    raw = int(c * p * rule.cap)
    working = both(
        f"{_count(c)} 班 × {_count(p)} 節 × {money(rule.cap, 'zh')} = {money(raw, 'zh')}",
        f"{counted(c, 'class', 'classes')} × {counted(p, 'period')} × {money(rule.cap, 'en')} = {money(raw, 'en')}",
    )
    if student_funding is None:
        note = both(
            f"另不得超過學生奠基費用總編列經費的 {pct(rule.share)}。",
            f"It may also not exceed {pct(rule.share)} of the student-foundation budget.",
        )
        return ItemAmount(raw, working, (note,), (rule,))
    cap = times(_positive(student_funding, "學生經費", "student funding"), rule.share)
    notes = (
        both(
            f"上限：學生經費 {money(student_funding, 'zh')} × {pct(rule.share)} = {money(cap, 'zh')}"
            + ("，超過的部分不能編列。" if raw > cap else "。"),
            f"Cap: student funding {money(student_funding, 'en')} × {pct(rule.share)} = {money(cap, 'en')}"
            + (", the rest cannot be budgeted." if raw > cap else "."),
        ),
    )
    return ItemAmount(min(raw, cap), working, notes, (rule,))


def share_cap(item: Any, recurrent_total: int | Decimal) -> ItemAmount:
    """The cap of a share item (教材教具費, 雜支) on the mode's recurrent (經常門) budget."""
    base = _positive(recurrent_total, "經常門總額", "recurrent total", allow_zero=True)
    amount = int((base * item.share).to_integral_value(rounding=ROUND_FLOOR))
    return ItemAmount(
        amount,
        both(
            f"經常門 {money(base, 'zh')} × {pct(item.share)} = {money(amount, 'zh')}",
            f"recurrent {money(base, 'en')} × {pct(item.share)} = {money(amount, 'en')}",
        ),
        (_principle_note(),) if getattr(item, "binding", LIMIT) == PRINCIPLE else (),
        sources=(item,),
    )


def data_collection(
    rules: FundingRules, requested: int | None = None, books: bool = False, book_list: bool = False
) -> ItemAmount:
    rule = rules.items.data_collection
    asked = rule.cap if requested is None else int(_positive(requested, "金額", "amount"))
    amount = min(asked, rule.cap)
    notes = []
    if asked > rule.cap:
        notes.append(
            both(
                f"以 {money(rule.cap, 'zh')} 為限，超過的 {money(asked - rule.cap, 'zh')} 不能編列。",
                f"Capped at {money(rule.cap, 'en')}; the other {money(asked - rule.cap, 'en')} cannot be budgeted.",
            )
        )
    if books and not book_list:
        notes.append(both("購置書籍應檢附書單。", "Buying books needs a book list attached."))
    return ItemAmount(
        amount, both(f"上限 {money(rule.cap, 'zh')}", f"cap {money(rule.cap, 'en')}"), tuple(notes), (rule,)
    )


def language_study(rules: FundingRules, people: int, semesters: int = 1) -> ItemAmount:
    rule = rules.items.language_study
    n, s = _positive(people, "人數", "people"), _positive(semesters, "學期數", "semesters")
    amount = int(n * s * rule.cap)
    return ItemAmount(
        amount,
        both(
            f"{_count(n)} 人 × {_count(s)} 學期 × {money(rule.cap, 'zh')} = {money(amount, 'zh')}",
            f"{counted(n, 'person', 'people')} × {counted(s, 'semester')} × {money(rule.cap, 'en')} = {money(amount, 'en')}",
        ),
        (
            both(
                "只能編在部領教師專業支持費用，並必須優先補助執行部領雙語教學之教師。",
                "Only in the partial-domain teacher-support budget, and teachers of partial-domain "
                "bilingual classes come first.",
            ),
        ),
        (rule,),
    )


def english_test_eligibility(
    rules: FundingRules,
    *,
    role: str,
    level: str,
    english_teacher: bool = False,
    substitute_months: int | None = None,
    part: str | None = None,
    claimed: Sequence[str | None] = (),
    sat_test: bool = True,
) -> Verdict:
    """May this person's English test fee be funded?

    `part` is the part of a split test (e.g. TOEIC listening-reading) or None for a whole test;
    `claimed` lists the tests or parts already funded for the person this school year.
    """
    rule = rules.items.english_test
    source = rule
    if role not in ROLES:
        raise InvalidInput("身分請選教師、代理教師或行政人員。", "role must be teacher, substitute or admin.")
    rank = cefr_rank(level)
    if rank is None:
        raise InvalidInput(f"「{level}」不是 CEFR 等級（A1–C2）。", f"{level!r} is not a CEFR level (A1–C2).")
    problems: list[Problem] = []
    notes: list[Bilingual] = []
    months = rule.substitute_min_months
    if role == "substitute":
        if substitute_months is None:
            notes.append(
                both(f"代理教師須為 {months} 個月以上。", f"Substitutes must be employed for {months} months or more.")
            )
        elif substitute_months < months:
            problems.append(
                Problem(
                    "english_test.substitute",
                    both(
                        f"代理教師須為 {months} 個月以上（目前 {substitute_months} 個月）。",
                        f"Substitutes must be employed for {months} months or more (this one: {substitute_months}).",
                    ),
                    source,
                )
            )
    required = rule.english_teacher_level if english_teacher and role != "admin" else rule.other_level
    if rank < cefr_rank(required):  # type: ignore[operator]
        who = (
            both("英語教師", "English teachers")
            if english_teacher and role != "admin"
            else both("非英語教師及行政人員", "other staff")
        )
        problems.append(
            Problem(
                "english_test.level",
                both(
                    f"{who.zh}只補助 CEFR {required}（含）以上檢測的報名費，{level.upper()} 不在補助範圍。",
                    f"For {who.en}, only fees for tests at CEFR {required} or above are reimbursed; "
                    f"{level.upper()} is not covered.",
                ),
                source,
            )
        )
    same = sum(1 for c in claimed if c is None or part is None or c == part)
    if same >= rule.times_per_year:
        what = both(f"分項「{part}」", f"the part {part!r}") if part else both("完整檢測", "a whole test")
        problems.append(
            Problem(
                "english_test.once",
                both(
                    f"每人每學年{what.zh}至多補助 {rule.times_per_year} 次，今年已補助過。",
                    f"At most {rule.times_per_year} funded {what.en} per person per school year; already used.",
                ),
                source,
            )
        )
    if not sat_test:
        problems.append(
            Problem(
                "english_test.sat",
                both("受補助者必須具備應試事實（實際到考）。", "The person must actually sit the test."),
                source,
            )
        )
    return Verdict(not problems, tuple(problems), tuple(notes), (source,))


def equipment_kind(rules: FundingRules, text: str) -> str | None:
    """Which capped kind of equipment a description names, first match in file order."""
    return next((key for key, kind in rules.items.equipment.kinds.items() if contains_any(text, kind.keywords)), None)


def equipment_segments(rules: FundingRules, text: str) -> list[tuple[str, str]]:
    """Each capped kind of equipment a description names, in the order written, with the words
    from its name up to the next one's (「筆電一台29800 加平板一台14000」: the laptop's price, then
    the tablet's); one kind named twice counts once."""
    norm = keyword_form(text)
    starts: dict[str, int] = {}
    for key, kind in rules.items.equipment.kinds.items():
        found = [norm.find(keyword_form(word)) for word in kind.keywords if keyword_form(word) in norm]
        if found:
            starts[key] = min(found)
    order = sorted(starts, key=starts.__getitem__)
    ends = [starts[key] for key in order[1:]] + [len(norm)] if order else []
    return [(key, norm[starts[key] : end]) for key, end in zip(order, ends, strict=True)]


def equipment_check(
    rules: FundingRules, item: str, unit_price: int | Decimal, capital: bool = True, remote_funded: bool = False
) -> Verdict:
    """Unit-price caps of 附件3 設備費, the under-1萬-goes-to-經常門 rule and the remote-school ban."""
    rule = rules.items.equipment
    source = rule
    price = _positive(unit_price, "單價", "unit price")
    problems: list[Problem] = []
    kind_key = equipment_kind(rules, item)
    if kind_key:
        kind = rule.kinds[kind_key]
        if price > kind.cap:
            cap_zh, cap_en, price_zh, price_en = (
                money(kind.cap, "zh"),
                money(kind.cap, "en"),
                money(price, "zh"),
                money(price, "en"),
            )
            message = (
                both(
                    f"{kind.label.zh}單價上限以 {cap_zh}為原則，{price_zh}超過此原則上限："
                    "不是硬性禁止，但須在計畫（申請書）中敘明理由。",
                    f"{kind.label.en}: the unit price cap is {cap_en} as a rule (為原則); {price_en} is over it "
                    "— not forbidden, but the plan/application must state a reason.",
                )
                if kind.binding == PRINCIPLE
                else both(
                    f"{kind.label.zh}單價上限 {cap_zh}，{price_zh}超過上限。",
                    f"{kind.label.en}: the unit price cap is {cap_en}; {price_en} is over it.",
                )
            )
            problems.append(Problem("equipment.cap", message, source, kind.binding))
    if capital and price < rule.capital_min_unit:
        problems.append(
            Problem(
                "equipment.under_min",
                both(
                    f"單價 {money(price, 'zh')}未達 {money(rule.capital_min_unit, 'zh')}，應改編列於經常門。",
                    f"Unit price {money(price, 'en')} is under {money(rule.capital_min_unit, 'en')}: "
                    "budget it as recurrent (經常門), not capital.",
                ),
                source,
            )
        )
    if not capital and price >= rule.capital_min_unit:
        # 附件3 lists 設備費 under 資本門 and moves only a unit price under 1 萬 to 經常門
        problems.append(
            Problem(
                "equipment.over_min",
                both(
                    f"設備費屬資本門；單價未達 {money(rule.capital_min_unit, 'zh')}才改編列於經常門，"
                    f"單價 {money(price, 'zh')}應編列於資本門。",
                    f"Equipment is a capital item; only a unit price under {money(rule.capital_min_unit, 'en')} "
                    f"moves to recurrent (經常門), so {money(price, 'en')} each belongs under capital.",
                ),
                source,
            )
        )
    if remote_funded and contains_any(item, rule.remote_banned):
        problems.append(
            Problem(
                "equipment.remote",
                both(
                    "已獲偏遠地區學校及非山非市學校設施設備計畫補助的偏遠地區學校，本案不再補助一般資訊設備。",
                    "Remote schools already funded by the remote-area facilities plan may not buy general IT equipment here.",
                ),
                source,
            )
        )
    return Verdict(not _hard(problems), tuple(problems), sources=(source,))


def teaching_load_check(rules: FundingRules, mode: int, periods: int, lead: bool = False, people: int = 1) -> Verdict:
    """減課: at most 4 periods a week per person; in mode 2 one lead person up to 6 (`people` is how
    many are asked about at once: 「兩位總召都減6節」 asks the lead's allowance for two)."""
    rule = rules.teaching_load
    source = rule
    p = _positive(periods, "減課節數", "periods", allow_zero=True)
    problems: list[Problem] = []
    cap = rule.per_person
    if lead and mode == 2 and people <= rule.leads:
        cap = rule.lead
    elif lead and mode == 2 and p > rule.per_person:
        problems.append(
            Problem(
                "teaching_load.leads",
                both(
                    f"每週減課 {rule.lead} 節的主要負責人以 {rule.leads} 人為限；其他人每週不超過 {rule.per_person} 節。",
                    f"Only {rule.leads} lead person may have {rule.lead} periods a week; "
                    f"everyone else at most {rule.per_person}.",
                ),
                source,
            )
        )
    elif lead and p > rule.per_person:  # a mode-1 lead asking for the mode-2 lead's allowance
        problems.append(
            Problem(
                "teaching_load.lead_mode",
                both(
                    f"只有模式二可有 {rule.leads} 位主要負責整體計畫推動者減課至每週 {rule.lead} 節；模式一每人每週不超過 {rule.per_person} 節。",
                    f"Only mode 2 may have {rule.leads} lead person with up to {rule.lead} periods a week; "
                    f"in mode 1 everyone is capped at {rule.per_person}.",
                ),
                source,
            )
        )
    if p > cap and not any(problem.code == "teaching_load.leads" for problem in problems):  # said once
        problems.append(
            Problem(
                "teaching_load.cap",
                both(
                    f"每週減課不超過 {cap} 節，{_count(p)} 節超過。",
                    f"At most {cap} periods a week; {_count(p)} is over.",
                ),
                source,
            )
        )
    notes = (
        both(
            f"主要負責人減課以 {rule.leads} 人為限；減課應經校內公平、公正、公開機制確認。",
            f"The lead reduction is for {rule.leads} person only; reductions need the school's fair and open procedure.",
        ),
    )
    return Verdict(not problems, tuple(problems), notes, (source,))


# -- unit caps of budget lines --------------------------------------------------------


@dataclass(frozen=True)
class UnitCap:
    cap: int
    unit: Bilingual
    label: Bilingual
    source: Cited


def unit_cap(rules: FundingRules, item_key: str, text: str) -> UnitCap | None:
    """The cap on the unit price of a budget line of item `item_key`, as its text describes it.

    Equipment has its own check (`equipment_check`), which also knows the 經常門/資本門 rule.
    """
    items = rules.items
    item: Item = items.all()[item_key]
    if item_key == "lecture_fee":
        lecturer = lecturer_type(text)
        zh_name, en_name = _LECTURER_NAMES[lecturer]
        return UnitCap(
            lecture_rate(rules, lecturer),
            items.lecture_fee.unit,
            both(f"講座鐘點費（{zh_name}）", f"Lecture fee ({en_name})"),
            item,
        )
    if item_key == "meals":
        per_day = contains_any(text, _PER_DAY_WORDS)
        return UnitCap(
            items.meals.per_day if per_day else items.meals.per_meal,
            both("每人每日", "per person per day") if per_day else both("每人每餐", "per person per meal"),
            item.label,
            item,
        )
    cap = getattr(item, "cap", None)
    unit = getattr(item, "unit", None)
    if cap is None or unit is None:
        return None
    return UnitCap(cap, unit, item.label, item)
