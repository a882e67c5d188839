"""`policybot chat`: the interactive chat in the terminal (no token, no network)."""

from __future__ import annotations

import argparse
import sys

from bot.config import Settings
from bot.wiring import build_services
from handlers.cli import run_chat


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("chat", help="chat with policybot in the terminal")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    services = build_services(settings)
    try:
        return run_chat(services.dialog, sys.stdin, sys.stdout, interactive=sys.stdin.isatty())
    finally:
        services.store.close()
