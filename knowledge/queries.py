"""From an understood message to the computation it asks for.

A `Query` is what was asked, as data: the kind of computation, the school's facts, the budget
item, and the user's own figures. `query_for` builds it from an `Understanding`; the chat keeps
it so that a follow-up can change one thing of it (`revise`); knowledge/compute.py computes it.
A question that merely mentions an item or a fact is not a computation: it needs the figures
the computation works on (an amount, a count, a date, a class count with a ceiling word).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from knowledge.calculators import equipment_kind, lecturer_type
from knowledge.dates import ROC_OFFSET, add_months
from knowledge.details import FOREIGN_SPEAKER
from knowledge.funding_rules import FundingRules
from knowledge.quantities import (
    CLAIMED_BEFORE,
    MEALTIME,
    ONE_PERIOD_EN,
    TAKEN_BACK,
    Amount,
    DateMention,
    date_as_written,
    meals_named,
    read_figures,
    valid_date,
)
from knowledge.textnorm import Normalizer
from knowledge.understand import CLAIM_TOLD, CONFIRMATION_ASKED, SCHOOL_FACTS, Understanding, clauses_of, compiled

# Kinds of computation.
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

# what capital buys described by how long it lasts: 「可以用好幾年的電腦」 "stuff that lasts, like tablets"
_LASTS = r"(?:可以|能)?用(?:很多|好幾|好多|多)年的|耐用|(?:stuff|things|items) that lasts?\b|durable"
_CAPITAL = r"資本門|設備費|買設備|設備(?:最多|上限|可以編|能編|可編|(?:要|想|打算)?編\s*\d)|capital|equipment|" + _LASTS
_TRANSFER = r"調|移|挪|併入|並入|流用|轉|move|transfer|shift|reallocat"
_TEACHER_SUPPORT = r"教師專業支持|教師費|教師經費|教師|老師|teacher support|teacher funding|teachers?"
_CLOSEOUT = r"結案|核結|繳庫|結算|close.?out"
_DEADLINE = r"期限|截止|最晚|何時|什麼時候|幾號|來得及|deadline|due|late|by when|when"
_SCHOOL_YEAR = r"學年度|學年|school year|academic year|階段|phase|期程"
_STILL = r"還有|還會|會不會|繼續|有沒有|是否|still|continue|is there|will there"
_PARTIAL = r"部領|partial"
_LIFE = r"生活化|模式1|campus life|campus-life"
_LECTURE = (
    r"講座|講師|講者|演講|外聘|內聘|教授|專家學者|來講|講\s*\d+\s*節|lecture|speaker|lecturer|professor|\btalks?\b"
)
CONSULT = r"諮詢|陪伴|consult|\bcoach(?:es|ing)\b|\bmentoring\b"
# ("can we pay an expert 2,500 for attending one planning meeting?")
ATTEND = r"出席|attendance|\battend(?:s|ing)? (?:\w+ ){0,3}meetings?\b"
_MEAL = r"膳|餐|便當|夥食|伙食|吃飯|飯錢|lunch|dinner|breakfast|meal"
_LODGING = r"住宿|住\s*\d+\s*(?:晚|夜)|住一晚|住同一間|房價|房費|lodging|hotel|accommodation|night"
# 「6班 每班上12節」: the one item priced per class and period (每班每節 800 元)
_MATERIALS = (
    r"教學材料|teaching materials?|materials? fees?|每班(?:上)?\s*\d+\s*節|\d+\s*periods? (?:per|a|each) class|"
    r"上課(?:要)?用的材料|上課材料|課堂(?:用的)?材料|class(?:room)? (?:materials|supplies)|"
    r"\d+\s*classes\s*(?:x|×|\*|times)\s*\d+\s*periods"  # "6 classes x 12 periods"
)
_LANGUAGE_STUDY = r"語言進修|進修|language (?:study|course)|english course"
_DATA = r"資料蒐集|資料搜集|reference materials|data collection|買書"
_PREMIUM = r"補充保費|premium"
# an amount written right after the premium's name: what the user put down for it
# 「不含補充保費」 "not counting the health insurance top-up": the premium left out of what is asked
_PREMIUM_LEFT_OUT = (
    r"(?:不含|不算|不包括|不包含|不計|扣掉|扣除|not counting|not including|excluding|without|minus|apart from)\s*(?:the\s+)?(?:補充保費|premium)|"
    r"(?:補充保費|premium)\s*(?:不算|另計|另外算|除外|not included|aside|excluded)"
)
_PREMIUM_TOLD = re.compile(r"(?:補充保費|premium)\s*(?:要|就|應該|我們)?\s*(?:編|報|列|算|估|是|抓|of|is|at|=)?\s*$")
_GROWS = r"變大|變高|變多|提高|增加|跟著|go(?:es)? up|increase|higher|bigger|grow|rise"
_OPEN_CLASSROOM = r"觀課|開放課室|open(?:ing)? (?:our )?classrooms?|open class"
# a price said of one meal: 「每餐150」「一餐120元」 "150 a meal", "NT$120 per meal"
_PRICE_A_MEAL = r"(?:每餐|一餐|1餐)(?:都|各|就)?[^\d餐]{0,3}\d|\d\s*元?\s*/\s*餐|\d[\d,]*\s*(?:a|per|each) meal\b"
_ROUND_TRIP = r"來回|往返|round.?trip|both ways|return"
_ROUND_TRIP_SUM = r"(?:來回|往返)(?:共|總共|一共|合計|要|是)?\s*\d|round.?trip (?:of |is |costs? )?(?:nt\$)?\s*\d|\d[\d,]*\s*(?:nt\$)?\s*(?:for the |for a )?round.?trip"
_TRAVEL = r"交通|車資|高鐵|火車|客運|計程車|travel|\btrain\b|\btaxi\b|\bbus\b"
# a level not (yet) held, and the fee words a question about the test fee has
_LEVEL_NOT_HELD = (
    r"還沒考到|沒考到|還沒考過|沒考過|還沒過|還沒有|沒有|未達|未具|不到|"
    r"\b(?:haven t|hasn t|have not|has not|didn t|did not|don t|doesn t|do not|does not) (?:yet )?(?:got|get|pass|passed|reach|reached|have|hold)\b|"
    r"\bwithout (?:a |an )?(?:b1|b2|c1|cefr|english)|\bnot yet\b|\bbelow\b"
)
_FEE_ASKED = r"報名費|費用|補助|補|報帳|核銷|\bfees?\b|reimburs|claim|\bcover|\bpay|\bfund"
_ENGLISH_TEST = r"英檢|報名費|english test|english exam|toeic|gept|ielts|toefl|考\s*[abc][12](?![0-9])|報(?:考)?\s*(?:初級|中級|中高級|高級)?\s*[abc][12](?![0-9])|\b[abc][12](?: level)?(?: english)? (?:test|exam)"
# how many test fees are paid for: 「最多補幾次」 "max registrations we can claim"
_SITTINGS_ASKED = (
    r"(?:補|補助|報|申請|算|領)(?:助)?\s*(?:幾|多少)\s*次|(?:幾|多少)\s*次\s*(?:報名費|的報名費)|"
    r"how many (?:times|sittings|registrations|tests|test fees|fees)|(?:max|maximum|most) (?:registrations|sittings|test fees)"
)
# a test taken in its two parts (多益 聽讀 and 說寫), both named
_BOTH_PARTS = (
    r"聽讀.{0,12}說寫|說寫.{0,12}聽讀|listening.{0,30}speaking|speaking.{0,30}listening|"
    r"(?:兩|2)\s*(?:個|項|部分)?\s*都考|both parts"
)
_PLANS = r"想編|要編|打算編|預計編|編了|\bplann?(?:ed|ing)?\b|\bwant(?:s|ed)?\b"
_CONVERSION = r"幾分(?!鐘)|多少分|等於|相當於|換算|對照|equivalent|count as|convert|what score"
TEACHING_LOAD = (
    r"週\S{0,6}減(?:幾|多少)|"  # 「20週最多減多少」: periods off over weeks
    r"減課|減(?:到|成|少|掉)?\s*(?:\d+|幾|多少)\s*節|減到(?:最多|上限|頂)|少上\s*(?:\d+|幾|多少)\s*節|減授|teaching load|periods? off|reduc|reliev|fewer periods|fewer lessons|"
    r"load\b.{0,12}\bcut|\bcut\b.{0,12}\bload\b|\bdrop\s+\d+|\bdrop(?:ped)?\s+(?:\d+\s+)?periods?"
)
# the most periods a week asked of a reduction (「最多可以減幾節」 "max reductions per week?")
_MOST_PERIODS_ASKED = r"幾\s*節|多少\s*節|how many (?:class-)?periods|\bmax|最多|上限|at most|\bcap\b"
# The one person leading a mode-2 plan, whose reduction may reach 6 periods
LEAD_PERSON = re.compile(r"主要負責|負責人|主要承辦|總負責|總召|副召|召集人|統籌整|統籌計畫|lead|coordinator")
# A computer without saying which: the plan caps desktops with and without a screen and laptops apart.
A_COMPUTER = r"電腦|computer|\bpc\b"
_YES_NO_QUESTION = (
    r"可以嗎|可以吧|行吧|沒問題吧|可以[^\s嗎]{1,3}嗎|全(?:額)?編嗎|都編嗎|(?:上限|額度|範圍)內嗎|可不可以|能不能|行不行|行嗎|ok嗎|夠嗎|會不會超過|會不會超|會超嗎|超過嗎|有超過|超過了嗎|會不會爆|會爆嗎|爆掉|爆了嗎|超支|來得及|合規|符合|允許|可以報|"
    r"可以全額|\bok\b|\bokay\b|\bfine\b|\bacceptable\b|\ballowed\b|\bwithin\b|\bfit\b|\bfits\b|\bis that\b|\bcan we\b|\bcan i\b|\blate\b|"
    r"\bso we (?:could|can|may) (?:put|spend|use|budget|allocate)\b|"  # "so we could put 65k into equipment?"
    + CLAIM_TOLD  # 「組長說部領可以拿80萬」: whether the amount it names holds
)
_KNOWLEDGE = (
    r"項目|哪些|哪個|哪一|哪裡|什麼|怎麼|如何|條件|規定|要不要|需不需要|一定要|可以用在|which|items|conditions|how do|"
    r"what (?:can|is|happens)|where|用在|嗎|誰"
)
_AMOUNT_ASKED = r"多少|最多|最高|上限|幾萬|how much|\bmax|\bcap\b|at most|most we|\bthe most\b"
_LEVEL = re.compile(r"(?<![a-z])([abc][12])(?![0-9])")
_LECTURER_ZH = r"講師|教授|專家|學者|講者"
_LECTURER_EN = r"lecturers?|speakers?|experts?|professors?"
_LECTURE_WORDS = rf"{_LECTURER_ZH}|{_LECTURER_EN}|\bprofs?\b"
_LECTURERS = re.compile(
    rf"(\d+)\s*(?:位|個|名)\s*(?:外聘|內聘)?(?:[\u4e00-\u9fff]{{0,4}}?)(?:{_LECTURER_ZH})|"
    rf"(\d+)\s*(?:(?:external|internal|outside|guest|university|domestic|visiting) ){{0,2}}(?:{_LECTURER_EN})\b(?!\s*(?:fees?|pay|rates?)\b)|"
    # 「兩位本校老師各分享一節」: teachers who each speak are the lecturers
    r"(\d+)\s*(?:位|個|名)\s*[\u4e00-\u9fff]{0,4}?(?:老師|教師)\s*各|"
    # 「講座費 三個人各講五節」: people who each give a talk are the lecturers
    r"(\d+)\s*(?:個人|位|名|人)\s*各\s*(?:講|上|分享|教)|"
    # 「外聘講師3位 每位講2節」: the count after the lecturers named
    rf"(?:{_LECTURER_ZH})\s*(?:共|有)?\s*(\d+)\s*(?:位|個|名|人)(?!次)"
)


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


def has(u: Understanding, pattern: str) -> bool:
    return compiled(pattern).search(u.normalised) is not None


def _taken_back(u: Understanding) -> set[int]:
    """The amounts a message takes back: 「不是20萬」 "180,000, not 200k"."""
    return {a.value for a in u.figures.labelled if TAKEN_BACK.search(a.before)}


def amounts_of(u: Understanding) -> list[int]:
    """The money a message states (not an amount it takes back); a bare number that may be money
    stands in when there is none."""
    back = _taken_back(u)
    stated = [v for v in u.figures.amounts if v not in back]
    # 「模式一 15萬 想買3台平板 一台15000」: a bare price of one thing, beside the money stated, is money too
    priced = [
        a.value
        for a in u.figures.labelled
        if a.bare and a.per_unit and a.value not in stated and re.search(r"[台臺部組套]\s*$", a.before)
    ]
    return stated + priced if stated else [a.value for a in u.figures.labelled if a.bare]


_MEAL_PRICE = re.compile(
    r"(早餐|午餐|中餐|晚餐|早點|breakfast|lunch|dinner|supper)\s*(?:是|要|編|each|is|at)?\s*(\d+)(?![\d萬])"
)
# 「晚餐改150」 "dinner at 150 instead": one meal's price changed
_MEAL_REPRICED = re.compile(
    r"(早餐|午餐|中餐|晚餐|早點|breakfast|lunch|dinner|supper)\s*(?:改成|改為|改|換成|變成|要|編|to|at)?\s*(\d+)(?![\d萬])"
)
_MEAL_OF = {"早點": "早餐", "中餐": "午餐", "breakfast": "早餐", "lunch": "午餐", "dinner": "晚餐", "supper": "晚餐"}


def _meal_prices(normalised: str) -> list[int] | None:
    """The price written after each meal named, when two or more are (None otherwise)."""
    prices = [int(p) for _, p in _MEAL_PRICE.findall(normalised)]
    return prices if len(prices) > 1 else None


def _meal_repriced(previous: Query, u: Understanding) -> Query | None:
    """「晚餐改150呢 反正一天也才330」 after 「早餐60 午餐120 晚餐120 這樣一天可以嗎」: the same meals,
    that one's price changed (each meal is still checked against its own cap)."""
    current = [int(price) for price in previous.inputs.get("meal_prices") or []]
    meals = [_MEAL_OF.get(meal, meal) for meal, _ in _MEAL_PRICE.findall(str(previous.inputs.get("text", "")))]
    meals = meals[: len(current)]  # the meals as first priced, in the order of their prices
    repriced = _MEAL_REPRICED.findall(u.normalised)
    if len(repriced) != 1 or has(u, r"各|都|each|both|all"):
        return None  # 「改成早餐100 午晚各120呢」: the meals priced afresh
    changed = {_MEAL_OF.get(meal, meal): int(price) for meal, price in repriced}
    if previous.item != "meals" or not current or len(meals) != len(current):
        return None
    if not changed.keys() <= set(meals):
        return None
    prices = [changed.get(meal, price) for meal, price in zip(meals, current, strict=True)]
    return replace(previous, inputs=dict(previous.inputs) | {"meal_prices": prices, "amounts": None})


def _labelled(u: Understanding) -> list[Amount]:
    """Amounts with their labels, money and bare numbers of 100 or more, in the order written (not
    those the message takes back)."""
    return [a for a in u.figures.labelled if not TAKEN_BACK.search(a.before)]


def _first(amounts: list[Amount], *labels: str) -> int | None:
    return next((a.value for a in amounts if a.label in labels), None)


def facts_of(u: Understanding) -> dict[str, Any]:
    return {k: v if isinstance(v, (bool, int)) else str(v) for k, v in u.facts.items() if k in SCHOOL_FACTS}


def _people(u: Understanding) -> int | None:
    counts = u.figures.counts
    if counts.joined:
        return sum(counts.people_groups)
    return counts.people


def _both_lecturers(u: Understanding) -> int | None:
    """「兩位都是教授」 "both are university profs": two lecturers."""
    return 2 if has(u, r"\bboth\b|(?:2|兩)(?:位|個)都") and has(u, _LECTURE_WORDS) else None


_PER_DAY_LENGTH = (
    r"(?:每天|每日|一天)(?:各)?(?:講|上|授課|排)?\s*\d+\s*(?:節|小時)|"
    r"\d+\s*(?:periods?|hours?|lessons?) (?:a|per|each) day|(?:each|every|per) day,? \d+ (?:periods?|hours?)"
)


_A_DAY_ASKED = (
    r"(?:[一1]\s*天|每天|每日|per day|a day)\s*(?:的)?\s*(?:最多|上限|最高|可以(?:報|編)?多少|能(?:報|編)?多少|多少|max|cap|limit)|"
    # "max meal budget per day?": the day asked after the cap
    r"\b(?:max|maximum|cap|limit|budget|how much)\b[^.?]{0,25}\b(?:per|a|each) day\s*$"
)


_SESSION_DENIED = {
    "full_day": re.compile(r"全天|全日|整天|一天|一日|full|whole"),
    "half_day": re.compile(r"半天|半日|half"),
}


def _online(u: Understanding) -> bool | None:
    """Whether the message says online (True), denies it (False: 「不是線上」 "not online"), or neither."""
    if u.negated and compiled(r"線上|online").search(u.negated):
        return False
    return True if has(u, r"線上|online") else None


def _item_inputs(u: Understanding) -> dict[str, Any]:
    """Everything an item calculator may need, as plain values."""
    c = u.figures.counts
    lecturers = _LECTURERS.search(u.normalised)
    inputs: dict[str, Any] = {
        "people": _people(u),
        "lecturers": int(next(g for g in lecturers.groups() if g)) if lecturers else _both_lecturers(u),
        "days": c.days,
        "meals": c.meals,
        "nights": c.nights,
        "hours": str(c.hours) if c.hours is not None else None,
        # "what's the lecture fee per session?": a lecture's fee for one period, as 「一節多少」 asks it
        "periods": 1 if c.periods is None and has(u, _LECTURE) and has(u, ONE_PERIOD_EN) else c.periods,
        "semesters": c.semesters,
        "occasions": c.occasions,
        "months": c.months,
        "units": c.units,
        # 「不是半天啦 還是全天」: the session denied is not the one meant
        # (「改線上 一天談4小時」: hours on a day of online consultation, not a full-day visit)
        "full_day": (
            c.full_day
            and not _SESSION_DENIED["full_day"].search(u.negated)
            and not (c.hours is not None and has(u, r"線上|online"))
        )
        or None,
        "half_day": (c.half_day and not _SESSION_DENIED["half_day"].search(u.negated)) or None,
        # (「不是線上 是到校一整天」: online denied, in person)
        "online": _online(u),
        "amounts": amounts_of(u) or None,
        # 「早餐60 午餐120 晚餐120」 "breakfast 80, lunch 120, dinner 150": a price for each meal named
        "meal_prices": _meal_prices(u.normalised),
        # a price per unit among the amounts used (「×800=96000」 is working, not one of them)
        "per_unit": True if any(a.per_unit and a.value in amounts_of(u) for a in u.figures.labelled) else None,
        # 「一班一節」 "per class per period": the rate, for one class
        "classes": _classes_besides_the_rate(u),
        # 「單程1500 來回」 is two fares; 「來回3000」 "3,000 round trip" is one sum
        "round_trip": True if has(u, _ROUND_TRIP) and not has(u, _ROUND_TRIP_SUM) else None,
        "every_day": True if has(u, r"每天都|每日都|每天供餐|每天都有|every day|each day") else None,
        # 「三天 每天講2節」 "2 periods a day for 3 days": the periods are each day's
        "per_day": True if has(u, _PER_DAY_LENGTH) else None,
        # 「三天兩夜…膳費一天最多多少」 "meals, per day max?": one day's cap, whatever the event's length
        "a_day": True if has(u, _A_DAY_ASKED) else None,
        # 「學生每天膳費編300元/人」 "300 a day each": an amount for a whole day, against the day's cap
        # (not a count after the day, 「一天午餐晚餐2餐」, nor beside a price a meal: 「每餐150」)
        "day_amount": True
        if has(
            u,
            r"(?:每天|每日|一天|1天|一日|1日)[^\d]{0,6}\d[\d,]*(?!\s*(?:餐|人|天|日|位|個|次|小時|節))|\d\s*元?\s*/\s*(?:天|日)|\d[\d,]*\s*(?:a|per) day\b",
        )
        and not has(u, _PRICE_A_MEAL)
        else None,
        # 「3場研習…一場講座費多少」: the fee of one session; 「3場總共呢」 all of them
        "per_occasion": (
            False
            if has(u, _WHOLE_TOTAL)
            else True
            if has(u, r"一場|每場|per (?:session|workshop|event)|each (?:session|workshop|event)|one session")
            else None
        ),
        "lecturer": _lecturer(u),
        "asks": True if has(u, _YES_NO_QUESTION) else None,
        "yes_no_only": True if u.asks_only_yes_no else None,  # 「4小時都能報嗎」, not 「可以報多少」
    }
    listed = [int(m.group(1) or m.group(2)) for m in _EACH_ONES_PERIODS.finditer(u.normalised)]
    if len(listed) > 1:
        # 「一位講2節一位講3節」: each lecturer's periods told apart, so many periods in all, of one rate
        inputs |= {"periods": sum(listed), "lecturers": 1, "people": 1}
    return {k: v for k, v in inputs.items() if v is not None}


