"""The funding rules of a plan (ceilings of 附件2, item rules of 附件3) as typed objects.

They are loaded from knowledge/data/rules_*.yaml, where every number is written as the plan
writes it ("15萬", "2,000", "2萬5,000", "20%") next to the verbatim passage it comes from, so a
new plan year is a data change and every number can be traced to the plan. The loader is strict
(unknown or missing keys, class ranges with gaps) because a typo here would become a wrong
amount in a coordinator's budget.
"""

from __future__ import annotations

import re
import types
from collections.abc import Iterator, Mapping
from dataclasses import MISSING, dataclass, fields, is_dataclass
from decimal import Decimal
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints

import yaml

from knowledge import loader
from knowledge.errors import PolicybotError
from knowledge.model import Bilingual, Document
from knowledge.textnorm import Normalizer, any_word

RULES_FILE = loader.DATA_DIR / "rules_moe_115.yaml"
# Keys that say where a rule is written rather than what it says: their digits ("附件2") are
# not numbers of the rule.
PLACE_KEYS = {"section", "also_in"}

_MONEY = re.compile(r"^(?:(\d+(?:\.\d+)?)萬)?(\d{1,3}(?:,\d{3})+|\d+)?$")
_RATE = re.compile(r"^(\d+(?:\.\d+)?)%$")
_CEFR = ("A1", "A2", "B1", "B2", "C1", "C2")
# How hard a limit is. 附件3 writes some limits 「…為原則」 (as a rule: exceeding them needs a stated
# reason) and others as hard limits (「不得逾」, 「以…為限」); `binding` on a rule says which.
LIMIT, PRINCIPLE = "limit", "principle"
BINDINGS = (LIMIT, PRINCIPLE)


class RulesError(PolicybotError):
    """The rules file cannot be loaded; the message names the file and the key."""


class Money(int):
    """An amount in NT$, written in YAML as the plan writes it: 15萬, 2,000, 2萬5,000."""


class Rate(Decimal):
    """A share, written in YAML as a percentage: 20%, 2.11%."""


