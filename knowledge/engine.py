"""The answer engine: from a question in the user's own words to an entry of the plans.

`Engine.answer(question)` normalises the question, extracts its slots, ranks entries with
the matcher and either answers (with the entry's source) or, below the calibrated
confidence, says it is not sure and offers the closest topics. Questions about things the
plans do not cover get an honest "the plans do not say" and a pointer to the education
bureau: the engine never produces a number or date that is not in an entry.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from knowledge import loader
from knowledge.details import gives_detail, missing_detail, row_total
from knowledge.funding_rules import FundingRules
from knowledge.matcher import Matcher, Ranked
from knowledge.model import Condition, Detail, Entry, KnowledgeBase, SlotValue
from knowledge.quantities import percentages_in
from knowledge.slots import Slots, satisfies, without_years
from knowledge.targets import Target, summed_targets, target_of, unit_asked, work
from knowledge.textnorm import Normalizer, any_whole_word, any_word
from knowledge.understand import (
    CONFIRMATION_ASKED,
    Understanding,
    asks_if_capped,
    claims_a_cap,
    read_for_matching,
    understand,
)

# Confidence at or above which an answer is given outright. Calibrated on
# tests/data/questions.yaml (see bench/); below it the engine asks back.
CONFIDENT = 0.7
# Below CONFIDENT, how sure and how far ahead of the next an entry must be for a yes-or-no question
# naming its item and settled by its conditions to be answered from it (Engine._named_and_ruled)
_NAMED_RULED_FLOOR, _NAMED_RULED_LEAD = 0.5, 8.0
# how sure of an action plan a question naming it and a year must be, and at most how close the next
# entry (a share of that), to be its row though worded unlike its phrasings (Engine._named_target_far_ahead)
_TARGET_FLOOR, _TARGET_NEXT_SHARE = 0.55, 0.3
_ROW_FLOOR = 0.6  # how sure of the action plan, unsure only because its strategy is as close
# how many is asked: 「幾所」「多少位」 "how many", "target"
_HOW_MANY_ASKED = re.compile(r"幾|多少|how many|\btarget\b|\bkpi\b")


@dataclass(frozen=True)
class Suggestion:
    intent: str
    title: str


@dataclass
class Answer:
    intent: str | None
    confidence: float
    text: str
    sources: list[str] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    lang: str = "zh"
    covered: bool = True  # False: the plans do not answer it (out of scope, another year, nothing close)
    # "the plans do not say", naming this entry's related rule: the topic a follow-up continues
    # (「授課鐘點費一節多少錢」 then 「所以是照什麼標準」)
    related: str | None = None

    @property
    def confident(self) -> bool:
        return self.intent is not None and self.confidence >= CONFIDENT

    def to_json(self) -> dict[str, Any]:
        return {
            "intent": self.intent,
            "confidence": round(self.confidence, 3),
            "answer": self.text,
            "sources": list(self.sources),
            "suggestions": [{"intent": s.intent, "title": s.title} for s in self.suggestions],
            "lang": self.lang,
        }


_EMPTY = {
    "zh": "請輸入您想問的問題，例如：「我們 20 班做模式一最多補助多少？」或「結案要什麼時候交？」",
    "en": 'Please type a question, for example: "How much can a 20-class school get in mode 1?" or "When is the close-out due?"',
}
_UNSURE = {
    "zh": "我不太確定您想問的是哪一項。您是不是想問：",
    "en": "I am not sure which rule you mean. Did you mean:",
}
_NO_DETAIL = {
    "zh": "{fallback}\n計畫相關的規定是「{title}」，點下面可以看，但裡面沒有您問的這一點。",
    "en": '{fallback}\nThe related rule is "{title}" (tap below), but it does not give what you asked.',
}
_UNSURE_TAIL = {
    "zh": "若都不是，可能計畫沒有規定這件事，請洽所在直轄市、縣（市）政府教育局（處）。",
    "en": "If none of these fits, the plans may not cover it; please ask your city or county education bureau.",
}


# whether something goes over a cap, asked (its figures decide it, not an entry's yes or no)
_OVER_ASKED = re.compile(r"會不會超|会不会超|有沒有超|有没有超|超過了?嗎|超过了?吗|\b(?:go|goes|be) over\b|\bexceed")


class Engine:
    """Answers questions about the plans in a knowledge base. Pure: no I/O after loading."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.normalize = Normalizer(dict(kb.synonyms))
        self.matcher = Matcher(kb, self.normalize)
        self._quoting: dict[tuple[str, ...], str] = {}  # entry_quoting's answers ("" for none)
        # Each rule's words, normalised, as one regex each (an empty word is left out).
        self._out_of_scope = [
            (rule, self._words(rule.triggers), self._words(rule.except_words), self._words(rule.said_except_words))
            for rule in kb.out_of_scope
        ]
        self._year_exceptions = any_word(
            self.normalize(w) for w in (kb.uncovered_year.except_words if kb.uncovered_year else ())
        )
        # Read on every turn by the router: normalised once, here.
        self._plan_cues = {
            doc.id: any_word(self.normalize(cue) for cue in doc.cues if cue) for doc in kb.documents.values()
        }
        self._topic_keywords = {
            entry.id: any_word(self.normalize(keyword) for keyword in entry.keywords if keyword)
            for entry in kb.entries.values()
        }
        self._item_words = {e.id: self.normalize(" ".join((e.title.zh, *e.keywords))) for e in kb.entries.values()}
        self._titles = {entry.id: self.normalize(entry.title.zh) for entry in kb.entries.values()}
        # the entries standing for a heading (「柒、分年目標 目標二(四)」: a strategy), by part and code
        self._heading_entries: dict[tuple[str, str], list[str]] = defaultdict(list)
        for entry in kb.entries.values():
            part, _, rest = entry.section.partition(" ")
            heading, _, title = rest.partition(" ")
            if not _UNDER_IT.match(title):
                self._heading_entries[(part, heading)].append(entry.id)
        self._groups: dict[tuple[str, ...], _Group] = {}  # the word groups of yes/no conditions, by their words
        self._rulings = {
            entry.id: (self._conditions(entry.yes_if), self._conditions(entry.no_if))
            for entry in kb.entries.values()
            if entry.yes_if or entry.no_if
        }
        self._obligations = {
            entry.id: (self._conditions(entry.must_if), self._conditions(entry.need_not_if))
            for entry in kb.entries.values()
            if entry.must_if or entry.need_not_if
        }

    @classmethod
    def load(cls, data_dir: Path | None = None) -> Engine:
        return cls(loader.load(data_dir))

    # -- public API -------------------------------------------------------------------

    def understand(self, question: str, rules: FundingRules | None = None, lang: str | None = None) -> Understanding:
        """The message read once (see knowledge/understand.py); `lang` stands in when it has no letters."""
        return understand(question, self.normalize, rules, lang)

    def answer(self, question: str, lang: str | None = None) -> Answer:
        """Answer `question` in the language it is written in; `lang` ('zh' or 'en') is the
        fallback when the text has no letters."""
        return self.answer_to(read_for_matching(question, self.normalize, lang))

    def answer_to(
        self,
        u: Understanding,
        slots: Slots | None = None,
        text: str | None = None,
        lang: str | None = None,
        plan: str | None = None,
    ) -> Answer:
        """The answer to an understood message, in `lang` (default: the message's own language); a
        follow-up passes the slots and text it carries over, and `plan` the document the chat is
        about, weighed as if the message named it (see Matcher.rank)."""
        lang = lang or u.lang or "zh"
        normalised = text if text is not None else (u.matching or u.normalised)
        if not normalised:
            return Answer(intent=None, confidence=0.0, text=_EMPTY[lang], lang=lang)
        slots = slots if slots is not None else u.slots
        ranked = self.matcher.rank(normalised, slots, negated=u.negated, plan=plan)
        suggestions = [Suggestion(r.entry.id, r.entry.title.get(lang)) for r in ranked[:3]]
        out_of_scope = self._out_of_scope_reply(u.normalised, lang) or self._uncovered_year_reply(
            u.normalised, slots, lang
        )
        best = ranked[0] if ranked else None
        if out_of_scope is not None:
            return Answer(
                intent=None,
                confidence=min(best.confidence if best else 0.0, 0.2),
                text=out_of_scope,
                suggestions=suggestions,
                lang=lang,
                covered=False,
            )
        if best is None or best.confidence < CONFIDENT:
            row = (
                self._row_over_heading(u, ranked[:2], slots)
                or self._named_and_ruled(u, ranked[:2])
                or self._named_target_far_ahead(u, ranked[:2], slots)
            )
            if row is not None:
                best = replace(row, confidence=CONFIDENT)  # as sure as the line, no more
            else:
                return self._unsure(best, suggestions, lang)
        if self._lacks_the_detail(u, best.entry):
            return self._no_detail(
                best.entry, lang, min(best.confidence, 0.2), suggestions, self.names_topic(u, best.entry.id)
            )
        return Answer(
            intent=best.entry.id,
            confidence=best.confidence,
            text=self.render(best.entry, slots, lang, u.asks_total),
            sources=[best.entry.source(lang)],
            suggestions=suggestions[1:],
            lang=lang,
        )

    def answer_entry(self, entry_id: str, lang: str = "zh", slots: Slots | None = None, total: bool = False) -> Answer:
        """Answer a topic chosen from a suggestion button, or again for a follow-up's slots (`total`:
        the rows selected added up, see render)."""
        entry = self.kb.entries.get(entry_id)
        if entry is None:
            return Answer(intent=None, confidence=0.0, text=self.kb.fallback.get(lang), lang=lang)
        return Answer(
            intent=entry.id,
            confidence=1.0,
            text=self.render(entry, slots or Slots(), lang, total),
            sources=[entry.source(lang)],
            lang=lang,
        )

    def entry_quoting(self, quotes: tuple[str, ...]) -> str | None:
        """The one entry quoting the most of a rule's passages (whitespace aside, in characters
        shared: several entries quote a clause of the same passage), if one does; for naming the
        entry of the rule a computation applied."""
        found = self._quoting.get(quotes)
        if found is None:
            wanted = ["".join(q.split()) for q in quotes]
            counts: dict[str, int] = {}
            for entry in self.kb.entries.values():
                own = ["".join(q.split()) for q in entry.quotes]
                shared = sum(max((min(len(w), len(q)) for q in own if w in q or q in w), default=0) for w in wanted)
                if shared:
                    counts[entry.id] = shared
            ranked = sorted(counts.items(), key=lambda item: -item[1])
            tied = len(ranked) > 1 and ranked[1][1] == ranked[0][1]
            found = self._quoting[quotes] = "" if not ranked or tied else ranked[0][0]
        return found or None

    def not_covered(self, u: Understanding, lang: str, about: str | None = None) -> Answer | None:
        """The honest "the plans do not say" for a question about something they leave out
        (another city, salaries, a school year no plan covers), else None. `about`: the entry the
        chat is about, whose words count as the message's for a rule's exceptions (「學費一學期兩萬二」
        after the language-study fee is a course fee, not school tuition)."""
        context = f"{u.normalised} {self._item_words[about]}" if about in self._item_words else u.normalised
        out = self._out_of_scope_reply(u.normalised, lang, context)
        reply = out or self._uncovered_year_reply(u.normalised, u.slots, lang)
        if reply is None:
            return None
        return Answer(intent=None, confidence=0.0, text=reply, lang=lang, covered=False)

    def ruling(self, u: Understanding, entry_id: str | None) -> bool | None:
        """The plan's yes (True) or no (False) to a permission question answered from `entry_id`:
        the question must name all a condition of the entry asks for. When it meets a yes and a
        no, the condition of more word groups is the more particular one and decides (「代理老師」
        yes, 「代理 兩個月」 no); None when it is no such question, meets no condition, or meets
        a yes and a no as particular as each other (the rule alone then answers it)."""
        entry = self.kb.entries.get(entry_id or "")
        if entry is not None and entry.uncapped and (asks_if_capped(u) or claims_a_cap(u)):
            return False  # 「印刷費有上限嗎」「印刷费上限多少 组长说一万」: 覈實報支, no cap
        if not (u.asks_obligation or u.asks_yes_no):
            return None
        if not u.asks_permission and _OVER_ASKED.search(u.normalised):
            return None  # 「再加2个行政同仁 这样会不会超过那块的额度」: a sum against a cap, not who may
        conditions = self._conditions_answering(u, entry_id)
        if not conditions:
            return None
        text = u.matching or u.normalised
        yes, no = (_most_particular(side, text) for side in conditions)
        if no > yes and CONFIRMATION_ASKED.search(text) and _denies_the_case(conditions[1], text, no):
            return True  # 「不會吃掉我們市的額度 對吧」: the no-case denied and confirmed is a yes
        return None if yes == no else yes > no

    def rules_on(self, u: Understanding, entry_id: str | None) -> int:
        """How particular a case of the entry's the message names: the word groups of the most
        particular condition it meets whole (「代理老師也可以嗎」 after the English-test fee: 1),
        asked or not, among those that would answer it (must_if/need_not_if for a question whether
        something is required, yes_if/no_if otherwise); 0 when it meets none."""
        sides = self._conditions_answering(u, entry_id)
        return max((_case_named(side, u.matching or u.normalised) for side in sides), default=0)

    def _conditions_answering(self, u: Understanding, entry_id: str | None) -> tuple[list[list[_Group]], ...]:
        """The entry's (yes, no) conditions for the question as asked: must_if/need_not_if for one
        whether something is required (「一定要…嗎」), yes_if/no_if otherwise; () when it has none."""
        table = self._obligations if u.asks_obligation else self._rulings
        return table.get(entry_id or "", ())

    def names_topic(self, u: Understanding, entry_id: str | None) -> bool:
        """Whether the message itself names the entry (one of its keywords), rather than only
        resembling it."""
        keywords = self._topic_keywords.get(entry_id or "")
        if keywords is None:
            return False
        denied = self.matcher.denied_keywords(u.negated) if u.negated else set()  # 「沒有分校」 names no branch
        return any(found.group(0) not in denied for found in keywords.finditer(u.normalised))

    def lacking(self, u: Understanding, answer: Answer) -> Answer | None:
        """For a sure answer from an entry that does not give the detail the message asks (which
        platform, how many per school, …: details.missing_detail), the honest reply that the plan
        does not give it, naming the related rule; None when it gives it or is no such answer. A
        fresh question is checked in `answer`; this is for answers a follow-up was routed to."""
        entry = self.kb.entries.get(answer.intent or "")
        if not answer.confident or entry is None:
            return None
        if not self._lacks_the_detail(u, entry):
            return None
        suggestion = Suggestion(entry.id, entry.title.get(answer.lang))
        return self._no_detail(entry, answer.lang, 0.2, [suggestion], self.names_topic(u, entry.id))

    @staticmethod
    def _lacks_the_detail(u: Understanding, entry: Entry) -> bool:
        """Whether the message asks a detail the entry's answer does not give (details.missing_detail);
        whether an item reimbursed at actual cost has a cap is not one: the plan sets none."""
        if entry.uncapped and asks_if_capped(u):
            return False
        return missing_detail(u.normalised, (entry.answer.zh, entry.answer.en)) is not None

    def closest(self, u: Understanding, slots: Slots | None = None, limit: int = 1) -> list[Ranked]:
        """The entries closest to the message as the matcher ranks it for an answer, best first (the
        router weighs them beside the answer: torn between two plans, sure only as a line of a
        heading, …); the matcher keeps its last rankings, so this repeats no work."""
        return self.matcher.rank(
            u.matching or u.normalised, slots if slots is not None else u.slots, negated=u.negated
        )[:limit]

    def level_ruling(self, u: Understanding, entry_id: str | None) -> bool | None:
        """Whether the level a yes-or-no question names (「是國小在做的嗎」「高中生也能排去嗎」) is one
        of the levels (學階) the entry's answer states for it; None when the question names no level
        or the answer states none."""
        entry = self.kb.entries.get(entry_id or "")
        level = u.slots.level
        if entry is None or level is None or not (u.asks_yes_no or u.yes_no_form):
            return None
        # (a figure named beside the level asks of the figure: "and junior high was already 100 in 109?")
        if re.search(r"\d", without_years(u.normalised)):
            return None
        stated = _LEVELS_STATED.search(entry.answer.zh)
        if stated is None:
            return None
        levels = stated.group(1)
        named = {"高中": "高" in levels, "國中": "國中" in levels, "國小": "小" in levels}
        return named.get(level)

    def gives_the_detail(self, u: Understanding, entry_id: str | None) -> bool:
        """Whether the entry's answer gives the kind of detail the message asks (「哪間大學」: 海大)."""
        entry = self.kb.entries.get(entry_id or "")
        return entry is not None and gives_detail(u.normalised, (entry.answer.zh, entry.answer.en))

    def heading_asked(self, u: Understanding, answer: Answer) -> Answer | None:
        """「這個屬於哪個策略」 "which goal is it under?" of a sure answer from an entry under a heading
        (an action plan's section 「柒、分年目標 目標二(四) 行動方案19 …」): the entry of that strategy
        (「… 目標二(四) …」) or goal (「… 目標二 …」), which names what else it holds; None when no
        heading is asked or the entry is under none. Unsure between an entry and the heading asked
        of it (「雙語學校建置是哪個策略」: the bilingual-schools plan or its strategy), the heading."""
        level = self.heading_level(u)
        if level is None:
            return None
        if not answer.confident:
            closest = [s.intent for s in answer.suggestions[:2]]
            heading = next((h for c in closest if (h := self._heading_of(c, level)) in closest), None)
            return self.answer_entry(heading, answer.lang) if heading is not None else None
        heading = self._heading_of(answer.intent or "", level)
        return self.answer_entry(heading, answer.lang) if heading is not None else None

    def _named_and_ruled(self, u: Understanding, closest: list[Ranked]) -> Ranked | None:
        """A yes-or-no question naming the closest entry's item, well ahead of the next, whose case
        that entry's conditions settle (「can printer toner go under 雜支」: 雜支 named, toner its 資訊耗材
        yes) is that entry's, though worded unlike its phrasings; None otherwise."""
        if not closest or closest[0].confidence < _NAMED_RULED_FLOOR:
            return None
        best = closest[0]
        if len(closest) > 1 and best.score - closest[1].score < _NAMED_RULED_LEAD:
            return None
        # (not whether something is required: 「要不要…」 reads the must_if words looser than a case)
        if u.asks_obligation or not self.names_topic(u, best.entry.id) or self.ruling(u, best.entry.id) is None:
            return None
        return best

    def _named_target_far_ahead(self, u: Understanding, closest: list[Ranked], slots: Slots) -> Ranked | None:
        """A long question naming an action plan (one of its keywords) and a school year, its yearly
        targets far closer than anything else ("how many foreign english teachers were they aiming
        for in total by 111", 0.66 against 0.09), asks that plan's row; None otherwise (a yes or no
        is left to the rulings; measured: an entry's keyword and lead alone, without the year and
        the action plan's rows, made more confident answers wrong than right)."""
        if not closest or closest[0].confidence < _TARGET_FLOOR:
            return None
        best = closest[0]
        if not best.entry.id.startswith("kl.ap.") or not best.entry.details or slots.year is None:
            return None
        if len(closest) > 1 and closest[1].confidence > best.confidence * _TARGET_NEXT_SHARE:
            return None
        if u.asks_yes_no or u.yes_no_form or not self.names_topic(u, best.entry.id):
            return None
        return best

    def _row_over_heading(self, u: Understanding, closest: list[Ranked], slots: Slots) -> Ranked | None:
        """Unsure between an action plan and the strategy it is under, a question naming a school
        year or asking how many ("cumulative foreign English teachers target by 111?") asks the
        action plan's yearly targets, which the strategy only sums up; None otherwise."""
        if len(closest) < 2 or self.heading_level(u) is not None:
            return None
        if slots.year is None and not _HOW_MANY_ASKED.search(u.normalised):
            return None
        row, heading = closest  # (the action plan first, and close to sure: not any question's pair)
        if row.confidence < _ROW_FLOOR or self._heading_of(row.entry.id, "strategy") != heading.entry.id:
            return None
        return row if row.entry.details else None

    def _heading_of(self, entry_id: str, level: str) -> str | None:
        """The entry of the strategy or goal (`level`) the entry is under, if any."""
        entry = self.kb.entries.get(entry_id)
        if entry is None:
            return None
        part, _, rest = entry.section.partition(" ")
        code = rest.split(" ")[0]  # 目標二(四)
        if "(" not in code:
            return None  # a goal, or no heading at all
        wanted = code if level == "strategy" else code.split("(")[0]
        return next((other for other in self._heading_entries.get((part, wanted), ()) if other != entry.id), None)

    @staticmethod
    def heading_level(u: Understanding) -> str | None:
        """The heading a message asks of an entry it is under: "strategy", "goal", or None."""
        return next((name for name, pattern in _HEADING_ASKED if pattern.search(u.normalised)), None)

    def outside_its_case(self, answer: Answer, slots: Mapping[str, SlotValue]) -> Answer | None:
        """For a sure answer from a rule the plan states for one case only (`only_for`: 「學校申請模式二
        時…」), asked of another case (`slots` name 模式一): that the plan says nothing of this case,
        quoting what it says; None otherwise."""
        entry = self.kb.entries.get(answer.intent or "")
        if not answer.confident or entry is None or entry.outside is None:
            return None
        if satisfies(slots, entry.only_for)[1] == 0:
            return None
        text = entry.outside.get(answer.lang)
        suggestions = [Suggestion(entry.id, entry.title.get(answer.lang))]
        return Answer(intent=None, confidence=0.2, text=text, suggestions=suggestions, lang=answer.lang, covered=False)

    def on_the_targets(
        self,
        u: Understanding,
        answer: Answer,
        slots: dict[str, SlotValue],
        told: tuple[str, ...] = (),
        last_year: int | None = None,
    ) -> Answer | None:
        """A sure answer from an entry of yearly targets, worked with the user's own figures when the
        message asks a sum of them (knowledge/targets.py: a share of their schools, a count checked, a
        running total's growth, a semester's target over the year); None otherwise. The rows are
        those of the level `slots` names, if any, one a school year; `told` is what the chat said before,
        oldest first, and `last_year` the school year of its last answer."""
        entry = self.kb.entries.get(answer.intent or "")
        if not answer.confident or entry is None:
            return None
        level = {k: v for k, v in slots.items() if k == "level"}
        rows: dict[int, Target] = {}
        texts: dict[int, list[Detail]] = {}
        unit = unit_asked(u.normalised)
        for detail in entry.details:
            if satisfies(level, detail.when)[1]:
                continue
            target = target_of(detail, unit)
            if target is None and unit is not None:
                continue  # a row with no count of the unit asked (國中's articles, asked words)
            if target is None:
                return None  # a row with no one figure
            if target.year in rows:
                # a year with a row a level: summed only when a total is asked (「國中小合計」) of counts
                summed = summed_targets(rows[target.year], target) if u.asks_total else None
                if summed is None:
                    return None
                rows[target.year] = summed
                texts[target.year].append(detail)
                continue
            rows[target.year], texts[target.year] = target, [detail]
        year = slots.get("year")
        worked = work(u.normalised, rows, year if isinstance(year, int) else None, told, last_year)
        if worked is None:
            return None
        lang = answer.lang
        quoted = [detail.text.get(lang) for y in worked.years for detail in texts[y]]
        title = entry.title.get(lang) + ("：" if lang == "zh" else ":")
        return Answer(
            intent=entry.id,
            confidence=answer.confidence,
            text="\n".join([worked.zh if lang == "zh" else worked.en, title, *quoted]),
            sources=[entry.source(lang)],
            lang=lang,
        )

    def _no_detail(
        self, entry: Entry, lang: str, confidence: float, suggestions: list[Suggestion], named: bool
    ) -> Answer:
        """ "The plans do not say", naming the related rule the question came closest to; `named`:
        the question names that rule's subject (a keyword), so a follow-up continues it."""
        text = _NO_DETAIL[lang].format(fallback=self.kb.fallback.get(lang), title=entry.title.get(lang))
        return Answer(
            intent=None,
            confidence=confidence,
            text=text,
            suggestions=suggestions,
            lang=lang,
            covered=False,
            related=entry.id if named else None,
        )

    def amounts_not_given(self, u: Understanding, topic_entry: str | None, lang: str) -> Answer | None:
        """The honest "this plan states no money" for a question asking an amount of money of a plan
        whose document says it gives none (`no_amounts`): the plan the message names, else the plan
        of the entry the message names by keyword, else that of the topic it follows; None otherwise."""
        if _MONEY_ASKED.search(u.normalised) is None:
            return None
        plans = self.cued_plans(u)
        entry = None
        if not plans:
            own = self.answer_to(u)
            named = own.intent if own.confident and self.names_topic(u, own.intent) else topic_entry
            entry = self.kb.entries.get(named or "")
            plans = {entry.document.id} if entry is not None else set()
        if len(plans) != 1:
            return None
        document = self.kb.documents[plans.pop()]
        if document.no_amounts is None:
            return None
        text = document.no_amounts.get(lang)
        # (the entry asked of stays the topic: "how many schools in the third year?" next is its row)
        related = entry.id if entry is not None else None
        return Answer(intent=None, confidence=0.0, text=text, lang=lang, covered=False, related=related)

    def cued_plans(self, u: Understanding) -> set[str]:
        """The plans (document ids) the message names by one of their cue words (基隆, 國教署 …)."""
        return {doc for doc, cues in self._plan_cues.items() if cues.search(u.normalised)}

    def item_words(self, entry_id: str) -> str:
        """An entry's Chinese title and keywords, normalised: the words that name its budget item."""
        return self._item_words[entry_id]

    def title_words(self, entry_id: str) -> str:
        """An entry's Chinese title, normalised."""
        return self._titles[entry_id]

    def names_title(self, u: Understanding, entry_id: str | None) -> bool:
        """Whether the message says part of the entry's title: four Chinese characters of it in a
        row (「雙語學校」 of 雙語學校建置計畫; three are too common: 「幾校參與」 holds 校參與 of
        學校參與國際活動補助計畫), or two of its longer English words ("bilingual … schools" of
        "Setting up bilingual schools")."""
        entry = self.kb.entries.get(entry_id or "")
        if entry is None:
            return False
        title = self._titles[entry.id]
        runs = (title[i : i + 4] for i in range(len(title) - 3))
        if any(_CJK_RUN.fullmatch(run) and run in u.normalised for run in runs):
            return True
        words = {w[:5] for w in re.findall(r"[a-z]{5,}", entry.title.en.lower())} - _TITLE_FILLERS
        said = {w[:5] for w in re.findall(r"[a-z]{5,}", u.normalised)}
        return len(words & said) >= 2

    def names_a_keyword(self, u: Understanding) -> bool:
        """Whether the message holds any entry's keyword (「住宿費」「部領」), as opposed to figures
        alone (「they each come to 2 meetings」) that need the last topic to mean anything."""
        return self.matcher.has_keyword(u.normalised)

    def named_entry(self, u: Understanding, slots: Slots) -> str | None:
        """Among the closest entries, the first the message names by one of its keywords."""
        for ranked in self.matcher.rank(u.matching or u.normalised, slots)[:3]:
            if self.names_topic(u, ranked.entry.id):
                return ranked.entry.id
        return None

    def tier_entry(self, slots: dict[str, SlotValue]) -> str | None:
        """The entry stating the ceiling tier that `slots` (mode, classes, domains) fall in: every
        constraint of its `when` holds, and it is about class counts."""
        for entry in self.kb.entries.values():
            if "classes" in entry.when and set(entry.when) - {"year"} <= set(slots):
                matched, conflicts = satisfies(slots, entry.when)
                if conflicts == 0 and matched == len(set(entry.when) - {"year"}):
                    return entry.id
        return None

    def year_uncovered(self, year: int, entry_id: str) -> bool:
        """Whether the plan of an entry leaves `year` out (Keelung: 109–111)."""
        entry = self.kb.entries.get(entry_id)
        span = entry.document.when.get("year") if entry else None
        return span is not None and satisfies({"year": year}, {"year": span})[1] > 0

    def uncovered_reply(self, year: int, lang: str) -> str:
        rule = self.kb.uncovered_year
        return rule.reply.get(lang).format(year=year) if rule else self.kb.fallback.get(lang)

    # -- helpers ----------------------------------------------------------------------

    def render(self, entry: Entry, slots: Slots, lang: str, total: bool = False) -> str:
        """The entry's answer, narrowed to the detail rows the question's slots select; with `total`
        (「國中小加起來幾人次」) the rows' counts added up, when they add up (details.row_total)."""
        named = slots.as_dict()
        selected = [d for d in entry.details if (found := satisfies(named, d.when))[0] and not found[1]]
        # counted in the Chinese rows (their units are the plan's), worded in the reply's language
        added = None
        if total and not selected and entry.details:
            # 「三年總共幾班次」: a row a school year, all added up; 「三個學年全部加起來」 of both levels'
            # rows too, when their counts add up
            added = row_total([d.text.zh for d in entry.details], lang)
            if added is not None or _one_row_a_year(entry.details):
                selected = list(entry.details)
        elif total and (len(selected) < len(entry.details) or _one_row_a_year(selected)):
            added = row_total([detail.text.zh for detail in selected], lang)
        rows = [detail.text.get(lang) for detail in selected]
        if added is not None:
            rows.append(added)
        if rows:
            return (
                f"{entry.title.get(lang)}：\n" + "\n".join(rows)
                if lang == "zh"
                else f"{entry.title.get(lang)}:\n" + "\n".join(rows)
            )
        return entry.answer.get(lang)

    def _conditions(self, conditions: tuple[Condition, ...]) -> list[list[_Group]]:
        return [[self._group_of(words) for words in condition] for condition in conditions]

    def _group_of(self, words: tuple[str, ...]) -> _Group:
        """The word group of `words`, built once: the entries repeat word lists (YAML anchors), and
        building them was most of the start-up."""
        group = self._groups.get(words)
        if group is None:
            group = self._groups[words] = _group(words, self.normalize)
        return group

    def _words(self, words: tuple[str, ...]) -> re.Pattern[str]:
        """`words` normalised, as one regex (a word that normalises to nothing is left out)."""
        return any_word(normalised for word in words if (normalised := self.normalize(word)))

    def _out_of_scope_reply(self, normalised: str, lang: str, context: str | None = None) -> str | None:
        words = _NUMBERED_MONTH.sub(" ", normalised)  # 「10月考英檢」 is a month, no 月考 (monthly exam)
        for rule, triggers, exceptions, said in self._out_of_scope:
            if exceptions.search(context or normalised) or said.search(normalised):
                continue  # a covered question that shares a trigger word (代課 with 薪水)
            if triggers.search(words):
                return rule.reply.get(lang)
        return None

    def _uncovered_year_reply(self, normalised: str, slots: Slots, lang: str) -> str | None:
        rule = self.kb.uncovered_year
        if rule is None or slots.year is None or self._year_exceptions.search(normalised):
            return None
        covered = [doc.when.get("year") for doc in self.kb.documents.values()]
        if any(satisfies({"year": slots.year}, {"year": span})[1] == 0 for span in covered if span is not None):
            return None
        return rule.reply.get(lang).format(year=slots.year)

    def _unsure(self, best: Ranked | None, suggestions: list[Suggestion], lang: str) -> Answer:
        if best is None or best.confidence < 0.15 or not suggestions:
            return Answer(
                intent=None,
                confidence=best.confidence if best else 0.0,
                text=self.kb.fallback.get(lang),
                suggestions=suggestions,
                lang=lang,
                covered=False,
            )
        lines = [_UNSURE[lang]] + [f"{i}. {s.title}" for i, s in enumerate(suggestions, 1)] + [_UNSURE_TAIL[lang]]
        return Answer(
            intent=None, confidence=best.confidence, text="\n".join(lines), suggestions=suggestions, lang=lang
        )


