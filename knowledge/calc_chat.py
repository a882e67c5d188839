"""Calculator questions in chat: `/cap` and natural-language questions, in Chinese and English.

Every channel calls the two entry points, `cap_command` and `try_calculation`. A ceiling question
that lacks a fact is answered with a question back, buttons and the facts gathered so far
(`pending`), which the dialog keeps per chat and hands back with the next message. Each button
sends a complete `/cap ...` command with every fact known so far, so tapping continues the flow
even when the dialog has lost `pending`; a typed number or yes/no continues it too.

In `pending`, None means "not asked yet" and False "no": `/cap` with no arguments asks every
step, while a question in words assumes no branch and no open classroom unless it says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from functools import lru_cache

from knowledge import loader
from knowledge.calculators import (
    CeilingResult,
    InvalidFacts,
    InvalidInput,
    ItemAmount,
    Line,
    SchoolFacts,
    Verdict,
    attendance_fee,
    ceiling,
    consultation_fee,
    data_collection,
    english_test_eligibility,
    equipment_check,
    equipment_kind,
    language_study,
    lecture_fee,
    lecturer_type,
    lodging,
    meals,
    money,
    pct,
    premium,
    share_cap,
    teaching_load_check,
    teaching_materials,
)
from knowledge.funding_rules import CapitalShare, Cited, FundingRules, Range, contains_any, default_rules
from knowledge.model import Bilingual
from knowledge.slots import extract
from knowledge.textnorm import MAX_QUESTION_CHARS, Normalizer, clean


@dataclass
class CalcReply:
    text: str  # full reply in the requested language, with the breakdown
    sources: list[str]  # plan and section of every rule used
    options: list[tuple[str, str]] = field(default_factory=list)  # (label, text sent back when tapped)
    pending: SchoolFacts | None = None  # facts so far when asking back; None when complete


# -- normalisation --------------------------------------------------------------------


@lru_cache(maxsize=1)
def _normalizer() -> Normalizer:
    return Normalizer(dict(loader.load_synonyms(loader.DATA_DIR, Normalizer())))


def normalise(text: str) -> str:
    """The engine's normalisation (English number words become digits there too)."""
    return _normalizer()(clean(text if isinstance(text, str) else "", MAX_QUESTION_CHARS))


# -- facts in a message ---------------------------------------------------------------

_NO = r"(?:沒有|沒|無|不含|不是|不要|不|no|not|without|don't|do not)"
_NO_BRANCH = re.compile(_NO + r"\s*(?:包括|包含|含|有)?\s*(?:分校|branch)")
_OPEN = re.compile(r"觀課")  # the synonyms fold 開放課室 / open classroom onto 觀課
_NO_OPEN = re.compile(_NO + r"\s*(?:自願|開放|open)?\s*觀課")
_YES_WORDS = re.compile(r"^(?:有|是|對|要|會|好|yes|y|yeah|yep|sure|ok)$")
_NO_WORDS = re.compile(r"^(?:沒有|沒|無|否|不|不要|不會|no|n|nope|none)$")
# A number as typed, sign, decimals and 萬 included (-5, 2.5, 1萬): the calculators refuse what is
# not a usable value with the reason, rather than the chat not seeing a number at all.
_NUMBER = r"(?<![\d.])(-?\d+(?:\.\d+)?)\s*(萬)?"
_BARE_NUMBER = re.compile(rf"^{_NUMBER}\s*(?:個|班|個班)?$")
# Where a number states a school fact, written however it is written (模式3, 2.5班, 1萬班, 2.5 domains).
_WRITTEN = {
    "mode": re.compile(rf"(?:模式|\bmode)\s*{_NUMBER}"),
    "classes": re.compile(rf"{_NUMBER}\s*(?:個)?\s*(?:班(?!次|級數)|class(?:es)?\b)"),
    "domains": re.compile(rf"{_NUMBER}\s*(?:個)?\s*(?:以上)?\s*(?:領域|domains?\b)"),
}
_CEILING_WORDS = re.compile(
    r"多少|最多|上限|額度|補助|經費|拿|how much|ceiling|maximum|\bmax\b|funding|grant|\bget\b|budget"
)
_AMOUNT_WORDS = re.compile(r"多少|最多|上限|額度|how much|ceiling|maximum|\bmax\b")
_QUESTION = re.compile(r"嗎|哪|什麼|怎麼|如何|為什麼|可不可以|能不能|\b(?:which|what|how|why|can|may|does|is)\b")
_KNOWLEDGE_WORDS = re.compile(
    r"項目|哪些|什麼|資本門|經常門|怎麼|如何|條件|\b(?:which|items|capital|recurrent|conditions|how do)\b"
)


