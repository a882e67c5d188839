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
from dataclasses import dataclass, field
from decimal import Decimal

from knowledge.funding_rules import FundingRules
from knowledge.quantities import Figures, read_figures
from knowledge.slots import Slots, extract
from knowledge.textnorm import MAX_QUESTION_CHARS, Normalizer, clean, detect_lang

# The facts that decide a school's ceiling; `Understanding.facts` holds those a message states.
SCHOOL_FACTS = ("mode", "classes", "domains", "branch", "open_classroom")

_NO = r"(?:沒有|沒|無|不含|不包括|不是|不要|不|no|not|without|don't|do not)"
_NO_BRANCH = re.compile(_NO + r"\s*(?:包括|包含|含|有|設)?\s*(?:分校|branch)")
_OPEN = re.compile(r"觀課")  # the synonyms fold 開放課室 / open classroom onto 觀課
_NO_OPEN = re.compile(_NO + r"\s*(?:自願|開放|open)?\s*觀課")
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
    "classes": re.compile(rf"{_NUMBER}\s*(?:個)?\s*(?:班(?!次|級數以)|class(?:es)?\b(?!room))"),
    "domains": re.compile(rf"{_NUMBER}\s*(?:個)?\s*(?:以上)?\s*(?:領域|domains?\b)"),
}
# Date-like spans that must not be read as a school year or a class count (116年7月31日).
_DATES_IN_NORMALISED = re.compile(
    r"\d{2,4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日號]?)?|\d{1,2}\s*月\s*\d{1,2}\s*[日號]?|\b20\d\d \d{1,2} \d{1,2}\b"
)

_FOLLOW_UP = re.compile(
    r"^(?:那|那麼|那如果|如果|若|假如|要是|改成|換成|換|改|那要是|再來|還有)"
    r"|(?:呢|的話|呢\s*\?|咧|勒)$"
    r"|^(?:what about|how about|and (?:for|with|if|in|at|what|how)|and\b|what if|if\b|same for|now for|for\b|with\b|in\b)"
)
_CORRECTION = re.compile(
    r"^(?:不是|不對|錯了|我是說|我是問|我說錯|我打錯|打錯|更正|抱歉|sorry|no\b|nope|i meant|i mean|correction|actually)"
    r"|我是問|我是說|i meant|i mean\b"
)
_ASKS_AMOUNT = re.compile(
    r"多少|最多|最高|上限|額度|幾萬|幾元|可以拿|可以領|能拿|能領|可申請|how much|maximum|\bmax\b|\bcap\b|ceiling|limit|"
    r"at most|how many dollars|amount"
)
_CEILING_WORDS = re.compile(
    r"補助|經費|額度|拿|領|申請|總額|總共|合計|上限|最多|how much|ceiling|funding|grant|\bget\b|budget|total|subsid"
)


@dataclass(frozen=True)
class Understanding:
    """One message, read once. `facts` are school facts as written (maybe unusable), `slots` the
    usable ones for matching; `item` is the key of the budget item named (rules' items)."""

    text: str  # cleaned, cut to MAX_QUESTION_CHARS
    normalised: str
    lang: str | None  # None when the text has no letters to tell
    slots: Slots
    facts: dict[str, object] = field(default_factory=dict)
    item: str | None = None
    figures: Figures = field(default_factory=Figures)
    bare_number: int | Decimal | None = None
    yes_no: bool | None = None
    follow_up: bool = False
    correction: bool = False
    asks_amount: bool = False
    ceiling_words: bool = False

    @property
    def empty(self) -> bool:
        return not self.normalised

    @property
    def usable_facts(self) -> dict[str, object]:
        """The school facts whose values a ceiling can use (模式3 and 2.5班 left out)."""
        slots = self.slots.as_dict()
        found: dict[str, object] = {name: slots[name] for name in ("mode", "classes", "domains") if name in slots}
        for name in ("branch", "open_classroom"):
            if name in self.facts:
                found[name] = self.facts[name]
        return found

    def mentions(self, pattern: str) -> bool:
        return re.search(pattern, self.normalised) is not None


def _typed_number(match: re.Match[str]) -> int | Decimal:
    """The number a match of _NUMBER wrote: 20, -5, 1萬 = 10000; 2.5 stays a Decimal."""
    value = Decimal(match.group(1))
    if match.group(2):
        value *= 10000
    return int(value) if value == value.to_integral_value() else value


def _facts(normalised: str, slots: Slots) -> dict[str, object]:
    """School facts a message states, as written: usable values from the slots, and numbers the
    slots ignore (模式3, 2.5班, 1萬班) so that a reply can say what is wrong with them."""
    found: dict[str, object] = {}
    for name, pattern in _WRITTEN.items():
        match = pattern.search(normalised)
        if match:
            found[name] = _typed_number(match)
    found |= {k: v for k, v in slots.as_dict().items() if k in ("mode", "classes", "domains")}
    if _NO_BRANCH.search(normalised):
        found["branch"] = False
    elif slots.branch:
        found["branch"] = True
    if _NO_OPEN.search(normalised):
        found["open_classroom"] = False
    elif _OPEN.search(normalised):
        found["open_classroom"] = True
    return found


def _bare_number(normalised: str) -> int | Decimal | None:
    match = _BARE_NUMBER.match(normalised)
    return _typed_number(match) if match else None


def _yes_no(normalised: str) -> bool | None:
    if _YES.match(normalised):
        return True
    if _NO_ANSWER.match(normalised):
        return False
    return None


def understand(
    text: str, normalize: Normalizer, rules: FundingRules | None = None, lang_hint: str | None = None
) -> Understanding:
    """Read `text` once. `lang_hint` ('zh' or 'en') stands in when the text has no letters."""
    cleaned = clean(text if isinstance(text, str) else "", MAX_QUESTION_CHARS)
    lang = detect_lang(cleaned) or (lang_hint if lang_hint in ("zh", "en") else None)
    normalised = normalize(cleaned)
    if not normalised:
        return Understanding(text=cleaned, normalised="", lang=lang, slots=Slots())
    slots = extract(_DATES_IN_NORMALISED.sub(" ", normalised))
    return Understanding(
        text=cleaned,
        normalised=normalised,
        lang=lang,
        slots=slots,
        facts=_facts(normalised, slots),
        item=rules.match_item(normalised) if rules is not None else None,
        figures=read_figures(normalize.plain(cleaned)),
        bare_number=_bare_number(normalised),
        yes_no=_yes_no(normalised),
        follow_up=_FOLLOW_UP.search(normalised) is not None,
        correction=_CORRECTION.search(normalised) is not None,
        asks_amount=_ASKS_AMOUNT.search(normalised) is not None,
        ceiling_words=_CEILING_WORDS.search(normalised) is not None,
    )