_NUMBERED_MONTH = re.compile(r"\d\s*月")
# A question asking an amount of money (not a count): 「補助多少錢」「預算是多少」 "what's the budget"
# a heading an entry is under, asked of it: 「屬於哪個策略」 "which goal is it under?"
_HEADING_ASKED = (
    ("strategy", re.compile(r"哪[一1]?(?:個|項)?(?:實施)?策略|which strategy|what strategy")),
    ("goal", re.compile(r"哪[一1]?(?:個|項|大)?目標|which goal|what goal")),
)
# English title words that name no entry ("About the Keelung plan": "what about 111" is no mention of it)
_TITLE_FILLERS = {"about", "keelu", "their", "there", "other", "under", "which", "plans"}
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_UNDER_IT = re.compile(r"行動方案|action plan")  # an entry under the heading, not the heading's own


# the levels an action plan is for, as its answer states them: 「學階：國中小」「學階：高國中小」
_LEVELS_STATED = re.compile(r"學階：\s*([高國中小]+)")
_MONEY_ASKED = re.compile(
    r"多少錢|幾萬|幾元|多少經費|多少預算|(?:經費|預算|金額)(?:是|有|大概|大約|各|分別)?多少|補助多少(?:錢|經費)|補助(?:的)?金額|"
    r"有(?:沒有)?經費嗎?|(?:每|1)\s*(?:校|所|間)\s*(?:補(?:助)?|給|拿|有)?\s*多少|"  # 「這個有經費嗎 一校補多少」
    r"(?:經費|預算|金額)\S{0,4}多少|"  # 「國際教育的經費一校多少」
    r"(?:市府|縣府|市政府|縣政府|教育處|教育局)\S{0,4}(?:補|補助|給|撥)多少|"  # 「每間雙語學校市府補多少」
    r"how much (?:money|funding|budget)|what(?:'?s| is) the (?:\w+ )?budget|\bbudget (?:for|of|per)\b|"
    r"how much (?:does|do|will|would|did) (?:[\w-]+ ){1,6}?(?:give|pay|fund|grant|get|receive)"
)