def _typed_number(match: re.Match[str]) -> int | Decimal:
    """The number a match of _NUMBER wrote: 20, -5, 1萬 = 10000; 2.5 stays a Decimal."""
    value = Decimal(match.group(1))
    if match.group(2):
        value *= 10000
    return int(value) if value == value.to_integral_value() else value


def _refused(name: str, value: int | Decimal) -> bool:
    """Whether SchoolFacts refuses `value` as the fact `name`."""
    try:
        SchoolFacts(**{name: value})  # type: ignore[arg-type]
    except InvalidFacts:
        return True
    return False


def _unusable(text: str) -> dict[str, object]:
    """Facts stated with a number the slots do not read and SchoolFacts refuses (模式3, 2.5班, 1萬班).

    They are kept so that the reply says what is wrong with them instead of asking again as if
    nothing had been typed; a usable number the slots left alone (模式1 vs 模式2) stays unread.
    """
    found: dict[str, object] = {}
    for name, pattern in _WRITTEN.items():
        match = pattern.search(text)
        if match and _refused(name, value := _typed_number(match)):
            found[name] = value
    return found


def _facts_in(text: str) -> dict[str, object]:
    """School facts a normalised message states (only those it states)."""
    slots = extract(text)
    found = _unusable(text) | {k: v for k, v in slots.as_dict().items() if k in _WRITTEN}
    if _NO_BRANCH.search(text):
        found["branch"] = False
    elif slots.branch:
        found["branch"] = True
    if _NO_OPEN.search(text):
        found["open_classroom"] = False
    elif _OPEN.search(text):
        found["open_classroom"] = True
    return found


def _answer_to_step(text: str, step: str) -> dict[str, object]:
    """A bare number or yes/no typed in answer to the question of `step`."""
    number = _BARE_NUMBER.match(text)
    if number and step in _WRITTEN:
        value = _typed_number(number)
        two_or_more = step == "domains" and isinstance(value, int) and value >= 2
        return {step: 2 if two_or_more else value}
    if step in ("branch", "open_classroom"):
        if _NO_WORDS.match(text):
            return {step: False}
        if _YES_WORDS.match(text):
            return {step: True}
    return {}


def _continuation(text: str, pending: SchoolFacts) -> dict[str, object]:
    """Facts a message adds to a flow in progress: the fact asked for, or a school fact.

    A question that merely mentions 分校 or 觀課 is not taken as an answer unless that is
    what was asked, so an unrelated question during a flow still reaches the engine.
    """
    unknown = pending.unknown()
    if not unknown:
        return {}
    found = _facts_in(text)
    if _QUESTION.search(text) and not found.keys() & {"classes", "domains"}:
        return {}
    if unknown[0] in found or found.keys() & {"mode", "classes", "domains"}:
        return found
    return _answer_to_step(text, unknown[0])


def _merge(base: SchoolFacts, found: dict[str, object]) -> SchoolFacts:
    """`base` updated with `found`; switching to mode 1 drops the mode-2-only facts of `base`."""
    values = asdict(base) | found
    if values["mode"] == 1:
        for name in ("domains", "open_classroom"):
            if name not in found:
                values[name] = None
    return SchoolFacts(**values)