# 「一位講2節 另一位講3節」 "one for 2 periods, the other for 3": periods told lecturer by lecturer
_EACH_ONES_PERIODS = re.compile(
    r"(?:另外?|其中)?(?:1|一)\s*(?:位|個)\S{0,4}?(\d+)\s*(?:節|堂)|\b(?:1|the other|another)\b[^.,;?\d]{0,20}?\b(\d+)\s+periods?\b"
)


_PER_CLASS_PERIOD = re.compile(r"1\s*班\s*(?:每\s*)?1\s*節|per class per period")
_CLASSES_COUNTED = re.compile(r"(?<![\d.])(\d{1,3})\s*(?:個)?\s*(?:班(?!級數)|classes\b)")


_WHOLE_SCHOOL_CLASSES = r"全校\S{0,3}?\d+\s*(?:個)?班|\b(?:whole|our) school (?:has|is) \d+ classes"


def _classes_besides_the_rate(u: Understanding) -> int | None:
    """The classes an item is counted for: 「一班一節」 "per class per period" is the rate, for one
    class, unless the message counts its classes too (「一班一節800 我們10班各上12節」: 10)."""
    if _PER_CLASS_PERIOD.search(u.normalised) is None:
        # (the school's count said first, the classes the materials are for after them: 「我們12班 …
        # 教學材料費想開6個班 每班上24節」: 6)
        named = re.search(_MATERIALS, u.normalised)
        after = _CLASSES_COUNTED.findall(u.normalised[named.end() :]) if named is not None else []
        if not after and has(u, _WHOLE_SCHOOL_CLASSES):
            return None  # 「我們全校10班 部領只做一個領域…材料費會爆嗎」: the school's size, not the classes taught
        return int(after[0]) if after else u.slots.classes
    counted = [int(n) for n in _CLASSES_COUNTED.findall(_PER_CLASS_PERIOD.sub(" ", u.normalised))]
    return max(counted) if counted else 1


def fee_counted_in(u: Understanding, rules: FundingRules) -> Query | None:
    """The one fee the premium is charged on that a message counts (a lecturer's periods, hours of
    consultation): 「如果另外再請外聘教授講5節」; None when it counts none."""
    # (not a fee named as one the premium is on besides it: 「連同諮詢費」 "together with the consultation")
    besides = re.sub(r"(?:連同|together with|along with)\s*(?:the\s+)?\S{1,12}", " ", u.normalised)
    named = [item for item in rules.items_in(besides) if item in rules.items.premium.base_items]
    counts = u.figures.counts
    if len(named) != 1 or not (counts.periods or counts.hours or counts.people):
        return None
    return Query(ITEM, item=named[0], inputs={k: v for k, v in _item_inputs(u).items() if k != "text"})


def _lecturer(u: Understanding) -> str | None:
    return lecturer_in(u.normalised)


def lecturer_in(normalised: str) -> str | None:
    """The kind of lecturer a text names (the last one named wins: 「不是 我是說內聘」)."""
    if re.search(
        # (the school's own county or city education bureau and its inspectors: 「縣府教育處的督學」)
        r"(?<!沒有)(?<!沒)隸屬|所屬|上級機關|主管機關|affiliated|教育局|教育處|督學|"
        r"(?:county|city|local) (?:education )?(?:bureau|office)|education bureau|school inspector|"
        r"\bbureau (?:person|people|guy|lady|officer|official|staff|rep)\b|"  # "drop the bureau person"
        r"(?:agency|authority|bureau|department) (?:that )?our school (?:is|comes|falls) under|"
        r"our (?:supervising|parent|governing) (?:agency|authority)",
        normalised,
    ):
        return "affiliated"  # 外聘隸屬機關學校人員: a kind of 外聘 with its own rate
    found = [
        (match.start(), kind)
        for kind, pattern in (
            (
                "internal",
                r"內聘|校內|本校的?[\u4e00-\u9fff]{0,4}?(?:老師|教師|主任|校長|同仁)|"
                r"(?:自己|我們)(?:自己)?學校(?:自己)?的?[\u4e00-\u9fff]{0,4}?(?:老師|教師|主任|校長|同仁)|"
                # (「我們自己英文科老師」「自己的體育老師」: the school's own teacher of a subject)
                r"自己的?(?:[\u4e00-\u9fff]{1,3}(?:科|領域)|英文|英語|國文|數學|自然|社會|體育|音樂|美術|藝術)?老師|"
                r"internal|in-house|our own|(?:from|at) our school|our school'?s (?:teacher|principal|director)|"
                # "what if I run it myself? I'm the English teacher here, hired by our school"
                r"(?:hired|employed) by (?:our|the) school|\b(?:run|teach|give|do|lead) it myself\b|我自己(?:來)?(?:講|上|教)",
            ),
            (
                "external",
                r"外聘|校外|外面(?:請|來|的|那)|教授|大學|學者|external|outside|university|professor|\bprof\b|scholar",
            ),
        )
        for match in re.finditer(pattern, normalised)
    ]
    return max(found)[1] if found else None


def told_today(u: Understanding) -> dict[str, str]:
    """{"today": its ISO date} when the message says which day today is (「今天2027年1月5日」), else {}."""
    told = next((d.value for d in u.figures.dates if d.today and d.value is not None), None)
    return {"today": told.isoformat()} if told else {}


def _date_json(u: Understanding, index: int = 0) -> dict[str, Any]:
    return _written_json(u.figures.dates[index])


def _written_json(mention: DateMention) -> dict[str, Any]:
    return {
        "iso": mention.value.isoformat() if mention.value else None,
        "calendar": mention.calendar,
        "month": mention.month,
        "day": mention.day,
        "year": mention.year,
    }


def _part(u: Understanding) -> str | None:
    if has(u, _PARTIAL):
        return "partial_domains"
    if has(u, _LIFE) or u.slots.mode == 1:
        return "bilingual_life"
    return None


# how an amount is to be divided among people or uses the plans give no share for: 「老師增能跟學生活動
# 各要佔幾成」「這50萬平均每人可以用多少」 "split evenly per teacher" (not the teachers' and students'
# parts of a ceiling, which the plan sets: "how is the 部領 part split between teachers and students")
_SPLIT_ASKED = (
    r"各(?:要|應|該|可以|能)?\s*(?:佔|占|分|拿)(?:到)?\s*(?:幾|多少)|平均(?:每|一)\s*(?:人|位|個)|(?:怎麼|如何)分配|分給每(?:人|位|個)|"
    r"\bper (?:teacher|person|head)\b.{0,20}\bon average\b|\bsplit (?:it )?(?:evenly|equally)\b"
)
_THE_PLANS_PARTS = r"(?:教師|老師)\s*(?:跟|和|與|及)\s*學生|\bteachers? and students?\b"


def asks_a_split(u: Understanding) -> bool:
    """Whether a message asks how to divide an amount in a way the plans set no share for."""
    return has(u, _SPLIT_ASKED) and not has(u, _THE_PLANS_PARTS)


def query_for(u: Understanding, rules: FundingRules) -> Query | None:
    """The computation a message asks for, or None when it asks none (a knowledge-base question)."""
    if asks_a_split(u):
        return None  # a division the plans do not make: their rules, or their silence
    if asks_about_a_bound(u):
        return None  # 「資料蒐集費可以超過3萬嗎」: the rule's yes or no, not 3萬 checked as a plan
    if u.asks_obligation:
        return None  # 「資料蒐集費一定要用滿3萬嗎」: whether it is required, which no amount computed answers
    if rules.items.premium.rate in u.figures.percentages and not has(u, _PREMIUM):
        # "what's 2.11% of 15,000 lecture fees?": the premium's own rate names the premium
        u = replace(u, normalised=f"{u.normalised} 補充保費")
    ceiling = _ceiling_asked_last(u, rules)
    if ceiling is not None:
        return ceiling
    if has(u, _OPEN_CLASSROOM) and (visitors := visitors_query(u)) is not None:
        return visitors
    for build in (_date_query, _capital_query, _transfer_query, _share_query, _item_query, _ceiling_query):
        query = build(u, rules)
        if query is not None:
            return query
    return None


# an open classroom's visitors (附件2 模式二 四: 每學期接待總人數至少40人)
_SHORT_ASKED = r"還差|差幾|差多少|不夠|還要幾|還需要|short|more (?:do we need|needed|to go)|how many more"
_AT_LEAST_ASKED = r"最少|至少|起碼|at least|minimum"
_VISITORS_COUNTED = r"多少人|幾人|幾個|幾位|多少位|how many"


def visitors_query(u: Understanding) -> Query | None:
    """「上學期來了28位老師 還差幾個才達標」「一整個學年最少要接待多少人」: an open classroom's visitors
    still needed, or the least over a school year; None when the message asks neither (whether those
    told meet it, 「一學期開兩場 每場25人 符合嗎」, is the entry's rule, with its sessions; the grant
    itself, 「開放觀課另外補多少錢」, is the entry's too)."""
    visitors = u.figures.counts.people
    year = u.figures.counts.semesters == 2  # 「一整個學年」: two semesters
    # (one group of visitors in one semester: 「上學期15人 下學期20人」 or sessions of so many each are
    # the entry's to weigh)
    one_group = len(u.figures.counts.people_groups) <= 1 and not u.figures.counts.occasions
    if visitors is not None and has(u, _SHORT_ASKED) and one_group and not has(u, r"上學期.*下學期|下學期.*上學期"):
        inputs: dict[str, Any] = {"visitors": visitors, "short": True}
        return Query(VERDICT, item="open_classroom", inputs=inputs | ({"semesters": 2} if year else {}))
    if visitors is None and year and has(u, _AT_LEAST_ASKED) and has(u, _VISITORS_COUNTED):
        return Query(VERDICT, item="open_classroom", inputs={"semesters": 2})
    return None


# A last sentence asking a part of the ceiling (「請問部領教師那塊上限多少？」), in either script
_CEILING_PART_ASKED = re.compile(
    r"(?:部[領领]|生活化|模式[一二12]|[總总](?:額|额|上限)|[教老]師|[教老]师|學生|学生)[^，,。？?]{0,8}(?:上限|最多|多少)"
)


def _ceiling_asked_last(u: Understanding, rules: FundingRules) -> Query | None:
    """「…教師專業支持裡我們已經先編了外聘講座8萬、代課鐘點費5萬。請問部領教師那塊上限多少？」: a
    message of several sentences whose last asks a part of the ceiling and names no budget item (the
    items before it are what the school has budgeted): that ceiling, for the school's facts."""
    clauses = clauses_of(u.text)
    if len(clauses) < 2 or u.item is None:
        return None
    last = clauses[-1]
    if _CEILING_PART_ASKED.search(last) is None or rules.match_item(last.lower()) is not None:
        return None
    query = _ceiling_query(replace(u, item=None), rules)
    if query is not None and not re.search(r"\d", last):  # the amounts budgeted are no amount to check
        query = replace(query, inputs={k: v for k, v in query.inputs.items() if k != "planned"})
    return query


def query_after_an_item(u: Understanding, item: str, title: str, rules: FundingRules) -> Query | None:
    """After an answer about `item` (its entry's title words `title`), a follow-up with figures
    (「半天呢」「3位呢」 "and 3 periods?") computes that item; the kind of lecturer the entry is
    about (內聘) stays unless the message names another."""
    query = query_for(replace(u, item=item), rules)
    if query is None or query.item != item:
        return query_for(replace(u, item=item, normalised=f"{title} {u.normalised}"), rules)
    lecturer = lecturer_in(title)
    if item == "lecture_fee" and lecturer and "lecturer" not in query.inputs:
        query = replace(query, inputs=dict(query.inputs) | {"lecturer": lecturer})
    return query


_BOUND = re.compile(
    r"(?:超過|多於|高於|大於|不到|未滿|未達|低於|少於|more than|over|above|exceed(?:ing)?|less than|under|below)"
    r"\s*(?:nt\$?|\$)?\s*$"
)


def asks_about_a_bound(u: Understanding) -> bool:
    """Whether a yes-or-no question names its amounts only as bounds (「可以超過3萬嗎」 "more than
    NT$30,000?" 「單價不到一萬的可以編資本門嗎」): a question about the rule, not a planned amount."""
    written = u.figures.labelled
    return u.asks_permission and bool(written) and all(_BOUND.search(a.before) for a in written)


# The end of a school's approved period, told as such: 「我們的計畫核定執行到116年7月31日」 "our
# project period ends 31 July 2027". The close-out deadline follows from it, and a chat keeps it.
_PERIOD_TOLD = (
    r"執行期間|核定期間|執行到|核定到|計畫到|期程到|approved period|execution period|project period|"
    r"grant period|period (?:ends?|runs)|runs? (?:until|till|to|through)"
)
_HYPOTHETICAL = r"如果|假如|假設|若是|要是|萬一|\bif\b|what if|suppose|say we"
_ASKS = r"[?？]|嗎|呢|多少|幾|什麼|哪|何時|如何|怎麼|可否|能否|\b(?:how|what|which|when|can|may|is|are|do|does)\b"


_LATER = re.compile(
    r"(?:晚|延後|延長|多|往後)\s*(\d+)\s*個?\s*月|(\d+)\s*個?\s*月\s*(?:後|以後)(?:才)?(?:結束|到期)|"
    r"(\d+)\s*months? (?:later|longer|more)|extended by (\d+)\s*months?"
)
_EARLIER = re.compile(r"(?:早|提早|提前|少|縮短)\s*(\d+)\s*個?\s*月|(\d+)\s*months? (?:earlier|sooner|shorter)")


_A_MONTH = re.compile(r"\ba month\b")


def _month_shift(u: Understanding) -> int:
    """By how many months a message moves a date (「晚一個月」 +1, "2 months earlier" −2; 0 if none)."""
    text = _A_MONTH.sub("1 month", u.normalised)  # "ends a month later"
    for pattern, sign in ((_LATER, 1), (_EARLIER, -1)):
        match = pattern.search(text)
        if match:
            return sign * int(next(g for g in match.groups() if g))
    return 0


def tells_period_end(u: Understanding) -> bool:
    """Whether a message gives the school's own period end (not 「如果執行到10/31」, a what-if)."""
    return bool(u.figures.dates) and has(u, _PERIOD_TOLD) and not has(u, _HYPOTHETICAL)


def asks_closeout_date(u: Understanding) -> bool:
    """「核結最晚哪天」 "when is the close-out due?" with no date of its own."""
    return not u.figures.dates and has(u, _CLOSEOUT) and has(u, _DEADLINE)


def asks_the_deadline_of_a_date(u: Understanding) -> bool:
    """「另外一校是核定到117年1月31日 那縣府最晚哪天」: one date given and its deadline asked, naming
    no close-out (a follow-up of one computed before)."""
    return len(u.figures.dates) == 1 and has(u, _DEADLINE) and not has(u, _CLOSEOUT)


def period_end_text(end: dict[str, Any]) -> str | None:
    """How a chat keeps a period end (a `Query` date input): as written, 「116/7/31」 (民國),
    「2027/7/31」 or 「7/31」 (no year: the plan's period decides it); None for a day that does not exist."""
    if end.get("year") is not None and not end.get("iso"):
        return None
    return "/".join(str(end[k]) for k in ("year", "month", "day") if end.get(k) is not None)


def period_end_in(u: Understanding) -> str | None:
    """The period end a message gives (`period_end_text`): its last date, the end of a range."""
    return period_end_text(_written_json(u.figures.dates[-1])) if u.figures.dates else None


def closeout_after(period_end: str) -> Query | None:
    """The close-out deadline of a period end kept by `period_end_text` (None if it is unreadable)."""
    try:
        *year, month, day = (int(part) for part in period_end.split("/"))
    except ValueError:
        return None
    if len(year) > 1 or not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    mention = date_as_written(year[0] if year else None, month, day)
    if year and mention.value is None:
        return None
    return Query(CLOSEOUT, inputs={"end": _written_json(mention)})


# 「還有幾天」 "how many days left": the days from today to a date
DAYS_TO_THE_END = r"幾天|多少天|剩幾|還有幾|\bhow many days\b|\bdays? (?:left|remain|away|until|till)\b"


def _date_query(u: Understanding, rules: FundingRules) -> Query | None:
    dates = u.figures.dates
    period_ends = has(u, r"執行期間|執行到|period|ends?|結束|到期|屆滿|\buntil\b")
    approved = has(u, r"執行期間|核定期間|approved period|execution period")
    filing = has(u, r"\bfil(?:e|ed|ing)\b|函報|送件") and approved
    # 「執行期間到 7/31，最晚何時」 "our execution period ends on…; what's the deadline?": the close-out
    ending = approved and period_ends and has(u, _DEADLINE)
    # the period end told and nothing asked: its close-out deadline is what follows from it
    told = tells_period_end(u) and not u.item and not has(u, _ASKS)
    today = told_today(u)
    if dates and period_ends and has(u, DAYS_TO_THE_END) and not has(u, _CLOSEOUT):
        # 「距離執行期結束116/7/31還有幾天」 "our period ends 116/7/31. How many days left?": to that end
        end = next((i for i, d in enumerate(dates) if not d.today), 0)
        return Query(CLOSEOUT, inputs={"end": _date_json(u, end), "to_the_end": True} | today)
    if dates and (has(u, _CLOSEOUT) or filing or ending or told) and (has(u, _DEADLINE) or period_ends or told):
        # 115/8/1~116/7/31: a period, whose end counts; otherwise a second date is a filing date
        between = re.sub(r"\d{2,4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}", "D", u.text)  # dates' own hyphens out
        # (a dash between the two dates, not one before "in time?" after them)
        if len(dates) > 1 and re.search(
            r"(?:D|\d|日)\s*[~～至–—]\s*(?:D|\d)|D\s*(?:-|to|through|until)\s*D|\d\s*(?:to|through|until)\s*\d", between
        ):
            inputs: dict[str, Any] = {"end": _date_json(u, len(dates) - 1)}
        else:
            # (a date said to be today is the day of filing: 「今天是2026年12月2日，執行期到2027年8月31日」)
            end = next((i for i, d in enumerate(dates) if not d.today), 0)
            inputs = {"end": _date_json(u, end)}
            if len(dates) > 1:
                inputs["filed"] = _date_json(u, 1 if end == 0 else 0)
        return Query(CLOSEOUT, inputs=inputs | today)
    if u.item:
        return None
    if has(u, r"第\s*[3-9三四五]\s*階段|\bphase\s*(?:[3-9]|three|four)\b|\bthird phase\b"):
        return None  # "will there be a phase 3 after 119?": no phase of the plan's to compute with
    if dates and has(u, _SCHOOL_YEAR + r"|哪一?年|which year"):
        # "the 115 school year runs 1 Aug 2026 to 31 Jul 2027. right?": a span claimed, checked
        claimed = len(dates) == 2 and CONFIRMATION_ASKED.search(u.normalised) is not None
        return Query(SCHOOL_YEAR, inputs={"date": _date_json(u, 0)} | ({"until": _date_json(u, 1)} if claimed else {}))
    if has(u, r"為什麼|為何|\bwhy\b") or amounts_of(u) or facts_of(u):
        return None  # 「為什麼114學年開始…」, "will mode 1 still be 15萬 in 116": not which year or phase
    if has(u, _NOT_A_PHASES_DATES):
        return None  # 「第二階段什麼時候開始申請」「第一階段結束要評鑑嗎」: not the phase's own dates
    if has(u, r"(?:之後|以後|過後)(?:還有|呢|會|的)|\b(?:after|beyond)\b") and not has(
        u, r"第\s*[12]\s*階段|phase\s*[12]"
    ):
        return None  # 「119學年之後還有嗎」: what follows the plan's period, which it does not say
    if (
        u.slots.year is not None
        and has(u, _SCHOOL_YEAR)
        and has(
            u,
            _STILL
            + r"|第幾階段|哪個階段|哪一?階段|期程內|which phase|\bin phase\b|phase [12] or|最後(?:一|1)天|第(?:一|1)天|最後(?:一|1)個"
            + r"|開始|結束|起訖|到哪[一1]?天|到什麼時候|start|end|begin|last day|first day",
        )
    ):
        return Query(SCHOOL_YEAR, inputs={"year": u.slots.year} | _days_left_asked(u) | _span_asked(u))
    phase = re.search(r"第\s*([12])\s*階段|phase\s*([12])", u.normalised)
    if phase and has(u, r"開始|結束|起訖|哪[一1]?天|何時|什麼時候|幾月幾號|到哪|start|end|begin|when|date"):
        return Query(SCHOOL_YEAR, inputs={"phase": int(phase.group(1) or phase.group(2))} | _days_left_asked(u))
    return None


_WHEN_ASKED = r"開始|結束|起訖|哪[一1]?天|何時|什麼時候|幾月幾號|最後(?:一|1)天|第(?:一|1)天|\bstarts?\b|\bends?\b|\bbegins?\b|\bwhen\b|last day|first day"


# dates a phase or school year does not give: its applications, evaluations, briefings
_NOT_A_PHASES_DATES = r"申請|報名|評鑑|考核|審查|說明會|\bappl(?:y|ication)|evaluat|\breview|\bbriefing"


def _span_asked(u: Understanding) -> dict[str, Any]:
    """「115學年度什麼時候結束」: the year's first and last day are asked (not whether a phase holds it)."""
    span = has(u, _WHEN_ASKED) and not has(u, _STILL + r"|階段|期程內|phase|\bwithin\b|\bcovered\b")
    return {"span": True} if span else {}


