"""The routing policy, in one place: what a message gets, given what the chat said before.

`decide()` is a pure function of the understood message, the chat's remembered state and the
engine's ranking. In order:

1. an empty message → a prompt for a question;
2. 「詳細」/ "details" after a computed answer → its full breakdown;
3. an answer to the question the bot just asked back (a bare number, yes/no, or the fact in
   words) → the computation it was asked for, continued;
4. a follow-up or a correction of the last topic (「那13班呢」「模式二呢」「國中呢」「不是，我是問模式二」,
   "what about 8 classes?", or a message that only states facts) → the last question with that
   changed;
5. a computation over the user's own figures (a ceiling with a class count, 30 teachers × two
   meals, 24 萬 × 20%, a period end + 2 months …) → the calculation, missing school facts taken
   from what the chat told before;
6. a knowledge-base answer at or above the engine's confidence;
7. a question the plans do not cover → an honest "not in the plans";
8. otherwise → "not sure", with the closest topics.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from handlers.memory import Topic
from knowledge import figure_check
from knowledge.calculators import lecturer_type
from knowledge.compute import fee_total, premium_base
from knowledge.engine import CONFIDENT, Answer, Engine
from knowledge.funding_rules import FundingRules
from knowledge.model import Entry
from knowledge.quantities import CLAIMED_BEFORE, MEALTIME, Amount, read_figures, without_counts
from knowledge.queries import (
    CAPITAL,
    CAPITAL_CAP,
    CEILING,
    CLOSEOUT,
    CONSULT,
    DAYS_TO_THE_END,
    EVENT_COSTS,
    EVENT_LINE_ITEMS,
    ITEM,
    LEAD_PERSON,
    PEOPLE_OR_TIMES_ASKED,
    SCHOOL_YEAR,
    SHARE,
    SOMEONE_ELSE,
    TEACHING_LOAD,
    TRANSFER,
    VERDICT,
    Query,
    amounts_of,
    asks_after_the_move,
    asks_closeout_date,
    asks_how_many_it_buys,
    asks_the_deadline_of_a_date,
    asks_the_total,
    asks_the_whole_ceiling,
    asks_what_it_buys,
    closeout_after,
    computed_from,
    count_priced,
    counted_by,
    fee_counted_in,
    files_on_a_date,
    lecturer_in,
    named_item,
    puts_a_count_right,
    query_after_an_item,
    query_for,
    revise,
    told_today,
    visitors_query,
)
from knowledge.slots import Slots, domains_answered, satisfies
from knowledge.targets import asks_growth, counts_a_total_asking_how_many
from knowledge.understand import (
    ASKS_TOTAL,
    CLAIM_TOLD,
    Understanding,
    asks_which,
    clauses_of,
    compiled,
    follows_permission,
)

EMPTY, DETAILS, COMPUTE, ANSWER, LANGUAGE = "empty", "details", "compute", "answer", "language"

_DETAILS = re.compile(
    r"^(?:詳細|詳情|細節|明細|更多|看詳細|詳細一點|details?|more|breakdown|full breakdown|show details)$"
)
# 「這是根據哪一條」 "ok so what rule is it tied to": the rule the last reply came from, whole
_WHICH_RULE = re.compile(
    r"哪(?:一)?條|哪個規定|什麼規定|依據(?:是|為何|什麼|哪)|根據(?:什麼|哪)|出處|寫在哪|哪裡寫|哪邊寫|法源|規定在哪|"
    r"\b(?:which|what) (?:rule|section|part of the plan|clause)\b|"
    r"\bwhere(?: s| is)? (?:that|it|this) (?:written|stated|from)\b|"
    r"\bwhat(?: s| is) the (?:rule|basis|source)\b|\bsource for (?:that|this|it)\b"
)
_ENGLISH_PLEASE = re.compile(r"^(?:英文|英文呢|用英文|英文版|in english|english|english please)$")
_CHINESE_PLEASE = re.compile(r"^(?:中文|中文呢|用中文|中文版|in chinese|chinese|chinese please)$")
# What a message may hold besides facts and still only state facts (「那13班呢」「我們是國中」).
_FILLER = re.compile(
    r"那麼|那|呢|的話|如果|若|假如|要是|改成|換成|是|我們|我校|本校|學校|有|的|話|咧|勒|啊|喔|欸|嗯|吧|了|"
    r"不是|不對|我是問|我是說|我說錯|打錯|更正|抱歉|問|改|換|只|做|實施|上|呀|耶|囉|"
    # the class count changed, told through someone: 「欸等等 會計說明年增班 變三十六班了」
    r"等等|等一下|(?:會計|主任|組長|校長|同事)(?:跟我)?說|明年|今年|下學年|增班|減班|變成|變|其實|結果|"
    r"\b(?:what|about|how|and|with|for|if|in|at|the|a|an|then|instead|sorry|i|meant|mean|no|our|we|have|has|are|is|"
    r"school|only|just|do|case|of|it|actually|correction|please|what's|whats|plus|wait|hold on|"
    r"(?:the )?(?:accountant|principal|director|coordinator) (?:says|said)|next year|we'll|will|be|now)\b"
)
_FACT_WORDS = re.compile(
    r"模式\s*[12]|\d+\s*(?:個)?\s*(?:以上)?\s*(?:班|領域|科目|domains?|subjects?|classes|class)|"
    r"國小|國中|高中|分校|分班|觀課|部領|\d{3}\s*(?:學年度|學年|年度|年)?|school year|academic year|"
    r"(?:a |the )?branch(?: campus| school| classes)?|"
    r"單一?領?域|多領域|one domain|single domain|two or more|multiple domains|"
    r"\d+|elementary|primary|junior|senior|high|middle"
)
# Saying something about the school itself: its facts are remembered as the school's.
_ABOUT_US = re.compile(
    r"我們|我校|本校|敝校|我的學校|我學校|學校是|\bour\b|\bwe\b|\bwe're\b|\bwe are\b|\bus\b|my school"
)
# A question of its own, not a follow-up, even when short: 「部領老師要全英語上課嗎」.
_NEW_TOPIC = re.compile(
    r"換個問題|換個話題|另外問|另一個問題|問別的|不同的問題|another question|different question|new question|"
    r"something else|unrelated"
)
# 「兩個加起來總共多少」 "add the two up": the sum of the last two amounts computed
# 「兩個差多少」 "what's the difference?": the two last ceilings compared
_BOTH_DIFFER = re.compile(r"差多少|差幾|相差|差額|差了多少|差距|\bdifference\b|\bdiffer\b|how much more|how much less")
_BOTH_ADDED = re.compile(
    r"(?:[兩2](?:個|項|部|邊|者|筆)|這[兩2]|二者|both|the two|them)\s*.{0,4}"  # 「兩個」 is 「2個」 once normalised
    r"(?:加起來|相加|合計|總共|一共|together|in total|combined|added up|add up)|"
    r"加起來(?:總共|一共)?(?:是)?多少|\badd (?:them|these|those|the two) up\b"
)
# A cost named (「那代課費呢」 "what about substitute pay?"): another item, not a case of the last rule
_COST = re.compile(r"費|\b(?:fees?|pay|costs?|allowances?|expenses?)\b")
# a word pointing back at what was just answered ("who runs it", 「這個誰負責」)
_REFERS_BACK = re.compile(r"\b(?:it|its|this|that|them|they|those|these)\b|這個|這項|這筆|那個|它")
_OWN_QUESTION = re.compile(
    r"嗎|哪|什麼|怎麼|如何|誰|為什麼|是否|要不要|\b(?:can|do|does|must|should|who|which|what|how|is it|are)\b"
)


@dataclass(frozen=True)
class Decision:
    """What to do with a message: `route` with the computation (`query`) or the knowledge-base
    `answer`; `context` holds the facts carried over from earlier turns (shown to the user)."""

    route: str
    query: Query | None = None
    answer: Answer | None = None
    slots: dict[str, Any] = field(default_factory=dict)
    text: str = ""  # the normalised question the topic is about (for later follow-ups)
    context: dict[str, Any] = field(default_factory=dict)
    lang: str | None = None  # a language the message asked for (「英文呢」)


def states_only_facts(u: Understanding) -> bool:
    """A message that, apart from filler, only states facts: 「那13班呢」「國中呢」「2個領域」。"""
    rest = _FILLER.sub(" ", _FACT_WORDS.sub(" ", u.normalised))
    return len(rest.replace(" ", "")) <= 1 and u.normalised != ""


def _tells_only(u: Understanding) -> bool:
    """A message that tells something and asks nothing (「啊忘了講 我們有分校 也要一起做」)."""
    asks = u.asks_amount or u.yes_no_form or u.asks_obligation or asks_which(u.normalised)
    return not asks and "?" not in u.text and "？" not in u.text


def about_the_school(u: Understanding) -> bool:
    return _ABOUT_US.search(u.normalised) is not None


def _answers_step(u: Understanding, step: str) -> dict[str, Any] | None:
    """The fact a message gives in answer to the bot's question for `step`, or None. Only a
    message that answers (a number, yes/no, or facts alone) counts: a new question asked
    instead is answered as one."""
    facts = {k: v for k, v in u.facts.items()}
    named = domains_answered(u.normalised) if step == "domains" and not facts else None
    if named is not None:  # 「两个 艺术跟健体」 "art and PE": the domains named, counted
        return {"domains": named}
    if not (states_only_facts(u) or u.bare_number is not None or u.yes_no is not None or step == "part"):
        return None
    if step in ("mode", "classes", "domains") and u.bare_number is not None and not facts:
        value = u.bare_number
        if step == "domains" and isinstance(value, int) and value >= 2:
            value = 2
        return {step: value if isinstance(value, int) else str(value)}
    if step in ("branch", "open_classroom") and u.yes_no is not None:
        return {step: u.yes_no}
    if step == "part":
        if u.mentions(r"挪|移|併入|\bmove|\bshift|\btransfer"):
            return None  # 「老師那塊可以挪多少去生活化」: money moved between them, a question of its own
        if u.mentions(r"部領|partial"):
            return {"part": "partial_domains"}
        if u.mentions(r"雙語生活化|生活化|campus life|life"):
            return {"part": "bilingual_life"}
        return None
    if step in facts or facts.keys() & {"mode", "classes", "domains"}:
        return {k: v if isinstance(v, (bool, int)) else str(v) for k, v in facts.items()}
    return None


def _continue(query: Query, given: dict[str, Any]) -> Query:
    if "part" in given:
        return replace(query, inputs=dict(query.inputs) | {"part": given["part"]})
    facts = dict(query.facts) | given
    if given.get("mode") == 1:
        facts.pop("domains", None)
        facts.pop("open_classroom", None)
    return replace(query, facts=facts)


def _differing_fact(last: Query | None, before: Query | None) -> Query | None:
    """Two ceilings of facts alike but one (11 classes, 1 and 2 domains) as one comparing them."""
    if last is None or before is None or not last.kind == before.kind == CEILING:
        return None
    keys = set(last.facts) | set(before.facts)
    if {last.facts.get("mode"), before.facts.get("mode")} == {1, 2}:
        # 「兩個模式差多少錢」 after mode 1 and mode 2 with one domain: the domains are mode 2's alone
        keys -= {"domains", "open_classroom"}
    differing = [k for k in keys if last.facts.get(k) != before.facts.get(k)]
    if len(differing) != 1 or None in (last.facts.get(differing[0]), before.facts.get(differing[0])):
        return None
    name = differing[0]
    common = {k: v for k, v in last.facts.items() if k != name}
    return Query(
        CEILING, facts=common, inputs={"compare": {"fact": name, "values": [before.facts[name], last.facts[name]]}}
    )


def _both_items(u: Understanding, topic: Topic | None, rules: FundingRules) -> Query | None:
    """「兩個加起來總共多少」 after two item amounts (a lecture fee, then meals): both, added up; an
    item the message counts itself (「再請兩位學者出席 出席費各一次 全部加起來多少」 after the
    consultation fee) is added to the last one instead."""
    if topic is None or u.figures.labelled:
        return None
    if topic.earlier and _BOTH_DIFFER.search(u.normalised):
        # 「兩個差多少」 after one school's ceilings for 1 and for 2 domains: the difference between them
        differing = _differing_fact(topic.query, topic.earlier[0].query)
        if differing is not None:
            return differing
    if not _BOTH_ADDED.search(u.normalised) or _PEOPLE_ADDED.search(u.normalised):
        return None  # (「出席費兩位加起來多少」: two people's fees, not two items)
    own = query_for(u, rules)
    last_item = topic.query if topic.query is not None and topic.query.kind == ITEM else None
    if own is not None and own.kind == ITEM and last_item is not None and own.item not in (last_item.item, "combined"):
        parts = [{"item": q.item} | dict(q.inputs) for q in (last_item, own)]
        return Query(ITEM, item="combined", inputs={"parts": parts, "text": u.normalised})
    if not topic.earlier:
        return None
    if u.mentions(r"補充保費|premium"):
        return None  # 「兩個加起來 補充保費多少」: the premium on both (_premium_of_all)
    last, before = topic.query, topic.earlier[0].query
    if last is not None and before is not None and last.kind == before.kind == CEILING and last.facts != before.facts:
        # 「兩部加起來最多多少」 after the ceilings of the 國小部 and the 國中部
        return Query(CEILING, facts=dict(last.facts), inputs={"plus": dict(before.facts)})
    if (
        last is None
        or before is None
        or last.kind != ITEM
        or before.kind != ITEM
        or "combined" in (last.item, before.item)
    ):
        return None
    parts = [{"item": q.item} | dict(q.inputs) for q in (before, last)]
    return Query(ITEM, item="combined", inputs={"parts": parts, "text": u.normalised})


# 「下午再由本校主任講2節 講座費合計多少」 "plus 2 periods by our own director, total?"
_ANOTHER_TALK_ADDED = re.compile(
    r"再|另外|還有|加上|合計|總共|一共|加起來|\bplus\b|\balso\b|\bin total\b|\baltogether\b"
)


_WITH_THE_FEES = re.compile(r"\btotal\b|連同|含(?:費用|鐘點費|講座費)|費用加|加(?:上)?(?:補充)?保費")


def _premium_with_its_fees(u: Understanding, topic: Topic | None, rules: FundingRules) -> Query | None:
    """「全部加起來多少」 "total with premium?" after a premium on fees told as amounts: those fees and
    the premium, added up (not the premium added to the premium computed before it)."""
    last = topic.query if topic is not None else None
    if last is None or last.item != "premium" or not last.inputs.get("amounts"):
        return None
    if not (u.asks_total or _WITH_THE_FEES.search(u.normalised)) or counts_something(u) or _ADDED.search(u.normalised):
        return None
    if u.figures.amounts or u.figures.labelled or (rules.items_in(u.normalised) - {"premium"}):
        return None  # (「另外請３位專家出席 出席費總共多少」: another fee, of its own)
    return replace(last, inputs=dict(last.inputs) | {"with_fees": True})


def _another_lecturer_added(u: Understanding, topic: Topic | None, rules: FundingRules) -> Query | None:
    """A talk by another kind of lecturer added after a lecture fee (「下午再由本校主任講2節 講座費合計
    多少」 after a guest's 4 periods): both talks, each at its rate, added up."""
    last = topic.query if topic is not None else None
    if last is None or last.kind != ITEM or last.item != "lecture_fee" or not _ANOTHER_TALK_ADDED.search(u.normalised):
        return None
    own = query_for(u, rules)
    if own is None or own.kind != ITEM or own.item != "lecture_fee" or not own.inputs.get("periods"):
        return None
    before = last.inputs.get("lecturer") or lecturer_type(str(last.inputs.get("text") or ""))
    now = own.inputs.get("lecturer")
    if now is None or before == now or u.mentions(r"補充保費|premium"):
        return None
    parts = [{"item": q.item} | dict(q.inputs) for q in (last, own)]
    return Query(ITEM, item="combined", inputs={"parts": parts, "text": u.normalised})


# a fee of the same event added to the last one's and the sum asked: 「再加上一位專家入校諮詢一整天 總共多少」
_ITEM_ADDED = re.compile(r"再加|加上|另外再|還要再|\bplus\b|\badd(?:ing)? (?:a|an|one|another)\b|\bon top\b")


def _another_item_added(u: Understanding, topic: Topic | None, rules: FundingRules) -> Query | None:
    """A fee of another item with its own figures added after a fee computed (「再加上一位專家入校諮詢
    一整天 總共多少」 after two experts' attendance fees), the sum asked: the last computation's lines
    and the new one, added up (not the new one alone)."""
    last = topic.query if topic is not None else None
    if last is None or last.kind != ITEM or not (u.asks_total and _ITEM_ADDED.search(u.normalised)):
        return None
    before = (
        list(last.inputs.get("parts") or []) if last.item == "combined" else [{"item": last.item} | dict(last.inputs)]
    )
    own = query_for(u, rules)
    if own is None or own.kind != ITEM or u.mentions(r"補充保費|premium"):
        return None
    # ("plus a teacher workshop: a 3-period talk + lunch for 30": lines of their own, all added)
    added = list(own.inputs.get("parts") or []) if own.item == "combined" else [{"item": own.item} | dict(own.inputs)]
    items = {part.get("item") for part in added}
    if not before or not added or not items <= EVENT_LINE_ITEMS:
        return None
    if any(part.get("item") not in EVENT_LINE_ITEMS or part.get("item") in items for part in before):
        return None  # (the same item again is a change of it, 「再加2節」; not this)
    parts = [{k: v for k, v in part.items() if k != "text"} for part in (*before, *added)]
    return Query(ITEM, item="combined", inputs={"parts": parts, "text": u.normalised})


def _after_the_move(u: Understanding, topic: Topic | None, rules: FundingRules) -> Query | None:
    """ "so campus life would then be how much altogether" right after the teacher funding that may
    move: that transfer's parts after the move, however many words it takes (no new school facts).
    English only: a Chinese one is read as a follow-up already, and taking every one so measured
    worse (an amount asked after it, 「如果…36萬呢」, kept asking campus life's total)."""
    last = topic.query if topic is not None else None
    if (
        last is None
        or last.kind != TRANSFER
        or u.lang != "en"
        or u.facts
        or u.figures.amounts
        or not asks_after_the_move(u)
    ):
        return None
    return revise(last, u, rules)


def _base_told_after_a_shares_rule(
    u: Understanding, topic: Topic | None, engine: Engine, rules: FundingRules
) -> Query | None:
    """ "total budget 150,000, and 30,000 of it is equipment" right after the misc rule (雜支 10% of the
    recurrent budget): the base of that share told, so the share computed on it (150,000 − 30,000)."""
    if topic is None or u.asks_yes_no or u.yes_no_form:
        return None
    labels = {a.label for a in u.figures.labelled}
    if not ({"total", "capital"} <= labels or "recurrent" in labels):
        return None
    # (or right after the share was asked with no base, the recurrent total asked for)
    asked = topic.query is not None and topic.query.kind == SHARE and "base" not in topic.query.inputs
    if topic.query is not None and not asked:
        return None
    item = (
        topic.query.item
        if asked and topic.query is not None
        else next(
            (key for key in rules.shares_of_the_recurrent() if topic.entry in item_entries(engine, rules).get(key, [])),
            None,
        )
    )
    if item is None or (u.item is not None and u.item != item and u.item != "equipment"):
        return None
    query = query_for(replace(u, item=item), rules)
    return query if query is not None and query.kind == SHARE and "base" in query.inputs else None


# an item of the last sum taken out: 「住宿拿掉」「不要訂便當了」 "drop the lodging"
_TAKEN_OUT = re.compile(
    r"拿掉|去掉|刪掉|刪除|扣掉|不要|取消|不用|省掉|\bdrop\b|\bremove\b|\bwithout\b|\bskip\b|\bno more\b"
)


def _item_taken_out(u: Understanding, topic: Topic | None, rules: FundingRules) -> Query | None:
    """An item of the last sum taken out (「住宿拿掉 講師當天來回就好」 after lectures, lunches and
    lodging added up): the sum of the other lines, no figure of the message's own changing them."""
    last = topic.query if topic is not None else None
    if last is None or last.item != "combined" or not _TAKEN_OUT.search(u.normalised) or u.figures.amounts:
        return None
    parts = list(last.inputs.get("parts") or [])
    named = rules.items_in(u.normalised)
    kept = [part for part in parts if part.get("item") not in named]
    if not named or len(kept) == len(parts) or not kept or counts_something(u):
        return None
    if len(kept) == 1:
        part = dict(kept[0])
        return Query(ITEM, item=str(part.pop("item")), inputs=part)
    return replace(last, inputs=dict(last.inputs) | {"parts": kept})


# some of the times counted left out: 「其中兩次改線上 那兩次就不訂便當」 "2 of them are cancelled"
_SOME_TIMES_OUT = re.compile(
    r"其中\s*(\d+)\s*(?:次|場|天).{0,16}?(?:不|取消|沒有|免|改線上|改成線上)|"
    r"\b(\d+) of (?:them|those|the (?:meetings|sessions|times))\b.{0,30}?\b(?:online|cancel\w*|no|not|skip\w*|without)\b"
)


def _some_times_left_out(u: Understanding, topic: Topic | None) -> Query | None:
    """「其中兩次改線上 那兩次就不訂便當 便當錢變多少」 after meals at each of 5 meetings: the same
    computation over the times left (3)."""
    last = topic.query if topic is not None else None
    found = _SOME_TIMES_OUT.search(u.normalised)
    if last is None or last.kind != ITEM or found is None or u.figures.amounts:
        return None
    times = last.inputs.get("occasions")
    out = int(found.group(1) or found.group(2))
    if not isinstance(times, int) or not 0 < out < times:
        return None
    return replace(last, inputs=dict(last.inputs) | {"occasions": times - out})


_POINTS_AT_IT = re.compile(r"\b(?:that s|thats|that is|that would be|that comes to|then)\b")


def last_ceiling(topic: Topic | None) -> Query | None:
    """The ceiling this chat computed last, among the last topic and those before it."""
    if topic is None:
        return None
    return next((t.query for t in (topic, *topic.earlier) if t.query is not None and t.query.kind == CEILING), None)


# Who the asker said they are (「我是體育老師」 "I teach English"), and a message about the asker
_ROLE_TOLD = re.compile(
    r"我是[\u4e00-\u9fff]{0,4}(?:老師|教師)|我(?:是)?教英[語文]|我是(?:代理|代課|行政)[\u4e00-\u9fff]{0,4}|"
    r"\bi teach [a-z]+|\bi(?:'m| am) an? (?:[a-z]+ ){0,2}(?:teacher|administrator|substitute)\b"
)
_ABOUT_ME = re.compile(r"我|自己|\bi\b|\bmyself\b|\bme\b|\bmy\b")
_ROLE_NAMED = re.compile(
    r"老師|教師|行政|代理|代課|同事|他|她|teach|admin|substitute|colleague|\bshe\b|\bhe\b|\bher\b|\bhis\b"
)


def _with_the_asker(query: Query, u: Understanding, topic: Topic) -> Query:
    """An English-test fee asked for the asker (「我想考B1 報名費可以補嗎」 "I'd like to sit a B1 test
    myself"), who named no role in it, is for the role they told earlier ("I teach English": B2 or
    above), from what the chat kept of its last messages."""
    if not _ABOUT_ME.search(u.normalised) or _ROLE_NAMED.search(u.normalised):
        return query
    for said in (t.said for t in (topic, *topic.earlier)):
        told = _ROLE_TOLD.search(said)
        if told is not None:
            return replace(
                query, inputs=dict(query.inputs) | {"text": f"{told.group(0)} {query.inputs.get('text', '')}"}
            )
    return query


def _agrees(ceiling: Query | None, school: dict[str, Any]) -> bool:
    """Whether a ceiling was computed for the school as told (no fact of it differs): "if we apply
    for the full amount, capital cap?" after 「mode 1」 then 「we're 40 classes」 is that ceiling's."""
    return ceiling is not None and all(school[k] == v for k, v in ceiling.facts.items() if k in school)


_MODE2_FACTS = ("mode", "classes", "domains")
_SCHOOL_FACT_KEYS = {"mode", "classes", "domains", "branch"}


def _changes_school_facts(facts: dict[str, Any], topic: Topic | None) -> bool:
    """Whether `facts` change a school fact the topic was answered for (「下學年會變36班」), not only
    repeat one (「部領」 is mode 2 again)."""
    slots = topic.slots if topic is not None else {}
    return any(slots.get(k) != v for k, v in facts.items() if k in _SCHOOL_FACT_KEYS)


def _materials_share(u: Understanding, topic: Topic | None, school: dict[str, Any]) -> Query | None:
    """「教學材料費最多可以編多少」 with no figures of its own, after a mode-2 ceiling or the school's
    facts: the teaching-materials cap is a share of that school's student foundation ceiling."""
    if not u.asks_amount or u.figures.amounts or u.figures.counts.periods or named_item(u) != "teaching_materials":
        return None
    if u.mentions(r"每班|每節|一班|一節|per class|per period|a class|a period"):
        return None  # 「一班一節可以報多少」: the rate
    # (the school's own, asked of it; the last ceiling's when the chat told none: "those classes")
    facts = _mode2_school(topic, school, about_the_school(u))
    if facts is None:
        return None
    # (「可以上幾班節」 "how many class-periods can that fund?": the share at 800 a class-period)
    buys = {"buys": True} if asks_what_it_buys(u) else {}
    return Query(ITEM, item="teaching_materials", facts=facts, inputs={"text": u.normalised} | buys)


# 「這樣有沒有超過」「會超過嗎」 "is that over?": whether the last computation is over its cap, nothing else
_ASKS_OVER_ALONE = re.compile(
    r"^\W*(?:這樣|那|所以)?\s*(?:會|有|是不是)?(?:沒有)?\s*(?:超過|超出|爆|超)(?:了)?\s*(?:嗎|沒|吧|呢)?\W*$|"
    r"^\W*(?:so\s+)?(?:is|are) (?:that|it|we) over(?: the cap)?\W*$"
)


def _materials_of_the_school(fresh: Query, topic: Topic | None, school: dict[str, Any]) -> Query | None:
    """「奠基課開4班 每班上20節 教學材料費要編多少」 after a mode-2 ceiling or the school's facts: those
    class-periods at 800, within the share of that school's student foundation ceiling (附件3: 不得超過
    學生奠基費用總編列經費之 20%), not at 800 alone."""
    i = fresh.inputs
    if fresh.kind != ITEM or fresh.item != "teaching_materials" or fresh.facts.get("mode"):
        return None
    if not (i.get("classes") and i.get("periods")) or i.get("amounts") or i.get("student") or i.get("buys"):
        return None
    facts = _mode2_school(topic, school)
    return replace(fresh, facts={k: v for k, v in facts.items() if k in _MODE2_FACTS}) if facts is not None else None


def _mode2_school(
    topic: Topic | None, school: dict[str, Any], asked_of_the_school: bool = False
) -> dict[str, Any] | None:
    """The mode-2 school whose student foundation ceiling a materials share is of: the chat's last
    ceiling's facts, or the school's own told facts (first when asked of the school, 「我們學校…」);
    None unless mode 2 with its classes and domains."""
    told = {k: v for k, v in school.items() if k in _MODE2_FACTS}
    ceiling = None if asked_of_the_school and told else last_ceiling(topic)
    facts = dict(ceiling.facts) if ceiling is not None else told
    if facts.get("mode") != 2 or not all(facts.get(k) for k in _MODE2_FACTS):
        return None
    return facts


_ADDED_UP = r"加起來|總共|合計|一共|加上|\+|\btotal\b|\baltogether\b|\bcombined\b|\bin all\b"
# 「出席費兩位加起來多少」 "both of them together": the people counted, added up, not two items
_PEOPLE_ADDED = re.compile(r"\d+\s*(?:位|個人|人|名)\s*(?:的)?\s*(?:加起來|合計|總共|一共)")
# 「全部加起來」「整場」 "all of that": every item computed in the chat
_EVERY_ITEM = r"全部|整場|所有|all of (?:it|that|this|them|those)|everything|the whole (?:event|workshop|thing)"


def _items_computed_added_up(u: Understanding, topic: Topic | None, rules: FundingRules) -> Query | None:
    """「住宿加膳費總共多少」 "lodging and meals together?" with no figures of its own, after each of the
    items it names was computed in this chat: the last computation of each, added up."""
    if topic is None or not u.mentions(_ADDED_UP) or u.figures.amounts or counts_something(u):
        return None
    named = rules.items_in(u.normalised) - {"premium"}
    every = len(named) < 2 and u.mentions(_EVERY_ITEM)
    if len(named) < 2 and not every:
        return None
    last: dict[str, Query] = {}
    for t in (topic, *topic.earlier):  # newest first
        query = t.query
        if query is None or query.kind != ITEM:
            continue
        # (each line of an earlier sum counts as its item computed: 「講座加出席」 then 「+便當 全部」)
        lines = (
            [Query(ITEM, item=str(p["item"]), inputs=dict(p)) for p in query.inputs.get("parts") or []]
            if query.item == "combined"
            else [query]
        )
        for line in lines:
            if line.item not in last and line.item != "premium" and (every or line.item in named):
                last[str(line.item)] = line
    if (not every and set(last) != named) or len(last) < 2:
        return None
    # (in the order they were asked)
    parts = [{"item": item} | {k: v for k, v in q.inputs.items() if k != "text"} for item, q in reversed(last.items())]
    return Query(ITEM, item="combined", inputs={"parts": parts, "text": ""})


def _the_share_that_may_move(u: Understanding, topic: Topic | None, rules: FundingRules) -> Query | None:
    """「教師那塊的30%是多少」 "30% of the teachers' part?" after a mode-2 ceiling: the plan's 30% of
    teacher support is the share that may move to campus life (附件2 模式二 三), asked with no verb."""
    if rules.transfer.share not in u.figures.percentages or not u.asks_amount or u.figures.amounts:
        return None
    if not u.mentions(r"教師|老師|teacher"):
        return None
    ceiling = last_ceiling(topic)
    if ceiling is None or ceiling.facts.get("mode") != 2:
        return None
    return Query(CEILING, facts=dict(ceiling.facts), inputs={"focus": "transfer"})


def _share_of_the_recurrent_left(u: Understanding, topic: Topic | None) -> Query | None:
    """A share of the recurrent budget (雜支, 教材教具) asked with no amount right after the recurrent
    part a school's ceiling leaves beside its capital cap was worked out: a share of that rest."""
    last = topic.query if topic is not None else None
    if (
        last is None
        or last.kind != CAPITAL
        or not last.inputs.get("recurrent")
        or u.item not in ("misc", "teaching_aids")
    ):
        return None
    if amounts_of(u) or any(k in last.inputs for k in ("base", "planned", "recurrent_said")):
        return None  # an amount of its own, or the rest of a request told (not of the ceiling)
    return Query(SHARE, item=u.item, facts=dict(last.facts), inputs={"capital": CAPITAL_CAP})


def _mode_of_an_item_for_mode_two(
    query: Query, u: Understanding, school: dict[str, Any], rules: FundingRules
) -> tuple[Query, dict[str, Any]]:
    """An item only mode 2 funds (語言進修費) asked by a school in mode 1 (the message's own mode, else
    the school's): the mode goes with the query, so that the computation says mode 1 cannot fund it;
    the school's mode is shown as carried over."""
    if query.kind != ITEM or "mode" in query.facts or not rules.only_in_mode_two(query.item):
        return query, {}
    own = u.facts.get("mode")
    mode = own or school.get("mode")
    if mode != 1:
        return query, {}
    return replace(query, facts=dict(query.facts) | {"mode": 1}), ({} if own else {"mode": 1})


def _fill_from_school(query: Query, school: dict[str, Any]) -> tuple[Query, dict[str, Any]]:
    """A ceiling or capital question missing school facts takes them from `school`: what the chat
    told, or the facts of the ceiling a capital question follows."""
    if query.kind == VERDICT and query.item == "teaching_load" and "mode" not in query.facts and school.get("mode"):
        # 「另一位也想減6節 可以嗎」: the reduction allowed depends on the school's mode
        return replace(query, facts=dict(query.facts) | {"mode": school["mode"]}), {"mode": school["mode"]}
    if query.kind in (ITEM, VERDICT) and query.item == "equipment" and school.get("mode") == 1 and "classes" in school:
        # "We wanted 3 tablets at 12,000 each": their cost against the capital the school's ceiling holds
        told: dict[str, Any] = {k: school[k] for k in ("mode", "classes", "branch") if k in school}
        # (kept with a single device too, for one added to it next: 「再加一台１萬２的平板呢」)
        matters = int(query.inputs.get("units") or 0) > 1 or bool(query.inputs.get("earlier_cost"))
        return replace(query, inputs=dict(query.inputs) | {"school": told}), told if matters else {}
    # a share of the recurrent budget left after a capital amount told (「資本門編7萬 其餘經常門」)
    rest = query.kind == SHARE and "capital" in query.inputs and "base" not in query.inputs
    if (query.kind not in (CEILING, CAPITAL) and not rest) or not school:
        return query, {}
    # a capital cap with no amount given is a share of the school's ceiling (「申請滿額的話」)
    whole = query.kind in (CEILING, SHARE) or "base" not in query.inputs
    wanted = ("mode", "classes", "domains", "branch") if whole else ("mode",)
    used = {k: school[k] for k in wanted if k in school and k not in query.facts}
    if query.facts.get("mode") == 1 or (query.facts.get("mode") is None and school.get("mode") == 1):
        used.pop("domains", None)
    if "mode" in query.facts and query.facts["mode"] != school.get("mode"):
        used.pop("domains", None)  # another mode than the school's: its domains may not apply
    if not used:
        return query, {}
    return replace(query, facts=dict(query.facts) | used), used


def _slots_from(values: dict[str, Any]) -> Slots:
    allowed = {k: v for k, v in values.items() if k in ("year", "level", "mode", "domains", "classes", "branch")}
    return Slots(**allowed)


def decide(
    u: Understanding,
    topic: Topic | None,
    school: dict[str, Any],
    engine: Engine,
    rules: FundingRules,
    lang: str = "zh",
) -> Decision:
    """The route for `u`; `lang` is the language the reply will be in."""
    decision = _decide(u, topic, school, engine, rules, lang)
    # Second looks at the decision in the light of the last topic, in order: the first that changes
    # it wins (the transfer after a ceiling, the premium after a fee, days after a close-out, …).
    second_looks: tuple[Callable[[], Decision | None], ...] = (
        lambda: _transfer_asked_after_a_ceiling(decision, u, topic, engine, rules),
        lambda: _premium_asked_after_a_fee(decision, u, topic, engine, rules),
        lambda: _days_asked_after_a_close_out(decision, u, topic),
        lambda: _the_lead_asked_before(decision, u, topic),
        lambda: _reductions_told_before(decision, u, topic, engine, rules),
        lambda: _visitors_after_the_open_classroom(decision, u, topic, engine, rules),
        lambda: _rate_asked_after_a_fee(decision, u, topic, engine, rules, lang),
    )
    for second_look in second_looks:
        changed = second_look()
        if changed is not None:
            return changed
    query = decision.query
    if decision.route == COMPUTE and query is not None and query.item == "equipment":
        return _devices_against_the_schools_capital(decision, query, u, topic, school)
    return decision


def _devices_against_the_schools_capital(
    decision: Decision, query: Query, u: Understanding, topic: Topic | None, school: dict[str, Any]
) -> Decision:
    """Devices counted and priced, with what their cost is measured against: those priced before
    when the message adds one (「再加一台１萬２的平板呢」 after a 4萬 sound system, of the school that
    question was asked for), and the capital of the school's ceiling, told before (「不對 是12台」) or in
    the message itself (「我們全校18班做模式一，打算買3台2萬的平板」)."""
    last = topic.query if topic is not None else None
    earlier = _devices_bought_before(last) if _ALSO.search(u.normalised) else None
    if earlier and last is not None:
        school_before = {"school": last.inputs["school"]} if "school" in last.inputs else {}
        query = replace(query, inputs=dict(query.inputs) | {"earlier_cost": earlier} | school_before)
    if "school" in query.inputs:
        return replace(decision, query=query)
    filled, used = _fill_from_school(query, dict(school) | dict(u.facts))
    carried = {k: v for k, v in used.items() if u.facts.get(k) != v}
    return replace(decision, query=filled, context=decision.context | carried)


# "at what hourly rate?" 「一小時多少」: the rate a fee is paid at
_RATE_ASKED = re.compile(
    r"\b(?:hourly|per[- ]hour|an hour|per period|a period) rate\b|\bat what rate\b|(?:每|一|1)\s*(?:小時|節)\s*(?:是|算)?\s*多少|時薪(?:是)?多少"
)


def _rate_asked_after_a_fee(
    decision: Decision, u: Understanding, topic: Topic | None, engine: Engine, rules: FundingRules, lang: str
) -> Decision | None:
    """ "At what hourly rate?" after a consultation fee, answered alone from another item's entry (the
    teaching fee's hourly table): the rate of the fee just computed, from its own entry."""
    last = topic.query if topic is not None else None
    if decision.route != ANSWER or last is None or last.kind != ITEM or not _RATE_ASKED.search(u.normalised):
        return None
    entries = item_entries(engine, rules).get(str(last.item)) or []
    if not entries or named_item(u) is not None or rules.items_in(u.normalised):
        return None
    entry = entries[0]
    if decision.answer is not None and decision.answer.intent in entries:
        return None
    return Decision(ANSWER, answer=engine.answer_entry(entry, lang), text=u.normalised)


def _visitors_after_the_open_classroom(
    decision: Decision, u: Understanding, topic: Topic | None, engine: Engine, rules: FundingRules
) -> Decision | None:
    """「上學期來了28位老師 還差幾個才達標」 after the open classroom's rule: its visitors counted."""
    if decision.route == COMPUTE or topic is None:
        return None
    about = topic.entry or topic.cites
    if about is None or about != engine.entry_quoting(rules.open_classroom.quotes):
        return None
    query = visitors_query(u)
    return Decision(COMPUTE, query=query) if query is not None else None


def _reductions_told_before(
    decision: Decision, u: Understanding, topic: Topic | None, engine: Engine, rules: FundingRules
) -> Decision | None:
    """「全部加起來一週最多減幾節」 after 「主任統籌整個計畫 他一週最多減幾節」 and 「另外還有3位部領老師
    每位呢」 were answered from the rule: the people told over those turns, each at the cap, added up."""
    query = decision.query
    if topic is None or not u.asks_total or not u.mentions(TEACHING_LOAD):
        return None
    if topic.entry is None or topic.entry != engine.entry_quoting(rules.teaching_load.quotes):
        return None
    if query is not None and query.inputs.get("at_cap") and int(query.inputs.get("people") or 0) >= 2:
        return None  # the people are this message's own
    told = " ".join(dict.fromkeys(t for t in (topic.text, topic.said, u.normalised) if t))
    summed = query_for(engine.understand(told, rules), rules)
    if summed is None or not summed.inputs.get("at_cap"):
        return None
    return Decision(COMPUTE, query=summed)


def _the_lead_asked_before(decision: Decision, u: Understanding, topic: Topic | None) -> Decision | None:
    """「這學期算20週 整學期最多減幾節」 after 「我是模式二…主要負責人 一週可以減幾節」: the lead's cap over
    those weeks, the person being the one the last question was about (unless this one names
    another: 「那組長呢」)."""
    query = decision.query
    if decision.route != COMPUTE or query is None or query.item != "teaching_load" or topic is None:
        return None
    i = query.inputs
    if not i.get("at_cap") or not i.get("weeks") or i.get("lead") or int(i.get("people") or 0) > 1:
        return None
    if SOMEONE_ELSE.search(u.normalised) or LEAD_PERSON.search(topic.text or "") is None:
        return None
    return replace(decision, query=replace(query, inputs=dict(i) | {"lead": True, "people": 0}))


def _days_asked_after_a_close_out(decision: Decision, u: Understanding, topic: Topic | None) -> Decision | None:
    """ "how many days from today is that?" after the close-out date: that date again, with its days
    left; 「离执行期结束还有几天」: the days to the period's own end (after a phase's or a school
    year's span, the days to its end)."""
    last = topic.query if topic is not None else None
    # (today's date said, 「從今天12/2算」, is where the days count from; another date is a computation's)
    told = any(not d.today for d in u.figures.dates)
    if (decision.route == COMPUTE and (told or not u.figures.dates)) or last is None:
        return None
    if last.kind not in (CLOSEOUT, SCHOOL_YEAR) or not u.mentions(DAYS_TO_THE_END) or told:
        return None
    today = told_today(u)  # 「今天2027年1月5日 所以還剩幾天」: counted from that day
    if last.kind == SCHOOL_YEAR:  # 「從今天算還剩幾天」 after a phase's or a school year's span: to its end
        # (a span claimed and checked before is no claim of this question's: 「還剩幾天」 counts the days)
        inputs = {k: v for k, v in last.inputs.items() if k != "until"}
        return Decision(COMPUTE, query=replace(last, inputs=inputs | {"days_left": True} | today))
    ends = u.mentions(r"執行期|期程|結束|屆滿|period (?:ends?|is over)|end of the period")
    inputs = {k: v for k, v in last.inputs.items() if k != "to_the_end"} | ({"to_the_end": True} if ends else {})
    inputs |= today
    return Decision(COMPUTE, query=replace(last, inputs=inputs))


def _transfer_asked_after_a_ceiling(
    decision: Decision, u: Understanding, topic: Topic | None, engine: Engine, rules: FundingRules
) -> Decision | None:
    """「最多可以挪多少到生活化那邊」 after a mode-2 ceiling, answered from the transfer rule: how much
    of that school's teacher funding may move (30%), computed."""
    answer = decision.answer
    if decision.route != ANSWER or answer is None or not u.asks_amount or u.facts or u.figures.amounts:
        return None
    if answer.intent != engine.entry_quoting(rules.transfer.quotes):
        return None
    ceiling = topic.query if topic is not None else None
    if ceiling is None or ceiling.kind != CEILING or ceiling.facts.get("mode") != 2 or "plus" in ceiling.inputs:
        return None
    facts = dict(ceiling.facts)
    return Decision(COMPUTE, query=Query(CEILING, facts=facts, inputs={"focus": "transfer"}), context=facts)


def _premium_asked_after_a_fee(
    decision: Decision, u: Understanding, topic: Topic | None, engine: Engine, rules: FundingRules
) -> Decision | None:
    """「兩位專家都全天 補充保費要編多少」 after a consultation fee, answered from the premium's rule:
    the premium on that fee, as the message changes it (two experts, a full day each)."""
    answer = decision.answer
    if decision.route != ANSWER or answer is None or topic is None or not u.asks_amount:
        return None
    if answer.intent != engine.entry_quoting(rules.items.premium.quotes):
        return None
    premium = _premium_of(topic, u, rules)
    return Decision(COMPUTE, query=premium) if premium is not None else None


def _devices_bought_before(query: Query | None) -> int | None:
    """What the devices of an equipment question cost (its count × its one price, and those it
    added to), or None when it priced none or several."""
    if query is None or query.item != "equipment" or len(query.inputs.get("amounts") or []) != 1:
        return None
    cost = int(query.inputs["amounts"][0]) * int(query.inputs.get("units") or 1)
    return cost + int(query.inputs.get("earlier_cost") or 0)


def _decide(
    u: Understanding,
    topic: Topic | None,
    school: dict[str, Any],
    engine: Engine,
    rules: FundingRules,
    lang: str,
) -> Decision:
    if u.empty:
        return Decision(EMPTY)
    u = _with_classes_changed(u, topic, school)
    if topic is not None and _DETAILS.match(u.normalised):
        return Decision(DETAILS, query=topic.query)
    if topic is not None and _WHICH_RULE.search(u.normalised) and not engine.names_a_keyword(u):
        entry_id = _entry_of_topic(topic, engine, rules)
        # (in English pointing back, "is it tied to": "which rule covers X" asks of X)
        short = (
            len(u.normalised.split()) <= 9 and re.search(r"\b(?:it|that|this)\b", u.normalised) is not None
            if u.lang == "en"
            else len(u.normalised.replace(" ", "")) <= 14
        )
        if entry_id is not None and short:
            return Decision(ANSWER, answer=engine.answer_entry(entry_id, lang), text=u.normalised)
    if topic is not None and (_ENGLISH_PLEASE.match(u.normalised) or _CHINESE_PLEASE.match(u.normalised)):
        lang = "en" if _ENGLISH_PLEASE.match(u.normalised) else "zh"
        return Decision(LANGUAGE, query=topic.query, slots=dict(topic.slots), text=topic.text, lang=lang)

    # 3. an answer to the question the bot asked back
    if topic is not None and topic.asked and topic.query is not None:
        given = _answers_step(u, topic.asked)
        if given is not None:
            return Decision(COMPUTE, query=_continue(topic.query, given), context=dict(topic.query.facts))

    # 「兩個加起來」 after two items; 「兩個加起來 補充保費要編多少」 after two fees: the premium on both
    both = (
        _premium_with_its_fees(u, topic, rules)
        or _both_items(u, topic, rules)
        or _another_lecturer_added(u, topic, rules)
        or _another_item_added(u, topic, rules)
        or _item_taken_out(u, topic, rules)
        or _some_times_left_out(u, topic)
        or _after_the_move(u, topic, rules)
        or _base_told_after_a_shares_rule(u, topic, engine, rules)
        or (
            (
                _premium_of_all(topic, u, rules)
                or _premium_added(topic, u, engine, rules)
                or _premium_of_told(topic, u, engine, rules)
            )
            if topic is not None
            else None
        )
    )
    if both is not None:
        return Decision(COMPUTE, query=both)

    if _NEW_TOPIC.search(u.normalised):
        topic = None  # 「換個問題」: nothing of the last topic carries over (the school's facts do)

    # 「那這個的預算是多少」 of a plan that states no money: said so, not the nearest entry or a ceiling
    no_money = engine.amounts_not_given(u, topic.entry if topic is not None else None, lang)
    if no_money is not None:
        return Decision(ANSWER, answer=no_money)
    fresh = query_for(u, rules)
    fresh = _share_of_an_earlier_base(u, fresh, topic) or fresh
    if fresh is not None and fresh.item == "english_test" and topic is not None:
        fresh = _with_the_asker(fresh, u, topic)
    if fresh is not None and fresh.item == "premium" and topic is not None:
        fresh = _with_the_fee_before(fresh, u, topic, rules)
    if fresh is not None and topic is not None:
        fresh = _premium_of_a_fee_told(fresh, u, topic, engine, rules)
    devices = _devices_against_the_capital(u, fresh, topic)
    if devices is not None and topic is not None and topic.query is not None:
        return Decision(COMPUTE, query=devices, context=dict(topic.query.facts))
    if (
        fresh is not None
        and fresh.kind in (ITEM, VERDICT)
        and _another_rule_rules(u, fresh, topic, engine, rules, lang)
    ):
        fresh = None  # 「開放觀課的6萬可以買平板嗎」: the open-classroom grant's rule, not a tablet at 6萬
    if fresh is not None and fresh.kind == ITEM and _rule_without_figures(u, engine, lang):
        fresh = None  # "can meals for the students and teachers come out of the student foundation budget?"
    if fresh is not None and fresh.kind == CEILING and not fresh.inputs and _rule_without_figures(u, engine, lang):
        # "can a Keelung school doing mode 2 also take the city's own bilingual teaching grant?": the
        # mode named is the rule's case, not a ceiling to ask the class count of
        fresh = None
    # A school year no plan covers is said so, unless the question is which phase it is in: the
    # plan's phases answer that (「113學年度有在期程內嗎」: no, they start at 114).
    # The phases are the funding plan's: a Keelung school year is not one of them, whether the
    # message names Keelung's plan or follows a topic of it naming no plan.
    if fresh is not None and fresh.kind == SCHOOL_YEAR and _of_another_plan(u, topic, engine, rules):
        fresh = None
    if fresh is not None and fresh.kind == CEILING and _asks_another_plans_entry(u, engine, rules, lang):
        # 「學校在基隆山上全校才六班 那個英語閱讀力倍增 國小單字量第一年要到多少字」: the class count is the
        # school's story; the question is of Keelung's action plan, which has no ceiling
        fresh = None
    about = _entry_of_topic(topic, engine, rules) if topic is not None else None
    not_covered = engine.not_covered(u, lang, about) if fresh is None or fresh.kind != SCHOOL_YEAR else None
    if not_covered is not None:
        return Decision(ANSWER, answer=not_covered)
    # 「核結最晚哪天」 with no date, from a chat that told its period end: that period's deadline
    kept = school.get("period_end")
    if fresh is None and kept and asks_closeout_date(u) and (closeout := closeout_after(str(kept))) is not None:
        return Decision(COMPUTE, query=closeout, context={"period_end": kept})

    elliptical = (
        u.follow_up or u.correction or u.returns or states_only_facts(u) or _figures_only(u, topic, engine, rules)
    )
    if topic is not None and topic.query is not None and asks_the_whole_ceiling(u, topic.query):
        # 「加上生活化 全部加起來呢」 "grand total?" after a part of the ceiling: the whole of it
        whole = revise(topic.query, u, rules) or replace(topic.query, inputs={})
        return Decision(COMPUTE, query=whole, context=_carried(topic.query, whole, u))
    # A short message, or school facts alone after a computation, also changes the last question
    # (「半天最多可以給多少」「國小部只有9班 一樣一個領域」) unless it is a question of its own.
    short = len(u.normalised.replace(" ", "")) <= 12 if u.lang != "en" else len(u.normalised.split()) <= 6
    # "what's the max per person for the whole school year?" after an item's rule: an amount asked
    # with a count (two semesters), naming no topic, is of the last one
    short = short or (
        u.lang == "en"
        and u.asks_amount
        and counts_something(u)
        and not u.item
        and len(u.normalised.split()) <= 12
        and not engine.names_a_keyword(u)
    )
    # "at the hourly rate that's how much?" after a computation: an amount of it, pointed back at
    short = short or (
        u.lang == "en"
        and u.asks_amount
        and topic is not None
        and topic.query is not None
        and _POINTS_AT_IT.search(u.normalised) is not None
        and not u.item
        and len(u.normalised.split()) <= 8
    )
    # "so at the per class per session rate thats how many 班節" after a computed amount: what it buys
    short = short or (
        topic is not None
        and topic.query is not None
        and topic.query.kind == ITEM
        and asks_how_many_it_buys(u)
        and not u.figures.amounts
        and not engine.names_a_keyword(u)
    )
    # "so the total max for us is?" after a ceiling: that ceiling's total, for however many words
    short = short or (
        topic is not None
        and topic.query is not None
        and topic.query.kind == CEILING
        and _total_asked_of_nothing(u)
        and not engine.names_a_keyword(u)
    )
    # 「我們市有60所國中小 那要幾所成立」 after a yearly target stated as a share: the share of the
    # total told, however many words it takes
    short = short or (
        topic is not None
        and topic.query is None
        and "%" in _answer_of(topic.entry, engine)
        and counts_a_total_asking_how_many(u.normalised)
        and not engine.names_a_keyword(u)
    )
    # a short question of its own (「部領老師要全英語上課嗎」); in English one that names no topic
    # ("how much per teacher per semester?") asks about the last one
    own = _OWN_QUESTION.search(u.normalised) and not u.follow_up
    if own and topic is not None and _heading_of_the_topic(u, topic.entry, engine, lang):
        own = None  # 「這是屬於哪個策略」 after an action plan: the heading of that one
    revises_with_amount = (
        own
        and fresh is None  # (「編６萬買設備可以嗎」 computes a capital planned of its own)
        and topic is not None
        and topic.query is not None
        and bool(u.figures.amounts or u.figures.labelled)  # (「給2500可以嗎」: a bare price, given)
        and not engine.names_a_keyword(u)
    )
    if revises_with_amount and topic is not None and topic.query is not None:
        # 「挪22萬可以嗎」 after the transfer computed: an amount of that computation, checked
        revises_with_amount = revise(topic.query, u, rules) is not None
    if revises_with_amount:
        own = None
    elif own and short and not engine.names_a_keyword(u) and u.lang != "en" and topic is not None:
        # 「去哪個城市」 after the exchange students: a question of its own, unless read alone it is
        # close to nothing the plans cover (「審查結果什麼時候公布」 is close to the application rules),
        # or is unsure and names a case the last entry rules on (「代理老師3個月可以嗎」 after 英檢報名費)
        alone = engine.answer_to(u, u.slots, lang=lang)
        last_entry = _entry_of_topic(topic, engine, rules)
        last_rules = engine.rules_on(u, last_entry)
        # …but a case the last entry rules on as particularly as the sure one, or more, is the last
        # entry's (「可以兩種都申請嗎」 after the modes: not the divisions applying apart; 「學校是直接報
        # 國教署嗎」 after the close-out date: not the application procedure)
        ruled_alone = alone.intent == last_entry or engine.rules_on(u, alone.intent) > last_rules
        own = alone.covered and ((alone.confident and ruled_alone) or not last_rules)
        # …nor a detail the last answer gives, unsure read alone (「是跟哪間大學合作」 after the camp with 海大)
        own = own and not (not alone.confident and engine.gives_the_detail(u, last_entry))
    elif own and short and topic is not None and engine.rules_on(u, _entry_of_topic(topic, engine, rules)) >= 2:
        own = None  # 「膳費也要算進去一起乘嗎」 after the premium: a case that rule decides, a cost named in it
    short = short and not (own and (u.lang != "en" or engine.names_a_keyword(u)))
    facts_only = bool(u.facts) and fresh is not None and fresh.kind == CEILING

    # 「教學材料費最多可以編多少」 after a ceiling or the school's facts: a share of that ceiling (and
    # 「奠基課開4班 每班上20節 教學材料費要編多少」: those class-periods, within that share)
    share = _materials_share(u, topic, school) if fresh is None else _materials_of_the_school(fresh, topic, school)
    if share is not None:
        return Decision(COMPUTE, query=share, context=dict(share.facts))

    # 「教師那塊的30%是多少」 after a mode-2 ceiling: the plan's share of the teachers' part that may move
    unfacted = fresh is None or (fresh.kind == CEILING and not fresh.facts)
    moved_share = _the_share_that_may_move(u, topic, rules) if unfacted else None
    if moved_share is not None:
        return Decision(COMPUTE, query=moved_share, context=dict(moved_share.facts))

    # 「住宿加膳費總共多少」 after each was computed: those computations added up
    added = _items_computed_added_up(u, topic, rules)
    if added is not None:
        return Decision(COMPUTE, query=added)

    # 「經常門裡雜支最多多少」 "10% of that for misc?" after the recurrent part a ceiling leaves: a share of it
    share = _share_of_the_recurrent_left(u, topic) if fresh is None or fresh.kind == SHARE else None
    if share is not None:
        return Decision(COMPUTE, query=share, context=dict(share.facts))

    # 「一学期至少要接待几个人」 after the open classroom's extra on a ceiling: a short question of the
    # rule that ceiling's part cited, sure read alone, is that rule's (not the ceiling tier's detail)
    part_cited = (
        topic is not None
        and topic.query is not None
        and topic.query.kind == CEILING
        and topic.cites is not None
        and bool(topic.query.inputs.get("focus"))
    )
    if short and not own and not u.follow_up and fresh is None and part_cited and topic is not None:
        alone = engine.answer_to(u, u.slots, lang=lang)
        if alone.confident and alone.intent == topic.cites:
            return Decision(ANSWER, answer=alone, text=u.normalised)
    # 「這樣有沒有超過」 after class-periods of materials computed within a share: whether they are over it
    if topic is not None and topic.query is not None and _ASKS_OVER_ALONE.search(u.normalised):
        last_item = topic.query
        if last_item.kind == ITEM and last_item.item == "teaching_materials" and last_item.facts.get("mode"):
            return Decision(
                COMPUTE,
                query=replace(last_item, inputs=dict(last_item.inputs) | {"yes_no_only": True}),
                context=dict(last_item.facts),
            )
    # 4. a follow-up or correction of the last topic (or, 「回到剛剛」, of an earlier one); a date
    # filed after a close-out deadline (「縣府如果10/5才送 算準時嗎」) is checked against it
    # (also after a question about the close-out rule came between: 「那學校要交啥給縣府」)
    filed = (
        topic is not None
        and (files_on_a_date(u) or asks_the_deadline_of_a_date(u))
        and any(t.query is not None and t.query.kind == CLOSEOUT for t in (topic, *topic.earlier))
    )
    # 「下學年會變36班欸 就變35萬了嗎」 after a ceiling tier's rule: school facts changed for that rule
    tier = engine.kb.entries.get(topic.entry or "") if topic is not None else None
    retiered = tier is not None and "classes" in tier.when and _changes_school_facts(u.facts, topic)
    # 「我們還有一個分班也要一起做 總額變多少」 after a ceiling, or after its capital when the total is
    # asked: the school's facts changed (「還有分校 可以多拿嗎 多多少」 after the capital asks the branch's)
    last = topic.query if topic is not None else None
    total_asked = asks_the_total(u)
    refigured = last is not None and (last.kind == CEILING or (last.kind == CAPITAL and total_asked))
    # (or a fact told and nothing asked, 「啊忘了講 我們有分校 也要一起做」, when it changes that ceiling's)
    tells = _tells_only(u) and last is not None and any(last.facts.get(k) != v for k, v in u.facts.items())
    refigured = refigured and bool(u.facts) and (u.asks_amount or asks_a_change(u) is not None or tells)
    # (not a count of people or times asked beside a fact, 「想申請開放教室…一學期要接待多少人」: no money)
    refigured = refigured and not u.mentions(PEOPLE_OR_TIMES_ASKED)
    checked = (
        tier is not None and topic is not None and fresh is None and _asks_of_the_rule(u, topic, tier, engine, lang)
    )
    # (「ok 換基隆的 …110學年國小單字量要到多少」 after a ceiling: a question of the other plan, no follow-up)
    elsewhere = last is not None and not u.returns and _names_another_plan(u, engine, rules)
    if (
        topic is not None
        and not elsewhere
        and (
            elliptical
            or short
            or facts_only
            or retiered
            or checked
            or refigured
            or (filed and len(u.figures.dates) == 1)
        )
    ):
        followed = elliptical or short or retiered or facts_only or checked or refigured
        decision = _follow_up(u, topic, fresh, engine, rules, lang, followed, school)
        computed = _the_items_figures(decision.answer, u, engine, rules) if decision and decision.answer else None
        if computed is not None:
            return Decision(COMPUTE, query=computed)  # "in person then: a half-day, 3 hours. What's the fee?"
        if decision is not None and decision.route == ANSWER and decision.answer is not None:
            kept = _follow_up_in_the_same_plan(decision.answer, u, topic, u.slots, engine, rules, lang)
            decision = replace(decision, answer=kept) if kept is not decision.answer else decision
        if decision is not None:
            return decision

    # 5. a computation (a share whose total the last question gave: 「雜支編了3萬5 會超過嗎」)
    earlier = topic.query if topic is not None else None
    if earlier is None and topic is not None and fresh is not None and fresh.kind == SHARE:
        # 「那教材教具費最多又可以編到多少錢」 after misc on 24萬, a question on another item's rule between:
        # the share computed before is the base's
        earlier = _earlier_share(topic)
    if fresh is not None and earlier is not None:
        fresh = _the_events_people(_same_item_counts(fresh, earlier), earlier, u)
        fresh = _every_time_told(fresh, earlier, u)
    # 「部領資本門想買3台筆電 每台2萬8 會超嗎」 after the cap of 55萬 + 38萬: the same base
    if (
        fresh is not None
        and earlier is not None
        and fresh.kind == earlier.kind
        and fresh.kind in (SHARE, CAPITAL)
        # (both shares are of the recurrent total: 「教材教具想編５萬」 after misc on 經常門 20萬)
        and (fresh.item == earlier.item or fresh.kind in (CAPITAL, SHARE))
        and "base" not in fresh.inputs
        and "base" in earlier.inputs
        and topic is not None
        and topic.asked is None  # a base the bot was still asking about is no answer's (「分校那5萬…」)
    ):
        # (with the total and capital it was worked from, so a capital changed next revises the base)
        same_base = {k: earlier.inputs[k] for k in ("base", "part", "total", "capital") if k in earlier.inputs}
        # (and its facts: 「想編７萬買設備 行嗎」 after mode 1's capital cap is mode 1's campus life)
        facts = dict(earlier.facts) | dict(fresh.facts)
        return Decision(COMPUTE, query=replace(fresh, facts=facts, inputs=fresh.inputs | same_base), context={})
    if fresh is not None:
        # 「其中部領的資本門最多」 after a ceiling: the capital cap of the last ceiling's school
        ceiling = last_ceiling(topic)
        if about_the_school(u) and school and not _agrees(ceiling, school):
            ceiling = None  # 「那我們學校的資本門」 after a what-if: the school's own facts
        if ceiling is not None and fresh.kind == CAPITAL and fresh.inputs.get("part") is None:
            fresh = _capital_of_the_part_asked(fresh, topic)
        rest = fresh.kind == SHARE and "capital" in fresh.inputs and "base" not in fresh.inputs
        requested = earlier.inputs.get("base") if earlier is not None and earlier.kind == CAPITAL else None
        capital = fresh.inputs.get("capital")
        if (
            rest
            and earlier is not None
            and isinstance(requested, int)
            and isinstance(capital, int)
            and capital <= requested
        ):
            # 「資本門就編64000 其他都經常門 那雜支上限是」 after the capital of a 32萬 request: the
            # recurrent part is what the capital leaves of that request, not of the ceiling
            inputs = dict(fresh.inputs) | {"base": requested - capital, "total": requested}
            return Decision(COMPUTE, query=replace(fresh, facts=dict(earlier.facts) | dict(fresh.facts), inputs=inputs))
        if ceiling is not None and (fresh.kind == CAPITAL or rest) and "base" not in fresh.inputs:
            from_topic, carried = _fill_from_school(fresh, dict(ceiling.facts))
            if carried:
                filled, used = _fill_from_school(from_topic, school)
                return Decision(COMPUTE, query=filled, context=carried | used)
        asks_a_part = fresh.kind == CEILING and fresh.inputs.get("focus") is not None
        if ceiling is not None and asks_a_part and not fresh.facts.keys() & {"mode", "classes", "domains"}:
            # 「teacher support可以挪多少到生活化」 after a ceiling: a part of that one, for its school
            carried = {k: v for k, v in ceiling.facts.items() if k not in fresh.facts}
            return Decision(COMPUTE, query=replace(fresh, facts=carried | dict(fresh.facts)), context=carried)
        known = school
        if topic is not None and topic.slots.get("mode") and "mode" not in school:
            # the mode the last answer was for (「模式二 我是總召 可以減幾節」 then 「另一位也想減6節」)
            known = school | {"mode": topic.slots["mode"]}
        elif (
            ceiling is not None
            and fresh.kind == CAPITAL
            and ceiling.facts.get("mode")
            and "mode" not in school
            and not u.mentions(r"分校|分班|branch")  # 「分校那5萬可以買設備嗎」: which part is asked back
        ):
            # 「申请满25万，资本门编5万可以吗」 after a mode-1 ceiling: that mode's capital rule
            known = school | {"mode": ceiling.facts["mode"]}
        filled, used = _fill_from_school(fresh, known)
        filled, mode_used = _mode_of_an_item_for_mode_two(filled, u, school, rules)
        return Decision(COMPUTE, query=filled, context=used | mode_used)

    # 6–8. the knowledge base
    slots = u.slots
    if school.get("level") and slots.level is None:
        slots = replace(slots, level=str(school["level"]))
    if slots.year is None and topic is not None and _SAME_YEAR.search(u.normalised) and topic.slots.get("year"):
        slots = replace(slots, year=int(topic.slots["year"]))  # "…how many schools that same year?"
    answer = _answer_after_facts(u, slots, engine, lang) or engine.answer_to(u, slots, lang=lang)
    answer = _without_its_opening_sentences(answer, u, slots, engine, lang)
    answer = _in_the_topics_plan(answer, u, topic, slots, engine, lang)
    answer = _follow_up_in_the_same_plan(answer, u, topic, slots, engine, rules, lang)
    answer = _for_the_item_named(answer, u, slots, engine, rules, lang)
    answer = _for_the_case_ruled(answer, u, slots, engine, lang)
    answer = _for_the_topics_case(answer, u, topic, slots, engine, rules, lang)
    answer = _of_the_topic_first_suggested(answer, u, topic, slots, engine, rules, lang)
    computed = _the_items_figures(answer, u, engine, rules)
    if computed is not None:
        return Decision(COMPUTE, query=computed)
    relative = _relative_year(u, answer.intent, None, engine) if answer.confident and slots.year is None else None
    if relative is not None:
        # "the summer camp with the university, is it 6 schools in year 2?": the plan's own second year
        slots = replace(slots, year=relative)
        answer = engine.answer_entry(str(answer.intent), lang, slots)
    ceiling = last_ceiling(topic)
    # (the ceiling just computed, the chat's topic, is the school's too: 「一學年要交幾份教案」 after
    # the capital of a 2-domain ceiling)
    of_the_school = about_the_school(u) or (
        topic is not None and topic.query is not None and topic.query.kind in (CEILING, CAPITAL)
    )
    if of_the_school and ceiling is not None and _agrees(ceiling, school):
        # 「照我們這樣，一學年要交幾份教案詳案」 after the school's ceiling: the facts it was computed for
        school = {k: v for k, v in ceiling.facts.items() if k in _SCHOOL_FACT_KEYS} | school
    told = _detail_for_the_school(answer, slots, school, engine, lang)
    if told is not None:
        detailed, used = told
        return Decision(ANSWER, answer=detailed, slots=slots.as_dict(), text=u.normalised, context=used)
    return Decision(ANSWER, answer=answer, slots=slots.as_dict(), text=u.normalised)


def _of_the_topic_first_suggested(
    answer: Answer, u: Understanding, topic: Topic | None, slots: Slots, engine: Engine, rules: FundingRules, lang: str
) -> Answer:
    """ "what does the county have to send?" after the close-out date: a question of what, naming no
    topic, unsure read alone but nearest the chat's own topic, is that topic's rule."""
    if topic is None or answer.confident or not answer.covered or not answer.suggestions:
        return answer
    last = _entry_of_topic(topic, engine, rules)
    if last is None or answer.suggestions[0].intent != last or answer.confidence < _NEAR_THE_TOPIC:
        return answer
    if not asks_which(u.normalised) or engine.names_a_keyword(u) or u.figures.amounts:
        return answer
    return engine.answer_entry(last, lang, slots)


_NEAR_THE_TOPIC = 0.65  # (an answer is sure from 0.7; this near the chat's own topic, it is asked of that)


def _the_items_figures(answer: Answer, u: Understanding, engine: Engine, rules: FundingRules) -> Query | None:
    """An amount asked with counts of its own (hours, people, nights …) of the budget item a sure
    answer is about ("in person then: a half-day, 3 hours. What's the fee?", the item named only by
    its likeness to the consultation rule): that item computed, as the item named would be."""
    counted = u.figures.counts
    counts = counted.people or counted.hours or counted.nights or counted.meals or counted.periods
    if not (answer.confident and u.asks_amount and counts) or u.item is not None:
        return None
    item = _item_of(answer.intent, engine, rules)
    if item is None:
        return None
    return query_after_an_item(u, item, engine.title_words(str(answer.intent)), rules)


def _detail_for_the_school(
    answer: Answer, slots: Slots, school: dict[str, Any], engine: Engine, lang: str
) -> tuple[Answer, dict[str, Any]] | None:
    """A sure answer whose entry has a row for the school's told facts the question left out
    (「一學年要交幾份教案詳案」 from a school that said it teaches 2 domains): that row, and the facts
    used, so the reply says so. The facts select the row only; they never rank the entries."""
    entry = engine.kb.entries.get(answer.intent or "")
    if entry is None or not entry.details or not answer.confident:
        return None
    said = slots.as_dict()
    extra = {k: v for k, v in school.items() if k in ("mode", "domains", "level") and k not in said}
    if not extra:
        return None
    merged = replace(slots, **extra)
    text = engine.render(entry, merged, lang)
    if text == engine.render(entry, slots, lang):
        return None
    used = {k: v for k, v in extra.items() if any(k in d.when for d in entry.details)}
    return replace(answer, text=text), used


def _in_the_topics_plan(
    answer: Answer, u: Understanding, topic: Topic | None, slots: Slots, engine: Engine, lang: str
) -> Answer:
    """An answer torn between two plans' entries (unsure, 「雙語學分班」: Keelung's action plan 28 or the
    MOE credit programme; or sure but naming both, 「計畫期程」), when the message names no plan but
    names the entry's subject: the one of the plan the chat is about (the last topic's), if naming
    that plan makes it sure."""
    entry = engine.kb.entries.get(topic.entry or "") if topic is not None else None
    if entry is None or not answer.covered or engine.cued_plans(u):
        return answer
    closest = engine.closest(u, slots, 2)
    torn = len(closest) == 2 and min(r.confidence for r in closest) >= _TORN
    if not torn or closest[0].entry.document.id == closest[1].entry.document.id:
        return answer
    # a sure answer is torn too when the message names both entries' subject (「計畫期程」: each
    # plan's period) and the other is of the chat's plan
    if answer.confident:
        named_both = all(engine.names_topic(u, r.entry.id) for r in closest)
        other = next((r.entry for r in closest if r.entry.document.id == entry.document.id), None)
        if not named_both or other is None or other.id == answer.intent:
            return answer
        # (its own entry, as sure as the message names it: no less than the other plan's)
        return replace(engine.answer_entry(other.id, lang, slots), confidence=answer.confidence)
    hinted = engine.answer_to(u, slots, lang=lang, plan=entry.document.id)
    named = hinted.intent in {r.entry.id for r in closest} and engine.names_topic(u, hinted.intent)
    return hinted if hinted.confident and named else answer


_TORN = 0.3  # both closest entries at least this close: the question fits either plan


def _follow_up_in_the_same_plan(
    answer: Answer,
    u: Understanding,
    topic: Topic | None,
    slots: Slots,
    engine: Engine,
    rules: FundingRules,
    lang: str,
) -> Answer:
    """A follow-up that names no plan ("and the lesson content should be based on what?" after the
    MOE plan's rules) sure of the other plan's entry (Keelung's basis) is answered from the chat's
    plan when that plan answers it surely too."""
    last = _entry_of_topic(topic, engine, rules) if topic is not None else None
    entry = engine.kb.entries.get(last or "")
    chosen = engine.kb.entries.get(answer.intent or "")
    if entry is None or chosen is None or not answer.confident or not u.follow_up or engine.cued_plans(u):
        return answer
    if chosen.document.id == entry.document.id:
        return answer
    hinted = engine.answer_to(u, slots, lang=lang, plan=entry.document.id)
    kept = engine.kb.entries.get(hinted.intent or "")
    return hinted if hinted.confident and kept is not None and kept.document.id == entry.document.id else answer


_TIMES_ASKED = re.compile(r"幾次|多少次|幾趟|how many times|how often")


def _named_rule_decides(u: Understanding, engine: Engine, lang: str) -> bool:
    """Whether the message, read alone, is closest to an entry (surely, or more than half as sure,
    naming its subject: 「分校」) whose own conditions decide its yes or no (two word groups or more)."""
    alone = engine.answer_to(u, u.slots, lang=lang)
    closest = engine.closest(u)
    entry = (
        alone.intent if alone.confident else closest[0].entry.id if closest and closest[0].confidence >= 0.5 else None
    )
    return _decided_by(u, entry, engine)


_ENOUGH = re.compile(r"夠|超過|會超|爆|enough|fit|within|over (?:it|the)|exceed")


def _devices_against_the_capital(u: Understanding, fresh: Query | None, topic: Topic | None) -> Query | None:
    """「想買３台桌機含螢幕 一台３萬 這樣預算夠嗎」 after a capital cap: the devices' cost (count ×
    price of one) checked against that cap, not only the price against the device's own cap."""
    if topic is None or topic.query is None or topic.query.kind != CAPITAL:
        return None
    if fresh is None or fresh.item != "equipment" or not _ENOUGH.search(u.normalised):
        return None
    units = u.figures.counts.units
    prices = [a.value for a in u.figures.labelled if a.per_unit] or list(amounts_of(u))
    if not units or units < 2 or len(prices) != 1:
        return None
    return replace(topic.query, inputs=dict(topic.query.inputs) | {"planned": units * prices[0]})


def _another_rule_rules(
    u: Understanding, fresh: Query, topic: Topic | None, engine: Engine, rules: FundingRules, lang: str
) -> bool:
    """Whether the message names an entry other than the computed item's (by a keyword, sure of it
    read alone; or by an amount of the last topic's entry pointed back to, 「這6萬」) whose own
    conditions decide the question (two word groups or more): its rule answers, not the item's
    calculator reading the figures named beside it."""
    own = item_entries(engine, rules).get(fresh.item or "")
    if not own:
        return False  # (a rule computed of its own, the teaching load's: its entry is the one named)
    alone = engine.answer_to(u, u.slots, lang=lang)
    named = alone.intent if alone.confident and engine.names_topic(u, alone.intent) else None
    if (named is None or named in own) and topic is not None and topic.entry is not None:
        entry = engine.kb.entries.get(topic.entry)
        pointed = _AMOUNT_POINTED.search(u.normalised)
        said = pointed.group(1).replace(" ", "") if pointed is not None else ""
        if entry is not None and said and said in entry.answer.zh.replace(" ", ""):
            named = entry.id  # 「這6萬可以拿去買平板嗎」 after the open-classroom grant of 6 萬
    if named is None or named in own:
        return False
    return _decided_by(u, named, engine)


def _rule_without_figures(u: Understanding, engine: Engine, lang: str) -> bool:
    """Whether a question whether something is allowed that gives no figure at all is surely an
    entry's whose own conditions decide it: a computation would count only what it assumes."""
    figures = u.figures
    counted = figures.counts.people_groups or not counts_something(u)  # (「學生和老師」 counts groups only)
    if not u.asks_permission or figures.amounts or figures.labelled or figures.percentages or not counted:
        return False
    alone = engine.answer_to(u, lang=lang)
    return alone.confident and engine.ruling(u, alone.intent) is not None


def _decided_by(u: Understanding, entry_id: str | None, engine: Engine) -> bool:
    """Whether the entry's own conditions decide the message's yes or no, in two word groups or more."""
    return entry_id is not None and engine.rules_on(u, entry_id) >= 2 and engine.ruling(u, entry_id) is not None


_AMOUNT_POINTED = re.compile(r"(?:這|那)\s*(\d+\s*萬)")


def _without_its_opening_sentences(answer: Answer, u: Understanding, slots: Slots, engine: Engine, lang: str) -> Answer:
    """An unsure answer to a message of several sentences read again without the ones that open it by
    greeting or introducing the asker ("Hi, I'm the NET at our school. My co-teacher … wants to take the
    TOEIC. Can the plan pay her registration fee?"), which drown the question: taken when the rest
    alone is answered outright."""
    if answer.confident:
        return answer
    sentences = clauses_of(u.text)
    opening = 0
    while opening < len(sentences) - 1 and _OPENING.match(sentences[opening].lower()) and "?" not in sentences[opening]:
        opening += 1
    if not opening:
        return answer
    rest = engine.answer_to(engine.understand(" ".join(sentences[opening:])), slots, lang=lang)
    return rest if rest.confident and rest.covered else answer


# a sentence that greets or introduces the asker (「老師好 我是新來的教務主任」 "Hi, I'm the NET at our school")
_OPENING = re.compile(
    r"^\s*(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|greetings|i'?m |i am |my name|this is|"
    r"我是|您好|你好|老師好|主任好|大家好|哈囉|不好意思|打擾了)"
)


def _answer_after_facts(u: Understanding, slots: Slots, engine: Engine, lang: str) -> Answer | None:
    """「我們是國中21班，部領只做科技一個領域，第一次申請。要先經過校內哪個會通過？」: a message that
    tells the school's facts and then asks is answered for its question, read alone (with those
    facts as slots); the facts alone would pull it to the ceiling of that school (unsure read
    alone, it asks back). None when the message is no such one."""
    if not (about_the_school(u) and u.facts):
        return None
    clauses = [engine.understand(clause) for clause in clauses_of(u.text)]
    asks = [asks_which(c.normalised) or c.yes_no_form or c.asks_obligation for c in clauses]
    # the sentences that tell facts and ask nothing left out; the rest, in order, is the question
    # ("We're mode 2. Our project lead wants 6 periods off. Is that allowed?")
    kept = [c.text for c, asking in zip(clauses, asks, strict=True) if asking or not c.facts]
    if len(kept) == len(clauses) or not any(asks):
        return None
    alone = engine.answer_to(engine.understand(" ".join(kept)), slots, lang=lang)
    if not alone.confident:  # the last question read by itself (not 「那可以嗎」, which needs what it follows)
        last = engine.answer_to(
            next(c for c, asking in zip(clauses[::-1], asks[::-1], strict=True) if asking), slots, lang=lang
        )
        alone = last if last.confident else alone
    if alone.confident:
        return alone
    whole = engine.answer_to(u, slots, lang=lang)
    entry = engine.kb.entries.get(whole.intent or "")
    # the whole message answered by the entry its class count picks, the question alone unsure: asked back
    return alone if entry is not None and "classes" in entry.when else None


def _for_the_case_ruled(
    answer: Answer, u: Understanding, slots: Slots, engine: Engine, lang: str, asked: bool = True
) -> Answer:
    """A yes-or-no question that names, whole, a case one of the closest entries rules on in two
    or more word groups is answered from that entry, when the answer's own entry rules on it less
    when the answer is unsure (「生活化的資本門可以超過3萬嗎」 after moving funds: the transfer
    rule's capital case) or not quite sure and its entry rules on no case of it ("move some of the
    student-foundation money into campus life?": the student items, which say nothing of moving).
    Not when two entries as particular rule on it differently. (Letting a sure answer, or one whose
    entry rules on the case, be overruled too was tried: it took direction-blind cases,
    「生活化的經常門可以挪去部領嗎」.)
    `asked=False` for a follow-up, whose question may be elliptical (「那…併35%呢」)."""
    if asked and not u.asks_permission:
        return answer
    own = engine.rules_on(u, answer.intent) if answer.confident else 0
    # not an entry the message says it is not about (「續辦學校 不是新辦喔」: not the new schools' rule)
    closest = [
        s.intent
        for s in answer.suggestions
        if s.intent != answer.intent and not (u.negated and u.negated in engine.item_words(s.intent))
    ]
    # entries tied in particularity that rule alike (「雜支編到經常門的15%」: the misc cap and the
    # items list, both no) leave no doubt about the answer
    ruled = sorted(((engine.rules_on(u, intent), intent) for intent in closest), reverse=True)
    if not ruled:
        return answer
    best = ruled[0]
    tied = [intent for groups, intent in ruled[1:] if groups == best[0]]
    alike = all(engine.ruling(u, intent) == engine.ruling(u, best[1]) for intent in tied)
    if best[0] < 2 or not alike or (answer.confident and (own or answer.confidence >= 1.0)):
        return answer
    return engine.answer_entry(best[1], lang, slots)


def _for_the_topics_case(
    answer: Answer, u: Understanding, topic: Topic | None, slots: Slots, engine: Engine, rules: FundingRules, lang: str
) -> Answer:
    """A yes-or-no question on a case the last topic's entry rules on in two or more word groups,
    and at least as particularly as the answer's entry, is that entry's, unless the message names
    the answer's entry by keyword (「所以是學校自己直接送國教署嗎」 after the close-out date: the
    close-out rule, not the application procedure, which rules on it alike)."""
    last = _entry_of_topic(topic, engine, rules) if topic is not None else None
    asked = u.asks_yes_no or u.asks_obligation  # (「這６萬要在經費明細…列出來嗎」 after the open classrooms)
    # ("ok, a grade 3 English club then?" after 「…可以嗎」: the yes or no asked again of another case)
    asked = asked or (topic is not None and follows_permission(u, topic.text, topic.yes_no))
    # (one word group will do when the message points at the last answer: 「學生獎勵品可以算在這裡面嗎」
    # "can small prizes come out of that 800?" after the materials' 800 a class a period; and a topic
    # it names is then the case: 「我們是模式一的學校 也可以報這個嗎」 after the language-study fee)
    back = _POINTS_BACK.search(u.normalised) is not None
    # (a named entry that rules nothing of it gives way: 「印刷费要不要算进去」 after the premium names
    # printing, whose rule says nothing of the premium's base)
    named = engine.names_topic(u, answer.intent) and engine.ruling(u, answer.intent) is not None
    if last is None or answer.intent == last or not asked or (named and not back):
        return answer
    # 「換問教育部的 …可以放在模式一嗎」 after a Keelung action plan: a sure answer of the plan named
    answered = engine.kb.entries.get(answer.intent or "")
    of_the_plan_named = answered is not None and answered.document.id in engine.cued_plans(u)
    if answer.confident and of_the_plan_named and topic is not None and _cues_other_document(topic, u, engine):
        return answer
    if engine.rules_on(u, last) < 2 and topic is not None and topic.yes_no and topic.said:
        u = with_the_case_asked_before(u, topic.said, last, engine, rules)  # 「工作费呢」 after 「印刷费…算进去吗」
    groups = engine.rules_on(u, last)
    least = 1 if back else 2
    if groups < least or groups < engine.rules_on(u, answer.intent) or engine.ruling(u, last) is None:
        return answer
    return engine.answer_entry(last, lang, slots)


# what a message naming an item alone says besides it: 「那工作費呢」「膳費的話？」 "what about lodging?"
_ITEM_ALONE = re.compile(
    r"(?:那|那麼|那如果是?|如果是?|還有|換成|改成|then|and|what about|how about)?\s*(?:的話)?\s*(?:呢|咧|勒)?\s*[?？]?"
)


def with_the_case_asked_before(
    u: Understanding, said: str, entry: str | None, engine: Engine, rules: FundingRules
) -> Understanding:
    """A budget item named alone after a yes-or-no question on another (「工作费呢」 after 「那印刷费5000
    也要一起算进去吗」 on the premium): the question said before, asked of this item instead (the
    item the entry is about is kept); `u` itself when it names no item."""
    named = rules.items_in(u.normalised)
    if not named or _ITEM_ALONE.fullmatch(rules.without_items_but(u.normalised, set()).strip()) is None:
        return u
    kept = named | ({item} if (item := _item_of(entry, engine, rules)) else set())
    text = f"{rules.without_items_but(said, kept)} {u.matching or u.normalised}"
    return replace(u, normalised=text, matching=text, asks_yes_no=True)


def _item_of(entry_id: str | None, engine: Engine, rules: FundingRules) -> str | None:
    """The budget item an entry is about (its title and keywords name one of the rules' items)."""
    return rules.match_item(engine.item_words(entry_id)) if entry_id else None


def _answer_of(entry_id: str | None, engine: Engine) -> str:
    """The entry's answer (Chinese), '' for none."""
    entry = engine.kb.entries.get(entry_id or "")
    return entry.answer.zh if entry is not None else ""


def _entry_of_topic(topic: Topic, engine: Engine, rules: FundingRules) -> str | None:
    """The entry a topic is about: its own, or that of the item it computed."""
    return (
        topic.entry or (_entry_of_item(topic.query, engine, rules) if topic.query is not None else None) or topic.cites
    )


def _entry_of_item(query: Query, engine: Engine, rules: FundingRules) -> str | None:
    """The one entry whose rule a computed item is (the language-study fee's), if there is one."""
    if query.kind not in (ITEM, VERDICT) or not query.item:
        return None
    item: str | None = query.item
    if item == "combined":  # fees and the premium on them: the premium's rule is what they add up to
        item = "premium" if "premium" in _fee_items(query) else None
    found = item_entries(engine, rules).get(item or "", [])
    return found[0] if len(found) == 1 else None


_ITEM_ENTRIES: weakref.WeakKeyDictionary[Engine, dict[str, list[str]]] = weakref.WeakKeyDictionary()


def item_entries(engine: Engine, rules: FundingRules) -> dict[str, list[str]]:
    """The knowledge-base entries of each budget item with a calculator (data, not a table here),
    the one named after the item first; lecture fees have two (external, internal). An entry's
    title names its item: keywords alone also name it in entries about something else (B1 in the
    partial-domain teachers' qualifications is not the English test fee). Built once an engine."""
    found = _ITEM_ENTRIES.get(engine)
    if found is None:
        found = {}
        # an item whose rates another section applies too (膳費: 學生能力奠基費用之活動費, for camps)
        also_in = {
            str(place.zh): key
            for key, rule in rules.items.all().items()
            if (place := getattr(rule, "also_in", None)) is not None
        }
        for entry in engine.kb.entries.values():
            item = rules.match_item(engine.title_words(entry.id))
            if item is not None:
                entries = found.setdefault(item, [])
                entries.insert(0, entry.id) if entry.id.endswith(item) else entries.append(entry.id)
            shared = also_in.get(re.sub(r"【[^】]*】", "", entry.section))
            if shared is not None and entry.id not in found.get(shared, []):
                found.setdefault(shared, []).append(entry.id)
        _ITEM_ENTRIES[engine] = found
    return found


def _names(u: Understanding, entry_id: str | None, engine: Engine, rules: FundingRules) -> bool:
    """Whether the message names the entry: one of its keywords, or the budget item it is about
    (「那代課費呢」 names the substitute-fee entry, whose keyword is 代課鐘點費)."""
    if engine.names_topic(u, entry_id):
        return True
    item = _item_of(entry_id, engine, rules)
    return item is not None and item in rules.items_in(u.normalised)


def _for_the_item_named(
    answer: Answer, u: Understanding, slots: Slots, engine: Engine, rules: FundingRules, lang: str
) -> Answer:
    """An item the question names weighs more than its likeness to another item's phrasings:
    「代課費可以報嗎」 is answered from the substitute-fee entry, not the language-study one its
    「可以報嗎」 resembles; with no entry of that item among the closest, the answer stays. (Doing
    the same for an unsure answer, 「雜支最多可以編多少」, was tried: it made more confident-but-wrong
    answers than right ones on the question sets.)"""
    if not answer.confident or u.item is None or answer.intent is None:
        return answer
    named = rules.items_in(u.normalised.replace(u.negated, " ") if u.negated else u.normalised)
    if _item_of(answer.intent, engine, rules) in {None, *named}:
        return answer
    for ranked in engine.closest(u, slots, 5):
        if _item_of(ranked.entry.id, engine, rules) in named:
            return engine.answer_entry(ranked.entry.id, lang, slots)
    return answer


def _names_another_item(u: Understanding, item: str | None, rules: FundingRules) -> bool:
    """Whether the message names budget items and none of them is `item` (the last one's)."""
    text = u.normalised.replace(u.negated, " ") if u.negated else u.normalised
    named = rules.items_in(MEALTIME.sub(" ", text))  # ("2 more hours after lunch" names no meal)
    return bool(named) and item not in named


_COUNTS = ("classes", "periods", "people", "days", "nights", "meals", "hours", "occasions", "lecturers")


def _same_item_counts(fresh: Query, earlier: Query) -> Query:
    """「學生奠基費總共編30萬，這樣教學材料費有沒有超過」 after 6 班 × 12 節 of teaching materials: whether
    the same item fits is asked of the counts just computed, which the question does not restate."""
    if fresh.kind != ITEM or not fresh.inputs.get("asks") or earlier.kind not in (ITEM, VERDICT):
        return fresh
    if earlier.item != fresh.item:
        return fresh
    carried = {k: earlier.inputs[k] for k in _COUNTS if earlier.inputs.get(k) and not fresh.inputs.get(k)}
    return replace(fresh, inputs=dict(fresh.inputs) | carried) if carried else fresh


def _the_events_people(fresh: Query, earlier: Query, u: Understanding) -> Query:
    """「膳費 第一天午餐晚餐 第二天早餐午餐 一共最多多少」 after lodging for 20 teachers: the total of the
    same event's other cost is for the same people (not for one, when the message counts none)."""
    if fresh.kind != ITEM or earlier.kind not in (ITEM, VERDICT) or not u.asks_total:
        return fresh
    if fresh.item == earlier.item or not {fresh.item, earlier.item} <= EVENT_COSTS:
        return fresh
    if fresh.inputs.get("people") or not earlier.inputs.get("people"):
        return fresh
    return replace(fresh, inputs=dict(fresh.inputs) | {"people": earlier.inputs["people"]})


_EVERY_TIME = re.compile(r"每次|每一次|每場|每一場|\beach time\b|\bevery time\b|\beach session\b|\bevery session\b")


def _every_time_told(fresh: Query, earlier: Query, u: Understanding) -> Query:
    """「每次都訂便當 老師12位加講師1位」 after a lecture at each of 5 meetings: the meals of every one of
    those meetings (occasions, which the meals count as days), not of one."""
    if (
        fresh.kind != ITEM
        or fresh.item not in EVENT_COSTS
        or earlier.kind != ITEM
        or not _EVERY_TIME.search(u.normalised)
    ):
        return fresh
    occasions = earlier.inputs.get("occasions")
    if (
        not isinstance(occasions, int)
        or occasions < 2
        or any(fresh.inputs.get(k) for k in ("days", "occasions", "nights"))
    ):
        return fresh
    return replace(fresh, inputs=dict(fresh.inputs) | {"occasions": occasions})


def _with_school(query: Query, u: Understanding, school: dict[str, Any], changed: set[str] | None = None) -> Query:
    """「那我們學校呢」: the follow-up is about the school's own facts, not the last question's (but
    those the message `changed`, "oops, 36", stay as it changed them)."""
    stated = set(u.facts) | (changed or set())
    facts = dict(query.facts) | {
        k: v for k, v in school.items() if k in ("mode", "classes", "domains", "branch") and k not in stated
    }
    if facts.get("mode") == 1:
        facts.pop("domains", None)
    return replace(query, facts=facts)


def _earlier_share(topic: Topic) -> Query | None:
    """The share the chat computed last among the topics before the last one."""
    return next((t.query for t in topic.earlier if t.query is not None and t.query.kind == SHARE), None)


def _share_of_an_earlier_base(u: Understanding, fresh: Query | None, topic: Topic | None) -> Query | None:
    """「那教材教具費最多又可以編到多少錢」 after misc on 經常門 24萬 and a question on another rule
    between: the share asked, of no amount told, when the chat's earlier share had a base (which step
    5 takes, from `_earlier_share`); else None."""
    if fresh is not None or topic is None or topic.query is not None or not u.asks_amount:
        return None
    if u.item not in ("misc", "teaching_aids") or u.figures.amounts:
        return None
    earlier = _earlier_share(topic)
    return Query(SHARE, item=u.item) if earlier is not None and "base" in earlier.inputs else None


def _follow_up(
    u: Understanding,
    topic: Topic,
    fresh: Query | None,
    engine: Engine,
    rules: FundingRules,
    lang: str,
    elliptical: bool,
    school: dict[str, Any],
) -> Decision | None:
    year = u.slots.year
    plan_year = _plan_year(engine, rules)
    # 「那116學年度呢」 after a computation: the funding rules are for one school year; not so when
    # the message goes back to the other plan (「back to the Keelung foreign teachers, what about 111」)
    if (
        topic.query is not None
        and elliptical
        and year is not None
        and plan_year is not None
        and year != plan_year
        and not _cues_another_plan(u, engine, rules)
        and not u.returns
    ):
        answer = Answer(intent=None, confidence=0.0, text=engine.uncovered_reply(year, lang), lang=lang, covered=False)
        return Decision(ANSWER, answer=answer)
    # 「那補充保費呢」 after a fee, also when a question about the premium itself came between; on
    # the fees computed one after another when it asks of them all (「這些鐘點費加起來」)
    premium = _premium_of_all(topic, u, rules) or next(
        (p for t in (topic, *topic.earlier) if (p := _premium_of(t, u, rules)) is not None), None
    )
    if premium is not None:
        return Decision(COMPUTE, query=premium)
    if topic.yes_no and topic.said and topic.entry is not None:
        case = with_the_case_asked_before(u, topic.said, topic.entry, engine, rules)
        if case is not u and engine.rules_on(case, topic.entry) >= 2 and engine.ruling(case, topic.entry) is not None:
            # 「工作费呢」 after 「那印刷费5000也要一起算进去吗」 on the premium: the same question of the work fee
            return Decision(ANSWER, answer=engine.answer_entry(topic.entry, lang), text=u.normalised)
    moved = _transfer_of_the_ceiling(u, topic, engine, rules)
    if moved is not None:
        return Decision(COMPUTE, query=moved, context=dict(moved.facts))
    counted = u.figures.counts
    unpriced = not (u.figures.amounts or counted.people or counted.hours or counted.periods or counted.occasions)
    if topic.query is not None and _TIMES_ASKED.search(u.normalised) and unpriced:
        return None  # 「一學期最多能請專家來幾次」 after a fee: how often, which no computation gives
    if topic.query is not None and topic.query.kind in (CAPITAL, SHARE) and _named_rule_decides(u, engine, lang):
        return None  # 「分校校長說想分8萬…可以分給他8萬嗎」 after a capital: the branch rule's question
    ruled_entry = _entry_of_topic(topic, engine, rules) if topic.query is not None else None
    if (
        ruled_entry is not None
        and topic.query is not None
        and topic.query.kind in (ITEM, VERDICT)
        and not (u.figures.amounts or u.figures.labelled or counts_something(u))
        and _decided_by(u, ruled_entry, engine)
    ):
        # 「他說減課要先經過校內公開的機制確認 這個對吧」 after a reduction checked: the rule's own case,
        # which no computation of periods answers
        return Decision(ANSWER, answer=engine.answer_entry(ruled_entry, lang), text=u.normalised)
    counts = u.figures.counts
    ceiling_facts = fresh is not None and fresh.kind == CEILING and fresh.facts.keys() & {"classes", "domains"}
    if fresh is not None and fresh.kind == CEILING and not ceiling_facts and (counts.people or counts.semesters):
        fresh = None  # 「那三位部領老師一整學年最多補多少」: people and semesters are no ceiling's
    elif fresh is not None and fresh.kind == CEILING and counts.periods and topic.query is not None:
        # 「一班一節800 我們10班各上12節 還在上限內嗎」 after the teaching materials: periods are never a
        # ceiling's, so the classes are the last computation's
        fresh = None if topic.query.kind in (ITEM, VERDICT) else fresh
    if fresh is not None and fresh.item == "combined":
        return None  # 「兩天膳費加一晚住宿 合計最多」 after the lodging: items of its own, added up
    if (
        fresh is not None
        and fresh.kind in (ITEM, VERDICT)
        and topic.query is not None
        and topic.query.kind in (CAPITAL, CEILING, SHARE)
        and (
            ("people" in counted_by(fresh.item) and all(fresh.inputs.get(k) for k in ("people", "amounts")))
            # 「有老師想要平板 一台大概一萬八 這樣可以嗎」: one device's price, against its own cap
            or (fresh.item == "equipment" and fresh.inputs.get("per_unit") and int(fresh.inputs.get("units") or 1) == 1)
        )
    ):
        return None  # "if we spend 30,000 on lodging … 5 people, 2 nights each" after a capital: its own sum
    candidates = _candidates(topic, u, engine)
    # (「如果執行期改成到2027年1月31日呢」 after the close-out computed, then its rule asked: a new period
    # end for that computation)
    new_end = bool(u.figures.dates) and u.mentions(r"執行期|核定期|期間|結束|到期|屆滿|\bperiod\b|\bends?\b")
    if files_on_a_date(u) or asks_the_deadline_of_a_date(u) or new_end:
        # 「縣府拖到10月3號才函報 這樣還在期限內嗎」 after the close-out rule was asked about: the date
        # filed against the close-out computed before it (not a new period end for the rule)
        candidates.sort(key=lambda t: not (t.query is not None and t.query.kind == CLOSEOUT))
    if (
        fresh is not None
        and topic.query is None
        and topic.entry in item_entries(engine, rules).get(str(fresh.item), [])
    ):
        # 「數學老師想考A2程度的呢」 right after the English-test fee's rule: that item computed for the
        # case, not an older computation of another item (a teaching load's) revised with the 2 of A2
        candidates = [t for t in candidates if t is topic or t.query is None or t.query.item == fresh.item]
    for earlier in candidates:
        if earlier is not topic and puts_a_count_right(u):
            break  # 「不是2個 是3個」 puts right a count of the last computation, never of an older one
        if earlier.query is not None:
            revised = revise(earlier.query, u, rules)
            asked_of_tier = _tier_asked(topic, engine) if earlier is not topic else {}
            if revised is not None and revised.kind == CEILING and asked_of_tier:
                # 「再加上雙語生活化 總共最多多少」 after a tier's rule asked for 8 classes and 2 domains,
                # itself after a ceiling for 1 domain: that ceiling for the facts the rule was asked for
                revised = replace(revised, facts=dict(revised.facts) | asked_of_tier)
            # (and 「還有一個分班也要一起做 總額變多少」 after a capital: the school's ceiling, with its facts)
            if about_the_school(u) and school and earlier.query.kind == CEILING:
                changed = {k for k, v in revised.facts.items() if earlier.query.facts.get(k) != v} if revised else set()
                revised = _with_school(revised or earlier.query, u, school, changed)  # 「那我們學校呢」
            elif revised is not None and revised.kind == CEILING and earlier.query.kind == CAPITAL:
                revised = _fill_from_school(revised, school)[0]  # what the capital left out, from the school
            elif revised is not None and revised.kind == SHARE and "base" not in revised.inputs:
                # 「我們是廿一班 設備一樣編3萬 教材教具上限變多少」: the rest of the school's ceiling
                revised = _fill_from_school(revised, school)[0]
            same_kind = fresh is None or _kin(fresh.kind) == _kin(revised.kind) if revised else False
            # 「如果是原本7/31那個期程 10/30報 來得及嗎」: a filing date checked, not which school year 7/31 is in
            same_kind = same_kind or (
                revised is not None and fresh is not None and fresh.kind == SCHOOL_YEAR and "filed" in revised.inputs
            )
            # 「那一整天 最多領多少錢」 after a half day's consultation: a most asked of no school, the
            # item's figures changed, is that item's amount, not a ceiling
            same_kind = same_kind or (
                revised is not None
                and fresh is not None
                and fresh.kind == CEILING
                and not fresh.facts
                and not u.figures.amounts
                and revised.kind in (ITEM, VERDICT)
                and not _changes_nothing(revised, earlier.query)
            )
            # "and if it was 2 domains?" after the teacher money that may move: that computation for
            # the fact changed, not the ceiling the fact alone would ask
            same_kind = same_kind or (
                revised is not None
                and fresh is not None
                and fresh.kind == CEILING
                and not u.asks_amount
                and revised.kind in (TRANSFER, CAPITAL)
                and not _changes_nothing(revised, earlier.query)
            )
            after_the_move = revised is not None and revised.inputs.keys() & {"remaining", "life_total"}
            # 「回到剛剛12班那個 如果15萬全部編經常門 雜支最多多少」: back to that school, with a
            # computation of its own, which is not the ceiling's
            # (not a computation of another kind it names whole: "back to dates: if our period ends
            # 2028-07-31, close-out due when?" after the school year of a date)
            returns = u.returns and (
                fresh is None or ("base" not in fresh.inputs and not (fresh.kind == CLOSEOUT != earlier.query.kind))
            )
            if returns and fresh is not None and fresh.kind == ITEM and fresh.item not in (None, earlier.query.item):
                # 「回到教授，他中午跟晚上都留下來吃，兩餐各抓150元可以嗎」: back to the person, asking
                # another item of them (their meals), not that person's lecture fee again
                return Decision(COMPUTE, query=fresh)
            if (
                revised is not None
                and revised.kind == VERDICT
                and u.asks_amount
                and not u.figures.labelled
                and not revised.inputs.get("at_cap")  # (the caps of reductions added up are an amount)
                and not (fresh is not None and fresh.inputs.get("at_cap"))  # (「那組長20週最多減多少」 too)
            ):
                # 「報名費一次最多補多少錢」 after the English-test fee was checked: an amount the verdict
                # computes none of; the rule answers it (or says it gives none)
                entry_id = _entry_of_topic(earlier, engine, rules)
                if entry_id is not None:
                    return Decision(ANSWER, answer=engine.answer_entry(entry_id, lang), text=u.normalised)
            if revised is not None and u.asks_yes_no and _changes_nothing(revised, earlier.query):
                # 「線上英語平台的課也算嗎」 after the language-study fee: a case of its rule, the same
                # computation again would not answer
                entry_id = _entry_of_topic(earlier, engine, rules)
                if entry_id is not None and engine.rules_on(u, entry_id):
                    decision = _entry_follow_up(u, replace(earlier, query=None, entry=entry_id), engine, rules, lang)
                    if decision is not None:
                        return decision
                if not _says_nothing_new(u, engine):
                    # 「那分校可以自己另外獨立申請一份嗎」 after a ceiling: a question of its own, which
                    # the same computation again would not answer, nor an earlier one revised
                    break
            if (
                revised is not None
                and revised.kind == ITEM
                and not u.asks_yes_no
                and _names_another_item(u, revised.item, rules)
                # (「出席的專家其實是7位」 after an event's fees and their premium: its attendance part)
                and not (revised.inputs.get("parts") and revised != earlier.query)
            ):
                break  # 「印刷费上限多少 组长说一万」 after the lodging: the printing asked, not lodging again
            if (
                revised is not None
                and earlier is not topic
                and fresh is None
                and not returns
                and asks_which(u.normalised)
                and _changes_nothing(revised, earlier.query)
            ):
                # "and what's our deadline as a school?" after the close-out, itself after a teaching
                # load: a question of its own does not ask an older computation again unchanged
                continue
            if revised is not None and _counts_of_a_later_candidate(u, earlier, candidates):
                # "could we pay her 7 hrs that day" after the premium on her consultation: counts the
                # last computation is not counted by are an earlier one's (the consultation's hours)
                continue
            if revised is not None and _drops_an_amount(u, revised):
                # 「有納入的話，分校可以分到8萬嗎」 after the ceiling with a branch: an amount the revision
                # computes nothing with is asked of something else
                continue
            if revised is not None and fresh is not None and fresh.item == "premium" != revised.item:
                # "ok work fees total 20,000. premium?" after the meals: the premium on its own figures,
                # not the meals revised with them
                break
            if (
                revised is not None
                and revised.kind == CAPITAL
                and fresh is not None
                and fresh.kind == CEILING
                and "focus" not in fresh.inputs  # (「生活化那塊上限是？」: a part, its capital revised)
                and u.ceiling_words
                and not u.mentions(r"資本門|capital|equipment|設備")
            ):
                continue  # "I typed 28 but it's 38 classes. Max grant now?" after a capital: the grant
            if revised is not None and (same_kind or u.correction or returns or after_the_move):
                return Decision(COMPUTE, query=revised, context=_carried(earlier.query, revised, u))
            item_entry = _entry_of_topic(earlier, engine, rules) if revised is None and elliptical else None
            if item_entry is not None and u.asks_yes_no:
                # 「行政人員也可以補嗎」 after the language-study fee was computed: a case of that fee's rule
                decision = _entry_follow_up(u, replace(earlier, query=None, entry=item_entry), engine, rules, lang)
                if decision is not None:
                    return decision
        elif earlier.entry is not None and (
            fresh is None
            or (
                fresh.kind == CEILING
                and (
                    u.figures.counts.periods
                    or _amount_of_the_entry(u, earlier, engine)
                    or _row_of_the_entry(u, earlier, engine)
                    # "what if we switch to mode 2 and I'm the one running the whole plan?" after the
                    # teaching-load rule: a school fact changed for that rule, no ceiling asked
                    or not (u.ceiling_words or u.asks_amount or u.figures.amounts or states_only_facts(u))
                )
            )
        ):
            ceiling = _ceiling_of_the_tier(u, earlier, engine) if fresh is None else None
            if ceiling is not None:
                return Decision(COMPUTE, query=ceiling)
            # 「我們6個班 每班上10節 可以編多少」 after the teaching-materials rule: periods are never a
            # ceiling's, so the classes are that item's
            item = _item_query_for_entry(u, earlier, engine, rules)
            if item is not None:
                return Decision(COMPUTE, query=item)
            if elliptical:
                decision = _entry_follow_up(u, earlier, engine, rules, lang)
                if decision is not None:
                    return decision
    # 「那最多只能編多少」 after a check: its cap; "and end?" after a phase's start: its span again
    asks_the_span = topic.query is not None and topic.query.kind == SCHOOL_YEAR and _START_OR_END.search(u.normalised)
    if topic.query is not None and fresh is None and (u.asks_amount or asks_the_span) and _says_nothing_new(u, engine):
        return Decision(COMPUTE, query=topic.query)
    return None


# 「還有分校 有多嗎」 "we also have a branch campus, does that add anything?": whether the sum grows,
# or (「這樣有變嗎」) changes at all
_ASKS_MORE = re.compile(
    r"有多嗎|會多嗎|(?:會|有)?變多嗎|會增加嗎|有增加嗎|可以多拿|能多拿|再多(?:一點|一些|些)?(?:嗎|呢)|多一點嗎|\badds? (?:anything|more|to it)\b|get more\b"
)
_ASKS_CHANGED = re.compile(
    r"會變嗎|有變嗎|有差嗎|有影響嗎|change (?:anything|it|the (?:total|max|cap|ceiling))|make a difference"
)


def _total_asked_of_nothing(u: Understanding) -> bool:
    """「總共最多多少」 "so the total max for us is?": the total asked, no item or fact named."""
    return asks_the_total(u) and u.asks_amount and not u.item and not u.facts


def asks_a_change(u: Understanding) -> str | None:
    """ "more" when the message asks whether a sum grows, "changed" whether it changes, or None."""
    if _ASKS_MORE.search(u.normalised):
        return "more"
    return "changed" if _ASKS_CHANGED.search(u.normalised) else None


_START_OR_END = re.compile(
    r"開始|結束|起|迄|到哪|何時|什麼時候|\b(?:start|starts|begin|begins|end|ends|finish|finishes|when)\b"
)
_MONEY_STATED = re.compile(r"\d[\d,]*(?:\.\d+)?\s*萬|\d[\d,]*\s*元|NT\$\s*\d")


def _tier_asked(topic: Topic, engine: Engine) -> dict[str, Any]:
    """The school facts a ceiling tier's rule was last asked for (「８班 如果再加藝術 變兩個領域」:
    8 classes, 2 domains), or {} when the last answer is no such rule."""
    entry = engine.kb.entries.get(topic.entry or "") if topic.query is None else None
    if entry is None or "classes" not in entry.when:
        return {}
    return {k: v for k, v in topic.slots.items() if k in ("mode", "classes", "domains")}


def _points_back_only(u: Understanding, engine: Engine) -> bool:
    """A very short question pointing back at the last answer and naming nothing ("who runs it",
    「這個誰負責」): of that answer, however sure another entry's phrasing is of its few words."""
    size = len(u.normalised.split()) if u.lang == "en" else len(u.normalised.replace(" ", ""))
    short = size <= (4 if u.lang == "en" else 6)
    return short and _REFERS_BACK.search(u.normalised) is not None and not engine.names_a_keyword(u)


def _heading_of_the_topic(u: Understanding, entry_id: str | None, engine: Engine, lang: str) -> bool:
    """Whether the message asks the heading (strategy, goal) the last entry is under, naming no entry
    of its own (not 「雙語學校建置是哪個策略」, which names the bilingual schools)."""
    if entry_id is None or engine.heading_level(u) is None:
        return False
    alone = engine.answer_to(u, u.slots, lang=lang)
    return not alone.confident and engine.named_entry(u, u.slots) in (None, entry_id)


def _with_classes_changed(u: Understanding, topic: Topic | None, school: dict[str, Any]) -> Understanding:
    """「如果明年多一班呢」 after 4 classes: the message as if it said 5 classes (the count told last,
    the topic's or the school's); as it is when it states a count or none was told."""
    if u.class_change is None or u.slots.classes is not None:
        return u
    told = None
    if topic is not None:
        told = (topic.query.facts.get("classes") if topic.query is not None else None) or topic.slots.get("classes")
    told = told or school.get("classes")
    if not isinstance(told, int) or told + u.class_change < 1:
        return u
    classes = told + u.class_change
    return replace(u, slots=replace(u.slots, classes=classes), facts=u.facts | {"classes": classes})


def _drops_an_amount(u: Understanding, revised: Query) -> bool:
    """Whether the message states amounts and the revision uses none of them (an amount claimed to
    be the answer, 「所以最多就是40萬 對吧」, is checked against it, not dropped)."""
    stated = {a.value for a in u.figures.labelled if not a.bare and not CLAIMED_BEFORE.search(a.before)}
    if not stated:
        return False
    return not _numbers_in(revised.inputs) & stated


def _numbers_in(value: Any) -> set[int]:
    """Every whole number in a query's inputs, however nested (a premium's fees, a sum's parts)."""
    if isinstance(value, bool):
        return set()
    if isinstance(value, int):
        return {value}
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return {n for item in value for n in _numbers_in(item)}
    return set()


def _counts_of_a_later_candidate(u: Understanding, topic: Topic, candidates: list[Topic]) -> bool:
    """Whether the counts a message gives count nothing of `topic`'s computation but do count one
    of the candidates after it."""
    # (not people nor classes, whom many computations count under other names)
    given = {
        name
        for name in ("periods", "days", "nights", "meals", "hours", "occasions")
        if getattr(u.figures.counts, name, None)
    }
    if not given or topic.query is None or topic.asked is not None or given & set(counted_by(topic.query.item)):
        return False  # (a question the bot asked back is answered, not skipped)
    later = candidates[candidates.index(topic) + 1 :]
    return any(t.query is not None and given & set(counted_by(t.query.item)) for t in later)


def _changes_nothing(revised: Query, previous: Query) -> bool:
    """Whether a revision computes the same thing again: the same kind, item, facts and the inputs it
    is counted from."""
    same = (revised.kind, revised.item, revised.facts) == (previous.kind, previous.item, previous.facts)
    return same and computed_from(revised) == computed_from(previous)


def _ceiling_of_the_tier(u: Understanding, topic: Topic, engine: Engine) -> Query | None:
    """「最多多少」 "what's the total we can apply for?" after the ceiling tier's rule was answered for
    the school's facts (「新接手 我們模式一 30班 沒分校」): that school's ceiling, computed."""
    if not u.asks_amount or "mode" not in topic.slots or not _is_the_tier_entry(topic, engine):
        return None
    facts = {k: v for k, v in topic.slots.items() if k in ("mode", "classes", "domains", "branch")}
    return Query(CEILING, facts=facts) if _says_nothing_new(u, engine) else None


def _is_the_tier_entry(topic: Topic, engine: Engine) -> bool:
    """Whether the topic's entry is the ceiling tier its school facts (mode, classes, domains) fall in."""
    tier = {k: v for k, v in topic.slots.items() if k in ("mode", "classes", "domains")}
    return topic.entry is not None and topic.entry == engine.tier_entry(tier)


def _amount_of_the_entry(u: Understanding, topic: Topic, engine: Engine) -> bool:
    """「補助是多少」 after the open-classroom rule, naming no school fact: the amount that rule states,
    not a ceiling to ask the class count for."""
    entry = engine.kb.entries.get(topic.entry or "")
    if entry is not None and _is_the_tier_entry(topic, engine):
        return False  # 「我們是模式二…18班 有分校」 then 「那最多可以拿多少」: the school's ceiling, computed
    # ("how much extra do we get for that?": the school asking of that rule, which it points back to)
    ours = about_the_school(u) and not _POINTS_BACK.search(u.normalised)
    if entry is None or u.returns or ours or not _says_nothing_new(u, engine):
        return False  # 「回到我們學校 學生奠基費最多多少」 "so the overall ceiling for us?": the ceiling
    return _MONEY_STATED.search(entry.answer.zh) is not None


# words that point at the last answer: 「學生獎勵品可以算在這裡面嗎」 "can prizes come out of that 800?"
# "how much extra do we get for that?"
_POINTS_BACK = re.compile(
    r"這裡面|這裡頭|這裡|這筆|這一筆|那筆|那一筆|為了這個|這個的話|那個的話|(?:報|申請|請領|用|補助?)這(?:個|項)|"
    r"\b(?:that|this) (?:\d[\d,]*|money|amount|budget|fee|item)\b|\bout of (?:that|this|it)\b|"
    r"\b(?:for that|for it|for this|that one|from that|from it)\b"
)


_CEILING_ASKED = re.compile(r"最多|上限|補助|多少錢|幾萬|額度|經費|\bmax|\bcap\b|ceiling|how much|funding|grant")


def _row_of_the_entry(u: Understanding, topic: Topic, engine: Engine) -> bool:
    """「我們做藝術跟科技兩個領域 總共交幾份」 after the lesson-plan rule: school facts that pick a row of
    that rule (its rows are by domains), asking no money, are a follow-up on it, not a ceiling."""
    entry = engine.kb.entries.get(topic.entry or "")
    if entry is None or _CEILING_ASKED.search(u.normalised):
        return False
    return any(key in detail.when for detail in entry.details for key in u.facts)


def _transfer_of_the_ceiling(u: Understanding, topic: Topic, engine: Engine, rules: FundingRules) -> Query | None:
    """「那是多少錢」 "how much is that?" after the transfer rule was answered, with a mode-2 ceiling
    computed before it: the teacher funding that may move, for that school."""
    if topic.query is not None or not topic.entry or not u.asks_amount or not _says_nothing_new(u, engine):
        return None
    if topic.entry != engine.entry_quoting(rules.transfer.quotes):
        return None
    ceiling = last_ceiling(topic)
    if ceiling is None or ceiling.facts.get("mode") != 2 or "plus" in ceiling.inputs:
        return None
    return Query(CEILING, facts=dict(ceiling.facts), inputs={"focus": "transfer"})


_PARTIAL_DOMAIN_FOCUS = ("partial_domains", "pd_teacher", "pd_student")


def _capital_of_the_part_asked(capital: Query, topic: Topic | None) -> Query:
    """「資本門最多編多少」 right after the partial domains' part of a ceiling was asked (「學生經費
    多少」): that part's capital, not "which part?"."""
    last = topic.query if topic is not None else None
    if last is None or last.kind != CEILING or last.inputs.get("focus") not in _PARTIAL_DOMAIN_FOCUS:
        return capital
    return replace(capital, inputs=dict(capital.inputs) | {"part": "partial_domains"})


def _asks_of_the_rule(u: Understanding, topic: Topic, rule: Entry, engine: Engine, lang: str) -> bool:
    """Whether a message that is no follow-up in form, unsure read alone, asks of the last topic's rule:
    figures it settles (「我們一學期開一次 大概來35位老師 這樣符合嗎」 after the open-classroom rule), or
    how many in school years of its rows (「所以110到111學年要再多幾位」 after a yearly target)."""
    # (a year named, or one of the plan's own years: "how many schools in the third year?")
    year = u.slots.year is not None or _RELATIVE_YEAR.search(u.normalised) is not None
    rows = year and any("year" in detail.when for detail in rule.details)
    counts = rows and _COUNT_ASKED.search(u.normalised) is not None and _WHY.search(u.normalised) is None
    counted = counts and not engine.names_a_keyword(u)
    if not (counted or _checked_by_the_entry(u, topic, rule, engine)):
        return False
    alone = engine.answer_to(u, u.slots, lang=lang)
    if not alone.confident:
        return True
    # (a row sure only for being a line beside its heading is no question of its own: "how many
    # schools in the third year?" is close to the bilingual schools' action plan and its strategy)
    closest = engine.closest(u)
    return counted and bool(closest) and closest[0].confidence < CONFIDENT


def _checked_by_the_entry(u: Understanding, topic: Topic, entry: Entry, engine: Engine) -> bool:
    """「我們一學期開一次 大概來35位老師 這樣符合嗎」 after the open-classroom rule, 「110學年全市國小統計出來
    78人次 有達標嗎」 after a yearly target: a yes-or-no question naming no topic whose own figures
    that rule's figures settle (figure_check), or its yearly targets work out (targets), asks of it."""
    if not (u.asks_yes_no or u.yes_no_form):
        return False
    if engine.names_a_keyword(u) and not engine.names_topic(u, entry.id):
        return False  # 「實際締結了3校 達標了嗎」 after another action plan: the one it names
    plain = engine.normalize.plain
    if figure_check.agrees(plain(u.text), plain(entry.answer.zh, limit=None), None, True) is not None:
        return True
    slots = dict(topic.slots) | u.slots.as_dict()
    last_year = topic.slots.get("year")
    answer = engine.answer_entry(entry.id, "zh", _slots_from(slots))
    told = (topic.said,) if topic.said else ()
    return engine.on_the_targets(u, answer, slots, told, last_year if isinstance(last_year, int) else None) is not None


def counts_something(u: Understanding) -> bool:
    """Whether the message counts anything (people, days, periods, semesters …)."""
    return any(v is not None for v in vars(u.figures.counts).values() if not isinstance(v, (tuple, bool)))


def _says_nothing_new(u: Understanding, engine: Engine) -> bool:
    """Whether a message names no figure, fact, item or topic: it can only ask of the last answer."""
    figures = u.figures
    return not (
        figures.amounts
        or figures.percentages
        or figures.dates
        or counts_something(u)
        or u.slots.as_dict()
        or u.item
        or u.returns
        or engine.names_a_keyword(u)
    )


# The label an amount of each part of the budget is read with (knowledge/quantities.py)
_PART_LABELS = {"pd_student": "student", "pd_teacher": "teacher", "bilingual_life": "life"}


def _figures_only(u: Understanding, topic: Topic | None, engine: Engine, rules: FundingRules) -> bool:
    """「They each come to 2 meetings this year」 after a computation: new figures for it, no
    question of their own and no topic named (but the part of the budget the computed item is a
    share of: "our student foundation budget is 200,000 - does 38,400 fit?" after the materials)."""
    if topic is None:
        return False
    # (after an item's rule answered, not computed: 「我們經常門編了20萬 最多可以編多少」 after 教材教具)
    computed = topic.query.item if topic.query is not None else _item_of(topic.entry, engine, rules)
    if topic.query is None and computed is None:
        return False
    item = rules.items.all().get(computed or "")
    labels = {a.label for a in u.figures.labelled}
    of_its_part = item is not None and any(_PART_LABELS.get(part) in labels for part in item.only_parts)
    counts = u.figures.counts
    # (a bare number is money here only beside the part named: 「預算剛好3000」 alone may be another item's)
    has_figures = bool(amounts_of(u) if of_its_part else u.figures.amounts) or any(
        getattr(counts, name) is not None
        for name in ("people", "days", "nights", "meals", "periods", "hours", "occasions", "semesters")
    )
    if not has_figures:
        return False
    # another item named ("stay 2 nights at 2,800 a night" after a lecture fee), but not a device
    # put under capital after the equipment ("a 9,000 dollar speaker under capital": no lecturer)
    device = computed == "equipment" and "資本門" in u.normalised
    if u.item not in (None, computed) and not of_its_part and not device:
        return False
    # (「2 periods」 names no topic, though 「period」 is a keyword)
    if (
        engine.names_a_keyword(u)
        and not of_its_part
        and engine.names_a_keyword(replace(u, normalised=without_counts(u.normalised)))
    ):
        return False
    # …or asks yes or no of counts that computation is counted from (「半天排了3.5小時 可以照報嗎」
    # after the consultation fee: its hours)
    needs = counted_by(computed)
    # (or its amount: 「我報了兩萬五的課 能全額補嗎」 after the language-study fee)
    counted = any(getattr(counts, name, None) for name in needs) or (
        bool(amounts_of(u)) if of_its_part else "amounts" in needs and bool(u.figures.amounts)
    )
    checks = u.asks_yes_no and not asks_which(u.normalised) and counted
    return not _OWN_QUESTION.search(u.normalised) or checks


def _kin(kind: str) -> str:
    """Kinds a follow-up may move between: an item's amount and whether a price fits it."""
    return ITEM if kind == VERDICT else kind


def _candidates(topic: Topic, u: Understanding, engine: Engine) -> list[Topic]:
    """The topics a follow-up may be about: the last one, then earlier ones; with 「回到剛剛」
    "back to…" the earlier ones first, those of a plan the message names before the others."""
    earlier = list(topic.earlier)
    last_item = topic.query.item if topic.query is not None else None
    if lecturer_in(u.normalised) and last_item != "lecture_fee" and not u.mentions(r"補充保費|premium"):
        # "what if it's a teacher from our own school giving the talk" after the premium on her
        # lecture fee: the lecture fee computed before, for that lecturer
        lectures = [t for t in earlier if t.query is not None and t.query.item == "lecture_fee"]
        if lectures:
            return [*lectures, topic, *(t for t in earlier if t not in lectures)]
    # "sorry, I meant 3 subjects, not 2" after a question that took no subject count: the earlier
    # topic the count was told for
    corrected = set(u.slots.as_dict()) | set(u.facts)
    if u.correction and corrected and not corrected & _facts_of_topic(topic):
        told = [t for t in earlier if corrected & _facts_of_topic(t)]
        if told:
            return [*told, topic, *(t for t in earlier if t not in told)]
    if not (u.returns and earlier):
        return [topic, *earlier]
    # "back to" another topic: one of the same entry as the last is the last topic again
    # (「回到剛剛三十六班那個」 after 膳費 twice is the 36-class ceiling, not the first 膳費 question)
    others = [t for t in earlier if not _same_subject(t, topic)]
    cued = [t for t in others if _cues_document(t, u, engine) or _told_again(t, u)]
    return [*cued, *(t for t in others if t not in cued), *(t for t in earlier if t not in others), topic]


def _amount_claimed(text: str, engine: Engine) -> int | None:
    """The one amount a question told as someone's claim (「組長說模式一算13到35那一級 25萬」), or None."""
    if not text or compiled(CLAIM_TOLD).search(text) is None:
        return None
    amounts = read_figures(engine.normalize.plain(text)).amounts
    return amounts[0] if len(amounts) == 1 else None


def _facts_of_topic(topic: Topic) -> set[str]:
    """The slots and school facts a topic was answered or computed for."""
    return set(topic.slots) | (set(topic.query.facts) if topic.query is not None else set())


def _same_subject(one: Topic, other: Topic) -> bool:
    if one.query is not None and other.query is not None:
        return (one.query.kind, one.query.item) == (other.query.kind, other.query.item)
    return one.entry is not None and one.entry == other.entry


def _told_again(topic: Topic, u: Understanding) -> bool:
    """Whether the message repeats a fact the topic was answered for (「三十六班那個」)."""
    facts = dict(topic.query.facts) if topic.query is not None else topic.slots
    return any(facts.get(name) == value for name, value in u.slots.as_dict().items())


def _of_another_plan(u: Understanding, topic: Topic | None, engine: Engine, rules: FundingRules) -> bool:
    """Whether the message is about a plan other than the funding rules': it names one, or it
    names none and the topic's entry is from one."""
    if engine.cued_plans(u):
        return _cues_another_plan(u, engine, rules)
    entry = engine.kb.entries.get(topic.entry or "") if topic is not None else None
    return entry is not None and entry.document.id != rules.document


def _answered_in_another_plan(u: Understanding, entry_id: str, engine: Engine, lang: str) -> bool:
    """Whether the message alone is answered outright from an entry of a plan other than `entry_id`'s."""
    alone = engine.answer_to(u, u.slots, lang=lang)
    own, other = engine.kb.entries.get(entry_id), engine.kb.entries.get(alone.intent or "")
    return alone.confident and own is not None and other is not None and other.document.id != own.document.id


def _cues_another_plan(u: Understanding, engine: Engine, rules: FundingRules) -> bool:
    """Whether the message names a plan other than the one the funding rules are for."""
    return bool(engine.cued_plans(u) - {rules.document})


def _asks_another_plans_entry(u: Understanding, engine: Engine, rules: FundingRules, lang: str) -> bool:
    """Whether the message names a plan other than the funding rules' and is answered outright from
    an entry of that plan."""
    if not _names_another_plan(u, engine, rules):
        return False
    alone = engine.answer_to(u, u.slots, lang=lang)
    entry = engine.kb.entries.get(alone.intent or "")
    return alone.confident and entry is not None and entry.document.id != rules.document


def _names_another_plan(u: Understanding, engine: Engine, rules: FundingRules) -> bool:
    """Whether the message names a plan other than the funding rules' by its own cue words, not
    through the local bureau (「縣府」「教育處」 read as 教育局, which is also how 市府 reads)."""
    return _cues_another_plan(replace(u, normalised=u.normalised.replace("教育局", " ")), engine, rules)


def _cues_other_document(topic: Topic, u: Understanding, engine: Engine) -> bool:
    """Whether the message names only plans other than the one the topic's entry is from."""
    entry = engine.kb.entries.get(topic.entry or "")
    cued = engine.cued_plans(u)
    return entry is not None and bool(cued) and entry.document.id not in cued


def _cues_document(topic: Topic, u: Understanding, engine: Engine) -> bool:
    entry = engine.kb.entries.get(topic.entry or "")
    return entry is not None and entry.document.id in engine.cued_plans(u)


_ALL_YEARS = re.compile(
    r"三年|3年|三個學年|三學年|三個年度|3個學年|3學年|3個年度|歷年|這幾年|整個計畫|\b(?:three|3) (?:school )?years\b|across (?:the )?years|"
    r"whole plan|109\s*(?:到|至|~|-|–)\s*111"
)
# 「加國中」 "plus junior high": another level added to the one answered
_ADDS_A_LEVEL = re.compile(
    r"(?:加|加上|再加|連同|\bplus\b|\band\b)\s*(?:國中|國小|高中|junior high|elementary|primary|senior high)"
)
_BOTH_LEVELS = re.compile(
    r"國中小|國中(?:和|跟|與|及|加)國小|國小(?:和|跟|與|及|加)國中|elementary and junior high|both levels"
)
_COUNT_ASKED = re.compile(r"幾|多少|how many|how much")
_WHY = re.compile(r"為什麼|為何|原因|理由|\bwhy\b|\breason")
_ALL_OF_THEM = re.compile(r"這些|這幾筆|這兩筆|加起來|all (?:of )?(?:these|those|them)|\bboth\b|altogether")


def _fee_items(query: Query | None) -> set[Any]:
    """The items a computed fee (or fees combined) is of."""
    if query is None or query.kind != ITEM:
        return set()
    parts = query.inputs.get("parts") if query.item == "combined" else [{"item": query.item}]
    return {p.get("item") for p in parts if isinstance(p, dict)} if isinstance(parts, list) else set()


# 「她另外還做4小時諮詢」 "she also does 4 hours of consultation": a fee beside the one computed before
# (not 「補充保費要另外編多少」: the premium budgeted on its own, no fee besides)
_ALSO = re.compile(r"\balso\b|\btoo\b|\bas well\b|另外(?!\s*(?:編|算|報|列|付))|也|還有|還要|再加")


def _premium_of_a_fee_told(fresh: Query, u: Understanding, topic: Topic, engine: Engine, rules: FundingRules) -> Query:
    """「講師費8000的話是多少」 after the premium's rule: the premium on that fee, not the fee checked
    against its own cap (an amount of a fee in the premium's base, asked how much, no yes or no)."""
    told = fresh.inputs.get("amounts") or []
    if (
        fresh.kind != ITEM
        or fresh.item not in rules.items.premium.base_items
        or topic.query is not None
        or _item_of(topic.entry, engine, rules) != "premium"
        or len(told) != 1
        or not (u.asks_amount or u.follow_up)
        or u.yes_no_form
    ):
        return fresh
    return Query(ITEM, item="premium", inputs={"fees": {str(fresh.item): int(told[0])}, "text": u.normalised})


def _lists_its_own_fees(u: Understanding) -> bool:
    """Whether a message lists fees of its own, three amounts or more (「回到原本的安排 教授6000加校内
    老师2000 再加一个出席费2000 总共一万 补充保费」): the premium on them alone, no fee computed before."""
    return len(u.figures.labelled) > 2


def _with_the_fee_before(premium: Query, u: Understanding, topic: Topic, rules: FundingRules) -> Query:
    """The premium on the fees this message counts and, when it says they come besides (「也」
    "also"), on the fee computed just before (a lecture fee of the same visit)."""
    if "fees" in premium.inputs or _ALSO.search(u.normalised) is None or _lists_its_own_fees(u):
        return premium
    if "parts" in premium.inputs and _EVERYTHING.search(u.normalised):
        # "4 professors also sat in … add their attendance fees, the premium on everything in this chat"
        before: dict[str, int] = {}
        for computed, amount in _fees_computed_before(topic, u, rules):
            if len(computed) == 1:
                key = str(next(iter(computed)))
                before[key] = before.get(key, 0) + amount
        return replace(premium, inputs=dict(premium.inputs) | {"earlier": before}) if before else premium
    last = topic.query
    items = _fee_items(last)
    if last is None or len(items) != 1 or not items <= set(rules.items.premium.base_items):
        return premium
    total = fee_total(last, rules)
    if not total:
        return premium
    return replace(premium, inputs=dict(premium.inputs) | {"earlier": {str(next(iter(items))): total}})


def _premium_of_all(topic: Topic, u: Understanding, rules: FundingRules) -> Query | None:
    """「這些鐘點費加起來 補充保費要編多少」 after fees computed one after another (外聘 8,000, then
    內聘 2,000), or 「出席費加諮詢費 補充保費」 naming them: the premium on their sum. A fee computed
    again (a correction, a price checked) counts once, as last computed, unless the message that
    computed it again said it came besides (「另外」 "also")."""
    if not u.mentions(r"補充保費|premium") or u.figures.amounts:
        return None
    base = set(rules.items.premium.base_items)
    named = rules.items_in(u.normalised) & base
    if not _ALL_OF_THEM.search(u.normalised) and len(named) < 2:
        return None
    if topic.query is not None and topic.query.item == "combined" and _fee_items(topic.query) <= base:
        # after fees added up (「…全部加起來多少」): the premium on those, which hold the ones before
        parts = [p for p in topic.query.inputs.get("parts") or [] if isinstance(p, dict)]
        each = [fee_total(Query(ITEM, item=str(p["item"]), inputs={"text": ""} | p), rules) for p in parts]
        amounts = [t for t in each if t is not None]
        return (
            Query(ITEM, item="premium", inputs={"amounts": amounts, "text": ""}) if len(amounts) == len(parts) else None
        )
    totals = _fees_computed_before(topic, u, rules)
    if named:
        totals = [(items, total) for items, total in totals if items <= named]
        if set().union(*(items for items, _ in totals)) != named:
            return None
    elif len(totals) < 2:
        return None
    return Query(ITEM, item="premium", inputs={"amounts": [total for _, total in reversed(totals)], "text": ""})


def _fees_computed_before(topic: Topic, u: Understanding, rules: FundingRules) -> list[tuple[set[Any], int]]:
    """The fees the chat computed one after another, newest first, each with its items: a fee computed
    again (a correction, a price checked) counts once, as last computed, unless the message that
    computed it again said it came besides (「另外」 "also", "she comes back")."""
    base = set(rules.items.premium.base_items)
    totals: list[tuple[set[Any], int]] = []
    seen: set[tuple[frozenset[Any], Any]] = set()
    besides: set[tuple[frozenset[Any], Any]] = set()  # kinds whose newer fee came besides the older
    for earlier in (topic, *topic.earlier):
        items = _fee_items(earlier.query)
        query = _consultation_hours_retold(earlier.query, u) if items == {"consultation_fee"} else earlier.query
        total = fee_total(query, rules) if query is not None else None
        if earlier.query is None or not items or not items <= base or total is None:
            break
        key = (frozenset(items), earlier.query.inputs.get("lecturer"))
        if key not in seen or key in besides:
            totals.append((items, total))
        seen.add(key)
        said = earlier.said or earlier.text
        if _ALSO.search(said) or _AGAIN.search(said):
            besides.add(key)
        else:
            besides.discard(key)
    return totals


# another time of the same fee: "she comes back one morning", 「下週再來一次」
_AGAIN = re.compile(r"\bcom(?:es|ing) back\b|\bcame back\b|\bback again\b|再來|又來|再回來")
# the fees of the whole chat: "the premium on everything in this chat", 「全部的補充保費」
_EVERYTHING = re.compile(r"\beverything\b|\ball (?:the )?fees\b|全部|所有(?:的)?(?:費用)?")


def _consultation_hours_retold(query: Query | None, u: Understanding) -> Query | None:
    """ "actually she'll stay the whole day, 6 hours consulting … premium on the lecture fees +
    consultation?": the consultation computed before, for the hours told now."""
    counts = u.figures.counts
    if query is None or counts.hours is None or not u.mentions(CONSULT):
        return query
    retold = {"hours": str(counts.hours), "half_day": counts.half_day, "full_day": counts.full_day}
    return replace(query, inputs={k: v for k, v in query.inputs.items() if k not in ("asks", "yes_no_only")} | retold)


# 「那兩筆」 "those two": amounts told in an earlier message
_TOLD_BEFORE = re.compile(r"[那這][兩幾些]筆|那些|這些|\b(?:those|these|both)\b")
_ALL_TOLD = re.compile(
    r"上面那些|上面這些|上面的|前面那些|前面的|以上|全部的?費用|\b(?:all (?:of )?(?:those|these|that|the above)|the above)\b"
)


def _premium_of_told(topic: Topic, u: Understanding, engine: Engine, rules: FundingRules) -> Query | None:
    """「講座跟代課那兩筆的補充保費要編多少」 after a message that told 「外聘講座８萬、代課鐘點費５萬」 (while
    asking something else): the premium on the amounts the chat gave for the fees named."""
    told = _TOLD_BEFORE.search(u.normalised) or _ALL_TOLD.search(u.normalised)
    if not u.mentions(r"補充保費|premium") or u.figures.amounts or not told:
        return None
    base = set(rules.items.premium.base_items)
    named = rules.items_in(u.normalised) & base
    everything = not named and _ALL_TOLD.search(u.normalised) is not None
    fees: dict[str, int] = {}
    for earlier in (topic, *topic.earlier):
        for amount in engine.understand(earlier.said or earlier.text, rules).figures.labelled:
            item = rules.match_item(amount.before.lower())
            if everything and item in base:
                # 「上面那些的補充保費要編多少」 after a budget listed: every fee it is charged on, each
                # price times what it counts (「出席費2人×2000」)
                fees[item] = fees.get(item, 0) + amount.value * count_priced(amount, adjacent=True)
            elif item in named and item not in fees:
                fees[item] = amount.value
        if everything and fees:
            break  # the message that listed them, not older ones
    if everything:
        return Query(ITEM, item="premium", inputs={"fees": fees, "text": ""}) if fees else None
    if not named or set(fees) != named:
        return None
    return Query(ITEM, item="premium", inputs={"fees": fees, "text": ""})


# 「再加工作費兩萬」 "add 10,000 of attendance fees": an amount added to what was counted before
_ADDED = re.compile(
    r"再加|又加|另外加|加上|多加|再多|還要加|\bplus\b|\badd(?:ing|ed)?\b|\bon top\b|^and\b(?!.*\binstead\b)|"
    r"\d[\d,]* more\b"  # "and 10,000 more in substitute fees instead?"
)


_ALONE = re.compile(r"\balone\b|\bonly\b|\bby itself\b|\bon (?:its|their) own\b|單獨|只算|光是|光算")


def _fee_amounts(u: Understanding) -> list[Amount]:
    """The amounts a message tells of fees ("10,000 of work fee"; not a bare count)."""
    return [a for a in u.figures.labelled if not a.bare or a.value >= 100]


def _items_of(amounts: list[Amount], u: Understanding, rules: FundingRules) -> set[str | None]:
    """The fee each amount is of: written before it, or (「add 10,000 of work fees」) anywhere in the
    message."""
    return {_fee_of(a, u, rules) for a in amounts}


def _fee_of(amount: Amount, u: Understanding, rules: FundingRules) -> str | None:
    """The fee an amount is of: the one named in its own sentence (「ok forget printing. add 30,000
    substitute teaching pay instead」: the substitute pay, not the printing dropped), else before it,
    else anywhere in the message."""
    before = amount.before.lower()
    sentence = _SENTENCE_END.split(before)[-1]
    written = u.text.lower()
    start = written.find(before)
    if sentence != before and start >= 0 and rules.match_item(sentence) is None:
        named = rules.match_item(written[start + len(before) - len(sentence) :])
        if named is not None:
            return named
    return rules.match_item(before) or rules.match_item(u.normalised)


_SENTENCE_END = re.compile(r"[.。!！?？;；]\s*")


def _premium_alone(topic: Topic, u: Understanding, rules: FundingRules) -> Query | None:
    """ "and on 20k of lecture fees alone?" 「那光算講座費3萬呢」 after a premium: the premium on that
    fee by itself, not added to the base before."""
    if topic.query is None or topic.query.item != "premium":
        return None
    labelled = _fee_amounts(u)
    items = _items_of(labelled, u, rules)
    if not labelled or not items <= set(rules.items.premium.base_items):
        return None
    return Query(ITEM, item="premium", inputs={"amounts": [a.value for a in labelled], "text": u.normalised})


def _premium_added(topic: Topic, u: Understanding, engine: Engine, rules: FundingRules) -> Query | None:
    """「再加工作費兩萬 補充保費變多少」 after a premium computed (a question about its base may have
    come between): the premium on that base with the fees now added, each a fee the premium is
    charged on; None otherwise (「再加印刷費」 adds nothing to it)."""
    if _ALONE.search(u.normalised):
        return _premium_alone(topic, u, rules)
    if not (_ADDED.search(u.normalised) or _ANOTHER_FEE.search(u.normalised)):
        return None
    earlier = next((t.query for t in (topic, *topic.earlier) if t.query is not None), None)
    if not u.mentions(r"補充保費|premium"):
        # 「再加上五位專家來開會的出席費 每人2000 一起算呢」 right after a premium: a fee added to its base
        # ("add 10,000 of work fees": an amount of one; also after a question on the premium's rule)
        if topic.query is None and topic.entry not in item_entries(engine, rules).get("premium", []):
            return None
        if earlier is None or earlier.item != "premium":
            return None
        # (「工讀生工作費一萬也要算嗎 算的話總共多少」: the fee counted too, the new total asked)
        if u.mentions(r"一起算|一併算|算進去|一起|也要算|算的話|together|as well|included"):
            return _fee_added_to(earlier, u, rules)
        if not _ADDED.search(u.normalised):
            return None
    if earlier is None or earlier.item != "premium":
        return None
    # (the fees it was on, told as amounts or named: "attendance 4,000, consultation 6,000", or those it
    # computed: 「外聘教授講５節 一節2000」 is 10,000, not the 2,000 a period)
    computed = premium_base(earlier, rules) if not earlier.inputs.get("fees") else None
    before = (
        [computed]
        if computed is not None
        else list((earlier.inputs.get("fees") or {}).values()) or list(earlier.inputs.get("amounts") or ())
    )
    if not before:
        return None
    labelled = _fee_amounts(u)
    if not labelled:
        # 「如果另外再請外聘教授講5節 補充保費變多少」: a fee counted by the message (its periods), added
        fee = fee_counted_in(u, rules)
        added = fee_total(fee, rules) if fee is not None else None
        if added is None:
            return None
        return Query(ITEM, item="premium", inputs={"amounts": [*before, added], "text": u.normalised})
    # 「再加工作费1万 总共4万呢」: the new total told beside the fee added is that sum, no fee of its own
    told_sum = sum(int(v) for v in before) + sum(a.value for a in labelled[:-1])
    if len(labelled) > 1 and labelled[-1].value == told_sum and ASKS_TOTAL.search(labelled[-1].before):
        labelled = labelled[:-1]
    items = _items_of(labelled, u, rules)
    named_fees = earlier.inputs.get("fees")
    if len(labelled) == 1 and len(items) == 1 and None not in items and isinstance(named_fees, dict):
        # "and if we also have 10,000 of printing?" after the premium on fees named: those fees and
        # this one, each said to be in its base or not (printing is not: the premium stays)
        return _premium_with_fee(named_fees, str(next(iter(items))), labelled[0].value, u.normalised)
    if not items <= set(rules.items.premium.base_items):
        return None
    counts = u.figures.counts
    each = (counts.people or 1) * (counts.occasions or 1) if len(labelled) == 1 and labelled[0].per_unit else 1
    # (「再加5位專家出席費 每人2000」: five fees of 2,000)
    amounts = [*before, *(a.value * each for a in labelled)]
    return Query(ITEM, item="premium", inputs={"amounts": amounts, "text": u.normalised})


def _fee_added_to(premium: Query, u: Understanding, rules: FundingRules) -> Query | None:
    """The premium on the fees of `premium` with the one fee the message counts added, or None
    when either cannot be computed."""
    fresh = fee_counted_in(u, rules)
    if fresh is not None:
        item, added = fresh.item, fee_total(fresh, rules)
    else:
        # 「工讀生工作費一萬也要算嗎」: one fee of the base named with its amount
        named = rules.items_in(u.normalised) & set(rules.items.premium.base_items)
        amounts = amounts_of(u)
        if len(named) != 1 or len(amounts) != 1:
            return None
        item, added = named.pop(), amounts[0]
    fees = premium.inputs.get("fees") or {}
    if not fees:
        lecture = Query(ITEM, item="lecture_fee", inputs=dict(premium.inputs))
        before = fee_total(lecture, rules) if premium.inputs.get("periods") else None
        if before is None:
            return None
        fees = {"lecture_fee": before}
    if added is None:
        return None
    return _premium_with_fee(fees, str(item), added, "")


def _premium_with_fee(fees: dict[Any, Any], item: str, added: int, text: str) -> Query:
    """The premium on `fees` (item → amount) with `added` more of `item`: each fee said to be in its
    base or not when computed."""
    summed = {str(k): int(v) for k, v in fees.items()}
    summed[item] = summed.get(item, 0) + added
    return Query(ITEM, item="premium", inputs={"fees": summed, "text": text})


_ANOTHER_FEE = re.compile(r"另外|再請|又請|也要算|也算|also|another|as well")


def _premium_of(topic: Topic, u: Understanding, rules: FundingRules) -> Query | None:
    """「那補充保費要編多少」 after a fee: the premium on that fee."""
    query = topic.query
    if query is None or not u.mentions(r"補充保費|premium"):
        return None
    base = set(rules.items.premium.base_items)
    if query.item == "combined" and not counts_something(u):
        # "the premium on the fee parts of all that" after a talk, lunches and attendance added up: on
        # the lines it is charged on (附件3: 出席費、諮詢費、講座鐘點費… not 膳費); not when the message
        # changes a count of them ("with just one speaker doing 5 periods")
        fees = [part for part in query.inputs.get("parts") or [] if part.get("item") in base]
        query = replace(query, inputs=dict(query.inputs) | {"parts": fees}) if fees else query
    items = _fee_items(query)
    if not items or not items <= base:  # 「這些講座費」: every part a fee
        return None
    stated = u.figures.amounts
    if _lists_its_own_fees(u):
        return None
    named = [a.value for a in u.figures.labelled if a.bare and a.value >= 100]
    if not stated and named and fee_total(query, rules) not in named:
        return None  # "for the 4000 one, …premium?": the fee computed as 4,000, maybe an earlier one
    if query.item != "combined" and not stated:  # 「那請他講5節 …補充保費」: the fee as the message changes it
        query = revise(query, u, rules) or query
    # 「剛剛教授那一萬 補充保費」: the fee the message names, not the last one computed
    amount = sum(stated) if len(stated) == 1 else fee_total(query, rules)
    if amount is None:
        return None
    premium = Query(ITEM, item="premium", inputs={"amounts": [amount], "text": str(query.inputs.get("text", ""))})
    if not u.mentions(r"加|總共|合計|一共|含|連同|\bplus\b|\btotal\b|including|altogether") or query.item == "combined":
        return premium
    # 「鐘點費加補充保費總共多少」: the fee and its premium, each a line, and their sum
    fee = {"item": query.item} | {k: v for k, v in query.inputs.items() if k != "text"}
    return Query(ITEM, item="combined", inputs={"parts": [fee, {"item": "premium", "amounts": [amount]}], "text": ""})


def _plan_year(engine: Engine, rules: FundingRules) -> int | None:
    """The school year the funding rules are for (115)."""
    document = engine.kb.documents.get(rules.document)
    year = document.when.get("year") if document else None
    if isinstance(year, tuple) and year[0] is not None and year[0] == year[1]:
        return year[0]
    return year if isinstance(year, int) else None


def _item_query_for_entry(u: Understanding, topic: Topic, engine: Engine, rules: FundingRules) -> Query | None:
    """After an answer about an item (諮詢費), a follow-up with figures (「半天呢」「一整天呢」「3位呢」)
    computes that item."""
    entry = engine.kb.entries.get(topic.entry or "")
    if entry is None:
        return None
    item = _item_of(entry.id, engine, rules)
    if item is None:
        # 「另一位副召也想減6節 可以嗎」 after the teaching-load rule: a check of that rule, read with its
        # title; "if it ends July 31 2027, is the deadline Sept 30?" after the close-out rule: its date
        query = query_for(replace(u, normalised=f"{engine.title_words(entry.id)} {u.normalised}"), rules)
        wanted = (VERDICT, CLOSEOUT) if u.figures.dates else (VERDICT,)
        if query is not None and query.kind == CAPITAL and query.inputs.get("base"):
            return query  # "so in dollars, if we apply for the whole 400k?" after the capital share: its amount
        an_items_check = query is not None and query.item in rules.items.all()  # (not the teaching load's own)
        if an_items_check and _decided_by(u, entry.id, engine):
            return None  # 「那６萬可以買攝影機 放資本門嗎」 after the open-classroom grant: its rule decides
        return query if query is not None and query.kind in wanted else None
    if named_item(u) is None and _names_another_item(u, item, rules):
        return None  # 「印刷费上限多少 组长说一万」 after lodging: an item of no computation, asked
    item = named_item(u) or item  # 「膳費一天呢」 after lodging: the item named now
    return query_after_an_item(u, item, engine.title_words(entry.id), rules)


def _carried(previous: Query, revised: Query, u: Understanding) -> dict[str, Any]:
    """The facts a follow-up keeps from the previous question: those the revised question still
    has as they were (模式一 drops the domains) and the message does not restate."""
    stated = set(u.facts)
    return {k: v for k, v in revised.facts.items() if k not in stated and previous.facts.get(k) == v and v is not False}


# 「同一年呢」 "that same year": the school year the last answer was for
_SAME_YEAR = re.compile(r"同[一1](?:個)?學?年|同學?年|那[一1]?學?年|當年|(?:that|the) same (?:school )?year|that year")
_RELATIVE_YEAR = re.compile(
    r"最後(?:一|1)?(?:個)?(?:學)?年|第(?:一|1|二|2|三|3)(?:個)?(?:學)?年|頭(?:一|1)年|計畫(?:結束|最後|期末)|期滿時|"
    r"last year|final year|first year|second year|third year|\byear [123]\b|(?:by |at )?the end of the (?:plan|programme|program)"
)
# 「隔年呢」 "and the year after?": the year after (or before) the one the last answer was for
_NEXT_YEAR = re.compile(
    r"隔年|明年|下[一1](?:個)?學?年|(?<!最)後[一1](?:個)?學?年|次[一1]?學?年|the year after|next (?:school )?year|the following year"
)
_YEARS_AFTER = re.compile(r"\b([12]) years? (?:after|later)\b|([12])\s*年後")
_YEAR_BEFORE = re.compile(
    r"去年|前[一1](?:個)?學?年|上[一1](?:個)?學?年|the year before|the previous (?:school )?year|(?<!the )\blast year\b"
)


def _both_rows_told(u: Understanding, topic: Topic) -> bool:
    """「兩個加起來多少」 after an entry's row of one level, then of the other (國小 85 人次, 國中 45 人次)."""
    before = topic.earlier[0] if topic.earlier else None
    return (
        _BOTH_ADDED.search(u.normalised) is not None
        and before is not None
        and before.entry == topic.entry
        and before.slots.get("level") not in (None, topic.slots.get("level"))
    )


def _relative_year(u: Understanding, entry_id: str | None, last: Any, engine: Engine) -> int | None:
    """「最後一年呢」 after a Keelung KPI: the plan's own first, second or last school year of the
    entry's document; 「隔年呢」 the year after `last`, the school year last answered for; and
    「最後一年的前一年」 "the year before the final year" the plan's year, then the step."""
    text = u.normalised
    stepped = _YEARS_AFTER.search(text) or _NEXT_YEAR.search(text) or _YEAR_BEFORE.search(text)
    step = 0
    if stepped is not None and asks_growth(text):
        return None  # 「比前一年多幾位」 after 111's row: 111's growth, counted by the targets' sums
    if stepped is not None:
        counted = stepped.re is _YEARS_AFTER  # "and two years after that?" 「兩年後呢」
        step = int(stepped.group(1) or stepped.group(2)) if counted else 1 if stepped.re is _NEXT_YEAR else -1
        text = text[: stepped.start()] + " " + text[stepped.end() :]  # ("last year" is a step, not the final year)
    match = _RELATIVE_YEAR.search(text)
    entry = engine.kb.entries.get(entry_id or "")
    span = entry.document.when.get("year") if entry else None
    if match is None or not isinstance(span, tuple) or span[0] is None or span[1] is None:
        return last + step if step and isinstance(last, int) else None
    words = match.group(0)
    if any(w in words for w in ("最後", "結束", "期末", "期滿", "last", "final", "end")):
        return span[1] + step
    second = any(w in words for w in ("第二", "第2", "second", "year 2"))
    third = any(w in words for w in ("第三", "第3", "third", "year 3"))
    offset = 1 if second else 2 if third else 0
    return min(span[0] + offset, span[1]) + step


# Words a follow-up swaps for their counterpart (「內聘呢」 after 外聘): the earlier question is read
# without the word replaced.
_CONTRASTS = (
    ("外聘", "內聘"),
    ("external", "internal"),
    ("全天", "半天"),
    ("full day", "half day"),
    ("資本門", "經常門"),  # 「經常門呢 也可以合併嗎」 after capital pooled: recurrent, not capital
    ("capital", "recurrent"),
)


def without_contrasts(earlier: str, now: str) -> str:
    for one, other in _CONTRASTS:
        for said, replaced in ((one, other), (other, one)):
            if said in now and replaced in earlier and said not in earlier:
                earlier = earlier.replace(replaced, " ")
    return earlier


def _summed_over_years(text: str) -> bool:
    """Whether a question asked the rows of every year added up (「三年加起來目標幾人次」)."""
    return _ALL_YEARS.search(text) is not None and ASKS_TOTAL.search(text) is not None


def _summed_over_levels(text: str) -> bool:
    """Whether a question asked the rows of both levels added up (「109學年國中跟國小加起來幾人次」)."""
    return _BOTH_LEVELS.search(text) is not None and ASKS_TOTAL.search(text) is not None


def _uses(engine: Engine, entry_id: str | None, slot: str) -> bool:
    """Whether an entry's answer depends on `slot`: a school fact carried to a Keelung target
    (「全校才六班」 before 「那111學年度呢」) is not said to be used; a year or a level always may be."""
    entry = engine.kb.entries.get(entry_id or "")
    if entry is None or slot not in _SCHOOL_FACT_KEYS:
        return True
    return slot in entry.when or any(slot in detail.when for detail in entry.details)


def _entry_follow_up(u: Understanding, topic: Topic, engine: Engine, rules: FundingRules, lang: str) -> Decision | None:
    """A follow-up on a knowledge-base answer: 「那111呢」「國中呢」 ask the same entry for other
    slots; 「那姊妹校 110學年度呢」 names a topic of its own, answered with the slots carried over;
    「這是國小還是國中在做的」「要送給誰」 read with the last question."""
    if _cues_other_document(topic, u, engine):
        return None  # 「那 MOE plan 裡…」 after a Keelung answer: a question about the other plan
    new = {k: v for k, v in u.slots.as_dict().items() if k in ("year", "level", "mode", "domains", "classes", "branch")}
    relative = _relative_year(u, topic.entry, topic.slots.get("year"), engine)
    if relative is not None:
        new["year"] = relative
    merged = dict(topic.slots) | new
    context = {k: v for k, v in topic.slots.items() if k not in new and _uses(engine, topic.entry, k)}
    added = _ADDS_A_LEVEL.search(u.normalised) and topic.slots.get("level") not in (None, new.get("level"))
    if added and u.asks_total and topic.entry is not None:
        # 「加國中總共幾所」 after the primaries' row: both levels' rows, added up
        both = {k: v for k, v in merged.items() if k != "level"}
        answer = engine.answer_entry(topic.entry, lang, _slots_from(both), True)
        return Decision(ANSWER, answer=answer, slots=both, text=topic.text, context={})
    if "level" not in new and (_BOTH_LEVELS.search(u.normalised) or _both_rows_told(u, topic)):
        # 「那國中小加起來呢」 after a junior-high row, 「兩個加起來多少」 after its row of each level:
        # both levels' rows
        merged.pop("level", None)
        context.pop("level", None)
    asked_of_all = u.asks_total or u.yes_no_form or u.text.rstrip().endswith(("?", "？"))
    if "year" not in new and asked_of_all and _ALL_YEARS.search(u.normalised):
        # 「三年加起來幾隊」 after a school year's row: every year's rows (and 「三年都是5%?」 asks of them all)
        merged.pop("year", None)
        context.pop("year", None)
    year = new.get("year")
    if isinstance(year, int) and topic.entry and engine.year_uncovered(year, topic.entry):
        if _answered_in_another_plan(u, topic.entry, engine, lang):
            return None  # "how many sister schools in 111" after the MOE lesson plans: Keelung's row
        reply = engine.uncovered_reply(year, lang)
        answer = Answer(intent=None, confidence=0.0, text=reply, lang=lang, covered=False)
        return Decision(ANSWER, answer=answer, slots=merged, text=topic.text, context=context)
    entry = engine.kb.entries.get(topic.entry or "")
    school_facts = {k: v for k, v in merged.items() if k in _SCHOOL_FACT_KEYS}
    # (or a mode and a class count stated alone, 「mode 1 instead, 40 classes plus the branch」 after the
    # branch rule: a school's ceiling, whatever the rule was about)
    told_a_school = states_only_facts(u) and {"mode", "classes"} <= new.keys()
    if (
        entry is not None
        and ("classes" in entry.when or told_a_school)
        and _changes_school_facts(new, topic)
        and "mode" in school_facts
    ):
        # 「下學年會變36班欸 就變35萬了嗎」「我們還有一個分校 這樣總共最多多少」 after a ceiling tier's
        # rule: that school's ceiling, computed for the facts as changed
        carried = {k: v for k, v in school_facts.items() if k not in new}
        # (「喔抱歉 今年增班變13班了」 after 「組長說…25萬」 was answered no: the amount claimed, checked again)
        claimed = _amount_claimed(topic.text, engine) if not u.figures.amounts else None
        inputs = {"planned": claimed} if claimed is not None else {}
        return Decision(COMPUTE, query=Query(CEILING, facts=school_facts, inputs=inputs), context=carried)
    own = engine.answer_to(u, _slots_from(merged), lang=lang)
    named_own = own.confident and _names(u, own.intent, engine, rules)
    if entry is not None and _heading_of_the_topic(u, entry.id, engine, lang):
        # 「這是屬於哪個策略」 "what strategy is it under?" after an action plan: asked of that entry
        # (the dialog answers with the heading it is under)
        answer = engine.answer_entry(entry.id, lang, _slots_from(merged))
        return Decision(ANSWER, answer=answer, slots=merged, text=topic.text, context={})
    # an entry about another case than the one now asked (「那模式二的學校呢」 after the mode-1 capital rule) rules on nothing of it
    about_it = entry is None or satisfies(new, entry.when)[1] == 0
    # …or a case it rules on in particular (「學校是直接報國教署嗎」 after the close-out date)
    particular = entry is not None and engine.rules_on(u, entry.id) >= 2
    if entry is not None and about_it and (u.follow_up or u.correction or not own.confident or particular):
        # 「代理老師也可以嗎」 "what about a substitute?" after the English-test fee (or 「代理老師3個月可以嗎」,
        # unsure read alone): a case that entry rules on, not the substitute-pay entry the words
        # resemble (unless a cost is named: 「那代課費呢」 is its own item); but the closest entry
        # ruling on it more particularly answers it (「那資本門兩邊可以合起來用嗎」 after 「經常門不得流用」:
        # 資本門 + 合併; 「把部領教師費用3成併到生活化」)
        last = engine.rules_on(u, entry.id)
        other = engine.rules_on(u, own.intent) if own.confident and own.intent != entry.id else 0
        if other > last:
            return Decision(ANSWER, answer=own, slots=merged, text=u.normalised, context=context)
        # (a question asking what, not whether: 「那學校要交什麼給縣市」 after the close-out is no case of
        # the lesson plans' 「交給縣市」 no)
        yes_no = u.asks_yes_no or u.asks_obligation or (u.follow_up and not asks_which(u.normalised))
        ruled = _for_the_case_ruled(own, u, _slots_from(merged), engine, lang, asked=False) if yes_no else own
        if ruled is not own and ruled.intent != entry.id and engine.rules_on(u, ruled.intent) > last:
            return Decision(ANSWER, answer=ruled, slots=merged, text=u.normalised, context=context)
        if last and (last >= 2 or not _COST.search(u.normalised)) and (not asks_which(u.normalised) or last >= 2):
            # (not 「那選拔的英文成績門檻是多少」: a question of what the rule gives, not of its case, unless
            # it names a case of it in two word groups, 「是跟哪一家線上平台合作」 after the online lessons
            # with foreign teachers; a cost named is the case when it meets a two-group condition:
            # 「膳費也要算進去一起乘嗎」)
            answer = engine.answer_entry(entry.id, lang, _slots_from(merged), u.asks_total)
            return Decision(ANSWER, answer=answer, slots=merged, text=topic.text, context=context)
    if named_own:
        return Decision(ANSWER, answer=own, slots=merged, text=u.normalised, context=context)
    # "must the kids answer in English?" after the correct-English rule: a sure answer whose rule
    # decides the case asked, where the last rule decides none of it
    decides_own = own.confident and own.intent != topic.entry and engine.rules_on(u, own.intent) >= 2
    if decides_own and (entry is None or engine.rules_on(u, entry.id) == 0):
        return Decision(ANSWER, answer=own, slots=merged, text=u.normalised, context=context)
    if entry is not None and about_it and not own.confident and _checked_by_the_entry(u, topic, entry, engine):
        answer = engine.answer_entry(entry.id, lang, _slots_from(merged), u.asks_total)
        return Decision(ANSWER, answer=answer, slots=merged, text=topic.text, context=context)
    named = engine.named_entry(u, _slots_from(merged)) if (u.correction or u.follow_up) else None
    if named is not None and named != topic.entry:
        # 「sorry, I meant meals per day」: the topic the correction names, with what carries over
        answer = engine.answer_entry(named, lang, _slots_from(merged))
        return Decision(ANSWER, answer=answer, slots=merged, text=u.normalised, context=context)
    # a question of its own, naming another entry's title and sure of it, 「那…」 or not: 「双语学校 109
    # 国小几所」 after the sister schools, 「那111學年國小雙語學校要幾所」 after the expected outcomes
    # (「所以110當年新增幾校」 names none)
    own_question = (
        own.confident
        and own.intent != topic.entry
        and engine.names_title(u, own.intent)
        and not engine.names_title(u, topic.entry)
    )
    if own_question:
        return Decision(ANSWER, answer=own, slots=merged, text=u.normalised, context=context)
    if new and entry is not None and satisfies(merged, entry.when)[1] == 0:
        # 「國中呢」 after 「國小三年加起來幾人次」: the same sum over the years, of the other level (and
        # 「110學年呢」 after 「109學年國中跟國小加起來幾人次」: both levels of that year, added up)
        summed = u.asks_total or (
            states_only_facts(u) and (_summed_over_years(topic.text) or _summed_over_levels(topic.text))
        )
        answer = engine.answer_entry(entry.id, lang, _slots_from(merged), summed)
        return Decision(ANSWER, answer=answer, slots=merged, text=topic.text, context=context)
    if (
        own.confident
        and own.confidence >= 1.0
        and own.intent != topic.entry
        and asks_which(u.normalised)
        and not u.asks_amount
        and not _points_back_only(u, engine)
    ):
        # "and when we get stuck, who can help us?" after the student budget: a question of its own,
        # surely another entry's read alone (read with the last question, the last entry wins)
        return Decision(ANSWER, answer=own, slots=merged, text=u.normalised, context=context)
    earlier = without_contrasts(topic.text, u.normalised)
    combined = replace(u, normalised=f"{earlier} {u.normalised}", matching=f"{earlier} {u.matching}")
    answer = engine.answer_to(combined, _slots_from(merged), lang=lang)
    if answer.confident and (about_it or answer.intent != topic.entry):
        return Decision(ANSWER, answer=answer, slots=merged, text=topic.text, context=context)
    closest = answer.suggestions[0].intent if answer.suggestions else None
    # (read with a last question asking a detail the rule does not give, 「授課鐘點費一節多少錢」 then
    # 「所以是照什麼標準」, it is "the plans do not say" again: the rule itself is asked now, and the
    # dialog says so if this message asks a detail it lacks)
    again = answer.related is not None and answer.related == topic.entry
    if (
        about_it
        and closest is not None
        and closest == topic.entry
        and (answer.covered or again)
        and not engine.names_a_keyword(u)
    ):
        # 「那其他老師最多幾節」 "so what's the max for her" after the teaching-load rule: read with the
        # last question it is closest to that rule, and names no other topic
        answer = engine.answer_entry(closest, lang, _slots_from(merged), u.asks_total)
        return Decision(ANSWER, answer=answer, slots=merged, text=topic.text, context=context)
    if new and topic.entry and about_it:
        answer = engine.answer_entry(topic.entry, lang, _slots_from(merged), u.asks_total)
        return Decision(ANSWER, answer=answer, slots=merged, text=topic.text, context=context)
    return None