def _merge_or_explain(base: SchoolFacts, found: dict[str, object]) -> tuple[SchoolFacts, InvalidFacts | None]:
    """Merge; when the result is invalid keep `base` updated with only the valid facts."""
    try:
        return _merge(base, found), None
    except InvalidFacts as error:
        for name in ("classes", "domains", "open_classroom", "mode"):
            try:
                return _merge(base, {k: v for k, v in found.items() if k != name}), error
            except InvalidFacts:
                continue
        return base, error


# -- asking back ----------------------------------------------------------------------

_QUESTIONS = {
    "mode": ("請問貴校申請哪一種模式？", "Which mode is your school applying for?"),
    "classes": (
        "請問貴校有幾班？（班級數以本校計；也可以直接輸入數字）",
        "How many classes does your school have? (Count the main campus; you can also type the number.)",
    ),
    "domains": ("部領要實施幾個領域（科目）？", "In how many domains (subjects) will you teach bilingually?"),
    "branch": ("實施範圍有包括分校或分班嗎？", "Does the plan include a branch school or branch classes?"),
    "open_classroom": (
        "是否自願開放課室供他校教師入校觀課？",
        "Will you volunteer to open classrooms to teachers from other schools?",
    ),
}


def _token(name: str, value: object, lang: str) -> str:
    """The words of one fact in a `/cap` command; cap_command reads them back."""
    zh = lang != "en"
    if name == "mode":
        return f"模式{value}" if zh else f"mode {value}"
    if name == "classes":
        return f"{value}班" if zh else f"{value} classes"
    if name == "domains":
        return f"{value}領域" if zh else f"{value} domain{'s' if value != 1 else ''}"
    if name == "branch":
        return ("分校" if value else "無分校") if zh else ("branch" if value else "no branch")
    return ("開放課室" if value else "不開放課室") if zh else ("open classroom" if value else "no open classroom")


def _command(facts: SchoolFacts, lang: str, step: str, value: object) -> str:
    """The `/cap` command with every fact known so far and the answer `value` to `step`."""
    values = asdict(facts) | {step: value}
    return " ".join(["/cap"] + [_token(name, v, lang) for name, v in values.items() if v is not None])


def _class_ranges(rules: FundingRules, facts: SchoolFacts) -> list[Range]:
    """The class ranges that give different ceilings (every boundary of the tables that apply)."""
    if facts.mode == 1:
        return [tier.classes for tier in rules.ceilings.mode1.tiers]
    tables = rules.ceilings.partial_domains.tables
    if facts.domains is not None:
        tables = (rules.ceilings.partial_domains.table_for(facts.domains),)
    starts = sorted({tier.classes.low or 1 for table in tables for tier in table.tiers})
    return [
        Range(None if low == 1 else low, nxt - 1 if nxt else None)
        for low, nxt in zip(starts, [*starts[1:], None], strict=False)
    ]


def _options(rules: FundingRules, facts: SchoolFacts, step: str, lang: str) -> list[tuple[str, str]]:
    zh = lang != "en"
    choices: list[tuple[str, object]]
    if step == "mode":
        choices = [
            ("模式一：雙語生活化" if zh else "Mode 1: bilingual campus life", 1),
            ("模式二：雙語生活化＋部領" if zh else "Mode 2: campus life + partial domains", 2),
        ]
    elif step == "classes":
        choices = [(r.label(lang), r.high if r.high is not None else r.low) for r in _class_ranges(rules, facts)]
    elif step == "domains":
        choices = [("1 個領域" if zh else "1 domain", 1), ("2 個領域以上" if zh else "2 or more domains", 2)]
    elif step == "branch":
        choices = [("有分校或分班" if zh else "Yes, a branch", True), ("沒有" if zh else "No", False)]
    else:
        choices = [("自願開放課室" if zh else "Yes, open classrooms", True), ("不開放" if zh else "No", False)]
    return [(label, _command(facts, lang, step, value)) for label, value in choices]


