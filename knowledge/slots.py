"""Extract slots (school year, level, mode, domains, classes, branch) from a normalised question.

Many questions differ by one value only ("110 學年度國中" vs "111 學年度國小"); the slots
pick the entry among look-alikes and the rows of a table to answer with.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from itertools import pairwise

from knowledge.model import SlotValue

_YEAR_WITH_UNIT = re.compile(r"(?<!\d)(1[0-2]\d)\s*(?:學年度|學年|年度|年|school year|academic year)")
_YEAR_AFTER_WORD = re.compile(r"(?:school year|academic year|year|sy)\s*(1[0-2]\d)(?!\d)")
_BARE_YEAR = re.compile(
    # (not 「1人110」「每餐110」: a price per person or meal)
    r"(?<![\d.])(?<!人)(?<!餐)(?<!份)(109|110|111|112|113|114|115|116|117|118|119)(?![\d.%])(?!\s*(?:萬|元|班|節|人|小時|校|所|個|k\b))"
)
# 「那2022學年呢」 "and for 2021?": a Gregorian year, taken as the school year that starts in it.
_GREGORIAN_YEAR = re.compile(r"(?<![\d/.-])(20[12]\d)(?![\d/.-])")
_GREGORIAN_SCHOOL_YEAR = re.compile(r"(?<!\d)(20[2-3]\d)\s*[-/–\s]\s*(?:20)?([2-3]\d)(?!\d)")
# a day written in full (slashes and dashes are spaces by now): 2027 3 31, 116 7 31, 116年7月31日
_A_DAY = re.compile(
    r"(?<![\d.])(?:1\d\d|20\d\d)(?:\s+\d{1,2}\s+\d{1,2}|年\s*\d{1,2}\s*月\s*\d{1,2}\s*[日號号])(?![\d.])"
)
_MODE = re.compile(r"模式\s*([12])|mode\s*([12])|model\s*([12])")
_PARTIAL_DOMAINS = re.compile(r"部領")  # only mode 2 has bilingual teaching in some domains
_DOMAINS = re.compile(r"(?<![\d.])(-?\d+)\s*(?:個)?\s*(?:以上)?\s*(?:領域|科目|domains?|subjects?|areas?)")
_MULTI_DOMAINS = re.compile(
    r"多個領域|多領域|2個以上|兩個以上|two or more|multiple domains|several domains|"
    r"(?:second|2nd) (?:domain|subject)|第二個(?:領域|科目)|第2個(?:領域|科目)|再加(?:一|1)個(?:領域|科目)|多加(?:一|1)個(?:領域|科目)|"
    r"another (?:domain|subject)|one more (?:domain|subject)|add a (?:second|2nd) (?:domain|subject)"
)
_SINGLE_DOMAIN = re.compile(r"單一?領?域|only one domain|single domain|one domain")
# A class count as written, negative or absurd included (the calculators refuse those with a
# reason); a decimal such as 2.5班 is not read as a count at all.
# 「一班一節可以報多少」「1 班 1 節」 is a rate per class and period, not a class count
# Domains named by their subjects after "only": 「只做體育」「就上藝術跟健體」 "just do PE"
_SUBJECT = re.compile(
    r"健康與體育|健體|體育|藝術|音樂|美術|視覺藝術|表演藝術|自然科學|自然|科技|數學|社會|綜合活動|綜合|生活課程|"
    r"\b(?:pe|p\.e\.|physical education|arts?|music|science|maths?|technology|tech|social studies|health)\b"
)
_DOING = r"做|實施|開|\bdo\b|\bdoing\b|\bdone\b|\bdid\b|\bteach\b|\bteaching\b|\brun\b|\brunning\b"
_ONLY = r"只|只有|就|單做|\bjust\b|\bonly\b"
_ONLY_SUBJECTS = re.compile(
    rf"(?:(?:(?:{_ONLY})\s*(?:上|{_DOING})?|{_DOING})\s*(?:the\s+)?(?:雙語|bilingual\s+)?|雙語|\bbilingual\s+(?:(?:teaching|classes|lessons)\s+(?:in|for)\s+)?)"
    rf"(?:{_SUBJECT.pattern})(?:\s*(?:跟|和|與|及|、|\+|\band\b|&|,)?\s*(?:{_SUBJECT.pattern}))*"
)
# two subjects named together: 「綜合跟科技」 "art + PE" (the plus a space once normalised)
_SUBJECTS_JOINED = re.compile(
    rf"(?:{_SUBJECT.pattern})\s*(?:跟|和|與|及|加上|加|、|\+|\band\b|&|,|，)?\s*(?:{_SUBJECT.pattern})"
)
# A reply that only names the domains, with or without their count: 「两个 艺术跟健体」 "art and PE"
_SUBJECTS_ALONE = re.compile(
    rf"^(?:(?P<count>\d+)\s*(?:個)?\s*(?:領域|科目|domains?|subjects?)?)?[\s,、，:：]*(?:我們|\bwe\b)?\s*(?:{_ONLY})?\s*(?:{_DOING})?\s*"
    rf"(?P<named>(?:{_SUBJECT.pattern})(?:\s*(?:跟|和|與|及|、|\+|\band\b|&|,|，)?\s*(?:{_SUBJECT.pattern}))*)"
    r"\s*(?:兩個|2個)?\s*(?:吧|啦|喔|哦|呢|唷)?\s*[。.!！]?$"
)
# A count of classes changed is not the school's: 「一個班被併掉」 "one class got merged" (after the
# class word; the slots here and the facts and alternatives in understand.py all read it)
CHANGED_CLASSES_ZH = r"\s*被?(?:併掉|併班|合併|裁)|\s*(?:減|少)掉"
CHANGED_CLASSES_EN = r"(?!\s+(?:got|was|were|has been|have been|is being) (?:merged|closed|cut|added|removed|combined))"
_CLASSES = re.compile(
    rf"(?<![\d.])(-?\d+)\s*(?:個)?\s*(?:班(?!次|級數以|\s*(?:每\s*)?1\s*節|{CHANGED_CLASSES_ZH})|classes|class(?!room| per period))"
    rf"{CHANGED_CLASSES_EN}|"
    r"\ba (\d+)(?:st|nd|rd|th) class\b"  # "we'll have a 13th class next year": 13 classes
)
_BRANCH = re.compile(r"分校|branch")
_LEVELS = (
    ("國小", re.compile(r"國小(?!部分)|小學|elementary|primary")),
    ("國中", re.compile(r"國中(?!小)|初中|junior|middle school")),
    ("高中", re.compile(r"高中|senior high|(?<!junior )high school")),
)


@dataclass(frozen=True)
class Slots:
    year: int | None = None
    level: str | None = None
    mode: int | None = None
    domains: int | None = None
    classes: int | None = None
    branch: bool | None = None

    def as_dict(self) -> dict[str, SlotValue]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}


def without_years(text: str) -> str:
    """`text` with the school years written in it (「110學年度」「110」) blanked out, as `_year` reads them."""
    return _BARE_YEAR.sub(" ", _YEAR_WITH_UNIT.sub(" ", text))


def _year(text: str) -> int | None:
    text = _A_DAY.sub(" ", text)  # 「2027/3/31結束」 is a day, not the 116 school year
    for pattern in (_YEAR_WITH_UNIT, _YEAR_AFTER_WORD, _BARE_YEAR):
        match = pattern.search(text)
        if match:
            return int(match.group(1))
    match = _GREGORIAN_SCHOOL_YEAR.search(text) or _GREGORIAN_YEAR.search(text)
    if match:
        return int(match.group(1)) - 1911
    return None


def _level(text: str) -> str | None:
    found = [name for name, pattern in _LEVELS if pattern.search(text)]
    return found[0] if len(found) == 1 else None


def _domains(text: str) -> int | None:
    if _MULTI_DOMAINS.search(text):
        return 2
    if _SINGLE_DOMAIN.search(text):
        return 1
    match = _DOMAINS.search(text)
    if match:
        count = int(match.group(1))
        return 2 if count >= 2 else count  # 0 or negative is kept for the calculator to refuse
    only = _ONLY_SUBJECTS.search(text)
    if only:  # 「只做體育」 "just do PE" "doing bilingual arts": one domain; 「做藝術跟健體」: two
        return min(len(set(_SUBJECT.findall(only.group(0)))), 2)
    joined = _SUBJECTS_JOINED.search(text)
    if joined and len(set(_SUBJECT.findall(joined.group(0)))) >= 2:
        return 2  # 「綜合跟科技兩個都做」 "部領 in art + PE": two subjects named together
    return None


def domains_answered(text: str) -> int | None:
    """The domains a message gives that only names them (「两个 艺术跟健体」: 2, "just PE": 1), as the
    answer to "how many domains?"; None for any other message."""
    alone = _SUBJECTS_ALONE.match(text.strip())
    if alone is None:
        return None
    count = int(alone.group("count")) if alone.group("count") else len(set(_SUBJECT.findall(alone.group("named"))))
    return min(count, 2) if count > 0 else None


# A mode described, not named: campus life only, lessons unchanged (模式一); some subjects taught in
# English (模式二, 部領). 「只想做早上放英文歌那種 上課不改」「有部分課用英文上的那種」
_MODE1_DESCRIBED = re.compile(
    r"上課不(?:改|變|動)|不(?:要|用|會)?(?:把)?英文放(?:進|到)(?:上課|課程|課堂|課)|不(?:用|要)英文上課|上課(?:不用|不要)英文|"
    r"只(?:想|要|有|打算)?做(?:雙語)?生活化|\b(?:only|just) (?:the )?campus[- ]life\b|\bcampus[- ]life only\b|"
    r"\bno (?:subjects?|lessons?|classes) (?:taught )?in english\b"
)
_MODE2_DESCRIBED = re.compile(
    r"(?:部分|有些|一些|幾|兩)\s*(?:個)?\s*(?:課|科|堂|領域)(?:程|目)?\s*(?:都)?用英文(?:上|教)|英文放進(?:部分|一些)?\s*(?:課|科)|"
    r"(?:體育|藝術|健體|科技|數學|自然|社會|音樂|美術|綜合|體育課|藝術課)\S{0,8}?(?:都)?用英文(?:上|教)|"
    r"\bsubjects?[- ]in[- ]english\b|\bteach(?:ing)? (?:some |two |2 )?subjects in english\b|\bsubjects taught in english\b"
)


def _mode(text: str) -> int | None:
    modes = {int(next(g for g in match.groups() if g)) for match in _MODE.finditer(text)}
    if len(modes) == 1:
        return modes.pop()
    if modes:
        return None  # both named (a comparison)
    if _MODE1_DESCRIBED.search(text):
        return 1
    if _PARTIAL_DOMAINS.search(text) or _MODE2_DESCRIBED.search(text):
        return 2
    return None


# 「分校那2班」「分班有3班」 "the branch's 2 classes": a branch's classes, not the school's count
# (English folds "branch campus" to 分校 too: "a branch campus, 10 classes" is the school's 10)
_OF_A_BRANCH = re.compile(r"(?<!沒有)(?<!沒)(?<!無)(?<!不含)(?:分校|分班)(?:那邊|那|有|的|也有|還有|是)?\s*$")
# "the branch has 3 classes" (a verb says whose; "a branch campus, 10 classes" is the school's)
_OF_A_BRANCH_EN = re.compile(r"(?:分校|分班|\bbranch)\s+(?:has|have|with|of)\s*$")


def of_a_branch(text: str, match: re.Match[str]) -> bool:
    """Whether a class count matched in `text` is a branch's (「分校那2班」), not the school's."""
    before = text[max(0, match.start() - 12) : match.start()]
    if "class" in match.group(0):
        return _OF_A_BRANCH_EN.search(before) is not None
    return "班" in match.group(0) and _OF_A_BRANCH.search(before) is not None


# 「多1班」「少2班」「再加1班」: classes added or taken away, not the school's count
# (not 「最多3班」「至少2班」, a bound, nor 「參加3班」)
_MORE, _LESS = r"(?<![最至頂])多|增加|(?<!參)加", r"(?<![最至])少|減少|減"
_CHANGED_BY = re.compile(rf"(?:{_MORE}|{_LESS})\s*$")
_CLASS_CHANGE = re.compile(
    rf"(?:(?P<more>{_MORE})|(?P<less>{_LESS}))\s*(?P<n>\d+)\s*(?:個)?\s*班(?!次)|"
    r"\b(?P<n_en>\d+) (?:(?P<more_en>more|extra|additional)|(?P<less_en>fewer|less)) class(?:es)?\b|"
    r"\ban? (?:extra|additional) class\b|\bone (?:more|extra) class\b"
)


def counted_apart(text: str, match: re.Match[str]) -> bool:
    """Whether a class count matched in `text` is not the school's: a branch's, or a change to it."""
    before = text[max(0, match.start() - 4) : match.start()]
    return of_a_branch(text, match) or ("班" in match.group(0) and _CHANGED_BY.search(before) is not None)


def class_change(text: str) -> int | None:
    """Classes a normalised message adds (+) or takes away (−): 「明年多一班」 +1, "2 fewer classes" −2."""
    match = _CLASS_CHANGE.search(text)
    if match is None:
        return None
    n = int(match.group("n") or match.group("n_en") or 1)
    return -n if match.group("less") or match.group("less_en") else n


# a branch's classes counted inside the school's: 「36班裡有3班在分校」「36班 其中3班是分校的」
_BRANCH_WITHIN = re.compile(
    r"(\d+)\s*班\s*(?:裡|裏|中|當中|之中)?\s*(?:面)?\s*(?:其中|有)?\s*(\d+)\s*班\s*(?:在|是|屬於)\s*分校"
)
# 「11班變12班」「從11班增加到12班」: a count and the one it changes to
_CHANGED_TO = re.compile(
    r"\s*(?:就|會|再)?\s*(?:變成|變為|變|改成|改為|增加到|增加為|增為|增到|減少到|減到|降到|→|->)\s*"
)
_MAIN_CAMPUS = re.compile(r"(?:本校|主校|校本部)(?:其實|只有|是|有|共)?\s*$")


def extract(text: str) -> Slots:
    """Slots found in an already normalised question (digits, Traditional, lower case)."""
    counts = [m for m in _CLASSES.finditer(text) if not counted_apart(text, m)]
    # (「36班是含分校的 本校其實31班」: the main campus's count, named, is the school's)
    own = [m for m in counts if _MAIN_CAMPUS.search(text[max(0, m.start() - 6) : m.start()])]
    classes_match = next(iter(own or counts), None)
    for one, then in pairwise(counts):
        if one is classes_match and _CHANGED_TO.fullmatch(text[one.end() : then.start()]):
            classes_match = then  # 「11班變12班的話」: the count it becomes
    classes = int(classes_match.group(1) or classes_match.group(2)) if classes_match else None
    within = _BRANCH_WITHIN.search(text)
    if within is not None and classes == int(within.group(1)) and int(within.group(2)) < classes:
        classes -= int(within.group(2))  # 「36班裡有3班在分校」: the main campus's 33
    return Slots(
        year=_year(text),
        level=_level(text),
        mode=_mode(text),
        domains=_domains(text),
        classes=classes,
        branch=True if _BRANCH.search(text) else None,
    )


def satisfies(slots: Mapping[str, SlotValue], constraints: Mapping[str, SlotValue]) -> tuple[int, int]:
    """How `constraints` (an entry's `when`) fare against extracted `slots`.

    Returns (matched, conflicts): how many constrained slots the question names with a fitting
    value, and how many it names with a value that rules the entry out.
    """
    matched = conflicts = 0
    for name, wanted in constraints.items():
        if name not in slots:
            continue
        value = slots[name]
        if isinstance(wanted, tuple):
            low, high = wanted
            ok = isinstance(value, int) and (low is None or value >= low) and (high is None or value <= high)
        else:
            ok = value == wanted
        if ok:
            matched += 1
        else:
            conflicts += 1
    return matched, conflicts