def parse_money(value: Any) -> int:
    """'15萬' -> 150000, '2萬5,000' -> 25000, '2,000' -> 2000, 800 -> 800."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    match = _MONEY.match(re.sub(r"\s+", "", str(value)))
    if not match or not any(match.groups()):
        raise ValueError(f"not an amount: {value!r} (write it like 15萬, 2,000 or 2萬5,000)")
    wan, rest = match.groups()
    total = Decimal(wan or 0) * 10000 + Decimal((rest or "0").replace(",", ""))
    if total != total.to_integral_value():
        raise ValueError(f"not a whole amount: {value!r}")
    return int(total)


def parse_rate(value: Any) -> Decimal:
    """'20%' -> Decimal('0.20'), '2.11%' -> Decimal('0.0211')."""
    match = _RATE.match(str(value).strip())
    if not match:
        raise ValueError(f"not a percentage: {value!r} (write it like 20% or 2.11%)")
    return Decimal(match.group(1)) / 100


def cefr_rank(level: str) -> int | None:
    """Position of a CEFR level (A1 = 0 ... C2 = 5); None when it is not one."""
    level = level.strip().upper()
    return _CEFR.index(level) if level in _CEFR else None


@dataclass(frozen=True)
class Range:
    """An inclusive range of whole numbers; None is an open end."""

    low: int | None
    high: int | None

    def __contains__(self, value: object) -> bool:
        return (
            isinstance(value, int)
            and (self.low is None or value >= self.low)
            and (self.high is None or value <= self.high)
        )

    def label(self, lang: str, unit_zh: str = "班", unit_en: str = "classes") -> str:
        """'12 班以下' / '13–35 班' / '36 班以上'; in English 'up to 12 classes', '13–35 classes', '36+ classes'."""
        if self.low is None and self.high is not None:
            return f"{self.high} {unit_zh}以下" if lang == "zh" else f"up to {self.high} {unit_en}"
        if self.high is None and self.low is not None:
            return f"{self.low} {unit_zh}以上" if lang == "zh" else f"{self.low}+ {unit_en}"
        if self.low == self.high:
            return f"{self.low} {unit_zh}" if lang == "zh" else f"{self.low} {unit_en}"
        return f"{self.low}–{self.high} {unit_zh}" if lang == "zh" else f"{self.low}–{self.high} {unit_en}"


# -- rules ----------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Cited:
    """A rule with where it is written and the verbatim passages behind its numbers."""

    plan: Bilingual  # the plan's short name (from documents.yaml), filled in by the loader
    section: Bilingual
    quotes: tuple[str, ...]

    def source(self, lang: str) -> str:
        """The citation shown to users: plan short name and section."""
        return f"{self.plan.get(lang)} {self.section.get(lang)}"


@dataclass(frozen=True, kw_only=True)
class Part(Cited):
    label: Bilingual
    aliases: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Tier:
    classes: Range
    amounts: dict[str, Money]


@dataclass(frozen=True, kw_only=True)
class TierTable(Cited):
    tiers: tuple[Tier, ...]

    def tier_for(self, classes: int) -> Tier:
        return next(tier for tier in self.tiers if classes in tier.classes)


@dataclass(frozen=True, kw_only=True)
class DomainTable:
    domains: Range
    tiers: tuple[Tier, ...]


@dataclass(frozen=True, kw_only=True)
class PartialDomainCeilings(Cited):
    tables: tuple[DomainTable, ...]

    def table_for(self, domains: int) -> DomainTable:
        return next(table for table in self.tables if domains in table.domains)

    def tier_for(self, domains: int, classes: int) -> Tier:
        return next(tier for tier in self.table_for(domains).tiers if classes in tier.classes)


@dataclass(frozen=True, kw_only=True)
class FixedAmount(Cited):
    amount: Money


@dataclass(frozen=True, kw_only=True)
class Ceilings:
    mode1: TierTable
    mode2_bilingual_life: FixedAmount
    branch_extra: FixedAmount
    partial_domains: PartialDomainCeilings


@dataclass(frozen=True, kw_only=True)
class CapitalShare(Cited):
    share: Rate
    requires_note: bool = False
    reading: Bilingual | None = None  # how policybot reads the rule where the plan is unclear


@dataclass(frozen=True, kw_only=True)
class Pooling(Cited):
    pooled: bool
    reading: Bilingual  # which reading of 附件2 備註2 the checker applies, shown in its report


@dataclass(frozen=True, kw_only=True)
class Excluded(Cited):
    keywords: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class CapitalRules:
    bilingual_life: CapitalShare
    partial_domains: CapitalShare
    pooling: Pooling
    excluded: Excluded


@dataclass(frozen=True, kw_only=True)
class Transfer(Cited):
    share: Rate
    capital_cap_after: Money
    conditions: tuple[Bilingual, ...]


@dataclass(frozen=True, kw_only=True)
class OpenClassroom(Cited):
    label: Bilingual
    amount: Money
    min_sessions_per_semester: int
    min_visitors_per_semester: int
    schools_selected: int


@dataclass(frozen=True, kw_only=True)
class Item(Cited):
    """A budget item of 附件3; subclasses add the item's caps."""

    label: Bilingual
    keywords: tuple[str, ...]
    only_parts: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class UnitCapItem(Item):
    cap: Money
    unit: Bilingual


@dataclass(frozen=True, kw_only=True)
class ConsultationRule(UnitCapItem):
    half_day_hours: int
    day_hours: int
    online_hours: int


@dataclass(frozen=True, kw_only=True)
class LectureRule(Item):
    external: Money
    affiliated: Money
    internal: Money
    unit: Bilingual


@dataclass(frozen=True, kw_only=True)
class PremiumRule(Item):
    rate: Rate
    base_items: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class MealRule(Item):
    also_in: Bilingual
    per_meal: Money
    per_day: Money


@dataclass(frozen=True, kw_only=True)
class ShareItem(Item):
    share: Rate
    binding: str = LIMIT  # PRINCIPLE when the plan writes the share 「…為原則」