def _one_row_a_year(details: Sequence[Detail]) -> bool:
    """Whether the rows differ by school year alone, one row to a year."""
    years = [detail.when.get("year") for detail in details]
    others = {tuple(sorted((k, str(v)) for k, v in detail.when.items() if k != "year")) for detail in details}
    return len(details) > 1 and None not in years and len(set(years)) == len(years) and len(others) == 1


class _Group(Protocol):
    """One word group of a yes/no condition: met when `search` finds it in a question."""

    def search(self, text: str) -> object: ...


_BOUND_WORD = re.compile(r"^([<>]=?)\s*(\d+(?:\.\d+)?)%$")


@dataclass(frozen=True)
class _PercentBound:
    """A word group written as a bound on a percentage (「>30%」 in the transfer rule's no_if): met
    by a question naming a percentage beyond it (「併35%呢」「編到經常門的25%」 against 20%)."""

    above: bool
    inclusive: bool
    limit: Decimal

    def search(self, text: str) -> bool:
        for share in percentages_in(text):
            if share == self.limit and self.inclusive:
                return True
            if (share > self.limit) if self.above else (share < self.limit):
                return True
        return False


# 「<figure>」: a word group met by any count or share named (「9校」「85人次」「3 schools」「95%」), for a
# condition that must leave a stated figure to the answer's own figures (knowledge/figure_check.py)
FIGURE_NAMED = "<figure>"
_A_FIGURE = re.compile(
    r"\d\s*(?:%|人次|班次|個學校|個國小|個國中|個高中|國小|國中|高中|外師|本|篇|字|校|所|間|隊|案|名|場|位)|"
    r"\b\d+ (?:[a-z-]+ ){0,2}(?:schools?|teams?|students?|teachers?|people|times|cases|projects|sessions|classes|"
    r"visits?|trips?|camps?|contests?|competitions?|words?|books?|articles?)\b"
)