def _days_left_asked(u: Understanding) -> dict[str, Any]:
    """「第一階段什麼時候結束 從今天算還剩幾天」: the days from today to that end are asked too."""
    return {"days_left": True} if has(u, DAYS_TO_THE_END) else {}


# an amount told as what something comes to: 「30%也就是36萬」「等於21萬」 "which is 360k"
_WORKED_OUT = re.compile(r"(?:也就是|就是|即|等於|算起來|算出來|\bwhich is|\bthat is|\bi\.?e\.?|=)\s*$")


def _transfer_query(u: Understanding, rules: FundingRules) -> Query | None:
    moving = has(u, _LIFE + r"|過來|過去|進來") or has(u, r"挪|併入|流用|reallocat|\bmove|\bshift|\btransfer")
    if not (has(u, _TRANSFER) and has(u, _TEACHER_SUPPORT + "|" + _PARTIAL) and moving):
        return None
    amounts = _labelled(u)
    inputs: dict[str, Any] = {}
    teacher = _first(amounts, "teacher")
    claimed = [a for a in amounts if _WORKED_OUT.search(a.before)]
    if teacher is None and claimed and u.facts.get("classes") and u.facts.get("domains"):
        # 「部領經費的30%也就是36萬挪去生活化 對嗎 我們2個領域12個班」: the amount a share was worked out
        # to, checked; the teacher funding is the school's ceiling's, from its facts
        amounts = [a for a in amounts if a not in claimed]
        inputs["planned"] = claimed[0].value
    if teacher is None and amounts:
        teacher = (
            max(a.value for a in amounts if a.label not in ("life",))
            if any(a.label != "life" for a in amounts)
            else None
        )
    if teacher is not None:
        inputs["base"] = teacher
    life = _first(amounts, "life")
    if life is not None:
        inputs["life"] = life
    others = [a.value for a in amounts if a.value not in (teacher, life)]
    # 「可以挪20萬嗎」 "can we move 200k?": the amount moved, checked against the 30%
    if (
        others
        and "planned" not in inputs
        and has(
            u,
            _YES_NO_QUESTION
            + r"|想挪|想調|want to move|plan to move|(?:挪|移|調|併)\s*\d|\b(?:move|shift)\s+(?:nt\$)?\d",
        )
    ):
        inputs["planned"] = others[0]
    if u.figures.percentages:
        inputs["rate"] = str(u.figures.percentages[0])
    if "base" not in inputs and not (u.facts.get("classes") and (u.facts.get("domains") or u.facts.get("mode"))):
        return None
    # only mode 2 has partial-domain teacher funding to move
    return Query(TRANSFER, facts=facts_of(u) | {"mode": 2}, inputs=inputs)


# An amount itself put under capital (「可以把6萬編在資本門嗎」 "can we put 60,000 into capital?"): the
# capital planned, not a device whose side is asked (「單價8000的喇叭可以編在資本門嗎」)
_CAPITAL_AMOUNT = (
    r"(?:把|將)\s*\d+\s*(?:萬|元)?\s*(?:都|全部)?\s*(?:編|放|列|算)(?:在|進|到|入)?\s*資本門|"
    r"\b(?:put|budget|list|move|spend)\s+(?:nt\$?|\$)?\d+k?\s+(?:in|into|under|as|on)\s+資本門"
)


# 「最多買幾台」 "how many tablets can we buy": devices the capital pays for
_HOW_MANY_DEVICES = (
    # (not 「想買幾台可以用好幾年的電腦 這部分最多可以編多少」: "a few", an amount asked after it)
    r"(?:買|購買|購置|可以買|能買)\s*(?:得起)?\s*(?:幾|多少)\s*[台臺部組](?!.*(?:多少|上限))|"
    r"how many (?:\w+ ){0,3}(?:tablets?|laptops?|notebooks?|computers?|devices?|projectors?|units?|screens?|sets?)\b"
)
# 「每台都抓上限價」 "at the cap price": a device priced at its unit-price cap
_AT_THE_CAP = r"上限價|上限的價|最高價|抓上限|用上限|cap price|at the cap|at its cap|at the max"


def _devices_the_capital_buys(u: Understanding) -> Query:
    """「那5萬的資本門 最多買幾台」「那照一台1萬5算 資本門最多買幾台」: the capital told (else the
    school's capital cap) and the price of one (told, or the device's cap)."""
    amounts = _labelled(u)
    inputs: dict[str, Any] = {"part": _part(u), "how_many": True, "text": u.normalised}
    told = [a.value for a in amounts if a.label == "capital" and not a.per_unit]
    price = [a.value for a in amounts if a.per_unit or a.value not in told]
    if told:
        inputs["capital_told"] = told[0]
    if price:
        inputs["device_price"] = price[0]
    elif has(u, _AT_THE_CAP):
        inputs["device_at_cap"] = True
    return Query(CAPITAL, inputs=inputs)


_BRANCH_NAMED_BEFORE = re.compile(r"(?:分校|分班|branch)\S{0,3}\s*$")


def _capital_query(u: Understanding, rules: FundingRules) -> Query | None:
    if not has(u, _CAPITAL) or (u.item and u.item != "equipment") or u.asks_share or has(u, _NO_CAPITAL):
        return None  # (「如果資本門不編了 15萬全部放經常門呢」: no capital at all, the recurrent told)
    if u.figures.percentages and not amounts_of(u) and _claims_the_ceiling(u) and not has(u, r"多少|幾萬|how much"):
        return None  # 「資本門最多占30%對不對」: the rule's share, claimed; no amount to compute or asked
    if has(u, _HOW_MANY_DEVICES):
        return _devices_the_capital_buys(u)
    if has(u, r"單價|unit price|unit cost") and not amounts_of(u):
        return None  # 「單價要多少以上才能放資本門」: the equipment rule's unit price, no capital amount
    amounts = _labelled(u)
    priced_devices = bool(u.figures.counts.units) and any(a.per_unit for a in amounts) and len(amounts) > 1
    if (
        # (「資本門想買平板 一台上限多少」: the cap of one; 「每台2萬8 會超嗎」 prices the devices bought)
        # (「資本門買平板 一台上限1萬5 所以編15000沒問題吧」: one device's price, checked)
        (
            has(u, r"單價|unit price|unit cap|each")
            or (has(u, r"(?<!\d)[1一每]\s*[台臺]") and (not amounts_of(u) or (u.figures.counts.units or 1) == 1))
        )
        and equipment_kind(rules, u.normalised) is not None
        and not priced_devices
    ):
        return None  # a device's unit price: the equipment rules
    # 「可以編在資本門嗎」 "can we put a tablet costing 18,000 under capital?": which side a device
    # goes on (not "the most we can put into capital", an amount)
    goes_under = r"\b(?:put|go|goes|claim|budget|list|count)\b.{0,40}\b(?:under|into|in|as) 資本門"
    if not has(u, _CAPITAL_AMOUNT) and (
        has(
            u,
            r"(?:編|放|列|算)(?:在|進|到)?\s*資本門\s*(?:嗎|還是|呢|可以嗎|可以吧|可不可以|行嗎|行吧|ok嗎|對嗎|對吧)|可以(?:編|放|列)資本門",
        )
        # (「擴音喇叭一組8000 放資本門ok?」: a thing named, asked the same way)
        or (has(u, r"(?:編|放|列|算)(?:在|進|到)?\s*資本門\s*(?:ok|okay|好嗎)") and _ANOTHER_THING.search(u.normalised))
        or (has(u, goes_under) and not has(u, _AMOUNT_ASKED))
        # 「还有投影布幕9000 也放资本门」「投影機8000可以用資本門買嗎」 "buy a projector that costs 8,000
        # with the capital money?": one thing under 1 萬 said to go under capital
        or (
            has(
                u,
                r"(?:編|放|列|算)(?:在|進|到)?\s*資本門\s*(?:對吧|對嗎|吧|嗎|好嗎)?\s*$|(?:用|拿)\s*資本門.{0,4}買|\bbuy\b.{0,50}\bwith (?:the |our )?資本門",
            )
            and len(amounts) == 1
            and amounts[0].value < rules.items.equipment.capital_min_unit
        )
        # "what about a 9,000 projector under capital?": a device priced under 1 萬, named going under it
        or (
            has(u, r"\b(?:under|into|in|as|from) 資本門")
            and "equipment" in rules.items_in(u.normalised)
            and len(amounts) == 1
            and amounts[0].value < rules.items.equipment.capital_min_unit
        )
    ):
        return Query(VERDICT, item="equipment", inputs=_item_inputs(u) | {"text": u.normalised})
    amounts = _labelled(u)
    if (
        u.item == "equipment"
        and (u.figures.counts.units or any(a.per_unit for a in amounts))
        and not u.figures.counts.units
    ):
        return None  # a price of a device: the equipment rules
    if u.item == "equipment" and equipment_kind(rules, u.normalised) is not None and not has(u, r"資本門|capital"):
        return None
    # 「連分校那5萬一起算的話 資本門最多」: the branch's extra named, part of the ceiling, not a request
    extra = rules.ceilings.branch_extra.amount
    if has(u, r"一起|連同|\bincluding\b|\btogether\b"):
        amounts = [a for a in amounts if not (a.value == extra and _BRANCH_NAMED_BEFORE.search(a.before))]
    claimed = len(amounts) == 1 and bool(u.facts) and CLAIMED_BEFORE.search(amounts[0].before) is not None
    if claimed:
        amounts = []  # 「8班2個領域，資本門10%是10萬嗎」: the cap it claims, for its facts (not a request of 10萬)
    if not amounts and not has(u, _AMOUNT_ASKED) and not claimed:
        return None
    inputs: dict[str, Any] = {"part": _part(u)}
    said_capital = False  # the one amount given is the capital planned, checked against the school's cap
    teacher, student = _first(amounts, "teacher"), _first(amounts, "student")
    units = u.figures.counts.units
    price = next((a.value for a in amounts if a.per_unit), None)
    if units == 1 and price is not None and price < rules.items.equipment.capital_min_unit and len(amounts) == 1:
        # 「資本門裡面有一台9000塊的喇叭 也放資本門」: one device under 1 萬, which the equipment rule
        # moves to recurrent, not a capital amount to check against the cap
        return Query(VERDICT, item="equipment", inputs=_item_inputs(u) | {"text": u.normalised})
    if units and price is not None:
        inputs["planned"] = price * units  # 4 台 × 1萬5
        amounts = [a for a in amounts if not a.per_unit]
    if teacher is not None and student is not None:
        inputs["base"] = teacher + student
        inputs["part"] = "partial_domains"
        rest = [a.value for a in amounts if a.label not in ("teacher", "student")]
        if rest and "planned" not in inputs:
            inputs["planned"] = rest[0]
    elif amounts and "planned" in inputs:
        inputs["base"] = max(a.value for a in amounts)
    elif (
        len(amounts) == 1
        and not amounts[0].per_unit  # 「資本門買平板，一台18000可以嗎」: a device's price
        and not has(u, _AMOUNT_ASKED)
        and (
            has(u, _CAPITAL_AMOUNT)
            or (
                (u.asks_permission or has(u, _PLANS + "|" + _YES_NO_QUESTION + r"|編\s*\d"))
                and (
                    amounts[0].label == "capital"
                    or has(u, r"(?:for|of|on|into|under) (?:the )?(?:equipment|capital|資本門|設備)")
                )
            )
        )
    ):
        # 「20班 資本門編6萬可以嗎」 "we planned 50,000 for equipment. ok?": an amount said to be the
        # capital, asked whether it may be (not how much may be), is the capital planned, not the
        # total its cap is a share of (「資本門最多多少 我們申請25萬」)
        inputs["planned"] = amounts[0].value
        said_capital = True
    elif amounts:
        base = _first(amounts, "total", "life", "") if len(amounts) > 1 else amounts[0].value
        planned = [a.value for a in amounts if a.label == "capital" and a.value != base]
        inputs["base"] = base if base is not None else max(a.value for a in amounts)
        if planned:
            inputs["planned"] = planned[0]
        elif len(amounts) > 1:
            others = sorted((a.value for a in amounts if a.value != inputs["base"]), reverse=True)
            if others:
                inputs["planned"] = others[0]
    if has(
        u,
        r"挪|併入|調入|移入|撥過去|撥入|撥到|轉入|轉過去|moved (?:\w+ )*(?:in|into)|after (?:the )?(?:move|transfer|shift)|transferred (?:\w+ )*(?:in|into)|"
        r"after (?:moving|shifting|transferring)|once (?:it\W?s |it is )?(?:moved|shifted|transferred)",
    ):
        inputs["after_transfer"] = True
        if u.yes_no_form and has(u, _GROWS):
            inputs["grows_asked"] = True  # 「挪過去之後 資本門上限會跟著變大嗎」: no, it stays
        if has(u, _LIFE):
            inputs["part"] = "bilingual_life"
        capital = _first(_labelled(u), "capital")
        if capital is None and len(amounts) == 1 and has(u, r"資本門|capital|equipment"):
            capital = amounts[0].value  # "can campus-life capital go up to 50k?": the capital, whatever its label
        if capital is not None and "planned" not in inputs:  # the cap is fixed: a capital amount is planned
            inputs["planned"] = capital
            said_capital = True
            if inputs.get("base") == capital:
                del inputs["base"]
    if "base" not in inputs and not (u.facts or u.asks_amount or said_capital):
        return None
    return Query(CAPITAL, facts=facts_of(u), inputs={k: v for k, v in inputs.items() if v is not None})


# an amount written after 「是」 "is": what the question claims the answer is, not a figure to compute with


# the recurrent part asked as an amount (not 「經常門可以買設備嗎」, what it may pay for)
# ("recurrent" is normalised to 經常門)
_RECURRENT_ASKED = (
    r"經常門.{0,6}(?:多少|剩|至少|最少|對嗎|是不是)|(?:剩|剩下).{0,4}經常門|"
    r"經常門.{0,16}\b(?:how much|left|at least|then|right)\b|\bthe rest\b.{0,12}經常門|\bcurrent\b.{0,20}\b(?:how much|left|at least)\b"
)
_THE_REST = r"其餘|其他|剩下|剩餘|\bthe rest\b|\bremaining\b|\beverything else\b"
# the recurrent part said to be what the capital leaves: 「扣掉設備剩下的」 "the rest after equipment"
_REST_AFTER_CAPITAL = (
    r"(?:扣掉|扣除|減掉|去掉|除了)\s*(?:設備|資本門)|(?:設備|資本門).{0,6}(?:以外|之外)|"
    r"(?:after|minus|less|besides|other than|apart from) (?:the )?(?:equipment|capital|資本門|設備)"
)
CAPITAL_CAP = "cap"  # a SHARE's capital: the capital cap of the school's ceiling, when it has one


_RECURRENT_NAMED = r"經常門|recurrent|current (?:budget|expense|spending|total)|running costs?|operating costs?"


def _share_query(u: Understanding, rules: FundingRules) -> Query | None:
    if u.item not in ("misc", "teaching_aids"):
        return None
    amounts = _labelled(u)
    if not amounts:
        if has(u, _REST_AFTER_CAPITAL):
            # 「經常門就是扣掉設備剩下的錢 雜支最多多少」 after a ceiling: its rest after the capital cap
            return Query(SHARE, item=u.item, inputs={"capital": CAPITAL_CAP})
        if u.lang == "en" and u.asks_amount and has(u, r"\bour\b|\bwe\b"):
            # "how much can we spend on 雜支 in our mode 1 plan?": a share of our recurrent total, asked for
            return Query(SHARE, item=u.item, facts=facts_of(u))
        amount_asked = r"(?:最多|最高)(?:可以|能|可)?(?:編|報|抓|放|用)?(?:到)?\s*(?:幾塊|多少(?:錢)?)(?!\s*(?:%|％|趴|成|percent))"
        if u.lang != "en" and not u.asks_share and has(u, amount_asked):
            # 「請問雜支最多可以編幾塊」: our amount, a share of our recurrent total, asked for (not
            # 「雜支最多可以編多少%」, the share itself)
            return Query(SHARE, item=u.item, facts=facts_of(u))
        return None
    item_label = "misc" if u.item == "misc" else "aids"
    recurrent = _first(amounts, "recurrent")
    total = _first(amounts, "total")
    capital = _first(amounts, "capital")
    planned = _first(amounts, item_label)
    if total is not None and capital is not None:
        # 「申請25萬 資本門５萬。經常門有：出席費2人×2000…」: the recurrent budget is what the capital
        # leaves of the total (the first amount after 「經常門」 is one of its items)
        recurrent = total - capital
    if recurrent is None and total is not None and capital is None and not has(u, _RECURRENT_NAMED):
        # 「拿總額25萬去乘20%」: the total is no base of a share of the recurrent budget (the recurrent
        # total told before is, or is asked for)
        rest = [a.value for a in amounts if a.value != total]
        return Query(
            SHARE, item=u.item, inputs={"total": total} | ({"planned": planned or rest[0]} if rest or planned else {})
        )
    if recurrent is None and capital is not None and len(amounts) == 1:
        # 「資本門編7萬 其餘都編經常門」「那照資本門7萬，雜支最多多少」: the rest of the school's ceiling
        # (Query.facts) is recurrent
        return Query(SHARE, item=u.item, inputs={"capital": capital})
    # (not "our running costs add up to 180,000 … how much for misc": the recurrent named, its amount)
    alone = len(amounts) == 1 and not amounts[0].label and has(u, _RECURRENT_NAMED)
    if planned is None and len(amounts) == 1 and recurrent is None and total is None and has(u, _PLANS) and not alone:
        planned = amounts[0].value  # "we had planned 25,000 for misc. Is that OK?": the item's own amount
    if planned is None and len(amounts) == 1 and recurrent is None and total is None and u.asks_permission:
        return None  # 「收據：郵票500元 可以報雜支嗎」: whether a cost is of the item, which its rule answers
    if recurrent is None and planned is not None and len(amounts) == 1 and total is None:
        # 「雜支編了3萬5 會超過嗎」: the amount is the item's own; the total it is a share of is
        # still to come (from the chat's last question, or asked for)
        return Query(SHARE, item=u.item, inputs={"planned": planned})
    lines = _listed_lines(amounts, rules)
    if recurrent is None and total is None and capital is None and len(lines) > 1 and u.item in dict(lines):
        # 「我编了 讲师费3万 餐费2万 杂支5000 杂支有没有超」: the recurrent budget is every line listed
        values = [value for _, value in lines]
        return Query(SHARE, item=u.item, inputs={"base": sum(values), "planned": dict(lines)[u.item], "lines": values})
    whole = recurrent
    if recurrent is None:
        unlabelled = sorted((a.value for a in amounts if a.label not in (item_label,)), reverse=True)
        recurrent = whole = unlabelled[0] if unlabelled else max(a.value for a in amounts)
        if capital is not None and capital != recurrent:
            recurrent -= capital  # "we got 150,000. if 30,000 goes to equipment": 120,000 (no planned 150,000)
    if planned is None:
        rest = [a.value for a in amounts if a.value not in (recurrent, whole, total, capital)]
        planned = rest[0] if rest else None
    inputs: dict[str, Any] = {"base": recurrent}
    if planned is not None and planned != recurrent:
        inputs["planned"] = planned
    if capital is not None and total is not None:
        inputs["total"], inputs["capital"] = total, capital
    elif capital is not None and whole != recurrent:
        inputs["total"], inputs["capital"] = whole, capital  # (kept: 「不買設備了」 gives the whole back)
    return Query(SHARE, item=u.item, inputs=inputs)


def _listed_lines(amounts: list[Amount], rules: FundingRules) -> list[tuple[str, int]]:
    """The recurrent budget lines a message lists, each amount after the item it is of (「講師費3萬
    餐費2萬 雜支5000」); a price of one (一節 2,000) or a capital line is none."""
    named = [(rules.item_named_last(a.before), a) for a in amounts if not a.per_unit]
    return [(item, a.value) for item, a in named if item is not None and item != "equipment"]


_TOTAL = r"加上|加起來|一共|總共|合計|共多少|(?:費|講座|出席|住宿|膳食?|便當|諮詢)\s*(?:加|和|跟|與)|\+|plus|in total|total|combined|altogether|added up|\btogether\b"
# (beside an own lecturer, a professor or scholar is the guest: 「教授講3節 本校老師講2節」)
_EXTERNAL_PERIODS = re.compile(
    r"(?:外聘|校外|教授|學者|external|outside|university|professor|\bprof\b)\D{0,30}?(\d+)\s*(?:節|堂|periods?)"
)
_INTERNAL_PERIODS = re.compile(
    r"(?:內聘|校內|本校|自己學校|自己的?(?:老師|教師)|internal|our own|in-house)\D{0,30}?(\d+)\s*(?:節|堂|periods?)"
)
_SPEAKER_MEAL = r"請他|請講師|幫他|buy (?:him|her|them) (?:a )?(?:lunch|dinner|meal)|for (?:him|her)"


# 「兩位教授各講3節」 "2 professors, 3 periods each": the lecturers counted just before their kind
_COUNTED_BEFORE = re.compile(r"(\d+)\s*(?:位|個|名)?\s*$")


def _lecturers_before(u: Understanding, part: re.Match[str]) -> dict[str, int]:
    """{"lecturers": n} when a count of lecturers is written right before a lecturer's part and the
    part says each gives its periods (各, each); {} otherwise."""
    counted = _COUNTED_BEFORE.search(u.normalised[max(0, part.start() - 6) : part.start()])
    each = re.search(r"各|每位|每人|\beach\b", part.group(0))
    return {"lecturers": int(counted.group(1))} if counted and each and int(counted.group(1)) > 1 else {}


