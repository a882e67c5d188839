"""Reply wording in both languages, phone first: the answer (the number, the date, or yes/no) in
the first line, the working and conditions after it, and one compact source line naming each plan
once. The full breakdown of a ceiling is one tap (or the word 詳細 / details) away.

Every channel renders these `Reply` objects (plain text, buttons); the JSON of `policybot ask
--json` and `chat --jsonl` is `Reply.to_json()`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from knowledge.calculators import CeilingResult, ItemAmount, Line, SchoolFacts, Verdict, counted, money, pct
from knowledge.compute import CLOSEOUT_TITLE, CeilingAnswer, DateFigure, Figure, NeedFact, YearFigure
from knowledge.dates import ROC_OFFSET, gregorian_to_roc, roc_date
from knowledge.engine import Answer, Suggestion
from knowledge.funding_rules import CapitalShare, Cited, FundingRules, Range
from knowledge.model import Bilingual
from knowledge.textnorm import to_simplified
from knowledge.understand import RULE_ASKED, Understanding, asks_if_capped

# Telegram's callback_data is limited to 64 bytes; LINE postback data to 300.
BUTTON_DATA_LIMIT = 64

ANSWER, CALCULATION, CLARIFICATION, NOT_IN_PLANS, UNSURE, COMMAND = (
    "answer",
    "calculation",
    "clarification",
    "not_in_plans",
    "unsure",
    "command",
)
CONFIDENT_ROUTES = (ANSWER, CALCULATION)


class ButtonDataTooLong(ValueError):
    """A button payload over Telegram's 64 bytes: a bug to fix, never something to drop silently."""


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # handed back to Dialog.handle_button when tapped

    def __post_init__(self) -> None:
        if len(self.data.encode()) > BUTTON_DATA_LIMIT:
            raise ButtonDataTooLong(f"button data over {BUTTON_DATA_LIMIT} bytes: {self.data!r}")


@dataclass(frozen=True)
class Card:
    """What a rich card (a LINE Flex bubble) shows of a reply, from the values its text was worded
    from (handlers/cards.py builds it beside the text): the figure or date large under `title`,
    the parts or working as (label, value) rows, notes, the source line in small type, and the
    follow-up buttons at the foot."""

    headline: str  # the figure or date: "250,000 元", "114年5月5日"
    title: str  # what the headline is: "模式一・20 班 最多補助合計"
    rows: tuple[tuple[str, str], ...] = ()  # parts or working: ("雙語生活化", "25萬")
    notes: tuple[str, ...] = ()
    source: str = ""  # the reply's compact source line
    actions: tuple[Button, ...] = ()  # details, the closest related question, ...


@dataclass
class Reply:
    """One reply: `text` is what a chat shows (body and source line), the rest is for programs."""

    text: str
    buttons: list[Button] = field(default_factory=list)
    lang: str = "zh"
    route: str = COMMAND
    intent: str | None = None
    confidence: float = 1.0
    sources: list[str] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)
    body: str = ""  # the text without the source line
    card: Card | None = None  # the same reply as a card, for channels that show cards (LINE)

    @property
    def confident(self) -> bool:
        return self.route in CONFIDENT_ROUTES

    def to_json(self) -> dict[str, Any]:
        return {
            "intent": self.intent,
            "confidence": round(self.confidence, 3),
            "answer": self.body or self.text,
            "sources": list(self.sources),
            "suggestions": [{"intent": s.intent, "title": s.title} for s in self.suggestions],
            "lang": self.lang,
            "route": self.route,
            "context": dict(self.context),
        }


def in_simplified(reply: Reply) -> Reply:
    """A Chinese reply as a chat writing Simplified Chinese reads it: every shown string converted,
    the buttons' data (handed back when tapped) left as it is."""
    if reply.lang != "zh":
        return reply
    card = reply.card
    if card is not None:
        card = replace(
            card,
            headline=to_simplified(card.headline),
            title=to_simplified(card.title),
            rows=tuple((to_simplified(a), to_simplified(b)) for a, b in card.rows),
            notes=tuple(to_simplified(n) for n in card.notes),
            source=to_simplified(card.source),
            actions=tuple(_simplified_button(b) for b in card.actions),
        )
    return replace(
        reply,
        text=to_simplified(reply.text),
        body=to_simplified(reply.body),
        buttons=[_simplified_button(b) for b in reply.buttons],
        suggestions=[Suggestion(s.intent, to_simplified(s.title)) for s in reply.suggestions],
        card=card,
    )


def _simplified_button(button: Button) -> Button:
    return Button(to_simplified(button.label), button.data)


# Plan names that start citations ("雙語生活化校園計畫 附件2 模式一"), longest first; the dialog
# registers those of the loaded knowledge base so that a source line names each plan once.
PLAN_NAMES: list[str] = []