# 「<amount>」: the same for an amount of money (「2500」「1萬5」「NT$1,600」「150元」), not a school year
AMOUNT_NAMED = "<amount>"
_AN_AMOUNT = re.compile(
    r"\d\s*(?:萬|千|元|塊)|(?:nt|\$)\s*\$?\s*\d|(?<!\d)\d{4,}(?!\d)|(?<![\d/.])\d{3}(?![\d/.%])(?!\s*(?:分之|學年|年|班|節|人|小時|分鐘))"
)


@dataclass(frozen=True)
class _Named:
    """A word group met by a kind of figure the question names (FIGURE_NAMED, AMOUNT_NAMED)."""

    pattern: re.Pattern[str]

    def search(self, text: str) -> bool:
        return self.pattern.search(text) is not None


_SCHOOL_YEAR = re.compile(r"^1[01]\d$")  # 「109」「111」: an ROC school year, not a count (「6」 periods)


@dataclass(frozen=True)
class _Years:
    """A word group of school years only (「109」「110、111」): met like any words, but a year names
    no case of a rule (Engine.rules_on leaves it out)."""

    words: _Group

    def search(self, text: str) -> object:
        return self.words.search(text)


def _group(words: tuple[str, ...], normalize: Normalizer) -> _Group:
    if words and all(_SCHOOL_YEAR.match(word) for word in words):
        return _Years(any_whole_word(words, normalize))
    if words == (FIGURE_NAMED,):
        return _Named(_A_FIGURE)
    if words == (AMOUNT_NAMED,):
        return _Named(_AN_AMOUNT)
    bound = _BOUND_WORD.match(words[0]) if len(words) == 1 else None
    if bound is None:
        return any_whole_word(words, normalize)
    sign, limit = bound.groups()
    return _PercentBound(above=sign.startswith(">"), inclusive=sign.endswith("="), limit=Decimal(limit) / 100)


