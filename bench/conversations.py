"""Scoring replies against the blind sets: multi-turn dialogues (tests/data/dialogues.yaml), the
computation questions (tests/data/computations.yaml) and the fresh single questions
(tests/data/questions_blind2.yaml). Shared by the tests and the benchmark.

A turn is right when every expectation it states holds:
- `figure`: the reply states that number (25 萬, 250,000 元 and NT$250,000 are all 250000);
- `date`: the reply states that day (2027/09/30, 2027-09-30 or 116年9月30日);
- `verdict`: the reply's first line says yes (within) or no (over);
- `entry`: the reply answers from that entry (or one of `also`); a computed reply counts when it
  also states the expected figure or date, or names the entry as its intent;
- `none`: the reply does not answer confidently, or says in so many words that the plans do not
  give what was asked (「計畫沒有寫…」 "the plan gives no …") while citing the related rule;
- `clarify`: the reply asks back for the missing fact.
A reply is *confident* when it answers outright (a knowledge-base answer or a calculation); a
confident reply to a turn it gets wrong is what must stay rare.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from knowledge.textnorm import to_traditional, writes_simplified

if TYPE_CHECKING:
    from bot.wiring import Knowledge
    from handlers.dialog import Dialog

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
DIALOGUES = DATA / "dialogues.yaml"
COMPUTATIONS = DATA / "computations.yaml"
BLIND2 = DATA / "questions_blind2.yaml"
# "Today" for every scored run: days-left figures must not change with the date the suite runs.
TODAY = date(2026, 12, 2)

_NUMBER = re.compile(r"(?<![\d.])(\d[\d,]*(?:\.\d+)?)\s*(萬)?")
# a count in words before its counter: 「計畫目標有三項」「兩種模式」「四大目標」 (not 「第三」 or 「三年計畫」)
_COUNTED_IN_WORDS = re.compile(r"(?<![第\d])([一二兩三四五六七八九十])\s*(?:項|個|種|大|類|位|所|校|次|場|點)")
_WORD_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)} | {"兩": 2}
_DATES = (
    re.compile(r"(?<!\d)(20\d\d)\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)(20\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"),
    re.compile(r"(?<!\d)(1\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"),
)
_YES = re.compile(r"^\W*(?:可以|符合|在上限內|來得及|是|有|要。|需要|yes|allowed|within|ok|in time)", re.IGNORECASE)
_NO = re.compile(
    r"^\W*(?:不可以|不行|不符合|超過|超出|來不及|否|不是|不會|不用|不需|不必|沒有規定|計畫沒有訂|no\b|not allowed|over|late)",
    re.IGNORECASE,
)

# A reply that says the plans do not give what was asked.
_SAYS_SILENT = re.compile(
    r"計畫(?:本身)?(?:沒有|未)(?:寫|列|規定|提|訂)|都沒有規定這件事|plan(?:s)?(?: itself)? (?:gives?|give|lists?|sets?) no|"
    r"(?:plan|plans) (?:does|do) not (?:say|give|list|set|state)|no (?:test )?scores|neither plan|"
    r"計畫期程沒有涵蓋|(?:plan|plans|period) (?:does|do) not cover",
    re.IGNORECASE,
)

Ask = Callable[[str, str], dict[str, Any]]  # (chat id, text) -> the reply's JSON


def scored_dialog(knowledge: Knowledge) -> Dialog:
    """The dialog every scored run talks to: memory in process, "today" fixed at TODAY."""
    from handlers.dialog import Dialog
    from handlers.memory import ChatMemory

    return Dialog(knowledge.engine, knowledge.rules, knowledge.calendar.rules, memory=ChatMemory(), today=lambda: TODAY)


@dataclass(frozen=True)
class Turn:
    say: str
    expect: dict[str, Any]


@dataclass(frozen=True)
class Dialogue:
    id: str
    lang: str
    kind: str
    turns: tuple[Turn, ...]


@dataclass
class Score:
    turns: int = 0
    right: int = 0
    confident: int = 0
    confident_wrong: int = 0
    wrong: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.right / self.turns if self.turns else 0.0

    @property
    def confident_wrong_rate(self) -> float:
        """Of all turns, the share answered confidently and wrongly."""
        return self.confident_wrong / self.turns if self.turns else 0.0


def numbers_in(text: str) -> set[Decimal]:
    found: set[Decimal] = set()
    for match in _NUMBER.finditer(text):
        try:
            value = Decimal(match.group(1).replace(",", ""))
        except InvalidOperation:
            continue
        found.add(value * 10000 if match.group(2) else value)
    found.update(Decimal(_WORD_DIGITS[m.group(1)]) for m in _COUNTED_IN_WORDS.finditer(text))
    return found


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# English dates as the answers write them: "31 Jul 2028", "July 31, 2027"
_DAY_MONTH_YEAR = re.compile(r"(?<!\d)(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?\s+(20\d\d)(?!\d)")
_MONTH_DAY_YEAR = re.compile(r"\b([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(20\d\d)(?!\d)")


def dates_in(text: str) -> set[date]:
    found: set[date] = set()
    for index, pattern in enumerate(_DATES):
        for match in pattern.finditer(text):
            year, month, day = (int(g) for g in match.groups())
            try:
                found.add(date(year + 1911 if index == 2 else year, month, day))
            except ValueError:
                continue
    written = [(m.group(1), m.group(2), m.group(3)) for m in _DAY_MONTH_YEAR.finditer(text)]
    written += [(m.group(2), m.group(1), m.group(3)) for m in _MONTH_DAY_YEAR.finditer(text)]
    for day_text, month_name, year_text in written:
        if month_name.lower() in _MONTHS:
            try:
                found.add(date(int(year_text), _MONTHS.index(month_name.lower()) + 1, int(day_text)))
            except ValueError:
                continue
    return found


def confident(reply: dict[str, Any]) -> bool:
    return reply.get("route") in ("answer", "calculation")


def as_traditional(text: str) -> str:
    """A reply as the bot words it: a chat writing Simplified reads its replies in Simplified (計畫
    shown as 计划), judged as the Traditional they were made from; a Traditional reply as it is."""
    return to_traditional(text).replace("計劃", "計畫") if writes_simplified(text) else text


def judge(expect: dict[str, Any], reply: dict[str, Any]) -> bool:
    """Whether a reply meets every expectation of a turn (see the module docstring)."""
    text = as_traditional(str(reply.get("answer", "")))
    route = reply.get("route")
    if expect.get("none"):
        return not confident(reply) or _SAYS_SILENT.search(text) is not None
    if expect.get("clarify"):
        return route == "clarification"
    if not confident(reply):
        return False
    ok = True
    if "figure" in expect:
        ok &= Decimal(str(expect["figure"])) in numbers_in(text)
    if "date" in expect:
        ok &= date.fromisoformat(str(expect["date"])) in dates_in(text)
    if "verdict" in expect:
        first = text.splitlines()[0] if text else ""
        ok &= bool(_YES.match(first)) if expect["verdict"] == "within" else bool(_NO.match(first))
    if "entry" in expect:
        wanted = {expect["entry"], *expect.get("also", ())}
        by_intent = reply.get("intent") in wanted
        by_figure = route == "calculation" and ("figure" in expect or "date" in expect)
        ok &= by_intent or by_figure
    return ok


def load_dialogues(path: Path = DIALOGUES) -> list[Dialogue]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Dialogue(
            id=str(d["id"]),
            lang=str(d.get("lang", "")),
            kind=str(d.get("kind", "")),
            turns=tuple(Turn(str(t["say"]), dict(t["expect"])) for t in d["turns"]),
        )
        for d in raw["dialogues"]
    ]


def load_single(path: Path) -> list[Turn]:
    """A set of single questions (computations, blind2): each a one-turn dialogue."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Turn(str(q["q"]), dict(q["expect"])) for q in raw["questions"]]


