"""Figures a message states: amounts of money, percentages, dates and counts.

Read from the *plain* form of a message (`Normalizer.plain`: half-width, Traditional, digits for
numerals, lower case, punctuation kept), because 2027/7/31 and NT$2,000 are told apart by their
marks. Nothing here knows a plan: these are the user's own figures, which the calculators then
apply the plan's rules to.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from knowledge.dates import ROC_OFFSET
from knowledge.slots import without_years


@dataclass(frozen=True)
class DateMention:
    """A date as written; `calendar` is 'roc' (民國), 'gregorian', or None when no year was written."""

    value: date | None  # None when the written day does not exist (2027/2/30)
    calendar: str | None
    year: int | None  # as written: 116 (ROC) or 2027
    month: int
    day: int
    today: bool = False  # said to be today (「今天是…」)


@dataclass(frozen=True)
class Amount:
    """An amount of money as written, with the word just before it that says what it is
    (教師, 學生, 資本門, 雜支 …; '' when none)."""

    value: int
    label: str = ""
    per_unit: bool = False  # 一節 2,500, 每人 1,500, 一晚 3,500, "each"
    bare: bool = False  # written with no unit at all (600000): money only where money is meant
    at: int = 0  # where it is written
    before: str = ""  # the words since the previous amount (出席費 4000 + 講座 16000: 「 + 講座 」)


@dataclass(frozen=True)
class Counts:
    """Counts a message states, each None when not stated."""

    people: int | None = None
    days: int | None = None
    half_day: bool = False
    full_day: bool = False
    meals: int | None = None
    nights: int | None = None
    hours: Decimal | None = None
    periods: int | None = None
    semesters: int | None = None
    occasions: int | None = None
    months: int | None = None
    units: int | None = None  # devices: 3 台
    weeks: int | None = None  # 「20週」 with no periods a week beside them (those multiply the periods)
    people_groups: tuple[int, ...] = ()  # every group of people written (學生36人加老師4人)
    joined: bool = False  # groups joined by 加/和/plus: their sum is the head count


@dataclass(frozen=True)
class Figures:
    amounts: tuple[int, ...] = ()  # NT$, in the order written
    labelled: tuple[Amount, ...] = ()  # the same amounts with what each one is
    bare_numbers: tuple[int, ...] = ()  # whole numbers with no unit at all, in the order written
    percentages: tuple[Decimal, ...] = ()  # 20% -> Decimal("0.2")
    dates: tuple[DateMention, ...] = ()
    counts: Counts = field(default_factory=Counts)


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        1,
    )
    for name in names
}
_MONTH_NAME = "|".join(sorted(_MONTHS, key=len, reverse=True))

# Dates, most specific first; each match is blanked out before the next pattern and the counts.
_DATE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # 116年7月31日, 2027年7月31日
    (re.compile(r"(?<!\d)(\d{2,4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日號]?"), "ymd"),
    # 115年7/31, 2027年7/31: a year in words, then the day with a slash
    (re.compile(r"(?<!\d)(\d{3,4})\s*年\s*(\d{1,2})\s*/\s*(\d{1,2})(?![\d/])"), "ymd"),
    # 2027/7/31, 2027-07-31, 2027.7.31, 116/7/31, 116.07.31
    (
        re.compile(
            r"(?<![\d/.])(\d{3,4})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})(?![\d/])(?!\.\d)(?!-(?!\d{2,4}\s*[/.]))"
        ),
        "ymd",
    ),
    # end of July (2027): the month's last day
    (re.compile(rf"\bend of ({_MONTH_NAME})\b\.?(?:\s*,?\s*(\d{{4}}))?"), "m_end_en"),
    # July 31, 2027 / July 31st 2027 / July 31
    (re.compile(rf"\b({_MONTH_NAME})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:\s*,?\s*(\d{{4}}))?"), "mdy"),
    # 31 July 2027 / 31st of July
    (re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_NAME})\b\.?(?:\s*,?\s*(\d{{4}}))?"), "dmy"),
    # October 2022 (no day): the first of the month
    (re.compile(rf"\b({_MONTH_NAME})\.?\s+(\d{{4}})\b"), "my"),
    # 116年7月底, 7月底: the last day of the month
    (re.compile(r"(?<!\d)(\d{3,4})\s*年\s*(\d{1,2})\s*月\s*(?:底|尾|末)"), "ym_end"),
    (re.compile(r"(?<![\d/.-])(\d{1,2})\s*月\s*(?:底|尾|末)"), "m_end"),
    # 116年3月 (no day): the first of the month
    (re.compile(r"(?<!\d)(\d{3,4})\s*年\s*(\d{1,2})\s*月(?!\s*\d)"), "ym"),
    # 7月31日, 7/31 (no year)
    (re.compile(r"(?<![\d/.-])(\d{1,2})\s*月\s*(\d{1,2})\s*[日號]?"), "md"),
    (re.compile(r"(?<![\d/.-])(\d{1,2})/(\d{1,2})(?![\d/-])(?!\.\d)"), "md"),
)

# Money: 24萬, 1.5萬, 1萬8 / 1萬8000, 18000元, 300塊, NT$18000, $18000, 18000 ntd, 1.2 million, 30k.
_MONEY = re.compile(
    r"(?:\bnt\s*\$|\bntd\s*|\bnt\s+|\$)\s*(\d+(?:\.\d+)?)\s*(萬|k|million|m\b)?"
    r"|(\d+(?:\.\d+)?)\s*萬\s*(\d{1,4}(?!\s*(?:個|班|節|人|位|名|天|日|年|%|學期|次|台|臺|晚|小時|餐)))?\s*(?:元|塊)?"
    # 「那一塊」 is a part, not NT$1; 「兩塊都編滿」 two parts (a count of parts: a few 塊, each or both)
    r"|(\d+(?:\.\d+)?)\s*(?:元|塊(?<!那1塊)(?<!這1塊)(?<!哪1塊)(?!\s*(?:都|各|經費|的經費|預算|加起來|合起來))|dollars?|ntd|nt\b)"
    r"|(\d+(?:\.\d+)?)\s*(k|million)\b"
)
_PERCENT = re.compile(
    r"(\d+(?:\.\d+)?)\s*(?:%|percent\b|趴)|百分之\s*(\d+(?:\.\d+)?)|100分之(\d+(?:\.\d+)?)"
    r"|(?<![\d.])(\d(?:\.\d)?)\s*成(?!績|果|本|員|立|長|功|效|為|熟|品|年)"  # 3成 (tenths): 30%
)
_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?!\d|\.\d)")

_COUNT_PATTERNS: dict[str, re.Pattern[str]] = {
    "people": re.compile(
        # (「20幾位老師」「30多個人」: at least the tens said)
        # (not 「住宿費12000 講師…」: the item's amount, then who it is for)
        r"(?<![費算價\d])(\d+)\s*(?:多|幾|餘)?\s*(?:(?:個|位|名)?\s*(?:部領|外聘|內聘|本校|校外|英語|英文|雙語|代理|兼任)?\s*(?:人(?!次)|老師|教師|學生|講師|專家|學者|同仁|夥伴|委員|孩子|小朋友|顧問|評審|工讀生|助理|志工)|位|名|"
        r"of (?:them|us)\b|"  # "for the two of them"
        r"(?:(?:of|our|the|own|in-house|outside|visiting|external|homeroom|bilingual|english|main|admin|administrative|office|部領|[\u4e00-\u9fff]{2})\s+){0,3}"
        r"(?:teachers?\b|people\b|persons?\b|participants?\b|students?\b|guests?\b|"
        r"staff\b|attendees?\b|kids\b|children\b|pupils\b|experts?\b|scholars?\b|professors?\b|profs?\b|members?\b|lecturers?\b|speakers?\b|ppl\b|"
        r"consultants?\b|advis[eo]rs?\b|reviewers?\b|judges?\b|helpers?\b|assistants?\b|volunteers?\b|adults?\b|parents?\b))"
    ),
    # (not 「一晚2500」, a price a night)
    "nights": re.compile(
        r"(\d+)\s*(?:個)?\s*(?:晚(?!餐|上|飯)|夜|nights?\b)(?!\s*(?:住宿費?|房價|房費)?\s*(?:是|要|算|給)?\s*\d[\d,]{2,})"
    ),
    "days": re.compile(
        r"(?<!第)(\d+)[\s-]*(?:整\s*)?(?:天|日(?!期)|(?:(?:full|whole|half|school|working) )?days?\b)"
    ),  # (not 第2天)
    "units": re.compile(
        r"(\d+)\s*(?:台|臺|部|組|支|units?\b|pcs\b|sets?\b|(?:[a-z-]+\s+)?"
        r"(?:tablets?|laptops?|notebooks?|computers?|desktops?|pcs|devices?|projectors?|monitors?|screens?)\b)"
    ),
    # (not "day-2 meal max": the second day, not two meals)
    "meals": re.compile(r"(?<!day-)(?<!day )(?<!day)(?<!第)(\d+)\s*(?:個)?\s*(?:餐|meals?\b)"),
    "hours": re.compile(
        r"(\d+(?:\.\d+)?)[\s-]*(?:個)?\s*(?:more |extra )?(?:小時|鐘頭|hours?\b|hrs?\b|h\b)"
    ),  # "a 2-hour talk"
    "periods": re.compile(
        r"(\d+)[\s-]*(?:個)?\s*(?:fewer |more |extra )?(?:(?:lecture|teaching|class) )?(?:節|堂|periods?\b|lessons?\b|sessions?\b)"
    ),
    "semesters": re.compile(r"(\d+)\s*(?:個)?\s*(?:學期|semesters?\b)"),
    # (not 「一次給2500」: a price for each time)
    # ("we'll have 5 of those": as many of the meetings just priced)
    "occasions": re.compile(
        r"(\d+)\s*(?:次|場|趟|times\b|meetings?\b|occasions?\b|(?:(?:half|full)-?day |school |site )?visits?\b|of (?:those|these)\b)"
        r"(?!\s*(?:給|付|發|領|支)\s*\d)"
    ),
    "months": re.compile(r"(\d+)[\s-]*(?:個)?\s*(?:半\s*)?(?:月(?!\s*\d)|months?\b)"),  # 「一個半月」: 1 (and a half)
}
# occasions counted in all beside a rate of them (「每月1次 共10次」 "once a month, 10 in total")
_OCCASIONS_IN_ALL = re.compile(
    r"(?:共|總共|一共|合計|全部)\s*(?:有|辦|來|開)?\s*(\d+)\s*(?:次|場)|(\d+)\s*(?:times|meetings|sessions|occasions) in (?:all|total)\b"
)
# sessions held beside the periods of each: "2 workshops, each 2 periods"
_SESSIONS = re.compile(r"(\d+)\s*(?:sessions?|workshops?|talks?|lectures?)\b")
_PERIODS_NAMED = re.compile(r"(\d+)[\s-]*(?:節|堂|periods?\b)")
# "lunch only for 25?": a number of people with the word left out, at the end of a clause
_FOR_SOME = re.compile(r"\bfor (\d+)(?=\s*(?:[?.!,]|$))|\bwith (?:all )?(?:the )?(\d+)(?=\s*(?:[?.!,]|$))")
# "the deadline to apply for 115?": a school year applied for, not 115 people served
_APPLIED_FOR = re.compile(r"\b(?:appl(?:y|ying|ication)|deadline|school year|plan)\b[^?.!,]*\bfor 1[01]\d\b")
# "meet twice this semester": two occasions (not "twice a week", a frequency)
_TWICE = re.compile(r"\b(twice|thrice)\b(?!\s+(?:a|per|each|every)\s)")
_MEAL_WORDS = r"早餐|午餐|晚餐|breakfast|lunch|dinner|supper"
_MEAL_NAMES = re.compile(_MEAL_WORDS)
# "after lunch" 「午餐後」: a time of day, no meal
MEALTIME = re.compile(
    r"\b(?:after|before|over|until|till|past|at) (?:lunch|dinner|breakfast)\b|"
    r"(?:午餐|中餐|晚餐|早餐|午飯|晚飯)(?:後|前|過後|以後|之後|時間)|吃完(?:午|晚)?飯"
)
# other names of a meal, read as the meal they name (「中午便當」 is lunch): meals are counted by kind
_MEAL_SYNONYMS = (
    (re.compile(r"中午(?:的|吃)?便當|午飯|中餐"), "午餐"),
    (re.compile(r"早飯|早點"), "早餐"),
    (re.compile(r"晚上(?:的|吃)?便當|晚飯"), "晚餐"),
)


def meals_named(text: str) -> set[str]:
    """The kinds of meal a text names, each once (「中午便當」 and 「午餐」 are one lunch), leaving out
    mealtimes (「午餐後」) and meals said to be skipped (「不吃早餐」)."""
    for pattern, meal in _MEAL_SYNONYMS:
        text = pattern.sub(meal, text)
    left_out = {name for found in _MEAL_LEFT_OUT.findall(text) for name in found if name}
    return set(_MEAL_NAMES.findall(MEALTIME.sub(" ", text))) - left_out


# periods a week, and the weeks they run (「每週2節」「20週」 "2 periods a week", "for 18 weeks")
_PERIODS_A_WEEK = re.compile(
    r"(?:每|1|一)\s*(?:週|周|星期|禮拜)\s*(?:上)?\s*(\d+)\s*(?:節|堂)|(\d+)\s*(?:節|堂|periods?)\s*(?:a|per|each|every)\s*week\b"
)
_SEMESTERS_NAMED = re.compile(r"上學期|下學期|第[12一二]學期|(?:fall|spring|first|second) (?:semester|term)")
_WEEKS_COUNTED = re.compile(
    r"(?<![每1一])(?<!\d)(\d+)\s*(?:個)?\s*(?:週|周|星期|禮拜|weeks\b)(?!\s*(?:上)?\s*\d+\s*(?:節|堂))"
)
# "per session", "for a single lesson": one period of a lecture, as English says it (Chinese 「一節」 is a
# count the figures read; 「每節多少」 asks the rate, which the entry answers with both rates)
ONE_PERIOD_EN = r"\b(?:a|per|each|for (?:one|a)|a single) (?:period|session|lesson)\b"
# 「一節2500」 "2,500 a period": a price said to be of one period
ONE_PERIOD = re.compile(r"(?:每|一|1)\s*(?:節|堂)|" + ONE_PERIOD_EN)
_NAMED_DAY_SPLIT = re.compile(r"第\s*[\d一二三四五]\s*天")
_NAMED_DAY = re.compile(r"\bday[\s-]*\d\b|第\s*[\d一二三四五]\s*天")
_BOTH_DAYS = re.compile(r"\bboth days\b|\bfor the two days\b")
# a meal left out: "skip breakfast, just lunch and dinner" 「不吃早餐」「早餐不用」 is not one of them
_MEAL_LEFT_OUT = re.compile(
    r"(?:skip(?:ping|ped)?|no|without|except|minus|drop(?:ping|ped)?|不吃|沒有|沒|不含|不用|不要|不供應|不包括|除了)\s*"
    rf"(?:the\s+)?({_MEAL_WORDS})|"
    rf"({_MEAL_WORDS})\s*(?:不用|不吃|不要|不供應|取消|免了|省掉)"
)
_WHOLE_YEAR = re.compile(
    r"(?:一|1)\s*(?:個)?\s*學年(?!度)|整個學年|(?:一|1)?\s*整\s*學年(?!度)|一整年|全學年|上下學期|兩個學期|whole (?:school )?year|full (?:school )?year|both semesters"
)
# 「學生30人加老師2人」「學生30人 老師2人」: groups of people to add up
_GROUP_EN = r"(?:kids|children|students|pupils|teachers|staff|adults|parents|volunteers|people)"
# a group of people named before its count: 「學生40個」「老師4位」
_NAMED_FIRST = re.compile(
    r"(?:學生|老師|教師|講師|專家|家長|志工|工作人員)\s*(\d+)\s*(?:個(?!月|學期|小時|鐘頭)|位|名|人)"
)
_JOINED = re.compile(
    r"(?:人|老師|教師|學生|位|名)\s*(?:加|和|及|與|跟|\+|＋)|\b(?:plus|and)\b|"
    r"(?:人|位|名)\s*[,，、]?\s*(?:老師|教師|學生|講師|家長|志工)\s*\d|"
    # "52 kids + 8 teachers" (the plus sign is gone once normalised): two groups side by side
    rf"\b{_GROUP_EN}\s*\+?\s*\d+\s+{_GROUP_EN}\b"
)
# What an amount is, from the words just before it.
_AMOUNT_LABELS = (
    ("teacher", re.compile(r"教師專業支持|教師費|教師經費|教師|老師|teacher")),
    # ("our student foundation budget is 200,000": the student total, its "budget" no other total)
    (
        "student",
        re.compile(
            r"學生奠基|學生英語|學生能力|學生|students?'?(?: foundation)?(?: budget| funding| money| total)?|foundation(?: budget| funding| money| total)?"
        ),
    ),
    ("life", re.compile(r"生活化|campus life")),
    ("capital", re.compile(r"資本門|設備|capital|equipment")),
    ("recurrent", re.compile(r"經常門|recurrent|current|running costs?|operating costs?")),
    ("misc", re.compile(r"雜支|雜費|miscellaneous|\bmisc\b")),
    ("aids", re.compile(r"教材教具|教具|teaching aids")),
    ("total", re.compile(r"總共|總額|總申請|申請|總|合計|total|request|grant|budget|appl(?:y|ied|ying) for")),
)
_PER_UNIT = re.compile(
    r"(?:一|每|1)\s*(?:節|人|晚|夜|位|個|台|臺|組|套|部|支|次|小時|班|份|餐)|每人|每位|每節|每晚|每小時|時薪|per\b|each\b|a night|an hour|a period|"
    r"各\s*$"  # 「2 位出席費各 2000」
)
_HALF_DAY = re.compile(
    r"半天|半日|half[ -]?day|half a day|[一1]個(?:上午|下午|早上)|只(?:來|有)?(?:上午|下午)|for (?:a|the) morning|for an afternoon|"
    r"only (?:the )?(?:a )?morning|\b(?:1|one|a) (?:morning|afternoon)\b"  # "she comes back one morning"
)
_FULL_DAY = re.compile(
    r"一整天|整天|全天|全日|一天|1天|1日|full[ -]?day|whole day|all day|"
    r"\b(?:for|that|this|the) 1 day\b|\bfor a day\b"  # "the max fee for that one day?"
)
# A unit right after a number: that number is a count, a year or a class count, not money.
_UNIT_AFTER = re.compile(
    r"\s*(?:個|位|名|人|班|節|堂|年|學年|月|日|天|晚|夜|餐|次|場|校|所|小時|學期|領域|科|%|歲|分|"
    r"classes|class|periods?|hours?|days?|nights?|people|teachers?|students?|years?|meals?)"
)


def valid_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _last_day(year: int | None, month: int) -> int:
    """The last day of a month (「7月底」): of the year told (民國 or 西元), else of a year with a 28-day
    February."""
    gregorian = (year + ROC_OFFSET if year < 1000 else year) if year else 2001
    return calendar.monthrange(gregorian, month)[1]


def date_as_written(year: int | None, month: int, day: int) -> DateMention:
    """The date of a day written with a 民國 year (< 1000), a Gregorian one, or none."""
    if year is None:
        return DateMention(None, None, None, month, day)
    if year < 1000:
        return DateMention(valid_date(year + ROC_OFFSET, month, day), "roc", year, month, day)
    return DateMention(valid_date(year, month, day), "gregorian", year, month, day)


# 「今天是2026年12月2日，我們執行期到2027年8月31日」「今天9/20才要報」 "today is …": the day the message
# is written, a day to file on, never the period's end
_TODAY_BEFORE = re.compile(r"(?:今天|今日|現在|现在|today)\s*(?:是|is|:|：)?\s*(?:民國|民国)?\s*$", re.IGNORECASE)


def _read_dates(text: str) -> tuple[tuple[DateMention, ...], str]:
    found: list[tuple[int, DateMention]] = []
    for pattern, order in _DATE_PATTERNS:
        matches = list(pattern.finditer(text))
        for match in matches:
            groups = match.groups()
            if order == "ymd":
                year, month, day = (int(g) for g in groups)
                if not (1 <= month <= 12 and 1 <= day <= 31) or not (90 <= year <= 200 or 1990 <= year <= 2100):
                    continue
                mention = date_as_written(year, month, day)
            elif order == "my":
                mention = date_as_written(int(groups[1]), _MONTHS[groups[0]], 1)
            elif order in ("ym_end", "m_end", "m_end_en"):
                if order == "m_end_en":
                    month, told = _MONTHS[groups[0]], int(groups[1]) if groups[1] else None
                else:
                    month, told = int(groups[-1]), int(groups[0]) if order == "ym_end" else None
                if not 1 <= month <= 12:
                    continue
                mention = date_as_written(told, month, _last_day(told, month))
            elif order == "ym":
                year, month = int(groups[0]), int(groups[1])
                if not 1 <= month <= 12 or not (90 <= year <= 200 or 1990 <= year <= 2100):
                    continue
                mention = date_as_written(year, month, 1)
            elif order == "md":
                month, day = int(groups[0]), int(groups[1])
                if not (1 <= month <= 12 and 1 <= day <= 31):
                    continue
                mention = date_as_written(None, month, day)
            else:
                month_name, day_text = (groups[0], groups[1]) if order == "mdy" else (groups[1], groups[0])
                month, day = _MONTHS[month_name], int(day_text)
                if not 1 <= day <= 31:
                    continue
                mention = date_as_written(int(groups[2]) if groups[2] else None, month, day)
            if _TODAY_BEFORE.search(text[max(0, match.start() - 12) : match.start()]):
                mention = replace(mention, today=True)
            found.append((match.start(), mention))
        if matches:
            text = pattern.sub(_blank, text)
    return tuple(mention for _, mention in sorted(found, key=lambda pair: pair[0])), text


def _blank(match: re.Match[str]) -> str:
    """A match replaced by as many spaces: what is left keeps every position."""
    return " " * len(match.group(0))


# a budget word named as what is left out: 「除了設備以外」「不含資本門」 "everything except equipment"
_EXCEPT_BEFORE = re.compile(
    r"(?:除了|不含|不包括|扣掉|扣除|\bexcept|\bexcluding|\bother than|\bbesides)\s*(?:the\s+)?$"
)


def _label_before(text: str, start: int, floor: int = 0) -> tuple[str, bool, int]:
    """What the words just before an amount (after the previous one, `floor`) say it is, whether
    it is a price per unit, and how many characters lie between that word and the amount."""
    begin = max(floor, start - 20)
    while begin > floor and text[begin - 1].isascii() and text[begin - 1].isalpha():
        begin -= 1  # a word cut by the window is read whole ("student budget", not "nt budget")
    before = text[begin:start]
    label = ""
    best = -1
    for name, pattern in _AMOUNT_LABELS:
        for match in pattern.finditer(before):
            if _EXCEPT_BEFORE.search(text[max(floor, begin - 24) : begin + match.start()]):
                continue  # "running costs (everything except equipment) add up to 180,000": not capital
            if match.end() > best:
                label, best = name, match.end()
    gap = len(before) - best if label else len(before)
    return label, _PER_UNIT.search(text[max(0, start - 6) : start]) is not None, gap


def _label_of(before: str, gap: int, after: str, tied: bool) -> str:
    """An amount's label from the word before it and the one after: the one after when tied by 的
    (「…想編７萬２的資本門」) or when the word before is not right before it ("cut capital to 30k —
    is 22,000 misc"), else the one before, else the one after."""
    if after and (tied or not before or gap > 4):
        return after
    return before


# English puts the budget part after the amount: "70k capital", "NT$50,000 in capital"; Chinese ties it
# with 的 or a verb: 「７萬２的資本門」「７萬買設備」
_LABEL_AFTER = re.compile(
    r"\s*(?:(?:in|of|for|on) )?(capital|equipment|recurrent|current|miscellaneous|misc|total|teaching aids)\b|"
    # 「想編７萬買設備」「15萬全部放經常門」
    r"\s*(?:的|買|來買|購買|購置|用在|用於|編在|放在|(?:全部|都|全)(?:放|編|擺)(?:在|到|進)?)\s*(資本門|經常門|雜支|設備|總額|總經費)|"
    # "and 30,000 of it is equipment", "if 30,000 goes to equipment": a part of the total told before it
    r",?\s*(?:of (?:it|that|this|which|the total) (?:is|are|goes? (?:to|on)|will (?:be|go to))|"
    r"(?:goes|go|will go|is going|went|is spent|spent) (?:to|on|into|for))\s+(?:for )?(capital|equipment)\b"
)


def _label_right_after(text: str, end: int) -> tuple[str, int, bool]:
    """The budget part named right after an amount (English word order, or 「…的資本門」「…買設備」),
    where its words end, and whether it is tied to the amount in Chinese (then it outweighs a word
    before it: 「全額申請的話 想編７萬２的資本門」 is capital); ("", end, False) when none."""
    match = _LABEL_AFTER.match(text, end)
    if match is None:
        return "", end, False
    word = match.group(1) or match.group(2) or match.group(3)
    label = next((name for name, pattern in _AMOUNT_LABELS if pattern.search(word)), "")
    return label, match.end(), match.group(2) is not None


def _read_money(text: str) -> tuple[tuple[Amount, ...], str]:
    amounts: list[Amount] = []
    previous_end = [0]

    def take(match: re.Match[str]) -> str:
        prefixed, prefixed_unit, wan, wan_rest, plain, scaled, scale = match.groups()
        if prefixed is not None:
            value = Decimal(prefixed) * _scale(prefixed_unit)
        elif wan is not None:
            rest = Decimal(wan_rest) * (1000 if len(wan_rest) == 1 else 1) if wan_rest else Decimal(0)
            value = Decimal(wan) * 10000 + rest
        elif plain is not None:
            value = Decimal(plain)
        else:
            value = Decimal(scaled) * _scale(scale)
        after, after_end, tied = _label_right_after(text, match.end())
        if value == value.to_integral_value():
            # (the words after the amount before are its own: "250k total with 40k capital")
            label, per_unit, gap = _label_before(text, match.start(), previous_end[0])
            label = _label_of(label, gap, after, tied)
            per_unit = per_unit or _priced_per_unit_after(text, match.end())
            before = _words_before(text, match.start(), previous_end[0])
            amounts.append(Amount(int(value), label, per_unit, at=match.start(), before=before))
        previous_end[0] = after_end
        return " " * len(match.group(0))

    rest = _MONEY.sub(take, text)
    return tuple(amounts), rest


_PER_UNIT_AFTER = re.compile(
    r"\s*(?:/|每|一)\s*(?:人|節|晚|台|臺|組|套|部|支|個|小時)|\s*(?:each|per|apiece)\b|"
    r"\s*an? (?:period|hour|night|person|session|meeting|head)\b"  # "2,000 a period"
)


def _priced_per_unit_after(text: str, end: int) -> bool:
    """「1,500/人」「15,000 each」: the words right after an amount make it a price per unit."""
    return _PER_UNIT_AFTER.match(text, end) is not None


def _scale(unit: str | None) -> Decimal:
    return {None: Decimal(1), "萬": Decimal(10000), "k": Decimal(1000), "million": Decimal(10**6), "m": Decimal(10**6)}[
        unit
    ]


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    """The first count `pattern` finds, but one taken back for a later one (「不是2位 是3位」: 3)."""
    found = list(pattern.finditer(text))
    kept = [m for m in found if not TAKEN_BACK.search(text[max(0, m.start() - 12) : m.start()])]
    first = kept or found
    return first[0].group(1) if first else None


# 「不是2位 是3位」「不是3萬」 "not 5 people but 6": a count or amount said only to be replaced
TAKEN_BACK = re.compile(r"(?:\bnot|不是|而不是|並非|而非|rather than|instead of)\s*(?:nt\$|\$)?\s*$")


# A period priced, not counted: 「一節800」「1節 2,000 元」
_PRICED = re.compile(r"\s*(?:要|是|給|付|領|算)?\s*(?:NT\$\s*)?\d[\d,]{2,}")


def _first_counted(pattern: re.Pattern[str], text: str) -> str | None:
    """The first count of `pattern` that is not a price's unit (「一班一節800 我們10班各上12節」: 12);
    the first of all when every one is priced."""
    found = list(pattern.finditer(text))
    counted = [m for m in found if _PRICED.match(text, m.end()) is None] or found
    return counted[0].group(1) if counted else None


# Parts of an event each with its own length (「上午3小時 下午3小時」「上午講3節、下午再講2節」, "2 hours
# in the morning and 3 in the afternoon")
_PART_OF_THE_DAY = re.compile(
    r"(?:上午|下午|早上|晚上|第[一二三123]天|morning|afternoon|evening|day [123])\s*(?:的|各)?(?:再|又|還|也)?(?:講|上)?\s*"
)


_PART_AFTER = re.compile(r"\s*(?:in the\s+|each\s+)?(?:morning|afternoon|evening)\b")


def _per_part_of_the_day(pattern: re.Pattern[str], text: str) -> list[Decimal]:
    """The counts written right after two or more parts of an event (「上午3小時 下午3小時」: 3 and 3),
    to be added up; [] when fewer than two parts have one."""
    found = [
        Decimal(match.group(1))
        for part in _PART_OF_THE_DAY.finditer(text)
        if (match := pattern.match(text, part.end())) is not None
    ]
    if len(found) < 2:  # "2 hrs morning + 2 hrs afternoon": the count before each part
        found = [
            Decimal(match.group(1))
            for match in pattern.finditer(text)
            if _PART_AFTER.match(text, match.end()) is not None
        ]
    if len(found) == 1 and (rest := _BARE_PART_AFTER.search(text)) is not None:
        found.append(Decimal(rest.group(1)))  # "3 hours in the morning and 2 in the afternoon": the 2 too
    return found if len(found) > 1 else []


# "… and 2 in the afternoon": a count of the same unit as the one before, its unit left out
_BARE_PART_AFTER = re.compile(r"\band (\d+(?:\.\d+)?) (?:more )?in the (?:morning|afternoon|evening)\b")


def _read_counts(text: str) -> Counts:
    values: dict[str, int | Decimal | None] = {}
    for name, pattern in _COUNT_PATTERNS.items():
        if name == "units":  # 一台 1萬8、買 3 台: the count is the largest
            # (not a price written before the device: "a 14,000 tablet" is one tablet at 14,000)
            found = [int(m.group(1)) for m in pattern.finditer(text) if 0 < int(m.group(1)) < 1000]
            values[name] = max(found) if found else None
            continue
        written = _first_counted(pattern, text) if name in ("periods", "hours") else _first(pattern, text)
        values[name] = None if written is None else (Decimal(written) if name == "hours" else int(written))
        if name in ("hours", "periods") and (parts := _per_part_of_the_day(pattern, text)):
            values[name] = sum(parts, Decimal(0)) if name == "hours" else int(sum(parts))
    in_all = _OCCASIONS_IN_ALL.search(text)
    if in_all is not None:
        values["occasions"] = int(
            in_all.group(1) or in_all.group(2)
        )  # 「每月1次 共10次」: the 10 in all, not the 1 a month
    counted_days = {int(m.group(1)) for m in _COUNT_PATTERNS["days"].finditer(text)}
    if len(counted_days) > 1 and 1 in counted_days:
        # 「諮詢費1天最多能算幾小時 2天合計多少」: one day is the rate's frame, the others the days counted
        values["days"] = max(counted_days)
    if values["days"] is None and _BOTH_DAYS.search(text):
        values["days"] = 2  # "both days?" after one day of a two-day event
    elif values["days"] is None and _NAMED_DAY.search(text):
        values["days"] = 1  # "day-2 meal max?" 「第2天只有午餐」: that one day
    named_meals = len(meals_named(text))
    each_day = [len(meals_named(day)) for day in _NAMED_DAY_SPLIT.split(text)[1:]]
    if values["meals"] is None and len(each_day) > 1 and len(set(each_day)) == 1 and each_day[0]:
        # 「第一天午餐晚餐 第二天早餐午餐」: two meals on each of two days
        values["meals"], values["days"] = each_day[0], len(each_day)
    if values["meals"] is None and named_meals:
        values["meals"] = named_meals
    if values["semesters"] is None and _WHOLE_YEAR.search(text):
        values["semesters"] = 2
    weekly, weeks = _PERIODS_A_WEEK.search(text), _WEEKS_COUNTED.search(text)
    values["weeks"] = None
    if weekly is not None and weeks is not None:
        # 「每週2節 一學期20週」 "2 periods a week for 18 weeks": the periods of all those weeks
        values["periods"] = int(weekly.group(1) or weekly.group(2)) * int(weeks.group(1))
    elif weeks is not None and int(weeks.group(1)) > 1:
        # 「我們算20週 整學期最多減幾節」: weeks of a weekly cap (「一週」 is a week's, no count of weeks);
        # 「上學期20週下學期19週」: the weeks of each semester, added up
        each = [int(found.group(1)) for found in _WEEKS_COUNTED.finditer(text)]
        values["weeks"] = sum(each) if len(each) > 1 and _SEMESTERS_NAMED.search(text) else each[0]
    groups = tuple(int(m.group(1)) for m in _COUNT_PATTERNS["people"].finditer(text))
    named_first = tuple(int(n) for n in _NAMED_FIRST.findall(text))
    if len(named_first) > 1:
        # 「學生40個 老師4個」: each group named before its count (「40個 老師」 is no group of teachers)
        values["people"], groups = sum(named_first), named_first
    elif named_first and values["people"] is None:
        values["people"] = named_first[0]  # 「老師１５個 中午訂便當」
    if values["people"] is None and (served := _FOR_SOME.search(text)) is not None and not _APPLIED_FOR.search(text):
        values["people"] = int(served.group(1) or served.group(2))  # "lunch only for 25?" "with all 5"
    if values["occasions"] is None and (times := _TWICE.search(text)) is not None:
        values["occasions"] = 2 if times.group(1) == "twice" else 3
    sessions, periods = _SESSIONS.search(text), _PERIODS_NAMED.search(text)
    if sessions is not None and periods is not None and values["occasions"] is None:
        # "2 workshops, each 2 periods" "1 session by our own teacher, 2 periods": sessions held, each
        # of the periods named (not a session counted as a period)
        values["occasions"], values["periods"] = int(sessions.group(1)), int(periods.group(1))
    return Counts(
        people=_int(values["people"]),
        days=_int(values["days"]),
        half_day=_HALF_DAY.search(text) is not None,
        full_day=_FULL_DAY.search(text) is not None,
        meals=_int(values["meals"]),
        nights=_int(values["nights"]),
        hours=values["hours"] if isinstance(values["hours"], Decimal) else None,
        periods=_int(values["periods"]),
        semesters=_int(values["semesters"]),
        occasions=_int(values["occasions"]),
        months=_int(values["months"]),
        units=_int(values["units"]),
        weeks=_int(values["weeks"]),
        people_groups=groups,
        joined=len(groups) > 1 and (len(named_first) > 1 or _JOINED.search(text) is not None),
    )


def _words_before(text: str, at: int, previous: int) -> str:
    """The 20 characters before an amount (after the amount before it), with an English word cut at
    their start taken whole ("attendance fees total 12,000", not "tendance fees total")."""
    start = max(previous, at - 20)
    while start > previous and text[start - 1].isascii() and text[start - 1].isalpha() and text[start].isalpha():
        start -= 1
    return text[start:at]


def _int(value: int | Decimal | None) -> int | None:
    return value if isinstance(value, int) else None


def _bare_amounts(text: str) -> list[Amount]:
    """Bare numbers of 100 or more (money where money is meant: 「經常門 600000」), labelled."""
    found = []
    previous = 0
    for match in _NUMBER.finditer(text):
        if "." in match.group(0) or _UNIT_AFTER.match(text, match.end()) or int(match.group(0)) < 100:
            continue
        value = int(match.group(0))
        after_mode = text[max(0, match.start() - 5) : match.start()].rstrip().endswith(("模式", "mode"))
        year_word = re.search(r"(?:in|year|西元|since|by)\s*$", text[max(0, match.start() - 8) : match.start()])
        # 「1人100」「每餐110」: a price per person or meal, not the 民國 school year 100–120
        priced = re.search(
            r"(?:人|餐|份|個|編|給|報|付|抓|訂|買|花|per person|each)(?:都|各|就)?(?:剛好|是|大概|約)?\s*$",  # 「每餐都剛好120」
            text[max(0, match.start() - 8) : match.start()],
        )
        if (1900 <= value <= 2100 and year_word) or (100 <= value <= 120 and not priced) or after_mode:
            continue  # a year (西元, or a 民國 school year), a mode
        after, after_end, tied = _label_right_after(text, match.end())
        label, per_unit, gap = _label_before(text, match.start(), previous)
        label = _label_of(label, gap, after, tied)  # "22000 for misc"
        per_unit = per_unit or _priced_per_unit_after(text, match.end())
        before = _words_before(text, match.start(), previous)
        found.append(Amount(int(match.group(0)), label, per_unit, bare=True, at=match.start(), before=before))
        previous = after_end
    return found


def _bare_numbers(text: str) -> tuple[int, ...]:
    """Whole numbers with nothing after them that makes them a count, year or class count."""
    found = []
    for match in _NUMBER.finditer(text):
        if "." in match.group(0) or _UNIT_AFTER.match(text, match.end()):
            continue
        if text[max(0, match.start() - 5) : match.start()].rstrip().endswith(("模式", "mode", "model")):
            continue
        found.append(int(match.group(0)))
    return tuple(found)


def percentages_in(text: str) -> tuple[Decimal, ...]:
    """The percentages written in a text, as fractions: 25% and 百分之25 are 0.25, 3成 is 0.3."""
    return tuple(share for _, share in percentages_at(text))


def percentages_at(text: str) -> list[tuple[int, Decimal]]:
    """`percentages_in` with where each is written."""
    found = []
    for match in _PERCENT.finditer(text):
        tenths = match.group(4)
        share = Decimal(tenths) / 10 if tenths else Decimal(next(g for g in match.groups() if g)) / 100
        found.append((match.start(), share))
    return found


def without_counts(text: str) -> str:
    """`text` with the counts it gives (「2 periods」「3天」) blanked out: what is left names the topic
    (「periods」 holds the plan-period keyword 「period」 and names no topic)."""
    for pattern in _COUNT_PATTERNS.values():
        text = pattern.sub(" ", text)
    return text


def without_figures(
    text: str,
    shares: bool = False,
    money: bool = False,
    ordinals: bool = False,
    grades: bool = False,
    months: bool = False,
    years: bool = False,
) -> str:
    """`text` with the percentages (`shares`), amounts of money (`money`), which year of a run it is
    (`ordinals`: 「第1年」 "our 2nd year"), the grades (`grades`: 「2年級」 "grade 2"), spans of months
    (`months`: 「聘期兩個月」 "a 2-month contract") and/or school years (`years`: 「110」) blanked out, as read here: what a figure
    asked again replaces in an earlier message."""
    if months:
        text = MONTHS.sub(" ", text)
    if shares:
        text = _PERCENT.sub(" ", text)
    if money:
        text = _MONEY.sub(" ", text)
    if ordinals:
        text = ORDINAL_YEAR.sub(" ", text)
    if grades:
        text = GRADE.sub(" ", text)
    if years:
        text = without_years(text)
    return text


# A span of months (「4個月」「兩個半月」「半年」 "4 months" "a 2-month contract")
MONTHS = re.compile(
    r"[\d一二兩三四五六七八九十]+\s*個\s*半?\s*月|半年|"
    r"\b(?:\d+(?:\.\d+)?|one|two|three|four|five|six|half a)\s*-?\s*months?\b",
    re.IGNORECASE,
)

# A grade of school (「國小2年級」「一二年級」 "grade 2" "2nd grade" "second grade")
# …written the English way round, its number captured ("grade 4", "4th grade")
ENGLISH_GRADE = r"\bgrade\s*(\d{1,2})\b|\b(\d{1,2})(?:st|nd|rd|th)\s*grade"
GRADE = re.compile(
    r"[\d一二三四五六]{1,2}\s*年級|[低中高]年級|"
    + ENGLISH_GRADE
    + r"|\b(?:first|second|third|fourth|fifth|sixth)\s+grade",
    re.IGNORECASE,
)

# A figure the words before it claim to be the plan's (「目標是45人次嗎」「是100%嗎」 "is it 55 schools?"):
# a claim to confirm, not a figure to compute with or check against a floor
CLAIMED_BEFORE = re.compile(r"(?:是|為|等於|一樣|同樣|\bsame\b|\bis\b|\bequals?\b|\bbe\b)\s*(?:nt\$|\$)?\s*$")

# Which year of a run (「才第1年」「已經是第4年」 "our 2nd year", "the first year")
ORDINAL_YEAR = re.compile(
    r"第\s*\d+\s*年|\b(?:\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth)\s+year\b", re.IGNORECASE
)


def read_figures(plain: str) -> Figures:
    """The figures of a message in plain form (see the module docstring)."""
    dates, rest = _read_dates(plain)
    percentages = percentages_in(rest)
    if percentages:
        rest = _PERCENT.sub(_blank, rest)
    money, rest = _read_money(rest)
    labelled = tuple(sorted((*money, *_bare_amounts(rest)), key=lambda a: a.at))
    return Figures(
        amounts=tuple(a.value for a in money),
        labelled=labelled,
        bare_numbers=_bare_numbers(rest),
        percentages=percentages,
        dates=dates,
        counts=_read_counts(rest),
    )