def _ask(rules: FundingRules, facts: SchoolFacts, step: str, lang: str, prefix: str = "") -> CalcReply:
    zh, en = _QUESTIONS[step]
    text = zh if lang != "en" else en
    if step == "open_classroom":
        oc = rules.open_classroom
        text += (
            f"（每學期至少 {oc.min_sessions_per_semester} 次、接待至少 {oc.min_visitors_per_semester} 人；"
            f"國教署擇優補助 {oc.schools_selected} 校，可能另獲 {money(oc.amount, 'zh')}，不保證）"
            if lang != "en"
            else f" (at least {oc.min_sessions_per_semester} per semester, {oc.min_visitors_per_semester}+ visitors; "
            f"{oc.schools_selected} schools are selected for a possible extra {money(oc.amount, 'en')}, not guaranteed)"
        )
    return CalcReply(prefix + text, [], _options(rules, facts, step, lang), facts)


def _advance(rules: FundingRules, facts: SchoolFacts, lang: str, prefix: str = "") -> CalcReply:
    """Ask the next unknown fact, or answer with the ceiling."""
    unknown = facts.unknown()
    if unknown:
        return _ask(rules, facts, unknown[0], lang, prefix)
    result = ceiling(rules, facts)
    return CalcReply(prefix + format_ceiling(result, lang), result.sources(lang))


def _step(rules: FundingRules, base: SchoolFacts, found: dict[str, object], lang: str) -> CalcReply:
    facts, error = _merge_or_explain(base, found)
    prefix = f"{error.message(lang)}\n" if error else ""
    return _advance(rules, facts, lang, prefix)


# -- the ceiling as text --------------------------------------------------------------


def _facts_title(facts: SchoolFacts, lang: str) -> str:
    if lang == "en":
        bits = [f"mode {facts.mode}", f"{facts.classes} classes"]
        if facts.mode == 2:
            bits.append("1 domain" if facts.domains == 1 else "2 or more domains")
        bits += ["with a branch"] if facts.branch else []
        bits += ["open classroom"] if facts.open_classroom else []
        return "Funding ceiling for " + ", ".join(bits) + ":"
    bits = [f"模式{'一' if facts.mode == 1 else '二'}", f"{facts.classes} 班"]
    if facts.mode == 2:
        bits.append("1 個領域" if facts.domains == 1 else "2 個領域以上")
    bits += ["有分校或分班"] if facts.branch else []
    bits += ["自願開放課室"] if facts.open_classroom else []
    return "・".join(bits) + " 的補助上限："


def _line_text(line: Line, lang: str) -> str:
    label, amount, basis, section = (
        line.label.get(lang),
        money(line.amount, lang),
        line.basis.get(lang),
        line.rule.section.get(lang),
    )
    return f"・{label} {amount}（{basis}｜{section}）" if lang != "en" else f"- {label}: {amount} ({basis}; {section})"