def _combined_query(u: Understanding, inputs: dict[str, Any]) -> Query | None:
    """Two items asked together (「講師費加膳費」, a guest and an own lecturer): each computed as
    its own line, then the sum."""
    external, internal = _EXTERNAL_PERIODS.search(u.normalised), _INTERNAL_PERIODS.search(u.normalised)
    # (a guest's and an own lecturer's periods are two lines whether their sum is asked or each: 「各多少」)
    both_lecturers = bool(external and internal) and not has(u, _PREMIUM)  # (the premium on them: its own query)
    pieces = _parts_by_piece(u) if not has(u, _PREMIUM) else None  # (the premium on them: its own query)
    # (lecturers of kinds told apart, each with periods: 「外聘教授講6節 另外有隸屬關係的教育處人員講2節」)
    lecturers_apart = pieces is not None and {part["item"] for part in pieces} == {"lecture_fee"}
    if not has(u, _TOTAL) and not both_lecturers and not lecturers_apart:
        return None
    parts: list[dict[str, Any]] = []
    if external and internal:
        parts += [
            {"item": "lecture_fee", "lecturer": kind, "periods": int(match.group(1))} | _lecturers_before(u, match)
            for kind, match in (("external", external), ("internal", internal))
        ]
    elif pieces is not None:
        parts = pieces
    else:
        fee = "lecture_fee" if has(u, _LECTURE) else "consultation_fee" if has(u, CONSULT) else None
        if has(u, _LODGING) and not (inputs.get("periods") or inputs.get("hours")):
            fee = None  # 「兩個講師 兩天膳費加一晚住宿」: the speakers' meals and lodging, no fee of theirs counted
        if fee is None or not has(u, _MEAL):
            return _items_added(u, inputs)
        if not any(k in inputs for k in ("periods", "hours", "people", "amounts", "full_day", "half_day")):
            return None  # 「膳費住宿講座全部加起來」 with no figure: nothing to add up yet
        speaker = {
            k: inputs[k] for k in ("periods", "hours", "full_day", "half_day", "online", "lecturer") if k in inputs
        }
        count = "lecturers" if fee == "lecture_fee" else "people"  # how the fee's calculator counts its speakers
        parts.append({"item": fee, count: inputs.get("lecturers", 1)} | speaker)
        diners = 1 if has(u, _SPEAKER_MEAL) else inputs.get("people", 1)
        meal = {k: inputs[k] for k in ("meals", "days") if k in inputs}
        parts.append({"item": "meals", "people": diners} | meal)
    return Query(ITEM, item="combined", inputs={"parts": parts, "text": u.normalised})


# An event told piece by piece (「外聘學者講3節 參加老師40人吃午餐 講座加膳費最多多少」): each item's
# figures are those of its own piece of the message, or of the piece just before that names no item
# (「參加老師40人 吃午餐」); 「各」「再」 "each", "then" take the people told before (「2位委員出席3次 再住宿2晚」).
_PIECE_END = re.compile(r"[\s,，、;；。:：!！?？()（）+＋]+")
# (English words are spaced: its clauses, and what 「+」 "plus" joins)
_PIECE_END_EN = re.compile(r"[,，、;；。:：!！?？()（）+＋]+|\.(?!\d)|\band\b|\bplus\b")
_PLAIN = Normalizer()  # (the message's own words, punctuation kept where its pieces end)
_PIECE_ITEMS = (
    ("lecture_fee", _LECTURE),
    ("lodging", _LODGING),
    ("attendance_fee", ATTEND),
    ("meals", _MEAL),
    ("consultation_fee", CONSULT),
)
_ONE_PERSON = re.compile(r"^\D*(?:教授|講師|講者|\bthe (?:professor|speaker|lecturer)\b)")  # (no count before)
_THE_SAME_PEOPLE = re.compile(r"各|每位|每人|再|也|還|\beach\b|\bthen\b|\balso\b")  # 「再住宿2晚」: those told


def _piece_counts(piece: str) -> dict[str, Any]:
    c = read_figures(piece).counts
    told: dict[str, Any] = {
        "people": sum(c.people_groups) if c.joined else c.people,
        "nights": c.nights,
        "days": c.days,
        "meals": c.meals,
        "hours": str(c.hours) if c.hours is not None else None,
        "periods": c.periods,
        "occasions": c.occasions,
        "full_day": c.full_day or None,
        "half_day": c.half_day or None,
    }
    return {k: v for k, v in told.items() if v is not None}


def _parts_by_piece(u: Understanding) -> list[dict[str, Any]] | None:
    """Each item's line with the figures of its own piece of the message (see _PIECE_END), when
    two items or more have figures of their own, or one item has in several pieces, each with its
    own people; the items a last piece without figures names (「講座加膳費最多多少」) are those added
    up. None when the pieces do not tell items apart (one item told over several pieces,
    「第一天午餐晚餐 第二天早餐午餐」, is one event's, read whole)."""
    lines: list[tuple[dict[str, Any], bool]] = []  # each part, and whether its people are its own piece's
    pending: dict[str, Any] = {}
    people: int | None = None
    lecturers: int | None = None  # (counted in a lecture's piece: 「外聘講師2位各3節」)
    asked: set[str] = set()
    waiting: list[str] = []  # a lecture named before its periods (「請2位外聘學者 各上4節」)
    lecture_piece = ""  # (the piece that named it, for the lecturer's kind)
    unnamed: list[str] = []  # pieces naming no item since the last that did (who a lecturer is)
    for piece in (_PIECE_END_EN if u.lang == "en" else _PIECE_END).split(_PLAIN.plain(u.text)):
        piece = piece.strip()
        told = pending | (_piece_counts(piece) if piece else {})
        named = [item for item, pattern in _PIECE_ITEMS if piece and compiled(pattern).search(piece)]
        if "lecture_fee" in named and not {"periods", "hours"} & set(told):
            named.remove("lecture_fee")  # 「教授要住1晚」「兩個講師的話」: the lecturers, no lecture counted
            # (「請2位外聘學者 各上4節」: its lecturers counted, the periods in the next piece)
            waiting = ["lecture_fee"] if not named and u.lang != "en" and "people" in told else []
        elif not named and waiting and {"periods", "hours"} & set(told):
            named, piece = waiting, f"{lecture_piece} {piece}"  # its periods come in the next piece
        if not named:
            pending = told
            lecture_piece = piece
            unnamed.append(piece)
            continue
        waiting, pending, before = [], {}, unnamed
        unnamed = []
        asks_them = not told or (not re.search(r"\d", piece) and "people" not in told)
        # (" + someone from the bureau 2 periods. lecture fees?": the periods before are that lecture's)
        counted_before = named == ["lecture_fee"] and bool({"periods", "hours"} & set(told)) and u.lang == "en"
        if asks_them and not counted_before:
            asked |= set(named)  # 「講座加膳費最多多少」 "lecture plus lunch?": the items asked, told before
            continue
        if "people" not in told and _ONE_PERSON.search(piece):
            # 「教授要住1晚」: the one lecturer; 「講師各住一晚」: each of the lecturers counted before
            told["people"] = lecturers if lecturers and _THE_SAME_PEOPLE.search(piece) else 1
        own_people = "people" in told
        if "people" not in told and people and _THE_SAME_PEOPLE.search(piece):
            told["people"] = people
        people = told.get("people", people)
        for item in named:
            part = {"item": item} | {k: told[k] for k in _PART_INPUTS[item] if k in told}
            if item == "lecture_fee":
                # ("+ someone from the city education bureau (affiliated with us) 2 periods": who, before)
                lecturer = lecturer_in(piece) or lecturer_in(" ".join(before))
                part |= ({"lecturer": lecturer} if lecturer else {}) | (
                    {"lecturers": told["people"]} if "people" in told else {}
                )
                lecturers = told.get("people", lecturers)
            lines.append((part, own_people))
    if asked:
        lines = [(part, own) for part, own in lines if part["item"] in asked]
    items = [part["item"] for part, _ in lines]
    # (one item in several pieces, each with people of its own: 「講師2人各住2晚 工作人員3人各住1晚」)
    apart = all(own for part, own in lines if items.count(part["item"]) > 1)
    # (or lecturers of different kinds, each with periods of their own: 「外聘6節 + 隸屬機關人員2節」)
    kinds = [part.get("lecturer") for part, _ in lines if part["item"] == "lecture_fee"]
    apart = apart or (set(items) == {"lecture_fee"} and None not in kinds and len(set(kinds)) == len(kinds))
    return [part for part, _ in lines] if len(items) >= 2 and (apart or len(set(items)) == len(items)) else None


# The figures each item's line takes when several are added up (「住宿+出席費 total」).
_PART_INPUTS = {
    "lecture_fee": ("periods", "hours", "lecturer", "lecturers"),
    "lodging": ("people", "nights", "days"),
    "attendance_fee": ("people", "occasions"),
    "meals": ("people", "meals", "days", "full_day", "half_day"),
    "consultation_fee": ("people", "days", "hours", "half_day", "full_day", "online"),
}


# the items an event's sum is made of, line by line
EVENT_LINE_ITEMS = frozenset(_PART_INPUTS)


def _items_added(u: Understanding, inputs: dict[str, Any]) -> Query | None:
    """「2位專家各住1晚 再各出席一次會議 住宿+出席費 total」: each item named, with the figures
    the message gives for it, as a line of its own, then the sum."""
    named = [
        item
        for item, pattern in (
            # (a lecture counted by its periods: 「外聘教授講3節 再加一晚住宿 總共最多多少」)
            ("lecture_fee", _LECTURE if inputs.get("periods") and not has(u, _PREMIUM) else r"(?!)"),
            ("lodging", _LODGING),
            ("attendance_fee", ATTEND),
            ("meals", _MEAL),
            ("consultation_fee", CONSULT),
        )
        if has(u, pattern)
    ]
    people = inputs.get("people") or inputs.get("lecturers")
    if len(named) < 2 or not any(
        inputs.get(k) for k in ("people", "lecturers", "nights", "occasions", "meals", "days", "periods")
    ):
        return None
    parts = [
        {"item": item}
        | {k: inputs[k] for k in _PART_INPUTS[item] if inputs.get(k) is not None}
        | ({"people": people} if people and "people" in _PART_INPUTS[item] else {})
        for item in named
    ]
    return Query(ITEM, item="combined", inputs={"parts": parts, "text": u.normalised})


# a count just before a price per unit: 「2 位專家出席費各 2000」「講座 3 節、每節 2000」
_COUNTED = r"(\d+)\s*-?\s*(?:位|個人|人|節|次|場|小時|hours?\b|people\b|persons?\b|sessions?\b|periods?\b|experts?\b|members?\b)"
_COUNT_BEFORE = re.compile(_COUNTED)


def count_priced(amount: Amount, adjacent: bool = False) -> int:
    """How many of a price per unit the words before it count (1 when none or not per unit); a
    count multiplied by the price (「出席費2人×2000」) counts it too, and with `adjacent` a count
    just before it (「出席費2人 2000」, a message as kept once normalised, the × gone)."""
    times = (_ADJACENT_COUNT if adjacent else _TIMES_BEFORE).search(amount.before)
    counts = _COUNT_BEFORE.findall(amount.before) if amount.per_unit else []
    if times is not None:
        counts = [times.group(1)]
    return int(counts[-1]) if counts else 1


_TIMES_BEFORE = re.compile(_COUNTED + r"\s*[×xX*]\s*$")  # 「2人×」
_ADJACENT_COUNT = re.compile(_COUNTED + r"\s*[×xX*]?\s*$")  # 「2人 」, the × normalised away


_PRICE_A_PERIOD = re.compile(
    r"(?:每節|一節|1節|per period|a period)\s*(?:給|是|算)?\s*(\d[\d,]*)|(\d[\d,]*)\s*元?\s*(?:/\s*節|一節|每節|a period|per period)"
)


def _lectures_of_two_lecturers(u: Understanding) -> list[list[Any]] | None:
    """The talks of a guest and an own lecturer told with their periods (「外聘教授4節(每節2000)加本校
    老師2節」, read as _combined_query reads them): [kind, periods, price a period or None] each, the
    price the one written in that lecturer's part; None unless both are told."""
    found = [
        (match, kind)
        for match, kind in (
            (_EXTERNAL_PERIODS.search(u.normalised), "external"),
            (_INTERNAL_PERIODS.search(u.normalised), "internal"),
        )
        if match is not None
    ]
    if len(found) < 2:
        return None
    found.sort(key=lambda pair: pair[0].start())
    lectures: list[list[Any]] = []
    for i, (match, kind) in enumerate(found):
        end = found[i + 1][0].start() if i + 1 < len(found) else len(u.normalised)
        priced = _PRICE_A_PERIOD.search(u.normalised, match.start(), end)
        price = int((priced.group(1) or priced.group(2)).replace(",", "")) if priced else None
        lectures.append([kind, int(match.group(1)), price])
    return lectures


# how many of an item's units an amount buys: 「24000可以排幾節」「6800可以供幾個人天」「一個人能住幾晚」
# "how many hours of him can we pay for?" (the amount itself is read as the item's amount)
_HOW_MANY_IT_BUYS = re.compile(
    r"(?:排|請|付|支付|上|供|住|吃|報|用|開|辦|補|買|有)?\s*幾\s*(?:個)?\s*(?:人天|人日|人次|人餐|班節|節|堂|小時|鐘頭|晚|夜|位|個?人|餐|份|本|學期)"
    r"(?!\s*(?:的|就|才|以上|以內|而已))|"
    r"夠\s*(?:幾|多少)|"
    r"\bhow many (?:more )?(?:hours|periods|sessions|lessons|nights|people|persons|meals|books|class[- ]?periods|"
    r"person-days|days of meals|attendances|semesters|experts|scholars)\b|"
    r"\bhow many (?:can|could) (?:we|i) (?:get|buy|afford|order|pay for)\b|"  # "books are 600 each, how many can we get"
    r"\bhow many\s*班節"
)


_CLASS_PERIODS_ASKED = r"幾\s*(?:個)?\s*班節|how many (?:class[- ]?periods|班節)"


def _rate_words_dropped(inputs: dict[str, Any], u: Understanding) -> dict[str, Any]:
    """`inputs` of a question of what an amount buys without the one class and one period its rate
    is of (「材料費是一班一節800對吧 那10萬可以排幾個班節」: 一班一節 no count of them)."""
    if any(a.per_unit for a in u.figures.labelled) and inputs.get("classes") == 1 and inputs.get("periods") == 1:
        return {k: v for k, v in inputs.items() if k not in ("classes", "periods")}
    return inputs


def asks_how_many_it_buys(u: Understanding) -> bool:
    """Whether a message asks how many units (periods, nights, class-periods) of something, amount or not."""
    return _HOW_MANY_IT_BUYS.search(u.normalised) is not None


def asks_what_it_buys(u: Understanding) -> bool:
    """Whether a message asks how many units an amount it tells buys (not 「幾節」 told as a count)."""
    if _HOW_MANY_IT_BUYS.search(u.normalised) is None:
        return False
    # (「教學材料費可以上幾班節」: the share of the school's student ceiling, no amount told)
    return bool(amounts_of(u)) or (u.item == "teaching_materials" and has(u, _CLASS_PERIODS_ASKED))


def _item_query(u: Understanding, rules: FundingRules) -> Query | None:
    if FOREIGN_SPEAKER.search(u.normalised):
        return None  # no rate to compute with: the knowledge base says the plan gives none
    if has(u, _OPEN_CLASSROOM) and amounts_of(u) and u.asks_permission:
        return None  # 「開放觀課的6萬可以付講師費嗎」: what the grant may pay for, not a fee's price
    inputs = _item_inputs(u) | {"text": u.normalised} | _cap_claim(u)
    if asks_what_it_buys(u):
        inputs = _rate_words_dropped(inputs, u) | {"buys": True}
    c = u.figures.counts
    combined = _combined_query(u, inputs)
    if combined is not None:
        return combined
    if has(u, _PREMIUM) and not has(u, _PREMIUM_LEFT_OUT):
        # 「…總共一萬 補充保費編211 對嗎」: the premium the user put down, checked, is none of its fees
        told = [a for a in u.figures.labelled if _PREMIUM_TOLD.search(a.before.lower())]
        labelled = [a for a in u.figures.labelled if a not in told]
        if told and labelled:
            inputs["premium_told"] = told[-1].value
            inputs["amounts"] = [a.value for a in labelled if a.value in (inputs.get("amounts") or [])] or None
        # 「出席費 4000 + 講座 16000 + 住宿 6000」: each amount with the item written before it
        written = [(rules.match_item(a.before.lower()), a.value * count_priced(a)) for a in labelled]
        lectures = _lectures_of_two_lecturers(u)
        if lectures is not None:
            return Query(ITEM, item="premium", inputs=inputs | {"lectures": lectures})
        pieces = _parts_by_piece(u) if not u.figures.amounts else None
        if pieces is not None:
            # 「研習請2位外聘學者 各上4節 另外請2位專家出席 補充保費要編多少」: each fee from its own piece,
            # the premium on their sum
            return Query(ITEM, item="premium", inputs={"parts": pieces, "text": u.normalised})
        if len(written) > 1 and all(item for item, _ in written):
            fees: dict[str, int] = {}
            for item, value in written:
                fees[str(item)] = fees.get(str(item), 0) + value
            inputs["fees"] = fees
        elif len(written) > 1 and any(value != a.value for (_, value), a in zip(written, labelled, strict=True)):
            # "attendance to 2 experts at 2,000 each, plus a 3-period talk at 2,000 a period": each
            # price times what it is counted by, the items not all named
            inputs["amounts"] = [value for _, value in written]
        # (「專家諮詢一整天 補充保費多少」: a day of consultation is its hours)
        a_day = (inputs.get("full_day") or inputs.get("half_day")) and has(u, r"諮詢|consult")
        if any(inputs.get(k) for k in ("periods", "hours", "amounts")) or a_day:
            return Query(ITEM, item="premium", inputs=inputs)
        attending = fee_counted_in(u, rules)
        if attending is not None and attending.item == "attendance_fee":
            # 「另外兩位學者來出席會議 出席費照上限 補充保費要編多少」: the fees of the people attending, at the cap
            part = {"item": "attendance_fee", "people": attending.inputs["people"]}
            return Query(ITEM, item="premium", inputs={"parts": [part], "text": u.normalised})
        return None
    several = (_people(u) or 0) >= 2 and has(u, _TOTAL)
    # (「這學期算20週 整學期最多減幾節」: the weekly caps over the weeks told)
    over_weeks = c.weeks is not None
    asked = has(u, _MOST_PERIODS_ASKED) and not u.asks_yes_no
    if has(u, TEACHING_LOAD) and c.periods is None and (several or over_weeks) and asked:
        # 「3個老師每人都減到上限 加起來幾節」 "1 lead + 5 teachers, max reductions added up?": the
        # caps, added up (one person's cap is the rule's answer)
        lead = LEAD_PERSON.search(u.normalised) is not None
        people = _people(u) or 0
        groups = u.figures.counts.people_groups
        if lead and u.figures.counts.joined and 1 in groups:
            people -= 1  # "1 main coordinator + 5 teachers": the lead is one of them
        return Query(
            VERDICT,
            item="teaching_load",
            facts=facts_of(u),
            inputs={"at_cap": True, "lead": lead, "people": people, "text": u.normalised}
            | ({"weeks": c.weeks} if over_weeks else {}),
        )
    if has(u, TEACHING_LOAD) and c.periods is not None:
        inputs["lead"] = LEAD_PERSON.search(u.normalised) is not None
        # (「每週減3節 上學期20週下學期19週 減了多少」: the week's periods over the weeks told)
        return Query(VERDICT, item="teaching_load", facts=facts_of(u), inputs=inputs | _weeks_told(u))
    kind = equipment_kind(rules, u.normalised)
    if kind is None and u.item == "equipment" and amounts_of(u) and has(u, r"資本門|經常門|capital|recurrent"):
        return Query(VERDICT, item="equipment", inputs=inputs)
    if kind is None and u.item == "equipment" and c.units and any(a.per_unit for a in u.figures.labelled):
        return Query(VERDICT, item="equipment", inputs=inputs)  # 「買兩台投影機 一台2萬5 會超嗎」: priced devices
    if kind is None and amounts_of(u) and has(u, A_COMPUTER) and has(u, _YES_NO_QUESTION):
        return Query(VERDICT, item="equipment", inputs=inputs)  # 「電腦一台28000可以嗎」: which computer is asked
    if kind is not None and has(u, r"單價|unit price|上限|\bcap\b|最多|how much") and not amounts_of(u):
        return Query(ITEM, item="equipment", inputs=inputs | {"units": c.units or 1})
    if kind is not None and (amounts_of(u) or c.units):
        return Query(
            # (「再買兩台平板 一台16000」: a price of one, told, is checked against the device's cap)
            ITEM
            if not amounts_of(u)
            or (
                c.units
                and not has(u, _YES_NO_QUESTION)
                and (u.asks_amount or not any(a.per_unit for a in u.figures.labelled))
            )
            else VERDICT,
            item="equipment",
            inputs=inputs,
        )
    if has(u, _ENGLISH_TEST) and (
        has(u, _CONVERSION)
        or has(u, r"哪(?:一|個)?(?:級|個等級)|\bwhich\b.{0,12}\b(?:level|score|band)\b|\bcounts? as\b")
    ):
        # 「B1 大概是多益幾分」 "which GEPT level counts as B1?": a conversion the plans do not give, not a fee
        return None
    if has(u, _ENGLISH_TEST) and has(u, _LEVEL_NOT_HELD) and not has(u, _FEE_ASKED):
        return None  # 「上课老师英检还没考到B1 还能申请吗」: who may teach, not a test fee
    if has(u, _ENGLISH_TEST) and has(u, _SITTINGS_ASKED) and not amounts_of(u):
        parts = 2 if has(u, _BOTH_PARTS) else 1
        people = _people(u) or 1
        if people > 1 or parts > 1:
            # 「5位老師 聽讀跟說寫都考 最多補幾次」: each person's once, each part of a split test once
            return Query(ITEM, item="english_test", inputs={"people": people, "test_parts": parts, "sittings": True})
    if has(u, _ENGLISH_TEST):
        if _LEVEL.search(u.normalised) and not amounts_of(u):
            return Query(VERDICT, item="english_test", inputs=inputs)
        if amounts_of(u):
            return Query(ITEM, item="english_test", inputs=inputs)
        return None
    named = named_item(u)
    if named is None:
        return None
    # (the materials of a school whose size is told, 「我們全校10班 部領只做一個領域…材料費會爆嗎」: a share
    # of its student foundation ceiling)
    school_told = named == "teaching_materials" and facts_of(u).get("classes") is not None
    if not any(inputs.get(k) is not None for k in _NEEDS[named]) and not school_told:
        return None
    # 「可以編營隊的午餐嗎」 names a meal, it does not count them (「午餐跟晚餐兩餐」 does, and so does
    # 「午餐晚餐都在學校吃 膳費最多編多少」: two meals named, their amount asked)
    two_named = len(meals_named(u.normalised)) > 1 and (u.asks_amount or has(u, r"\bbudget\b"))
    if set(inputs) & set(_NEEDS[named]) == {"meals"} and not has(u, r"\d\s*(?:餐|meals?\b)") and not two_named:
        return None
    if named == "teaching_materials":
        inputs = _without_the_product(u, inputs, rules)
    if named == "teaching_materials" and "periods" not in inputs and "amounts" not in inputs:
        # 「模式二 6班 2個領域 教學材料費最多多少」: the class count is the school's, and the cap is
        # a share of the school's student foundation ceiling, not 6 classes × 1 period
        return Query(ITEM, item=named, facts=facts_of(u), inputs=inputs)
    if named == "teaching_materials" and facts_of(u).get("mode") == 2:
        # 「部領只做藝術領域 8班 … 8班 × 10節 × 800 會不會超過」: the school's student foundation
        # ceiling bounds the share, whatever is budgeted under it
        return Query(ITEM, item=named, facts=facts_of(u), inputs=inputs)
    return Query(ITEM, item=named, inputs=inputs)


