"""Text normalisation shared by the knowledge base and the questions people type.

Both sides go through the same steps, so the matcher compares like with like:
control characters out, length capped, full-width to half-width (NFKC), Simplified
to Traditional, Chinese numerals to digits, lower case, punctuation to spaces, and
domain synonyms folded onto one canonical word.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

# A question longer than this is cut before matching: nobody asks a real question in
# more than a few hundred characters, and it keeps a 100 kB paste as cheap as a short one.
MAX_QUESTION_CHARS = 300

_NUMERAL_VALUES = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "兩": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_NUMERAL_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMERAL_CHARS = "".join(_NUMERAL_VALUES) + "".join(_NUMERAL_UNITS)
# A lone numeral character is only a number when a counter or unit follows it (or it
# follows 模式/第); otherwise 一般, 統一, 一起 would turn into digits.
_COUNTERS = (
    "個",
    "班",
    "節",
    "小時",
    "學年",
    "年",
    "萬",
    "元",
    "人",
    "次",
    "校",
    "所",
    "篇",
    "本",
    "天",
    "日",
    "週",
    "周",
    "月",
    "學期",
    "領域",
    "科",
    "場",
    "隊",
    "案",
    "位",
    "名",
    "%",
    "成",
    "晚",
    "夜",
    "餐",
    "堂",
    "台",
    "臺",
    "塊",
    "份",
    "整天",  # 「兩整天」: two whole days
    "整日",
    "整晚",
)
_NUMERAL_RUN = re.compile(f"[{_NUMERAL_CHARS}]+")
# Digits times a unit character, as amounts are often typed: 5千 = 5000, 3百 = 300.
_DIGITS_TIMES_UNIT = re.compile(f"(\\d+)([十百千])(?![{''.join(_NUMERAL_VALUES)}])")
# 模式 takes one numeral only: 模式一二十四班 is 模式1 + 24班, not 模式124班.
_MODE_NUMERAL = re.compile(
    f"(?:模式|模(?=[一二兩两](?:[^{_NUMERAL_CHARS}]|$|[{_NUMERAL_CHARS}]{{1,2}}個)))\\s*([一二兩两])(?=([{_NUMERAL_CHARS}\\d])?)"
)
_ENGLISH_NUMBERS = {
    w: str(n)
    for n, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}
_ENGLISH_NUMBERS |= {
    w: str(n)
    for n, w in (
        (30, "thirty"),
        (40, "forty"),
        (50, "fifty"),
        (60, "sixty"),
        (70, "seventy"),
        (80, "eighty"),
        (90, "ninety"),
    )
}
_ENGLISH_NUMBER = re.compile(r"\b(" + "|".join(sorted(_ENGLISH_NUMBERS, key=len, reverse=True)) + r")\b")
# "thirty-eight classes", "twenty one": a ten and a unit, one number
_ENGLISH_TENS_AND_UNIT = re.compile(
    r"\b(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[\s-](one|two|three|four|five|six|seven|eight|nine)\b"
)
_PUNCT_CATEGORIES = {"Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So"}
# Characters typed for others that look the same: Zhuyin ㄧ (U+3127) for 一 (「模式ㄧ」「ㄧ個領域」).
_LOOKALIKES = str.maketrans({"ㄧ": "一"})
_SPACES = re.compile(r"\s+")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3})")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
_NEVER = re.compile(r"(?!)")
# Words that carry no topic (「學校這邊要交什麼」 is 「學校要交什麼」): every one is a unit the
# fuzzy scorers would weigh, so a question with one scored lower against every phrasing.
# Who said what is being checked carries no topic either (「我們主任說核結是…一個月內 對嗎」).
_FILLERS = re.compile(
    r"我們這邊|我這邊|這邊|這裡|想請問一下|想請問|請問一下|請問|想問一下|不好意思|哈囉|您好|你好|"
    r"(?:我們|我的)?(?:主任|校長|組長|同事|會計|前輩|前任|承辦)(?:跟我)?(?:說|講)|我?聽說|有人(?:跟我)?說|"
    r"\b(?:someone|somebody|(?:my|our|a|the|her|his) (?:[a-z]+ ){0,2}?(?:colleague|coworker|co-worker|principal|boss|vp|"
    r"coordinator|director|predecessor|notes?|handover|accountant|chief|friend))\s+"
    r"(?:told (?:me|us)|says?|said|wrote|writes|claims?|insists?|thinks?|reckons?)(?: that)?\b|"
    r"\bi(?: have|'ve)? heard(?: that)?\b|\bis (?:that|this|it) (?:right|true|correct|so|how it works)\b|"
    r"真的假的|是真的嗎|是不是真的"
)


def without_fillers(normalised: str) -> str:
    """A normalised text as ranked: without the words that carry no topic (see _FILLERS)."""
    return _SPACES.sub(" ", _FILLERS.sub(" ", normalised)).strip()


def any_word(words: Iterable[str]) -> re.Pattern[str]:
    """One regex whose `search` finds whether a text contains any of `words`, as
    `any(word in text for word in words)` would (an empty word is in every text): a single scan
    in C instead of a Python loop over hundreds of words on every message."""
    unique = sorted(set(words), key=lambda word: (-len(word), word))
    return re.compile("|".join(re.escape(word) for word in unique)) if unique else _NEVER


def any_whole_word(words: Iterable[str], normalize: Callable[[str], str]) -> re.Pattern[str]:
    """`any_word` over the normalised `words`, but an English word must stand whole or with an
    ending (camp, camps, camping; not campus) unless written as a stem (「certif*」: certificate,
    certified); Chinese has no word boundaries and keeps matching inside the text."""
    alternatives: dict[str, str] = {}
    for word in words:
        stem = word.endswith("*")
        written = normalize(word.removesuffix("*"))
        if not written:
            continue
        whole = _LATIN.match(written) and _LATIN.match(written[-1]) and not stem
        pattern = rf"\b{re.escape(written)}(?:s|es|d|ed|ing)?\b" if whole else re.escape(written)
        alternatives[pattern] = written
    ordered = sorted(alternatives, key=lambda pattern: (-len(alternatives[pattern]), pattern))
    return re.compile("|".join(ordered)) if ordered else _NEVER


def clean(text: str, limit: int | None = MAX_QUESTION_CHARS) -> str:
    """Drop control and format characters, trim, and cut to `limit` characters (None: no cut,
    for the knowledge base's own texts)."""
    if not isinstance(text, str):
        text = str(text)
    if limit is not None and len(text) > limit * 8:
        text = f"{text[: limit * 4]} {text[-limit * 4 :]}"  # cheap first cut before per-character work
    if not text.isprintable():  # printable: none of the categories below (nearly every message)
        text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text)
    cleaned = _SPACES.sub(" ", text).strip()
    if limit is None or len(cleaned) <= limit:
        return cleaned
    # a long message keeps its start and its end, where the question usually is (background told
    # first: "Hello, I'm the foreign English teacher … By what date?"), and loses the middle
    head = limit // 3
    return f"{cleaned[:head]} {cleaned[len(cleaned) - (limit - head - 1) :]}"