def format_ceiling(result: CeilingResult, lang: str) -> str:
    """The ceiling with every part, the total, the capital caps and the rule behind each number."""
    zh = lang != "en"
    lines = [_facts_title(result.facts, lang)]
    lines += [_line_text(line, lang) for line in result.parts]
    lines.append(f"合計 {money(result.total, lang)}" if zh else f"Total: {money(result.total, lang)}")
    lines.append("資本門上限：" if zh else "Capital (equipment) caps:")
    lines += [_line_text(line, lang) for line in result.capital_caps]
    life_capital = next((line.rule for line in result.capital_caps if line.key == "bilingual_life"), None)
    if result.facts.mode == 2 and result.facts.branch and result.transfer and isinstance(life_capital, CapitalShare):
        # 20% of campus life with the branch extra is more than the 3萬 the plan writes (in the transfer
        # clause only), and the plan does not say which applies: say how it is read.
        after, share = money(result.transfer.rule.capital_cap_after, lang), pct(life_capital.share)
        lines.append(
            f"  有分校或分班時 {share} 高於 {after}：計畫只在併入條款寫 {after}，未說明此時是否仍以此為限；"
            f"此處以 {share} 計，請向地方政府確認。"
            if zh
            else f"  With a branch, {share} exceeds {after}, which the plan writes only for a transfer; it does not "
            f"say which applies. {share} is used; ask your local government."
        )
    if result.transfer:
        rule = result.transfer.rule
        conditions = ("、" if zh else "; ").join(c.get(lang) for c in rule.conditions)
        lines.append(
            f"部領教師經費最多可併入雙語生活化 {money(result.transfer.amount, lang)}（{pct(rule.share)}），條件：{conditions}；"
            f"併入後雙語生活化資本門仍不得超過 {money(rule.capital_cap_after, lang)}（{rule.section.get(lang)}）。"
            if zh
            else f"Up to {money(result.transfer.amount, lang)} ({pct(rule.share)}) of the teacher funding may move into "
            f"bilingual campus life ({rule.section.get(lang)}). Conditions: {conditions}. Its capital then stays at most "
            f"{money(rule.capital_cap_after, lang)}."
        )
    oc = result.open_classroom
    if oc is not None:
        terms = (
            f"每學期至少 {oc.min_sessions_per_semester} 次、每學期接待至少 {oc.min_visitors_per_semester} 人，"
            f"國教署擇優補助 {oc.schools_selected} 校"
            if zh
            else f"at least {oc.min_sessions_per_semester} session and {oc.min_visitors_per_semester} visitors "
            f"per semester; {oc.schools_selected} schools are selected"
        )
        if result.open_classroom_extra:
            lines.append(
                f"自願開放課室：可能另獲經常門 {money(oc.amount, lang)}，不保證、不計入合計（{terms}｜{oc.section.get(lang)}）。"
                if zh
                else f"Open classroom: a possible extra {money(oc.amount, lang)} (recurrent), not guaranteed "
                f"and not in the total ({terms}; {oc.section.get(lang)})."
            )
        else:
            lines.append(
                f"若自願開放課室，可能另獲 {money(oc.amount, lang)}（{terms}）。"
                if zh
                else f"Volunteering to open classrooms may add {money(oc.amount, lang)} ({terms})."
            )
    return "\n".join(lines)


# -- item questions -------------------------------------------------------------------

_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*萬\s*(\d{1,4})?|(?:nt\s*)?(\d+(?:\.\d+)?)\s*(?:元|塊|dollars?|ntd)|nt\s*(\d+)")
_LEVEL = re.compile(r"(?<![a-z])([abc][12])(?![0-9])")


def _number(text: str, units: str) -> int | None:
    """The first whole number written before one of `units` (a regex alternation)."""
    match = re.search(r"(?<![\d.])(\d{1,6})\s*(?:" + units + ")", text)
    return int(match.group(1)) if match else None


def _amount(text: str) -> int | None:
    """An amount in 元: 3萬, 1.5萬, 1萬8 (= 18,000), 18000元, nt 18000."""
    match = _AMOUNT.search(text)
    if not match:
        return None
    wan, rest, plain, nt = match.groups()
    if wan:
        extra = int(rest) * (1000 if len(rest) == 1 else 1) if rest else 0
        return int(float(wan) * 10000) + extra
    return int(float(plain or nt))


def _has(text: str, words: str) -> bool:
    return re.search(words, text) is not None


_PEOPLE = r"人|位|people|persons?|participants|teachers?|students?"
_PERIODS = r"節|periods?|sessions?|lessons?"
_HOURS = r"小時|hours?|hrs?|h\b"
_DAYS = r"天|日|days?"


def _premium_reply(rules: FundingRules, text: str) -> list[ItemAmount] | None:
    if not _has(text, r"補充保費|premium"):
        return None
    parts = [(key, item) for key, finder in _FEE_FINDERS if (item := finder(rules, text))]
    fees = {key: item.amount for key, item in parts}
    items = [item for _, item in parts]
    if not fees:
        amount = _amount(text)
        if amount is None:
            return None
        # A sum of fees, under the item the text names if any: the share is the same for each.
        base_items = rules.items.premium.base_items
        named = [key for key in base_items if contains_any(text, rules.items.all()[key].keywords)]
        fees = {(named or list(base_items))[0]: amount}
    result = premium(rules, fees)
    working = Bilingual(
        f"{money(result.base, 'zh')} × {pct(result.rate)} = {money(result.amount, 'zh')}",
        f"{money(result.base, 'en')} × {pct(result.rate)} = {money(result.amount, 'en')}",
    )
    labels = [rules.items.all()[key].label for key in rules.items.premium.base_items]
    note = Bilingual(
        "計費項目：" + "、".join(label.zh for label in labels) + "的加總。",
        "Charged on the sum of: " + ", ".join(label.en.lower() for label in labels) + ".",
    )
    return [*items, ItemAmount(result.amount, working, (note,), (result.source,))]