def register_plans(names: list[str]) -> None:
    PLAN_NAMES[:] = sorted(set(PLAN_NAMES) | {n for n in names if n}, key=len, reverse=True)


def compose(
    body: str,
    lang: str,
    *,
    route: str,
    sources: list[str] | None = None,
    buttons: list[Button] | None = None,
    **meta: Any,
) -> Reply:
    """A reply with its compact source line under the body."""
    sources = list(dict.fromkeys(sources or []))
    text = body + ("\n" + source_line(sources, lang) if sources else "")
    return Reply(text, buttons or [], lang, route=route, sources=sources, body=body, **meta)


def _plan_of(source: str) -> tuple[str, str]:
    for plan in PLAN_NAMES:
        if source.startswith(plan):
            return plan, source[len(plan) :].lstrip(" ,，")
    return "", source


def source_line(sources: list[str], lang: str) -> str:
    """'📖 雙語生活化校園計畫 附件2 模式一；附件2 備註2': the plan named once, then its sections."""
    by_plan: dict[str, list[str]] = {}
    for source in sources:
        plan, section = _plan_of(source)
        by_plan.setdefault(plan, []).append(section)
    separator = "；" if lang == "zh" else "; "
    parts = [
        f"{plan} {separator.join(dict.fromkeys(s for s in sections if s))}".strip()
        for plan, sections in by_plan.items()
    ]
    return ("📖 出處：" if lang != "en" else "📖 Source: ") + (" ／ " if lang != "en" else " / ").join(parts)


def wan(amount: int | Decimal, lang: str) -> str:
    """A compact amount for a line of working: 150000 -> '15萬' / 'NT$150,000'."""
    value = Decimal(amount)
    if lang != "en" and value >= 10000 and value % 1000 == 0:
        return f"{(value / 10000).normalize():f}萬"
    return money(amount, lang)


# -- context: what the chat told earlier, said back in a few words ----------------------------


def facts_label(facts: dict[str, Any], lang: str) -> str:
    """「20 班・模式二・2 個領域」 / "20 classes, mode 2, 2 domains"."""
    zh = lang != "en"
    bits = []
    if "level" in facts:
        bits.append(
            str(facts["level"])
            if zh
            else {"國小": "elementary", "國中": "junior high", "高中": "senior high"}.get(
                str(facts["level"]), str(facts["level"])
            )
        )
    if "mode" in facts:
        bits.append(f"模式{'一' if facts['mode'] == 1 else '二'}" if zh else f"mode {facts['mode']}")
    if "classes" in facts:
        bits.append(f"{facts['classes']} 班" if zh else counted(facts["classes"], "class", "classes"))
    if facts.get("domains") is not None and facts.get("mode") != 1:
        bits.append(_domains(int(facts["domains"]), lang))
    if facts.get("branch"):
        bits.append("有分校" if zh else "a branch")
    if "year" in facts:
        bits.append(f"{facts['year']} 學年度" if zh else f"school year {facts['year']}")
    if "period_end" in facts:
        bits.append(
            f"執行期間到 {facts['period_end']}" if zh else f"period ending {_period_end_en(str(facts['period_end']))}"
        )
    return ("・" if zh else ", ").join(bits)


def _period_end_en(written: str) -> str:
    """「116/7/31」 (民國) as "2027/7/31"; a Gregorian or year-less day as written."""
    year, _, rest = written.partition("/")
    roc = year.isdigit() and int(year) < 1000 and rest.count("/") == 1
    return f"{int(year) + ROC_OFFSET}/{rest}" if roc else written


def _domains(domains: int, lang: str) -> str:
    if lang == "en":
        return "1 domain" if domains == 1 else "2+ domains"
    return "1 個領域" if domains == 1 else "2 個領域以上"


def with_context(body: str, context: dict[str, Any], lang: str) -> str:
    """Say which earlier facts a reply used, so a wrong carry-over is seen at once."""
    if not context:
        return body
    label = facts_label(context, lang)
    if not label:
        return body
    note = f"（依您先前說的：{label}）" if lang != "en" else f"(Using what you said: {label})"
    first, _, rest = body.partition("\n")
    return f"{first}\n{note}" + (f"\n{rest}" if rest else "")