def excerpt(text: str, limit: int) -> str:
    """A user's words quoted back in a reply or an error line: `clean`ed (no control characters,
    no invisible marks, nothing that clears a terminal) and cut to `limit` characters with "…"."""
    cleaned = clean(text, limit + 1)
    return cleaned if len(cleaned) <= limit else cleaned[:limit] + "…"


@lru_cache(maxsize=4)
def _opencc_characters(name: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """One of OpenCC's character dictionaries, read once: each single character and its choices,
    first choice first."""
    text = (resources.files("opencc") / "dictionary" / name).read_text(encoding="utf-8")
    pairs = (line.partition("\t") for line in text.splitlines())
    return tuple(
        (source, tuple(targets.split())) for source, _, targets in pairs if len(source) == 1 and targets.split()
    )


@lru_cache(maxsize=1)
def _simplified_to_traditional_table() -> dict[int, str]:
    """A character table from OpenCC's dictionaries (Simplified -> Traditional -> Taiwan forms).

    Character-level conversion is all matching needs, and str.translate makes it about a
    hundred times faster than OpenCC's phrase segmentation in pure Python.
    """
    table: dict[int, str] = {}
    for name in ("STCharacters.txt", "TWVariants.txt"):
        for source, choices in _opencc_characters(name):
            target = choices[0]
            table[ord(source)] = table.get(ord(target), target) if name == "STCharacters.txt" else target
    for key, value in list(table.items()):  # apply the Taiwan variants to the converted characters too
        if len(value) == 1 and ord(value) in table and table[ord(value)] != value:
            table[key] = table[ord(value)]
    # OpenCC lists the surname 鍾 first for 钟; here it is the clock's 鐘 (鐘點費, 分鐘, 鐘頭); and 并 is
    # first 並, where the plans' words are 合併 and 併入 (「经常门也可以合并吗」)
    table.update(_DOMAIN_CHOICES)
    return table


_DOMAIN_CHOICES = {ord("钟"): "鐘", ord("并"): "併"}


def to_traditional(text: str) -> str:
    """Simplified to Traditional (Taiwan forms), character by character; Traditional passes through,
    but for the words whose 里 the table would turn into 裡 (公里 is no 公裡)."""
    if not _CJK.search(text):
        return text
    converted = text.translate(_simplified_to_traditional_table())
    return _LI_WORDS.sub(lambda m: m.group(0).replace("裡", "里"), converted) if "里" in text else converted


# Simplified 里 is both 裡 (inside) and 里 (a mile, a neighbourhood): these words keep 里
_LI_WORDS = re.compile(r"公裡|英裡|裡程|鄰裡|裡長|千裡")


@lru_cache(maxsize=1)
def _script_tables() -> tuple[frozenset[str], frozenset[str], dict[int, str]]:
    """From OpenCC's dictionaries: the characters only Simplified writing uses (发, 么; not 台 or 里,
    which Taiwan writes too), those only Traditional writing uses (發, 麼), and Traditional to
    Simplified character by character (first choice, as OpenCC lists them)."""
    simplified_only = frozenset(ch for ch, choices in _opencc_characters("STCharacters.txt") if ch not in choices)
    to_simplified = {ord(ch): choices[0] for ch, choices in _opencc_characters("TSCharacters.txt") if ch not in choices}
    return simplified_only, frozenset(chr(code) for code in to_simplified), to_simplified


def writes_simplified(text: str, before: bool = False) -> bool:
    """Whether a message is written in Simplified Chinese: more characters only Simplified uses
    than characters only Traditional uses; a message with neither (「模式2呢」, "20") keeps what the
    chat wrote `before`."""
    simplified_only, traditional_only, _ = _script_tables()
    simplified = sum(ch in simplified_only for ch in text)
    traditional = sum(ch in traditional_only for ch in text)
    return before if simplified == traditional else simplified > traditional


def to_simplified(text: str) -> str:
    """Traditional to Simplified, character by character: a reply worded in Traditional shown to a
    chat that writes Simplified. (Simplified has far fewer characters, so one-by-one is faithful; 計畫 is 计划 there.)"""
    if not _CJK.search(text):
        return text
    return text.translate(_script_tables()[2]).replace("计画", "计划").replace("规画", "规划")


def _numeral_value(run: str) -> int | None:
    if all(ch in _NUMERAL_VALUES for ch in run):
        if len(run) == 1:
            return _NUMERAL_VALUES[run]
        # 一一〇 read digit by digit, as ROC years are written
        return int("".join(str(_NUMERAL_VALUES[ch]) for ch in run))
    total, current, last_unit = 0, 0, 0
    for ch in run:
        if ch in _NUMERAL_VALUES:
            current = _NUMERAL_VALUES[ch]
        else:
            last_unit = _NUMERAL_UNITS[ch]
            total += (current or 1) * last_unit
            current = 0
    if run[-1] in _NUMERAL_VALUES and len(run) >= 2 and run[-2] in _NUMERAL_UNITS and last_unit >= 100:
        return total + current * last_unit // 10  # 三千五 is 3500 and 兩百五 250, as said aloud
    return total + current


# words a numeral begins that are no number after 萬: 「5萬一起算」「3萬一樣」
_NOT_A_DIGIT_AFTER = ("起", "樣", "共", "律", "定", "直", "些", "般", "併")
# Two numerals in a row, the second one more than the first (一兩, 兩三, 三四 … 八九): "two or three"
_ABOUT = re.compile(r"一[二兩]|[二兩]三|三四|四五|五六|六七|七八|八九")


def chinese_numerals_to_digits(text: str) -> str:
    """二十班 -> 20班, 一一〇學年度 -> 110學年度, 模式二 -> 模式2, 1萬5千 -> 1萬5000; leaves 一般 alone."""
    text = _DIGITS_TIMES_UNIT.sub(lambda m: str(int(m.group(1)) * _NUMERAL_UNITS[m.group(2)]), text)
    text = text.replace("廿", "二十").replace("卅", "三十")  # 廿八班 is 28 classes

    def replace(match: re.Match[str]) -> str:
        run = match.group(0)
        before = text[max(0, match.start() - 2) : match.start()]
        after = text[match.end() : match.end() + 2]
        standalone = len(run) == 1 and run not in _NUMERAL_UNITS
        if standalone or run in ("十",):
            # 「三萬五」 is 3萬5 (35,000), but 「萬一」 is "in case"
            # (not 「那5萬一起算」: 一起 is "together")
            after_ten_thousand = (
                before.endswith("萬")
                and (before[:1].isdigit() or before[:1] in _NUMERAL_CHARS)
                and not after.startswith(_NOT_A_DIGIT_AFTER)
            )
            is_number = before.endswith(("模式", "第", "式")) or after.startswith(_COUNTERS) or after_ten_thousand
            if not is_number:
                return run
        if _ABOUT.fullmatch(run):  # 「兩三個」「三四位」 say about how many: 2到3, not 23
            return f"{_NUMERAL_VALUES[run[0]]}到{_NUMERAL_VALUES[run[1]]}"
        value = _numeral_value(run)
        if value is None:
            return run
        # keep 模式一10班 from becoming 模式110班
        pad_before = " " if before[-1:].isdigit() else ""
        pad_after = " " if after[:1].isdigit() else ""
        return f"{pad_before}{value}{pad_after}"

    text = _MODE_NUMERAL.sub(lambda m: f"模式{_NUMERAL_VALUES[m.group(1)]}" + (" " if m.group(2) else ""), text)
    return _NUMERAL_RUN.sub(replace, text)


def english_numbers_to_digits(text: str) -> str:
    """'two domains' -> '2 domains', 'thirty-eight' -> '38' (lower-case text, numbers below a hundred)."""
    text = _ENGLISH_TENS_AND_UNIT.sub(
        lambda m: str(int(_ENGLISH_NUMBERS[m.group(1)]) + int(_ENGLISH_NUMBERS[m.group(2)])), text
    )
    return _ENGLISH_NUMBER.sub(lambda m: _ENGLISH_NUMBERS[m.group(1)], text)


def strip_punctuation(text: str) -> str:
    """Punctuation to spaces, except %, a decimal point between digits (2.5) and a minus sign
    starting a number (-5班): the calculators must see those to refuse them, not misread them."""
    kept = []
    for i, ch in enumerate(text):
        if ch.isalnum() or ch.isspace():  # nearly every character: skip the category look-up
            kept.append(ch)
            continue
        before, after = text[i - 1 : i], text[i + 1 : i + 2]
        if (
            unicodedata.category(ch) not in _PUNCT_CATEGORIES
            or ch == "%"
            or (ch == "." and before.isdigit() and after.isdigit())
            or (ch == "-" and after.isdigit() and (not before or before.isspace()))
        ):
            kept.append(ch)
        else:
            kept.append(" ")
    return "".join(kept)


def detect_lang(text: str) -> str | None:
    """'en' when the text is mostly Latin letters, 'zh' when it has Chinese, else None."""
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN.findall(text))
    if cjk == 0 and latin == 0:
        return None
    if latin >= 3 * cjk and latin >= 2:
        return "en"
    return "zh" if cjk else "en"