@dataclass(frozen=True, kw_only=True)
class MaterialsRule(UnitCapItem):
    share: Rate


@dataclass(frozen=True, kw_only=True)
class DataCollectionRule(Item):
    cap: Money
    book_words: tuple[str, ...]
    book_list_words: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class EnglishTestRule(Item):
    times_per_year: int
    substitute_min_months: int
    english_teacher_level: str
    other_level: str


@dataclass(frozen=True, kw_only=True)
class LanguageStudyRule(UnitCapItem):
    substitute_min_months: int


@dataclass(frozen=True, kw_only=True)
class EquipmentKind:
    label: Bilingual
    keywords: tuple[str, ...]
    cap: Money
    binding: str = LIMIT  # PRINCIPLE when the plan writes the cap 「…為原則」


@dataclass(frozen=True, kw_only=True)
class EquipmentRule(Item):
    capital_min_unit: Money
    kinds: dict[str, EquipmentKind]
    remote_banned: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class ItemRules:
    """附件3's items in the order budget lines and questions are matched against them.

    The rules file lists them in the same order (the loader checks), so the file reads as
    the matcher works: an item whose words contain another item's words comes first.
    """

    attendance_fee: UnitCapItem
    consultation_fee: ConsultationRule
    lecture_fee: LectureRule
    substitute_insurance: Item
    teaching_fee: Item
    substitute_fee: Item
    work_fee: Item
    premium: PremiumRule
    printing: Item
    student_travel: Item
    travel: Item
    lodging: UnitCapItem
    meals: MealRule
    teaching_materials: MaterialsRule
    teaching_aids: ShareItem
    data_collection: DataCollectionRule
    misc: ShareItem
    student_prizes: Item
    english_test: EnglishTestRule
    language_study: LanguageStudyRule
    venue: Item
    equipment: EquipmentRule

    def all(self) -> dict[str, Item]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True, kw_only=True)
class TeachingLoadRule(Cited):
    per_person: int
    lead: int
    leads: int


@dataclass(frozen=True, kw_only=True)
class FundingRules:
    plan: Bilingual
    document: str
    parts: dict[str, Part]
    ceilings: Ceilings
    capital: CapitalRules
    transfer: Transfer
    open_classroom: OpenClassroom
    items: ItemRules
    teaching_load: TeachingLoadRule

    def substitute_floor(self, item: str | None) -> int | None:
        """The months a substitute must be employed for an item to cover them (「含正式及 3 個月以上代理
        教師」), if the item says so."""
        rule = self.items.all().get(item or "")
        return rule.substitute_min_months if isinstance(rule, (EnglishTestRule, LanguageStudyRule)) else None

    def only_in_mode_two(self, item: str | None) -> bool:
        """Whether an item (語言進修費, 外部場地使用費) may be budgeted only in parts that mode 1 has none of."""
        rule = self.items.all().get(item or "")
        mode1_parts = {part for tier in self.ceilings.mode1.tiers for part in tier.amounts}
        return rule is not None and bool(rule.only_parts) and not set(rule.only_parts) & mode1_parts

    def match_item(self, text: str) -> str | None:
        """The key of the first item (in file order) one of whose keywords is in `text`."""
        norm = keyword_form(text)
        return next((key for key, words in self._item_words if words.search(norm)), None)

    def item_named_last(self, text: str) -> str | None:
        """The key of the item whose keyword is written last in `text` (「講師費3萬 餐費2萬 雜支」: misc),
        the amount after it being that item's."""
        norm = keyword_form(text)
        ends = [(found.end(), key) for key, words in self._item_words for found in words.finditer(norm)]
        return max(ends)[1] if ends else None

    def shares_of_the_recurrent(self) -> tuple[str, ...]:
        """The items capped as a share of the recurrent budget (雜支 10%, 教材教具費 20%)."""
        return tuple(key for key, rule in self.items.all().items() if isinstance(rule, ShareItem))

    def items_in(self, text: str) -> set[str]:
        """The keys of every item one of whose keywords is in `text`."""
        norm = keyword_form(text)
        return {key for key, words in self._item_words if words.search(norm)}

    @cached_property
    def _item_words(self) -> tuple[tuple[str, re.Pattern[str]], ...]:
        """Each item's key and its keywords as one regex, in file order (read on every message)."""
        return tuple(
            (key, any_word(keyword_form(word) for word in item.keywords)) for key, item in self.items.all().items()
        )

    def without_items_but(self, text: str, kept: set[str]) -> str:
        """`text` with the keywords of every item but those `kept` blanked: 「那印刷费5000也要一起算进去吗」
        read again for 「工作费呢」 asks it of the work fee, not of printing too."""
        for key, words in self._item_words:
            if key not in kept:
                text = words.sub(" ", text)
        return text

    def match_part(self, text: str) -> str | None:
        """The part a budget line's `part` cell names, by its key or any of its aliases."""
        norm = keyword_form(text)
        for key, part in self.parts.items():
            if norm in (keyword_form(name) for name in (key, *part.aliases)):
                return key
        return None