# the one amount given as an item's cap: 「住宿費上限一晚2000」「出席費一次最多2500」 "capped at 2,000 a night";
# 「最多」 "at most" before a price is as often the user's own plan (「我們膳費頂多一餐100 這樣ok吧」), so
# it gives a cap only in someone's word (「聽說出席費一次最多2500」)
_CAP_WORDS = r"上限|封頂|\bcapped at|\bcap (?:is|of)|\blimit (?:is|of)|\bmax(?:imum)? is"
_MOST = r"最多|最高|頂多|不(?:能|得)?超過|\bat most|\bup to"
_THEN_THE_AMOUNT = (
    r"\s*(?:是|為|就是|只有|只能)?\s*(?:每|一|1)?\s*(?:個人|人|晚|天|日|節|次|小時|餐|場)?"
    r"\s*(?:是|為|就是|只有|只能)?\s*(?:nt\$|\$)?\s*$"
)
_CAP_GIVEN = re.compile(f"(?:{_CAP_WORDS}){_THEN_THE_AMOUNT}")
_CAP_OR_MOST_GIVEN = re.compile(f"(?:{_CAP_WORDS}|{_MOST}){_THEN_THE_AMOUNT}")


def _claims_an_items_cap(u: Understanding) -> bool:
    """Whether the one amount of a message is what someone says an item's cap is, asked to be
    confirmed (「同事說住宿費上限一晚2000 對嗎」), not a price planned under it."""
    amounts = u.figures.labelled
    if len(amounts) != 1 or not _claims_the_ceiling(u):
        return False
    given = _CAP_OR_MOST_GIVEN if has(u, _HEARSAY) else _CAP_GIVEN
    return given.search(amounts[0].before.lower()) is not None


def _cap_claim(u: Understanding) -> dict[str, bool]:
    return {"cap_claimed": True} if _claims_an_items_cap(u) else {}


def _cap_claim_of(query: Query | None, u: Understanding) -> Query | None:
    """A revised item's query claiming a cap only when the follow-up itself does (「那膳費一餐最多100
    對吧」 after lodging's claimed cap; not 「那兩晚呢」 after it)."""
    if query is None or query.kind != ITEM:
        return query
    inputs = {k: v for k, v in query.inputs.items() if k != "cap_claimed"} | _cap_claim(u)
    return replace(query, inputs=inputs)


_PRODUCT_SAID = re.compile(r"(?:算|共|總共|合計|=|就是|也就是|\bis\b|\bthat s\b|\bcomes to\b)\s*$")


def _without_the_product(u: Understanding, inputs: dict[str, Any], rules: FundingRules) -> dict[str, Any]:
    """「６個班 每班上10節 一節800 算48000 對嗎」: an amount worked out as the classes × periods × the
    rate is the user's own product, to be worked out again, not a student total the materials are a
    share of (「材料費48000 這樣可以嗎」 after a student total is the amount planned, checked)."""
    classes, periods = inputs.get("classes"), inputs.get("periods")
    amounts = [int(a) for a in inputs.get("amounts") or []]
    cap = rules.items.teaching_materials.cap
    if not classes or not periods or not amounts:
        return inputs
    rate = min([a for a in amounts if a <= cap] or [cap])
    product = int(classes) * int(periods) * rate
    worked_out = any(a.value == product and _PRODUCT_SAID.search(a.before) for a in u.figures.labelled)
    if not worked_out or product <= cap:
        return inputs
    kept = [a for a in amounts if a != product]
    return {k: v for k, v in inputs.items() if k != "amounts"} | ({"amounts": kept} if kept else {})


# What an item's computation needs, one of: without any, the rule itself answers (「交通費呢」).
_NEEDS = {
    "lecture_fee": ("periods", "hours", "amounts"),
    "consultation_fee": ("hours", "amounts", "half_day", "full_day"),
    "attendance_fee": ("people", "occasions", "amounts"),
    "meals": ("people", "amounts", "days", "full_day", "half_day", "meals"),
    "lodging": ("people", "nights", "days", "amounts"),
    "teaching_materials": ("classes", "amounts", "periods"),
    "language_study": ("people", "semesters", "amounts"),
    "data_collection": ("amounts",),
    "travel": ("amounts",),
    "substitute_fee": ("amounts",),
}


def counted_by(item: str | None) -> tuple[str, ...]:
    """The inputs an item's computation is counted from (「諮詢費」: hours, amounts, half or full day)."""
    return _NEEDS.get(item or "", ())


def computed_from(query: Query) -> dict[str, Any]:
    """The inputs an item's computation is counted from (its `_NEEDS`), or all of a query's inputs
    but the words it was asked with: what a revision must change to compute something else."""
    needs = _NEEDS.get(query.item or "")
    asked = ("text", "asks", "yes_no_only")
    return {k: v for k, v in query.inputs.items() if (k in needs if needs else k not in asked)}


def _names_the_lecturer(u: Understanding, inputs: dict[str, Any], switch: str | None) -> bool:
    """Whether a follow-up naming another item is about the lecturer or expert (one person)."""
    named = has(u, r"講師|專家|教授|lecturer|speaker|expert")
    return named and "people" not in inputs and switch not in (None, "lecture_fee")


# Costs counted by an event's participants: its head count and days are the same for each
EVENT_COSTS = frozenset({"meals", "lodging", "travel", "student_travel"})

_CALCULATED = (
    "substitute_fee",
    "lodging",
    "travel",
    "lecture_fee",
    "consultation_fee",
    "attendance_fee",
    "meals",
    "teaching_materials",
    "language_study",
    "data_collection",
)


def named_item(u: Understanding) -> str | None:
    """The item with a calculator that a message names: the rules' own keywords first, then the
    words people use for it."""
    for key, pattern in (
        ("lodging", _LODGING),
        ("travel", r"高鐵|火車|客運|計程車|車資|單程|來回|\btrain\b|\btaxi\b|round.?trip"),
        ("meals", r"膳費|餐費|便當|\d\s*餐|午餐|晚餐|早餐|留下來吃"),
    ):
        if compiled(pattern).search(MEALTIME.sub(" ", u.normalised)):
            return key  # 「外聘講師要住兩晚」「外聘講師來兩天 膳費…」 are about lodging and meals, though they name the lecturer
    if u.item in _CALCULATED:
        return u.item
    for key, pattern in (
        ("lodging", _LODGING),
        ("travel", r"高鐵|火車|客運|計程車|車資|單程|來回|交通費|\btrain\b|\btaxi\b|bus fare|round.?trip"),
        ("lecture_fee", _LECTURE),
        ("consultation_fee", CONSULT),
        ("attendance_fee", ATTEND),
        ("meals", _MEAL),
        ("teaching_materials", _MATERIALS),
        ("language_study", _LANGUAGE_STUDY),
        ("data_collection", _DATA),
        ("travel", _TRAVEL),
    ):
        if u.item == key or compiled(pattern).search(MEALTIME.sub(" ", u.normalised)):
            return key
    return None


_THE_EXTRA_ASKED = r"另外|額外|多拿|再拿|多給|加碼|\bextra\b|\badditional\b|\bon top\b"


def _ceiling_query(u: Understanding, rules: FundingRules) -> Query | None:
    facts = facts_of(u)
    if not _is_ceiling_question(u, facts):
        return None
    if facts.get("open_classroom") and "classes" not in facts and has(u, _THE_EXTRA_ASKED):
        # 「讓外校的人進來看課 可以另外再拿一筆錢 大概多少」: the open-classroom grant, not the ceiling
        return None
    inputs: dict[str, Any] = {}
    amounts = amounts_of(u)
    # "mode 2 would give us 1.2 million in total. is that right?" "our principal thinks mode 1 tops
    # out at 350k": what someone says the ceiling is, checked to be it once the facts it lacks are
    # told (with every fact told, the figure is checked as one of the rule's: 「上限25萬對吧」 「是。」)
    claimed = _claims_the_ceiling(u) and not _every_fact_told(facts)
    if amounts and (has(u, _YES_NO_QUESTION + r"|申請|是不是|照.{0,6}算|\bis it\b|" + _PLANS) or claimed):
        inputs["planned"] = max(amounts)
        inputs |= {"claimed": True} if claimed else {}
    if u.compares:
        compare = _comparison(u, facts)
        if compare is not None and has(u, _ADDED_UP) and not has(u, _DIFFERS):
            # 「國小部18班 國中部9班 兩邊都做模式一 加起來最多多少」: two divisions' ceilings added up
            first, second = compare["values"]
            inputs["plus"] = facts | {compare["fact"]: first}
            facts = facts | {compare["fact"]: second}
        elif compare is not None:
            inputs["compare"] = compare | _claimed_higher(u)
            facts = {k: v for k, v in facts.items() if k != compare["fact"]}
    focus = focus_of(u) or (_labelled_part(u) if "planned" in inputs else None)
    if focus is None and "planned" in inputs and facts.get("mode") == 2 and _life_part_alone(u):
        focus = "bilingual_life"  # 「模式二的生活化…我們30班所以25萬？」: the amount of the part named
    if focus == "open_classroom" and "classes" not in facts:
        return None  # 「開放觀課額外補助多少」: a fixed 6萬 whatever the size, which its rule states
    if facts.get("open_classroom") and "classes" not in facts and has(u, _MORE_ASKED):
        return None  # 「想開放教室讓別校老師來觀課 這樣可以多拿多少」: the same fixed 6萬, its rule's
    if focus:
        inputs["focus"] = focus
    return Query(CEILING, facts=facts, inputs=inputs)


# how much more, or what extra, a fact brings
_MORE_ASKED = r"多拿|多給|多補|多多少|額外|另外補|加碼|\bextra\b|\badditional\b|how much more"
# two ceilings asked added up, not compared
_ADDED_UP = (
    r"加起來|加总|加總|合計|總共|一共|兩邊.{0,4}(?:共|合)|\btogether\b|\bcombined\b|in total|\badd(?:ed)? up\b|\bsum\b"
)
_DIFFERS = r"差|相比|比較|比起|\bdifference\b|\bcompare|\bvs\b|versus|more than|less than"


_PART_OF_LABEL = {"life": "bilingual_life", "teacher": "pd_teacher", "student": "pd_student"}


def _life_part_alone(u: Understanding) -> bool:
    """Whether a mode-2 message names the campus-life part and neither the partial domains nor a
    whole (「模式二的生活化也是看班級數 …25萬？」 claims the part's amount, not mode 2's total)."""
    return has(u, r"生活化|campus.life") and not has(
        u, _WHOLE + "|" + _WHOLE_TOTAL + r"|部領|partial|含|包括|including"
    )


def _labelled_part(u: Understanding) -> str | None:
    """The ceiling part the planned amount is written for (「生活化…35萬」), to compare it with."""
    labelled = [a for a in u.figures.labelled if not a.bare]
    largest = max(labelled, key=lambda a: a.value, default=None)
    return _PART_OF_LABEL.get(largest.label) if largest is not None else None


def _every_fact_told(facts: dict[str, Any]) -> bool:
    """Whether a ceiling's school facts are all told (mode 2's domains too)."""
    return {"mode", "classes"} <= facts.keys() and (facts["mode"] == 1 or "domains" in facts)


def _claims_the_ceiling(u: Understanding) -> bool:
    """Whether a message gives an amount as someone's word, or asks to confirm it."""
    return CONFIRMATION_ASKED.search(u.normalised) is not None or has(u, _HEARSAY)


# someone's word an amount is given as: 「主任說」「同事覺得」 "our principal thinks", "my colleague says"
_HEARSAY = r"說|認為|以為|覺得|\bthinks?\b|\bsays?\b|\bsaid\b|\bclaims?\b|\binsists?\b|\btold (?:me|us)\b"
# 「模式二比模式一多 對嗎」 "our VP insists mode 1 gives more money than mode 2. who's right?": which of
# the two (in the order written) a claim says is higher, to be checked
_FIRST_HIGHER = r"比.{0,12}(?:多|高)|\b(?:more|higher|bigger) (?:[a-z]+ )?than\b"
_FIRST_LOWER = r"比.{0,12}(?:少|低)|\b(?:less|lower|smaller) (?:[a-z]+ )?than\b"
# (besides a confirmation asked or someone's word, _claims_the_ceiling: 「真的假的」「誰對」「比較多嗎」)
_CLAIM_CHECKED = r"真的|沒錯|誰對|(?:多|少|高|低)嗎"


def _claimed_higher(u: Understanding) -> dict[str, int]:
    """{"claimed_higher": 0 or 1} when a comparison is a claim asked to be checked; {} otherwise
    (「模式二比模式一多多少」 asks how much, it claims nothing)."""
    claims = _claims_the_ceiling(u) or has(u, _CLAIM_CHECKED)
    if not claims or has(u, r"多多少|少多少|差多少|how much (?:more|less)"):
        return {}
    if has(u, _FIRST_HIGHER):
        return {"claimed_higher": 0}
    if has(u, _FIRST_LOWER):
        return {"claimed_higher": 1}
    return {}


def _comparison(u: Understanding, facts: dict[str, Any]) -> dict[str, Any] | None:
    """Two values of one fact to compare: 「9班 2個領域比1個領域」「12班 明年變13班」「模式一 vs 模式二」."""
    alternatives = dict(u.alternatives)
    if len(alternatives.get("classes", ())) < 2 and "classes" in alternatives:
        extra = [n for n in u.figures.bare_numbers if 1 <= n <= 200 and n not in alternatives["classes"]]
        if extra:
            alternatives["classes"] = (*alternatives["classes"], extra[0])
    if has(u, r"second domain|第二個領域|再加一個領域") and alternatives.get("domains", (1,)) == (1,):
        alternatives["domains"] = (1, 2)
    for name in ("mode", "domains", "classes"):
        values = alternatives.get(name, ())
        if len(values) >= 2:
            return {"fact": name, "values": list(values[:2])}
    return None


_WHOLE = r"全部加起來|全部合計|加起來總共|總共最多|最多總共|合計最多|全部最多|總共多少|一共多少|合計多少|all (?:of it )?(?:together|combined)|grand total|in total altogether"


# 「模式二的雙語生活化 我們有分班也要做 最多多少」: mode 2's campus-life part, named with its amount
# (not the plan's name, 雙語生活化校園計畫, nor where money moves to: 「挪幾成去生活化」)
# (nor the plan named by what people call it: 「教育部那個雙語生活化 我們想做模式二 最多可以補多少」)
_LIFE_ASKED = r"(?<![去到入])(?<!那個雙語)(?<!教育部雙語)生活化(?!校園|計畫|多元)[^部挪併]{0,16}?(?:最多|多少|上限)"


def focus_of(u: Understanding) -> str | None:
    """The part of a ceiling a message asks about: 「教師的部分呢」「學生奠基呢」「資本門呢」「觀課那部分」;
    none when it asks the whole (「生活化那邊有分校…全部加起來最多多少」)."""
    if has(u, _WHOLE):
        return None
    if u.facts.get("mode") == 2 and has(u, _LIFE_ASKED) and not has(u, r"部領|partial"):
        return "bilingual_life"
    for focus, pattern in (
        (
            "partial_domains",
            r"不含生活化|部領(?:那塊|那邊|的部分|部分|經費|的經費|那部分)|部領.{0,16}額度|部領(?:的)?(?:最多|上限)|"
            r"部領\s*(?:總額|total|多少|max(?:imum)?\b|ceiling|cap\b|limit)|"  # ("部領 max?")
            r"partial.domains? (?:max|part|money|funding|ceiling|cap|limit|total)|"
            r"\bsubjects? (?:part|side|portion|funding|money)\b|"  # "the subject part": the domains taught bilingually
            # "max for partial domain?" "how much for the partial domains?"
            r"\b(?:max|maximum|ceiling|cap|limit|total|how much)\s+(?:for|of|on)\s+(?:the\s+)?(?:部領|partial.domains?)\b|"
            r"\bpl (?:max|part|money|funding|ceiling|cap|limit|total|budget|side)\b|"  # "PL ceiling?"
            r"bilingual.teaching (?:part|money|funding|ceiling|cap|limit|total)",
        ),
        (
            "bilingual_life",
            r"生活化(?:那塊|那邊|的部分|部分|那部分)|生活化.{0,4}(?:額度|上限|最多|最高)|"
            r"campus.life (?:part|ceiling|cap|limit|max)|bilingual.campus.life part",
        ),
        # (and described by how long it lasts: 「可以用很多年的東西」 "things that last, like a smart TV")
        ("capital", r"資本門|capital|equipment|" + _LASTS),
        # 「部領教師費可以挪多少到生活化」: how much may move, not the teacher-support amount (only
        # teacher support may move into campus life: 「最多可以挪幾成去生活化」 is the same)
        # (「這塊最多可以轉多少去生活化」: 轉 … 去 a part)
        (
            "transfer",
            r"挪|併入|並入|調到|調入|轉到|轉入|轉\S{0,4}去|移到|移入|\b(?:move|moved|moving|transfer|shift)\b",
        ),
        # in English "teacher" alone is anyone ("the other teachers"): the part is named with it
        (
            "pd_teacher",
            r"[教老]師專業支持|[教老]師的?(?:部分|那塊|那邊|那部分)|教師的|教師費|[教老]師呢|"
            r"teachers?'? ?(?:support|funding|part|budget|money|side|share|portion|部分)|"
            r"^(?:and|what about|how about) (?:for )?(?:the )?teachers?$|"  # "and teachers?" after a part
            r"\bof (?:it|that) (?:is |goes )?(?:for|to) (?:the )?teachers\b",  # "how much of it is for teachers?"
        ),
        (
            "pd_student",
            r"學生英語|學生奠基|學生能力|學生的|學生呢|學生的?(?:部分|那塊|那邊|那部分)|^學生|"
            r"students?'? ?(?:foundation|funding|part|budget|money|side|share|portion|部分)|"
            r"^(?:and|what about|how about) (?:for )?(?:the )?students?$|"  # "and students?" after a part
            r"\bof (?:it|that) (?:is |goes )?(?:for|to) (?:the )?students\b",
        ),
        # the open-classroom grant asked for, not open classrooms told as a fact (「有開放觀課 最多多少」)
        (
            "open_classroom",
            r"觀課\s*(?:那|的)?(?:部分|那塊|那邊|補助|額外|多少|可以拿|能拿|加多少)|觀課呢|"
            # 「…來觀課 有額外補助嗎 多少」「…觀課 會多補助多少」
            r"觀課\s*(?:有|會有|可以有|能有|有沒有|會|可以|能)?\s*(?:額外|多)?\s*補助|"
            r"觀課\s*(?:會|可以|能|還)?\s*(?:多給|多拿|多補|加給|多撥)|"  # 「…觀課 會多給多少」
            r"觀課\s*(?:會|可以|能|還)?\s*(?:額外|另外)\s*(?:補|給|拿|撥)\s*(?:多少|幾)|"  # 「…觀課 可以額外補多少」
            r"open classroom(?:s)? (?:part|extra|bonus|grant|money|funding)|(?:for|about) (?:the )?open classroom",
        ),
    ):
        if has(u, pattern):
            return focus
    return None


