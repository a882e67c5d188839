"""`policybot chat`: the interactive chat in the terminal (no token, no network)."""

from __future__ import annotations

import argparse
import sys

from bot import config
from bot.wiring import build_services
from handlers.cli import run_chat
from knowledge.loader import KnowledgeBaseError
from reminders.store import StoreError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("chat", help="chat with policybot in the terminal")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        services = build_services(config.db_path())
    except (KnowledgeBaseError, StoreError) as exc:
        print(f"policybot: {exc}", file=sys.stderr)
        return 2
    return run_chat(services.dialog, sys.stdin, sys.stdout, interactive=sys.stdin.isatty())