_BASE = Normalizer()


@lru_cache(maxsize=8192)
def keyword_form(text: str) -> str:
    """The form keywords and texts are compared in: normalised, without spaces."""
    return _BASE.base(text).replace(" ", "")


def contains_any(text: str, words: tuple[str, ...]) -> bool:
    norm = keyword_form(text)
    return any(keyword_form(word) in norm for word in words)


# -- loading --------------------------------------------------------------------------


def _convert(kind: Any, value: Any, where: str, plan: Bilingual) -> Any:
    try:
        if kind is Money:
            return Money(parse_money(value))
        if kind is Rate:
            return Rate(parse_rate(value))
    except ValueError as exc:
        raise RulesError(f"{where}: {exc}") from exc
    if kind is bool:
        if not isinstance(value, bool):
            raise RulesError(f"{where}: must be true or false")
        return value
    if kind is int:
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise RulesError(f"{where}: must be a whole number")
        return value
    if kind is str:
        if not isinstance(value, (str, int)) or not str(value).strip():
            raise RulesError(f"{where}: must be non-empty text")
        return str(value).strip()
    if kind is Range:
        if not (
            isinstance(value, list)
            and len(value) == 2
            and all(v is None or (isinstance(v, int) and not isinstance(v, bool)) for v in value)
        ):
            raise RulesError(f"{where}: must be [min, max] with whole numbers or null")
        return Range(value[0], value[1])
    origin = get_origin(kind)
    if origin is types.UnionType:  # an optional field (X | None) that is present
        (inner,) = (arg for arg in get_args(kind) if arg is not type(None))
        return _convert(inner, value, where, plan)
    if origin is tuple:
        if not isinstance(value, list):
            raise RulesError(f"{where}: must be a list")
        return tuple(_convert(get_args(kind)[0], v, f"{where}[{i}]", plan) for i, v in enumerate(value))
    if origin is dict:
        if not isinstance(value, dict) or not value:
            raise RulesError(f"{where}: must be a non-empty mapping")
        return {str(k): _convert(get_args(kind)[1], v, f"{where}.{k}", plan) for k, v in value.items()}
    if isinstance(kind, type) and is_dataclass(kind):
        return _build(kind, value, where, plan)
    raise RulesError(f"{where}: cannot read a {kind}")  # a field type this loader does not know


def _build(cls: type, raw: Any, where: str, plan: Bilingual) -> Any:
    """Build dataclass `cls` from a YAML mapping, strictly: no unknown keys, none missing."""
    if not isinstance(raw, dict):
        raise RulesError(f"{where}: must be a mapping")
    hints = get_type_hints(cls)
    wanted = [f for f in fields(cls) if f.init]
    names = {f.name for f in wanted} - {"plan"}
    unknown = set(raw) - names
    if unknown:
        raise RulesError(f"{where}: unknown key(s): {', '.join(sorted(map(str, unknown)))}")
    values: dict[str, Any] = {}
    for f in wanted:
        if f.name == "plan":
            values["plan"] = plan
        elif f.name in raw:
            values[f.name] = _convert(hints[f.name], raw[f.name], f"{where}.{f.name}", plan)
        elif f.default is MISSING and f.default_factory is MISSING:
            raise RulesError(f"{where}: missing key '{f.name}'")
    built = cls(**values)
    if isinstance(built, Cited) and not built.quotes:
        raise RulesError(f"{where}: needs at least one quote")
    return built


