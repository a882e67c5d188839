"""The maintainers' report on the interaction log (`policybot report`).

`build()` turns the logged turns into one JSON-ready dict: the questions policybot could not answer
("not sure" and "the plans do not say"), grouped by similarity so that thirty phrasings of one gap
are one row, each with the closest existing entry; the answers marked wrong, with their comments;
the most-asked topics and entries; and week by week the share of confident answers. `text()`,
`html()` (bot/report_html.py) and `stubs()` (knowledge-base YAML for the unanswered groups) render it.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from knowledge.engine import Engine
from knowledge.matcher import units
from knowledge.textnorm import detect_lang
from reminders.calendar import TAIPEI
from reminders.interactions import BUTTON, DOWN, TEXT, UP, Interaction

UNANSWERED_ROUTES = ("unsure", "not_in_plans")
CONFIDENT_ROUTES = ("answer", "calculation")
# Turns that end in an answer or a refusal; a question asked back (clarification) is neither.
RATED_ROUTES = (*CONFIDENT_ROUTES, *UNANSWERED_ROUTES)
# Two unanswered questions are one gap when what they are about is this alike (see `similarity`).
SIMILAR = 0.55
PHRASINGS_SHOWN = 8
CLOSE_ENOUGH = 0.15  # below this the engine offers no topics either
TOP = 15
# Words that make a question a question, not what it is about: left out when grouping.
_FILLERS = re.compile(
    r"請問|想問|可不可以|可以|能不能|能否|是否|是不是|有沒有|會不會|要不要|怎麼|如何|多少|哪些|什麼|甚麼|嗎|呢|吧|啊|呀|的|了"
    r"|\b(?:can|could|may|i|we|our|my|the|a|an|is|are|do|does|how|what|which|when|much|many|for|to|of|in|on|it|be)\b"
)


def taipei_date(moment: float) -> date:
    return datetime.fromtimestamp(moment, TAIPEI).date()


def since_timestamp(day: date) -> float:
    """Midnight at the start of `day`, Asia/Taipei, as Unix time."""
    return datetime(day.year, day.month, day.day, tzinfo=TAIPEI).timestamp()


def gap_key(normalised: str) -> str:
    """What a question is about, for grouping: its matching units without the question words."""
    return units(_FILLERS.sub(" ", normalised))


class Rarity:
    """How telling each matching unit (a Chinese character, a word) is: its inverse document frequency
    over the knowledge base's phrasings, to the power 1.5. Words every funding question uses (經費,
    費, 報, 老師) weigh little; what a gap is about is by nature rare in the knowledge base (咖啡, 停車)
    and weighs most. Plain character likeness (rapidfuzz's ratios) let the question words decide and
    split one gap asked thirty ways into ten rows."""

    def __init__(self, engine: Engine) -> None:
        phrasings = [
            set(units(engine.normalize(p)).split())
            for entry in engine.kb.entries.values()
            for said in entry.phrasings.values()
            for p in said
        ]
        self._documents = len(phrasings)
        self._frequency = Counter(unit for phrasing in phrasings for unit in phrasing)

    def weights(self, key: str) -> dict[str, float]:
        n = self._documents
        return {unit: math.log((n + 1) / (self._frequency.get(unit, 0) + 1)) ** 1.5 for unit in key.split()}


def similarity(a: dict[str, float], b: dict[str, float]) -> float:
    """Weighted Dice: the weight of the units both share, over their mean weight (0–1)."""
    shared = sum(weight for unit, weight in a.items() if unit in b) + sum(w for u, w in b.items() if u in a)
    total = sum(a.values()) + sum(b.values())
    return shared / total if total else 0.0


@dataclass
class _Gap:
    key: str
    phrasings: Counter[str] = field(default_factory=Counter)
    langs: Counter[str] = field(default_factory=Counter)
    routes: Counter[str] = field(default_factory=Counter)
    first: float = float("inf")
    last: float = 0.0

    def add(self, row: Interaction) -> None:
        self.phrasings[row.question] += 1
        self.langs[row.lang] += 1
        self.routes[row.route] += 1
        self.first = min(self.first, row.at)
        self.last = max(self.last, row.at)

    def merge(self, other: _Gap) -> None:
        self.phrasings.update(other.phrasings)
        self.langs.update(other.langs)
        self.routes.update(other.routes)
        self.first, self.last = min(self.first, other.first), max(self.last, other.last)

    @property
    def count(self) -> int:
        return sum(self.phrasings.values())


def group_unanswered(rows: Iterable[Interaction], engine: Engine) -> list[_Gap]:
    """The typed questions that got "not sure" or "not in the plans", one group per gap, the most
    asked first. A question joins the group of the most-asked question it is similar enough to."""
    by_key: dict[str, _Gap] = {}
    for row in rows:
        if row.via != TEXT or row.route not in UNANSWERED_ROUTES:
            continue
        key = gap_key(engine.normalize(row.question))
        if not key:
            continue
        by_key.setdefault(key, _Gap(key)).add(row)
    rarity = Rarity(engine)
    groups: list[tuple[_Gap, dict[str, float]]] = []
    for gap in sorted(by_key.values(), key=lambda g: (-g.count, len(g.key), g.key)):
        weights = rarity.weights(gap.key)
        scored = [(similarity(weights, leader), index) for index, (_, leader) in enumerate(groups)]
        best = max(scored, default=(0.0, -1))
        if best[0] >= SIMILAR:
            groups[best[1]][0].merge(gap)
        else:
            groups.append((gap, weights))
    return sorted((gap for gap, _ in groups), key=lambda g: (-g.count, -g.last))


def closest_entry(engine: Engine, question: str) -> dict[str, Any] | None:
    """The existing entry closest to a question, as the engine sees it: the one it answered with, or
    the first topic it offered; None when nothing is close (below the engine's floor)."""
    answer = engine.answer_to(engine.understand(question))
    best = answer.intent or (answer.suggestions[0].intent if answer.suggestions else None)
    entry = engine.kb.entries.get(best) if best else None
    if entry is None or answer.confidence < CLOSE_ENOUGH:
        return None
    return {
        "entry": entry.id,
        "title": entry.title.zh,
        "topic": entry.topic,
        "file": entry.file,
        "document": entry.document.id,
        "confidence": round(answer.confidence, 3),
    }


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, TAIPEI).isoformat(timespec="minutes")


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _weeks(rows: list[Interaction]) -> list[dict[str, Any]]:
    """Week by week (Monday to Sunday, Asia/Taipei), quiet weeks included: turns, confident answers
    among the answered-or-refused ones, 👍 and 👎."""
    if not rows:
        return []
    per_week: dict[date, Counter[str]] = defaultdict(Counter)
    for row in rows:
        counts = per_week[_monday(taipei_date(row.at))]
        counts["turns"] += 1
        counts["rated"] += row.route in RATED_ROUTES
        counts["confident"] += row.route in CONFIDENT_ROUTES
        counts["up"] += row.feedback == UP
        counts["down"] += row.feedback == DOWN
    weeks = []
    week, last = min(per_week), max(per_week)
    while week <= last:
        counts = per_week.get(week, Counter())
        rated = counts["rated"]
        weeks.append(
            {
                "week": week.isoformat(),
                "turns": counts["turns"],
                "rated": rated,
                "confident": counts["confident"],
                "share": round(counts["confident"] / rated, 3) if rated else None,
                "up": counts["up"],
                "down": counts["down"],
            }
        )
        week += timedelta(days=7)
    return weeks


def _question_of(row: Interaction) -> str:
    if row.question:
        return row.question
    return "（按鈕）" if row.via == BUTTON else ""


def build(rows: list[Interaction], skipped: int, engine: Engine, since: date | None = None) -> dict[str, Any]:
    """The report as a JSON-ready dict (the `--json` contract; docs/answers.md describes it)."""
    kb = engine.kb
    routes = Counter(row.route for row in rows)
    gaps = group_unanswered(rows, engine)
    unanswered = []
    for gap in gaps:
        leader = gap.phrasings.most_common(1)[0][0]
        unanswered.append(
            {
                "question": leader,
                "count": gap.count,
                "phrasings": [p for p, _ in gap.phrasings.most_common(PHRASINGS_SHOWN)],
                "distinct": len(gap.phrasings),
                "langs": dict(gap.langs),
                "routes": dict(gap.routes),
                "first": _iso(gap.first),
                "last": _iso(gap.last),
                "closest": closest_entry(engine, leader),
            }
        )
    wrong = [
        {
            "at": _iso(row.at),
            "question": _question_of(row),
            "route": row.route,
            "entry": row.entry,
            "title": kb.entries[row.entry].title.zh if row.entry in kb.entries else None,
            "comment": row.comment or "",
            "lang": row.lang,
            "channel": row.channel,
        }
        for row in sorted((r for r in rows if r.feedback == DOWN), key=lambda r: -r.at)
    ]
    asked = [row for row in rows if row.entry]
    per_entry = Counter(row.entry for row in asked)
    per_topic = Counter(kb.entries[row.entry].topic if row.entry in kb.entries else "" for row in asked)
    rated = sum(routes[r] for r in RATED_ROUTES)
    return {
        "since": since.isoformat() if since else None,
        "first": _iso(rows[0].at) if rows else None,
        "last": _iso(rows[-1].at) if rows else None,
        "turns": len(rows),
        "skipped_rows": skipped,
        "channels": dict(Counter(row.channel for row in rows)),
        "routes": {route: routes[route] for route in ("answer", "calculation", "clarification", *UNANSWERED_ROUTES)},
        "confident_share": round(sum(routes[r] for r in CONFIDENT_ROUTES) / rated, 3) if rated else None,
        "feedback": {
            "up": sum(row.feedback == UP for row in rows),
            "down": len(wrong),
            "comments": sum(1 for w in wrong if w["comment"]),
        },
        "unanswered": unanswered,
        "wrong": wrong,
        "topics": [
            {
                "topic": topic or None,
                "title": kb.topics[topic].zh if topic in kb.topics else "（已不在知識庫的條目）",
                "count": count,
                "share": round(count / len(asked), 3),
            }
            for topic, count in per_topic.most_common()
        ],
        "entries": [
            {
                "entry": entry,
                "title": kb.entries[entry].title.zh if entry in kb.entries else None,
                "count": count,
                "up": sum(1 for r in asked if r.entry == entry and r.feedback == UP),
                "down": sum(1 for r in asked if r.entry == entry and r.feedback == DOWN),
            }
            for entry, count in per_entry.most_common(TOP)
        ],
        "weeks": _weeks(rows),
    }


# -- plain text --------------------------------------------------------------------------------


def _pct(share: float | None) -> str:
    return "-" if share is None else f"{share * 100:.0f}%"


def text(report: dict[str, Any]) -> str:
    """The report for a terminal."""
    lines = [
        f"policybot report: {report['turns']} turns"
        + (f", {report['first'][:10]} to {report['last'][:10]}" if report["first"] else "")
        + (f" (since {report['since']})" if report["since"] else ""),
        f"confident answers: {_pct(report['confident_share'])}   "
        f"👍 {report['feedback']['up']}   👎 {report['feedback']['down']} ({report['feedback']['comments']} with comments)",
    ]
    if report["skipped_rows"]:
        lines.append(f"({report['skipped_rows']} unreadable row(s) skipped)")
    lines += ["", f"Unanswered questions ({len(report['unanswered'])} groups):"]
    for gap in report["unanswered"][:TOP]:
        closest = gap["closest"]
        near = f"  ~ {closest['entry']} ({closest['confidence']:.2f})" if closest else ""
        lines.append(f"  {gap['count']:4d}x  {gap['question']}{near}")
        lines += [f"          · {p}" for p in gap["phrasings"][1:4]]
    lines += ["", f"Answers marked wrong ({len(report['wrong'])}):"]
    for item in report["wrong"][:TOP]:
        lines.append(f"  {item['at'][:16]}  {item['entry'] or item['route']}  「{item['question']}」")
        if item["comment"]:
            lines.append(f"          ↳ {item['comment']}")
    lines += ["", "Most-asked topics:"]
    lines += [f"  {t['count']:4d}  {_pct(t['share']):>4}  {t['title']}" for t in report["topics"][:TOP]]
    lines += ["", "Confident answers week by week:"]
    lines += [
        f"  {w['week']}  {_pct(w['share']):>4}  ({w['confident']}/{w['rated']}, 👍{w['up']} 👎{w['down']})"
        for w in report["weeks"]
    ]
    return "\n".join(lines)


# -- knowledge-base stubs ----------------------------------------------------------------------


def _yaml_string(value: str) -> str:
    """A YAML double-quoted scalar (a JSON string is one)."""
    return json.dumps(value, ensure_ascii=False)


def stubs(report: dict[str, Any], engine: Engine) -> str:
    """The unanswered groups as entries in the knowledge base's format (knowledge/data/README.md):
    phrasings filled in, `section`, `title`, `answer` and `quotes` left for the maintainer, the
    closest existing entry named above each. The loader refuses the empty fields, so `make test`
    fails until each stub is completed or deleted."""
    gaps = report["unanswered"]
    documents = Counter((g["closest"] or {}).get("document") for g in gaps if g["closest"])
    default_document = documents.most_common(1)[0][0] if documents else next(iter(engine.kb.documents))
    out = [
        "# Unanswered questions from policybot's interaction log, as knowledge-base entries to complete.",
        f"# Made by `policybot report --export` from {report['turns']} turns"
        + (f" since {report['since']}" if report["since"] else "")
        + ". For each stub: if the closest entry already answers",
        "# these questions, move the phrasings to that entry instead and delete the stub; otherwise give",
        "# it a real id, a section, a title, the answer and the plan's own words in quotes (see",
        "# knowledge/data/README.md), put it in the right knowledge/data/*.yaml file, and run `make test`.",
        "# The loader refuses the empty fields: `make test` fails until every stub is completed or deleted.",
        f"document: {default_document}",
        "entries:" if gaps else "entries: []",
    ]
    for number, gap in enumerate(gaps, 1):
        closest = gap["closest"]
        topic = closest["topic"] if closest else next(iter(engine.kb.topics))
        out.append("")
        out.append(
            f"  # {gap['count']} asks from {gap['first'][:10]} to {gap['last'][:10]} ({', '.join(gap['routes'])})"
        )
        if closest:
            out.append(
                f"  # closest existing entry: {closest['entry']} 「{closest['title']}」 in {closest['file']} "
                f"(match {closest['confidence']:.2f})"
            )
            if closest["document"] != default_document:
                out.append(f"  # it belongs to document {closest['document']}: move this stub to that plan's files")
        else:
            out.append("  # no existing entry is close")
        out.append(f"  - id: new.{topic}.{number}  # give it a stable id")
        out.append(f"    topic: {topic}  # the closest entry's topic; change it if needed")
        out.append('    section: ""  # where the plan says it, e.g. 附件3 諮詢費')
        out.append('    title: {zh: "", en: ""}')
        out.append("    phrasings:  # at least 2 per language")
        for lang in ("zh", "en"):
            said = [p for p in gap["phrasings"] if _lang_of(p) == lang]
            out.append(f"      {lang}:" + ("" if said else " []"))
            out += [f"        - {_yaml_string(p)}" for p in said]
        out.append('    answer: {zh: "", en: ""}  # the plan\'s numbers and units')
        out.append("    quotes: []  # verbatim passages of the plan text that back the answer")
    return "\n".join(out) + "\n"


def _lang_of(question: str) -> str:
    return detect_lang(question) or "zh"
