"""The evaluation question set (tests/data/questions.yaml), shared by the tests and the benchmark."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

QUESTIONS = Path(__file__).resolve().parent.parent / "tests" / "data" / "questions.yaml"
# Written later, blind to the knowledge base and to QUESTIONS; see docs/evidence.md.
HOLDOUT = QUESTIONS.with_name("questions_holdout.yaml")
NONE = "none"


@dataclass(frozen=True)
class Question:
    q: str
    expect: str  # an entry id, or "none" when the plans do not answer it
    style: str
    contains: tuple[str, ...] = field(default_factory=tuple)


def load_questions(path: Path = QUESTIONS) -> list[Question]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Question(
            q=str(item["q"]),
            expect=str(item["expect"]),
            style=str(item.get("style", "")),
            contains=tuple(str(c) for c in item.get("contains") or ()),
        )
        for item in raw["questions"]
    ]


def is_correct(question: Question, intent: str | None) -> bool:
    return (intent or NONE) == question.expect