# 「額度跟學校大小有關嗎」 "does it depend on": how the rule works, not this school's figure
_DEPENDS = r"有關嗎|有關係嗎|有沒有關|depend|related to|based on (?:school )?size"


PEOPLE_OR_TIMES_ASKED = r"多少(?:個)?人(?!民)|幾(?:個)?人|幾位|幾次|幾場|多少(?:個)?小時|幾(?:個)?小時|how many (?:people|teachers|visitors|observers|times|sessions|hours)"


def _is_ceiling_question(u: Understanding, facts: dict[str, Any]) -> bool:
    if u.item or has(u, _CAPITAL + r"|經常門|recurrent|" + TEACHING_LOAD + "|" + _DEPENDS):
        return False
    if has(u, PEOPLE_OR_TIMES_ASKED):
        return False  # 「我們做模式二 開放觀課一學期要接待多少人」: a count of people asked, no money
    knowledge = has(u, _KNOWLEDGE) and not has(u, _YES_NO_QUESTION) and not u.asks_amount
    if knowledge and u.compares and _comparison(u, facts) is not None:
        knowledge = False  # 「模式一跟模式二 哪個補助比較多」: two ceilings compared, not a rule's wording
    focus = focus_of(u)
    if u.asks_share and not (focus == "transfer" and has(u, r"錢|金額|多少元|how much money|in money|in dollars")):
        return False  # a share asked (「最多幾成」); but 「挪幾成 換成錢是多少」 asks the amount too
    if facts.keys() & {"classes", "domains"}:
        if focus in ("pd_teacher", "pd_student", "partial_domains", "bilingual_life") and has(
            u, r"\bwhat(?: ?'?s| is| are| about)\b|多少|多大"
        ):
            return True  # "mode 2, 2 domains, 14 classes: what's the student foundation part?"
        if knowledge:
            return False
        if u.asks_amount or u.ceiling_words or u.compares or has(u, r"request|apply for|申請"):
            return True
        if amounts_of(u) and has(u, _PLANS):  # 「學生奠基想編25萬」: whether a planned amount fits
            return True
        # 「mode 1 with 36 classes?」: facts asked about, with no other question
        asked = u.text.rstrip().endswith(("?", "？")) and not has(
            u, r"\b(?:can|do|does|must|should|who|which|what|how)\b|嗎"
        )
        return states_facts(u) or asked
    if "mode" in facts:
        # ("my coworker says mode 2 would give us 1.2 million in total. is that right?": a total claimed)
        claimed = bool(amounts_of(u)) and CONFIRMATION_ASKED.search(u.normalised) is not None
        return (u.asks_amount or u.compares or states_facts(u) or claimed or has(u, r"補助$|額度$")) and not knowledge
    if facts.get("open_classroom") is not None or has(u, _KNOWLEDGE):
        return False
    if focus == "transfer" and not has(u, _TEACHER_SUPPORT + "|" + _PARTIAL + "|" + _LIFE):
        focus = None  # moving something else (「可以挪到下學期嗎」)
    if (
        focus in ("pd_teacher", "pd_student", "partial_domains", "transfer")
        and not amounts_of(u)
        and (
            has(u, _AMOUNT_ASKED)
            or has(u, r"^那?.{0,10}(?:費|費用|經費)\s*呢$|^(?:and|what about) .{0,40}(?:funding|money|budget)$")
        )
    ):
        # 「教師專業支持費用最多多少」「那教師專業支持費呢」「教師專業支持能挪多少到生活化」: a part of the
        # ceiling, which needs the school's facts
        return True
    ceiling_asked = has(
        u,
        _AMOUNT_ASKED + r"|ceiling|grand total|total (?:for|of) (?:both|all|the two) parts|"
        r"\bwhat(?:'s| s| is) the total (?:we|i) can (?:apply for|get|claim)\b",
    )
    # (「我們上限多少」: the school's own cap, naming no item or amount it would be a cap of)
    own_cap = has(
        u, r"(?:^|我們|我校|本校|學校|咱們)\s*(?:的)?\s*上限|\bour (?:max|maximum|ceiling|cap|limit)\b"
    ) and not amounts_of(u)
    # (「那她线上一天最多能拿多少」: what a person is paid, not the school's ceiling)
    paid = has(u, r"[他她](?:們)?[^學校]{0,8}(?:能|可以)(?:拿|領)|\b(?:he|she|they) (?:get|gets|be paid|earn)")
    return (
        ceiling_asked
        and not paid
        and (own_cap or has(u, r"補助|經費|額度|拿|領|申請|錢|funding|grant|get|money|ceiling|cap|\bapply for\b"))
    )


_FACTS_ONLY = re.compile(
    r"模式\s*[12]|\d+\s*(?:個)?\s*(?:以上)?\s*(?:班|領域|科目|domains?|subjects?|classes|class)|國小|國中|高中|分校|觀課|"
    r"部領|我們|我校|本校|學校|是|有|做|的|只|和|跟|、|,|\s|school|we|are|have|our|with|and|a|\bre\b"  # (we re)
)


def states_facts(u: Understanding) -> bool:
    """A message that only states school facts: 「模式二 8班 2領域」."""
    return not _FACTS_ONLY.sub("", u.normalised).strip()


# -- follow-ups -------------------------------------------------------------------------

_ITEM_SWITCH = re.compile(
    r"住宿|住\s*\d|膳|餐|便當|講座|講師費|鐘點|諮詢|出席|交通|車資|計程車|遊覽車|高鐵|火車|工作費|材料|"
    r"lodging|hotel|meal|lunch|lecture|consult|attendance|travel|taxi|coach|train|work fee|materials"
)


_WHOLE_TOTAL = r"總額|總上限|總共|合計|一共|in total|the total|grand total|altogether"


def asks_the_total(u: Understanding) -> bool:
    """「總額變多少」「總共」 "the total": the whole of a ceiling (or of the sessions counted) asked."""
    return has(u, _WHOLE_TOTAL)


# What a follow-up asks of the money after the transfer: what the teachers keep, or campus life's
# new total (the life one first: "campus life would then be how much in total" names no teachers)
_AFTER_THE_MOVE_ASKED = (
    ("life_total", r"(?:生活化|campus.life).{0,30}(?:總共|合計|一共|變成|變多少|total|altogether|in all)"),
    ("remaining", r"還剩|剩下|剩多少|剩幾|\bleft\b|remain"),
)


def asks_after_the_move(u: Understanding) -> bool:
    """「挪完之後部領教師費還剩多少」 "so campus life would then be how much altogether": what a part is
    after the teacher funding moved (the rest, or campus life's total)."""
    return any(has(u, pattern) for _, pattern in _AFTER_THE_MOVE_ASKED)


def _what_it_buys_kept(previous: Query, revised: Query | None, u: Understanding) -> Query | None:
    """A revised item asks what its amount buys when the message asks it (「膳費預算6800 可以供幾個
    人天」 after a lecture's periods), or the question before did and the message tells none of
    the units bought (「那內聘呢」 after 「24000可以排幾節」; not 「講3節呢」)."""
    if revised is None or revised.kind != ITEM:
        return revised
    told = any(getattr(u.figures.counts, name) is not None for name in ("periods", "hours", "nights", "meals", "days"))
    # (「那可以排幾節」 of the amount told before: asked of the revised item's amount)
    asked = _HOW_MANY_IT_BUYS.search(u.normalised) is not None and (
        bool(revised.inputs.get("amounts")) or (revised.item == "teaching_materials" and has(u, _CLASS_PERIODS_ASKED))
    )
    buys = asked or (bool(previous.inputs.get("buys")) and not told)
    prices = [a for a in u.figures.labelled if a.per_unit]
    if asked and prices and len(prices) == len(u.figures.labelled) and "amounts" not in previous.inputs:
        # 「一班一节800 这样够上几节」 after the materials' share: the price of one is the rate, and what
        # is bought is with the amount computed before
        return replace(previous, inputs=dict(previous.inputs) | {"buys": True})
    inputs = {k: v for k, v in revised.inputs.items() if k != "buys"} | ({"buys": True} if buys else {})
    if asked and prices and len(prices) < len(u.figures.labelled):
        # 「材料費是一班一節800對吧 那10萬可以排幾個班節」: the price of one is the rate; the other
        # amount is what buys
        inputs["amounts"] = [int(a.value) for a in u.figures.labelled if not a.per_unit]
        inputs.pop("per_unit", None)
        inputs = _rate_words_dropped(inputs, u)
    if buys and previous.inputs.get("buys") and not amounts_of(u) and revised.item != previous.item:
        # 「拿來付講師住宿的話 一個人能住幾晚」 after what 12,000 buys of meals: the same budget, another
        # item (its own counts, not the meals' days)
        kept = {k: v for k, v in previous.inputs.items() if k in ("amounts", "buys")}
        inputs = _item_inputs(u) | {"text": u.normalised} | kept
    return replace(revised, inputs=inputs)


# 「不是3個 是4個」: a count put right by the number alone, its counter the bare 個
_COUNT_PUT_RIGHT = re.compile(r"不是\s*(\d+)\s*個\s*[,，]?\s*(?:是|而是|應該是|改成|改)\s*(\d+)\s*個")
# the counts of a computation such a correction can mean
_COUNTED_INPUTS = (
    "people",
    "lecturers",
    "occasions",
    "sessions",
    "nights",
    "days",
    "periods",
    "meals",
    "units",
    "semesters",
)
# (a lecture's people are its lecturers: one count under two names)
_ONE_COUNT = frozenset({"people", "lecturers"})


_PUT_RIGHT = r"改成|改為|改請|其實|更正|不是|\binstead\b|\bactually\b|\bmake (?:it|that)\b|\bchange"


def _part_revised(previous: Query, u: Understanding) -> Query | None:
    """「出席的專家其實是7位 不是2位」「講者改成2位 各3節」 after an event's items added up: the one part
    of that item with the counts the message gives now (None when it names no one part)."""
    parts = previous.inputs.get("parts")
    if not parts or not (u.correction or has(u, _PUT_RIGHT)):
        return None
    named = [item for item, pattern in _PIECE_ITEMS if has(u, pattern)]
    at = [k for k, part in enumerate(parts) if named and part["item"] == named[0]]
    if len(named) != 1 or len(at) != 1:
        return None
    told = _piece_counts(_PLAIN.plain(u.text))
    changed = {k: v for k, v in told.items() if k in _PART_INPUTS[named[0]]}
    if named[0] == "lecture_fee" and "people" in told:
        changed["lecturers"] = told["people"]
    if not changed:
        return None
    revised = [dict(part) | changed if k == at[0] else part for k, part in enumerate(parts)]
    return replace(previous, inputs=dict(previous.inputs) | {"parts": revised})


# a lecturer who no longer comes, another in their place: 「不來了」「改成」 "drop …", "… instead"
_REPLACED = r"不來了?|不請了?|取消|拿掉|換成|改成|改由|改請|\bdrop\b|\binstead\b|\breplac|\bswap\b|\bcancel"


def _lecturer_replaced(previous: Query, u: Understanding) -> Query | None:
    """「教育處那位不來了 改成本校英文老師講4節」 "drop the bureau person, our own English teacher does 4
    periods instead" after lectures of two kinds added up: the lecture of the kind dropped (a clause
    naming a kind, no periods) replaced by the kind told with its periods; None otherwise."""
    parts = previous.inputs.get("parts")
    if not parts or not has(u, _REPLACED) or not has(u, _LECTURE_WORDS + r"|講|老師|教師|teacher|person|officer"):
        return None
    dropped: list[str] = []
    added: list[tuple[str, int]] = []
    for clause in re.split(r"[,，、;；。!！?？]+|\s+(?=[\u4e00-\u9fff])", _PLAIN.plain(u.text)):
        kind = lecturer_in(_PLAIN(clause)) if clause.strip() else None
        periods = read_figures(clause).counts.periods
        if kind is not None and periods is None:
            dropped.append(kind)
        elif kind is not None and periods is not None:
            added.append((kind, periods))
    at = [k for k, part in enumerate(parts) if part.get("item") == "lecture_fee" and part.get("lecturer") in dropped]
    if len(dropped) != 1 or len(added) != 1 or len(at) != 1 or added[0][0] == dropped[0]:
        return None
    kind, periods = added[0]
    revised = [
        {"item": "lecture_fee", "lecturer": kind, "periods": periods} if k == at[0] else p for k, p in enumerate(parts)
    ]
    return replace(previous, inputs=dict(previous.inputs) | {"parts": revised})


def puts_a_count_right(u: Understanding) -> bool:
    """「不是3個 是4個」: a count put right by its number alone."""
    return _COUNT_PUT_RIGHT.search(u.normalised) is not None


def _count_put_right(previous: Query, u: Understanding) -> Query | None:
    """「不是3個 是4個」 after three teachers' reductions: the one count of the last computation that was
    3, now 4 (None when none or several of its counts were 3)."""
    match = _COUNT_PUT_RIGHT.search(u.normalised)
    if match is None:
        return None
    was, now = int(match.group(1)), int(match.group(2))
    keys = {k for k in _COUNTED_INPUTS if previous.inputs.get(k) == was}
    if not keys or (len(keys) > 1 and not keys <= _ONE_COUNT):
        return None
    return replace(previous, inputs=dict(previous.inputs) | dict.fromkeys(keys, now))


def revise(previous: Query, u: Understanding, rules: FundingRules) -> Query | None:
    """`previous` with what a follow-up message changes, or None when the message changes nothing
    this kind of question depends on."""
    if asks_a_split(u):
        return None  # 「這50萬平均每人可以用多少」 after a ceiling: no computation of it divides it so
    put_right = _count_put_right(previous, u) or _lecturer_replaced(previous, u) or _part_revised(previous, u)
    if put_right is not None:
        return put_right
    if previous.item == "open_classroom":
        return visitors_query(u)  # other visitors still short of it; anything else is the entry's
    new_facts = facts_of(u)
    moved_before = previous.kind == TRANSFER or previous.inputs.get("focus") == "transfer"
    after = next((asked for asked, pattern in _AFTER_THE_MOVE_ASKED if has(u, pattern)), None)
    if moved_before and after and not u.figures.amounts:
        # 「挪完之後部領教師費還剩多少」 "so campus life would then be how much in total?" after the transfer
        kept = {k: v for k, v in previous.inputs.items() if k in ("base", "rate")} if previous.kind == TRANSFER else {}
        return Query(TRANSFER, facts=dict(previous.facts), inputs=kept | {after: True})
    if previous.kind == CEILING:
        return _revise_ceiling(previous, u, new_facts)
    if previous.kind == SCHOOL_YEAR and has(u, _NOT_A_PHASES_DATES):
        return None  # "whats the actual deadline to apply for 115" after a phase's span: not 115's span
    if (
        previous.kind == SHARE
        and "base" in previous.inputs
        and new_facts
        and not (amounts_of(u) or u.figures.percentages)
    ):
        # "I typed 28 but it's actually 38 classes. Max grant now?" after misc of a 200,000 recurrent
        # budget: a share of a sum told depends on no school fact
        return None
    if previous.kind in (ITEM, VERDICT) and FOREIGN_SPEAKER.search(u.normalised):
        return None  # "foreign expert flown in from the UK, rate per period?": 附件3 gives no such rate
    if previous.kind in (ITEM, VERDICT):
        revised = _cap_claim_of(_revise_item(previous, u, rules), u)
        if revised is None and previous.item == "teaching_materials" and has(u, _CLASS_PERIODS_ASKED):
            revised = previous  # "so at the per class per session rate thats how many 班節": the same share's
        return _what_it_buys_kept(previous, revised, u)
    capital = _first(_labelled(u), "capital") if previous.kind == SHARE and "total" in previous.inputs else None
    if capital is None and previous.kind == SHARE and "capital" in previous.inputs and has(u, _NO_CAPITAL):
        capital = 0  # "what if we skip equipment completely" after a share of the total less its capital
    if capital is not None:
        # 「資本門改成7萬，教材教具一樣7萬呢」「那照資本門7萬，雜支最多多少」 after a share of the total less
        # its capital: the same total, another capital, so another recurrent base
        total = int(previous.inputs["total"])
        kept = {k: v for k, v in previous.inputs.items() if k not in ("base", "planned", "capital")}
        inputs = kept | {"total": total, "capital": capital, "base": total - capital}
        switched = u.item in ("misc", "teaching_aids") and u.item != previous.item
        others = [
            a.value
            for a in _labelled(u)
            if (a.label != "capital" and a.value != capital) or a.label in ("misc", "aids")
        ]
        if others:
            inputs["planned"] = others[-1]
        elif "planned" in previous.inputs and not switched and has(u, r"一樣|同樣|照舊|same"):
            inputs["planned"] = previous.inputs["planned"]
        return replace(previous, item=u.item if switched else previous.item, inputs=inputs)
    said_total = _first(_labelled(u), "total") if previous.kind == SHARE else None
    if (
        said_total is not None
        and _first(_labelled(u), "recurrent", "capital") is None
        and "base" in previous.inputs
        and not has(u, _RECURRENT_NAMED)  # (「經常門總共編18萬」: the recurrent total)
    ):
        # 「組長說可以拿總額25萬去乘20% 所以編5萬」 after a share of the recurrent budget: a total is
        # no base of it; the recurrent base is what the total leaves after the capital told before,
        # or the recurrent total told before, kept (the total said is named in the reply)
        capital = previous.inputs.get("capital")
        if isinstance(capital, int) and capital < said_total:
            inputs = dict(previous.inputs) | {"total": said_total, "base": said_total - capital}
        else:
            inputs = dict(previous.inputs) | {"not_base": said_total}
        inputs.pop("planned", None)
        rest = [a.value for a in _labelled(u) if a.value != said_total]
        if rest:
            inputs["planned"] = rest[-1]
        return replace(previous, item=u.item if u.item in ("misc", "teaching_aids") else previous.item, inputs=inputs)
    if previous.kind == SHARE and u.item in ("misc", "teaching_aids") and u.item != previous.item:
        inputs = {k: v for k, v in previous.inputs.items() if k != "planned"}
        if len(amounts_of(u)) == 1 and _first(_labelled(u), "recurrent", "total") is not None:
            inputs["base"] = amounts_of(u)[0]  # "sorry, current budget is 180,000 not 200k. misc max then?"
        return replace(previous, item=u.item, inputs=inputs)
    amounts = amounts_of(u)
    # (the day the user said is today stays what the days are counted from)
    kept_today = {"today": previous.inputs["today"]} if previous.inputs.get("today") else {}
    if previous.kind == CLOSEOUT and len(u.figures.dates) == 1 and (today := told_today(u)):
        # 「今天2027年1月5日 所以還剩幾天」: the same deadline, its days counted from the day told
        return replace(previous, inputs=previous.inputs | today)
    if previous.kind == CLOSEOUT and len(u.figures.dates) == 1:
        end = previous.inputs["end"]
        if files_on_a_date(u) or ("filed" in previous.inputs and not has(u, _PERIOD_END)):
            # 「那9月28號送到呢」「縣府如果10/5才送 算準時嗎」: the same deadline, a filing date checked
            # (「那10月5日呢」 after one was: another filing date)
            filed = _near(u.figures.dates[0], end, after=True)
            return replace(previous, inputs={"end": end, "filed": filed} | kept_today)
        # 「講錯 是到116年7月31日」「如果核定延到116年12月31日咧」: the same close-out, another end
        return replace(previous, inputs={"end": _near(u.figures.dates[0], end, after=False)} | kept_today)
    if previous.kind == CLOSEOUT and len(u.figures.dates) == 2 and has(u, _FILED):
        # 「如果是原本7/31那個期程 10/30報 來得及嗎」: a period end, then a filing date checked against it
        end = _near(u.figures.dates[0], previous.inputs["end"], after=False)
        return replace(previous, inputs={"end": end, "filed": _near(u.figures.dates[1], end, after=True)} | kept_today)
    if previous.kind == CAPITAL and ("base" not in previous.inputs or new_facts) and has(u, _WHOLE_TOTAL):
        # 「有分校的話總額呢」 after a capital cap of the school's ceiling: that ceiling, changed (and
        # 「還有一個分班也要一起做 總額變多少」 after the capital of a request given: the school's ceiling)
        return Query(CEILING, facts=dict(previous.facts) | new_facts)
    part_asked = focus_of(u)
    if previous.kind == CAPITAL and part_asked in _PARTS_OF_THE_WHOLE and not has(u, _CAPITAL_WORDS) and not amounts:
        # "and the student side of it?" after a part's capital: that part of the same school's ceiling
        return Query(CEILING, facts=dict(previous.facts) | new_facts, inputs={"focus": part_asked})
    # ("and what's left after capital?": the rest, the capital named only as what is taken away)
    # ("if we do use the full capital amount, what's left for everything else?": the rest too)
    rest_asked = (
        has(u, r"剩|\bleft\b|\bremain|\bthe rest\b")
        and has(u, _REST_AFTER_CAPITAL + r"|\beverything else\b|\bcurrent side\b")
        and not amounts
    )
    if previous.kind == CAPITAL and ((has(u, _RECURRENT_ASKED) and not has(u, _CAPITAL_WORDS)) or rest_asked):
        # 「那經常門至少要多少」「經常門就剩12萬對嗎」 after the capital of a request: the rest of it
        said = {"recurrent_said": amounts[0]} if len(amounts) == 1 else {}
        return replace(previous, inputs=dict(previous.inputs) | {"recurrent": True} | said)
    if previous.kind == CAPITAL and has(u, r"單價|unit price|each"):
        return None  # 「如果單價是3萬2呢」: a device's price, for the equipment rules, not a new request
    if previous.kind == CAPITAL and not amounts and u.asks_permission and has(u, _POOLED):
        return None  # "can the 部領 capital and the 生活化 capital be combined?": the pooling rule's yes
    if previous.kind == CAPITAL and u.figures.counts.units and any(a.per_unit for a in _labelled(u)):
        return None  # 「如果我们买两台投影机 一台2万5 会超吗」: devices priced, checked against the capital
    if previous.kind in (CAPITAL, SHARE, TRANSFER) and (amounts or new_facts or _part(u)):
        inputs = dict(previous.inputs)
        if amounts:
            inputs = {k: v for k, v in inputs.items() if k not in ("base", "planned")}
            inputs["base" if previous.kind != SHARE or len(amounts) > 1 else "planned"] = max(amounts)
            if len(amounts) > 1:
                inputs["planned"] = min(amounts)
            moves = has(u, _YES_NO_QUESTION + r"|挪|移|調|併|move|shift|transfer") or "planned" in previous.inputs
            # (「回到剛剛挪錢 如果教師專業支持只核60萬呢」: the teacher funding named, a new base)
            teacher_named = _first(_labelled(u), "teacher") is not None
            if (
                previous.kind == TRANSFER
                and len(amounts) == 1
                and "base" in previous.inputs
                and moves
                and not teacher_named
            ):
                # 「如果挪15萬可以嗎」 after the teacher funding's 30%: the amount moved, checked (and
                # 「那25萬呢」 after it: another amount moved); 「那50萬呢」 alone is new teacher funding
                inputs = dict(previous.inputs) | {"planned": amounts[0]}
            if previous.kind == SHARE and len(amounts) == 1:
                # 「那經常門30萬呢」: a new total the share is of; 「雜支編了2萬5呢」: the item's amount;
                # 「18萬的話是多少」 asks the share of a new total, not whether 18萬 fits
                asks_share_of = u.asks_amount and not has(u, _YES_NO_QUESTION)
                base = asks_share_of or _first(_labelled(u), "recurrent", "total") is not None
                inputs = dict(previous.inputs) | {"base" if base else "planned": amounts[0]}
                if not base and "lines" in previous.inputs:
                    # 「杂支如果拉到8000呢 其他不动」 after the lines listed: that line changed, so the sum
                    lines = list(previous.inputs["lines"])
                    lines[lines.index(previous.inputs["planned"])] = amounts[0]
                    inputs |= {"lines": lines, "base": sum(lines)}
                if _first(_labelled(u), "capital") is not None:
                    # 「我們是廿一班 設備一樣編3萬 教材教具上限變多少」: the capital, and the recurrent
                    # budget what it leaves of the school's ceiling
                    kept = {k: v for k, v in previous.inputs.items() if k not in ("base", "planned", "total")}
                    inputs = kept | {"capital": amounts[0]}
            # (「那我資本門編６萬 應該還好吧」 after the cap of a 25萬 request: the capital said, planned)
            # (not 「如果我們總申請只編12萬 資本門最多多少」: a new request, its cap asked)
            said_planned = has(u, _PLANS) or (
                not u.asks_amount
                and _first(_labelled(u), "total", "life") is None
                and (has(u, r"編\s*\d") or _first(_labelled(u), "capital") is not None)
            )
            if previous.kind == CAPITAL and len(amounts) == 1 and "base" in previous.inputs and said_planned:
                # "we planned 50,000 for equipment, ok?": measured against the request given before
                inputs = dict(previous.inputs) | {"planned": amounts[0]}
            said_total = _first(_labelled(u), "total", "life") is not None
            if previous.kind == CAPITAL and len(amounts) == 1 and "planned" in previous.inputs and not said_total:
                # 「那可以編6萬嗎」 after 「資本門可以編5萬嗎」 was checked: another capital planned
                inputs = dict(previous.inputs) | {"planned": amounts[0]}
        if previous.kind == CAPITAL and _part(u):
            inputs["part"] = _part(u)
        facts = dict(previous.facts) | new_facts
        if new_facts and previous.kind in (CAPITAL, TRANSFER) and not amounts:
            inputs.pop("base", None)  # new school facts: the base is the new ceiling's
        return replace(previous, facts=facts, inputs=inputs)
    shift = _month_shift(u)
    end = previous.inputs.get("end") if previous.kind == CLOSEOUT else None
    if shift and isinstance(end, dict) and end.get("iso") and not u.figures.dates:
        # "and if it had ended one month later?" 「晚一個月結束呢」: the period end moved
        moved = add_months(date.fromisoformat(end["iso"]), shift)
        year = moved.year - ROC_OFFSET if end.get("calendar") == "roc" else moved.year
        return replace(previous, inputs={"end": _written_json(date_as_written(year, moved.month, moved.day))})
    if previous.kind in (CLOSEOUT, SCHOOL_YEAR) and (u.figures.dates or u.slots.year is not None):
        if u.figures.dates:
            key = "end" if previous.kind == CLOSEOUT else "date"
            return replace(previous, inputs={key: _date_json(u, 0)})
        return replace(previous, kind=SCHOOL_YEAR, inputs={"year": u.slots.year} | _span_asked(u) | _days_left_asked(u))
    return None


