"""`policybot chat`: the interactive chat in the terminal (no token, no network); with --jsonl,
the conversation contract: one JSON object in per line ({"chat": id, "text": ...}), one out."""

from __future__ import annotations

import argparse
import sys

from bot.config import Settings
from bot.wiring import build_services, load_knowledge, one_turn_dialog
from handlers.cli import run_chat, run_jsonl


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("chat", help="chat with policybot in the terminal")
    parser.add_argument(
        "--jsonl",
        action="store_true",
        help='read {"chat": ID, "text": ...} (or {"chat": ID, "button": DATA}) per line (plain lines are chat '
        '"default"), write one JSON object per line; each chat id has its own memory for the run, and '
        "feedback (👍/👎 buttons, /wrong) is kept for the run only",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.jsonl:
        return run_jsonl(one_turn_dialog(load_knowledge(settings.data_dir), feedback=True), sys.stdin, sys.stdout)
    services = build_services(settings)
    try:
        return run_chat(services.dialog, sys.stdin, sys.stdout, interactive=sys.stdin.isatty())
    finally:
        services.store.close()
