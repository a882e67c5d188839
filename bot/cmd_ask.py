"""`policybot ask`: one question, or one per line from standard input with --jsonl. Each question
goes through the same dialog as the chats, as the first message of a new chat."""

from __future__ import annotations

import argparse
import json
import sys

from bot.config import Settings
from bot.wiring import load_knowledge, one_turn_dialog
from handlers.cli import input_lines
from handlers.dialog import ChatRef, Dialog, Reply


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


def format_plain(reply: Reply) -> str:
    lines = [reply.text]
    if reply.suggestions and not reply.confident:
        label = "Closest topics" if reply.lang == "en" else "相近主題"
        lines.append(f"{label}: " + " / ".join(s.title for s in reply.suggestions))
    return "\n".join(lines)


def _ask(dialog: Dialog, number: int, question: str, lang: str | None) -> Reply:
    """A question as the first message of its own chat: no memory of the others."""
    return dialog.handle_text(ChatRef("ask", str(number)), question, lang)


def run(args: argparse.Namespace, settings: Settings) -> int:
    dialog = one_turn_dialog(load_knowledge(settings.data_dir))
    if args.jsonl:
        for number, line in enumerate(input_lines(sys.stdin)):
            reply = _ask(dialog, number, line.rstrip("\r\n"), args.lang)
            sys.stdout.write(json.dumps(reply.to_json(), ensure_ascii=False) + "\n")
            sys.stdout.flush()
        return 0
    if args.question is None:
        print("policybot ask: give a question, or --jsonl to read questions from standard input", file=sys.stderr)
        return 2
    reply = _ask(dialog, 0, args.question, args.lang)
    print(json.dumps(reply.to_json(), ensure_ascii=False) if args.json else format_plain(reply))
    return 0