# What a yes-or-no question asks: whether something is allowed (「可以…嗎」), required (「一定要…嗎」)
# or so (「會算進額度嗎」「上限是25萬嗎」); the yes or no is worded for it.
PERMISSION, OBLIGATION, FACT, MEETS, RULE, CAPPED = "permission", "obligation", "fact", "meets", "rule", "capped"
# 「小獎品可以報嗎 有沒有金額上限」: both asked, of an item with no cap: the yes, then that no cap is set
ALLOWED_UNCAPPED = "allowed_uncapped"
_RULING_WORDS = {
    PERMISSION: ("可以。", "不可以。"),
    OBLIGATION: ("要。", "不用。"),
    RULE: ("有規定。", "沒有規定。"),  # 「有規定英語至少要佔幾成嗎」
    FACT: ("是。", "不是。"),
    MEETS: ("符合。", "不符合。"),
    CAPPED: ("有上限。", "計畫沒有訂上限。"),  # 「印刷費有上限嗎」
    ALLOWED_UNCAPPED: ("可以。", "可以；計畫沒有訂上限。"),
}
# 「這樣有符合嗎」「夠嗎」: whether a case meets what the plan asks for
_ASKS_MEETS = re.compile(
    r"符合|達標|夠嗎|有(?:達)?到嗎|有沒有(?:達)?到|夠不夠|足夠嗎|\bmeets?\b|\bmet\b|\benough\b|on target|hit the target"
)


def asked_kind(u: Understanding, earlier: str = "") -> str:
    """Which of PERMISSION, OBLIGATION (or RULE: whether the plan fixes it), MEETS and FACT a yes-or-no question asks; `earlier`: the
    question a follow-up asks again (「那一學期開兩場 每場25人呢」 after 「…這樣符合嗎」 asks 符合 too)."""
    if u.asks_obligation:
        return RULE if RULE_ASKED.search(u.normalised) else OBLIGATION
    if asks_if_capped(u):
        return CAPPED
    if _ASKS_MEETS.search(u.normalised) or _ASKS_MEETS.search(earlier):
        return MEETS
    return PERMISSION if u.asks_permission else FACT


def with_ruling(body: str, allowed: bool, lang: str, kind: str = PERMISSION) -> str:
    """The plan's yes or no first, then the rule it comes from: 「不可以。偏遠地區學校若已獲…」."""
    return ruling_word(allowed, lang, kind) + body


def ruling_word(allowed: bool, lang: str, kind: str = PERMISSION) -> str:
    """「可以。」/「不可以。」, 「要。」/「不用。」 or 「是。」/「不是。」 by what was asked; "Yes. "/"No. "."""
    if lang == "en":
        if kind == ALLOWED_UNCAPPED:
            return "Yes, and the plan sets no cap. "
        if kind == CAPPED and not allowed:
            return "No, the plan sets no cap. "
        return "Yes. " if allowed else "No. "
    yes, no = _RULING_WORDS[kind]
    return yes if allowed else no


# -- ceilings ---------------------------------------------------------------------------------


def _title(facts: SchoolFacts, lang: str) -> str:
    values: dict[str, Any] = {"mode": facts.mode, "classes": facts.classes}
    if facts.mode == 2 and facts.domains is not None:
        values["domains"] = facts.domains
    if facts.branch:
        values["branch"] = True
    return facts_label(values, lang)


_FOCUS = {
    "pd_teacher": ("部領教師專業支持", "partial-domain teacher support"),
    "pd_student": ("部領學生英語能力奠基", "partial-domain student foundation"),
    "bilingual_life": ("雙語生活化", "campus life"),
}


def _focus_line(answer: CeilingAnswer, lang: str) -> str | None:
    """The first line when the question was about one part of the ceiling."""
    zh = lang != "en"
    result, focus = answer.result, answer.focus
    title = _title(result.facts, lang)
    if focus == "partial_domains" and result.amount("pd_teacher"):
        amount = money(result.partial_domains, lang)
        return (
            f"{title}：部領（教師＋學生）最多 {amount}"
            if zh
            else f"{title}: partial domains (teacher + student) at most {amount}"
        )
    if focus in _FOCUS and result.amount(focus):
        name = _FOCUS[focus][0 if zh else 1]
        amount = money(result.part_ceiling(focus), lang)  # campus life with a branch: 15萬 + 5萬
        if not zh and focus in ("pd_teacher", "pd_student") and result.partial_domains:
            # the plan's subtotal beside its part (「120 萬元(教師 70 萬元+學生 50 萬元)」), as the
            # Chinese ceiling line states it
            whole = money(result.partial_domains, lang)
            return f"{title}: {name} at most {amount} (of {whole} for partial domains)"
        return f"{title}：{name}最多 {amount}" if zh else f"{title}: {name} at most {amount}"
    if focus == "capital":
        caps = ("；" if zh else "; ").join(
            f"{_short_label(line, lang)} {money(line.amount, lang)}" for line in result.capital_caps
        )
        return f"{title}：資本門最多 {caps}" if zh else f"{title}: capital at most {caps}"
    if focus == "open_classroom" and result.open_classroom is not None:
        oc = result.open_classroom
        return (
            f"自願開放課室：可能另獲 {money(oc.amount, lang)}（擇優 {oc.schools_selected} 校，不保證、不計入合計）"
            if zh
            else f"Open classrooms: a possible extra {money(oc.amount, lang)} ({oc.schools_selected} schools chosen; not guaranteed)"
        )
    if focus == "transfer" and result.transfer is not None:
        amount = money(result.transfer.amount, lang)
        return (
            f"{title}：部領教師經費最多 {amount} 可併入雙語生活化"
            if zh
            else f"{title}: up to {amount} of teacher funding may move to campus life"
        )
    return None