def _lecture(rules: FundingRules, text: str) -> ItemAmount | None:
    periods = _number(text, _PERIODS)
    if periods is None or not _has(text, r"講座|講師|演講|外聘|內聘|教授|專家|lecture|speaker|lecturer|professor"):
        return None
    people = _number(text, r"位(?:講師|教授|專家)?|lecturers?|speakers?") or 1
    return lecture_fee(rules, lecturer_type(text), periods, people)


def _consultation(rules: FundingRules, text: str) -> ItemAmount | None:
    hours = _number(text, _HOURS)
    if hours is None or not _has(text, r"諮詢|陪伴|consult"):
        return None
    session = (
        "online" if _has(text, r"線上|online") else "half_day" if _has(text, r"半日|半天|half day|half-day") else "day"
    )
    return consultation_fee(rules, hours, session, _number(text, r"位(?:專家|學者|顧問)|experts?") or 1)


def _attendance(rules: FundingRules, text: str) -> ItemAmount | None:
    people = _number(text, _PEOPLE)
    occasions = _number(text, r"次|場|meetings?|times")
    if not _has(text, r"出席|attendance") or (people is None and occasions is None):
        return None
    return attendance_fee(rules, people or 1, occasions or 1)


def _meals(rules: FundingRules, text: str) -> list[ItemAmount] | None:
    people = _number(text, _PEOPLE + r"|個|份|boxes")
    if people is None or not _has(text, r"膳|餐|便當|lunch|dinner|breakfast|meal"):
        return None
    days = _number(text, _DAYS) or 1
    count = _number(text, r"餐|meals?") or 1
    full_day = _has(text, r"全日|全天|一整天|整天|full day|whole day|all day")
    return [meals(rules, people, count, days, full_day)]


def _lodging(rules: FundingRules, text: str) -> list[ItemAmount] | None:
    people = _number(text, _PEOPLE)
    if people is None or not _has(text, r"住宿|lodging|hotel|accommodation"):
        return None
    return [lodging(rules, people, _number(text, r"晚|夜|" + _DAYS + r"|nights?") or 1)]


def _materials(rules: FundingRules, text: str) -> list[ItemAmount] | None:
    classes, periods = _number(text, r"班|classes"), _number(text, _PERIODS)
    if classes is None or periods is None or not _has(text, r"教學材料|teaching materials?"):
        return None
    funding = re.search(r"學生[^\d]{0,8}(\d+(?:\.\d+)?\s*萬\s*\d{0,4}|\d+\s*元)|student[^\d]{0,20}(\d+)", text)
    student = _amount(funding.group(1)) if funding and funding.group(1) else int(funding.group(2)) if funding else None
    return [teaching_materials(rules, classes, periods, student)]


def _language_study(rules: FundingRules, text: str) -> list[ItemAmount] | None:
    people = _number(text, _PEOPLE)
    if people is None or not _has(text, r"語言進修|language (?:study|course)"):
        return None
    return [language_study(rules, people, _number(text, r"學期|semesters?") or 1)]


def _shares(rules: FundingRules, text: str) -> list[ItemAmount] | None:
    item = (
        rules.items.teaching_aids
        if _has(text, r"教材教具|教具|teaching aids")
        else rules.items.misc
        if _has(text, r"雜支|miscellaneous")
        else None
    )
    if item is None or not _has(text, r"經常門"):
        return None
    amount = _amount(text)
    return [share_cap(item, amount)] if amount else None