def _near(mention: DateMention, end: Any, after: bool) -> dict[str, Any]:
    """A day written without a year (「如果延到8月31日呢」「10月5日才送」) in the year that puts it
    nearest the period end told before (on or after it, for a filing date), in that end's calendar;
    one written with a year, as written."""
    written = _written_json(mention)
    if mention.year is not None or not isinstance(end, dict) or not end.get("iso"):
        return written
    told = date.fromisoformat(end["iso"])
    days = [
        d for year in (told.year - 1, told.year, told.year + 1) if (d := valid_date(year, mention.month, mention.day))
    ]
    if after:
        days = [d for d in days if d >= told] or days
    if not days:
        return written
    day = min(days, key=lambda d: abs((d - told).days))
    year = day.year - ROC_OFFSET if end.get("calendar") == "roc" else day.year
    return _written_json(date_as_written(year, day.month, day.day))


_FILED = (
    r"送|報|交|繳|提交|發文|函送|寄|準時|來得及|趕得上|趕上|遲交|逾期|算晚|\bsubmit|\bfil(?:e|es|ed|ing)\b|\bsend(?:s|ing)?\b|\bsent\b|\bdeliver|\bhand(?:s|ed)? (?:it )?in\b|"
    r"in time|on time|\blate\b|\bok\b|\bokay\b|\bfine\b|可以嗎|來得及嗎|ok嗎"  # "is Oct 15 ok then?" after a deadline
)
_PERIOD_END = r"執行期|核定期|期間|結束|到期|屆滿|延|(?:核定|執行|計畫|期程)(?:是|改|改成)?到|\bends?\b|extend|period"


def files_on_a_date(u: Understanding) -> bool:
    """Whether a date the message gives is when something is filed (「9月28號送到呢」 "if we submit
    on 10/5"), not when the approved period ends."""
    return has(u, _FILED) and not has(u, _PERIOD_END)


# a correction opening with the number put right: "oops, 36 — …" "sorry, make that 36"
_NEGATED_NUMBER = re.compile(r"(?:不是|而非|並非|\bnot\b|\bisn t\b)\s*\d{1,3}(?![\d.])\s*(?:班|個班|classes)?")
_CORRECTED_TO = re.compile(
    r"^(?:oops|sorry|actually|wait|no|typo|correction|my bad|i mean)\W*(?:(?:it s|its|it is|i meant|make that|should be|we re at|we are at|we re|we have) )?"
    r"(\d{1,3})\b(?!\s*(?:%|k\b|nights?|days?|people|periods?|hours?|meals?|years?))"
)


def lone_number(u: Understanding) -> int | None:
    """The one number of a short follow-up (「那35呢」「what about 12」「36個呢」), a class count."""
    if u.bare_number is not None:
        number = u.bare_number
    else:
        # a number of something else (1年, 3節, 2位, 5次) is not a class count
        # a correction's number said to be wrong is not the count: 「是38不是28」 "its 38 not 28"
        text = _NEGATED_NUMBER.sub(" ", u.normalised) if u.correction else u.normalised
        found = re.findall(
            r"(?<![\d.])(\d{1,3})(?![\d.])(?!\s*(?:年|天|日|人|位|名|次|場|節|堂|小時|個月|月|週|元|萬|%|班\s*(?:每\s*)?1\s*節))"
            r"(?!\s*[^\W\d_a-zA-Z班個呢的嗎啊吧咧喔耶勒了])(?!\s*個\s*[^\W\d_a-zA-Z班呢])",  # 3餐, 2晚, 40個人: not classes
            text,
        )
        corrected = _CORRECTED_TO.match(u.normalised) if u.correction else None
        # (a longer correction counts when it says which number was wrong: "sorry voice typing its 38 not 28")
        short = len(u.normalised) <= 20 or text != u.normalised
        if corrected is not None:
            found = [corrected.group(1)]  # "oops, 36 — we added a class this year": the number put right
        elif len(found) != 1 or not short:
            return None
        number = int(found[0])
    return number if isinstance(number, int) and 1 <= number <= 200 else None


# The parts a ceiling adds up (not the open-classroom grant, whose focus already shows the sum with it)
_PARTS_OF_THE_WHOLE = ("partial_domains", "bilingual_life", "pd_teacher", "pd_student")


def asks_the_whole_ceiling(u: Understanding, previous: Query | None) -> bool:
    """「全部加起來呢」 "grand total?" after a part of a ceiling (the teachers' part): its whole."""
    if previous is None or previous.kind != CEILING or u.item is not None:
        return False  # (「教學材料費 7班 每班上10節 總共多少」: that item's total)
    return previous.inputs.get("focus") in _PARTS_OF_THE_WHOLE and has(u, _WHOLE)


_CAPITAL_WORDS = r"資本門|設備|\bcapital\b|\bequipment\b"
_POOLED = r"合併|合在一起|併在一起|一起用|\bcombin|\bpool|\bmerg"


# the difference from another value asked: 「跟原本…比 差多少」 "what's the difference from …"
_DIFFERENCE_FROM = (
    r"(?:跟|和|與|比起).{0,16}比.{0,4}(?:差多少|差額|差幾|相差|差別)|\bdifference (?:from|with|compared)|"
    # 「明年會增到36班 這樣會差多少」: the value told against the last one's
    r"(?:這樣|那)?(?:會)?(?:差多少|差幾萬|相差多少)|"
    # 「這樣比模式一多拿多少」 "how much more than mode 1": the value told against the last one's
    r"比.{0,8}(?:多|少)(?:拿|領|補|補助|給|了)?(?:多少|幾萬)|\bhow much (?:more|less) than\b"
)


# no capital spent at all: "skip equipment completely", 「不買設備了」「資本門不編」
_NO_CAPITAL = (
    r"\b(?:skip|drop|no|without|zero)\s+(?:the\s+)?(?:equipment|capital)\b|"
    r"不(?:買|編|要)(?:設備|資本門)|(?:設備|資本門)(?:都)?(?:不買|不編|不要|歸零|編0|0元)"
)


def _revise_ceiling(previous: Query, u: Understanding, new_facts: dict[str, Any]) -> Query | None:
    inputs = {k: v for k, v in previous.inputs.items() if k not in ("compare", "focus", "plus")}
    compare = _comparison(u, new_facts) if u.compares and not u.correction and not has(u, _ADDED_UP) else None
    if compare is None and has(u, _DIFFERENCE_FROM) and not u.correction and not has(u, _ADDED_UP):
        # 「跟原本只做综合一个领域比 差多少」 after two domains: the value told against the last one's
        for name in ("mode", "domains", "classes"):
            told = u.alternatives.get(name, ())
            if len(told) == 1 and previous.facts.get(name) not in (None, told[0]):
                compare = {"fact": name, "values": [told[0], previous.facts[name]]}
                break
    if compare is not None:
        # 「12班 模式一還是模式二一個領域 哪個多」 after another comparison: these two, of the school now told
        facts = {k: v for k, v in (dict(previous.facts) | new_facts).items() if k != compare["fact"]}
        return replace(previous, facts=facts, inputs={"compare": compare | _claimed_higher(u)})
    focus = focus_of(u)
    if focus in ("partial_domains", "bilingual_life") and has(u, _CAPITAL_WORDS) and not amounts_of(u):
        # 「部領那塊的資本門呢」 "capital for the PL part?": that part's capital cap, of the same school
        return Query(CAPITAL, facts=dict(previous.facts) | new_facts, inputs={"part": focus})
    parts_added = has(u, _ADDED_UP) and not has(u, _WHOLE)  # (not 「全部加起來」 「總共多少」: the whole)
    if focus is None and previous.inputs.get("focus") in ("pd_teacher", "pd_student") and parts_added:
        focus = "partial_domains"  # 「加起來呢」 after the teachers' part, then the students': the two together
    if focus:
        inputs["focus"] = focus
    elif (
        "focus" in previous.inputs
        and not has(u, _WHOLE)
        and not ({k for k, v in new_facts.items() if previous.facts.get(k) != v} - {"classes", "domains", "branch"})
    ):
        inputs["focus"] = previous.inputs["focus"]  # 「写错了 是5个班」 after the 部領 part: still that part
    amounts = amounts_of(u)
    if amounts and has(u, _YES_NO_QUESTION + r"|申請"):
        inputs["planned"] = max(amounts)
    lone = lone_number(u) if u.item is None else None  # 「膳費一餐多少錢」: a number of that item's
    if not new_facts and lone is not None:
        new_facts = {"classes": lone}
    if not new_facts and not focus and "planned" not in inputs and not u.slots.level:
        return None
    facts = dict(previous.facts) | new_facts
    if new_facts.get("mode") == 1:  # mode 1 has no domains and no open-classroom extra
        for name in ("domains", "open_classroom"):
            if name not in new_facts:
                facts.pop(name, None)
    return replace(previous, facts=facts, inputs=inputs)


# Who takes the English test (the fee rule depends on it): 「英文老師」「代理老師」「行政人員」.
_TEST_TAKER = re.compile(
    r"[\u4e00-\u9fff]{0,2}(?:老師|教師)|行政人員|行政|代理|代課|"
    r"\b(?:an? )?(?:[a-z-]+ )?(?:teacher|substitute|sub|administrator|admin staff)\b|"
    r"\b(?:i|who|she|he) teach(?:es)? [a-z]+\b"  # "my colleague who teaches PE" "I teach English"
)
# A CEFR level (A2, B1 …): the English-test fee rule depends on it too
CEFR_LEVEL = re.compile(r"(?<![a-z])([abc][12])(?![0-9])")


def _retaken_test(previous: Query, u: Understanding) -> Query | None:
    """「不好意思 是自然老師 不是英文老師」「那英文老師呢」 after an English-test fee verdict: the same
    test, for the person the correction or follow-up names (and not the one it denies)."""
    if previous.kind != VERDICT or previous.item != "english_test" or not (u.correction or u.follow_up):
        return None
    said = u.normalised.replace(u.negated, " ") if u.negated else u.normalised
    taker, level = _TEST_TAKER.search(said) is not None, CEFR_LEVEL.search(said) is not None
    if not (taker or level):
        return None
    # (「sorry I meant intermediate, B1」 after A2: the level said now, not the one before)
    before = str(previous.inputs.get("text", ""))
    before = _TEST_TAKER.sub(" ", before) if taker else before
    before = CEFR_LEVEL.sub(" ", before) if level else before
    inputs = {k: v for k, v in previous.inputs.items() if k != "months"} | {"text": f"{before} {said}"}
    if u.figures.counts.months:  # 「代课老师才代两个月 也能补吗」: the substitute's months are checked
        inputs["months"] = u.figures.counts.months
    return replace(previous, inputs=inputs)


# "a speaker", "an amplifier": a thing named with an article (not "a total", "a unit price");
# 「一台8千的實物投影機」「那音響8000呢」: one counted by its measure word, or named as a device
_ANOTHER_THING = re.compile(
    r"\b(?:a|an)\s+(?!(?:few|bit|lot|total|unit|price|new|second|third|month|year|day|week|teacher|school)\b)[a-z]{3,}"
    r"|(?:1|一)\s*[台臺部組套支]\s*(?:\d+\s*(?:元|塊)?\s*的)?\s*[\u4e00-\u9fff]{2,}"
    r"|[\u4e00-\u9fff]{1,6}(?:機|器|儀|螢幕|白板|櫃)|音響|喇叭"
)


_OTHER_SESSIONS = {
    "full_day": ("half_day", "online"),
    "half_day": ("full_day", "online"),
    "online": ("half_day", "full_day"),
}


# people added to those counted before: 「要加3位老師」「再多2人」「再加上帶隊老師4位」 "plus 3 teachers"
# "3 more people"
_ADDS_FIRST = re.compile(r"^(?:(?:那|喔|哦|好|ok|and|then)\s*)*(?:再加上?|再多|另外(?:再)?加|外加|plus\b|add\b)")
_MORE_PEOPLE = re.compile(
    r"(?:再?加上?|再多|多了?|另外?加|外加|還有)[^\d\s]{0,6}?\d+\s*(?:個|位|人|名)|\b(?:plus|add(?:ing)?|another)\s+\d+\b|\b\d+\s+more\b|"
    r"\d+\s*(?:個|位|人|名)\s*也(?:要|會)?(?:住|吃|去|來|參加|一起)"  # 「講師2位也住」: two more besides those before
)


_LAST_DAY_HALF = re.compile(r"(?:第\s*(\d+)\s*天|最後1天|last day|day (\d+))\D{0,8}(?:半天|半日|half (?:a )?day)")


def _last_day_halved(previous: Query, u: Understanding) -> Query | None:
    """「第三天改成只有半天呢」 after meals for full days: the other days full, that day half, each
    a line and their sum (None unless the day named is the last of those counted)."""
    found = _LAST_DAY_HALF.search(u.normalised)
    days = previous.inputs.get("days")
    if found is None or previous.item != "meals" or not previous.inputs.get("full_day") or not days:
        return None
    named = found.group(1) or found.group(2)
    if int(days) < 2 or (named is not None and int(named) != int(days)):
        return None
    people = previous.inputs.get("people") or 1
    full = {"item": "meals", "people": people, "days": int(days) - 1, "full_day": True}
    half = {"item": "meals", "people": people, "days": 1, "half_day": True}
    return Query(ITEM, item="combined", inputs={"parts": [full, half], "text": ""})


# hours added to those counted before: 「再加2小時」 "2 more hours" "another 2 hours"
def _more_in_english(unit: str, number: str = r"\d+") -> str:
    """ "add 2 hours" "another 2 periods" "2 more periods": a count of `unit` added to those before."""
    return rf"\b(?:add(?:ing)?|another|plus)\s+{number}\s+(?:more\s+)?{unit}\b|\b{number}\s+more\s+{unit}\b"


_MORE_HOURS = re.compile(
    r"(?:再?加|再多|多加|另外?加|外加)\s*\d+(?:\.\d+)?\s*(?:個)?\s*(?:半)?\s*小時|"
    + _more_in_english("hours?", number=r"\d+(?:\.\d+)?")
)


_ALSO_A_MEAL = re.compile(r"也|還有|再加|加上|多(?:一|1)?餐|\balso\b|\btoo\b|\bas well\b|\bplus\b|\badd(?:ing)?\b")


_SIDE_OF_THE_BUDGET = r"(?:放|編|列|算)(?:在|到|進|入)?\s*經常門|\b(?:under|in|as|into) (?:the )?(?:recurrent|current expenditure|current budget)\b"


# 「如果再加一場 2節呢」「多2節呢」 "2 more periods" after a lecture's periods: periods added to those
_MORE_PERIODS = re.compile(
    r"(?:再|多|另外|外加|加上)(?:加)?(?:1\s*(?:場|堂))?[^\d]{0,4}?\d+\s*(?:節|堂)|"
    + _more_in_english("(?:periods?|sessions?)")
)


# 「那其中一位是本校老師呢」 "what if one is from the county bureau": one of the lecturers counted before
_ONE_OF_THEM = re.compile(
    r"其中(?:一|1)\s*(?:位|個|人)|有(?:一|1)\s*位是|\b(?:one|1) of them\b|\b(?:one|1) (?:is|of the)\b|\bthe other\b"
)