def planned_verdict(answer: CeilingAnswer, lang: str) -> str:
    """Whether a planned amount fits what it is measured by (a part, or the total), with that limit."""
    if answer.ok is None or answer.planned is None:
        return ""
    planned, limit = money(answer.planned, lang), money(answer.limit, lang)
    if answer.claimed:  # 「同事說模式二可以拿120萬 對嗎」: whether that is the ceiling
        if lang != "en":
            return f"是。上限就是 {limit}。" if answer.ok else f"不是。上限是 {limit}，不是 {planned}。"
        return f"Yes. The ceiling is {limit}." if answer.ok else f"No. The ceiling is {limit}, not {planned}."
    if lang != "en":
        return (
            f"可以：申請 {planned} 在上限 {limit} 內。" if answer.ok else f"超過了：申請 {planned} 超過上限 {limit}。"
        )
    return (
        f"Within the ceiling: {planned} fits under {limit}."
        if answer.ok
        else f"Over the ceiling: {planned} is more than {limit}."
    )


def ceiling_text(answer: CeilingAnswer, lang: str) -> str:
    """The phone-sized ceiling: the answer first (the total, the part asked about, or whether a
    planned request fits), the sum in one line, the capital caps, what may be added."""
    zh = lang != "en"
    result = answer.result
    facts = result.facts
    parts = [line for line in result.parts if line.amount]
    head = (
        f"{_title(facts, lang)}，最多補助合計 {money(result.total, lang)}"
        if zh
        else f"{_title(facts, lang)} — Total: {money(result.total, lang)} at most"
    )
    focus = _focus_line(answer, lang)
    if focus:
        head = focus + "\n" + head
    verdict = planned_verdict(answer, lang)
    if verdict:  # the yes/no first, then what it is measured by
        head = verdict + "\n" + head
    if answer.error is not None:
        head = answer.error.message(lang) + "\n" + head
    any_domains = answer.any_domains
    labels = [f"{_short_label(line, lang)} {wan(line.amount, lang)}" for line in parts]
    working = (" ＋ " if zh else " + ").join(labels) + f" = {wan(result.total, lang)}"
    basis = _basis(result, lang, short=not zh)
    if result.partial_domains:  # the plan's subtotal, 「120 萬元(教師 70 萬元+學生 50 萬元)」
        subtotal = wan(result.partial_domains, lang)
        basis = f"部領合計 {subtotal}；{basis}" if zh else f"partial-domain {subtotal}; {basis}"
    lines = [head, working + (f"（{basis}）" if zh else f" ({basis})")]
    if any_domains:
        lines.append("（1 個或 2 個以上領域的上限相同。）" if zh else "(Same for 1 domain.)")
    caps = [f"{_short_label(line, lang)} {wan(line.amount, lang)}" for line in result.capital_caps]
    lines.append(("資本門最多：" if zh else "Capital at most: ") + ("；" if zh else "; ").join(caps))
    unclear = branch_capital_reading(result, lang)
    if unclear:
        lines.append(unclear)
    extras = ceiling_extras(result, lang)
    if extras:
        lines.append(("另：" if zh else "Also: ") + ("；" if zh else "; ").join(extras) + ("。" if zh else "."))
    if zh:  # English keeps to 60 words: its "details" button says the same
        lines.append("輸入「詳細」看每一項的規定。")
    return "\n".join(lines)


def ceiling_extras(result: CeilingResult, lang: str) -> list[str]:
    """What may come on top of a ceiling (a branch school, the teacher-funding move, open
    classrooms), lower-case, for the text's 「另：」 line and the card's notes."""
    zh = lang != "en"
    extras = []
    if not result.facts.branch:
        amount = getattr(result.parts[1].rule, "amount", 0)
        extras.append(f"有分校或分班可再加 {wan(amount, lang)}" if zh else f"branch +{wan(amount, lang)}")
    if result.transfer:
        extras.append(
            f"部領教師經費最多 {wan(result.transfer.amount, lang)} 可併入雙語生活化"
            if zh
            else f"{wan(result.transfer.amount, lang)} of teacher funding may move to campus life"
        )
    if result.open_classroom and result.open_classroom_extra:
        # the school volunteers: the most it could get if chosen, said apart from the ceiling
        oc = result.open_classroom
        most = f"{wan(result.total, lang)} + {wan(oc.amount, lang)} = {wan(result.total + oc.amount, lang)}"
        extras.append(
            f"自願開放課室若獲選可再加 {wan(oc.amount, lang)}，最多 {most}（擇優 {oc.schools_selected} 校，不保證）"
            if zh
            else f"open classroom, if chosen: up to {most} (not guaranteed)"
        )
    elif result.open_classroom:
        oc = result.open_classroom
        extras.append(
            f"自願開放課室可能另獲 {wan(oc.amount, lang)}（擇優 {oc.schools_selected} 校，不保證、不計入）"
            if zh
            else f"open classrooms maybe +{wan(oc.amount, lang)} (not counted)"
        )
    return extras