def _check_cover(tiers: tuple[Tier, ...], where: str) -> None:
    """Class ranges must cover 1, 2, 3 ... with no gap and no overlap."""
    ranges = sorted((t.classes for t in tiers), key=lambda r: r.low or 0)
    expected = 1
    for rng in ranges:
        if (rng.low or 1) != expected:
            raise RulesError(f"{where}: class ranges must follow each other from 1 (gap or overlap at {expected})")
        if rng.high is None:
            if rng is not ranges[-1]:
                raise RulesError(f"{where}: only the last class range may be open")
            return
        expected = rng.high + 1
    raise RulesError(f"{where}: the last class range must be open (e.g. [36, null])")


def _validate(rules: FundingRules, raw: dict[str, Any], file: str) -> None:
    order = [f.name for f in fields(ItemRules)]
    if list(raw["items"]) != order:
        raise RulesError(f"{file}: items must be listed in the order they are matched: {', '.join(order)}")
    mode1 = rules.ceilings.mode1
    _check_cover(mode1.tiers, f"{file}: ceilings.mode1")
    if any(set(t.amounts) != {"bilingual_life"} for t in mode1.tiers):
        raise RulesError(f"{file}: ceilings.mode1 tiers must give only bilingual_life")
    pd = rules.ceilings.partial_domains
    for index, table in enumerate(pd.tables):
        _check_cover(table.tiers, f"{file}: ceilings.partial_domains.tables[{index}]")
        if any(set(t.amounts) != {"pd_teacher", "pd_student"} for t in table.tiers):
            raise RulesError(f"{file}: partial_domains tiers must give pd_teacher and pd_student")
    for domains in (1, 2):
        if sum(domains in table.domains for table in pd.tables) != 1:
            raise RulesError(f"{file}: exactly one partial_domains table must cover {domains} domain(s)")
    if set(rules.parts) != {"bilingual_life", "pd_teacher", "pd_student"}:
        raise RulesError(f"{file}: parts must be bilingual_life, pd_teacher and pd_student")
    items = rules.items.all()
    for key, item in items.items():
        if not set(item.only_parts) <= set(rules.parts):
            raise RulesError(f"{file}: items.{key}.only_parts names an unknown part")
    if not set(rules.items.premium.base_items) <= set(items):
        raise RulesError(f"{file}: items.premium.base_items names an unknown item")
    for level in (rules.items.english_test.english_teacher_level, rules.items.english_test.other_level):
        if cefr_rank(level) is None:
            raise RulesError(f"{file}: items.english_test level {level!r} is not a CEFR level (A1–C2)")
    _check_bindings(rules, raw, file)


def _principle_worded(written: Any, quotes: tuple[str, ...]) -> bool:
    """Whether the plan writes this number 「…為原則」 in one of the quotes (20%為原則, 3萬元為原則)."""
    number = re.escape(loader.squash(str(written)))
    return any(re.search(number + "元?為原則", loader.squash(quote)) for quote in quotes)


def _check_bindings(rules: FundingRules, raw: dict[str, Any], file: str) -> None:
    """`binding` is limit or principle, and principle exactly where the plan writes 「…為原則」."""
    checked: list[tuple[str, str, Any, tuple[str, ...]]] = []
    for key, item in rules.items.all().items():
        if isinstance(item, ShareItem):
            checked.append((f"items.{key}", item.binding, raw["items"][key]["share"], item.quotes))
    equipment = rules.items.equipment
    for key, kind in equipment.kinds.items():
        written = raw["items"]["equipment"]["kinds"][key]["cap"]
        checked.append((f"items.equipment.kinds.{key}", kind.binding, written, equipment.quotes))
    for where, binding, written, quotes in checked:
        if binding not in BINDINGS:
            raise RulesError(f"{file}: {where}.binding must be one of {', '.join(BINDINGS)}, not {binding!r}")
        worded = _principle_worded(written, quotes)
        if worded != (binding == PRINCIPLE):
            raise RulesError(
                f"{file}: {where}.binding is {binding} but the plan writes {written} "
                + ("「…為原則」: use binding: principle" if worded else "as a hard limit: use binding: limit")
            )