def _one_lecturer_of_several(previous: Query, u: Understanding, switch: str | None) -> Query | None:
    """Several lecturers computed at one rate, then one of them said to be of another kind (「那其中一位
    是本校老師呢」 after two professors): the others' periods at their rate and that one's at theirs."""
    lecturers = int(previous.inputs.get("lecturers") or 1)
    now = _lecturer(u)
    before = previous.inputs.get("lecturer") or lecturer_type(str(previous.inputs.get("text") or ""))
    if (
        previous.item != "lecture_fee"
        or switch not in (None, "lecture_fee")
        or lecturers < 2
        or now is None
        or now == before
        or not _ONE_OF_THEM.search(u.normalised)
    ):
        return None
    kept = {k: v for k, v in previous.inputs.items() if k not in ("text", "amounts", "per_unit", "asks", "yes_no_only")}
    parts = [
        {"item": "lecture_fee"} | kept | {"lecturer": before, "lecturers": lecturers - 1},
        {"item": "lecture_fee"} | kept | {"lecturer": now, "lecturers": 1},
    ]
    return Query(ITEM, item="combined", inputs={"parts": parts, "text": u.normalised})


def _part_asked(previous: Query, u: Understanding, told: dict[str, Any]) -> Query | None:
    """「午餐那部分總共多少」 "and the lunch total?" after items added up: that item's own line, with
    the figures it was computed from (None when the message gives figures of its own, `told`: the
    item inputs it gives)."""
    given = told.keys() - {"asks", "yes_no_only"}
    if not re.search(r"\d", u.normalised):
        given -= {"meals"}  # "the lunch": a meal named, not counted
    if previous.item != "combined" or u.figures.amounts or given:
        return None
    named = named_item(u)
    parts = previous.inputs.get("parts") or []
    part = next((p for p in parts if isinstance(p, dict) and p.get("item") == named), None)
    if part is None:
        return None
    inputs = {k: v for k, v in part.items() if k != "item"} | {"text": u.normalised}
    return Query(ITEM, item=str(named), inputs=inputs)


# 「多住一晚呢」「再多2位」 "one more night?" "2 fewer people": a count changed by so many, not told anew
_MORE_OR_FEWER = re.compile(
    r"(?<![最至多不])(多|少)(?:住|請|來|開|辦|上|講|加|吃)?(\d+)\s*(?:個)?\s*(晚|夜|天|日|位|人|節|堂|小時|次|場|餐|學期)|"
    r"\b(\d+|an?) (more|extra|fewer|less) (nights?|days?|people|persons?|periods?|hours?|sessions?|meals?|semesters?|speakers?|lecturers?|experts?|teachers?)\b"
)
_NEXT_TERM_TOO = r"下(?:個)?學期也|next (?:semester|term),? too|next (?:semester|term) as well"
_COUNT_OF_UNIT = {
    "晚": "nights",
    "夜": "nights",
    "天": "days",
    "日": "days",
    "位": "people",
    "人": "people",
    "節": "periods",
    "堂": "periods",
    "小時": "hours",
    "次": "occasions",
    "場": "occasions",
    "餐": "meals",
    "學期": "semesters",
    "night": "nights",
    "day": "days",
    "people": "people",
    "person": "people",
    "period": "periods",
    "hour": "hours",
    "session": "occasions",
    "meal": "meals",
    "semester": "semesters",
    "speaker": "people",
    "lecturer": "people",
    "expert": "people",
    "teacher": "people",
}


# 「再加2位工作人員 各住1晚」 "plus 2 admin staff, also two semesters": another group, its own counts
_ANOTHER_GROUP = r"再加|另外|還有|加上|\bplus\b|\balso\b|\banother\b"
_GROUP_UNITS = {"lodging": ("nights", "days"), "language_study": ("semesters",), "attendance_fee": ("occasions",)}


def _another_group(previous: Query, u: Understanding) -> Query | None:
    """「再加2位工作人員 各住1晚 總共呢」 after three lecturers' nights: their lines side by side, then
    the sum (not five people at one count); only where each group's people and count are told."""
    units = _GROUP_UNITS.get(str(previous.item))
    counts = u.figures.counts
    if units is None or not counts.people or not has(u, _ANOTHER_GROUP) or u.item not in (None, previous.item):
        return None
    told = {unit: getattr(counts, unit) for unit in units if getattr(counts, unit) is not None}
    if not told or not previous.inputs.get("people"):
        return None
    kept = {k: v for k, v in previous.inputs.items() if k in _PART_INPUTS.get(str(previous.item), ("people", *units))}
    parts = [{"item": previous.item} | kept, {"item": previous.item, "people": counts.people} | told]
    return Query(ITEM, item="combined", inputs={"parts": parts, "text": u.normalised})


def _one_more(previous: Query, u: Understanding) -> Query | None:
    """「多住一晚呢」 after 3 people's 2 nights: 3 nights (a lecture's people are its lecturers, a
    lodging's days its nights)."""
    if previous.kind != ITEM:
        return None
    if has(u, _NEXT_TERM_TOO) and "semesters" in counted_by(previous.item):
        # 「下學期也要上呢」 after one semester's language course: another semester
        return replace(
            previous, inputs=dict(previous.inputs) | {"semesters": int(previous.inputs.get("semesters") or 1) + 1}
        )
    match = _MORE_OR_FEWER.search(u.normalised)
    if match is None:
        return None
    if match.group(1):
        sign, count, unit = (1 if match.group(1) == "多" else -1), int(match.group(2)), match.group(3)
    else:
        sign = -1 if match.group(5) in ("fewer", "less") else 1
        count = 1 if match.group(4) in ("a", "an") else int(match.group(4))
        unit = match.group(6).rstrip("s") if match.group(6) != "people" else "people"
    key = _COUNT_OF_UNIT[unit]
    if previous.item == "lecture_fee" and key == "people":
        key = "lecturers"
    if previous.item == "lodging" and key in ("days", "nights") and "nights" not in previous.inputs:
        key = "days" if "days" in previous.inputs else "nights"
    base = previous.inputs.get(key)
    if key == "hours":
        value: Any = str(Decimal(str(base or 1)) + sign * count)
    else:
        value = int(base or 1) + sign * count
    inputs = dict(previous.inputs) | {key: value}
    counts = u.figures.counts
    for session, other in (("full_day", "half_day"), ("half_day", "full_day")):
        if getattr(counts, session):  # "2 more hours, so it's a full day": no longer half a day
            inputs[session] = True
            inputs.pop(other, None)
    return replace(previous, inputs=inputs)


def _reductions_recounted(previous: Query, u: Understanding, rules: FundingRules) -> Query | None:
    """「另外3個老師都減到上限 加起來幾節」 after the lead's cap, or 「不是3個 是4個」 after three
    teachers': the caps added up for the people told now (the last number of a correction)."""
    fresh = query_for(u, rules)
    if fresh is not None and fresh.inputs.get("at_cap"):
        return replace(fresh, facts=dict(previous.facts) | dict(fresh.facts))
    people = _people(u) or (u.figures.bare_numbers[-1] if u.figures.bare_numbers else None)
    lead = LEAD_PERSON.search(u.normalised) is not None
    facts = dict(previous.facts) | facts_of(u)
    if not people and not lead and previous.inputs.get("lead") and SOMEONE_ELSE.search(u.normalised):
        # 「那組長同樣20週最多減多少」 after the lead's: one other person, at the others' cap
        inputs = dict(previous.inputs) | {"text": u.normalised, "lead": False, "people": 1}
        return replace(previous, facts=facts, inputs=inputs | _weeks_told(u))
    if not people and not lead and facts == previous.facts:
        return None
    # (「那模式二的總負責人呢」 after a teacher's cap: the lead's, in mode 2; the others counted stay)
    inputs = dict(previous.inputs) | {"text": u.normalised, "lead": lead or bool(previous.inputs.get("lead"))}
    if people:
        inputs["people"] = int(people)
    elif lead and not previous.inputs.get("lead") and int(previous.inputs.get("people") or 0) <= 1:
        inputs["people"] = 0  # the one person asked about is the lead now
    return replace(previous, facts=facts, inputs=inputs)


# someone other than the lead person named alone: 「那組長呢」 "and the other teacher?"
SOMEONE_ELSE = re.compile(r"組長|老師|教師|行政|幹事|同事|\b(?:teacher|colleague|staff)\b")


def _weeks_told(u: Understanding) -> dict[str, int]:
    return {"weeks": u.figures.counts.weeks} if u.figures.counts.weeks else {}


# one person of those counted before: "per teacher" 「每位老師最多多少」
_PER_ONE_PERSON = (
    r"\bper (?:teacher|person|head)\b|\bfor (?:one|each) (?:teacher|person)\b|每位老師(?=.{0,6}(?:多少|最多))"
)


def _revise_item(previous: Query, u: Understanding, rules: FundingRules) -> Query | None:
    retaken = _retaken_test(previous, u)
    if retaken is not None:
        return retaken
    more = _one_more(previous, u) or _another_group(previous, u)
    if more is not None:
        return more
    if previous.item == "teaching_load" and u.figures.counts.weeks and not previous.inputs.get("at_cap"):
        # 「那組長同樣20週最多減多少」 after a reduction checked: the caps over those weeks, not 20 periods
        over_weeks = query_for(u, rules)
        if over_weeks is not None and over_weeks.inputs.get("at_cap"):
            return replace(over_weeks, facts=dict(previous.facts) | dict(over_weeks.facts))
    if previous.item == "teaching_load" and previous.inputs.get("at_cap"):
        if u.figures.counts.periods is None:
            return _reductions_recounted(previous, u, rules)
        # 「兩個人都各減6節 可以嗎」 after the caps added up: those periods checked, not the caps again
        previous = replace(previous, inputs={k: v for k, v in previous.inputs.items() if k not in ("at_cap", "people")})
    inputs = _item_inputs(u)
    if "people" not in inputs and has(u, _PER_ONE_PERSON):
        inputs["people"] = 1  # "and per teacher for the whole year?" after five teachers' term
    # (a school fact's number is no period count, nor "one" of "the one running it")
    facts_said = {v for v in u.facts.values() if isinstance(v, int) and not isinstance(v, bool)}
    bare = [n for n in u.figures.bare_numbers if 1 < n <= 20 and n not in facts_said]
    if previous.item == "teaching_load" and "periods" not in inputs and len(bare) == 1:
        inputs["periods"] = bare[0]  # "and her co-coordinator, also 6?" after a reduction: 6 periods
    if previous.item == "teaching_load":
        # 「那計畫主要負責的主任呢」 after a teacher's reduction: the lead's cap, and still the lead's after
        inputs["lead"] = bool(previous.inputs.get("lead")) or LEAD_PERSON.search(u.normalised) is not None
    part = _part_asked(previous, u, inputs)
    if part is not None:
        return part
    shortened = _last_day_halved(previous, u)
    if shortened is not None:
        return shortened
    repriced = _meal_repriced(previous, u)
    if repriced is not None:
        return repriced
    switch = named_item(u) if _ITEM_SWITCH.search(u.normalised) else None
    if switch is None and u.item and u.item != previous.item and _ITEM_SWITCH.search(u.normalised):
        return None  # 「遊覽車一天上限多少」 after meals: another item, with no calculator (its rule answers)
    if switch is None and equipment_kind(rules, u.normalised) and previous.item == "equipment":
        switch = "equipment"
    if previous.item == "equipment" and switch is None and amounts_of(u) and _ANOTHER_THING.search(u.normalised):
        # "and a speaker for 8000" after a laptop: a device the rules do not name, not the laptop again
        return replace(previous, kind=VERDICT, inputs=dict(previous.inputs) | inputs | {"text": u.normalised})
    lecturer = previous.item == "lecture_fee" and _lecturer(u) is not None
    one_of_them = _one_lecturer_of_several(previous, u, switch)
    if one_of_them is not None:
        return one_of_them
    if (
        previous.item == "lecture_fee"
        and switch in (None, "lecture_fee")
        and inputs.get("hours")
        and not inputs.get("periods")
    ):
        inputs["periods"] = int(Decimal(str(inputs["hours"])))  # 「講2小時呢」 after one period: 2 periods
    if (
        previous.item == "lecture_fee"
        and switch in (None, "lecture_fee")
        and inputs.get("people")
        and not inputs.get("lecturers")
    ):
        inputs["lecturers"] = inputs.pop("people")  # 「如果請2位呢」 after a lecture fee: two lecturers
    if previous.item == "equipment" and switch in (None, "equipment") and has(u, _SIDE_OF_THE_BUDGET):
        # 「放在經常門可以嗎」 after laptops at 3萬 each: the same devices checked on that side
        text = f"{previous.inputs.get('text', '')} {u.normalised}".strip()
        return replace(previous, kind=VERDICT, inputs=dict(previous.inputs) | {"text": text, "yes_no_only": True})
    told = facts_of(u)
    changed = {k: v for k, v in told.items() if k in previous.facts and previous.facts[k] != v}
    if switch is None and not (inputs.keys() - {"asks", "yes_no_only"}) and not lecturer:
        # 「如果學校改申請模式二呢」 after a mode-1 lead's reduction: the same case, of the school's new facts
        if not changed:
            return None
        text = f"{previous.inputs.get('text', '')} {u.normalised}".strip()  # 「那模式二的總召呢」: the lead too
        return replace(previous, facts=previous.facts | told, inputs=dict(previous.inputs) | {"text": text})
    if previous.item == "meals" and switch in (None, "meals") and _ALSO_A_MEAL.search(u.normalised):
        # 「如果早上也有早餐呢」 after lunch: both meals a day (a meal named again counts once)
        served, added = meals_named(str(previous.inputs.get("text") or "")), meals_named(u.normalised)
        if served and added and not added <= served:
            inputs["meals"] = len(served | added)
    # "25 kids plus 3 teachers": the message's own total (not 「再加講師２位跟工作人員３位」: both added)
    joined = len(u.figures.counts.people_groups) > 1 and not _ADDS_FIRST.search(u.normalised)
    if inputs.get("people") and previous.inputs.get("people") and _MORE_PEOPLE.search(u.normalised) and not joined:
        # 「但要加3位老師」 after 30 students: 33 people
        inputs["people"] = int(previous.inputs["people"]) + int(inputs["people"])
    if inputs.get("hours") and previous.inputs.get("hours") and _MORE_HOURS.search(u.normalised):
        # 「同一天线上再加2小时呢」 after 2 hours online: 4 hours that day
        inputs["hours"] = str(Decimal(str(previous.inputs["hours"])) + Decimal(str(inputs["hours"])))
    if (
        previous.item == "lecture_fee"
        and switch in (None, "lecture_fee")
        and inputs.get("periods")
        and previous.inputs.get("periods")
        and _MORE_PERIODS.search(u.normalised)
        and inputs.get("lecturer", previous.inputs.get("lecturer")) == previous.inputs.get("lecturer")
    ):
        # 「如果再加一場 2節呢」 after 4 periods: 6 periods of the same lecturer (the talks before, each
        # of its periods, counted in)
        before = int(previous.inputs["periods"]) * int(previous.inputs.get("occasions") or 1)
        inputs["periods"] = before + int(inputs["periods"]) * int(inputs.get("occasions") or 1)
        inputs["occasions"] = 1
    of_the_lecturer = _names_the_lecturer(u, inputs, switch)  # 「請講師住2晚呢」: one person, not the audience
    text = f"{previous.inputs.get('text', '')} {u.normalised}".strip()
    if switch == "equipment":
        text = u.normalised  # 「筆電呢」: the device named now, not the one before
        # 「筆電呢」 after a price was checked: the same price for that device (「筆電上限多少」: its cap)
        kind = VERDICT if amounts_of(u) or (previous.kind == VERDICT and not u.asks_amount) else ITEM
        return replace(previous, kind=kind, inputs=dict(previous.inputs) | inputs | {"text": text})
    merged = dict(previous.inputs) | inputs | {"text": text}
    other_lecturer = lecturer and inputs.get("lecturer") != previous.inputs.get("lecturer")
    if other_lecturer and "amounts" not in inputs and u.asks_amount:
        # 「那本校老師自己講２節 鐘點費共多少」 after an outside expert's 2,000 a period was checked: how
        # much the in-house speaker's periods come to, not that 2,000 checked against 1,000
        for key in ("amounts", "per_unit", "asks", "yes_no_only"):
            merged.pop(key, None)
    stale = previous.inputs.get("amounts") or []
    if (
        previous.item == "consultation_fee"
        and switch is None
        and inputs.get("hours")
        and "amounts" not in inputs
        and any(int(a) > rules.items.consultation_fee.cap for a in stale)
    ):
        # 「要是排了7小时呢」 after 「按6小时算6000，可以吗」: that total was the 6 hours', so the hours
        # are what is checked now (against the day's 6), as asked yes or no before
        merged.pop("amounts", None)
        merged["yes_no_only"] = True
    if switch is not None and switch != previous.item:
        # an event's head count and days carry between its costs (膳費 then 住宿費); the people
        # an attendance, consultation or work fee pays are others (committee members, experts)
        shared = previous.item in EVENT_COSTS and switch in EVENT_COSTS
        keep = ("people", "days", "nights", "full_day", "half_day") if shared else ("full_day", "half_day")
        merged = {k: v for k, v in previous.inputs.items() if k in keep} | inputs | {"text": u.normalised}
        if of_the_lecturer:
            merged["people"] = 1
        if switch in _NEEDS and not any(merged.get(k) is not None for k in _NEEDS[switch]):
            return None  # 「交通費呢」 after lodging: nothing to compute travel from, its rule answers
    if "amounts" in inputs:
        rate = rules.items.teaching_materials.cap
        # 「可以照800全編嗎」: an amount no more than the rate per class and period is that rate
        per_unit = inputs.get("per_unit") or all(int(a) <= rate for a in inputs["amounts"])
        if previous.item == "teaching_materials" and per_unit and not previous.inputs.get("per_unit"):
            # 「每班每節800元 這樣會超嗎」 after 「學生奠基編30萬」: that total stays the cap's base
            totals = [int(a) for a in previous.inputs.get("amounts") or [] if int(a) > rate]
            merged["student"] = previous.inputs.get("student") or max(totals, default=0) or None
        merged["amounts"] = inputs["amounts"]
        base = max((int(a) for a in previous.inputs.get("amounts") or [] if int(a) > rate), default=0)
        planned = [int(a) for a in inputs["amounts"]]
        checked = u.asks_yes_no or len(previous.inputs.get("amounts") or []) > 1
        student = [a.value for a in u.figures.labelled if a.label == "student"]
        if previous.item == "teaching_materials" and not per_unit and student == planned and base:
            # 「如果學生奠基只編15萬呢」 "and if the student budget were only 150,000?" after an amount
            # was checked against a 20萬 total: the new total, the same amount checked against it
            merged["amounts"] = [*planned, *(int(a) for a in previous.inputs.get("amounts") or [] if int(a) != base)]
        elif previous.item == "teaching_materials" and not per_unit and checked and base > max(planned):
            # 「我想編7萬 可以嗎」 after the cap on a 30萬 student total: that much checked against it (and
            # 「那5萬呢」 after such a check: another amount checked)
            merged["amounts"] = [base, *planned]
    recounted = previous.item == "teaching_materials" and inputs.keys() & {"classes", "periods"}
    if recounted and "amounts" not in inputs and len(previous.inputs.get("amounts") or []) > 1:
        # 「那改成8班各10節呢」 after 48,000 was checked against the 30萬 total's cap: the classes and
        # periods now make the amount, against the same total (not the 48,000 checked before), and
        # whether it still fits is what is asked
        merged["amounts"] = [max(int(a) for a in previous.inputs["amounts"])]
        merged["asks"] = True
    if (
        inputs.keys() & {"half_day", "full_day"} or (u.asks_amount and "semesters" in inputs)
    ) and "amounts" not in inputs:
        # 「那一個人一天最多多少」 after a 150 lunch, 「一整個學年都去 最多補多少」 after a semester's fee
        # checked: the cap, not that price again
        merged.pop("amounts", None)
    if "amounts" in inputs and not inputs.get("day_amount"):
        merged.pop("day_amount", None)  # 「半天一人150」 after 「每天300」: this amount is not a day's
    if "days" in inputs and "a_day" not in inputs:
        merged.pop("a_day", None)  # 「那三天總共呢」 after one day's cap: every day
    for session, others in _OTHER_SESSIONS.items():
        if inputs.get(session):  # "what if she stays the whole day, 6 hours" after half a day: a day's session
            for key in others:
                merged.pop(key, None)
    if inputs.keys() & {"half_day", "full_day", "online"} and "hours" not in inputs:
        # 「一整天呢」「改成線上」: a new session, with its own hours
        dropped = ("hours", "half_day", "full_day", "online", "meals")  # 「一天呢」: a day's meals, not the one before
        merged = {k: v for k, v in merged.items() if k not in dropped} | inputs
    consulted = previous.item == "consultation_fee" and merged.get("half_day") and "half_day" not in inputs
    if consulted and "hours" in inputs and float(inputs["hours"]) > rules.items.consultation_fee.half_day_hours:
        merged.pop("half_day")  # "could we pay her 7 hrs that day" after a half day's 3: a day's hours
    if of_the_lecturer:
        merged["people"] = 1
    kind = ITEM if switch and switch != "equipment" else previous.kind
    if previous.item == "equipment" and switch is None and "amounts" in inputs:
        kind = VERDICT  # 「那如果一台3萬2呢」 after a laptop's cap: that price checked against it
    # 「我們其實是模式二」 after a mode-1 teaching load: a fact the question was computed for, changed
    facts = dict(previous.facts) | {k: v for k, v in facts_of(u).items() if k in previous.facts}
    return replace(previous, kind=kind, item=switch or previous.item, facts=facts, inputs=merged)
