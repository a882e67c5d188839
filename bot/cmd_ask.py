"""`policybot ask`: one question, or one per line from standard input with --jsonl."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from typing import TextIO

from knowledge.engine import Answer, Engine
from knowledge.loader import KnowledgeBaseError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("ask", help="answer a question about the plans")
    parser.add_argument("question", nargs="?", default=None, help="the question, in Chinese or English")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print one JSON object")
    output.add_argument(
        "--jsonl",
        action="store_true",
        help="read one question per line from standard input, write one JSON object per line",
    )
    parser.add_argument(
        "--lang", choices=("zh", "en"), default=None, help="reply language when the question has no letters to tell"
    )
    parser.set_defaults(func=run)


def format_plain(answer: Answer) -> str:
    lines = [answer.text]
    if answer.sources:
        label = "Source" if answer.lang == "en" else "出處"
        lines.append(f"\n{label}: " + "; ".join(answer.sources))
    if answer.suggestions and not answer.confident:
        label = "Closest topics" if answer.lang == "en" else "相近主題"
        lines.append(f"{label}: " + " / ".join(s.title for s in answer.suggestions))
    return "\n".join(lines)


def _input_lines(stream: TextIO) -> Iterator[str]:
    """Lines of standard input; bytes that are not UTF-8 become U+FFFD instead of stopping the run."""
    raw = getattr(stream, "buffer", None)
    if raw is None:
        yield from stream
        return
    for line in raw:
        yield line.decode("utf-8", errors="replace")


def run(args: argparse.Namespace) -> int:
    try:
        engine = Engine.load()
    except KnowledgeBaseError as exc:
        print(f"policybot: knowledge base error: {exc}", file=sys.stderr)
        return 2
    if args.jsonl:
        for line in _input_lines(sys.stdin):
            answer = engine.answer(line.rstrip("\r\n"), lang=args.lang)
            sys.stdout.write(json.dumps(answer.to_json(), ensure_ascii=False) + "\n")
            sys.stdout.flush()
        return 0
    if args.question is None:
        print("policybot ask: give a question, or --jsonl to read questions from standard input", file=sys.stderr)
        return 2
    answer = engine.answer(args.question, lang=args.lang)
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False))
    else:
        print(format_plain(answer))
    return 0