def read_raw(path: Path | None = None) -> dict[str, Any]:
    path = path or RULES_FILE
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=loader.YAML_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        raise RulesError(f"{path.name}: cannot be read: {exc}") from exc
    if not isinstance(raw, dict):
        raise RulesError(f"{path.name}: must be a mapping")
    return raw


def load_rules(path: Path | None = None, data_dir: Path | None = None) -> FundingRules:
    """Load and validate a rules file (default: the 115 Bilingual Campus Plan) against the plans
    of `data_dir` (default: the packaged knowledge base)."""
    path = path or RULES_FILE
    return build_rules(read_raw(path), path.name, loader.load_documents(data_dir or loader.DATA_DIR))


def build_rules(raw: dict[str, Any], file: str, documents: Mapping[str, Document]) -> FundingRules:
    """Validated rules from an already read rules file (`file` names it in error messages)."""
    if raw.get("document") not in documents:
        raise RulesError(f"{file}: 'document' must be one of {', '.join(documents)}")
    rules: FundingRules = _build(FundingRules, raw, file, documents[raw["document"]].short)
    _validate(rules, raw, file)
    return rules


@lru_cache(maxsize=1)
def default_rules() -> FundingRules:
    return load_rules()


# -- provenance -----------------------------------------------------------------------


def _rules_with_quotes(node: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        if "quotes" in node:
            yield where, node
            return
        for key, value in node.items():
            yield from _rules_with_quotes(value, f"{where}.{key}" if where else str(key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _rules_with_quotes(value, f"{where}[{index}]")


def _rule_numbers(node: Any) -> set[str]:
    """Every number written in a rule's values, outside its quotes and places.

    Of a text in both languages ({zh, en}) only the Chinese counts, as for the knowledge base's
    answers: the English says the same with NT$ amounts written differently.
    """
    if isinstance(node, dict) and set(node) == {"zh", "en"}:
        return _rule_numbers(node["zh"])
    if isinstance(node, dict):
        found: set[str] = set()
        for key, value in node.items():
            if key not in PLACE_KEYS and key != "quotes":
                found |= _rule_numbers(value)
        return found
    if isinstance(node, list):
        return set().union(*(_rule_numbers(v) for v in node)) if node else set()
    if node is None or isinstance(node, bool):
        return set()
    return loader.numbers_in(str(node))


def provenance_problems(raw: dict[str, Any], plan_text: str) -> list[str]:
    """Rules without quotes, quotes not in the plan text, numbers of a rule in none of its quotes.

    Every top-level group but `document` is made of rules; each rule must carry `quotes`.
    """
    problems: list[str] = []
    text = loader.squash(plan_text)
    for group, node in raw.items():
        if group == "document":
            continue
        children = node.items() if isinstance(node, dict) and "quotes" not in node else [(None, node)]
        for name, child in children:
            where = f"{group}.{name}" if name else group
            if not isinstance(child, dict) or "quotes" not in child:
                problems.append(f"{where}: rule has no quotes")
        for where, rule in _rules_with_quotes(node, group):
            quotes = [str(q) for q in rule.get("quotes") or []]
            backed: set[str] = set()
            for quote in quotes:
                if loader.squash(quote) not in text:
                    problems.append(f"{where}: quote not in the plan text: {quote[:60]}")
                backed |= loader.numbers_in(quote)
            for number in sorted(_rule_numbers(rule) - backed, key=lambda n: (len(n), n)):
                problems.append(f"{where}: number {number} is in none of the rule's quotes")
    return problems