def _short_label(line: Line, lang: str) -> str:
    short = {
        "bilingual_life": ("雙語生活化", "campus life"),
        "branch_extra": ("分校", "branch"),
        "pd_teacher": ("部領教師", "teachers"),
        "pd_student": ("部領學生", "students"),
        "partial_domains": ("部領", "partial domains"),
    }.get(line.key)
    return (short[0] if lang != "en" else short[1]) if short else line.label.get(lang)


def _basis(result: CeilingResult, lang: str, short: bool = False) -> str:
    """The tiers applied; `short` leaves out mode 2's fixed campus-life amount (English, phone-sized)."""
    left_out = ("branch_extra", "bilingual_life") if short and result.facts.mode == 2 else ("branch_extra",)
    bases = list(
        dict.fromkeys(line.basis.get(lang) for line in result.parts if line.amount and line.key not in left_out)
    )
    return ("；" if lang != "en" else "; ").join(bases)


def ceiling_details(result: CeilingResult, lang: str) -> str:
    """Every part with its basis and section, the capital caps, the transfer and open classroom."""
    zh = lang != "en"
    lines = [f"{_title(result.facts, lang)}：" if zh else f"{_title(result.facts, lang)}:"]
    lines += [_line_text(line, lang) for line in result.parts]
    lines.append(f"合計 {money(result.total, lang)}" if zh else f"Total: {money(result.total, lang)}")
    lines.append("資本門上限：" if zh else "Capital (equipment) caps:")
    lines += [_line_text(line, lang) for line in result.capital_caps]
    unclear = branch_capital_reading(result, lang)
    if unclear:
        lines.append("  " + unclear)
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


def branch_capital_reading(result: CeilingResult, lang: str) -> str:
    """Mode 2 with a branch: 20% of campus life is more than the 3萬 the plan writes (in the transfer
    clause only), and the plan does not say which applies: say how it is read."""
    life_capital = next((line.rule for line in result.capital_caps if line.key == "bilingual_life"), None)
    if not (
        result.facts.mode == 2 and result.facts.branch and result.transfer and isinstance(life_capital, CapitalShare)
    ):
        return ""
    after, share = money(result.transfer.rule.capital_cap_after, lang), pct(life_capital.share)
    if lang != "en":
        return (
            f"有分校或分班時 {share} 高於 {after}：計畫只在併入條款寫 {after}，未說明此時是否仍以此為限；"
            f"此處以 {share} 計，請向地方政府確認。"
        )
    return (
        f"With a branch, {share} exceeds {after}, which the plan writes only for a transfer; it does not "
        f"say which applies. {share} is used; ask your local government."
    )


def _line_text(line: Line, lang: str) -> str:
    label, amount, basis, section = (
        line.label.get(lang),
        money(line.amount, lang),
        line.basis.get(lang),
        line.rule.section.get(lang),
    )
    return f"・{label} {amount}（{basis}｜{section}）" if lang != "en" else f"- {label}: {amount} ({basis}; {section})"


# -- figures, items, verdicts, dates ----------------------------------------------------------


def _label_of(rule: Cited) -> Bilingual:
    return getattr(rule, "label", rule.section)


def figure_amount(figure: Figure, lang: str) -> str:
    """A figure's number as shown: money, or a count of its unit (「3 台」 "3 devices")."""
    if figure.unit is None:
        return money(figure.amount or 0, lang)
    return f"{figure.amount} {figure.unit.get(lang)}"


def period_end_title(figure: DateFigure, lang: str) -> str | None:
    """What a date figure other than the close-out deadline is (「執行期間屆滿」), or None for the
    close-out, whose head says whether a filing date is in time."""
    if figure.title is None or figure.title == CLOSEOUT_TITLE:
        return None
    return figure.title.get(lang)