def score_turns(pairs: Iterable[tuple[str, Turn, dict[str, Any]]]) -> Score:
    score = Score()
    for label, turn, reply in pairs:
        score.turns += 1
        right = judge(turn.expect, reply)
        score.right += right
        score.confident += confident(reply)
        if not right:
            score.confident_wrong += confident(reply)
            score.wrong.append(
                f"{label} {turn.say!r} expected {turn.expect} got {reply.get('route')} "
                f"{reply.get('intent')} {str(reply.get('answer', ''))[:80]!r}"
            )
    return score


def run_dialogues(ask: Ask, dialogues: list[Dialogue]) -> Score:
    """Every dialogue in its own chat, turn by turn."""

    def pairs() -> Iterable[tuple[str, Turn, dict[str, Any]]]:
        for dialogue in dialogues:
            for number, turn in enumerate(dialogue.turns, 1):
                yield f"{dialogue.id}#{number}", turn, ask(dialogue.id, turn.say)

    return score_turns(pairs())


def run_single(ask: Ask, turns: list[Turn], prefix: str) -> Score:
    return score_turns((f"{prefix}{i}", turn, ask(f"{prefix}{i}", turn.say)) for i, turn in enumerate(turns))


def as_json(score: Score) -> str:
    return json.dumps(
        {"turns": score.turns, "accuracy": round(score.accuracy, 4), "confident_wrong": score.confident_wrong},
        ensure_ascii=False,
    )
