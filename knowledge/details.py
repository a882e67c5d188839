"""A question can match a topic of the plans and still ask a detail they never give: which schools,
who, where, a score, a price, a date. Answering with the topic would look like an answer; the
honest reply says the plans do not give that detail. A detail counts as given when the matched
answer holds something of its kind (a date, an amount, a named place …)."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Detail:
    kind: str
    asked: re.Pattern[str]  # in the normalised question
    given: re.Pattern[str]  # in the matched answer (either language), or it saying the plan leaves it out


DETAILS = (
    Detail(
        "price",
        re.compile(
            r"報名費.{0,4}(?:多少|幾)|多少錢|要花多少|費用是多少|價格|時薪是多少|基本工資是多少|超過多少錢|總預算|"
            r"how much does .{0,30}cost|cost to register|what does .{0,30}cost|price of|registration fee\b|total budget|"
            r"what does .{0,30}\bpay\b|how much .{0,30}\bpaid\b|how much do .{0,30}\bget paid\b"
        ),
        re.compile(
            r"\d[\d,]*\s*(?:萬)?\s*元|nt\$\s*\d|\d+\s*萬|沒有寫.{0,6}(?:金額|費用|多少)|no amount|not say how much"
        ),
    ),
    Detail(
        "date",
        re.compile(
            r"哪一天|哪天|幾月幾號|截止日|截止日期|什麼時候截止|"
            r"deadline to submit|what date|which date|when is the deadline"
        ),
        re.compile(
            r"\d+\s*年\s*\d+\s*月\s*\d+\s*日|\d{4}/\d{1,2}/\d{1,2}|\d+\s*月\s*\d+\s*日|\d{4}-\d{2}-\d{2}|"
            r"沒有寫.{0,8}(?:日期|期限)|未訂.{0,4}日期|no (?:date|deadline)|gives no deadline|does not say when"
        ),
    ),
    Detail(
        "year",
        re.compile(r"哪[一1]?年(?:締結|開始|成立|簽)|which year did|what year did"),
        re.compile(r"\d{2,4}\s*學?年|school year \d+|\b(?:19|20)\d\d\b"),
    ),
    Detail(
        "score",
        re.compile(r"幾分|多少分|分數|\bscores?\b|\bpoints\b"),
        # a score, or the plan's own yardstick (CEFR levels) in its place
        re.compile(r"\d+\s*分(?!之|鐘)|分以上|\d+\s*%|no (?:test )?scores?|\bcefr\b|\b[abc][12]\b"),
    ),
    Detail(
        "place",
        re.compile(
            r"(?<!差)在哪(?![些一個種項])|(?<!差)哪裡|哪兒|哪一間|哪間|哪幾間|哪一所|哪所|哪幾所|哪些學校|哪個學校|"
            r"\bwhere\b|which schools\b|which school\b(?! years?)"
        ),
        re.compile(
            r"大學|海大|德州|考柏克利|美國|日本|政府|國教署|教育局|university|texas|government|administration|bureau"
        ),
    ),
    Detail(
        # The plans count schools (「本市四所高中」) and set who may apply, but name none.
        "schools",
        re.compile(r"哪幾間|哪幾所|(?:是|有)哪些學校|which schools (?:are|were|have|took)|names? of the schools"),
        re.compile(r"(?!)"),
    ),
    Detail(
        "country_or_language",
        re.compile(
            r"哪些國家|哪個國家|哪國|哪幾種語言|什麼語言|哪些語言|有日文|有日語|which countries|what languages|which languages"
        ),
        re.compile(
            r"美國|日本|德國|法國|英國|韓國|越南|印尼|泰國|菲律賓|德州|日語|日文|德語|法語|西班牙|越南語|印尼語|泰語|韓語"
        ),
    ),
    Detail(
        "rate",
        re.compile(r"費率|提撥率|提撥比例|比率是多少|contribution rate|what rate|what percentage"),
        re.compile(r"\d+(?:\.\d+)?\s*%|百分之|沒有寫.{0,6}(?:比率|費率)|no rate"),
    ),
    Detail(
        "person",
        re.compile(
            r"是誰$|是誰\s|誰是|哪位|哪一位|召集人|姓名|名字|名單|\bwho is the\b|\bname of\b|list of (?:names|experts)"
        ),
        re.compile(r"(?!)"),
    ),
)


_HOW_MANY = re.compile(r"\bhow many ([a-z]{3,})")
# 「要去幾個禮拜」「答對幾題」: a count of something, given only as a number with that unit
_HOW_MANY_ZH = re.compile(r"幾(?:個)?(題|週|禮拜|星期|分鐘)")
_SAME_UNIT = {"題": "題", "週": "週|周|禮拜|星期", "禮拜": "週|周|禮拜|星期", "星期": "週|周|禮拜|星期", "分鐘": "分鐘"}
# Counted things an answer gives as a number without naming them again (points: the score detail).
_PLAIN_COUNTS = {"time", "year", "month", "week", "day", "hour", "period", "people", "person", "session", "point"}


def missing_detail(question: str, answers: tuple[str, ...]) -> str | None:
    """The kind of detail `question` asks that none of `answers` gives, or None."""
    text = " ".join(answers).lower()
    for detail in DETAILS:
        if detail.asked.search(question) and not detail.given.search(text):
            return detail.kind
    counted = _HOW_MANY.search(question)
    unit = _HOW_MANY_ZH.search(question)
    if unit and not re.search(rf"\d\s*(?:個)?\s*(?:{_SAME_UNIT[unit.group(1)]})", text):
        return "count"
    noun = counted.group(1).rstrip("s") if counted else ""
    if counted and noun not in _PLAIN_COUNTS and noun[:5] not in text:  # "how many seats": no seats in the answer
        return "count"
    return None