def figure_text(figure: Figure, lang: str) -> str:
    zh = lang != "en"
    what = figure.title or Bilingual("", "")
    if figure.ok is None:
        amount = figure_amount(figure, lang)
        if zh:
            head = f"{what.zh}最多 {amount}" if figure.cap else f"{what.zh}：{amount}"
        else:
            head = f"{what.en}: {'at most ' if figure.cap else ''}{amount}"
    elif not figure.cap:  # an exact figure checked against one said (「經常門就剩12萬對嗎」)
        amount = figure_amount(figure, lang)
        yes, no = ("是", "不是") if zh else ("Yes", "No")
        if figure.verdict_words is not None:
            yes, no = (word.get(lang) for word in figure.verdict_words)
        head = (
            f"{yes if figure.ok else no}，{what.zh}：{amount}"
            if zh
            else f"{yes if figure.ok else no}: {what.en}: {amount}"
        )
    elif figure.ok:
        head = (
            f"可以，{what.zh}上限 {money(figure.amount or 0, lang)}"
            if zh
            else f"Within the cap: the {what.en.lower()} cap is {money(figure.amount or 0, lang)}"
        )
    else:
        head = (
            f"超過了，{what.zh}上限 {money(figure.amount or 0, lang)}"
            if zh
            else f"Over the cap: the {what.en.lower()} cap is {money(figure.amount or 0, lang)}"
        )
    rule = figure.rules[0]
    lines = [
        head,
        f"{figure.working.get(lang)}（{rule.section.get(lang)}）"
        if zh
        else f"{figure.working.get(lang)} ({rule.section.get(lang)})",
    ]
    lines += [note.get(lang) for note in figure.notes]
    return "\n".join(lines)


def items_text(items: list[ItemAmount], lang: str) -> str:
    zh = lang != "en"
    total = sum(item.amount for item in items)
    main = _label_of(items[-1].sources[0]) if len(items) == 1 else None
    head = (
        (f"{main.zh}最多 {money(total, lang)}" if zh else f"{main.en}: at most {money(total, lang)}")
        if main is not None
        else (f"合計最多 {money(total, lang)}" if zh else f"Total at most {money(total, lang)}")
    )
    if main is not None and items[-1].at_cost:  # the user's own figure, not a cap
        head = (
            f"{main.zh}：{money(total, lang)}（覈實報支，計畫本身沒有列金額上限）"
            if zh
            else f"{main.en}: {money(total, lang)} (paid at actual cost; the plan gives no cap)"
        )
    asked = next((item for item in items if item.asked and item.sources), None)
    if asked is not None and len(items) > 1:
        # 「…補充保費要編多少」: the premium first, then the sum with the fees it is on
        label = _label_of(asked.sources[0])
        head = (
            f"{label.zh}最多 {money(asked.amount, lang)}（連同各項費用合計 {money(total, lang)}）"
            if zh
            else f"{label.en}: at most {money(asked.amount, lang)} (with the fees, {money(total, lang)} in all)"
        )
    checked = [item.ok for item in items if item.ok is not None]
    outside = next((item for item in items if item.outside_the_mode), None)
    if outside is not None:  # an item mode 1 cannot fund, asked for mode 1: no, then mode 2's figure
        label = _label_of(outside.sources[0])
        head = (
            f"不可以：模式一不能編列{label.zh}（模式二部領可編，最多 {money(total, lang)}）"
            if zh
            else f"No: mode 1 cannot budget {label.en.lower()} (mode 2's partial-domain part can, up to {money(total, lang)})"
        )
    elif checked and any(item.claimed for item in items):  # a cap someone gave: whether it is the cap
        head = ("是。" if all(checked) else "不是。") + head if zh else ("Yes. " if all(checked) else "No. ") + head
    elif checked:
        ok = all(checked)
        head = (
            ("可以：" if ok else "超過了：") + head if zh else ("Within the cap — " if ok else "Over the cap — ") + head
        )
    lines = [head]
    for item in items:
        rule = item.sources[0]
        prefix = "" if len(items) == 1 else (f"{_label_of(rule).zh}：" if zh else f"{_label_of(rule).en}: ")
        lines.append(
            prefix
            + (
                f"{item.working.get(lang)}（{rule.section.get(lang)}）"
                if zh
                else f"{item.working.get(lang)} ({rule.section.get(lang)})"
            )
        )
        lines += [note.get(lang) for note in item.notes]
    return "\n".join(lines)


def item_sources(items: list[ItemAmount], lang: str) -> list[str]:
    return [rule.source(lang) for item in items for rule in item.sources]


def verdict_text(verdict: Verdict, what: Bilingual, lang: str) -> str:
    # ok with problems left: only 「…為原則」 limits are exceeded, which a stated reason allows.
    zh = lang != "en"
    if zh:
        said = "不可以" if not verdict.ok else "超過「為原則」的上限，須敘明理由" if verdict.problems else "可以"
        head = f"{said}：{what.zh}"
    else:
        said = (
            "No"
            if not verdict.ok
            else 'Over a limit set "as a rule", allowed only with a stated reason'
            if verdict.problems
            else "Yes"
        )
        head = f"{said}: {what.en}"
    lines = [head]
    lines += [f"・{p.message.get(lang)}" for p in verdict.problems]
    lines += [f"・{n.get(lang)}" for n in verdict.notes]
    return "\n".join(lines)


def verdict_sources(verdict: Verdict, lang: str) -> list[str]:
    return [p.source.source(lang) for p in verdict.problems] + [r.source(lang) for r in verdict.sources]