def _data_collection(rules: FundingRules, text: str) -> list[ItemAmount] | None:
    amount = _amount(text)
    if amount is None or not _has(text, r"資料蒐集|資料搜集|reference materials"):
        return None
    books = _has(text, r"書|books?")
    return [data_collection(rules, amount, books, _has(text, r"書單|book list"))]


def _verdicts(rules: FundingRules, text: str) -> tuple[Verdict, Bilingual] | None:
    """Yes/no checks: teaching-load reduction, equipment price, English test fee."""
    if _has(text, r"減課"):
        periods = _number(text, _PERIODS)
        if periods is None:
            return None
        lead = _has(text, r"主要負責|負責人|總負責|lead|coordinator")
        mode = extract(text).mode or (2 if lead else 1)
        return teaching_load_check(rules, mode, periods, lead), Bilingual(
            f"減課每週 {periods} 節（模式{'一' if mode == 1 else '二'}{'，主要負責人' if lead else ''}）",
            f"Teaching-load reduction of {periods} periods a week (mode {mode}{', lead person' if lead else ''})",
        )
    kind = equipment_kind(rules, text)
    if kind is not None:
        price = _amount(text) or max((int(n) for n in re.findall(r"\d+", text)), default=0)
        if price < 100:  # "2 台平板" names a count, not a price: not a price check
            return None
        capital = not _has(text, r"經常門")
        label = rules.items.equipment.kinds[kind].label
        return equipment_check(rules, text, price, capital, _has(text, r"偏遠|remote")), Bilingual(
            f"{label.zh} 單價 {money(price, 'zh')}", f"{label.en} at {money(price, 'en')} each"
        )
    level = _LEVEL.search(text)
    if _has(text, r"英檢|報名費") and level:
        english = _has(text, r"英語老師|英文老師|英語教師|英文教師|english teacher")
        role = "admin" if _has(text, r"行政|admin") else "substitute" if _has(text, r"代理|substitute") else "teacher"
        months = _number(text, r"個月|months?")
        part = "聽讀" if _has(text, r"聽讀|listening") else "說寫" if _has(text, r"說寫|speaking") else None
        claimed = [part] if _has(text, r"已經|已補助|already|again|第二次|再") else []
        verdict = english_test_eligibility(
            rules,
            role=role,
            level=level.group(1),
            english_teacher=english,
            substitute_months=months,
            part=part,
            claimed=claimed,
        )
        return verdict, Bilingual(
            f"英檢報名費（CEFR {level.group(1).upper()}）", f"English test fee (CEFR {level.group(1).upper()})"
        )
    return None


# The fee items a premium question may name, by the item key the premium rule lists them under.
_FEE_FINDERS: tuple[tuple[str, Callable[[FundingRules, str], ItemAmount | None]], ...] = (
    ("lecture_fee", _lecture),
    ("consultation_fee", _consultation),
    ("attendance_fee", _attendance),
)


def _alone(
    finder: Callable[[FundingRules, str], ItemAmount | None],
) -> Callable[[FundingRules, str], list[ItemAmount] | None]:
    def find(rules: FundingRules, text: str) -> list[ItemAmount] | None:
        item = finder(rules, text)
        return [item] if item else None

    return find


# Tried in order; the premium comes first because it also shows the fee items it is charged on.
_ITEM_FINDERS: tuple[Callable[[FundingRules, str], list[ItemAmount] | None], ...] = (
    _premium_reply,
    *(_alone(finder) for _, finder in _FEE_FINDERS),
    _meals,
    _lodging,
    _materials,
    _language_study,
    _shares,
    _data_collection,
)


def _label_of(rule: Cited) -> Bilingual:
    return getattr(rule, "label", rule.section)


def _format_items(items: list[ItemAmount], lang: str) -> CalcReply:
    lines: list[str] = []
    rules: list[Cited] = []
    for item in items:
        rule = item.sources[0]
        rules += item.sources
        lines.append(
            f"{_label_of(rule).get(lang)}：{item.working.get(lang)}（{rule.section.get(lang)}）"
            if lang != "en"
            else f"{_label_of(rule).get(lang)}: {item.working.get(lang)} ({rule.section.get(lang)})"
        )
        lines += [f"  {note.get(lang)}" for note in item.notes]
    if len(items) > 1:
        total = sum(item.amount for item in items)
        lines.append(f"合計 {money(total, lang)}" if lang != "en" else f"Total: {money(total, lang)}")
    return CalcReply("\n".join(lines), list(dict.fromkeys(r.source(lang) for r in rules)))