# A loudspeaker, not a lecturer: priced like a device ("a 9,000 speaker", not "2 speakers"), named as one ("bluetooth
# speaker"), or asked of the capital or equipment budget ("a speaker for 8000 under capital")
_DEVICE_SPEAKER = re.compile(
    r"(?:(?<=\d\d\d )|(?<=\d\d\d)|(?<=\dk )|(?<=dollar )|(?<=dollars ))speakers?\b|"
    r"\b(?:bluetooth|portable|wireless|pa|smart|usb|desktop|classroom audio) speakers?\b|\bloudspeakers?\b|"
    r"\bspeakers?\b(?=[^.?!]{0,40}\b(?:capital|equipment)\b)"
)


@dataclass
class Normalizer:
    """Normalises text; `synonyms` maps each variant (already normalised) to its canonical word."""

    synonyms: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Canonical words map to themselves so that a variant which is a prefix of its
        # canonical word (鐘點 / 鐘點費) never rewrites the canonical word itself.
        for canonical in set(self.synonyms.values()):
            self.synonyms.setdefault(canonical, canonical)
        variants = sorted(self.synonyms, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(v) for v in variants)) if variants else None

    def plain(self, text: str, limit: int | None = MAX_QUESTION_CHARS) -> str:
        """Every step of `base` but punctuation: dates (2027/7/31) and amounts (NT$2,000) keep
        the marks that say what they are."""
        text = unicodedata.normalize("NFKC", clean(text, limit)).translate(_LOOKALIKES)
        text = to_traditional(text).lower()
        text = english_numbers_to_digits(chinese_numerals_to_digits(text))
        return _SPACES.sub(" ", _THOUSANDS.sub("", text)).strip()

    def base(self, text: str, limit: int | None = MAX_QUESTION_CHARS) -> str:
        """Every step but the synonyms."""
        return _SPACES.sub(" ", strip_punctuation(self.plain(text, limit))).strip()

    def __call__(self, text: str, limit: int | None = MAX_QUESTION_CHARS) -> str:
        """Normalise a question (cut to `limit` characters) or, with limit=None, a text of the KB."""
        return self.from_plain(self.plain(text, limit))

    def from_plain(self, plain: str) -> str:
        """The normalised form of a text whose `plain` form is `plain`: a message read in both
        forms goes through the common steps once."""
        text = _SPACES.sub(" ", strip_punctuation(plain)).strip()
        text = _DEVICE_SPEAKER.sub("音響", text)
        if self._pattern is not None:
            text = self._pattern.sub(lambda m: self.synonyms[m.group(0)], text)
        return _SPACES.sub(" ", text).strip()