def _both_calendars(day: date, calendar: str, lang: str) -> str:
    """The date in the calendar the user wrote in, the other one in brackets."""
    if lang == "en":
        roc = f"ROC {gregorian_to_roc(day.year)}/{day.month}/{day.day}"
        return f"{roc} ({day.isoformat()})" if calendar == "roc" else f"{day.isoformat()} ({roc})"
    if calendar == "roc":
        return f"{roc_date(day)}（{day.year}/{day.month:02d}/{day.day:02d}）"
    return f"{day.year}/{day.month:02d}/{day.day:02d}（民國{roc_date(day)}）"


def _days_from_today(days: int, lang: str) -> str:
    if lang != "en":
        return f"，距今 {days} 天" if days >= 0 else f"，已過 {-days} 天"
    return f", {counted(days, 'day')} from today" if days >= 0 else f", {counted(-days, 'day')} ago"


def date_text(figure: DateFigure, lang: str) -> str:
    zh = lang != "en"
    head = (
        f"核結最晚：{_both_calendars(figure.day, figure.calendar, lang)}"
        if zh
        else f"Close-out due by {_both_calendars(figure.day, figure.calendar, lang)}"
    )
    titled = period_end_title(figure, lang)
    if titled is not None:  # the period's own end asked
        head = f"{titled}{'：' if zh else ': '}{_both_calendars(figure.day, figure.calendar, lang)}"
    if figure.days_left is not None:
        head += _days_from_today(figure.days_left, lang)
    if figure.ok is not None:
        head = (
            ("來得及。" if figure.ok else "超過期限了。") + head
            if zh
            else ("In time. " if figure.ok else "Late. ") + head
        )
    return "\n".join([head, figure.working.get(lang), *(note.get(lang) for note in figure.notes)])


def year_text(figure: YearFigure, lang: str) -> str:
    zh = lang != "en"
    lines = []
    span = (
        f"{figure.school_year} 學年度：{_both_calendars(figure.start, 'roc', lang)} 至 {_both_calendars(figure.end, 'roc', lang)}。"
        if zh
        else f"School year {figure.school_year}: {figure.start.isoformat()} to {figure.end.isoformat()}."
    )
    if figure.span_claimed is not None:  # "…runs 1 Aug 2026 to 31 Jul 2027. right?"
        verdict = ("是。" if figure.span_claimed else "不是。") if zh else ("Yes. " if figure.span_claimed else "No. ")
        return verdict + span
    phase_name = f"第{'一' if figure.phase == 1 else '二'}階段" if zh else f"phase {figure.phase}"
    if figure.phase_asked and figure.phase_start and figure.phase_end:
        # "when does phase 2 start?": the phase's span, not whether its first school year is covered
        phase_span = (
            f"第{'一' if figure.phase == 1 else '二'}階段：{_both_calendars(figure.phase_start, 'roc', lang)} 至 "
            f"{_both_calendars(figure.phase_end, 'roc', lang)}（{figure.first}–{figure.last} 學年度）。"
            if zh
            else f"Phase {figure.phase}: {figure.phase_start.isoformat()} to {figure.phase_end.isoformat()} "
            f"(school years {figure.first}–{figure.last})."
        )
        return "\n".join([phase_span, *_days_to_the_end(figure, figure.phase_end, lang)])
    if figure.from_date is not None:  # the school year and its phase, in the first line
        d = _both_calendars(figure.from_date, figure.calendar, lang)
        if figure.phase is None:
            where = "，不在計畫期程內" if zh else ", outside the plan's phases"
        else:
            where = (
                f"，{phase_name}（{figure.first}–{figure.last} 學年度）"
                if zh
                else f", {phase_name} (school years {figure.first}–{figure.last})"
            )
        lines.append(
            f"{d} 屬於 {figure.school_year} 學年度{where}。"
            if zh
            else f"{d} is in school year {figure.school_year}{where}."
        )
    elif figure.phase is None:
        lines.append(
            f"計畫期程沒有涵蓋 {figure.school_year} 學年度；請洽所在縣市教育局（處）。"
            if zh
            else f"The plan's schedule does not cover school year {figure.school_year}; please ask your education bureau."
        )
    elif figure.span_asked:  # when the year starts or ends: its span first, then the phase holding it
        lines += [
            span,
            f"屬於{phase_name}（{figure.first}–{figure.last} 學年度）。"
            if zh
            else f"It is in phase {figure.phase} (school years {figure.first}–{figure.last}).",
        ]
        return "\n".join([*lines, *_days_to_the_end(figure, figure.end, lang)])
    else:
        lines.append(
            f"有。{figure.school_year} 學年度在計畫期程內：{phase_name}（{figure.first}–{figure.last} 學年度）。"
            if zh
            else f"Yes. School year {figure.school_year} is within the plan: phase {figure.phase} "
            f"(school years {figure.first}–{figure.last})."
        )
        if figure.phase_start and figure.phase_end:
            lines.append(
                f"第{'一' if figure.phase == 1 else '二'}階段：{_both_calendars(figure.phase_start, 'roc', lang)} 至 "
                f"{_both_calendars(figure.phase_end, 'roc', lang)}。"
                if zh
                else f"Phase {figure.phase}: {figure.phase_start.isoformat()} to {figure.phase_end.isoformat()}."
            )
    lines.append(span)
    return "\n".join([*lines, *_days_to_the_end(figure, figure.end, lang)])