def _format_verdict(verdict: Verdict, what: Bilingual, lang: str) -> CalcReply:
    # ok with problems left: only 「…為原則」 limits are exceeded, which a stated reason allows.
    if lang != "en":
        said = "不符合規定" if not verdict.ok else "超過「為原則」的上限，須敘明理由" if verdict.problems else "可以"
        head = f"{what.zh}：{said}。"
    else:
        said = (
            "not allowed"
            if not verdict.ok
            else "over a limit written 「…為原則」, allowed only with a stated reason"
            if verdict.problems
            else "allowed"
        )
        head = f"{what.en}: {said}."
    lines = (
        [head] + [f"・{p.message.get(lang)}" for p in verdict.problems] + [f"・{n.get(lang)}" for n in verdict.notes]
    )
    rules = [p.source for p in verdict.problems] + list(verdict.sources)
    sections = (
        "、".join(dict.fromkeys(r.section.get(lang) for r in rules))
        if lang != "en"
        else "; ".join(dict.fromkeys(r.section.get(lang) for r in rules))
    )
    lines.append(f"（{sections}）" if lang != "en" else f"({sections})")
    return CalcReply("\n".join(lines), list(dict.fromkeys(r.source(lang) for r in rules)))


def _item_reply(rules: FundingRules, text: str, lang: str) -> CalcReply | None:
    try:
        for finder in _ITEM_FINDERS:
            items = finder(rules, text)
            if items:
                return _format_items(items, lang)
        verdict = _verdicts(rules, text)
    except InvalidInput as error:
        return CalcReply(error.message(lang), [])
    return _format_verdict(*verdict, lang) if verdict else None


# -- entry points ---------------------------------------------------------------------


def _is_ceiling_question(text: str, found: dict[str, object]) -> bool:
    if "classes" in found:
        return (
            "mode" in found
            or "domains" in found
            or (_CEILING_WORDS.search(text) is not None and not _KNOWLEDGE_WORDS.search(text))
        )
    if "mode" in found:
        return _AMOUNT_WORDS.search(text) is not None and not _KNOWLEDGE_WORDS.search(text)
    return False


def try_calculation(question: str, lang: str, pending: SchoolFacts | None = None) -> CalcReply | None:
    """A calculator answer (or a question back) for `question`, or None when it is not a calculation."""
    rules = default_rules()
    text = normalise(question)
    if not text:
        return None
    if pending is not None:
        found = _continuation(text, pending)
        if found:
            return _step(rules, pending, found, lang)
    item = _item_reply(rules, text, lang)
    if item is not None:
        return item
    found = _facts_in(text)
    if not _is_ceiling_question(text, found):
        return None
    return _step(rules, SchoolFacts(branch=False, open_classroom=False), found, lang)


def cap_command(args: str, lang: str, pending: SchoolFacts | None = None) -> CalcReply:
    """`/cap 模式二 8班 2領域 分校`; with no arguments, asks for each fact in turn."""
    rules = default_rules()
    text = normalise(args)
    if not text:
        return _advance(rules, SchoolFacts(), lang)
    # Typed in one go, unstated branch / open classroom mean no; within a flow they are still asked.
    base = pending if pending is not None else SchoolFacts(branch=False, open_classroom=False)
    unknown = base.unknown()
    found = _facts_in(text) or (_answer_to_step(text, unknown[0]) if unknown else {})
    if not found:
        usage = (
            "看不懂這些條件。用法：/cap 模式二 8班 2領域 分校\n"
            if lang != "en"
            else "I could not read that. Usage: /cap mode 2 8 classes 2 domains branch\n"
        )
        return _advance(rules, base, lang, usage)
    return _step(rules, base, found, lang)
