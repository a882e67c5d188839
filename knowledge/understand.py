"""Understanding a message, once: everything every consumer needs to know about it.

`understand()` normalises the text once and reads, in one pass: its language; the school facts it
states (school year, level, mode, domains, classes, branch, open classroom), including values
that cannot be used (模式3, 2.5班) so a reply can say what is wrong with them; the budget item
it names; the user's own figures (amounts, percentages, dates, counts); and the marks of a
conversation (a follow-up such as 「那13班呢」, a correction such as 「不是，我是問模式二」, a bare
number or yes/no answering a question the bot asked). The knowledge-base answers, the calculators,
the commands and the router all read this one object (`Understanding`); nothing parses a message
twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from functools import cached_property, lru_cache
from typing import NamedTuple

from knowledge.funding_rules import FundingRules
from knowledge.quantities import MEALTIME, Figures, read_figures
from knowledge.slots import CHANGED_CLASSES_EN, CHANGED_CLASSES_ZH, Slots, class_change, counted_apart, extract
from knowledge.textnorm import MAX_QUESTION_CHARS, Normalizer, clean, detect_lang, without_fillers

# The facts that decide a school's ceiling; `Understanding.facts` holds those a message states.
SCHOOL_FACTS = ("mode", "classes", "domains", "branch", "open_classroom")

_NO = r"(?:沒有|沒|無|不含|不包括|不是|不要|不|no|not|without|don't|do not)"
_NO_BRANCH = re.compile(
    _NO + r"\s*(?:包括|包含|含|有|設)?\s*(?:分校|branch)|"
    # "what if we drop the branch?" 「把分校拿掉」: the branch taken out
    r"\b(?:drop|dropped|remove|removed|leave out|exclude|take out)\s+(?:the |our )?(?:分校|branch\b)|(?:拿掉|去掉|扣掉|不算)\s*分校|分校\s*(?:拿掉|去掉|扣掉)|"
    # 「分校那2班不納入實施範圍」「分校那邊明年不做了」: the branch left out
    r"(?:分校|分班|branch)[^，,。？?]{0,8}?(?:不納入|不做|不實施|不辦|不算|不列入|不包括|不參加|不加入|沒有要|not included|excluded|left out|won't|"
    r"(?:is|are) not (?:joining|taking part|participating|included|in it)|isn't (?:joining|taking part|participating|included))"
)
_OPEN = re.compile(
    r"觀課|open(?:ing)? (?:up )?our classrooms?"
)  # the synonyms fold 開放課室 / open classroom onto 觀課
_NO_OPEN = re.compile(_NO + r"\s*(?:算|含|包括|做|辦|申請)?\s*(?:自願|開放|open)?\s*觀課")  # 「也不算觀課那個」
_YES = re.compile(r"^(?:有|是|對|要|會|好|可以|沒錯|是的|有的|yes|y|yeah|yep|sure|ok|okay|correct|right)$")
_NO_ANSWER = re.compile(r"^(?:沒有|沒|無|否|不|不要|不會|不是|沒有喔|no|n|nope|none|not really)$")
# A number as typed (sign, decimals and 萬 included): the calculators refuse what is not a usable
# value with the reason, rather than the chat not seeing a number at all.
_NUMBER = r"(?<![\d.])(-?\d+(?:\.\d+)?)\s*(萬)?"
_BARE_NUMBER = re.compile(
    rf"^(?:就是|是|有|大概|約)?\s*{_NUMBER}\s*(?:個|班|個班|classes|class|個領域|領域|domains?)?$"
)
# Where a number states a school fact, written however it is written (模式3, 2.5班, 1萬班).
_WRITTEN = {
    "mode": re.compile(rf"(?:模式|\bmode)\s*{_NUMBER}"),
    # 「一班一節」 is a rate per class and period, not a class count
    "classes": re.compile(
        rf"{_NUMBER}\s*(?:個)?\s*(?:班(?!次|級數以|\s*(?:每\s*)?1\s*節|{CHANGED_CLASSES_ZH})|class(?:es)?\b(?!room))"
        + CHANGED_CLASSES_EN
    ),
    "domains": re.compile(rf"{_NUMBER}\s*(?:個)?\s*(?:以上)?\s*(?:領域|domains?\b)"),
}
# Date-like spans that must not be read as a school year or a class count (116年7月31日).
_MONTH_WORDS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
_DATES_IN_NORMALISED = re.compile(
    rf"\b{_MONTH_WORDS}\s+\d{{1,2}}(?:st|nd|rd|th)?\s*\d{{4}}|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_WORDS}\s*\d{{4}}|"
    rf"\b{_MONTH_WORDS}\s+\d{{4}}|"
    r"\d{2,4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日號]?)?|\d{1,2}\s*月\s*\d{1,2}\s*[日號]?|\b20\d\d \d{1,2} \d{1,2}\b"
)

_LEAD = r"^(?:(?:喔|哦|噢|啊|欸|嗯|呃|好|ok|okay|oh|hmm|so|then|那)\s*)*"
_FOLLOW_UP = re.compile(
    _LEAD
    + r"(?:那|那麼|那如果|如果|若|假如|要是|改成|換成|換(?!算)|改|那要是|再來|還有|回到|同樣|一樣|再加上|加上|所以)"
    r"|(?:呢|的話|咧|勒)(?:\s|$)|也(?:可以|能|可|行|適用|算|一樣)(?:報|申請|補助|補|編|用|領|請|拿|買)?(?:嗎|\s|$)|一樣|同樣|這筆|這些|這項|那筆|那些|這樣(?:會|可以|有|算|的話|總額|總上限|總共|合計|上限|變|是)|同一年|同一學年|同年度|(?:國中|國小|高中)那邊|^這個(?:是|有|要|在|可以|算)|"
    r"\b(?:these|this amount|that amount|on that|for that|of that|on it|on those|(?:that|the) same year)\b|"
    # "we'll have a 13th class next year — does that change it?", 「這樣會變嗎」
    r"\b(?:does|would|will|could) (?:that|this) change\b|\bchange (?:it|anything|things)\b|會不會變|會變嗎|有變嗎"
    r"|" + _LEAD + r"(?:what about|how about|and (?:for|with|if|in|at|what|how)|and\b|what if|if\b|same for|now for|"
    r"for\b|with\b|in\b|instead|back to)|\bas well\W*$|\binstead\W*$|"
    # "drop the bureau person, our own teacher does 4 periods instead": a part of the last taken out
    r"^(?:(?:ok|okay|so|fine)\W+)?(?:drop|remove|cut|skip|take out)\b|^(?:\S+\s+){1,4}then\W*$|^(?:(?:ok|okay|so|fine|then)\W+)?make it\b|^(?:\S+\s+){1,4}then\W+(?:how|what|can|is|does|would)\b|^(?:(?:ok|okay|so|fine)\s+)?(?:an?|the|our|all|both|just|only)\s+(?:\S+\s+){0,5}then\W*$|^(?:an?|some)\s+(?:[\w,.-]+\s*){1,3}$|\btoo\b(?!\s+(?:much|many|late|early|big|small|high|low|expensive|long|short|few))"
)
# (not "and if the workshop is a full day with breakfast too?": a what-if, its amount asked again)
_TOO_ASKED = re.compile(r"^(?!\s*(?:and |so |ok,? )?(?:what )?if\b).*\b(?:too|as well|also)\s*[?？]\s*$", re.IGNORECASE)
# (not 「是不是」「對不對」: a yes-or-no question)
_CORRECTION = re.compile(
    r"(?<!是)不是|(?<!對)不對|錯了|更正|打錯|說錯|講錯|寫錯|搞錯|弄錯|記錯|我是說|我是問|應該是|才對|抱歉|不好意思|歹勢|其實|"
    r"\b(?:sorry|i meant|i mean|correction|actually|my mistake|my bad|typo|oops|whoops|scratch that|not .{1,20} but)\b|^no\b|^nope\b"
)
# Two values of one fact compared: 「2個領域比1個領域多多少」 "how much more with two domains?"
_COMPARE = re.compile(
    r"差多少|差額|差幾|相差|多拿|多多少|少多少|多幾|多出|會多|會少|增加多少|減少多少|比.{0,20}(?:多|少)|差別|"
    r"how much more|how much less|difference|compared|\bvs\b|versus|more than|less than|go up|goes up|go down|"
    r"increase|add a second|switch(?:ing)? to|"
    # 「模式一跟模式二 哪個補助比較多」 "which gives more, mode 1 or mode 2?": the two compared
    r"哪(?:個|一個|種|一種|邊|一邊)\S{0,8}?(?:比較|較)?(?:多|高)|\bwhich\b.{0,40}\b(?:more|higher|bigger)\b|"
    r"\b(?:more|less) (?:money|funding|cash) than\b"  # "mode 1 gives more money than mode 2"
)
_ALL_CLASSES = re.compile(
    rf"(?<![\d.])(\d{{1,3}})\s*(?:個)?\s*(?:班(?!次|級數以|\s*(?:每\s*)?1\s*節|{CHANGED_CLASSES_ZH})|classes\b|class\b(?!room))"
    + CHANGED_CLASSES_EN
)
_ALL_DOMAINS = re.compile(r"(?<![\d.])(\d)\s*(?:個)?\s*(?:以上)?\s*(?:領域|科目|domains?\b|subjects?\b)")
# "2 domains than 1", 「2個領域比1個」: the second count leaves out the word domain
_DOMAINS_THAN = re.compile(
    r"(?<![\d.])\d\s*(?:個)?\s*(?:領域|domains?\b)\s*(?:than|vs|versus|or|compared (?:with|to)|比|跟|和|還是)\s*(\d)(?![\d.])"
)
_ONE_DOMAIN = re.compile(r"單一?領?域|一個領域|only one domain|single domain|one domain")
_ALL_MODES = re.compile(r"模式\s*([12])")
# 「不是新辦喔」「(不是交換學生)」 "not the partial-domain one": what the question is NOT about, left out
# of matching (「是不是」 is a plain question, not a negation).
_NEGATED = re.compile(
    # (not 「不是說分校只加5萬嗎」, "isn't it said that…?", a question, no denial)
    # (the denied part ends where the affirmed one starts: 「不是18班是15班」)
    r"(?<!是)(?:不是|並非|而非|不是問)(?!\s)(?!說[^，,。]{0,14}嗎)(?:(?!是)\S){1,8}|\bnot (?:about |the |a |an )?[a-z-]+(?: [a-z-]+)?(?: one)?\b"
)
_NEGATION_WORDS = re.compile(r"^(?:不是問|不是|並非|而非|not (?:about |the |a |an )?)|(?:喔|哦|啊|啦|呢|吧|的|one)$")
ASKS_TOTAL = re.compile(
    r"加起來|合計|總共|一共|總計|共(?:有|要|是)?(?:幾|多少)|\bin total\b|\bin all\b|\baltogether\b|\badded up\b|\bcombined\b|"
    r"\b(?:both|all|the two|the three)\b(?: \S+){0,3} together\b|"  # "both levels together that year?"
    r"^(?:and |so |ok |what'?s |what is )?(?:the )?(?:grand )?total\b|\btotal (?:of|for) (?:both|all|the two|the three)\b"  # "total of both levels?"
)
# 「回到剛剛」 "back to the earlier question": a follow-up of a topic before the last one.
_RETURN = re.compile(
    r"回到|剛剛|剛才|前面|之前|先前|back to|earlier|previous|before that|the first (?:one|question|topic|thing)\b"
)
_ASKS_AMOUNT = re.compile(
    r"多少|最多|最高|上限|幾萬|幾元|幾塊|可申請|how much|maximum|\bmax\b|\bcap\b|ceiling|limit|"
    r"at most|how many dollars|what(?:'s| s| is) the (?:fee|cost|pay|total)\b|"
    r"\bwhat(?:'s| s| is|s) the most (?:we|i|you|they|one) (?:can|could|may)\b|"  # "whats the most we can budget"
    # "and the money for things that last?": an amount of it
    r"^(?:and |so |ok )?(?:what about |how about )?the money for\b|"
    # "how is the 部領 part split between teachers and students": the amount of each part
    r"\bhow (?:is|are|s) (?:the |our |it |that )?.{0,20}\b(?:split|divided)\b|"
    # "ok and the premium?" 「那補充保費呢」: the premium, an amount, asked in a clause of its own
    r"\b(?:and|what about|how about) (?:the )?(?:nhi |supplementary )?premium\b(?! (?:rate|base|rule))|補充保費呢"
)
_MEASURED_AGAINST = re.compile(
    r"\b(?:fit|fits|within|exceed|exceeds|exceeding|go over|goes over|stay under|stays under|break|breaks)\s+"
    r"(?:the\s+|our\s+|its\s+|that\s+|this\s+)?(?:[a-z]+\s+)?(?:limit|cap|ceiling|max|maximum)\b"
)
# 「我們的額度？」 asks the amount, and so does 「額度會調高嗎」; 「國立學校的額度會吃掉縣市的額度嗎」
# asks yes or no about it
_QUOTA = re.compile(r"額度|\bamount\b")  # "is the printing fee part of the amount…?" asks yes or no
# an amount gone beyond, not asked: "if pooling takes us above the total approved amount?" 「超過核定額度」
_BEYOND_QUOTA = re.compile(
    r"\b(?:above|over|beyond|exceeds?|exceeding|past|more than)\s+(?:the\s+|our\s+)?(?:[a-z]+\s+){0,2}amount\b|"
    r"超過(?:了)?(?:核定|核准|申請)?(?:的)?(?:總)?額度"
)
_QUOTA_CHANGES = re.compile(r"額度.{0,6}(?:調高|提高|增加|減少|降低|調整|變多|變少|改變|不同|一樣)")
# An agency's own plan named in passing (「已經拿過國教署…設施設備計畫的補助」): its words are not a
# budget item of this plan.
_OTHER_PLAN = re.compile(r"(?:國教署|教育部|縣市政府|市政府|縣政府)\S*?計畫")
# 「可以同時申請嗎」 "is that allowed?": whether something may be done, which a plan can answer yes or
# no. An amount or a wh-question is not one (「最多可以報多少」 "what can we buy").
_PERMISSION = re.compile(
    r"可以|可不可|可否|能不能|能否|能夠|行不行|行嗎|ok嗎|okay嗎|允許|准許|能(?:用|報|買|編|列|申請|請|拿|領|做|參加|再|也|同時|補|算|給)|"
    r"^(?:(?:then|so|and|ok|okay|but|well|also)\s+)?(?:can|could|may)\b|\b(?:allowed|permitted|possible)\b|(?<!^)\b(?:ok|okay)\b|"
    r"\b(?:can|could|may) (?:we|i|me|us|our|the|a|an|it|they|he|she|this|that|these|those|teachers?|schools?|students?|"
    r"both|all|each|either|my|his|her|its|such|some|any|one|\d+)\b|"  # ("one teacher" reads 「1 teacher」)
    # "after approval can leftover student-foundation money move over…": "can", what, then a verb
    r"\b(?:can|could|may) (?:[a-z0-9-]+ ){1,4}(?:move|go|be|pay|cover|use|buy|count|get|apply|join|take|spend|"
    r"claim|transfer|shift|come|stay|attend|teach|run|include|put|budget|charge|receive)\b"
)
_WH_QUESTION = re.compile(
    r"多少|幾|什麼|甚麼|哪|如何|怎麼|怎樣|誰|何時|為何|多久|多長|\b(?:how(?! about)|what(?! about| if)|whats|hows|wheres|which|where|who|why)\b|^when\b|"
    r"\bby when\b|"
    # "…ends on 2027.7.31, when must the city file?": when asking, not opening a clause
    r"\bwhen (?:must|do|does|did|is|are|will|should|can|would|has|have)\b"
)
# A request worded as a yes-or-no question: it asks for the explanation, not for a yes
_REQUEST = re.compile(
    r"(?:可以|能|可否|能否|可不可以|能不能)(?:請你|請|幫我|幫忙|跟我|為我|替我)?(?:簡單)?"
    r"(?:說明|介紹|解釋|講解|說一下|講一下|告訴我|列出|整理)|"
    r"\b(?:can|could|would) you (?:please )?(?:tell|explain|list|describe|summari[sz]e|show|walk)\b"
)
_CEILING_WORDS = re.compile(
    r"補助|經費|額度|拿多少|領多少|可以拿|可以領|申請|總額|總共|合計|上限|最多|how much|ceiling|funding|grant|\bget\b|"
    r"budget|total|subsid"
)
ASKS_SHARE = re.compile(
    # (not 「最多能佔多少錢」: an amount of money, though it takes a share)
    r"幾趴|幾%|幾 %|百分之幾|幾成|比例|比率|[佔占](?:多少(?!錢|元|塊)|幾(?!萬|千|元|塊))|占比|percentage|what percent|"
    r"how many percent|as a percent|"
    r"what share|how big a share|what proportion"
)


@dataclass(frozen=True)
class Understanding:
    """One message, read once. `facts` are school facts as written (maybe unusable), `slots` the
    usable ones for matching; `item` is the key of the budget item named (rules' items)."""

    text: str  # cleaned, cut to MAX_QUESTION_CHARS
    normalised: str
    lang: str | None  # None when the text has no letters to tell
    slots: Slots
    matching: str = ""  # the normalised text without what it says it is not about, for ranking
    negated: str = ""  # what it says it is not about (「不是新辦」): entries named there weigh less
    facts: dict[str, object] = field(default_factory=dict)
    item: str | None = None
    figures: Figures = field(default_factory=Figures)
    bare_number: int | Decimal | None = None
    yes_no: bool | None = None
    follow_up: bool = False
    correction: bool = False
    returns: bool = False
    compares: bool = False
    # every value written for a fact, in order (a comparison states two): classes, domains, mode
    alternatives: dict[str, tuple[int, ...]] = field(default_factory=dict)
    class_change: int | None = None  # 「多一班」 +1, "2 fewer classes" −2: of the count told before
    asks_amount: bool = False
    asks_share: bool = False  # 「上限是幾趴」: the rule's percentage, not an amount
    asks_total: bool = False  # 「國中小加起來幾人次」: the rows a table gives, added up
    asks_permission: bool = False  # 「可以買平板嗎」: a yes-or-no question whether something is allowed
    asks_yes_no: bool = False  # that, or whether something is so (「這算嗎」 "does it count?"): see asks_yes_or_no
    # a yes-or-no question in some clause, whatever else the message asks (「上限是25萬嗎」 names a
    # ceiling, so it asks an amount too): what a figure stated in it is checked for
    yes_no_form: bool = False
    asks_obligation: bool = False  # 「一定要…嗎」 "must we…?": whether something is required
    ceiling_words: bool = False

    @property
    def empty(self) -> bool:
        return not self.normalised

    @property
    def asks_only_yes_no(self) -> bool:
        """A yes-or-no question (allowed, so or required) asking nothing else: no how much, which
        or when beside it (「要錄影嗎？多久？」), no either-or (「用英文還是中文」), no request put as one
        (「可以說明計畫緣起嗎」 "can you explain …?")."""
        return (self.asks_yes_no or self.asks_obligation) and not self.asks_other_than_yes_no

    @cached_property
    def asks_other_than_yes_no(self) -> bool:
        """Whether the message asks how much, which, when, either-or, or for an explanation."""
        text = self.normalised
        # clauses split as written (normalising drops the question marks between them)
        asks_which_too = asks_which(text) or any(asks_which(clause.lower()) for clause in clauses_of(self.text))
        return bool(self.asks_amount or asks_which_too or "還是" in text or _REQUEST.search(text))

    @property
    def usable_facts(self) -> dict[str, object]:
        """The school facts whose values a ceiling can use (模式3 and 2.5班 left out)."""
        slots = self.slots.as_dict()
        found: dict[str, object] = {name: slots[name] for name in ("mode", "classes", "domains") if name in slots}
        _imply_mode(found)
        for name in ("branch", "open_classroom"):
            if name in self.facts:
                found[name] = self.facts[name]
        return found

    def mentions(self, pattern: str) -> bool:
        return compiled(pattern).search(self.normalised) is not None


@lru_cache(maxsize=1024)
def compiled(pattern: str) -> re.Pattern[str]:
    """A pattern written where it is used, compiled once: a message is tested against dozens of
    them, and re.search looks each up in re's own cache through a Python-level call first."""
    return re.compile(pattern)


def _typed_number(match: re.Match[str]) -> int | Decimal:
    """The number a match of _NUMBER wrote: 20, -5, 1萬 = 10000; 2.5 stays a Decimal."""
    value = Decimal(match.group(1))
    if match.group(2):
        value *= 10000
    return int(value) if value == value.to_integral_value() else value


def _imply_mode(facts: dict[str, object]) -> None:
    """Domains named without a mode are mode 2's: only mode 2 teaches some domains bilingually."""
    if "domains" in facts and "mode" not in facts:
        facts["mode"] = 2


def _facts(normalised: str, slots: Slots) -> dict[str, object]:
    """School facts a message states, as written: usable values from the slots, and numbers the
    slots ignore (模式3, 2.5班, 1萬班) so that a reply can say what is wrong with them."""
    found: dict[str, object] = {}
    for name, pattern in _WRITTEN.items():
        # (a branch's classes are not the school's: 「分校那2班」)
        match = next(
            (m for m in pattern.finditer(normalised) if name != "classes" or not counted_apart(normalised, m)),
            None,
        )
        if match:
            found[name] = _typed_number(match)
    found |= {k: v for k, v in slots.as_dict().items() if k in ("mode", "classes", "domains")}
    denied = _NO_BRANCH.search(normalised)
    # (「不是分班 是分校」, one fact once normalised: 「不是分校 是分校」, a branch after all)
    if denied and not re.search(r"(?:^|\s|，|,)\s*(?:是|有)\s*分校", normalised[denied.end() :]):
        found["branch"] = False
    elif slots.branch:
        found["branch"] = True
    if _NO_OPEN.search(normalised):
        found["open_classroom"] = False
    elif _OPEN.search(normalised):
        found["open_classroom"] = True
    _imply_mode(found)
    return found


def _alternatives(normalised: str) -> dict[str, tuple[int, ...]]:
    # as written (3 and 2 are two alternatives, though both are "2 or more" to the rules)
    domains = [int(m.group(1)) for m in _ALL_DOMAINS.finditer(normalised)]
    domains += [int(m.group(1)) for m in _DOMAINS_THAN.finditer(normalised)]
    if _ONE_DOMAIN.search(normalised) and 1 not in domains:
        domains.append(1)
    found = {
        # a branch's classes (「本校35班、分校2班」) are no alternative to the school's
        "classes": tuple(
            dict.fromkeys(
                int(m.group(1)) for m in _ALL_CLASSES.finditer(normalised) if not counted_apart(normalised, m)
            )
        ),
        "domains": tuple(dict.fromkeys(domains)),
        "mode": tuple(dict.fromkeys(int(m.group(1)) for m in _ALL_MODES.finditer(normalised))),
    }
    return {k: v for k, v in found.items() if v}


def _bare_number(normalised: str) -> int | Decimal | None:
    match = _BARE_NUMBER.match(normalised)
    return _typed_number(match) if match else None


def _yes_no(normalised: str) -> bool | None:
    if _YES.match(normalised):
        return True
    if _NO_ANSWER.match(normalised):
        return False
    return None


class _Reading(NamedTuple):
    """The part of reading a message that every use needs: enough to look it up in the knowledge base."""

    cleaned: str
    lang: str | None
    plain: str
    normalised: str
    slots: Slots
    affirmed: str  # the normalised text without what it says it is not about
    negated: str


_TAG_QUESTION = re.compile(r"(?:喔|哦|唷|耶|呀|喲)\s*[?？]+\s*$|(?<=[的了])(?:喔|哦)\s*$")


def _read(text: str, normalize: Normalizer, lang_hint: str | None) -> _Reading:
    cleaned = clean(text if isinstance(text, str) else "", MAX_QUESTION_CHARS)
    lang = detect_lang(cleaned) or (lang_hint if lang_hint in ("zh", "en") else None)
    # 「每間高中都要參加喔?」「著作權就變國教署的喔」: a particle and a question mark, or 喔 after 的 or
    # 了, ask as 嗎 does (the mark is not kept)
    plain = normalize.plain(_TAG_QUESTION.sub("嗎？", cleaned))
    normalised = normalize.from_plain(plain)
    if not normalised:
        return _Reading(cleaned, lang, plain, "", Slots(), "", "")
    return _Reading(
        cleaned,
        lang,
        plain,
        normalised,
        slots=_affirmed_slots(_DATES_IN_NORMALISED.sub(" ", normalised)),
        affirmed=without_fillers(_LIKE.sub(" ", _NEGATED.sub(" ", normalised))),
        negated=" ".join(
            [_NEGATION_WORDS.sub("", m.group(0)) for m in _NEGATED.finditer(normalised)]
            + (["分校 分班"] if _NO_BRANCH.search(normalised) else [])  # 「我們沒有分校分班」
            + (["觀課"] if _NO_OPEN.search(normalised) else [])  # 「也不算觀課那個」
        ),
    )


def _affirmed_slots(text: str) -> Slots:
    """The slots of a text, each as affirmed where it also denies one: 「不是6班 是12班」 is 12 classes,
    「不是模式一 是模式二」 mode 2 (a value only denied, 「不是模式一」 alone, is kept as before)."""
    told = extract(text)
    if told.branch and _NO_BRANCH.search(text):
        told = replace(told, branch=None)  # 「我們沒有分校分班」 is no question about a branch
    if _NEGATED.search(text) is None:
        return told
    affirmed = extract(_NEGATED.sub(" ", text))
    said = {f.name: getattr(affirmed, f.name) for f in fields(Slots) if getattr(affirmed, f.name) is not None}
    return replace(told, **said)


def understand(
    text: str, normalize: Normalizer, rules: FundingRules | None = None, lang_hint: str | None = None
) -> Understanding:
    """Read `text` once. `lang_hint` ('zh' or 'en') stands in when the text has no letters."""
    reading = _read(text, normalize, lang_hint)
    normalised = reading.normalised
    if not normalised:
        return Understanding(text=reading.cleaned, normalised="", lang=reading.lang, slots=Slots())
    asks_share = ASKS_SHARE.search(normalised) is not None
    yes_no_form = _asked_in_a_clause(asks_yes_or_no, reading.cleaned, normalised, normalize)
    # 「三年都是5%?」: a figure claimed, asked with a question mark only
    yes_no_form = yes_no_form or _FIGURE_CLAIMED_ASKED.search(reading.cleaned) is not None
    # "and printing costs — in that base too?": a case added to the last one, asked whether it holds too
    yes_no_form = yes_no_form or (_TOO_ASKED.search(reading.cleaned) is not None and not asks_which(normalised))
    # 「學生一定要用英文回答?」: a Chinese statement with a question mark asks whether it is so
    marked = reading.lang != "en" and reading.cleaned.rstrip().endswith(("?", "？")) and not asks_which(normalised)
    required = _asked_in_a_clause(asks_if_required, reading.cleaned, normalised, normalize) or (
        marked and _OBLIGATION.search(normalised) is not None and _PERMISSION.search(normalised) is None
    )
    # "does 38,400 fit the limit?": a limit measured against, no amount asked
    amount_words = _ASKS_AMOUNT.search(_MEASURED_AGAINST.sub(" ", normalised)) is not None or (
        _QUOTA.search(normalised) is not None
        and (not yes_no_form or _QUOTA_CHANGES.search(normalised) is not None)
        and _BEYOND_QUOTA.search(normalised) is None
    )
    asks_amount = amount_words and not asks_share
    # 「有分校 可以多拿嗎 多多少」: a yes-or-no clause of its own beside one asking how much asks both
    yes_no_clauses = _yes_no_beside_amount(reading.cleaned, normalize) if asks_amount else []
    both_asked = bool(yes_no_clauses)
    yes_no_form = yes_no_form or both_asked
    permission = any(asks_permission(clause) for clause in yes_no_clauses) or (
        not asks_amount and _asked_in_a_clause(asks_permission, reading.cleaned, normalised, normalize)
    )
    return Understanding(
        text=reading.cleaned,
        normalised=normalised,
        matching=reading.affirmed or normalised,
        negated=reading.negated,
        lang=reading.lang,
        slots=reading.slots,
        facts=_facts(normalised, reading.slots),
        item=_item_asked(reading.affirmed, reading.cleaned, rules, normalize) if rules is not None else None,
        figures=read_figures(reading.plain),
        bare_number=_bare_number(normalised),
        yes_no=_yes_no(normalised),
        follow_up=_FOLLOW_UP.search(normalised) is not None
        or _tells_a_situation(reading.cleaned, normalised, yes_no_form),
        correction=_CORRECTION.search(normalised) is not None,
        returns=_RETURN.search(normalised) is not None,
        compares=_COMPARE.search(normalised) is not None,
        alternatives=_alternatives(normalised),
        class_change=class_change(normalised),
        asks_amount=asks_amount,
        asks_share=asks_share,
        asks_total=ASKS_TOTAL.search(normalised) is not None,
        asks_permission=permission,
        asks_yes_no=(not asks_amount or both_asked) and yes_no_form,
        yes_no_form=yes_no_form,
        # 「那5萬一定要花在分班嗎?可以勻一點給本校用嗎」: the permission asked is what the answer decides
        asks_obligation=not asks_amount and not permission and required,
        ceiling_words=_CEILING_WORDS.search(normalised) is not None,
    )


# 「有上限嗎」「有沒有金額上限」 "is there a cap on…?": whether the plan caps an item at all
_ASKS_IF_CAPPED = re.compile(
    r"有(?:沒有)?\S{0,4}?(?:上限|限額)|\b(?:is|are) there (?:a|an|any) (?:\w+ )?(?:cap|limit|maximum|ceiling)s?\b|"
    r"\bany (?:cap|limit|maximum|ceiling)s?\b|\b(?:is|are) (?:\w+ ){0,3}capped\b"
)


def asks_if_capped(u: Understanding) -> bool:
    """Whether the question asks if there is a cap at all (a yes or no, though it reads as an amount
    asked), not how much it is."""
    return u.yes_no_form and not u.asks_permission and _ASKS_IF_CAPPED.search(u.normalised) is not None


def claims_a_cap(u: Understanding) -> bool:
    """Whether the message tells an amount a colleague claims is a cap (「印刷费上限多少 组长说一万」)."""
    cap_words = r"(?:上限|限額|\bcap\b|\blimit\b)"
    claimed = compiled(rf"{cap_words}.*{CLAIM_TOLD}|{CLAIM_TOLD}.*{cap_words}")
    return bool(u.figures.amounts) and claimed.search(u.normalised) is not None


# "I'm a substitute on a 6-month contract" 「我是代理老師 聘期6個月」: the asker's own case told, no question of
# its own: the last yes-or-no question asked of this case
_SITUATION = re.compile(
    r"^(?:(?:ok |oh |well |but |actually )?(?:i m|i am|im|she s|she is|he s|he is)\b|我是|她是|他是)"
)


def _tells_a_situation(text: str, normalised: str, yes_no_form: bool) -> bool:
    return (
        _SITUATION.match(normalised) is not None
        and not yes_no_form
        and not text.rstrip().endswith(("?", "？"))
        and _ASKS_AMOUNT.search(normalised) is None
        and not asks_which(normalised)
    )


def asks_which(normalised: str) -> bool:
    """Whether a normalised text asks how much, which, who, when or why (not yes or no). An English
    question opening with an auxiliary asks yes or no whatever it embeds ("do national schools apply
    through the county where they are?"), and so does one whose auxiliary follows an opening clause
    ("When a teacher goes to a workshop, are we supposed to…?" "For capital items, do we need to spell
    out what we buy?")."""
    normalised = _RELATIVE_WHO.sub(" ", normalised)  # "and a parent who comes to help": no who asked
    if _WH_QUESTION.search(normalised) is None or _AUX_FIRST.match(normalised) is not None:
        return False
    opening = _OPENING_CLAUSE.match(normalised)
    if opening is None:
        return True
    asked = _WH_QUESTION.search(opening.group(1) or "")  # a question word in the opening clause asks it
    return asked is not None


# "who" after whom it is about: a relative clause ("a parent who comes", "anyone who joins"), no question
_RELATIVE_WHO = re.compile(
    r"\b(?:(?:a|an|the|our|any|some|each|every|one)\s+[a-z]+|someone|anyone|people|those)\s+who\b"
)


# An opening clause of three words or more, then an auxiliary and its subject: the question is the
# auxiliary's (the opening clause's 'when' is no question word)
_AUXILIARY = r"(?:do|does|did|is|are|was|were|can|could|may|will|would|should|must|has|have)"
_OPENING_CLAUSE = re.compile(
    # (or a year alone: "in 110 do they also share …?")
    r"^(?:(?:when|if|for|to|after|before|once|since|as|in|with)\b((?:\s+\S+){3,}?)|(?:in|for|by)\s+\d{2,4},?)\s+"
    + _AUXILIARY
    + r"\s+(?:we|i|you|they|it|he|she|our|my|the|this|that|these|those|all|each|every|schools?|teachers?)\b"
)


_FIGURE_CLAIMED_ASKED = re.compile(
    r"(?:是|都是|要|達)\s*\d[\d,.]*\s*(?:%|校|所|人次|人|位|節|篇|隊|場|次|萬|元|個|字)?\s*[?？]\s*$|"
    # "and 110 was 14?" "so it's 75% in 110?": an English figure claimed, asked with a question mark
    r"(?<!\bif )(?<!\bif it )\b(?:was|is|were|are|it's|its|be)\s+(?:only\s+|just\s+|still\s+)?\d[\d,.]*\s*(?:%|percent|schools?|teachers?|teams?|people)?\s*[?？]\s*$",
    re.IGNORECASE,
)


def asks_permission(normalised: str) -> bool:
    """Whether a normalised text asks if something is allowed (「可以同時申請嗎」), not how much or which."""
    if asks_which(normalised):
        return False
    return _PERMISSION.search(normalised) is not None


def asks_yes_or_no(normalised: str) -> bool:
    """Whether a normalised text asks a yes-or-no question an entry's yes or no answers: one asking
    if something is allowed, or whether it is so (「這是學校自己送國教署嗎」 "does it count against the
    county's quota?" "would morning reading count?"), but not whether it is required (「一定要…嗎」
    "must we…?"): an entry's yes says a thing is allowed, not that it must be done."""
    if asks_permission(normalised):
        return True
    return (
        not asks_which(normalised)
        and (_YES_NO_FORM.search(normalised) is not None or _OPENING_CLAUSE.match(normalised) is not None)
        and _OBLIGATION.search(normalised) is None
    )


def asks_if_required(normalised: str) -> bool:
    """Whether a normalised text asks if something is required (「一定要全年級嗎」「要先經過校內會議嗎」
    "must we…?" "do we need to…?"), a yes-or-no question an entry's must_if/need_not_if answers;
    also whether the plan sets a rule of it (「有規定英語至少要佔幾成嗎」: a question word inside
    what the rule would fix asks nothing of its own)."""
    if RULE_ASKED.search(normalised) and _PERMISSION.search(normalised) is None:
        return True
    return (
        not asks_which(normalised)
        and _OBLIGATION.search(normalised) is not None
        and _PERMISSION.search(normalised) is None  # 「可以規定學生一定要用英文回答嗎」 asks if allowed
        and (
            _YES_NO_FORM.search(normalised) is not None
            or _OBLIGATION_ASKED.search(normalised) is not None
            or _OPENING_CLAUSE.match(normalised) is not None
        )
    )


# "must we…?" "do we have to…?": asked by the words themselves, with no question mark left
# whether the plan fixes something at all: 「有規定…嗎」「有沒有規定」 "is there a rule on…?"
RULE_ASKED = re.compile(
    r"有(?:沒有)?(?:硬性)?規定[^嗎]*嗎\s*$|有沒有(?:硬性)?規定|是否(?:有)?規定|"
    r"\b(?:is|are) there (?:a|any) (?:rule|requirement|minimum|set (?:ratio|share|percentage))\b"
)
_OBLIGATION_ASKED = re.compile(
    r"^(?:must|do|does|is|are)\b|需不需要|要不要|是否(?:一定|必須|需要)|\b(?:required|mandatory)\b|"
    # after an opening phrase: "In 110, do all junior high students have to…" "To claim it, do we need…"
    r"\b(?:do|does|must) (?:we|i|you|they|all|our|the|schools?|teachers?|students?|staff)\b"
)
_AUX_FIRST = re.compile(_AUXILIARY + r"\b")
# 「組長說…」 "our coordinator claims …": a claim told, asked whether it is so (not a fact of the school
# told through them: 「會計說我們是13班」 corrects the class count)
CLAIM_TOLD = (
    # (「主任講2節」 is the director giving a talk of 2 periods, no claim)
    r"(?:(?:組長|主任|校長|會計|承辦人?|同事|別人|學長|學姊)(?:跟我)?(?:說|講(?!\s*\d+\s*(?:節|堂|小時|分鐘|場))|算|認為|以為)|(?:他|她)說)"
    r"(?!\s*(?:我們|我校|本校|學校)(?:其實)?(?:是|有|只有))"
    # (「會計說明年增班 變三十六班了」: the school's class count changed, told through them)
    r"(?![^，,。？?]{0,10}(?:變成?|增加到|改成?|會有|會是)\s*[\d一二兩三四五六七八九十]+\s*班|[^，,。？?]{0,4}(?:增班|減班))|"
    r"\b(?:claims?|claimed|told (?:me|us) that|says (?:that|it'?s|the (?:cap|max|limit|rate)|we can))\b"
)
_YES_NO_FORM = re.compile(
    r"(?:嗎|吗|嘛)\s*$|是不是|有沒有|會不會|算不算|要不要|(?<!不)對不對|(?:對吧|沒錯吧|的吧|可以吧|是吧|有吧|會吧|超過吧|過吧|夠吧|行吧|了吧|就好吧)\s*$|\b(?:right|correct)\s*$|"
    + CLAIM_TOLD
    + r"|"
    # "…already in 110, yes?": a tag after a statement of three words or more
    r"(?:\S+\s+){3,}(?:yes|yeah|true)\s*$|"
    # a figure claimed with 吧: 「第三年是100%吧」
    r"\d\s*(?:%|校|所|人次|人|位|節|篇|隊|場|次|萬|元|個)?\s*吧\s*$|"
    r"^(?:(?:so|and|but|ok|okay|then|wait|oh)\s+)?(?:do|does|did|is|are|was|were|would|will|should|has|have)\b|"
    r"\b(?:lets?|allows?|counts?|covers?|eligible)\b|"
    r"\bsame (?:route|rules?|process|procedure|way|thing|deal|for us)\b|"  # "…, same route for us?"
    # a negative question after other words: "…so that's 14, doesn't that put us in the 13-35 band?"
    r"\b(?:doesn'?t|don'?t|isn'?t|aren'?t|wouldn'?t|won'?t|can'?t|shouldn'?t|didn'?t) (?:that|it|this|we|they|i)\b|"
    # a tag at the end: "prizes for kids in our English contest, fine?" "35 visitors a semester, enough?"
    # (after other words: "ok." alone opening a message agrees)
    r"\w\s+(?:fine|ok|okay|enough|allowed|covered|paid|met|possible|acceptable|a problem|an issue|"
    r"fundable|claimable|reimbursable|eligible|"
    r"can(?: or not| or cannot| anot)?|ok or not|okay or not)\s*$"  # "move money from student part to teacher part, can?"
)
_OBLIGATION = re.compile(
    r"一定要|一定得|必須|必需|需要|需不需要|要不要|得要|非得|都要|也要(?!(?:一起)?(?:算|計|包|含|加))|還要|要先|"
    # 「那6萬要寫進經費明細嗎」「那6萬要在經費明細裡編嗎」
    r"(?<![想不只])要(?:另外)?(?:在[^\s，,。？?]{1,8}?)?(?:寫|編|列|填|交|附|送|簽|上傳)(?:進|在|入|到)?|"
    r"(?<![想不只])要(?:用)?(?:全英|全程|都用|整堂)|"  # 「部領老師要全英文上課嗎」: whether it is required
    # ("is it supposed to be an international one in 110?" asks what it is, not what must be done)
    r"\b(?:must|have to|has to|need to|needs to|required|mandatory|should|supposed to(?! be\b))\b|"
    r"\bdo (?:we|i|they|you) need (?:[a-z-]+ ){1,4}to\b|"  # "do we need our curriculum committee to approve it?"
    # a qualification asked of someone: 「部領老師要B1以上嗎」 "do partial-domain teachers need B1?"
    r"(?<![想不只])要(?:有|具備|具有|考到|考過|通過)?\s*(?:[abc][12](?![0-9])|英檢|證照|證書|教師證)|"
    r"\bneeds? (?:a |an |the )?(?:[abc][12](?![0-9])|english test|certificate|certification|licen[cs]e|qualification)"
)


_CLAUSE_END = re.compile(
    r"[?？!！。；;：]+|\.(?=\s)|:(?!\d)|"  # a full stop before a space (not 2.5)
    # "the summer camp with the university, is it 6 schools in year 2?": a question after a comma
    # (and "our student budget is 200,000 - does 38,400 fit?": a question after a dash)
    r"(?:,|\s[-–—]+)\s*(?=(?:is|are|do|does|did|can|could|may|will|would|should|was|were|has|have)\s)"
)


def _asked_in_a_clause(asks: Callable[[str], bool], text: str, normalised: str, normalize: Normalizer) -> bool:
    """「國立學校也能申請嗎？要交給誰」 "Can national schools apply? Who do they send it to?": a
    yes-or-no question beside a question of another kind is still asked."""
    if asks(normalised):
        return True
    # (a space between Chinese words ends a clause too: 「授權條款是哪一種 可以拿去商用嗎」)
    clauses = spoken_clauses(text)
    return len(clauses) > 1 and any(asks(normalize(clause)) for clause in clauses)


# whether what was listed goes over: 「超了嗎」「有沒有超過」 "is that over?" "are we ok?"
_OVER_ASKED = re.compile(r"超|\bover\b|exceed|within|\bok\b|okay|可以嗎|行嗎|沒問題")


def _item_asked(affirmed: str, text: str, rules: FundingRules, normalize: Normalizer) -> str | None:
    """The budget item a message asks about: the first it names, or, when it lists several items
    and then asks in a clause of its own (「經常門有：出席費…膳費…雜支2萬。雜支有沒有超」), the one
    that clause names."""
    affirmed = MEALTIME.sub(" ", affirmed)
    named = rules.match_item(_OTHER_PLAN.sub(" ", affirmed))
    clauses = spoken_clauses(text)
    if named is None or len(clauses) < 2 or len(rules.items_in(affirmed)) < 2:
        return named
    last = normalize(clauses[-1])
    asked = rules.items_in(last)
    if not asked and _OVER_ASKED.search(last):
        # 「讲师费3万 餐费2万 杂支5000 就这三项 超了吗」: what a list of lines can break by its amounts
        # alone is a share of their sum (雜支 10%, 教材教具費 20%)
        listed = rules.items_in(affirmed)
        return next((key for key in rules.shares_of_the_recurrent() if key in listed), named)
    return next(iter(asked)) if len(asked) == 1 else named


_CJK_SPACE = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")


def spoken_clauses(text: str) -> list[str]:
    """A message's clauses as chatted: its sentences, in Chinese the parts a space ends (「有分校
    可以多拿嗎 多多少」 is three), and in English a "how much" joined on ("can the plan pay n how much")."""
    parts = [clause for part in clauses_of(text) for clause in _CJK_SPACE.split(part) if clause.strip()]
    return [clause for part in parts for clause in _HOW_MUCH_JOINED.split(part) if clause.strip()]


# 「…對吧」「…18位 對嗎」 "…, right?": the message asks to confirm what it states (read by the
# rulings, knowledge/engine.py, and by the targets, knowledge/targets.py)
CONFIRMATION_ASKED = re.compile(
    r"對吧|對嗎|對不對|是吧|是嗎|是不是|沒錯吧|沒錯嗎|\bright\b|\bcorrect\b|\btrue\b|is that so|am i right|isn't it\b"
)


_HOW_MUCH_JOINED = re.compile(r"(?:,\s*|\s+)(?:and|n|&|plus|also)?\s*(?=\bhow (?:much|many)\b)", re.IGNORECASE)


def _yes_no_beside_amount(text: str, normalize: Normalizer) -> list[str]:
    """The clauses (a space between Chinese words ends one too) asking yes or no and no amount,
    when another clause asks an amount; [] when there are none or no such other clause."""
    clauses = [normalize(clause) for clause in spoken_clauses(text)]
    yes_no = [c for c in clauses if asks_yes_or_no(c) and _ASKS_AMOUNT.search(c) is None]
    amount = any(_ASKS_AMOUNT.search(c) is not None and not asks_yes_or_no(c) for c in clauses)
    return yes_no if amount else []


def clauses_of(text: str) -> list[str]:
    """A message's sentences (split at ?, !, 。, ;, a colon or a full stop before a space)."""
    return [clause.strip() for clause in _CLAUSE_END.split(text) if clause.strip()]


def follows_permission(u: Understanding, earlier: str, earlier_asked: bool = False) -> bool:
    """「代理老師呢？她的聘期只有兩個月」 after 「…可以補助嗎」: a follow-up that asks the earlier yes-or-no
    question again about something else, without asking how much or which of its own.
    `earlier_asked`: the earlier turn is known to have asked yes or no, whatever its text."""
    asked_before = earlier_asked or (asks_permission(earlier) and _ASKS_AMOUNT.search(earlier) is None)
    # (a correction of the case, 「啊不對 她是代理整個學期 五個月」, asks it again too; one of the school's
    # facts, 「打錯 我們是模式二」, is a correction the dialog takes up as such)
    again = u.follow_up or u.returns or (u.correction and not u.slots.as_dict())
    return again and not u.asks_amount and not asks_which(u.normalised) and asked_before


# 「部領的資本門 是不是也跟模式一一樣可以編到兩成」: what a question compares with is not what it asks about
_LIKE = re.compile(r"(?:跟|和|與|像)\s*[^\s，,。？?]{1,8}?\s*一樣")


def read_for_matching(text: str, normalize: Normalizer, lang_hint: str | None = None) -> Understanding:
    """What a knowledge-base answer reads of a text: its normalised form, language, slots and
    what it says it is not about. The rest of an Understanding (figures, facts, the marks of a
    conversation) keeps its defaults: Engine.answer, which looks a text up on its own, never
    reads it, and leaving it out more than halves the time (0.25 → 0.11 ms a question)."""
    reading = _read(text, normalize, lang_hint)
    return Understanding(
        text=reading.cleaned,
        normalised=reading.normalised,
        matching=reading.affirmed or reading.normalised,
        negated=reading.negated,
        lang=reading.lang,
        slots=reading.slots,
    )


# 「不是12週啦 是8週」「不是116年4月 是116年9月」: one figure of the last message put right, nothing else said
_FIGURE_RIGHTED = re.compile(
    r"^(?:(?:欸|誒|啊|阿|喔|哦|抱歉|不好意思|打錯|說錯|寫錯|更正|sorry)\s*[,，]?\s*)*不是\s*(\S*\d\S*?)\s*"
    r"(?:啦|喔|哦|了|啊|的)?\s*[,，]?\s*(?:是|而是|應該是|改成|改為|才對是)\s*(\S*\d\S*?)\s*(?:啦|喔|哦|才對|的|才是)?$"
)


# the words that say something told was wrong: 「不對」「更正」「打錯」…
_SAID_WRONG = r"不對|錯了|更正|打錯|說錯|寫錯"


# 「更正 出席的專家有7位不是2位 補充保費變多少」: the figure now, then the one it is not, the same unit
# (a few words of what it counts before, what is asked again after)
_FIGURE_RIGHTED_AFTER = re.compile(
    rf"^(?:(?:{_SAID_WRONG}|抱歉|不好意思|sorry)\s*[,，]?\s*)*[^\d\s]{{0,10}}?(\d+)\s*([^\d\s,，]{{1,2}}?)\s*(?:才對)?\s*[,，]?\s*"
    # (what is asked again after it asks the same thing, changed: 「補充保費變多少」, not 「那雜支最多多少」)
    r"不是\s*(\d+)\s*\2\s*(?:[,，]?\s*[^\d]{0,12}?(?:變(?:成)?多少|呢))?$"
)


# 「我剛剛一開始說8班是錯的 五年級其實是9班」: the figure said to be wrong, then what it is
_FIGURE_SAID_WRONG = re.compile(
    r"(?:說|寫|講|打)的?\s*(\d+)\s*([^\d\s,，]{1,2}?)\s*是錯的.{0,12}?(?:其實|應該|而)是\s*(\d+)\s*\2"
)


# 「喔 學生是42個才對」「不對 學生是46個」: what a figure counts, then what it is now, said to put it
# right (a 「不對」 before or a 「才對」 after), with no 「不是…」
_LABELLED_RIGHTED = re.compile(
    rf"^(?:(?:欸|誒|啊|阿|喔|哦|噢|抱歉|不好意思|{_SAID_WRONG}|sorry)\s*[,，]?\s*)*"
    r"([\u4e00-\u9fff]{1,6}?)\s*(?:是|有|應該是|其實是)\s*(\d+)\s*(?:個|人|位|名|場|次|節|堂|天|日|晚|餐|週|周)?\s*"
    r"(?:才對|才是|啦|喔|哦)?$"
)
_PUTS_RIGHT = re.compile(rf"^\W*(?:\S{{1,2}}\s*)?(?:{_SAID_WRONG})|才對|才是")


# 「不是 我算錯了 這學期總共是45位」: a count said to be wrong, only its new value given
_COUNT_RIGHTED = re.compile(rf"^\W*(?:不是|算錯|{_SAID_WRONG}|抱歉|sorry)")
_COUNTED = re.compile(r"(?<![\d.])(\d+)\s*(位|人|個(?!\s*班)|名|場|次|節|堂|天|晚|餐|週|周)")
# the new count said as what it is (「總共是45位」), in a message adding nothing (not 「但要加3位老師」)
_NOW_IS = re.compile(r"(?:是|有|共|總共|其實|應該)\s*\d+")
_ADDS = re.compile(r"加|再|多|另外|還有|又")
_PEOPLE_UNITS = {"位", "人", "個", "名"}


def _count_righted(normalised: str, said: str) -> str | None:
    """`said` with its one count of a unit put right by a correction that gives only the new count
    (「不是 我算錯了 這學期總共是45位」 after 「我們這學期預計來35位老師 夠嗎」); else None."""
    told = _COUNTED.findall(normalised)
    if not _COUNT_RIGHTED.search(normalised) or len(told) != 1 or len(re.findall(r"\d+", normalised)) != 1:
        return None
    if not _NOW_IS.search(normalised) or _ADDS.search(normalised):
        return None
    now, unit = (str(part) for part in told[0])
    units = _PEOPLE_UNITS if unit in _PEOPLE_UNITS else {unit}
    written = [m for m in _COUNTED.finditer(said) if m.group(2) in units]
    if len(written) != 1 or written[0].group(1) == now:
        return None
    start, end = written[0].span(1)
    return said[:start] + now + said[end:]


def _labelled_figure_righted(normalised: str, said: str) -> str | None:
    """`said` with the figure after the words a correction names put right (「喔 學生是42個才對」 after
    「…學生40人 老師5人…」: …學生42人…), when `said` wrote those words before a number once; else None."""
    match = _LABELLED_RIGHTED.search(normalised)
    if match is None or not _PUTS_RIGHT.search(normalised):
        return None
    label, now = match.groups()
    if "班" in label:
        return None  # (a class count put right is the school's fact, changed as such)
    written = list(re.finditer(rf"{re.escape(label)}\s*(?:有|是|共|約|大約)?\s*(\d+)(?![\d.])", said))
    if len(written) != 1:
        return None
    start, end = written[0].span(1)
    return said[:start] + now + said[end:]


def _figure_put_right(normalised: str) -> tuple[str, str, bool] | None:
    """What a correction says a figure was and is now (「不是12週啦 是8週」: 12週, 8週), and whether it
    says that figure was wrong wherever it was written (「說8班是錯的 其實是9班」); or None."""
    match = _FIGURE_RIGHTED.search(normalised)
    if match is not None:
        was, now = match.groups()
        return was, now, False
    after = _FIGURE_RIGHTED_AFTER.search(normalised)
    if after is not None:
        now, unit, was = after.groups()
        return f"{was}{unit}", f"{now}{unit}", False
    wrong = _FIGURE_SAID_WRONG.search(normalised)
    if wrong is not None:
        was, unit, now = wrong.groups()
        return f"{was}{unit}", f"{now}{unit}", True
    return None


def with_figure_righted(normalised: str, said: str) -> str | None:
    """A message (`said`, normalised) with the figure a correction puts right (「不是12週啦 是8週」 after
    「奠基課開4個班 每週2節 上12週 材料費最多多少」: …上8週…; 「不是116年4月 是116年9月」; 「出席的有5位不是3位
    補充保費變多少」), when the correction says little else and the message wrote that figure, and each of
    its numbers, once; a figure said to be wrong (「說8班是錯的 其實是9班」) is put right wherever it was
    written; else None. The dialog tries the last message first, then the ones before it."""
    put_right = _figure_put_right(normalised)
    if put_right is None:
        return _labelled_figure_righted(normalised, said) or _count_righted(normalised, said)
    was, now, everywhere = put_right
    written = re.compile(rf"(?<![\d.]){re.escape(was)}(?![\d.])")
    if everywhere:  # (「8班是錯的」: each 8班 written, the grade's and the classes counted alike)
        return written.sub(now, said) if written.search(said) else None
    # (each number of it written once: 「不是2個 是3個」 after 「住2晚 2個人」 could mean either 2)
    numbers = [re.compile(rf"(?<![\d.]){n}(?![\d.])") for n in re.findall(r"\d+", was)]
    if len(written.findall(said)) != 1 or any(len(n.findall(said)) != 1 for n in numbers):
        return None
    return written.sub(now, said)