def _days_to_the_end(figure: YearFigure, end: date, lang: str) -> list[str]:
    """The days from today to the end asked, as a line of its own (none when not asked)."""
    if figure.days_left is None:
        return []
    if lang != "en":
        return [f"到 {_both_calendars(end, 'roc', lang)}{_days_from_today(figure.days_left, lang)}。"]
    return [f"To {end.isoformat()}{_days_from_today(figure.days_left, lang)}."]


# -- asking back ------------------------------------------------------------------------------

QUESTIONS = {
    "mode": ("請問貴校申請哪一種模式？", "Which mode is your school applying for?"),
    "classes": (
        "請問貴校有幾班？（班級數以本校計；直接輸入數字即可）",
        "How many classes does your school have? (Count the main campus; just type the number.)",
    ),
    "domains": ("部領要實施幾個領域（科目）？", "In how many domains (subjects) will you teach bilingually?"),
    "branch": ("實施範圍有包括分校或分班嗎？", "Does the plan include a branch school or branch classes?"),
    "open_classroom": (
        "是否自願開放課室供他校教師入校觀課？",
        "Will you volunteer to open classrooms to teachers from other schools?",
    ),
    "part": (
        "資本門上限依經費面向而不同：是雙語生活化，還是部領？",
        "The capital cap depends on the part: campus life, or partial-domain teaching?",
    ),
}


def need_text(need: NeedFact, rules: FundingRules, lang: str) -> str:
    zh, en = QUESTIONS[need.step]
    text = zh if lang != "en" else en
    if need.step == "open_classroom":
        oc = rules.open_classroom
        text += (
            f"（每學期至少 {oc.min_sessions_per_semester} 次、每學期接待至少 {oc.min_visitors_per_semester} 人；"
            f"國教署擇優補助 {oc.schools_selected} 校，可能另獲 {money(oc.amount, 'zh')}，不保證）"
            if lang != "en"
            else f" (at least {oc.min_sessions_per_semester} per semester, {oc.min_visitors_per_semester}+ visitors; "
            f"{oc.schools_selected} schools are selected for a possible extra {money(oc.amount, 'en')}, not guaranteed)"
        )
    known = facts_label({k: v for k, v in vars(need.facts).items() if v is not None and v is not False}, lang)
    prefix = f"{need.error.message(lang)}\n" if need.error else ""
    if known:
        prefix += f"（目前：{known}）\n" if lang != "en" else f"(So far: {known})\n"
    return prefix + text


def class_ranges(rules: FundingRules, facts: SchoolFacts) -> list[Range]:
    """The class ranges that give different ceilings (every boundary of the tables that apply)."""
    if facts.mode == 1:
        return [tier.classes for tier in rules.ceilings.mode1.tiers]
    tables = rules.ceilings.partial_domains.tables
    if facts.domains is not None:
        tables = (rules.ceilings.partial_domains.table_for(facts.domains),)
    starts = sorted({tier.classes.low or 1 for table in tables for tier in table.tiers})
    return [
        Range(None if low == 1 else low, nxt - 1 if nxt else None)
        for low, nxt in zip(starts, [*starts[1:], None], strict=True)
    ]


def choices(rules: FundingRules, facts: SchoolFacts, step: str, lang: str) -> list[tuple[str, Any]]:
    """(label, value) of the buttons for a step."""
    zh = lang != "en"
    if step == "mode":
        return [
            ("模式一：雙語生活化" if zh else "Mode 1: bilingual campus life", 1),
            ("模式二：雙語生活化＋部領" if zh else "Mode 2: campus life + partial domains", 2),
        ]
    if step == "classes":
        return [(r.label(lang), r.high if r.high is not None else r.low) for r in class_ranges(rules, facts)]
    if step == "domains":
        return [("1 個領域" if zh else "1 domain", 1), ("2 個領域以上" if zh else "2 or more domains", 2)]
    if step == "branch":
        return [("有分校或分班" if zh else "Yes, a branch", True), ("沒有" if zh else "No", False)]
    if step == "part":
        return [
            ("雙語生活化" if zh else "Campus life", "bilingual_life"),
            ("部領" if zh else "Partial domains", "partial_domains"),
        ]
    return [("自願開放課室" if zh else "Yes, open classrooms", True), ("不開放" if zh else "No", False)]


def answer_text(answer: Answer) -> str:
    return answer.text