def _case_named(conditions: list[list[_Group]], text: str) -> int:
    """The word groups of the most particular condition `text` meets whole that names a case (0:
    none): one of school years and figures only names none (「109學年締結了3校」 meets 「109」 and a
    figure of the international-contest rule, a tie its figures settle, and is not about it)."""
    met = [c for c in conditions if all(group.search(text) for group in c)]
    return max((len(c) for c in met if not all(isinstance(g, (_Named, _Years)) for g in c)), default=0)


# 「不會」「不用」「不」 "doesn't" right before the words that met a condition
_DENIED_BEFORE = re.compile(
    r"(?:不會|不用|不必|不需|不須|不要|不|沒有|沒|won't|wont|doesn't|doesnt|does not|don't|dont|do not|isn't|is not|not)\s*$"
)


def _denies_the_case(conditions: list[list[_Group]], text: str, size: int) -> bool:
    """Whether a condition of `size` word groups met whole in `text` has its words denied there
    (「不會佔到縣市的額度」 meets 佔 + 額度 of 「計入額度」 and denies it)."""
    for condition in conditions:
        if len(condition) != size or not all(group.search(text) for group in condition):
            continue
        for group in condition:
            found = group.search(text)
            if isinstance(found, re.Match) and _DENIED_BEFORE.search(text[max(0, found.start() - 8) : found.start()]):
                return True
    return False


def _most_particular(conditions: list[list[_Group]], text: str) -> int:
    """The word groups of the most particular condition `text` meets whole (0: none)."""
    return max(
        (len(condition) for condition in conditions if all(group.search(text) for group in condition)), default=0
    )
